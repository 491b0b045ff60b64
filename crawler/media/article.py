"""A post's own page: its main text, the links in that text, and the date the page gives itself.

Government article pages wrap the text in the site's template (header, menus, sidebar,
footer). What the listing page shows too is template: an element holding links whose text
stands as a whole on the listing (`template_texts`) is removed first, so a footer's
更新时间 is never taken for the post's date. The main block is then found generically:
every block element is credited with the length of its own text (not counting link text,
so menus score low), its parent with most of it and its grandparent with some; the
best-scoring block is the article. The date is checks.dates.page_date (metadata, then a
labelled 发布时间, then the URL) on what is left.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import lxml.html
from lxml import etree

from checks.dates import FoundDate, page_date
from crawler.media import find_links, html_text

_DROP = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "select",
         "textarea", "iframe")
_BLOCK = frozenset(("p", "div", "td", "th", "li", "section", "article", "main", "pre", "blockquote", "dd",
                    "center", "body", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tbody", "tr", "ul", "ol"))
_MIN_TEXT = 10


@dataclass
class Article:
    """What a post's own page says."""

    text: str = ""
    links: list[dict] = field(default_factory=list)
    date: FoundDate | None = None


def _parse(markup: str):
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", (markup or "").replace("\x00", ""))
    if not markup.strip():
        return None
    try:
        return lxml.html.document_fromstring(markup)
    except (ValueError, etree.LxmlError):
        return None


def _norm(el) -> str:
    return " ".join(el.text_content().split())


def template_texts(markup: str) -> frozenset[str]:
    """The texts of a listing page's elements that hold links (its header, menus, sidebar, footer)."""
    root = _parse(markup)
    if root is None:
        return frozenset()
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, "script", "style", with_tail=False)
    holders = {parent for a in root.iter("a") for parent in (a, *a.iterancestors())}
    return frozenset(text for text in map(_norm, holders) if len(text) >= 4)


def read_article(markup: str, url: str, as_of: dt.date | None, template: frozenset[str] = frozenset()) -> Article:
    """The main text, its links and the page's own date; an empty Article for an unreadable page.

    `template` is `template_texts` of the listing page: elements of the same site's template are left out.
    """
    root = _parse(markup)
    if root is None:
        return Article()
    meta = {}
    for element in root.iter("meta"):
        name = (element.get("name") or element.get("property") or element.get("itemprop") or "").strip().lower()
        if name and element.get("content"):
            meta.setdefault(name, element.get("content"))
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, "script", "style", with_tail=False)
    body = root.find("body")
    if body is None:
        return Article()
    if template:
        holders = {parent for a in body.iter("a") if a.get("href") for parent in a.iterancestors()}
        dropped, stack = [], list(body)
        while stack:                      # top-down: a dropped element's descendants are not looked at
            el = stack.pop()
            if el not in holders:
                continue
            if el.tag != "p" and _norm(el) in template:
                dropped.append(el)
            else:
                stack.extend(el)
        for el in dropped:
            el.drop_tree()
    whole = html_text(etree.tostring(body, encoding="unicode"))
    found = page_date(meta, whole, url, as_of) if as_of is not None else None
    etree.strip_elements(body, *_DROP, with_tail=False)
    block = main_block(body)
    content = etree.tostring(block, encoding="unicode", with_tail=False)
    return Article(text=html_text(content), links=find_links(content, url), date=found)


def main_block(body):
    """The element holding the page's running text (the body when nothing stands out)."""
    scores: dict = {}
    in_links = {el for a in body.iter("a") for el in a.iter()}
    for el in body.iter():
        if not isinstance(el.tag, str) or el in in_links:
            continue
        own = len("".join((el.text or "").split())) + sum(
            len("".join((child.tail or "").split())) for child in el)
        if not own:
            continue
        block = el if el.tag in _BLOCK else next((p for p in el.iterancestors() if p.tag in _BLOCK), body)
        for weight, target in zip((1.0, 0.8, 0.4), (block, block.getparent(), _grandparent(block))):
            if target is not None:
                scores[target] = scores.get(target, 0.0) + weight * own
    if not scores:
        return body
    best = max(scores, key=scores.get)
    if scores[best] < _MIN_TEXT:
        return body
    if best.tag in ("p", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6") and best.getparent() is not None:
        best = best.getparent()       # one long paragraph: take the whole text around it
    return best


def _grandparent(el):
    parent = el.getparent()
    return parent.getparent() if parent is not None else None
