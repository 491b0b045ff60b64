"""CSS values and declarations: what one ``property: value`` means, for the visibility check.

Values are read as a desktop browser would (the 1280×720 viewport of the Chromium survey in
NOTES.md, a 16px root font), and only the longhands the cascade keeps are produced: shorthands
such as ``margin``, ``background`` and ``font`` are expanded into them. Kept apart from
stylesheets and the cascade because ``style`` attributes and presentational hints need the same
parsing. Bad CSS gives no declaration; nothing here raises on page input.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import tinycss2
from tinycss2.ast import IdentToken, Node
from tinycss2.color3 import RGBA, parse_color

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


def attr_tokens(value: str) -> tuple[Node, ...]:
    """Significant tokens of an HTML attribute read as a CSS value (``media``, ``bgcolor``); () if unparsable."""
    try:
        return significant(tinycss2.parse_component_value_list(value, skip_comments=True))
    except Exception:
        return ()


# --- declarations -------------------------------------------------------------------------------

def declaration(name: str, tokens: tuple[Node, ...], important: bool) -> Decl:
    """A Decl of a longhand with its message text (and its colour, for colour properties)."""
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
        return [declaration(name, tokens, important)]
    wide = tokens[0].lower_value if len(tokens) == 1 and tokens[0].type == "ident" else None
    if name == "overflow":
        return [declaration(axis, (tokens[min(i, len(tokens) - 1)],), important)
                for i, axis in enumerate(("overflow-x", "overflow-y"))]
    if name in ("margin", "padding", "inset"):  # 1 to 4 values: top, right, bottom, left
        picks = {1: (0, 0, 0, 0), 2: (0, 1, 0, 1), 3: (0, 1, 2, 1)}.get(len(tokens), (0, 1, 2, 3))
        prefix = "" if name == "inset" else name + "-"
        return [declaration(prefix + side, (tokens[i],), important) for side, i in zip(_SIDES, picks)
                if prefix + side in PROPERTIES]
    if name == "background":
        if wide in ("inherit", "initial", "unset"):
            return [declaration("background-color", tokens, important),
                    declaration("background-image", tokens, important)]
        colours = [t for t in tokens if colour(t) is not None]
        image = any(t.type == "url" or (t.type == "function" and (t.lower_name == "url" or "gradient" in t.lower_name))
                    for t in tokens)
        return [declaration("background-color", (colours[-1] if colours else _ident("transparent"),), important),
                declaration("background-image", (_ident("url" if image else "none"),), important)]
    if name == "font":
        size = tokens[0] if wide == "inherit" else _font_size_token(tokens)
        return [declaration("font-size", (size,), important)] if size is not None else []
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
