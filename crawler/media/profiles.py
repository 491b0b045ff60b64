"""Addresses that reveal a new-media account: a platform profile page, or a WeChat article's __biz.

Used by media.unregistered (an account seen in posts but not in the registry), and by the
poll, which does not request these addresses: platforms answer bots with login pages.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

# Profile addresses that reveal an account on a platform: (platform, pattern on host+path, id group).
PROFILE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("weibo", re.compile(r"^(?:www\.|m\.)?weibo\.(?:com|cn)/(?:u/)?(\d{5,})(?:/|$)")),
    ("weibo", re.compile(r"^(?:www\.)?weibo\.com/n/([^/?#]+)")),
    ("douyin", re.compile(r"^(?:www\.)?douyin\.com/user/([A-Za-z0-9_-]+)")),
    ("toutiao", re.compile(r"^(?:www\.)?toutiao\.com/c/user/(?:token/)?([A-Za-z0-9_=-]+)")),
]


def profile_of(url: str) -> tuple[str, str] | None:
    """(platform, account id) when `url` is an account's profile (or, for WeChat, carries its __biz)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host == "mp.weixin.qq.com":
        biz = parse_qs(parts.query).get("__biz")
        return ("wechat", biz[0]) if biz else None
    where = host + parts.path
    for platform, pattern in PROFILE_PATTERNS:
        match = pattern.match(where)
        if match:
            return platform, match.group(1)
    return None
