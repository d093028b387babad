"""The replica HTTP server: conditional GET, robots.txt, a 'later' state switch and fault knobs.

stdlib ThreadingHTTPServer: enough for a test bed and the 10,000-page benchmark.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import bench_site, pages
from .pages import Page

MODIFIED = {"first": datetime(2024, 2, 1, tzinfo=timezone.utc),
            "later": datetime(2024, 3, 15, tzinfo=timezone.utc)}


@dataclass
class Hit:
    method: str
    path: str
    status: int
    size: int  # body bytes sent
    at: float = field(default_factory=time.monotonic)  # when the answer was sent


@dataclass
class Knobs:
    slow_seconds: float = 5.0  # /faults/slow.html answers after this long
    big_bytes: int = 60 * 1024 * 1024  # /faults/big.pdf size (over the 50 MB default cap)
    flaky_failures: int = 1  # /faults/list.html answers 500 this many times first


@dataclass
class ReplicaState:
    state: str = "first"
    bench_pages: int = 0
    knobs: Knobs = field(default_factory=Knobs)
    sites: dict[str, dict[str, Page]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    visits: int = 0
    flaky_served: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def prepare(self, state: str) -> None:
        for name in ("first", state):  # 'later' validators compare against 'first'
            if name not in self.sites:
                self.sites[name] = pages.build(name)

    def pages(self) -> dict[str, Page]:
        return self.sites[self.state]

    def modified(self, path: str) -> datetime:
        """Last-Modified: the 'first' date unless the page changed in the 'later' state."""
        first = self.sites.get("first", {}).get(path)
        current = self.pages().get(path)
        if self.state == "later" and (first is None or current is None or first.body != current.body):
            return MODIFIED["later"]
        return MODIFIED["first"]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    server: "ReplicaHTTPServer"

    def log_message(self, format: str, *args: object) -> None:  # requests go to state.hits
        pass

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:  # Hanweb's jpage posts to dataproxy.jsp
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.do_GET()

    def do_GET(self) -> None:
        st = self.server.state
        parts = urlsplit(self.path)
        with st.lock:
            st.visits += 1
            visit = st.visits
        if parts.path == "/faults/slow.html":
            time.sleep(st.knobs.slow_seconds)
        if parts.path == "/faults/big.pdf":
            return self._send(200, b"%PDF-1.4\n" + b"0" * st.knobs.big_bytes, "application/pdf")
        if parts.path == "/faults/list.html":
            with st.lock:
                st.flaky_served += 1
                failing = st.flaky_served <= st.knobs.flaky_failures
            if failing:
                return self._send(500, b"temporarily broken", "text/plain")
        page = self._page(parts.path, parts.query)
        if page is None:
            return self._send(404, b"not found", "text/html; charset=utf-8")
        if page.location:
            return self._send(page.status, b"", "text/html", {"Location": page.location})
        etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
        modified = st.modified(parts.path)
        validators = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True),
                      "Cache-Control": "no-cache", **page.headers}
        if self._not_modified(etag, modified):
            return self._send(304, b"", None, validators)
        # Chrome changes on every request; the validators do not (they are over the page).
        body = pages.render_chrome(page, visit, datetime.now()) if page.chrome_encoding else page.body
        self._send(page.status, body, page.content_type, validators)

    def _page(self, path: str, query: str) -> Page | None:
        st = self.server.state
        if path.startswith("/bench/"):
            return bench_site.page(path, st.bench_pages)
        if path == pages.DATAPROXY:
            params = parse_qs(query)
            if not {"columnid", "unitid", "webid"} <= set(params):
                return Page(b"missing parameters", "text/plain", status=400, chrome_encoding=None)
            path = f"{path}?startrecord={params.get('startrecord', ['1'])[0]}"
        site_pages = st.pages()
        if query and f"{path}?{query}" in site_pages:  # e.g. show.jsp?id=1001
            return site_pages[f"{path}?{query}"]
        return site_pages.get(path) or site_pages.get(path.rstrip("/") + "/")

    def _not_modified(self, etag: str, modified: datetime) -> bool:
        if self.headers.get("If-None-Match"):
            return etag in [t.strip() for t in self.headers["If-None-Match"].split(",")]
        since = self.headers.get("If-Modified-Since")
        if not since:
            return False
        try:
            return modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False

    def _send(self, status: int, body: bytes, content_type: str | None,
              headers: dict[str, str] | None = None) -> None:
        sent = 0
        try:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD" and status != 304:
                self.wfile.write(body)
                sent = len(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout, size cap)
            self.close_connection = True
        with self.server.state.lock:
            self.server.state.hits.append(Hit(self.command, self.path, status, sent))


class ReplicaHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], state: ReplicaState) -> None:
        super().__init__(address, Handler)
        self.state = state
