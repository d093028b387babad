"""A real redis-server per test, on a free 127.0.0.1 port, in a temp dir, without snapshots."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.redis_local import LocalRedis

from .cluster import archive_contents, replica_for_tests, single_process_crawl


@pytest.fixture
def redis_server(tmp_path) -> Iterator[LocalRedis]:
    with LocalRedis(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def persistent_redis(tmp_path) -> Iterator[LocalRedis]:
    """appendonly yes (fsync always): the data survives a restart."""
    with LocalRedis(tmp_path / "redis-aof", appendonly=True) as server:
        yield server


@pytest.fixture(scope="session")
def clean_first_crawl(tmp_path_factory) -> dict[str, list[tuple]]:
    """The archive a single-process crawl of the replica's first state builds (origin-free,
    so runs on other ports compare)."""
    tmp = tmp_path_factory.mktemp("reference")
    with replica_for_tests() as replica:
        single_process_crawl(tmp / "nianbao.db", replica.registry(tmp / "sites.yml"))
    return archive_contents(tmp / "nianbao.db")
