"""`nianbao ingest | missing | changes | reparse` against a real file and a real local HTTP server."""
from __future__ import annotations

import sqlite3
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

    # a hand-ingested agency's site was never crawled: its 2023 report is not checked, not missing
    assert main(["--db", db, "missing", "--as-of", "2024-02-01"]) == 0
    out = capsys.readouterr().out
    assert "宜春市工业和信息化局  2023  2024-01-31  not checked" in out
    assert "never crawled completely" in out and "0 missing" in out
    assert main(["--db", db, "coverage"]) == 0
    assert "0 sites, 0 whose last crawl was not complete" in capsys.readouterr().out

    assert main(["--db", db, "changes", "--since", "2000-01-01"]) == 0
    out = capsys.readouterr().out
    assert "active/penalty/decisions  1    2    agency" in out and "1 changes since" in out

    assert main(["--db", db, "reparse"]) == 0
    assert "re-parsed 2 versions: 0 changed" in capsys.readouterr().out
    assert main(["--db", db, "ingest", str(tmp_path / "no-such-file.txt")]) == 1


def _bulk_inputs(directory: Path) -> list[str]:
    """Every input kind a bulk ingest meets: the five seeds as text, three as HTML and DOCX
    (real python-docx), one as PDF, a corrupt DOCX, a page that is no report, and a copy."""
    from tests.conftest import SEED_FILES, SEEDS_DIR
    from tests.parsers import fixture_builders as fb

    files = {f"{n[:3]}.txt": (SEEDS_DIR / n).read_bytes() for n in SEED_FILES}
    files |= {f"{n[:3]}.{kind}": fb.seed_file(n, kind)
              for n in SEED_FILES[1:4] for kind in ("html", "docx")}
    files |= {"004.pdf": fb.seed_file(SEED_FILES[4], "pdf"),
              "broken.docx": b"PK\x03\x04 not really a zip archive",
              "news.html": "<html><body><p>新闻动态</p></body></html>".encode("utf-8"),
              "copy.txt": (SEEDS_DIR / SEED_FILES[0]).read_bytes()}
    for name, body in files.items():
        (directory / name).write_bytes(body)
    return [str(directory / name) for name in files]


def _outcomes(out: str) -> list[tuple[str, str]]:
    return [(Path(line.split("\t")[0]).name, line.split("\t")[1]) for line in out.splitlines()]


def test_bulk_ingest_in_worker_processes_matches_one_process(tmp_path: Path, capsys) -> None:
    inputs = _bulk_inputs(tmp_path)
    results = {}
    for jobs in ("1", "2"):
        db = str(tmp_path / f"jobs{jobs}.db")
        assert main(["--db", db, "ingest", *inputs, "--jobs", jobs]) == 1  # broken.docx fails
        results[jobs] = _outcomes(capsys.readouterr().out)
    assert results["2"] == results["1"]
    outcomes = dict(results["2"])
    assert outcomes["000.txt"] == "new_report" and outcomes["copy.txt"] == "republished"
    assert outcomes["broken.docx"] == "error" and outcomes["news.html"] == "not_report"
    assert outcomes["004.pdf"] in ("new_report", "representation")
    assert len(results["2"]) == len(inputs)
    stored = [sqlite3.connect(tmp_path / f"jobs{jobs}.db").execute(
        "SELECT report_id, seq, content_hash, (SELECT count(*) FROM cell_values c "
        "WHERE c.version_id = v.id) FROM versions v ORDER BY id").fetchall() for jobs in "12"]
    assert stored[0] == stored[1] and len(stored[0]) >= 5
