"""Scrapy settings for the nianbao crawler: polite by default, incremental via the HTTP cache."""
from __future__ import annotations

BOT_NAME = "nianbao"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = ("nianbao/0.1 (archive of 政府信息公开工作年度报告; "
              "+https://github.com/nianbao/nianbao; contact via the project's issue tracker)")

# Politeness.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024

# Retries on 5xx and timeouts (Scrapy's list), spaced out by BackoffRetryMiddleware.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_BACKOFF_BASE = 2.0  # seconds before the first retry; doubled each time
RETRY_BACKOFF_MAX = 60.0

# Incremental: every response with validators is stored; every request carries
# "Cache-Control: max-age=0", so RFC2616Policy revalidates (If-None-Match / If-Modified-Since)
# instead of trusting a heuristic freshness, and a 304 costs a few hundred bytes.
HTTPCACHE_ENABLED = True
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.RFC2616Policy"
# One dbm file instead of a directory of ~10 files per URL: 2-3x faster crawls on slow disks.
# dbm.dumb because it is always there (gdbm is optional in Python builds) and appends its
# index line per new key, so a killed crawl leaves a readable cache.
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.DbmCacheStorage"
HTTPCACHE_DBM_MODULE = "dbm.dumb"
# A response's "no-cache" would make RFC2616Policy refetch without validators; every request
# revalidates anyway, so it is ignored.
HTTPCACHE_IGNORE_RESPONSE_CACHE_CONTROLS = ["no-cache"]
HTTPCACHE_DIR = "httpcache"  # the CLI points it into the crawl directory
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
    "Cache-Control": "max-age=0",
}

DOWNLOADER_MIDDLEWARES = {
    # Stats below the cache: downloader/response_bytes counts network bytes, not cache hits.
    "scrapy.downloadermiddlewares.stats.DownloaderStats": 990,
    "crawler.middlewares.PrivateNetworkMiddleware": 50,
    "crawler.explore.ExploreBudgetMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
}
ITEM_PIPELINES = {"crawler.pipelines.ArchivePipeline": 300}
EXTENSIONS = {"crawler.progress.CrawlProgress": 500}

# Pages per site fetched to look for the report column (crawler/explore.py).
NIANBAO_EXPLORE_BUDGET = 40

# The archive and the registry; the CLI sets both.
NIANBAO_DB = "nianbao.db"
NIANBAO_SITES = None  # None: crawler/sites.yml

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
# No listening consoles on a crawl host.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Rendering fallback (crawler/rendering.py): pages whose markup names no report but carries
# script, rendered in Debian's chromium; per site at most this many pages and seconds.
NIANBAO_RENDER = True
NIANBAO_RENDER_PAGES = 10
NIANBAO_RENDER_SECONDS = 120.0
from crawler.rendering import playwright_settings  # noqa: E402

globals().update(playwright_settings(max_seconds=30))
