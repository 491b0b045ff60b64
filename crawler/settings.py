"""Scrapy settings for an inspection crawl, built from the configured sites."""

from __future__ import annotations

from typing import Any

from xunjian.config import Site

# Shared defaults; per-site politeness goes into DOWNLOAD_SLOTS, keyed by host:port.
BASE: dict[str, Any] = {
    "BOT_NAME": "xunjian",
    "ROBOTSTXT_OBEY": True,
    "COOKIES_ENABLED": True,
    "REDIRECT_ENABLED": False,          # the spider follows and records every hop itself
    "HTTPERROR_ALLOW_ALL": True,
    "DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter",  # the spider's `seen` set dedupes
    "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
    "TELNETCONSOLE_ENABLED": False,
    # The spider yields no items (facts go to the writer, requests straight to the engine), yet
    # Scrapy starts CONCURRENT_ITEMS asyncio tasks per response to process its output: with the
    # default 100, 15% of the CPU of a crawl whose pages mostly answer 304.
    "CONCURRENT_ITEMS": 1,
    "LOG_LEVEL": "WARNING",
    "LOG_INSTALL_ROOT_HANDLER": True,
    "DOWNLOAD_WARNSIZE": 0,
    # Every request of the spider carries its own cap (download_maxsize, also applied to the
    # decompressed body by HttpCompressionMiddleware); this one only limits robots.txt.
    "DOWNLOAD_MAXSIZE": 512 * 1024,
    "RETRY_ENABLED": True,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "DOWNLOADER_MIDDLEWARES": {
        "crawler.middlewares.RetryAfterMiddleware": 560,
        # meta refresh is a link the spider records and follows itself
        "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
        # robots.txt, with its Crawl-delay applied to the site's slot
        "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
        "crawler.middlewares.CrawlDelayRobotsTxtMiddleware": 100,
    },
    "SPIDER_MIDDLEWARES": {
        "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
        "scrapy.spidermiddlewares.referer.RefererMiddleware": None,
        "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
    },
    "DNS_TIMEOUT": 15,
    "REACTOR_THREADPOOL_MAXSIZE": 10,
    "STATS_DUMP": False,
    "LOGSTATS_INTERVAL": 0,
}
EXTERNAL_PER_HOST = 4


# Scrapy 2.19 hands a slot's whole queue to the network at once when its delay is 0, whatever
# its concurrency (a request counts as transferring only once its coroutine runs); with any
# delay it takes one request per turn. 1 ms keeps a site's concurrency and costs nothing.
MIN_SLOT_DELAY = 0.001


def crawl_settings(sites: list[Site]) -> dict[str, Any]:
    """Settings for one crawl of `sites`: each site its own slot, concurrency and delay."""
    settings = dict(BASE)
    # No jitter: Scrapy draws a new random delay each time a slot wakes, which halves the
    # spacing on average; an office's configured delay should mean what it says.
    settings["DOWNLOAD_SLOTS"] = {
        site.netloc: {"concurrency": site.concurrency, "delay": max(site.download_delay, MIN_SLOT_DELAY),
                      "jitter": 0}
        for site in sites
    }
    settings["CONCURRENT_REQUESTS"] = max(16, sum(s.concurrency for s in sites) + 2 * EXTERNAL_PER_HOST)
    # Also the connection pool's idle connections per host: below a site's concurrency,
    # every response would close a connection and the next request open a new one.
    settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = max([EXTERNAL_PER_HOST, *(s.concurrency for s in sites)])
    settings["DOWNLOAD_TIMEOUT"] = max(s.timeout for s in sites)
    return settings
