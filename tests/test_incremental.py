"""Incremental re-inspections against a loopback server that honours conditional requests.

The server counts every request and every byte it sends, so the tests see what a second
run really downloads; the findings of the runs are compared through the real command line.
"""

from __future__ import annotations

import collections
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from tests.conftest import ROOT, findings_of, write_config, xunjian
from tests.test_resume import PAGES, CountingServer, build
from xunjian.config import ConfigError, load_config

LAST_MODIFIED = "Wed, 01 Oct 2025 08:00:00 GMT"
FILLER = "<p>" + "为深入贯彻落实党中央、国务院决策部署，进一步推进政务公开工作，结合我市实际，制定本方案。" * 60 + "</p>"


def page(title: str, links: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<h1>{title}</h1>{links}{FILLER}</body></html>").encode("utf-8")


def site_files() -> dict[str, bytes]:
    articles = "".join(f'<a href="/p{i}.html">第{i}篇文章</a>' for i in range(6))
    files = {"/index.html": page("清河市人民政府", articles + '<img src="/img/logo.png" alt="标志">'
                                 '<a href="/files/lost.pdf">名单.pdf</a><a href="/gone.html">已删除</a>')}
    for i in range(6):
        files[f"/p{i}.html"] = page(f"第{i}篇文章", f'<a href="/index.html">首页</a><a href="/p{(i + 1) % 6}.html">'
                                    f'下一篇</a><a href="/files/guide.pdf">办事指南.pdf</a>')
    files["/img/logo.png"] = b"\x89PNG\r\n\x1a\n" + b"0" * 2000
    files["/files/guide.pdf"] = b"%PDF-1.4\n" + b"0" * 1000 + b"\n%%EOF\n"
    return files


class CountingWriter:
    """Wraps a handler's output stream to count the bytes sent."""

    def __init__(self, raw, server):
        self.raw, self.server = raw, server

    def write(self, data):
        with self.server.lock:
            self.server.sent += len(data)
        return self.raw.write(data)

    def flush(self):
        return self.raw.flush()

    def __getattr__(self, name):       # closed, close(), … as the stream has them
        return getattr(self.raw, name)


class ConditionalServer:
    """Serves `files` (path -> bytes) on 127.0.0.1 with an ETag and a Last-Modified per file.

    With `conditional`, a request whose If-None-Match (or, without one, If-Modified-Since)
    matches gets 304 and no body; without it, conditional headers are ignored. `etags`
    overrides a file's ETag (a server that changes it though the content did not).
    """

    def __init__(self, files: dict[str, bytes], conditional: bool = True):
        self.files, self.conditional = dict(files), conditional
        self.etags: dict[str, str] = {}
        self.requests: collections.Counter = collections.Counter()   # "GET /path" -> count
        self.statuses: collections.Counter = collections.Counter()
        self.validated = 0          # requests that carried a conditional header
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                self.wfile = CountingWriter(self.wfile, outer)

            def do_HEAD(self):
                self.answer(head=True)

            def do_GET(self):
                self.answer(head=False)

            def answer(self, head: bool):
                path = urlsplit(self.path).path
                path = "/index.html" if path == "/" else path
                with outer.lock:
                    outer.requests[f"{self.command} {path}"] += 1
                    if self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"):
                        outer.validated += 1
                body = outer.files.get(path)
                if body is None:
                    return self.send(404, b"<html><body>not found</body></html>", {}, head)
                etag = outer.etags.get(path) or '"' + hashlib.md5(body).hexdigest()[:16] + '"'
                validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
                asked_tag, asked_date = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
                if outer.conditional and (asked_tag == etag if asked_tag else asked_date == LAST_MODIFIED):
                    return self.send(304, b"", validators, head=True)
                self.send(200, body, validators, head)

            def send(self, status: int, body: bytes, headers: dict, head: bool):
                with outer.lock:
                    outer.statuses[status] += 1
                self.send_response(status)
                kind = "text/html; charset=utf-8" if body.startswith(b"<html") else "application/octet-stream"
                if status != 304:
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if not head:
                    self.wfile.write(body)

        self.lock = threading.Lock()
        self.sent = 0
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def reset_counts(self) -> None:
        with self.lock:
            self.requests.clear()
            self.statuses.clear()
            self.sent = self.validated = 0

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def inspect(config, db, *extra: str):
    return xunjian("inspect", "--config", str(config), "--db", str(db), "--as-of", "2026-11-20", *extra)


def comparable(findings: list[dict]) -> list[tuple]:
    return sorted((f["check"], f["url"], f["target"] or "", f["evidence"] or "", f["fingerprint"]) for f in findings)


def rows(db, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def setup_site(tmp_path, conditional: bool = True, **options):
    server = ConditionalServer(site_files(), conditional=conditional)
    config = write_config(tmp_path / "sites.toml", [
        {"id": "qh", "name": "清河市人民政府", "url": server.url, "department": "办公室",
         "download_delay": 0, "render": "off", "obey_robots": False, "retries": 0, **options}])
    return server, config, tmp_path / "x.db"


def test_unchanged_site_answers_304_and_gives_the_same_findings(tmp_path):
    server, config, db = setup_site(tmp_path)
    try:
        inspect(config, db)
        first_bytes, first_requests = server.sent, sum(server.requests.values())
        assert server.validated == 0 and server.statuses[304] == 0          # a first run is a full crawl
        assert rows(db, "select count(*) from pages where reused_from is not null or not_modified is not null") == [(0,)]
        first = findings_of(config, db)
        assert {f["target"].rsplit("/", 1)[1] for f in first if f["check"] == "link.broken"} == {"lost.pdf", "gone.html"}

        server.reset_counts()
        server.etags["/p5.html"] = '"a-new-etag"'        # new ETag, same content: a 200 with the same hash
        out = inspect(config, db)
        assert server.statuses[304] == 6                   # the homepage and p0..p4
        assert server.requests["GET /p5.html"] == 1 and server.requests["GET /index.html"] == 1
        assert server.sent * 3 < first_bytes, (server.sent, first_bytes)   # p5 and the PDF came whole
        assert sum(server.requests.values()) < first_requests
        # The working image was not asked again; the broken targets were, and the PDF too:
        # its text is read each run (crawler/attachments.py).
        assert server.requests["HEAD /img/logo.png"] == 0 and server.requests["GET /files/guide.pdf"] == 1
        assert rows(db, "select count(*) from attachments where run = 2 and url like '%guide.pdf'") == [(1,)]
        assert server.requests["HEAD /files/lost.pdf"] == 1 and server.requests["GET /gone.html"] == 1
        second = findings_of(config, db)
        assert comparable(second) == comparable(first) and all(f["run"] == 2 for f in second)

        reused = rows(db, "select url, not_modified, reused_from from pages where run = 2 order by url")
        assert len(reused) == 7 and all(r[2] is not None for r in reused)
        assert {r[0].rsplit("/", 1)[1] for r in reused if r[1] == 0} == {"p5.html"}
        # Every reused row belongs to run 2, with its own links; the new ETag is kept for next time.
        assert rows(db, "select count(*) from links where run = 2") == rows(db, "select count(*) from links where run = 1")
        headers = json.loads(rows(db, "select headers from pages where run = 2 and url like '%p5.html'")[0][0])
        assert headers["ETag"] == '"a-new-etag"'
        targets = dict(rows(db, "select url, reused_from from targets where run = 2 and reused_from is not null"))
        # (index.html is the homepage's other name, checked by HEAD as a resource)
        assert set(targets) == {server.url + "img/logo.png", server.url + "index.html"}
        assert set(targets.values()) == {1}
        assert rows(db, "select t2.checked_at = t1.checked_at from targets t2 join targets t1 on t1.url = t2.url "
                        "and t1.run = 1 where t2.run = 2 and t2.url like '%logo.png'") == [(1,)]
        note = rows(db, "select note from site_runs where run = 2")[0][0]
        assert "7 个页面未修改" in note and "其中 6 个服务器返回 304" in note and "2 个链接目标沿用" in note
        assert "增量巡检" in out.stdout

        # Re-checking the stored run gives the same findings (checks read the copied rows).
        xunjian("check", "--config", str(config), "--db", str(db), "--run", "2")
        assert comparable(findings_of(config, db, "2")) == comparable(first)

        # --full: no conditional request, nothing reused.
        server.reset_counts()
        inspect(config, db, "--full")
        assert server.validated == 0 and server.statuses[304] == 0
        assert server.requests["HEAD /img/logo.png"] == 1
        assert rows(db, "select count(*) from pages where run = 3 and reused_from is not null") == [(0,)]
        assert rows(db, "select count(*) from targets where run = 3 and reused_from is not null") == [(0,)]
        assert comparable(findings_of(config, db, "3")) == comparable(first)
    finally:
        server.stop()


def test_changed_page_is_fetched_again_and_a_fixed_target_rechecked(tmp_path):
    server, config, db = setup_site(tmp_path, reuse_targets_days=0)     # 0: no target result reused
    try:
        inspect(config, db)
        server.reset_counts()
        server.files["/p3.html"] = page("第3篇文章", '<a href="/index.html">首页</a><a href="/new-missing.html">新链接</a>')
        server.files["/files/lost.pdf"] = b"%PDF-1.4\n%%EOF\n"          # fixed since run 1
        inspect(config, db)
        assert server.statuses[304] == 6 and server.requests["GET /p3.html"] == 1
        assert rows(db, "select reused_from, not_modified from pages where run = 2 and url like '%p3.html'") == \
            [(None, None)]
        broken = {(f["url"].rsplit("/", 1)[1], f["target"].rsplit("/", 1)[1])
                  for f in findings_of(config, db) if f["check"] == "link.broken"}
        assert broken == {("", "gone.html"), ("p3.html", "new-missing.html")}
        assert server.requests["HEAD /files/lost.pdf"] == 1 and server.requests["HEAD /img/logo.png"] == 1
        assert rows(db, "select count(*) from targets where reused_from is not null") == [(0,)]
        assert rows(db, "select status, reused_from from targets where run = 2 and url like '%lost.pdf'") == \
            [(200, None)]
    finally:
        server.stop()


def test_server_ignoring_conditional_headers_reuses_the_parse(tmp_path):
    server, config, db = setup_site(tmp_path, conditional=False)
    try:
        inspect(config, db)
        first = findings_of(config, db)
        first_bytes = server.sent
        server.reset_counts()
        inspect(config, db)
        assert server.validated == 7 and server.statuses[304] == 0    # asked, but always answered 200
        assert server.sent * 2 > first_bytes                            # so everything came again
        assert rows(db, "select count(*), sum(not_modified) from pages where run = 2 and reused_from is not null") \
            == [(7, 0)]
        assert comparable(findings_of(config, db)) == comparable(first)
        note = rows(db, "select note from site_runs where run = 2")[0][0]
        assert "7 个页面未修改" in note and "其中 0 个服务器返回 304" in note
    finally:
        server.stop()


def test_interrupted_incremental_run_resumes(tmp_path):
    """Run 2 killed mid-crawl, then resumed: every page once, still reused, same findings."""
    build(tmp_path / "site")
    server = CountingServer(tmp_path / "site")      # http.server: Last-Modified, 304 on If-Modified-Since
    site = {"id": "s", "name": "测试站", "url": server.url, "department": "办公室", "render": "off"}
    config = write_config(tmp_path / "sites.toml", [dict(site, concurrency=1, download_delay=0.05)])
    db = tmp_path / "x.db"
    try:
        fast = write_config(tmp_path / "fast.toml", [dict(site, concurrency=8, download_delay=0)])
        inspect(fast, db, "--quiet")
        first = findings_of(config, db)
        child = subprocess.Popen([sys.executable, "-m", "xunjian", "inspect", "--config", str(config), "--db",
                                  str(db), "--as-of", "2026-11-20", "--quiet"], cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60

        def stored() -> int:
            try:
                return rows(db, "select count(*) from pages where run = 2")[0][0]
            except sqlite3.Error:
                return 0
        while stored() < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        assert 20 <= stored() < PAGES + 1, "the kill must land mid-crawl"
        xunjian("inspect", "--config", str(fast), "--db", str(db), "--resume", "--quiet")
        urls = [r[0] for r in rows(db, "select url from pages where run = 2")]
        assert len(urls) == len(set(urls)) == PAGES + 1
        assert rows(db, "select count(*), sum(not_modified) from pages where run = 2 and reused_from is not null") \
            == [(PAGES + 1, PAGES + 1)]
        assert rows(db, "select status from runs where id = 2") == [("complete",)]
        assert comparable(findings_of(config, db)) == comparable(first)
    finally:
        server.stop()


def test_reuse_targets_days_is_validated(tmp_path):
    site = {"id": "s", "name": "测试站", "url": "http://127.0.0.1:9/", "department": "办公室"}
    assert load_config(write_config(tmp_path / "a.toml", [site])).sites[0].reuse_targets_days == 7.0
    assert load_config(write_config(tmp_path / "b.toml", [site], "[crawl]\nreuse_targets_days = 0\n")
                       ).sites[0].reuse_targets_days == 0.0
    for value in (-1, "七天"):
        with pytest.raises(ConfigError) as caught:
            load_config(write_config(tmp_path / "c.toml", [dict(site, reuse_targets_days=value)]))
        assert "sites[1].reuse_targets_days" in str(caught.value) and "c.toml:" in str(caught.value)
