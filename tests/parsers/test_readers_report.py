"""Every input kind, generated from the seeds by real tools, parses to the seed's hand-read cells."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from parsers import parse
from tests.conftest import SEED_FILES, SEEDS_DIR, seed_expected
from tests.parsers.fixture_builders import seed_file, seed_reports, to_html, to_pdf

Capture = tuple[bytes, str | None, str | None]  # data, content type, URL
KINDS: dict[str, tuple[set[str], Callable[[str], Capture]]] = {
    "html": ({"html"}, lambda name: (seed_file(name, "html"), "text/html; charset=utf-8", None)),
    "html-gbk": ({"html"}, lambda name: (
        to_html(seed_reports()[name], charset=None).encode("gbk"), "text/html", None)),
    "docx": ({"docx"}, lambda name: (seed_file(name, "docx"), None, "http://example.gov.cn/nb.docx")),
    "pdf": ({"pdf"}, lambda name: (seed_file(name, "pdf"), "application/pdf", None)),
    # The text reader may see markdown in a text/plain body (seed 001 is a markdown export).
    "text-gb18030": ({"text", "markdown"}, lambda name: (
        (SEEDS_DIR / name).read_text(encoding="utf-8").encode("gb18030"), "text/plain", None)),
    "markdown": ({"markdown"}, lambda name: (
        (SEEDS_DIR / name).read_bytes(), None, "http://example.gov.cn/nb.md")),
}
# PDF parsing is slow (pdfminer); test_readers_pdf checks every seed's tables, here two seeds
# go through to the report: 003 (R2 fails) and 004 (blank cells).
CASES = [(kind, name) for kind in KINDS for name in SEED_FILES
         if kind != "pdf" or name[:3] in ("003", "004")]


@pytest.mark.parametrize(("kind", "seed_name"), CASES)
def test_every_kind_gives_the_hand_read_cells(kind: str, seed_name: str) -> None:
    source_kinds, make = KINDS[kind]
    report = parse(*make(seed_name))
    expected = seed_expected()[seed_name]
    assert report.source_kind in source_kinds
    got = {(c.table, c.row, c.col): c.value for c in report.cells}
    assert got == {(c["table"], c["row"], c["col"]): c["value"] for c in expected["cells"]}
    assert sorted({c.rule for c in report.checks if not c.ok}) == expected["failing_rules"]
    assert report.year == expected["year"] and report.format == expected["format"]


@pytest.mark.parametrize("seed_name", [SEED_FILES[2], SEED_FILES[4]])
def test_unruled_pdf_never_gives_a_silently_wrong_number(seed_name: str) -> None:
    """Tables rebuilt from text lines are best effort: a cell may be missing, or differ from
    the printed value only with a warning naming it. (Today every cell comes out right.)"""
    report = parse(to_pdf(seed_reports()[seed_name], ruled=False))
    expected = {(c["table"], c["row"], c["col"]): c["value"] for c in seed_expected()[seed_name]["cells"]}
    got = {(c.table, c.row, c.col): c.value for c in report.cells}
    wrong = {key for key, value in got.items() if expected.get(key, "absent") != value}
    warned = " ".join(report.warnings)
    assert not {key for key in wrong if f"{key[0]}/{key[1]}" not in warned}
    assert len(got) - len(wrong) > 150


def test_page_metadata_reaches_the_report_and_chrome_changes_nothing_else() -> None:
    seed = seed_reports()[SEED_FILES[0]]
    first = parse(to_html(seed, visits=3, publish_date="2023-01-30").encode(), "text/html").to_dict()
    later = parse(to_html(seed, visits=4567, publish_date="2023-02-02").encode(), "text/html").to_dict()
    assert (first.pop("publish_date"), later.pop("publish_date")) == ("2023-01-30", "2023-02-02")
    assert first == later
    assert first["sections"]["overview"] and "浏览次数" not in first["text"]
