"""Loopback fixture server: serves a directory as one website on 127.0.0.1.

Used by the demo (``python -m demo.server DIR[:PORT] ...``) and by the test
suite (``FixtureSite``).  Only the standard library is used.

A site is a directory of static files plus an optional ``_site.toml`` that
declares special behaviour (see ``SiteConfig``)::

    charset_header = "gbk"      # "; charset=gbk" on text/html (default: none)
    head = "refuse"             # 405 for every HEAD (default "allow")
    not_found = "soft404"       # 200 + Chinese 页面不存在 page (default "404")
    [[routes]]                  # exact path (with query) -> behaviour
    path = "/loop/a"
    redirect = "/loop/b"        # 302, or `code = 301`
    # other route keys: status, body, content_type, delay, reset,
    # fail_every, headers (a table of extra response headers)

Routes are matched on the full request target (path + query) first, then,
for routes whose path has no query, on the path alone.  Files are looked up
by path only, so ``/list.html?page=2`` serves ``list.html``.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import os
import posixpath
import signal
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from demo.siteconfig import SITE_FILE, Route, SiteConfig, load_config

__all__ = ["FixtureSite", "Route", "SiteConfig", "load_config", "serve_sites", "main"]

# Fixed types so responses do not depend on the host's /etc/mime.types.
_TYPES = {
    ".html": "text/html", ".htm": "text/html", ".shtml": "text/html",
    ".css": "text/css", ".js": "application/javascript", ".json": "application/json",
    ".xml": "application/xml", ".txt": "text/plain",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".svg": "image/svg+xml", ".ico": "image/x-icon", ".webp": "image/webp",
    ".pdf": "application/pdf", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip", ".rar": "application/vnd.rar", ".wps": "application/vnd.ms-works",
}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _page(title: str, text: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="{{cs}}">'
            f"<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p>"
            '<p><a href="/">返回首页</a></p></body></html>\n')


_STATUS_TEXT = {
    404: ("页面不存在", "您访问的页面不存在或已被删除。"),
    405: ("请求方法不被允许", "服务器拒绝了该请求方法。"),
    500: ("服务器内部错误", "服务器暂时无法处理您的请求，请稍后再试。"),
    503: ("服务暂时不可用", "服务器繁忙，请稍后再试。"),
}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "xunjian-fixture/1.0"
    sys_version = ""
    timeout = 30  # idle keep-alive connections end after this many seconds
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle plus delayed ACK
    # holds every keep-alive response for ~40 ms.
    disable_nagle_algorithm = True
    server: "_Server"

    # --- plumbing -------------------------------------------------------
    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if self.server.verbose:
            super().log_message(format, *args)

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        self.server.track(self.connection, False)
        try:
            super().finish()
        except OSError:
            pass

    def handle(self) -> None:
        try:
            super().handle()
        except (ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802
        self._dispatch(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        if self.server.config.head == "refuse":
            self._drain()
            self._error(405, head=True, extra={"Allow": "GET"})
            return
        self._dispatch(head=True)

    def _drain(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    # --- responses ------------------------------------------------------
    def _send(self, status: int, body: bytes, ctype: str, head: bool,
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _html(self, status: int, title: str, text: str, head: bool,
              extra: dict[str, str] | None = None) -> None:
        charset = self.server.config.charset_header or "utf-8"
        body = _page(title, text).replace("{cs}", charset).encode(charset, "replace")
        self._send(status, body, f"text/html; charset={charset}", head, extra)

    def _error(self, status: int, head: bool, extra: dict[str, str] | None = None) -> None:
        title, text = _STATUS_TEXT.get(status, (f"错误 {status}", "请求无法完成。"))
        self._html(status, title, text, head, extra)

    def _not_found(self, head: bool) -> None:
        if self.server.config.not_found == "soft404":
            self._html(200, "页面不存在", "抱歉，您访问的页面不存在，请返回首页。", head)
        else:
            self._error(404, head)

    def _reset(self) -> None:
        """Abort the connection with a TCP RST and answer nothing."""
        self.close_connection = True
        conn = self.connection
        try:
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(conn.detach())
        except OSError:
            pass

    # --- dispatch -------------------------------------------------------
    def _dispatch(self, head: bool) -> None:
        self._drain()
        target = self.path
        if "://" in target:  # absolute-form request target
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        path = target.split("?", 1)[0].split("#", 1)[0]
        routes = self.server.config.routes
        route = routes.get(target)
        if route is None:
            candidate = routes.get(path)
            if candidate is not None and "?" not in candidate.path:
                route = candidate
        if route is not None:
            self._route(route, path, head)
        else:
            self._file(path, head)

    def _route(self, route: Route, path: str, head: bool) -> None:
        if route.delay:
            time.sleep(route.delay)
        if route.reset:
            self._reset()
            return
        if route.fail_every and self.server.count(route.path) % route.fail_every == 0:
            self._error(503, head, {"Retry-After": "1"})
            return
        extra = dict(route.headers)
        if route.redirect is not None:
            extra["Location"] = route.redirect
            self._html(route.code, "页面已移动", f"页面已移动到 {route.redirect}", head, extra)
            return
        if route.body is not None:
            charset = self.server.config.charset_header or "utf-8"
            ctype = route.content_type or f"text/html; charset={charset}"
            self._send(route.status or 200, route.body.encode(charset, "replace"), ctype,
                       head, extra)
            return
        if route.status is not None and route.status != 200:
            self._error(route.status, head, extra)
            return
        self._file(path, head, extra, status=route.status or 200)

    def _resolve(self, path: str) -> Path | None:
        rel = posixpath.normpath(unquote(path, errors="replace"))
        parts = [p for p in rel.split("/") if p not in ("", ".", "..")]
        if parts and parts[0] == SITE_FILE:
            return None
        root = self.server.root
        candidate = root.joinpath(*parts) if parts else root
        try:
            candidate = candidate.resolve()
        except OSError:
            return None
        if candidate != root and root not in candidate.parents:
            return None
        return candidate

    def _file(self, path: str, head: bool, extra: dict[str, str] | None = None,
              status: int = 200) -> None:
        fs_path = self._resolve(path)
        if fs_path is not None and fs_path.is_dir():
            if not path.endswith("/"):
                query = self.path.split("?", 1)[1] if "?" in self.path else ""
                location = path + "/" + (f"?{query}" if query else "")
                self._html(301, "页面已移动", "页面已移动。", head, {"Location": location})
                return
            fs_path = fs_path / "index.html"
        if fs_path is None or not fs_path.is_file():
            self._not_found(head)
            return
        try:
            body = fs_path.read_bytes()
        except OSError:
            self._not_found(head)
            return
        suffix = fs_path.suffix.lower()
        ctype = _TYPES.get(suffix) or mimetypes.guess_type(fs_path.name)[0]
        ctype = ctype or "application/octet-stream"
        if ctype == "text/html" and self.server.config.charset_header:
            ctype += f"; charset={self.server.config.charset_header}"
        # No Last-Modified: file mtimes would make responses differ between builds.
        self._send(status, body, ctype, head, extra)


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops SYNs under a crawler's burst of new
    # connections, and each dropped SYN costs the client a 1-second retransmit.
    request_queue_size = 128
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, addr, root: Path, config: SiteConfig, verbose: bool) -> None:
        self.root = root
        self.config = config
        self.verbose = verbose
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._conns: set[socket.socket] = set()
        super().__init__(addr, _Handler)

    def count(self, key: str) -> int:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    def track(self, conn: socket.socket, alive: bool) -> None:
        with self._lock:
            (self._conns.add if alive else self._conns.discard)(conn)

    def close_connections(self) -> None:
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        if self.verbose:
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class FixtureSite:
    """One static site served on loopback; a context manager."""

    def __init__(self, root: Path | str, host: str = "127.0.0.1", port: int = 0,
                 *, verbose: bool = False) -> None:
        if not _is_loopback(host):
            raise ValueError(f"FixtureSite only serves on loopback, not {host!r}")
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"site root {self.root} is not a directory")
        self.host = "127.0.0.1" if host == "localhost" else host
        self.port = port
        self.verbose = verbose
        self.config = load_config(self.root)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def start(self) -> "FixtureSite":
        if self._server is not None:
            return self
        cls = _Server6 if ":" in self.host else _Server
        self._server = cls((self.host, self.port), self.root, self.config, self.verbose)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"fixture-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "FixtureSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"FixtureSite({str(self.root)!r}, url={self.url!r})"


def serve_sites(roots: dict[str, Path], ports: dict[str, int] | None = None
                ) -> dict[str, FixtureSite]:
    """Start one FixtureSite per root (port 0 unless given); all or none."""
    ports = ports or {}
    started: dict[str, FixtureSite] = {}
    try:
        for name, root in roots.items():
            started[name] = FixtureSite(root, port=ports.get(name, 0)).start()
    except BaseException:
        for site in started.values():
            site.stop()
        raise
    return started


def _parse_arg(arg: str) -> tuple[str, Path, int]:
    directory, port = arg, 0
    head, sep, tail = arg.rpartition(":")
    if sep and tail.isdigit() and head:
        directory, port = head, int(tail)
    path = Path(directory)
    return path.resolve().name, path, port


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    verbose = "-v" in argv or "--verbose" in argv
    args = [a for a in argv if a not in ("-v", "--verbose")]
    if not args or any(a in ("-h", "--help") for a in args):
        print("usage: python -m demo.server [-v] DIR[:PORT] ...", file=sys.stderr)
        return 2
    sites: list[FixtureSite] = []
    try:
        for arg in args:
            name, path, port = _parse_arg(arg)
            site = FixtureSite(path, port=port, verbose=verbose).start()
            sites.append(site)
            print(f"{name} {site.url}", flush=True)
    except (OSError, ValueError) as exc:
        for site in sites:
            site.stop()
        print(f"demo.server: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for site in sites:
            site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
