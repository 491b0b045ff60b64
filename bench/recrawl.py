"""Benchmark an incremental re-inspection: a second crawl of the unchanged generated site.

Usage: .venv/bin/python bench/recrawl.py [--pages 20000] [--seed 1] [--concurrency 16]
                                             [--timeout 1800]

The site is bench/gensite.py's (shared with bench/run.py in bench-out/site), served by nginx on
127.0.0.1 with an access log of each response's status and bytes sent. `xunjian inspect`
(link checks only, no browser) crawls it twice into one store: the first run is a full crawl,
the second sends conditional requests (nginx answers 304 for every unchanged page) and reuses
recent link-target successes. The goal (issue 11): the second run transfers at most 15% of
the first's bytes.

Measured per run:
  pages       rows of the run in `pages` (reused: copied from the first run)
  requests    lines of nginx's access log during the run (robots.txt and the 404 probe included)
  304         of those, answered 304 Not Modified
  MB sent     sum of nginx's $bytes_sent (headers and bodies) during the run
  crawl s     the crawl as `inspect` reports it ("抓取用时"); inspect s: the whole command
  broken      distinct broken targets the run reported (link.broken)

Results go to stdout and to bench-out/incremental.md; logs stay in bench-out/run/.
"""
from __future__ import annotations

import argparse
import fcntl
import re
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gensite  # noqa: E402
import run as bench  # noqa: E402


def access_lines(log: Path) -> list[tuple[int, int]]:
    """(status, bytes sent) of every request nginx logged so far."""
    if not log.exists():
        return []
    rows = []
    for line in log.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit() and parts[1].isdigit():
            rows.append((int(parts[0]), int(parts[1])))
    return rows


def inspect_once(url: str, work: Path, conc: int, timeout: float, label: str) -> dict:
    """One `xunjian inspect` of the site into work/incremental.db; what it cost and found."""
    config, db = work / "incremental.toml", work / "incremental.db"
    config.write_text(bench.site_config(url, conc), encoding="utf-8")
    res = bench.Result(f"xunjian ({label})", str(conc))
    out = work / f"incremental-{label.split(',')[0]}.log"
    rc = bench.measure(res, [str(bench.XUNJIAN), "inspect", "--config", str(config), "--db", str(db),
                             "--checks", bench.LINK_CHECKS], out, timeout)
    err = out.with_suffix(".err").read_text(errors="replace") if out.with_suffix(".err").exists() else ""
    crawl = re.search(r"抓取用时 ([\d.]+) 秒", err)
    row = {"label": label, "status": "ok" if rc == 0 else f"failed (exit {rc}, see {out.with_suffix('.err')})",
           "crawl": float(crawl.group(1)) if crawl else None,
           "wall": res.wall, "pages": None, "reused": None, "broken": None}
    if rc == 0:
        with sqlite3.connect(db) as con:
            run = con.execute("select max(id) from runs").fetchone()[0]
            row["pages"], row["reused"] = con.execute(
                "select count(*), count(reused_from) from pages where run = ?", [run]).fetchone()
            row["broken"] = con.execute("select count(distinct target) from findings where run = ? "
                                        "and \"check\" = 'link.broken'", [run]).fetchone()[0]
    return row


def table(first: dict, second: dict) -> str:
    head = ["run", "pages (reused)", "requests", "304", "MB sent", "crawl s", "inspect s", "broken"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    fmt = lambda v, f: "—" if v is None else format(v, f)  # noqa: E731
    for r in (first, second):
        if r["status"] != "ok":
            lines.append(f"| {r['label']} | {r['status']} |" + " |" * (len(head) - 2))
            continue
        lines.append(f"| {r['label']} | {r['pages']} ({r['reused']}) | {r['requests']} | {r['not_modified']} | "
                     f"{r['bytes'] / 1e6:.1f} | {fmt(r['crawl'], '.1f')} | {fmt(r['wall'], '.1f')} | {r['broken']} |")
    pct = lambda a, b: "—" if not a or b is None else f"{100 * b / a:.1f}%"  # noqa: E731
    lines.append(f"| second / first | | {pct(first['requests'], second['requests'])} | | "
                 f"**{pct(first['bytes'], second['bytes'])}** | {pct(first['crawl'], second['crawl'])} | "
                 f"{pct(first['wall'], second['wall'])} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    args = ap.parse_args(argv)
    site, work = bench.OUT / "site", bench.OUT / "run"
    work.mkdir(parents=True, exist_ok=True)
    lock = open(bench.OUT / "bench.lock", "w")   # shared with bench/run.py: one benchmark at a time
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another benchmark run holds bench-out/bench.lock: waiting for it ...", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    info = bench.reuse_site(site, args.pages, args.seed)
    if info is None:    # another size: a site of its own, leaving bench/run.py's in place
        site = bench.OUT / f"site-{args.pages}-{args.seed}"
        info = bench.reuse_site(site, args.pages, args.seed) or gensite.generate(site, args.pages, args.seed)
    for path in work.glob("incremental.db*"):
        path.unlink()
    log = work / "nginx-incremental" / "access.log"
    log.unlink(missing_ok=True)
    header = (f"## Incremental re-inspection, {info['pages']} pages\n\n"
              f"Site: {info['pages']} HTML pages, {info['html_bytes'] / 1e6:.0f} MB of HTML, "
              f"{len(info['broken'])} broken targets, seed {args.seed}; nginx on 127.0.0.1 (1 worker, ETag and "
              f"Last-Modified on). Two `xunjian inspect --checks {bench.LINK_CHECKS}` runs into one store, "
              f"concurrency {args.concurrency}, the site unchanged between them.\n\n{bench.machine()}\n")
    print(header, flush=True)
    with bench.Nginx(site, work / "nginx-incremental", access_log=log) as server:
        rows = []
        for label in ("first, full", "second, incremental"):
            print(f"running xunjian ({label}) against {server.url} ...", flush=True)
            before = len(access_lines(log))
            r = inspect_once(server.url, work, args.concurrency, args.timeout, label)
            time.sleep(0.5)     # nginx writes its access log as responses finish
            done = access_lines(log)[before:]
            r.update(requests=len(done), not_modified=sum(1 for s, _ in done if s == 304),
                     bytes=sum(b for _, b in done))
            rows.append(r)
            print(f"  {r['status']}: {r['pages']} pages ({r['reused']} reused), {r['requests']} requests, "
                  f"{r['bytes'] / 1e6:.1f} MB sent, crawl {r['crawl']} s", flush=True)
    result = table(*rows)
    print("\n" + result)
    (bench.OUT / "incremental.md").write_text(header + "\n" + result + "\n", encoding="utf-8")
    print(f"\nwritten to {bench.OUT / 'incremental.md'}")
    return 0 if all(r["status"] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
