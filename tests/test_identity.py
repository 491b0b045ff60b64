"""checks.identity: the five homepage identity items (网站标识)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checks.identity import EVIDENCE_MAX, ITEMS, identity_items

TAG = re.compile(r"<[^>]+>")


def visible(html: str) -> str:
    """A rough visible text: comments, scripts and tags removed."""
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S | re.I)
    return " ".join(TAG.sub(" ", html).split())


def check(html: str, links: list[tuple[str, str, str]] | None = None) -> dict[str, str | None]:
    return identity_items(html, visible(html), links or [])


FULL = """<div class="footer">
<p><a href="/wzdt/">网站地图</a> | <a href="/hdjl/wzjc/index.html">我为政府网站找错</a></p>
<p>主办单位：宁夏某市人民政府办公室　网站标识码：6404000001</p>
<p><a href="https://beian.miit.gov.cn/">宁ICP备05001234号-1</a>
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=64040202000123">
<img src="/images/gaba.png" alt="">宁公网安备 64040202000123号</a></p>
<p><span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&id=1A2B3C">
<img src="https://dcs.conac.cn/image/red.png" alt="党政机关"></a></span></p>
</div>"""
FULL_LINKS = [
    ("/wzdt/", "网站地图", ""),
    ("/hdjl/wzjc/index.html", "我为政府网站找错", ""),
    ("https://beian.miit.gov.cn/", "宁ICP备05001234号-1", ""),
    ("http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=64040202000123",
     "宁公网安备 64040202000123号", ""),
    ("https://bszs.conac.cn/sitename?method=show&id=1A2B3C", "党政机关", "党政机关"),
]


def test_complete_footer():
    found = check(FULL, FULL_LINKS)
    assert set(found) == set(ITEMS)
    assert found == {
        "site_code": "网站标识码：6404000001",
        "icp": "宁ICP备05001234号-1",
        "police": "宁公网安备 64040202000123号",
        "party_mark": "https://bszs.conac.cn/sitename?method=show&id=1A2B3C",
        "find_error": "我为政府网站找错",
    }


def test_demo_footers():
    from demo.city_portal import FOOTER
    found = check(FOOTER, [("/hdjl/wzjc/index.html", "我为政府网站找错", "")])
    assert all(found.values()), found
    assert found["icp"] == "清ICP备05001234号-1"
    assert found["police"] == "清公网安备 99010202000101号"


def test_alternate_province_abbreviations():
    # Gansu sites write 陇, Guizhou 黔, Yunnan 滇, Sichuan 蜀, Shaanxi 秦.
    for mark in "陇黔滇蜀秦":
        html = f"<p>{mark}ICP备05001234号　{mark}公网安备 62302102000001号</p>"
        found = check(html)
        assert found["icp"] == f"{mark}ICP备05001234号" and found["police"] == f"{mark}公网安备 62302102000001号"


# --- each item missing in turn -----------------------------------------------------------

def test_site_code_missing():
    html = FULL.replace("网站标识码：6404000001", "")
    assert check(html, FULL_LINKS)["site_code"] is None


def test_icp_missing():
    html = FULL.replace("宁ICP备05001234号-1", "")
    links = [link for link in FULL_LINKS if "miit" not in link[0]]
    found = check(html, links)
    assert found["icp"] is None
    assert all(found[k] for k in ITEMS if k != "icp")


def test_police_missing():
    html = FULL.replace("宁公网安备 64040202000123号", "")
    links = [link for link in FULL_LINKS if "beian.gov.cn" not in link[0]]
    html = html.replace("www.beian.gov.cn", "example.cn")
    found = check(html, links)
    assert found["police"] is None
    assert all(found[k] for k in ITEMS if k != "police")


def test_party_mark_missing():
    html = re.sub(r'<span id="_ideConac">.*?</span>', "", FULL, flags=re.S)
    links = [link for link in FULL_LINKS if "conac" not in link[0]]
    found = check(html, links)
    assert found["party_mark"] is None
    assert all(found[k] for k in ITEMS if k != "party_mark")


def test_find_error_missing():
    html = FULL.replace('<a href="/hdjl/wzjc/index.html">我为政府网站找错</a>', "")
    links = [link for link in FULL_LINKS if "找错" not in link[1]]
    found = check(html, links)
    assert found["find_error"] is None
    assert all(found[k] for k in ITEMS if k != "find_error")


def test_nothing():
    assert check("<html><body><p>欢迎访问</p></body></html>") == dict.fromkeys(ITEMS)
    assert identity_items("", "", []) == dict.fromkeys(ITEMS)


# --- exactness ---------------------------------------------------------------------------

def test_comment_only_text_does_not_count():
    html = """<div class="footer"><!-- 网站标识码：6404000001 宁ICP备05001234号
    宁公网安备 64040202000123号 <a href="https://bszs.conac.cn/x"><img src="/dzjg.png"></a>
    <a href="https://zfwzzc.www.gov.cn/">我为政府网站找错</a>
    <meta name="SiteIDCode" content="6404000001">
    <script src="https://dcs.conac.cn/js/64/000/0000/1/CA640.js"></script> --><p>版权所有</p></div>"""
    assert check(html) == dict.fromkeys(ITEMS)


@pytest.mark.parametrize("footer", [
    "ICP备案号：", "ICP备案号： 公安机关备案号：", "宁ICP备", "宁ICP备号", "ICP备案号：待定",
    "京ICP备案号：",
])
def test_empty_icp_is_missing(footer):
    found = check(f"<p>{footer}</p>")
    assert found["icp"] is None
    assert found["police"] is None


@pytest.mark.parametrize("footer", ["网站标识码：", "网站标识码：640400", "网站标识码：640400000123",
                                    "网站标识码：待申请"])
def test_bad_site_code(footer):
    assert check(f"<p>{footer}</p>")["site_code"] is None


# --- accepted forms ----------------------------------------------------------------------

@pytest.mark.parametrize("footer,evidence", [
    ("网站标识码：6404000001", "网站标识码：6404000001"),
    ("网站标识码:6404000001", "网站标识码:6404000001"),
    ("网站标识码 bm64000001", "网站标识码 bm64000001"),
    ("网站标识码：６４０４０００００１", "网站标识码：６４０４０００００１"),
    ("网站标识码：6404000001京ICP备12345678号", "网站标识码：6404000001"),
])
def test_site_code_text(footer, evidence):
    assert check(f"<p>{footer}</p>")["site_code"] == evidence


def test_site_code_meta():
    html = '<head><meta content="6404000001" name="SiteIDCode"></head><body>首页</body>'
    assert check(html)["site_code"] == '<meta name="SiteIDCode" content="6404000001">'
    assert check('<meta name="siteidcode" content="">')["site_code"] is None
    assert check('<meta name="SiteName" content="6404000001">')["site_code"] is None


@pytest.mark.parametrize("footer,evidence", [
    ("宁ICP备05001234号", "宁ICP备05001234号"),
    ("京ICP备12345678号-1", "京ICP备12345678号-1"),
    ("备案号：粤ICP备 12345678号－2", "粤ICP备 12345678号－2"),
    ("清ICP备05001234号-1", "清ICP备05001234号-1"),
    ("ICP备案号：05001234号", "ICP备案号：05001234号"),
    ("ICP备案号：琼ICP备05001234号", "琼ICP备05001234号"),
    ("沪icp备05001234号", "沪icp备05001234号"),
])
def test_icp_forms(footer, evidence):
    assert check(f"<p>{footer}</p>")["icp"] == evidence


def test_icp_link_to_miit():
    links = [("https://beian.miit.gov.cn/#/Integrated/index", "ICP备案", "")]
    assert check("<p>备案</p>", links)["icp"] == "https://beian.miit.gov.cn/#/Integrated/index"
    assert check("<p>备案</p>", [("https://beian.miit.gov.cn/", "备案查询", "")])["icp"] is None


@pytest.mark.parametrize("footer,evidence", [
    ("宁公网安备 64040202000123号", "宁公网安备 64040202000123号"),
    ("京公网安备11010502030143号", "京公网安备11010502030143号"),
    ("公安机关备案号：64040202000123", "公安机关备案号：64040202000123"),
    ("公安备案号：宁公网安备64040202000123号", "宁公网安备64040202000123号"),
    ("公安机关备案号：宁公网安备", None),
])
def test_police_forms(footer, evidence):
    assert check(f"<p>{footer}</p>")["police"] == evidence


@pytest.mark.parametrize("href", ["http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=1",
                                  "https://beian.mps.gov.cn/#/query/webSearch?code=1"])
def test_police_links(href):
    assert check("<p>x</p>", [(href, "", "")])["police"] == href[:EVIDENCE_MAX]
    assert check("<p>x</p>", [("https://beian.miit.gov.cn/", "", "")])["police"] is None


@pytest.mark.parametrize("html,links,evidence", [
    ("<p></p>", [("http://bszs.conac.cn/sitename?method=show&id=X", "", "")],
     "http://bszs.conac.cn/sitename?method=show&id=X"),
    ("<p></p>", [("https://www.conac.cn/", "", "")], "https://www.conac.cn/"),
    ('<img src="/images/dzjg.png" alt="">', [], "/images/dzjg.png"),
    ('<img alt="党政机关网站标识" src="/a.png">', [], "党政机关网站标识"),
    ('<IMG SRC="//dcs.conac.cn/image/red.png">', [], "//dcs.conac.cn/image/red.png"),
    ('<span id="_ideConac"><script type="text/javascript" '
     'src="https://dcs.conac.cn/js/64/000/0000/60429971/CA640000000604299710001.js"></script></span>',
     [], "https://dcs.conac.cn/js/64/000/0000/60429971/CA640000000604299710001.js"),
    ("<p></p>", [("/about.html", "", "党政机关网站标识")], "党政机关网站标识"),
])
def test_party_mark_forms(html, links, evidence):
    assert check(html, links)["party_mark"] == evidence


def test_party_mark_not_in_text_only():
    assert check("<p>党政机关网站标识</p>")["party_mark"] is None
    assert check('<img src="/logo.png" alt="市政府">')["party_mark"] is None


@pytest.mark.parametrize("links,html,evidence", [
    ([("/jc/", "我为政府网站找错", "")], "", "我为政府网站找错"),
    ([("/jc/", "政府网站找错", "")], "", "政府网站找错"),
    ([("/jc/", "", "我为政府网站找错")], "", "我为政府网站找错"),
    ([("https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteCode.action?site=1", "", "")], "",
     "https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteCode.action?site=1"),
    ([("http://www.gov.cn/fuwu/zfwzzc/index.htm", "纠错", "")], "",
     "http://www.gov.cn/fuwu/zfwzzc/index.htm"),
    ([], '<script id="_jiucuo_" src="https://zfwzzc.www.gov.cn/plugin/js/jiucuo.js"></script>',
     "https://zfwzzc.www.gov.cn/plugin/js/jiucuo.js"),
])
def test_find_error_forms(links, html, evidence):
    assert identity_items(html, "", links)["find_error"] == evidence


def test_find_error_needs_a_link():
    assert check("<p>我为政府网站找错</p>")["find_error"] is None
    assert identity_items("", "", [("http://www.gov.cn/", "中国政府网", "")])["find_error"] is None


def test_evidence_is_short():
    href = "https://bszs.conac.cn/sitename?method=show&id=" + "A" * 200
    assert len(check("", [(href, "", "")])["party_mark"]) == EVIDENCE_MAX


def test_bad_links_tolerated():
    links = [("", "", ""), (None, None, None), ("x",), 5]   # type: ignore[list-item]
    assert identity_items("<p>", "宁ICP备05001234号", links)["icp"] == "宁ICP备05001234号"


# --- properties --------------------------------------------------------------------------

PIECES = st.sampled_from([
    "网站标识码", "：", "6404000001", "ICP备案号", "宁", "ICP备", "05001234", "号", "-1", "公网安备",
    "公安机关备案号", "<!--", "-->", "<img src='/dzjg.png'>", "<a href=", '"', "https://bszs.conac.cn/",
    "<script src=//dcs.conac.cn/js/1.js>", "<meta name=SiteIDCode content=6404000001>", " ", ">", "<",
])
MARKUP = st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=25).map("".join)
LINKS = st.lists(st.tuples(st.text(max_size=30), st.text(max_size=20), st.text(max_size=20)),
                 max_size=5)


@settings(max_examples=300, deadline=None)
@given(MARKUP, MARKUP, LINKS)
def test_property_never_raises(html, text, links):
    found = identity_items(html, text, links)
    assert set(found) == set(ITEMS)
    for value in found.values():
        assert value is None or (isinstance(value, str) and 0 < len(value) <= EVIDENCE_MAX)
