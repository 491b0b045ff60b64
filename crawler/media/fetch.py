"""Small HTTP client for the media poll: read a feed, and check the links found in posts.

Standard library only (urllib), redirects followed, bodies capped. Link checks try HEAD
first and fall back to GET when HEAD fails or is refused, as many servers mishandle HEAD.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

USER_AGENT = "Mozilla/5.0 (compatible; xunjian/0.1; new-media poll)"   # http.client sends latin-1 only
MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Fetched:
    url: str
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    final_url: str | None = None
    error: str | None = None          # timeout | refused | dns | tls | http | other
    message: str | None = None
    method: str = "GET"
    elapsed: float = 0.0

    @property
    def broken(self) -> bool:
        return self.error is not None or self.status is None or self.status >= 400

    def describe(self) -> str:
        """Chinese description of a failure (for findings' detail and account state)."""
        if self.error == "timeout":
            return "请求超时"
        if self.error == "refused":
            return "连接被拒绝"
        if self.error == "dns":
            return "域名无法解析"
        if self.error == "tls":
            return f"证书或加密连接错误：{self.message}"
        if self.status is not None and self.status >= 400:
            return f"返回 HTTP {self.status}"
        return f"无法访问：{self.message or self.error}"


def _classify(exc: BaseException) -> str:
    reason = getattr(exc, "reason", exc)
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return "timeout"
    if isinstance(reason, ConnectionRefusedError):
        return "refused"
    if isinstance(reason, socket.gaierror):
        return "dns"
    if isinstance(reason, ssl.SSLError):
        return "tls"
    return "other"


def fetch(url: str, timeout: float = 15.0, method: str = "GET", max_bytes: int = MAX_BYTES) -> Fetched:
    """One request; never raises. HTTP errors come back with their status."""
    started = time.monotonic()
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    result = Fetched(url=url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            result.status = response.status
            result.final_url = response.geturl()
            result.content_type = response.headers.get("Content-Type")
            if method != "HEAD":
                result.body = response.read(max_bytes)
    except urllib.error.HTTPError as exc:
        result.status, result.final_url, result.error = exc.code, exc.geturl(), None
        result.content_type = exc.headers.get("Content-Type") if exc.headers else None
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        result.error, result.message = _classify(exc), str(getattr(exc, "reason", exc))[:500]
    result.elapsed = time.monotonic() - started
    return result


def check_link(url: str, timeout: float = 15.0) -> Fetched:
    """HEAD, then GET (capped) when HEAD failed or was refused."""
    head = fetch(url, timeout=timeout, method="HEAD")
    if not head.broken or head.error == "dns":
        return head
    return fetch(url, timeout=timeout, method="GET", max_bytes=64 * 1024)


def check_links(urls: list[str], timeout: float = 15.0, workers: int = 8) -> dict[str, Fetched]:
    """Check every distinct URL concurrently; {url: outcome}."""
    unique = list(dict.fromkeys(urls))
    if not unique:
        return {}
    with ThreadPoolExecutor(max_workers=min(workers, len(unique))) as pool:
        return dict(zip(unique, pool.map(lambda u: check_link(u, timeout), unique)))
