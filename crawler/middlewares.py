"""Downloader middlewares of the inspection crawl."""

from __future__ import annotations

import asyncio
import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response

logger = logging.getLogger(__name__)

MAX_RETRY_AFTER = 30.0   # seconds; a longer wait is not worth holding the run for


def retry_after_seconds(response: Response) -> float | None:
    """Seconds asked for by a Retry-After header given in seconds (dates are ignored)."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    try:
        return max(float(value.decode("latin-1").strip()), 0.0)
    except ValueError:
        return None


class RetryAfterMiddleware:
    """Honour 429/503 Retry-After (up to 30 s) before Scrapy's own retry sees the answer."""

    async def process_response(self, request: Request, response: Response, spider=None):
        if response.status not in (429, 503):
            return response
        delay = retry_after_seconds(response)
        tries = request.meta.get("retry_after_times", 0)
        if delay is None or delay > MAX_RETRY_AFTER or tries >= request.meta.get("max_retry_times", 2):
            return response
        await asyncio.sleep(delay)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries + 1
        return retry


MAX_CRAWL_DELAY = 60.0   # seconds; a robots.txt asking for more gets this much


class CrawlDelayRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt handling, plus its Crawl-delay applied to the site's download slot.

    Scrapy parses Crawl-delay but never applies it. When a site obeys robots.txt, the delay
    asked for our User-Agent (capped at MAX_CRAWL_DELAY) becomes the slot's delay if larger
    than the configured one. A robots.txt that cannot be read (5xx answer with an error page,
    too large, timeout) reads as "allow all" with no delay.
    """

    def process_request_2(self, rp, request: Request) -> None:
        if rp is not None:
            self._apply_crawl_delay(rp, request)
        super().process_request_2(rp, request)

    def _apply_crawl_delay(self, rp, request: Request) -> None:
        key = request.meta.get("download_slot")
        applied = self.__dict__.setdefault("_delays_applied", set())
        if key is None or key in applied:
            return
        applied.add(key)
        agent = request.headers.get(b"User-Agent") or b""
        try:
            delay = rp.crawl_delay(agent)
        except Exception:   # a malformed robots.txt must not stop the crawl
            return
        if not delay or delay <= 0:
            return
        delay = min(float(delay), MAX_CRAWL_DELAY)
        downloader = self.crawler.engine.downloader
        settings = downloader.per_slot_settings.setdefault(key, {})
        settings["delay"] = max(settings.get("delay", 0.0), delay)
        slot = downloader.slots.get(key)
        if slot is not None and slot.delay < delay:
            slot.delay = delay
        logger.info("robots.txt Crawl-delay %.1f s applied to %s", delay, key)
