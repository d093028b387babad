"""A calendar-aware crawl schedule: daily while reports fall due (January-April), weekly otherwise.

Reports on year Y are due by 31 January (departments) and 31 March (governments) of Y+1, and
arrive late: daily crawls in those months catch them near their publication date.
"""
from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MARK = "# nianbao crawl schedule"
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
UNIT = "nianbao-crawl"


def parse_months(spec: str) -> list[int]:
    """'1-4' or '1,2,3' -> [1, 2, 3, 4]."""
    months: set[int] = set()
    for part in spec.split(","):
        start, _, end = part.strip().partition("-")
        if not start.isdigit() or (end and not end.isdigit()):
            raise ValueError(f"bad month list {spec!r} (e.g. 1-4 or 1,2,3)")
        months.update(range(int(start), int(end or start) + 1))
    if not months or min(months) < 1 or max(months) > 12:
        raise ValueError(f"months must be within 1-12: {spec!r}")
    return sorted(months)


def ranges(months: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for m in months:
        if out and out[-1][1] == m - 1:
            out[-1] = (out[-1][0], m)
        else:
            out.append((m, m))
    return out


@dataclass
class Schedule:
    daily_months: list[int]
    weekday: str
    hour: int
    minute: int
    command: str

    @property
    def weekly_months(self) -> list[int]:
        return [m for m in range(1, 13) if m not in self.daily_months]

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "Schedule":
        weekday = args.weekday.lower()[:3]
        if weekday not in WEEKDAYS:
            raise ValueError(f"unknown weekday {args.weekday!r}")
        hour, _, minute = args.time.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError(f"bad time {args.time!r} (HH:MM)")
        db = Path(args.db).resolve()
        command = (f"cd {shlex.quote(os.getcwd())} && {shlex.quote(sys.executable)} -m nianbao.cli"
                   f" --db {shlex.quote(str(db))} crawl --sites "
                   f"{shlex.quote(str(Path(args.sites).resolve()))}"
                   f" >> {shlex.quote(str(db.with_suffix('.crawl.log')))} 2>&1")
        return cls(parse_months(args.daily_months), weekday, int(hour), int(minute), command)


def _cron_months(months: list[int]) -> str:
    return ",".join(f"{a}-{b}" if a != b else str(a) for a, b in ranges(months))


def _calendar_months(months: list[int]) -> list[str]:
    return [f"{a:02d}..{b:02d}" if a != b else f"{a:02d}" for a, b in ranges(months)]


def render(schedule: Schedule, fmt: str) -> str:
    if fmt == "cron":
        lines = [MARK, f"{schedule.minute} {schedule.hour} * "
                       f"{_cron_months(schedule.daily_months)} * {schedule.command}"]
        if schedule.weekly_months:
            lines.append(f"{schedule.minute} {schedule.hour} * "
                         f"{_cron_months(schedule.weekly_months)} {schedule.weekday} "
                         f"{schedule.command}")
        return "\n".join(lines) + "\n"
    at = f"{schedule.hour:02d}:{schedule.minute:02d}:00"
    calendars = [f"OnCalendar=*-{m}-* {at}" for m in _calendar_months(schedule.daily_months)]
    calendars += [f"OnCalendar={schedule.weekday.capitalize()} *-{m}-* {at}"
                  for m in _calendar_months(schedule.weekly_months)]
    return (f"# {UNIT}.timer\n[Unit]\nDescription=nianbao crawl (daily in report season)\n\n"
            "[Timer]\n" + "\n".join(calendars) + "\nPersistent=true\n\n"
            "[Install]\nWantedBy=timers.target\n\n"
            f"# {UNIT}.service\n[Unit]\nDescription=nianbao crawl\n\n[Service]\nType=oneshot\n"
            f"ExecStart=/bin/sh -c {shlex.quote(schedule.command)}\n")


def install(schedule: Schedule, fmt: str) -> list[str]:
    """Install the schedule; returns what was done, one line each."""
    if fmt == "systemd":
        unit_dir = Path.home() / ".config" / "systemd" / "user"
        unit_dir.mkdir(parents=True, exist_ok=True)
        timer, service = render(schedule, fmt).split(f"# {UNIT}.service\n")
        (unit_dir / f"{UNIT}.timer").write_text(timer.split("\n", 1)[1].rstrip() + "\n")
        (unit_dir / f"{UNIT}.service").write_text(service)
        return [f"wrote {unit_dir / UNIT}.timer and .service",
                f"enable with: systemctl --user daemon-reload && "
                f"systemctl --user enable --now {UNIT}.timer"]
    current = subprocess.run(["crontab", "-l"], capture_output=True, text=True)
    kept = _without_block(current.stdout if current.returncode == 0 else "")
    subprocess.run(["crontab", "-"], input=kept + render(schedule, fmt), text=True, check=True)
    return ["installed in the user crontab (replacing any earlier nianbao schedule)"]


def _without_block(crontab: str) -> str:
    """The crontab without a previously installed nianbao block (the MARK line and its entries)."""
    lines, out, skipping = crontab.splitlines(), [], False
    for line in lines:
        if line == MARK:
            skipping = True
            continue
        if skipping and "-m nianbao.cli" in line:
            continue
        skipping = False
        out.append(line)
    return "\n".join(out) + ("\n" if out else "")
