"""Incremental crawls: what a re-inspection reuses from the site's last finished run.

A monthly run of a mostly unchanged site should cost a fraction of the first:
- every page is requested conditionally (If-None-Match / If-Modified-Since from the ETag and
  Last-Modified stored with it last time); on 304 the stored row (body, text, links) is copied
  into this run by the writer, in SQL, without downloading or parsing the page again;
- a 200 whose body hashes the same as last time also reuses the stored parse (the copy), so
  a server that ignores conditional headers still saves the parsing and the compression;
- a link target (a file, an image, an external link that is not read) that answered 2xx
  without a redirect within `reuse_targets_days` is not requested again: its row is copied,
  keeping when and in which run it was really checked (`checked_at`, `reused_from`).

Copies are whole rows, so every row still belongs to its run and the checks read a reused
page exactly as a fetched one. The spider calls the functions here from its request and
response paths; nothing here touches the network.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from scrapy.http import Response

from crawler.attachments import attachment_format
from crawler.scope import Fetch
from xunjian.store import DB_TIMEOUT

if TYPE_CHECKING:
    from crawler.spider import InspectSpider
    from xunjian.config import Site

# Kinds of link target whose success may be reused. Site pages are requested conditionally
# instead; assets, external pages that are read and documents whose text is read are fetched
# again, since what they hold now is itself checked (dark links in scripts, a hijacked
# external domain, the text of an attachment).
REUSABLE_KINDS = ("resource", "external")


@dataclass(slots=True)
class PreviousPage:
    """A page as the site's last finished run stored it."""

    id: int
    run: int
    status: int
    content_type: str | None
    content_hash: str | None
    headers: dict[str, str]


@dataclass(slots=True)
class PreviousTarget:
    """A link target that worked when last checked, recently enough to trust."""

    kind: str
    method: str
    status: int
    content_type: str | None
    elapsed: float | None
    checked_at: str
    run: int          # the run that really requested it


def previous_runs(db: sqlite3.Connection, run: int, site_ids: Iterable[str]) -> dict[str, int]:
    """For each site, the newest earlier run that completed and crawled it through ("done")."""
    found = {}
    for site_id in site_ids:
        row = db.execute("""select max(sr.run) from site_runs sr join runs r on r.id = sr.run
                            where sr.site = ? and sr.run < ? and r.status = 'complete' and sr.status = 'done'""",
                         [site_id, run]).fetchone()
        if row and row[0] is not None:
            found[site_id] = int(row[0])
    return found


class Previous:
    """What the last finished run of each site stored, for conditional requests and reuse.

    Built once before the crawl (a few bytes per page: id, hash, validators); link rows of a
    reused page are read from the store on demand through a read-only connection.
    """

    def __init__(self, db_path: str, run: int, sites: list["Site"]):
        self.db_path, self.run = str(db_path), run
        self.conn = sqlite3.connect(Path(self.db_path).resolve().as_uri() + "?mode=ro", uri=True,
                                    timeout=DB_TIMEOUT, check_same_thread=False)
        self.runs = previous_runs(self.conn, run, [s.id for s in sites])
        self.pages: dict[str, PreviousPage] = {}
        self.targets: dict[str, PreviousTarget] = {}
        now = dt.datetime.now()
        for site in sites:
            before = self.runs.get(site.id)
            if before is None:
                continue
            for pid, url, status, ctype, digest, headers in self.conn.execute(
                    "select id, url, status, content_type, content_hash, headers from pages "
                    "where run = ? and site = ? and status < 400", [before, site.id]):
                try:
                    kept = json.loads(headers) if headers else {}
                except ValueError:
                    kept = {}
                self.pages[url] = PreviousPage(pid, before, status, ctype, digest,
                                               kept if isinstance(kept, dict) else {})
            if site.reuse_targets_days <= 0:
                continue
            cutoff = (now - dt.timedelta(days=site.reuse_targets_days)).isoformat(timespec="seconds")
            marks = ",".join("?" for _ in REUSABLE_KINDS)
            for url, kind, method, status, ctype, elapsed, checked_at, origin in self.conn.execute(
                    f"""select url, kind, method, status, content_type, elapsed, checked_at,
                               coalesce(reused_from, run) from targets
                        where run = ? and site = ? and kind in ({marks}) and error is null
                          and location is null and status between 200 and 299 and checked_at >= ?""",
                    [before, site.id, *REUSABLE_KINDS, cutoff]):
                self.targets[url] = PreviousTarget(kind, method, status, ctype, elapsed, checked_at, origin)

    @classmethod
    def load(cls, db_path: str, run: int, sites: list["Site"]) -> "Previous | None":
        """The previous runs' facts for `sites`, or None when no site has a finished earlier run."""
        previous = cls(db_path, run, sites)
        if not previous.runs:
            previous.close()
            return None
        return previous

    def close(self) -> None:
        """Close the read connection."""
        self.conn.close()

    def conditional_headers(self, url: str) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for a page stored last time with validators."""
        page = self.pages.get(url)
        if page is None:
            return {}
        headers = {}
        if page.headers.get("ETag"):
            headers["If-None-Match"] = page.headers["ETag"]
        if page.headers.get("Last-Modified"):
            headers["If-Modified-Since"] = page.headers["Last-Modified"]
        return headers

    def links(self, page: PreviousPage) -> list[tuple[str, str, str, str, str, bool]]:
        """(target, raw, tag, attr, rel, unresolvable) of the stored page's links, in page order.

        A link whose URL could not be resolved was stored with its raw text as target and an
        `invalid_url` target outcome; it is told apart from a link written absolute that way.
        """
        rows = self.conn.execute(
            """select l.target, l.raw, l.tag, l.attr, coalesce(l.rel, ''),
                      l.target = l.raw and coalesce(l.fragment, '') = '' and t.error = 'invalid_url'
               from links l left join targets t on l.target = l.raw and t.run = l.run and t.url = l.target
               where l.run = ? and l.page = ? order by l.rowid""", [page.run, page.id])
        return [(target, raw, tag, attr, rel, bool(invalid)) for target, raw, tag, attr, rel, invalid in rows]


def conditional_headers(spider: "InspectSpider", fetch: Fetch) -> dict[str, str]:
    """Extra request headers for `fetch`: validators of the stored page, if any."""
    previous = getattr(spider, "previous", None)
    if previous is None or fetch.kind != "page" or fetch.method != "GET":
        return {}
    return previous.conditional_headers(fetch.url)


def reuse_page(spider: "InspectSpider", fetch: Fetch, response: Response, digest: str | None = None) -> bool:
    """Store `fetch`'s page as a copy of last run's and follow its stored links.

    Called on a 304 (digest None) or on a 200 whose body hashes to `digest`. Returns False
    (nothing done) when there is no stored page to reuse or the body changed.
    """
    from crawler.spider import KEPT_HEADERS   # the spider module imports this one

    previous: Previous | None = getattr(spider, "previous", None)
    page = previous.pages.get(fetch.url) if previous is not None else None
    if page is None:
        return False
    if digest is not None and (digest != page.content_hash or page.content_type != (
            response.headers.get(b"Content-Type", b"").decode("latin-1")[:200])):
        return False            # changed (a new charset in the header would decode it differently)
    not_modified = digest is None
    links = previous.links(page)
    counters = spider.counters[fetch.site]
    counters.pages += 1
    spider._settle(fetch, stored=True)
    latency = response.meta.get("download_latency")
    elapsed = round(latency, 3) if latency is not None else None
    fresh = {name: response.headers.get(name).decode("latin-1")[:300]
             for name in KEPT_HEADERS if response.headers.get(name)}
    if not_modified:
        # The page's target row as if fetched: its stored status and type (the 304 is in pages).
        # A 200 was recorded by the spider already.
        counters.checked += 1
        spider.writer.add_target({"url": fetch.url, "site": fetch.site, "kind": fetch.kind, "method": fetch.method,
                                  "status": page.status, "error": None, "message": None, "location": None,
                                  "content_type": page.content_type, "elapsed": elapsed})
        headers = dict(page.headers, **fresh)   # a 304 may send only the validators
    else:
        headers = fresh
    spider.writer.add_reused_page(page.id, page.run, {
        "site": fetch.site, "url": fetch.url, "depth": fetch.depth, "referrer": fetch.referrer,
        "elapsed": elapsed, "headers": headers or None, "not_modified": 1 if not_modified else 0})
    for target, raw, tag, attr, rel, invalid in links:
        if invalid:
            if target not in spider.seen:
                spider.seen.add(target)
                spider._record(fetch.but(url=target, kind="resource"), None, error="invalid_url",
                               message=f"无法解析的网址：{raw[:200]}")
            continue
        spider._schedule(spider._follow(target, tag, attr, fetch, rel))
    return True


def reuse_target(spider: "InspectSpider", fetch: Fetch) -> bool:
    """Record a recent success of `fetch`'s target instead of requesting it; False if none applies."""
    previous: Previous | None = getattr(spider, "previous", None)
    if previous is None or fetch.kind not in REUSABLE_KINDS or fetch.read:
        return False
    old = previous.targets.get(fetch.url)
    if old is None or old.kind != fetch.kind:
        return False
    if getattr(spider.sites[fetch.site], "attachment_max_bytes", 0) and \
            attachment_format(fetch.url, old.content_type or ""):
        return False        # a document whose text is read each run (crawler/attachments.py)
    spider.counters[fetch.site].checked += 1
    spider.writer.add_target({"url": fetch.url, "site": fetch.site, "kind": fetch.kind, "method": old.method,
                              "status": old.status, "error": None, "message": None, "location": None,
                              "content_type": old.content_type, "elapsed": old.elapsed,
                              "checked_at": old.checked_at, "reused_from": old.run})
    return True


def reuse_counts(db: Any, run: int) -> dict[str, tuple[int, int, int]]:
    """Per site of `run`: (pages reused, of which answered 304, link targets reused)."""
    counts: dict[str, list[int]] = {}
    for site, pages, not_modified in db.execute(
            "select site, count(*), coalesce(sum(not_modified), 0) from pages "
            "where run = ? and reused_from is not null group by site", [run]):
        counts.setdefault(site, [0, 0, 0])[:2] = [pages, not_modified]
    for site, targets in db.execute("select site, count(*) from targets where run = ? and reused_from is not null "
                                    "group by site", [run]):
        counts.setdefault(site, [0, 0, 0])[2] = targets
    return {site: (c[0], c[1], c[2]) for site, c in counts.items()}


def reuse_note(pages: int, not_modified: int, targets: int) -> str:
    """The Chinese sentence a site's note gets about what an incremental run reused."""
    parts = []
    if pages:
        parts.append(f"{pages} 个页面未修改，沿用上次巡检保存的内容（其中 {not_modified} 个服务器返回 304，"
                     f"未重新下载；{pages - not_modified} 个内容与上次相同）")
    if targets:
        parts.append(f"{targets} 个链接目标沿用近期检查正常的结果，未重新请求")
    return "增量巡检：" + "；".join(parts) if parts else ""
