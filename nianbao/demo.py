"""`nianbao demo`: serve the bundled replica, crawl it (first, then its 'later' state), build the
archive, and publish it with Datasette."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

# Politeness is for real government servers; the replica is ours, on loopback.
REPLICA_SETTINGS = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0",
                    "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "RETRY_BACKOFF_BASE": "0.5"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("demo", help="crawl the bundled replica sites and serve the archive")
    parser.add_argument("--replica-port", type=int, default=8765,
                        help="port of the replica (default 8765, as in replica/sites.yml)")
    parser.add_argument("--port", type=int, default=8001, help="Datasette port")
    parser.add_argument("--once", action="store_true",
                        help="crawl only the first state (default: first, then 'later')")
    parser.add_argument("--no-serve", action="store_true", help="stop after building the archive")
    parser.set_defaults(func=demo)


def crawl(db: str, sites: Path) -> int:
    """One crawl in a child process: Scrapy's reactor cannot be restarted in this one."""
    settings = [x for k, v in REPLICA_SETTINGS.items() for x in ("-s", f"{k}={v}")]
    return subprocess.run([sys.executable, "-m", "nianbao.cli", "--db", db, "crawl",
                           "--sites", str(sites), *settings]).returncode


def demo(args: argparse.Namespace) -> int:
    from replica import Replica
    from replica.server import Knobs

    try:
        replica = Replica(args.replica_port, knobs=Knobs(slow_seconds=2.0)).start()
    except OSError as exc:
        print(f"nianbao demo: cannot serve the replica on port {args.replica_port}: {exc}",
              file=sys.stderr)
        return 1
    try:
        crawl_dir = Path(args.db).with_suffix(".crawl")
        crawl_dir.mkdir(parents=True, exist_ok=True)
        sites = replica.registry(crawl_dir / "replica-sites.yml")
        print(f"replica serving at {replica.base_url}/ ; crawling it into {args.db}")
        states = ["first"] if args.once else ["first", "later"]
        for state in states:
            replica.set_state(state)
            print(f"-- crawl of the replica's {state!r} state")
            if crawl(args.db, sites) not in (0, 1):
                print("nianbao demo: the crawl failed", file=sys.stderr)
                return 1
        if args.no_serve:
            return 0
        from nianbao.serve import serve

        print(f"archive at http://127.0.0.1:{args.port}/ (Ctrl-C to stop)")
        serve(args.db, args.port)
        return 0
    finally:
        replica.stop()
