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
import csv
import fcntl
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gensite  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = ROOT / "bench-out"
TOOLS = ["xunjian-links", "xunjian", "linkchecker", "blc", "wget"]
# xunjian-links: the crawl with the link checks only (link.*, layout.garbled), what the peers do;
# xunjian: the crawl with every check (columns, dates, dark links… parse each page again).
LINK_CHECKS = "link.*,layout.garbled"
XUNJIAN = ROOT / ".venv" / "bin" / "xunjian"
BLC = BENCH / "node_modules" / ".bin" / "blc"
XJ_VERSION = "import importlib.metadata as m; print(m.version('xunjian'))"


@dataclass
class Result:
    tool: str
    concurrency: str
    status: str = "ok"                       # ok | not available | failed ... | timeout
    pages: int | None = None
    wall: float | None = None
    cpu: float | None = None
    rss_mb: float | None = None
    found: set[str] = field(default_factory=set)


def clean_env() -> dict[str, str]:
    """The caller's environment without proxies: all traffic must stay on 127.0.0.1."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
    return env


def stop_group(proc: subprocess.Popen) -> None:
    """Terminate, then kill, the process group this harness created for one tool."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


def site_config(url: str, concurrency: int, render: str | None = "off") -> str:
    """The one-site config every xunjian bench run crawls (no delay, no page or depth cap).

    render=None keeps the product's default, as the main comparison row does."""
    render_line = f'render = "{render}"\n' if render else ""
    return f"""[[sites]]
id = "bench"
name = "基准测试站"
url = "{url}"
department = "基准"
max_pages = 100000
max_depth = 100
concurrency = {concurrency}
download_delay = 0
{render_line}"""


def measure(res: Result, cmd: list[str], log: Path, timeout: float, cwd: Path | None = None) -> int | None:
    """Run cmd under GNU time (stdout to log, stderr to log.err), record wall, CPU and RSS in res.

    Returns the exit status, or None when the tool timed out and its process group was killed.
    """
    tfile = log.with_suffix(".time")
    tfile.unlink(missing_ok=True)
    with open(log, "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(["/usr/bin/time", "-v", "-o", str(tfile), *cmd], stdout=out,
                                stderr=err, stdin=subprocess.DEVNULL, cwd=cwd,
                                env=clean_env(), start_new_session=True)
        try:
            rc: int | None = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc, res.status = None, "timeout"
            stop_group(proc)
        except BaseException:                        # Ctrl-C: do not leave the tool running
            stop_group(proc)
            raise
        res.wall = time.monotonic() - t0
    stats = tfile.read_text(errors="replace") if tfile.exists() else ""
    user, sys_, rss = (re.search(p + r": ([\d.]+)", stats) for p in
                       (r"User time \(seconds\)", r"System time \(seconds\)", r"Maximum resident set size \(kbytes\)"))
    if user and sys_:
        res.cpu = float(user.group(1)) + float(sys_.group(1))
    if rss:
        res.rss_mb = float(rss.group(1)) / 1024
    return rc


def is_page(path: str) -> bool:
    return path.endswith(".html") or path.endswith("/")


def local_path(url: str, base: str) -> str:
    """Path of a URL on the benchmark host; anything else is kept whole (a false positive)."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != base:
        return url
    return unquote(parts.path) or "/"


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


# -- tools ------------------------------------------------------------------------------------

def run_xunjian(url: str, work: Path, conc: int, timeout: float, checks: str | None = None) -> Result:
    res = Result("xunjian" if checks is None else "xunjian-links", str(conc))
    if not XUNJIAN.exists() or subprocess.run([str(XUNJIAN), "--help"], capture_output=True,
                                              env=clean_env()).returncode != 0:
        res.status = "not available"
        return res
    config, db = work / "xunjian.toml", work / "xunjian.db"
    for p in work.glob("xunjian.db*"):
        p.unlink()
    config.write_text(site_config(url, conc, render=None), encoding="utf-8")
    command = [str(XUNJIAN), "inspect", "--config", str(config), "--db", str(db)]
    rc = measure(res, command + (["--checks", checks] if checks else []), work / "xunjian.log", timeout)
    if rc != 0:
        if rc is not None:
            res.status = f"failed (exit {rc}, see bench-out/run/xunjian.err)"
        return res
    try:
        with sqlite3.connect(db) as con:
            res.pages = con.execute("select count(*) from pages").fetchone()[0]
        p = subprocess.run([str(XUNJIAN), "findings", "--config", str(config), "--db", str(db),
                            "--format", "json"], capture_output=True, text=True, timeout=600, env=clean_env())
        (work / "xunjian-findings.json").write_text(p.stdout)
        findings = json.loads(p.stdout)
        res.found = {local_path(f["target"], url) for f in findings if f.get("check") == "link.broken"}
    except (sqlite3.Error, ValueError, KeyError, TypeError, subprocess.SubprocessError) as e:
        res.status = f"failed reading results: {e!r}"[:120]
    return res


def run_linkchecker(url: str, work: Path, conc: int, timeout: float) -> Result:
    """LinkChecker, verbose CSV on stdout (a file the harness opened: it runs as nobody under root)."""
    res = Result("linkchecker", str(conc))
    if not shutil.which("linkchecker"):
        subprocess.run(["apt-get", "install", "-y", "-q", "linkchecker"], check=False)
    if not shutil.which("linkchecker"):
        res.status = "not available"
        return res
    # The `LinkChecker` response header only lifts the 0.1-0.6 s floor between two requests
    # to a host; the wait is then 1-6 times 1/maxrequestspersecond (default 10), so raise that too.
    rc_file = work / "linkcheckerrc"
    rc_file.write_text("[checking]\nmaxrequestspersecond=1000000\n")
    rc_file.chmod(0o644)
    log = work / "linkchecker.csv"
    rc = measure(res, ["linkchecker", "-f", str(rc_file), "--no-status", "--no-warnings", "--verbose", "-o", "csv/utf-8",
                   "--threads", str(conc), "--recursion-level", "-1", "--timeout", "30", url],
                 log, timeout, cwd=work)
    pages: set[str] = set()
    lines = [ln for ln in log.read_text(encoding="utf-8", errors="replace").splitlines()
             if ln and not ln.startswith("#")]
    for row in csv.DictReader(lines, delimiter=";"):
        target = row.get("url") or ""
        if not target.startswith("http"):
            continue
        path = local_path(target, url)
        if row.get("valid") == "True":
            if is_page(path):
                pages.add(path)
        else:
            res.found.add(path)
    res.pages = len(pages)
    if rc not in (None, 0, 1):            # 1 = broken links found
        res.status = f"failed (exit {rc})"
    return res


def run_blc(url: str, work: Path, conc: int, timeout: float) -> Result:
    res = Result("blc", f"{conc} (--requests and --host-requests)")
    if not BLC.exists():
        subprocess.run(["npm", "install", "--prefix", str(BENCH), "--no-audit", "--no-fund",
                        "--save-exact", "broken-link-checker@0.7.8"], check=False)
    if not BLC.exists():
        res.status = "not available"
        return res
    log = work / "blc.log"
    rc = measure(res, [str(BLC), url, "-ro", "--requests", str(conc), "--host-requests", str(conc)],
                 log, timeout, cwd=work)
    ansi = re.compile(r"\x1b\[[0-9;]*m")
    pages: set[str] = set()
    page = url
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        line = ansi.sub("", line)
        if m := re.match(r"Getting links from: (\S+)", line):
            page = m.group(1)
            pages.add(local_path(page, url))
        elif m := re.search(r"BROKEN─+ (\S+)", line):
            res.found.add(local_path(urljoin(page, m.group(1)), url))
    res.pages = sum(1 for p in pages if is_page(p))
    if rc not in (None, 0, 1) or (rc == 1 and "Elapsed time" not in log.read_text(errors="replace")):
        res.status = f"failed (exit {rc})"       # 1 = broken links found, after the summary
    return res


def run_wget(url: str, work: Path, conc: int, timeout: float) -> Result:
    res = Result("wget --spider", "1 (one connection)")
    tmp = work / "wget-tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    log = work / "wget.log"
    rc = measure(res, ["wget", "--spider", "-r", "-l", "inf", "-nd", "--no-verbose", "-o", str(log), url],
                 work / "wget.out", timeout, cwd=tmp)
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    # "URL:<u> [n/n] -> file" is a GET of an HTML page, "URL: <u> 200 OK" a HEAD of anything else
    res.pages = len({p for m in re.finditer(r"URL: ?(http\S+) (?:\[|200 OK)", text)
                     if is_page(p := local_path(m.group(1), url))})
    if m := re.search(r"Found \d+ broken links?\.\n\n(.*?)\n\n", text, re.S):
        res.found = {local_path(u.strip(), url) for u in m.group(1).splitlines() if u.strip()}
    if rc not in (None, 0, 8):            # 8 = server error response (the 404s)
        res.status = f"failed (exit {rc})"
    shutil.rmtree(tmp, ignore_errors=True)
    return res


RUNNERS = {"xunjian-links": lambda *args: run_xunjian(*args, checks=LINK_CHECKS), "xunjian": run_xunjian,
           "linkchecker": run_linkchecker, "blc": run_blc, "wget": run_wget}


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
