"""The bad-input campaign: hostile documents through the bounded parser and the ingest path.

Bounds per document (parsers.limits): 10 s CPU, 512 MB memory above the parser's baseline,
60 s wall. The default run takes a sample of every family (~110 inputs); the full campaign
(over 1,000) is marked slow and also run by `python -m bench` (bench/robustness.py)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from parsers.errors import InputTooLarge
from parsers.limits import DEFAULT_BOUNDS, Bounds, parse_bounded

from .campaign import run_campaign
from .hostile_inputs import SECRET_MARK, _bases, hostile_inputs, huge_tables, pdf_attacks

OUTCOMES = {"new_report", "revised", "unchanged", "republished", "representation", "conflict",
            "not_report", "error"}


@pytest.fixture(scope="module")
def secret(tmp_path_factory) -> Path:
    """A local file an XML external entity points at: its text must never reach the archive."""
    path = tmp_path_factory.mktemp("secret") / "secret.txt"
    path.write_text(SECRET_MARK, encoding="utf-8")
    return path


def check_campaign(inputs, db: Path) -> None:
    campaign = run_campaign(inputs, db)
    assert campaign.crashes == []
    assert sum(campaign.outcomes.values()) == len(inputs)
    assert campaign.leaks == []
    assert campaign.max_seconds < DEFAULT_BOUNDS.wall_seconds + 5, campaign.slowest
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT url, outcome, error FROM captures").fetchall()
    assert len(rows) == len(inputs)
    for url, outcome, error in rows:
        assert outcome in OUTCOMES, url
        assert (outcome == "error") == (error is not None), (url, outcome, error)
        assert error is None or (error and "\n" not in error and len(error) < 400), error
    by_name = {item.name: rows[i] for i, item in enumerate(inputs)}
    bombs = [name for name in by_name if name.startswith("zip-bomb/document")]
    assert bombs and all(by_name[name][1] == "error" for name in bombs)


def test_sample_of_every_family(tmp_path, secret):
    inputs = hostile_inputs(full=False, secret_path=str(secret))
    assert len(inputs) >= 100
    check_campaign(inputs, tmp_path / "nianbao.db")


@pytest.mark.slow
def test_full_campaign_over_1000_inputs(tmp_path, secret):
    inputs = hostile_inputs(full=True, secret_path=str(secret))
    assert len(inputs) >= 1000
    check_campaign(inputs, tmp_path / "nianbao.db")


def test_cpu_bound_stops_a_runaway_parse():
    # PDFium reads 30,000 text operators in 0.15 s: a million are needed to run over 1 s.
    heavy = next(item for item in pdf_attacks(1_000_000) if item.name.startswith("pdf/flate-bomb"))
    with pytest.raises(InputTooLarge, match="over 1 s of CPU"):
        parse_bounded(heavy.data, heavy.content_type, bounds=Bounds(cpu_seconds=1))


def test_memory_bound_stops_a_hungry_parse():
    rows = next(item for item in huge_tables(20_000) if item.name == "huge/docx-20000-rows")
    with pytest.raises(InputTooLarge, match="over 8 MB of memory"):
        parse_bounded(rows.data, rows.content_type, bounds=Bounds(memory_bytes=8 * 1024 * 1024))


def test_bounded_parse_gives_the_same_report_as_in_process():
    from parsers import parse

    html = _bases()["html"]
    assert parse_bounded(html, "text/html") == parse(html, "text/html")
