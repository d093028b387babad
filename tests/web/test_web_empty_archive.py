"""A fresh, empty archive is served without errors (in-process Datasette, real SQLite file)."""
from __future__ import annotations

import asyncio
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

from archive import Archive
from nianbao.serve import build_datasette


def fetch(datasette, paths: list[str]) -> dict[str, tuple[int, str]]:
    async def get_all() -> dict[str, tuple[int, str]]:
        return {p: ((r := await datasette.client.get(p)).status_code, r.text) for p in paths}

    return asyncio.run(get_all())


def test_empty_archive_pages(tmp_path: Path) -> None:
    Archive(tmp_path / "nianbao.db", fsync=False).close()
    datasette = build_datasette(str(tmp_path / "nianbao.db"))
    pages = fetch(datasette, [
        "/", "/nianbao/reports.json?_search=宜春&_shape=array", "/nianbao/new_and_revised.atom",
        "/nianbao/missing_reports.json?year=&_shape=array", "/-/dashboards/overview",
        "/report/1", "/original/1", "/report/1/diff",
    ])
    statuses = {path: status for path, (status, _) in pages.items()}
    assert statuses == {"/": 200, "/nianbao/reports.json?_search=宜春&_shape=array": 200,
                        "/nianbao/new_and_revised.atom": 200,
                        "/nianbao/missing_reports.json?year=&_shape=array": 200,
                        "/-/dashboards/overview": 200,
                        "/report/1": 404, "/original/1": 404, "/report/1/diff": 404}
    assert pages["/nianbao/reports.json?_search=宜春&_shape=array"][1] == "[]"
    feed = ET.fromstring(pages["/nianbao/new_and_revised.atom"][1].encode())
    (entry,) = feed.findall("{http://www.w3.org/2005/Atom}entry")
    assert entry.findtext("{http://www.w3.org/2005/Atom}id") == "urn:nianbao:empty"


def test_serve_refuses_what_is_not_an_archive(tmp_path: Path, capsys) -> None:
    from nianbao.cli import main

    (tmp_path / "text.db").write_text("not a database")
    sqlite_file = tmp_path / "other.db"
    sqlite3.connect(sqlite_file).execute("CREATE TABLE t (x)").connection.close()
    for path in (tmp_path / "missing.db", tmp_path / "text.db", sqlite_file):
        assert main(["--db", str(path), "serve", "--port", "1"]) == 1
    errors = capsys.readouterr().err
    assert "no archive database" in errors and "not a database" in errors and "no such table" in errors
