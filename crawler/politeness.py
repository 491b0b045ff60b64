"""Politeness across workers: a site gets its configured concurrency and delay in total.

Each worker's Scrapy keeps the site's own download slot, but in cluster mode a request for a
site must first hold one of the site's leases in Redis (PolitenessMiddleware, before the
request reaches the slot):

    {prefix}:slot:{host:port}        sorted set of holders ("worker|n") scored by expiry,
                                     at most `concurrency` members at a time
    {prefix}:slot:{host:port}:next   the earliest Redis time the next request may start
                                     (`download_delay`, or a larger robots.txt Crawl-delay)

A lease is taken and checked in one Lua script, on Redis's clock (no skew between machines),
and released when the response or the error comes back. A worker that dies holding leases
loses them when the coordinator finds it silent (drop_holders), or at the latest after the
site's timeout plus ten seconds. Waiting requests of one site queue locally behind one poller,
so a full site costs one Redis call per release or per 20 ms, not one per waiting request.
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import redis
from scrapy import signals
from scrapy.http import Request, Response

TOKEN = "xj_politeness"   # request.meta: (site id, holder) while the request holds a lease
POLL = 0.02               # seconds between tries while a site is at its limit elsewhere
TTL_MARGIN = 10.0

# KEYS: holders, next; ARGV: limit, delay, ttl, holder. 0 granted, >0 ms until the delay has passed, -1 full
GATE = """
local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', string.format('%.6f', now))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return -1 end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if now < nxt then return math.max(1, math.ceil((nxt - now) * 1000)) end
redis.call('ZADD', KEYS[1], string.format('%.6f', now + tonumber(ARGV[3])), ARGV[4])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 1)
local delay = tonumber(ARGV[2])
if delay > 0 then
  redis.call('SET', KEYS[2], string.format('%.6f', now + delay), 'PX', math.ceil(delay * 1000) + 1000)
end
return 0
"""


def slot_key(prefix: str, netloc: str) -> str:
    """The Redis key of a site's leases (its `:next` key is this plus ":next")."""
    return f"{prefix}:slot:{netloc}"


class SiteGate:
    """Cluster-wide concurrency and delay of one site, as seen by one worker."""

    def __init__(self, client: redis.Redis, prefix: str, netloc: str, limit: int, ttl: float, worker: str):
        self.redis, self.limit, self.ttl, self.worker = client, limit, ttl, worker
        self.key = slot_key(prefix, netloc)
        self._script = client.register_script(GATE)
        self._count = 0
        self.held: set[str] = set()
        self._lock: asyncio.Lock | None = None      # made in the reactor's event loop
        self._released: asyncio.Event | None = None

    def try_acquire(self, delay: float) -> tuple[str | None, float]:
        """One try: (holder, 0) when granted, else (None, seconds to wait) or (None, -1) when full."""
        self._count += 1
        holder = f"{self.worker}|{self._count}"
        verdict = int(self._script(keys=[self.key, self.key + ":next"],
                                   args=[self.limit, f"{delay:.6f}", f"{self.ttl:.3f}", holder]))
        if verdict == 0:
            self.held.add(holder)
            return holder, 0.0
        return None, (verdict / 1000 if verdict > 0 else -1.0)

    async def acquire(self, delay: float) -> str:
        """Wait until the site has room (and its delay has passed) anywhere in the cluster."""
        if self._lock is None:
            self._lock, self._released = asyncio.Lock(), asyncio.Event()
        async with self._lock:
            while True:
                holder, wait = self.try_acquire(delay)
                if holder is not None:
                    return holder
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                self._released.clear()
                try:
                    await asyncio.wait_for(self._released.wait(), POLL)
                except asyncio.TimeoutError:
                    pass

    def release(self, holder: str) -> None:
        """Give a lease back (a response or an error arrived)."""
        self.held.discard(holder)
        self.redis.zrem(self.key, holder)
        if self._released is not None:
            self._released.set()

    def release_all(self) -> None:
        """Give back every lease this worker still holds (it is closing)."""
        if self.held:
            self.redis.zrem(self.key, *self.held)
            self.held.clear()


def drop_holders(client: redis.Redis, prefix: str, netlocs: list[str], worker: str) -> int:
    """Remove a dead worker's leases on these sites at once; return how many."""
    dropped = 0
    for netloc in netlocs:
        key = slot_key(prefix, netloc)
        mine = [m for m in client.zrange(key, 0, -1) if m.decode().startswith(worker + "|")]
        if mine:
            dropped += client.zrem(key, *mine)
    return dropped


class PolitenessMiddleware:
    """Downloader middleware: a site's request waits for a cluster-wide lease before it goes out.

    Placed after robots.txt (a disallowed request takes no lease) and first on the way back
    (the lease is free before retries wait for Retry-After). robots.txt requests of a site
    take leases too; link targets on other hosts (kind "external") are limited per worker.
    """

    def __init__(self, crawler):
        self.crawler = crawler
        self.gates: dict[str, SiteGate] = {}

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        crawler.signals.connect(middleware._closed, signal=signals.spider_closed)
        return middleware

    def _gate(self, request: Request) -> tuple[str, SiteGate] | None:
        spider = self.crawler.spider
        cluster = getattr(spider, "cluster", None)
        if cluster is None:
            return None
        fetch = request.meta.get("xj")
        if fetch is not None:
            site_id = None if fetch.kind == "external" else fetch.site
        else:   # robots.txt
            site_id = spider.site_by_netloc.get(urlsplit(request.url).netloc.lower())
        if site_id is None or site_id not in spider.sites:
            return None
        gate = self.gates.get(site_id)
        if gate is None:
            site = spider.sites[site_id]
            gate = self.gates[site_id] = SiteGate(cluster.redis, cluster.config.key_prefix, site.netloc,
                                                  site.concurrency, site.timeout + TTL_MARGIN, cluster.worker)
        return site_id, gate

    async def process_request(self, request: Request, spider=None):
        if TOKEN in request.meta:
            return None
        found = self._gate(request)
        if found is None:
            return None
        site_id, gate = found
        site = self.crawler.spider.sites[site_id]
        slot = self.crawler.engine.downloader.slots.get(site.netloc)
        delay = max(site.download_delay, slot.delay if slot is not None else 0.0)   # robots Crawl-delay
        request.meta[TOKEN] = (site_id, await gate.acquire(delay))
        return None

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception, spider=None) -> None:
        self._release(request)
        return None

    def _release(self, request: Request) -> None:
        token = request.meta.pop(TOKEN, None)
        if token is not None and token[0] in self.gates:
            self.gates[token[0]].release(token[1])

    def _closed(self, spider, reason) -> None:
        for gate in self.gates.values():
            try:
                gate.release_all()
            except redis.RedisError:
                pass
