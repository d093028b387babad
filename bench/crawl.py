"""Crawl throughput and recrawl cost on a generated replica, against `scrapy bench`.

Figures: pages/s of a full crawl of a generated replica site (>= 10,000 list pages, politeness
off) through the whole crawler (link classification, HTTP cache, JOBDIR queue, archive
pipeline); the same for an unchanged recrawl; `scrapy bench` pages/s on this machine, parsed
from its log, run in the same benchmark run. Ratios: crawl / scrapy bench (target >= 0.7) and
recrawl bytes / first-crawl bytes (target <= 0.05).
"""
from __future__ import annotations

import json
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The generated site is 10,000 list pages of news and no report: without a lifted exploring
# budget (crawler/explore.py) the crawl would stop looking after 40 of them.
NO_POLITENESS = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
                 "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "INFO",
                 "NIANBAO_EXPLORE_BUDGET": "1000000"}


def crawl(db: Path, sites: Path, stats: Path, extra: dict[str, str] | None = None) -> dict:
    settings = [x for k, v in {**NO_POLITENESS, **(extra or {})}.items() for x in ("-s", f"{k}={v}")]
    subprocess.run([sys.executable, "-m", "nianbao.cli", "--db", str(db), "crawl", "--sites",
                    str(sites), "--stats-json", str(stats), *settings],
                   cwd=REPO, check=True, capture_output=True)
    return json.loads(stats.read_text())


def scrapy_bench(workdir: Path) -> float:
    """pages/s of `scrapy bench` (outside the project, so Scrapy's defaults), from its log."""
    run = subprocess.run([sys.executable, "-m", "scrapy", "bench"], cwd=workdir,
                         capture_output=True, text=True, check=True)
    rates = [int(r) for r in re.findall(r"Crawled \d+ pages \(at (\d+) pages/min\)", run.stderr)]
    rates = [r for r in rates if r > 0]
    if not rates:
        raise RuntimeError("no 'pages/min' figures in the scrapy bench log")
    return statistics.median(rates) / 60


def pages_per_second(stats: dict) -> float:
    return stats["response_received_count"] / stats["elapsed_time_seconds"]


def main(argv: list[str] | None = None) -> dict:
    from replica import Replica

    pages = int(argv[0]) if argv else 10_000
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-crawl-") as tmp_name:
        tmp = Path(tmp_name)
        with Replica(bench_pages=pages) as replica:
            sites = replica.registry(tmp / "bench.yml", bench=True)
            first = crawl(tmp / "bench.db", sites, tmp / "first.json")
            again = crawl(tmp / "bench.db", sites, tmp / "again.json")
        reference = scrapy_bench(tmp)
    figures = {
        "pages": first["response_received_count"],
        "crawl_pages_per_s": round(pages_per_second(first), 1),
        "recrawl_pages_per_s": round(pages_per_second(again), 1),
        "scrapy_bench_pages_per_s": round(reference, 1),
        "first_crawl_bytes": first["downloader/response_bytes"],
        "recrawl_bytes": again["downloader/response_bytes"],
    }
    figures["ratio_crawl_vs_scrapy_bench"] = round(figures["crawl_pages_per_s"] / reference, 3)
    figures["ratio_recrawl_bytes"] = round(figures["recrawl_bytes"] / figures["first_crawl_bytes"], 4)
    for key, value in figures.items():
        print(f"{key:32} {value}")
    print(f"target: ratio_crawl_vs_scrapy_bench >= 0.7 "
          f"({'met' if figures['ratio_crawl_vs_scrapy_bench'] >= 0.7 else 'NOT met'}), "
          f"ratio_recrawl_bytes <= 0.05 "
          f"({'met' if figures['ratio_recrawl_bytes'] <= 0.05 else 'NOT met'})")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
