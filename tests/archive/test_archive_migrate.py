"""An archive made by schema 3 (plain versions.text) opens and is migrated in place to text_z."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from archive import Archive, schema, search_index
from archive.text_codec import unpack_text

from archive_helpers import seed_text, text_capture

# Schema 3's view, as it was created: it reads the plain column.
_SCHEMA_3_SECTIONS_VIEW = """
CREATE VIEW version_sections AS
SELECT v.id AS version_id, j.key AS section,
       CASE j.type WHEN 'array'
            THEN substr(v.text, json_extract(j.value, '$[0]') + 1,
                        json_extract(j.value, '$[1]') - json_extract(j.value, '$[0]'))
            ELSE j.value END AS text
FROM versions v, json_each(v.sections) j
"""


def make_schema_3_archive(path: Path) -> tuple[int, str, dict[str, str]]:
    """An archive with one report, rewritten into schema 3's layout: (report id, its full text,
    its sections)."""
    with Archive(path, fsync=False) as arch:
        result = arch.ingest(text_capture(seed_text()))
        sections = dict(arch.conn.execute("SELECT section, text FROM version_sections"))
    conn = sqlite3.connect(path, isolation_level=None)
    conn.create_function("nianbao_text", 1, unpack_text)
    text = unpack_text(conn.execute("SELECT text_z FROM versions").fetchone()[0])
    conn.executescript("DROP VIEW version_sections; DROP VIEW version_texts;"
                       "ALTER TABLE versions ADD COLUMN text TEXT;")
    conn.execute("UPDATE versions SET text = ?", (text,))
    conn.executescript(f"ALTER TABLE versions DROP COLUMN text_z; {_SCHEMA_3_SECTIONS_VIEW};"
                       "PRAGMA user_version = 3;")
    conn.close()
    return result.report_id, text, sections


def test_schema_3_archive_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    report_id, text, sections = make_schema_3_archive(path)
    with Archive(path, fsync=False) as arch:
        columns = {row[1] for row in arch.conn.execute("PRAGMA table_info(versions)")}
        assert "text_z" in columns and "text" not in columns
        assert arch.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        stored = arch.conn.execute("SELECT text_z FROM versions").fetchone()[0]
        assert isinstance(stored, bytes) and len(stored) < len(text.encode("utf-8")) / 2
        assert arch.conn.execute("SELECT text FROM version_texts").fetchone()[0] == text
        assert dict(arch.conn.execute("SELECT section, text FROM version_sections")) == sections
        # the index made from the plain text is taken out by replaying the decoded text
        assert text_hits(arch) == 1
        search_index.unindex_report(arch.db, report_id)
        assert text_hits(arch) == 0


def text_hits(arch: Archive) -> int:
    """Reports whose indexed text holds 行政复议 (neither title nor agency does)."""
    return arch.conn.execute("SELECT count(*) FROM report_search_fts WHERE report_search_fts "
                             "MATCH ?", (search_index.fts_query("行政复议"),)).fetchone()[0]


def test_plain_connection_reads_text_through_the_codec(tmp_path: Path) -> None:
    """Without nianbao_text registered the view fails clearly, never returns compressed bytes."""
    path = tmp_path / "a.db"
    with Archive(path, fsync=False) as arch:
        arch.ingest(text_capture(seed_text()))
    conn = sqlite3.connect(path)
    try:
        conn.execute("SELECT text FROM version_texts").fetchall()
    except sqlite3.OperationalError as exc:
        assert "nianbao_text" in str(exc)
    else:
        raise AssertionError("version_texts read without nianbao_text")
    finally:
        conn.close()


def test_new_archive_uses_large_pages_and_old_keeps_its_own(tmp_path: Path) -> None:
    from archive.schema import PAGE_SIZE

    with Archive(tmp_path / "new.db", fsync=False) as arch:
        assert arch.conn.execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    sqlite3.connect(tmp_path / "old.db").executescript(
        "PRAGMA page_size=4096; CREATE TABLE t (x);").close()
    with Archive(tmp_path / "old.db", fsync=False) as arch:  # page size is fixed at creation
        assert arch.conn.execute("PRAGMA page_size").fetchone()[0] == 4096
