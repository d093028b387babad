"""Report variants for the dynamic replica sites: seed 000 printed by another agency and year.

The seed's agency (宜春市工业和信息化局) is replaced, so that each variant parses as that agency's
report; `printed` lets a variant print only a bare name (农业农村局, 我局).
"""
from __future__ import annotations

import html
from functools import lru_cache

from . import documents as docs
from .documents import Seed

SEED_AGENCY, SEED_YEAR = "宜春市工业和信息化局", 2022


SEED_ADDRESS = "宜春市市政大楼215室"


@lru_cache(maxsize=256)
def report_text(agency: str, year: int, printed: str | None = None,
                address: str | None = None) -> str:
    """The seed report as `agency`'s for `year`; `printed`: the only name it prints (a bare
    "农业农村局", "我局"), `address`: its contact address instead of the seed's."""
    text = Seed.load("000").with_year(SEED_YEAR, year).text
    return text.replace(SEED_AGENCY, printed or agency).replace(SEED_ADDRESS, address or SEED_ADDRESS)


def title(agency: str, year: int) -> str:
    return f"{agency}{year}年政府信息公开工作年度报告"


def report_page(page_title: str, text: str, encoding: str = "utf-8") -> bytes:
    """A CMS article page holding the report as HTML paragraphs and tables."""
    return (f'<!DOCTYPE html><html><head><meta charset="{encoding}"><title>{html.escape(page_title)}'
            f"</title></head><body><h1>{html.escape(page_title)}</h1>{docs.html_body(text)}"
            "</body></html>").encode(encoding, "xmlcharrefreplace")


def pdf(agency: str, year: int, printed: str | None = None, address: str | None = None) -> bytes:
    return docs.pdf_bytes(report_text(agency, year, printed, address))
