"""link.dark, link.hijacked and link.new_domain end to end: `xunjian inspect` of a government
fixture site on 127.0.0.1 beside attacker sites on other loopback hosts.

Hosts (all loopback; a host is trusted by name, so the outside ones are not 127.0.0.1):
127.0.0.2 gambling site (its go.html is a neutral landing page) · 127.0.0.3 parked domain
(域名出售) · 127.0.0.4 trusted host (config trusted_domains, stands for www.gov.cn) ·
127.0.0.6 old partner domain (share page, a 302 and a meta refresh to the casino) ·
127.0.0.7 a reporting platform outside *.gov.cn (nothing listens) · run 2 adds localhost and
127.9.0.2 (nothing listens) to every page.
Every technique page holds one 暗链 and a same-technique look-alike to the site's own page.
Run 1: render = "home"; run 2 (a week later): render = "all", for the static/rendered table.
"""

from __future__ import annotations

import base64
import sqlite3

import pytest

from demo.server import FixtureSite
from tests.conftest import findings_of, free_port, write_config, write_site, xunjian

pytestmark = pytest.mark.browser
OWN = "/zwgk/zcwj.html"

# name -> (head, markup with {u} target and {t} text, technique named in the detail, text)
STATIC = {
    "css-inline-none": ("", '<div style="display:none"><a href="{u}">{t}</a></div>', "display:none", "百家乐"),
    "css-hidden-attr": ("", '<p hidden><a href="{u}">{t}</a></p>', "hidden-attribute", "真人视讯"),
    "css-style-visibility": ("<style>.v{visibility:hidden}</style>", '<span class="v"><a href="{u}">{t}</a></span>',
                             "visibility:hidden", "老虎机"),
    "css-style-opacity": ("<style>.o{opacity:0}</style>", '<div class="o"><a href="{u}">{t}</a></div>',
                          "opacity:0", "清河论坛"),            # no lexicon word: hidden + external is enough
    "css-zero-size": ("", '<div style="width:0;height:0;overflow:hidden"><a href="{u}">{t}</a></div>',
                      "zero-size", "体育投注"),
    "css-font0": ("", '<span style="font-size:0"><a href="{u}">{t}</a></span>', "font-size:0", "娱乐城"),
    "css-file-offscreen": ("", '<div class="ft2026"><a href="{u}">{t}</a></div>', "off-screen", "威尼斯人"),
    "css-file-indent": ("", '<div class="ti"><a href="{u}">{t}</a></div>', "text-indent", "新葡京"),
    "css-clip": ("", '<div style="position:absolute;clip:rect(0 0 0 0)"><a href="{u}">{t}</a></div>',
                 "clip", "首充送"),
    "css-same-colour": ("", '<div style="background:#fff"><a style="color:#fff" href="{u}">{t}</a></div>',
                        "same-colour", "注册送"),
    "css-marquee": ("", '<marquee style="width:1px;height:1px"><a href="{u}">{t}</a></marquee>',
                    "marquee", "清河生活"),
    "noscript": ("", '<noscript><a href="{u}">{t}</a></noscript>', "noscript", "六合彩"),
    "comment": ("", '<!-- <a href="{u}">{t}</a> -->', "comment", "澳门葡京"),
    "comment-seo": ("", '<!--seo\n<div><a href="{u}">{t}</a></div>\n-->', "comment", "太阳城"),
    "comment-ie": ("", '<!--[if IE]><a href="{u}">{t}</a><![endif]-->', "comment", "金沙娱乐"),
}
SITE_CSS = """.nav .sub{display:none}.nav li:hover .sub{display:block}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0,0,0,0)}
#gotop{display:none;position:fixed;right:10px;bottom:10px}.gone{display:none}
.ft2026{position:absolute;left:-9999px;top:-9999px}.ti{text-indent:-9999px;overflow:hidden}
@media screen and (max-width:640px){.share{display:none}}
"""


def _pct(s: str) -> str:
    return "".join(f"%{ord(c):02X}" if ord(c) < 256 else f"%u{ord(c):04X}" for c in s)


def _hex(s: str) -> str:
    return "".join(f"\\x{ord(c):02x}" if ord(c) < 128 else f"\\u{ord(c):04x}" for c in s)


# name -> (JS expression producing the markup, encoding named in the detail)
ENCODINGS = {
    "plain": (lambda m: "'" + m + "'", ""),
    "unescape": (lambda m: f'unescape("{_pct(m)}")', "+unescape"),
    "hex": (lambda m: f'"{_hex(m)}"', "+hex-escape+unicode-escape"),
    "charcode": (lambda m: "String.fromCharCode(" + ",".join(str(ord(c)) for c in m) + ")", "+fromCharCode"),
    "atob": (lambda m: f'decodeURIComponent(escape(atob("{base64.b64encode(m.encode()).decode()}")))', "+atob"),
    "concat": (lambda m: " + ".join("'" + m[i:i + 5] + "'" for i in range(0, len(m), 5)), "+concat"),
}
# the site's own .js files use other sinks than the inline document.write
JS_SINK = {"plain": "innerHTML", "unescape": "write", "hex": "adjacent", "charcode": "innerHTML",
           "atob": "write", "concat": "adjacent"}
SINK_NAME = {"write": "document.write", "innerHTML": "innerHTML", "adjacent": "insertAdjacentHTML"}


def js_statement(kind: str, markup: str, sink: str = "write") -> str:
    expr = ENCODINGS[kind][0](markup)
    return {"write": f"document.write({expr});",
            "innerHTML": f'document.getElementById("ft").innerHTML += {expr};',
            "adjacent": f'document.body.insertAdjacentHTML("beforeend", {expr});'}[sink]


class World:
    """The servers and the URLs of everything planted."""

    def __init__(self, tmp):
        self.tmp, self.servers = tmp, []
        self.g = self._serve("gambling", "127.0.0.2", {
            "index.html": page_of("澳门葡京娱乐城-百家乐-真人视讯-注册送彩金", "<p>澳门葡京娱乐城：百家乐、"
                                  "真人视讯、老虎机、体育投注，首充送彩金，24小时在线投注。</p>"),
            "go.html": page_of("正在跳转", "<p>页面正在跳转，请稍候……</p>")})
        self.k = self._serve("parked", "127.0.0.3", {
            "index.html": page_of("qhny.com", "<p>该域名出售，有意者请联系域名持有人。</p>")})
        self.t = self._serve("trusted", "127.0.0.4", {"index.html": page_of("中国政府网", "<p>政务服务</p>")})
        self.p = self._serve("partner", "127.0.0.6", {
            "share.html": page_of("分享", "<p>分享到微博</p>"),
            "hd/index.html": page_of("邯郸文旅网", "<p>邯郸市文化旅游资讯。投稿邮箱：news@handan.com.cn</p>"),
            "qy/index.html": page_of("清河企业网", "<p>正在跳转……</p>",
                                     f'<meta http-equiv="refresh" content="0;url={self.g}?from=qy">')},
                             f'[[routes]]\npath = "/zs/"\nredirect = "{self.g}?from=zs"\n')
        self.report = f"http://127.0.0.7:{free_port()}/"      # stands for www.12377.cn (not *.gov.cn)
        self.root = tmp / "gov"
        self.site = FixtureSite(write_site(self.root, self.files(run=1))).start()
        self.servers.append(self.site)
        self.base = self.site.url
        self.new_hosts = [f"http://localhost:{free_port()}/", f"http://127.9.0.2:{free_port()}/"]

    def _serve(self, name, host, files, toml=None):
        server = FixtureSite(write_site(self.tmp / name, files, toml), host=host).start()
        self.servers.append(server)
        return server.url

    def dark(self, tag: str) -> str:
        return f"{self.g}go.html?t={tag}"

    def files(self, run: int) -> dict[str, str]:
        def page(title, main, head="", scripts=""):
            extra = "".join(f'<a href="{u}">清河生活网</a> ' for u in self.new_hosts) if run == 2 else ""
            return page_of(title, f"""<a class="sr-only" href="#main">跳到主要内容</a>
<a class="sr-only" href="/wza.html">无障碍浏览</a>
<div id="top"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a>
<ul class="sub"><li><a href="{OWN}">政策文件</a></li><li><a href="{self.t}">中国政府网</a></li></ul></li></ul></div>
<div id="main">{main}</div>
<div class="footer"><a href="{self.t}">中国政府网</a> <span class="share"><a href="{self.p}share.html?u=1">分享到微博</a></span>
{extra}<a id="gotop" href="#top">返回顶部</a><div id="ft"></div></div>
{scripts}<script src="/js/common.js"></script>""", head + '<link rel="stylesheet" href="/css/site.css">')

        files = {"css/site.css": SITE_CSS, "js/common.js": COMMON_JS.replace("{T}", self.t)}
        for name, (head, markup, _, text) in STATIC.items():
            body = markup.format(u=self.dark(name), t=text) + markup.format(u=OWN, t="政策文件")
            files[f"{name}.html"] = page(name, f"<p>正文。</p>{body}", head)
        for kind in ENCODINGS:
            hidden = '<div style="display:none"><a href="{u}">{t}</a></div>'
            inline = js_statement(kind, hidden.format(u=self.dark(f"js-{kind}"), t="皇冠体育"))
            inline += js_statement(kind, hidden.format(u=OWN, t="政策文件"))
            files[f"js/{kind}.js"] = js_statement(kind, f'<a href="{self.dark(f"file-{kind}")}">真人娱乐</a>',
                                                  JS_SINK[kind])
            files[f"js-{kind}.html"] = page(kind, "<p>正文。</p>",
                                            scripts=f'<script>{inline}</script><script src="/js/{kind}.js"></script>')
        files["visible-spam.html"] = page("visible", f'<p><a href="{self.dark("visible")}">真人娱乐 注册送彩金</a></p>'
                                          f'<p><a href="/news/daji.html">严厉打击网上赌博违法犯罪</a></p>')
        files["visible-own-spam.html"] = page("own", '<p><a href="/upload/2026/bc.html">更多精彩</a></p>')
        files["upload/2026/bc.html"] = page_of("百家乐娱乐城_真人视讯_老虎机", "<p>百家乐 真人视讯 首充送彩金</p>")
        files["partner-frame.html"] = page("frame", f'<iframe src="{self.k}" width="600" height="80"></iframe>')
        files["report-link.html"] = page("report", f'<p><a href="{self.report}">举报网上赌博、色情违法信息</a></p>')
        files["dup-hidden.html"] = page("dup", f'<div style="display:none"><a href="{self.g}?t=hidden">百家乐</a></div>')
        files["warning-tab.html"] = page("tab", '<div class="tab" style="display:none"><ul>'
                                         '<li><a href="/news/luoliao.html">警惕“裸聊”敲诈 守好钱袋子</a></li></ul></div>')
        for path, title in ((OWN, "政策文件"), ("wza.html", "无障碍浏览"), ("zwgk/index.html", "政务公开"),
                            ("news/daji.html", "严厉打击网上赌博违法犯罪"), ("news/1.html", "清河市召开安全生产工作会议"),
                            ("news/luoliao.html", "警惕“裸聊”敲诈 守好钱袋子")):
            files[path.lstrip("/")] = page(title, f"<h1>{title}</h1><p>市公安局提醒：网上赌博、裸聊敲诈都是陷阱。</p>")
        pages = [n for n in files if n.endswith(".html") and "/" not in n]
        nav = "".join(f'<li><a href="/{n}">{n}</a></li>' for n in sorted(pages))
        files["index.html"] = page("清河市人民政府", f"""
<div class="tabs"><div class="tab-body"><ul><li><a href="/news/1.html">清河市召开安全生产工作会议</a></li></ul></div>
<div class="tab-body" style="display:none"><ul><li><a href="/news/daji.html">严厉打击网上赌博违法犯罪</a></li></ul></div></div>
<ul class="pages">{nav}</ul>
<div class="links">友情链接：<a href="{self.g}">清河旅游网</a> <a href="{self.k.rstrip('/')}">清河农业信息网</a>
<a href="{self.p}zs/">清河招商网</a> <a href="{self.p}qy/">清河企业网</a> <a href="{self.p}hd/">邯郸文旅网</a>
<a href="{self.g}">清河旅游网（旧）</a> <a href="{self.t}">中国政府网</a></div>
<p id="r1"></p><p id="r2box"><a href="{self.dark('r2')}">清河论坛</a></p>""", scripts=f"""<script>
var a = document.createElement("a"); a.href = ["{self.dark('r1')}"][0]; a.textContent = "真人娱乐";
document.getElementById("r1").appendChild(a);
document.getElementById("r2box").className = "gone";</script>""")
        return files

    def stop(self):
        for server in self.servers:
            server.stop()


COMMON_JS = """// 通用脚本：页脚（自己的页面与政府网站）
document.write('<p><a href="/wza.html">无障碍浏览</a> <a href="{T}">国务院客户端</a> ' + new Date().getFullYear() + '</p>');
window.onscroll = function () { document.getElementById("gotop").style.display = "block"; };
"""


def page_of(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>{head}</head>'
            f"<body>{body}</body></html>")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dark")
    w = World(tmp)
    try:
        site = {"id": "gov", "name": "清河市人民政府", "url": w.base, "department": "清河市人民政府办公室",
                "download_delay": 0, "concurrency": 8, "trusted_domains": ["127.0.0.4"]}
        w.config, w.db = write_config(tmp / "sites.toml", [site]), tmp / "x.db"
        xunjian("inspect", "--config", str(w.config), "--db", str(w.db), "--as-of", "2026-11-20", "--quiet")
        w.run1 = findings_of(w.config, w.db)
        write_site(w.root, w.files(run=2))
        w.config2 = write_config(tmp / "sites2.toml", [dict(site, render="all")])
        xunjian("inspect", "--config", str(w.config2), "--db", str(w.db), "--as-of", "2026-11-27", "--quiet")
        w.run2 = findings_of(w.config2, w.db)
        yield w
    finally:
        w.stop()


def pairs(findings, check):
    return {(f["url"], f["target"]) for f in findings if f["check"] == check}


def expected_dark(w) -> dict[tuple[str, str], str]:
    """(page, target) -> what the detail must name (the technique, or why a visible link is 暗链)."""
    b = w.base
    out = {(f"{b}{name}.html", w.dark(name)): tech for name, (_, _, tech, _) in STATIC.items()}
    for kind, (_, token) in ENCODINGS.items():
        out[(f"{b}js-{kind}.html", w.dark(f"js-{kind}"))] = f"：document.write{token}（页面内脚本，祖先 div 设置 display:none）"
        out[(f"{b}js-{kind}.html", w.dark(f"file-{kind}"))] = f"：{SINK_NAME[JS_SINK[kind]]}{token}（脚本 {b}js/{kind}.js）"
    out[(f"{b}visible-spam.html", w.dark("visible"))] = "关键词“真人娱乐”"
    out[(f"{b}visible-own-spam.html", f"{b}upload/2026/bc.html")] = "目标页面为赌博"
    out[(f"{b}dup-hidden.html", f"{w.g}?t=hidden")] = "display:none"
    out[(b, w.dark("r1"))] = "scripted（浏览器确认，由脚本写入）"     # exists only after scripts run
    out[(b, w.dark("r2"))] = "checkVisibility（浏览器确认）"          # hidden by a class a script adds
    return out


def test_dark_links_exact(world):
    expected = expected_dark(world)
    assert pairs(world.run1, "link.dark") == set(expected)


@pytest.mark.parametrize("case", sorted(STATIC) + [f"js-{k}" for k in ENCODINGS] + [f"file-{k}" for k in ENCODINGS]
                         + ["visible", "own-spam", "r1", "r2"])
def test_dark_detail_names_technique(world, case):
    expected = expected_dark(world)
    target = {"own-spam": f"{world.base}upload/2026/bc.html"}.get(case, world.dark(case))
    (page, _), = [key for key in expected if key[1] == target]
    (f,) = [f for f in world.run1 if f["check"] == "link.dark" and f["target"] == target]
    assert f["url"] == page and f["detail"].startswith("暗链：")
    assert expected[(page, target)] in f["detail"], f["detail"]
    assert f["extra"]["confirmed_by_browser"] is (case in ("r1", "r2"))
    if case not in ("visible", "own-spam"):
        assert f["extra"]["technique"] and f["extra"]["hidden_by"] and f["extra"]["markup"]
        assert "外部域名" in f["detail"]


def test_look_alikes_are_not_dark(world):
    """Hidden menus, news tabs (严厉打击网上赌博违法犯罪), skip links, back-to-top, script-written
    footers, the same techniques pointing at the site's own page, the trusted host, the share link."""
    flagged = {target for _, target in pairs(world.run1, "link.dark") | pairs(world.run2, "link.dark")}
    for legit in (world.base + OWN.lstrip("/"), world.base + "news/daji.html", world.base + "wza.html",
                  world.t, world.p + "share.html?u=1", world.base + "news/1.html"):
        assert legit not in flagged


def test_hijacked_exact(world):
    """Direct, parked (linked without the trailing slash), via a 302, in a frame; once per (page, target)
    although the homepage links the casino twice."""
    b = world.base
    assert pairs(world.run1, "link.hijacked") == {
        (b, world.g), (b, world.k), (b, world.p + "zs/"), (b, world.p + "qy/"), (f"{b}partner-frame.html", world.k)}
    for check in ("link.hijacked", "link.dark"):
        assert len([f for f in world.run1 if f["check"] == check]) == len(pairs(world.run1, check))
    details = {f["target"]: f["detail"] for f in world.run1 if f["check"] == "link.hijacked" and f["url"] == b}
    assert "现为赌博内容" in details[world.g]
    assert "域名已被停放或出售（页面显示“该域名出售”）" in details[world.k]
    assert details[world.p + "zs/"].startswith(f"外部链接 跳转至 {world.g}?from=zs，现为赌博内容")


def test_no_new_domain_on_first_run(world):
    assert not pairs(world.run1, "link.new_domain")


def test_new_domain_second_run(world):
    found = {f["target"]: f for f in world.run2 if f["check"] == "link.new_domain"}
    assert "localhost" in found and set(found) <= {"localhost", "127.9.0.2"}   # run 1's hosts are not new
    assert found["localhost"]["extra"]["pages"] >= 30 and found["localhost"]["url"] == world.base
    assert "localhost" in found["localhost"]["detail"]


def test_rendering_every_page_adds_no_dark_link(world):
    assert pairs(world.run2, "link.dark") == pairs(world.run1, "link.dark")


# --- product bugs found while writing this file, fixed; these tests keep them fixed ----------------

def test_ip_host_named_whole(world):
    f = next(f for f in world.run1 if f["check"] == "link.dark" and f["target"] == world.dark("css-inline-none"))
    assert "外部域名 127.0.0.2" in f["detail"]


@pytest.mark.parametrize("host, domain", [("127.0.0.2", "127.0.0.2"), ("www.bet365.co.uk", "bet365.co.uk")])
def test_registrable(host, domain):
    from checks.darklinks import registrable
    assert registrable(host) == domain


def test_new_ip_domain_not_merged_with_old_one(world):
    assert "127.9.0.2" in {f["target"] for f in world.run2 if f["check"] == "link.new_domain"}


def test_visible_hijacked_partner_is_not_dark(world):
    assert (world.base, world.g) not in pairs(world.run1, "link.dark")


def test_hidden_spam_link_is_not_also_hijacked(world):
    assert (f"{world.base}dup-hidden.html", f"{world.g}?t=hidden") not in pairs(world.run1, "link.hijacked")


def test_hidden_tab_with_own_warning_article_is_not_dark(world):
    assert (f"{world.base}warning-tab.html", f"{world.base}news/luoliao.html") not in pairs(world.run1, "link.dark")


def test_visible_report_link_is_not_dark(world):
    assert (f"{world.base}report-link.html", world.report) not in pairs(world.run1, "link.dark")


def test_meta_refresh_partner_is_hijacked(world):
    assert (world.base, world.p + "qy/") in pairs(world.run1, "link.hijacked")


def test_partner_mentioning_dan_com_is_not_parked(world):
    assert (world.base, world.p + "hd/") not in pairs(world.run1, "link.hijacked")


# --- static versus rendered ---------------------------------------------------------------------

def coverage(world) -> dict[str, tuple[bool, str]]:
    """case -> (caught statically in run 1, how the browser saw it in run 2: its reason, "scripted"
    for a visible link written by script, "" when visible or absent)."""
    conn = sqlite3.connect(world.db)
    rendered = {(page, url): reason or "scripted" for page, url, reason in conn.execute(
        "select page, url, reason from rendered_links where run = 2 and (reason != '' or scripted = 1)")}
    conn.close()
    static = {(f["url"], f["target"]) for f in world.run1
              if f["check"] == "link.dark" and not f["extra"]["confirmed_by_browser"]}
    out = {}
    for (page, target) in expected_dark(world):
        case = target.rsplit("t=", 1)[-1] if "t=" in target else target.rsplit("/", 1)[-1]
        out[case] = ((page, target) in static, rendered.get((page, target), ""))
    return out


def test_static_and_rendered_coverage(world, capsys):
    table = coverage(world)
    with capsys.disabled():
        print("\ncase                   static rendered")
        for case, (s, r) in sorted(table.items()):
            print(f"{case:22} {'yes' if s else '-':6} {r or '-'}")
    not_in_dom = {"noscript", "comment", "comment-seo", "comment-ie"}
    for case, (s, r) in table.items():
        assert s or case in ("r1", "r2"), case
        assert bool(r) == (case not in not_in_dom | {"visible", "bc.html"}), case   # visible ones are not hidden
