"""One report, several documents: representations versus revisions (docs/schema.md).

A report (agency x year) is often published as several documents at once: the page, a PDF or
DOCX attachment, a text copy, a republished copy at a new URL. Each is a `documents` row. A
version is what the agency published; a document is one representation of it. Rules:

- a document whose substance (cells, normalised narrative; archive/content.py) is unchanged
  since its last reading changes nothing;
- a reading whose cells equal the current version's joins it (another representation);
- a document that was read into the current version and changes its substance is a revision,
  unless the new reading only lost cells (a worse read, e.g. a clipped column): a conflict;
- any other disagreement is a representation conflict, recorded cell by cell, never a version;
  except a new document read better than the current version's source (more cells, fewer
  failed checks, a better kind) while the report has only its first version, or one that
  reads everything the source read and more: the version takes its cells in place.

A document's cells are stored only while they disagree with its version (cells_z); otherwise
they are its version's cell_values.
"""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from .content import Snapshot
from .diff import Change, diff_cells
from .text_codec import pack_text, unpack_text

Cells = dict[str, float | None]
# agreement of a document that read no cells (a scan, a page only linking its file): it
# neither agrees nor conflicts with any version
NO_CELLS = "no cells"
Decision = Literal["unchanged", "agree", "revision", "conflict", "takeover"]

# Which reading makes the version's cells when several read the same number of cells with
# the same checks: an HTML table is read exactly, a DOCX table nearly so, a PDF table is
# rebuilt from positions, a text copy from spacing.
KIND_RANK = {"page": 6, "docx": 5, "doc": 4, "wps": 4, "ofd": 3, "pdf": 3, "viewer": 3,
             "text": 1}
_PARSER_KINDS = {"html": "page", "markdown": "text", "text": "text"}


def document_kind(source_kind: str, url: str) -> str:
    """page / pdf / docx / doc / wps / ofd / text / viewer (a pdf.js viewer page's PDF)."""
    if "viewer.html" in url.lower() and "file=" in url.lower():
        return "viewer"
    if url.lower().split("?")[0].endswith(".ofd"):
        return "ofd"
    return _PARSER_KINDS.get(source_kind, source_kind)


@dataclass(frozen=True)
class Reading:
    """What one capture of a document says, as the version rules compare it."""
    cells: Cells
    substance_hash: str
    kind: str
    checks_failed: int
    warnings: list[str]

    @classmethod
    def of(cls, snap: Snapshot, url: str) -> Reading:
        return cls(canonical_cells(snap.cell_values()), snap.content_hash,
                   document_kind(snap.source_kind, url),
                   sum(1 for c in snap.checks if not c[1]), snap.warnings)

    @property
    def quality(self) -> tuple[int, int, int]:
        """Best read first: most cells, fewest failed checks, then the kind's rank."""
        return quality(len(self.cells), self.checks_failed, self.kind)


def quality(cells_read: int, checks_failed: int, kind: str) -> tuple[int, int, int]:
    return cells_read, -checks_failed, KIND_RANK.get(kind, 0)


def canonical_cells(cells: dict[str, float | int | None]) -> Cells:
    # 3 and 3.0 are the same printed number (the content hash says the same)
    return {k: None if v is None else float(v) for k, v in cells.items()}


def lost_cells_only(reading: Cells, other: Cells) -> bool:
    """Whether `reading` is a worse read of `other`: it has fewer cells, and every cell it
    read has other's value (a column clipped at the page edge, a table the reader missed)."""
    return len(reading) < len(other) and all(
        k in other and other[k] == v for k, v in reading.items())


@dataclass
class DocumentRow:
    id: int
    substance_hash: str
    version_id: int  # the version this document's latest reading was read into or against
    agreement: str  # agree / conflict, with the report's current cells


@dataclass
class Current:
    """The report's current version as a reading is compared with it."""
    version_id: int
    load_cells: Callable[[], Cells]  # read only when asked: an unchanged document needs none
    source_id: int | None  # the document its cells and text were read from
    source_quality: tuple[int, int, int]
    first: bool  # the report's first version: no revision seen yet

    @cached_property
    def cells(self) -> Cells:
        return self.load_cells()


def decide(doc: DocumentRow | None, reading: Reading, current: Current) -> Decision:
    """What a new reading of a document does to its report (the module's rules)."""
    if doc is not None and doc.substance_hash == reading.substance_hash:
        return "unchanged"
    in_current = doc is not None and doc.version_id == current.version_id \
        and doc.agreement in ("agree", NO_CELLS)
    if reading.cells == current.cells:
        # Same cells, other narrative: a revision of the text when the version's own source
        # changed it. Another document's narrative is not compared (its previous text is not
        # kept, and across representations it differs anyway).
        return "revision" if in_current and doc.id == current.source_id else "agree"
    if in_current and not lost_cells_only(reading.cells, current.cells):
        return "revision"
    # A new, better-read document: while the report has only its first version (its
    # documents are still being found) it makes the cells; after a revision only when the
    # source read less of the same (else it could undo a revision the source alone shows).
    if doc is None and reading.quality > current.source_quality \
            and (current.first or lost_cells_only(current.cells, reading.cells)):
        return "takeover"
    return "conflict"


class Documents:
    """The documents and representation_conflicts rows, inside the archive's transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def find(self, report_id: int, url: str) -> DocumentRow | None:
        row = self.conn.execute(
            "SELECT id, substance_hash, version_id, agreement FROM documents "
            "WHERE report_id = ? AND url = ?", (report_id, url)).fetchone()
        return DocumentRow(*row) if row else None

    def same_substance(self, report_id: int, reading: Reading) -> int | None:
        """A document of the same kind and substance: the one a new URL republishes."""
        row = self.conn.execute(
            "SELECT id FROM documents WHERE report_id = ? AND kind = ? AND substance_hash = ? "
            "ORDER BY last_seen DESC LIMIT 1",
            (report_id, reading.kind, reading.substance_hash)).fetchone()
        return row[0] if row else None

    def current(self, version_id: int) -> Current:
        seq, source_id, *read = self.conn.execute(
            "SELECT v.seq, v.document_id, d.cells_read, d.checks_failed, d.kind FROM versions v "
            "LEFT JOIN documents d ON d.id = v.document_id WHERE v.id = ?",
            (version_id,)).fetchone()
        return Current(version_id, lambda: self.version_cells(version_id), source_id,
                       quality(*read) if source_id is not None else (-1, 0, 0), seq == 1)

    def record(self, report_id: int, url: str, reading: Reading, capture_id: int, seen: str,
               version_id: int, agreement: str, republished_from: int | None = None) -> int:
        """Insert or update the document's row with its latest reading. Its cells are kept
        only when they differ from its version's (agreement 'conflict')."""
        if not reading.cells:  # nothing to agree or disagree with (an unread scan, say)
            agreement = NO_CELLS
        cells_z = pack_text(json.dumps(reading.cells, sort_keys=True)) \
            if agreement == "conflict" else None
        document_id = self.conn.execute(
            "INSERT INTO documents (report_id, url, republished_from, kind, first_seen, "
            "last_seen, capture_id, version_id, agreement, substance_hash, cells_read, "
            "checks_failed, warnings, cells_z) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(report_id, url) DO UPDATE SET kind = excluded.kind, "
            "first_seen = MIN(first_seen, excluded.first_seen), "
            "last_seen = MAX(last_seen, excluded.last_seen), capture_id = excluded.capture_id, "
            "version_id = excluded.version_id, agreement = excluded.agreement, "
            "substance_hash = excluded.substance_hash, cells_read = excluded.cells_read, "
            "checks_failed = excluded.checks_failed, warnings = excluded.warnings, "
            "cells_z = excluded.cells_z, gone_at = NULL RETURNING id",
            (report_id, url, republished_from, reading.kind, seen, seen, capture_id, version_id,
             agreement, reading.substance_hash, len(reading.cells), reading.checks_failed,
             json.dumps(reading.warnings, ensure_ascii=False), cells_z)).fetchone()[0]
        if agreement != "conflict":  # caught up with the version it had disagreed with
            self.conn.execute("DELETE FROM representation_conflicts WHERE document_id = ? "
                              "AND version_id = ?", (document_id, version_id))
        return document_id

    def touch(self, document_id: int, capture_id: int, seen: str) -> None:
        """A capture that read like the document's last: only its times and latest capture."""
        self.conn.execute(
            "UPDATE documents SET first_seen = MIN(first_seen, ?), "
            "last_seen = MAX(last_seen, ?), capture_id = CASE WHEN last_seen <= ? THEN ? "
            "ELSE capture_id END, gone_at = NULL WHERE id = ?", (seen, seen, seen, capture_id, document_id))

    def version_cells(self, version_id: int) -> Cells:
        return canonical_cells(dict(self.conn.execute(
            "SELECT k.tbl || '/' || k.row_key || '/' || k.col_key, v.value FROM cell_values v "
            "JOIN cell_keys k ON k.id = v.key_id WHERE v.version_id = ?", (version_id,))))

    def keep_cells(self, version_id: int) -> None:
        """Before a version's cells are rewritten in place: the documents that read them keep
        their own copy (they read what the version held, not what it will hold)."""
        packed = pack_text(json.dumps(self.version_cells(version_id), sort_keys=True))
        self.conn.execute("UPDATE documents SET cells_z = ? WHERE version_id = ? "
                          "AND cells_z IS NULL", (packed, version_id))

    def reevaluate(self, report_id: int, version_id: int, detected_at: str) -> int:
        """Every document of the report against the version's cells: agreement, and the
        conflicting cells recorded for that version. Returns the number of conflicts."""
        current = self.version_cells(version_id)
        source = self.conn.execute("SELECT document_id FROM versions WHERE id = ?",
                                   (version_id,)).fetchone()[0]
        conflicts = 0
        for doc_id, doc_version, cells_z in self.conn.execute(
                "SELECT id, version_id, cells_z FROM documents WHERE report_id = ? "
                "AND agreement != ?", (report_id, NO_CELLS)).fetchall():
            cells = json.loads(unpack_text(cells_z)) if cells_z is not None \
                else self.version_cells(doc_version)
            differences = diff_cells(current, cells)
            self._record_conflict(report_id, version_id, doc_id, source, differences,
                                  detected_at)
            conflicts += bool(differences)
        return conflicts

    def _record_conflict(self, report_id: int, version_id: int, doc_id: int,
                         source: int | None, differences: list[Change], detected_at: str) -> None:
        self.conn.execute("UPDATE documents SET agreement = ? WHERE id = ?",
                          ("conflict" if differences else "agree", doc_id))
        # the conflicts of this document with this version are replaced; older versions' stay
        self.conn.execute("DELETE FROM representation_conflicts WHERE document_id = ? AND "
                          "version_id = ?", (doc_id, version_id))
        self.conn.executemany(
            "INSERT INTO representation_conflicts (report_id, version_id, document_id, "
            "source_document_id, key, version_value, document_value, detected_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(report_id, version_id, doc_id, source, c.key, c.old, c.new, detected_at)
             for c in differences])

