"""HTML and text are parsed without a child process (parsers.limits.IN_PROCESS_KINDS): every
hostile HTML or text input of the campaign, at full size, must end within the bounds in this
process, by the readers' caps alone."""
from __future__ import annotations

import random
import resource
import time

import pytest

from parsers.errors import ParseError
from parsers.limits import IN_PROCESS_KINDS, parse_bounded
from parsers.readers import sniff_kind

from .hostile_inputs import FORMS, Hostile, deep_nesting, huge_tables, invalid_encodings

SECONDS_EACH = 10
RSS_GROWTH_MB = 300


def _in_process_inputs() -> list[Hostile]:
    extra = [Hostile("text/one-word-of-1m-letters", b"x" * 1_000_000, "text/plain"),
             Hostile("text/3m-characters", "一、总体情况\n".encode() * 500_000, "text/plain"),
             Hostile("html/paragraph-of-1m-letters",
                     b"<html><body><p>" + b"x" * 1_000_000 + b"</p></body></html>", "text/html"),
             Hostile("html/5000-rows-of-40-cells", (b"<html><body><table>" + (
                 b"<tr>" + b"<td>1</td>" * 40 + b"</tr>") * 4_999 + b"</table></body></html>"),
                 "text/html")]
    candidates = [*huge_tables(100_000), *deep_nesting(100_000),
                  *invalid_encodings(random.Random(7), FORMS), *extra]
    return [item for item in candidates
            if sniff_kind(item.data, item.content_type, item.url) in IN_PROCESS_KINDS]


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_every_hostile_html_or_text_input_ends_within_bounds_in_process():
    inputs = _in_process_inputs()
    assert len(inputs) >= 100
    rss_before = _max_rss_mb()
    slowest = (0.0, "")
    refused = []
    for item in inputs:
        start = time.monotonic()
        try:
            parse_bounded(item.data, item.content_type, item.url)
        except ParseError as exc:
            assert "\n" not in str(exc), item.name
            refused.append(item.name)
        slowest = max(slowest, (time.monotonic() - start, item.name))
    assert slowest[0] < SECONDS_EACH, slowest
    assert _max_rss_mb() - rss_before < RSS_GROWTH_MB
    assert {"huge/html-100000-rows", "huge/html-100000-columns",
            "nesting/unclosed-100000"} <= set(refused)


@pytest.mark.parametrize("name", ["huge/html-100000-rows", "huge/html-100000-columns"])
def test_oversized_tables_are_refused_with_a_reason(name):
    item = next(item for item in huge_tables(100_000) if item.name == name)
    with pytest.raises(ParseError, match="over the 200 limit|over 200000 tags"):
        parse_bounded(item.data, item.content_type)
