"""The Archive: captures in, reports / versions / cell-level changes out (docs/schema.md)."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from itertools import groupby, islice, repeat
from pathlib import Path
from typing import Any

from parsers import ParseError, Report, parse
from parsers.errors import one_line
from parsers.agency import agency_kind, normalize_agency
from parsers.limits import parse_bounded
from parsers.metadata import find_region

from . import (agency_identity, coverage, document_migration, expected, schema, search_index,
               statuses, unread)
from .capture import Capture, IngestResult
from .content import (METADATA_FIELDS, VERSION_COLUMNS, Snapshot, compared_sections, snapshot,
                      unpack_sections)
from .diff import Change, diff_cells, diff_metadata, diff_sections
from .documents import Current, DocumentRow, Documents, Reading, decide
from .substance import section_paragraphs
from .text_codec import unpack_text
from .warc_store import DEFAULT_ROTATE_BYTES, Original, WarcLocation, WarcStore

# What a capture's own data can make SQLite reject (an unknown site_id, an out-of-range
# integer, a lone surrogate in a string): that capture fails alone in a batch. Anything else
# (disk full, I/O, a locked database) concerns every capture and stops the batch.
_BAD_CAPTURE = (sqlite3.IntegrityError, sqlite3.InterfaceError, OverflowError, UnicodeError)

# What ingest takes for a capture: parse_capture's Report or error line, or prepare_capture's
# Snapshot.
Parsed = Report | Snapshot | str


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_capture(capture: Capture, bounded: bool = True) -> Report | str:
    """The capture's Report, or a one-line error: unreadable input is recorded, never a crash.

    bounded: in a child process under CPU, memory and wall-time limits (parsers.limits), so a
    hostile document costs an error line instead of the archive writer. Pure either way: a
    caller may run it in worker processes and hand the result to Archive.ingest."""
    args = (capture.body, capture.content_type, capture.final_url or capture.url)
    try:
        return parse_bounded(*args) if bounded else parse(*args)
    except ParseError as exc:
        return one_line(str(exc) or type(exc).__name__)
    except Exception as exc:  # a parser bug must not stop a crawl: the capture records it
        return one_line(f"parser failed: {type(exc).__name__}: {exc}")


def prepare_capture(capture: Capture, bounded: bool = True) -> Parsed:
    """parse_capture, then the Snapshot with everything the writer stores computed
    (Snapshot.prepare): for parsing workers, which leave the single writer only writing."""
    parsed = parse_capture(capture, bounded)
    if isinstance(parsed, str) or not parsed.structure_found:
        return parsed
    try:
        return snapshot(parsed).prepare()
    except Exception as exc:  # a bug here must not stop a bulk ingest: the capture records it
        return one_line(f"archive preparation failed: {type(exc).__name__}: {exc}")


def _snapshot(parsed: Parsed) -> tuple[Snapshot | None, str | None]:
    if isinstance(parsed, str):
        return None, parsed
    if isinstance(parsed, Snapshot):
        return parsed, None
    return (snapshot(parsed) if parsed.structure_found else None), None


class Archive:
    def __init__(self, db_path: str | Path, warc_dir: str | Path | None = None,
                 rotate_bytes: int = DEFAULT_ROTATE_BYTES, fsync: bool = True,
                 bounded_parse: bool = True) -> None:
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.db = schema.connect(str(self.db_path))
        self.conn = self.db.conn
        schema.create_schema(self.db)
        search_index.ensure_search_schema(self.db)
        self.warc = WarcStore(warc_dir or self.db_path.parent / "warc", rotate_bytes, fsync)
        self._key_ids: dict[tuple[str, str, str], int] = {}
        self.documents = Documents(self.conn)
        # reports whose current version changed in this transaction, indexed at its end
        # (search_index.index_reports says why): report id -> its text's search tokens
        self._to_index: dict[int, str | None] = {}
        self.bounded_parse = bounded_parse
        if document_migration.pending(self.conn):  # an archive made before schema 5
            document_migration.migrate(self)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, lock_warc: bool = False) -> Iterator[None]:
        if lock_warc:
            self.warc.lock()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                if self._to_index:
                    search_index.index_reports(self.db, self._to_index)
            except BaseException:
                self.conn.execute("ROLLBACK")
                self._key_ids.clear()  # ids inserted in the rolled-back transaction are gone
                raise
            finally:
                self._to_index = {}
            if lock_warc:
                self.warc.sync()  # the records reach the disk before the rows pointing at them
            self.conn.execute("COMMIT")
        finally:
            if lock_warc:
                self.warc.unlock()

    # -- registry --------------------------------------------------------------------------
    def register_sites(self, sites: list[dict]) -> None:
        with self._transaction():
            for site in sites:
                self.conn.execute(
                    "INSERT INTO sites (id, name, base_url, start_urls, region, cms) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET name=excluded.name, "
                    "base_url=excluded.base_url, start_urls=excluded.start_urls, "
                    "region=excluded.region, cms=excluded.cms",
                    (site["id"], site.get("name"), site.get("base_url") or _first(site),
                     json.dumps(site.get("start_urls", []), ensure_ascii=False),
                     site.get("region"), site.get("cms")))
                for agency in site.get("agencies") or []:
                    region = find_region(agency["name"], site.get("region"), site.get("name"))
                    agency_id = self._agency_id(agency["name"], site["id"], vars(region))
                    self.conn.execute(
                        "UPDATE agencies SET site_id = ?, kind = COALESCE(?, kind), "
                        "since = COALESCE(?, since), in_registry = 1, identity = 'registry' "
                        "WHERE id = ?",
                        (site["id"], agency.get("kind"), agency.get("since"), agency_id))

    def _agency_id(self, printed: str, site_id: str | None, region: dict | None = None) -> int:
        """The agency row for a printed name: normalised, aliases merged, created on first sight."""
        name = normalize_agency(printed) or printed
        row = self.conn.execute("SELECT id FROM agencies WHERE name = ?", (name,)).fetchone()
        if row is None:
            region = region or {}
            aliases = [printed] if printed != name else []
            return self.conn.execute(
                "INSERT INTO agencies (name, aliases, province, city, county, site_id, kind) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, json.dumps(aliases, ensure_ascii=False), region.get("province"),
                 region.get("city"), region.get("county"), site_id, agency_kind(name))).lastrowid
        if region:  # a region learnt later fills what was unknown, never overwrites
            self.conn.execute(
                "UPDATE agencies SET province = COALESCE(province, ?), city = COALESCE(city, ?), "
                "county = COALESCE(county, ?) WHERE id = ?",
                (region.get("province"), region.get("city"), region.get("county"), row[0]))
        if printed != name:
            self._add_alias(row[0], printed)
        return row[0]

    def _add_alias(self, agency_id: int, printed: str) -> None:
        aliases = json.loads(self.conn.execute("SELECT aliases FROM agencies WHERE id = ?",
                                               (agency_id,)).fetchone()[0] or "[]")
        if printed not in aliases:
            self.conn.execute("UPDATE agencies SET aliases = ? WHERE id = ?",
                              (json.dumps([*aliases, printed], ensure_ascii=False), agency_id))

    def _agency_for(self, snap: Snapshot, printed: str | None,
                    capture: Capture) -> agency_identity.Identity:
        """Whose report this is: a name with its place as printed, a bare one ("农业农村局",
        "我局") placed and matched with what the site and the capture say (archive/agency_identity)."""
        site = self.conn.execute("SELECT region, name FROM sites WHERE id = ?",
                                 (capture.site_id,)).fetchone() or (None, None)
        registered = tuple(r[0] for r in self.conn.execute(
            "SELECT name FROM agencies WHERE site_id = ? AND in_registry = 1", (capture.site_id,)))
        context = agency_identity.Context(registered, site[0], site[1],
                                          snap.metadata.get("contact_address"),
                                          capture.link_text, capture.agency_hint)
        return agency_identity.resolve(printed, bool(printed) and _names_a_place(printed, snap),
                                       context)

    # -- ingest ----------------------------------------------------------------------------
    def ingest(self, capture: Capture, parsed: Parsed | None = None) -> IngestResult:
        """Store one capture: its original in WARC, then its report/version/changes rows.

        One transaction: the WARC record is written and fsynced inside it, so a database row
        never points at bytes that are not on disk, and a killed ingest leaves nothing behind
        but WARC bytes that the next ingest cuts off. `parsed`: parse_capture(capture) or
        prepare_capture(capture) when the caller already ran it (e.g. in worker processes); by
        default parse_capture runs here."""
        if parsed is None:
            parsed = parse_capture(capture, self.bounded_parse)
        with self._transaction(lock_warc=True):
            return self._store(capture, parsed)

    def ingest_many(self, captures: Iterable[Capture],
                    parsed: Iterable[Parsed | None] | None = None,
                    batch: int = 256) -> Iterator[IngestResult]:
        """Ingest captures in batches, yielding one result per capture in order.

        Per batch: parsing first (outside the transaction: the write lock is not held while a
        document parses), then one transaction: the batch's WARC records fsynced once, one
        commit. A commit costs a WAL sync and rewrites the pages every ingest touches, so
        batching is what makes the writer fast. A capture whose rows SQLite rejects
        (_BAD_CAPTURE) rolls back alone - the batch is redone with a SAVEPOINT per capture -
        and gets an "error" result without a capture row; any other failure (disk full, I/O)
        rolls back the batch and is raised. A crash leaves the database as it was before the
        batch, and rerunning completes it."""
        pairs = zip(captures, parsed if parsed is not None else repeat(None))
        while chunk := list(islice(pairs, batch)):
            ready = [(c, p if p is not None else parse_capture(c, self.bounded_parse))
                     for c, p in chunk]
            yield from self._ingest_batch(ready)

    def _ingest_batch(self, ready: list[tuple[Capture, Parsed]]) -> list[IngestResult]:
        # Optimistic: no savepoints unless a capture is rejected. A SAVEPOINT and its RELEASE
        # for every capture cost ~0.07 ms a report, about 7 % of the writer's CPU (measured
        # with the search-index writes at the transaction's end, search_index.index_reports).
        try:
            with self._transaction(lock_warc=True):
                return [self._store(c, p) for c, p in ready]
        except _BAD_CAPTURE:
            pass  # the batch rolled back (its WARC bytes are cut off by the next append)
        with self._transaction(lock_warc=True):
            return [self._store_in_savepoint(c, p) for c, p in ready]

    def _store_in_savepoint(self, capture: Capture, parsed: Parsed) -> IngestResult:
        self.conn.execute("SAVEPOINT capture")
        to_index = dict(self._to_index)
        try:
            result = self._store(capture, parsed)
        except _BAD_CAPTURE as exc:
            self.conn.execute("ROLLBACK TO capture")
            self.conn.execute("RELEASE capture")
            self._key_ids.clear()  # ids inserted since the savepoint are gone
            self._to_index = to_index
            return IngestResult("error", error=f"not archived: {type(exc).__name__}: {exc}")
        self.conn.execute("RELEASE capture")
        return result

    def _store(self, capture: Capture, parsed: Parsed) -> IngestResult:
        """A capture's original and rows, inside the caller's transaction."""
        fetched_at = capture.fetched_at or utc_now()
        sha256 = hashlib.sha256(capture.body).hexdigest()
        snap, error = _snapshot(parsed)
        location = self._store_original(capture, sha256, fetched_at)
        capture_id = self._insert_capture(capture, sha256, fetched_at, location, error)
        titled = unread.titled_report(capture, parsed) if snap is None else None
        if titled is not None:  # the parser could not read it; its title says it is a report
            result = unread.record(self, capture_id, capture, *titled, fetched_at)
        elif error is not None:
            result = IngestResult("error", capture_id, error=error)
        elif snap is None:
            result = IngestResult("not_report", capture_id)
        else:
            result = (unread.read_at_last(self, capture_id, capture, snap, fetched_at)
                      or self._record_report(capture_id, capture, snap, fetched_at))
        self.conn.execute(
            "UPDATE captures SET outcome = ?, report_id = ?, version_id = ?, "
            "error = COALESCE(error, ?), list_date = ?, last_modified = ? WHERE id = ?",
            (result.outcome, result.report_id, result.version_id, result.error,
             capture.list_date, expected.last_modified(capture.headers), capture_id))
        return result

    def _store_original(self, capture: Capture, sha256: str, fetched_at: str) -> WarcLocation:
        file = self.warc.current_file()
        end = self.conn.execute(
            "SELECT warc_offset + warc_length FROM captures WHERE warc_file = ? "
            "ORDER BY warc_offset DESC LIMIT 1", (file,)).fetchone()
        first = self.conn.execute(
            "SELECT warc_file, warc_offset, warc_length, warc_record_id, warc_type, "
            "COALESCE(final_url, url), fetched_at FROM captures "
            "WHERE sha256 = ? AND warc_type != 'revisit' LIMIT 1", (sha256,)).fetchone()
        refers_to = WarcLocation(*first[:5]) if first else None
        return self.warc.append(file, end[0] if end else 0, capture, fetched_at, refers_to,
                                first[5] if first else None, first[6] if first else None)

    def _insert_capture(self, capture: Capture, sha256: str, fetched_at: str,
                        location: WarcLocation, error: str | None) -> int:
        return self.conn.execute(
            "INSERT INTO captures (url, final_url, status, fetched_at, sha256, content_type, size,"
            " warc_file, warc_offset, warc_length, warc_type, warc_record_id, site_id, link_text,"
            " agency_hint, year_hint, error) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (capture.url, capture.final_url, capture.status, fetched_at, sha256,
             capture.content_type, len(capture.body), location.file, location.offset,
             location.length, location.record_type, location.record_id, capture.site_id,
             capture.link_text, capture.agency_hint, capture.year_hint, error)).lastrowid

    def _identify(self, capture: Capture, snap: Snapshot) -> tuple[int, int] | str:
        """(agency id, year) of a parsed report, or why it has none."""
        year = snap.year or capture.year_hint
        printed = snap.metadata["agency_printed"] or snap.agency_normalized
        identity = self._agency_for(snap, printed, capture)
        if year is None or not identity.name:
            return f"report without {'reporting year' if year is None else 'agency'}"
        region = identity.region or {k: snap.metadata[k] for k in ("province", "city", "county")}
        agency_id = self._agency_id(identity.name, capture.site_id, region)
        if printed and printed != identity.name and printed not in agency_identity.SELF_REFERENCES:
            self._add_alias(agency_id, printed)  # 农业农村局, 永新工业园区: forms of this agency
        # how the name was established; "unresolved: …" flags a name no context could place
        self.conn.execute("UPDATE agencies SET identity = COALESCE(identity, ?) WHERE id = ?",
                          (identity.how, agency_id))
        return agency_id, year

    def _current(self, agency_id: int, year: int) -> tuple | None:
        return self.conn.execute(
            "SELECT r.id, r.url, r.status, r.current_version_id, v.content_hash FROM reports r "
            "JOIN versions v ON v.id = r.current_version_id WHERE r.agency_id = ? AND r.year = ?",
            (agency_id, year)).fetchone()

    def _record_report(self, capture_id: int, capture: Capture, snap: Snapshot,
                       seen: str) -> IngestResult:
        identity = self._identify(capture, snap)
        if isinstance(identity, str):
            return IngestResult("error", capture_id, error=identity)
        agency_id, year = identity
        row = self._current(agency_id, year)
        reading = Reading.of(snap, capture.url)
        if row is None:
            report_id = self.conn.execute(
                "INSERT INTO reports (agency_id, year, title, url, site_id, first_seen, last_seen,"
                " status) VALUES (?, ?, ?, ?, ?, ?, ?, 'current')",
                (agency_id, year, snap.metadata["title"], capture.url, capture.site_id, seen,
                 seen)).lastrowid
            version_id = self._insert_version(report_id, 1, capture_id, snap, seen, "first")
            self._attach_source(version_id, self.documents.record(
                report_id, capture.url, reading, capture_id, seen, version_id, "agree"))
            self._to_index[report_id] = snap.text_tokens
            return IngestResult("new_report", capture_id, report_id, version_id)
        report_id, _url, status, version_id, _hash = row
        # MIN/MAX: captures may arrive out of order (an older crawl imported later)
        self.conn.execute(
            "UPDATE reports SET site_id = COALESCE(?, site_id), "
            "first_seen = MIN(first_seen, ?), last_seen = MAX(last_seen, ?), "
            "status = 'current', removed_at = NULL WHERE id = ?",
            (capture.site_id, seen, seen, report_id))
        if status == "removed":
            self._record_changes(report_id, version_id, version_id,
                                 [Change("metadata", "status", status, "current")], "agency", seen)
        result = self._read_document(report_id, capture_id, capture, snap, reading, seen)
        self._refresh_url(report_id)
        return result

    def _refresh_url(self, report_id: int) -> None:
        """reports.url: the live document the current version reads from, else the live one
        seen last — not whichever copy was captured last (a page and its PDF took turns)."""
        live = self.conn.execute(
            "SELECT d.url FROM reports r JOIN versions v ON v.id = r.current_version_id "
            "JOIN documents d ON d.report_id = r.id AND d.gone_at IS NULL WHERE r.id = ? "
            "ORDER BY d.id = v.document_id DESC, d.last_seen DESC, d.id DESC LIMIT 1",
            (report_id,)).fetchone()
        if live:
            self.conn.execute("UPDATE reports SET url = ? WHERE id = ?", (live[0], report_id))

    def _read_document(self, report_id: int, capture_id: int, capture: Capture, snap: Snapshot,
                       reading: Reading, seen: str) -> IngestResult:
        """A known report's document read again, or a new one of it (archive/documents.py)."""
        doc = self.documents.find(report_id, capture.url)
        current = self.documents.current(self._current_version(report_id))
        decision = decide(doc, reading, current)
        version_id = current.version_id
        if decision == "unchanged":
            self.documents.touch(doc.id, capture_id, seen)
            if doc.id == current.source_id:
                self.conn.execute("UPDATE versions SET last_seen = MAX(last_seen, ?) "
                                  "WHERE id = ?", (seen, version_id))
                self._update_metadata(report_id, version_id, snap, seen)
            return IngestResult("unchanged", capture_id, report_id, version_id)
        if decision == "revision":
            return self._revise(report_id, current, doc, capture_id, capture, snap, reading, seen)
        if decision == "conflict":
            self.documents.record(report_id, capture.url, reading, capture_id, seen,
                                  version_id, "conflict")
            self.documents.reevaluate(report_id, version_id, seen)
            return IngestResult("conflict", capture_id, report_id, version_id)
        if decision == "takeover":
            self.documents.keep_cells(version_id)  # the worse read keeps what it read
            self._record_changes(report_id, version_id, version_id,
                                 diff_cells(current.cells, reading.cells), "representation", seen)
        republished = self.documents.same_substance(report_id, reading) if doc is None else None
        doc_id = self.documents.record(report_id, capture.url, reading, capture_id, seen,
                                       version_id, "agree", republished)
        if decision == "takeover" or reading.quality > current.source_quality \
                or republished == current.source_id:
            self._take_source(report_id, version_id, doc_id, capture_id, snap)
        if decision == "takeover":
            self.documents.reevaluate(report_id, version_id, seen)
        outcome = "republished" if republished else "representation" if doc is None else "unchanged"
        return IngestResult(outcome, capture_id, report_id, version_id)

    def _revise(self, report_id: int, current: Current, doc: DocumentRow, capture_id: int,
                capture: Capture, snap: Snapshot, reading: Reading, seen: str) -> IngestResult:
        """A document of the current version changed its substance: a new version. Its text
        and metadata are compared only when it is the version's own source: another
        representation's text differs from the version's anyway."""
        changes = self._diff(current.version_id, snap, same_document=doc.id == current.source_id)
        seq = self.conn.execute("SELECT MAX(seq) FROM versions WHERE report_id = ?",
                                (report_id,)).fetchone()[0]
        new_id = self._insert_version(report_id, seq + 1, capture_id, snap, seen, "agency")
        self._record_changes(report_id, current.version_id, new_id, changes, "agency", seen)
        self.documents.record(report_id, capture.url, reading, capture_id, seen, new_id, "agree")
        self._attach_source(new_id, doc.id)
        self.documents.reevaluate(report_id, new_id, seen)
        self._to_index[report_id] = snap.text_tokens
        return IngestResult("revised", capture_id, report_id, new_id,
                            changed_cells=sum(1 for c in changes if c.kind == "cell"))

    def _update_metadata(self, report_id: int, version_id: int, snap: Snapshot,
                         seen: str) -> None:
        """The version's own document now prints another title (or contact, ...): a metadata
        change of that version, recorded, not a new version. Only a later capture says so."""
        row = self.conn.execute(
            f"SELECT last_seen, {', '.join(METADATA_FIELDS)} FROM versions WHERE id = ?",
            (version_id,)).fetchone()
        changes = diff_metadata(dict(zip(METADATA_FIELDS, row[1:])), snap.metadata)
        if not changes or seen < row[0]:
            return
        self.conn.execute(
            f"UPDATE versions SET {', '.join(f'{c.key} = ?' for c in changes)} WHERE id = ?",
            (*(c.new for c in changes), version_id))
        self.conn.execute("UPDATE reports SET title = ? WHERE id = ?",
                          (snap.metadata["title"], report_id))
        self._record_changes(report_id, version_id, version_id, changes, "agency", seen)
        self._to_index.setdefault(report_id, None)  # the title is indexed

    def _attach_source(self, version_id: int, document_id: int) -> None:
        self.conn.execute("UPDATE versions SET document_id = ? WHERE id = ?",
                          (document_id, version_id))

    def _take_source(self, report_id: int, version_id: int, document_id: int, capture_id: int,
                     snap: Snapshot) -> None:
        """The version's content read from a better-read document, in place (no revision)."""
        search_index.unindex_report(self.db, report_id)
        self._rewrite_version(version_id, snap)
        self.conn.execute("UPDATE versions SET capture_id = ?, document_id = ? WHERE id = ?",
                          (capture_id, document_id, version_id))
        self.conn.execute("UPDATE reports SET title = ? WHERE id = ?",
                          (snap.metadata["title"], report_id))
        self._to_index[report_id] = snap.text_tokens

    def _current_version(self, report_id: int) -> int:
        return self.conn.execute("SELECT current_version_id FROM reports WHERE id = ?",
                                 (report_id,)).fetchone()[0]

    def _insert_version(self, report_id: int, seq: int, capture_id: int, snap: Snapshot,
                        seen: str, cause: str) -> int:
        version_id = self.conn.execute(
            "INSERT INTO versions (report_id, seq, capture_id, first_seen, last_seen, cause, "
            f"{', '.join(VERSION_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, "
            f"{', '.join('?' * len(VERSION_COLUMNS))})",
            (report_id, seq, capture_id, seen, seen, cause, *snap.stored_values)).lastrowid
        self._write_cells_and_checks(version_id, snap)
        self.conn.execute("UPDATE reports SET current_version_id = ?, title = ? WHERE id = ?",
                          (version_id, snap.metadata["title"], report_id))
        return version_id

    def _rewrite_version(self, version_id: int, snap: Snapshot) -> None:
        self.conn.execute(
            f"UPDATE versions SET {', '.join(f'{c} = ?' for c in VERSION_COLUMNS)}, "
            "unread = NULL WHERE id = ?",  # a rewrite is a reading
            (*snap.stored_values, version_id))
        self.conn.execute("DELETE FROM cell_values WHERE version_id = ?", (version_id,))
        self.conn.execute("DELETE FROM checks WHERE version_id = ?", (version_id,))
        self._write_cells_and_checks(version_id, snap)

    def _write_cells_and_checks(self, version_id: int, snap: Snapshot) -> None:
        self.conn.executemany(
            "INSERT INTO cell_values (version_id, key_id, value, raw) VALUES (?, ?, ?, ?)",
            [(version_id, self._key_id(t, r, c), v, raw) for t, r, c, v, raw in snap.stored_cells])
        self.conn.executemany(
            "INSERT INTO checks (version_id, rule, ok, detail, cells) VALUES (?, ?, ?, ?, ?)",
            [(version_id, *check) for check in snap.checks])

    def _key_id(self, tbl: str, row: str, col: str) -> int:
        key = (tbl, row, col)
        if key not in self._key_ids:
            self.conn.execute("INSERT OR IGNORE INTO cell_keys (tbl, row_key, col_key) "
                              "VALUES (?, ?, ?)", key)
            self._key_ids[key] = self.conn.execute(
                "SELECT id FROM cell_keys WHERE tbl = ? AND row_key = ? AND col_key = ?",
                key).fetchone()[0]
        return self._key_ids[key]

    def _diff(self, version_id: int, snap: Snapshot, same_document: bool = True) -> list[Change]:
        """Cell, paragraph and metadata differences between a stored version and a new parse
        (cells only when the parse is of another document than the version's)."""
        cells = self.documents.version_cells(version_id)
        changes = diff_cells(cells, snap.cell_values())
        if not same_document:
            return changes
        row = self.conn.execute(
            f"SELECT sections, text_z, {', '.join(METADATA_FIELDS)} FROM versions WHERE id = ?",
            (version_id,)).fetchone()
        text = unpack_text(row[1])
        sections = compared_sections(unpack_sections(row[0], text),
                                     {key.split("/")[0] for key in cells})
        return [*changes,
                *diff_sections(section_paragraphs(sections, text),
                               section_paragraphs(snap.compared_sections(), snap.text)),
                *diff_metadata(dict(zip(METADATA_FIELDS, row[2:])), snap.metadata)]

    def _record_changes(self, report_id: int, from_id: int | None, to_id: int,
                        changes: list[Change], cause: str, detected_at: str) -> None:
        self.conn.executemany(
            "INSERT INTO changes (report_id, from_version_id, to_version_id, kind, key, old, new,"
            " cause, detected_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(report_id, from_id, to_id, *change, cause, detected_at) for change in changes])

    # -- removal ---------------------------------------------------------------------------
    def mark_gone(self, url: str, status: int, site_id: str | None = None) -> list[int]:
        """A report URL answered 404/410: that document is gone; a report none of whose
        documents remains is marked removed (never deleted). An attachment taken down while
        the report's page stays is not a removed report."""
        if status not in (404, 410):
            return []
        with self._transaction():
            report_ids = [r[0] for r in self.conn.execute(
                "SELECT DISTINCT d.report_id FROM documents d JOIN reports r ON r.id = d.report_id "
                "WHERE d.url = ? AND r.status = 'current' AND (? IS NULL OR r.site_id = ?)",
                (url, site_id, site_id))]
            self._documents_gone(report_ids, lambda doc_url: doc_url == url)
            ids = self._without_live_documents(report_ids)
            self._remove(ids, f"HTTP {status}")
            for report_id in report_ids:
                self._refresh_url(report_id)
        return ids

    def complete_crawl(self, site_id: str, seen_urls: set[str]) -> list[int]:
        """After a complete crawl of a site: its reports' documents not seen are gone, a report
        with no document seen is removed, and expected_reports is brought up to date (what the
        crawl found is now known)."""
        with self._transaction():
            report_ids = [r[0] for r in self.conn.execute(
                "SELECT id FROM reports WHERE site_id = ? AND status = 'current'", (site_id,))]
            self._documents_gone(report_ids, lambda doc_url: doc_url not in seen_urls)
            ids = self._without_live_documents(report_ids)
            self._remove(ids, "not found by a complete crawl")
            for report_id in report_ids:
                self._refresh_url(report_id)
        self.refresh_expected()
        return ids

    def _documents_gone(self, report_ids: list[int], gone: Callable[[str], bool]) -> None:
        now = utc_now()
        for report_id in report_ids:
            self.conn.executemany(
                "UPDATE documents SET gone_at = ? WHERE id = ? AND gone_at IS NULL",
                [(now, doc_id) for doc_id, url in self.conn.execute(
                    "SELECT id, url FROM documents WHERE report_id = ?", (report_id,)).fetchall()
                 if gone(url)])

    def _without_live_documents(self, report_ids: list[int]) -> list[int]:
        return [report_id for report_id in report_ids if not self.conn.execute(
            "SELECT 1 FROM documents WHERE report_id = ? AND gone_at IS NULL LIMIT 1",
            (report_id,)).fetchone()]

    def _remove(self, report_ids: list[int], why: str) -> None:
        now = utc_now()
        for report_id in report_ids:
            version_id = self.conn.execute(
                "UPDATE reports SET status = 'removed', removed_at = ? WHERE id = ? "
                "RETURNING current_version_id", (now, report_id)).fetchone()[0]
            self._record_changes(report_id, version_id, version_id,
                                 [Change("metadata", "status", "current", f"removed: {why}")],
                                 "agency", now)

    # -- coverage and expected reports ------------------------------------------------------
    def record_site_crawl(self, crawl: coverage.SiteCrawl) -> int:
        """What one crawl of one site covered (archive/coverage.py): the evidence behind
        every `missing` and `removed`."""
        with self._transaction():
            return coverage.record(self.conn, crawl)

    def refresh_expected(self, as_of: date | None = None) -> None:
        """Recompute expected_reports (agency x year, deadline, status, evidence) as of a China
        date (archive/statuses.py)."""
        rows = statuses.compute(self.conn, as_of or expected.today_in_china())
        with self._transaction():
            # a derived table: recomputed whole, so a status never lingers from an older date
            self.conn.execute("DELETE FROM expected_reports")
            self.conn.executemany(
                f"INSERT INTO expected_reports ({', '.join(statuses.COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(statuses.COLUMNS))})", rows)

    # -- originals and re-parsing ------------------------------------------------------------
    def read_original(self, capture_id: int) -> Original:
        """A capture's response as archived; a revisit record resolves to the stored payload."""
        file, offset, sha256 = self.conn.execute(
            "SELECT warc_file, warc_offset, sha256 FROM captures WHERE id = ?",
            (capture_id,)).fetchone()
        original = self.warc.read(file, offset)
        if original.record_type == "revisit":
            file, offset = self.conn.execute(
                "SELECT warc_file, warc_offset FROM captures WHERE sha256 = ? AND "
                "warc_type != 'revisit' LIMIT 1", (sha256,)).fetchone()
            original.payload = self.warc.read(file, offset).payload
        return original

    def reparse(self) -> dict:
        """Re-parse every version from its WARC original with the current parser, report by
        report, then the report's documents (a capture both a version and a document read is
        parsed once).

        A version's content is rewritten in place; differences are recorded as changes with
        cause 'parser' (from and to the same version), never as a revision by the agency.
        Captures that failed or were no report are parsed again too (see _recover)."""
        stats = {"versions": 0, "changed": 0, "changes": 0, "errors": 0, "documents": 0}
        versions = self.conn.execute(
            "SELECT v.report_id, v.id, v.capture_id, c.url, c.final_url, "
            "c.content_type, r.current_version_id FROM versions v "
            "JOIN captures c ON c.id = v.capture_id JOIN reports r ON r.id = v.report_id "
            "ORDER BY v.report_id, v.id").fetchall()
        for report_id, rows in groupby(versions, key=lambda row: row[0]):
            snaps: dict[int, Snapshot | None] = {}  # capture id -> this parser's reading (this report)
            for _, version_id, capture_id, url, final_url, ctype, current in rows:
                stats["versions"] += 1
                snaps[capture_id] = self._reparse_version(
                    report_id, version_id, version_id == current, self._reread(self._original(
                        capture_id, url=url, final_url=final_url, content_type=ctype)), stats)
            stats["documents"] += self._reread_documents(report_id, snaps)
        stats.update(self._recover())
        return stats

    def _original(self, capture_id: int, **fields: Any) -> Capture:
        """An archived capture again, its bytes from the WARC original."""
        return Capture(**fields, body=self.read_original(capture_id).payload)

    def _reread(self, capture: Capture) -> Snapshot | None:
        """The current parser's snapshot of an archived capture; None when it fails."""
        return _snapshot(parse_capture(capture, self.bounded_parse))[0]

    def _reparse_version(self, report_id: int, version_id: int, is_current: bool,
                         snap: Snapshot | None, stats: dict) -> Snapshot | None:
        if snap is None:  # the new parser fails where the old one worked: keep the data
            stats["errors"] += 1
            return None
        with self._transaction():
            # metadata is not in the hash: a changed title is found by the diff alone
            changes = self._diff(version_id, snap)
            if is_current:
                search_index.unindex_report(self.db, report_id)
            self._rewrite_version(version_id, snap)
            self._record_changes(report_id, version_id, version_id, changes, "parser", utc_now())
            if is_current:
                self._to_index[report_id] = snap.text_tokens
        stats["changed"] += bool(changes)
        stats["changes"] += len(changes)
        return snap

    def _reread_documents(self, report_id: int, snaps: dict[int, Snapshot | None]) -> int:
        """The report's documents' latest captures read again, so that their substance hashes
        and agreement are the current parser's: else the next crawl of an unchanged document
        would differ from what the old parser read, and look like a revision."""
        done = 0
        rows = self.conn.execute(
            "SELECT d.url, d.version_id, d.last_seen, c.id, c.final_url, c.content_type "
            "FROM documents d JOIN captures c ON c.id = d.capture_id WHERE d.report_id = ? "
            "ORDER BY d.id", [report_id]).fetchall()
        if not rows:
            return 0
        with self._transaction():
            for url, version_id, seen, capture_id, final_url, ctype in rows:
                snap = snaps[capture_id] if capture_id in snaps else self._reread(self._original(
                    capture_id, url=url, final_url=final_url, content_type=ctype))
                if snap is None:  # unreadable now: its last reading stays
                    continue
                reading = Reading.of(snap, url)
                agrees = reading.cells == self.documents.version_cells(version_id)
                self.documents.record(report_id, url, reading, capture_id, seen, version_id,
                                      "agree" if agrees else "conflict")
                done += 1
            self.documents.reevaluate(report_id, self._current_version(report_id), utc_now())
        return done

    def _recover(self) -> dict:
        """Re-parse captures that were an error or no report. One that now reads as a report
        no archived report covers becomes that report (first seen when it was fetched); one
        matching a report's current version joins it. One that differs from an archived report
        is only counted: whether the agency or the parser made the difference is unknown, and
        an old capture must not become the current version."""
        stats = {"recovered": 0, "differs": 0}
        failed = self.conn.execute(
            "SELECT id, url, final_url, content_type, site_id, agency_hint, year_hint, fetched_at "
            "FROM captures WHERE outcome IN ('error', 'not_report') ORDER BY id").fetchall()
        for capture_id, url, final_url, ctype, site_id, hint, year_hint, fetched_at in failed:
            capture = self._original(capture_id, url=url, final_url=final_url, content_type=ctype,
                                     site_id=site_id, agency_hint=hint, year_hint=year_hint)
            snap = self._reread(capture)
            if snap is None:
                continue
            with self._transaction():
                identity = self._identify(capture, snap)
                row = None if isinstance(identity, str) else self._current(*identity)
                if isinstance(identity, str) or (row and row[4] != snap.content_hash):
                    stats["differs"] += row is not None
                    continue
                if row is None:
                    result = self._record_report(capture_id, capture, snap, fetched_at)
                else:
                    self.conn.execute("UPDATE reports SET first_seen = MIN(first_seen, ?), "
                                      "last_seen = MAX(last_seen, ?) WHERE id = ?",
                                      (fetched_at, fetched_at, row[0]))
                    result = IngestResult("unchanged", capture_id, row[0], row[3])
                self.conn.execute(
                    "UPDATE captures SET outcome = ?, report_id = ?, version_id = ?, error = NULL "
                    "WHERE id = ?", (result.outcome, result.report_id, result.version_id,
                                     capture_id))
                stats["recovered"] += 1
        return stats


def _names_a_place(name: str, snap: Snapshot) -> bool:
    """Whether the name itself holds the report's place ("宜春市工信局", "宜春丰城高新区"):
    a bare "工信局" does not, even when the report's text names a city elsewhere."""
    for key in ("province", "city", "county"):
        place = snap.metadata[key]
        # the full name "宜春市" or the short "宜春" (without 省/市/县/区)
        if place and (place in name or len(place) > 2 and place[:-1] in name):
            return True
    return False


def _first(site: dict) -> str | None:
    urls = site.get("start_urls") or []
    return urls[0] if urls else None
