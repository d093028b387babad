"""Deadlines (1月31日 departments, 3月31日 governments) and found / late / missing / pending on
the day before, of and after each deadline."""
from __future__ import annotations

from datetime import date

import pytest

from archive.expected import deadline, expected_years, status


def test_deadlines_by_publisher_kind() -> None:
    assert deadline(2022, "department") == date(2023, 1, 31)
    assert deadline(2022, "government") == date(2023, 3, 31)


@pytest.mark.parametrize("kind, due", [("department", date(2023, 1, 31)),
                                       ("government", date(2023, 3, 31))])
@pytest.mark.parametrize("day, unseen, seen_that_day", [
    (-1, "pending", "found"), (0, "pending", "found"), (1, "missing", "late")])
def test_status_around_the_deadline(kind: str, due: date, day: int, unseen: str,
                                    seen_that_day: str) -> None:
    moment = date.fromordinal(due.toordinal() + day)
    assert status(deadline(2022, kind), None, moment) == unseen
    # first seen at 10:00 China time on that day (02:00 UTC), checked a year later
    seen = f"{moment.isoformat()}T02:00:00Z"
    assert status(deadline(2022, kind), seen, date(2024, 6, 1)) == seen_that_day


def test_first_seen_is_compared_as_a_china_date() -> None:
    # 20:00 UTC on 31 January is 04:00 on 1 February in China: after the deadline
    assert status(date(2023, 1, 31), "2023-01-31T20:00:00Z", date(2024, 1, 1)) == "late"
    assert status(date(2023, 1, 31), "2023-01-31T15:59:59Z", date(2024, 1, 1)) == "found"


def test_a_report_first_seen_after_the_as_of_date_was_not_there_yet() -> None:
    due = deadline(2022, "department")
    assert status(due, "2023-03-01T00:00:00Z", date(2023, 2, 15)) == "missing"
    assert status(due, "2023-03-01T00:00:00Z", date(2023, 1, 15)) == "pending"
    assert status(due, "2023-03-01T00:00:00Z", date(2023, 3, 1)) == "late"


def test_expected_years_run_to_the_last_finished_year() -> None:
    assert list(expected_years(2019, 2021, date(2023, 1, 15))) == [2019, 2020, 2021, 2022]
    assert list(expected_years(None, 2021, date(2023, 1, 15))) == [2021, 2022]
    assert list(expected_years(None, None, date(2023, 1, 15))) == []
