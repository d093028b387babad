"""The shared crawl state: reliable pops, dead-crawler recovery, the writer's view of the end."""
from __future__ import annotations

import time

from crawlstate.redis_state import CrawlKeys, CrawlRegistry, connect

KEYS = CrawlKeys("t")


def registry(url: str, ttl: float = 10.0) -> CrawlRegistry:
    return CrawlRegistry(connect(url), KEYS, heartbeat_ttl=ttl)


def test_pop_moves_request_in_flight_until_acked(redis_server):
    reg = registry(redis_server.url)
    reg.register("a")
    reg.server.zadd(KEYS.requests, {b"req-2": 0, b"req-1": -1})
    assert reg.pop_request("a") == b"req-1"  # lowest score first (scrapy-redis: -priority)
    assert reg.server.hgetall(KEYS.inflight("a")) == {b"req-1": b"-1"}
    assert reg.pending_requests() == 1
    reg.ack("a", b"req-1")
    assert reg.server.hlen(KEYS.inflight("a")) == 0


def test_dead_crawler_requests_go_back_exactly_once(redis_server):
    reg = registry(redis_server.url, ttl=1.0)
    reg.register("dead")
    reg.server.zadd(KEYS.requests, {b"r1": 0, b"r2": 0})
    reg.pop_request("dead")
    reg.pop_request("dead")
    survivor = registry(redis_server.url, ttl=10)
    survivor.register("alive")
    assert survivor.recover_dead() == 0  # heartbeat still fresh
    time.sleep(1.1)
    assert survivor.recover_dead() == 2
    assert survivor.recover_dead() == 0  # claimed once: the state is now "dead"
    assert survivor.pending_requests() == 2
    assert survivor._states()["dead"] == "dead"


def test_abnormal_close_hands_work_back_and_finished_close_drops_it(redis_server):
    reg = registry(redis_server.url)
    reg.register("a")
    reg.register("b")
    reg.server.zadd(KEYS.requests, {b"r1": 0, b"r2": 0})
    reg.pop_request("a")
    reg.pop_request("b")
    reg.close("a", "shutdown")
    reg.close("b", "finished")
    assert reg.pending_requests() == 1
    assert reg._states() == {"a": "shutdown", "b": "finished"}


def test_status_waits_for_seed_then_live_crawlers_then_orphans(redis_server):
    reg = registry(redis_server.url, ttl=1.0)
    assert reg.status().state == "waiting"
    reg.register("a")
    assert reg.try_seed("a") and not reg.try_seed("b")
    reg.mark_seeded()
    assert reg.status().state == "running"
    reg.server.zadd(KEYS.requests, {b"r1": 0})
    reg.pop_request("a")
    time.sleep(1.1)  # "a" dies holding r1
    status = reg.status()
    assert status.state == "stalled" and "1 requests held by dead crawlers" in status.detail
    reg.register("b")
    assert reg.recover_dead() == 1
    assert reg.pop_request("b") == b"r1"
    reg.close("b", "finished")
    assert reg.status().state == "finished"


def test_others_busy_only_counts_live_running_peers(redis_server):
    reg = registry(redis_server.url)
    reg.register("a")
    reg.register("b")
    reg.server.zadd(KEYS.requests, {b"r1": 0})
    reg.pop_request("b")
    assert reg.others_busy("a") and not reg.others_busy("b")
    reg.ack("b", b"r1")
    assert not reg.others_busy("a")


def test_reset_forgets_only_this_crawls_keys(redis_server):
    reg = registry(redis_server.url)
    reg.register("a")
    reg.server.set("other:key", "1")
    reg.reset()
    assert reg.server.keys("t:*") == [] and reg.server.get("other:key") == b"1"


def test_client_rides_out_a_redis_restart(persistent_redis):
    reg = registry(persistent_redis.url)
    reg.register("a")
    persistent_redis.restart()
    assert reg._states() == {"a": "running"}  # same client object, data kept by the AOF


def test_seed_lock_of_a_dead_seeder_expires_and_a_live_one_keeps_it(redis_server):
    reg = registry(redis_server.url, ttl=1.0)
    assert reg.try_seed("dead")  # then killed: no heartbeat, no "seeded" marker
    assert not reg.try_seed("b")
    time.sleep(1.1)
    assert reg.try_seed("b") and not reg.is_seeded()
    for _ in range(15):  # b's heartbeat keeps its lock past the TTL while it seeds
        reg.heartbeat("b")
        time.sleep(0.1)
    assert not reg.try_seed("c")
    assert reg.server.get(KEYS.seed_lock) == b"b"


def test_sites_without_a_report_column_or_with_failures_are_incomplete(redis_server):
    reg = registry(redis_server.url)
    reg.reset()
    reg.server.sadd(KEYS.sites, "found", "failed", "no-column")
    reg.server.sadd(KEYS.column_sites, "found", "failed")
    reg.server.sadd(KEYS.incomplete_sites, "failed")
    assert reg.incomplete_sites() == {"failed", "no-column"}


def test_exploring_budget_is_the_crawls_not_each_processs(redis_server):
    from crawler.explore import ExploreBudget

    reg = registry(redis_server.url)
    reg.server.delete(KEYS.explored)
    # two crawler processes, each with its own spider state, one Redis count
    first = ExploreBudget({}, 3, registry(redis_server.url).take_explored)
    second = ExploreBudget({}, 3, registry(redis_server.url).take_explored)
    taken = [first.take("a"), second.take("a"), first.take("a"), second.take("a"), first.take("a")]
    assert taken == [True, True, True, False, False]
    assert second.take("b")  # per site
    reg.reset()
    assert reg.server.hlen(KEYS.explored) == 0
