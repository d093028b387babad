"""Which reports are due, by when, and whether they came (政府信息公开条例: deadlines by publisher kind).

Dates are China dates (UTC+8, no daylight saving): a report seen at 2023-01-31T20:00Z was seen on
1 February in China, after a 31 January deadline.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

CHINA = timezone(timedelta(hours=8))


def deadline(year: int, kind: str | None) -> date:
    """Departments publish by 31 January of the next year, people's governments by 31 March."""
    return date(year + 1, 3, 31) if kind == "government" else date(year + 1, 1, 31)


def china_date(timestamp: str) -> date:
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:  # stored timestamps are UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).date()


def last_modified(headers: dict[str, str]) -> str | None:
    """The China date of an HTTP Last-Modified header, None when absent or unreadable."""
    value = next((v for k, v in headers.items() if k.lower() == "last-modified"), None)
    try:
        moment = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).date().isoformat()


def today_in_china() -> date:
    return datetime.now(CHINA).date()


def expected_years(since: int | None, first_reported: int | None, as_of: date) -> range:
    """Every year from `since` (else the first reported year) to the last finished year."""
    start = since if since is not None else first_reported
    if start is None:
        return range(0)
    return range(start, as_of.year)  # year Y is due once it is over; Y = as_of.year is not


# -- the evidence behind a status -------------------------------------------------------------
# Statuses: pending (not due yet), found (published by the deadline), late (after it), missing
# (a complete crawl after the deadline found no report), not checked (no such crawl yet), and
# "found, date unknown" (we have the report but nothing dates it against the deadline).
NOT_CHECKED = "not checked"
DATE_UNKNOWN = "found, date unknown"


@dataclass
class Dates:
    """What dates a found report: printed on it or its page (the parser's 发布日期/成文日期),
    beside its link on a list page, the server's Last-Modified; and when we first saw it."""
    first_seen: str  # UTC timestamp
    printed: list[str] = field(default_factory=list)  # ISO dates
    listed: list[str] = field(default_factory=list)
    last_modified: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    status: str
    publish_date: str | None = None  # the date that decided, ISO
    evidence: str | None = None  # page | list | last-modified | first seen | crawl
    crawl_id: int | None = None  # the complete crawl that establishes missing / late


def publish_date(year: int, dates: Dates) -> tuple[str, str] | None:
    """The report's publication date and its evidence: printed, else listed, else Last-Modified.

    A date before the reporting year is over cannot be this report's, and one after we first saw
    it is not its first publication (a republication, a regenerated page): both are ignored."""
    low, high = date(year + 1, 1, 1).isoformat(), china_date(dates.first_seen).isoformat()
    for evidence, found in (("page", dates.printed), ("list", dates.listed),
                            ("last-modified", dates.last_modified)):
        plausible = sorted(d for d in found if d and low <= d[:10] <= high)
        if plausible:
            return plausible[0][:10], evidence
    return None


def found_verdict(year: int, due: date, dates: Dates,
                  crawl_after_due: tuple[int, str, str] | None) -> Verdict:
    """found / late / found-date-unknown for a report we have.

    Seeing it by the deadline is the best evidence. Then the publish date; but Last-Modified
    only proves "on time": a CMS that regenerates its pages moves it later than the
    publication. Without a date, a complete crawl of the site after the deadline that finished
    before we first saw the report proves it late (the report was not there yet)."""
    if china_date(dates.first_seen) <= due:
        return Verdict("found", china_date(dates.first_seen).isoformat(), "first seen")
    published = publish_date(year, dates)
    if published is not None:
        day, evidence = published
        if day <= due.isoformat():
            return Verdict("found", day, evidence)
        if evidence != "last-modified":
            return Verdict("late", day, evidence)
    if crawl_after_due is not None and crawl_after_due[2] < dates.first_seen:
        return Verdict("late", None, "crawl", crawl_after_due[0])
    return Verdict(DATE_UNKNOWN, published[0] if published else None,
                   published[1] if published else None)


def absent_verdict(due: date, as_of: date,
                   crawl_after_due: tuple[int, str, str] | None) -> Verdict:
    """pending / missing / not checked for an agency-year we have no report of."""
    if as_of <= due:
        return Verdict("pending")
    if crawl_after_due is None:
        return Verdict(NOT_CHECKED)
    return Verdict("missing", None, "crawl", crawl_after_due[0])


def evidence_text(status: str, publish_date: str | None, evidence: str | None,
                  crawl_date: str | None, last_complete: str | None,
                  last_error: str | None) -> str:
    """One line saying how we know an agency-year's status."""
    if evidence == "crawl":
        return f"complete crawl of {crawl_date} found no report"
    if status == NOT_CHECKED:
        since = f"last complete crawl {last_complete}" if last_complete else "never crawled completely"
        return f"{since}; last error: {last_error}" if last_error else since
    if publish_date and evidence:
        return f"published {publish_date} ({evidence})"
    return ""
