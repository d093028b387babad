"""A generated site of N list pages for the crawl benchmark: columns of TRS-style paginated lists."""
from __future__ import annotations

import re

from .pages import Page

COLUMNS = 100
# The navigation, sidebar and footer every page of a real CMS repeats (real list pages weigh
# 20-60 KB), so that a 304 is weighed against a page of realistic size.
CHROME = ("<div class='nav'>" + "".join(
    f"<a href='/bench/nav/{i}.html'>部门栏目导航{i:02d}</a>" for i in range(120))
    + "</div><div class='side'>" + "".join(
    f"<p>本站声明与办事指南第{i}条：请通过政务服务网办理相关事项，咨询电话0795-0000000。</p>"
    for i in range(60)) + "</div><div class='footer'>主办单位：基准测试局 版权所有</div>")


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
    text = (f"<html><head><title>{title}</title></head><body><h1>{title}</h1>{body}{CHROME}"
            "</body></html>")
    return Page(text.encode("utf-8"), chrome_encoding=None)
