"""New-media post collection: one small adapter interface, one module per source format.

An adapter turns what an account's `source` holds (an RSS/Atom feed, a JSON Feed, a
CSV/XLSX export of posts, a web page listing the posts) into `Post`s. Adding a platform or
format is one module with `NAME`, `sniff(source, content_type, body) -> bool` and
`parse(account_id, body, base, tz, **context) -> list[Post]`, listed in `adapters()`.
`context` holds `as_of` (the poll's date), `content_type`, `timeout` and `max_posts`;
adapters that need none of them ignore it (the web-page adapter uses them to date relative
and year-less dates and to read post pages). `collect` reads one account's source (fetching
URLs through crawler.media.fetch) and never raises: a source that cannot be read is
returned as an error message, which the poll records (media.unreadable). The account's
`source_type` (auto | feed | export | page) narrows the adapters tried; auto sniffs.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Protocol
from zoneinfo import ZoneInfo

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class Post:
    """One post of a new-media account."""

    account: str
    title: str
    published: dt.datetime | None          # aware, in the office's time zone
    url: str
    text: str = ""
    links: list[dict] = field(default_factory=list)   # [{"url", "text"}], absolute http(s) URLs


class Adapter(Protocol):
    NAME: str

    def sniff(self, source: str, content_type: str, body: bytes) -> bool: ...

    def parse(self, account: str, body: bytes, base: str, tz: dt.tzinfo, **context) -> list[Post]: ...


class SourceError(Exception):
    """The source was read but is not a feed or export any adapter understands (message in Chinese)."""


_TAG = re.compile(r"<[^>]+>")
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))[^>]*>(.*?)</a\s*>""", re.I | re.S)
_BARE_URL = re.compile(r"https?://[^\s<>\"'，。；、）》]+")


def html_text(markup: str) -> str:
    """Plain text of an HTML fragment (feeds carry post bodies as HTML)."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", markup or "")
    markup = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>", "\n", markup)
    text = html.unescape(_TAG.sub("", markup))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def find_links(markup: str, base: str = "") -> list[dict]:
    """Links in a post: <a href> with their text, then bare URLs in the text; http(s) only, unique."""
    from urllib.parse import urljoin

    seen: dict[str, dict] = {}
    for match in _HREF.finditer(markup or ""):
        href = html.unescape(next(g for g in match.groups()[:3] if g is not None)).strip()
        url = urljoin(base, href) if base else href
        if url.startswith(("http://", "https://")) and url not in seen:
            seen[url] = {"url": url, "text": html_text(match.group(4))[:200]}
    for match in _BARE_URL.finditer(_HREF.sub(" ", markup or "")):
        url = html.unescape(match.group(0)).rstrip(".,;:!?)")
        seen.setdefault(url, {"url": url, "text": ""})
    return list(seen.values())


def parse_time(value, tz: dt.tzinfo) -> dt.datetime | None:
    """A publish time from a feed or spreadsheet cell, made aware in `tz` (naive = local time)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().replace("/", "-").replace("年", "-").replace("月", "-").replace("日", " ")
        text = re.sub(r"\s+", " ", text).strip().replace("Z", "+00:00")
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            from email.utils import parsedate_to_datetime
            try:
                moment = parsedate_to_datetime(str(value))
            except (TypeError, ValueError, IndexError):
                return None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def adapters(source_type: str = "auto") -> list[ModuleType]:
    """The adapters for a `source_type`, most specific first (the table export is judged by file
    name; an HTML page before the feeds, as XHTML may look like XML)."""
    from crawler.media import jsonfeed, rss, table, webpage

    return {"feed": [jsonfeed, rss], "export": [table], "page": [webpage]}.get(
        source_type, [table, jsonfeed, webpage, rss])


def collect(account, base_dir: Path | None = None, tz: dt.tzinfo = DEFAULT_TZ,
            timeout: float = 15.0, as_of: dt.date | None = None) -> tuple[list[Post], str | None]:
    """Read `account.source` and return (posts, None), or ([], a Chinese error message).

    `as_of` is the poll's date (relative and year-less dates on web pages count from it).
    """
    from crawler.media.fetch import fetch

    source = (account.source or "").strip()
    if not source:
        return [], "未登记采集来源（source）"
    if re.match(r"^https?://", source, re.I):
        result = fetch(source, timeout=timeout)
        if result.error or result.status is None or result.status >= 400:
            return [], result.describe()
        body, content_type, base = result.body, result.content_type or "", result.final_url or source
    else:
        path = Path(source)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        try:
            body = path.read_bytes()
        except OSError as exc:
            return [], f"无法读取文件 {path}：{exc.strerror or exc}"
        content_type, base = "", ""
        source = str(path)
    source_type = getattr(account, "source_type", "auto") or "auto"
    context = {"as_of": as_of, "content_type": content_type, "timeout": timeout,
               "max_posts": getattr(account, "max_posts", None)}
    candidates = adapters(source_type)
    adapter = next((a for a in candidates if a.sniff(source, content_type, body)), None)
    if adapter is None and source_type != "auto":
        adapter = candidates[-1]          # the configured kind, whatever the server calls it
    if adapter is None:
        return [], "内容不是可识别的 RSS/Atom、JSON Feed、CSV/XLSX 导出文件或网页信息列表"
    try:
        return adapter.parse(account.id, body, base, tz, **context), None
    except SourceError as exc:
        return [], str(exc)
    except Exception as exc:  # a hostile or broken source never stops the poll
        return [], f"{adapter.NAME} 解析失败：{exc}"
