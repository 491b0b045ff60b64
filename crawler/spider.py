"""The inspection spider: crawls every site of a run and checks every link target once.

One spider serves all the run's sites; each site gets its own download slot (its own
concurrency and delay, DOWNLOAD_SLOTS) so several sites are crawled at once, politely.
Redirects are followed here rather than by Scrapy's middleware so that every hop is
recorded as a target (a chain, a loop, or a jump off the site is a stored fact).
Each URL is requested at most once per run: the `seen` set replaces Scrapy's dupe filter.
This module holds the crawl's state, its lifecycle and the handling of answers; which link
targets are requested, and how, is the LinkTargets mixin (crawler/link_targets.py), and
the error classes stored for failed fetches are in crawler/fetch_errors.py.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, AsyncIterator, Iterable
from urllib.parse import urldefrag, urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response
from twisted.internet.task import LoopingCall
from w3lib.url import safe_url_string

from crawler import attachments
from crawler.extract import decode_html, parse_page
from crawler.fetch_errors import failure_class, status_error
from crawler.incremental import reuse_page
from crawler.link_targets import LinkTargets
from crawler.progress import Progress, SiteCounters
from crawler.scope import Fetch, canonical_url, normalize_url, redirect_refusal
from crawler.writer import StoreWriter
from xunjian.config import Site

MAX_LINKS_PER_PAGE = 5000
EXTERNAL_TEXT_CHARS = 20000
# Response headers kept with each page: conditional requests next month, and server facts.
KEPT_HEADERS = ("Last-Modified", "ETag", "Server", "X-Powered-By", "Cache-Control", "Content-Language")


def is_html(response: Response) -> bool:
    """Whether a response is an HTML page: by its Content-Type, or by its first byte without one."""
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if content_type:
        return "html" in content_type
    return response.body[:512].lstrip()[:1] == b"<"


class InspectSpider(LinkTargets, scrapy.Spider):
    """Crawl the sites of one run, storing pages, links and link-target outcomes."""

    name = "xunjian"

    def __init__(self, run: int, sites: list[Site], writer: StoreWriter,
                 seen: Iterable[str] = (), pending: Iterable[Fetch] = (), stored: Iterable[str] = (),
                 progress: Progress | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.run = run
        self.sites = {site.id: site for site in sites}
        self.site_by_netloc = {netloc: site.id for site in sites for netloc in site.own_netlocs()}
        self.writer = writer
        self.seen: set[str] = {normalize_url(url) for url in seen}
        # A page may be linked as "/a/" and as "/a/index.html". Per page (canonical URL): is a
        # fetch of it in flight, stored ("ok") or failed, and which other names wait for it.
        self.page_state: dict[str, str] = {canonical_url(url): "ok" for url in stored}
        self.parked: dict[str, list[tuple[str, str, str, Fetch]]] = {}
        self.counters = {site.id: SiteCounters() for site in sites}
        self.progress = progress
        self.head_refused: set[str] = set()
        # Crawler traps: pages planned per (site, URL pattern), and pages cut as traps per site.
        self.pattern_pages: dict[tuple[str, str], int] = {}
        self.trap_cut: dict[str, int] = {site.id: 0 for site in sites}
        for url in stored:
            site_id = self.site_by_netloc.get(urlsplit(url).netloc.lower())
            if site_id is not None:
                self._count_pattern(site_id, url)
        # What a resumed run still has to fetch is claimed now, not as start() yields it:
        # start requests are consumed lazily, and a page fetched meanwhile may link to them.
        self.pending: list[Fetch] = []
        for fetch in pending:
            if normalize_url(fetch.url) in self.seen:
                continue
            if fetch.kind == "page" and canonical_url(fetch.url) in self.page_state:
                fetch = fetch.but(kind="resource", method="HEAD")   # stored under its other name
            self.seen.add(normalize_url(fetch.url))
            if fetch.kind == "page":
                self.page_state[canonical_url(fetch.url)] = "inflight"
                self._count_pattern(fetch.site, fetch.url)
            self.pending.append(fetch)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._headers_received, signal=signals.headers_received)
        crawler.signals.connect(spider._bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    # --- lifecycle ---------------------------------------------------------------------

    def _opened(self, spider):
        self._flusher = LoopingCall(self._tick)
        self._flusher.start(1.0, now=False)

    def _tick(self):
        if self.writer.error is not None:   # the store cannot be written: stop, keep what is stored
            self.crawler.engine.close_spider(self, reason="store_error")
            return
        self.writer.flush()
        if self.progress:
            self.progress.update(self.counters)

    def _closed(self, spider, reason):
        if self._flusher.running:
            self._flusher.stop()
        self.close_reason = reason
        for site_id, count in self.counters.items():
            status = "done" if reason == "finished" else "interrupted"
            values = {}
            if count.homepage_error and count.pages == 0:
                status, values["note"] = "unreachable", f"首页无法访问：{count.homepage_error}"
            elif count.cut:
                values["note"] = f"达到页面数或深度上限，{count.cut} 个页面未抓取"
                if self.trap_cut.get(site_id):
                    values["note"] += (f"（其中 {self.trap_cut[site_id]} 个疑似爬虫陷阱：同一网址模式超过 "
                                       f"{self.sites[site_id].max_pages_per_pattern} 页或路径无限加深）")
            self.writer.update_site(site_id, pages=count.pages, targets=count.checked, errors=count.errors,
                                    cut=count.cut, status=status, **values)
        if self.progress:
            self.progress.update(self.counters, final=True)

    async def start(self) -> AsyncIterator[Request]:
        for site in self.sites.values():
            if normalize_url(site.url) not in self.seen:
                self.writer.update_site(site.id, status="crawling")
                probe = urljoin(site.url, f"/xunjian-{uuid.uuid4().hex[:12]}-not-found.html")
                yield self._request(Fetch(probe, site.id, "probe"))
                self.seen.add(normalize_url(site.url))
                self.page_state[canonical_url(site.url)] = "inflight"
                yield self._request(Fetch(site.url, site.id, "page", depth=0))
        for fetch in self.pending:
            yield self._request(fetch)

    # --- responses ---------------------------------------------------------------------

    def _record(self, fetch: Fetch, response: Response | None = None, error: str | None = None,
                message: str | None = None, location: str | None = None) -> None:
        counters = self.counters[fetch.site]
        counters.checked += 1
        status = response.status if response is not None else None
        error = error or (status_error(status) if status else None)
        if error:
            counters.errors += 1
            if fetch.url == self.sites[fetch.site].url:
                counters.homepage_error = f"{error}" + (f"（HTTP {status}）" if status else f"（{message}）")
        content_type = None
        if response is not None:
            content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")[:200] or None
        latency = (response.meta if response is not None else {}).get("download_latency")
        self.writer.add_target({"url": fetch.url, "site": fetch.site, "kind": fetch.kind,
                                "method": fetch.method, "status": status, "error": error,
                                "message": message, "location": location,
                                "content_type": content_type,
                                "elapsed": round(latency, 3) if latency is not None else None})

    def on_response(self, response: Response):
        fetch: Fetch = response.meta["xj"]
        self.counters[fetch.site].answered += 1
        status = response.status
        if fetch.kind == "probe":
            return self._record_probe(fetch, response)
        if status == 304 and fetch.kind == "page" and reuse_page(self, fetch, response):
            return None     # not modified since the last run: its stored page is copied
        if 300 <= status < 400 and response.headers.get(b"Location"):
            raw = response.headers[b"Location"].decode("utf-8", "replace").strip()
            try:
                location = urldefrag(safe_url_string(urljoin(response.url, raw)))[0]
            except ValueError:
                location = raw[:2000]
            refusal = redirect_refusal(self.sites[fetch.site].url, location, fetch.hops)
            self._record(fetch, response, location=location, message=refusal)
            self._settle(fetch, stored=False)
            if refusal:
                return None
            # A hop keeps its kind: a page's redirect leads to a page, an image's to a file.
            tag, attr = ("a", "href") if fetch.kind == "page" or fetch.read else ("img", "src")
            self._schedule(self._follow(location, tag, attr, fetch.but(depth=fetch.depth - 1),
                                        hops=fetch.hops + 1))
            return None
        if fetch.method == "HEAD" and status >= 400:
            # HEAD refused (405/501) or unreliable: ask again with GET before judging.
            if status in (405, 501):
                self.head_refused.add(urlsplit(fetch.url).netloc)
            self._schedule(self._request(fetch.but(method="GET")))
            return None
        if fetch.method == "HEAD" and status < 300 and \
                attachments.head_wants_body(self.sites[fetch.site], fetch, response.headers, response.meta):
            request = self._request(fetch.but(method="GET"))     # a document: read it
            request.meta[attachments.HEAD] = response             # its link works whatever the body does
            self._schedule(request)
            return None
        self._record(fetch, response)
        if fetch.kind == "page" and status < 400 and is_html(response):
            self._store_page(fetch, response)
            return None
        self._settle(fetch, stored=False)
        if status < 400 and attachments.META in response.meta:
            attachments.queue(self.writer, fetch, response)
        if fetch.read and status < 400 and response.body:
            self._keep_body(fetch, response)
        return None

    def _keep_body(self, fetch: Fetch, response: Response) -> None:
        """Store an asset whole, or what an external page says (title and text)."""
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")[:200]
        decoded = decode_html(response.body, content_type)
        if fetch.kind == "asset":
            self.writer.add_asset(fetch.site, fetch.url, content_type, decoded.charset, response.body)
        elif is_html(response):
            page = parse_page(decoded.text, response.url, decoded.charset)
            self.writer.add_external(fetch.site, fetch.url, response.status, content_type, page.title[:300],
                                     page.text[:EXTERNAL_TEXT_CHARS], len(response.body))
            if page.refresh and redirect_refusal(self.sites[fetch.site].url, page.refresh, fetch.hops) is None:
                # A meta refresh sends visitors on like a redirect (a taken-over partner domain).
                location = urldefrag(page.refresh)[0]
                self._record(fetch, response, location=location)
                self._schedule(self._follow(location, "a", "href", fetch.but(depth=fetch.depth - 1),
                                            hops=fetch.hops + 1))

    def on_error(self, failure):
        request = failure.request
        fetch: Fetch = request.meta["xj"]
        self.counters[fetch.site].answered += 1
        if fetch.kind == "probe":
            self.writer.update_site(fetch.site, probe_status=None, note=f"无法获取 404 探测页：{failure.value}"[:300])
            return None
        if fetch.method == "HEAD" and not failure.check(IgnoreRequest):
            self._schedule(self._request(fetch.but(method="GET")))
            return None
        error, message = failure_class(failure)
        if attachments.HEAD in request.meta:   # the HEAD answered: the link works, the document is unread
            self._record(fetch.but(method="HEAD"), request.meta[attachments.HEAD])
            attachments.queue_failed(self.writer, fetch, error, message)
            return None
        self._record(fetch, None, error=error, message=message)
        self._settle(fetch, stored=False)
        return None

    def _record_probe(self, fetch: Fetch, response: Response) -> None:
        title, digest = "", None
        if response.status == 200 and is_html(response):
            decoded = decode_html(response.body, response.headers.get(b"Content-Type", b"").decode("latin-1"))
            page = parse_page(decoded.text, response.url, decoded.charset)
            title = page.title
            digest = hashlib.blake2b(page.text.encode("utf-8"), digest_size=12).hexdigest()
        self.writer.update_site(fetch.site, probe_status=response.status, probe_title=title,
                                probe_hash=digest, probe_size=len(response.body))

    def _store_page(self, fetch: Fetch, response: Response):
        digest = hashlib.blake2b(response.body, digest_size=16).hexdigest()
        if reuse_page(self, fetch, response, digest):
            return          # the same body as last run: its stored parse is copied
        counters = self.counters[fetch.site]
        counters.pages += 1
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1")
        decoded = decode_html(response.body, content_type)
        page = parse_page(decoded.text, response.url, decoded.charset)
        links = page.links[:MAX_LINKS_PER_PAGE]
        self._settle(fetch, stored=True)
        rows = []
        for link in links:
            if link.url is None:
                target, fragment = link.raw, ""
            else:
                target, fragment = urldefrag(link.url)
            rows.append((target, fragment, link.raw, link.tag, link.attr, link.text[:200],
                         link.selector, link.line, link.markup, link.onclick, link.rel))
            if link.url is None:
                if target not in self.seen:
                    self.seen.add(target)
                    self._record(fetch.but(url=target, kind="resource"), None, error="invalid_url",
                                 message=f"无法解析的网址：{link.raw[:200]}")
                continue
            self._schedule(self._follow(target, link.tag, link.attr, fetch, link.rel))
        latency = response.meta.get("download_latency")
        self.writer.add_page({
            "site": fetch.site, "url": fetch.url, "final_url": response.url, "status": response.status,
            "content_type": content_type[:200], "charset": decoded.charset,
            "charset_source": decoded.source, "title": page.title[:500], "size": len(response.body),
            "elapsed": round(latency, 3) if latency is not None else None,
            "content_hash": digest,
            "body": response.body, "text": page.text, "depth": fetch.depth, "referrer": fetch.referrer,
            "headers": {name: response.headers.get(name).decode("latin-1")[:300]
                        for name in KEPT_HEADERS if response.headers.get(name)} or None,
            "meta": page.meta or None, "ids": sorted(page.ids) if page.ids else None,
            "truncated": 1 if len(page.links) > MAX_LINKS_PER_PAGE else 0,
        }, rows)
