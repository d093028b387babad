"""Per-site crawl progress: a rich progress display on a terminal, log lines otherwise."""
from __future__ import annotations

import logging
import sys
from collections import Counter
from typing import Any

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.http import Response

logger = logging.getLogger(__name__)
LOG_EVERY = 25  # pages per site between progress log lines when not on a terminal


class CrawlProgress:
    def __init__(self, crawler: Crawler, tty: bool) -> None:
        self.crawler = crawler
        self.pages: Counter[str] = Counter()
        self.candidates: Counter[str] = Counter()
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}
        if tty:
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                     TimeElapsedColumn(), transient=False)
        crawler.signals.connect(self.response_received, signal=signals.response_received)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "CrawlProgress":
        tty = crawler.settings.getbool("NIANBAO_PROGRESS_TTY", sys.stdout.isatty())
        return cls(crawler, tty)

    def spider_opened(self, spider: Any) -> None:
        if self.progress is not None:
            self.progress.start()
            for site_id in getattr(spider, "sites", {}):
                self.tasks[site_id] = self.progress.add_task(self._line(site_id), total=None)

    def response_received(self, response: Response, request: Request, spider: Any) -> None:
        site_id = request.meta.get("site_id")
        if site_id is None:  # robots.txt
            return
        self.pages[site_id] += 1
        if request.meta.get("kind") == "report":
            self.candidates[site_id] += 1
        if self.progress is not None and site_id in self.tasks:
            self.progress.update(self.tasks[site_id], description=self._line(site_id))
        elif self.pages[site_id] % LOG_EVERY == 0:
            logger.info("progress %s", self._line(site_id))

    def _line(self, site_id: str) -> str:
        stats = self.crawler.stats
        new = stats.get_value(f"nianbao/site/{site_id}/new_report", 0)
        return (f"{site_id}: {self.pages[site_id]} pages, {self.candidates[site_id]} report "
                f"candidates, {new} new reports")

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.progress is not None:
            for site_id, task in self.tasks.items():
                self.progress.update(task, description=self._line(site_id))
            self.progress.stop()
        else:
            for site_id in getattr(spider, "sites", {}):
                logger.info("done %s", self._line(site_id))
