"""`nianbao ingest | missing | changes | reparse` against a real file and a real local HTTP server."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nianbao.cli import main

from archive_helpers import seed_text

PAGES = {"/nb2022.txt": seed_text().encode("utf-8")}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        body = PAGES.get(self.path)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write(body or b"not found")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_ingest_missing_changes_reparse(tmp_path: Path, server: str, capsys) -> None:
    db = str(tmp_path / "nianbao.db")
    revised = tmp_path / "nb2022-revised.txt"
    revised.write_text(seed_text().replace("\t行政处罚\n\t1\n", "\t行政处罚\n\t2\n"), encoding="utf-8")

    assert main(["--db", db, "ingest", f"{server}/nb2022.txt"]) == 0
    assert main(["--db", db, "ingest", str(revised), "--url", f"{server}/nb2022.txt"]) == 0
    assert main(["--db", db, "ingest", f"{server}/gone.html"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split("\t")[1] == "new_report"
    assert out[1].split("\t")[1:] == ["revised", "report 1 version 2, 1 cells changed"]
    assert "gone (HTTP 404)" in out[2]

    assert main(["--db", db, "missing", "--as-of", "2024-02-01"]) == 0
    out = capsys.readouterr().out
    assert "宜春市工业和信息化局  2023  2024-01-31  missing  1" in out

    assert main(["--db", db, "changes", "--since", "2000-01-01"]) == 0
    out = capsys.readouterr().out
    assert "active/penalty/decisions  1    2    agency" in out and "1 changes since" in out

    assert main(["--db", db, "reparse"]) == 0
    assert "re-parsed 2 versions: 0 changed" in capsys.readouterr().out
    assert main(["--db", db, "ingest", str(tmp_path / "no-such-file.txt")]) == 1
