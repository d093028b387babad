"""The replica's building blocks: pages, a site map, list markup, the per-request chrome."""
from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime

# Visible chrome printed by the server on every request, in and around the article as real
# CMSs print it: today's date above the title, a counter and font-size switch under it, print
# and close links at the article's foot, the site counter and clock in the footer. The bytes
# of a page change on every fetch; the report does not (parsers.chrome cuts all of it).
CHROME_SLOTS = {
    "top": "今天是{now:%Y年%m月%d日} {weekday}",
    "info": "浏览次数：{visit}　字号：大 中 小",
    "tools": "【打印】【关闭】　阅读次数：{visit}",
    "foot": "访问量：{visit}　当前时间：{now:%Y-%m-%d %H:%M:%S}",
}
_WEEKDAYS = "一二三四五六日"


def chrome_marker(slot: str) -> str:
    return f"<!--chrome:{slot}-->"


def render_chrome(page: Page, visit: int, now: datetime) -> bytes:
    """The page's bytes with every chrome slot filled in for this request."""
    body = page.body
    for slot, template in CHROME_SLOTS.items():
        text = template.format(now=now, visit=visit, weekday=f"星期{_WEEKDAYS[now.weekday()]}")
        body = body.replace(chrome_marker(slot).encode(), text.encode(page.chrome_encoding or "utf-8"))
    return body


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str | None = None  # for redirects
    chrome_encoding: str | None = "utf-8"  # None: no chrome (attachments, XML)
    headers: dict[str, str] = field(default_factory=dict)  # e.g. Content-Disposition


@dataclass
class SiteMap:
    pages: dict[str, Page] = field(default_factory=dict)

    def html(self, path: str, title: str, body: str, encoding: str = "utf-8",
             header_charset: bool = True) -> None:
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">'
        slot = {name: chrome_marker(name) for name in CHROME_SLOTS}
        text = (f"<!DOCTYPE html><html><head>{meta}<title>{html.escape(title)}</title></head>"
                f'<body><div class="article"><div class="date">{slot["top"]}</div>'
                f'<h1>{html.escape(title)}</h1><div class="info">{slot["info"]}</div>\n{body}\n'
                f'<div class="tools">{slot["tools"]}</div></div>'
                f'<div class="footer">{slot["foot"]}</div></body></html>')
        ctype = f"text/html; charset={encoding}" if header_charset else "text/html"
        self.pages[path] = Page(text.encode(encoding), ctype, chrome_encoding=encoding)

    def file(self, path: str, body: bytes, content_type: str,
             headers: dict[str, str] | None = None) -> None:
        self.pages[path] = Page(body, content_type, chrome_encoding=None, headers=headers or {})

    def redirect(self, path: str, target: str) -> None:
        self.pages[path] = Page(b"", status=302, location=target, chrome_encoding=None)


def links(items: list[tuple[str, str]]) -> str:
    return "<ul>" + "".join(f'<li><a href="{u}" title="{html.escape(t)}">{html.escape(t)}</a>'
                            f"<span>{list_date(t)}</span></li>" for t, u in items) + "</ul>"


def list_date(title: str) -> str:
    """The date a list prints beside an item: a report's in the January after its year (as
    most are published), a day of its own; other items a fixed day."""
    year = re.search(r"(20\d\d)年", title)
    if not year:
        return "2024-01-15"
    return f"{int(year.group(1)) + 1}-01-{10 + zlib.crc32(title.encode()) % 18:02d}"


def news(prefix: str, n: int, start: int = 0) -> list[tuple[str, str]]:
    return [(f"市工信局召开第{i}次专题会议", f"{prefix}{i}.html") for i in range(start, start + n)]
