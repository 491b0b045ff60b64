"""A site's configured concurrency holds in a single-process crawl, even with no delay.

Scrapy 2.19's downloader hands a slot's whole queue out at once when the slot's delay is 0
(it marks a request as transferring only once its coroutine runs); crawler/settings.py gives
every slot a 1 ms floor so it takes one request at a time.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.conftest import write_config, xunjian

PAGES = 24


class _Counting(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        server = self.server
        with server.lock:
            server.active += 1
            server.peak = max(server.peak, server.active)
        try:
            time.sleep(0.05)
            if self.path == "/":
                body = "".join(f'<a href="/p{i}.html">第{i}页</a>' for i in range(PAGES))
            else:
                body = "<p>内容</p>"
            data = f"<html><head><title>页</title></head><body>{body}</body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            with server.lock:
                server.active -= 1

    do_HEAD = do_GET


def test_site_concurrency_holds_without_delay(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Counting)
    server.request_queue_size = 64
    server.lock, server.active, server.peak = threading.Lock(), 0, 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        config = write_config(tmp_path / "sites.toml", [
            {"id": "s", "name": "测试站", "url": url, "department": "办公室", "concurrency": 2,
             "download_delay": 0, "retries": 0, "render": "off"}])
        xunjian("inspect", "--config", str(config), "--db", str(tmp_path / "x.db"), "--checks", "link.broken")
    finally:
        server.shutdown()
    assert 1 <= server.peak <= 2
