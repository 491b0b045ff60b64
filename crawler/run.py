"""Run one inspection crawl in this process (Scrapy's reactor can start once per process)."""

from __future__ import annotations

import logging
from pathlib import Path

from scrapy.crawler import CrawlerProcess

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
          show_progress: bool = True) -> str:
    """Crawl `sites` for `run`, writing facts to the store; return Scrapy's close reason."""
    db = open_store(db_path)
    seen, pending, stored = resume_frontier(db, run, sites) if resume else (set(), [], [])
    db.conn.close()
    writer = StoreWriter(db_path, run)
    progress = Progress({s.id: s.name for s in sites}) if show_progress else None
    logging.getLogger("scrapy").setLevel(logging.WARNING)
    # Failed targets are recorded in the store; Scrapy's own "gave up retrying" lines are noise.
    logging.getLogger("scrapy.downloadermiddlewares.retry").setLevel(logging.CRITICAL)
    # A robots.txt that cannot be read (too large, reset, timeout) means "allow all": not an error.
    logging.getLogger("scrapy.downloadermiddlewares.robotstxt").setLevel(logging.CRITICAL)
    process = CrawlerProcess(crawl_settings(sites))
    crawler = process.create_crawler(InspectSpider)
    process.crawl(crawler, run=run, sites=sites, writer=writer, seen=seen, pending=pending,
                  stored=stored, progress=progress)
    try:
        process.start()
    finally:
        writer.close()
    return getattr(crawler.spider, "close_reason", "unknown")
