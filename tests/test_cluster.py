"""Cluster mode against a real redis-server: workers share one crawl, crash, and stay polite.

The fixture starts Debian's redis-server on a free 127.0.0.1 port (`make test` installs it);
worker and coordinator are real `xunjian worker` / `xunjian inspect` child processes.
"""

from __future__ import annotations

import collections
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.conftest import ROOT, findings_of, free_port, write_config, xunjian

pytestmark = pytest.mark.redis
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
SECTIONS, ARTICLES = 10, 20          # 1 + 10 + 200 pages
DELAY = 0.005                        # seconds a request takes at the server


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A throwaway redis-server on 127.0.0.1 (no persistence), killed at teardown."""
    if not Path(REDIS_SERVER).exists():
        pytest.skip("需要 redis-server（Debian 软件包 redis-server；`make test` 会自动安装）")
    import redis

    port = free_port()
    log = tmp_path_factory.mktemp("redis") / "redis.log"
    proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--logfile", str(log)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    proc.kill()
    proc.wait()


def page(path: str) -> str | None:
    """The generated site: sections linked under two names, articles, some broken links."""
    if path == "/":
        links = "".join(f'<a href="/s{k}/">栏目{k}</a> <a href="/s{k}/index.html">栏目{k}列表</a>'
                        for k in range(SECTIONS))
        return f"<title>某市人民政府</title>{links}<a href='/gone.html'>已删除</a><img src='/logo.png'>"
    parts = path.strip("/").split("/")
    if not (parts[0][:1] == "s" and parts[0][1:].isdigit() and int(parts[0][1:]) < SECTIONS):
        return "<title>标志</title>" if path == "/logo.png" else None
    k = int(parts[0][1:])
    if len(parts) == 1 or parts[1] == "index.html":
        return f"<title>栏目{k}</title>" + "".join(f'<a href="a{i}.html">文章{i}</a>' for i in range(ARTICLES))
    name = parts[1]
    if not (name.startswith("a") and name.endswith(".html") and name[1:-5].isdigit()):
        return None
    i = int(name[1:-5])
    if i >= ARTICLES:
        return None
    broken = (f"<a href='missing{i}.html'>旧文章</a>" if i % 7 == 0 else "") + \
             (f"<a href='/files/f{k}-{i}.pdf'>附件.pdf</a>" if i % 11 == 0 else "")
    return (f"<title>栏目{k}的第{i}篇文章</title><p>第{k}栏目第{i}篇正文。</p><a href='/'>首页</a>"
            f"<a href='/s{k}/'>返回栏目</a><a href='a{(i + 1) % ARTICLES}.html'>下一篇</a>"
            f"<a href='/s{(k + 1) % SECTIONS}/a{i}.html'>相关文章</a>{broken}")


class CountingSite:
    """The site on 127.0.0.1: requests per (method, path), the most in progress at once,
    and a gate that holds every article request while closed."""

    def __init__(self):
        self.counts: collections.Counter = collections.Counter()
        self.log: list[tuple] = []      # (time, client port, method, path): who asked, for a failure message
        self.lock = threading.Lock()
        self.active = self.max_active = self.holding = 0
        self.gate = threading.Event()
        self.gate.set()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def do_GET(self):
                self.answer(head=False)

            def do_HEAD(self):
                self.answer(head=True)

            def answer(self, head: bool):
                path = self.path.split("?")[0]
                with site.lock:
                    site.counts[f"{self.command} {path}"] += 1
                    site.log.append((time.monotonic(), self.client_address[1], self.command, path))
                    site.active += 1
                    site.max_active = max(site.max_active, site.active)
                try:
                    if "/a" in path and not site.gate.is_set():
                        with site.lock:
                            site.holding += 1
                        site.gate.wait(60)
                        with site.lock:
                            site.holding -= 1
                    time.sleep(DELAY)
                finally:   # counted out before the answer leaves, so the client cannot be ahead
                    with site.lock:
                        site.active -= 1
                body = page(path)
                data = f"<html><head><meta charset='utf-8'></head><body>{body or '页面不存在'}</body></html>".encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if path.startswith("/files/") and not head:
                    # The spider cuts a file's GET after the headers (StopDownload). On a kept-alive
                    # connection Scrapy's client then now and then sends the next request on the
                    # dying connection and re-sends it (seen in single-process runs too): closing
                    # here keeps the request counts about the crawl, not that client race.
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if not head:
                    try:
                        self.wfile.write(data)
                    except OSError:
                        pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 128   # the default 5 drops SYNs of a burst: 1 s retransmit stalls

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()
            self.log.clear()
            self.max_active = 0

    def stop(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()


SITE = {"id": "city", "name": "某市人民政府", "department": "市政府办公室", "concurrency": 2,
        "download_delay": 0, "retries": 0, "timeout": 20, "render": "off"}


def facts(config: Path, db: Path) -> tuple[list[str], set[tuple]]:
    """(URLs of the stored pages, findings as (check, page, target, evidence))."""
    with sqlite3.connect(db) as conn:
        urls = [row[0] for row in conn.execute("select url from pages")]
    found = {(f["check"], f["url"], f["target"], f["evidence"]) for f in findings_of(config, db)}
    return urls, found


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The site, and what a single-process inspection of it stores and finds."""
    server = CountingSite()
    tmp = tmp_path_factory.mktemp("single")
    config = write_config(tmp / "sites.toml", [dict(SITE, url=server.url)])
    xunjian("inspect", "--config", str(config), "--db", str(tmp / "x.db"), "--as-of", "2026-11-20", "--quiet")
    urls, found = facts(config, tmp / "x.db")
    assert len(urls) == 1 + SECTIONS + SECTIONS * ARTICLES
    assert any(check == "link.broken" for check, *_ in found)
    yield {"server": server, "urls": sorted(urls), "findings": found}
    server.stop()


class Cluster:
    """A cluster config for one test, and the child processes it starts (killed at the end)."""

    def __init__(self, tmp: Path, redis_url: str, server: CountingSite, lease: float = 30, **settings):
        self.tmp, self.procs = tmp, []
        prefix = f"t{os.getpid()}-{tmp.name}"[:60]
        self.config = write_config(tmp / "sites.toml", [dict(SITE, url=server.url, **settings)], extra=(
            f'[cluster]\nredis_url = "{redis_url}"\nkey_prefix = "{prefix}"\nlease_seconds = {lease}\n'))
        self.db = tmp / "x.db"
        import redis

        self.redis = redis.Redis.from_url(redis_url)
        self.workers_key = f"{prefix}:run:1:workers"
        self.inflight_prefix = f"{prefix}:run:1:inflight:"

    def start(self, *args: str, name: str) -> subprocess.Popen:
        out = open(self.tmp / f"{name}.log", "w")
        proc = subprocess.Popen([sys.executable, "-m", "xunjian", *args, "--config", str(self.config)],
                                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                env=dict(os.environ, PYTHONUNBUFFERED="1"))
        self.procs.append(proc)
        return proc

    def inspect(self) -> subprocess.Popen:
        return self.start("inspect", "--db", str(self.db), "--as-of", "2026-11-20", "--quiet", name="inspect")

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(encoding="utf-8")

    def wait_until(self, condition, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what}\n{self.log('inspect')}")
            time.sleep(0.05)

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


@pytest.fixture
def cluster(tmp_path, redis_url, site):
    site["server"].reset()
    made: list[Cluster] = []

    def make(**kwargs) -> Cluster:
        made.append(Cluster(tmp_path, redis_url, site["server"], **kwargs))
        return made[-1]

    yield make
    site["server"].gate.set()
    for each in made:
        each.close()


def test_two_workers_share_one_crawl_politely(cluster, site):
    server = site["server"]
    c = cluster()
    server.gate.clear()      # articles wait until both workers are in, so both get work
    coordinator = c.inspect()
    workers = [c.start("worker", "--quiet", name=f"worker{n}") for n in (1, 2)]
    # Both workers must hold leased requests before the gate opens: two requests held at the
    # server can both be one worker's, and the other may then find the small crawl done.
    def both_leased() -> bool:
        workers = [w.decode() for w in c.redis.hkeys(c.workers_key)]
        return len(workers) == 2 and all(c.redis.hlen(f"{c.inflight_prefix}{w}") for w in workers)

    c.wait_until(lambda: both_leased() and server.holding >= 2, "two workers with leases, requests held at the server")
    server.gate.set()
    assert coordinator.wait(timeout=120) == 0, c.log("inspect")
    # Two workers with two connections each, yet the site's concurrency (2) holds in total.
    assert server.max_active == 2
    for n, worker in enumerate(workers, 1):
        assert worker.wait(timeout=30) == 0, c.log(f"worker{n}")
        # A worker's lease may be a link to check rather than a page to store (CI once saw a
        # worker store no page and check links only): either is its share of the crawl.
        tail = c.log(f"worker{n}").split("本进程存入页面 ")[1]
        stored, checked = int(tail.split(" ")[0]), int(tail.split("检查网址 ")[1].split(" ")[0])
        assert stored + checked > 0, "both workers crawled"

    urls, found = facts(c.config, c.db)
    assert sorted(urls) == site["urls"]                     # every page stored, exactly once
    assert found == site["findings"]                        # the same findings as one process
    fetched = {key: n for key, n in server.counts.items() if key != "GET /robots.txt"}
    twice = [k for k, n in fetched.items() if n > 1]
    assert fetched and not twice, [r for r in server.log if f"{r[2]} {r[3]}" in twice]
    assert server.counts["GET /robots.txt"] == 2            # each worker reads robots.txt once
    with sqlite3.connect(c.db) as conn:
        assert conn.execute("select status, pages from site_runs").fetchone() == ("done", len(urls))
        assert conn.execute("select status from runs").fetchone()[0] == "complete"
    run_keys = c.workers_key.rsplit(":", 1)[0]
    assert c.redis.keys(run_keys + ":*") == [f"{run_keys}:meta".encode()]   # the run's state is cleared


def test_worker_killed_mid_run_loses_nothing(cluster, site):
    server = site["server"]
    c = cluster(lease=3)
    server.gate.clear()
    coordinator = c.inspect()
    first = c.start("worker", "--quiet", name="worker1")
    c.wait_until(lambda: server.holding >= 2, "the first worker holding requests at the server")
    before = set(c.redis.hkeys(c.workers_key))
    first.send_signal(signal.SIGKILL)                       # dies with requests in flight
    first.wait()
    held = {key for key, n in server.counts.items() if "/a" in key}
    assert len(held) == 2
    second = c.start("worker", "--quiet", name="worker2")   # joins mid-run
    c.wait_until(lambda: set(c.redis.hkeys(c.workers_key)) - before, "the second worker")
    server.gate.set()
    assert coordinator.wait(timeout=120) == 0, c.log("inspect")
    assert second.wait(timeout=30) == 0, c.log("worker2")
    assert "已失联" in c.log("inspect")                      # its leases were put back

    urls, found = facts(c.config, c.db)
    assert sorted(urls) == site["urls"]                     # nothing lost, nothing stored twice
    assert found == site["findings"]
    assert all(server.counts[key] >= 2 for key in held)     # the dead worker's requests were fetched again


def test_page_cap_holds_across_workers(cluster, site):
    server = site["server"]
    c = cluster(max_pages=60)
    server.gate.clear()      # both workers plan pages before either has told the other
    coordinator = c.inspect()
    workers = [c.start("worker", "--quiet", name=f"worker{n}") for n in (1, 2)]
    c.wait_until(lambda: c.redis.hlen(c.workers_key) == 2 and server.holding >= 2, "two workers")
    server.gate.set()
    assert coordinator.wait(timeout=120) == 0, c.log("inspect")
    for worker in workers:
        assert worker.wait(timeout=30) == 0
    with sqlite3.connect(c.db) as conn:
        planned = conn.execute("select count(*) from targets where kind = 'page'").fetchone()[0]
        pages, cut, note = conn.execute("select pages, cut, note from site_runs").fetchone()
    assert planned == 60 and 0 < pages <= 60                 # the cap is the site's, not each worker's
    assert cut > 0 and "达到页面数或深度上限" in note


def test_worker_needs_cluster_table(tmp_path):
    config = write_config(tmp_path / "sites.toml", [dict(SITE, url="http://127.0.0.1:9/")])
    result = xunjian("worker", "--config", str(config), check=False)
    assert result.returncode == 2 and "[cluster]" in result.stderr


def test_leases_of_a_silent_worker_go_back(redis_url):
    import redis

    from crawler.cluster import ClusterState
    from xunjian.clusterconf import ClusterConfig

    config = ClusterConfig(redis_url=redis_url, key_prefix=f"lease{os.getpid()}", lease_seconds=30)
    client = redis.Redis.from_url(redis_url)
    alive, dead = ClusterState(client, config, 7, "alive"), ClusterState(client, config, 7, "dead")
    client.hset(alive.keys.meta, "state", "crawling")
    for n in range(4):
        alive.push(f"request {n}".encode(), -n)
    held = [dead.lease(), dead.lease(), alive.lease()]
    assert [data for data, _ in held] == [b"request 3", b"request 2", b"request 1"]
    assert alive.pending() == (1, 3) and not alive.finished()
    assert alive.sweep() == []                              # both heartbeat: nothing taken away
    client.hset(alive.keys.workers, "dead", "1000000000.0")  # last heard of in 2001
    assert alive.sweep() == [("dead", 2)]
    assert alive.pending() == (3, 1)
    alive.deliver(b"results", [held[2][1]])                 # finished: lease released with its results
    assert alive.pending() == (3, 0) and client.llen(alive.keys.results) == 1
    while alive.lease() is not None:
        pass
    assert not alive.finished()                             # leased, and a batch not yet written
    assert alive.leave() == 3 and alive.pending() == (3, 0)


def test_politeness_gate_is_shared_by_workers(redis_url):
    import redis

    from crawler.politeness import SiteGate, drop_holders

    client = redis.Redis.from_url(redis_url)
    prefix = f"gate{os.getpid()}"
    one, two = (SiteGate(client, prefix, "gov.example:80", 2, 60, worker) for worker in ("w1", "w2"))
    first, _ = one.try_acquire(0)
    second, _ = two.try_acquire(0)
    assert first and second
    assert two.try_acquire(0) == (None, -1.0)               # two in flight in the whole cluster: full
    one.release(first)
    third, _ = two.try_acquire(0)
    assert third
    assert drop_holders(client, prefix, ["gov.example:80"], "w2") == 2   # a dead worker's leases
    slow = SiteGate(client, prefix, "slow.example:80", 5, 60, "w1")
    granted, _ = slow.try_acquire(100)
    holder, wait = SiteGate(client, prefix, "slow.example:80", 5, 60, "w2").try_acquire(100)
    assert granted and holder is None and 90 < wait <= 100  # the delay holds across workers too


@pytest.mark.parametrize("table, line, key, message", [
    ('[cluster]\nkey_prefix = "x"\n', 1, "cluster.redis_url", "缺少必填项"),
    ('[cluster]\nredis_url = "http://127.0.0.1:6379"\n', 2, "cluster.redis_url", "redis://"),
    ('[cluster]\nredis_url = "redis://127.0.0.1:6379/0"\nlease_seconds = 0\n', 3, "cluster.lease_seconds", "1 至 3600"),
    ('[cluster]\nredis_url = "redis://127.0.0.1:6379/0"\nworkers = 3\n', 3, "cluster.workers", "未知的集群设置"),
])
def test_cluster_table_errors_name_file_line_and_key(tmp_path, table, line, key, message):
    from xunjian.config import ConfigError, load_config

    config = write_config(tmp_path / "sites.toml", [dict(SITE, url="http://127.0.0.1:9/")], extra=table)
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert (error.value.key, error.value.line) == (key, line) and message in error.value.message
    assert str(error.value).startswith(f"配置错误 {config}:{line}: {key}: ")


def test_cluster_table_is_optional(tmp_path):
    from xunjian.config import load_config

    plain = write_config(tmp_path / "a.toml", [dict(SITE, url="http://127.0.0.1:9/")])
    assert load_config(plain).cluster is None
    full = write_config(tmp_path / "b.toml", [dict(SITE, url="http://127.0.0.1:9/")],
                        extra='[cluster]\nredis_url = "redis://127.0.0.1:6379/0"\n')
    cluster = load_config(full).cluster
    assert (cluster.redis_url, cluster.key_prefix, cluster.lease_seconds) == ("redis://127.0.0.1:6379/0", "xunjian", 30)
    assert json.loads(json.dumps(cluster.__dict__))["key_prefix"] == "xunjian"
