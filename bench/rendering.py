"""What the rendering fallback costs: pages/s of a static crawl with scrapy-playwright installed
as the download handler and without it (the static path must keep its speed), and a crawl of the
dynamic replica sites (script-built lists, form pagers, county sites) with pages rendered vs
fetched statically; `scrapy bench` on this machine as the reference.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench.crawl import crawl, pages_per_second, scrapy_bench

# Scrapy's own handlers: what the crawl used before the rendering fallback
STATIC_HANDLERS = json.dumps({
    "http": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler",
    "https": "scrapy.core.downloader.handlers.http11.HTTP11DownloadHandler"})


def _rendered(stats: dict) -> int:
    return stats.get("nianbao/render/pages", 0)


def main(argv: list[str] | None = None) -> dict:
    from replica import Replica, agency_sites, form_sites, js_sites
    from replica.dynamic_server import DynamicReplica

    pages = int(argv[0]) if argv else 2000
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-render-") as tmp_name:
        tmp = Path(tmp_name)
        with Replica(bench_pages=pages) as replica:
            sites = replica.registry(tmp / "bench.yml", bench=True)
            with_handler = crawl(tmp / "a.db", sites, tmp / "a.json")
            without = crawl(tmp / "b.db", sites, tmp / "b.json",
                            {"DOWNLOAD_HANDLERS": STATIC_HANDLERS})
        js_sites.warm()
        agency_sites.warm()
        with DynamicReplica({**js_sites.SITES, **form_sites.SITES, **agency_sites.SITES}) as server:
            sites = server.registry(tmp / "dynamic.yml")
            dynamic = crawl(tmp / "d.db", sites, tmp / "d.json")
            starved = crawl(tmp / "e.db", sites, tmp / "e.json", {"NIANBAO_RENDER_PAGES": "0"})
        reference = scrapy_bench(tmp)
    figures = {
        "static_pages": with_handler["response_received_count"],
        "static_pages_per_s_playwright_handler": round(pages_per_second(with_handler), 1),
        "static_pages_per_s_scrapy_handler": round(pages_per_second(without), 1),
        "dynamic_pages": dynamic["response_received_count"],
        "dynamic_pages_rendered": _rendered(dynamic),
        "dynamic_render_seconds": round(dynamic.get("nianbao/render/seconds", 0), 2),
        "dynamic_browser_requests": dynamic.get("nianbao/render/browser_requests", 0),
        "dynamic_reports": dynamic.get("nianbao/new_report", 0),
        "dynamic_pages_per_s": round(pages_per_second(dynamic), 1),
        "dynamic_no_render_pages": starved["response_received_count"],
        "dynamic_no_render_reports": starved.get("nianbao/new_report", 0),
        "dynamic_no_render_pages_per_s": round(pages_per_second(starved), 1),
        "scrapy_bench_pages_per_s": round(reference, 1),
    }
    for key, value in figures.items():
        print(f"{key:40} {value}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
