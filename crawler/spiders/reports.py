"""One spider for every registered site: no per-site code, only the registry's hints.

Start pages and list pages are walked for three kinds of link: report candidates (a report title,
or a document link whose row names one), columns (政府信息公开, 法定主动公开内容, 年报…) and
continuations (下一页, page numbers, Hanweb dataproxy, TRS createPageHTML, frames). Columns are
explored best first within a page budget (crawler/explore.py), so a home page is enough to start.
Report candidates go to the archive; a report page's documents (attachments, download endpoints,
pdf.js files) are report candidates too, their kind decided by the response (crawler/documents.py).
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import datetime, timezone
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from .. import json_lists, rendering
from ..coverage import CrawlCoverage
from ..decoding import with_encoding
from ..documents import decide_kind, disposition_filename, file_stem, is_document_link, \
    stated_content_type
from ..explore import (CONTINUATION, DEFAULT_BUDGET, REPORT_PRIORITY, BudgetCut, ExploreBudget,
                       link_score)
from ..forms import FormPager
from ..items import CaptureItem, GoneItem
from ..links import Link, page_links
from ..list_dates import list_dates
from ..recognise import (is_annual_column, is_bare_name, is_report_title, names_companion,
                         report_year, year_in_annual_column)
from ..registry import DEFAULT_SITES, Site, load_sites

logger = logging.getLogger(__name__)
_ATTACHMENT_TEXT = re.compile(r"附件|下载|点击|查看|原文|^\S+\.\w{2,4}$")


class ReportSpider(Spider):
    name = "reports"

    def __init__(self, sites: list[Site] | str | None = None, site: str | list[str] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        only = [site] if isinstance(site, str) else site
        loaded = load_sites(sites, only) if isinstance(sites, str) else (sites or [])
        self.sites: dict[str, Site] = {s.id: s for s in loaded}
        self.allowed_domains = sorted({d for s in loaded for d in s.domains})
        self.state: dict[str, Any] = {}  # JOBDIR's SpiderState replaces it with the saved one
        self.form_pager = FormPager()
        self.json_pages: set[str] = set()  # JSON list pages read (a repeat ends their paging)
        self.rendered: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "ReportSpider":
        # `scrapy crawl reports [-a site=ID]` reads the registry named in the settings
        kwargs.setdefault("sites", crawler.settings.get("NIANBAO_SITES") or str(DEFAULT_SITES))
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.render_budget = rendering.RenderBudget(crawler)
        rendering.GUARD.configure(spider.sites.values(), crawler)
        return spider

    # -- what the pipeline reads at the end --------------------------------------------------
    @property
    def seen_reports(self) -> dict[str, set[str]]:
        """Report-candidate URLs that answered, per site (kept across a JOBDIR resume)."""
        return self.state.setdefault("seen_reports", {})

    @property
    def coverage(self) -> CrawlCoverage:
        """What this crawl covered per site (crawler/coverage.py), kept across a resume."""
        return CrawlCoverage(self.state)

    @property
    def columns(self) -> dict[str, dict[str, list]]:
        """Per site, the list pages where report candidates were found: url -> [title, count]."""
        return self.state.setdefault("columns", {})

    shared_explored: Callable[[str], int] | None = None  # set by a distributed crawl

    @property
    def explore_budget(self) -> ExploreBudget:
        budget = self.settings.getint("NIANBAO_EXPLORE_BUDGET", DEFAULT_BUDGET)
        return ExploreBudget(self.state, budget, self.shared_explored)

    def column_used(self, site_id: str) -> str | None:
        """'title <url>' of the column that listed the most report candidates."""
        found = self.columns.get(site_id)
        if not found:
            return None
        url, (title, _) = max(found.items(), key=lambda item: item[1][1])
        return f"{title} <{url}>"

    # -- requests ----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        # after spider_opened (JOBDIR's state is loaded by then): a resumed crawl keeps its start
        logger.info("crawl started at %s", self.coverage.started_at)
        for site in self.sites.values():
            for url in site.entry_urls:
                request = self._list_request(url, site, dont_filter=True)
                request.meta["start"] = True  # a start page that is gone is no dead menu link
                yield request

    def _list_request(self, url: str, site: Site, dont_filter: bool = False, priority: int = 0,
                      root: tuple[str, str] | None = None, explore: bool = True,
                      text: str = "") -> Request:
        """A list page. `root`: (url, title) of the first page of the list it continues;
        `explore`: fetched to look for the report column (within the site's budget), not to
        crawl one already found; `text`: the link's text (a hint for the rendering fallback)."""
        return Request(url, callback=self.parse_list, errback=self.failed, dont_filter=dont_filter,
                       priority=priority, meta={"site_id": site.id, "kind": "list", "root": root,
                                                "explore": explore, "link_text": text})

    def _api_request(self, url: str, site: Site, page_url: str) -> Request:
        return Request(url, callback=self.parse_api, errback=self.failed,
                       meta={"site_id": site.id, "kind": "list", "page_url": page_url})

    def _report_request(self, url: str, site: Site, title: str,
                        list_date: str | None = None) -> Request:
        return Request(url, callback=self.parse_report, errback=self.failed,
                       priority=REPORT_PRIORITY,
                       meta={"site_id": site.id, "kind": "report", "link_text": title,
                             "list_date": list_date, "handle_httpstatus_list": [404, 410]})

    # -- callbacks ---------------------------------------------------------------------------
    def parse_list(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        site = self.sites[response.meta["site_id"]]
        response = with_encoding(response)
        links = [link for link in page_links(response) if site.owns(link.url)]
        root = response.meta.get("root") or (response.url, _title(response))
        explore = response.meta.get("explore", True)
        followed = list(self._follow(links, site, root, explore, response))
        yield from followed
        # lists that page only by posting their form back (ASP.NET, page fields)
        posts = [post for post in self.form_pager.requests(
            response, callback=self.parse_list, errback=self.failed,
            cut=lambda why: self.coverage.cut(site.id, why),
            meta={"site_id": site.id, "kind": "list", "root": root, "explore": False})
            if site.owns(post.url)]
        yield from posts
        # what the markup already leads to: reports, a CMS pager, a script redirect, a form post
        found = bool(posts) or any(r.meta.get("kind") == "report" for r in followed) \
            or any(link.generated for link in links)
        yield from self._script_lists(response, site, found, bool(followed))

    def _follow(self, links: Iterable[Link], site: Site, root: tuple[str, str],
                explore: bool = False, page: TextResponse | None = None) -> Iterator[Request]:
        """Report candidates (with the date beside them on `page`), then the list's own pages
        and, best first, links that explore towards the column (crawler/explore.py)."""
        follow: list[tuple[int, Link]] = []
        reports: list[tuple[Link, str]] = []
        for link in links:
            if not site.owns(link.url):
                continue
            title = _candidate_title(link, root[1])
            if title:
                reports.append((link, title))
            elif not is_document_link(link.url, link.text):
                score = link_score(link)
                if score:
                    follow.append((score, link))
        self.coverage.listed(site.id, [link.url for link, _ in reports])
        dates = list_dates(page) if reports and page is not None else {}
        for link, title in reports:
            yield self._report_request(link.url, site, title, dates.get(link.url))
        in_column = bool(reports) or not explore
        if reports:
            entry = self.columns.setdefault(site.id, {}).setdefault(root[0], [root[1], 0])
            entry[1] += len(reports)
        for score, link in follow:  # a list's own pages continue it; anything else explores
            if score == CONTINUATION:
                yield self._list_request(link.url, site, priority=score, root=root,
                                         explore=not in_column, text=link.text)
            else:
                yield self._list_request(link.url, site, priority=score, text=link.text)

    def _script_lists(self, response: TextResponse, site: Site, found: bool,
                      followed: bool) -> Iterator[Request]:
        """A list its script fills: its JSON API when the script names it, else a rendering;
        neither when the markup already leads somewhere (a CMS pager's script names URLs too)."""
        if found:
            return
        apis = [u for u in json_lists.api_urls(response) if site.owns(u)]
        for url in apis:
            yield self._api_request(url, site, response.url)
        if not apis and self.render_budget.wants(response, followed):
            yield from self._render(response.url, site)

    def _render(self, url: str, site: Site) -> Iterator[Request]:
        if url in self.rendered:
            return
        self.rendered.add(url)
        if self.render_budget.take(site.id, url):
            yield rendering.render_request(url, {"site_id": site.id, "kind": "list"},
                                           callback=self.parse_rendered, errback=self.render_failed)
        else:  # a list not seen in full: the crawl of this site is not complete
            self.coverage.cut(site.id, f"rendering of {url}")

    async def parse_rendered(self, response: Response) -> AsyncIterator[Request]:
        page = response.meta["playwright_page"]
        site = self.sites[response.meta["site_id"]]
        started = time.monotonic()
        try:
            harvest = await rendering.harvest(page, response.meta.get("api_calls", []),
                                              self.render_budget.remaining(site.id))
        finally:
            await page.close()
            self.render_budget.spend(site.id, time.monotonic() - started
                                     + response.meta.get("download_latency", 0.0))
        for html in harvest.snapshots:
            dom = HtmlResponse(response.url, body=html.encode("utf-8"), encoding="utf-8")
            for request in self._follow(page_links(dom), site, (response.url, "")):
                yield request
        for call in dict.fromkeys(harvest.api_calls):  # in order, each call once
            if site.owns(call.url):
                yield self._api_request(call.url, site, response.url).replace(
                    method=call.method, body=call.body or b"",
                    headers={"Content-Type": call.content_type} if call.content_type else {})
        for url, label, next_page in harvest.navigations:
            if site.owns(url):
                yield (self._list_request(url, site, priority=CONTINUATION,
                                          root=(response.url, ""), explore=False, text=label)
                       if next_page else self._report_request(url, site, label))

    async def render_failed(self, failure: Failure) -> None:
        page = failure.request.meta.get("playwright_page")  # type: ignore[attr-defined]
        if page is not None:
            await page.close()
        self.failed(failure)

    def parse_api(self, response: Response) -> Iterator[Request]:
        """A JSON list: its items' reports, then its next page (until empty, total or repeat)."""
        data = json_lists.parse_json(response) if isinstance(response, TextResponse) else None
        if data is None:
            return
        site = self.sites[response.meta["site_id"]]
        page_url = response.meta["page_url"]
        items = json_lists.list_items(data, page_url)
        signature = json_lists.signature(items)
        if signature in self.json_pages:
            return
        self.json_pages.add(signature)
        yield from self._follow([Link(i.url, i.title) for i in items
                                 if i.url and is_report_title(i.title)], site, (page_url, ""))
        next_url = json_lists.next_page(response.url, data, len(items))
        if next_url and site.owns(next_url):
            yield self._api_request(next_url, site, page_url)
        if any(i.url is None and is_report_title(i.title) for i in items):
            yield from self._render(page_url, site)  # items only its script can open

    def parse_report(self, response: Response) -> Iterator[CaptureItem | GoneItem | Request]:
        site_id = response.meta["site_id"]
        requested = _requested_url(response)
        if response.status in (404, 410):
            yield GoneItem(requested, response.status, site_id)
            return
        title = response.meta.get("link_text") or ""
        self.seen_reports.setdefault(site_id, set()).update(
            {*response.meta.get("redirect_urls", []), response.url})
        content_type = _header(response, b"Content-Type")
        disposition = response.headers.get(b"Content-Disposition")
        kind = decide_kind(response.body, content_type, disposition, response.url, title)
        if kind.is_document:
            named = file_stem(disposition_filename(disposition))
            hint = title if is_report_title(title) or not is_report_title(named) else named
            yield self._capture(response, hint, stated_content_type(kind, content_type))
            return
        yield self._capture(response, title, content_type)
        if isinstance(response, TextResponse) and kind.kind in ("html", None):
            yield from self._attachments(with_encoding(response), self.sites[site_id], title,
                                         response.meta.get("list_date"))

    def _attachments(self, response: TextResponse, site: Site, title: str,
                     list_date: str | None) -> Iterator[Request]:
        """A report page's own documents: attachments, download endpoints, pdf.js files."""
        for link in page_links(response):
            if not site.owns(link.url) or names_companion(link.text):
                continue
            if is_report_title(link.text):
                yield self._report_request(link.url, site, link.text, list_date)
            elif is_document_link(link.url, link.text) and (
                    not link.text or _ATTACHMENT_TEXT.search(link.text)):
                yield self._report_request(link.url, site, title, list_date)

    def _capture(self, response: Response, title: str, content_type: str | None) -> CaptureItem:
        """`title`: the text the agency and year hints come from (a link text or a file name)."""
        site = self.sites[response.meta["site_id"]]
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1")
                   for k, v in response.headers.items()}
        return CaptureItem(
            url=_requested_url(response), body=response.body, final_url=response.url,
            status=response.status, headers=headers, content_type=content_type,
            site_id=site.id, link_text=title or None, agency_hint=site.agency_for(title),
            year_hint=report_year(title) if title else None,
            list_date=response.meta.get("list_date"),
            fetched_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def closed(self, reason: str) -> None:
        """The column each site's reports came from, in the stats (the crawl summary reads it)."""
        for site_id in self.sites:
            column = self.column_used(site_id)
            if column:
                self.crawler.stats.set_value(f"nianbao/site/{site_id}/column", column)
                logger.info("site %s: report column %s", site_id, column)
            else:
                logger.warning("site %s: no report column found", site_id)

    def failed(self, failure: Failure) -> None:
        """A fetch that failed for good (after retries), or a refusal by policy (not an error,
        but a page unseen): either leaves the site's crawl incomplete (crawler/coverage.py)."""
        request = failure.request  # type: ignore[attr-defined]
        site_id, kind = request.meta.get("site_id"), request.meta.get("kind", "page")
        message = (f"HTTP {failure.value.response.status}" if failure.check(HttpError) else
                   failure.getErrorMessage().splitlines()[0] if failure.getErrorMessage() else
                   failure.type.__name__)
        if failure.check(HttpError) and failure.value.response.status in (404, 410) \
                and request.meta.get("explore") and not request.meta.get("start"):
            # a dead menu link: the site's answer, not a gap in the crawl (nothing is behind it)
            self.crawler.stats.inc_value(f"nianbao/site/{site_id}/dead_links")
            self.coverage.dead_link(site_id, kind, request.url, message)
            logger.info("site %s: dead link %s (%s)", site_id, request.url, message)
            return
        # either way a page the crawl did not see: the site's crawl is not complete
        if failure.check(BudgetCut):
            self.coverage.cut(site_id, message)
            return
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt, private network, offsite: refused by policy, not an error
            self.coverage.refused(site_id, kind, request.url, message)
            return
        self.coverage.failed(site_id, kind, request.url, message)
        self.crawler.stats.inc_value("nianbao/fetch_errors")
        logger.error("site %s: %s failed: %s", site_id, request.url, message)


def _candidate_title(link: Link, column: str) -> str | None:
    """The report title a link stands for: its own text; for a document link saying only
    '下载' or '2302131102362.docx', the list row around it or, in an annual-report column, the
    column's title (the document itself then says whose report it is); a year in such a column."""
    if is_report_title(link.text):
        return link.text
    if is_document_link(link.url, link.text):
        if link.context and is_report_title(link.context):
            return link.context
        if is_bare_name(link.text) and is_annual_column(column):
            return column
    return year_in_annual_column(link.text, column)


def _title(response: TextResponse) -> str:
    return re.sub(r"\s+", " ", response.css("title::text").get() or "").strip()


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _requested_url(response: Response) -> str:
    """The URL the link named, before any redirect (RedirectMiddleware keeps the chain)."""
    return (response.meta.get("redirect_urls") or [response.url])[0]
