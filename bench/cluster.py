"""Cluster benchmark: one vs two `xunjian worker`s on the generated nginx site, plus capacity facts.

Usage: .venv/bin/python bench/cluster.py [--pages 20000] [--workers 1,2] [--single] [--concurrency 16]

Per mode, on the same loopback site bench/run.py uses (bench/gensite.py, served by nginx):
a throwaway redis-server on 127.0.0.1, N `xunjian worker` processes, and the coordinator
(`xunjian inspect` with [cluster], link checks only, no browser). Measured:
  crawl s      the coordinator's "抓取用时" (seeding to the last result written)
  pages/s      stored pages / crawl s
  CPU s/1000   user+sys CPU per 1,000 pages: workers, coordinator and redis-server separately
  peak RSS MB  largest worker, the coordinator
--single adds the single-process crawl (no Redis) for comparison.

Capacity facts for README's plan: Redis memory per 100,000 queued requests (real serialized
requests in the scrapy-redis sorted set) and per 100,000 URLs in the duplicate filter; store
bytes per page from the one-worker run's database. Results: stdout and bench-out/cluster.md.
"""
from __future__ import annotations

import argparse
import fcntl
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))
import gensite  # noqa: E402
from run import OUT, Nginx, clean_env, machine, reuse_site, site_config  # noqa: E402

# Keep bench/'s scripts from shadowing packages Scrapy or Twisted import (run.py, text.py …).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]

XUNJIAN = ROOT / ".venv" / "bin" / "xunjian"
WORK = OUT / "cluster"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reap(proc: subprocess.Popen, timeout: float) -> tuple[int, float, float]:
    """Wait for a child: (exit status, user+sys CPU s, peak RSS MB) from wait4()."""
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024
        if time.monotonic() > deadline:
            proc.kill()
            deadline = float("inf")
        time.sleep(0.2)


def redis_cpu(client) -> float:
    info = client.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def write_config(path: Path, url: str, conc: int, redis_url: str | None, prefix: str) -> None:
    cluster = f'[cluster]\nredis_url = "{redis_url}"\nkey_prefix = "{prefix}"\n\n' if redis_url else ""
    path.write_text(cluster + site_config(url, conc), encoding="utf-8")


def crawl(url: str, workers: int, conc: int, redis_url: str | None, client, timeout: float) -> dict:
    """One inspection of the site with `workers` workers (0: single process, no Redis)."""
    name = f"w{workers}" if workers else "single"
    config, db = WORK / f"{name}.toml", WORK / f"{name}.db"
    for old in WORK.glob(f"{name}.db*"):
        old.unlink()
    write_config(config, url, conc, redis_url if workers else None, f"bench-{name}-{os.getpid()}")
    cpu0 = redis_cpu(client) if workers else 0.0
    procs = [subprocess.Popen([str(XUNJIAN), "worker", "--config", str(config), "--quiet"], env=clean_env(),
                              stdout=subprocess.DEVNULL, stderr=open(WORK / f"{name}-worker{n}.log", "w"))
             for n in range(workers)]
    err = WORK / f"{name}-inspect.log"
    coordinator = subprocess.Popen([str(XUNJIAN), "inspect", "--config", str(config), "--db", str(db), "--quiet",
                                    "--checks", "link.*,layout.garbled"], env=clean_env(),
                                   stdout=subprocess.DEVNULL, stderr=open(err, "w"))
    rc, coord_cpu, coord_rss = reap(coordinator, timeout)
    reaped = [reap(p, 120) for p in procs]
    text = err.read_text(encoding="utf-8", errors="replace")
    seconds = re.search(r"抓取用时 ([\d.]+) 秒", text)
    with sqlite3.connect(db) as conn:
        pages = conn.execute("select count(*) from pages").fetchone()[0]
        conn.execute("pragma wal_checkpoint(truncate)")
    return {"mode": f"{workers} worker{'s' if workers > 1 else ''}" if workers else "single process (no Redis)",
            "ok": rc == 0 and all(r[0] == 0 for r in reaped) and seconds is not None, "pages": pages,
            "crawl": float(seconds.group(1)) if seconds else None,
            "worker_cpu": sum(r[1] for r in reaped), "coord_cpu": coord_cpu,
            "redis_cpu": redis_cpu(client) - cpu0 if workers else 0.0,
            "worker_rss": max((r[2] for r in reaped), default=0.0), "coord_rss": coord_rss,
            "db_bytes": db.stat().st_size, "log": err}


def queue_memory(client, url: str, count: int = 100_000) -> tuple[float, float]:
    """Redis bytes per 100,000 queued requests and per 100,000 duplicate-filter URLs."""
    from scrapy_redis import picklecompat

    from crawler.scope import Fetch, normalize_url
    from crawler.spider import InspectSpider
    from xunjian.config import Site

    site = Site(id="bench", name="基准", url=url, department="基准")
    spider = InspectSpider(run=1, sites=[site], writer=None)
    client.flushdb()
    base = client.info("memory")["used_memory"]
    pipe = client.pipeline(transaction=False)
    for n in range(count):
        target = f"{url}col{n % 10}/art_{n}.html"
        request = spider._request(Fetch(target, "bench", "page", 3, f"{url}col{n % 10}/index_{n // 15}.html"))
        pipe.execute_command("ZADD", "q", -request.priority, picklecompat.dumps(request.to_dict(spider=spider)))
        if n % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    queued = client.info("memory")["used_memory"] - base
    for start in range(0, count, 5000):
        client.sadd("seen", *(normalize_url(f"{url}col{n % 10}/art_{n}.html") for n in range(start, start + 5000)))
    seen = client.info("memory")["used_memory"] - base - queued
    client.flushdb()
    return queued * 100_000 / count, seen * 100_000 / count


def table(rows: list[dict]) -> str:
    head = ["mode", "pages", "crawl s", "pages/s", "CPU s/1000 pages: workers", "coordinator", "redis",
            "peak RSS MB: worker", "coordinator"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if not r["ok"]:
            lines.append(f"| {r['mode']} | failed (see {r['log']}) |" + " |" * (len(head) - 2))
            continue
        per = 1000 / r["pages"] if r["pages"] else 0
        lines.append(f"| {r['mode']} | {r['pages']} | {r['crawl']:.1f} | {r['pages'] / r['crawl']:.0f} | "
                     f"{r['worker_cpu'] * per:.2f} | {r['coord_cpu'] * per:.2f} | {r['redis_cpu'] * per:.2f} | "
                     f"{r['worker_rss']:.0f} | {r['coord_rss']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--single", action="store_true", help="also the single-process crawl")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=1800)
    ap.add_argument("--site", type=Path, default=OUT / "site", help="where the generated site lives")
    args = ap.parse_args(argv)
    import redis

    WORK.mkdir(parents=True, exist_ok=True)
    lock = open(OUT / "bench.lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another benchmark run holds bench-out/bench.lock: waiting for it ...", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    site = args.site
    info = reuse_site(site, args.pages, args.seed) or gensite.generate(site, args.pages, args.seed)
    port = free_port()
    server = subprocess.Popen([shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    redis_url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(redis_url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    header = (f"## xunjian cluster benchmark, {info['pages']} pages\n\nSite: bench/gensite.py, {info['pages']} pages, "
              f"{info['html_bytes'] / 1e6:.0f} MB of HTML, served by nginx on 127.0.0.1; redis-server on "
              f"127.0.0.1 without persistence; concurrency {args.concurrency} for the site in total; link checks "
              f"only.\n\n{machine()}\n")
    print(header, flush=True)
    rows = []
    try:
        with Nginx(site, WORK / "nginx") as web:
            modes = ([0] if args.single else []) + [int(n) for n in args.workers.split(",") if n.strip()]
            for workers in modes:
                print(f"crawling with {workers or 'no'} worker(s) ...", flush=True)
                row = crawl(web.url, workers, args.concurrency, redis_url, client, args.timeout)
                print(f"  {'ok' if row['ok'] else 'FAILED'}: {row['pages']} pages in {row['crawl']} s", flush=True)
                rows.append(row)
            queued, seen = queue_memory(client, web.url)
    finally:
        server.kill()
        server.wait()
    one = next((r for r in rows if r["ok"] and r["mode"].startswith("1 ")), None)
    facts = [f"- Redis memory per 100,000 queued requests (serialized scrapy-redis requests): {queued / 2**20:.0f} MiB",
             f"- Redis memory per 100,000 URLs in the duplicate filter: {seen / 2**20:.1f} MiB"]
    if one:
        facts.append(f"- store size per 100,000 pages (SQLite, after the crawl and link checks): "
                     f"{one['db_bytes'] / one['pages'] * 100_000 / 2**30:.2f} GiB "
                     f"({one['db_bytes'] / one['pages'] / 1024:.1f} KiB a page)")
    report = header + "\n" + table(rows) + "\n\n" + "\n".join(facts) + "\n"
    print("\n" + table(rows) + "\n\n" + "\n".join(facts))
    (OUT / "cluster.md").write_text(report, encoding="utf-8")
    print(f"\nwritten to {OUT / 'cluster.md'}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
