"""What an element and all its ancestors do to hide it, folded into one record per element.

A link is hidden as much by its ancestors as by itself: a ``display:none`` wrapper, an opacity
that multiplies down, a zero-size box that clips its overflow, an off-page offset. Walking up
from every link would look at the ancestors a page's links share again and again, so these facts
are built root-down once per element and memoised (``HidingStyles.chain``). The techniques that
turn them into findings are in checks/visibility.py, which also guards against the odd page
value that makes a method here raise (each technique runs under ``try``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import tinycss2

from checks.css_cascade import Element, Styles
from checks.css_declarations import VIEWPORT_H, VIEWPORT_W, length_px, percent

FAR_NEGATIVE_PX, FAR_POSITIVE_PX = -500.0, 5000.0
TINY_PX = 1.0
# Elements whose content is not rendered (with scripts on): fallback content of embedded media etc.
_UNRENDERED = frozenset("head script style title iframe video audio canvas textarea select datalist "
                        "noembed noframes".split())
# An element declaring none of these (and without ``hidden``) adds nothing to its ancestors' facts.
_HIDING = frozenset({"display", "opacity", "filter", "overflow-x", "overflow-y", "position", "clip", "clip-path",
                     "transform", "left", "right", "top", "bottom", "margin-left", "margin-top"})
_OFFSETS = frozenset({"left", "right", "top", "bottom", "margin-left", "margin-top", "transform"})

Found = tuple[Element, str]  # (the element hiding, Chinese description of how)


def far_off(px: float | None, pct: float | None, positive: bool = True) -> bool:
    """Whether an offset in px or percent moves a box off the page: far left or up (-100% or
    beyond), or, with ``positive``, also far right or down."""
    return ((px is not None and (px <= FAR_NEGATIVE_PX or (positive and px >= FAR_POSITIVE_PX)))
            or (pct is not None and pct <= -100))


@dataclass(frozen=True)
class HidingChain:
    """Hiding facts of an element and all its ancestors, the nearest hider first."""

    content: Found | None = None  # contents not rendered (template, noscript, fallback content)
    display: Found | None = None  # display:none or the hidden attribute: (element, technique)
    folded: Element | None = None  # a closed <details> hiding it
    opacity: float = 1.0
    faintest: tuple[float, Element, str] | None = None
    marquee: Found | None = None
    box: dict[str, Found | None] | None = None  # zero-size clipping box, for mode "normal" / "absolute"
    clip: Found | None = None
    offset: Found | None = None
    scale: Found | None = None


_ROOT = HidingChain(box={})


class HidingStyles(Styles):
    """A page's styles that also know the hiding chain of each element."""

    def __init__(self, root: Element, stylesheets: list[str]) -> None:
        """``root``: the parsed page; ``stylesheets``: the texts of its linked .css files, in document order."""
        super().__init__(root, stylesheets)
        self._chains: dict[Element, HidingChain] = {}

    def chain(self, el: Element | None) -> HidingChain:
        """Hiding facts of ``el`` together with all its ancestors, built root-down and memoised."""
        path = []
        while el is not None and el not in self._chains:
            path.append(el)
            el = el.getparent()
        chain = self._chains[el] if el is not None else _ROOT
        for node in reversed(path):
            chain = self._chains[node] = self._extend(node, chain)
        return chain

    def _extend(self, node: Element, up: HidingChain) -> HidingChain:
        decls, parent, tag = self.decls(node), node.getparent(), node.tag
        folded = (parent if parent is not None and parent.tag == "details" and parent.get("open") is None
                  and node is not parent.find("summary") else up.folded)
        if (_HIDING.isdisjoint(decls) and node.get("hidden") is None
                and tag not in _UNRENDERED and tag not in ("template", "noscript", "marquee")):
            return up if folded is up.folded else replace(up, folded=folded)
        display = ("display:none" if self.ident(node, "display") == "none" else "hidden-attribute"
                   if "display" not in decls and node.get("hidden") is not None else None)
        content = None
        if tag in ("template", "noscript"):
            content = (node, f"位于 <{tag}> 中，" + ("浏览器不渲染" if tag == "template" else "启用脚本的浏览器不显示"))
        elif tag in _UNRENDERED:
            content = (node, f"位于 <{tag}> 中，不显示")
        opacity = self._own_opacity(node) if "opacity" in decls or "filter" in decls else None
        level = max(0.0, min(1.0, opacity[0])) if opacity else 1.0
        faintest = (level, node, opacity[1]) if opacity and (up.faintest is None or level < up.faintest[0]) else up.faintest
        position, box = self.position(node), up.box
        clipping = self._clips_to_nothing(node) if "overflow-x" in decls or "overflow-y" in decls else None
        if clipping or position != "static":  # an absolute box escapes clipping by static ancestors
            box = {}
            for mode in ("normal", "absolute"):
                clips = mode == "normal" or position != "static"
                after = position if position in ("absolute", "fixed") else "normal" if clips else mode
                box[mode] = (node, clipping) if clips and clipping else up.box.get(after)

        def own(found: str | None, inherited: Found | None) -> Found | None:
            return (node, found) if found else inherited
        return HidingChain(content=content or up.content, display=(node, display) if display else up.display,
                      folded=folded, opacity=up.opacity * level, faintest=faintest, box=box,
                      marquee=own(self._own_marquee(node), up.marquee) if tag == "marquee" else up.marquee,
                      clip=own(self._own_clip(node), up.clip) if "clip" in decls or "clip-path" in decls else up.clip,
                      offset=up.offset if _OFFSETS.isdisjoint(decls) else own(self._own_offset(node), up.offset),
                      scale=own(self._own_scale(node), up.scale) if "transform" in decls else up.scale)

    def _own_opacity(self, node: Element) -> tuple[float, str] | None:
        values = []
        decl = self.decls(node).get("opacity")
        if decl is not None and decl.value[0].type in ("number", "percentage"):
            values.append((decl.value[0].value / (100 if decl.value[0].type == "percentage" else 1),
                           f"opacity:{decl.text}"))
        filt = self.decls(node).get("filter")
        for tok in filt.value if filt is not None else ():
            args = [a for a in getattr(tok, "arguments", ()) if a.type in ("number", "percentage")]
            if tok.type == "function" and tok.lower_name == "opacity" and args:
                values.append((args[0].value / (100 if args[0].type == "percentage" else 1), f"filter:{filt.text}"))
        return min(values) if values else None

    def _own_marquee(self, node: Element) -> str | None:
        for name in ("height", "width"):
            px = self.length(node, name)[0]
            if px is not None and px <= TINY_PX:
                return f"{name} 仅 {px:g} 像素"
        for attr, limit in (("scrollamount", 1000), ("scrolldelay", 10000)):
            raw = (node.get(attr) or "").strip()
            if raw.isdigit() and int(raw) >= limit:
                return f"{attr}={raw}，文字无法看清"
        return None

    def _clips_to_nothing(self, node: Element) -> str | None:
        """Text when ``node`` is a box of (almost) no width or height that clips its overflow."""
        if not {self.ident(node, "overflow-x"), self.ident(node, "overflow-y")} & {"hidden", "clip", "scroll", "auto"}:
            return None
        display = self.display(node)
        if display in ("inline", "contents", "none") or display.startswith("table") and display != "table-caption":
            return None  # width and height do not apply, or table boxes grow to fit their content
        for axis, sides in (("width", ("left", "right")), ("height", ("top", "bottom"))):
            for name in (axis, f"max-{axis}"):
                px = self.length(node, name)[0]
                if px is None or px > TINY_PX or (self.length(node, f"min-{axis}")[0] or 0) > TINY_PX:
                    continue
                if sum(sum(v or 0 for v in self.length(node, f"padding-{side}")) for side in sides) <= TINY_PX:
                    return f"设置 {name}:{self.decls(node)[name].text} 且 overflow 隐藏，内容被裁剪"
        return None

    def _transforms(self, node: Element) -> list:
        decl = self.decls(node).get("transform")
        return [t for t in decl.value if t.type == "function"] if decl is not None else []

    def _own_scale(self, node: Element) -> str | None:
        for tok in self._transforms(node):
            if tok.lower_name in ("scale", "scalex", "scaley", "scale3d") and any(
                    a.type in ("number", "percentage") and a.value == 0 for a in tok.arguments):
                return f"设置 transform:{tinycss2.serialize([tok])}，缩放为 0"
        return None

    def _own_clip(self, node: Element) -> str | None:
        clip, path = self.decls(node).get("clip"), self.decls(node).get("clip-path")
        if clip is not None and self.position(node) in ("absolute", "fixed"):
            fn = clip.value[0]
            edges = [length_px(t, self.font_px(node)) for t in getattr(fn, "arguments", ())
                     if t.type not in ("whitespace", "comment", "literal")]
            if fn.type == "function" and fn.lower_name == "rect" and len(edges) == 4 and None not in edges and (
                    edges[2] - edges[0] <= TINY_PX or edges[1] - edges[3] <= TINY_PX):
                return f"设置 position:absolute; clip:{clip.text}，裁剪为空"
        if path is not None and path.value[0].type == "function":
            fn = path.value[0]
            args = [t for t in fn.arguments if t.type in ("number", "percentage", "dimension")]
            if ((fn.lower_name == "inset" and args and max(percent(a) or 0 for a in args[:2]) >= 50)
                    or (fn.lower_name in ("circle", "ellipse") and any(a.value == 0 for a in args[:2]))):
                return f"设置 clip-path:{path.text}，裁剪为空"
        return None

    def _axis_offset(self, node: Element, near: str, far: str, margin: str | None, base: float) -> str | None:
        """Text like ``left:-9999px`` when the box is moved far off the page along one axis.

        The offset (``left``/``top``; percentages of the viewport) and the negative margin add up,
        so centring idioms (``left:50%; margin-left:-600px``) stay on the page; a float's negative
        margin counts beyond its own width (two-column ``双飞翼`` layouts use ``margin-left:-100%``).
        """
        decls, parts, offset = self.decls(node), [], 0.0
        if self.position(node) in ("absolute", "fixed", "relative"):
            side = near if near in decls and decls[near].ident != "auto" else far if far in decls else None
            px, pct = self.length(node, side) if side else (None, None)
            if side and (far_off(px, pct) if side == far else pct is not None and pct <= -100):
                return f"{side}:{decls[side].text}"
            if side == near:
                if px is None and pct is None:
                    return None
                offset, parts = px if px is not None else pct * base / 100, [f"{near}:{decls[near].text}"]
        if margin in decls:
            px = self.length(node, margin)[0]
            if px is None:
                return None
            if self.ident(node, "float") in ("left", "right"):
                width = self.length(node, "width")[0]
                px = px + width if width is not None else 0.0
            offset += px
            parts += [f"{margin}:{decls[margin].text}"] if px else []
        return "; ".join(parts) if parts and far_off(offset, None) else None

    def _own_offset(self, node: Element) -> str | None:
        found = (self._axis_offset(node, "left", "right", "margin-left", VIEWPORT_W)
                 or self._axis_offset(node, "top", "bottom", None if self.display(node) == "inline" else "margin-top",
                                      VIEWPORT_H))
        if found:
            return f"设置 position:{self.position(node)}; {found}，移出页面可视区域"
        for tok in self._transforms(node):
            if tok.lower_name.startswith("translate") and any(
                    far_off(length_px(a, self.font_px(node)), percent(a)) for a in tok.arguments
                    if a.type in ("dimension", "percentage")):
                return f"设置 transform:{tinycss2.serialize([tok])}，移出页面可视区域"
        return None
