"""Is a link hidden from visitors (暗链 techniques)? Judged from markup and CSS alone, no browser.

``PageStyles(root, stylesheets).why_hidden(a)`` names the technique, the element that hides the
link and a Chinese explanation. The techniques are those that, checked together in Chromium,
caught all 182 hidden links of the survey without flagging any of 4,295 normal ones (NOTES.md):
display:none / ``hidden`` / ``<noscript>`` / ``<template>``, visibility, opacity, zero size with
clipped overflow, font size 0, off-page position and text-indent, ``clip``, text colour equal to
the background, and 1-pixel or runaway ``<marquee>``. Legitimate hidden things (menus, tabs, skip
links) are reported too when they are hidden: the caller judges findings by the link's target.
``hidden_in_comments`` (from checks/commented_links.py) lists links written inside HTML comments.

What an element and all its ancestors do is folded into one memoised record per element
(``HidingChain``, checks/hiding_chain.py), so the ancestors shared by a page's links are looked
at once; this module turns those records and the link's own styles into a ``Hidden`` finding.
"""

from __future__ import annotations

from dataclasses import dataclass

import lxml.html
from tinycss2.color3 import RGBA, parse_color

from checks.commented_links import hidden_in_comments
from checks.css_cascade import Element
from checks.css_declarations import length_px, percent
from checks.hiding_chain import TINY_PX, HidingStyles, far_off

__all__ = ["Hidden", "PageStyles", "describe", "hidden_in_comments"]

LINK_BLUE, BLACK = parse_color("#0000ee"), parse_color("#000000")
WHITE = (1.0, 1.0, 1.0)
_REPLACED = frozenset({"img", "svg", "canvas", "video", "iframe", "object", "embed", "input", "button"})


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


def _hex(rgb: tuple[float, ...]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c * 255))):02x}" for c in rgb[:3])


def _over(top: RGBA, below: tuple[float, float, float]) -> tuple[float, float, float]:
    a = top.alpha
    return (top.red * a + below[0] * (1 - a), top.green * a + below[1] * (1 - a), top.blue * a + below[2] * (1 - a))


class PageStyles(HidingStyles):
    """The styles of one page; answers why (and whether) an element is hidden."""

    def __init__(self, root: lxml.html.HtmlElement, stylesheets: list[str]) -> None:
        """``root``: the parsed page (its ``<style>`` blocks are read from it); ``stylesheets``: the
        texts of its linked .css files, in document order."""
        super().__init__(root, stylesheets)
        self._root = root

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

    # --- techniques (each gets the link, its text-holding elements and its images) -----------

    def _structure(self, el: Element, texts: list, replaced: list) -> Hidden | None:
        """Not rendered (template, noscript, fallback content), display:none / hidden, closed details."""
        parent = el.getparent()
        content = self.chain(parent).content if parent is not None else None
        if content is not None:
            tag = content[0].tag
            return Hidden(tag if tag in ("template", "noscript") else "display:none", tag, content[1])
        chain = self.chain(el)
        if chain.display is not None:
            node, technique = chain.display
            return self._hidden(technique, node, el,
                                "设置 display:none" if technique == "display:none" else "带有 hidden 属性")
        if chain.folded is not None:
            return self._hidden("display:none", chain.folded, el, "未展开，其中内容被折叠不显示")
        return None

    def _chained(self, el: Element, texts: list, replaced: list) -> Hidden | None:
        """Opacity, marquee, clip, zero-size box and off-page position of the link or an ancestor."""
        chain = self.chain(el)
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
            if tok is None or not (far_off(length_px(tok, self.font_px(found[0])), percent(tok), positive=False)
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

