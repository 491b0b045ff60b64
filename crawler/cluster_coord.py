"""The coordinator of a cluster run: what `xunjian inspect` does when the config has [cluster].

It does not fetch. It publishes the run (sites with their crawl settings) in Redis, seeds the
start requests (each site's 404 probe and homepage, or what an interrupted run still has to
fetch), then until the run is over: writes the workers' results into the store
(crawler/cluster_writer.Collector, the store's only writer), puts back the requests of
workers that stopped heartbeating, and prints progress. The run is over when nothing is
queued, in flight or unwritten (ClusterState.finished); the coordinator then fills in the
site totals (as a single-process crawl does when its spider closes), marks the run done so
idle workers exit, and removes the run's keys from Redis. `inspect` goes on with rendering
and checks as usual.

Ctrl-C or SIGTERM pauses the run: workers put back what they hold and exit, results already
pushed stay in Redis, and `xunjian inspect --resume` continues from Redis (or, if Redis lost
the run, from what the store holds, as a single-process resume does).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from dataclasses import asdict
from pathlib import Path

import redis
from scrapy_redis import picklecompat

from crawler.cluster import ClusterError, ClusterState, Keys, connect
from crawler.cluster_writer import Collector
from crawler.politeness import drop_holders
from crawler.scope import canonical_url
from xunjian.clusterconf import ClusterConfig
from xunjian.config import ConfigError, Site, load_config
from xunjian.store import StoreError, open_store, record_error

CHECKPOINT_SECONDS = 2.0
PROGRESS_SECONDS = 10.0
DONE_TTL = 3600           # the finished run's state stays this long, for workers still closing


def cluster_of_run(db, run: int) -> ClusterConfig | None:
    """The [cluster] table of the configuration the run was started with, or None."""
    row = db.execute("select config from runs where id = ?", [run]).fetchone()
    if not row or not row[0] or not Path(row[0]).exists():
        return None
    try:
        return load_config(row[0]).cluster
    except ConfigError:
        return None


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def coordinate(config: ClusterConfig, db_path: Path | str, run: int, sites: list[Site], resume: bool = False,
               show_progress: bool = True) -> str:
    """Run `run` on the cluster's workers and write its results; return the close reason
    ("finished", "shutdown", "redis_error") like crawler.run.crawl."""
    try:
        client = connect(config)
    except ClusterError as exc:
        _say(f"错误：{exc}")
        return "redis_error"
    cluster = ClusterState(client, config, run, "coordinator")
    previous = signal.signal(signal.SIGTERM, _interrupt)
    collector = None
    try:
        other = client.get(cluster.keys.current)
        if other and int(other) != run:
            old = ClusterState(client, config, int(other), "coordinator")
            if old.state() == "crawling":
                old.set_state("paused")
                _say(f"提示：Redis（前缀 {config.key_prefix}）中第 {int(other)} 次巡检尚未结束，已暂停，"
                     f"可稍后用 xunjian inspect --resume 继续。")
        fresh = not (resume and cluster.state() in ("crawling", "paused"))
        collector = Collector(cluster, db_path, run)
        if fresh:
            _clear(cluster)
            queued = _seed(cluster, collector, run, sites, resume, db_path)
            _say(f"集群模式：已在 Redis 发布第 {run} 次巡检，初始请求 {queued} 个；"
                 f"请在各工作机运行 xunjian worker --config 配置文件。")
        else:
            replayed = collector.replay_unfinished()
            _say(f"集群模式：继续 Redis 中的第 {run} 次巡检" + (f"（补写 {replayed} 批结果）" if replayed else "") + "。")
        cluster.set_state("crawling")
        client.set(cluster.keys.current, run)
        _loop(cluster, collector, sites, show_progress)
    except KeyboardInterrupt:
        _stop(cluster, collector)
        return "shutdown"
    except redis.RedisError as exc:
        _say(f"错误：与 Redis 的连接中断（{exc}）；已写入的结果已保存，可用 xunjian inspect --resume 继续。")
        _stop(cluster, collector)
        return "redis_error"
    except StoreError:
        _stop(cluster, collector)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
    collector.close()
    cluster.set_state("done")
    _finish_sites(cluster, collector, db_path, run, sites)
    _clear(cluster, keep_meta=True)
    if client.get(cluster.keys.current) == str(run).encode():
        client.delete(cluster.keys.current)
    return "finished"


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop(cluster: ClusterState, collector: Collector | None) -> None:
    """Pause the run (workers give back what they hold) and commit what was collected."""
    try:
        cluster.set_state("paused")
    except redis.RedisError:
        pass
    if collector is not None:   # batches taken but maybe half written stay in Redis: resume replays them
        collector.writer.close()


def _clear(cluster: ClusterState, keep_meta: bool = False) -> None:
    """Remove the run's keys (a fresh start, or the end of the run)."""
    keys = cluster.keys.all() + [k.decode() for k in cluster.redis.scan_iter(match=cluster.keys.inflight_prefix + "*")]
    if not keep_meta:
        keys.append(cluster.keys.meta)
    cluster.redis.delete(*keys)
    if keep_meta:
        cluster.redis.expire(cluster.keys.meta, DONE_TTL)


def _seed(cluster: ClusterState, collector: Collector, run: int, sites: list[Site], resume: bool,
          db_path: Path | str) -> int:
    """Queue the start requests the spider itself would make, with its duplicate-filter state."""
    from crawler.run import resume_frontier
    from crawler.spider import InspectSpider

    seen, pending, stored = set(), [], []
    if resume:   # Redis lost the run: start from what the store holds
        db = open_store(db_path)
        seen, pending, stored = resume_frontier(db, run, sites)
        db.conn.close()
    spider = InspectSpider(run=run, sites=sites, writer=collector.writer, seen=seen, pending=pending, stored=stored)

    async def gather():
        return [request async for request in spider.start()]

    requests = asyncio.run(gather())
    keys = cluster.keys
    pipe = cluster.redis.pipeline(transaction=False)
    for request in requests:
        pipe.execute_command("ZADD", keys.requests, -request.priority,
                             picklecompat.dumps(request.to_dict(spider=spider)))
    for chunk in _chunks(sorted(spider.seen)):
        pipe.sadd(keys.seen, *chunk)
    for chunk in _chunks(sorted({canonical_url(page) for page in spider.page_state})):
        pipe.sadd(keys.pages, *chunk)
    for site_id, counters in spider.counters.items():
        pipe.hset(keys.counters, f"{site_id}:planned", counters.pages_planned)
    for (site_id, pattern), count in spider.pattern_pages.items():
        pipe.hset(keys.patterns, f"{site_id}\x00{pattern}", count)
    pipe.hset(keys.meta, mapping={"sites": sites_to_json(sites), "lease": cluster.config.lease_seconds,
                                  "state": "crawling"})
    pipe.execute()
    collector.writer.flush()
    return len(requests)


def sites_to_json(sites: list[Site]) -> str:
    """The run's sites with every crawl setting, as the coordinator publishes them."""
    return json.dumps([asdict(site) for site in sites], ensure_ascii=False)


def _chunks(items: list[str], size: int = 1000):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _loop(cluster: ClusterState, collector: Collector, sites: list[Site], show_progress: bool) -> None:
    netlocs = [site.netloc for site in sites]
    started = last_sweep = last_checkpoint = last_progress = time.monotonic()
    while True:
        taken = collector.collect()
        now = time.monotonic()
        if now - last_sweep >= 1.0:
            for worker, count in cluster.sweep():
                drop_holders(cluster.redis, cluster.config.key_prefix, netlocs, worker)
                if count:
                    _say(f"工作进程 {worker} 已失联（{cluster.config.lease_seconds:g} 秒无心跳），"
                         f"其 {count} 个未完成请求已重新排队。")
            last_sweep = now
        if now - last_checkpoint >= CHECKPOINT_SECONDS:
            collector.checkpoint()
            last_checkpoint = now
        if show_progress and now - last_progress >= PROGRESS_SECONDS:
            _progress(cluster, collector, now - started)
            last_progress = now
        if not taken:
            if cluster.finished():
                break
            time.sleep(0.1)
    if show_progress:
        _progress(cluster, collector, time.monotonic() - started, final=True)


def _progress(cluster: ClusterState, collector: Collector, elapsed: float, final: bool = False) -> None:
    queued, inflight = cluster.pending()
    pages = sum(collector.pages.values())
    _say(f"[进度] 工作进程 {len(cluster.workers())} 个，排队 {queued}，处理中 {inflight}，"
         f"已存页面 {pages}，已检查网址 {sum(collector.targets.values())}，失败 {sum(collector.errors.values())}，"
         f"用时 {elapsed:.0f} 秒，{pages / elapsed if elapsed else 0:.1f} 页/秒" + ("（完成）" if final else ""))


def _finish_sites(cluster: ClusterState, collector: Collector, db_path: Path | str, run: int,
                  sites: list[Site]) -> None:
    """Site totals and notes, as the single-process spider writes them when it closes."""
    counts = cluster.counts()
    db = open_store(db_path)
    for site in sites:
        pages = db.execute("select count(*) from pages where run = ? and site = ?", [run, site.id]).fetchone()[0]
        targets, errors = db.execute("select count(*), count(error) from targets where run = ? and site = ?",
                                     [run, site.id]).fetchone()
        cut, trap = counts.get(f"{site.id}:cut", 0), counts.get(f"{site.id}:trap", 0)
        home = db.execute("select error, status, message from targets where run = ? and url = ?",
                          [run, site.url]).fetchone()
        values: dict = {"pages": pages, "targets": targets, "errors": errors, "cut": cut, "status": "done"}
        if home and home[0] and pages == 0:
            values["status"] = "unreachable"
            values["note"] = f"首页无法访问：{home[0]}" + (f"（HTTP {home[1]}）" if home[1] else f"（{home[2]}）")
        elif cut:
            values["note"] = f"达到页面数或深度上限，{cut} 个页面未抓取"
            if trap:
                values["note"] += (f"（其中 {trap} 个疑似爬虫陷阱：同一网址模式超过 "
                                   f"{site.max_pages_per_pattern} 页或路径无限加深）")
        db["site_runs"].update((run, site.id), values)
    for message in collector.rejected:
        record_error(db, run, None, None, "cluster", message)
    if collector.duplicates:
        _say(f"集群模式：丢弃重复结果 {collector.duplicates} 个（失联工作进程的请求重新分配后被再次完成）。")
    db.conn.close()


__all__ = ["cluster_of_run", "coordinate", "Keys"]
