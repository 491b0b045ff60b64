"""Is a link hidden from visitors (暗链 techniques)? Judged from markup and CSS alone, no browser.

``PageStyles(root, stylesheets).why_hidden(a)`` names the technique, the element that hides the
link and a Chinese explanation. The techniques are those that, checked together in Chromium,
caught all 182 hidden links of the survey without flagging any of 4,295 normal ones (NOTES.md):
display:none / ``hidden`` / ``<noscript>`` / ``<template>``, visibility, opacity, zero size with
clipped overflow, font size 0, off-page position and text-indent, ``clip``, text colour equal to
the background, and 1-pixel or runaway ``<marquee>``. Legitimate hidden things (menus, tabs, skip
links) are reported too when they are hidden: the caller judges findings by the link's target.
``hidden_in_comments`` lists links written inside HTML comments.

What an element and all its ancestors do is folded into one memoised record per element
(``_Chain``), so the ancestors shared by a page's links are looked at once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import lxml.html
import tinycss2
from lxml import etree
from tinycss2.color3 import RGBA, parse_color

from checks.css_cascade import VIEWPORT_H, VIEWPORT_W, Element, Styles, length_px, percent

FAR_NEGATIVE_PX, FAR_POSITIVE_PX = -500.0, 5000.0
TINY_PX = 1.0
LINK_BLUE, BLACK = parse_color("#0000ee"), parse_color("#000000")
WHITE = (1.0, 1.0, 1.0)
# Elements whose content is not rendered (with scripts on): fallback content of embedded media etc.
_UNRENDERED = frozenset("head script style title iframe video audio canvas textarea select datalist "
                        "noembed noframes".split())
_REPLACED = frozenset({"img", "svg", "canvas", "video", "iframe", "object", "embed", "input", "button"})
# An element declaring none of these (and without ``hidden``) adds nothing to its ancestors' facts.
_HIDING = frozenset({"display", "opacity", "filter", "overflow-x", "overflow-y", "position", "clip", "clip-path",
                     "transform", "left", "right", "top", "bottom", "margin-left", "margin-top"})
_OFFSETS = frozenset({"left", "right", "top", "bottom", "margin-left", "margin-top", "transform"})

Found = tuple[Element, str]  # (the element hiding, Chinese description of how)


@dataclass(frozen=True)
class Hidden:
    """Why a link is hidden: technique, the element that hides it ("自身" or e.g. "div#seo"), detail."""

    technique: str
    element: str
    detail: str


def describe(el: Element) -> str:
    """Short description of an element: ``div#seo``, ``div.ft2026``, ``marquee``."""
    tag = el.tag if isinstance(el.tag, str) else "?"
    if (el.get("id") or "").strip():
        return f"{tag}#{el.get('id').strip()}"
    return tag + "".join("." + c for c in (el.get("class") or "").split()[:2])


def _has_text(el: Element) -> bool:
    """Whether the element holds visible characters of its own (its text or its children's tails)."""
    return bool(el.text and el.text.strip()) or any(c.tail and c.tail.strip() for c in el)


def _far(px: float | None, pct: float | None, positive: bool = True) -> bool:
    return ((px is not None and (px <= FAR_NEGATIVE_PX or (positive and px >= FAR_POSITIVE_PX)))
            or (pct is not None and pct <= -100))


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c * 255))):02x}" for c in rgb[:3])


def _over(top: RGBA, below: tuple[float, float, float]) -> tuple[float, float, float]:
    a = top.alpha
    return (top.red * a + below[0] * (1 - a), top.green * a + below[1] * (1 - a), top.blue * a + below[2] * (1 - a))


@dataclass(frozen=True)
class _Chain:
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


_ROOT = _Chain(box={})


class PageStyles(Styles):
    """The styles of one page; answers why (and whether) an element is hidden."""

    def __init__(self, root: lxml.html.HtmlElement, stylesheets: list[str]) -> None:
        """``root``: the parsed page (its ``<style>`` blocks are read from it); ``stylesheets``: the
        texts of its linked .css files, in document order."""
        super().__init__(root, stylesheets)
        self._root = root
        self._chains: dict[Element, _Chain] = {}

    def why_hidden(self, element: Element) -> Hidden | None:
        """Why ``element`` (an ``<a>`` or ``<area>``) is hidden from visitors, or None if visible."""
        try:
            return self._area(element) if element.tag == "area" else self._why(element)
        except Exception:
            return None

    def _hidden(self, technique: str, hider: Element, subject: Element, what: str) -> Hidden:
        if hider is subject:
            return Hidden(technique, "自身", f"自身{what}")
        relation = "祖先" if any(a is hider for a in subject.iterancestors()) else "内部元素"
        return Hidden(technique, describe(hider), f"{relation} {describe(hider)} {what}")

    def _area(self, area: Element) -> Hidden | None:
        """An image-map hot spot is shown exactly when the image using its map is."""
        the_map = next(area.iterancestors("map"), None)
        name = ((the_map.get("name") or the_map.get("id") or "") if the_map is not None else "").lower()
        image = next((img for img in self._root.iter("img", "object", "input")
                      if name and (img.get("usemap") or "").strip().lstrip("#").lower() == name), None)
        if image is None:
            where = describe(the_map if the_map is not None else area)
            return Hidden("display:none", where, f"{where} 没有被任何图片引用，热区不显示")
        found = self._why(image)
        if found is None:
            return None
        element = describe(image) if found.element == "自身" else found.element
        return Hidden(found.technique, element, f"热区所在图片 {describe(image)}：{found.detail}")

    def _why(self, el: Element) -> Hidden | None:
        texts, replaced = [], []
        for node in el.iter():
            if isinstance(node.tag, str):
                if node.tag in _REPLACED:
                    replaced.append(node)
                elif _has_text(node):
                    texts.append(node)
        for check in (self._structure, self._chained, self._visibility, self._font_size, self._text_indent,
                      self._same_colour):
            try:
                found = check(el, texts, replaced)
            except Exception:  # an unexpected value in page CSS: skip this technique only
                continue
            if found is not None:
                return found
        return None

    # --- what an element and its ancestors do ------------------------------------------------

    def _chain(self, el: Element | None) -> _Chain:
        """Hiding facts of ``el`` together with all its ancestors, built root-down and memoised."""
        path = []
        while el is not None and el not in self._chains:
            path.append(el)
            el = el.getparent()
        chain = self._chains[el] if el is not None else _ROOT
        for node in reversed(path):
            chain = self._chains[node] = self._extend(node, chain)
        return chain

    def _extend(self, node: Element, up: _Chain) -> _Chain:
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
        return _Chain(content=content or up.content, display=(node, display) if display else up.display,
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
            if side and (_far(px, pct) if side == far else pct is not None and pct <= -100):
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
        return "; ".join(parts) if parts and _far(offset, None) else None

    def _own_offset(self, node: Element) -> str | None:
        found = (self._axis_offset(node, "left", "right", "margin-left", VIEWPORT_W)
                 or self._axis_offset(node, "top", "bottom", None if self.display(node) == "inline" else "margin-top",
                                      VIEWPORT_H))
        if found:
            return f"设置 position:{self.position(node)}; {found}，移出页面可视区域"
        for tok in self._transforms(node):
            if tok.lower_name.startswith("translate") and any(
                    _far(length_px(a, self.font_px(node)), percent(a)) for a in tok.arguments
                    if a.type in ("dimension", "percentage")):
                return f"设置 transform:{tinycss2.serialize([tok])}，移出页面可视区域"
        return None

    # --- techniques (each gets the link, its text-holding elements and its images) -----------

    def _structure(self, el: Element, texts: list, replaced: list) -> Hidden | None:
        """Not rendered (template, noscript, fallback content), display:none / hidden, closed details."""
        parent = el.getparent()
        content = self._chain(parent).content if parent is not None else None
        if content is not None:
            tag = content[0].tag
            return Hidden(tag if tag in ("template", "noscript") else "display:none", tag, content[1])
        chain = self._chain(el)
        if chain.display is not None:
            node, technique = chain.display
            return self._hidden(technique, node, el,
                                "设置 display:none" if technique == "display:none" else "带有 hidden 属性")
        if chain.folded is not None:
            return self._hidden("display:none", chain.folded, el, "未展开，其中内容被折叠不显示")
        return None

    def _chained(self, el: Element, texts: list, replaced: list) -> Hidden | None:
        """Opacity, marquee, clip, zero-size box and off-page position of the link or an ancestor."""
        chain = self._chain(el)
        if chain.opacity <= 0.02 and chain.faintest is not None:
            return self._hidden("opacity:0", chain.faintest[1], el, f"设置 {chain.faintest[2]}，完全透明")
        if chain.marquee is not None:
            node, why = chain.marquee
            return Hidden("marquee", describe(node), f"位于 {describe(node)} 中，{why}")
        if not texts and replaced and not any(self._positive_size(node) for node in replaced):
            return self._hidden("zero-size", replaced[0], el, "宽或高不超过 1 像素，链接没有可见内容")
        for technique, found in (("clip", chain.clip), ("zero-size", chain.box.get("normal") or chain.scale),
                                 ("off-screen", chain.offset)):
            if found is not None:
                return self._hidden(technique, found[0], el, found[1])
        return None

    def _positive_size(self, node: Element) -> bool:
        if self.ident(node, "display") == "none" or node.get("hidden") is not None:
            return False
        return not any(px is not None and px <= TINY_PX
                       for px in (self.length(node, "width")[0], self.length(node, "height")[0]))

    def _shows_image(self, el: Element, replaced: list[Element]) -> bool:
        """The link shows a picture: an image of positive size, or a background image on its box."""
        if any(self._positive_size(node) for node in replaced):
            return True
        image = self.decls(el).get("background-image")
        return image is not None and image.ident not in ("none", "inherit", "unset") and self.display(el) != "inline"

    def _visibility(self, el: Element, texts: list, replaced: list) -> Hidden | None:
        first = None
        for piece in (texts + replaced) or [el]:  # a descendant may be visible again
            found = self.inherited("visibility", piece)
            if found is None or found[1].ident not in ("hidden", "collapse"):
                return None
            first = first or found
        return self._hidden("visibility:hidden", first[0], el, f"设置 visibility:{first[1].text}")

    def _font_size(self, el: Element, texts: list, replaced: list) -> Hidden | None:
        if not texts or any(self.font_px(p) >= TINY_PX for p in texts) or self._shows_image(el, replaced):
            return None
        hider, node = texts[0], texts[0]
        while node is not None and self.font_px(node) < TINY_PX:
            hider = node if "font-size" in self.decls(node) else hider
            node = node.getparent()
        decl = self.decls(hider).get("font-size")
        return self._hidden("font-size:0", hider, el, f"设置 font-size:{decl.text if decl else 0}，文字不可见")

    def _text_indent(self, el: Element, texts: list, replaced: list) -> Hidden | None:
        first = None
        for piece in (texts + replaced) or [el]:
            block = piece  # text-indent works on the first line of the enclosing block
            while self.display(block) == "inline" and block.getparent() is not None:
                block = block.getparent()
            found = self.inherited("text-indent", block)
            tok = found[1].value[0] if found is not None else None
            if tok is None or not (_far(length_px(tok, self.font_px(found[0])), percent(tok), positive=False)
                                   or (tok.type == "dimension" and tok.lower_unit in ("em", "rem") and tok.value <= -100)):
                return None
            first = first or found
        if self._shows_image(el, replaced):
            return None
        return self._hidden("text-indent", first[0], el, f"设置 text-indent:{first[1].text}，文字移出可视区域")

    def _text_colour(self, node: Element) -> tuple[Element, RGBA] | None:
        """The text colour at ``node`` and the element giving it (links are blue unless styled)."""
        def own(el: Element) -> RGBA | None:
            decl = self.decls(el).get("color")
            if decl is not None and decl.ident not in ("inherit", "unset", "currentcolor"):
                return decl.rgba
            return LINK_BLUE if decl is None and el.tag == "a" and el.get("href") is not None else None
        return self.nearest("color", node, own)

    def _background(self, node: Element | None) -> tuple[tuple[float, float, float] | None, Element | None]:
        """The colour painted behind ``node`` and the element painting it (None, None: the white
        page); (None, el) when an image is painted there."""
        def own(el: Element) -> tuple | None:
            image = self.decls(el).get("background-image")
            if image is not None and image.ident not in ("none", "initial", "inherit", "unset"):
                return (None,)
            decl = self.decls(el).get("background-color")
            return (decl.rgba,) if decl is not None and decl.rgba is not None and decl.rgba.alpha > 0 else None
        found = self.nearest("background", node, own)
        if found is None:
            return WHITE, None
        painter, (rgba,) = found
        if rgba is None or rgba.alpha >= 0.99:
            return (rgba[:3] if rgba is not None else None), painter
        below = self._background(painter.getparent())[0]
        a = rgba.alpha
        return (tuple(c * a + b * (1 - a) for c, b in zip(rgba[:3], below)) if below is not None else None), painter

    def _same_colour(self, el: Element, texts: list, replaced: list) -> Hidden | None:
        first = None
        for piece in texts:
            source, rgba = self._text_colour(piece) or (None, BLACK)
            background, painter = self._background(piece)
            if background is None or max(abs(x - y) for x, y in zip(_over(rgba, background), background)) > 0.02:
                return None
            node = piece  # a box positioned out of the flow may sit over a picture: unknown backdrop
            while node is not None and node is not painter:
                if self.position(node) in ("absolute", "fixed"):
                    return None
                node = node.getparent()
            first = first or (source, rgba, background, painter)
        if first is None or self._shows_image(el, replaced):
            return None
        source, rgba, background, painter = first
        if source is not None and "color" not in self.decls(source):
            source = None  # the browser's default link colour
        where = "页面默认白色背景" if painter is None else "自身背景色" if painter is el else f"{describe(painter)} 的背景色"
        text = "文字颜色（透明）" if rgba.alpha <= 0.05 else f"文字颜色 {_hex(rgba)}"
        return self._hidden("same-colour", source if source is not None else el, el,
                            f"的{text}与{where} {_hex(background)} 相同")


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
