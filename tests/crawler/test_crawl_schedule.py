"""`nianbao schedule`: daily crawls in report season, weekly otherwise, as cron or systemd."""
from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler import cli


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def schedule(capsys, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("HOME", str(tmp_path))

    def run(*args: str) -> Run:
        parser = argparse.ArgumentParser()
        parser.add_argument("--db")
        cli.register(parser.add_subparsers(dest="command"))
        parsed = parser.parse_args(["--db", "/srv/nb/nianbao.db", "schedule", *args])
        code = parsed.func(parsed)
        out = capsys.readouterr()
        return Run(code, out.out, out.err)

    return run


def test_cron_lines_daily_january_to_april_weekly_otherwise(schedule) -> None:
    out = schedule().stdout.splitlines()
    assert out[0] == "# nianbao crawl schedule"
    assert out[1].startswith("17 3 * 1-4 * cd ")
    assert out[2].startswith("17 3 * 5-12 mon cd ")
    assert "--db /srv/nb/nianbao.db crawl --sites" in out[1]


def test_configurable_months_weekday_and_time(schedule) -> None:
    out = schedule("--daily-months", "1,2,3,12", "--weekday", "Friday", "--time", "22:05").stdout
    lines = out.splitlines()
    assert lines[1].startswith("5 22 * 1-3,12 * ") and lines[2].startswith("5 22 * 4-11 fri ")


def test_systemd_timer_installed_in_user_units(schedule, tmp_path: Path) -> None:
    run = schedule("--format", "systemd", "--install")
    assert run.returncode == 0, run.stderr
    timer = (tmp_path / ".config/systemd/user/nianbao-crawl.timer").read_text()
    service = (tmp_path / ".config/systemd/user/nianbao-crawl.service").read_text()
    assert "OnCalendar=*-01..04-* 03:17:00" in timer
    assert "OnCalendar=Mon *-05..12-* 03:17:00" in timer
    assert "[Install]" in timer and "Persistent=true" in timer
    assert "ExecStart=/bin/sh -c" in service and "crawl --sites" in service


def test_bad_schedule_arguments_are_clear_errors(schedule) -> None:
    for args in (["--daily-months", "13"], ["--weekday", "someday"], ["--time", "25:00"]):
        run = schedule(*args)
        assert run.returncode == 2 and "nianbao schedule:" in run.stderr, args
