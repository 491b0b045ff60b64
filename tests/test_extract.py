"""Tests for crawler.charset (decoding) and crawler.extract (parsing, links, text)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from crawler.charset import decode_html, normalize_charset
from crawler.extract import Link, ParsedPage, parse_page, parse_refresh, parse_srcset
from crawler.urlresolve import _resolve_full, resolve_url

FIXTURES = Path(__file__).parent / "fixtures" / "blc"
BLC = json.loads((FIXTURES / "scrapeHTML.json").read_text(encoding="utf-8"))
BLC_PAGE = "http://domain.com/"

# (snippet, tagName, attrName) pairs we deliberately do not reproduce, with the reason.
# Empty: every pair is supported, and where libxml2 builds a different tree than parse5
# (no implied <tbody>/<tr> in tables, no <head> before <frameset>) the selector is
# rewritten to what a browser would show, so blc's selectors match too.
BLC_SKIP: dict[tuple[str, str, str], str] = {}


def _blc_matches(name: str) -> tuple[int, int]:
    """(matched, expected) links of one scrapeHTML snippet."""
    case = BLC[name]
    page = parse_page(case["html"], BLC_PAGE)
    matched = 0
    for want in case["links"]:
        key = (name, want["htmlTagName"], want["htmlAttrName"])
        if key in BLC_SKIP:
            continue
        for link in page.links:
            if (link.tag, link.attr, link.url, link.selector) == (
                    want["htmlTagName"], want["htmlAttrName"], want["resolvedURL"],
                    want["htmlSelector"]):
                matched += 1
                break
    return matched, len(case["links"])


# --- scrapeHTML.json from broken-link-checker ---------------------------------------------

def test_blc_fixture_shape():
    assert len(BLC) == 52
    assert {link["resolvedBaseURL"] for case in BLC.values() for link in case["links"]} == {BLC_PAGE}


@pytest.mark.parametrize("name", sorted(BLC))
def test_blc_scrape_html(name):
    case = BLC[name]
    page = parse_page(case["html"], BLC_PAGE)
    assert page.base_url == BLC_PAGE
    for want in case["links"]:
        key = (name, want["htmlTagName"], want["htmlAttrName"])
        if key in BLC_SKIP:
            continue
        found = [link for link in page.links
                 if (link.tag, link.attr, link.url)
                 == (want["htmlTagName"], want["htmlAttrName"], want["resolvedURL"])]
        assert found, f"{name}: no {key[1:]} -> {want['resolvedURL']} in {page.links}"
        link = found[0]
        assert link.raw == want["originalURL"]
        assert link.selector == want["htmlSelector"]
        assert link.markup == want["htmlTag"]
        if link.tag == "a":
            assert link.text == (want["htmlText"] or "")


def test_blc_scrape_html_summary(capsys):
    snippets = links = expected = 0
    for name in BLC:
        matched, total = _blc_matches(name)
        links += matched
        expected += total
        snippets += matched == total
    with capsys.disabled():
        print(f"\nscrapeHTML.json: {snippets}/{len(BLC)} snippets, {links}/{expected} links matched "
              f"(tag, attr, resolved URL and selector); {len(BLC_SKIP)} skipped")
    assert (snippets, links, expected) == (52, 54, 54)


# --- decoding -----------------------------------------------------------------------------

GBK_PAGE = '<html><head><meta charset="gb2312"><title>名单</title></head><body>张喆 王堃</body></html>'


def test_gbk_declared_gb2312_decodes_as_gb18030():
    decoded = decode_html(GBK_PAGE.encode("gbk"), "text/html")
    assert (decoded.charset, decoded.source) == ("gb18030", "meta")
    assert "张喆 王堃" in decoded.text and "\ufffd" not in decoded.text


def test_gbk_undeclared_is_detected():
    body = GBK_PAGE.replace('<meta charset="gb2312">', "").encode("gbk")
    decoded = decode_html(body, None)
    assert (decoded.charset, decoded.source) == ("gb18030", "detected")
    assert "张喆 王堃" in decoded.text


def test_http_header_wins_over_meta():
    body = '<meta charset="gbk"><p>中文页面</p>'.encode("utf-8")
    decoded = decode_html(body, 'text/html; charset="UTF-8"')
    assert (decoded.charset, decoded.source) == ("utf-8", "http")
    assert "中文页面" in decoded.text


def test_http_header_gbk_aliases():
    body = "王堃".encode("gbk")
    for label in ("gbk", "GB2312", "x-gbk", "gb_2312-80", "cp936"):
        decoded = decode_html(body, f"text/html; charset={label}")
        assert (decoded.text, decoded.charset, decoded.source) == ("王堃", "gb18030", "http")


@pytest.mark.parametrize("bom,codec", [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"),
                                       (b"\xfe\xff", "utf-16-be")])
def test_bom_wins(bom, codec):
    decoded = decode_html(bom + "<p>政府</p>".encode(codec), "text/html; charset=gbk")
    assert (decoded.text, decoded.charset, decoded.source) == ("<p>政府</p>", codec, "bom")


def test_utf8_http_equiv():
    body = ('<html><head><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">'
            "</head><body>通知公告</body></html>").encode("utf-8")
    decoded = decode_html(body, "text/html")
    assert (decoded.charset, decoded.source) == ("utf-8", "meta")
    assert "通知公告" in decoded.text


def test_declared_utf8_but_gbk_keeps_replacement_characters():
    body = '<meta charset="utf-8"><p>关于印发通知</p>'.encode("gbk")
    decoded = decode_html(body, None)
    assert (decoded.charset, decoded.source) == ("utf-8", "meta")
    assert "\ufffd" in decoded.text
    assert "\ufffd" in decode_html(body, "text/html; charset=utf-8").text


def test_unknown_or_commented_declarations_fall_through():
    body = '<!-- <meta charset="utf-8"> --><meta charset="bogus"><meta charset=\'gbk\'>王堃'.encode("gbk")
    decoded = decode_html(body, "text/html; charset=base64")
    assert (decoded.charset, decoded.source) == ("gb18030", "meta")
    assert decoded.text.endswith("王堃")


def test_meta_beyond_prescan_is_ignored():
    body = b"<!DOCTYPE html>" + b" " * 5000 + b'<meta charset="gbk">' + "王堃".encode("gbk")
    assert decode_html(body, None).source == "detected"


def test_normalize_charset():
    assert normalize_charset("UTF8") == "utf-8"
    assert normalize_charset("iso-8859-1") == "cp1252"
    assert normalize_charset("big5") == "big5hkscs"
    assert normalize_charset("rot13") is None and normalize_charset("") is None


@pytest.mark.parametrize("body", [b"", b"\x00\xff\xfe\x80" * 100, bytes(range(256)) * 4])
def test_decode_never_raises(body):
    assert isinstance(decode_html(body, "text/html; charset=nonsense").text, str)


# --- parsing ------------------------------------------------------------------------------

PAGE = "http://www.example.gov.cn/col/col2/index.html"


def links_of(html: str, url: str = PAGE, **kw) -> list[Link]:
    return parse_page(html, url, **kw).links


def test_base_href():
    page = parse_page('<base href="/sub/dir/"><base href="/ignored/"><a href="a.html">x</a>'
                      '<a href="#top">t</a>', PAGE)
    assert page.base_url == "http://www.example.gov.cn/sub/dir/"
    assert [l.url for l in page.links] == ["http://www.example.gov.cn/sub/dir/a.html",
                                           "http://www.example.gov.cn/sub/dir/#top"]
    assert all(l.tag != "base" for l in page.links)


def test_base_with_javascript_is_ignored():
    page = parse_page('<base href="javascript:void(0)"><a href="a.html">x</a>', PAGE)
    assert page.base_url == PAGE
    assert page.links[0].url == "http://www.example.gov.cn/col/col2/a.html"


def test_entities_in_urls():
    (link,) = links_of('<a href="list.jsp?a=1&amp;b=2&lt;">x</a>')
    assert link.raw == "list.jsp?a=1&b=2<"
    assert link.url == "http://www.example.gov.cn/col/col2/list.jsp?a=1&b=2%3C"
    assert link.markup == '<a href="list.jsp?a=1&amp;b=2<">'


def test_whitespace_inside_href():
    (link,) = links_of('<a href="  /art/2024/\n\t1.html\r\n ">x</a>')
    assert link.raw == "/art/2024/\n\t1.html"
    assert link.url == "http://www.example.gov.cn/art/2024/1.html"


def test_non_ascii_path_is_percent_encoded():
    (link,) = links_of('<a href="/文件/名单.xls">名单</a>')
    assert link.url == "http://www.example.gov.cn/%E6%96%87%E4%BB%B6/%E5%90%8D%E5%8D%95.xls"


def test_query_uses_page_encoding():
    html = '<a href="/s?q=中文">s</a>'
    for encoding in ("gb18030", "GB2312"):
        assert links_of(html, encoding=encoding)[0].url == "http://www.example.gov.cn/s?q=%D6%D0%CE%C4"
    for encoding in ("utf-16-le", "no-such-charset"):
        assert links_of(html, encoding=encoding)[0].url == (
            "http://www.example.gov.cn/s?q=%E4%B8%AD%E6%96%87")


def test_srcset_candidates():
    links = links_of('<picture><source srcset="a.webp 1x, b.webp 2x"><img src="c.png" '
                     'srcset="data:image/png;base64,AA== 1x, /d,e.png 2x,f.png"></picture>')
    assert [(l.tag, l.attr, l.raw) for l in links] == [
        ("source", "srcset", "a.webp"), ("source", "srcset", "b.webp"), ("img", "src", "c.png"),
        ("img", "srcset", "data:image/png;base64,AA=="), ("img", "srcset", "/d,e.png"),
        ("img", "srcset", "f.png")]
    assert parse_srcset(" a.png 100w (x,y), ,b.png,") == ["a.png", "b.png"]


def test_meta_refresh():
    page = parse_page('<meta http-equiv="Refresh" content="5; URL=\'/new/index.html\'">', PAGE)
    assert page.refresh == "http://www.example.gov.cn/new/index.html"
    (link,) = page.links
    assert (link.tag, link.attr, link.raw) == ("meta", "content", "/new/index.html")
    assert parse_refresh("0") is None and parse_refresh("3;url=a.html") == "a.html"
    assert parse_refresh('0, "b.html" ') == "b.html"
    assert parse_page('<meta http-equiv="refresh" content="30">', PAGE).refresh is None


def test_inline_style_url():
    (link,) = links_of('<div style="background: URL( \'/img/bg 1.png\' ) no-repeat">x</div>')
    assert (link.tag, link.attr, link.raw) == ("style", "style", "/img/bg 1.png")
    assert link.url == "http://www.example.gov.cn/img/bg%201.png"
    assert link.selector == "html > body > div:nth-child(1)"


def test_style_block_urls():
    html = ('<html><head><style>\n/* url(skip.png) */\n@import "a.css";\n'
            '.b { background: url(b.png) }\n.c{background:url("")}</style></head></html>')
    links = links_of(html)
    assert [(l.tag, l.raw, l.line) for l in links] == [("style", "a.css", 3), ("style", "b.png", 4)]
    assert links[0].selector == "html > head > style:nth-child(1)"


def test_fake_and_empty_links_are_kept():
    links = links_of('<a href="javascript:void(0)" onclick="go()">a</a><a href="#">b</a>'
                     '<a href="">c</a><a href="JavaScript:;">d</a><a href="mailto:x@y.cn">e</a>')
    assert [(l.raw, l.url, l.onclick) for l in links] == [
        ("javascript:void(0)", "javascript:void(0)", "go()"), ("#", PAGE + "#", ""),
        ("", PAGE, ""), ("JavaScript:;", "javascript:;", ""), ("mailto:x@y.cn", "mailto:x@y.cn", "")]


def test_ids_and_anchor_names():
    page = parse_page('<div id="main"><a name="top"></a><p id="第一章">x</p>'
                      '<input name="q"></div>', PAGE)
    assert page.ids == {"main", "top", "第一章"}


def test_text_excludes_script_style_template():
    page = parse_page("<html><head><title> 某某 \n 政府 </title><style>.a{}</style>"
                      "<script>var s = 'no';</script></head><body><div>第一段<script>x()</script>"
                      "<b>加粗</b></div><template><p>模板</p></template><p>第二段<br>换行</p>"
                      "<noscript><p>请启用脚本</p></noscript>尾</body></html>", PAGE)
    assert page.title == "某某 政府"
    assert page.text == "某某 政府\n第一段加粗\n第二段\n换行\n尾"


def test_link_text_fallbacks():
    links = links_of('<a href="a"> 通知\n 公告 </a><a href="b"><img src="i.png" alt="首页"></a>'
                     '<a href="c" title="标题"><img src="j.png"></a><map><area href="d" alt="区域"></map>')
    texts = {l.raw: l.text for l in links}
    assert texts == {"a": "通知 公告", "b": "首页", "i.png": "首页", "c": "标题", "j.png": "", "d": "区域"}


def test_meta_names_lowercased():
    page = parse_page('<meta name="PubDate" content=" 2024-05-01 "><meta name="SiteIDCode" '
                      'content="3301000001"><meta name="ColumnName" content="通知公告">', PAGE)
    assert page.meta == {"pubdate": "2024-05-01", "siteidcode": "3301000001", "columnname": "通知公告"}


def test_table_selectors_follow_browsers():
    html = ("<table><tr><td>x</td><td><a href='a'>a</a></td></tr><tr><td><a href='b'>b</a>"
            "</td></tr></table><table><tbody><tr><th><a href='c'>c</a></th></tr></tbody></table>")
    assert [l.selector for l in links_of(html)] == [
        "html > body > table:nth-child(1) > tbody:nth-child(1) > tr:nth-child(1) > td:nth-child(2) > a:nth-child(1)",
        "html > body > table:nth-child(1) > tbody:nth-child(1) > tr:nth-child(2) > td:nth-child(1) > a:nth-child(1)",
        "html > body > table:nth-child(2) > tbody:nth-child(1) > tr:nth-child(1) > th:nth-child(1) > a:nth-child(1)"]


def test_lines_markup_rel_and_lists():
    html = ('<html>\n<head>\n<link rel="stylesheet" href="/a.css">\n</head>\n<body>\n'
            '<a href="x" ping="/p1 /p2" itemtype="http://schema.org/A http://schema.org/B">x</a>\n'
            f'<img src="y.png" alt="{"长" * 400}"></body></html>')
    links = links_of(html)
    assert [(l.attr, l.line) for l in links] == [("href", 3), ("href", 6), ("ping", 6), ("ping", 6),
                                                 ("itemtype", 6), ("itemtype", 6), ("src", 7)]
    assert links[0].rel == "stylesheet"
    assert len(links[-1].markup) == 300 and links[-1].markup.endswith("...")


def test_unresolvable_and_odd_urls():
    links = links_of('<a href="http://[bad">1</a><a href="http://a.gov.cn:99999/">2</a>'
                     '<a href="..\\img\\a.jpg">3</a><a href="HTTP://Www.Example.GOV.cn">4</a>'
                     '<a href="http://例子.中国/">5</a><a href="//cdn.example.cn/x.js">6</a>')
    assert [l.url for l in links] == [
        None, None, "http://www.example.gov.cn/col/img/a.jpg", "http://www.example.gov.cn/",
        "http://xn--fsqu00a.xn--fiqs8s/", "http://cdn.example.cn/x.js"]


@pytest.mark.parametrize("raw,expected", [
    ("", "http://h.gov.cn/a/b.html?x=1"),
    ("#", "http://h.gov.cn/a/b.html?x=1#"),
    ("?", "http://h.gov.cn/a/b.html?"),
    (";", "http://h.gov.cn/a/;"),
    ("../../../c", "http://h.gov.cn/c"),
    ("./%2e%2E/c", "http://h.gov.cn/c"),
    ("http:c.html", "http://h.gov.cn/a/c.html"),
    ("http://", None),
    ("tel:12345", "tel:12345"),
    ("DATA:text/plain,x", "data:text/plain,x"),
])
def test_resolve_url(raw, expected):
    assert resolve_url(raw, "http://h.gov.cn/a/b.html?x=1#f") == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abZ09-._~/?#&=%+,;!$*()", min_size=1, max_size=12))
def test_fast_path_agrees_with_full_resolution(raw):
    base = "http://www.example.gov.cn/col/col2/index.html?x=1"
    assert resolve_url(raw, base) == _resolve_full(raw, base, "utf-8")


@pytest.mark.parametrize("html", [
    "", "   ", "<!-- only a comment -->", "\x00\x00", "plain text", "\ud800<a href=x>s</a>",
    '<?xml version="1.0" encoding="gbk"?><html><a href="x">x</a></html>',
    "<div>" * 10000 + "<a href='deep'>d</a>" + "</div>" * 10000, "<p>" * 5000,
    bytes(range(256)).decode("latin-1") * 3, "<a href='\x00x\x00'>z</a>",
])
def test_parse_never_raises(html):
    page = parse_page(html, PAGE)
    assert isinstance(page, ParsedPage) and isinstance(page.links, list)


def test_parse_recovers_links_after_xml_declaration_and_nuls():
    assert [l.url for l in links_of('<?xml version="1.0" encoding="gbk"?>\n<html><a href="x">x</a>')] == [
        "http://www.example.gov.cn/col/col2/x"]
    assert [l.raw for l in links_of("<a href='\x00x\x00'>z</a>")] == ["x"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_never_raises_on_any_text(html):
    assert isinstance(parse_page(html, PAGE), ParsedPage)
