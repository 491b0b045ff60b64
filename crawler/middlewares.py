"""Downloader middlewares of the inspection crawl."""

from __future__ import annotations

import asyncio

from scrapy.http import Request, Response

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
