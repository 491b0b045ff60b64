"""JSON Feed 1.x (https://jsonfeed.org/version/1.1): items with url, title, content_html/text, date_published."""

from __future__ import annotations

import datetime as dt
import json

from crawler.media import Post, SourceError, find_links, html_text, parse_time

NAME = "JSON Feed"


def sniff(source: str, content_type: str, body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") or "json" in content_type.lower() or source.lower().endswith(".json")


def parse(account: str, body: bytes, base: str, tz: dt.tzinfo, **_context) -> list[Post]:
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"JSON Feed 格式错误：{exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise SourceError("JSON Feed 缺少 items 列表")
    posts = []
    for item in document["items"]:
        if not isinstance(item, dict):
            continue
        markup = item.get("content_html") or ""
        text = html_text(markup) if markup else str(item.get("content_text") or item.get("summary") or "")
        url = str(item.get("url") or item.get("external_url") or "")
        links = find_links(markup or text, url or base)
        if item.get("external_url") and item["external_url"] != url:
            links.append({"url": item["external_url"], "text": ""})
        posts.append(Post(account=account, title=str(item.get("title") or ""),
                          published=parse_time(item.get("date_published") or item.get("date_modified"), tz),
                          url=url, text=text, links=links))
    return posts
