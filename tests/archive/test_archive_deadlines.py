"""Deadlines (1月31日 departments, 3月31日 governments) and the pure verdicts on the day before,
of and after each deadline: pending / missing / not checked for an absent report, found / late /
found-date-unknown for one we have."""
from __future__ import annotations

from datetime import date

import pytest

from archive.expected import (DATE_UNKNOWN, NOT_CHECKED, Dates, absent_verdict, deadline,
                              expected_years, found_verdict, last_modified)

# a complete crawl (id, China start date, finished UTC) after every deadline of 2022's reports
CRAWL_AFTER = (7, "2023-04-02", "2023-04-02T03:00:00Z")


def test_deadlines_by_publisher_kind() -> None:
    assert deadline(2022, "department") == date(2023, 1, 31)
    assert deadline(2022, "government") == date(2023, 3, 31)


@pytest.mark.parametrize("kind", ["department", "government"])
@pytest.mark.parametrize("day, unseen, seen_that_day", [
    (-1, "pending", "found"), (0, "pending", "found"), (1, "missing", DATE_UNKNOWN)])
def test_verdicts_around_the_deadline(kind: str, day: int, unseen: str,
                                      seen_that_day: str) -> None:
    due = deadline(2022, kind)
    moment = date.fromordinal(due.toordinal() + day)
    assert absent_verdict(due, moment, CRAWL_AFTER if day > 0 else None).status == unseen
    assert absent_verdict(due, moment, None).status == ("pending" if day <= 0 else NOT_CHECKED)
    # first seen at 10:00 China time on that day (02:00 UTC), with no date printed or listed:
    # on or before the deadline it is found; after it, nothing says when it was published
    seen = Dates(f"{moment.isoformat()}T02:00:00Z")
    assert found_verdict(2022, due, seen, None).status == seen_that_day


def test_first_seen_is_compared_as_a_china_date() -> None:
    due = date(2023, 1, 31)
    # 20:00 UTC on 31 January is 04:00 on 1 February in China: after the deadline
    assert found_verdict(2022, due, Dates("2023-01-31T20:00:00Z"), None).status == DATE_UNKNOWN
    assert found_verdict(2022, due, Dates("2023-01-31T15:59:59Z"), None).status == "found"


def test_late_by_a_crawl_only_if_it_finished_before_first_seen() -> None:
    due = date(2023, 1, 31)
    before = found_verdict(2022, due, Dates("2023-04-03T00:00:00Z"), CRAWL_AFTER)
    assert (before.status, before.evidence, before.crawl_id) == ("late", "crawl", 7)
    # the crawl that first saw it (finished after first_seen) proves nothing
    assert found_verdict(2022, due, Dates("2023-04-02T02:30:00Z"),
                         CRAWL_AFTER).status == DATE_UNKNOWN


def test_last_modified_is_read_as_a_china_date() -> None:
    assert last_modified({"last-modified": "Tue, 31 Jan 2023 17:00:00 GMT"}) == "2023-02-01"
    assert last_modified({"Last-Modified": "yesterday"}) is None
    assert last_modified({}) is None


def test_expected_years_run_to_the_last_finished_year() -> None:
    assert list(expected_years(2019, 2021, date(2023, 1, 15))) == [2019, 2020, 2021, 2022]
    assert list(expected_years(None, 2021, date(2023, 1, 15))) == [2021, 2022]
    assert list(expected_years(None, None, date(2023, 1, 15))) == []
