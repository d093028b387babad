"""Faults with real processes and a real Redis: a crawler or the writer SIGKILLed mid-crawl,
Redis restarted mid-crawl; each time the archive equals a clean crawl's (nothing lost,
no duplicate version)."""
from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from crawlstate.redis_state import CrawlKeys, CrawlRegistry

from .cluster import Cluster, archive_contents, duplicate_versions, replica_for_tests


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def busy_crawler(client) -> int | None:
    """The pid of a crawler holding requests in flight once the crawl is seeded (crawler ids
    are host-pid-random: crawler/distributed.py)."""
    if not client.exists("nianbao:seed:done"):
        return None
    for crawler_id in client.hkeys("nianbao:crawlers"):
        if client.hlen(b"nianbao:inflight:" + crawler_id):
            return int(crawler_id.decode().split("-")[-2])
    return None


def captures_in(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT COUNT(*) FROM captures").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.fixture
def cluster(tmp_path, redis_server):
    with replica_for_tests() as replica:
        crawl = Cluster(tmp_path, redis_server.url, replica.registry(tmp_path / "sites.yml"),
                        tmp_path / "nianbao.db")
        yield crawl
        crawl.kill_all()


def finish(cluster: Cluster, expected_codes: list[int], reference: dict) -> None:
    codes = cluster.wait()
    assert codes == expected_codes, cluster.log("writer")[-3000:]
    assert archive_contents(cluster.db) == reference
    assert duplicate_versions(cluster.db) == []


def test_sigkilled_crawler_loses_nothing(cluster, redis_server, clean_first_crawl):
    cluster.start_writer()
    pids = [cluster.start_crawler().pid for _ in range(3)]
    client = redis_server.client()
    victim: list[int] = []
    assert wait_until(lambda: victim.append(busy_crawler(client)) or victim[-1], 90)
    index = pids.index(victim[-1])
    cluster.crawlers[index].kill()
    finish(cluster, [-9 if i == index else 0 for i in range(3)] + [0], clean_first_crawl)
    survivors = "".join(cluster.log(f"crawler{i}") for i in range(3) if i != index)
    assert "requests of a dead crawler" in survivors


@pytest.mark.slow
def test_sigkilled_writer_loses_and_duplicates_nothing(cluster, clean_first_crawl):
    first_writer = cluster.start_writer()
    for _ in range(3):
        cluster.start_crawler()
    assert wait_until(lambda: captures_in(cluster.db) >= 2, 120)
    first_writer.kill()
    first_writer.wait()
    cluster.start_writer()  # the new writer requeues what the killed one had not acked
    finish(cluster, [0, 0, 0, 0], clean_first_crawl)


@pytest.mark.slow
def test_redis_restart_mid_crawl(tmp_path, persistent_redis, clean_first_crawl):
    with replica_for_tests() as replica:
        cluster = Cluster(tmp_path, persistent_redis.url, replica.registry(tmp_path / "sites.yml"),
                          tmp_path / "nianbao.db")
        try:
            cluster.start_writer()
            for _ in range(3):
                cluster.start_crawler()
            assert wait_until(lambda: captures_in(cluster.db) >= 2, 120)
            persistent_redis.restart(down_for=1.0)
            finish(cluster, [0, 0, 0, 0], clean_first_crawl)
        finally:
            cluster.kill_all()


def test_crawler_killed_while_seeding_does_not_block_the_crawl(cluster, redis_server,
                                                               clean_first_crawl):
    # What a seeder SIGKILLed right after SETNX leaves: the lock (with the crawl's heartbeat
    # TTL, FAST: 2 s), no "seeded" marker, no heartbeat.
    dead = CrawlRegistry(redis_server.client(), CrawlKeys(), heartbeat_ttl=2)
    assert dead.try_seed("host-1-dead")
    cluster.start_writer()
    cluster.start_crawler()
    finish(cluster, [0, 0], clean_first_crawl)
    assert "another crawler seeded" not in cluster.log("crawler0")
