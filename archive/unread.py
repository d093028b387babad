"""Reports the parser cannot read are still reports.

A document we fetched from a link titled "青溪区工业和信息化局2021年政府信息公开工作年度报告" is
evidence that the agency published its 2021 report, even when no table or section could be
read (a scan, an odd layout, a format no reader knows). It is archived as that agency-year's
report, its version marked unread with the reason: found, never missing; `nianbao reparse`
reads it once the parser learns the layout.

The title evidence is the capture's link text: the crawler sends only links whose text names a
year's annual report (crawler/recognise.py leaves 解读, 要点, notices out) and gives a report
page's attachments the page's title. A hand ingest has no link text and keeps `not_report`.
"""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import TYPE_CHECKING

from parsers import Report
from parsers.agency import normalize_agency
from parsers.metadata import agency_from_title, find_region, year_named

from . import search_index
from .capture import Capture, IngestResult
from .content import Snapshot, snapshot
from .documents import Reading

if TYPE_CHECKING:
    from .store import Archive

NO_STRUCTURE = "no report tables or sections could be read"


def titled_report(capture: Capture, parsed: Report | Snapshot | str
                  ) -> tuple[Snapshot, str] | None:
    """An unread report's snapshot and the reason it is unread, when the capture's title names
    an agency and a year; None when nothing says it is a report."""
    title = (capture.link_text or "").strip()
    year = year_named(title) if title else None
    agency = capture.agency_hint or agency_from_title(title)
    if not title or year is None or not agency:
        return None
    reason = parsed if isinstance(parsed, str) else NO_STRUCTURE
    base = parsed if isinstance(parsed, Report) else Report(text="")
    region = find_region(agency)
    report = replace(base, title=title, agency=agency,
                     agency_normalized=normalize_agency(agency) or agency, year=year,
                     region=region, cells=[], checks=[],
                     warnings=[*base.warnings, f"unread: {reason}"])
    return snapshot(report), reason


def is_unread(conn: sqlite3.Connection, version_id: int | None) -> bool:
    return version_id is not None and conn.execute(
        "SELECT unread IS NOT NULL FROM versions WHERE id = ?", (version_id,)).fetchone()[0] == 1


def record(archive: "Archive", capture_id: int, capture: Capture, snap: Snapshot, reason: str,
           seen: str) -> IngestResult:
    """An unread capture: a new report with an unread first version; no version at all when
    the agency-year's report is archived already (another copy of it we could not read)."""
    identity = archive._identify(capture, snap)
    if isinstance(identity, str):
        return IngestResult("error", capture_id, error=identity)
    row = archive._current(*identity)
    if row is not None:
        archive.conn.execute("UPDATE reports SET last_seen = MAX(last_seen, ?) WHERE id = ?",
                             (seen, row[0]))
        return IngestResult("unread", capture_id, row[0], row[3], error=f"unread: {reason}")
    result = archive._record_report(capture_id, capture, snap, seen)
    archive.conn.execute("UPDATE versions SET unread = ? WHERE id = ?", (reason, result.version_id))
    result.error = f"unread: {reason}"
    return result


def read_at_last(archive: "Archive", capture_id: int, capture: Capture, snap: Snapshot,
                 seen: str) -> IngestResult | None:
    """A readable capture of a report whose only reading so far is unread: the unread version
    becomes this reading (in place: it is no revision by the agency). None otherwise."""
    if archive.conn.execute("SELECT 1 FROM versions WHERE unread IS NOT NULL LIMIT 1"
                            ).fetchone() is None:  # the common case: one probe of a tiny index
        return None
    identity = archive._identify(capture, snap)
    row = None if isinstance(identity, str) else archive._current(*identity)
    if row is None or not is_unread(archive.conn, row[3]):
        return None
    report_id, version_id = row[0], row[3]
    search_index.unindex_report(archive.db, report_id)  # indexed with the unread text
    archive._rewrite_version(version_id, snap)
    archive.conn.execute("UPDATE versions SET capture_id = ?, last_seen = MAX(last_seen, ?) "
                         "WHERE id = ?", (capture_id, seen, version_id))
    # the readable document is the version's source (archive/documents.py)
    archive._attach_source(version_id, archive.documents.record(
        report_id, capture.url, Reading.of(snap, capture.url), capture_id, seen, version_id,
        "agree"))
    # the readable document is the report's from now on (e.g. the DOCX a bare page links)
    archive.conn.execute("UPDATE reports SET title = ?, url = ?, last_seen = MAX(last_seen, ?) "
                         "WHERE id = ?", (snap.metadata["title"], capture.url, seen, report_id))
    archive._to_index[report_id] = snap.text_tokens
    return IngestResult("read", capture_id, report_id, version_id)
