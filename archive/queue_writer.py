"""The single archive writer of a distributed crawl: captures arrive through a Redis list.

SQLite keeps one writer: crawler processes RPUSH encoded captures, this process ingests them.
Reliable queue: BLMOVE takes a capture into a processing list, the entry is removed (acked) only
after the transaction that stored it committed, and entries left in the processing list by a
killed writer go back to the queue at start. Re-ingesting such an entry is skipped when the
captures table already holds it (same url, fetch time and sha256), so a SIGKILL loses nothing
and duplicates nothing. The captures at the head of the queue are written together, in one
transaction (Archive.ingest_many), in queue order. A failing write (e.g. ENOSPC on the WARC
disk) rolls back its batch and stops the writer with a clear error; the batch stays queued for
the next run. The next captures are parsed and prepared ahead in worker processes
(archive/bulk.py's pool; each parse bounded by parsers.limits) while older ones are written.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
import os
import sqlite3
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Protocol

import redis

from crawlstate.redis_state import CrawlKeys, CrawlRegistry

from . import coverage
from .bulk import parsing_pool
from .capture import Capture, IngestResult
from .coverage import SiteCrawl
from .store import Parsed, prepare_capture

log = logging.getLogger(__name__)

# Captures written per transaction (one commit and one WARC fsync for all: ~2.5x the rate of a
# transaction each here, more on disks with slow fsync), and the bytes they may hold in memory.
BATCH = 32
BATCH_BYTES = 64 * 1024 * 1024


class ArchiveLike(Protocol):
    conn: sqlite3.Connection

    def ingest_many(self, captures: Iterable[Capture],
                    parsed: Iterable[Parsed | None] | None = None,
                    batch: int = 256) -> Iterator[IngestResult]: ...

    def register_sites(self, sites: list[dict]) -> None: ...

    def mark_gone(self, url: str, status: int, site_id: str | None = None) -> list[int]: ...

    def complete_crawl(self, site_id: str, seen_urls: set[str]) -> list[int]: ...

    def refresh_expected(self) -> None: ...

    def record_site_crawl(self, crawl: SiteCrawl) -> int: ...


# Messages are JSON, not pickle: the writer must never run code that arrived through Redis.
def encode_capture(capture: Capture) -> bytes:
    record = dataclasses.asdict(capture)
    record["body"] = base64.b64encode(capture.body).decode("ascii")
    return _encode({"kind": "capture", "capture": record})


def encode_gone(url: str, status: int, site_id: str | None) -> bytes:
    """A report URL that answered 404/410 (Archive.mark_gone)."""
    return _encode({"kind": "gone", "url": url, "status": status, "site_id": site_id})


def encode_sites(sites: list[dict]) -> bytes:
    """The crawl's registry entries (Archive.register_sites), sent once by the seeder."""
    return _encode({"kind": "sites", "sites": sites})


def _encode(message: dict) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8")


def decode_capture(record: dict) -> Capture:
    return Capture(**{**record, "body": base64.b64decode(record["body"])})


class WriterError(RuntimeError):
    """The archive could not take a capture; the capture stays queued for the next run."""


@dataclass
class WriterStats:
    ingested: int = 0
    skipped_duplicates: int = 0
    requeued_at_start: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    completed_sites: list[str] = field(default_factory=list)


@dataclass
class _Taken:
    """A message moved to the processing list, with its capture's parse under way."""
    data: bytes
    message: dict
    capture: Capture | None = None
    parsed: Future | None = None


class QueueWriter:
    def __init__(self, server: redis.Redis, archive: ArchiveLike, keys: CrawlKeys | None = None,
                 poll_seconds: float = 1.0, parse_workers: int | None = None) -> None:
        self.server = server
        self.archive = archive
        self.keys = keys or CrawlKeys()
        self.registry = CrawlRegistry(server, self.keys)
        self.poll_seconds = poll_seconds
        self.parse_workers = parse_workers or os.cpu_count() or 1
        self.stats = WriterStats()

    def requeue_unacked(self) -> int:
        """Put back (at the head, in order) what a previous writer took but never acked."""
        moved = 0
        while self.server.lmove(self.keys.processing, self.keys.captures, "RIGHT", "LEFT"):
            moved += 1
        if moved:
            log.warning("requeued %d captures a previous writer had not committed", moved)
        return moved

    def run(self, max_wait: float | None = None) -> WriterStats:
        """Ingest until the crawl is finished and the queue drained; then complete the crawl.

        `max_wait` (seconds without a capture while the crawl is not finished) bounds a wait
        for crawlers that never come; None waits as long as it takes.
        """
        self.stats.requeued_at_start = self.requeue_unacked()
        idle_since = time.monotonic()
        taken: deque[_Taken] = deque()
        with parsing_pool(self.parse_workers) as pool:
            while True:
                self._take_ahead(taken, pool)
                if not taken:
                    data = self.server.blmove(self.keys.captures, self.keys.processing,
                                              self.poll_seconds, "LEFT", "RIGHT")
                    if data is None:
                        if self._crawl_over(idle_since, max_wait):
                            return self.stats
                        continue
                    taken.append(self._take(data, pool))
                batch = self._next_batch(taken)
                self._ingest(batch)
                for item in batch:
                    self.server.lrem(self.keys.processing, 1, item.data)
                idle_since = time.monotonic()

    def _take_ahead(self, taken: deque[_Taken], pool: Executor) -> None:
        """Keep up to a batch of captures parsing while older ones are written: parsing is pure
        and bounded (parsers.limits), so it runs in worker processes; writes stay in queue
        order. Bytes in flight are capped too: a batch of large PDFs must not fill memory."""
        in_flight = sum(len(item.data) for item in taken)
        while len(taken) < max(BATCH, self.parse_workers) and in_flight < BATCH_BYTES:
            data = self.server.lmove(self.keys.captures, self.keys.processing, "LEFT", "RIGHT")
            if data is None:
                return
            taken.append(self._take(data, pool))
            in_flight += len(data)

    @staticmethod
    def _next_batch(taken: deque[_Taken]) -> list[_Taken]:
        """The oldest message alone, or the captures at the head of the queue: written in
        one transaction (one commit, one WARC fsync), acked together after it."""
        batch = [taken.popleft()]
        while batch[0].capture is not None and taken and taken[0].capture is not None:
            batch.append(taken.popleft())
        return batch

    @staticmethod
    def _take(data: bytes, pool: Executor) -> _Taken:
        message = json.loads(data)
        if message["kind"] != "capture":
            return _Taken(data, message)
        capture = decode_capture(message["capture"])
        return _Taken(data, message, capture, pool.submit(prepare_capture, capture))

    def _crawl_over(self, idle_since: float, max_wait: float | None) -> bool:
        status = self.registry.status()
        if status.state == "finished" and not self.server.llen(self.keys.captures):
            self._finish_crawl()
            return True
        if max_wait is not None and time.monotonic() - idle_since > max_wait:
            raise WriterError(f"no capture for {max_wait:.0f}s and the crawl is "
                              f"{status.state}: {status.detail}")
        return False

    def _ingest(self, batch: list[_Taken]) -> None:
        message = batch[0].message
        try:
            if message["kind"] == "sites":
                self.archive.register_sites(message["sites"])
            elif message["kind"] == "gone":
                self.archive.mark_gone(message["url"], message["status"], message["site_id"])
            else:
                self._ingest_captures(batch)
        except (OSError, sqlite3.OperationalError) as exc:  # the disk, not the document:
            # keep the messages for a retry
            raise WriterError(f"archive write failed ({message['kind']}): {exc}; "
                              "it stays queued for the next run") from exc

    def _ingest_captures(self, batch: list[_Taken]) -> None:
        fresh = [item for item in batch if not self._already_archived(item.capture)]
        self.stats.skipped_duplicates += len(batch) - len(fresh)
        results = self.archive.ingest_many([item.capture for item in fresh],
                                           [item.parsed.result() for item in fresh], len(fresh))
        for result in results:
            self.stats.ingested += 1
            self.stats.outcomes[result.outcome] = self.stats.outcomes.get(result.outcome, 0) + 1

    def _already_archived(self, capture: Capture) -> bool:
        """A capture whose commit happened just before a writer was killed (before its ack)."""
        if capture.fetched_at is None:
            return False
        digest = hashlib.sha256(capture.body).hexdigest()
        row = self.archive.conn.execute(
            "SELECT 1 FROM captures WHERE url = ? AND fetched_at = ? AND sha256 = ?",
            (capture.url, capture.fetched_at, digest)).fetchone()
        return row is not None

    def _finish_crawl(self) -> None:
        """Complete-crawl bookkeeping for every site whose list pages were all read."""
        incomplete = self.registry.incomplete_sites()
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        for site_id, urls in sorted(self.registry.seen_by_site().items()):
            crawl = coverage.distributed_crawl(site_id, urls, site_id in incomplete, now)
            self.archive.record_site_crawl(crawl)
            if not crawl.complete:
                log.warning("site %s: crawl not complete (%s): not marking unseen reports",
                            site_id, crawl.why)
                continue
            self.archive.complete_crawl(site_id, urls)
            self.stats.completed_sites.append(site_id)
        self.archive.refresh_expected()
        self.registry.reset()
