"""qh-edu: 清河市教育局, a small hand-made site (UTF-8, .htm pages, no CMS).

The server answers missing pages with a soft 404 (HTTP 200, title 页面不存在)
and refuses HEAD requests, so link checkers must fall back to GET and look
at page content.
Every 25th request for its homepage answers 503: demo/probes.py records a week of
availability probes in which 4% fail.

信息更新 defects: the homepage is navigation only (entries to the columns, no items),
and its columns list only a handful of items from the last 14 days (update.home_thin);
the menu column 政策法规 was never filled (column.empty); the footer lacks the 网站标识码
and the 我为政府网站找错 entry; pages carry only part of the metadata (meta.missing).
"""

from __future__ import annotations

import random

from demo.citykit import (CHECK_BROKEN, CHECK_COLUMN_EMPTY, CHECK_COLUMN_STALE, CHECK_FAKE,
                          CHECK_HOME_THIN, CHECK_IDENTITY, CHECK_META, HOME_WINDOW_DAYS, SiteWriter,
                          TextGen, Truth, attachment_bytes, esc, fmt_date, is_new, is_stale,
                          make_png, paras_html, spread_dates, window_start)

SITE = "qh-edu"
SITE_NAME = "清河市教育局"
SITE_TOML = """\
# 清河市教育局 — fixture behaviour (demo.server)
not_found = "soft404"
head = "refuse"

# An unsteady server: every 25th request for the homepage answers 503, so availability
# probes fail 4% of the time (home.availability: 15-20 points, no site.unreachable veto).
[[routes]]
path = "/"
fail_every = 25
"""
SCHOOLS = ["清河市第一中学", "清河市实验小学", "云溪区第二中学", "望川区育才小学", "清河职业技术学校",
           "杏湾区实验幼儿园", "清河市第三中学"]
NAV = [("/", "首页"), ("/about.htm", "机构概况"), ("/news/list.htm", "教育新闻"),
       ("/notice/list.htm", "通知公告"), ("/exam/list.htm", "招生考试"), ("/zcfg/list.htm", "政策法规"),
       ("/contact.htm", "联系我们")]
BLANK = ("/zcfg/list.htm", "政策法规")   # a column set up in the menu and never filled
TOPICS = ["校园安全", "劳动教育", "心理健康教育", "课后服务", "防溺水安全教育", "书香校园",
          "国家安全教育", "科学教育", "体育艺术", "家校共育", "教师队伍建设", "课堂教学改革"]
SECTIONS = {  # key -> (name, count, mean gap, first gap, update window)
    "news": ("教育新闻", 14, 6.0, 2, "14d"),
    "notice": ("通知公告", 10, 13.0, 3, "6m"),
    "exam": ("招生考试", 8, 20.0, 5, "12m"),
}
ENTRIES = {  # what the navigation-only homepage says about each column
    "news": "全市教育系统工作动态、学校新闻和图片报道。",
    "notice": "市教育局发布的各类通知、公告和公示。",
    "exam": "中考、高中招生、教师资格考试等招生考试信息。",
}
# Metadata: only SiteName on every page and ArticleTitle/PubDate on articles (partial).
META_LACKING = "ColumnName, ColumnType, ContentSource, SiteDomain, SiteIDCode"


def render(title: str, body: str, sidebar: str = "", metas: dict[str, str] | None = None) -> str:
    nav = " ".join(f'<a href="{h}">{n}</a>' for h, n in NAV)
    side = f'<div class="side">{sidebar}</div>' if sidebar else ""
    meta = "".join(f'\n<meta name="{k}" content="{esc(v)}">' for k, v in (metas or {}).items())
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{esc(title)} - {SITE_NAME}</title>
<meta name="SiteName" content="{SITE_NAME}">{meta}
<link rel="stylesheet" href="/style.css">
</head>
<body>
<header id="top"><h1>{SITE_NAME}</h1><nav>{nav}</nav></header>
<main>{body}</main>
{side}
<footer><p>主办：清河市教育局　地址：清河市云溪区文昌路16号　电话：0999-88123456</p>
<p><a href="/sitemap.htm">网站地图</a>　清ICP备05007788号-1　清公网安备 99010202000307号</p>
<p><img src="/img/dzjg.png" alt="党政机关网站标识"></p></footer>
</body>
</html>
"""


def _title(rng: random.Random, tg: TextGen, key: str) -> str:
    school, topic = rng.choice(SCHOOLS), tg.topic()
    options = {
        "news": [f"{school}开展{topic}主题活动", f"市教育局召开{topic}工作会议",
                 f"{school}举行秋季运动会", f"全市中小学{topic}工作现场推进会召开"],
        "notice": [f"关于做好{topic}相关工作的通知", "关于开展中小学教师继续教育培训的通知",
                   f"关于{school}校园周边环境整治的通告", "关于公布2026年市级优秀教师名单的通知"],
        "exam": ["2027年清河市普通高中招生工作意见", f"{school}2027年招生简章",
                 "2026年下半年中小学教师资格考试报名公告", "清河市2027年中考体育考试方案"],
    }
    return rng.choice(options[key])


def _record_updates(sections: dict[str, list[dict]], truth: Truth) -> None:
    """Truth for the homepage's update volume, stale columns, identity and metadata."""
    listed = [a for arts in sections.values() for a in arts]     # list rows show every date
    new = sum(1 for a in listed if is_new(a["when"]))
    assert 1 <= new <= 9, f"qh-edu must have 1-9 new items, has {new}"
    truth.add(SITE, CHECK_HOME_THIN, "/", None, None,
              f"navigation-only homepage; its columns list {new} items of the last "
              f"{HOME_WINDOW_DAYS} days")
    for key, arts in sections.items():
        name, window = SECTIONS[key][0], SECTIONS[key][4]
        newest = max(a["when"] for a in arts)
        if is_stale(newest, window):
            truth.add(SITE, CHECK_COLUMN_STALE, f"/{key}/list.htm", None, name,
                      f"newest item {newest:%Y-%m-%d}, before {window_start(window)}")
    truth.add(SITE, CHECK_IDENTITY, "/", None, "网站标识码", "footer shows no 网站标识码")
    truth.add(SITE, CHECK_IDENTITY, "/", None, "我为政府网站找错", "no 我为政府网站找错 entry")
    truth.add(SITE, CHECK_META, "/", None, META_LACKING,
              "pages carry SiteName only; articles add ArticleTitle and PubDate")


def build(w: SiteWriter, truth: Truth, seed: int) -> None:
    rng = random.Random(f"{seed}-{SITE}")
    tg = TextGen(rng, topics=TOPICS)
    w.text("/_site.toml", SITE_TOML)
    w.text("/style.css", "body{font:15px/1.7 sans-serif}nav a{margin-right:1em}\n")
    w.binary("/img/banner.png", make_png(900, 200, (20, 120, 90)))
    w.binary("/img/dzjg.png", make_png(55, 65, (220, 20, 20)))
    sections: dict[str, list[dict]] = {}
    for key, (name, count, gap, first, _) in SECTIONS.items():
        seen: set[str] = set()
        arts = []
        for n, when in enumerate(spread_dates(rng, count, gap, first)):
            title = _title(rng, tg, key)
            for _ in range(40):
                if title not in seen:
                    break
                title = _title(rng, tg, key)
            seen.add(title)
            path = f"/{key}/{fmt_date(when)}-{n + 1}.htm"
            arts.append({"title": title, "when": when, "path": path, "written": True,
                         "body": tg.paragraphs(tg.last_topic, 3), "files": []})
        sections[key] = arts
    gone = sections["news"][6]
    gone["written"] = False
    truth.add(SITE, CHECK_BROKEN, "/news/list.htm", gone["path"],
              f'<a href="{gone["path"]}">{esc(gone["title"])}</a>',
              "missing article; the server answers a soft 404 (HTTP 200, 页面不存在)")
    for art in sections["notice"][::3]:
        art["files"].append(f"/files/{fmt_date(art['when']).replace('-', '')}.doc")
    for key, arts in sections.items():
        name = SECTIONS[key][0]
        lis = "\n".join(f'<li><a href="{a["path"]}">{esc(a["title"])}</a> '
                        f'<span>[{fmt_date(a["when"])}]</span></li>' for a in arts)
        w.page(f"/{key}/list.htm", render(name, f"<h2>{name}</h2>\n<ul>\n{lis}\n</ul>"))
        for a in arts:
            if not a["written"]:
                continue
            files = "".join(f'<p>附件：<a href="{f}">{esc(a["title"])}.doc</a></p>' for f in a["files"])
            for f in a["files"]:
                w.binary(f, attachment_bytes(f, "Qinghe education bureau"))
            body = (f'<p class="crumb"><a href="/">首页</a> &gt; <a href="list.htm">{name}</a></p>\n'
                    f'<article><h2>{esc(a["title"])}</h2>\n<p class="meta">发布日期：'
                    f'{fmt_date(a["when"])}　来源：清河市教育局</p>\n{paras_html(a["body"])}\n'
                    f'{files}</article>\n<p><a href="#top">返回顶部</a></p>')
            w.page(a["path"], render(a["title"], body, metas={
                "ArticleTitle": a["title"], "PubDate": fmt_date(a["when"])}))
    _record_updates(sections, truth)
    # A navigation-only homepage: no item of its own, only entries to the columns.
    blocks = "\n".join(f'<section><h2><a href="/{k}/list.htm">{SECTIONS[k][0]}</a></h2>'
                       f'<p>{ENTRIES[k]}</p></section>' for k in sections)
    blank_path, blank_name = BLANK
    w.page(blank_path, render(blank_name, f"<h2>{blank_name}</h2>\n<ul>\n</ul>\n<p>暂无信息</p>"))
    truth.add(SITE, CHECK_COLUMN_EMPTY, blank_path, None, blank_name,
              "menu column never filled: the page shows 暂无信息")
    sidebar = ('<h3>便民服务</h3><ul><li><a href="/exam/list.htm">招生考试</a></li>'
               '<li><a href="javascript:void(0)">下载专区</a></li>'
               '<li><a href="/dudao.htm">教育督导</a></li></ul>')
    home = f'<p><img src="/img/banner.png" alt="办人民满意的教育"></p>\n{blocks}'
    w.page("/", render("首页", home, sidebar))
    truth.add(SITE, CHECK_FAKE, "/", "javascript:void(0)",
              '<a href="javascript:void(0)">下载专区</a>', "sidebar link leads nowhere")
    truth.add(SITE, CHECK_BROKEN, "/", "/dudao.htm", '<a href="/dudao.htm">教育督导</a>',
              "page removed; soft 404 (HTTP 200, 页面不存在)")
    about = paras_html([
        "清河市教育局是市人民政府工作部门，负责全市教育事业的统筹规划和管理。",
        "主要职责：贯彻执行国家教育方针政策，拟订全市教育发展规划；指导各级各类学校教育教学工作。"])
    about += ('<h3>内设机构</h3><ul><li>办公室</li><li>基础教育科</li>'
              '<li><a href="/jigou/jjc.htm">计划财务科</a></li><li>人事科</li></ul>'
              '<p><a href="/leaders.htm">领导信息</a></p>')
    w.page("/about.htm", render("机构概况", f"<h2>机构概况</h2>\n{about}"))
    truth.add(SITE, CHECK_BROKEN, "/about.htm", "/jigou/jjc.htm",
              '<a href="/jigou/jjc.htm">计划财务科</a>', "page removed; soft 404 (HTTP 200)")
    leaders = paras_html(["局长：周文博，主持局全面工作。", "副局长：林晓燕，分管基础教育、招生考试工作。",
                          "副局长：何振宇，分管计划财务、后勤保障工作。"])
    w.page("/leaders.htm", render("领导信息", f"<h2>领导信息</h2>\n{leaders}"))
    contact = paras_html(["办公地址：清河市云溪区文昌路16号", "办公时间：工作日 8:30—12:00，14:00—17:30",
                          "咨询电话：0999-88123456"])
    w.page("/contact.htm", render("联系我们", f"<h2>联系我们</h2>\n{contact}"))
    links = "".join(f'<li><a href="{h}">{n}</a></li>' for h, n in NAV + [("/leaders.htm", "领导信息")])
    w.page("/sitemap.htm", render("网站地图", f"<h2>网站地图</h2><ul>{links}</ul>"))
