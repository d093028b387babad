"""expected_reports computed from the archive: every agency-year owed, its status and evidence.

Expected agencies are the registry's and every agency a site published a report of; an agency
whose reports a complete crawl (or their own URLs' 404/410) all removed has left the site
(机构改革: merged, renamed) and owes nothing due after that. Aliases are merged at ingest
(one agency row), so a renamed printing keeps its history.
"""
from __future__ import annotations

import sqlite3
from datetime import date

from . import coverage, expected
from .agency_identity import UNRESOLVED
from .expected import Dates, Verdict

COLUMNS = ("agency_id", "year", "deadline", "status", "report_id", "first_seen", "as_of",
           "publish_date", "date_evidence", "evidence_crawl_id", "evidence_date",
           "last_complete_crawl", "last_attempt", "last_error")


def compute(conn: sqlite3.Connection, as_of: date) -> list[tuple]:
    """One row per expected agency-year, in COLUMNS order, as of a China date."""
    day = as_of.isoformat()
    sites = coverage.histories(conn, day)
    reports, first_reported = _reports(conn, day)
    dates = _dates(conn)
    rows = []
    for agency_id, kind, since, site_id, identity in conn.execute(
            "SELECT id, kind, since, site_id, identity FROM agencies"):
        owned = reports.get(agency_id, {})
        history = sites.get(site_id) or coverage.SiteHistory([])
        gone = _left_the_site(owned)
        years = set(expected.expected_years(since, first_reported.get(agency_id), as_of))
        for year in sorted(years | owned.keys()):
            due = expected.deadline(year, kind)
            if year not in owned and gone is not None and due.isoformat() >= gone:
                continue
            crawl = history.first_complete_after(due.isoformat())
            if year in owned:
                report_id, first_seen, _removed = owned[year]
                found = dates.get(report_id, Dates(first_seen))
                found.first_seen = first_seen
                verdict = expected.found_verdict(year, due, found, crawl)
            else:
                report_id = first_seen = None
                # a name we could not place may be another agency's report printed short:
                # its absent years are not claimed missing
                verdict = expected.absent_verdict(
                    due, as_of, None if _unresolved(identity) else crawl)
            rows.append((agency_id, year, due.isoformat(), verdict.status, report_id, first_seen,
                         day, verdict.publish_date, verdict.evidence, verdict.crawl_id,
                         _crawl_day(crawl, verdict), history.last_complete,
                         history.last_attempt, history.last_error))
    return rows


def _unresolved(identity: str | None) -> bool:
    return (identity or "").startswith(UNRESOLVED)


def _reports(conn: sqlite3.Connection, day: str
             ) -> tuple[dict[int, dict[int, tuple]], dict[int, int]]:
    """Reports first seen by `day` (China date): agency -> year -> (id, first_seen, removed_at);
    and each agency's first reported year (a report seen later still says the agency reports)."""
    seen: dict[int, dict[int, tuple]] = {}
    first_year: dict[int, int] = {}
    for report_id, agency_id, year, first_seen, removed_at in conn.execute(
            "SELECT id, agency_id, year, first_seen, CASE WHEN status = 'removed' "
            "THEN removed_at END FROM reports"):
        first_year[agency_id] = min(year, first_year.get(agency_id, year))
        if expected.china_date(first_seen).isoformat() <= day:
            seen.setdefault(agency_id, {})[year] = (report_id, first_seen, removed_at)
    return seen, first_year


def _dates(conn: sqlite3.Connection) -> dict[int, Dates]:
    """Every report's candidate publication dates, from its versions and captures."""
    out: dict[int, Dates] = {}
    for report_id, printed in conn.execute(
            "SELECT report_id, publish_date FROM versions WHERE publish_date IS NOT NULL"):
        out.setdefault(report_id, Dates("")).printed.append(printed)
    for report_id, listed, modified in conn.execute(
            "SELECT report_id, list_date, last_modified FROM captures WHERE report_id IS NOT NULL "
            "AND (list_date IS NOT NULL OR last_modified IS NOT NULL)"):
        dates = out.setdefault(report_id, Dates(""))
        if listed:
            dates.listed.append(listed)
        if modified:
            dates.last_modified.append(modified)
    return out


def _left_the_site(owned: dict[int, tuple]) -> str | None:
    """The China date an agency's last report was removed, when all of them are."""
    removed = [r[2] for r in owned.values()]
    if not removed or any(r is None for r in removed):
        return None
    return expected.china_date(max(removed)).isoformat()


def _crawl_day(crawl: tuple[int, str, str] | None, verdict: Verdict) -> str | None:
    return crawl[1] if crawl is not None and verdict.crawl_id == crawl[0] else None
