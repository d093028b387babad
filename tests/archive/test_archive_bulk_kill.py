"""SIGKILL of a bulk `nianbao ingest` (parsing in a process pool): the committed batches stay,
the pool's processes end with it, and a rerun completes the archive."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

from bench.archive import write_originals

ROOT = Path(__file__).resolve().parents[2]
FILES = 400


def _marked_processes(mark: str) -> list[int]:
    """Live processes whose environment holds the mark (the pool's workers inherit it)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and mark.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def _count(db: Path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def test_sigkill_of_a_bulk_ingest_ends_its_workers_and_a_rerun_completes(tmp_path: Path) -> None:
    originals = tmp_path / "originals"
    originals.mkdir()
    write_originals(originals, 0, FILES, "html")
    db, mark = tmp_path / "nianbao.db", f"nianbao-test-{uuid.uuid4()}"
    command = [sys.executable, "-m", "nianbao.cli", "--db", str(db), "ingest",
               *sorted(map(str, originals.iterdir())), "--jobs", "2"]
    env = {**os.environ, "NIANBAO_TEST_MARK": mark, "PYTHONPATH": str(ROOT)}
    ingest = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _count(db, "reports") == 0 and ingest.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    ingest.send_signal(signal.SIGKILL)
    ingest.wait()
    committed = _count(db, "reports")
    assert 0 < committed < FILES, "the kill came too late to test anything"
    deadline = time.monotonic() + 15
    while _marked_processes(mark) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _marked_processes(mark) == []
    rerun = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    assert _count(db, "reports") == FILES
