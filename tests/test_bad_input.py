"""Bad input never stops a run: oversized and garbage pages, resets, 503 with Retry-After, Ctrl-C."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.conftest import ROOT, findings_of, write_config, write_site, xunjian


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    from demo.server import FixtureSite

    tmp = tmp_path_factory.mktemp("hostile")
    files = {
        "index.html": """\
            <html><head><meta charset="utf-8"><title>首页</title></head><body>
            <a href="big.html">超大页面</a> <a href="junk.html">乱码页面</a> <a href="reset.html">断开连接</a>
            <a href="ok.html">正常页面</a> <a href="big.pdf">超大附件</a></body></html>""",
        "ok.html": "<html><head><title>正常</title></head><body>正常内容</body></html>",
        "big.html": b"<html><body>" + b"<p>" + b"x" * 2_000_000 + b"</p></body></html>",
        "big.pdf": b"%PDF-1.4\n" + b"0" * 3_000_000,
        "junk.html": bytes(range(256)) * 40,
    }
    site = FixtureSite(write_site(tmp / "site", files, """\
        head = "refuse"
        [[routes]]
        path = "/reset.html"
        reset = true
        """)).start()
    config = write_config(tmp / "sites.toml", [
        {"id": "h", "name": "问题网站", "url": site.url, "department": "办公室", "max_page_bytes": 1_000_000,
         "retries": 0, "download_delay": 0}])
    db = tmp / "x.db"
    result = xunjian("inspect", "--config", str(config), "--db", str(db), "--quiet")
    yield {"db": db, "config": config, "url": site.url, "result": result}
    site.stop()


def target(db, url):
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return dict(conn.execute("select * from targets where url = ?", [url]).fetchone())


def test_run_completes(hostile):
    assert hostile["result"].returncode == 0
    with sqlite3.connect(hostile["db"]) as conn:
        assert conn.execute("select status from runs").fetchone()[0] == "complete"
        assert conn.execute("select count(*) from pages").fetchone()[0] == 3   # index, ok, junk


def test_oversized_page_is_recorded_not_broken(hostile):
    row = target(hostile["db"], hostile["url"] + "big.html")
    assert row["error"] == "too_large"
    broken = {f["target"] for f in findings_of(hostile["config"], hostile["db"]) if f["check"] == "link.broken"}
    assert hostile["url"] + "big.html" not in broken


def test_large_attachment_checked_without_download(hostile):
    # HEAD is refused: the GET stops after the headers, so the 3 MB file is judged, not fetched.
    row = target(hostile["db"], hostile["url"] + "big.pdf")
    assert (row["method"], row["status"], row["error"]) == ("GET", 200, None)


def test_reset_is_a_broken_link(hostile):
    findings = findings_of(hostile["config"], hostile["db"])
    reset = [f for f in findings if f["target"] == hostile["url"] + "reset.html"]
    assert len(reset) == 1 and reset[0]["extra"]["error"] == "connection"


def test_garbage_bytes_page_is_stored_and_reported_garbled(hostile):
    findings = findings_of(hostile["config"], hostile["db"])
    assert [f["url"] for f in findings if f["check"] == "layout.garbled"] == [hostile["url"] + "junk.html"]


class RetryAfterHandler(BaseHTTPRequestHandler):
    """Answers 503 with Retry-After: 1 to the first request for each path, then 200."""

    seen: set[str] = set()

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path not in ("/", "/a.html"):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path not in self.seen:
            self.seen.add(self.path)
            self.send_response(503)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = (f'<html><head><title>页面 {self.path}</title></head><body><a href="/a.html">甲</a></body></html>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_503_with_retry_after_is_retried(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), RetryAfterHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        config = write_config(tmp_path / "sites.toml", [
            {"id": "r", "name": "限流网站", "url": url, "department": "办公室", "download_delay": 0}])
        db = tmp_path / "x.db"
        started = time.monotonic()
        xunjian("inspect", "--config", str(config), "--db", str(db), "--quiet")
        assert time.monotonic() - started >= 2          # waited as asked, once per page
        assert [f for f in findings_of(config, db) if f["check"].startswith("link.")] == []
        with sqlite3.connect(db) as conn:
            assert conn.execute("select count(*) from pages where status = 200").fetchone()[0] == 2
    finally:
        server.shutdown()
        server.server_close()


def test_ctrl_c_keeps_what_was_fetched_and_resume_finishes(tmp_path):
    pages = {f"p{i}.html": f"<html><body><a href='index.html'>首页</a>第{i}篇</body></html>" for i in range(60)}
    pages["index.html"] = "<html><body>" + "".join(f"<a href='p{i}.html'>第{i}篇</a>" for i in range(60)) + "</body></html>"
    from demo.server import FixtureSite

    with FixtureSite(write_site(tmp_path / "site", pages)) as site:
        config = write_config(tmp_path / "sites.toml", [
            {"id": "s", "name": "测试站", "url": site.url, "department": "办公室", "download_delay": 0.1}])
        # 62 requests 0.1 s apart: the interrupt at 3 s lands mid-crawl
        db = tmp_path / "x.db"
        child = subprocess.Popen([sys.executable, "-m", "xunjian", "inspect", "--config", str(config),
                                  "--db", str(db), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        time.sleep(3)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
        assert child.returncode == 130, err
        assert "--resume" in err
        with sqlite3.connect(db) as conn:
            assert conn.execute("select status from runs").fetchone()[0] == "interrupted"
            before = conn.execute("select count(*) from pages").fetchone()[0]
        assert 0 < before < 61
        xunjian("inspect", "--config", str(config), "--db", str(db), "--resume", "--quiet")
        with sqlite3.connect(db) as conn:
            urls = [row[0] for row in conn.execute("select url from pages")]
            assert conn.execute("select status from runs").fetchone()[0] == "complete"
        assert len(urls) == len(set(urls)) == 61
