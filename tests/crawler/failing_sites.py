"""Sites that fail the way real ones do, served on 127.0.0.1 for the coverage tests: one refusing
connections, one timing out, one whose second list page answers 500, one whose 年报 column
moved (404), one whose column robots.txt disallows, a good one, and one whose 2023 report is a
scan no parser reads. `broken` switches the faults on and off; every site publishes its
agency's 2023 and 2025 reports and never 2024's.
"""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seeds" / "000_7deeb89319d6e7c7.txt"
# site prefix -> its one agency (a department: due 31 January)
AGENCIES = {"good": "宜春市商务局", "slow": "宜春市教育局", "paged": "宜春市民政局",
            "moved": "宜春市财政局", "blocked": "宜春市交通运输局", "refused": "宜春市水利局",
            "scanned": "宜春市林业局"}
PUBLISHED = (2023, 2025)  # 2024 is really absent on every site
# dates beside the links: 2023's on time (due 2024-01-31), 2025's late (due 2026-01-31)
LIST_DATES = {2023: "2024-01-20", 2025: "2026-02-10"}
SLOW_SECONDS = 3.0  # above the tests' DOWNLOAD_TIMEOUT of 1 s
SCAN = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"  # a PDF without a text layer


def report_text(agency: str, year: int) -> str:
    text = SEED.read_text(encoding="utf-8").replace("2022", str(year))
    return text.replace("宜春市工业和信息化局", agency).replace("宜春市工信局", agency)


@dataclass
class Faults:
    broken: bool = True


def _item(prefix: str, year: int) -> str:
    title = f"{AGENCIES[prefix]}{year}年政府信息公开工作年度报告"
    return (f'<li><a href="/{prefix}/r{year}.txt">{title}</a>'
            f"<span>{LIST_DATES[year]}</span></li>")


def page(path: str, faults: Faults) -> tuple[int, str, str]:
    """(status, content type, body) for a path on any of the sites."""
    html = "text/html; charset=utf-8"
    if path == "/robots.txt":
        rule = "Disallow: /blocked/ndbg/\n" if faults.broken else ""
        return 200, "text/plain", f"User-agent: *\n{rule}"
    prefix, _, rest = path.strip("/").partition("/")
    if prefix not in AGENCIES:
        return 404, html, "not found"
    if rest == "":
        return 200, html, (f'<html><body><h1>{AGENCIES[prefix]}</h1><a href="/{prefix}/news/">'
                           f'新闻</a> <a href="/{prefix}/ndbg/">政府信息公开年报</a></body></html>')
    if faults.broken and (prefix, rest) in (("moved", "ndbg"), ("paged", "ndbg/2.html")):
        return (404 if prefix == "moved" else 500), html, "error"
    if rest == "ndbg":
        if faults.broken and prefix == "slow":
            time.sleep(SLOW_SECONDS)
        return 200, html, (f"<html><body><ul>{_item(prefix, 2023)}</ul>"
                           f'<a href="/{prefix}/ndbg/2.html">下一页</a></body></html>')
    if rest == "ndbg/2.html":
        return 200, html, f"<html><body><ul>{_item(prefix, 2025)}</ul></body></html>"
    if (prefix, rest) == ("scanned", "r2023.txt"):
        return 200, "application/pdf", SCAN
    for year in PUBLISHED:
        if rest == f"r{year}.txt":
            return 200, "text/plain; charset=utf-8", report_text(AGENCIES[prefix], year)
    return 404, html, "not found"


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        status, ctype, body = page(self.path.split("?")[0], self.server.faults)
        data = body.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Last-Modified", format_datetime(datetime.now(timezone.utc),
                                                              usegmt=True))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the crawler gave up (timeout)
            pass

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, faults: Faults) -> None:
        self.faults = faults
        super().__init__(("127.0.0.1", port), _Handler)


class FailingSites:
    """Every site on one port but `refused`, which has its own port: nothing listens there while
    `broken`, then a server does."""

    def __init__(self) -> None:
        self.faults = Faults()
        self.main = _Server(0, self.faults)
        with socket.socket() as probe:  # a free port, left closed: connections are refused
            probe.bind(("127.0.0.1", 0))
            self.refused_port = probe.getsockname()[1]
        self.servers = [self.main]
        threading.Thread(target=self.main.serve_forever, daemon=True).start()

    def fix(self) -> None:
        self.faults.broken = False
        if len(self.servers) == 1:
            second = _Server(self.refused_port, self.faults)
            self.servers.append(second)
            threading.Thread(target=second.serve_forever, daemon=True).start()

    def set_broken(self) -> None:
        """Faults back on; the refused site's server stops listening."""
        self.faults.broken = True
        for server in self.servers[1:]:
            server.shutdown()
            server.server_close()
        self.servers = [self.main]

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def registry(self, path: Path, only: tuple[str, ...] = tuple(AGENCIES)) -> Path:
        port = self.main.server_port
        sites = [{"id": f"fail-{p}", "name": AGENCIES[p], "allowed_paths": [f"/{p}/"],
                  "start_urls": [f"http://127.0.0.1:"
                                 f"{self.refused_port if p == 'refused' else port}/{p}/"],
                  "allow_private_network": True,
                  "agencies": [{"name": AGENCIES[p], "kind": "department", "since": 2023}]}
                 for p in only]
        path.write_text(yaml.safe_dump({"sites": sites}, allow_unicode=True), encoding="utf-8")
        return path
