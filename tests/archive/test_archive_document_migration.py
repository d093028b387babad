"""An archive made before documents (schema 4), whose page + PDF copy made a "revision by the
agency" at every crawl, is migrated in place when opened: the flip-flops collapse, the real
revision stays, every capture is kept."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from archive import Archive, Capture, search_index
from archive.store import prepare_capture
from nianbao import report_figures, serve
from tests.archive.representations import Form, revised
from tests.parsers.fixture_builders import seed_reports, to_html, to_pdf

from archive_helpers import SEED_000, count

BASE = "http://gxj.yichun.gov.cn/art/2023/1/20/art_1"


def schema_4_ingest(arch: Archive, capture: Capture) -> None:
    """Ingest as schema 4 did: a capture that hashes unlike the current version (any other
    representation did) is a new version, with the differences as agency changes."""
    result = arch.ingest(capture)
    previous = arch.conn.execute("SELECT version_id FROM captures WHERE report_id = ? AND "
                                 "id < ? ORDER BY id DESC LIMIT 1",
                                 (result.report_id, result.capture_id)).fetchone()
    if previous is None or previous[0] is None or \
            arch.conn.execute("SELECT url FROM captures WHERE id = ?",
                              (result.capture_id - 1,)).fetchone()[0] == capture.url:
        return
    snap = prepare_capture(capture, bounded=False)
    with arch._transaction():
        current = arch._current_version(result.report_id)
        seq = count(arch, "versions WHERE report_id = ?", result.report_id)
        new_id = arch._insert_version(result.report_id, seq + 1, result.capture_id, snap,
                                      capture.fetched_at, "agency")
        arch._record_changes(result.report_id, current, new_id, arch._diff(current, snap),
                             "agency", capture.fetched_at)
        arch.conn.execute("UPDATE captures SET version_id = ?, outcome = 'revised' WHERE id = ?",
                          (new_id, result.capture_id))


def make_schema_4_archive(path: Path) -> None:
    seed = seed_reports()[SEED_000]
    new = revised(seed, "3", "4")
    crawls = [(seed, 1), (seed, 2), (seed, 3), (new, 4), (new, 5)]
    with Archive(path, fsync=False, bounded_parse=False) as arch:
        for made, day in crawls:
            for form in (Form("page", to_html(made).encode("utf-8")), Form("pdf", to_pdf(made))):
                schema_4_ingest(arch, Capture(
                    url=form.url(BASE), body=form.body, content_type=form.content_type,
                    fetched_at=f"2023-02-0{day}T00:00:00Z"))
        assert count(arch, "versions") == 10  # every capture after the first: a "revision"
        report_figures.ensure_report_figures(arch.conn)  # as `nianbao serve` builds it
        arch.conn.executescript(
            "UPDATE versions SET document_id = NULL; DELETE FROM representation_conflicts;"
            "DELETE FROM documents; PRAGMA user_version = 4;")


def test_schema_4_flip_flops_collapse_and_the_real_revision_stays(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_schema_4_archive(path)
    with Archive(path, fsync=False, bounded_parse=False) as arch:
        assert count(arch, "versions") == 2
        assert count(arch, "captures") == 10
        assert count(arch, "captures WHERE version_id NOT IN (SELECT id FROM versions)") == 0
        assert count(arch, "documents") == 2
        assert count(arch, "documents WHERE agreement = 'agree'") == 2
        changes = arch.conn.execute("SELECT kind, old, new, cause FROM changes").fetchall()
        assert changes == [("cell", "3", "4", "agency")]
        current = arch.conn.execute("SELECT current_version_id FROM reports").fetchone()[0]
        assert arch.conn.execute("SELECT seq, cause FROM versions WHERE id = ?",
                                 (current,)).fetchone() == (2, "agency")
        hits = arch.conn.execute("SELECT count(*) FROM report_search_fts WHERE "
                                 "report_search_fts MATCH ?",
                                 (search_index.fts_query("行政复议"),)).fetchone()[0]
        assert hits == 1
        # derived tables follow: the figures are rebuilt from the current version
        assert report_figures.ensure_report_figures(arch.conn)
        assert arch.conn.execute("SELECT version_id FROM report_figures").fetchall() == [
            (current,)]
        # a re-parse keeps to the same rules: no version, no agency change
        stats = arch.reparse()
        assert stats["versions"] == 2 and stats["errors"] == 0
        assert count(arch, "versions") == 2 and count(arch, "changes WHERE cause = 'agency'") == 1
    with Archive(path, fsync=False) as arch:  # migrated once: opening again changes nothing
        assert count(arch, "versions") == 2 and count(arch, "documents") == 2


def test_serving_an_old_archive_migrates_it_first(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    make_schema_4_archive(path)
    serve.migrate_archive(str(path))  # what `nianbao serve` runs before opening it read-only
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM versions").fetchone()[0] == 2
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    finally:
        conn.close()
