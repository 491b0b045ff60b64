"""checks.dates: date formats, rejections, year-less dates, URLs, meta, labels, page_date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checks import dates as D
from checks.dates import (MIN_DATE, FoundDate, date_from_url, find_dates, is_valid, label_date,
                          meta_date, page_date, parse_date)

AS_OF = date(2026, 12, 1)
NOV20 = date(2026, 11, 20)


# --- full dates ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2026-11-20", "2026/11/20", "2026.11.20", "2026年11月20日", "2026 年 11 月 20 日",
    "二〇二六年十一月二十日", "二○二六年十一月二十日", "二零二六年十一月二十日",
    "[2026/11/20]", "(2026-11-20)", "（2026-11-20）", "【2026-11-20】", "［2026/11/20］",
    "２０２６－１１－２０", "２０２６／１１／２０", "２０２６．１１．２０", "２０２６年１１月２０日",
    "2026-11-20 09:30:00", "2026-11-20 09:30",
    "2026-11-20T09:30:00+08:00", "2026年11月20日 09:30", "2026年11月20号",
    "2026 - 11 - 20", "2026-11-20。", "发布时间：2026-11-20", "日期:2026/11/20",
])
def test_full_formats(text):
    assert parse_date(text) == NOV20
    assert [d for _, _, d in find_dates(text)] == [NOV20]


@pytest.mark.parametrize("text,expected", [
    ("2026-1-5", date(2026, 1, 5)),
    ("2026/1/5", date(2026, 1, 5)),
    ("2026.1.5", date(2026, 1, 5)),
    ("2026年1月5日", date(2026, 1, 5)),
    ("2026-01-05", date(2026, 1, 5)),
    ("二〇二六年一月五日", date(2026, 1, 5)),
    ("二〇二六年十二月三十一日", date(2026, 12, 31)),
    ("二〇二五年十月十日", date(2025, 10, 10)),
    ("二〇二四年二月二十九日", date(2024, 2, 29)),
    ("一九九八年七月一日", date(1998, 7, 1)),
    ("二〇二六年三月二十一日", date(2026, 3, 21)),
    ("2024-02-29", date(2024, 2, 29)),
    ("1949-10-01", date(1949, 10, 1)),
    ("2099-01-01", date(2099, 1, 1)),
])
def test_full_values(text, expected):
    assert parse_date(text) == expected


def test_offsets_and_text_slice():
    text = "通知公告 [2026/11/20] 关于开展检查的通知（2026-11-18）。二〇二六年十一月十日印发"
    found = find_dates(text)
    assert [d for _, _, d in found] == [NOV20, date(2026, 11, 18), date(2026, 11, 10)]
    assert [text[s:e] for s, e, _ in found] == ["2026/11/20", "2026-11-18", "二〇二六年十一月十日"]


def test_find_dates_keeps_future_and_old_dates():
    text = "截止2027-03-01，始于1990年5月1日"
    assert [d for _, _, d in find_dates(text)] == [date(2027, 3, 1), date(1990, 5, 1)]


# --- rejections ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2026-02-30", "2026-13-01", "2026-00-10", "2026-11-31", "2025-02-29", "2026年2月30日",
    "二〇二六年二月三十日", "二〇二六年十一月三十二日",
    "0954-2031120", "电话：0954-2031120", "0954-20261120", "12026-11-20", "2026-11-201",
    "〔2026〕12号", "宁政发〔2026〕12号", "第2026-11号", "第2026-11-20号", "2026-11-20号",
    "2026-11", "2026年11月", "2026/11", "1.2.3", "v1.2.3", "V2026.11.20", "2026.11.20.1",
    "3.2026.11.20", "2026-11/20", "20261120", "2026112", "一二〇二六年十一月二十日",
    "10:11-12:20", "", "   ",
])
def test_rejected(text):
    assert find_dates(text, AS_OF) == []
    if text != "20261120":   # a whole compact value is a date for parse_date (meta content)
        assert parse_date(text, AS_OF) is None


def test_compact_only_as_whole_value():
    assert parse_date("20261120") == NOV20
    assert parse_date(" 20261120093000 ") == NOV20
    assert parse_date("20261340") is None
    assert find_dates("编号20261120") == []


def test_rejections_do_not_hide_neighbours():
    text = "电话0954-2031120，〔2026〕12号，2026-11-20发布"
    assert [d for _, _, d in find_dates(text)] == [NOV20]


# --- year-less dates -------------------------------------------------------------------

@pytest.mark.parametrize("text,as_of,expected", [
    ("11-20", date(2026, 12, 1), date(2026, 11, 20)),
    ("11/20", date(2026, 12, 1), date(2026, 11, 20)),
    ("11月20日", date(2026, 12, 1), date(2026, 11, 20)),
    ("１１－２０", date(2026, 12, 1), date(2026, 11, 20)),
    ("[11-20]", date(2026, 12, 1), date(2026, 11, 20)),
    ("12-28", date(2026, 1, 5), date(2025, 12, 28)),       # seen after New Year
    ("12月28日", date(2026, 1, 5), date(2025, 12, 28)),
    ("01-05", date(2026, 1, 5), date(2026, 1, 5)),         # today
    ("01-06", date(2026, 1, 5), date(2025, 1, 6)),         # tomorrow → last year
    ("1月5日", date(2026, 1, 5), date(2026, 1, 5)),
    ("12-31", date(2026, 12, 31), date(2026, 12, 31)),
    ("01-01", date(2026, 12, 31), date(2026, 1, 1)),
    ("02-29", date(2025, 3, 1), date(2024, 2, 29)),
])
def test_short_dates_take_most_recent_year(text, as_of, expected):
    assert parse_date(text, as_of) == expected
    assert [d for _, _, d in find_dates(text, as_of)] == [expected]


@pytest.mark.parametrize("text", [
    "02-29",                                   # no leap year this year or last
    "11-20人", "第11-20条", "11-20号", "1-5", "11-2", "11-20-30", "11.20", "3/4",
    "2026-11", "a11-20", "11-20月", "13-01", "11-32", "10:11-12", "11-12:30",
])
def test_short_rejected(text):
    assert find_dates(text, date(2026, 3, 1)) == []


def test_short_dates_need_as_of():
    assert find_dates("11-20 11月20日") == []
    assert parse_date("11-20") is None
    assert [d for _, _, d in find_dates("2026-11-20 11-19")] == [NOV20]


def test_list_page_mixed():
    text = ("工作动态\n· 市政府召开常务会议 12-30\n· 全市安全生产工作会议召开 [2025-12-29]\n"
            "· 元旦假期值班安排 01-02\n· 关于春节放假的通知 2026年1月3日\n第1-20条 共3页")
    got = [d for _, _, d in find_dates(text, date(2026, 1, 5))]
    assert got == [date(2025, 12, 30), date(2025, 12, 29), date(2026, 1, 2), date(2026, 1, 3)]


# --- is_valid --------------------------------------------------------------------------

def test_is_valid():
    assert is_valid(MIN_DATE, AS_OF)
    assert is_valid(AS_OF, AS_OF)
    assert not is_valid(date(1994, 12, 31), AS_OF)
    assert not is_valid(date(2026, 12, 2), AS_OF)


# --- URLs ------------------------------------------------------------------------------

@pytest.mark.parametrize("url,expected,part", [
    ("http://www.qh.gov.cn/zwgk/202611/t20261120_123456.html", NOV20, "20261120"),
    ("http://www.qh.gov.cn/zwgk/202610/t20261120_1.shtml", NOV20, "20261120"),   # t wins
    ("https://x.gov.cn/art/2026/11/20/art_1234_5678.html", NOV20, "2026/11/20"),
    ("https://x.gov.cn/art/2026/1/5/art_1_2.html", date(2026, 1, 5), "2026/1/5"),
    ("https://x.gov.cn/news/2026-11-20/123.html", NOV20, "2026-11-20"),
    ("https://x.gov.cn/news/2026/1120/c123.html", NOV20, "2026/1120"),
    ("https://x.gov.cn/news/20261120/123.html", NOV20, "20261120"),
    ("https://x.gov.cn/news/notice_20261120.html", NOV20, "20261120"),
    ("https://x.gov.cn/news/20261120_88.html", NOV20, "20261120"),
    ("https://x.gov.cn/list.jsp?date=2026-11-20", NOV20, "2026-11-20"),
    ("https://x.gov.cn/list.jsp?id=3&pubDate=20261120", NOV20, "20261120"),
    ("/zwgk/202611/t20261120_9.html", NOV20, "20261120"),
])
def test_date_from_url(url, expected, part):
    found = date_from_url(url)
    assert found == FoundDate(expected, "url", part)


@pytest.mark.parametrize("url", [
    "http://www.qh.gov.cn/zwgk/202611/index.html",          # a month folder is not a date
    "http://www.qh.gov.cn/zwgk/202611/t20261340_1.html",
    "http://www.qh.gov.cn/zwgk/202611/",
    "https://x.gov.cn/art/2026/11/art_1234_5678.html",
    "https://x.gov.cn/news/2026/11/1.html",
    "https://x.gov.cn/news/content_123456789.html",
    "https://x.gov.cn/news/202611201/x.html",
    "https://x.gov.cn/list.jsp?id=20261120",
    "http://2026-11-20.example.cn/index.html",
    "", "not a url", "http://[::1/",
])
def test_date_from_url_none(url):
    assert date_from_url(url) is None


# --- meta ------------------------------------------------------------------------------

def test_meta_order_and_source():
    meta = {"date": "2026-01-01", "PubDate": "2026-11-20 09:30", "publishdate": "2026-11-19"}
    assert meta_date(meta) == FoundDate(NOV20, "meta:pubdate", "2026-11-20")
    assert meta_date({"maketime": "2026/11/20", "createdate": "2026-10-01"}) == \
        FoundDate(date(2026, 10, 1), "meta:createdate", "2026-10-01")
    assert meta_date({"article:published_time": "2026-11-20T09:30:00+08:00"}).source == \
        "meta:article:published_time"
    assert meta_date({"firstpublishedtime": "20261120093000"}).date == NOV20
    assert meta_date({"pubdate": "", "dc.date": "bad", "dcterms.created": "2026年11月20日"}) == \
        FoundDate(NOV20, "meta:dcterms.created", "2026年11月20日")
    assert meta_date({"keywords": "2026-11-20"}) is None
    assert meta_date({}) is None


# --- labels ----------------------------------------------------------------------------

@pytest.mark.parametrize("label", ["发布时间", "发布日期", "发文日期", "成文日期", "印发日期", "日期",
                                   "时间", "发表时间", "更新时间"])
@pytest.mark.parametrize("sep", ["：", ":", " ", "： ", ""])
def test_labels(label, sep):
    text = f"关于做好防汛工作的通知\n{label}{sep}2026-11-20 来源：市应急局"
    assert label_date(text, AS_OF) == FoundDate(NOV20, "label", "2026-11-20")


def test_label_info_source_time():
    text = "信息来源：市政府办公室  时间：2026年11月20日  浏览次数：12"
    assert label_date(text, AS_OF) == FoundDate(NOV20, "label", "2026年11月20日")


def test_label_bracketed_and_fullwidth():
    assert label_date("发布时间：【２０２６－１１－２０】", AS_OF).date == NOV20


def test_label_prefers_publication_over_written():
    text = "成文日期：2026-11-01\n发布日期：2026-11-20"
    assert label_date(text, AS_OF).date == NOV20
    text = "更新时间：2026-11-25 成文日期：2026-11-01 发布时间：2026-11-20"
    assert label_date(text, AS_OF).date == NOV20
    assert label_date("更新时间：2026-11-25 成文日期：2026-11-01", AS_OF).date == date(2026, 11, 1)


def test_label_skips_invalid_and_unlabelled():
    assert label_date("发布时间：2027-01-01 日期：2026-11-20", AS_OF).date == NOV20
    assert label_date("发布时间：1990-01-01", AS_OF) is None
    assert label_date("2026-11-20 市政府召开会议", AS_OF) is None
    assert label_date("截止日期：2026-11-20", AS_OF) is None    # a deadline, not a label
    assert label_date("办理时间：工作日9:00", AS_OF) is None
    assert label_date("", AS_OF) is None


def test_label_short_date_uses_as_of():
    assert label_date("发布时间：11-20", AS_OF).date == NOV20
    assert label_date("发布时间：11-20") is None


# --- page_date -------------------------------------------------------------------------

URL = "http://www.qh.gov.cn/zwgk/202611/t20261110_1.html"


def test_page_date_meta_first():
    found = page_date({"pubdate": "2026-11-18"}, "发布时间：2026-11-20", URL, AS_OF)
    assert found == FoundDate(date(2026, 11, 18), "meta:pubdate", "2026-11-18")


def test_page_date_label_second():
    found = page_date({}, "标题\n发布时间：2026-11-20", URL, AS_OF)
    assert found == FoundDate(NOV20, "label", "2026-11-20")


def test_page_date_url_last():
    assert page_date({}, "没有日期的正文", URL, AS_OF) == FoundDate(date(2026, 11, 10), "url", "20261110")
    assert page_date({}, "", "http://x.gov.cn/202611/index.html", AS_OF) is None


def test_page_date_skips_future_and_old():
    meta = {"pubdate": "2027-01-01", "publishdate": "1990-01-01", "date": "2026-11-19"}
    assert page_date(meta, "", URL, AS_OF).source == "meta:date"
    meta = {"pubdate": "2027-01-01"}
    assert page_date(meta, "发布时间：2026-12-25", URL, AS_OF).source == "url"
    assert page_date(meta, "发布时间：1994-12-31", "http://x.gov.cn/t20270101_1.html", AS_OF) is None
    assert page_date({"pubdate": "1995-01-01"}, "", "", AS_OF).date == MIN_DATE


def test_page_date_uppercase_meta_keys():
    assert page_date({"PubDate": "2026-11-20"}, "", "", AS_OF).source == "meta:pubdate"


# --- properties ------------------------------------------------------------------------

DATEY = st.sampled_from([
    "2026-11-20", "2026/1/5", "２０２６．１１．２０", "2026年11月20日", "二〇二六年十一月二十日", "11-20",
    "12月28日", "2026-02-30", "0954-2031120", "〔2026〕12号", "第2026-11号", "1.2.3", "[2026/11/20]",
    "发布时间：", "成文日期:", "-", "/", ".", "年", "月", "日", "号", "第", " ", "　", "十", "〇", "9",
    "０", "1", "2", "3", ":", "【", "】",
])
TEXT = st.lists(st.one_of(DATEY, st.text(max_size=6)), max_size=30).map("".join)
AS_OFS = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(TEXT, st.one_of(st.none(), AS_OFS))
def test_property_find_dates(text, as_of):
    found = find_dates(text, as_of)
    assert [(s, e) for s, e, _ in found] == sorted((s, e) for s, e, _ in found)
    for start, end, d in found:
        assert 0 <= start < end <= len(text)
        assert date(d.year, d.month, d.day) == d
        piece = text[start:end]
        assert piece in text
        assert parse_date(piece, as_of) == d
    # the anchor scan gives exactly what a plain finditer gives
    assert [m.span() for m in D._date_matches(text)] == [m.span() for m in D.DATE_RE.finditer(text)]
    parse_date(text, as_of)
    label_date(text, as_of)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80), st.one_of(st.none(), AS_OFS))
def test_property_arbitrary_text(text, as_of):
    find_dates(text, as_of)
    parse_date(text, as_of)
    date_from_url(text)
    label_date(text, as_of)
    if as_of is not None:
        page_date({"pubdate": text}, text, text, as_of)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["http://x.gov.cn", "/", "t", "_", "-", "?", "=", "&", "date",
                                 "2026", "11", "20", "1120", "20261120", "202611", "art", "9"]),
                max_size=12).map("".join))
def test_property_urls(url):
    found = date_from_url(url)
    if found is not None:
        assert found.source == "url" and found.text in url
