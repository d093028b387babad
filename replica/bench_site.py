"""A generated site of N list pages for the crawl benchmark: columns of TRS-style paginated lists."""
from __future__ import annotations

import re

from .pages import Page

COLUMNS = 100


def page(path: str, total_pages: int) -> Page | None:
    """/bench/ links COLUMNS columns; each has total_pages / COLUMNS list pages of 20 news items."""
    per_column = max(1, -(-total_pages // COLUMNS))
    if path == "/bench/":
        body = "".join(f'<li><a href="c{i}/index.html">信息公开专栏{i}</a></li>' for i in range(COLUMNS))
        return _html("基准站点", f"<ul>{body}</ul>")
    match = re.fullmatch(r"/bench/c(\d+)/index(?:_(\d+))?\.html", path)
    if not match or int(match.group(1)) >= COLUMNS:
        return None
    n = int(match.group(2) or 0)
    if n >= per_column:
        return None
    items = "".join(f'<li><a href="./202401/t20240101_{n}{k:02d}.html">第{n}页新闻{k}：工作动态</a>'
                    "<span>2024-01-01</span></li>" for k in range(20))
    script = f'<script>createPageHTML({per_column}, {n}, "index", "html");</script>'
    return _html("信息公开", f"<ul>{items}</ul>{script}")


def _html(title: str, body: str) -> Page:
    text = f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
    return Page(text.encode("utf-8"), chrome_encoding=None)
