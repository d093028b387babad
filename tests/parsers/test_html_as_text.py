"""Reports pasted into HTML as text (<pre>, <textarea>, <br> lines, one <p> per line with TAB
cells) read exactly like the same text given as a file."""
from __future__ import annotations

import html

import pytest

import parsers
from tests.conftest import SEED_FILES, SEEDS_DIR

CHROME = ('<div class="nav"><a href="/">首页</a> <a>行政复议</a></div>'
          '<div class="info">发布时间：2023-01-20 浏览次数：99</div>')


def _pre(text: str) -> str:
    return f"<pre>{html.escape(text)}</pre>"


def _textarea(text: str) -> str:
    return f'<textarea readonly rows="40">{html.escape(text)}</textarea>'


def _br_lines(text: str) -> str:
    return "<div>" + "<br>\n".join(html.escape(line) for line in text.split("\n")) + "</div>"


def _p_lines(text: str) -> str:
    return "\n".join(f"<p>{html.escape(line) or '&nbsp;'}</p>" for line in text.split("\n"))


def _summary(report: parsers.Report) -> dict:
    return {
        "cells": sorted((c.table, c.row, c.col, repr(c.value)) for c in report.cells),
        "checks": sorted((c.rule, c.ok, c.detail) for c in report.checks),
        "meta": (report.title, report.agency, report.year, report.format, report.period,
                 report.contacts, report.websites, report.sections),
    }


@pytest.mark.parametrize("wrap", [_pre, _textarea, _br_lines, _p_lines])
@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_text_inside_html_reads_like_the_seed(name, wrap):
    text = (SEEDS_DIR / name).read_text(encoding="utf-8")
    page = (f"<html><head><meta charset='gb18030'><title>年报_某市人民政府</title></head>"
            f"<body>{CHROME}<div class='article'>{wrap(text)}</div></body></html>")
    from_html = parsers.parse(page.encode("gb18030"), "text/html")
    from_text = parsers.parse(text.encode("utf-8"), "text/plain", name)
    assert from_html.source_kind == "html"
    assert from_html.publish_date == "2023-01-20"
    assert _summary(from_html) == _summary(from_text)


def test_pretty_printed_markup_indentation_is_not_a_table():
    body = "\n".join(f"<p>\n\t\t第{i}段，关于收到和处理政府信息公开申请情况、行政复议的说明。</p>" for i in range(8))
    document = parsers.readers.read(f"<html><body>{body}</body></html>".encode(), "text/html")
    assert len(document.paragraphs()) == 8 and not document.tables()
