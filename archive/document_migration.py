"""Archives made before documents existed (schema < 5), migrated in place when opened.

Their versions were made by a content hash that saw the title and unnormalised text, so a
report offered as a page and a PDF copy got a new "revision by the agency" at every crawl. Each
report's captures are replayed in the order they were fetched through today's rules
(archive/documents.py), each read as the version it was stored under (no re-parse: the stored
cells, texts and metadata are the reading). The first version stays; later ones are made again
only where the rules see a revision, so representation flip-flops collapse. Every capture is
kept and points to the version it now belongs to.
"""
from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING

from . import search_index
from .capture import Capture
from .content import METADATA_FIELDS, Snapshot, unpack_sections
from .documents import Reading
from .text_codec import unpack_text

if TYPE_CHECKING:
    from .store import Archive

# Versions not yet read into a document: empty once an archive is migrated, so asking whether
# one is left costs nothing (schema.py creates the index).
PENDING_SQL = "SELECT report_id FROM versions WHERE document_id IS NULL LIMIT 1"


def pending(conn: sqlite3.Connection) -> bool:
    return conn.execute(PENDING_SQL).fetchone() is not None


def migrate(archive: Archive) -> dict[str, int]:
    """Replay every report that has a version without a document; returns counts."""
    stats = {"reports": 0, "versions_before": 0, "versions_after": 0}
    # every column pointing at a version: derived tables too (nianbao serve's figures)
    references = [(table, fk.column) for table in archive.db.table_names()
                  for fk in archive.db[table].foreign_keys if fk.other_table == "versions"]
    while (row := archive.conn.execute(PENDING_SQL).fetchone()) is not None:
        with archive._transaction():
            before, after = _replay(archive, row[0], references)
        stats["reports"] += 1
        stats["versions_before"] += before
        stats["versions_after"] += after
    return stats


def stored_snapshot(conn: sqlite3.Connection, version_id: int) -> Snapshot:
    """A stored version as the Snapshot its parse gave (what the archive kept of it)."""
    columns = ", ".join(METADATA_FIELDS)
    row = conn.execute(
        f"SELECT {columns}, sections, text_z, publish_date, source_kind, warnings, "
        "parser_version FROM versions WHERE id = ?", (version_id,)).fetchone()
    metadata = dict(zip(METADATA_FIELDS, row))
    packed, text_z, publish_date, source_kind, warnings, parser_version = row[len(METADATA_FIELDS):]
    text = unpack_text(text_z)
    cells = conn.execute("SELECT tbl, row_key, col_key, value, raw FROM cells "
                         "WHERE version_id = ?", (version_id,)).fetchall()
    checks = conn.execute("SELECT rule, ok, detail, cells FROM checks WHERE version_id = ? "
                          "ORDER BY id", (version_id,)).fetchall()
    return Snapshot(metadata=metadata, year=None, agency_normalized=None,
                    sections=unpack_sections(packed, text), cells=cells, checks=checks,
                    text=text, publish_date=publish_date, source_kind=source_kind or "text",
                    warnings=json.loads(warnings or "[]"), parser_version=parser_version)


def _replay(archive: Archive, report_id: int,
            references: list[tuple[str, str]]) -> tuple[int, int]:
    conn = archive.conn
    versions = [r[0] for r in conn.execute(
        "SELECT id FROM versions WHERE report_id = ? ORDER BY seq", (report_id,))]
    snapshots = {v: stored_snapshot(conn, v) for v in versions}
    captures = conn.execute(
        "SELECT id, url, fetched_at, version_id FROM captures WHERE report_id = ? "
        "AND version_id IS NOT NULL ORDER BY fetched_at, id", (report_id,)).fetchall()
    first = versions[0]
    search_index.unindex_report(archive.db, report_id)  # before its versions go
    _drop_later_versions(conn, report_id, first, versions[1:], references)
    conn.execute("UPDATE versions SET content_hash = ? WHERE id = ?",
                 (snapshots[first].content_hash, first))
    # the first version's own capture makes its first document; the others are read after it
    first_capture = next((c for c in captures if c[0] == _capture_of(conn, first)), captures[0])
    capture_id, url, seen, _ = first_capture
    archive._attach_source(first, archive.documents.record(
        report_id, url, Reading.of(snapshots[first], url), capture_id, seen, first, "agree"))
    for capture_id, url, seen, version_id in captures:
        if capture_id == first_capture[0]:
            continue
        snap = snapshots[version_id]
        result = archive._read_document(report_id, capture_id, Capture(url=url, body=b""),
                                        snap, Reading.of(snap, url), seen)
        conn.execute("UPDATE captures SET outcome = ?, version_id = ? WHERE id = ?",
                     (result.outcome, result.version_id, capture_id))
    current = archive._current_version(report_id)
    archive._to_index[report_id] = None  # indexed again at the transaction's end
    # a removal (or return) is about the report: it stays on the version now current
    conn.execute("UPDATE changes SET from_version_id = ?, to_version_id = ? WHERE report_id = ? "
                 "AND from_version_id IS NULL AND to_version_id IS NULL", (current, current,
                                                                            report_id))
    after = conn.execute("SELECT count(*) FROM versions WHERE report_id = ?",
                         (report_id,)).fetchone()[0]
    return len(versions), after


def _capture_of(conn: sqlite3.Connection, version_id: int) -> int:
    return conn.execute("SELECT capture_id FROM versions WHERE id = ?", (version_id,)).fetchone()[0]


def _drop_later_versions(conn: sqlite3.Connection, report_id: int, first: int,
                         later: list[int], references: list[tuple[str, str]]) -> None:
    """Everything made from the versions after the first: the replay makes what the rules
    see again. Status changes (removed, back) lose their versions until the replay ends;
    rows of derived tables pointing at a dropped version go (they are rebuilt from the
    reports: report_figures when its fingerprint changes)."""
    conn.execute("UPDATE changes SET from_version_id = NULL, to_version_id = NULL "
                 "WHERE report_id = ? AND kind = 'metadata' AND key = 'status'", (report_id,))
    conn.execute("DELETE FROM changes WHERE report_id = ? AND from_version_id IS NOT NULL "
                 "AND NOT (from_version_id = ? AND to_version_id = ?)", (report_id, first, first))
    conn.execute("UPDATE reports SET current_version_id = ? WHERE id = ?", (first, report_id))
    conn.execute("UPDATE captures SET version_id = ? WHERE report_id = ? AND version_id != ?",
                 (first, report_id, first))
    for version_id in later:
        for table, column in references:
            conn.execute(f'DELETE FROM "{table}" WHERE "{column}" = ?', (version_id,))
        conn.execute("DELETE FROM versions WHERE id = ?", (version_id,))
