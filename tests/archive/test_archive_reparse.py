"""Re-parsing from the WARC originals records parser-caused changes only, never a revision."""
from __future__ import annotations

from archive import Archive, search_index

from archive_helpers import count, seed_text, text_capture


def simulate_older_parser(archive: Archive, version_id: int) -> None:
    """Make the stored version look like an older parser's reading: one cell read as 9."""
    archive.conn.execute(
        "UPDATE cell_values SET value = 9, raw = '9' WHERE version_id = ? AND key_id = "
        "(SELECT id FROM cell_keys WHERE tbl = 'active' AND row_key = 'penalty')", (version_id,))
    archive.conn.execute("UPDATE versions SET content_hash = 'older', parser_version = '0' "
                         "WHERE id = ?", (version_id,))


def test_reparse_restores_cells_and_records_cause_parser(archive: Archive) -> None:
    first = archive.ingest(text_capture(seed_text()))
    archive.ingest(text_capture(seed_text(), url="http://mirror.example/61584.html"))  # revisit
    simulate_older_parser(archive, first.version_id)
    stats = archive.reparse()
    assert stats == {"versions": 1, "changed": 1, "changes": 1, "errors": 0}
    changes = archive.conn.execute(
        "SELECT kind, key, old, new, cause, from_version_id, to_version_id FROM changes").fetchall()
    assert changes == [("cell", "active/penalty/decisions", "9", "1", "parser",
                        first.version_id, first.version_id)]
    assert count(archive, "versions") == 1
    row = archive.conn.execute("SELECT parser_version, content_hash != 'older' FROM versions")
    assert row.fetchone() == ("1", 1)
    value = archive.conn.execute("SELECT value, raw FROM cells WHERE tbl = 'active' AND "
                                 "row_key = 'penalty'").fetchone()
    assert value == (1, "1")
    # nothing left to correct: a second run records nothing
    assert archive.reparse() == {"versions": 1, "changed": 0, "changes": 0, "errors": 0}
    assert count(archive, "changes") == 1


def test_reparse_keeps_the_search_index_consistent(archive: Archive) -> None:
    first = archive.ingest(text_capture(seed_text()))
    # an older parser's text, indexed: the contentless index must be told what it holds
    search_index.unindex_report(archive.db, first.report_id)
    archive.conn.execute("UPDATE versions SET text = text || '补充说明', content_hash = 'older' "
                         "WHERE id = ?", (first.version_id,))
    search_index.index_report(archive.db, first.report_id)
    archive.reparse()
    hits = archive.conn.execute(
        "SELECT rowid FROM report_search_fts WHERE report_search_fts MATCH ?",
        (search_index.fts_query("补充说明"),)).fetchall()
    assert hits == []
    hits = archive.conn.execute(
        "SELECT rowid FROM report_search_fts WHERE report_search_fts MATCH ?",
        (search_index.fts_query("宜春市工业和信息化局"),)).fetchall()
    assert hits == [(first.report_id,)]
