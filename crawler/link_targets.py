"""Which link targets the inspection spider fetches, and how each request is made.

A mixin of InspectSpider (crawler/spider.py), which holds the crawl's state and handles the
answers. Here: each URL is requested at most once per run (the `seen` set, not Scrapy's
dupe filter); a page linked under two names is fetched once, its other names waiting for
it; page, depth and per-pattern caps cut crawler traps; and each request carries its
site's slot, timeout, retries and size cap. Only a page's body is read whole: other
targets are judged by their status alone. The cluster worker (crawler/cluster_spider.py)
overrides `_follow` and `_settle` to share these decisions across processes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import StopDownload
from scrapy.http import Request

from crawler import attachments
from crawler.incremental import conditional_headers, reuse_target
from crawler.scope import Fetch, canonical_url, classify, clean_url, fetch_mode, is_trap, normalize_url, \
    url_pattern

if TYPE_CHECKING:
    from crawler.progress import SiteCounters
    from xunjian.config import Site

MAX_ASSET_BYTES = 2 * 1024 * 1024       # a script or stylesheet larger than this is not read
MAX_EXTERNAL_BYTES = 1024 * 1024        # of an external page, enough to judge what it serves


class LinkTargets:
    """Request planning for InspectSpider: dedupe, page aliases, caps and trap cuts, body reading."""

    # Set by InspectSpider.__init__.
    sites: dict[str, Site]
    site_by_netloc: dict[str, str]
    counters: dict[str, SiteCounters]
    seen: set[str]
    page_state: dict[str, str]
    parked: dict[str, list[tuple[str, str, str, Fetch]]]
    pattern_pages: dict[tuple[str, str], int]
    trap_cut: dict[str, int]
    head_refused: set[str]

    def _count_pattern(self, site_id: str, url: str) -> None:
        key = (site_id, url_pattern(url))
        self.pattern_pages[key] = self.pattern_pages.get(key, 0) + 1

    def _request(self, fetch: Fetch) -> Request:
        site = self.sites[fetch.site]
        self.counters[fetch.site].requested += 1
        maxsize = {"asset": MAX_ASSET_BYTES, "external": MAX_EXTERNAL_BYTES}.get(fetch.kind, site.max_page_bytes)
        if fetch.kind == "resource" and site.attachment_max_bytes:   # a document is cut at its own cap
            maxsize = max(maxsize, site.attachment_max_bytes + 1)
        meta = {"xj": fetch, "handle_httpstatus_all": True, "dont_redirect": True,
                "download_timeout": site.timeout, "download_maxsize": maxsize,
                "max_retry_times": 0 if fetch.method == "HEAD" else site.retries}
        if fetch.kind != "external":
            meta["download_slot"] = site.netloc
        if fetch.kind in ("external", "probe") or not site.obey_robots:
            meta["dont_obey_robotstxt"] = True
        priority = -fetch.depth if fetch.kind == "page" else -50
        return Request(clean_url(fetch.url), method=fetch.method, callback=self.on_response,
                       errback=self.on_error, meta=meta, dont_filter=True, priority=priority,
                       headers={"User-Agent": site.user_agent, **conditional_headers(self, fetch)})

    def _follow(self, url: str, tag: str, attr: str, parent: Fetch, rel: str = "",
                hops: int = 0) -> Request | None:
        """A request for a link target found on `parent`'s page, unless already seen."""
        key = normalize_url(url)
        if key in self.seen:
            return None
        kind, site_id = classify(url, tag, attr, parent.site, self.site_by_netloc, rel)
        if kind is None:
            return None
        if kind == "page":
            state = self.page_state.get(canonical_url(url))
            if state == "inflight":      # decide once the page's other name has answered
                self.parked.setdefault(canonical_url(url), []).append((url, tag, attr, parent))
                return None
            if state == "ok":            # stored under its other name: only check this name answers
                kind = "resource"
        site = self.sites[site_id]
        counters = self.counters[site_id]
        depth = parent.depth + 1
        if kind == "page":
            if depth > site.max_depth or counters.pages_planned >= site.max_pages:
                counters.cut += 1
                return None
            pattern = (site_id, url_pattern(url))
            if self.pattern_pages.get(pattern, 0) >= site.max_pages_per_pattern or is_trap(url):
                counters.cut += 1
                self.trap_cut[site_id] += 1
                return None
            self._count_pattern(site_id, url)
            counters.pages_planned += 1
            self.page_state[canonical_url(url)] = "inflight"
        elif kind == "external" and not self.sites[parent.site].check_external:
            return None
        self.seen.add(key)
        method, read = fetch_mode(kind, tag, attr)
        if urlsplit(url).netloc in self.head_refused:
            method = "GET"
        fetch = Fetch(url, site_id, kind, depth, parent.url, method, read, hops)
        return None if reuse_target(self, fetch) else self._request(fetch)

    def _settle(self, fetch: Fetch, stored: bool) -> None:
        """A page fetch has its outcome: release the other names of the page that waited for it."""
        if fetch.kind != "page":
            return
        page = canonical_url(fetch.url)
        self.page_state[page] = "ok" if stored else "failed"
        for url, tag, attr, parent in self.parked.pop(page, []):
            self._schedule(self._follow(url, tag, attr, parent))

    def _schedule(self, request: Request | None) -> None:
        # Straight to the engine: returning requests from callbacks sends each through
        # Scrapy's spider-output machinery, a quarter of the crawl's CPU at 30 links a page.
        if request is not None:
            self.crawler.engine.crawl(request)

    def _headers_received(self, headers, body_length, request, spider):
        # A resource or external target only needs its status: never read its body, except
        # an external page's HTML (what does it serve now?).
        fetch = request.meta.get("xj")
        if fetch is not None:     # a document on the site (PDF, Word, Excel) is read up to its cap
            read = attachments.read_body(self.sites[fetch.site], fetch, headers, body_length, request.meta)
            if read is not None:
                if not read:
                    raise StopDownload(fail=False)
                return
        if fetch is None or fetch.kind not in ("resource", "external") or fetch.method != "GET":
            return
        content_type = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if not (fetch.read and ("html" in content_type or not content_type)):
            raise StopDownload(fail=False)

    def _bytes_received(self, data, request, spider):
        if attachments.META in request.meta and attachments.over_cap(request.meta, len(data)):
            raise StopDownload(fail=False)    # a document without a Content-Length, over its cap
