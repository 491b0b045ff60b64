"""Run one inspection crawl in this process (Scrapy's reactor can start once per process)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from crawler.incremental import Previous, reuse_counts, reuse_note
from crawler.progress import Progress
from crawler.scope import Fetch, classify, fetch_mode, normalize_url, redirect_refusal
from crawler.settings import crawl_settings
from crawler.spider import InspectSpider
from crawler.writer import StoreWriter
from xunjian.config import Site
from xunjian.store import open_store


def resume_frontier(db, run: int, sites: list[Site]) -> tuple[set[str], list[Fetch], list[str]]:
    """What an interrupted run already asked for, and what it still has to fetch.

    Every URL with a recorded outcome is done. Link targets of stored pages and redirect
    locations without an outcome are fetched again (the requests lost when the run stopped).
    Returns (URLs done, fetches to make, URLs of the pages already stored).
    """
    site_by_netloc = {n: s.id for s in sites for n in s.own_netlocs()}
    seen = {normalize_url(row[0]) for row in db.execute("select url from targets where run = ?", [run])}
    pending: dict[str, Fetch] = {}
    rows = db.execute(
        """select l.target, l.tag, l.attr, l.rel, p.site, p.depth, p.url from links l join pages p on p.id = l.page
           where l.run = ? and l.target not in (select url from targets where run = ?)""", [run, run])
    for target, tag, attr, rel, site, depth, page_url in rows:
        if target in pending or normalize_url(target) in seen:
            continue
        kind, owner = classify(target, tag, attr, site, site_by_netloc, rel or "")
        if kind is not None:
            pending[target] = Fetch(target, owner, kind, depth + 1, page_url, *fetch_mode(kind, tag, attr))
    site_urls = {s.id: s.url for s in sites}
    for url, site, kind, message in db.execute(
            "select location, site, kind, message from targets where run = ? and location is not null "
            "and location not in (select url from targets where run = ?)", [run, run]):
        if site not in site_urls or message or redirect_refusal(site_urls[site], url) is not None:
            continue   # a redirect that was not followed (another scheme, a private address, too many hops)
        if url not in pending and normalize_url(url) not in seen:
            pending[url] = Fetch(url, site, kind, 1, None, *fetch_mode(kind, "a", "href"))
    stored = [row[0] for row in db.execute("select url from pages where run = ?", [run])]
    return seen, list(pending.values()), stored


def crawl(db_path: Path | str, run: int, sites: list[Site], resume: bool = False,
          show_progress: bool = True, full: bool = False) -> str:
    """Crawl `sites` for `run`, writing facts to the store; return Scrapy's close reason.

    A site with an earlier finished run is crawled incrementally (crawler/incremental.py)
    unless `full`: conditional requests, unchanged pages and recent target successes reused.
    """
    db = open_store(db_path)
    from crawler.cluster_coord import cluster_of_run, coordinate
    if (cluster := cluster_of_run(db, run)) is not None:   # [cluster]: `xunjian worker`s fetch, we write
        db.conn.close()
        return coordinate(cluster, db_path, run, sites, resume=resume, show_progress=show_progress)
    seen, pending, stored = resume_frontier(db, run, sites) if resume else (set(), [], [])
    db.conn.close()
    previous = None if full else Previous.load(str(db_path), run, sites)
    writer = StoreWriter(db_path, run)
    progress = Progress({s.id: s.name for s in sites}) if show_progress else None
    logging.getLogger("scrapy").setLevel(logging.WARNING)
    # Failed targets are recorded in the store; Scrapy's own "gave up retrying" lines are noise.
    logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
    # A robots.txt that cannot be read (too large, reset, timeout) means "allow all": not an error.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    process = CrawlerProcess(crawl_settings(sites))
    crawler = process.create_crawler(InspectSpider)
    # `previous` becomes the spider's attribute (scrapy.Spider keeps unknown keyword arguments).
    process.crawl(crawler, run=run, sites=sites, writer=writer, seen=seen, pending=pending,
                  stored=stored, progress=progress, previous=previous)
    try:
        process.start()
    finally:
        writer.close()
        if previous is not None:
            previous.close()
    if previous is not None:
        note_reuse(db_path, run, show_progress)
    return getattr(crawler.spider, "close_reason", "unknown")


def note_reuse(db_path: Path | str, run: int, show_progress: bool = True) -> None:
    """Add what an incremental run reused to each site's note (and say it on the progress stream)."""
    db = open_store(db_path)
    try:
        with db.conn:
            for site, (pages, not_modified, targets) in reuse_counts(db, run).items():
                text = reuse_note(pages, not_modified, targets)
                row = db.execute("select note from site_runs where run = ? and site = ?", [run, site]).fetchone()
                if not text or row is None:
                    continue
                old = row[0] or ""
                if "增量巡检：" in old:          # written by an interrupted pass of this run
                    old = old[:old.index("增量巡检：")].rstrip("；")
                note = f"{old}；{text}" if old else text
                db.execute("update site_runs set note = ? where run = ? and site = ?", [note, run, site])
                if show_progress:
                    print(f"[增量] {site}：{text.removeprefix('增量巡检：')}", file=sys.stderr, flush=True)
    finally:
        db.conn.close()
