"""The report spider joined to a distributed crawl in Redis (crawler/distributed.py).

`nianbao crawl --redis URL` runs it; so can Scrapyd or plain Scrapy, given the Redis URL as a
setting: `scrapy crawl reports-distributed -s NIANBAO_REDIS_URL=redis://host:6379/0`.
"""
from __future__ import annotations

from typing import Any

from ..distributed import apply_distributed
from .reports import ReportSpider


class DistributedReportSpider(ReportSpider):
    name = "reports-distributed"

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        url = settings.get("NIANBAO_REDIS_URL")
        if not url:
            raise ValueError("reports-distributed needs the crawl's Redis: "
                             "-s NIANBAO_REDIS_URL=redis://host:6379/0")
        apply_distributed(settings, url)
