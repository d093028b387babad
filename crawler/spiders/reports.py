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
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from ..decoding import with_encoding
from ..documents import decide_kind, disposition_filename, file_stem, is_document_link, \
    stated_content_type
from ..explore import CONTINUATION, DEFAULT_BUDGET, REPORT_PRIORITY, ExploreBudget, link_score
from ..items import CaptureItem, GoneItem
from ..links import Link, page_links
from ..recognise import is_report_title, names_companion, report_year, \
    year_in_annual_column
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

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> "ReportSpider":
        # `scrapy crawl reports [-a site=ID]` reads the registry named in the settings
        kwargs.setdefault("sites", crawler.settings.get("NIANBAO_SITES") or str(DEFAULT_SITES))
        return super().from_crawler(crawler, *args, **kwargs)

    # -- what the pipeline reads at the end --------------------------------------------------
    @property
    def seen_reports(self) -> dict[str, set[str]]:
        """Report-candidate URLs that answered, per site (kept across a JOBDIR resume)."""
        return self.state.setdefault("seen_reports", {})

    @property
    def failed_sites(self) -> dict[str, int]:
        """Sites with fetch errors: their crawl is not complete."""
        return self.state.setdefault("failed_sites", {})

    @property
    def columns(self) -> dict[str, dict[str, list]]:
        """Per site, the list pages where report candidates were found: url -> [title, count]."""
        return self.state.setdefault("columns", {})

    @property
    def explore_budget(self) -> ExploreBudget:
        return ExploreBudget(self.state, self.settings.getint("NIANBAO_EXPLORE_BUDGET",
                                                              DEFAULT_BUDGET))

    def incomplete(self, site_id: str) -> str | None:
        """Why a site's crawl cannot show that a report is gone, or None when it can."""
        errors = self.failed_sites.get(site_id, 0)
        if errors:
            return f"{errors} fetch errors"
        if not self.columns.get(site_id):  # more likely a redesign than every report gone
            cut = self.state.get("explore_cut", {}).get(site_id)
            return "no report column found" + (" (exploring budget spent)" if cut else "")
        return None

    def column_used(self, site_id: str) -> str | None:
        """'title <url>' of the column that listed the most report candidates."""
        found = self.columns.get(site_id)
        if not found:
            return None
        url, (title, _) = max(found.items(), key=lambda item: item[1][1])
        return f"{title} <{url}>"

    # -- requests ----------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites.values():
            for url in site.entry_urls:
                request = self._list_request(url, site, dont_filter=True)
                request.meta["start"] = True  # a start page that is gone is no dead menu link
                yield request

    def _list_request(self, url: str, site: Site, dont_filter: bool = False, priority: int = 0,
                      root: tuple[str, str] | None = None, explore: bool = True) -> Request:
        """A list page. `root`: (url, title) of the first page of the list it continues;
        `explore`: fetched to look for the report column (within the site's budget), not to
        crawl one already found."""
        return Request(url, callback=self.parse_list, errback=self.failed, dont_filter=dont_filter,
                       priority=priority, meta={"site_id": site.id, "kind": "list",
                                                "root": root, "explore": explore})

    def _report_request(self, url: str, site: Site, title: str) -> Request:
        return Request(url, callback=self.parse_report, errback=self.failed,
                       priority=REPORT_PRIORITY,
                       meta={"site_id": site.id, "kind": "report", "link_text": title,
                             "handle_httpstatus_list": [404, 410]})

    # -- callbacks ---------------------------------------------------------------------------
    def parse_list(self, response: Response) -> Iterator[Request]:
        if not isinstance(response, TextResponse):
            return
        site = self.sites[response.meta["site_id"]]
        follow: list[tuple[int, Link]] = []
        found = 0
        root = response.meta.get("root") or (response.url, _title(response))
        for link in page_links(with_encoding(response)):
            if not site.owns(link.url):
                continue
            title = _candidate_title(link) or year_in_annual_column(link.text, root[1])
            if title:
                found += 1
                yield self._report_request(link.url, site, title)
            elif not is_document_link(link.url, link.text):
                score = link_score(link)
                if score:
                    follow.append((score, link))
        in_column = bool(found) or not response.meta.get("explore", True)
        if found:
            entry = self.columns.setdefault(site.id, {}).setdefault(root[0], [root[1], 0])
            entry[1] += found
        for score, link in follow:  # a list's own pages continue it; anything else explores
            if score == CONTINUATION:
                yield self._list_request(link.url, site, priority=score, root=root,
                                         explore=not in_column)
            else:
                yield self._list_request(link.url, site, priority=score)

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
            yield from self._attachments(with_encoding(response), self.sites[site_id], title)

    def _attachments(self, response: TextResponse, site: Site, title: str) -> Iterator[Request]:
        """A report page's own documents: attachments, download endpoints, pdf.js files."""
        for link in page_links(response):
            if not site.owns(link.url) or names_companion(link.text):
                continue
            if is_report_title(link.text):
                yield self._report_request(link.url, site, link.text)
            elif is_document_link(link.url, link.text) and (
                    not link.text or _ATTACHMENT_TEXT.search(link.text)):
                yield self._report_request(link.url, site, title)

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
        """A fetch that failed for good (after retries). Refusals by policy are not failures."""
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # robots.txt, private network, offsite: refused by policy
        site_id = request.meta.get("site_id")
        if failure.check(HttpError) and failure.value.response.status in (404, 410) \
                and request.meta.get("explore") and not request.meta.get("start"):
            # a dead menu link: the site's answer, not a gap in the crawl (nothing is behind it)
            self.crawler.stats.inc_value(f"nianbao/site/{site_id}/dead_links")
            logger.info("site %s: dead link %s (%d)", site_id, request.url,
                        failure.value.response.status)
            return
        self.failed_sites[site_id] = self.failed_sites.get(site_id, 0) + 1
        self.crawler.stats.inc_value("nianbao/fetch_errors")
        logger.error("site %s: %s failed: %s", site_id, request.url,
                     failure.getErrorMessage().splitlines()[0] if failure.getErrorMessage() else
                     failure.type.__name__)


def _candidate_title(link: Link) -> str | None:
    """The report title a link stands for: its own text, or for a document link saying only
    '下载' or '2302131102362.docx', the list row around it."""
    if is_report_title(link.text):
        return link.text
    if link.context and is_document_link(link.url, link.text) and is_report_title(link.context):
        return link.context
    return None


def _title(response: TextResponse) -> str:
    return re.sub(r"\s+", " ", response.css("title::text").get() or "").strip()


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _requested_url(response: Response) -> str:
    """The URL the link named, before any redirect (RedirectMiddleware keeps the chain)."""
    return (response.meta.get("redirect_urls") or [response.url])[0]
