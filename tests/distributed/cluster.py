"""Run a distributed crawl as real processes: N `nianbao crawl --redis` + one `ingest-worker`,
and read an archive back as comparable query results. Used by tests and bench/distributed.py."""
from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from replica import Replica
from replica.server import Knobs

REPO = Path(__file__).resolve().parents[2]
# Politeness off for a loopback test bed; short heartbeats so a killed crawler is noticed fast.
# The replica's slow page (5 s) always times out and its big file (3 MB) is always over the cap:
# the same fetch errors in every run, so runs compare.
FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "DOWNLOAD_TIMEOUT": "3",
        "DOWNLOAD_MAXSIZE": "1000000", "DOWNLOAD_WARNSIZE": "500000",
        "RETRY_BACKOFF_BASE": "0.05", "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
        "NIANBAO_HEARTBEAT_TTL": "2"}


def replica_for_tests() -> Replica:
    return Replica(knobs=Knobs(slow_seconds=5.0, big_bytes=3_000_000))


def nianbao(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "nianbao.cli", "--db", str(db), *args]


def settings_args(settings: dict[str, str]) -> list[str]:
    return [x for k, v in settings.items() for x in ("-s", f"{k}={v}")]


@dataclass
class Cluster:
    """Processes of one distributed crawl; logs go to files in `workdir`."""

    workdir: Path
    redis_url: str
    sites: Path
    db: Path
    settings: dict[str, str] = field(default_factory=lambda: dict(FAST))
    crawlers: list[subprocess.Popen] = field(default_factory=list)
    writer: subprocess.Popen | None = None

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        out = open(self.workdir / f"{name}.out", "ab")
        err = open(self.workdir / f"{name}.err", "ab")
        return subprocess.Popen(command, cwd=REPO, stdout=out, stderr=err)

    def start_crawler(self, *args: str) -> subprocess.Popen:
        index = len(self.crawlers)
        cache = self.workdir / f"crawler{index}.db"  # places the crawler's HTTP cache only
        command = nianbao(cache, "crawl", "--sites", str(self.sites), "--redis", self.redis_url,
                          *settings_args(self.settings), *args)
        self.crawlers.append(self._spawn(f"crawler{index}", command))
        return self.crawlers[-1]

    def start_writer(self, *args: str) -> subprocess.Popen:
        self.writer = self._spawn("writer", nianbao(self.db, "ingest-worker", "--redis",
                                                    self.redis_url, *args))
        return self.writer

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.err").read_text(errors="replace")

    def wait(self, timeout: float = 240) -> list[int]:
        """Exit codes of every crawler, then of the writer."""
        deadline = time.monotonic() + timeout
        processes = [*self.crawlers, *([self.writer] if self.writer else [])]
        return [p.wait(timeout=max(deadline - time.monotonic(), 1)) for p in processes]

    def kill_all(self) -> None:
        for process in [*self.crawlers, *([self.writer] if self.writer else [])]:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()


def run_cluster(workdir: Path, redis_url: str, sites: Path, db: Path, crawlers: int,
                timeout: float = 240) -> Cluster:
    workdir.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(workdir, redis_url, sites, db)
    cluster.start_writer()
    for _ in range(crawlers):
        cluster.start_crawler()
    try:
        codes = cluster.wait(timeout)
    finally:
        cluster.kill_all()
    if any(codes):
        raise AssertionError(f"exit codes {codes}; writer log:\n{cluster.log('writer')[-3000:]}")
    return cluster


def single_process_crawl(db: Path, sites: Path, settings: dict[str, str] | None = None,
                         check: bool = True) -> subprocess.CompletedProcess:
    settings = {k: v for k, v in {**FAST, **(settings or {})}.items()
                if not k.startswith("NIANBAO_HEARTBEAT")}
    run = subprocess.run(nianbao(db, "crawl", "--sites", str(sites), *settings_args(settings)),
                         cwd=REPO, capture_output=True, text=True, timeout=240)
    if check and run.returncode:
        raise AssertionError(f"single-process crawl failed:\n{run.stderr[-3000:]}")
    return run


# What a crawl puts in the archive, without ids, times and capture bookkeeping (a request a
# dead crawler held is fetched again: one more capture row, never one more version).
ARCHIVE_QUERIES = {
    "reports": "SELECT r.url, r.year, r.title, r.status, a.name FROM reports r "
               "JOIN agencies a ON a.id = r.agency_id ORDER BY r.url",
    "versions": "SELECT r.url, v.seq, v.content_hash, v.cause, v.format, v.checks_failed "
                "FROM versions v JOIN reports r ON r.id = v.report_id ORDER BY r.url, v.seq",
    "cells": "SELECT r.url, v.seq, c.tbl, c.row_key, c.col_key, c.value, c.raw FROM cells c "
             "JOIN versions v ON v.id = c.version_id JOIN reports r ON r.id = v.report_id "
             "ORDER BY 1, 2, 3, 4, 5",
    "changes": "SELECT r.url, c.kind, c.key, c.old, c.new, c.cause FROM changes c "
               "JOIN reports r ON r.id = c.report_id ORDER BY 1, 2, 3, 4, 5",
    "expected": "SELECT a.name, e.year, e.status FROM expected_reports e "
                "JOIN agencies a ON a.id = e.agency_id ORDER BY 1, 2",
}


_ORIGIN = re.compile(r"http://127\.0\.0\.1:\d+")


def archive_contents(db: Path) -> dict[str, list[tuple]]:
    """The rows of ARCHIVE_QUERIES, with the replica's origin (a free port) taken out."""
    with sqlite3.connect(db) as conn:
        return {name: [tuple(_ORIGIN.sub("", v) if isinstance(v, str) else v for v in row)
                       for row in conn.execute(sql)]
                for name, sql in ARCHIVE_QUERIES.items()}


def duplicate_versions(db: Path) -> list[tuple]:
    """Versions of one report with the same content: what a double ingest would leave."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT report_id, content_hash, COUNT(*) FROM versions "
                            "GROUP BY report_id, content_hash HAVING COUNT(*) > 1").fetchall()
