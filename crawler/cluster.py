"""Cluster mode: the shared crawl state in Redis, and the scrapy-redis parts that use it.

`xunjian worker` processes on any number of machines crawl one run together; the
coordinator (`xunjian inspect` with `[cluster]` in the config, crawler/cluster_coord.py)
seeds the start requests, writes every result into the one SQLite store and decides when
the run is over. Keys, all under `{prefix}:run:{run}:`:

    meta          hash: state (crawling | paused | done), sites (JSON), lease
    requests      sorted set: the request queue (scrapy-redis PriorityQueue: score -priority)
    seen          set: normalized URLs requested this run (the duplicate filter)
    pages         set: canonical pages claimed ("/a/" and "/a/index.html" are one page)
    inflight:W    hash: requests leased to worker W (sha1 -> "score|request")
    workers       hash: worker -> heartbeat (Redis time); leasers: every worker that leased
    results       list: batches of writer calls from workers (crawler/cluster_writer.py)
    processing    list: batches the coordinator took and has not yet committed to SQLite
    counters, patterns   hashes: page caps and cut counts shared by the workers

Reliability: scrapy-redis's plain queue pops a request and forgets it, so a worker that dies
loses what it held. Here a pop moves the request into the worker's in-flight hash in one Lua
script, and the request leaves that hash only in the same MULTI that pushes its results
(RedisWriter.flush), so a request is always queued, in flight, or done. A worker heartbeats
every second (and on every pop); the coordinator puts back the in-flight requests of a worker
silent for `lease_seconds`. A result that arrives twice (a worker presumed dead that was only
slow) is dropped by the coordinator by (run, url). The run is over when the queue, every
in-flight hash and the results list are empty at one instant (one Lua script): nothing held
means no callback can add work any more.
"""

from __future__ import annotations

import logging
import pickle

import redis
from scrapy.utils.misc import load_object
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from crawler.scope import canonical_url, normalize_url
from xunjian.clusterconf import ClusterConfig

logger = logging.getLogger(__name__)
LEASE = "xj_lease"        # request.meta: the in-flight entry of a leased request
DROPPED = "xj_dropped"    # request.meta: why the duplicate filter refused it ("seen" | "alias")

_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "
_REQUEUE = """
local all = redis.call('HGETALL', KEYS[2])
for i = 2, #all, 2 do
  local v = all[i]
  local sep = string.find(v, '|', 1, true)
  redis.call('ZADD', KEYS[1], string.sub(v, 1, sep - 1), string.sub(v, sep + 1))
end
redis.call('DEL', KEYS[2])
return #all / 2
"""
# KEYS: queue, inflight, workers, leasers; ARGV: worker
POP = _NOW + """
redis.call('HSET', KEYS[3], ARGV[1], string.format('%.6f', now))
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local id = redis.sha1hex(r[1])
redis.call('HSET', KEYS[2], id, r[2] .. '|' .. r[1])
redis.call('SADD', KEYS[4], ARGV[1])
return {r[1], id}
"""
# KEYS: queue, inflight; put back everything a worker held
REQUEUE = _REQUEUE
# KEYS: queue, inflight, workers, leasers; ARGV: worker, lease seconds. -1 when the worker is alive after all.
EXPIRE = _NOW + """
local hb = redis.call('HGET', KEYS[3], ARGV[1])
if hb and tonumber(hb) > now - tonumber(ARGV[2]) then return -1 end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
""" + _REQUEUE
# KEYS: meta, workers; ARGV: worker. A heartbeat only while the run is on (no keys after cleanup).
BEAT = _NOW + """
if redis.call('HGET', KEYS[1], 'state') ~= 'crawling' then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], string.format('%.6f', now))
return 1
"""
# KEYS: seen, pages, counters; ARGV: URL key, canonical page ('' when not a page), the site's
# planned-pages field, max_pages. 1 claimed, 0 already requested, 2 the page has another name, 3 cap
CLAIM = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 0 end
if ARGV[2] ~= '' then
  if redis.call('SISMEMBER', KEYS[2], ARGV[2]) == 1 then return 2 end
  if tonumber(redis.call('HGET', KEYS[3], ARGV[3]) or '0') >= tonumber(ARGV[4]) then return 3 end
  redis.call('SADD', KEYS[2], ARGV[2])
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
end
redis.call('SADD', KEYS[1], ARGV[1])
return 1
"""
# KEYS: queue, results, leasers; ARGV: in-flight key prefix. 1 when no work is left anywhere.
FINISHED = """
if redis.call('ZCARD', KEYS[1]) > 0 or redis.call('LLEN', KEYS[2]) > 0 then return 0 end
for _, w in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  if redis.call('HLEN', ARGV[1] .. w) > 0 then return 0 end
end
return 1
"""


class ClusterError(Exception):
    """Redis cannot be reached or holds no usable run (a Chinese message for the operator)."""


def connect(config: ClusterConfig) -> redis.Redis:
    """A client for the configured Redis, checked with PING."""
    try:
        client = redis.Redis.from_url(config.redis_url, socket_connect_timeout=5, socket_timeout=30,
                                      health_check_interval=30)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise ClusterError(f"无法连接 Redis {config.redis_url}（{type(exc).__name__}: {exc}）") from exc
    return client


class Keys:
    """Redis key names of one run under one prefix."""

    def __init__(self, prefix: str, run: int):
        self.prefix = prefix
        self.current = f"{prefix}:current"
        self.base = base = f"{prefix}:run:{run}"
        for name in ("meta", "requests", "seen", "pages", "workers", "leasers", "results", "processing",
                     "counters", "patterns"):
            setattr(self, name, f"{base}:{name}")
        self.inflight_prefix = f"{base}:inflight:"

    def inflight(self, worker: str) -> str:
        """The hash of requests leased to `worker`."""
        return self.inflight_prefix + worker

    def all(self) -> list[str]:
        """Every key of the run except meta (in-flight hashes found by pattern)."""
        return [self.requests, self.seen, self.pages, self.workers, self.leasers, self.results,
                self.processing, self.counters, self.patterns]


class ClusterState:
    """One process's handle on a run's shared state: a worker's, or the coordinator's."""

    def __init__(self, client: redis.Redis, config: ClusterConfig, run: int, worker: str):
        self.redis, self.config, self.run, self.worker = client, config, run, worker
        self.keys = Keys(config.key_prefix, run)
        self._pop = client.register_script(POP)
        self._requeue = client.register_script(REQUEUE)
        self._expire = client.register_script(EXPIRE)
        self._beat = client.register_script(BEAT)
        self._claim = client.register_script(CLAIM)
        self._finished = client.register_script(FINISHED)

    # --- run ------------------------------------------------------------------------------

    def state(self) -> str | None:
        """crawling | paused | done, or None when the run is unknown to Redis."""
        value = self.redis.hget(self.keys.meta, "state")
        return value.decode() if value else None

    def set_state(self, state: str) -> None:
        self.redis.hset(self.keys.meta, "state", state)

    # --- queue and leases -----------------------------------------------------------------

    def push(self, data: bytes, score: float, transfer: str | None = None) -> None:
        """Queue a serialized request; `transfer`: the lease it replaces (a retry), released atomically."""
        if transfer is None:
            self.redis.execute_command("ZADD", self.keys.requests, score, data)
            return
        pipe = self.redis.pipeline(transaction=True)
        pipe.execute_command("ZADD", self.keys.requests, score, data)
        pipe.hdel(self.keys.inflight(self.worker), transfer)
        pipe.execute()

    def lease(self) -> tuple[bytes, str] | None:
        """Take the next request into this worker's in-flight hash: (request, lease id)."""
        got = self._pop(keys=[self.keys.requests, self.keys.inflight(self.worker), self.keys.workers,
                              self.keys.leasers], args=[self.worker])
        return (got[0], got[1].decode()) if got else None

    def deliver(self, blob: bytes | None, leases: list[str]) -> None:
        """Push a batch of results and release the leases they complete, in one transaction."""
        pipe = self.redis.pipeline(transaction=True)
        if blob is not None:
            pipe.rpush(self.keys.results, blob)
        if leases:
            pipe.hdel(self.keys.inflight(self.worker), *leases)
        pipe.execute()

    def heartbeat(self) -> bool:
        """Tell the coordinator this worker is alive (its leases stand); False when the run is not on."""
        return bool(self._beat(keys=[self.keys.meta, self.keys.workers], args=[self.worker]))

    def leave(self) -> int:
        """Put back what this worker still holds and sign off; return how many requests."""
        count = self._requeue(keys=[self.keys.requests, self.keys.inflight(self.worker)])
        self.redis.hdel(self.keys.workers, self.worker)
        self.redis.srem(self.keys.leasers, self.worker)
        return int(count)

    def sweep(self) -> list[tuple[str, int]]:
        """Requeue the requests of workers silent longer than the lease: [(worker, requests)]."""
        beats = {k.decode(): float(v) for k, v in self.redis.hgetall(self.keys.workers).items()}
        leasers = {w.decode() for w in self.redis.smembers(self.keys.leasers)}
        seconds, micros = self.redis.time()
        now = seconds + micros / 1e6
        expired = []
        for worker in sorted(leasers | set(beats)):
            if worker in beats and beats[worker] > now - self.config.lease_seconds:
                continue
            count = self._expire(keys=[self.keys.requests, self.keys.inflight(worker), self.keys.workers,
                                       self.keys.leasers], args=[worker, self.config.lease_seconds])
            if count >= 0:
                expired.append((worker, int(count)))
        return expired

    def workers(self) -> dict[str, float]:
        """Live workers and their last heartbeat (Redis time)."""
        return {k.decode(): float(v) for k, v in self.redis.hgetall(self.keys.workers).items()}

    def pending(self) -> tuple[int, int]:
        """(queued requests, requests in flight on all workers)."""
        leasers = [w.decode() for w in self.redis.smembers(self.keys.leasers)]
        pipe = self.redis.pipeline(transaction=False)
        pipe.zcard(self.keys.requests)
        for worker in leasers:
            pipe.hlen(self.keys.inflight(worker))
        counts = pipe.execute()
        return counts[0], sum(counts[1:])

    def finished(self) -> bool:
        """True when nothing is queued, in flight or waiting to be written, at one instant."""
        return bool(self._finished(keys=[self.keys.requests, self.keys.results, self.keys.leasers],
                                   args=[self.keys.inflight_prefix]))

    # --- duplicate filter -------------------------------------------------------------------

    def claim(self, url_key: str, page: str = "", site: str = "", max_pages: int = 0) -> int:
        """Claim a URL for this run: 1 claimed, 0 already requested, 2 its page has another name,
        3 the site's page cap is reached (a page counts against `max_pages` when claimed)."""
        return int(self._claim(keys=[self.keys.seen, self.keys.pages, self.keys.counters],
                               args=[url_key, page, f"{site}:planned", max_pages]))

    def release_page(self, page: str) -> None:
        """A page fetch failed (redirect, error): its other names may be fetched as the page."""
        self.redis.srem(self.keys.pages, page)

    # --- shared counters ----------------------------------------------------------------------

    def add_counts(self, deltas: dict[str, int], patterns: dict[str, int]) -> tuple[list[int], list[int]]:
        """Add this worker's new counts; return the totals, in the order given."""
        pipe = self.redis.pipeline(transaction=False)
        for field, delta in deltas.items():
            pipe.hincrby(self.keys.counters, field, delta)
        for field, delta in patterns.items():
            pipe.hincrby(self.keys.patterns, field, delta)
        totals = pipe.execute()
        return totals[:len(deltas)], totals[len(deltas):]

    def planned(self, sites: list[str]) -> list[int]:
        """Pages claimed so far for each site, by every worker."""
        return [int(v or 0) for v in self.redis.hmget(self.keys.counters, [f"{s}:planned" for s in sites])]

    def counts(self) -> dict[str, int]:
        """The shared counters: "{site}:planned", "{site}:cut", "{site}:trap" -> total."""
        return {k.decode(): int(v) for k, v in self.redis.hgetall(self.keys.counters).items()}


# --- scrapy-redis parts used by workers (settings in crawler/cluster_spider.py) -------------

class LeasedQueue(PriorityQueue):
    """scrapy-redis's priority queue, with pops that lease instead of forget."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self.cluster: ClusterState = spider.cluster

    def push(self, request) -> None:
        lease = request.meta.pop(LEASE, None)   # a retry of a leased request takes its place
        request.meta.pop(DROPPED, None)
        try:
            data = self._encode_request(request)
        except (TypeError, AttributeError, pickle.PicklingError):
            _portable_meta(request.meta)
            data = self._encode_request(request)
        self.cluster.push(data, -request.priority, transfer=lease)

    def pop(self, timeout: float = 0):
        got = self.cluster.lease()
        if got is None:
            return None
        data, lease = got
        request = self._decode_request(data)
        request.meta[LEASE] = lease
        return request


def _portable_meta(meta: dict) -> None:
    """Make a request's meta fit for Redis: a Response kept in it (an earlier answer the callback
    will record) travels without its live request; anything else that cannot be pickled is
    dropped, with a warning."""
    from scrapy.http import Request, Response

    for key, value in list(meta.items()):
        try:
            pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            continue
        except Exception:
            pass
        if isinstance(value, Response):
            kept = {k: v for k, v in value.meta.items() if isinstance(v, (str, int, float, bool, type(None)))}
            meta[key] = value.replace(request=Request(value.url, meta=kept))
        else:
            logger.warning("请求 meta 中的 %s 无法传给其他工作进程，已略去", key)
            del meta[key]


class ClusterDupeFilter(RFPDupeFilter):
    """The run's duplicate filter in Redis, keyed like the spider's own `seen` set.

    Keys are normalized URLs (crawler/scope.normalize_url), not request fingerprints: one
    request per URL per run whatever the method, as in a single process. A page also claims
    its canonical name, so "/a/" and "/a/index.html" are fetched as a page once, and counts
    against its site's `max_pages` for the whole cluster.
    """

    @classmethod
    def from_spider(cls, spider):
        dupefilter = cls(spider.cluster.redis, key=spider.cluster.keys.seen)
        dupefilter.cluster, dupefilter.sites = spider.cluster, spider.sites
        return dupefilter

    def request_seen(self, request) -> bool:
        fetch = request.meta.get("xj")
        if fetch is None:
            return False
        if fetch.kind == "page":
            verdict = self.cluster.claim(normalize_url(fetch.url), canonical_url(fetch.url), fetch.site,
                                         self.sites[fetch.site].max_pages)
        else:
            verdict = self.cluster.claim(normalize_url(fetch.url))
        if verdict == 1:
            return False
        request.meta[DROPPED] = {0: "seen", 2: "alias", 3: "cut"}[verdict]
        return True

    def close(self, reason: str = "") -> None:
        """Never clear the shared set: other workers still use it."""


class ClusterScheduler(Scheduler):
    """scrapy-redis's Scheduler; the queue and duplicate filter above do the cluster work."""

    def open(self, spider) -> None:
        self.spider = spider
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider, key=self.queue_key,
                                                 serializer=self.serializer)
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)

    def enqueue_request(self, request) -> bool:
        if not request.dont_filter and self.df.request_seen(request):
            return False
        self.queue.push(request)
        return True

    def next_request(self):
        return self.queue.pop()

    def close(self, reason: str) -> None:
        """Keep the shared queue (SCHEDULER_PERSIST); the worker puts back its leases itself."""
