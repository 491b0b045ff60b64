"""政务新媒体 from a public web page listing an account's posts (crawler/media/webpage.py).

A loopback fixture site serves listing pages in different shapes (a list, a table, cards
with <time>, a GBK page, a paginated list, relative dates, year-less dates, a Weibo-like
timeline, a list whose dates are only on the post pages) and the broken ones (empty, 404,
no dates, a login wall), with fresh, stale and typo-bearing posts.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tests.conftest import findings_of, write_site, xunjian
from xunjian.config import Account, ConfigError, load_config

AS_OF = "2026-11-20"
HEADER = ('<div class="top">今天是2026年11月20日 星期五 <a href="/login.html">登录</a> <a href="/wza.html">无障碍浏览</a></div>'
          '<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
          '<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul>')
FOOTER = ('<div class="footer"><a href="/map.html">网站地图</a> 主办：清河市人民政府办公室 '
          '<span>更新时间：2026-11-20</span></div>')


def page(body: str, charset: str = "utf-8", title: str = "政务新媒体") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
            f"<body>{HEADER}{body}{FOOTER}</body></html>")


def li_list(rows: list[tuple[str, str, str]], cls: str = "list") -> str:
    return f'<div class="{cls}"><ul>' + "".join(
        f'<li><a href="{href}">{title}</a><span class="date">{date}</span></li>' for href, title, date in rows) + "</ul></div>"


def article(title: str, text: str, extra: str = "", charset: str = "utf-8") -> str:
    return page(f'<div class="article"><h1>{title}</h1><div class="info">来源：清河发布</div>'
                f'<div class="content"><p>{text}</p>{extra}</div></div>', charset, title)


def cards(rows: list[tuple[str, str, str]]) -> str:
    """Toutiao-like cards: (href, title, relative date) with an author line."""
    return '<div class="feed">' + "".join(
        f'<div class="item"><a class="title" href="{href}">{title}</a>'
        f'<div class="bar"><a href="/author/1">清河发布</a> · 评论 3 · {when}</div></div>'
        for href, title, when in rows) + "</div>"


SITE = {
    "ok.html": "<html><body>ok</body></html>",
    "author/1": "<html><body>清河发布的主页</body></html>",
    # A plain list, fresh; its newest post's page has a typo and a broken link.
    "ul.html": page(li_list([("posts/u1.html", "市政府常务会议研究部署近期重点工作", "2026-11-18"),
                             ("posts/u2.html", "我市开展冬季安全生产大检查活动", "2026-11-09"),
                             ("posts/u3.html", "秋冬季疫病防控工作提示要点", "2026-10-20")])),
    "posts/u1.html": article("市政府常务会议研究部署近期重点工作", "会议强调，要坚持一以惯之抓落实。",
                             '<p>详见<a href="/ok.html">通知</a>，附件：<a href="/missing-u1.pdf">名单.pdf</a></p>'),
    "posts/u2.html": article("我市开展冬季安全生产大检查活动", "检查覆盖全市重点企业。"),
    # A table with two date columns (成文, 发布), stale: the last post is 15 days old.
    "table.html": page('<table class="xxgk"><tr><th>标题</th><th>成文日期</th><th>发布日期</th></tr>'
                       '<tr><td><a href="posts/t1.html">关于开展全市卫生大检查的通知</a></td>'
                       '<td>2026年11月03日</td><td>2026年11月05日</td></tr>'
                       '<tr><td><a href="posts/t2.html">关于组织申报年度项目的通知</a></td>'
                       '<td>2026年10月01日</td><td>2026年10月08日</td></tr></table>'),
    # Cards with <time datetime>; the post pages are missing, so the card's summary is the text.
    "cards.html": page('<div class="cards">' + "".join(
        f'<div class="card"><a href="{href}"><img src="/x.jpg" alt=""></a><h3><a href="{href}">{title}</a></h3>'
        f'<p>{summary}</p><time datetime="{when}">{when[5:10]}</time><a href="{href}">阅读全文</a></div>'
        for href, title, summary, when in [
            ("posts/c1.html", "冬季供暖工作有序推进", "全市各部门要再接再砺，确保群众温暖过冬。", "2026-11-19T10:00:00+08:00"),
            ("posts/c2.html", "政务服务一网通办新增事项", "新增事项二十项。", "2026-11-02T09:00:00+08:00")]) + "</div>"),
    # A GBK page and a GBK post page with a typo.
    "gbk.html": page(li_list([("posts/g1.html", "清河市优化营商环境十条措施解读", "2026/11/17"),
                              ("posts/g2.html", "我市召开重点项目推进会议", "2026/11/01")]), "gb2312").encode("gbk"),
    "posts/g1.html": article("清河市优化营商环境十条措施解读", "改革不能一促而就，要久久为功。", charset="gbk").encode("gbk"),
    # A paginated list: page 1 stays inside the 14 days, page 2 reaches past them, page 3 is never read.
    "pg/index.html": page(li_list([("a1.html", "分页列表第一页的第一条信息", "2026-11-19"),
                                   ("a2.html", "分页列表第一页的第二条信息", "2026-11-12")])
                          + '<div class="pager"><a href="index.html">首页</a> <a href="index_1.html">下一页</a></div>'),
    "pg/index_1.html": page(li_list([("a3.html", "分页列表第二页的第一条信息", "2026-11-08"),
                                     ("a4.html", "分页列表第二页的第二条信息", "2026-10-28")])
                            + '<div class="pager"><a href="index.html">上一页</a> <a href="index_2.html">下一页</a></div>'),
    "pg/index_2.html": page(li_list([("a5.html", "坚持一以惯之的第三页信息", "2026-10-01")])),
    # Relative dates (Toutiao-like), fresh and stale.
    "rel.html": page(cards([("/a/r1", "关于秋冬季疫病防控工作的提示", "3天前"),
                            ("/a/r2", "清河市优化营商环境十条措施", "昨天 10:30"),
                            ("/a/r3", "我市开展安全生产大检查行动", "今天")])),
    "rel-old.html": page(cards([("/a/o1", "关于做好国庆假期值班工作的通知", "20天前"),
                                ("/a/o2", "我市召开第三季度经济形势分析会", "1个月前")])),
    # Year-less dates: 11-25 is after the as-of date, so last year's; the post pages give the others' year.
    "yearless.html": page(li_list([("posts/y1.html", "去年的第一条年度工作总结信息", "11-25"),
                                   ("posts/y2.html", "去年的第二条年度工作总结信息", "11-02"),
                                   ("posts/y3.html", "去年的第三条年度工作总结信息", "10-10")])),
    "posts/y2.html": article("去年的第二条年度工作总结信息", "发布时间：2025-11-02 年度总结。"),
    "posts/y3.html": article("去年的第三条年度工作总结信息", "发布日期：2025年10月10日 年度总结。"),
    # A Weibo-like timeline: the permalink is the date; a mention reveals an unregistered account.
    "weibo.html": page('<div class="wb">' + "".join(
        f'<div class="post"><p>{text}</p><div class="from"><a href="/status/{n}">{when}</a> 来自 微博网页版</div></div>'
        for n, text, when in [
            (1, '今天下午召开全市安全生产会议，转发 <a href="https://weibo.com/u/7712345678">@清河某某街道</a>', "11-19 15:30"),
            (2, "清河市第一季度经济运行情况发布", "11-02 09:00")]) + "</div>"),
    # A list without dates whose post pages carry 发布时间 (same site): fresh.
    "undated-ok.html": page('<ul class="titles">' + "".join(
        f'<li><a href="posts/d{n}.html">{title}</a></li>' for n, title in
        [(1, "清河市二〇二六年冬季征兵工作通告"), (2, "关于公布第二批政务服务事项的通知"),
         (3, "清河市人民政府关于调整公交线路的公告")]) + "</ul>"),
    "posts/d1.html": article("清河市二〇二六年冬季征兵工作通告", "发布时间：2026-11-16 征兵工作正式开始。"),
    "posts/d2.html": article("关于公布第二批政务服务事项的通知", "发布时间：2026-10-30 事项见附件。"),
    # Broken sources.
    "empty.html": page('<div class="list">暂无信息</div>'),
    "nodates.html": page('<ul class="titles">' + "".join(
        f'<li><a href="posts/n{n}.html">{title}</a></li>' for n, title in
        [(1, "这是第一篇没有日期的信息标题"), (2, "这是第二篇没有日期的信息标题"), (3, "这是第三篇没有日期的信息标题")]) + "</ul>"),
    "posts/n1.html": article("这是第一篇没有日期的信息标题", "正文没有日期。"),
    "login.html": page('<form action="/login"><input name="user"><input type="password" name="pw">'
                       '<button>登录</button></form>', title="用户登录"),
    # An HTML listing served as JSON: readable only with source_type = "page".
    "list.json": page(li_list([("posts/j1.html", "以网页形式提供的信息列表条目", "2026-11-15"),
                               ("posts/j2.html", "以网页形式提供的第二条列表条目", "2026-11-03")])),
}
FRESH = {"ul", "cards", "gbk", "pg", "rel", "weibo", "undated-ok", "json-page"}
STALE = {"table", "rel-old", "yearless"}
UNREADABLE = {"empty", "missing", "nodates", "login"}


def account(account_id: str, source: str, **extra) -> str:
    fields = {"id": account_id, "name": f"清河{account_id}", "platform": "wechat", "department": "市委宣传部",
              "source": source, **extra}
    return "[[accounts]]\n" + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items())


@pytest.fixture
def city(tmp_path, serve):
    site = serve(write_site(tmp_path / "web", SITE))
    base = site.url.rstrip("/")
    sources = {name: f"{base}/{name}.html" for name in FRESH | STALE | UNREADABLE}
    sources.update({"pg": f"{base}/pg/index.html", "missing": f"{base}/no-such-list.html"})
    blocks = [account(name, sources[name]) for name in sorted(FRESH | STALE | UNREADABLE) if name != "json-page"]
    blocks.append(account("json-page", f"{base}/list.json", source_type="page", max_posts=5))
    config = tmp_path / "sites.toml"
    config.write_text(f'[[sites]]\nid = "portal"\nname = "清河市人民政府"\nurl = "{base}/"\ndepartment = "市政府办公室"\n\n'
                      + "\n".join(blocks), encoding="utf-8")
    return config, tmp_path / "x.db", base


def test_webpage_accounts(city):
    config, db, base = city
    xunjian("media", "poll", "--config", str(config), "--db", str(db), "--as-of", AS_OF, "--quiet")
    found = findings_of(config, db)
    by_check: dict[str, set] = {}
    for f in found:
        by_check.setdefault(f["check"], set()).add(f["account"])
    assert by_check.get("media.stale", set()) == STALE          # every stale account, no fresh one
    assert by_check.get("media.unreadable", set()) == UNREADABLE
    details = {f["account"]: f["detail"] for f in found if f["check"] == "media.unreadable"}
    assert "404" in details["missing"] and "登录" in details["login"] and "暂无信息" in details["empty"]
    assert "没有可识别的发布日期" in details["nodates"]
    stale = {f["account"]: f for f in found if f["check"] == "media.stale"}
    assert "2026-11-05" in stale["table"]["detail"] and stale["table"]["url"] == f"{base}/table.html"
    assert "2025-11-25" in stale["yearless"]["detail"] and "2026-10-31" in stale["rel-old"]["detail"]

    typos = {(f["account"], f["url"], f["evidence"], f["suggestion"]) for f in found if f["check"] == "media.typo"}
    assert typos == {("ul", f"{base}/posts/u1.html", "一以惯之", "一以贯之"),
                     ("cards", f"{base}/posts/c1.html", "再接再砺", "再接再厉"),
                     ("gbk", f"{base}/posts/g1.html", "一促而就", "一蹴而就")}    # page 3 of pg is never read
    broken = [(f["account"], f["url"], f["target"], f["evidence"]) for f in found if f["check"] == "media.link_broken"]
    assert broken == [("ul", f"{base}/posts/u1.html", f"{base}/missing-u1.pdf", "名单.pdf")]
    unregistered = [(f["account"], f["evidence"]) for f in found if f["check"] == "media.unregistered"]
    assert unregistered == [("weibo", "7712345678")]

    rows = {r["id"]: r for r in json.loads(xunjian("media", "list", "--config", str(config), "--db", str(db),
                                                   "--format", "json").stdout)}
    assert {name: rows[name]["last_post"] for name in ("ul", "cards", "gbk", "pg", "rel", "weibo", "undated-ok",
                                                       "json-page")} == {
        "ul": "2026-11-18", "cards": "2026-11-19", "gbk": "2026-11-17", "pg": "2026-11-19", "rel": "2026-11-20",
        "weibo": "2026-11-19", "undated-ok": "2026-11-16", "json-page": "2026-11-15"}
    assert rows["pg"]["posts"] == 4 and rows["ul"]["posts"] == 3 and rows["undated-ok"]["posts"] == 3


def test_listing_shapes_without_network():
    from zoneinfo import ZoneInfo

    from crawler.media.listing import parse_listing

    tz, as_of = ZoneInfo("Asia/Shanghai"), dt.date(2026, 11, 20)
    # A list split over two <ul>, year-less dates that wrap into last year once the order is clear.
    rows = [("a.html", "第一篇信息的标题在这里", "11-18"), ("b.html", "第二篇信息的标题在这里", "11-10"),
            ("c.html", "第三篇信息的标题在这里", "05-01"), ("d.html", "第四篇信息的标题在这里", "11-15")]
    listing = parse_listing(page(li_list(rows[:2]) + li_list(rows[2:])), "http://127.0.0.1:9/l/", as_of, tz)
    assert [(i.url.rsplit("/", 1)[1], i.published.date().isoformat()) for i in listing.items] == [
        ("a.html", "2026-11-18"), ("b.html", "2026-11-10"), ("c.html", "2026-05-01"), ("d.html", "2025-11-15")]
    # A pinned old post at the top does not push the fresh ones back a year.
    pinned = [("p.html", "置顶：年度重点工作安排", "03-01")] + rows[:2]
    listing = parse_listing(page(li_list(pinned)), "http://127.0.0.1:9/l/", as_of, tz)
    assert [i.published.date().isoformat() for i in listing.items] == ["2026-03-01", "2026-11-18", "2026-11-10"]
    # The header's "今天是…" and the footer's 更新时间 are no posts.
    assert parse_listing(page("<p>欢迎访问</p>"), "http://127.0.0.1:9/", as_of, tz).items == []
    # Links inside a dated title are kept apart from the date; the next page is found.
    listing = parse_listing(page('<ul class="l"><li><a href="x.html">关于2026年11月1日起调整公交线路的通知 2026-10-25</a></li>'
                                 '<li><a href="y.html">第二条通知的标题文字 2026-10-20</a></li></ul>'
                                 '<a href="list_2.html">下一页&gt;</a>'), "http://127.0.0.1:9/l/", as_of, tz)
    assert [i.published.date().isoformat() for i in listing.items] == ["2026-10-25", "2026-10-20"]
    assert listing.items[0].title == "关于2026年11月1日起调整公交线路的通知"
    assert listing.next_url == "http://127.0.0.1:9/l/list_2.html"


def test_sniff_and_timeout(tmp_path, serve):
    from crawler.media import collect, webpage

    assert webpage.sniff("x", "", b"\xef\xbb\xbf<!DOCTYPE html><html><body></body></html>")
    assert webpage.sniff("x", "application/xml", b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">')
    assert not webpage.sniff("x", "text/html", b'<?xml version="1.0"?><rss version="2.0"><channel>')
    assert not webpage.sniff("x", "", b"\x00\x01 not a page")
    rss = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item><title>订阅源信息</title>'
           '<pubDate>Thu, 19 Nov 2026 09:00:00 +0800</pubDate><link>http://127.0.0.1:1/p</link></item></channel></rss>')
    files = {name: SITE[name] for name in ("ul.html", "posts/u1.html", "posts/u2.html")}
    root = write_site(tmp_path / "slow", {**files, "feed.html": rss},
                      site_toml='[[routes]]\npath = "/slow.html"\nbody = "<html></html>"\ndelay = 2.0\n')
    base = serve(root).url.rstrip("/")
    posts, error = collect(Account("s", "n", "wechat", "d", source=f"{base}/slow.html"), timeout=0.5,
                           as_of=dt.date(2026, 11, 20))
    assert posts == [] and error == "请求超时"
    posts, error = collect(Account("u", "n", "wechat", "d", source=f"{base}/ul.html", max_posts=1),
                           timeout=5, as_of=dt.date(2026, 11, 20))
    assert error is None and [p.published.date().isoformat() for p in posts] == ["2026-11-18", "2026-11-09", "2026-10-20"]
    assert "一以惯之" in posts[0].text and "重点企业" not in posts[1].text     # max_posts = 1: one post page read
    assert posts[0].links == [{"url": f"{base}/ok.html", "text": "通知"}, {"url": f"{base}/missing-u1.pdf", "text": "名单.pdf"}]
    assert all(p.url.startswith(base + "/posts/") for p in posts)
    # A feed served as text/html is still a feed, whether judged from its content or configured.
    for source_type in ("auto", "feed"):
        posts, error = collect(Account("f", "n", "weibo", "d", source=f"{base}/feed.html", source_type=source_type),
                               as_of=dt.date(2026, 11, 20))
        assert error is None and [p.title for p in posts] == ["订阅源信息"]


@pytest.mark.parametrize("lines, key", [
    ('source = "http://127.0.0.1:1/x.html"\nsource_type = "web"', "source_type"),
    ('source = "posts.csv"\nsource_type = "page"', "source_type"),
    ('source = "http://127.0.0.1:1/x.html"\nmax_posts = 0', "max_posts"),
])
def test_page_source_config_errors(tmp_path, lines, key):
    config = tmp_path / "sites.toml"
    config.write_text('[[sites]]\nid = "p"\nname = "p"\nurl = "http://127.0.0.1:1/"\ndepartment = "d"\n\n'
                      '[[accounts]]\nid = "a"\nname = "n"\nplatform = "wechat"\ndepartment = "d"\n' + lines + "\n",
                      encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.key == f"accounts[1].{key}" and caught.value.line in (12, 13)
    assert str(config) in str(caught.value)
