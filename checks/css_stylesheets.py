"""Stylesheets read into style rules: which rules of a sheet apply on a desktop screen.

A sheet is parsed with tinycss2 and its selectors compiled with cssselect2. Media queries are
evaluated for the 1280×720 desktop viewport of the Chromium survey in NOTES.md: ``@media print``
is ignored, ``@media screen`` and unqualified rules apply; ``@supports not`` is dropped. Each
selector also records what its subject's ancestors must have, so the cascade can skip it cheaply.
Matching the rules against a page is the cascade's job (checks/css_cascade.py). Bad CSS is
skipped silently; nothing here raises on page input.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import tinycss2
from cssselect2 import parser as selector_parser
from cssselect2.compiler import CompiledSelector
from tinycss2.ast import Node

from checks.css_declarations import VIEWPORT_H, VIEWPORT_W, Decl, length_px, parse_declarations, significant

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


# --- style rules --------------------------------------------------------------------------------

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
