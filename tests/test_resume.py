"""Kill an inspection with SIGKILL mid-crawl, resume it: nothing lost, nothing doubled."""

from __future__ import annotations

import collections
import functools
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import ROOT, findings_of, free_port, write_config, xunjian

PAGES = 80


def build(root):
    root.mkdir()
    links = "".join(f'<a href="p{i}.html">第{i}篇</a>' for i in range(PAGES))
    (root / "index.html").write_text(f"<html><head><meta charset='utf-8'><title>首页</title></head>"
                                     f"<body>{links}<a href='gone.html'>失效</a></body></html>", encoding="utf-8")
    for i in range(PAGES):
        (root / f"p{i}.html").write_text(
            f"<html><head><meta charset='utf-8'><title>第{i}篇</title></head><body>"
            f"<a href='index.html'>首页</a><a href='p{(i + 1) % PAGES}.html'>下一篇</a>"
            f"<a href='missing{i % 3}.html'>附件</a></body></html>", encoding="utf-8")


class CountingServer:
    """A static server on 127.0.0.1 that counts requests per path."""

    def __init__(self, root):
        self.counts = collections.Counter()
        counts = self.counts

        class Handler(SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_head(self):
                counts[self.command + " " + self.path] += 1
                return super().send_head()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def stored_pages(db) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("select count(*) from pages").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_kill_and_resume(tmp_path):
    build(tmp_path / "site")
    server = CountingServer(tmp_path / "site")
    config = write_config(tmp_path / "sites.toml", [
        {"id": "s", "name": "测试站", "url": server.url, "department": "办公室",
         "concurrency": 1, "download_delay": 0.05, "render": "off"}])   # only the crawler fetches here
    db = tmp_path / "x.db"
    try:
        child = subprocess.Popen([sys.executable, "-m", "xunjian", "inspect", "--config", str(config), "--db",
                                  str(db), "--as-of", "2026-11-20", "--quiet"], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while stored_pages(db) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        before = stored_pages(db)
        assert 20 <= before < PAGES + 1, "the kill must land mid-crawl"
        with sqlite3.connect(db) as conn:
            assert conn.execute("select status from runs").fetchone()[0] == "running"
            done_before = {row[0] for row in conn.execute("select url from pages")}

        fetched_before = collections.Counter(server.counts)
        out = xunjian("inspect", "--config", str(config), "--db", str(db), "--resume", "--quiet")
        assert "继续第 1 次巡检" in out.stderr

        with sqlite3.connect(db) as conn:
            urls = [row[0] for row in conn.execute("select url from pages")]
            assert conn.execute("select count(*), max(status) from runs").fetchone() == (1, "complete")
        assert len(urls) == len(set(urls)) == PAGES + 1
        # Pages stored before the kill were not requested again (at most the in-flight ones were).
        again = [path for path, n in server.counts.items() if n > 1]
        stored_paths = {"GET /" + u.split("/", 3)[3] for u in done_before}
        assert not stored_paths & set(again)
        assert sum(server.counts.values()) - sum(fetched_before.values()) <= PAGES + 10

        findings = findings_of(config, db)
        broken = sorted({f["target"].rsplit("/", 1)[1] for f in findings if f["check"] == "link.broken"})
        assert broken == ["gone.html", "missing0.html", "missing1.html", "missing2.html"]
        pairs = [(f["url"], f["target"]) for f in findings if f["check"] == "link.broken"]
        assert len(pairs) == len(set(pairs)) == 1 + PAGES
    finally:
        server.stop()


def test_resume_without_unfinished_run_says_so(tmp_path):
    config = write_config(tmp_path / "sites.toml", [
        {"id": "s", "name": "测试站", "url": "http://127.0.0.1:9/", "department": "办公室"}])
    result = xunjian("inspect", "--config", str(config), "--db", str(tmp_path / "x.db"), "--resume", check=False)
    assert result.returncode == 1 and "没有未完成的巡检" in result.stderr


def test_dead_site_run_completes_and_records_it(tmp_path):
    config = write_config(tmp_path / "sites.toml", [
        {"id": "dead", "name": "停止服务的网站", "url": f"http://127.0.0.1:{free_port()}/", "department": "办公室",
         "retries": 0}])
    db = tmp_path / "x.db"
    out = xunjian("inspect", "--config", str(config), "--db", str(db), "--quiet")
    assert "首页无法访问" in out.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("select status, note from site_runs").fetchone()[0] == "unreachable"
        assert conn.execute("select status from runs").fetchone()[0] == "complete"

