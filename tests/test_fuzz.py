"""Fuzzing (issue 10): hostile bytes and markup never raise out of the parsers, and outputs keep
their invariants. Date parsing already has property tests in tests/test_dates.py; only what
they miss is here."""

from __future__ import annotations

import codecs
from datetime import date
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks.dates import is_valid, page_date
from checks.garbled import garbled_spans
from checks.identity import identity_items
from checks.lexicon import is_spam_text
from checks.scripts import page_script_links, script_links
from checks.soft404 import soft_404_reason
from crawler.charset import decode_html, meta_charset, normalize_charset
from crawler.extract import parse_page, parse_refresh, parse_srcset
from crawler.scope import canonical_url, clean_url, is_trap, normalize_url, redirect_refusal, url_pattern
from crawler.urlresolve import resolve_url

FUZZ = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

CHARSETS = st.sampled_from(["utf-8", "gbk", "gb2312", "GB18030", "big5", "utf-16", "utf-16le", "utf-32",
                            "latin-1", "windows-1252", "shift_jis", "euc-kr", "x-no-such", "", "utf8mb4",
                            "unicode", "'gbk'", "\"utf-8\"", "utf-7", "hz", "iso-2022-jp"])
CONTENT_TYPES = st.one_of(st.none(), st.text(max_size=40),
                          CHARSETS.map(lambda c: f"text/html; charset={c}"))

# Markup made of pieces that exercise the extractor: tags, attributes, entities, odd URLs.
PIECES = st.sampled_from([
    "<a href=", "<a href='", '"', "'", ">", "</a>", "<base href=", "<meta http-equiv=refresh content=",
    "0;url=", "<img srcset=", " 1x, ", "<area href=", "<iframe src=", "<link rel=stylesheet href=",
    "<script>", "</script>", "document.write('<a href=x>')", "location.href='", "<style>", "</style>",
    "url(", ")", "@import ", "<div style='display:none'>", "</div>", "<table><tr><td>", "</td></tr></table>",
    "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#0;", "&#x110000;", "&#xD800;", "&nbsp;", "http://",
    "https://[::1", "http://[bad", "javascript:", "mailto:", "//", "/", "?", "#", "%", "%E4%B8", "%zz",
    "\x00", "\ufffd", "\ud800", "中文", "﻿", "<title>", "</title>", "<meta charset=gbk>", "<?xml version='1.0' encoding='utf-8'?>",
    "<html>", "<body>", "<p>", "<br>", "<form action=", "<frame src=", ":99999", "@", "\\", " ", "\n", "\t",
])
MARKUP = st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=60).map("".join)
URLISH = st.lists(st.sampled_from([
    "http://", "https://", "HTTP://", "a.gov.cn", "A.GOV.CN", ":80", ":443", ":8080", ":99999", "[::1]", "[bad",
    "/", "x", "index.html", ";jsessionid=AB", ";sid=1", "?", "&", "=", "utm_source", "utm_medium", "from", "spm",
    "id", "1", "2026", "%E4%B8%AD", "%", "#", "中", " ", "..", "a/", "file:", "javascript:", "localhost",
    "10.0.0.1", "127.0.0.1", "169.254.169.254",
]), max_size=16).map("".join)


def _http_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        parts = urlsplit(url)
        parts.port
    except ValueError:
        return False
    return parts.scheme in ("http", "https")


@FUZZ
@given(st.binary(max_size=3000), CONTENT_TYPES)
def test_decode_html_never_raises(body, content_type):
    decoded = decode_html(body, content_type)
    assert isinstance(decoded.text, str)
    assert decoded.source in ("bom", "http", "meta", "detected", "default")
    codecs.lookup(decoded.charset)
    decoded.text.encode("utf-8", "surrogatepass")
    meta_charset(body)


@FUZZ
@given(st.one_of(st.none(), st.text(max_size=30), CHARSETS))
def test_normalize_charset_gives_a_codec_or_none(label):
    codec = normalize_charset(label)
    if codec is not None:
        codecs.lookup(codec)


@FUZZ
@given(MARKUP, st.sampled_from(["http://a.gov.cn/x/y.html", "https://a.gov.cn/", "http://a.gov.cn/?q=1"]),
       CHARSETS)
def test_parse_page_invariants(html, url, charset):
    page = parse_page(html, url, charset)
    assert isinstance(page.title, str) and isinstance(page.text, str)
    for link in page.links:
        assert isinstance(link.raw, str) and len(link.markup) <= 300
        if link.url is not None:
            assert urlsplit(link.url).scheme, link
        if _http_url(link.url):
            # whatever the extractor hands the crawler, the crawler's URL functions accept
            key = normalize_url(link.url)
            assert normalize_url(key) == key
            canonical_url(link.url)
            url_pattern(link.url)
            is_trap(link.url)
            clean_url(link.url)
    page_script_links(html, url)


@FUZZ
@given(st.binary(max_size=4000), CONTENT_TYPES)
def test_bytes_to_page_pipeline(body, content_type):
    decoded = decode_html(body, content_type)
    page = parse_page(decoded.text, "http://a.gov.cn/", decoded.charset)
    list(garbled_spans(page.text))
    is_spam_text(page.title, page.text)
    soft_404_reason(page.title, page.text, None)


@FUZZ
@given(URLISH)
def test_url_keys(url):
    if not _http_url(url):
        assert redirect_refusal("http://a.gov.cn/", url) is not None or urlsplit(url).scheme in ("http", "https")
        return
    key = normalize_url(url)
    assert normalize_url(key) == key                          # idempotent
    assert normalize_url(clean_url(url)) == key               # the request and its seen-key agree
    query = key.partition("?")[2]
    assert not any(pair.split("=", 1)[0].lower().startswith("utm_") for pair in query.split("&"))
    assert ";jsessionid=" not in urlsplit(key).path.lower()
    assert canonical_url(canonical_url(url)) == canonical_url(url)
    assert url_pattern(url) == url_pattern(key)
    redirect_refusal("http://a.gov.cn/", url)
    redirect_refusal("http://127.0.0.1:8000/", url, hops=3)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(["a", "b", "id", "utm_x", "from", "sid", "c"]),
                          st.text("12xyz%", max_size=3)), max_size=6))
def test_query_order_does_not_matter(pairs):
    query = "&".join(f"{k}={v}" for k, v in pairs)
    reverse = "&".join(f"{k}={v}" for k, v in reversed(pairs))
    assert normalize_url("http://a.gov.cn/p?" + query) == normalize_url("http://a.gov.cn/p?" + reverse)


@FUZZ
@given(st.text(max_size=200))
def test_text_checks_never_raise(text):
    for offset, span, _ in garbled_spans(text):
        assert 0 <= offset <= len(text) and span
    is_spam_text(text[:30], text)
    soft_404_reason(text[:30], text, {"probe_status": 200, "probe_title": text[:30], "probe_hash": "x"})
    identity_items(text, text, [(text, text, text)])
    script_links(text, "http://a.gov.cn/")
    parse_refresh(text)
    parse_srcset(text)
    result = resolve_url(text, "http://a.gov.cn/x/", "gbk")
    assert result is None or isinstance(result, str)


@FUZZ
@given(st.dictionaries(st.sampled_from(["pubdate", "PubDate", "publishdate", "article:published_time", "date",
                                        "dc.date", "firstpublishedtime", "x"]),
                       st.sampled_from(["2026-11-20", "2099-01-01", "1900-01-01", "2026-02-30", "", "昨天",
                                        "2026年11月20日", "20261120", "11-20"]), max_size=4),
       st.text(max_size=60), st.sampled_from(["http://a/t20261120_1.html", "http://a/2099/01/01/x.html", "x"]),
       st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_page_date_is_always_valid(meta, text, url, as_of):
    # dates.py property tests cover the parsers; this pins the combination: whatever the meta,
    # label or URL say, a returned date is a valid one as of the run
    found = page_date(meta, text, url, as_of)
    if found is not None:
        assert is_valid(found.date, as_of)
