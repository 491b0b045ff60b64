"""Benchmark xunjian against peer link checkers on a generated loopback site.

Usage: .venv/bin/python bench/run.py [--pages 20000] [--only xunjian,linkchecker,blc,wget]
                                     [--concurrency 16] [--timeout 900]

Steps: generate a deterministic government-CMS-like site (bench/gensite.py)
into bench-out/site, serve it with nginx on 127.0.0.1 (a free port, one
worker, keep-alive, no access log), crawl it with each tool at the same
concurrency, and score each tool's broken-link report against the site's
truth.json.  No traffic leaves the loopback interface: the site has no
external links and proxy variables are removed from the tools' environment.

Measured per tool:
  pages         distinct HTML pages (paths ending in .html or /) the tool fetched
                successfully; for xunjian, the row count of its `pages` table
  wall s        wall-clock time of the crawl (for xunjian: `inspect` only)
  pages/s       pages / wall s
  CPU s/1000    user+sys CPU seconds of the tool's process tree (GNU time, which
                includes waited-for descendants) per 1,000 pages
  peak RSS MB   GNU time's "Maximum resident set size": the largest single process
                of the tree, not the sum
  broken        distinct broken URLs reported that are in the truth / size of truth
  false pos.    distinct broken URLs reported that are not in the truth

Results go to stdout and to bench-out/results.md; tool logs stay in bench-out/run/.
"""
from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gensite  # noqa: E402
# How each tool is run, measured and read: bench/checkers.py.
from checkers import (BLC, LINK_CHECKS, RUNNERS, TOOLS, XUNJIAN, Result,  # noqa: E402
                      clean_env, measure, site_config)

# What bench/recrawl.py and bench/cluster.py use from here (`import run as bench`, `from run import`).
__all__ = ["OUT", "LINK_CHECKS", "XUNJIAN", "Nginx", "Result", "clean_env", "machine", "measure",
           "reuse_site", "site_config"]

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench-out"
XJ_VERSION = "import importlib.metadata as m; print(m.version('xunjian'))"


def version(cmd: list[str]) -> str:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30, env=clean_env())
        lines = (p.stdout + p.stderr).strip().splitlines()
        return next((ln for ln in lines if "WARNING" not in ln), "?").strip()
    except (OSError, subprocess.SubprocessError):
        return "not installed"


# -- nginx ----------------------------------------------------------------------------------

class Nginx:
    """A foreground nginx (no master, one worker) serving ROOT on a free loopback port."""

    def __init__(self, root: Path, workdir: Path, access_log: Path | None = None):
        # access_log: one line per request, "status bytes_sent" (bench/recrawl.py counts bytes)
        self.root, self.dir, self.access_log = root, workdir, access_log
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"

    def __enter__(self) -> "Nginx":
        if not Path("/usr/sbin/nginx").exists():
            subprocess.run(["apt-get", "install", "-y", "-q", "nginx"], check=True)
        self.dir.mkdir(parents=True, exist_ok=True)
        d = self.dir
        conf = d / "nginx.conf"
        log = (f"log_format sent '$status $bytes_sent'; access_log {self.access_log} sent;"
               if self.access_log else "access_log off;")
        conf.write_text(f"""daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    {log}
    types {{ text/html html; application/pdf pdf; image/png png; image/jpeg jpg jpeg;
             text/css css; application/javascript js; text/plain txt; }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    keepalive_requests 1000000;
    client_body_temp_path {d}/body; proxy_temp_path {d}/proxy; fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi; scgi_temp_path {d}/scgi;
    server {{
        listen 127.0.0.1:{self.port};
        root {self.root};
        index index.html;
        add_header LinkChecker 1 always;
    }}
}}
""")
        self.proc = subprocess.Popen(["/usr/sbin/nginx", "-c", str(conf), "-p", str(d)],
                                     stdout=subprocess.DEVNULL, stderr=open(d / "stderr.log", "wb"))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"nginx exited: {(d / 'stderr.log').read_text()}")
                time.sleep(0.05)
        raise SystemExit("nginx did not start")

    def __exit__(self, *exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# -- report -----------------------------------------------------------------------------------

def table(results: list[Result], truth: set[str]) -> str:
    head = ["tool", "concurrency", "pages", "wall s", "pages/s", "CPU s per 1000 pages",
            "peak RSS MB", "broken found / truth", "false positives"]
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in results:
        if r.status in ("not available",) or r.status.startswith("failed"):
            rows.append(f"| {r.tool} | {r.concurrency} | {r.status} |" + " |" * (len(head) - 3))
            continue
        n = r.pages or 0
        fmt = lambda v, f: "—" if v is None else format(v, f)  # noqa: E731
        rate = fmt(n / r.wall if r.wall and n else None, ".0f")
        cpu = fmt(r.cpu * 1000 / n if r.cpu is not None and n else None, ".2f")
        wall = fmt(r.wall, ".1f") + (" (timeout)" if r.status == "timeout" else "")
        rows.append(f"| {r.tool} | {r.concurrency} | {n} | {wall} | {rate} | {cpu} | {fmt(r.rss_mb, '.0f')} | "
                    f"{len(r.found & truth)} / {len(truth)} | {len(r.found - truth)} |")
    return "\n".join(rows)


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    lines = [f"- machine: nproc {len(os.sched_getaffinity(0))}, {cpu}, "
             f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / 2**30:.1f} GiB RAM",
             f"- python: {platform.python_version()} ({sys.executable})",
             f"- nginx: {version(['/usr/sbin/nginx', '-v'])}",
             f"- xunjian: {version([sys.executable, '-c', XJ_VERSION])}",
             f"- linkchecker: {version(['linkchecker', '--version'])}",
             f"- broken-link-checker: {version([str(BLC), '--version']) if BLC.exists() else 'not installed'}"
             f" (node {version(['node', '--version'])})",
             f"- wget: {version(['wget', '--version'])}"]
    return "\n".join(lines)


def reuse_site(site: Path, pages: int, seed: int) -> dict | None:
    """The truth of an existing site made by this generator with the same parameters."""
    try:
        info = json.loads((site / "truth.json").read_text())
    except (OSError, ValueError):
        return None
    same = (info.get("pages"), info.get("seed"), info.get("generator")) == (pages, seed, gensite.fingerprint())
    return info if same else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default=",".join(TOOLS), help="comma-separated subset of " + ",".join(TOOLS))
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=900, help="seconds per tool")
    args = ap.parse_args(argv)
    tools = [t.strip() for t in args.only.split(",") if t.strip()]
    if unknown := set(tools) - set(TOOLS):
        ap.error(f"unknown tools: {', '.join(sorted(unknown))}")

    site, work = OUT / "site", OUT / "run"
    work.mkdir(parents=True, exist_ok=True)
    os.chmod(work, 0o777)                 # LinkChecker run as root drops to nobody
    lock = open(OUT / "bench.lock", "w")  # one run at a time: shared dirs, and fair timings
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        print("another benchmark run holds bench-out/bench.lock: waiting for it ...", flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)
    t0 = time.monotonic()
    info = reuse_site(site, args.pages, args.seed) or gensite.generate(site, args.pages, args.seed)
    truth = set(info["broken"])
    header = (f"## xunjian benchmark, {info['pages']} pages\n\n"
              f"Site: {info['pages']} HTML pages ({info['gbk_pages']} GBK), {info['html_bytes'] / 1e6:.0f} MB of HTML, "
              f"{len(truth)} broken targets, seed {args.seed}; generated or reused in {time.monotonic() - t0:.1f} s; "
              f"served by nginx on 127.0.0.1 (1 worker).\n\n{machine()}\n")
    print(header, flush=True)

    results = []
    with Nginx(site, work / "nginx") as server:
        for tool in tools:
            print(f"running {tool} against {server.url} ...", flush=True)
            (work / f"{tool}-false-positives.txt").unlink(missing_ok=True)
            r = RUNNERS[tool](server.url, work, args.concurrency, args.timeout)
            print(f"  {r.status}: {r.pages} pages, {r.wall or 0:.1f} s, {len(r.found & truth)}/{len(truth)} broken, "
                  f"{len(r.found - truth)} false positives", flush=True)
            if r.found - truth:
                (work / f"{tool}-false-positives.txt").write_text("\n".join(sorted(r.found - truth)) + "\n")
            results.append(r)

    report = (header + "\n" + table(results, truth) + "\n\n"
              "pages = distinct HTML pages fetched (xunjian: rows in its `pages` table); wall = the crawl "
              "(xunjian: `inspect`, not `findings`); CPU = user+sys of the process tree (GNU time); peak RSS = "
              "largest single process (GNU time). LinkChecker runs with maxrequestspersecond raised and the "
              "`LinkChecker` header sent (its self-throttling lifted); blc checks non-page links with HEAD; "
              "wget uses one connection and does not parse for anything but links. Logs: bench-out/run/.\n")
    print("\n" + table(results, truth))
    (OUT / "results.md").write_text(report, encoding="utf-8")
    print(f"\nwritten to {OUT / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
