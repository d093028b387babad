"""The item pipeline: every report candidate goes to the archive (archive.Archive), nowhere else.

The archive parses and writes SQLite synchronously, so it lives in one worker thread (SQLite
connections belong to the thread that opened them) and the reactor keeps downloading meanwhile.
"""
from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any, Callable, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from .items import CaptureItem, GoneItem

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ArchivePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.db_path = crawler.settings.get("NIANBAO_DB")
        self.warc_dir = crawler.settings.get("NIANBAO_WARC_DIR")
        self.pool = ThreadPool(1, 1, "archive")
        self._archive: Any = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "ArchivePipeline":
        return cls(crawler)

    async def _in_thread(self, fn: Callable[[Any], T]) -> T:
        from twisted.internet import reactor  # the reactor Scrapy installed

        def run() -> T:
            if self._archive is None:
                from archive import Archive

                self._archive = Archive(self.db_path, warc_dir=self.warc_dir)
            return fn(self._archive)

        return await maybe_deferred_to_future(deferToThreadPool(reactor, self.pool, run))

    async def open_spider(self) -> None:
        self.pool.start()
        sites = [s.to_archive() for s in self.crawler.spider.sites.values()]
        await self._in_thread(lambda a: a.register_sites(sites))

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, GoneItem):
            removed = await self._in_thread(lambda a: a.mark_gone(item.url, item.status, item.site_id))
            self._count("removed", item.site_id, len(removed))
        elif isinstance(item, CaptureItem):
            from archive import Capture

            capture = Capture(**asdict(item))
            result = await self._in_thread(lambda a: a.ingest(capture))
            self._count(result.outcome, item.site_id)
            if result.outcome == "error":
                logger.warning("site %s: %s not ingested: %s", item.site_id, item.url, result.error)
        return item

    def _count(self, outcome: str, site_id: str | None, n: int = 1) -> None:
        if n:
            self.stats.inc_value(f"nianbao/{outcome}", n)
            self.stats.inc_value(f"nianbao/site/{site_id}/{outcome}", n)

    async def spider_closed(self, spider: Any, reason: str) -> None:
        try:
            if reason == "finished":
                await self._complete(spider)
            else:
                logger.info("crawl %s, not complete: no report is marked removed", reason)
        finally:
            if self._archive is not None:
                await self._in_thread(lambda a: a.close())
            self.pool.stop()

    async def _complete(self, spider: Any) -> None:
        """A finished crawl tells the archive which report URLs each error-free site still has."""
        for site_id in spider.sites:
            why = spider.incomplete(site_id)
            if why:
                logger.warning("site %s: %s, crawl incomplete; reports not seen "
                               "this time are kept", site_id, why)
                continue
            seen = set(spider.seen_reports.get(site_id, set()))
            removed = await self._in_thread(lambda a: a.complete_crawl(site_id, seen))
            self._count("removed", site_id, len(removed))
        await self._in_thread(lambda a: a.refresh_expected())
