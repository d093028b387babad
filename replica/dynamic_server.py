"""A second replica server for sites that need more than files: ASP.NET postback lists, form
pagers, lists built by script from a JSON API, onclick details and downloads.

Each site module (replica/form_sites.py, replica/js_sites.py) answers requests with a `Reply`
computed from the method, path, query and posted form; this module serves them over HTTP on
127.0.0.1, logs every request, and writes the sites' registry.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from .server import Hit


@dataclass
class Reply:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = False  # ETag over the body (static documents)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    state: str


Site = Callable[[Request], "Reply | None"]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._answer({})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        charset = self.server.owner.form_charset(urlsplit(self.path).path)
        form = {k: v[0] for k, v in parse_qs(raw.decode("ascii", "replace"), keep_blank_values=True,
                                              encoding=charset).items()}
        self._answer(form)

    def _answer(self, form: dict[str, str]) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = Request(self.command, parts.path, query, form, self.server.owner.state)
        reply = self.server.owner.reply(request) or Reply(b"not found", "text/plain", 404)
        headers = dict(reply.headers)
        if reply.validators:
            etag = '"' + hashlib.sha1(reply.body).hexdigest()[:16] + '"'
            headers["ETag"] = etag
            if etag == self.headers.get("If-None-Match"):
                return self._send(304, b"", None, headers)
        self._send(reply.status, reply.body, reply.content_type, headers)

    def _send(self, status: int, body: bytes, content_type: str | None,
              headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        with self.server.owner.lock:
            self.server.owner.hits.append(Hit(self.command, self.path, status, len(body)))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: "DynamicReplica"


class DynamicReplica:
    """Serve `sites` ({path prefix: (answer, registry entry, form charset)}) on 127.0.0.1."""

    def __init__(self, sites: dict[str, tuple[Site, dict, str]], port: int = 0) -> None:
        self.sites = sites
        self.state = "first"
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", port), _Handler)
        self.httpd.owner = self
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def reply(self, request: Request) -> Reply | None:
        if request.path == "/robots.txt":
            return Reply(b"User-agent: *\nDisallow: /private/\n", "text/plain")
        for prefix, (answer, _, _) in self.sites.items():
            if request.path.startswith(prefix):
                return answer(request)
        return None

    def form_charset(self, path: str) -> str:
        return next((c for p, (_, _, c) in self.sites.items() if path.startswith(p)), "utf-8")

    def registry(self, path: Path) -> Path:
        entries = []
        for prefix, (_, entry, _) in self.sites.items():
            entries.append({**entry, "start_urls": [f"{self.base_url}{prefix}"],
                            "allowed_paths": [prefix], "allow_private_network": True})
        path.write_text(yaml.safe_dump({"sites": entries}, allow_unicode=True), encoding="utf-8")
        return path

    def __enter__(self) -> "DynamicReplica":
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
