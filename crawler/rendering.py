"""The rendering fallback: a list page whose own markup names no report but carries script is
rendered in headless Chromium (scrapy-playwright, Debian's chromium), and read as a person would
see it: the links of the rendered DOM, the JSON lists its script fetched, the documents its
`onclick` handlers open or download, and the pages its scripted 下一页 shows.

Rendering is the exception: only such pages, within a per-site budget of pages and seconds; a page
refused for budget marks the site's crawl incomplete (its reports are not claimed removed).
Every request the browser makes passes the same policy as Scrapy's own: site hosts only, the
private-address guard, robots.txt; images, fonts, media and style sheets are not fetched.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import TextResponse
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from .middlewares import private_address
from .recognise import is_pagination_text, is_report_title

logger = logging.getLogger(__name__)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
_SKIPPED_RESOURCES = {"image", "media", "font", "stylesheet"}
_COLUMN_HINT = re.compile(r"年报|年度报告|信息公开|政务公开|主动公开")
_DOWNLOAD_TEXT = re.compile(r"下载|附件|查看|原文|详情|阅读")
_SCRIPT = re.compile(r"<script\b", re.I)
SETTLE_SECONDS = 5.0  # for a scripted pager's next page to appear
FEW_LINKS = 5  # a page with fewer links than this is built by script whatever its title

# Handlers that open a document or the next page: onclick attributes and javascript: links.
_HANDLERS_JS = """() => Array.from(document.querySelectorAll('[onclick], a[href^="javascript:"]'))
  .map((e, i) => ({i: i, text: (e.innerText || e.value || '').trim(),
                   row: ((e.closest('li,tr,dd,p') || e.parentElement || e).innerText || '').trim()}))"""
_CLICK_JS = """i => document.querySelectorAll('[onclick], a[href^="javascript:"]')[i].click()"""
# window.open from a handler opens another page the route of this one never sees: record its URL
_RECORD_OPEN_JS = """() => { if (window.__nianbaoOpened) return; window.__nianbaoOpened = [];
  window.open = function (u) { if (u) window.__nianbaoOpened.push(new URL(u, location.href).href);
                               return null; }; }"""
_OPENED_JS = "() => (window.__nianbaoOpened || []).splice(0)"


class LazyPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    """scrapy-playwright's handler, started on the first request that needs the browser instead
    of at engine start: a crawl that renders nothing never runs the Playwright driver (its
    start cost CPU on a small machine). Requests without meta['playwright'] take Scrapy's own
    HTTP path either way."""

    async def _maybe_launch_in_thread(self) -> None:  # engine_started: not yet
        pass

    def _engine_started(self) -> Any:  # the same, on Scrapy versions without the async API
        return None

    async def _download_request(self, request: Request, spider: Any = None) -> Any:
        async with self._lazy_lock:
            if getattr(self, "browser_provider", None) is None:
                await self._launch()
        return await super()._download_request(request, spider)

    @property
    def _lazy_lock(self) -> asyncio.Lock:
        if not hasattr(self, "_lazy_lock_"):
            self._lazy_lock_ = asyncio.Lock()
        return self._lazy_lock_


def playwright_settings(max_seconds: float) -> dict[str, Any]:
    """LazyPlaywrightHandler as the http(s) download handler: only requests with
    meta['playwright'] go to the browser (started for the first), every other request takes
    Scrapy's own path."""
    handler = "crawler.rendering.LazyPlaywrightHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {"executable_path": CHROMIUM, "headless": True,
                                      "args": CHROMIUM_ARGS},
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 2,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": int(max_seconds * 1000),
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.rendering.GUARD",
    }


class BrowserGuard:
    """PLAYWRIGHT_ABORT_REQUEST: True (abort) for a browser request Scrapy would not make."""

    def __init__(self) -> None:
        self.hosts: set[str] = set()
        self.private_ok: set[str] = set()
        self.crawler: Crawler | None = None
        self.next_at: dict[str, float] = {}  # host -> when its next browser sub-request may go

    def configure(self, sites: Any, crawler: Crawler) -> None:
        self.hosts = {d for s in sites for d in s.domains}
        self.private_ok = {d for s in sites if s.allow_private_network for d in s.domains}
        self.crawler = crawler

    async def __call__(self, request: Any) -> bool:
        abort = self._refusal(request.url, request.resource_type)
        if self.crawler is not None:
            self.crawler.stats.inc_value(f"nianbao/render/browser_{'refused' if abort else 'requests'}")
        if abort is None and not request.is_navigation_request():  # Scrapy paced the page itself
            await self.pace(urlsplit(request.url).hostname or "")
        return abort is not None

    async def pace(self, host: str) -> None:
        """Browser sub-requests (scripts, XHR) keep the site's download delay — Scrapy's slot
        delay for the host, as AutoThrottle sets it — instead of coming as one burst."""
        delay = self._delay(host)
        now = time.monotonic()
        start = max(now, self.next_at.get(host, now))
        self.next_at[host] = start + delay
        if start > now:
            await asyncio.sleep(start - now)

    def _delay(self, host: str) -> float:
        if self.crawler is None:
            return 0.0
        engine = self.crawler.engine if self.crawler.crawling else None
        slot = engine.downloader.slots.get(host) if engine is not None else None
        return slot.delay if slot is not None else self.crawler.settings.getfloat("DOWNLOAD_DELAY")

    def _refusal(self, url: str, resource_type: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return None
        if parts.scheme not in ("http", "https") or parts.hostname not in self.hosts:
            return "offsite"
        if resource_type in _SKIPPED_RESOURCES:
            return "resource"
        if parts.hostname not in self.private_ok and private_address(parts.hostname):
            return "private address"
        parser = self._robots(parts.netloc)
        if parser is not None and not parser.allowed(url, self._user_agent()):
            return "robots.txt"
        return None

    def _robots(self, netloc: str) -> Any:
        """The robots.txt parser Scrapy already loaded for this host (the rendered page's own
        request went through RobotsTxtMiddleware first), or None."""
        downloader = getattr(getattr(self.crawler, "engine", None), "downloader", None)
        for mw in getattr(getattr(downloader, "middleware", None), "middlewares", ()):
            if isinstance(mw, RobotsTxtMiddleware):
                parser = mw._parsers.get(netloc)
                return parser if hasattr(parser, "allowed") else None
        return None

    def _user_agent(self) -> str:
        return self.crawler.settings.get("USER_AGENT") if self.crawler else "*"


GUARD = BrowserGuard()


@dataclass(frozen=True)
class ApiCall:
    """A fetch/XHR the page's script made, to be replayed by Scrapy (GET or POST alike)."""
    url: str
    method: str
    body: bytes | None
    content_type: str | None


@dataclass
class Harvest:
    """What a rendered page showed: DOM snapshots (one per pager step), the API calls its script
    made, and the navigations its handlers started ((url, label, is_next_page))."""
    snapshots: list[str] = field(default_factory=list)
    api_calls: list[ApiCall] = field(default_factory=list)
    navigations: list[tuple[str, str, bool]] = field(default_factory=list)


async def record_api_calls(page: Any, request: Request) -> None:
    """playwright_page_init_callback: note every fetch/XHR from the page's first request on."""
    calls: list[ApiCall] = request.meta.setdefault("api_calls", [])

    def on_request(browser_request: Any) -> None:
        if browser_request.resource_type in ("fetch", "xhr"):
            calls.append(ApiCall(browser_request.url, browser_request.method,
                                 browser_request.post_data_buffer,
                                 browser_request.headers.get("content-type")))

    page.on("request", on_request)


class RenderBudget:
    """Per-site pages and seconds of rendering; what it refused is counted and logged."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.enabled = settings.getbool("NIANBAO_RENDER")
        self.max_pages = settings.getint("NIANBAO_RENDER_PAGES")
        self.max_seconds = settings.getfloat("NIANBAO_RENDER_SECONDS")
        self.crawler = crawler
        self.pages: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()

    @property
    def stats(self) -> Any:
        return self.crawler.stats  # set when the crawl starts, after the spider is made

    def wants(self, response: TextResponse, followed: bool) -> bool:
        """A list page whose markup leads to no report (nor CMS pager, nor form post) but carries
        script, reached as a column (its link or title names one), or nearly empty and leading
        nowhere: the kind of page script fills."""
        if (response.meta.get("rendered") or response.request.method != "GET"
                or not _SCRIPT.search(response.text)):
            return False  # a posted page is the form pager's: a browser GET would not show it
        hint = f"{response.meta.get('link_text') or ''} {response.css('title::text').get() or ''}"
        return bool(_COLUMN_HINT.search(hint)) or (
            not followed and len(response.css("a[href]")) < FEW_LINKS)

    def take(self, site_id: str, url: str) -> bool:
        """One rendering of `url` for the site if its budget allows; refusals are recorded."""
        if not self.enabled:
            return False
        if self.pages[site_id] >= self.max_pages or self.seconds[site_id] >= self.max_seconds:
            self.stats.inc_value("nianbao/render/skipped")
            self.stats.inc_value(f"nianbao/site/{site_id}/render_skipped")
            logger.warning("site %s: %s not rendered: rendering budget spent (%d pages, %.0f s)",
                           site_id, url, self.pages[site_id], self.seconds[site_id])
            return False
        self.pages[site_id] += 1
        self.stats.inc_value("nianbao/render/pages")
        self.stats.inc_value(f"nianbao/site/{site_id}/rendered")
        return True

    def remaining(self, site_id: str) -> float:
        return max(self.max_seconds - self.seconds[site_id], 0.0)

    def spend(self, site_id: str, seconds: float) -> None:
        self.seconds[site_id] += seconds
        self.stats.inc_value("nianbao/render/seconds", round(seconds, 3))


def render_request(url: str, meta: dict, **kwargs: Any) -> Request:
    """The browser's request for a page already fetched: not filtered as a duplicate, not
    cached (the cache holds the static page under the same fingerprint)."""
    return Request(url, dont_filter=True, **kwargs, meta={
        **meta, "playwright": True, "playwright_include_page": True, "rendered": True,
        "dont_cache": True, "playwright_page_goto_kwargs": {"wait_until": "networkidle"},
        "playwright_page_init_callback": "crawler.rendering.record_api_calls"})


async def harvest(page: Any, calls: list[ApiCall], seconds: float, max_steps: int = 20) -> Harvest:
    """Read a rendered page: its DOM, its handlers' navigations, then its scripted next pages,
    until a page repeats, there is no next, or `seconds` are spent."""
    deadline = time.monotonic() + seconds
    result = Harvest(api_calls=calls)  # filled by record_api_calls as the script runs
    captured: list[str] = []

    async def intercept(route: Any) -> None:
        # a handler's navigation (detail page, download) is recorded, not followed: Scrapy
        # fetches the document under its own policy
        if route.request.is_navigation_request() and route.request.frame == page.main_frame:
            captured.append(route.request.url)
            await route.abort("aborted")
        else:
            await route.fallback()

    await page.route("**/*", intercept)
    await page.evaluate(_RECORD_OPEN_JS)
    for step in range(1, max_steps + 1):
        html = await page.content()
        if html in result.snapshots:
            break
        result.snapshots.append(html)
        next_handle = await _run_handlers(page, captured, result, deadline, step)
        if next_handle is None or time.monotonic() > deadline:
            break
        before = len(captured)
        await _click(page, next_handle, captured, result, "下一页", deadline, wait=0.0)
        await _settle(page, html, captured, before, min(deadline, time.monotonic() + SETTLE_SECONDS))
        # a pager that navigates instead of fetching: the next page is a list to crawl
        result.navigations += [(url, "下一页", True) for url in captured[before:]]
    return result


async def _run_handlers(page: Any, captured: list[str], result: Harvest, deadline: float,
                        step: int) -> int | None:
    """Click every handler that names a report (its text, or a download link in its row);
    return the index of the pager handler to the next page (下一页, else the number step + 1)."""
    next_index = numbered = None
    for handler in await page.evaluate(_HANDLERS_JS):
        text, row = handler["text"], handler["row"]
        if is_pagination_text(text) and re.search(r"下|后|>|»", text):
            next_index = handler["i"]
        elif re.fullmatch(rf"\[?{step + 1}\]?", text):
            numbered = handler["i"]
        elif time.monotonic() < deadline and (
                is_report_title(text) or (_DOWNLOAD_TEXT.search(text) and is_report_title(row))):
            label = text if is_report_title(text) else row.split("\n")[0]
            await _click(page, handler["i"], captured, result, label, deadline)
    return next_index if next_index is not None else numbered


async def _click(page: Any, index: int, captured: list[str], result: Harvest, label: str,
                 deadline: float, wait: float = 1.0) -> None:
    """Click handler `index`; a document it navigates to within `wait` seconds is recorded."""
    before = len(captured)
    try:
        await page.evaluate(_CLICK_JS, index)
    except Exception as exc:  # a handler that throws is the page's bug, not the crawl's
        logger.debug("handler %d on %s failed: %s", index, page.url, exc)
        return
    wait_until = min(time.monotonic() + wait, deadline)
    while True:
        captured.extend(await page.evaluate(_OPENED_JS))
        if len(captured) > before or time.monotonic() >= wait_until:
            break
        await asyncio.sleep(0.02)
    if wait:
        result.navigations += [(url, label, False) for url in captured[before:]]


async def _settle(page: Any, before: str, captured: list[str], navigations: int,
                  deadline: float) -> None:
    """Wait for a scripted pager to replace the list (its fetch answered and rendered), or to
    navigate (recorded, not followed: the page stays as it was)."""
    while time.monotonic() < deadline and len(captured) == navigations:
        await asyncio.sleep(0.05)
        if await page.content() != before:
            try:
                await page.wait_for_load_state("networkidle", timeout=2000)
            except Exception:  # still busy: read what is there
                pass
            return
