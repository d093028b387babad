"""The date a list page prints beside each link ("<li><a>…年度报告</a><span>2023-01-22</span>"):
evidence of when a report was published when the report itself prints none.

Only a date in the link's own entry counts: the nearest li / tr / dd / dt / p / div holding that
one link (a container of several links would give one entry another's date). Hanweb datastores
carry their entries inside CDATA, read here as HTML too.
"""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urljoin

from parsel import Selector
from scrapy.http import TextResponse

_DATE = re.compile(r"(20\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.S)
_ENTRY = "ancestor::*[self::li or self::tr or self::dd or self::dt or self::p or self::div][1]"


def list_dates(response: TextResponse) -> dict[str, str]:
    """Absolute link URL -> ISO date printed in its list entry (links without one are absent)."""
    out: dict[str, str] = {}
    for html in [response.text, *_CDATA.findall(response.text)]:
        for url, day in _entry_dates(Selector(text=html), response.url):
            out.setdefault(url, day)
    return out


def _entry_dates(selector: Selector, base: str) -> list[tuple[str, str]]:
    found = []
    for anchor in selector.css("a[href]"):
        entry = anchor.xpath(_ENTRY)
        if not entry or len(entry[0].css("a[href]")) != 1:
            continue
        link_text = " ".join(anchor.css("::text").getall())
        rest = " ".join(entry[0].css("::text").getall()).replace(link_text, " ", 1)
        day = first_date(rest)
        if day:
            found.append((urljoin(base, anchor.attrib["href"].strip()), day))
    return found


def first_date(text: str) -> str | None:
    for match in _DATE.finditer(text):
        try:
            return date(*map(int, match.groups())).isoformat()
        except ValueError:  # 2023-13-40: not a date
            continue
    return None
