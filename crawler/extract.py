"""Parse a decoded HTML page once with lxml and pull out links, ids, meta, title and text.

One libxml2 parse of the decoded text (never raw bytes: libxml2 guesses encodings badly
for GB2312 pages) and one `iterwalk` over the tree. Selectors are built only for elements
that carry links, from a stack of `tag:nth-child(n)` segments kept during the walk.
URLs are resolved after the walk, once the document's `<base href>` is known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from crawler.charset import Decoded, decode_html, normalize_charset
from crawler.embedded_urls import ASCII_WS, css_urls, parse_refresh, parse_srcset
from crawler.urlresolve import FETCHABLE_SCHEMES, resolve_url

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

def _attrs(spec: str) -> dict[str, frozenset[str]]:
    """Parse "tag tag: attr attr; ..." into {tag: frozenset(attrs)}."""
    table: dict[str, frozenset[str]] = {}
    for group in spec.split(";"):
        tags, _, attrs = group.partition(":")
        for tag in tags.split():
            table[tag] = frozenset(attrs.split())
    return table


# Which attributes hold URLs, per element (broken-link-checker's list plus lowsrc/imagesrcset).
_URL_ATTRS = _attrs(
    "a area: href ping; applet: archive code codebase object src; audio embed script track: src;"
    "blockquote q del ins: cite; body table thead tbody tfoot tr td th: background;"
    "button: formaction; form: action; frame iframe: src longdesc; head: profile;"
    "html: manifest; img: src srcset longdesc lowsrc; input: src formaction;"
    "link: href imagesrcset; menuitem: icon; object: data codebase archive;"
    "source: src srcset; video: src poster"
)
_GLOBAL_ATTRS = frozenset({"style", "itemtype"})
_NO_ATTRS: frozenset[str] = frozenset()
_SRCSET_ATTRS = frozenset({"srcset", "imagesrcset"})
_LIST_ATTRS = frozenset({"ping", "itemtype", "archive"})
_TEXT_TAGS = frozenset({"a", "area", "img"})

# Elements whose boundaries break the visible text into lines.
_BLOCK = frozenset(
    "address article aside blockquote br caption center dd details dialog div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hr legend li main nav ol option p "
    "pre section summary table tbody td tfoot th thead tr ul".split()
)
_NO_TEXT = frozenset({"script", "style", "title"})
_HIDDEN = frozenset({"template", "noscript"})  # subtrees whose text a (scripting) browser hides

_SPACES = re.compile(r"\s+")
_BREAKS = re.compile(r" ?(?:\x00 ?)+")
_XML_DECL = re.compile(r"\s*<\?xml[^>]*>", re.I)
_LINK_TEXT = etree.XPath("string()")

# huge_tree lifts libxml2's nesting limit from 256 to 2048: pages full of unclosed <font>
# or <div> tags would otherwise lose everything after the 256th level.
_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False,
                           no_network=True, default_doctype=False, huge_tree=True)


# --- the walk ---------------------------------------------------------------------------

def _markup(tag: str, attrs: list[tuple[str, str]]) -> str:
    """The start tag rebuilt from the parsed attributes, at most 300 characters."""
    buf = ["<", tag]
    for name, value in attrs:
        if len(value) > 300:
            value = value[:300]
        if "&" in value or '"' in value:
            value = value.replace("&", "&amp;").replace('"', "&quot;")
        buf += (" ", name, '="', value, '"')
    buf.append(">")
    text = "".join(buf)
    return text if len(text) <= 300 else text[:297] + "..."


def _link_text(el: etree._Element, tag: str) -> str:
    """Text of an a/area, else the alt of an image inside, else its title."""
    if tag == "img":
        return " ".join((el.get("alt") or "").split())
    text = " ".join((el.text or "").split() if not len(el) else str(_LINK_TEXT(el)).split())
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
    decl = _XML_DECL.match(html)  # lxml refuses str input with an encoding declaration
    if decl:
        html = html[decl.end():]
    if not html or html.isspace():
        return None
    try:
        root = etree.fromstring(html, _PARSER)
    except (ValueError, UnicodeError):
        root = None
    if root is None:  # lxml silently gives up on lone surrogates
        cleaned = html.encode("utf-8", "replace").decode("utf-8")
        if cleaned != html:
            root = etree.fromstring(cleaned, _PARSER)
    return root


# Links kept per page: one more than the spider stores, so it can tell the page was cut.
MAX_LINKS = 5001


def parse_page(html: str, url: str, encoding: str = "utf-8") -> ParsedPage:
    """Parse decoded HTML served at `url`; never raises (an unparsable page comes back empty).

    `encoding` is the page's charset, used (as browsers do) to percent-encode non-ASCII
    characters in query strings; paths are always UTF-8.
    """
    try:
        codec = normalize_charset(encoding) or "utf-8"
        if codec.startswith(("utf-16", "utf-32")):
            codec = "utf-8"  # browsers encode queries of UTF-16 pages as UTF-8
        root = _parse(html)
        if root is None:
            return ParsedPage(base_url=url)
        return _extract(root, url, codec)
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
            elif tag in _HIDDEN:
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
        elif tag in _HIDDEN:
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

        if len(links) > MAX_LINKS:
            continue    # enough to show the page is stuffed; building more only costs memory
        selector = " > ".join(segs if len(segs) <= 100 else segs[-100:])
        line = el.sourceline
        markup = _markup(tag, attrs)
        text = _link_text(el, tag) if tag in _TEXT_TAGS else ""
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
                raws = [value.strip(ASCII_WS)]
            for raw in raws:
                link = Link(tag, attr, raw, None, text, selector, line, markup, onclick, rel)
                links.append(link)
                if attr == "content" and refresh is None:
                    refresh = link

    page.title = title or ""
    body = _BREAKS.sub("\n", _SPACES.sub(" ", "".join(parts))).strip()
    page.text = "\n".join(filter(None, (page.title, body)))

    base_url = page_url
    if base_raw is not None:
        resolved = resolve_url(base_raw, page_url, encoding)
        if resolved and resolved.split(":", 1)[0] in FETCHABLE_SCHEMES:
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
    """Record <meta name|property content>; return the raw URL of a meta refresh, if any."""
    content = el.get("content")
    if content is None:
        return None
    name = el.get("name") or el.get("property")   # Open Graph dates use property=
    if name:
        meta.setdefault(name.strip().lower(), content.strip())
    if (el.get("http-equiv") or "").strip().lower() == "refresh":
        return parse_refresh(content)
    return None
