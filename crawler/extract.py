"""Parse a decoded HTML page once with lxml and pull out links, ids, meta, title and text.

One libxml2 parse of the decoded text (never raw bytes: libxml2 guesses encodings badly
for GB2312 pages) and one `iterwalk` over the tree. Selectors are built only for elements
that carry links, from a stack of `tag:nth-child(n)` segments kept during the walk.
URLs are resolved after the walk, once the document's `<base href>` is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree
from w3lib.url import safe_url_string

from crawler.charset import Decoded, decode_html

__all__ = ["Decoded", "Link", "ParsedPage", "css_urls", "decode_html", "parse_page",
           "parse_refresh", "parse_srcset", "resolve_url"]


@dataclass(slots=True)
class Link:
    """One URL found in a page, where it was found and how it resolves."""

    tag: str            # element name, or "style" for url()/@import in CSS
    attr: str           # attribute the URL came from ("href", "srcset", "content", "style" ...)
    raw: str            # the URL as written (entities decoded, ASCII whitespace stripped)
    url: str | None     # absolute URL with fragment; None when it cannot be resolved
    text: str = ""      # link text for a/area, alt for img, else ""
    selector: str = ""  # CSS path: html > body > div:nth-child(2) > a:nth-child(1)
    line: int | None = None
    markup: str = ""    # the element's start tag, at most 300 characters
    onclick: str = ""   # the element's onclick attribute
    rel: str = ""       # the element's rel attribute (link/a/area), e.g. "stylesheet"


@dataclass
class ParsedPage:
    """Everything later checks need from one HTML page."""

    title: str = ""
    base_url: str = ""
    links: list[Link] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    text: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    refresh: str | None = None


# --- what to extract ------------------------------------------------------------------

_BG = frozenset({"background"})
_CITE = frozenset({"cite"})
_URL_ATTRS: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "ping"}),
    "area": frozenset({"href", "ping"}),
    "applet": frozenset({"archive", "code", "codebase", "object", "src"}),
    "audio": frozenset({"src"}),
    "blockquote": _CITE, "q": _CITE, "del": _CITE, "ins": _CITE,
    "body": _BG, "table": _BG, "thead": _BG, "tbody": _BG, "tfoot": _BG, "tr": _BG,
    "td": _BG, "th": _BG,
    "button": frozenset({"formaction"}),
    "embed": frozenset({"src"}),
    "form": frozenset({"action"}),
    "frame": frozenset({"src", "longdesc"}),
    "iframe": frozenset({"src", "longdesc"}),
    "head": frozenset({"profile"}),
    "html": frozenset({"manifest"}),
    "img": frozenset({"src", "srcset", "longdesc", "lowsrc"}),
    "input": frozenset({"src", "formaction"}),
    "link": frozenset({"href", "imagesrcset"}),
    "menuitem": frozenset({"icon"}),
    "object": frozenset({"data", "codebase", "archive"}),
    "script": frozenset({"src"}),
    "source": frozenset({"src", "srcset"}),
    "track": frozenset({"src"}),
    "video": frozenset({"src", "poster"}),
}
_GLOBAL_ATTRS = frozenset({"style", "itemtype"})
_NO_ATTRS: frozenset[str] = frozenset()
_SRCSET_ATTRS = frozenset({"srcset", "imagesrcset"})
_LIST_ATTRS = frozenset({"ping", "itemtype", "archive"})
_TEXT_TAGS = frozenset({"a", "area"})

# Elements whose boundaries break the visible text into lines.
_BLOCK = frozenset(
    "address article aside blockquote br caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr legend li main nav ol option p "
    "pre section summary table tbody td tfoot th thead tr ul".split()
)
_NO_TEXT = frozenset({"script", "style", "template", "title", "noscript"})

_ASCII_WS = " \t\n\r\f"
_C0_SPACE = "".join(chr(i) for i in range(0x21))
_TAB_NL = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*:")
# Relative URLs made only of characters no resolver would percent-encode, and such bases.
_PLAIN = re.compile(r"[A-Za-z0-9\-._~/?#&=%+,;!$*()]+")
_PLAIN_ABS = re.compile(r"https?://[a-z0-9\-.]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9\-._~/?#&=%+,;!$*()':@]*)?")
_URI = re.compile(r"(?:([A-Za-z][A-Za-z0-9+.\-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.S)
_BAD_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_DOT = frozenset({".", "%2e"})
_DOTDOT = frozenset({"..", ".%2e", "%2e.", "%2e%2e"})
_FETCHABLE = frozenset({"http", "https", "ftp", "file", "ws", "wss"})
_XML_DECL = re.compile(r"\s*<\?xml[^>]*>", re.I)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_CSS_URL = re.compile(
    r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s'"]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""",
    re.I,
)
_REFRESH = re.compile(r"\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(.*)", re.I | re.S)
_LINK_TEXT = etree.XPath("string()")

_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False,
                           no_network=True, default_doctype=False)


# --- small parsers ----------------------------------------------------------------------

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
    rest = match.group(1).strip(_ASCII_WS) if match else ""
    if rest[:1] in ("'", '"'):
        quote, rest = rest[0], rest[1:]
        end = rest.find(quote)
        if end >= 0:
            rest = rest[:end]
    rest = rest.strip(_ASCII_WS)
    return rest or None


def css_urls(css: str) -> list[tuple[str, int]]:
    """(url, newlines before it) for every url(...) and @import "..." in CSS text."""
    if "url" not in css and "URL" not in css and "@import" not in css and "Url" not in css:
        return []
    if "/*" in css:
        css = _CSS_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), css)
    out = []
    for m in _CSS_URL.finditer(css):
        raw = next((g for g in m.groups() if g is not None), "").strip(_ASCII_WS)
        if raw:
            out.append((raw, css.count("\n", 0, m.start())))
    return out


def _fix_backslashes(url: str) -> str:
    """Browsers read backslashes as slashes in http(s) URLs (before the query)."""
    cut = len(url)
    for ch in "?#":
        pos = url.find(ch)
        if 0 <= pos < cut:
            cut = pos
    return url[:cut].replace("\\", "/") + url[cut:]


@lru_cache(maxsize=1 << 16)
def resolve_url(raw: str, base: str, encoding: str = "utf-8") -> str | None:
    """Resolve `raw` against `base` roughly as a browser would; None if it cannot be.

    Tabs/newlines are removed, non-ASCII is percent-encoded (path as UTF-8, query in the
    page's `encoding`), the fragment is kept. Non-fetchable schemes (javascript:, mailto:,
    tel:, data: ...) come back as written with the scheme lower-cased.
    """
    url = raw.strip(_C0_SPACE)
    if "\t" in url or "\n" in url or "\r" in url:
        url = url.translate(_TAB_NL)
    match = _SCHEME.match(url)
    if match and url[: match.end() - 1].lower() not in _FETCHABLE:
        return url[: match.end()].lower() + url[match.end():]
    if not url:
        return base.split("#", 1)[0]
    if not match and _PLAIN.fullmatch(url) and url[:2] != "//":
        joined = _join_plain(url, base)
        if joined is not None:
            return joined
    return _resolve_full(url, base, encoding)


def _resolve_full(url: str, base: str, encoding: str) -> str | None:
    """The general path of resolve_url: RFC 3986 join, then w3lib's safe_url_string."""
    if "\\" in url:
        url = _fix_backslashes(url)
    try:
        joined = _join(base, url)
        out = safe_url_string(joined, encoding=encoding)
        parts = urlsplit(out)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except (ValueError, UnicodeError):
        return None
    host = parts.hostname
    if parts.scheme in ("http", "https") and (
            not host or ("[" not in parts.netloc and _BAD_HOST.search(host))):
        return None
    # w3lib drops an empty query or fragment ("page?", "page#"); browsers keep them.
    head, hash_, fragment = joined.partition("#")
    if head.endswith("?") and "?" not in out.partition("#")[0]:
        out = out.replace("#", "?#", 1) if "#" in out else out + "?"
    if hash_ and not fragment and not out.endswith("#"):
        out += "#"
    return out


def _join(base: str, ref: str) -> str:
    """RFC 3986 section 5.2 reference resolution (keeps ';', empty '?' and '#')."""
    bs, ba, bp, bq, _ = _URI.fullmatch(base).groups()  # type: ignore[union-attr]
    rs, ra, rp, rq, rf = _URI.fullmatch(ref).groups()  # type: ignore[union-attr]
    if rs is not None and ra is None and bs is not None and rs.lower() == bs.lower():
        rs = None  # "http:file.html" on an http page is relative (WHATWG, special schemes)
    if rs is not None:
        scheme, auth, path, query = rs.lower(), ra, _remove_dots(rp), rq
    else:
        scheme, auth = bs or "", ba
        if ra is not None:
            auth, path, query = ra, _remove_dots(rp), rq
        elif not rp:
            path, query = bp, (rq if rq is not None else bq)
        else:
            if not rp.startswith("/"):
                rp = ("/" if ba is not None and not bp else bp[: bp.rfind("/") + 1]) + rp
            path, query = _remove_dots(rp), rq
    if not path and auth is not None:
        path = "/"
    return "".join((scheme, ":", "" if auth is None else "//" + auth, path,
                    "" if query is None else "?" + query, "" if rf is None else "#" + rf))


def _remove_dots(path: str) -> str:
    """RFC 3986 remove_dot_segments, also for the %2e spellings browsers accept."""
    if "." not in path and "%" not in path:
        return path
    segments = path.split("/")
    out: list[str] = []
    for seg in segments:
        low = seg.lower()
        if low in _DOTDOT:
            if len(out) > 1:
                out.pop()
        elif low not in _DOT:
            out.append(seg)
    if segments[-1].lower() in _DOT or segments[-1].lower() in _DOTDOT:
        out.append("")
    return "/".join(out)


@lru_cache(maxsize=4096)
def _base_parts(base: str) -> tuple[str, str, str, str] | None:
    """(origin, directory, document, document?query) of a normalised http(s) base, else None."""
    if not _PLAIN_ABS.fullmatch(base):
        return None
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or parts.netloc != parts.netloc.lower():
        return None
    origin = "%s://%s" % (parts.scheme, parts.netloc)
    path = parts.path or "/"
    query = base.split("#", 1)[0].partition("?")
    return (origin, origin + path[: path.rfind("/") + 1], origin + path,
            origin + path + query[1] + query[2])


def _join_plain(url: str, base: str) -> str | None:
    """Fast join of a relative plain-ASCII URL without dot segments; None for the slow path."""
    bases = _base_parts(base)
    if bases is None:
        return None
    first = url[0]
    if first == "#":
        return bases[3] + url
    if first == "?":
        return bases[2] + url
    path = url.split("?", 1)[0].split("#", 1)[0]
    if "/." in "/" + path or ("%" in path and "%2e" in path.lower()):
        return None
    return (bases[0] if first == "/" else bases[1]) + url


# --- the walk ---------------------------------------------------------------------------

def _markup(tag: str, attrs: list[tuple[str, str]]) -> str:
    buf = ["<", tag]
    for name, value in attrs:
        if len(value) > 300:
            value = value[:300]
        buf.append(' %s="%s"' % (name, value.replace("&", "&amp;").replace('"', "&quot;")))
    buf.append(">")
    text = "".join(buf)
    return text if len(text) <= 300 else text[:297] + "..."


def _link_text(el: etree._Element, tag: str) -> str:
    """Text of an a/area, else the alt of an image inside, else its title."""
    if tag == "img":
        return " ".join((el.get("alt") or "").split())
    text = " ".join(str(_LINK_TEXT(el)).split())
    if text:
        return text
    if tag == "area":
        text = " ".join((el.get("alt") or "").split())
    else:
        for img in el.iter("img"):
            text = " ".join((img.get("alt") or "").split())
            if text:
                break
    return text or " ".join((el.get("title") or "").split())


def _table_child(state: list[int], counts: list[int], tag: str, name: str) -> str:
    """Selector segment for a child of <table>, adding the tbody/tr browsers imply.

    libxml2 keeps <table><tr><td> as written; a browser wraps each run of bare rows in a
    <tbody> and bare cells in a <tr>. `state` is [implied tbody index or 0, rows, cells].
    """
    if tag == "tr" or tag == "td" or tag == "th":
        if not state[0]:
            counts[-1] += 1
            state[0], state[1], state[2] = counts[-1], 0, 0
        if tag == "tr":
            state[1] += 1
            state[2] = 0
            return "tbody:nth-child(%d) > tr:nth-child(%d)" % (state[0], state[1])
        if not state[2]:
            state[1] += 1
        state[2] += 1
        return "tbody:nth-child(%d) > tr:nth-child(%d) > %s:nth-child(%d)" % (
            state[0], state[1], name, state[2])
    state[0] = state[2] = 0
    counts[-1] += 1
    return "%s:nth-child(%d)" % (name, counts[-1])


def _parse(html: str) -> etree._Element | None:
    if not html:
        return None
    if "\x00" in html:
        html = html.replace("\x00", "")
    if html[:1] == "\ufeff":
        html = html[1:]
    decl = _XML_DECL.match(html)
    if decl and decl.group(0).lstrip().startswith("<?"):
        html = html[decl.end():]
    if not html or html.isspace():
        return None
    try:
        return etree.fromstring(html, _PARSER)
    except (ValueError, UnicodeError):  # e.g. lone surrogates
        return etree.fromstring(html.encode("utf-8", "replace").decode("utf-8"), _PARSER)


def parse_page(html: str, url: str, encoding: str = "utf-8") -> ParsedPage:
    """Parse decoded HTML served at `url`; never raises (an unparsable page comes back empty).

    `encoding` is the page's charset, used (as browsers do) to percent-encode non-ASCII
    characters in query strings; paths are always UTF-8.
    """
    try:
        root = _parse(html)
        if root is None:
            return ParsedPage(base_url=url)
        return _extract(root, url, encoding)
    except Exception:  # noqa: BLE001 - one odd page must never stop a crawl
        return ParsedPage(base_url=url)


def _extract(root: etree._Element, page_url: str, encoding: str) -> ParsedPage:
    page = ParsedPage(base_url=page_url)
    links, ids, meta = page.links, page.ids, page.meta
    parts: list[str] = []
    title: str | None = None
    base_raw: str | None = None
    refresh: Link | None = None
    counts = [0]
    segs: list[str] = []
    tables: dict[int, list[int]] = {}  # depth of an open <table> -> implied tbody/tr state
    hidden = 0
    in_body = False

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if event == "end":
            counts.pop()
            segs.pop()
            if tag == "table":
                tables.pop(len(segs), None)
            elif tag == "body":
                in_body = False
            elif tag == "template":
                hidden -= 1
            if in_body and not hidden:
                if tag in _BLOCK:
                    parts.append("\x00")
                tail = el.tail
                if tail:
                    parts.append(tail)
            continue

        depth = len(segs)
        name = tag.replace(":", "\\:") if ":" in tag else tag
        if tables and depth - 1 in tables:
            segs.append(_table_child(tables[depth - 1], counts, tag, name))
        elif depth == 0 or (depth == 1 and (tag == "body" or tag == "head")):
            segs.append(name)
        else:  # browsers always put <head> before a <frameset>
            n = counts[-1] = 2 if depth == 1 and tag == "frameset" else counts[-1] + 1
            segs.append("%s:nth-child(%d)" % (name, n))
        counts.append(0)
        if tag == "table":
            tables[depth] = [0, 0, 0]

        if tag == "body":
            in_body = True
        elif tag == "template":
            hidden += 1
        elif tag == "title" and title is None:
            title = " ".join("".join(el.itertext()).split())
        if in_body and not hidden:
            if tag in _BLOCK:
                parts.append("\x00")
            text = el.text
            if text and tag not in _NO_TEXT:
                parts.append(text)

        attrs = el.items()
        if tag == "style" and el.text:
            _style_block(el, attrs, segs, links)
        if not attrs:
            continue
        wanted = _URL_ATTRS.get(tag, _NO_ATTRS)
        found: list[tuple[str, str]] | None = None
        onclick = rel = ""
        for attr, value in attrs:
            if attr in wanted or attr in _GLOBAL_ATTRS:
                if found is None:
                    found = []
                found.append((attr, value))
            elif attr == "id" or (attr == "name" and tag == "a"):
                if value:
                    ids.add(value)
            elif attr == "onclick":
                onclick = value
            elif attr == "rel":
                rel = value
        if tag == "meta":
            refresh_link = _meta(el, meta)
            if refresh_link is not None:
                found = found or []
                found.append(("content", refresh_link))
        elif tag == "base" and base_raw is None:
            base_raw = el.get("href")
        if found is None:
            continue

        selector = " > ".join(segs)
        line = el.sourceline
        markup = _markup(tag, attrs)
        text = _link_text(el, tag) if tag in _TEXT_TAGS or tag == "img" else ""
        for attr, value in found:
            if attr == "style":
                for raw, offset in css_urls(value):
                    links.append(Link("style", "style", raw, None, "", selector, line, markup,
                                      onclick, rel))
                continue
            if attr in _SRCSET_ATTRS:
                raws = parse_srcset(value)
            elif attr in _LIST_ATTRS:
                raws = value.replace(",", " ").split() if attr == "archive" else value.split()
            else:
                raws = [value.strip(_ASCII_WS)]
            for raw in raws:
                link = Link(tag, attr, raw, None, text, selector, line, markup, onclick, rel)
                links.append(link)
                if attr == "content" and refresh is None:
                    refresh = link

    page.title = title or ""
    body = "\n".join(filter(None, (" ".join(s.split()) for s in "".join(parts).split("\x00"))))
    page.text = "\n".join(filter(None, (page.title, body)))

    base_url = page_url
    if base_raw is not None:
        resolved = resolve_url(base_raw, page_url, encoding)
        if resolved and resolved.split(":", 1)[0] in _FETCHABLE:
            base_url = resolved
    page.base_url = base_url
    for link in links:
        link.url = resolve_url(link.raw, base_url, encoding)
    if refresh is not None:
        page.refresh = refresh.url
    return page


def _style_block(el: etree._Element, attrs: list[tuple[str, str]], segs: list[str],
                 links: list[Link]) -> None:
    """Links for url()/@import in a <style> element, with their own source lines."""
    found = css_urls(el.text or "")
    if not found:
        return
    selector, line, markup = " > ".join(segs), el.sourceline, _markup("style", attrs)
    for raw, offset in found:
        links.append(Link("style", "style", raw, None, "", selector,
                          None if line is None else line + offset, markup))


def _meta(el: etree._Element, meta: dict[str, str]) -> str | None:
    """Record <meta name content>; return the raw URL of a meta refresh, if any."""
    content = el.get("content")
    if content is None:
        return None
    name = el.get("name")
    if name:
        meta.setdefault(name.strip().lower(), content.strip())
    if (el.get("http-equiv") or "").strip().lower() == "refresh":
        return parse_refresh(content)
    return None
