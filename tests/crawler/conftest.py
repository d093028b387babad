"""Crawl tests run the real `nianbao crawl` in a subprocess (the Twisted reactor cannot restart)
against the replica served from this process on 127.0.0.1."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from replica import Replica
from replica.server import Knobs

REPO = Path(__file__).resolve().parents[2]
# Politeness off for a loopback test bed; small timeouts and caps so the fault knobs bite fast.
FAST = {"AUTOTHROTTLE_ENABLED": "0", "DOWNLOAD_DELAY": "0", "DOWNLOAD_TIMEOUT": "1",
        "DOWNLOAD_MAXSIZE": "1000000", "DOWNLOAD_WARNSIZE": "500000", "RETRY_BACKOFF_BASE": "0.05",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "8", "TELNETCONSOLE_ENABLED": "0",
        "REMOTE_CONTROL_ENABLED": "0"}
TEST_KNOBS = Knobs(slow_seconds=2.5, big_bytes=3_000_000)


@dataclass
class CrawlRun:
    returncode: int
    stdout: str
    stderr: str
    stats: dict


def crawl_command(db: Path, sites: Path, *args: str, settings: dict[str, str] | None = None,
                  stats: Path | None = None) -> list[str]:
    overrides = [x for k, v in {**FAST, **(settings or {})}.items() for x in ("-s", f"{k}={v}")]
    extra = ["--stats-json", str(stats)] if stats else []
    return [sys.executable, "-m", "nianbao.cli", "--db", str(db), "crawl", "--sites", str(sites),
            *overrides, *extra, *args]


def run_crawl(db: Path, sites: Path, *args: str, settings: dict[str, str] | None = None,
              timeout: float = 120) -> CrawlRun:
    stats = db.with_suffix(f".stats{len(list(db.parent.glob('*.stats*')))}.json")
    proc = subprocess.run(crawl_command(db, sites, *args, settings=settings, stats=stats),
                          cwd=REPO, capture_output=True, text=True, timeout=timeout)
    data = json.loads(stats.read_text()) if stats.exists() else {}
    return CrawlRun(proc.returncode, proc.stdout, proc.stderr, data)


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def replica(tmp_path: Path):
    with Replica(knobs=TEST_KNOBS) as server:
        yield server
