"""`nianbao crawl` (one crawl of the registry) and `nianbao schedule` (cron / systemd timer)."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

from .registry import DEFAULT_SITES, RegistryError
from .schedule import Schedule, install, render


def register(subparsers: argparse._SubParsersAction) -> None:
    crawl = subparsers.add_parser("crawl", help="crawl the registered sites once into the archive")
    crawl.add_argument("--sites", default=str(DEFAULT_SITES), help="site registry YAML")
    crawl.add_argument("--site", action="append", dest="only", metavar="ID",
                       help="crawl only this site id (repeatable)")
    crawl.add_argument("--jobdir", help="crawl directory: HTTP cache + resumable job "
                                        "(default: <db>.crawl next to the database)")
    crawl.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                       help="override a Scrapy setting, e.g. -s DOWNLOAD_DELAY=0")
    crawl.add_argument("--stats-json", help="also write the crawl's Scrapy stats to this file")
    crawl.add_argument("--redis", metavar="URL",
                       help="join a distributed crawl in Redis (captures go to "
                            "`nianbao ingest-worker`), e.g. redis://127.0.0.1:6379/0")
    crawl.set_defaults(func=crawl_command)

    schedule = subparsers.add_parser(
        "schedule", help="print (or install) a calendar-aware crawl schedule")
    schedule.add_argument("--install", action="store_true",
                          help="install it (user crontab, or systemd --user timer files)")
    schedule.add_argument("--format", choices=("cron", "systemd"), default="cron")
    schedule.add_argument("--daily-months", default="1-4",
                          help="months crawled daily, when reports fall due (default 1-4)")
    schedule.add_argument("--weekday", default="mon", help="weekly crawl day otherwise")
    schedule.add_argument("--time", default="03:17", help="local time of day (HH:MM)")
    schedule.add_argument("--sites", default=str(DEFAULT_SITES))
    schedule.set_defaults(func=schedule_command)


def crawl_command(args: argparse.Namespace) -> int:
    from .run import run_crawl

    overrides = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            print(f"nianbao crawl: -s expects NAME=VALUE, got {item!r}", file=sys.stderr)
            return 2
        overrides[name] = value
    try:
        if args.redis:
            from .distributed import run_distributed

            summary = run_distributed(args.redis, args.db, args.sites, args.only, args.jobdir,
                                      overrides)
        else:
            summary = run_crawl(args.db, args.sites, args.only, args.jobdir, overrides)
    except RegistryError as exc:
        print(f"nianbao crawl: {exc}", file=sys.stderr)
        return 2
    print("\n".join(summary.lines()))
    if args.stats_json:
        with open(args.stats_json, "w", encoding="utf-8") as fh:
            json.dump(summary.stats, fh, default=str, ensure_ascii=False, indent=1)
    if summary.sites and not summary.reached and not args.redis:  # (a distributed crawl's
        # coverage is the writer's: one crawler process sees only its share of the pages)
        print("nianbao crawl: no site could be reached (see the lines above)", file=sys.stderr)
        return 1
    return 0 if summary.finish_reason == "finished" else 1


def schedule_command(args: argparse.Namespace) -> int:
    try:
        schedule = Schedule.from_args(args)
    except ValueError as exc:
        print(f"nianbao schedule: {exc}", file=sys.stderr)
        return 2
    if args.install:
        try:
            done = install(schedule, args.format)
        except (OSError, subprocess.CalledProcessError) as exc:
            print(f"nianbao schedule: cannot install ({exc}); try --format systemd", file=sys.stderr)
            return 1
        print("\n".join(done))
    else:
        print(render(schedule, args.format))
    return 0
