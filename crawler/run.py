"""Run one crawl in this process (Scrapy's CrawlerProcess) and report what it did.

The crawl directory holds the HTTP cache (validators for conditional GETs: what makes a recrawl
cheap) and Scrapy's JOBDIR (the pending queue: what makes a stopped crawl resumable).
"""
from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from .registry import DEFAULT_SITES, load_sites
from .spiders.reports import ReportSpider

logger = logging.getLogger(__name__)
RUNNING = "RUNNING"  # present in the job directory while a crawl runs


@dataclass
class CrawlSummary:
    finish_reason: str
    sites: int
    pages: int
    new: int
    revised: int
    removed: int
    errors: int
    stats: dict[str, Any]

    @property
    def reached(self) -> int:
        """Sites whose report column answered with report links."""
        return int(self.stats.get("nianbao/sites_reached", 0))

    @property
    def complete(self) -> int:
        return int(self.stats.get("nianbao/sites_complete", 0))

    def lines(self) -> list[str]:
        per_site = sorted(v for k, v in self.stats.items() if k.startswith("nianbao/coverage/"))
        return [f"crawl {self.finish_reason}: {self.sites} sites, {self.pages} pages",
                f"sites: {self.reached} reached, {self.complete} complete, "
                f"{self.sites - self.complete} incomplete", *per_site,
                f"reports: {self.new} new, {self.revised} revised, {self.removed} removed",
                f"errors: {self.errors}", *self._rendering(), *self.column_lines()]

    def _rendering(self) -> list[str]:
        """The rendering fallback's line, when a page needed it (crawler/rendering.py)."""
        pages, skipped = (self.stats.get(f"nianbao/render/{k}", 0) for k in ("pages", "skipped"))
        if not (pages or skipped):
            return []
        seconds = self.stats.get("nianbao/render/seconds", 0)
        return [f"rendered: {pages} pages in {seconds:.1f} s, {skipped} refused by the budget"]

    def column_lines(self) -> list[str]:
        """Which column each site's reports were found in (set by the spider at its close)."""
        return [f"column {key.split('/')[2]}: {value}" for key, value in sorted(self.stats.items())
                if key.startswith("nianbao/site/") and key.endswith("/column")]


def default_crawl_dir(db: str) -> Path:
    return Path(db).with_suffix(".crawl")


def prepare_jobdir(crawl_dir: Path) -> Path:
    """The JOBDIR for this run. A job left by a killed process (RUNNING still there) may hold a
    torn queue: it is dropped and the sites are re-walked; the HTTP cache turns pages already
    fetched into conditional requests, and the archive's identity makes re-ingest harmless."""
    job = crawl_dir / "job"
    if (job / RUNNING).exists():
        logger.warning("the crawl in %s did not stop cleanly: re-walking from the start", job)
        shutil.rmtree(job)
    job.mkdir(parents=True, exist_ok=True)
    (job / RUNNING).touch()
    return job


def finish_jobdir(job: Path, finish_reason: str) -> None:
    if finish_reason == "finished":  # complete: the next run is a new crawl
        shutil.rmtree(job, ignore_errors=True)
    else:  # stopped cleanly (signal, close): resumable from the saved queue
        (job / RUNNING).unlink(missing_ok=True)


def crawl_settings(db: str, sites_file: str, crawl_dir: Path, job: Path,
                   overrides: dict[str, str]) -> Settings:
    settings = get_project_settings()
    settings.setmodule("crawler.settings", priority="project")
    settings.set("NIANBAO_DB", db)
    settings.set("NIANBAO_SITES", sites_file)
    settings.set("HTTPCACHE_DIR", str((crawl_dir / "httpcache").resolve()))
    settings.set("JOBDIR", str(job))
    for key, value in overrides.items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(db: str, sites_file: str | None = None, only: list[str] | None = None,
              crawl_dir: str | None = None, overrides: dict[str, str] | None = None) -> CrawlSummary:
    """Crawl the registry's sites once into the archive at `db`. Blocks; once per process."""
    sites_path = str(sites_file or DEFAULT_SITES)
    sites = load_sites(sites_path, only)
    directory = Path(crawl_dir) if crawl_dir else default_crawl_dir(db)
    job = prepare_jobdir(directory)
    settings = crawl_settings(db, sites_path, directory, job, overrides or {})
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(ReportSpider)
    process.crawl(crawler, sites=sites)
    process.start()
    stats = crawler.stats.get_stats()
    reason = str(stats.get("finish_reason", "unknown"))
    finish_jobdir(job, reason)
    return CrawlSummary(
        finish_reason=reason, sites=len(sites),
        pages=stats.get("response_received_count", 0) - stats.get("robotstxt/response_count", 0),
        new=stats.get("nianbao/new_report", 0), revised=stats.get("nianbao/revised", 0),
        removed=stats.get("nianbao/removed", 0),
        errors=stats.get("nianbao/fetch_errors", 0) + stats.get("nianbao/error", 0),
        stats=stats)
