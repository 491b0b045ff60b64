"""Parsers for the URL syntaxes found inside attribute values and stylesheets.

A srcset lists several candidate URLs, a meta refresh hides one after a delay, and CSS
names them in url(...) and @import. These are pure string functions with no lxml or
walk state, kept apart from crawler.extract so the document walk reads on its own and
each syntax can be tested (and fuzzed) directly.
"""

from __future__ import annotations

import re

__all__ = ["ASCII_WS", "css_urls", "parse_refresh", "parse_srcset"]

ASCII_WS = " \t\n\r\f"  # HTML's whitespace; str.strip() alone would also eat U+00A0 etc.
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.I,
)
_REFRESH = re.compile(r"\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)", re.I | re.S)


def parse_srcset(value: str) -> list[str]:
    """The candidate URLs of a srcset attribute (WHATWG algorithm, descriptors dropped)."""
    out: list[str] = []
    s, n, i = value, len(value), 0
    while i < n:
        while i < n and s[i] in " \t\n\r\f,":
            i += 1
        if i >= n:
            break
        j = i
        while j < n and s[j] not in " \t\n\r\f":
            j += 1
        url, i = s[i:j], j
        if url.endswith(","):
            url = url.rstrip(",")
        else:  # skip descriptors up to a comma outside parentheses
            depth = 0
            while i < n:
                c = s[i]
                i += 1
                if c == "(":
                    depth += 1
                elif c == ")":
                    depth = max(0, depth - 1)
                elif c == "," and depth == 0:
                    break
        if url:
            out.append(url)
    return out


def parse_refresh(content: str) -> str | None:
    """The URL of a meta refresh `content` ("5; url='x.html'"), or None if it has none."""
    match = _REFRESH.match(content)
    rest = match.group(1).strip(ASCII_WS) if match else ""
    if rest[:1] in ("'", '"'):
        quote, rest = rest[0], rest[1:]
        end = rest.find(quote)
        if end >= 0:
            rest = rest[:end]
    rest = rest.strip(ASCII_WS)
    return rest or None


def css_urls(css: str) -> list[tuple[str, int]]:
    """(url, newlines before it) for every url(...) and @import "..." in CSS text."""
    if "(" not in css and "@" not in css:
        return []
    if "/*" in css:
        css = _CSS_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), css)
    out = []
    for m in _CSS_URL.finditer(css):
        raw = next((g for g in m.groups() if g is not None), "").strip(ASCII_WS)
        if raw:
            out.append((raw, css.count("\n", 0, m.start())))
    return out
