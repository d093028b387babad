"""A real redis-server per test, on a free 127.0.0.1 port, in a temp dir, without snapshots."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.redis_local import LocalRedis


@pytest.fixture
def redis_server(tmp_path) -> Iterator[LocalRedis]:
    with LocalRedis(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def persistent_redis(tmp_path) -> Iterator[LocalRedis]:
    """appendonly yes (fsync always): the data survives a restart."""
    with LocalRedis(tmp_path / "redis-aof", appendonly=True) as server:
        yield server
