"""Downloader middlewares Scrapy does not ship: a private-network guard and retry backoff."""
from __future__ import annotations

import ipaddress
import logging
import socket
from functools import lru_cache
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def resolve(host: str) -> tuple[str, ...]:
    """Every address a host name resolves to (cached: one lookup per host and crawl).

    getaddrinfo blocks the reactor briefly, once per host; a registry has few hosts."""
    try:
        return tuple({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError):
        return ()


def private_address(host: str) -> str | None:
    """The first loopback/private/link-local/reserved address `host` resolves to, or None."""
    for address in resolve(host):
        ip = ipaddress.ip_address(address.split("%")[0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved \
                or ip.is_multicast or ip.is_unspecified:
            return address
    return None


class PrivateNetworkMiddleware:
    """Refuse requests to loopback and private addresses unless the registry allows them.

    A site entry with `allow_private_network: true` (the replica's) opens its own hosts only;
    the check runs on every request, redirects and robots.txt included."""

    def __init__(self) -> None:
        self.allowed_hosts: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> "PrivateNetworkMiddleware":
        middleware = cls()
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        """The hosts of the registry entries that set allow_private_network."""
        sites = getattr(spider, "sites", {}).values()
        self.allowed_hosts = {d for s in sites if s.allow_private_network for d in s.domains}

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            raise IgnoreRequest(f"refused {request.url}: only http(s) is crawled")
        host = parts.hostname or ""
        if host in self.allowed_hosts:
            return None
        address = private_address(host)
        if address is not None:
            logger.warning("refused %s: %s resolves to private address %s and the registry "
                           "does not set allow_private_network", request.url, host, address)
            raise IgnoreRequest(f"refused {request.url}: private address {address}")
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (5xx, timeouts, connection errors), with exponential backoff.

    Scrapy retries at once; a struggling government server deserves a pause first."""

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        result = super().process_response(request, response)
        await self._pause(result)
        return result

    async def process_exception(self, request: Request, exception: Exception,
                                spider: Spider | None = None) -> Request | Response | None:
        result = super().process_exception(request, exception)
        await self._pause(result)
        return result

    async def _pause(self, result: object) -> None:
        if not isinstance(result, Request):
            return
        settings = self.crawler.settings
        attempt = result.meta.get("retry_times", 1)
        delay = min(settings.getfloat("RETRY_BACKOFF_BASE") * 2 ** (attempt - 1),
                    settings.getfloat("RETRY_BACKOFF_MAX"))
        if delay > 0:
            from twisted.internet import reactor, task  # the reactor Scrapy installed

            await maybe_deferred_to_future(task.deferLater(reactor, delay, lambda: None))
