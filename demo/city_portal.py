"""qh-portal: 清河市人民政府门户网站, a TRS-style CMS site (UTF-8).

Complete metadata and identity items and a fresh homepage; 信息更新 defects (planted in
demo.city_portal_updates): one stale column of each window (部门动态 20 days, 政策解读
7 months, 规划计划 14 months), two blank columns, one article republished with a new date.
暗链 (demo.city_dark): an off-page block on the homepage, a display:none paragraph in an
article, script-written links (inline and /js/tongji.js) and an <!--seo--> comment, beside
legitimate hidden drop-downs, news tabs and a skip link; 友情链接 清河旅游网 is hijacked.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime

from demo.citykit import (CHECK_BROKEN, CHECK_FAKE, CHECK_GARBLED, CITY, DISTRICTS,
                          KUNKAOKAO, MOJIBAKE, REPLACEMENT_RUN, SiteWriter, TextGen, Truth,
                          attachment_bytes, esc, fmt_date, fmt_time, make_png, paras_html,
                          spread_dates)
from demo import city_dark, city_docs
from demo.city_portal_pages import write_static_pages
from demo.city_portal_updates import plant_republished, record_republished, record_stale

SITE = "qh-portal"
SITE_NAME = "清河市人民政府"
SITE_DOMAIN = "www.qinghe.gov.cn"
PER_PAGE = 20

SITE_TOML = """\
# 清河市人民政府门户 — fixture behaviour (demo.server)
charset_header = "utf-8"

[[routes]]  # 在线访谈: the backend is down
path = "/hdjl/zxft/index.html"
status = 500

[[routes]]  # 网上办事大厅: a login redirect loop
path = "/zwfw/wsbsdt/index.html"
redirect = "/zwfw/wsbsdt/login.html"

[[routes]]
path = "/zwfw/wsbsdt/login.html"
redirect = "/zwfw/wsbsdt/index.html"
"""


@dataclass
class Column:
    key: str
    section: str
    section_name: str
    name: str
    count: int
    mean_gap: float
    first_gap: int
    attach_rate: float
    attach_exts: tuple[str, ...]
    image_rate: float = 0.0
    window: str = "14d"
    articles: list["Article"] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"/{self.section}/{self.key}/"

    def list_page(self, number: int) -> str:
        return self.base + ("index.html" if number == 0 else f"index_{number}.html")


@dataclass
class Article:
    column: Column
    index: int
    title: str
    when: datetime
    source: str
    docid: int = 0
    written: bool = True
    fake_href: str | None = None
    body: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (file, label)
    missing_files: set[str] = field(default_factory=set)
    files: dict[str, bytes] = field(default_factory=dict)   # planted attachments' bytes (demo.city_docs)
    toc_broken: bool = False
    injected: str = ""          # raw HTML an intruder added to the article body (暗链)

    @property
    def dirname(self) -> str:
        return f"{self.column.base}{self.when:%Y%m}/"

    @property
    def path(self) -> str:
        return f"{self.dirname}t{self.when:%Y%m%d}_{self.docid}.html"

    @property
    def rel(self) -> str:
        """Link from the column's list pages (TRS writes relative links)."""
        return "./" + self.path[len(self.column.base):]

    @property
    def list_link(self) -> str:
        title = esc(self.title)
        return f'<a href="{self.fake_href or self.rel}" target="_blank" title="{title}">{title}</a>'

    def image_tag(self, name: str) -> str:
        return f'<img src="./{name}" alt="{esc(self.title)}">'

    @staticmethod
    def attachment_link(name: str, label: str) -> str:
        return f'<a href="./{name}">{esc(label)}</a>'


def _columns() -> list[Column]:
    # key, section, section name, name, count, mean gap, first gap (days before AS_OF),
    # attachment rate and kinds, image rate, update window.  部门动态 stopped 20 days ago,
    # 政策解读 7 months ago and 规划计划 14 months ago; every other column is fresh.
    return [
        Column("zwdt", "xwzx", "新闻中心", "政务动态", 80, 1.6, 0, 0.0, (), 0.45),
        Column("bmdt", "xwzx", "新闻中心", "部门动态", 8, 3.0, 20, 0.0, (), 0.3),
        Column("tzgg", "xwzx", "新闻中心", "通知公告", 40, 4.0, 2, 0.5, (".pdf", ".doc", ".xls"),
               window="6m"),
        Column("zcwj", "zwgk", "政务公开", "政策文件", 30, 9.0, 3, 0.4, (".pdf", ".doc"), window="6m"),
        Column("zcjd", "zwgk", "政务公开", "政策解读", 6, 30.0, 214, 0.0, (), 0.5, window="6m"),
        Column("rsxx", "zwgk", "政务公开", "人事信息", 15, 14.0, 5, 0.3, (".xls",), window="12m"),
        Column("ghjh", "zwgk", "政务公开", "规划计划", 8, 45.0, 426, 0.5, (".pdf",), window="12m"),
        Column("czxx", "zwgk", "政务公开", "财政信息", 20, 14.0, 6, 0.6, (".xls", ".pdf"), window="12m"),
        Column("tjxx", "zwgk", "政务公开", "统计信息", 18, 16.0, 4, 0.3, (".xls",), window="12m"),
    ]


def _title(rng: random.Random, tg: TextGen, col: str, when: datetime) -> str:
    topic, dept, name = tg.topic(), tg.dept(), tg.name()
    district = rng.choice(DISTRICTS[:3])
    prev = when.month - 1 or 12
    year = when.year if when.month > 1 else when.year - 1
    options = {
        "bmdt": [f"{dept}扎实推进{topic}工作", f"{dept}召开{topic}专题会议",
                 f"{dept}开展{topic}宣传活动", f"{dept}赴{district}督导{topic}工作"],
        "zcjd": [f"《{CITY}{topic}实施方案》政策解读", f"一图读懂《{CITY}{topic}三年行动计划》",
                 f"{dept}负责人解读{topic}有关政策", f"关于加快推进{topic}的实施意见解读"],
        "zwdt": [f"{CITY}召开{topic}工作推进会", f"{dept}开展{topic}专项行动",
                 f"{district}{topic}工作取得新成效", f"市政府领导赴{district}调研{topic}工作",
                 f"{CITY}举办{topic}专题培训班", f"{district}召开{topic}现场观摩会"],
        "tzgg": [f"关于做好{topic}有关工作的通知", f"{dept}关于开展{topic}检查的公告",
                 f"关于{topic}项目拟立项名单的公示", f"关于公开征集{topic}意见建议的公告"],
        "zcwj": [f"{CITY}人民政府关于印发《{CITY}{topic}实施方案》的通知",
                 f"{CITY}人民政府办公室关于加快推进{topic}的实施意见",
                 f"{CITY}人民政府办公室关于印发《{CITY}{topic}三年行动计划（2026—2028年）》的通知"],
        "rsxx": [f"{CITY}人民政府关于{name}等同志职务任免的通知",
                 f"{dept}{when.year}年公开招聘事业单位工作人员公告",
                 f"关于{name}等同志拟任职的公示"],
        "ghjh": [f"{CITY}{topic}“十五五”规划（征求意见稿）", f"{CITY}{when.year}年{topic}工作要点",
                 f"{dept}{when.year}年工作计划"],
        "czxx": [f"{CITY}{year}年{prev}月财政收支情况", f"{dept}{when.year}年部门预算公开",
                 f"{dept}{when.year - 1}年部门决算公开"],
        "tjxx": [f"{year}年{prev}月{CITY}国民经济运行情况",
                 f"{CITY}{year}年1—{prev}月规模以上工业生产情况",
                 f"{year}年{prev}月{CITY}居民消费价格变动情况"],
    }
    return rng.choice(options[col])


def _make_articles(rng: random.Random, tg: TextGen, columns: list[Column]) -> list[Article]:
    everything: list[Article] = []
    for col in columns:
        seen: set[str] = set()
        for index, when in enumerate(spread_dates(rng, col.count, col.mean_gap, col.first_gap)):
            title = _title(rng, tg, col.key, when)
            for _ in range(40):
                if title not in seen:
                    break
                title = _title(rng, tg, col.key, when)
            seen.add(title)
            topic = tg.last_topic
            source = tg.dept() if col.key != "zcwj" else f"{CITY}人民政府办公室"
            art = Article(col, index, title, when, source, body=tg.paragraphs(topic))
            col.articles.append(art)
            everything.append(art)
    for docid, art in enumerate(sorted(everything, key=lambda a: (a.when, a.column.key)),
                                start=10231):
        art.docid = docid
    for art in everything:
        stamp = f"{art.when:%Y%m%d}"
        if rng.random() < art.column.image_rate:
            art.images.append(f"W0{stamp}{art.docid}1.png")
        if rng.random() < art.column.attach_rate:
            for k in range(1, rng.randint(1, 2) + 1):
                ext = rng.choice(art.column.attach_exts)
                label = f"附件{k}：{art.title[:14]}相关材料{ext}"
                art.attachments.append((f"P0{stamp}{art.docid}{k}{ext}", label))
    return everything


def _plant(cols: dict[str, Column], truth: Truth) -> None:
    zwdt, tzgg, zcwj, rsxx = cols["zwdt"], cols["tzgg"], cols["zcwj"], cols["rsxx"]
    for art, page in ((zwdt.articles[27], zwdt.list_page(1)), (zcwj.articles[25], zcwj.list_page(1))):
        art.written = False
        truth.add(SITE, CHECK_BROKEN, page, art.path, art.list_link,
                  "list item points to a missing article")
    art = zwdt.articles[12]
    art.images = [f"W0{art.when:%Y%m%d}{art.docid}1.png", f"W0{art.when:%Y%m%d}{art.docid}2.png"]
    art.missing_files.add(art.images[1])
    truth.add(SITE, CHECK_BROKEN, art.path, art.dirname + art.images[1],
              art.image_tag(art.images[1]), "article image file is missing")
    art = tzgg.articles[5]
    missing = f"P0{art.when:%Y%m%d}{art.docid}9.pdf"
    label = f"附件：{art.title[:12]}申报表.pdf"
    art.attachments.append((missing, label))
    art.missing_files.add(missing)
    truth.add(SITE, CHECK_BROKEN, art.path, art.dirname + missing,
              Article.attachment_link(missing, label), "attachment .pdf is missing")
    art = zcwj.articles[4]
    art.toc_broken = True
    truth.add(SITE, CHECK_BROKEN, art.path, art.path + "#section3",
              '<a href="#section3">三、保障措施</a>', "in-page anchor: no element has id=section3")
    art = rsxx.articles[7]
    art.written, art.fake_href = False, "javascript:;"
    truth.add(SITE, CHECK_FAKE, rsxx.list_page(0), "javascript:;", art.list_link,
              "article list item links nowhere")
    art = zwdt.articles[33]
    art.body[1] = "会议指出，" + KUNKAOKAO + "要进一步完善工作机制。" + art.body[1]
    truth.add(SITE, CHECK_GARBLED, art.path, None, KUNKAOKAO, "GBK/UTF-8 round-trip garbage")
    art = tzgg.articles[15]
    art.body[2] = art.body[2][:10] + REPLACEMENT_RUN + art.body[2][10:]
    truth.add(SITE, CHECK_GARBLED, art.path, None, REPLACEMENT_RUN, "run of U+FFFD characters")
    art = zwdt.articles[48]
    art.body[0] = MOJIBAKE
    truth.add(SITE, CHECK_GARBLED, art.path, None, MOJIBAKE, "UTF-8 text decoded as GBK")
    art = zwdt.articles[40]
    art.injected = city_dark.portal_article(truth, SITE, art.path)
    city_docs.plant(tzgg.articles[8], zcwj.articles[10], truth, SITE, CITY)


FOOTER = """<div class="footer">
<p><a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a> | \
<a href="/hdjl/wzjc/index.html">我为政府网站找错</a></p>
<p>主办单位：清河市人民政府办公室　承办单位：清河市大数据发展管理局</p>
<p>网站标识码：9901000001　<span>清ICP备05001234号-1</span>　\
<img src="/images/gaba.png" alt="公安机关备案图标" width="20" height="20">\
<span>清公网安备 99010202000101号</span></p>
<p><img src="/images/dzjg.png" alt="党政机关网站标识" width="55" height="65"></p>
</div>"""

# Hover drop-downs of the top navigation (hidden until hovered; the site's own pages).
SUB_MENUS = {
    "/zwgk/index.html": city_dark.sub_menu([("/zwgk/zcwj/index.html", "政策文件"),
                                            ("/zwgk/xxgkzn/index.html", "政府信息公开指南")]),
    "/hdjl/index.html": city_dark.sub_menu([("/hdjl/szxx/index.html", "市长信箱"),
                                            ("/hdjl/wsdc/index.html", "网上调查")]),
}
NAV = [("/", "首页"), ("/zwgk/index.html", "政务公开"), ("/zwfw/index.html", "政务服务"),
       ("/hdjl/index.html", "互动交流"), ("/zjqh/index.html", "走进清河")]


def render(title: str, body: str, metas: dict[str, str] | None = None,
           extra_nav: str = "") -> str:
    meta_html = "".join(f'<meta name="{k}" content="{esc(v)}">\n' for k, v in (metas or {}).items())
    nav = "".join(f'<li><a href="{href}">{name}</a>{SUB_MENUS.get(href, "")}</li>'
                  for href, name in NAV) + extra_nav
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{esc(title)}</title>
<meta name="SiteName" content="{SITE_NAME}">
<meta name="SiteDomain" content="{SITE_DOMAIN}">
<meta name="SiteIDCode" content="9901000001">
{meta_html}<link rel="stylesheet" href="/css/style.css">
<script src="/js/common.js"></script>
</head>
<body>
{city_dark.SKIP_LINK}
<div class="header" id="top">
<a class="logo" href="/"><img src="/images/logo.png" alt="{SITE_NAME}"></a>
<ul class="nav">{nav}</ul>
</div>
<div class="main" id="main">
{body}
</div>
{FOOTER}
</body>
</html>
"""


def _list_pages(w: SiteWriter, col: Column) -> None:
    pages = [col.articles[i:i + PER_PAGE] for i in range(0, len(col.articles), PER_PAGE)]
    for number, items in enumerate(pages):
        lis = "\n".join(f'<li>{a.list_link}<span>{fmt_date(a.when)}</span></li>' for a in items)
        nav = [f"共{len(pages)}页", '<a href="index.html">首页</a>']
        if number > 0:
            nav.append(f'<a href="{col.list_page(number - 1).rsplit("/", 1)[1]}">上一页</a>')
        if number < len(pages) - 1:
            nav.append(f'<a href="index_{number + 1}.html">下一页</a>')
        nav.append(f'<a href="{col.list_page(len(pages) - 1).rsplit("/", 1)[1]}">尾页</a>')
        body = f"""<div class="location">当前位置：<a href="/">首页</a> &gt; \
<a href="/{col.section}/index.html">{col.section_name}</a> &gt; <a href="index.html">{col.name}</a></div>
<div class="list"><h2>{col.name}</h2>
<ul>
{lis}
</ul>
<div class="page">{" ".join(nav)}</div>
</div>"""
        w.page(col.list_page(number), render(f"{col.name}_{SITE_NAME}", body,
                                             {"ColumnName": col.name, "ColumnType": "列表"}))


def _article_html(art: Article, rng: random.Random) -> str:
    col = art.column
    parts = []
    if col.key == "zcwj":
        year = art.when.year
        parts.append(f"""<table class="xxgk"><tr><th>索引号</th><td>99010001/{year}-{art.docid:05d}</td>
<th>发布机构</th><td>{CITY}人民政府办公室</td></tr>
<tr><th>文号</th><td>清政办发〔{year}〕{art.index + 3}号</td><th>成文日期</th>\
<td>{fmt_date(art.when)}</td></tr></table>""")
        third = '<h3>三、保障措施</h3>' if art.toc_broken else '<h3 id="section3">三、保障措施</h3>'
        body = art.body + ["", ""]
        parts.append('<div class="toc"><a href="#section1">一、总体要求</a> '
                     '<a href="#section2">二、主要任务</a> <a href="#section3">三、保障措施</a></div>')
        content = (f'<h3 id="section1">一、总体要求</h3>{paras_html(body[:1])}'
                   f'<h3 id="section2">二、主要任务</h3>{paras_html(body[1:2])}'
                   f'{third}{paras_html([p for p in body[2:] if p])}')
    else:
        content = paras_html(art.body)
    for name in art.images:
        content += f'\n<p style="text-align:center;">{art.image_tag(name)}</p>'
    attach = ""
    if art.attachments:
        links = "".join(f"<p>{Article.attachment_link(f, label)}</p>" for f, label in art.attachments)
        attach = f'<div class="attach"><p>附件下载：</p>{links}</div>'
    return f"""<div class="location">当前位置：<a href="../../../">首页</a> &gt; \
<a href="../../index.html">{col.section_name}</a> &gt; <a href="../index.html">{col.name}</a></div>
<div class="article">
<h1 class="title">{esc(art.title)}</h1>
<div class="info"><span>发布时间：{fmt_time(art.when)}</span>　<span>来源：{esc(art.source)}</span>\
　<span>浏览次数：{rng.randint(80, 3000)}</span></div>
{"".join(parts[:1])}
<div class="content" id="zoom">
{"".join(parts[1:])}
{content}{art.injected}
</div>
{attach}
<div class="tools"><a href="javascript:window.print()">打印本页</a> \
<a href="javascript:window.close()">关闭窗口</a> <a href="#top">返回顶部</a></div>
</div>"""


def _write_article(w: SiteWriter, art: Article, rng: random.Random) -> None:
    metas = {"ColumnName": art.column.name, "ColumnType": "文章", "ArticleTitle": art.title,
             "PubDate": fmt_time(art.when), "ContentSource": art.source}
    w.page(art.path, render(f"{art.title}_{SITE_NAME}", _article_html(art, rng), metas))
    for name in art.images:
        if name not in art.missing_files:
            w.binary(art.dirname + name, make_png(64, 40, (rng.randint(60, 200), 120, 160)))
    for name, label in art.attachments:
        if name not in art.missing_files:
            w.binary(art.dirname + name, art.files.get(name) or attachment_bytes(name, f"Qinghe doc {art.docid}"))


def build(w: SiteWriter, truth: Truth, seed: int) -> None:
    rng = random.Random(f"{seed}-{SITE}")
    tg = TextGen(rng)
    columns = _columns()
    cols = {c.key: c for c in columns}
    everything = _make_articles(rng, tg, columns)
    original, copy = plant_republished(cols["zwdt"], everything)
    _plant(cols, truth)
    record_republished(original, copy, truth, SITE, SITE_NAME)
    record_stale(columns, truth, SITE)
    w.text("/_site.toml", SITE_TOML)
    city_dark.write_attacker_site(w.root.parent)
    for col in columns:
        _list_pages(w, col)
        for art in col.articles:
            if art.written:
                _write_article(w, art, rng)
    write_static_pages(w, truth, cols, render, SITE)
