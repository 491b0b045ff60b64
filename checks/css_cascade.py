"""A small CSS engine for static pages: cascaded and computed values per element.

Stylesheets are parsed with tinycss2 and selectors are compiled and matched with cssselect2;
only the properties the visibility check needs are kept. Media queries are evaluated for a
desktop screen (the 1280×720 viewport of the Chromium survey in NOTES.md): ``@media print`` is
ignored, ``@media screen`` and unqualified rules apply. ``:hover``/``:focus`` and other dynamic
pseudo-classes never match, so rules that only show something on hover do not make it visible.
Bad CSS is skipped silently; nothing here raises on page input.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

import cssselect2
import tinycss2
from cssselect2 import parser as selector_parser
from cssselect2.compiler import CompiledSelector, split_whitespace
from lxml import etree
from tinycss2.ast import IdentToken, Node
from tinycss2.color3 import RGBA, parse_color

Element = etree._Element
VIEWPORT_W, VIEWPORT_H = 1280, 720
ROOT_FONT_PX = 16.0

# Longhand properties kept by the cascade (shorthands are expanded into these).
PROPERTIES = frozenset({
    "display", "visibility", "opacity", "filter", "position", "float",
    "width", "height", "min-width", "min-height", "max-width", "max-height",
    "overflow-x", "overflow-y", "padding-top", "padding-right", "padding-bottom", "padding-left",
    "font-size", "left", "top", "right", "bottom", "margin-top", "margin-left",
    "text-indent", "clip", "clip-path", "transform", "color", "background-color", "background-image",
})
_SIDES = ("top", "right", "bottom", "left")
FONT_KEYWORDS = {"xx-small": 9.0, "x-small": 10.0, "small": 13.0, "medium": 16.0, "large": 18.0,
                  "x-large": 24.0, "xx-large": 32.0, "xxx-large": 48.0}
_ABS_UNITS = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 96 / 25.4,
              "q": 96 / 101.6, "vw": VIEWPORT_W / 100, "vh": VIEWPORT_H / 100,
              "vmin": VIEWPORT_H / 100, "vmax": VIEWPORT_W / 100, "rem": ROOT_FONT_PX}
_FONT_UNITS = {"em": 1.0, "ex": 0.5, "ch": 0.5}
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


@dataclass(frozen=True, slots=True)
class Decl:
    """One declaration: property name, significant value tokens, text for messages, !important."""

    name: str
    value: tuple[Node, ...]
    text: str
    important: bool = False
    rgba: RGBA | None = None  # parsed once for colour properties

    @property
    def ident(self) -> str | None:
        """The lower-cased keyword when the value is a single identifier."""
        if len(self.value) == 1 and self.value[0].type == "ident":
            return self.value[0].lower_value
        return None


def significant(tokens: Iterable[Node]) -> tuple[Node, ...]:
    """Tokens without whitespace and comments."""
    return tuple(t for t in tokens if t.type not in ("whitespace", "comment"))


def _ident(name: str) -> IdentToken:
    return IdentToken(0, 0, name)


# --- values -------------------------------------------------------------------------------------

def length_px(tok: Node | None, font_px: float = ROOT_FONT_PX) -> float | None:
    """A length token in CSS pixels; unitless numbers count as px (quirks mode). None if not a length."""
    if tok is None:
        return None
    if tok.type == "number":
        return float(tok.value)
    if tok.type == "dimension":
        unit = tok.lower_unit
        if unit in _ABS_UNITS:
            return tok.value * _ABS_UNITS[unit]
        if unit in _FONT_UNITS:
            return tok.value * _FONT_UNITS[unit] * font_px
    if tok.type == "percentage" and tok.value == 0:
        return 0.0
    return None


def percent(tok: Node | None) -> float | None:
    """The value of a percentage token, else None."""
    return float(tok.value) if tok is not None and tok.type == "percentage" else None


def colour(tok: Node | None) -> RGBA | None:
    """An RGBA colour from a token (named colours, #abc, rgb(), hsl(), transparent); None otherwise."""
    if tok is None:
        return None
    try:
        value = parse_color(tok)
    except Exception:
        return None
    return value if isinstance(value, RGBA) else None


def _attr_tokens(value: str) -> tuple[Node, ...]:
    try:
        return significant(tinycss2.parse_component_value_list(value, skip_comments=True))
    except Exception:
        return ()


# --- declarations -------------------------------------------------------------------------------

def _decl(name: str, tokens: tuple[Node, ...], important: bool) -> Decl:
    text = " ".join(tinycss2.serialize([t]).strip() for t in tokens)
    rgba = colour(tokens[0]) if name in ("color", "background-color") and len(tokens) == 1 else None
    return Decl(name, tokens, text, important, rgba)


def _font_size_token(tokens: tuple[Node, ...]) -> Node | None:
    """The size part of the ``font`` shorthand (``font: 0/0 a``, ``bold 12px 宋体``)."""
    for i, tok in enumerate(tokens):
        if tok.type == "literal" and tok.value == "/" and i > 0:
            return tokens[i - 1]
    for tok in tokens:
        if tok.type in ("dimension", "percentage") or (tok.type == "number" and tok.value == 0):
            return tok
        if tok.type == "ident" and (tok.lower_value in FONT_KEYWORDS or tok.lower_value in ("smaller", "larger")):
            return tok
    return None


def _expand(name: str, tokens: tuple[Node, ...], important: bool) -> list[Decl]:
    """Expand a declaration into the longhands the cascade keeps."""
    if not tokens:
        return []
    if name in PROPERTIES:
        return [_decl(name, tokens, important)]
    wide = tokens[0].lower_value if len(tokens) == 1 and tokens[0].type == "ident" else None
    if name == "overflow":
        return [_decl(axis, (tokens[min(i, len(tokens) - 1)],), important)
                for i, axis in enumerate(("overflow-x", "overflow-y"))]
    if name in ("margin", "padding", "inset"):  # 1 to 4 values: top, right, bottom, left
        picks = {1: (0, 0, 0, 0), 2: (0, 1, 0, 1), 3: (0, 1, 2, 1)}.get(len(tokens), (0, 1, 2, 3))
        prefix = "" if name == "inset" else name + "-"
        return [_decl(prefix + side, (tokens[i],), important) for side, i in zip(_SIDES, picks)
                if prefix + side in PROPERTIES]
    if name == "background":
        if wide in ("inherit", "initial", "unset"):
            return [_decl("background-color", tokens, important), _decl("background-image", tokens, important)]
        colours = [t for t in tokens if colour(t) is not None]
        image = any(t.type == "url" or (t.type == "function" and (t.lower_name == "url" or "gradient" in t.lower_name))
                    for t in tokens)
        return [_decl("background-color", (colours[-1] if colours else _ident("transparent"),), important),
                _decl("background-image", (_ident("url" if image else "none"),), important)]
    if name == "font":
        size = tokens[0] if wide == "inherit" else _font_size_token(tokens)
        return [_decl("font-size", (size,), important)] if size is not None else []
    return []


def parse_declarations(content: str | Iterable[Node]) -> tuple[Decl, ...]:
    """Declarations of a rule body or a ``style`` attribute, restricted to PROPERTIES."""
    out: list[Decl] = []
    try:
        items = tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    except Exception:
        return ()
    for item in items:
        if item.type == "declaration":
            out.extend(_expand(item.lower_name, significant(item.value), item.important))
    return tuple(out)


@lru_cache(maxsize=4096)
def parse_inline(style: str) -> tuple[Decl, ...]:
    """Declarations of a ``style`` attribute (cached: the same inline styles repeat across pages)."""
    return parse_declarations(style)


# --- media queries ------------------------------------------------------------------------------

def _feature_applies(block: Node) -> bool:
    """One ``(feature: value)`` on a 1280×720 desktop screen; features other than sizes and the
    ``-webkit-min-device-pixel-ratio:0`` hack do not apply."""
    toks = significant(block.content)
    if len(toks) != 3 or toks[0].type != "ident" or toks[1].type != "literal" or toks[1].value != ":":
        return len(toks) == 1 and toks[0].type == "ident" and toks[0].lower_value in ("color", "hover", "pointer")
    name, value = toks[0].lower_value.removeprefix("-webkit-"), toks[2]
    bound, _, feature = name.partition("-") if name.startswith(("min-", "max-")) else ("", "", name)
    actual = {"width": VIEWPORT_W, "device-width": VIEWPORT_W, "height": VIEWPORT_H, "device-height": VIEWPORT_H,
              "device-pixel-ratio": 1.0}.get(feature)
    px = length_px(value) if value.type != "number" or feature != "device-pixel-ratio" else value.value
    if actual is None or px is None:
        return False
    return actual >= px if bound == "min" else actual <= px if bound == "max" else actual == px


def media_applies(tokens: Iterable[Node]) -> bool:
    """Whether a media query list applies on a desktop screen (empty list: yes)."""
    queries: list[list[Node]] = [[]]
    for tok in significant(tokens):
        if tok.type == "literal" and tok.value == ",":
            queries.append([])
        else:
            queries[-1].append(tok)
    if queries == [[]]:
        return True
    for query in queries:
        negate = False
        if query and query[0].type == "ident" and query[0].lower_value in ("only", "not"):
            negate = query.pop(0).lower_value == "not"
        result = True
        for tok in query:
            if tok.type == "ident":
                word = tok.lower_value
                if word not in ("and", "or"):
                    result = result and word in ("screen", "all")
            elif tok.type == "() block":
                result = result and _feature_applies(tok)
            else:
                result = False
        if result != negate and query:
            return True
    return False


# --- stylesheets --------------------------------------------------------------------------------

Rule = tuple[CompiledSelector, frozenset[str], tuple[Decl, ...]]  # (selector, ancestor needs, declarations)


def _ancestor_needs(tree: object) -> frozenset[str]:
    """Classes (``.x``), ids (``#x``) and tags some ancestor must have for the selector to match.

    Every compound followed by a descendant or child combinator matches an ancestor of the
    subject (or of a sibling of it, which shares its ancestors), so an element whose ancestors
    lack one of these is skipped without running the selector (a browser's ancestor filter).
    """
    needs: set[str] = set()
    while isinstance(tree, selector_parser.CombinedSelector):
        if tree.combinator in (" ", ">"):
            left = tree.left.right if isinstance(tree.left, selector_parser.CombinedSelector) else tree.left
            for simple in getattr(left, "simple_selectors", ()):
                if isinstance(simple, selector_parser.ClassSelector):
                    needs.add("." + simple.class_name)
                elif isinstance(simple, selector_parser.IDSelector):
                    needs.add("#" + simple.ident)
                elif isinstance(simple, selector_parser.LocalNameSelector):
                    needs.add(simple.lower_local_name)
        tree = tree.left
    return frozenset(needs)


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


def _collect(rules: Iterable[Node], out: list[Rule], depth: int) -> None:
    for rule in rules:
        if rule.type == "qualified-rule":
            decls = parse_declarations(rule.content)
            if not decls:
                continue
            try:
                selectors = [(CompiledSelector(parsed), _ancestor_needs(parsed.parsed_tree))
                             for parsed in selector_parser.parse(rule.prelude)]
            except Exception:
                continue
            out.extend((sel, needs, decls) for sel, needs in selectors
                       if sel.pseudo_element is None and not sel.never_matches)
        elif rule.type == "at-rule" and rule.content is not None and depth < 8:
            keyword = rule.lower_at_keyword
            prelude = significant(rule.prelude)
            if keyword == "media" and not media_applies(prelude):
                continue
            if keyword == "supports" and prelude and prelude[0].type == "ident" and prelude[0].lower_value == "not":
                continue
            if keyword in ("media", "supports", "layer"):
                _collect(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True),
                         out, depth + 1)


@lru_cache(maxsize=128)
def parse_sheet(text: str) -> tuple[Rule, ...]:
    """Applicable style rules of a stylesheet (cached: a site's CSS is shared by all its pages)."""
    out: list[Rule] = []
    try:
        _collect(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True), out, 0)
    except Exception:
        pass
    return tuple(out)


def _is_stylesheet_link(el: Element) -> bool:
    rel = (el.get("rel") or "").lower().split()
    return "stylesheet" in rel and "alternate" not in rel


def _media_attr_applies(el: Element) -> bool:
    media = el.get("media")
    return media is None or media_applies(_attr_tokens(media))


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
            toks = _attr_tokens(value) if value else ()
            if len(toks) != 1 or colour(toks[0]) is None:  # legacy colours may lack the "#"
                toks = _attr_tokens("#" + value) if value else ()
            if len(toks) == 1 and colour(toks[0]) is not None:
                yield _decl(name, toks, False)
        if tag in _SIZE_ATTR_TAGS:
            for name in ("width", "height"):
                toks = _attr_tokens(el.get(name) or "")
                if len(toks) == 1 and toks[0].type in ("number", "percentage", "dimension"):
                    yield _decl(name, toks, False)

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
        decl = self.decls(el).get(name)
        return decl.ident if decl is not None else None

    def position(self, el: Element) -> str:
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
