"""Distributed crawl on scrapy-redis: several crawler processes, one shared queue, one writer.

`distributed_settings(url)` is an overlay on the project settings that
- swaps in scrapy-redis' scheduler and duplicate filter, shared in Redis, with a queue whose pop
  is reliable (see crawlstate/redis_state.py: popped requests stay "in flight" until handled);
- lets one process seed the start URLs (SETNX lock with a TTL its heartbeat refreshes), the
  others wait for the "seeded" marker and take over if the seeder died before setting it;
- replaces the local archive pipeline by one that RPUSHes each capture to Redis, where the
  single writer (`nianbao ingest-worker`, archive/queue_writer.py) takes it;
- keeps a heartbeat per process, closes a process when nobody has work left (instead of
  scrapy-redis' wall-clock MAX_IDLE_TIME_BEFORE_CLOSE, which cannot tell "finished" from "a
  peer is still fetching pages that will yield more links"), and records how it ended.
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.request import request_from_dict
from scrapy_redis.queue import PriorityQueue
from twisted.internet import task

from archive.capture import Capture
from archive.queue_writer import encode_capture, encode_gone, encode_sites

from .items import CaptureItem, GoneItem
from crawlstate.redis_state import CrawlKeys, CrawlRegistry, redis_params
from .registry import DEFAULT_SITES, load_sites
from .run import CrawlSummary, crawl_settings, default_crawl_dir

log = logging.getLogger(__name__)

INFLIGHT_META = "nianbao_inflight"  # the raw queue entry a request was popped as (its ack token)
# An idle process polls the shared queue this often (Scrapy's own engine heartbeat is 5 s,
# which would leave a joining process idle for seconds while peers fill the queue).
IDLE_POLL_SECONDS = 0.5


def distributed_settings(redis_url: str, prefix: str = "nianbao",
                         heartbeat_ttl: float = 10.0) -> dict[str, Any]:
    """The overlay; apply it with apply_distributed (which keeps the pipelines right)."""
    keys = CrawlKeys(prefix)
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.distributed.ReliableQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        # The queue and the filter belong to the whole crawl: one process closing must not
        # flush them; the writer resets the crawl's keys once it is finished.
        "SCHEDULER_PERSIST": True,
        "REDIS_URL": redis_url,
        "REDIS_PARAMS": redis_params(),
        "NIANBAO_REDIS_PREFIX": prefix,
        "NIANBAO_CRAWLER_ID": f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}",
        "NIANBAO_HEARTBEAT_TTL": heartbeat_ttl,
    }


LOCAL_ARCHIVE_PIPELINE = "crawler.pipelines.ArchivePipeline"  # writes SQLite in-process


def apply_distributed(settings: Any, redis_url: str) -> None:
    """Overlay `settings` (a scrapy Settings) for a process that joins a distributed crawl.
    A heartbeat TTL or crawler id given on the command line (-s) is kept."""
    overlay = distributed_settings(redis_url,
                                   heartbeat_ttl=settings.getfloat("NIANBAO_HEARTBEAT_TTL", 10.0))
    if settings.get("NIANBAO_CRAWLER_ID"):
        overlay.pop("NIANBAO_CRAWLER_ID")
    for name, value in overlay.items():
        settings.set(name, value, priority="cmdline")
    # The queue lives in Redis, not in a JOBDIR; captures go to Redis, not to SQLite.
    settings.set("JOBDIR", None, priority="cmdline")
    pipelines = {k: v for k, v in settings.getdict("ITEM_PIPELINES").items()
                 if k != LOCAL_ARCHIVE_PIPELINE}
    pipelines["crawler.distributed.RedisCapturePipeline"] = 900
    settings.set("ITEM_PIPELINES", pipelines, priority="cmdline")
    settings.set("SPIDER_MIDDLEWARES", {**settings.getdict("SPIDER_MIDDLEWARES"),
                                        "crawler.distributed.DistributedSpiderMiddleware": 10},
                 priority="cmdline")
    settings.set("EXTENSIONS", {**settings.getdict("EXTENSIONS"),
                                "crawler.distributed.DistributedCrawl": 100}, priority="cmdline")


def run_distributed(redis_url: str, db: str, sites_file: str | None = None,
                    only: list[str] | None = None, crawl_dir: str | None = None,
                    overrides: dict[str, str] | None = None) -> CrawlSummary:
    """Join (or seed) the crawl in Redis as one crawler process; blocks until the crawl is
    over for everyone. `db` only places the HTTP cache: the writer owns the database."""
    from scrapy.crawler import CrawlerProcess

    from .spiders.reports_distributed import DistributedReportSpider

    sites_path = str(sites_file or DEFAULT_SITES)
    sites = load_sites(sites_path, only)
    directory = Path(crawl_dir) if crawl_dir else default_crawl_dir(db)
    settings = crawl_settings(db, sites_path, directory, job=directory / "job",
                              overrides={**(overrides or {}), "NIANBAO_REDIS_URL": redis_url})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(DistributedReportSpider)
    process.crawl(crawler, sites=sites)
    process.start()
    stats = crawler.stats.get_stats()
    return CrawlSummary(
        finish_reason=str(stats.get("finish_reason", "unknown")), sites=len(sites),
        pages=stats.get("response_received_count", 0), new=0, revised=0, removed=0,
        errors=stats.get("nianbao/fetch_errors", 0), stats=stats)


def registry_for(crawler: Crawler) -> CrawlRegistry:
    from scrapy_redis.connection import get_redis_from_settings

    settings = crawler.settings
    return CrawlRegistry(get_redis_from_settings(settings),
                         CrawlKeys(settings.get("NIANBAO_REDIS_PREFIX", "nianbao")),
                         settings.getfloat("NIANBAO_HEARTBEAT_TTL", 10.0))


def crawler_id(crawler: Crawler) -> str:
    return crawler.settings.get("NIANBAO_CRAWLER_ID")


class ReliableQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pop also records the entry in this process' in-flight
    hash (atomically, in Lua), tagging the request with the entry as its ack token."""

    def __init__(self, server: Any, spider: Spider, key: str, serializer: Any = None) -> None:
        super().__init__(server, spider, key, serializer)
        self.registry = registry_for(spider.crawler)
        self.crawler_id = crawler_id(spider.crawler)

    def _encode_request(self, request: Request) -> bytes:
        # A retry or redirect copies meta: the copy must not carry its parent's token.
        request.meta.pop(INFLIGHT_META, None)
        return super()._encode_request(request)

    def pop(self, timeout: int = 0) -> Request | None:
        data = self.registry.pop_request(self.crawler_id)
        if data is None:
            return None
        request = request_from_dict(self.serializer.loads(data), spider=self.spider)
        request.meta[INFLIGHT_META] = data
        return request


class DistributedSpiderMiddleware:
    """Seeds once per crawl, and acks a request once everything its response yielded is out:
    the new requests are in the shared queue and the captures in the Redis list."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.registry = registry_for(crawler)
        self.crawler_id = crawler_id(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedSpiderMiddleware:
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        # A seeder killed before its "seeded" marker stops refreshing the lock: whoever finds
        # the lock expired and no marker takes over (its start requests are deduplicated).
        while not self.registry.is_seeded():
            if self.registry.try_seed(self.crawler_id):
                async for item_or_request in self._seed(start):
                    yield item_or_request
                return
            await sleep(IDLE_POLL_SECONDS)
        log.info("another crawler seeded this crawl: joining it")

    async def _seed(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider = self.crawler.spider
        sites = [site.to_archive() for site in spider.sites.values()]
        self.registry.server.sadd(self.registry.keys.sites, *spider.sites)
        self.registry.server.rpush(self.registry.keys.captures, encode_sites(sites))
        async for item_or_request in start:
            yield item_or_request
        self.registry.mark_seeded()

    def process_spider_output(self, response: Response, result: Iterable[Any],
                              spider: Spider | None = None) -> Iterable[Any]:
        yield from result
        self._ack(response)

    async def process_spider_output_async(self, response: Response, result: AsyncIterator[Any],
                                          spider: Spider | None = None) -> AsyncIterator[Any]:
        async for output in result:
            yield output
        self._ack(response)

    def _ack(self, response: Response) -> None:
        token = response.meta.get(INFLIGHT_META)
        if token is not None:
            self.registry.ack(self.crawler_id, token)


class RedisCapturePipeline:
    """Sends each capture (and each 404/410 report URL) to the writer through Redis instead
    of writing SQLite here; a capture's URLs join its site's seen set in the same step."""

    def __init__(self, crawler: Crawler) -> None:
        self.registry = registry_for(crawler)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisCapturePipeline:
        return cls(crawler)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        keys = self.registry.keys
        with self.registry.server.pipeline(transaction=True) as redis_tx:
            if isinstance(item, CaptureItem):
                redis_tx.rpush(keys.captures, encode_capture(Capture(**asdict(item))))
                redis_tx.sadd(keys.seen(item.site_id), *{item.url, item.final_url or item.url})
            elif isinstance(item, GoneItem):
                redis_tx.rpush(keys.captures, encode_gone(item.url, item.status, item.site_id))
            redis_tx.execute()
        return item


class DistributedCrawl:
    """Heartbeat, dead-peer recovery and the decision to close, for one crawler process."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.registry = registry_for(crawler)
        self.crawler_id = crawler_id(crawler)
        ttl = crawler.settings.getfloat("NIANBAO_HEARTBEAT_TTL", 10.0)
        self.beat = task.LoopingCall(self._heartbeat)
        self.beat_interval = ttl / 4
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DistributedCrawl:
        return cls(crawler)

    def spider_opened(self, spider: Spider) -> None:
        # the exploring budget is the crawl's, not each process's
        spider.shared_explored = self.registry.take_explored
        self.registry.register(self.crawler_id)
        self.registry.recover_dead()
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = IDLE_POLL_SECONDS
        self.beat.start(self.beat_interval, now=False)
        log.info("crawler %s joined the distributed crawl", self.crawler_id)

    def _heartbeat(self) -> None:
        self.registry.heartbeat(self.crawler_id)
        recovered = self.registry.recover_dead()
        if recovered:
            log.warning("requeued %d requests of a dead crawler", recovered)

    def spider_idle(self, spider: Spider) -> None:
        """Close only when the crawl is over for everyone: seeded, queue empty, no live peer
        holding requests that may still yield links."""
        self.registry.recover_dead()
        self._publish_failures(spider)
        self.registry.drop_stale_inflight(self.crawler_id)
        if (self.registry.pending_requests() or not self.registry.is_seeded()
                or self.registry.others_busy(self.crawler_id)):
            raise DontCloseSpider

    def _publish_failures(self, spider: Spider) -> None:
        """Sites with a fetch that failed for good: the writer will not complete them; and
        sites where this crawler found a report column (the writer completes no other)."""
        failed = spider.coverage.incomplete_sites()
        if failed:
            self.registry.server.sadd(self.registry.keys.incomplete_sites, *failed)
        columns = [site_id for site_id, found in spider.columns.items() if found]
        if columns:
            self.registry.server.sadd(self.registry.keys.column_sites, *columns)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.beat.running:
            self.beat.stop()
        self._publish_failures(spider)
        self.registry.close(self.crawler_id, reason)
        log.info("crawler %s left the crawl: %s", self.crawler_id, reason)
