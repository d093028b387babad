"""SIGKILL during `nianbao ingest` leaves a consistent archive; a rerun completes it exactly."""
from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import threading
import sys
import time
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from archive.cli import file_capture
from bench.archive import synthetic_report

REPORTS = 24
ROOT = Path(__file__).resolve().parents[2]


def captures_so_far(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


# `nianbao ingest` with only the archive's commands registered: the others (Scrapy, Datasette)
# would only slow the start of the process this test kills.
INGEST = """
import argparse, sys
from archive import cli
parser = argparse.ArgumentParser()
parser.add_argument("--db")
cli.register(parser.add_subparsers())
args = parser.parse_args(sys.argv[1:])
sys.exit(args.func(args))
"""


def kill_mid_ingest(db: Path, files: list[Path]) -> None:
    proc = subprocess.Popen([sys.executable, "-c", INGEST, "--db", str(db), "ingest",
                             *map(str, files)], cwd=ROOT, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while captures_so_far(db) < REPORTS // 4 and time.monotonic() < deadline:
        assert proc.poll() is None, "ingest finished before it could be killed"
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def assert_consistent(archive: Archive) -> None:
    assert archive.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert archive.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    for capture_id, sha256 in archive.conn.execute("SELECT id, sha256 FROM captures").fetchall():
        payload = archive.read_original(capture_id).payload
        assert hashlib.sha256(payload).hexdigest() == sha256


def test_sigkill_mid_ingest_then_rerun(tmp_path: Path) -> None:
    files = [_report_file(tmp_path, i) for i in range(REPORTS)]
    db = tmp_path / "nianbao.db"
    kill_mid_ingest(db, files)

    with Archive(db) as archive:
        assert_consistent(archive)
        done = archive.conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        assert REPORTS // 4 <= done < REPORTS
        for path in files:  # the rerun: every file again
            archive.ingest(file_capture(path))
        assert_consistent(archive)
        one = archive.conn.execute
        assert one("SELECT count(*) FROM reports").fetchone()[0] == REPORTS
        assert one("SELECT count(*) FROM versions").fetchone()[0] == REPORTS
        assert one("SELECT count(DISTINCT sha256), count(*) FROM captures "
                   "WHERE warc_type != 'revisit'").fetchone() == (REPORTS, REPORTS)
        records = one("SELECT count(*) FROM captures").fetchone()[0]
    # the WARC files hold whole records only, exactly one per capture row
    in_files = 0
    for warc in sorted((tmp_path / "warc").glob("*.warc.gz")):
        with open(warc, "rb") as f:
            in_files += sum(1 for _ in ArchiveIterator(f))
    assert in_files == records


def test_a_torn_record_left_by_a_kill_is_cut_off_by_the_next_ingest(tmp_path: Path) -> None:
    with Archive(tmp_path / "nianbao.db", fsync=False) as archive:
        first = archive.ingest(file_capture(_report_file(tmp_path, 0)))
        (warc,) = (tmp_path / "warc").glob("*.warc.gz")
        with open(warc, "ab") as f:  # what a kill between WARC write and commit leaves
            f.write(b"\x1f\x8b\x08\x00 half a gzip member")
        second = archive.ingest(file_capture(_report_file(tmp_path, 1)))
        assert_consistent(archive)
        assert (first.outcome, second.outcome) == ("new_report", "new_report")
    with open(warc, "rb") as f:
        assert [r.rec_type for r in ArchiveIterator(f)] == ["resource", "resource"]


def _report_file(directory: Path, i: int) -> Path:
    path = directory / f"report-{i:03d}.txt"
    path.write_bytes(synthetic_report(i)[0])
    return path


def test_two_writers_at_once_interleave_whole_records(tmp_path: Path) -> None:
    files = [_report_file(tmp_path, i) for i in range(12)]

    def writer(part: list[Path]) -> None:
        with Archive(tmp_path / "nianbao.db", fsync=False, bounded_parse=False) as archive:
            for path in part:
                archive.ingest(file_capture(path))

    threads = [threading.Thread(target=writer, args=(files[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Archive(tmp_path / "nianbao.db") as archive:
        assert_consistent(archive)
        assert archive.conn.execute("SELECT count(*) FROM reports").fetchone() == (12,)
    (warc,) = (tmp_path / "warc").glob("*.warc.gz")
    with open(warc, "rb") as f:
        assert sum(1 for _ in ArchiveIterator(f)) == 12
