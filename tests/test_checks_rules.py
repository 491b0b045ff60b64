"""The pure rules behind link.fake, soft 404 and layout.garbled, case by case."""

import pytest

from checks.garbled import garbled_spans
from checks.links import fake_reason
from checks.soft404 import soft_404_reason, text_digest
from crawler.scope import canonical_url, classify


@pytest.mark.parametrize("raw, text, onclick, markup", [
    ("#", "更多", "", '<a href="#">'),
    ("", "政策解读", "", '<a href="">'),
    ("javascript:void(0)", "政务公开", "", '<a href="javascript:void(0)">'),
    ("javascript:void(0);", "通知公告", "", '<a href="javascript:void(0);">'),
    ("javascript:;", "关于开展安全生产检查的通知", "", '<a href="javascript:;">'),
    ("JavaScript: void 0", "机构设置", "", "<a>"),
    ("#", "更多", "return false;", '<a href="#" onclick="return false;">'),
])
def test_fake_links(raw, text, onclick, markup):
    assert fake_reason(raw, text, onclick, markup)


@pytest.mark.parametrize("raw, text, onclick, markup", [
    ("javascript:window.print()", "打印本页", "", ""),          # a page tool, not void
    ("javascript:void(0)", "打印本页", "", ""),                 # page tool by its text
    ("javascript:;", "【关闭】", "", ""),
    ("#", "返回顶部", "", ""),
    ("javascript:void(0)", "", "window.open('/x.html')", ""),  # a script does the navigation
    ("#", "第二栏", "", '<a href="#" role="tab">'),              # a tab control
    ("#", "1", "", ""),                                        # carousel dot
    ("javascript:void(0)", "[大]", "", ""),                   # font-size switch
    ("javascript:history.back()", "返回", "", ""),
    ("list.html", "通知公告", "", ""),
    ("#section2", "第二章", "", ""),
])
def test_not_fake(raw, text, onclick, markup):
    assert fake_reason(raw, text, onclick, markup) is None


def test_soft_404_by_title_body_and_probe():
    assert soft_404_reason("页面不存在", "", None)
    assert soft_404_reason("404 Not Found", "", None)
    assert soft_404_reason("清河市人民政府", "对不起，您访问的页面不存在或已被删除。返回首页", None)
    probe = {"probe_status": 200, "probe_title": "清河市教育局", "probe_hash": text_digest("提示 首页")}
    assert soft_404_reason("清河市教育局", "提示 首页", probe)
    # A real article that mentions 404 or deleted pages in a long text is not a soft 404.
    article = "关于开展网站普查的通知。" + "各单位要及时处理页面不存在等问题。" * 60
    assert soft_404_reason("关于开展网站普查的通知", article, None) is None
    assert soft_404_reason("清河市教育局", "正常的首页内容" * 10, probe) is None


GARBLED = [
    "本站信息锟斤拷锟斤拷发布",
    "会议纪要烫烫烫烫烫烫",
    "附件下载\ufffd\ufffd说明",
    "前文" + "正常的中文句子，政府信息公开工作年度报告".encode("utf-8").decode("gbk", errors="ignore") + "后文",
    "标题：" + "政府信息公开工作要点".encode("utf-8").decode("latin-1"),
    # cp1252 mojibake saved again through a legacy code page: its undefined bytes became "?".
    "正文：" + "全县荔枝产量达到十四万六千吨".encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", "?"),
    # ... holding a no-break space (0xA0, a continuation byte), which page text collapses to " ".
    "正文：" + " ".join("怀山药地理标志产品保护".encode("utf-8").decode("cp1252", errors="replace")
                       .replace("\ufffd", "?").split("\xa0")) + "。",
    # ... four characters of it, one of which lost a byte (香?产业).
    "通知：" + "香菇产业".encode("utf-8").decode("cp1252", errors="replace").replace("\ufffd", "?") + "。",
    # GBK mojibake saved again: the bytes GBK could not pair became "?", so no clean stretch is left.
    "通知。" + "沿边公路建设项目征地公示".encode("utf-8").decode("gbk", errors="replace").replace("\ufffd", "?") + "。",
    # … and with real text running on into it, no punctuation between.
    "通知" + "沿边公路建设项目征地公示".encode("utf-8").decode("gbk", errors="replace").replace("\ufffd", "?")
    + "县自然资源局将于近日对沿边公路建设项目涉及的集体土地开展征地前期调查工作",
    # ... with a byte of most characters lost (one in eight read whole).
    "通知：" + "国家通用语言文字培训班开班".encode("utf-8").decode("gbk", errors="replace").replace("\ufffd", "?"),
    # GBK mojibake holding an ideographic space (衡 is E8 A1 A1), as page text keeps it: collapsed to " ".
    " ".join("草畜平衡责任书签订情况".encode("utf-8").decode("gbk", errors="replace").replace("\ufffd", "?").split()),
    # ... and lossy, from a vertical form (︾) on, with a character's bytes cut where the stretch begins.
    "草畜平衡责任书签订情况".encode("utf-8").decode("gbk", errors="replace").replace("\ufffd", "?").split("\u3000")[1],
]
CLEAN = [
    "清河市人民政府关于印发二〇二六年政府信息公开工作要点的通知",
    "吴喆、王堃同志出席会议并讲话（第３号）——附件：名单。",
    "气温 25℃，㈠ 总体情况；①②③ 《中华人民共和国政府信息公开条例》“引号”",
    "Café résumé naïve Größe ÀÉÎ",
    "Très bien? Ça va? Hôtel élégant? äää? åå? çà et là?",
    "各县（区）人民政府，市政府各部门、各直属机构：现将《清河市优化营商环境若干措施》印发给你们，请认真贯彻执行。",
    "什么是“两个确立”?为什么要坚持?您好?请问这项政策什么时候开始实施?是否已经完成?",
]


@pytest.mark.parametrize("text", GARBLED)
def test_garbled_found(text):
    assert list(garbled_spans(text))


@pytest.mark.parametrize("text", CLEAN)
def test_no_garbled_false_alarm(text):
    assert list(garbled_spans(text)) == []


def test_mojibake_suggestion_is_the_meant_text():
    bad = "政府信息公开工作要点".encode("utf-8").decode("gbk", errors="ignore")
    (_, span, meant), = list(garbled_spans("前文" + bad))
    assert "政府信息" in meant and span in bad


def test_canonical_url_and_classify():
    assert canonical_url("http://a.gov.cn/x/index.html") == canonical_url("http://a.gov.cn/x/")
    assert canonical_url("http://A.gov.cn:80/") == "http://a.gov.cn/"
    sites = {"127.0.0.1:8000": "s"}
    assert classify("http://127.0.0.1:8000/a.html", "a", "href", "s", sites) == ("page", "s")
    assert classify("http://127.0.0.1:8000/f.pdf", "a", "href", "s", sites) == ("resource", "s")
    assert classify("http://127.0.0.1:8000/a.html", "img", "src", "s", sites) == ("resource", "s")
    assert classify("http://127.0.0.1:9000/a.html", "a", "href", "s", sites) == ("external", "s")
    assert classify("mailto:a@b.cn", "a", "href", "s", sites) == (None, "s")
