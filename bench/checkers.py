"""The link checkers the benchmark compares: how each one is run, measured and read.

bench/run.py (and bench/recrawl.py, bench/cluster.py) orchestrate a benchmark and print its
table; this module is the per-tool part they share: the command line of xunjian, LinkChecker,
broken-link-checker and wget, the GNU time wrapper that measures a tool's process tree, and
the parsing of each tool's report into pages fetched and broken URLs found.  It lives apart so
that adding or fixing one tool's runner does not mean reading the orchestration.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TOOLS = ["xunjian-links", "xunjian", "linkchecker", "blc", "wget"]
# xunjian-links: the crawl with the link checks only (link.*, layout.garbled), what the peers do;
# xunjian: the crawl with every check (columns, dates, dark links… parse each page again).
LINK_CHECKS = "link.*,layout.garbled"
XUNJIAN = ROOT / ".venv" / "bin" / "xunjian"
BLC = BENCH / "node_modules" / ".bin" / "blc"


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

