"""Report variants for the dynamic replica sites: seed 000 printed by another agency and year.

The seed's agency (宜春市工业和信息化局) and its city are replaced, so that each variant parses as
that agency's report; `printed` lets a variant print only a bare name (农业农村局, 我局).
"""
from __future__ import annotations

import html
from functools import lru_cache

from . import documents as docs
from .documents import Seed

SEED_AGENCY, SEED_YEAR = "宜春市工业和信息化局", 2022


@lru_cache(maxsize=256)
def report_text(agency: str, year: int, printed: str | None = None) -> str:
    """The seed report as `agency`'s for `year`; `printed` is the name the title prints."""
    text = Seed.load("000").with_year(SEED_YEAR, year).text
    head, _, rest = text.partition("\n")
    return head.replace(SEED_AGENCY, printed or agency) + "\n" + rest.replace(SEED_AGENCY, agency)


def title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def report_page(page_title: str, text: str, encoding: str = "utf-8") -> bytes:
    """A CMS article page holding the report as HTML paragraphs and tables."""
    return (f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{html.escape(page_title)}'
            f"</title></head><body><h1>{html.escape(page_title)}</h1>{docs.html_body(text)}"
            "</body></html>").encode(encoding, "xmlcharrefreplace")


def pdf(agency: str, year: int) -> bytes:
    return docs.pdf_bytes(report_text(agency, year))
