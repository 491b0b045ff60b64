"""RSS 0.9x/1.0/2.0 and Atom feeds, read with feedparser (WeChat/Weibo bridges publish these)."""

from __future__ import annotations

import datetime as dt

from crawler.media import Post, SourceError, find_links, html_text

NAME = "RSS/Atom"


def sniff(source: str, content_type: str, body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (head.startswith(b"<?xml") or head.startswith(b"<rss") or head.startswith(b"<feed")
            or head.startswith(b"<rdf") or "xml" in content_type.lower() or "rss" in content_type.lower())


def _time(entry, tz: dt.tzinfo) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return dt.datetime(*parsed[:6], tzinfo=dt.timezone.utc).astimezone(tz)
    return None


def parse(account: str, body: bytes, base: str, tz: dt.tzinfo, **_context) -> list[Post]:
    import feedparser

    feed = feedparser.parse(body, response_headers={"content-location": base} if base else None)
    if feed.bozo and not feed.entries and not feed.get("feed"):
        raise SourceError(f"RSS/Atom 格式错误：{feed.get('bozo_exception')}")
    if not feed.get("version") and not feed.entries:
        raise SourceError("内容不是 RSS/Atom 订阅源")
    posts = []
    for entry in feed.entries:
        markup = ""
        if entry.get("content"):
            markup = "\n".join(part.get("value", "") for part in entry.content)
        markup = markup or entry.get("summary", "") or entry.get("description", "")
        url = entry.get("link") or ""
        posts.append(Post(account=account, title=html_text(entry.get("title", "")), published=_time(entry, tz),
                          url=url, text=html_text(markup), links=find_links(markup, url or base)))
    return posts
