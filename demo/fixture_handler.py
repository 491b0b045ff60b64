"""How the loopback fixture server answers one request: the request handler of demo.server.

demo.server owns the server's lifecycle (``FixtureSite``, ``serve_sites``, the command line);
this module owns what a request gets back: the ``_site.toml`` routes (redirects, delays,
resets, intermittent 503s, canned bodies), soft 404s, refused HEADs, and static files with
fixed content types.  Kept apart so that a newcomer looking for a fixture behaviour reads
only the behaviours, not the threading and socket plumbing.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath
import socket
import struct
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from demo.siteconfig import SITE_FILE, Route

if TYPE_CHECKING:  # demo.server imports this module; the annotation only needs the name
    from demo.server import _Server


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


class FixtureHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for one fixture site, as its server's ``SiteConfig`` says."""

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
