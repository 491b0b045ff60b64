"""qh-county: 清河县人民政府, a Hanweb-style CMS site encoded in GBK.

Every page is GBK bytes declaring only ``<meta charset="gb2312">`` (no HTTP
charset) and some names use GBK-only characters (喆, 堃): a correct decoder
must treat gb2312 as GBK and must not report these pages as garbled.

信息更新 defects: the site stopped updating STOPPED days before AS_OF, so its homepage
(update.home_stale) and its three 14-day news columns (update.column_stale) are stale
while the 6-month and 1-year columns are still in time; the footer lacks the
公安机关备案号 and the old template carries no page metadata at all (meta.missing).
暗链 (demo.city_dark): a 1-pixel <marquee> on the homepage, white link text in an article and
a font-size:0 link on 县情概况, beside a legitimate hidden tab.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from demo import city_dark
from demo.citykit import (CHECK_BROKEN, CHECK_COLUMN_STALE, CHECK_FAKE, CHECK_HOME_STALE,
                          CHECK_IDENTITY, CHECK_META, SiteWriter, TextGen, Truth, attachment_bytes,
                          esc, fmt_date, is_new, is_stale, make_png, paras_html, spread_dates,
                          window_start)

SITE = "qh-county"
SITE_NAME = "清河县人民政府"
COUNTY = "清河县"
TOWNS = ["柳渡镇", "石埠镇", "兰汀街道", "桐坪乡", "青禾镇", "白沙岭乡"]
LEADERS = [("李喆", "县长", "主持县政府全面工作。"),
           ("陈堃", "副县长", "负责发展改革、财政、税务等方面工作。"),
           ("王海涛", "副县长", "负责教育、卫生健康、民政等方面工作。"),
           ("张丽娟", "副县长", "负责农业农村、水利、林业等方面工作。")]


@dataclass
class Col:
    colid: int
    name: str
    count: int = 0
    mean_gap: float = 0.0
    first_gap: int = 0
    attach_exts: tuple[str, ...] = ()
    window: str = "14d"
    articles: list["Art"] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"/col/col{self.colid}/index.html"


@dataclass
class Art:
    col: Col
    title: str
    when: datetime
    source: str
    body: list[str]
    artid: int = 0
    written: bool = True
    image: str | None = None
    attachments: list[tuple[str, str]] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)
    empty_href: bool = False
    injected: str = ""          # raw HTML an intruder added after the article text (暗链)

    @property
    def link(self) -> str:
        title = esc(self.title)
        return f'<a href="{self.path}" target="_blank" title="{title}">{title}</a>'

    @property
    def path(self) -> str:
        w = self.when
        return f"/art/{w.year}/{w.month}/{w.day}/art_{self.col.colid}_{self.artid}.html"


# The county site stopped updating about four weeks before AS_OF (its newest item is
# STOPPED days old): the homepage and the three 14-day news columns are stale, while the
# 6-month and 1-year columns are still within their windows.
STOPPED = 26
NEWS = Col(1229381, "县政要闻", 35, 2.0, STOPPED)
DEPT = Col(1229382, "部门动态", 20, 4.0, STOPPED + 1)
TOWN = Col(1229383, "乡镇动态", 20, 4.0, STOPPED + 2)
NOTICE = Col(1229384, "通知公告", 15, 7.0, STOPPED + 1, (".doc", ".xls"), window="6m")
POLICY = Col(1229385, "政策文件", 12, 20.0, STOPPED + 6, (".pdf", ".xls"), window="6m")
PERSONNEL = Col(1229386, "人事任免", 8, 30.0, STOPPED + 8, (".xls",), window="12m")
PROFILE, LEADER, OPEN_INFO, SITEMAP, CONTACT, FIND_ERROR = (
    Col(1229390, "县情概况"), Col(1229391, "领导之窗"), Col(1229392, "信息公开"),
    Col(1229393, "网站地图"), Col(1229394, "联系我们"), Col(1229395, "我为政府网站找错"))
NAV = [("/", "首页"), (OPEN_INFO.path, "信息公开"), (NEWS.path, "县政要闻"),
       (NOTICE.path, "通知公告"), (PROFILE.path, "县情概况"), (LEADER.path, "领导之窗")]


def _title(rng: random.Random, tg: TextGen, col: Col) -> str:
    topic, dept, name, town = tg.topic(), tg.dept(), tg.name(), rng.choice(TOWNS)
    options = {
        NEWS.colid: [f"县长李喆调研{topic}工作", f"副县长陈堃主持召开{topic}工作会议",
                     f"{COUNTY}召开{topic}工作部署会", f"{COUNTY}{topic}工作综述",
                     f"县政府常务会议研究{topic}等工作"],
        DEPT.colid: [f"{dept}扎实推进{topic}工作", f"{dept}召开{topic}专题会议",
                     f"{dept}开展{topic}宣传活动"],
        TOWN.colid: [f"{town}全力做好{topic}工作", f"{town}召开{topic}推进会",
                     f"{town}多措并举抓好{topic}"],
        NOTICE.colid: [f"关于开展{topic}工作的通知", f"{dept}关于{topic}的公告",
                       f"关于{topic}项目的公示"],
        POLICY.colid: [f"{COUNTY}人民政府关于印发《{COUNTY}{topic}工作方案》的通知",
                       f"{COUNTY}人民政府办公室关于加强{topic}工作的意见"],
        PERSONNEL.colid: [f"{COUNTY}人民政府关于{name}等同志任免职务的通知",
                          f"关于{name}同志拟任职务的公示"],
    }
    return rng.choice(options[col.colid])


def _articles(rng: random.Random, tg: TextGen) -> list[Col]:
    cols = [NEWS, DEPT, TOWN, NOTICE, POLICY, PERSONNEL]
    everything = []
    for col in cols:
        col.articles = []
        seen: set[str] = set()
        for when in spread_dates(rng, col.count, col.mean_gap, col.first_gap):
            title = _title(rng, tg, col)
            for _ in range(40):
                if title not in seen:
                    break
                title = _title(rng, tg, col)
            seen.add(title)
            topic = tg.last_topic
            art = Art(col, title, when, tg.dept(), tg.paragraphs(topic))
            for leader in ("县长李喆", "副县长陈堃"):
                if leader in title:
                    art.body[0] = f"近日，{leader}带队深入一线督导工作。" + art.body[0]
            col.articles.append(art)
            everything.append(art)
    for artid, art in enumerate(sorted(everything, key=lambda a: (a.when, a.col.colid)),
                                start=5868101):
        art.artid = artid
        if art.col is NEWS and rng.random() < 0.4:
            art.image = f"/picture/0/{art.when:%y%m%d%H%M}{artid}.png"
        if art.col.attach_exts and rng.random() < 0.6:
            ext = rng.choice(art.col.attach_exts)
            art.attachments.append((f"/attach/0/{artid:x}a{ext}", f"{art.title[:12]}附件{ext}"))
    return cols


def render(title: str, body: str) -> str:
    """A page of the old Hanweb template: no 发展指引 metadata at all, and a footer
    without the 公安机关备案号 (the record lapsed when the site moved servers)."""
    nav = "".join(f'<a href="{h}">{n}</a>' for h, n in NAV)
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" \
"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html>
<head>
<meta charset="gb2312">
<title>{esc(title)}</title>
<link href="/script/0/style.css" rel="stylesheet" type="text/css">
</head>
<body>
<div id="top" class="top"><img src="/picture/0/logo.png" alt="{SITE_NAME}">
<div class="nav">{nav}</div></div>
<div class="container">
{body}
</div>
<div class="bottom">
<p><a href="{SITEMAP.path}">网站地图</a> | <a href="{CONTACT.path}">联系我们</a> | \
<a href="{FIND_ERROR.path}">我为政府网站找错</a></p>
<p>主办：清河县人民政府办公室　网站标识码：9901230001</p>
<p>清ICP备05004321号-1</p>
<p><img src="/picture/0/dzjg.png" alt="党政机关网站标识"></p>
</div>
</body>
</html>
"""


def _crumb(*items: tuple[str, str]) -> str:
    links = " &gt; ".join(f'<a href="{h}">{n}</a>' for h, n in items)
    return f'<div class="position">您当前的位置：<a href="/">首页</a> &gt; {links}</div>'


def _items(arts, count: int | None = None) -> str:
    picked = [a for a in arts if a.written or count is None][:count]
    return "\n".join(f'<li>{a.link}<span class="bt_time">{fmt_date(a.when)}</span></li>'
                     for a in picked)


def _article(w: SiteWriter, art: Art, rng: random.Random) -> None:
    content = paras_html(art.body)
    if art.image:
        content += f'\n<p align="center"><img src="{art.image}" border="0"></p>'
    attach = "".join(f'<p>附件：<a href="{p}">{esc(label)}</a></p>' for p, label in art.attachments)
    if art.empty_href:
        attach += '<p>附件：<a href="">任免人员名单</a></p>'
    body = f"""{_crumb((art.col.path, art.col.name))}
<div class="main-txt">
<h1>{esc(art.title)}</h1>
<div class="info">发布日期：{fmt_date(art.when)}　信息来源：{esc(art.source)}　\
浏览次数：{rng.randint(50, 900)}</div>
<div id="zoom">
{content}{art.injected}
</div>
{attach}
<div class="tools"><a href="javascript:window.print()">打印本页</a>　\
<a href="javascript:window.close()">关闭窗口</a>　<a href="#top">返回顶部</a></div>
</div>"""
    w.page(art.path, render(f"{art.title}_{SITE_NAME}", body))
    if art.image:
        w.binary(art.image, make_png(80, 50, (90, rng.randint(80, 200), 60)))
    for path, _ in art.attachments:
        if path not in art.missing:
            w.binary(path, attachment_bytes(path, f"Qinghe county {art.artid}"))


def _block(col: Col, count: int, more: str) -> str:
    return (f'<div class="box"><div class="box-title"><span>{col.name}</span>'
            f'<a href="{more}" class="more">更多</a></div>\n<ul>\n{_items(col.articles, count)}\n'
            f'</ul></div>')


def _record_updates(cols: list[Col], truth: Truth) -> None:
    """Truth for the stale site: homepage, news columns by their window, identity, metadata."""
    shown = [a for col in (NEWS, NOTICE, DEPT, TOWN) for a in col.articles]
    assert not any(is_new(a.when) for col in cols for a in col.articles)
    truth.add(SITE, CHECK_HOME_STALE, "/", None, None,
              f"newest item reachable from the homepage is {max(a.when for a in shown):%Y-%m-%d}")
    for col in cols:
        newest = max(a.when for a in col.articles)
        if is_stale(newest, col.window):
            truth.add(SITE, CHECK_COLUMN_STALE, col.path, None, col.name,
                      f"newest item {newest:%Y-%m-%d}, before {window_start(col.window)} "
                      f"({col.window} window)")
    truth.add(SITE, CHECK_IDENTITY, "/", None, "公安机关备案号", "footer has no 公网安备 number")
    truth.add(SITE, CHECK_META, "/", None, "ArticleTitle, ColumnName, ColumnType, ContentSource, "
              "PubDate, SiteDomain, SiteIDCode, SiteName", "the Hanweb template carries no metadata")


def build(w: SiteWriter, truth: Truth, seed: int) -> None:
    rng = random.Random(f"{seed}-{SITE}")
    tg = TextGen(rng, city=COUNTY, districts=TOWNS)
    cols = _articles(rng, tg)
    # planted defects
    gone = DEPT.articles[9]
    gone.written = False
    truth.add(SITE, CHECK_BROKEN, DEPT.path, gone.path, gone.link,
              "list item points to a missing article")
    art = POLICY.articles[3]
    missing = f"/attach/0/{art.artid:x}b.xls"
    art.attachments.append((missing, "政策解读材料.xls"))
    art.missing.add(missing)
    truth.add(SITE, CHECK_BROKEN, art.path, missing, f'<a href="{missing}">政策解读材料.xls</a>',
              "attachment .xls is missing")
    art = PERSONNEL.articles[2]
    art.empty_href = True
    truth.add(SITE, CHECK_FAKE, art.path, "", '<a href="">任免人员名单</a>',
              "attachment link with an empty href")
    truth.add(SITE, CHECK_FAKE, "/", "#", '<a href="#" class="more">更多</a>',
              "通知公告 column head: 更多 links nowhere")
    missing_photo = "/picture/0/ld_chenkun.png"
    art = NEWS.articles[5]
    art.injected = city_dark.county_white_text(truth, SITE, art.path)
    truth.add(SITE, CHECK_BROKEN, LEADER.path, missing_photo, f'<img src="{missing_photo}" alt="陈堃">',
              "leader photo is missing")
    # pages
    for col in cols:
        body = (f'{_crumb((col.path, col.name))}\n<div class="list"><h2>{col.name}</h2>\n<ul>\n'
                f'{_items(col.articles)}\n</ul></div>')
        w.page(col.path, render(f"{col.name}_{SITE_NAME}", body))
        for art in col.articles:
            if art.written:
                _article(w, art, rng)
    home = (f'<div class="banner"><img src="/picture/0/banner.png" alt="美丽清河"></div>\n'
            f'{_block(NEWS, 7, NEWS.path)}\n{_block(NOTICE, 6, "#")}\n'
            f'{_block(DEPT, 6, DEPT.path)}\n{_block(TOWN, 6, TOWN.path)}\n'
            f'{city_dark.county_tabs([(a.path, a.title) for a in NOTICE.articles[6:10] if a.written])}\n'
            f'{city_dark.county_marquee(truth, SITE)}')
    w.page("/", render(SITE_NAME, home))
    _record_updates(cols, truth)
    leaders = []
    for name, role, duty in LEADERS:
        photo = missing_photo if name == "陈堃" else f"/picture/0/ld_{len(leaders) + 1}.png"
        if photo != missing_photo:
            w.binary(photo, make_png(120, 160, (150, 150, 160)))
        leaders.append(f'<div class="leader"><img src="{photo}" alt="{name}">'
                       f'<h3>{name}</h3><p>{role}</p><p>{duty}</p></div>')
    statics = [
        (PROFILE, paras_html([f"{COUNTY}位于清河市北部，辖{'、'.join(TOWNS)}，总面积约九百平方公里。",
                             "全县户籍人口约三十八万人，农业以优质稻米、茶叶和水产养殖为特色。"])
         + city_dark.county_font_zero(truth, SITE, PROFILE.path)),
        (LEADER, "\n".join(leaders)),
        (OPEN_INFO, "".join(_block(c, 5, c.path) for c in (POLICY, PERSONNEL, NOTICE))
        + paras_html(["政府信息公开指南：本县政府信息以主动公开为原则，依申请公开为补充。"])),
        (SITEMAP, "<ul>" + "".join(f'<li><a href="{c.path}">{c.name}</a></li>'
                                  for c in cols + [PROFILE, LEADER, OPEN_INFO, CONTACT, FIND_ERROR])
        + "</ul>"),
        (CONTACT, paras_html(["地址：清河县柳渡镇人民路88号", "电话：0999-62345678",
                             "联系人：刘堃（县政府办公室）"])),
        (FIND_ERROR, paras_html(["如您发现本网站存在错别字、链接错误、信息更新不及时等问题，欢迎指正。",
                                "请将问题页面网址和问题描述发送至县政府办公室，我们将及时核实处理。"])),
    ]
    for col, content in statics:
        body = f'{_crumb((col.path, col.name))}\n<div class="main-txt"><h1>{col.name}</h1>\n{content}</div>'
        w.page(col.path, render(f"{col.name}_{SITE_NAME}", body))
    w.text("/script/0/style.css", "body{font-size:12px;font-family:SimSun}.nav a{margin:0 10px}\n")
    for name, size in (("logo", (300, 70)), ("banner", (1000, 260)), ("dzjg", (55, 65))):
        w.binary(f"/picture/0/{name}.png", make_png(*size, (30, 110, 190)))
