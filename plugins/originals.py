"""/original/<capture_id>: download an archived original, read from its WARC record.

Only the capture id appears in the URL; WARC file names and paths stay on the server. The body
is sent as an attachment and sandboxed: an archived HTML page must never run as part of this
site.
"""
from __future__ import annotations

import mimetypes
import sqlite3
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlsplit

from datasette import hookimpl
from datasette.utils.asgi import Request, Response

from archive import Archive
from archive.warc_store import Original, WarcStore


def _read(conn: sqlite3.Connection, warc_dir: Path, capture_id: int) -> Original:
    # Archive.read_original holds the WARC lookup (revisit records resolved to the stored
    # payload). Constructing an Archive would open the file for writing, which an immutable
    # Datasette database forbids, so the method runs on Datasette's read-only connection.
    reader = SimpleNamespace(conn=conn, warc=WarcStore(warc_dir))
    return Archive.read_original(reader, capture_id)


def download_name(url: str, capture_id: int, content_type: str | None) -> str:
    name = Path(urlsplit(url).path).name
    if "." not in name:
        extension = mimetypes.guess_extension((content_type or "").split(";")[0].strip()) or ".bin"
        name = f"capture-{capture_id}{extension}"
    return name


async def original(datasette, request: Request) -> Response:
    capture_id = int(request.url_vars["capture_id"])
    db = datasette.get_database()
    row = (await db.execute("SELECT url, final_url, content_type, warc_file FROM captures "
                            "WHERE id = ?", [capture_id])).first()
    # plain 404 responses, not NotFound: datasette prints a traceback for every one of those
    if row is None or not row["warc_file"]:
        return Response.text("没有这次抓取的原文 / no archived original for this capture", status=404)
    config = datasette.plugin_config("nianbao") or {}
    warc_dir = Path(config.get("warc_dir") or Path(db.path).parent / "warc")
    try:
        stored = await db.execute_fn(lambda conn: _read(conn, warc_dir, capture_id))
    except (OSError, StopIteration, TypeError) as exc:  # file gone / record unreadable
        return Response.text(f"原文暂时无法读取 / the original cannot be read: {type(exc).__name__}",
                             status=404)
    name = download_name(row["final_url"] or row["url"], capture_id, row["content_type"])
    return Response(
        stored.payload, status=200,
        content_type=row["content_type"] or "application/octet-stream",
        headers={
            "content-disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "x-content-type-options": "nosniff",
            "content-security-policy": "sandbox",
        },
    )


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [(r"^/original/(?P<capture_id>\d{1,18})$", original)]
