"""Which reports are due, by when, and whether they came (政府信息公开条例: deadlines by publisher kind).

Dates are China dates (UTC+8, no daylight saving): a report seen at 2023-01-31T20:00Z was seen on
1 February in China, after a 31 January deadline.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


def deadline(year: int, kind: str | None) -> date:
    """Departments publish by 31 January of the next year, people's governments by 31 March."""
    return date(year + 1, 3, 31) if kind == "government" else date(year + 1, 1, 31)


def china_date(timestamp: str) -> date:
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:  # stored timestamps are UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).date()


def today_in_china() -> date:
    return datetime.now(CHINA).date()


def expected_years(since: int | None, first_reported: int | None, as_of: date) -> range:
    """Every year from `since` (else the first reported year) to the last finished year."""
    start = since if since is not None else first_reported
    if start is None:
        return range(0)
    return range(start, as_of.year)  # year Y is due once it is over; Y = as_of.year is not


def status(due: date, first_seen: str | None, as_of: date) -> str:
    """A report first seen after `as_of` was not there yet on that date."""
    seen = china_date(first_seen) if first_seen is not None else None
    if seen is not None and seen <= as_of:
        return "found" if seen <= due else "late"
    return "missing" if as_of > due else "pending"
