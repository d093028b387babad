"""Property tests: hostile and broken input gives a Report or a ParseError, never a crash."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import parse
from parsers.errors import ParseError
from parsers.model import Report
from tests.conftest import SEED_FILES
from tests.parsers.fixture_builders import SeedReport, seed_file, seed_reports, to_html

CONTENT_TYPES = [None, "text/html", "text/html; charset=gbk", "text/plain", "text/markdown",
                 "application/pdf", "application/msword", "application/octet-stream",
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
FUZZ = settings(deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


def _parses_or_refuses(data: bytes, content_type: str | None = None, url: str | None = None) -> Report | None:
    try:
        report = parse(data, content_type=content_type, url=url)
    except ParseError as error:
        message = str(error)
        assert message and "\n" not in message, f"not a one-line reason: {message!r}"
        return None
    assert isinstance(report, Report)
    return report


@settings(FUZZ, max_examples=100)
@given(data=st.binary(max_size=4096), content_type=st.sampled_from(CONTENT_TYPES),
       url=st.sampled_from([None, "http://x.gov.cn/a.html", "http://x.gov.cn/a.pdf", "http://x.gov.cn/a.docx"]))
def test_random_bytes(data: bytes, content_type: str | None, url: str | None) -> None:
    _parses_or_refuses(data, content_type, url)


@settings(FUZZ, max_examples=40)
@given(kind=st.sampled_from(["html", "docx"]), seed_name=st.sampled_from(SEED_FILES),
       cut=st.floats(min_value=0.0, max_value=1.0))
def test_truncated_html_and_docx(kind: str, seed_name: str, cut: float) -> None:
    data = seed_file(seed_name, kind)
    _parses_or_refuses(data[: int(len(data) * cut)])


@settings(FUZZ, max_examples=12)
@given(cut=st.floats(min_value=0.0, max_value=1.0))
def test_truncated_pdf(cut: float) -> None:
    data = seed_file(SEED_FILES[3], "pdf")
    _parses_or_refuses(data[: int(len(data) * cut)], "application/pdf")


@settings(FUZZ, max_examples=25)
@given(seed_name=st.sampled_from(SEED_FILES), order=st.randoms(use_true_random=False))
def test_shuffled_table_rows(seed_name: str, order: random.Random) -> None:
    seed = seed_reports()[seed_name]
    blocks = []
    for block in seed.blocks:
        if not isinstance(block, str):
            block = list(block)
            order.shuffle(block)
        blocks.append(block)
    _parses_or_refuses(to_html(SeedReport(blocks, seed.title)).encode(), "text/html")


@settings(FUZZ, max_examples=40)
@given(text=st.text(alphabet=st.sampled_from(list("<>/=\"' tdrableph一二三、申请总计0123456789&;\n\t")),
                    max_size=2000))
def test_tag_soup(text: str) -> None:
    _parses_or_refuses(("<html><body>" + text).encode("utf-8"), "text/html")
