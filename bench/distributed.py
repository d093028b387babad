"""Distributed crawl throughput: 1 vs 3 crawler processes (+ the one archive writer) over the
generated replica site of bench/crawl.py, sharing the queue and duplicate filter in Redis.

Figures: pages/s of the crawl (responses of every crawler / wall time from the first start to
the last crawler's exit) and the end-to-end time until the writer has drained the queue.
Ratio: pages/s with 3 crawlers / with 1. The machine has 2 cores shared by the crawlers, the
writer, Redis and the replica server (one Python process): the ratio shows what scaling out
costs or gains here, not on separate hosts.
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from bench.crawl import NO_POLITENESS
from crawler.redis_local import LocalRedis
from tests.distributed.cluster import Cluster


def distributed_crawl(workdir: Path, sites: Path, crawlers: int) -> dict:
    workdir.mkdir(parents=True)
    with LocalRedis(workdir / "redis") as redis_server:
        cluster = Cluster(workdir, redis_server.url, sites, workdir / "bench.db",
                          settings={**NO_POLITENESS, "LOG_LEVEL": "WARNING"})
        start = time.perf_counter()
        cluster.start_writer()
        for index in range(crawlers):
            cluster.start_crawler("--stats-json", str(workdir / f"stats{index}.json"))
        try:
            codes = [p.wait(timeout=3600) for p in cluster.crawlers]
            crawled = time.perf_counter() - start
            codes.append(cluster.writer.wait(timeout=3600))
            drained = time.perf_counter() - start
        finally:
            cluster.kill_all()
    if any(codes):
        raise RuntimeError(f"exit codes {codes}: see {workdir}")
    pages = sum(json.loads((workdir / f"stats{i}.json").read_text())["response_received_count"]
                for i in range(crawlers))
    return {"pages": pages, "crawl_s": round(crawled, 1), "end_to_end_s": round(drained, 1),
            "pages_per_s": round(pages / crawled, 1)}


def main(argv: list[str] | None = None) -> dict:
    from replica import Replica

    pages = int(argv[0]) if argv else 1_000
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="nianbao-bench-distributed-") as tmp_name:
        tmp = Path(tmp_name)
        with Replica(bench_pages=pages) as replica:
            sites = replica.registry(tmp / "bench.yml", bench=True)
            for crawlers in (1, 3):
                run = distributed_crawl(tmp / f"x{crawlers}", sites, crawlers)
                figures.update({f"{key}_{crawlers}_crawlers": value for key, value in run.items()})
    figures["ratio_pages_per_s_3_vs_1"] = round(
        figures["pages_per_s_3_crawlers"] / figures["pages_per_s_1_crawlers"], 3)
    for key, value in figures.items():
        print(f"{key:36} {value}")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
