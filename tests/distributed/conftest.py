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
def clean_crawls(tmp_path_factory) -> dict[str, dict[str, list[tuple]]]:
    """The archive single-process crawls of the replica build: after its first state, then
    after its later state (origin-free, so other runs on other ports compare)."""
    tmp = tmp_path_factory.mktemp("reference")
    contents = {}
    with replica_for_tests() as replica:
        sites = replica.registry(tmp / "sites.yml")
        for state in ("first", "later"):
            replica.set_state(state)
            single_process_crawl(tmp / "nianbao.db", sites)
            contents[state] = archive_contents(tmp / "nianbao.db")
    return contents


@pytest.fixture(scope="session")
def clean_first_crawl(clean_crawls) -> dict[str, list[tuple]]:
    return clean_crawls["first"]
