"""A small site shaped like many real ones, served on 127.0.0.1: each report page carries the
report as an HTML table and links its PDF copy ("附件：…年度报告.pdf", printed by headless
Chromium); no ETag, no Last-Modified, and a visit counter that changes on every request, so
every crawl downloads every page and PDF again."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from tests.archive.representations import chromium_pdf, report_html
from tests.parsers.fixture_builders import SeedReport, to_html

SITE_ID = "documents-site"


def report_page(seed: SeedReport, n: int, visits: int) -> bytes:
    attachment = (f'<p>附件：<a href="/site/files/nb{n}.pdf">{seed.title}.pdf</a></p>'
                  '\n  </div>\n  <div class="share">')
    page = to_html(seed, visits=visits).replace('\n  </div>\n  <div class="share">', attachment, 1)
    return page.encode("utf-8")


class DocumentSite:
    """Reports by number; `publish(n, seed, pdf_seed)` replaces a report's page and PDF."""

    def __init__(self) -> None:
        self.pages: dict[int, SeedReport] = {}
        self.pdfs: dict[int, bytes] = {}
        self.titles: dict[int, str] = {}
        self.visits = 0
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def publish(self, n: int, page: SeedReport, pdf: SeedReport | None = None) -> None:
        self.pages[n] = page
        self.pdfs[n] = chromium_pdf(report_html(pdf or page))
        self.titles[n] = page.title

    def registry(self, path: Path, agencies: list[str]) -> Path:
        site = {"id": SITE_ID, "name": "年报测试站", "start_urls": [f"{self.base_url}/site/"],
                "allowed_paths": ["/site/"], "region": "江西省", "allow_private_network": True,
                "agencies": [{"name": a, "kind": "department", "since": 2021} for a in agencies]}
        path.write_text(yaml.safe_dump({"sites": [site]}, allow_unicode=True), encoding="utf-8")
        return path

    def _body(self, path: str) -> tuple[bytes, str] | None:
        if path in ("/site/", "/site/index.html"):
            links = "".join(f'<li><a href="/site/show-{n}.html">{title}</a></li>'
                            for n, title in sorted(self.titles.items()))
            return (f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul>'
                    "</body></html>").encode("utf-8"), "text/html; charset=utf-8"
        for n in self.pages:
            if path == f"/site/show-{n}.html":
                with self.lock:
                    self.visits += 1
                    return report_page(self.pages[n], n, self.visits), "text/html; charset=utf-8"
            if path == f"/site/files/nb{n}.pdf":
                return self.pdfs[n], "application/pdf"
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                found = site._body(self.path.split("?")[0]) if self.path != "/robots.txt" else None
                if found is None:
                    self.send_error(404)
                    return
                body, content_type = found
                self.send_response(200)  # no ETag, no Last-Modified: nothing to revalidate
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def __enter__(self) -> DocumentSite:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join()
