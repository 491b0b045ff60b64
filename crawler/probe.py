"""Availability probes: fetch every site's homepage once, the way a visitor would, and store it.

Not Scrapy (its reactor starts once per process, and the scheduler probes every half hour
in the same process): plain http.client in a thread per site, so all sites are probed at
once and a slow one delays none of the others. One probe is one GET of the homepage with
redirects followed, the whole body read, within the site's `probe_timeout` (15 s by default,
the indicators' figure) counted over the whole exchange. It records the status, time to
first byte, total time, error class and whether the body is the real homepage: a
maintenance notice or a replaced homepage served with status 200 is a failure of its own
kind (`not_homepage`). Error classes follow the crawler's targets.error: dns, refused,
timeout, tls, connection, redirect, invalid_url, http_4xx, http_5xx, not_homepage.

Certificates are not verified, as in the crawl: a certificate problem is not an outage.
"""

from __future__ import annotations

import datetime as dt
import http.client
import socket
import ssl
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from checks.availability import ERROR_ZH
from crawler.extract import decode_html, parse_page
from xunjian.config import Site
from xunjian.store import decompress_text, open_store

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
# A page saying this in its title, or a short page saying it anywhere, is a maintenance notice.
MAINTENANCE_WORDS = ("系统维护", "网站维护", "升级中", "暂停访问", "维护中", "正在维护", "系统升级",
                     "网站升级", "停机维护", "升级维护", "暂停服务", "临时关闭", "网站关闭", "无法访问")
SHORT_PAGE = 600            # characters of visible text below which a page is a "notice" page
SIMILAR = 0.2               # bigram Jaccard below which a page with another title is another page



@dataclass
class Reference:
    """The site's homepage as last stored by an inspection: what a real homepage looks like."""

    title: str
    text: str


@dataclass
class ProbeResult:
    """One probe of one homepage (a row of the `probes` table)."""

    site: str
    url: str
    at: str                     # ISO 8601 start time, local time with offset
    status: int | None = None   # final HTTP status after redirects
    ttfb: float | None = None   # seconds to the first response's status line and headers
    total: float | None = None  # seconds until the final body was read (or the failure)
    error: str | None = None    # error class, None when the homepage loaded
    message: str | None = None  # Chinese explanation of a failure
    bytes: int = 0              # body bytes received (final response, as sent)
    real_homepage: int | None = None   # 1 real, 0 maintenance or replaced page, None no body

    @property
    def ok(self) -> bool:
        return self.error is None


class _Deadline(Exception):
    pass


class _InvalidURL(Exception):
    pass


def _connect(url: str, timeout: float) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _InvalidURL(f"网址无效：{url}")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if parts.scheme == "https":
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout, context=context), path
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout), path


def _read_body(response: http.client.HTTPResponse, conn: http.client.HTTPConnection,
               deadline: float, limit: int) -> bytes:
    chunks, size = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Deadline()
        if conn.sock is not None:
            conn.sock.settimeout(left)
        chunk = response.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:       # enough to judge; the rest is not the availability question
            return b"".join(chunks)


def fetch(url: str, timeout: float, user_agent: str, limit: int = 10 * 1024 * 1024
          ) -> tuple[int, dict[str, str], bytes, float, str]:
    """GET `url` following redirects within `timeout` seconds in all.

    Returns (status, headers, body, time to first byte, final URL); raises on failure.
    """
    started = time.monotonic()
    deadline = started + timeout
    ttfb = None
    seen = [url]
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Deadline()
        conn, path = _connect(url, left)
        try:
            # Header values go out as Latin-1 unless given as bytes; the User-Agent may hold Chinese.
            conn.request("GET", path, headers={"User-Agent": user_agent.encode("utf-8"), "Accept": "text/html,*/*;q=0.8",
                                               "Accept-Encoding": "gzip, deflate", "Connection": "close"})
            response = conn.getresponse()
            if ttfb is None:
                ttfb = time.monotonic() - started
            body = _read_body(response, conn, deadline, limit)
            status, headers = response.status, {k.lower(): v for k, v in response.getheaders()}
        finally:
            conn.close()
        location = headers.get("location")
        if status in (301, 302, 303, 307, 308) and location:
            url = urljoin(url, location.strip())
            if url in seen or len(seen) > MAX_REDIRECTS:
                raise http.client.HTTPException(f"重定向循环或次数过多：{' → '.join(seen + [url])}")
            seen.append(url)
            continue
        if time.monotonic() > deadline:
            raise _Deadline()
        return status, headers, body, ttfb, url


def classify(exc: BaseException) -> tuple[str, str]:
    """(error class, Chinese message) of a failed fetch."""
    text = f"{type(exc).__name__}: {exc}"[:300]
    if isinstance(exc, (_Deadline, TimeoutError, socket.timeout)):
        return "timeout", "超时：规定时间内未能完整加载首页"
    if isinstance(exc, socket.gaierror):
        return "dns", f"域名无法解析（{text}）"
    if isinstance(exc, ConnectionRefusedError):
        return "refused", "连接被拒绝"
    if isinstance(exc, ssl.SSLError):
        return "tls", f"TLS 握手失败（{text}）"
    if isinstance(exc, http.client.HTTPException) and "重定向" in str(exc):
        return "redirect", str(exc)[:300]
    if isinstance(exc, _InvalidURL):
        return "invalid_url", str(exc)[:300]
    if isinstance(exc, (http.client.HTTPException, OSError)):
        return "connection", f"连接中断（{text}）"
    return "error", text


def _bigrams(text: str) -> set[str]:
    text = "".join(text.split())[:20000]
    return {text[i:i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character bigrams of two texts (0 to 1)."""
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / len(x | y) if x and y else 0.0


def judge_homepage(title: str, text: str, reference: Reference | None) -> str | None:
    """None if this looks like the real homepage, else why not (Chinese)."""
    title, text = title.strip(), " ".join(text.split())
    if not title and not text:
        return "页面内容为空"
    word = next((w for w in MAINTENANCE_WORDS if w in title), None)
    if word is None and len(text) < SHORT_PAGE:
        word = next((w for w in MAINTENANCE_WORDS if w in text), None)
    if word:
        return f"返回维护或提示页面（含“{word}”，标题“{title}”）"
    if reference and reference.title and title != reference.title.strip():
        score = similarity(text, reference.text)
        if score < SIMILAR:
            return (f"首页内容被替换：标题“{title}”与巡检存档的首页标题“{reference.title.strip()}”不同，"
                    f"内容相似度 {score:.0%}")
    return None


def _text_of(body: bytes, headers: dict[str, str], url: str) -> tuple[str, str]:
    if headers.get("content-encoding", "").lower() in ("gzip", "deflate"):
        try:
            body = zlib.decompress(body, 47)
        except zlib.error:
            pass
    decoded = decode_html(body, headers.get("content-type"))
    page = parse_page(decoded.text, url, decoded.charset)
    return page.title or "", page.text.replace("\x00", "\n")


def probe_site(site: Site, at: dt.datetime, reference: Reference | None = None) -> ProbeResult:
    """Probe `site`'s homepage once (the real network); never raises."""
    result = ProbeResult(site=site.id, url=site.url, at=at.isoformat(timespec="seconds"))
    started = time.monotonic()
    try:
        status, headers, body, ttfb, final = fetch(site.url, site.probe_timeout, site.user_agent,
                                                   site.max_page_bytes)
    except Exception as exc:  # noqa: BLE001 - every failure is a recorded probe
        result.total = round(time.monotonic() - started, 3)
        result.error, result.message = classify(exc)
        if result.error == "timeout":
            result.message = f"超时：{site.probe_timeout:g} 秒内未能完整加载首页"
        return result
    result.total = round(time.monotonic() - started, 3)
    result.status, result.ttfb, result.bytes = status, round(ttfb, 3), len(body)
    if status >= 400:
        result.error = "http_5xx" if status >= 500 else "http_4xx"
        result.message = f"首页返回 HTTP {status}"
        return result
    title, text = _text_of(body, headers, final)
    reason = judge_homepage(title, text, reference)
    result.real_homepage = 0 if reason else 1
    if reason:
        result.error, result.message = "not_homepage", reason
    return result


def homepage_reference(db, site: Site) -> Reference | None:
    """The site's homepage as the newest inspection stored it (status 200), if any."""
    # Run by run through the (run, site) index, newest first: never a scan of every stored page.
    row = None
    for (run,) in db.execute("select run from site_runs where site = ? order by run desc limit 12", [site.id]):
        row = db.execute("select title, text from pages where run = ? and site = ? and depth = 0 and status = 200 "
                         "order by id desc limit 1", [run, site.id]).fetchone()
        if row is not None:
            break
    if row is None:
        return None
    try:
        return Reference(row[0] or "", decompress_text(row[1]))
    except Exception:  # noqa: BLE001 - a damaged stored text only weakens the judgement
        return Reference(row[0] or "", "")


def record(db, results: Iterable[ProbeResult]) -> int:
    rows = [asdict(r) for r in results]
    with db.conn:
        db["probes"].insert_all(rows)
    return len(rows)


def probe_sites(db_path: Path | str, sites: list[Site], tz: str | ZoneInfo = "Asia/Shanghai",
                at: dt.datetime | None = None, workers: int = 32) -> list[ProbeResult]:
    """Probe every site's homepage at once, store the results and return them (in site order).

    `at` is the time recorded (default: now in `tz`); every site is probed concurrently.
    """
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    when = (at or dt.datetime.now(zone)).astimezone(zone)
    db = open_store(db_path)
    try:
        references = {site.id: homepage_reference(db, site) for site in sites}
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(sites)))) as pool:
            results = list(pool.map(lambda s: probe_site(s, when, references[s.id]), sites))
        record(db, results)
    finally:
        db.conn.close()
    return results


def describe(result: ProbeResult) -> str:
    """One line in Chinese for the terminal and the scheduler's log."""
    if result.ok:
        return f"正常  HTTP {result.status}  首字节 {result.ttfb:.2f} 秒  总耗时 {result.total:.2f} 秒"
    name = ERROR_ZH.get(result.error or "", result.error)
    status = f"HTTP {result.status}  " if result.status else ""
    return f"失败（{name}）  {status}{result.message}  用时 {result.total:.2f} 秒"
