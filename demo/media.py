"""The demo city's new-media accounts: a dozen feeds served under the portal at /feeds/.

`build_feeds(portal_root)` writes the feed files (RSS 2.0, Atom and JSON Feed) into the
portal's directory, so the demo's FixtureSite serves them at http://127.0.0.1:18601/feeds/,
and, for one account without a feed, a web page listing its articles with a page per
article (/feeds/qh-fgw/, read by crawler/media/webpage.py);
the `[[accounts]]` block of demo/sites.toml registers them. `python -m demo` calls it after
demo.city.build_city (which leaves it out: nothing on the portal links the feeds, and the
city's tests want every file of a site reachable by crawling). Planted problems (as of
citykit.AS_OF): one stale account, one with a typo, one with a broken link, one whose feed
is missing (unreadable), one without interaction, one that links an unregistered Weibo
account, one web page whose newest article has a typo, and one registered as 注销 (not polled). `ACCOUNTS` is the expected outcome.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from demo.citykit import AS_OF

PORTAL = "http://127.0.0.1:18601"
TZ = ZoneInfo("Asia/Shanghai")

# id -> (feed format, "page" for a web page, or None for a missing feed; days before AS_OF of each post;
#        expected problem)
ACCOUNTS: dict[str, tuple[str | None, list[int], str | None]] = {
    "qh-fabu": ("rss", [0, 2, 5, 9], None),
    "qh-fabu-weibo": ("rss", [1, 3, 8], "media.unregistered"),
    "qh-zwfw": ("json", [1, 6, 12], None),
    "qh-edu-wx": ("rss", [22, 35, 61], "media.stale"),
    "qh-health": ("atom", [2, 7], "media.typo"),
    "qh-rsj": ("json", [3, 10], "media.link_broken"),
    "qh-traffic": (None, [], "media.unreadable"),
    "qh-water": ("atom", [4, 13], None),
    "qh-county-fabu": ("rss", [1, 4, 6], None),
    "qh-county-video": ("json", [2, 9], "media.no_interaction"),
    "qh-culture": ("rss", [5, 11], None),
    "qh-police": ("atom", [0, 3], None),
    "qh-fgw": ("page", [1, 4, 8, 15], "media.typo"),
}
TITLES = ["市政府常务会议研究部署近期重点工作", "我市开展安全生产大检查", "秋冬季疫病防控工作提示",
          "政务服务“一网通办”新增事项", "清河市优化营商环境十条措施解读", "冬季供暖工作有序推进"]


def _post(account: str, n: int, days: int, base: str = PORTAL) -> dict:
    """One post: title, time, URL and HTML body with its planted problem, if any."""
    when = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 9, 30, tzinfo=TZ) - timedelta(days=days)
    url = f"{base}/xwzx/zwdt/index.html#{account}-{n}"
    body = f"<p>{TITLES[(n + len(account)) % len(TITLES)]}，详见<a href=\"{base}/xwzx/zwdt/index.html\">政务动态</a>。</p>"
    if n == 0 and account == "qh-health":
        body += "<p>全市卫生健康系统要再接再砺，做好冬季疾病防控。</p>"      # 再接再砺 -> 再接再厉
    if n == 0 and account == "qh-rsj":
        body += f'<p>报名表：<a href="{base}/xwzx/tzgg/baoming-2026.xls">招聘报名表</a></p>'   # 404
    if n == 0 and account == "qh-fgw":
        body += "<p>坚持一以惯之抓好重点项目建设。</p>"                  # 一以惯之 -> 一以贯之, on the article's page
    if n == 0 and account == "qh-fabu-weibo":
        body += '<p>转发 <a href="https://weibo.com/u/6612345678">@清河某某街道</a> 的消息。</p>'  # not registered
    title = TITLES[(n + len(account)) % len(TITLES)]
    return {"title": title, "when": when, "url": url, "html": body}


def _rss(account: str, posts: list[dict]) -> str:
    items = "".join(f"<item><title>{escape(p['title'])}</title><link>{escape(p['url'])}</link>"
                    f"<guid>{escape(p['url'])}</guid><pubDate>{format_datetime(p['when'])}</pubDate>"
                    f"<description>{escape(p['html'])}</description></item>\n" for p in posts)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>{account}</title><link>{PORTAL}/</link><description>清河市政务新媒体</description>\n"
            f"{items}</channel></rss>\n")


def _atom(account: str, posts: list[dict]) -> str:
    updated = max((p["when"] for p in posts), default=datetime(2026, 1, 1, tzinfo=TZ)).isoformat()
    entries = "".join(f"<entry><title>{escape(p['title'])}</title><id>{escape(p['url'])}</id>"
                      f'<link href="{escape(p["url"])}"/><updated>{p["when"].isoformat()}</updated>'
                      f'<content type="html">{escape(p["html"])}</content></entry>\n' for p in posts)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{account}</title><id>urn:qh:{account}</id><updated>{updated}</updated>\n{entries}</feed>\n")


def _json(account: str, posts: list[dict]) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": account,
                       "items": [{"id": p["url"], "url": p["url"], "title": p["title"], "content_html": p["html"],
                                  "date_published": p["when"].isoformat()} for p in posts]},
                      ensure_ascii=False, indent=1) + "\n"


def _web_page(account: str, posts: list[dict], base: str) -> dict[str, str]:
    """A portal column listing the account's articles (year-less dates, as many portals show them),
    and one page per article: {file name: HTML}."""
    def shell(title: str, main: str) -> str:
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>'
                f'<div class="top">今天是{AS_OF.year}年{AS_OF.month}月{AS_OF.day}日 <a href="{base}/">清河市人民政府</a></div>'
                f'<div class="crumb">当前位置：<a href="{base}/">首页</a> &gt; 政务新媒体 &gt; 清河发改</div>'
                f'{main}<div class="footer">清河市人民政府办公室主办</div></body></html>\n')
    rows = "".join(f'<li><a href="{n}.html" target="_blank">{escape(p["title"])}</a>'
                   f'<span class="date">[{p["when"]:%m-%d}]</span></li>' for n, p in enumerate(posts))
    files = {"index.html": shell("清河发改", f'<div class="list"><h2>清河发改 微信公众号文章</h2><ul>{rows}</ul></div>')}
    for n, p in enumerate(posts):
        files[f"{n}.html"] = shell(p["title"], f'<div class="article"><h1>{escape(p["title"])}</h1>'
                                               f'<div class="info">发布时间：{p["when"]:%Y-%m-%d %H:%M} 来源：清河发改</div>'
                                               f'<div class="content">{p["html"]}</div></div>')
    return files


def build_feeds(portal_root: Path | str, base: str = PORTAL) -> list[Path]:
    """Write every account's feed under portal_root/feeds/ (posts link to `base`); return the files."""
    folder = Path(portal_root) / "feeds"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    writers = {"rss": (_rss, "xml"), "atom": (_atom, "xml"), "json": (_json, "json")}
    for account, (kind, ages, _) in ACCOUNTS.items():
        if kind is None:
            continue              # qh-traffic: its registered feed does not exist (404)
        if kind == "page":
            (folder / account).mkdir(exist_ok=True)
            posts = [dict(_post(account, n, days, base), url=f"{base}/feeds/{account}/{n}.html")
                     for n, days in enumerate(ages)]
            for name, html in _web_page(account, posts, base).items():
                (folder / account / name).write_text(html, encoding="utf-8")
                written.append(folder / account / name)
            continue
        writer, suffix = writers[kind]
        path = folder / f"{account}.{suffix}"
        path.write_text(writer(account, [_post(account, n, days, base) for n, days in enumerate(ages)]), encoding="utf-8")
        written.append(path)
    return written
