"""Shared state of one distributed crawl in Redis: who crawls, what is in flight, when it is over.

Used by the crawler processes (crawler/distributed.py) and by the single archive writer
(archive/queue_writer.py); it imports neither Scrapy nor the archive.

Reliability model: a request popped from the shared queue moves atomically (Lua) into the
popping crawler's in-flight hash and leaves it only when its response has been handled. Each
crawler refreshes a heartbeat key with a TTL; a crawler whose heartbeat expired while it was
still "running" is dead, and any live crawler puts its in-flight requests back into the queue.
So a SIGKILLed crawler loses nothing (a request may be fetched twice; the archive dedups).

Seeding: the seed lock expires like a heartbeat (the seeder's heartbeat refreshes it) and the
"seeded" marker is set only once every start request is queued; a crawler that finds neither
takes the lock and seeds, so a seeder killed half-way delays the crawl by one TTL, no more.
"""
from __future__ import annotations

from dataclasses import dataclass

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

RUNNING, FINISHED, DEAD = "running", "finished", "dead"

# Pop the best request (lowest score) and record it as in flight, in one atomic step, so no
# request is ever outside both the queue and some crawler's in-flight hash.
_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('HSET', KEYS[2], r[1], r[2])
return r[1]
"""

# Put a crawler's in-flight requests back into the queue and set its state. With ARGV[3] = '1'
# only when that crawler is dead (still "running" but its heartbeat expired): a claim that
# exactly one live crawler wins.
_REQUEUE = """
if ARGV[3] == '1' then
  if redis.call('HGET', KEYS[3], ARGV[1]) ~= 'running' then return -1 end
  if redis.call('EXISTS', KEYS[4]) == 1 then return -1 end
end
local items = redis.call('HGETALL', KEYS[2])
for i = 1, #items, 2 do redis.call('ZADD', KEYS[1], items[i + 1], items[i]) end
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
return #items / 2
"""

# A crawler's heartbeat: its alive key, and the seed lock's TTL while it holds the lock.
_HEARTBEAT = """
redis.call('SET', KEYS[1], '1', 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
"""


def connect(url: str) -> redis.Redis:
    """A client that rides out a Redis restart (retries with backoff for about a minute)."""
    return redis.Redis.from_url(url, **redis_params())


def redis_params() -> dict:
    return {
        "retry": Retry(ExponentialBackoff(cap=2.0, base=0.05), retries=40),
        "retry_on_error": [redis.ConnectionError, redis.TimeoutError],
        "socket_timeout": 30,
        "socket_connect_timeout": 5,
        "health_check_interval": 5,
    }


@dataclass(frozen=True)
class CrawlKeys:
    """Every Redis key of one crawl lives under `prefix`, so a crawl is reset by one scan."""

    prefix: str = "nianbao"

    @property
    def requests(self) -> str:  # scrapy-redis scheduler queue (sorted set)
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.prefix}:dupefilter"

    @property
    def captures(self) -> str:  # list: crawlers RPUSH, the writer takes from the left
        return f"{self.prefix}:captures"

    @property
    def processing(self) -> str:  # list: captures the writer took but has not committed
        return f"{self.prefix}:captures:processing"

    @property
    def seed_lock(self) -> str:
        return f"{self.prefix}:seed:lock"

    @property
    def seeded(self) -> str:
        return f"{self.prefix}:seed:done"

    @property
    def crawlers(self) -> str:  # hash crawler id -> running | finished | dead | close reason
        return f"{self.prefix}:crawlers"

    @property
    def incomplete_sites(self) -> str:  # set of site ids with a failed list page
        return f"{self.prefix}:incomplete"

    @property
    def sites(self) -> str:  # set of the crawl's site ids (published by the seeder)
        return f"{self.prefix}:sites"

    @property
    def column_sites(self) -> str:  # set of site ids where some crawler found a report column
        return f"{self.prefix}:columns"

    @property
    def explored(self) -> str:  # hash site id -> exploring pages taken by all crawlers
        return f"{self.prefix}:explored"

    def seen(self, site_id: str) -> str:
        return f"{self.prefix}:seen:{site_id}"

    def alive(self, crawler_id: str) -> str:
        return f"{self.prefix}:alive:{crawler_id}"

    def inflight(self, crawler_id: str) -> str:
        return f"{self.prefix}:inflight:{crawler_id}"


@dataclass
class CrawlStatus:
    state: str  # waiting | running | stalled | finished
    detail: str = ""


class CrawlRegistry:
    def __init__(self, server: redis.Redis, keys: CrawlKeys, heartbeat_ttl: float = 10.0) -> None:
        self.server = server
        self.keys = keys
        self.ttl_ms = int(heartbeat_ttl * 1000)
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE)
        self._heartbeat = server.register_script(_HEARTBEAT)

    # --- a crawler's own life cycle -------------------------------------------------------
    def register(self, crawler_id: str) -> None:
        self.heartbeat(crawler_id)
        self.server.hset(self.keys.crawlers, crawler_id, RUNNING)

    def heartbeat(self, crawler_id: str) -> None:
        self._heartbeat(keys=[self.keys.alive(crawler_id), self.keys.seed_lock],
                        args=[crawler_id, self.ttl_ms])

    def try_seed(self, crawler_id: str) -> bool:
        """One live crawler at a time holds the seed lock (SETNX) and feeds the start URLs; the
        lock lives one heartbeat TTL unless its holder's heartbeat refreshes it."""
        return bool(self.server.set(self.keys.seed_lock, crawler_id, nx=True, px=self.ttl_ms))

    def mark_seeded(self) -> None:
        self.server.set(self.keys.seeded, "1")

    def pop_request(self, crawler_id: str) -> bytes | None:
        return self._pop(keys=[self.keys.requests, self.keys.inflight(crawler_id)])

    def ack(self, crawler_id: str, data: bytes) -> None:
        self.server.hdel(self.keys.inflight(crawler_id), data)

    def drop_stale_inflight(self, crawler_id: str) -> None:
        """An idle crawler has nothing in progress: what is left in its hash was already
        handled (failed downloads, pre-redirect requests) and must not be re-fetched."""
        self.server.delete(self.keys.inflight(crawler_id))

    def close(self, crawler_id: str, reason: str) -> None:
        """A finished crawler leaves nothing behind; any other close hands its work back."""
        if reason == FINISHED:
            self.drop_stale_inflight(crawler_id)
            self.server.hset(self.keys.crawlers, crawler_id, FINISHED)
        else:
            self._requeue_from(crawler_id, reason, only_if_dead=False)
        self.server.delete(self.keys.alive(crawler_id))

    # --- looking after the others -----------------------------------------------------------
    def recover_dead(self) -> int:
        """Requeue the in-flight requests of every dead crawler; returns how many."""
        recovered = 0
        for crawler_id in self._crawlers_in_state(RUNNING):
            moved = self._requeue_from(crawler_id, DEAD, only_if_dead=True)
            recovered += max(moved, 0)
        return recovered

    def others_busy(self, crawler_id: str) -> bool:
        """True while another live crawler holds requests that may yield new ones."""
        for other in self._crawlers_in_state(RUNNING):
            if other != crawler_id and self.server.hlen(self.keys.inflight(other)):
                return True
        return False

    def pending_requests(self) -> int:
        return int(self.server.zcard(self.keys.requests))

    def is_seeded(self) -> bool:
        return bool(self.server.exists(self.keys.seeded))

    # --- the writer's view ------------------------------------------------------------------
    def status(self) -> CrawlStatus:
        """finished = seeded, every crawler finished or dead with nothing in flight, queue empty."""
        states = self._states()
        if not states or not self.is_seeded():
            return CrawlStatus("waiting", "no crawler has seeded the crawl yet")
        orphans = 0
        for crawler_id, state in states.items():
            if state != RUNNING:
                continue
            if self.server.exists(self.keys.alive(crawler_id)):
                return CrawlStatus("running", f"crawler {crawler_id} is alive")
            orphans += int(self.server.hlen(self.keys.inflight(crawler_id)))
        queued = self.pending_requests()
        if orphans or queued:
            return CrawlStatus(
                "stalled",
                f"no live crawler; {orphans} requests held by dead crawlers, {queued} queued: "
                "start a crawler (nianbao crawl --redis URL) to finish the crawl",
            )
        return CrawlStatus("finished")

    def seen_by_site(self) -> dict[str, set[str]]:
        """Every site of the crawl with the report URLs that answered there."""
        sites = {s.decode() for s in self.server.smembers(self.keys.sites)}
        return {s: {u.decode() for u in self.server.smembers(self.keys.seen(s))} for s in sites}

    def incomplete_sites(self) -> set[str]:
        """Sites with a failed fetch, or where no crawler found a report column."""
        failed = {s.decode() for s in self.server.smembers(self.keys.incomplete_sites)}
        found = {s.decode() for s in self.server.smembers(self.keys.column_sites)}
        return failed | ({s.decode() for s in self.server.smembers(self.keys.sites)} - found)

    def take_explored(self, site_id: str) -> int:
        """One more exploring page of a site, counted for the whole crawl: the new count."""
        return int(self.server.hincrby(self.keys.explored, site_id, 1))

    def reset(self) -> None:
        """Forget the crawl (after the writer has finished it), so the next crawl starts fresh."""
        keys = list(self.server.scan_iter(match=f"{self.keys.prefix}:*", count=500))
        for start in range(0, len(keys), 500):
            self.server.delete(*keys[start:start + 500])

    # --- helpers ---------------------------------------------------------------------------
    def _states(self) -> dict[str, str]:
        raw = self.server.hgetall(self.keys.crawlers)
        return {k.decode(): v.decode() for k, v in raw.items()}

    def _crawlers_in_state(self, state: str) -> list[str]:
        return [c for c, s in self._states().items() if s == state]

    def _requeue_from(self, crawler_id: str, state: str, only_if_dead: bool) -> int:
        keys = [self.keys.requests, self.keys.inflight(crawler_id), self.keys.crawlers,
                self.keys.alive(crawler_id)]
        return int(self._requeue(keys=keys, args=[crawler_id, state, "1" if only_if_dead else "0"]))

