"""`nianbao ingest-worker`: the single archive writer of a distributed crawl.

Crawler processes (`nianbao crawl --redis URL`, any number, any host) share the request queue
and the duplicate filter in Redis and push captures there; this process is the only one that
writes the SQLite archive and the WARC files. It stops by itself once every crawler is done and
the queue is drained, after the complete-crawl bookkeeping.
"""
from __future__ import annotations

import argparse
import logging
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    worker = subparsers.add_parser("ingest-worker",
                                   help="write captures of a distributed crawl into the archive")
    worker.add_argument("--redis", required=True, metavar="URL",
                        help="the crawl's Redis, e.g. redis://127.0.0.1:6379/0")
    worker.add_argument("--warc-dir", help="WARC directory (default: warc/ next to the database)")
    worker.add_argument("--max-wait", type=float, default=None, metavar="SECONDS",
                        help="give up after this long without a capture while the crawl is "
                             "not finished (default: wait for the crawlers)")
    worker.set_defaults(func=ingest_worker_command)


def ingest_worker_command(args: argparse.Namespace) -> int:
    from archive import Archive
    from archive.queue_writer import QueueWriter, WriterError
    from crawlstate.redis_state import connect

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with Archive(args.db, warc_dir=args.warc_dir) as archive:
        writer = QueueWriter(connect(args.redis), archive)
        try:
            stats = writer.run(max_wait=args.max_wait)
        except WriterError as exc:
            print(f"nianbao ingest-worker: {exc}", file=sys.stderr)
            return 1
    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(stats.outcomes.items())) or "none"
    print(f"ingest-worker finished: {stats.ingested} captures ingested ({outcomes}); "
          f"{stats.skipped_duplicates} already archived; {stats.requeued_at_start} requeued at "
          f"start; crawl completed for {len(stats.completed_sites)} sites")
    return 0
