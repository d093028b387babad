"""One spider for every registered site: no per-site code, only the registry's hints.

Start pages and list pages are walked for three kinds of link: report candidates (a report title,
or an attachment titled as one), columns (政府信息公开, 法定主动公开内容, 年报…) and pagination
(下一页, page numbers, Hanweb dataproxy, TRS createPageHTML). Report candidates go to the archive;
a report page's attachments and pdf.js documents are report candidates too. Nothing else is
followed.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import AsyncIterator, Iterable, Iterator
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
from ..forms import FormPager
from ..items import CaptureItem, GoneItem
from ..links import Link, is_attachment, page_links
from ..list_dates import list_dates
from ..recognise import is_column_title, is_pagination_text, is_report_title, report_year
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
    def failed_sites(self) -> dict[str, int]:
        """Sites with fetch errors or refused requests: their crawl is not complete."""
        return self.state.setdefault("failed_sites", {})

    @property
    def coverage(self) -> CrawlCoverage:
        """What this crawl covered per site (crawler/coverage.py), kept across a resume."""
        return CrawlCoverage(self.state)

    # -- requests ----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        # after spider_opened (JOBDIR's state is loaded by then): a resumed crawl keeps its start
        logger.info("crawl started at %s", self.coverage.started_at)
        for site in self.sites.values():
            for url in site.entry_urls:
                yield self._list_request(url, site, dont_filter=True)

    def _list_request(self, url: str, site: Site, dont_filter: bool = False,
                      text: str = "") -> Request:
        return Request(url, callback=self.parse_list, errback=self.failed, dont_filter=dont_filter,
                       meta={"site_id": site.id, "kind": "list", "link_text": text})

    def _api_request(self, url: str, site: Site, page_url: str) -> Request:
        return Request(url, callback=self.parse_api, errback=self.failed,
                       meta={"site_id": site.id, "kind": "list", "page_url": page_url})

    def _report_request(self, url: str, site: Site, title: str,
                        list_date: str | None = None) -> Request:
        return Request(url, callback=self.parse_report, errback=self.failed, priority=10,
                       meta={"site_id": site.id, "kind": "report", "link_text": title,
                             "list_date": list_date, "handle_httpstatus_list": [404, 410]})

    # -- callbacks ---------------------------------------------------------------------------
    def parse_list(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        site = self.sites[response.meta["site_id"]]
        response = with_encoding(response)
        links = [link for link in page_links(response) if site.owns(link.url)]
        reports = [link.url for link in links if is_report_title(link.text)]
        self.coverage.listed(site.id, reports)
        dates = list_dates(response) if reports else {}
        followed = list(self._follow(links, site, dates))
        yield from followed
        # lists that page only by posting their form back (ASP.NET, page fields)
        posts = [post for post in self.form_pager.requests(
            response, callback=self.parse_list, errback=self.failed,
            meta={"site_id": site.id, "kind": "list"}) if site.owns(post.url)]
        yield from posts
        # what the markup already leads to: reports, a CMS pager, a script redirect, a form post
        found = bool(posts) or bool(reports) or any(link.generated for link in links)
        yield from self._script_lists(response, site, found, bool(followed))

    def _follow(self, links: Iterable[Link], site: Site,
                dates: dict[str, str] | None = None) -> Iterator[Request]:
        for link in links:
            if not site.owns(link.url):
                continue
            if is_report_title(link.text):
                yield self._report_request(link.url, site, link.text, (dates or {}).get(link.url))
            elif is_attachment(link.url):
                continue
            elif link.generated or is_column_title(link.text) or is_pagination_text(link.text):
                yield self._list_request(link.url, site, text=link.text)

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
            self.failed_sites[site.id] = self.failed_sites.get(site.id, 0) + 1
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
            for request in self._follow(page_links(dom), site):
                yield request
        for call in dict.fromkeys(harvest.api_calls):  # in order, each call once
            if site.owns(call.url):
                yield self._api_request(call.url, site, response.url).replace(
                    method=call.method, body=call.body or b"",
                    headers={"Content-Type": call.content_type} if call.content_type else {})
        for url, label, next_page in harvest.navigations:
            if site.owns(url):
                yield (self._list_request(url, site, text=label) if next_page
                       else self._report_request(url, site, label))

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
                                 if i.url and is_report_title(i.title)], site)
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
        yield self._capture(response, title)
        if isinstance(response, TextResponse) and b"html" in (
                response.headers.get(b"Content-Type") or b"html").lower():
            yield from self._attachments(with_encoding(response), self.sites[site_id], title,
                                         response.meta.get("list_date"))

    def _attachments(self, response: TextResponse, site: Site, title: str,
                     list_date: str | None) -> Iterator[Request]:
        """A report page's own documents: attachments and pdf.js-embedded files."""
        for link in page_links(response):
            if not (is_attachment(link.url) and site.owns(link.url)):
                continue
            if not link.text or is_report_title(link.text) or _ATTACHMENT_TEXT.search(link.text):
                yield self._report_request(link.url, site, title, list_date)

    def _capture(self, response: Response, title: str) -> CaptureItem:
        site = self.sites[response.meta["site_id"]]
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1")
                   for k, v in response.headers.items()}
        return CaptureItem(
            url=_requested_url(response), body=response.body, final_url=response.url,
            status=response.status, headers=headers, content_type=headers.get("Content-Type"),
            site_id=site.id, link_text=title or None, agency_hint=site.agency_for(title),
            year_hint=report_year(title) if title else None,
            list_date=response.meta.get("list_date"),
            fetched_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def failed(self, failure: Failure) -> None:
        """A fetch that failed for good (after retries), or a refusal by policy (not an error,
        but a page unseen): either leaves the site's crawl incomplete (crawler/coverage.py)."""
        request = failure.request  # type: ignore[attr-defined]
        site_id, kind = request.meta.get("site_id"), request.meta.get("kind", "page")
        message = (f"HTTP {failure.value.response.status}" if failure.check(HttpError) else
                   failure.getErrorMessage().splitlines()[0] if failure.getErrorMessage() else
                   failure.type.__name__)
        # either way a page the crawl did not see: the site's crawl is not complete
        self.failed_sites[site_id] = self.failed_sites.get(site_id, 0) + 1
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            # robots.txt, private network, offsite: refused by policy, not an error
            self.coverage.refused(site_id, kind, request.url, message)
            return
        self.coverage.failed(site_id, kind, request.url, message)
        self.crawler.stats.inc_value("nianbao/fetch_errors")
        logger.error("site %s: %s failed: %s", site_id, request.url, message)


def _requested_url(response: Response) -> str:
    """The URL the link named, before any redirect (RedirectMiddleware keeps the chain)."""
    return (response.meta.get("redirect_urls") or [response.url])[0]
