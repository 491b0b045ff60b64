"""checks.scripts: links written by JavaScript (暗链 by script), found without running it."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.scripts import MAX_MARKUP, ScriptLink, page_script_links, script_links

BASE = "http://www.example.gov.cn/zwgk/index.html"
HREF = "http://www.bet365.com/"
TEXT = "娱乐城"
MARKUP = f'<a href="{HREF}">{TEXT}</a>'
JQUERY = Path("/usr/share/javascript/jquery/jquery.min.js")


# --- JavaScript encoders, so every encoded case is derived from the plain markup ---------------

def js_escape(text: str) -> str:
    """JavaScript's escape(): what unescape() undoes."""
    safe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@*_+-./"
    return "".join(c if c in safe else "%%%02X" % ord(c) if ord(c) < 256 else "%%u%04X" % ord(c)
                   for c in text)


def hex_escape(text: str) -> str:
    return "".join("\\x%02x" % ord(c) if ord(c) < 128 else c for c in text)


def unicode_escape(text: str) -> str:
    return "".join("\\u%04x" % ord(c) for c in text)


def char_codes(text: str) -> str:
    return ",".join(str(ord(c)) for c in text)


def b64(text: str) -> str:
    return base64.b64encode(text.encode("utf-8")).decode("ascii")


def js_quote(text: str, quote_char: str = "'") -> str:
    return quote_char + text.replace("\\", "\\\\").replace(quote_char, "\\" + quote_char) + quote_char


def chop(text: str, size: int = 5) -> str:
    """'<a hr'+'ef="ht'+... : the markup cut into concatenated literals."""
    return "+".join(js_quote(text[i:i + size]) for i in range(0, len(text), size))


def pack(code: str) -> str:
    """Dean Edwards' p,a,c,k,e,d packer (base 62), as injected scripts carry it."""
    words = sorted(set(re.findall(r"\b\w+\b", code, re.A)))

    def enc(c: int) -> str:
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"
        return ("" if c < 62 else enc(c // 62)) + (chr(c % 62 + 29) if c % 62 > 35 else digits[c % 62])
    table = {w: enc(i) for i, w in enumerate(words)}
    payload = re.sub(r"\b\w+\b", lambda m: table[m.group()], code, flags=re.A)
    return ("eval(function(p,a,c,k,e,d){e=function(c){return(c<a?'':e(parseInt(c/a)))+((c=c%a)>35?"
            "String.fromCharCode(c+29):c.toString(36))};if(!''.replace(/^/,String)){while(c--)d[e(c)]=k[c]"
            "||e(c);k=[function(e){return d[e]}];e=function(){return'\\\\w+'};c=1};while(c--)if(k[c])p=p."
            "replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c]);return p}("
            + f"{js_quote(payload)},62,{len(words)},'{'|'.join(words)}'.split('|'),0,{{}}))")


WRITE = f"document.write({js_quote(MARKUP)})"
WRITE_HEX = "document.write('" + hex_escape(MARKUP) + "')"

# (script, technique, encoding): each must yield exactly the link HREF with text TEXT.
CASES = {
    "write-single": (f"document.write('{MARKUP}');", "document.write", ""),
    "write-double": (f"document.write({js_quote(MARKUP, chr(34))});", "document.write", ""),
    "write-backtick": (f"document.write(`{MARKUP}`);", "document.write", ""),
    "writeln": (f"document.writeln('{MARKUP}')", "document.write", ""),
    "write-bracket": (f"document['write']('{MARKUP}')", "document.write", ""),
    "concat": (f"document.write({chop(MARKUP)});", "document.write", "concat"),
    "var-domain": ("var d = 'bet' + '365';\nlet tld = \".com\";\n"
                   "document.write('<a href=\"http://www.' + d + tld + '/\">' + '娱乐城</a>');",
                   "document.write", "concat"),
    "template-var": ("const host = 'www.bet365.com';\ndocument.write(`<a href=\"http://${host}/\">娱乐城</a>`)",
                     "document.write", ""),
    "array-join": (f"var p = [{chop(MARKUP).replace('+', ',')}]; document.write(p.join(''));",
                   "document.write", "concat"),
    "reversed": (f"document.write({js_quote(MARKUP[::-1])}.split('').reverse().join(''))", "document.write",
                 "concat"),
    "unescape": (f"document.write(unescape('{js_escape(MARKUP)}'));", "document.write", "unescape"),
    "decodeURIComponent": (f"document.write(decodeURIComponent('{quote(MARKUP, safe='')}'))",
                           "document.write", "unescape"),
    "hex-escape": (f"document.write('{hex_escape(MARKUP)}')", "document.write", "hex-escape"),
    "unicode-escape": (f"document.write('{unicode_escape(MARKUP)}')", "document.write", "unicode-escape"),
    "fromCharCode": (f"document.write(String.fromCharCode({char_codes(MARKUP)}))", "document.write",
                     "fromCharCode"),
    "fromCharCode-apply": (f"document.write(String.fromCharCode.apply(null, [{char_codes(MARKUP)}]))",
                           "document.write", "fromCharCode"),
    "atob": (f"document.write(decodeURIComponent(escape(window.atob('{b64(MARKUP)}'))))", "document.write",
             "atob"),
    "eval-unescape-hex": (f"eval(unescape('{js_escape(WRITE_HEX)}'))",
                          "document.write", "unescape+hex-escape"),
    "eval-atob": (f"eval(atob('{b64(WRITE)}'))", "document.write", "atob"),
    "eval-fromCharCode": (f"eval(String.fromCharCode({char_codes(WRITE)}))", "document.write", "fromCharCode"),
    "setTimeout-string": (f"setTimeout({js_quote(WRITE, chr(34))}, 100);", "document.write", ""),
    "packer": (pack(WRITE), "document.write", "packer"),
    "innerHTML": (f"document.getElementById('footer').innerHTML = '{MARKUP}';", "innerHTML", ""),
    "innerHTML-append": (f"var box = document.body;\nbox.innerHTML += {chop(MARKUP)};", "innerHTML", "concat"),
    "insertAdjacentHTML": (f"document.body.insertAdjacentHTML('beforeend', unescape('{js_escape(MARKUP)}'))",
                           "insertAdjacentHTML", "unescape"),
    "jquery-html": (f"$('#links').html('{hex_escape(MARKUP)}');", "innerHTML", "hex-escape"),
    "jquery-append": (f"jQuery('body').append(\"{MARKUP.replace(chr(34), chr(39))}\");", "innerHTML", ""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_technique_and_encoding(name: str) -> None:
    script, technique, encoding = CASES[name]
    links = script_links(script, BASE)
    assert [(l.href, l.url, l.text, l.technique, l.encoding) for l in links] == \
        [(HREF, HREF, TEXT, technique, encoding)], script
    assert f'href="{HREF}"' in links[0].markup.replace("'", '"')


def test_offsets_point_at_the_statement() -> None:
    script = "var a = 1;\n/* x */ var d = 'bet365';\n  document.write('<a href=\"http://' + d + '.com\">x</a>');"
    (link,) = script_links(script, BASE)
    assert script[link.offset:].startswith("document.write(")
    script = "var el = document.getElementById('f');\nel.innerHTML = '<a href=\"/x.html\">x</a>';"
    (link,) = script_links(script, BASE)
    assert script[link.offset:].startswith("el.innerHTML")
    assert link.url == "http://www.example.gov.cn/x.html"


@pytest.mark.parametrize("script", [
    'window.location.href = "http://www.bet365.com/";',
    "if (/baidu|sogou|so\\.com/.test(document.referrer)) { top.location = 'http://www.bet365.com/'; }",
    "location.replace('http://www.bet365.com/')",
    "window.open('http://www.bet365.com/', '_blank');",
    "var d = 'bet365'; self.location.href = 'http://www.' + d + '.com/';",
])
def test_redirects(script: str) -> None:
    (link,) = script_links(script, BASE)
    assert (link.url, link.technique, link.text, link.markup) == (HREF, "location", "", "")


def test_redirect_with_unknown_tail_keeps_the_known_host() -> None:
    (link,) = script_links("location.href = 'http://www.bet365.com/?from=' + document.referrer;", BASE)
    assert link.href == "http://www.bet365.com/"


def test_nested_hidden_writes_keep_the_wrapper() -> None:
    script = ('document.write("<div style=\'display:none\'>");\n'
              f'document.write(unescape("{js_escape(MARKUP)}"));\n'
              'document.write("<a href=\'http://www.ag88.com/\'>真人</a>");\n'
              'document.write("</div>");\n')
    links = script_links(script, BASE)
    assert [(l.href, l.text, l.encoding) for l in links] == [
        (HREF, TEXT, "unescape"), ("http://www.ag88.com/", "真人", "")]
    for link in links:
        assert link.markup.startswith("<div style='display:none'>") and link.markup.endswith("</div>")
    assert script[links[0].offset:].startswith("document.write(unescape")
    assert script[links[1].offset:].startswith('document.write("<a')


def test_markup_is_capped_but_keeps_its_head() -> None:
    filler = "".join(f"<span>{i}</span>" for i in range(200))
    script = f"document.write('<div style=\"display:none\">{filler}{MARKUP}</div>')"
    (link,) = script_links(script, BASE)
    assert len(link.markup) <= MAX_MARKUP
    assert link.markup.startswith('<div style="display:none">') and MARKUP in link.markup


def test_written_iframe_script_and_refresh() -> None:
    script = ("document.write('<iframe src=\"http://www.bet365.com/\" width=0 height=0></iframe>');\n"
              "document.write('<script src=\"http://evil.example.com/j.js\"><\\/script>');\n"
              "document.write('<meta http-equiv=\"refresh\" content=\"0; url=http://www.bet365.com/\">');")
    links = script_links(script, BASE)
    assert [(l.href, l.technique) for l in links] == [
        (HREF, "document.write"), ("http://evil.example.com/j.js", "script-url"), (HREF, "location")]


def test_inline_script_inside_written_markup() -> None:
    script = f"document.write('<script>{WRITE}<\\/script>')".replace("'<a", "\"<a").replace("</a>'", "</a>\"")
    (link,) = script_links(script, BASE)
    assert (link.href, link.text) == (HREF, TEXT)


def test_plain_urls_in_a_write_that_cannot_be_decoded() -> None:
    script = ("var sites = ['http://www.bet365.com/', 'http://www.ag88.com/'];\n"
              "document.write(render(sites[Math.floor(Math.random() * 2)]));")
    assert {(l.href, l.technique) for l in script_links(script, BASE)} == {
        (HREF, "script-url"), ("http://www.ag88.com/", "script-url")}


# --- decoys ------------------------------------------------------------------------------------

DECOYS = {
    "baidu-analytics": """var _hmt = _hmt || [];
(function() {
  var hm = document.createElement("script");
  hm.src = "https://hm.baidu.com/hm.js?0123456789abcdef0123456789abcdef";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
})();""",
    "google-analytics": """(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;i[r]=i[r]||function(){
(i[r].q=i[r].q||[]).push(arguments)},i[r].l=1*new Date();a=s.createElement(o),
m=s.getElementsByTagName(o)[0];a.async=1;a.src=g;m.parentNode.insertBefore(a,m)
})(window,document,'script','https://www.google-analytics.com/analytics.js','ga');""",
    "cnzz-with-protocol-variable": """var cnzz_protocol = (("https:" == document.location.protocol) ? "https://" : "http://");
document.write(unescape("%3Cspan id='cnzz_stat_icon_1'%3E%3C/span%3E%3Cscript src='" + cnzz_protocol
 + "s4.cnzz.com/z_stat.php%3Fid%3D1' type='text/javascript'%3E%3C/script%3E"));""",
    "carousel": """var slides = [{img: '/img/1.jpg', url: '/news/1.html', title: '要闻'},
                  {img: '/img/2.jpg', url: '/news/2.html', title: '通知'}];
var html = '';
for (var i = 0; i < slides.length; i++) {
  html += '<li><a href="' + slides[i].url + '"><img src="' + slides[i].img + '"></a></li>';
}
$('#slider ul').html(html);
document.getElementById('dots').innerHTML = slides.map(function (s) { return '<i></i>'; }).join('');""",
    "json-data": """var config = {"api": "http://api.example.com/v1", "links": [{"url": "http://www.bet365.com/"}]};
var data = JSON.parse('{"home": "http://www.example.com/"}');""",
    "line-comment": "// document.write('<a href=\"http://www.bet365.com/\">娱乐城</a>');\nvar a = 1;",
    "block-comment": "/* old:\ndocument.write('<a href=\"http://www.bet365.com/\">x</a>')\n*/ var a = 2;",
    "string-mentions-write": "var help = \"use document.write('<a href=http://www.bet365.com/>') never\";",
    "regex-with-quote": "var re = /'document.write('/g; var s = \"a\".replace(re, '');",
    "date-write": "document.write(new Date().getFullYear() + '年');",
    "image-write": "document.write('<img src=\"http://cdn.example.com/banner.png\" alt=\"http://x.com\">');",
    "unknown-host": "document.write('<a href=\"http://www.' + pick() + '.com/x\">x</a>');",
    "tab-switch": "function tab(n){ document.getElementById('tab'+n).style.display='block'; }",
}


@pytest.mark.parametrize("name", sorted(DECOYS))
def test_decoys_report_nothing(name: str) -> None:
    assert script_links(DECOYS[name], BASE) == []


def test_ui_templates_with_relative_links_resolve_on_the_site() -> None:
    script = "nav.innerHTML = `<a href=\"/zwgk/\">政务公开</a><a href=\"../bsfw/\">办事服务</a>`;"
    links = script_links(script, BASE)
    assert [l.url for l in links] == ["http://www.example.gov.cn/zwgk/", "http://www.example.gov.cn/bsfw/"]


# --- pages -------------------------------------------------------------------------------------

def test_page_script_links() -> None:
    html = f"""<html><head><meta charset="utf-8">
<script type="text/javascript">document.write('{hex_escape(MARKUP)}');</script>
<script src="/js/common.js">document.write('<a href="http://src.example.com/">x</a>')</script>
<script type="text/template"><a href="http://template.example.com/">{{{{t}}}}</a>
document.write('<a href="http://template.example.com/">t</a>')</script>
<script type="application/ld+json">{{"url": "http://json.example.com/"}}</script>
<!-- <script>document.write('<a href="http://commented.example.com/">c</a>')</script> -->
</head><body>
<SCRIPT language="JavaScript" type='application/javascript'>
  window.location.href = 'http://jump.example.com/';
</SCRIPT>
<script>{pack(WRITE)}</script>
<script type="module">el.innerHTML = '<a href="/m.html">m</a>';</script>
</body></html>"""
    links = page_script_links(html, BASE)
    assert [(l.url, l.technique, l.encoding) for l in links] == [
        (HREF, "document.write", "hex-escape"),
        ("http://jump.example.com/", "location", ""),
        (HREF, "document.write", "packer"),
        ("http://www.example.gov.cn/m.html", "innerHTML", ""),
    ]
    assert html[links[0].offset:].startswith("document.write(")
    assert html[links[1].offset:].startswith("window.location.href")
    assert page_script_links("", BASE) == [] and page_script_links("<script", BASE) == []


# --- robustness --------------------------------------------------------------------------------

def _jquery_like_blob(size: int = 300_000) -> str:
    """A minified jQuery-like blob: the system's jquery.min.js when present, else a synthetic one."""
    if JQUERY.exists():
        src = JQUERY.read_text(encoding="utf-8", errors="replace")
    else:
        src = ('!function(e,t){"use strict";var n=[],r=Object.getPrototypeOf,i=n.slice,o=/^(?:\\s*(<[\\w\\W]+>)'
               '[^>]*|#([\\w-]+))$/,a=function(e,t){return new a.fn.init(e,t)};a.fn={html:function(e){return '
               'this.each(function(){this.innerHTML=e})},append:function(){return this.domManip(arguments,'
               'function(e){this.appendChild(e)})}};e.innerHTML="<a href=\'#\'></a>";t.location=e.href;'
               'setTimeout(function(){a(e).append(r(e,"</"+t+">"))},0);var s=e/2,u=\'"\',l=/["\']/g;}(window);')
        src += "".join(f"function f{i}(e,t){{var n=e.length,r=0,o=/[\\/'\"]+/g;for(;r<n;r++){{if(t.call(e[r],r,"
                       f"e[r])===!1)break}}return e.replace(o,'')/{i}}}" for i in range(12))
    return (src * (size // len(src) + 1))[:size]


def test_large_minified_script_is_fast(capsys: pytest.CaptureFixture[str]) -> None:
    blob = _jquery_like_blob()
    script_links(blob, BASE)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        links = script_links(blob, BASE)
        timings.append(time.perf_counter() - start)
    with capsys.disabled():
        print(f"\n[scripts] {len(blob)} chars of minified jQuery: best {min(timings) * 1000:.1f} ms")
    assert min(timings) < 0.25 and all(isinstance(l, ScriptLink) for l in links)
    tail = blob + ";" + WRITE       # an injection appended to a big library file is still found
    assert [l.href for l in script_links(tail, BASE)] == [HREF]


@pytest.mark.parametrize("text", [
    "=/[" * 100_000, "'" * 300_000, "`" * 300_000, "/*" * 150_000, "document.write(" * 20_000,
    "(" * 200_000, "eval(" * 50_000, "a=" * 150_000 + "document.write(a)", "x.innerHTML=" * 30_000,
    "document.write('<a " + "\"<a " * 50_000, "unescape(" * 40_000 + "'%3Ca%3E'", "[" * 100_000,
    "document.write(" + "'x'+" * 100_000 + "'y')", "var a='b'+a;" * 20_000 + "document.write(a)",
])
def test_pathological_input_stays_bounded(text: str) -> None:
    start = time.perf_counter()
    script_links(text, BASE)
    assert time.perf_counter() - start < 3.0


def test_oversized_script_is_capped() -> None:
    start = time.perf_counter()
    script_links("var a = 1; " * 300_000 + WRITE, BASE)   # 3.3 MB: the write lies beyond the cap
    assert time.perf_counter() - start < 3.0


JS_BITS = st.sampled_from([
    "document.write(", "document['write'](", ".innerHTML=", ".innerHTML+=", ".insertAdjacentHTML(", ".html(",
    "location.href=", "window.open(", "eval(", "unescape(", "atob(", "String.fromCharCode(", "'", '"', "`",
    "\\x3c", "\\u003c", "%3C", "%u5A31", "<a href=", "http://x.com", "${", "}", "(", ")", "[", "]", "+", ",",
    ";", "\n", "/", "/*", "*/", "//", "\\", "var a=", "a", "0x3c", "60", "99999999999999999999", ".split('')",
    ".reverse()", ".join('')", "function(p,a,c,k,e,d){", "}('a b',62,2,'x|y'.split('|'))", "<script>", "=",
])


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    assert all(isinstance(l, ScriptLink) for l in script_links(text, BASE))
    page_script_links("<script>" + text + "</script>" + text, BASE)


@settings(max_examples=300, deadline=None)
@given(st.lists(JS_BITS, max_size=60).map("".join))
def test_never_raises_on_javascript_like_text(text: str) -> None:
    for link in script_links(text, BASE):
        assert link.technique in {"document.write", "innerHTML", "insertAdjacentHTML", "location", "script-url"}
        assert len(link.markup) <= MAX_MARKUP
