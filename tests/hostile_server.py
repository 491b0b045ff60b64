"""A loopback web server built to misbehave: traps, stalls, bombs, bad redirects, odd robots.txt.

Every request is logged as (method, path with query, monotonic time) so tests can count
what the crawler asked for. Handlers that stall watch `stop` so the server shuts down
promptly.
"""

from __future__ import annotations

import functools
import random
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GZIP_MEMBER_MB = 64
GZIP_MEMBERS = 15            # 960 MB of zeros in ~980 KB of gzip


@functools.lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """Concatenated gzip members of zeros: ~1 GB decompressed, under 1 MB on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"\0" * (1 << 20)
    member = b"".join([packer.compress(block) for _ in range(GZIP_MEMBER_MB)] + [packer.flush()])
    return member * GZIP_MEMBERS


def page(title: str, body: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head>"
            f"<body>{body}</body></html>").encode("utf-8")


HOSTILE_LINKS = """
slow-headers.html trickle.html hold.html huge.html bomb.html chunked.html binary.html links.html
deep.html invalid-utf8.html invalid-gbk.html invalid-none.html loop-a.html chain/0.html to-file.html
to-ftp.html to-js.html offsite.html cal.html?month=0 trap/a/ session.html;jsessionid=S0 q.html?id=1&utm_source=0
ok.html
""".split()


class HostileServer:
    """Serve the hostile routes on 127.0.0.1; `robots` is the robots.txt answer (status, body)."""

    def __init__(self, robots: tuple[int, bytes] = (404, b""), offsite_port: int = 9,
                 pages: dict[str, bytes] | None = None):
        self.log: list[tuple[str, str, float]] = []
        self.stop_event = threading.Event()
        self.robots = robots
        self.offsite_port = offsite_port
        self.pages = pages or {}
        self._bomb: bytes | None = gzip_bomb() if pages is None else None   # ready before the crawl asks
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                self.do_GET()

            def do_GET(self):
                server.log.append((self.command, self.path, time.monotonic()))
                self.close_connection = True
                try:
                    server.route(self)
                except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError, OSError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.stop_event.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests_for(self, prefix: str) -> list[str]:
        return [path for _, path, _ in self.log if path.startswith(prefix)]

    # --- routes ------------------------------------------------------------------------

    def send(self, h, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        if h.command != "HEAD":
            h.wfile.write(body)

    def redirect(self, h, location: str, status: int = 302) -> None:
        self.send(h, status, b"", headers={"Location": location})

    def stall(self, seconds: float = 120) -> None:
        self.stop_event.wait(seconds)

    def route(self, h) -> None:
        parts = urlsplit(h.path)
        path, query = parts.path, parse_qs(parts.query)
        if path in self.pages:
            return self.send(h, 200, self.pages[path])
        if path == "/robots.txt":
            status, body = self.robots
            return self.send(h, status, body, "text/plain")
        if path == "/":
            links = "".join(f'<a href="/{name}">{name}</a> ' for name in HOSTILE_LINKS)
            return self.send(h, 200, page("首页", links))
        if path == "/ok.html":
            return self.send(h, 200, page("正常", "正常内容"))
        # slow servers
        if path == "/slow-headers.html":    # the status line, then nothing
            h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
            h.wfile.flush()
            return self.stall()
        if path == "/trickle.html":         # a body one byte a second
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", "1000")
            h.end_headers()
            for _ in range(1000):
                if self.stop_event.wait(1):
                    return
                h.wfile.write(b"x")
                h.wfile.flush()
            return
        if path == "/hold.html":            # a few bytes, then the connection held open
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", "5000")
            h.end_headers()
            h.wfile.write(b"<html><body>")
            h.wfile.flush()
            return self.stall()
        # oversized and hostile bodies
        if path == "/huge.html":            # announces 1 GB and streams it
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Content-Length", str(1 << 30))
            h.end_headers()
            chunk = b"<p>" + b"x" * 65533
            for _ in range((1 << 30) // len(chunk)):
                if self.stop_event.is_set():
                    return
                h.wfile.write(chunk)
            return
        if path == "/huge-nolength.html":   # 1 GB with no length, until the client hangs up
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Connection", "close")
            h.end_headers()
            chunk = b"x" * 65536
            for _ in range((1 << 30) // len(chunk)):
                if self.stop_event.is_set():
                    return
                h.wfile.write(chunk)
            return
        if path == "/bomb.html":
            if self._bomb is None:
                self._bomb = gzip_bomb()
            return self.send(h, 200, self._bomb, headers={"Content-Encoding": "gzip"})
        if path == "/chunked.html":         # endless chunked transfer
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"<p>" + b"y" * 16381
            frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
            while not self.stop_event.is_set():
                h.wfile.write(frame)
            return
        if path == "/binary.html":
            rng = random.Random(10)
            return self.send(h, 200, bytes(rng.getrandbits(8) for _ in range(200_000)))
        if path == "/links.html":           # 100,000 links (fragments of this page: no requests)
            body = "".join(f'<a href="#n{i}">第{i}条</a>\n' for i in range(100_000))
            return self.send(h, 200, page("十万链接", body))
        if path == "/deep.html":            # markup nested 10,000 deep
            body = "<div>" * 10_000 + '<a href="/deep-target.html">最深处</a>' + "</div>" * 10_000
            return self.send(h, 200, page("深层嵌套", body))
        if path == "/deep-target.html":
            return self.send(h, 200, page("最深处", "到达"))
        if path == "/invalid-utf8.html":
            body = b"<html><head><title>\xff\xfe\xc3</title></head><body>" + bytes(range(128, 256)) * 50 + b"</body></html>"
            return self.send(h, 200, body, "text/html; charset=utf-8")
        if path == "/invalid-gbk.html":
            body = b"<html><head><meta charset='gbk'><title>\x81\x20\xff</title></head><body>" + b"\xff\x80\xfe" * 3000 + b"</body></html>"
            return self.send(h, 200, body, "text/html; charset=gbk")
        if path == "/invalid-none.html":
            body = b"<html><head><meta charset='x-no-such-charset'></head><body>\x00\x01\xff" * 2000 + b"</body></html>"
            return self.send(h, 200, body, "text/html; charset=bogus-label")
        # redirects
        if path == "/loop-a.html":
            return self.redirect(h, "/loop-b.html")
        if path == "/loop-b.html":
            return self.redirect(h, "/loop-a.html")
        if path.startswith("/chain/"):
            number = int(path.split("/")[2].split(".")[0])
            return self.redirect(h, f"/chain/{number + 1}.html")
        if path == "/to-file.html":
            return self.redirect(h, "file:///etc/passwd")
        if path == "/to-ftp.html":
            return self.redirect(h, f"ftp://127.0.0.1:{self.port}/pub/x.html")
        if path == "/to-js.html":
            return self.redirect(h, "javascript:alert(1)")
        if path == "/offsite.html":
            return self.redirect(h, f"http://127.0.0.1:{self.offsite_port}/elsewhere.html")
        # crawler traps
        if path == "/cal.html":             # an endless calendar
            month = int(query.get("month", ["0"])[0])
            return self.send(h, 200, page(f"日历 {month}", f'<a href="/cal.html?month={month + 1}">下月</a>'
                                                          f'<a href="/cal.html?month={month - 1}">上月</a>'))
        if path.startswith("/trap/"):       # ever-deeper relative links
            return self.send(h, 200, page("深层路径", '<a href="a/">更深</a><a href="b/a/">再深</a>'))
        if path.startswith("/session.html"):  # a new session ID in every link
            sid = random.getrandbits(64)
            return self.send(h, 200, page("会话", f'<a href="/session.html;jsessionid={sid:x}">再来</a>'
                                                   f'<a href="/q.html?utm_source={sid}&id=1">参数</a>'))
        if path == "/q.html":               # the same page under many query strings
            n = random.getrandbits(32)
            return self.send(h, 200, page("参数", f'<a href="/q.html?id=1&utm_source={n}">再来</a>'
                                                   f'<a href="/q.html?utm_medium={n}&id=1&from=x">再来</a>'
                                                   f'<a href="/q.html?spm={n}&id=1">再来</a>'))
        return self.send(h, 404, page("未找到", "404"))
