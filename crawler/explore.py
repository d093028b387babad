"""Best-first exploration towards a site's report column, within a per-site page budget.

A user often knows only a portal's home page. Every link worth following gets a score from its
text and URL (政府信息公开年报 above 法定主动公开内容 above 政府信息公开; a list's own pages and
frames are part of the page they continue); the score is the request's priority, so Scrapy's
priority queue fetches the best first. Pages fetched only to look for the column count against
NIANBAO_EXPLORE_BUDGET; once a page lists reports it is a report column, and its own pages
(pager, frames) are crawled whole. A budget cut is counted per site (the crawl was not complete).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest

from .links import Link
from .recognise import is_column_title, is_pagination_text

logger = logging.getLogger(__name__)
DEFAULT_BUDGET = 40  # exploring pages per site (a column is rarely more than 4 menus deep)

# Text scores: the column itself, its usual parents, any disclosure menu.
_TEXT_SCORES = (
    (re.compile(r"公开(?:工作)?年(?:度)?报(?:告)?|年度报告|年报"), 100),
    (re.compile(r"法定主动公开|主动公开内容|主动公开目录"), 60),
    (re.compile(r"政府信息公开|信息公开目录|公开目录"), 45),
    (re.compile(r"信息公开|政务公开"), 35),
)
_URL_SCORES = ((re.compile(r"ndbg|gknb|xxgknb|/nb/|annual", re.I), 20),
               (re.compile(r"xxgk|zwgk|gkml|fdzdgk", re.I), 10))
CONTINUATION = 90  # a list's next pages, a CMS pager's pages, a page's frames
SCRIPT_TARGET = 80  # explored, never a continuation: onclick handlers point anywhere
REPORT_PRIORITY = 1000  # report candidates before any list page


def link_score(link: Link) -> int:
    """0: not worth following. Otherwise the request priority of a list page behind the link."""
    if link.via in ("pager", "frame") or is_pagination_text(link.text):
        return CONTINUATION
    if link.via == "script":  # a page forwarding elsewhere, or any onclick handler's target
        return SCRIPT_TARGET
    if not is_column_title(link.text):
        return 0
    text = re.sub(r"\s+", "", link.text)
    score = next((s for pattern, s in _TEXT_SCORES if pattern.search(text)), 20)
    return score + next((s for pattern, s in _URL_SCORES if pattern.search(link.url)), 0)


class ExploreBudget:
    """Per-site count of exploring pages; state kept in the spider's (JOBDIR-saved) state, or
    counted for the whole crawl by `shared` (a distributed crawl's Redis counter: its new count)."""

    def __init__(self, state: dict[str, Any], budget: int,
                 shared: Callable[[str], int] | None = None) -> None:
        self.spent: dict[str, int] = state.setdefault("explored", {})
        self.budget = budget
        self.shared = shared

    def take(self, site_id: str) -> bool:
        if self.shared is not None:
            return self.shared(site_id) <= self.budget
        if self.spent.get(site_id, 0) >= self.budget:
            return False
        self.spent[site_id] = self.spent.get(site_id, 0) + 1
        return True


class BudgetCut(IgnoreRequest):
    """A request dropped by a budget: a page the crawl did not see (coverage.cut), not refused."""


class ExploreBudgetMiddleware:
    """Drops an exploring request once its site's budget is spent, when it is dequeued: the
    queue is ordered by score, so the budget goes to the best links found so far."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ExploreBudgetMiddleware":
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not request.meta.get("explore"):
            return None
        budget = getattr(self.crawler.spider, "explore_budget", None)
        site_id = request.meta.get("site_id")
        if budget is None or budget.take(site_id):
            return None
        self.crawler.stats.inc_value(f"nianbao/site/{site_id}/explore_cut")
        raise BudgetCut(f"site {site_id}: exploring budget of {budget.budget} pages spent")
