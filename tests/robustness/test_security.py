"""Security: the published Datasette is read-only, cuts long queries and shows no file system
path; the crawler fetches only http(s) inside each site's domains, and loopback/private
addresses only for a registry entry that sets allow_private_network (all over real HTTP)."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from archive import Archive
from archive.capture import Capture
from crawler.redis_local import free_port

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "tests" / "fixtures" / "seeds"


def fetch(url: str, data: bytes | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """`nianbao serve` over a two-report archive; yields (base URL, database path)."""
    tmp = tmp_path_factory.mktemp("published")
    db = tmp / "nianbao.db"
    with Archive(db, warc_dir=tmp / "warc", fsync=False) as archive:
        for seed in sorted(SEEDS.glob("*.txt"))[:2]:
            archive.ingest(Capture(f"http://www.example.gov.cn/{seed.name}", seed.read_bytes(),
                                   content_type="text/plain; charset=utf-8"))
    port = free_port()
    log = open(tmp / "serve.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "nianbao.cli", "--db", str(db), "serve",
                               "--port", str(port)], cwd=REPO, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        yield base, db
    finally:
        server.terminate()
        server.wait(timeout=20)


def sql(base: str, query: str) -> tuple[int, str]:
    return fetch(f"{base}/nianbao.json?sql={urllib.parse.quote(query)}")


WRITES = ["insert into sites (id) values ('x')", "delete from cell_values",
          "attach database 'x.db' as x", "select 1; delete from sites", "vacuum into 'copy.db'"]


def test_sql_cannot_write(site):
    base, db = site
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for statement in WRITES:
        status, body = sql(base, statement)
        assert status == 400 and json.loads(body)["ok"] is False, (statement, status, body[:200])
    status, _ = fetch(f"{base}/nianbao/sites/-/insert", json.dumps({"row": {"id": "x"}}).encode())
    assert status >= 400
    assert sql(base, "select count(*) from sites where id = 'x'")[0] == 200
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_long_query_is_cut(site):
    base, _ = site
    endless = ("with recursive n(i) as (select 1 union all select i + 1 from n) "
               "select count(*) from n")
    start = time.monotonic()
    status, body = sql(base, endless)
    assert time.monotonic() - start < 15
    assert status == 400 and "took too long" in body


def test_no_file_system_path_is_shown(site):
    base, db = site
    secrets = {str(db), str(db.parent), str(REPO), sys.prefix, os.path.dirname(os.__file__)}
    pages = ["/-/databases.json", "/-/databases", "/-/metadata.json", "/-/plugins.json",
             "/-/versions.json", "/-/settings.json", "/-/threads.json", "/-/threads",
             "/nianbao.json", "/nope", "/nianbao/reports.json?_where=nope(",
             "/nianbao.json?sql=select+*+from+nope", "/nianbao?sql=select+load_extension('x')",
             "/nianbao/reports/999999999"]
    for page in pages:
        _status, body = fetch(base + page)
        for secret in secrets:
            assert secret not in body, (page, secret)


# --- the crawler ----------------------------------------------------------------------------

class Recorder(BaseHTTPRequestHandler):
    """Serves a list page full of links that must not be followed, and records every hit."""

    pages: dict[str, tuple[int, dict[str, str], str]] = {}
    hits: list[tuple[str, str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.hits.append((self.server.server_address[0], self.path))
        status, headers, body = self.pages.get(self.path, (404, {}, "not found"))
        data = body.encode("utf-8")
        self.send_response(status)
        for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve_on(host: str) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def report_link(href: str, year: int) -> str:
    return f'<li><a href="{href}">测试局{year}年政府信息公开工作年度报告</a></li>'


def test_crawler_keeps_to_http_and_the_sites_domains(tmp_path):
    """One site on 127.0.0.1 that may use the loopback; its list links to another host
    (127.0.0.2, also loopback), to localhost, to file:, ftp:, javascript: and mailto: URLs,
    and redirects one report to the other host. A second site, on 127.0.0.2, lacks the flag."""
    home, foreign = serve_on("127.0.0.1"), serve_on("127.0.0.2")
    home_url = f"http://127.0.0.1:{home.server_address[1]}"
    foreign_url = f"http://127.0.0.2:{foreign.server_address[1]}"
    links = [report_link(f"{home_url}/ok.html", 2022),
             report_link(f"{foreign_url}/other.html", 2021),
             report_link(f"http://localhost:{home.server_address[1]}/alias.html", 2020),
             report_link("file:///etc/passwd", 2019), report_link("ftp://127.0.0.1/r.html", 2018),
             report_link("javascript:alert(1)", 2017), report_link("mailto:a@b.cn", 2016),
             report_link(f"{home_url}/moved.html", 2015)]
    report = "<h1>测试局2022年政府信息公开工作年度报告</h1><p>一、总体情况</p>"
    Recorder.pages = {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, ""),
        "/list/": (200, {}, f"<html><body><ul>{''.join(links)}</ul></body></html>"),
        "/ok.html": (200, {}, report), "/other.html": (200, {}, report),
        "/moved.html": (302, {"Location": f"{foreign_url}/other.html"}, ""),
    }
    Recorder.hits = []
    sites = tmp_path / "sites.yml"
    sites.write_text(
        f"- id: home\n  name: 本站\n  start_urls: ['{home_url}/list/']\n"
        "  allow_private_network: true\n"
        f"- id: flagless\n  name: 未授权\n  start_urls: ['{foreign_url}/list/']\n",
        encoding="utf-8")
    try:
        run = subprocess.run(
            [sys.executable, "-m", "nianbao.cli", "--db", str(tmp_path / "nianbao.db"), "crawl",
             "--sites", str(sites), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
             "-s", "RETRY_TIMES=0"],
            cwd=REPO, capture_output=True, text=True, timeout=180)
    finally:
        home.shutdown()
        foreign.shutdown()
    assert run.returncode in (0, 1), run.stderr[-2000:]
    assert {path for host, path in Recorder.hits if host == "127.0.0.2"} == set()
    assert {path for host, path in Recorder.hits} <= {"/robots.txt", "/list/", "/ok.html",
                                                      "/moved.html"}
    assert ("127.0.0.1", "/ok.html") in Recorder.hits
