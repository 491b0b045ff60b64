"""checks.visibility: is a link hidden from visitors, judged from markup and CSS alone.

Each hiding technique has a fixture beside a legitimate look-alike that must stay visible.
"""

from __future__ import annotations

import html as html_lib
import time

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.visibility import Hidden, PageStyles, hidden_in_comments


def page(body: str, style: str = "", head: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{head}<style>{style}</style></head><body>{body}</body></html>"


def why(html: str, sheets: tuple[str, ...] = (), target: str = "t") -> Hidden | None:
    root = lxml.html.document_fromstring(html)
    return PageStyles(root, list(sheets)).why_hidden(root.get_element_by_id(target))


LINK = '<a id="t" href="http://bet.example/">链接</a>'

# (name, html, stylesheets, expected technique or None, expected hiding element or None)
CASES = [
    # display:none, from a <style> block, a linked sheet and an inline style
    ("display none in style block", page(f'<div class="ft2026">{LINK}</div>', ".ft2026{display:none}"),
     (), "display:none", "div.ft2026"),
    ("display none in linked sheet", page(f'<div id="seo">{LINK}</div>', head='<link rel="stylesheet" href="a.css">'),
     ("#seo { display : none }",), "display:none", "div#seo"),
    ("display none inline", page(f'<p><span style="DISPLAY: NONE">{LINK}</span></p>'), (), "display:none", "span"),
    ("display none on the link itself", page('<a id="t" style="display:none" href="x">x</a>'), (), "display:none", "自身"),
    ("display none only in print", page(f'<div class="nav">{LINK}</div>', "@media print{.nav{display:none}}"),
     (), None, None),
    ("print stylesheet link", page(f'<div class="nav">{LINK}</div>', head='<link rel="stylesheet" media="print">'),
     (".nav{display:none}",), None, None),
    ("display none under screen media", page(f'<div class="x">{LINK}</div>', "@media screen{.x{display:none}}"),
     (), "display:none", "div.x"),
    ("mobile-only rule does not apply on desktop",
     page(f'<div class="x">{LINK}</div>', "@media screen and (max-width: 768px){.x{display:none}}"), (), None, None),
    ("hover rule never applies", page(LINK, "a:hover{display:none}"), (), None, None),
    ("hover menu stays hidden", page(f'<ul><li><ul class="sub"><li>{LINK}</li></ul></li></ul>',
                                     ".sub{display:none} li:hover .sub{display:block}"), (), "display:none", "ul.sub"),
    ("more specific rule shows it", page(f'<div id="nav"><div class="menu">{LINK}</div></div>',
                                         "#nav .menu{display:block} .menu{display:none}"), (), None, None),
    ("type rule does not override class", page(f'<div class="hide">{LINK}</div>', ".hide{display:none} div{display:block}"),
     (), "display:none", "div.hide"),
    ("later rule of equal specificity wins", page(f'<div class="a b">{LINK}</div>', ".a{display:none} .b{display:block}"),
     (), None, None),
    ("important sheet beats inline", page(f'<div class="h" style="display:block">{LINK}</div>', ".h{display:none!important}"),
     (), "display:none", "div.h"),
    ("important sheet beats inline (look-alike)",
     page(f'<div class="h" style="display:none">{LINK}</div>', ".h{display:block !important}"), (), None, None),
    ("inline beats sheet", page(f'<div class="h" style="display:block">{LINK}</div>', "#x, .h{display:none}"), (), None, None),
    ("style block after linked sheet", page(f'<div class="h">{LINK}</div>', ".h{display:block}",
                                            head='<link rel="stylesheet" href="a.css">'), (".h{display:none}",), None, None),
    # hidden attribute, noscript, template, closed details
    ("hidden attribute", page(f'<div hidden>{LINK}</div>'), (), "hidden-attribute", "div"),
    ("hidden attribute overridden by author CSS", page(f'<div hidden class="x">{LINK}</div>', ".x{display:block}"),
     (), None, None),
    ("inside noscript", page(f'<noscript><div>{LINK}</div></noscript>'), (), "noscript", "noscript"),
    ("after noscript", page(f'<noscript>请启用脚本</noscript>{LINK}'), (), None, None),
    ("inside template", page(f'<template><p>{LINK}</p></template>'), (), "template", "template"),
    ("closed details", page(f'<details><summary>更多</summary><p>{LINK}</p></details>'), (), "display:none", "details"),
    ("open details", page(f'<details open><summary>更多</summary><p>{LINK}</p></details>'), (), None, None),
    # visibility
    ("visibility hidden parent", page(f'<div class="v">{LINK}</div>', ".v{visibility:hidden}"), (), "visibility:hidden", "div.v"),
    ("visible again below hidden parent", page(f'<div class="v"><p class="s">{LINK}</p></div>',
                                                ".v{visibility:hidden} .s{visibility:visible}"), (), None, None),
    ("visibility collapse", page('<a id="t" href="x" style="visibility:collapse">x</a>'), (), "visibility:hidden", "自身"),
    # opacity
    ("opacity 0", page(f'<div style="opacity:0">{LINK}</div>'), (), "opacity:0", "div"),
    ("opacity multiplies", page(f'<div style="opacity:.1"><p style="opacity:.1">{LINK}</p></div>'), (), "opacity:0", "div"),
    ("opacity half", page(f'<div style="opacity:0.5">{LINK}</div>'), (), None, None),
    # zero size with overflow hidden
    ("zero-size clipping box", page(f'<div class="z">{LINK}</div>', ".z{width:0;height:0;overflow:hidden}"),
     (), "zero-size", "div.z"),
    ("one-pixel box", page(f'<div style="height:1px;overflow:hidden">{LINK}</div>'), (), "zero-size", "div"),
    ("collapsed max-height menu", page(f'<ul class="m">{LINK}</ul>', ".m{max-height:0;overflow:hidden}"), (), "zero-size", "ul.m"),
    ("zero-width box without overflow hidden", page(f'<div style="width:0;height:0">{LINK}</div>'), (), None, None),
    ("inline box ignores width", page(f'<span style="width:0;height:0;overflow:hidden">{LINK}</span>'), (), None, None),
    ("padding keeps content visible", page(f'<div style="height:0;padding-bottom:56%;overflow:hidden">{LINK}</div>'),
     (), None, None),
    ("absolute link escapes a static clipping box",
     page('<div style="width:0;height:0;overflow:hidden"><a id="t" style="position:absolute" href="x">x</a></div>'),
     (), None, None),
    ("positioned clipping box clips absolute link",
     page('<div style="position:relative;width:0;height:0;overflow:hidden"><a id="t" style="position:absolute" '
          'href="x">x</a></div>'), (), "zero-size", "div"),
    ("one-pixel image link", page('<a id="t" href="x"><img src="p.gif" width="1" height="1"></a>'), (), "zero-size", "img"),
    ("normal image link", page('<a id="t" href="x"><img src="p.gif" width="88" height="31"></a>'), (), None, None),
    # font size
    ("font-size 0 parent", page(f'<div style="font-size:0">{LINK}</div>'), (), "font-size:0", "div"),
    ("font shorthand 0/0", page(f'<p class="f">{LINK}</p>', ".f{font:0/0 a}"), (), "font-size:0", "p.f"),
    ("sub-pixel em font", page(f'<div style="font-size:0.01em">{LINK}</div>'), (), "font-size:0", "div"),
    ("descendant sets the size again", page(f'<ul style="font-size:0"><li style="font-size:14px">{LINK}</li></ul>'),
     (), None, None),
    ("image inside font-size 0 parent", page('<div style="font-size:0"><a id="t" href="x"><img src="b.png"></a></div>'),
     (), None, None),
    # off-screen
    ("absolute far left", page(f'<div class="o">{LINK}</div>', ".o{position:absolute;left:-9999px}"), (), "off-screen", "div.o"),
    ("brought back by a more specific rule", page(f'<div id="w"><div class="o">{LINK}</div></div>',
                                                   ".o{position:absolute;left:-9999px} #w .o{left:0}"), (), None, None),
    ("left ignored on static box", page(f'<div style="left:-9999px">{LINK}</div>'), (), None, None),
    ("fixed far top", page(f'<div style="position:fixed;top:-3000px">{LINK}</div>'), (), "off-screen", "div"),
    ("negative percentage", page(f'<div style="position:absolute;left:-100%">{LINK}</div>'), (), "off-screen", "div"),
    ("far right offset", page(f'<div style="position:absolute;right:9999px">{LINK}</div>'), (), "off-screen", "div"),
    ("negative margin", page(f'<div style="margin-left:-10000px">{LINK}</div>'), (), "off-screen", "div"),
    ("margin shorthand", page(f'<div style="margin:-9999px 0 0 0">{LINK}</div>'), (), "off-screen", "div"),
    ("translate away", page(f'<div style="transform:translateX(-9999px)">{LINK}</div>'), (), "off-screen", "div"),
    ("centred with a negative margin", page(f'<div style="position:absolute;left:50%;width:1200px;margin-left:-600px">'
                                            f'{LINK}</div>'), (), None, None),
    ("centred but pushed far away", page(f'<div style="position:absolute;left:50%;margin-left:-9999px">{LINK}</div>'),
     (), "off-screen", "div"),
    ("two-column float layout", page(f'<div class="side">{LINK}</div>', ".side{float:left;width:200px;margin-left:-100%}"),
     (), None, None),
    ("float pulled back by its own width", page(f'<div class="side">{LINK}</div>',
                                                ".side{float:left;width:600px;margin-left:-600px}"), (), None, None),
    ("vertically centred dialog", page(f'<div style="position:fixed;top:50%;margin-top:-300px">{LINK}</div>'),
     (), None, None),
    ("small negative offset", page(f'<div style="position:absolute;left:-20px;top:-10px">{LINK}</div>'), (), None, None),
    # text-indent
    ("text-indent on ancestor block", page(f'<div style="text-indent:-9999px">{LINK}</div>'), (), "text-indent", "div"),
    ("text-indent in em", page(f'<p class="i">{LINK}</p>', ".i{text-indent:-100em}"), (), "text-indent", "p.i"),
    ("text-indent in em with a small font", page(f'<p style="font-size:4px;text-indent:-100em">{LINK}</p>'),
     (), "text-indent", "p"),
    ("text-indent reset by inner block", page(f'<div style="text-indent:-9999px"><p style="text-indent:0">{LINK}</p></div>'),
     (), None, None),
    ("text-indent on inline link has no effect", page('<p><a id="t" href="x" style="text-indent:-9999px">x</a></p>'),
     (), None, None),
    ("image-replaced logo", page('<a id="t" class="logo" href="/">某某市人民政府</a>',
                                 ".logo{display:block;width:300px;height:60px;text-indent:-9999px;background:url(l.png)}"),
     (), None, None),
    # clip
    ("clip rect spaces", page('<a id="t" class="sr-only" href="#main">跳到主要内容</a>',
                              ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}"),
     (), "clip", "自身"),
    ("clip rect commas", page(f'<div style="position:absolute;clip:rect(0,0,0,0)">{LINK}</div>'), (), "clip", "div"),
    ("clip without absolute position", page(f'<div style="clip:rect(0 0 0 0)">{LINK}</div>'), (), None, None),
    ("clip-path inset 50%", page(f'<div style="clip-path:inset(50%)">{LINK}</div>'), (), "clip", "div"),
    ("clip-path circle 0", page(f'<div style="position:absolute;clip-path:circle(0)">{LINK}</div>'), (), "clip", "div"),
    ("clip-path inset 10%", page(f'<div style="clip-path:inset(10%)">{LINK}</div>'), (), None, None),
    # colour equal to background
    ("white on default white", page(f'<div class="w">{LINK}</div>', ".w a{color:#fff}"), (), "same-colour", "自身"),
    ("named colour on hex background", page(f'<div style="background:#FFFFFF">{LINK}</div>', "a{color:white}"),
     (), "same-colour", "自身"),
    ("same colour on a different background", page(f'<div style="background:#003366">{LINK}</div>', "a{color:#fff}"),
     (), None, None),
    ("rgb equals hex", page(f'<div style="background-color:rgb(0,51,102)">{LINK}</div>', "a{color:#036}"),
     (), "same-colour", "自身"),
    ("transparent layer shows parent background",
     page(f'<div style="background:#000"><p style="background:rgba(255,255,255,0)">{LINK}</p></div>', "a{color:black}"),
     (), "same-colour", "自身"),
    ("transparent text", page('<a id="t" href="x" style="color:transparent">x</a>'), (), "same-colour", "自身"),
    ("colour inherited through color:inherit", page(f'<div style="color:#fff">{LINK}</div>', "a{color:inherit}"),
     (), "same-colour", "div"),
    ("inherited colour does not reach a link", page(f'<div style="color:#fff">{LINK}</div>'), (), None, None),
    ("default link blue on blue", page(f'<div style="background:#0000ee">{LINK}</div>'), (), "same-colour", "自身"),
    ("font colour hint", page('<table bgcolor="#ffffff"><tr><td><a id="t" href="x"><font color="white">x</font></a>'
                              '</td></tr></table>'), (), "same-colour", "font"),
    ("background image behind text", page(f'<div style="background:#fff url(bg.jpg)">{LINK}</div>', "a{color:#fff}"),
     (), None, None),
    ("caption positioned over a picture", page('<div class="pic"><img src="b.jpg"><p class="cap">'
                                                '<a id="t" href="/n">标题</a></p></div>',
                                                ".pic{position:relative} .cap{position:absolute;bottom:0} .cap a{color:#fff}"),
     (), None, None),
    ("dark text on a white page", page(LINK, "a{color:#333}"), (), None, None),
    # marquee
    ("one-pixel marquee", page(f'<marquee height="1" width="1">{LINK}</marquee>'), (), "marquee", "marquee"),
    ("marquee styled to one pixel", page(f'<marquee class="m">{LINK}</marquee>', ".m{height:1px}"), (), "marquee", "marquee.m"),
    ("runaway marquee", page(f'<marquee scrollamount="3000">{LINK}</marquee>'), (), "marquee", "marquee"),
    ("ordinary news marquee", page(f'<marquee direction="up" height="200" scrollamount="2">{LINK}</marquee>'),
     (), None, None),
    # plain page
    ("plain visible link", page(f'<div class="nav"><ul><li>{LINK}</li></ul></div>', ".nav{width:1000px}"), (), None, None),
]


@pytest.mark.parametrize(("html", "sheets", "technique", "element"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_technique(html: str, sheets: tuple[str, ...], technique: str | None, element: str | None) -> None:
    found = why(html, sheets)
    if technique is None:
        assert found is None
    else:
        assert found is not None, "expected hidden"
        assert (found.technique, found.element) == (technique, element), found


def test_detail_names_the_ancestor_in_chinese() -> None:
    found = why(page(f'<div class="ft2026">{LINK}</div>', ".ft2026{display:none}"))
    assert found == Hidden("display:none", "div.ft2026", "祖先 div.ft2026 设置 display:none")
    own = why(page('<a id="t" style="position:absolute;left:-9999px" href="x">x</a>', "*{margin:0}"))
    assert own == Hidden("off-screen", "自身", "自身设置 position:absolute; left:-9999px，移出页面可视区域")
    colour = why(page(LINK, "a{color:#FFF}"))
    assert "#ffffff" in colour.detail and "白色背景" in colour.detail


def test_image_map_area() -> None:
    shown = '<img src="m.png" usemap="#m"><map name="m"><area id="t" href="http://x/" coords="0,0,9,9"></map>'
    assert why(page(shown)) is None
    hidden = f'<div style="display:none">{shown}</div>'
    found = why(page(hidden))
    assert found.technique == "display:none" and "img" in found.detail
    unused = '<map name="m"><area id="t" href="http://x/" coords="0,0,9,9"></map>'
    assert why(page(unused)).technique == "display:none"


def test_hidden_in_comments() -> None:
    html = page('<p>正文</p><!--seo <a href="http://bet.example/">娱乐城</a> <a href="/x">x</a>-->'
                '<!--[if IE]><a href="http://ie.example/">IE</a><![endif]-->'
                '<script>document.write("<!-- <a href=\\"http://js.example/\\">js</a> -->")</script>'
                '<!-- 页脚 -->')
    assert hidden_in_comments(html) == [("http://bet.example/", "娱乐城"), ("/x", "x"), ("http://ie.example/", "IE")]
    assert hidden_in_comments("") == []
    assert hidden_in_comments('<?xml version="1.0" encoding="gbk"?><html><!--<a href="a">b</a>--></html>') == [("a", "b")]


BAD_CSS = [
    "}}}{{{ a{display:", ".x{display:none", "@media {", "a[{color:red}", "::-moz-selection{display:none}",
    "a{color:rgb(1,2)} a{opacity:abc} a{font:} a{margin:} a{clip:rect(a b)} a{clip-path:inset()}",
    "@import url(x.css); @font-face{font-family:x} @keyframes k{from{left:-9999px}}", "\x00\ufffd{}",
    "a{transform:translate(} div{left:calc(-100% - 10px);position:absolute}",
]


@pytest.mark.parametrize("css", BAD_CSS)
def test_bad_css_never_raises(css: str) -> None:
    html = page(f'<div class="x" style="color:;;display:{{}}">{LINK}</div>', css)
    assert why(html, (css,)) is None or isinstance(why(html, (css,)), Hidden)


CSS_BITS = st.sampled_from([
    "a", "div", ".x", "#y", " ", ">", "+", "*", "{", "}", ":", ";", ",", "(", ")", "!important", "@media", "print",
    "screen", "and", "(max-width:9px)", "@supports", "display", "none", "block", "visibility", "hidden", "opacity",
    "0", ".5", "-9999px", "50%", "-100%", "1e9", "em", "position", "absolute", "left", "top", "margin", "font", "0/0",
    "font-size", "text-indent", "clip", "rect(", "clip-path", "inset(", "circle(", "color", "#fff", "white",
    "rgba(0,0,0,0)", "background", "url(x)", "transform", "scale(0)", "translate(", "overflow", "height", "width",
    "filter", "opacity(", "inherit", "calc(", "'", '"', "\\", "/*", "*/", ":hover", "::before", ":not(", "[hidden]"])


@given(st.lists(CSS_BITS, max_size=40).map("".join), st.lists(CSS_BITS, max_size=14).map("".join),
       st.sampled_from(["", "hidden", 'width="0"', 'bgcolor="fff"', 'color="white"']))
@settings(max_examples=200, deadline=None)
def test_random_css_never_raises(css: str, inline: str, attribute: str) -> None:
    """The techniques themselves (not only the public wrapper) cope with any CSS."""
    body = (f'<div class="x" id="y" style="{html_lib.escape(inline)}"><font {attribute}><a id="t" href="h">x'
            f'<img src="i" {attribute}><span style="{html_lib.escape(inline)}">y</span></a></font></div>')
    root = lxml.html.document_fromstring(page(body, css))
    styles = PageStyles(root, [css])
    link = root.get_element_by_id("t")
    texts, replaced = [link, link[1]], [link[0]]
    for check in (styles._structure, styles._chained, styles._visibility, styles._font_size, styles._text_indent,
                  styles._same_colour):
        found = check(link, texts, replaced)
        assert found is None or isinstance(found, Hidden)


def test_unclosed_rule_still_applies_like_a_browser() -> None:
    assert why(page(f'<div class="x">{LINK}</div>', ".x{display:none")).technique == "display:none"


def test_elements_outside_the_styled_root_and_odd_nodes() -> None:
    root = lxml.html.document_fromstring(page(LINK))
    styles = PageStyles(root, [])
    other = lxml.html.fragment_fromstring('<div style="display:none"><a href="x">x</a></div>')
    assert styles.why_hidden(other[0]).technique == "display:none"
    assert styles.why_hidden(root) is None


STYLESHEET = "\n".join([
    "body{margin:0;font:12px/1.5 'Microsoft YaHei',SimSun;color:#333;background:#f5f5f5}",
    "a{color:#333;text-decoration:none} a:hover{color:#c00}",
    ".header{height:120px;background:url(top.jpg) no-repeat} .nav{width:1200px;margin:0 auto;background:#b00}",
    ".nav li{float:left;position:relative} .nav li a{color:#fff;display:block;padding:0 20px}",
    ".nav .sub{display:none;position:absolute;top:40px} .nav li:hover .sub{display:block}",
    ".main{width:1200px;margin:10px auto;overflow:hidden} .left{float:left;width:380px}",
    ".news li{height:30px;line-height:30px;overflow:hidden} .news li span{float:right;color:#999}",
    ".tab-con{display:none} .tab-con.on{display:block} .ft2026{display:none}",
    ".footer{background:#333;color:#ccc;text-align:center} .footer a{color:#ccc}",
    ".links select{width:200px} .sr-only{position:absolute;clip:rect(0 0 0 0);width:1px;height:1px}",
    "@media print{.nav,.footer{display:none}} @media screen and (max-width:768px){.left{width:100%}}",
] + [f".col{i} .item{i} a{{color:#{i:03d};font-size:{12 + i % 4}px}}" for i in range(20)])


def typical_page(links: int = 200) -> str:
    items = "".join(f'<li class="item{i % 20}"><a href="/art/{i}.html">新闻标题 {i}</a><span>2026-01-01</span></li>'
                    for i in range(links - 20))
    nav = "".join(f'<li><a href="/c{i}/">栏目{i}</a><ul class="sub"><li><a href="/c{i}/s">子栏目</a></li></ul></li>'
                  for i in range(8))
    return page(f'<div class="header"></div><ul class="nav">{nav}</ul><div class="main"><div class="left col1">'
                f'<ul class="news">{items}</ul></div></div><div class="ft2026"><a href="http://bet.example/">x</a></div>'
                f'<div class="footer"><a href="/about">关于</a></div>', head='<link rel="stylesheet" href="s.css">')


def test_speed_per_page(capsys: pytest.CaptureFixture[str]) -> None:
    html = typical_page()
    PageStyles(lxml.html.document_fromstring(html), [STYLESHEET])  # warm the per-stylesheet cache
    pages, started = 20, time.perf_counter()
    flagged = 0
    for _ in range(pages):
        root = lxml.html.document_fromstring(html)
        styles = PageStyles(root, [STYLESHEET])
        flagged = sum(styles.why_hidden(a) is not None for a in root.iter("a"))
    per_page = (time.perf_counter() - started) / pages * 1000
    with capsys.disabled():
        print(f"\nvisibility: {per_page:.1f} ms per page of 200 links (parse + styles + every link)")
    assert flagged == 9  # eight hover sub-menus and the hidden casino link
    assert per_page < 200
