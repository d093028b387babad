"""Run hostile inputs through the ingest path (bounded parse, then Archive.ingest) and sum up
what happened: the campaign of tests/robustness and bench/robustness.py."""
from __future__ import annotations

import sqlite3
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from archive import Archive
from archive.capture import Capture
from archive.store import parse_capture
from archive.text_codec import register_text_function

from .hostile_inputs import SECRET_MARK, Hostile


@dataclass
class Campaign:
    inputs: int = 0
    crashes: list[tuple[str, str]] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    slowest: list[tuple[float, str]] = field(default_factory=list)  # (seconds, input name)
    seconds: float = 0.0
    leaks: list[str] = field(default_factory=list)  # inputs whose archived text shows the canary

    @property
    def max_seconds(self) -> float:
        return max((s for s, _ in self.slowest), default=0.0)


def _timed_parse(capture: Capture) -> tuple[object, float]:
    start = time.monotonic()
    return parse_capture(capture), time.monotonic() - start


def run_campaign(inputs: list[Hostile], db: Path, workers: int = 2) -> Campaign:
    """Parse in `workers` threads (each parse is its own bounded child process), ingest in
    order in this thread (the archive has one writer)."""
    campaign, start = Campaign(inputs=len(inputs)), time.monotonic()
    captures = [Capture(f"http://127.0.0.1/hostile/{i}", item.data, content_type=item.content_type,
                        fetched_at="2026-01-01T00:00:00Z") for i, item in enumerate(inputs)]
    timings: list[tuple[float, str]] = []
    with Archive(db, warc_dir=db.parent / "warc", fsync=False) as archive, \
            ThreadPoolExecutor(workers) as pool:
        for item, capture, (parsed, seconds) in zip(inputs, captures,
                                                    pool.map(_timed_parse, captures)):
            timings.append((seconds, item.name))
            try:
                result = archive.ingest(capture, parsed)
            except Exception as exc:  # what the campaign hunts: any escape is a crash
                campaign.crashes.append((item.name, f"{type(exc).__name__}: {exc}"))
                continue
            campaign.outcomes[result.outcome] += 1
    campaign.slowest = sorted(timings, reverse=True)[:10]
    campaign.seconds = time.monotonic() - start
    campaign.leaks = _leaks(db, inputs)
    return campaign


def _leaks(db: Path, inputs: list[Hostile]) -> list[str]:
    with sqlite3.connect(db) as conn:
        register_text_function(conn)  # the archive stores version texts compressed
        rows = conn.execute(
            "SELECT c.url FROM captures c LEFT JOIN versions v ON v.capture_id = c.id "
            "LEFT JOIN version_texts t ON t.version_id = v.id "
            "WHERE instr(COALESCE(t.text, '') || COALESCE(c.error, ''), ?) > 0",
            (SECRET_MARK,)).fetchall()
    return [inputs[int(url.rsplit("/", 1)[1])].name for (url,) in rows]
