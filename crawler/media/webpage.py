"""A public web page listing an account's posts: a government site's 政务新媒体 column mirroring
a WeChat account, a Weibo-like HTML timeline, a Toutiao-like list of cards.

The account's `source` is the listing's URL. Posts are found generically on it
(crawler/media/listing.py: the repeated sibling elements that each hold a link and a date),
following a 下一页 link at most MAX_PAGES pages while the 14-day window is not yet covered.
The newest `max_posts` posts' own pages are then read (bounded, each with its own timeout)
for their text and links (crawler/media/article.py), so the text and link checks work on
what the post says; a post page also supplies a date the list leaves out or writes without
its year. A page with no list, a login wall, or a list without any date is a SourceError
(media.unreadable): freshness unknown is never passed as fresh, nor called stale.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urldefrag, urlsplit

from crawler.charset import decode_html
from crawler.media import Post, SourceError
from crawler.media.article import read_article, template_texts
from crawler.media.fetch import fetch
from crawler.media.listing import Item, infer_years, parse_listing

NAME = "网页信息列表"
MAX_PAGES = 3                 # listing pages read at most (the first and two more)
DEFAULT_MAX_POSTS = 20        # post pages read at most per account (the newest)
WINDOW_DAYS = 14              # checks.media.STALE_DAYS: the period a poll must see
POST_TIMEOUT = 10.0           # seconds per post page, at most
POST_BYTES = 2 * 1024 * 1024
WORKERS = 4
_HTML_TAGS = {b"html", b"head", b"body", b"meta", b"title", b"div", b"table", b"ul", b"p", b"link", b"script",
              b"style", b"span", b"a", b"section", b"header", b"main", b"form", b"center", b"font"}
_FEED_TAGS = {b"rss", b"feed", b"rdf:rdf", b"rdf"}
_PROLOG = re.compile(rb"^(?:\s|<\?xml[^>]*\?>|<!--.*?-->)*", re.S)
_FIRST_TAG = re.compile(rb"<\s*(!doctype\s+html|[a-z][a-z0-9:]*)", re.I)
_PLACEHOLDER = re.compile(r"暂无(?:信息|数据|内容|记录|文章|相关)|没有(?:相关|找到)?(?:信息|数据|内容|记录)")


def sniff(source: str, content_type: str, body: bytes) -> bool:
    """True for an HTML document (not a feed), whatever the server calls it."""
    head = body[:4096].lstrip(b"\xef\xbb\xbf")
    head = head[_PROLOG.match(head).end():]
    first = _FIRST_TAG.match(head)
    if first:
        name = first.group(1).lower()
        if name in _FEED_TAGS:
            return False
        if name.startswith(b"!doctype") or name in _HTML_TAGS:
            return True
    return "html" in content_type.lower()


def parse(account: str, body: bytes, base: str, tz: dt.tzinfo, *, as_of: dt.date | None = None,
          content_type: str = "", timeout: float = 15.0, max_posts: int = DEFAULT_MAX_POSTS, **_context) -> list[Post]:
    """The posts a listing page shows, with the newest posts' own text and links.

    Raises SourceError (in Chinese) when the page shows no list of dated posts.
    """
    text = decode_html(body, content_type or None).text
    listing = parse_listing(text, base, as_of, tz)
    items = list(listing.items)
    read = {_page(base)}
    next_url = listing.next_url
    while next_url and len(read) < MAX_PAGES and items and not listing.undated and not _covered(items, as_of):
        if _page(next_url) in read:
            break
        read.add(_page(next_url))
        result = fetch(next_url, timeout=timeout)
        if result.broken:
            break
        page_url = result.final_url or next_url
        more = parse_listing(decode_html(result.body, result.content_type).text, page_url, as_of, tz)
        known = {item.url for item in items}
        items += [item for item in more.items if item.url not in known]
        next_url = more.next_url
    if not items:
        raise SourceError(_no_list_reason(listing.login, text))
    infer_years(items, as_of)
    posts = [Post(account=account, title=item.title, published=item.published, url=item.url, text=item.text,
                  links=list(item.links)) for item in items]
    _read_posts(posts, items, read, listing.undated > 0, base, as_of, tz, min(timeout, POST_TIMEOUT),
                max(1, int(max_posts or DEFAULT_MAX_POSTS)), template_texts(text))
    if not any(post.published for post in posts):
        raise SourceError(f"页面列出 {len(posts)} 条信息，但都没有可识别的发布日期，无法判断更新情况")
    return posts


def _page(url: str) -> str:
    return urldefrag(url)[0]


def _covered(items: list[Item], as_of: dt.date | None) -> bool:
    """True when the list already reaches back past the 14-day window (its last dated item is older)."""
    dated = [item.published.date() for item in items if item.published]
    if not dated or as_of is None:
        return True
    return dated[-1] <= as_of - dt.timedelta(days=WINDOW_DAYS)


def _no_list_reason(login: bool, text: str) -> str:
    if login:
        return "页面要求登录后才能查看，未找到信息列表"
    if _PLACEHOLDER.search(text):
        return "页面显示暂无信息，没有可读取的信息列表"
    return ("页面上没有找到信息列表（没有带标题链接和发布日期的条目；如列表由脚本加载，"
            "请改用 RSS/Atom、JSON Feed 或导出文件作为采集来源）")


def _read_posts(posts: list[Post], items: list[Item], listing_pages: set[str], undated_list: bool, base: str,
                as_of: dt.date | None, tz: dt.tzinfo, timeout: float, limit: int,
                template: frozenset[str] = frozenset()) -> None:
    """Read the newest `limit` posts' own pages: their text, links and, where the list lacks it, date."""
    newest = sorted(range(len(posts)), key=lambda i: (posts[i].published is None,
                                                      -(posts[i].published.timestamp() if posts[i].published else 0)))
    chosen = [i for i in newest if _page(posts[i].url) not in listing_pages][:limit]
    if not chosen:
        return
    with ThreadPoolExecutor(max_workers=min(WORKERS, len(chosen))) as pool:
        results = list(pool.map(lambda i: fetch(_page(posts[i].url), timeout=timeout, max_bytes=POST_BYTES), chosen))
    host = urlsplit(base).netloc
    for index, result in zip(chosen, results):
        post, item = posts[index], items[index]
        if result.broken or not sniff(post.url, result.content_type or "", result.body):
            continue
        page_url = result.final_url or _page(post.url)
        article = read_article(decode_html(result.body, result.content_type).text, page_url, as_of, template)
        if article.text:
            post.text = article.text
        known = {link["url"] for link in article.links}
        post.links = article.links + [link for link in item.links if link["url"] not in known]
        found = article.date
        if found is None or (undated_list and urlsplit(page_url).netloc != host):
            continue          # a list of titles only: trust dates of the account's own pages only
        if post.published is None:
            post.published = dt.datetime(found.date.year, found.date.month, found.date.day, tzinfo=tz)
        elif item.yearless and (found.date.month, found.date.day) == (post.published.month, post.published.day):
            post.published = post.published.replace(year=found.date.year)
