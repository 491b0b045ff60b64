"""A cluster worker: the inspection spider, crawling from the shared Redis queue.

ClusterSpider is InspectSpider with its state shared where a single process keeps it in
memory: the duplicate filter and page names (crawler/cluster.py), the page caps and cut
counts (pushed and read back every second), the site totals (computed by the coordinator
from the store). Every callback's end releases its request's lease along with its results
(RedisWriter.done). A worker that finishes its share waits idle until the coordinator says
the run is over, then exits; Ctrl-C or SIGTERM makes it finish what it holds, put back its
unfetched leases and leave.
"""

from __future__ import annotations

import inspect
import json
import logging
import os
import socket
import time
import uuid
from dataclasses import fields
from typing import Any

import redis
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro

from crawler.cluster import DROPPED, LEASE, ClusterState, Keys, connect
from crawler.cluster_writer import RedisWriter
from crawler.progress import Progress
from crawler.scope import canonical_url, fetch_mode, normalize_url, url_pattern
from crawler.settings import MIN_SLOT_DELAY, crawl_settings
from crawler.spider import InspectSpider
from xunjian.clusterconf import ClusterConfig
from xunjian.config import Site

logger = logging.getLogger(__name__)
MAX_LEASED = 128      # requests one worker holds at most (in its downloader, waiting or fetching)
MAX_BACKLOG = 500     # result batches (<= 50 pages each) waiting for the coordinator: above this, workers pause


def _acked(result: Any, done) -> Any:
    """Call done() when a callback's work is over, whatever kind of callback it is."""
    if inspect.iscoroutine(result):
        async def wrapped():
            try:
                return await result
            finally:
                done()
        return wrapped()
    if inspect.isasyncgen(result):
        async def agen():
            try:
                async for item in result:
                    yield item
            finally:
                done()
        return agen()
    if inspect.isgenerator(result):
        def gen():
            try:
                yield from result
            finally:
                done()
        return gen()
    done()
    return result


class WorkerProgress(Progress):
    """One line for this worker: the queue is shared, so only what this process did is shown."""

    def update(self, counters, final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self._last < self.interval:
            return
        self._last = now
        elapsed = now - self.started
        pages = sum(c.pages for c in counters.values())
        self.stream.write(f"[进度] 本工作进程：已存页面 {pages}，已检查网址 {sum(c.checked for c in counters.values())}，"
                          f"失败 {sum(c.errors for c in counters.values())}，用时 {elapsed:.0f} 秒，"
                          f"{pages / elapsed if elapsed else 0:.1f} 页/秒" + ("（完成）" if final else "") + "\n")
        self.stream.flush()


class ClusterSpider(InspectSpider):
    """InspectSpider for one worker of a cluster run (requests come from Redis)."""

    def __init__(self, run: int, sites: list[Site], writer: RedisWriter, cluster: ClusterState,
                 progress: Progress | None = None, **kwargs: Any):
        super().__init__(run, sites, writer, progress=progress, **kwargs)
        self.cluster = cluster
        # Counts go out before the leases they follow from: when the coordinator sees the
        # last lease released, every cut page is already counted.
        writer.before_flush = self._sync_counts
        self._synced = {site.id: {"cut": 0, "trap": 0} for site in sites}
        self._patterns_synced: dict[tuple[str, str], int] = {}
        self._paused = False

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._dropped, signal=signals.request_dropped)
        return spider

    async def start(self):
        """Nothing: the coordinator seeded the queue."""
        return
        yield  # pragma: no cover  (makes this an async generator)

    # --- leases --------------------------------------------------------------------------

    def on_response(self, response):
        return self._leased(super().on_response, response, response.meta.get(LEASE))

    def on_error(self, failure):
        return self._leased(super().on_error, failure, failure.request.meta.get(LEASE))

    def _leased(self, callback, arg, lease):
        # A callback that raises has still finished with its request (a single process logs the
        # error and goes on): the lease goes, or the run would wait for it forever.
        try:
            result = callback(arg)
        except BaseException:
            self.writer.done(lease)
            raise
        return _acked(result, lambda: self.writer.done(lease))

    # --- shared duplicate filter -----------------------------------------------------------

    def _follow(self, url, tag, attr, parent, rel="", hops=0):
        request = super()._follow(url, tag, attr, parent, rel, hops)
        if request is not None:
            request.dont_filter = False      # first request for this URL here: claim it in Redis
        elif self.parked:
            request = self._unpark()
        return request

    def _unpark(self):
        # Another name of a page this worker is fetching. A single process parks it until the
        # page has answered; parked links would die with the worker, so check now that this
        # name answers, as a single process does once the page is stored.
        first = None
        for page, waiting in list(self.parked.items()):
            del self.parked[page]
            for url, tag, attr, parent in waiting:
                state = self.page_state.get(page)
                self.page_state[page] = "ok"
                try:
                    request = super()._follow(url, tag, attr, parent)
                finally:
                    self.page_state[page] = state
                if request is not None:
                    request.dont_filter = False
                    if first is None:
                        first = request
                    else:
                        self._schedule(request)
        return first

    def _dropped(self, request, spider):
        """The cluster refused a request this worker planned: undo the local plan."""
        fetch = request.meta.get("xj")
        why = request.meta.pop(DROPPED, None)
        if fetch is None or why is None:
            return
        counters = self.counters[fetch.site]
        counters.requested -= 1
        if fetch.kind != "page":
            return
        counters.pages_planned -= 1
        key = (fetch.site, url_pattern(fetch.url))
        self.pattern_pages[key] = max(self.pattern_pages.get(key, 1) - 1, 0)
        if why == "cut":             # the site's page cap is reached across the cluster
            counters.cut += 1
            self.seen.discard(normalize_url(fetch.url))
            self.page_state.pop(canonical_url(fetch.url), None)
            return
        super()._settle(fetch, stored=True)    # the page is another worker's: its names are resources
        if why == "alias":
            method, read = fetch_mode("resource", "a", "href")
            follow = self._request(fetch.but(kind="resource", method=method, read=read))
            follow.dont_filter = False
            self._schedule(follow)

    def _settle(self, fetch, stored: bool) -> None:
        super()._settle(fetch, stored)
        if fetch.kind == "page" and not stored:
            self.cluster.release_page(canonical_url(fetch.url))

    # --- lifecycle -------------------------------------------------------------------------

    def _tick(self):
        try:
            state = self.cluster.state()
            self.cluster.heartbeat()
            super()._tick()              # pushes results (counts first) and releases finished leases
            backlog = self.cluster.redis.llen(self.cluster.keys.results)
        except redis.RedisError as exc:
            logger.error("无法访问 Redis：%s；本工作进程停止，所持请求将由协调端重新分配", exc)
            self._close("redis_error")
            return
        if state not in ("crawling", "done"):
            self._close("coordinator_stopped")
            return
        if backlog > MAX_BACKLOG and not self._paused:
            self.crawler.engine.pause()
            self._paused = True
        elif backlog <= MAX_BACKLOG // 2 and self._paused:
            self.crawler.engine.unpause()
            self._paused = False
        slot = getattr(self.crawler.engine, "_slot", None)
        if slot is not None and not self._paused:
            slot.nextcall.schedule()     # look at the shared queue now, not at Scrapy's 5 s heartbeat

    def _close(self, reason: str) -> None:
        engine = self.crawler.engine
        if hasattr(engine, "close_spider_async"):
            deferred_from_coro(engine.close_spider_async(reason=reason))
        else:
            engine.close_spider(self, reason=reason)

    def _sync_counts(self) -> None:
        """Add this worker's new cut counts to the shared ones; read back the pages claimed per site
        (the page cap itself is enforced in Redis, ClusterDupeFilter) and per URL pattern."""
        deltas: dict[str, int] = {}
        for site_id, count in self.counters.items():
            synced = self._synced[site_id]
            for what, now in (("cut", count.cut), ("trap", self.trap_cut.get(site_id, 0))):
                if now != synced[what]:
                    deltas[f"{site_id}:{what}"] = now - synced[what]
                    synced[what] = now
        patterns = {key: n - self._patterns_synced.get(key, 0) for key, n in self.pattern_pages.items()
                    if n != self._patterns_synced.get(key, 0)}
        if deltas or patterns:
            _, pattern_totals = self.cluster.add_counts(
                deltas, {f"{site}\x00{pattern}": d for (site, pattern), d in patterns.items()})
            for key, total in zip(patterns, pattern_totals):   # the trap cap: shared, a batch late
                self.pattern_pages[key] = self._patterns_synced[key] = total
        sites = list(self.counters)
        for site_id, planned in zip(sites, self.cluster.planned(sites)):
            self.counters[site_id].pages_planned = planned

    def _idle(self, spider):
        """Out of work: stay while the run is on (others may still add work, or die and leave some)."""
        try:
            if self.cluster.state() == "crawling":
                raise DontCloseSpider
        except redis.RedisError:
            return

    def _closed(self, spider, reason):
        if self._flusher.running:
            self._flusher.stop()
        self.close_reason = reason
        try:
            self.writer.flush()
            self.returned = self.cluster.leave()
        except redis.RedisError as exc:
            logger.error("关闭时无法访问 Redis：%s", exc)
        if self.progress:
            self.progress.update(self.counters, final=True)


def sites_from_json(text: str) -> list[Site]:
    """Sites published by a coordinator (fields this version does not know are ignored)."""
    known = {f.name for f in fields(Site)}
    return [Site(**{k: v for k, v in raw.items() if k in known}) for raw in json.loads(text)]


def wait_for_run(client: redis.Redis, config: ClusterConfig, wait: float,
                 say=print) -> tuple[int, list[Site]] | None:
    """Block until a coordinator publishes a run to crawl: (run, sites), or None after `wait` s (0: forever)."""
    started, told = time.monotonic(), False
    while True:
        current = client.get(f"{config.key_prefix}:current")
        if current:
            keys = Keys(config.key_prefix, int(current))
            meta: dict[Any, Any] = client.hgetall(keys.meta)
            if meta.get(b"state") == b"crawling" and meta.get(b"sites"):
                return int(current), sites_from_json(meta[b"sites"].decode())
        if wait and time.monotonic() - started >= wait:
            return None
        if not told:
            say("等待协调端（xunjian inspect）发布巡检任务……")
            told = True
        time.sleep(0.5)


def worker_settings(sites: list[Site], config: ClusterConfig, cluster: ClusterState) -> dict[str, Any]:
    """The single-process crawl settings, with the queue, filter and politeness in Redis."""
    settings = crawl_settings(sites)
    settings.update({
        "SCHEDULER": "crawler.cluster.ClusterScheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.cluster.LeasedQueue",
        "DUPEFILTER_CLASS": "crawler.cluster.ClusterDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": cluster.keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": cluster.keys.seen,
        "REDIS_URL": config.redis_url,
    })
    # A worker leases what its downloader takes in; with hundreds of sites the single-process
    # figure (their concurrencies summed) would let one worker hoard thousands of requests.
    settings["CONCURRENT_REQUESTS"] = min(settings["CONCURRENT_REQUESTS"], MAX_LEASED)
    middlewares = dict(settings["DOWNLOADER_MIDDLEWARES"])
    middlewares["crawler.politeness.PolitenessMiddleware"] = 950
    settings["DOWNLOADER_MIDDLEWARES"] = middlewares
    # The cluster-wide gate spaces a site's requests; a per-worker delay on top would double it.
    settings["DOWNLOAD_SLOTS"] = {key: dict(slot, delay=MIN_SLOT_DELAY)
                                  for key, slot in settings["DOWNLOAD_SLOTS"].items()}
    return settings


def run_worker(config: ClusterConfig, wait: float = 0, quiet: bool = False, say=print) -> int:
    """Join the published run, crawl until it is over; 0 when it finished, 1 otherwise."""
    client = connect(config)
    found = wait_for_run(client, config, wait, say)
    if found is None:
        say(f"等待 {wait:g} 秒仍没有可加入的巡检，工作进程退出。")
        return 1
    run, sites = found
    worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:4]}"
    cluster = ClusterState(client, config, run, worker)
    cluster.heartbeat()
    say(f"工作进程 {worker} 加入第 {run} 次巡检（{len(sites)} 个站点）。")
    writer = RedisWriter(cluster, run)
    progress = None if quiet else WorkerProgress({s.id: s.name for s in sites})
    logging.getLogger("scrapy").setLevel(logging.WARNING)
    logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    process = CrawlerProcess(worker_settings(sites, config, cluster))
    crawler = process.create_crawler(ClusterSpider)
    process.crawl(crawler, run=run, sites=sites, writer=writer, cluster=cluster, progress=progress)
    try:
        process.start()
    finally:
        try:
            writer.close()
        except redis.RedisError:
            pass
    spider = crawler.spider
    reason = getattr(spider, "close_reason", "unknown")
    pages = sum(c.pages for c in spider.counters.values())
    checked = sum(c.checked for c in spider.counters.values())
    returned = getattr(spider, "returned", 0)
    say(f"工作进程 {worker} 结束（{reason}）：本进程存入页面 {pages} 个，检查网址 {checked} 个"
        + (f"，交回未完成请求 {returned} 个" if returned else "") + "。")
    return 0 if reason == "finished" else 1
