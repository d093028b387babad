"""The archive's tables (docs/schema.md), created with sqlite-utils; WAL and foreign keys on."""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

import sqlite_utils

from archive.text_codec import SQL_FUNCTION, pack_text, register_text_function

SCHEMA_VERSION = 6  # 4: versions.text -> versions.text_z (compressed); 5: documents, site_crawls,
#                     evidence, agencies.identity; 6: documents.gone_at
BUSY_TIMEOUT_S = 30
# 16 KiB pages: a version row (its compressed text ~2.5 KB) fits one to a 4 KiB page with
# ~40 % of it empty; six fit a 16 KiB page. Takes effect only when the file is created.
PAGE_SIZE = 16384
CACHE_KIB = 64 * 1024  # page cache: a batch of ingests touches the same index pages again

_TABLES: list[tuple[str, dict, dict]] = [
    ("sites", {"id": str, "name": str, "base_url": str, "start_urls": str, "region": str,
               "cms": str}, {"pk": "id"}),
    ("agencies", {"id": int, "name": str, "aliases": str, "province": str, "city": str,
                  "county": str, "site_id": str, "kind": str, "since": int,
                  "in_registry": int, "identity": str},
     {"pk": "id", "not_null": ["name"], "foreign_keys": [("site_id", "sites", "id")]}),
    ("captures", {"id": int, "url": str, "final_url": str, "status": int, "fetched_at": str,
                  "sha256": str, "content_type": str, "size": int, "warc_file": str,
                  "warc_offset": int, "warc_length": int, "warc_type": str,
                  "warc_record_id": str, "site_id": str,
                  "link_text": str, "agency_hint": str, "year_hint": int, "outcome": str,
                  "report_id": int, "version_id": int, "error": str,
                  "list_date": str, "last_modified": str},
     {"pk": "id", "not_null": ["url", "sha256"], "foreign_keys": [("site_id", "sites", "id")]}),
    ("reports", {"id": int, "agency_id": int, "year": int, "title": str, "url": str,
                 "site_id": str, "first_seen": str, "last_seen": str,
                 "current_version_id": int, "status": str, "removed_at": str},
     {"pk": "id", "not_null": ["agency_id", "year", "status"],
      "foreign_keys": [("agency_id", "agencies", "id"), ("site_id", "sites", "id")]}),
    ("versions", {"id": int, "report_id": int, "seq": int, "content_hash": str,
                  "capture_id": int, "title": str, "agency_printed": str, "format": str,
                  "period": str, "publish_date": str, "contact_address": str,
                  "contact_phone": str, "contact_postcode": str, "contact_email": str,
                  "websites": str, "province": str, "city": str, "county": str,
                  "source_kind": str, "text_z": bytes, "sections": str, "warnings": str,
                  "checks_failed": int, "first_seen": str, "last_seen": str, "cause": str,
                  "parser_version": str, "unread": str},
     {"pk": "id", "not_null": ["report_id", "seq", "content_hash"],
      "foreign_keys": [("report_id", "reports", "id"), ("capture_id", "captures", "id")]}),
    ("cell_keys", {"id": int, "tbl": str, "row_key": str, "col_key": str},
     {"pk": "id", "not_null": ["tbl", "row_key", "col_key"]}),
    ("checks", {"id": int, "version_id": int, "rule": str, "ok": int, "detail": str,
                "cells": str},
     {"pk": "id", "not_null": ["version_id", "rule", "ok"],
      "foreign_keys": [("version_id", "versions", "id")]}),
    ("changes", {"id": int, "report_id": int, "from_version_id": int, "to_version_id": int,
                 "kind": str, "key": str, "old": str, "new": str, "cause": str,
                 "detected_at": str},
     {"pk": "id", "not_null": ["report_id", "kind", "key", "cause", "detected_at"],
      "foreign_keys": [("report_id", "reports", "id"), ("from_version_id", "versions", "id"),
                       ("to_version_id", "versions", "id")]}),
    # A report's representations (archive/documents.py): the page, attachments, copies.
    ("documents", {"id": int, "report_id": int, "url": str, "republished_from": int,
                   "kind": str, "first_seen": str, "last_seen": str, "capture_id": int,
                   "version_id": int, "agreement": str, "substance_hash": str,
                   "cells_read": int, "checks_failed": int, "warnings": str, "cells_z": bytes, "gone_at": str},
     {"pk": "id", "not_null": ["report_id", "url", "kind", "agreement"],
      "foreign_keys": [("report_id", "reports", "id"), ("republished_from", "documents", "id"),
                       ("capture_id", "captures", "id"), ("version_id", "versions", "id")]}),
    ("representation_conflicts", {"id": int, "report_id": int, "version_id": int,
                                  "document_id": int, "source_document_id": int, "key": str,
                                  "version_value": str, "document_value": str,
                                  "detected_at": str},
     {"pk": "id", "not_null": ["report_id", "version_id", "document_id", "key", "detected_at"],
      "foreign_keys": [("report_id", "reports", "id"), ("version_id", "versions", "id"),
                       ("document_id", "documents", "id"),
                       ("source_document_id", "documents", "id")]}),
    ("expected_reports", {"agency_id": int, "year": int, "deadline": str, "status": str,
                          "report_id": int, "first_seen": str, "as_of": str,
                          "publish_date": str, "date_evidence": str, "evidence_crawl_id": int,
                          "evidence_date": str, "last_complete_crawl": str,
                          "last_attempt": str, "last_error": str},
     {"pk": ("agency_id", "year"), "not_null": ["deadline", "status"],
      "foreign_keys": [("agency_id", "agencies", "id"), ("report_id", "reports", "id")]}),
    # what each crawl of each site covered (archive/coverage.py)
    ("site_crawls", {"id": int, "site_id": str, "started_at": str, "finished_at": str,
                     "finish_reason": str, "reached": int, "complete": int, "why": str,
                     "list_pages": int, "report_links": int, "error_count": int, "errors": str},
     {"pk": "id", "not_null": ["site_id", "started_at", "reached", "complete"],
      "foreign_keys": [("site_id", "sites", "id")]}),
]

# Columns added to existing tables since schema 4 (an older archive gets them in place).
_ADDED_COLUMNS = {"captures": ("list_date", "last_modified"), "versions": ("unread",),
                  "documents": ("gone_at",),
                  "expected_reports": ("publish_date", "date_evidence", "evidence_crawl_id",
                                       "evidence_date", "last_complete_crawl", "last_attempt",
                                       "last_error")}

# Cell values are the bulk of the database (~200 per version). sqlite-utils cannot create
# WITHOUT ROWID tables, so this one is hand-written: a row is (version, key id, value, raw) and
# costs ~10 bytes instead of ~50 with repeated key text and a rowid. raw is NULL when it is
# exactly the printed form of the value (the common case); the `cells` view restores it.
_CELL_VALUES_SQL = """
CREATE TABLE IF NOT EXISTS cell_values (
    version_id INTEGER NOT NULL REFERENCES versions(id),
    key_id INTEGER NOT NULL REFERENCES cell_keys(id),
    value NUMERIC,
    raw TEXT,
    PRIMARY KEY (version_id, key_id)
) WITHOUT ROWID
"""

_CELLS_VIEW_SQL = """
CREATE VIEW IF NOT EXISTS cells AS
SELECT v.version_id, k.tbl, k.row_key, k.col_key, v.value,
       COALESCE(v.raw, CAST(v.value AS TEXT)) AS raw
FROM cell_values v JOIN cell_keys k ON k.id = v.key_id
"""

# These close cycles (versions -> captures and reports): added once the referenced tables exist.
_LATE_FOREIGN_KEYS = [("reports", "current_version_id", "versions", "id"),
                      ("captures", "report_id", "reports", "id"),
                      ("captures", "version_id", "versions", "id")]

# versions.text_z is the compressed full text (archive/text_codec.py); these views read it
# through {SQL_FUNCTION}(), registered on the archive's and Datasette's connections.
_VERSION_TEXTS_VIEW_SQL = f"""
CREATE VIEW IF NOT EXISTS version_texts AS
SELECT id AS version_id, {SQL_FUNCTION}(text_z) AS text FROM versions
"""

# versions.sections holds [start, end] offsets into the full text where it can (pack_sections);
# this view gives every section's text back. substr counts characters, as Python slices do.
_VERSION_SECTIONS_VIEW_SQL = f"""
CREATE VIEW IF NOT EXISTS version_sections AS
SELECT v.id AS version_id, j.key AS section,
       CASE j.type WHEN 'array'
            THEN substr({SQL_FUNCTION}(v.text_z), json_extract(j.value, '$[0]') + 1,
                        json_extract(j.value, '$[1]') - json_extract(j.value, '$[0]'))
            ELSE j.value END AS text
FROM versions v, json_each(v.sections) j
"""

_INDEXES: list[tuple[str, list[str], bool]] = [
    ("agencies", ["name"], True),
    ("reports", ["agency_id", "year"], True),
    ("reports", ["url"], False),
    ("reports", ["site_id", "status"], False),
    ("versions", ["report_id", "seq"], True),
    ("cell_keys", ["tbl", "row_key", "col_key"], True),
    ("checks", ["version_id"], False),
    ("changes", ["detected_at"], False),
    ("changes", ["report_id"], False),
    ("captures", ["url"], False),
    ("captures", ["warc_file", "warc_offset"], False),
    ("captures", ["sha256"], False),
    ("expected_reports", ["status"], False),
    ("site_crawls", ["site_id", "started_at"], False),
    ("documents", ["report_id", "url"], True),
    ("representation_conflicts", ["version_id"], False),
    ("representation_conflicts", ["document_id"], False),
]


def connect(path: str) -> sqlite_utils.Database:
    """Open the archive database in autocommit mode: the archive issues its own BEGIN/COMMIT."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_S)
    conn.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before WAL: its first write fixes the size
    _set_wal(conn)
    # NORMAL in WAL mode: a commit is not synced, the WAL is at each checkpoint. A power cut
    # (not a process crash) may lose the last commits, never corrupt the file; WARC records
    # are fsynced before their commit, so a lost commit leaves only bytes the next ingest
    # cuts off, and rerunning the crawl restores those captures.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    conn.execute("PRAGMA foreign_keys=ON")
    register_text_function(conn)
    return sqlite_utils.Database(conn)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """Join the caller's transaction if there is one, else run in our own (one commit, not
    one per statement in an autocommit connection); rolled back on any error."""
    if conn.in_transaction:
        yield
        return
    conn.execute("BEGIN")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _set_wal(conn: sqlite3.Connection) -> None:
    # Switching a new database to WAL takes an exclusive lock and, unlike other statements,
    # does not wait through the busy timeout: two processes opening a fresh archive at once
    # would see "database is locked". Wait here instead.
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def create_schema(db: sqlite_utils.Database) -> None:
    """Create the tables once; later opens only read PRAGMA user_version."""
    if db.execute("PRAGMA user_version").fetchone()[0] >= SCHEMA_VERSION:
        return
    # Several crawler processes may open a fresh database at once: one creates, others wait.
    db.execute("BEGIN IMMEDIATE")
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            _create(db)
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
    if db.conn.in_transaction:  # sqlite-utils' add_foreign_keys commits on its own
        db.execute("COMMIT")


def _create(db: sqlite_utils.Database) -> None:
    for name, columns, options in _TABLES:
        db.create_table(name, columns, if_not_exists=True, **options)
    existing = {(fk.table, fk.column) for t in ("reports", "captures")
                for fk in db[t].foreign_keys}
    late = [fk for fk in _LATE_FOREIGN_KEYS if fk[:2] not in existing]
    if late:
        db.add_foreign_keys(late)
    if "identity" not in db["agencies"].columns_dict:  # schema 5, added in place
        db.execute("ALTER TABLE agencies ADD COLUMN identity TEXT")
    _compress_texts(db)
    _add_columns(db)
    if "document_id" not in db["versions"].columns_dict:  # schema 5: the version's source
        db.execute("ALTER TABLE versions ADD COLUMN document_id INTEGER REFERENCES documents(id)")
    # the versions archive/document_migration.py has still to read: none once migrated
    db.execute("CREATE INDEX IF NOT EXISTS idx_versions_without_document ON versions(report_id) "
               "WHERE document_id IS NULL")
    db.execute(_CELL_VALUES_SQL)
    # Schema 2 indexed cells by (key_id, version_id) too: 2.1 KB a report and ~200 scattered
    # page writes per ingest. Every query (metadata.yml, plugins, report_figures) selects a
    # version first, which the primary key (version_id, key_id) covers.
    db.execute("DROP INDEX IF EXISTS idx_cell_values_key")
    db.execute(_CELLS_VIEW_SQL)
    db.execute(_VERSION_TEXTS_VIEW_SQL)
    db.execute(_VERSION_SECTIONS_VIEW_SQL)
    for table, columns, unique in _INDEXES:
        db[table].create_index(columns, unique=unique, if_not_exists=True)
    # the few unread versions (archive/unread.py), found without a scan on every ingest
    db.execute("CREATE INDEX IF NOT EXISTS idx_versions_unread ON versions (report_id) "
               "WHERE unread IS NOT NULL")
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def _add_columns(db: sqlite_utils.Database) -> None:
    columns = {name: cols for name, cols, _ in _TABLES}
    for table, added in _ADDED_COLUMNS.items():
        present = db[table].columns_dict
        for column in added:
            if column not in present:
                kind = "INTEGER" if columns[table][column] is int else "TEXT"
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _compress_texts(db: sqlite_utils.Database, batch: int = 1000) -> None:
    """Schema 3 -> 4 in place: versions.text (plain) becomes versions.text_z (compressed)."""
    columns = db["versions"].columns_dict
    if "text" not in columns:
        return
    db.execute("DROP VIEW IF EXISTS version_sections")  # it reads the column being dropped
    if "text_z" not in columns:
        db.execute("ALTER TABLE versions ADD COLUMN text_z BLOB")
    last_id = -1
    while rows := db.execute("SELECT id, text FROM versions WHERE id > ? ORDER BY id LIMIT ?",
                             (last_id, batch)).fetchall():
        db.conn.executemany("UPDATE versions SET text_z = ? WHERE id = ?",
                            [(pack_text(text), id_) for id_, text in rows])
        last_id = rows[-1][0]
    db.execute("ALTER TABLE versions DROP COLUMN text")
