"""The single archive writer of a distributed crawl: captures arrive through a Redis list.

SQLite keeps one writer: crawler processes RPUSH encoded captures, this process ingests them.
Reliable queue: BLMOVE takes a capture into a processing list, the entry is removed (acked) only
after `Archive.ingest` committed, and entries left in the processing list by a killed writer
go back to the queue at start. Re-ingesting such an entry is skipped when the captures table
already holds it (same url, fetch time and sha256), so a SIGKILL loses nothing and duplicates
nothing. A failing ingest (e.g. ENOSPC on the WARC disk) stops the writer with a clear error
and leaves the capture queued for the next run.
"""
from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Protocol

import redis

from crawler.redis_crawl_state import CrawlKeys, CrawlRegistry

from .capture import Capture, IngestResult

log = logging.getLogger(__name__)


class ArchiveLike(Protocol):
    conn: sqlite3.Connection

    def ingest(self, capture: Capture) -> IngestResult: ...

    def register_sites(self, sites: list[dict]) -> None: ...

    def mark_gone(self, url: str, status: int, site_id: str | None = None) -> list[int]: ...

    def complete_crawl(self, site_id: str, seen_urls: set[str]) -> list[int]: ...

    def refresh_expected(self) -> None: ...


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


class QueueWriter:
    def __init__(self, server: redis.Redis, archive: ArchiveLike, keys: CrawlKeys | None = None,
                 poll_seconds: float = 1.0, heartbeat_ttl: float = 10.0) -> None:
        self.server = server
        self.archive = archive
        self.keys = keys or CrawlKeys()
        self.registry = CrawlRegistry(server, self.keys, heartbeat_ttl)
        self.poll_seconds = poll_seconds
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
        while True:
            data = self.server.blmove(self.keys.captures, self.keys.processing,
                                      self.poll_seconds, "LEFT", "RIGHT")
            if data is not None:
                self._ingest(data)
                self.server.lrem(self.keys.processing, 1, data)
                idle_since = time.monotonic()
                continue
            status = self.registry.status()
            if status.state == "finished" and not self.server.llen(self.keys.captures):
                self._finish_crawl()
                return self.stats
            if max_wait is not None and time.monotonic() - idle_since > max_wait:
                raise WriterError(f"no capture for {max_wait:.0f}s and the crawl is "
                                  f"{status.state}: {status.detail}")

    def _ingest(self, data: bytes) -> None:
        message = json.loads(data)
        try:
            if message["kind"] == "sites":
                self.archive.register_sites(message["sites"])
            elif message["kind"] == "gone":
                self.archive.mark_gone(message["url"], message["status"], message["site_id"])
            else:
                self._ingest_capture(decode_capture(message["capture"]))
        except (OSError, sqlite3.OperationalError) as exc:  # the disk, not the document:
            # keep the message for a retry
            raise WriterError(f"archive write failed ({message['kind']}): {exc}; "
                              "it stays queued for the next run") from exc

    def _ingest_capture(self, capture: Capture) -> None:
        if self._already_archived(capture):
            self.stats.skipped_duplicates += 1
            return
        result = self.archive.ingest(capture)
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
        for site_id, urls in sorted(self.registry.seen_by_site().items()):
            if site_id in incomplete:
                log.warning("site %s had failed list pages: not marking unseen reports", site_id)
                continue
            self.archive.complete_crawl(site_id, urls)
            self.stats.completed_sites.append(site_id)
        self.archive.refresh_expected()
        self.registry.reset()
