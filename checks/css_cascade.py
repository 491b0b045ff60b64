"""The cascade applied to a page: winning declarations and computed values per element.

The page's ``<style>`` blocks and linked sheets (checks/css_stylesheets.py) are taken in
document order and their selectors matched with cssselect2, skipping selectors whose ancestor
needs the element's ancestors lack. Inline styles, ``!important`` and HTML presentational
attributes (``bgcolor``, ``width``) are ranked as a browser does, and the few computed values
the visibility check asks for (display, font size, lengths, inherited properties) are worked
out lazily. ``:hover``/``:focus`` and other dynamic pseudo-classes never match, so rules that
only show something on hover do not make it visible. Nothing here raises on page input.
"""

from __future__ import annotations

from typing import Any, Callable, Iterator

import cssselect2
from cssselect2.compiler import split_whitespace
from lxml import etree

from checks.css_declarations import (FONT_KEYWORDS, ROOT_FONT_PX, Decl, attr_tokens, colour, declaration, length_px,
                                     parse_inline, percent)
from checks.css_stylesheets import media_applies, parse_sheet

Element = etree._Element
# HTML presentational attributes turned into (lowest-priority) declarations.
_SIZE_ATTR_TAGS = frozenset({"img", "iframe", "table", "td", "th", "marquee", "canvas", "video",
                             "object", "embed", "input", "svg"})
_BGCOLOR_TAGS = frozenset({"body", "table", "tr", "td", "th"})
_HINT_TAGS = _SIZE_ATTR_TAGS | _BGCOLOR_TAGS | {"font"}
_BLOCK_TAGS = frozenset("""html body div p ul ol li dl dt dd h1 h2 h3 h4 h5 h6 section article aside header
    footer nav main form fieldset blockquote pre address figure figcaption center hr menu dir details summary
    caption legend""".split())
_TABLE_TAGS = frozenset({"table", "tr", "td", "th", "tbody", "thead", "tfoot", "col", "colgroup"})
_SIZED_INLINE = frozenset({"img", "svg", "canvas", "video", "iframe", "object", "embed", "input", "button",
                           "marquee", "select", "textarea"})


# --- matching selectors against the page --------------------------------------------------------

def _features(el: Element) -> frozenset[str]:
    """What an element offers to ancestor needs: its tag, ``#id`` and ``.class`` names."""
    classes = split_whitespace(el.get("class") or "")
    return frozenset([el.tag if isinstance(el.tag, str) else "", "#" + (el.get("id") or "")]
                     + ["." + c for c in classes])


def _prime(wrapper: cssselect2.ElementWrapper) -> cssselect2.ElementWrapper:
    """Fill the wrapper's cached properties up front (``functools.cached_property`` takes a lock
    on every first access in Python 3.11, which dominated matching time)."""
    el = wrapper.etree_element
    tag = el.tag if isinstance(el.tag, str) else ""
    namespace, _, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
    wrapper.__dict__.update(local_name=local, namespace_url=namespace, id=el.get("id"),
                            classes=set(split_whitespace(el.get("class") or "")))
    return wrapper


class _FilteredMatcher(cssselect2.Matcher):
    """cssselect2's Matcher, skipping selectors whose ancestor needs the element's ancestors lack.

    Each of the Matcher's buckets is indexed once by one need of each selector, so only the
    selectors keyed by something the element's ancestors have are looked at.
    """

    def __init__(self, above: dict[Element, frozenset[str]]) -> None:
        super().__init__()
        self._above = above
        self._indexes: dict[int, dict[str | None, list]] = {}

    def add_relevant_selectors(self, element, selectors, relevant_selectors) -> None:  # noqa: D102
        index = self._indexes.get(id(selectors))
        if index is None:
            index = self._indexes[id(selectors)] = {}
            for entry in selectors:
                index.setdefault(min(entry[4][0]) if entry[4][0] else None, []).append(entry)
        have = self._above.get(element.etree_element, frozenset())
        groups = [index[None]] if None in index else []
        groups += [index[feature] for feature in have if feature in index]
        for group in groups:
            for test, specificity, order, pseudo, (needs, decls) in group:
                if needs <= have and test(element):
                    relevant_selectors.append((specificity, order, pseudo, decls))



# --- the page's stylesheets and the cascade ------------------------------------------------------

def _is_stylesheet_link(el: Element) -> bool:
    rel = (el.get("rel") or "").lower().split()
    return "stylesheet" in rel and "alternate" not in rel


def _media_attr_applies(el: Element) -> bool:
    media = el.get("media")
    return media is None or media_applies(attr_tokens(media))


def _sheet_texts(root: Element, linked: list[str]) -> list[str]:
    """Stylesheet texts in cascade order: ``<style>`` blocks and linked sheets in document order.

    When the page's ``<link rel=stylesheet>`` count matches ``linked``, the two are interleaved
    by position (and a link's ``media`` is honoured); otherwise linked sheets come first.
    """
    nodes = [el for el in root.iter("style", "link")
             if not any(a.tag in ("template", "noscript") for a in el.iterancestors())
             and (el.tag == "style" or _is_stylesheet_link(el))]
    links = [el for el in nodes if el.tag == "link"]
    texts: list[str] = [] if len(links) == len(linked) else list(linked)
    remaining = iter(linked)
    for el in nodes:
        if el.tag == "link":
            text = next(remaining, None) if len(links) == len(linked) else None
            if text is not None and _media_attr_applies(el):
                texts.append(text)
        elif (el.get("type") or "text/css").strip().lower() in ("text/css", "") and _media_attr_applies(el):
            texts.append("".join(el.itertext()))
    return texts


class Cascade:
    """Cascaded (winning) declarations of a page's elements; selectors are matched on demand."""

    def __init__(self, root: Element, stylesheets: list[str]) -> None:
        self._above: dict[Element, frozenset[str]] = {}  # features of all ancestors
        self.matcher = _FilteredMatcher(self._above)
        for text in _sheet_texts(root, stylesheets):
            for selector, needs, decls in parse_sheet(text):
                self.matcher.add_selector(selector, (needs, decls))
        self._wrappers: dict[Element, cssselect2.ElementWrapper] = {}

    def _wrapper(self, el: Element) -> cssselect2.ElementWrapper | None:
        """The cssselect2 wrapper of an lxml element (built down from the root, siblings cached)."""
        path = []
        node = el
        while node is not None and node not in self._wrappers:
            path.append(node)
            node = node.getparent()
        if node is None:
            top = path.pop()
            self._wrappers[top] = _prime(cssselect2.ElementWrapper.from_html_root(top))
            self._above[top] = frozenset()
        for node in reversed(path):
            parent = node.getparent()
            above = self._above[parent] | _features(parent)
            for child in self._wrappers[parent].iter_children():
                self._wrappers[child.etree_element] = child
                self._above[child.etree_element] = above
                _prime(child)
        return self._wrappers.get(el)

    @staticmethod
    def _hints(el: Element) -> Iterator[Decl]:
        """Presentational attributes (``bgcolor``, ``<font color>``, ``width``/``height``) as declarations."""
        tag = el.tag
        if tag not in _HINT_TAGS:
            return
        for attr, name in (("bgcolor", "background-color"), ("color", "color")):
            value = (el.get(attr) or "").strip() if (tag == "font") == (attr == "color") else ""
            toks = attr_tokens(value) if value else ()
            if len(toks) != 1 or colour(toks[0]) is None:  # legacy colours may lack the "#"
                toks = attr_tokens("#" + value) if value else ()
            if len(toks) == 1 and colour(toks[0]) is not None:
                yield declaration(name, toks, False)
        if tag in _SIZE_ATTR_TAGS:
            for name in ("width", "height"):
                toks = attr_tokens(el.get(name) or "")
                if len(toks) == 1 and toks[0].type in ("number", "percentage", "dimension"):
                    yield declaration(name, toks, False)

    def declared(self, el: Element) -> dict[str, Decl]:
        """Winning declaration per property: !important inline > !important sheet > inline >
        sheet (by specificity, then source order) > presentational attributes."""
        best: dict[str, tuple[int, Decl]] = {}

        def offer(decl: Decl, rank: int) -> None:
            current = best.get(decl.name)
            if current is None or rank >= current[0]:
                best[decl.name] = (rank, decl)

        try:
            for decl in self._hints(el):
                offer(decl, 0)
            wrapper = self._wrapper(el)
            for _specificity, _order, _pseudo, decls in self.matcher.match(wrapper) if wrapper is not None else ():
                for decl in decls:
                    offer(decl, 3 if decl.important else 1)
            for decl in parse_inline(el.get("style") or ""):
                offer(decl, 4 if decl.important else 2)
        except Exception:
            pass
        return {name: decl for name, (_rank, decl) in best.items()}


class Styles:
    """Cascaded and computed values of a page's elements, computed lazily and memoised."""

    def __init__(self, root: Element, stylesheets: list[str]) -> None:
        try:
            self._cascade: Cascade | None = Cascade(root, list(stylesheets or []))
        except Exception:
            self._cascade = None
        self._decls: dict[Element, dict[str, Decl]] = {}
        self._memo: dict[str, dict[Any, Any]] = {}

    def decls(self, el: Element) -> dict[str, Decl]:
        """The element's winning declarations by property."""
        found = self._decls.get(el)
        if found is None:
            found = self._decls[el] = (
                self._cascade.declared(el) if self._cascade is not None and isinstance(el.tag, str) else {})
        return found

    def ident(self, el: Element, name: str) -> str | None:
        """The keyword the element's winning ``name`` declaration sets, if it is a single keyword."""
        decl = self.decls(el).get(name)
        return decl.ident if decl is not None else None

    def position(self, el: Element) -> str:
        """The element's declared ``position``, ``static`` by default."""
        return self.ident(el, "position") or "static"

    def display(self, el: Element) -> str:
        """Outer display: declared, else the HTML default; floats and absolute boxes are blocks."""
        memo = self._memo.setdefault("display", {})
        if el not in memo:
            display, tag = self.ident(el, "display"), el.tag if isinstance(el.tag, str) else ""
            if display in (None, "inherit", "initial", "unset", "revert"):
                display = ("table" if tag in _TABLE_TAGS else "block" if tag in _BLOCK_TAGS
                           else "inline-block" if tag in _SIZED_INLINE else "inline")
            if display == "inline" and (self.position(el) in ("absolute", "fixed")
                                        or self.ident(el, "float") in ("left", "right")):
                display = "block"
            memo[el] = display
        return memo[el]

    def font_px(self, el: Element | None) -> float:
        """Computed font size in px (inherited; em and % relative to the parent's size)."""
        memo = self._memo.setdefault("font", {})
        path = []
        while el is not None and el not in memo:
            path.append(el)
            el = el.getparent()
        size = memo[el] if el is not None else ROOT_FONT_PX
        for node in reversed(path):
            decl = self.decls(node).get("font-size")
            if decl is not None:
                tok, word = decl.value[0], decl.ident
                if word in ("smaller", "larger"):
                    size = size / 1.2 if word == "smaller" else size * 1.2
                elif word is not None:
                    size = FONT_KEYWORDS.get(word, ROOT_FONT_PX if word == "initial" else size)
                elif percent(tok) is not None:
                    size = size * percent(tok) / 100
                elif (px := length_px(tok, size)) is not None and px >= 0:
                    size = px
            memo[node] = size
        return size

    def length(self, el: Element, name: str) -> tuple[float | None, float | None]:
        """(px, percent) of a one-value length property, (None, None) when not set."""
        decl = self.decls(el).get(name)
        if decl is None or len(decl.value) != 1:
            return None, None
        return length_px(decl.value[0], self.font_px(el)), percent(decl.value[0])

    def nearest(self, key: str, node: Element | None, own: Callable[[Element], Any]) -> tuple[Element, Any] | None:
        """(element, value) for the nearest element at or above ``node`` where ``own`` gives a value."""
        memo = self._memo.setdefault("nearest " + key, {})
        pending, result = [], None
        while node is not None:
            if node in memo:
                result = memo[node]
                break
            pending.append(node)
            value = own(node)
            if value is not None:
                result = (node, value)
                break
            node = node.getparent()
        for seen in pending:
            memo[seen] = result
        return result

    def inherited(self, name: str, node: Element) -> tuple[Element, Decl] | None:
        """The declaration an inherited property takes at ``node``, and the element declaring it."""
        def own(el: Element) -> Decl | None:
            decl = self.decls(el).get(name)
            return decl if decl is not None and decl.ident not in ("inherit", "unset") else None
        return self.nearest(name, node, own)
