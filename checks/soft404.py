"""Soft 404: a page answered 200 but says it does not exist."""

from __future__ import annotations

import hashlib
import re

# Titles that say "not found" outright.
NOT_FOUND_TITLE = re.compile(
    r"^\s*(http\s*)?(error\s*)?404\b|\b404\s*(error|错误|not\s*found|页面)|(错误|error)\s*(代码)?[:：]?\s*404|页面不存在|页面未找到|找不到(该|此|您要的)?页面|页面(已|被)?删除|网页不存在|文章不存在|信息不存在|"
    r"内容不存在|资源不存在|访问的页面|not\s*found|page\s+not\s+found|error\s+404", re.I)
# Body phrases that say so; only trusted on pages with little other text.
NOT_FOUND_BODY = re.compile(
    r"(您|你)?(所)?(要)?访问的(页面|网页|内容|文章|信息)(不存在|已(被)?删除|已下线|已过期|找不到)|"
    r"(页面|网页|文章|信息|内容)(不存在|已被?删除|未找到)|抱歉[，,]?(您|你)?(要)?(找|访问)的页面|"
    r"404\s*(error|错误|not\s*found)|HTTP\s*404|该(页面|信息|文章)已(经)?(被)?(删除|撤销|下线)", re.I)
SHORT_PAGE = 600  # characters of visible text


def text_digest(text: str) -> str:
    """Digest of a page's visible text, as stored for the site's probe page."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def soft_404_reason(title: str, text: str, probe: dict | None) -> str | None:
    """Why a 200 page is a soft 404, or None when it looks like a real page.

    `probe` is the site's answer to a URL that cannot exist ({status, title, hash}):
    when that answer was 200, a page with the same title or the same text is the site's
    not-found page.
    """
    if probe and probe.get("probe_status") == 200:
        if probe.get("probe_hash") and probe["probe_hash"] == text_digest(text):
            return "与本站不存在页面的应答相同"
        probe_title = (probe.get("probe_title") or "").strip()
        if probe_title and probe_title == (title or "").strip() and NOT_FOUND_TITLE.search(probe_title):
            return f"标题与本站不存在页面的应答相同（“{probe_title}”）"
    title = (title or "").strip()
    if title and NOT_FOUND_TITLE.search(title) and len(title) <= 40:
        return f"标题为“{title}”"
    body = text[len(title):] if title and text.startswith(title) else text   # stored text opens with the title
    if len(body) <= SHORT_PAGE:
        match = NOT_FOUND_BODY.search(body)
        if match:
            return f"页面提示“{match.group(0)}”"
    return None
