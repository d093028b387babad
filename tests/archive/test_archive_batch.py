"""Archive.ingest_many: one transaction per batch; a kill mid-batch loses the batch only, a
rerun completes it; a capture SQLite rejects fails alone."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive import Archive
from archive.cli import file_capture
from archive.content import Snapshot
from archive.search_index import fts_query
from archive.store import prepare_capture
from archive_helpers import count, seed_text, text_capture, SEED_001
from bench.archive import synthetic_report
from test_archive_crash import assert_consistent
from test_archive_ingest import revised_000

BATCH, FILES = 8, 40
ROOT = Path(__file__).resolve().parents[2]

INGEST_MANY = """
import sys
from pathlib import Path
from archive import Archive
from archive.cli import file_capture
db, batch, *files = sys.argv[1:]
with Archive(db, bounded_parse=False) as archive:
    for _ in archive.ingest_many((file_capture(Path(f)) for f in files), batch=int(batch)):
        pass
"""


def _warc_records(warc_dir: Path) -> int:
    total = 0
    for warc in sorted(warc_dir.glob("*.warc.gz")):
        with open(warc, "rb") as f:
            total += sum(1 for _ in ArchiveIterator(f))
    return total


def _uncommitted_warc_bytes(db: Path, warc_dir: Path) -> bool:
    """Whether records of a batch are written but not committed yet (the moment to kill)."""
    warcs = sorted(warc_dir.glob("*.warc.gz"))
    if not warcs:
        return False
    size = warcs[-1].stat().st_size  # before the database: a later commit can only raise `end`
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            end = conn.execute("SELECT max(warc_offset + warc_length), count(*) FROM captures "
                               "WHERE warc_file = ?", (warcs[-1].name,)).fetchone()
    except sqlite3.OperationalError:  # not created yet
        return False
    return end[1] >= BATCH and size > (end[0] or 0)


def test_sigkill_mid_batch_keeps_whole_batches_and_a_rerun_completes(tmp_path: Path) -> None:
    files = []
    for i in range(FILES):
        files.append(tmp_path / f"report-{i:03d}.txt")
        files[-1].write_bytes(synthetic_report(i)[0])
    db, warc_dir = tmp_path / "nianbao.db", tmp_path / "warc"
    proc = subprocess.Popen([sys.executable, "-c", INGEST_MANY, str(db), str(BATCH),
                             *map(str, files)], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not _uncommitted_warc_bytes(db, warc_dir):
        assert proc.poll() is None, "ingest finished before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with Archive(db, bounded_parse=False) as archive:
        assert_consistent(archive)
        done = count(archive, "reports")
        assert BATCH <= done < FILES and done % BATCH == 0  # whole batches only
        assert count(archive, "captures") == done
        results = list(archive.ingest_many((file_capture(f) for f in files), batch=BATCH))
        assert [r.outcome for r in results] == ["unchanged"] * done + \
            ["new_report"] * (FILES - done)
        assert_consistent(archive)
        assert count(archive, "reports") == count(archive, "versions") == FILES
        records = count(archive, "captures")
    assert records == 2 * done + (FILES - done)
    assert _warc_records(warc_dir) == records  # the killed batch's bytes were cut off


def test_a_capture_sqlite_rejects_rolls_back_alone(tmp_path: Path) -> None:
    good = [text_capture(seed_text()), text_capture(seed_text(SEED_001), url="http://q.example/1",
                                                    agency_hint="宜春市袁州区工业和信息化局")]
    bad = text_capture("not a report", url="http://q.example/2", site_id="no-such-site")
    with Archive(tmp_path / "nianbao.db", fsync=False, bounded_parse=False) as archive:
        results = list(archive.ingest_many([good[0], bad, good[1]], batch=3))
        assert [r.outcome for r in results] == ["new_report", "error", "new_report"]
        assert results[1].capture_id is None
        assert "IntegrityError" in results[1].error
        assert count(archive, "captures") == count(archive, "reports") == 2
        assert count(archive, "captures WHERE site_id IS NOT NULL") == 0
        assert_consistent(archive)
    assert _warc_records(tmp_path / "warc") == 2


def _rows(archive: Archive, table: str, skip: tuple[str, ...] = ()) -> list[tuple]:
    columns = [r[1] for r in archive.conn.execute(f"PRAGMA table_info({table})")
               if r[1] not in skip]
    return archive.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2"
                                ).fetchall()


def test_captures_prepared_in_worker_processes_archive_as_parsed_by_the_writer(
        tmp_path: Path) -> None:
    """prepare_capture's Snapshot crosses a process boundary (pickled with its computed
    columns, cells and search tokens) and stores exactly the rows a parse in the writer does."""
    first = seed_text()
    revised = revised_000().replace("无结转", "无结转，已修订")
    captures = [text_capture(first), text_capture(seed_text(SEED_001), url="http://q.example/1",
                                                  agency_hint="宜春市袁州区工业和信息化局"),
                text_capture(revised, fetched_at="2023-02-01T00:00:00Z"),
                text_capture("not a report", url="http://q.example/2")]
    with ProcessPoolExecutor(1) as pool:
        prepared = list(pool.map(partial(prepare_capture, bounded=False), captures))
    assert isinstance(prepared[0], Snapshot) and "text_tokens" in vars(prepared[0])
    archives = [Archive(tmp_path / f"{name}.db", tmp_path / f"warc-{name}", fsync=False,
                        bounded_parse=False) for name in ("prepared", "here")]
    with archives[0] as by_workers, archives[1] as by_writer:
        outcomes = [[r.outcome for r in a.ingest_many(captures, parsed)]
                    for a, parsed in ((by_workers, prepared), (by_writer, None))]
        assert outcomes[0] == outcomes[1] == ["new_report", "new_report", "revised", "not_report"]
        for table, skip in (("versions", ()), ("cell_values", ()), ("checks", ()),
                            ("changes", ()), ("reports", ()), ("report_search", ()),
                            ("captures", ("warc_record_id", "warc_offset", "warc_length"))):
            assert _rows(by_workers, table, skip) == _rows(by_writer, table, skip), table
        hits = [a.conn.execute("SELECT rowid FROM report_search_fts WHERE report_search_fts "
                               "MATCH ?", (fts_query("修订"),)).fetchall() for a in archives]
        assert hits[0] == hits[1] == [(1,)]
