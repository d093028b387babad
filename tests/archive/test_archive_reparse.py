"""Re-parsing from the WARC originals records parser-caused changes only, never a revision."""
from __future__ import annotations

from archive import Archive, search_index
from archive.text_codec import pack_text, unpack_text

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
    assert stats == {"versions": 1, "changed": 1, "changes": 1, "errors": 0, "documents": 2,
                     "recovered": 0, "differs": 0}
    assert count(archive, "documents WHERE agreement = 'agree'") == 2
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
    assert archive.reparse()["changed"] == 0
    assert count(archive, "changes") == 1


def test_reparse_reads_each_original_once(archive: Archive, monkeypatch) -> None:
    # the version's capture is also its page document's latest capture: one parse serves both
    import archive.store as store

    archive.ingest(text_capture(seed_text()))
    archive.ingest(text_capture(seed_text(), url="http://mirror.example/61584.html"))
    read: list[str] = []
    original = store.parse_capture
    monkeypatch.setattr(store, "parse_capture", lambda capture, bounded: read.append(capture.url)
                        or original(capture, bounded))
    assert archive.reparse()["documents"] == 2
    assert sorted(read) == sorted(set(read)) and len(read) == 2


def test_reparse_keeps_the_search_index_consistent(archive: Archive) -> None:
    first = archive.ingest(text_capture(seed_text()))
    # an older parser's text, indexed: the contentless index must be told what it holds
    search_index.unindex_report(archive.db, first.report_id)
    text_z = archive.conn.execute("SELECT text_z FROM versions WHERE id = ?",
                                  (first.version_id,)).fetchone()[0]
    archive.conn.execute("UPDATE versions SET text_z = ?, content_hash = 'older' WHERE id = ?",
                         (pack_text(unpack_text(text_z) + "补充说明"), first.version_id))
    search_index.index_reports(archive.db, {first.report_id: None})
    archive.reparse()
    hits = archive.conn.execute(
        "SELECT rowid FROM report_search_fts WHERE report_search_fts MATCH ?",
        (search_index.fts_query("补充说明"),)).fetchall()
    assert hits == []
    hits = archive.conn.execute(
        "SELECT rowid FROM report_search_fts WHERE report_search_fts MATCH ?",
        (search_index.fts_query("宜春市工业和信息化局"),)).fetchall()
    assert hits == [(first.report_id,)]


def test_reparse_recovers_captures_an_older_parser_could_not_read(archive: Archive) -> None:
    def unreadable(text: str, url: str, fetched_at: str) -> int:
        """A capture an older parser failed on (its result handed to ingest as parsed)."""
        result = archive.ingest(text_capture(text, url=url, fetched_at=fetched_at),
                                parsed="PDF has no text layer: needs OCR")
        assert result.outcome == "error"
        return result.capture_id

    known = archive.ingest(text_capture(seed_text(), fetched_at="2023-02-01T00:00:00Z"))
    same = unreadable(seed_text(), "http://a/1.pdf", "2023-01-05T00:00:00Z")
    other = unreadable(seed_text("004_69dc6e22679cfd75.txt"), "http://a/2.pdf",
                       "2022-01-20T00:00:00Z")
    differs = unreadable(seed_text().replace("\t行政处罚\n\t1\n", "\t行政处罚\n\t7\n"),
                         "http://a/3.pdf", "2023-01-06T00:00:00Z")
    stats = archive.reparse()
    assert (stats["recovered"], stats["differs"]) == (2, 1)
    rows = dict((cid, (outcome, rid)) for cid, outcome, rid in archive.conn.execute(
        "SELECT id, outcome, report_id FROM captures"))
    assert rows[same] == ("unchanged", known.report_id)
    assert rows[other][0] == "new_report" and rows[differs] == ("error", None)
    assert archive.conn.execute("SELECT first_seen FROM reports WHERE id = ?",
                                (known.report_id,)).fetchone() == ("2023-01-05T00:00:00Z",)
    assert archive.conn.execute("SELECT first_seen, year FROM reports WHERE id = ?",
                                (rows[other][1],)).fetchone() == ("2022-01-20T00:00:00Z", 2021)
    assert count(archive, "versions") == 2 and count(archive, "changes") == 0
