"""A WARC disk that fills up (a real size-limited tmpfs: ENOSPC from the kernel): a clear
error, the database intact (integrity ok, every capture row's WARC record readable), and the
capture retried on the next run, in distributed and in single-process mode."""
from __future__ import annotations

import os
import random
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import Archive
from archive.capture import Capture
from archive.queue_writer import QueueWriter, WriterError, encode_capture
from crawlstate.redis_state import CrawlKeys, CrawlRegistry, connect

from .cluster import archive_contents, replica_for_tests, single_process_crawl


@pytest.fixture
def tiny_disk(tmp_path) -> Iterator[Path]:
    """A 128 KB tmpfs (needs root, as CI runs; no loop device needed)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a size-limited tmpfs needs root")
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=True)


def resize(mount: Path, size: str) -> None:
    subprocess.run(["mount", "-o", f"remount,size={size}", str(mount)], check=True)


def assert_archive_sound(db: Path, warc_dir: Path) -> int:
    """integrity_check ok and every capture row points at a readable WARC record."""
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        ids = [r[0] for r in conn.execute("SELECT id FROM captures")]
    with Archive(db, warc_dir=warc_dir, fsync=False) as archive:
        for capture_id in ids:
            assert archive.read_original(capture_id).payload is not None
    return len(ids)


def finished_crawl(server, keys: CrawlKeys) -> None:
    """The crawl state of a crawl whose one crawler finished normally."""
    registry = CrawlRegistry(server, keys)
    registry.register("c")
    registry.try_seed("c")
    registry.mark_seeded()
    registry.close("c", "finished")


def test_distributed_writer_stops_and_keeps_the_capture(tmp_path, tiny_disk, redis_server):
    rng = random.Random(7)
    captures = [Capture(f"http://127.0.0.1/{i}.bin", rng.randbytes(size), status=200,
                        content_type="application/octet-stream",
                        fetched_at=f"2026-01-01T00:00:0{i}Z")
                for i, size in enumerate([20_000, 400_000, 30_000])]
    server, keys = connect(redis_server.url), CrawlKeys()
    server.rpush(keys.captures, *[encode_capture(c) for c in captures])
    finished_crawl(server, keys)
    db = tmp_path / "nianbao.db"
    with Archive(db, warc_dir=tiny_disk, fsync=False) as archive:
        with pytest.raises(WriterError, match="No space left on device.*stays queued"):
            QueueWriter(server, archive, keys, poll_seconds=0.1).run()
    # the three were one batch, rolled back together: all stay queued, none half-archived
    assert server.llen(keys.processing) + server.llen(keys.captures) == 3
    assert assert_archive_sound(db, tiny_disk) == 0
    resize(tiny_disk, "8m")
    with Archive(db, warc_dir=tiny_disk, fsync=False) as archive:
        stats = QueueWriter(server, archive, keys, poll_seconds=0.1).run()
    assert stats.requeued_at_start >= 1 and (stats.ingested, stats.skipped_duplicates) == (3, 0)
    assert assert_archive_sound(db, tiny_disk) == 3
    with Archive(db, warc_dir=tiny_disk, fsync=False) as archive:
        for capture_id, capture in enumerate(captures, 1):
            assert archive.read_original(capture_id).payload == capture.body


@pytest.mark.slow
def test_single_process_crawl_refetches_what_the_full_disk_refused(tmp_path, tiny_disk,
                                                                      clean_first_crawl):
    db = tmp_path / "nianbao.db"
    with replica_for_tests() as replica:
        sites = replica.registry(tmp_path / "sites.yml")
        resize(tiny_disk, "16k")  # room for a few records of the crawl only
        full = single_process_crawl(db, sites, {"NIANBAO_WARC_DIR": str(tiny_disk)}, check=False)
        assert "No space left on device" in full.stderr
        assert_archive_sound(db, tiny_disk)
        assert archive_contents(db)["reports"] != clean_first_crawl["reports"]
        resize(tiny_disk, "8m")
        single_process_crawl(db, sites, {"NIANBAO_WARC_DIR": str(tiny_disk)})
    assert_archive_sound(db, tiny_disk)
    assert archive_contents(db)["reports"] == clean_first_crawl["reports"]
