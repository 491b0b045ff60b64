"""Links written inside HTML comments, a 暗链 technique that needs no CSS at all.

Browsers never show a comment, so a link parked in ``<!-- … -->`` is invisible to visitors
yet still sits in the page's source. Kept apart from checks/visibility.py because it reads the
page's source text, not its styles.
"""

from __future__ import annotations

import lxml.html
from lxml import etree


def hidden_in_comments(html: str) -> list[tuple[str, str]]:
    """(href, text) of links written inside HTML comments (``<!-- <a href=…>…</a> -->``,
    ``<!--seo … -->`` blocks, IE conditional comments). Comment-like text inside scripts is not a comment."""
    out: list[tuple[str, str]] = []
    try:
        try:
            root = lxml.html.document_fromstring(html)
        except ValueError:  # a str with an XML encoding declaration
            root = lxml.html.document_fromstring(html.encode("utf-8", "replace"))
    except Exception:
        return out
    for comment in (*root.itersiblings(etree.Comment, preceding=True), *root.iter(etree.Comment),
                    *root.itersiblings(etree.Comment)):
        body = comment.text or ""
        if "<a" not in body.lower():
            continue
        try:
            fragment = lxml.html.fragment_fromstring(body, create_parent="div")
        except Exception:
            continue
        out.extend((link.get("href").strip(), " ".join(link.text_content().split()))
                   for link in fragment.iter("a", "area") if link.get("href") is not None)
    return out
