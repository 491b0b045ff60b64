"""link.broken and link.fake: judged from stored links and link-target outcomes."""

from __future__ import annotations

import json
import re
from typing import Iterator
from urllib.parse import unquote

from checks.finding import finding
from checks.soft404 import soft_404_reason
from crawler.scope import canonical_url, normalize_url
from xunjian.store import decompress_text

MAX_HOPS = 10
ERROR_DETAIL = {
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "timeout": "请求超时，未在规定时间内响应",
    "tls": "HTTPS 证书或加密连接错误",
    "connection": "连接中断，服务器未返回完整应答",
    "redirect_loop": "重定向循环",
    "too_many_redirects": f"重定向次数过多（超过 {MAX_HOPS} 次）",
    "invalid_url": "链接地址格式错误，无法访问",
    "too_large": "目标文件超过大小上限",
    "error": "访问出错",
}
# No answer was asked for (robots.txt), or the target works but is over our size cap:
# neither is the site's fault.
NOT_JUDGED = {"robots", "ignored", "too_large"}


def _describe(error: str, status: int | None, message: str | None) -> str:
    if error in ("http_4xx", "http_5xx"):
        return f"链接目标返回 {status}"
    if error == "soft_404":
        return f"链接目标页面不存在（软 404：{message}）"
    return ERROR_DETAIL.get(error, "访问出错") + (f"（{message}）" if message and error == "error" else "")


def target_outcomes(db, run: int) -> dict[str, dict]:
    """Every requested URL of the run with its final fate, redirect chains resolved.

    Returns url -> {"error", "status", "message", "chain"}; error None means it works.
    """
    raw = {row["url"]: row for row in db.query(
        "select url, site, kind, status, error, message, location from targets where run = ?", [run])}
    soft = _soft_404_pages(db, run)
    # A redirect's Location is stored as the server wrote it; the crawler requested it under its
    # normalised key (tracking parameters dropped, query sorted), so hops are looked up that way.
    by_key = {normalize_url(url): url for url in raw}

    def requested(url: str) -> str | None:
        return url if url in raw else by_key.get(normalize_url(url))

    outcomes: dict[str, dict] = {}
    for url in raw:
        chain, current = [url], raw[url]
        error, status, message = current["error"], current["status"], current["message"]
        while current["location"] and not error:
            nxt = requested(current["location"]) or current["location"]
            if nxt in chain:
                error, message = "redirect_loop", " → ".join(chain + [nxt])
                break
            chain.append(nxt)
            if len(chain) > MAX_HOPS + 1:
                error = "too_many_redirects"
                break
            if nxt not in raw:   # not requested (off-site, not http, or cut by a cap)
                break
            current = raw[nxt]
            error, status, message = current["error"], current["status"], current["message"]
        final = chain[-1]
        if not error and final in soft:
            error, message = "soft_404", soft[final]
        outcomes[url] = {"error": error, "status": status, "message": message, "chain": chain}
    return outcomes


def _soft_404_pages(db, run: int) -> dict[str, str]:
    probes = {row["site"]: row for row in db.query(
        "select site, probe_status, probe_title, probe_hash from site_runs where run = ?", [run])}
    found = {}
    for row in db.query("select url, site, title, text from pages where run = ? and status = 200", [run]):
        reason = soft_404_reason(row["title"] or "", decompress_text(row["text"]), probes.get(row["site"]))
        if reason:
            found[row["url"]] = reason
    return found


def broken_links(ctx) -> Iterator[dict]:
    """link.broken: one finding per page and failing target (and per missing in-page anchor)."""
    db, run, sites = ctx.db, ctx.run, ctx.sites
    outcomes = target_outcomes(db, run)
    # A link to "/a/index.html" was judged by fetching "/a/" (the crawler fetches each page once).
    by_key = {canonical_url(url): o for url, o in outcomes.items()}
    linked = (row[0] for row in db.execute("select distinct target from links where run = ?", [run]))
    broken = {}
    for url in linked:
        outcome = outcomes.get(url) or by_key.get(canonical_url(url))
        if outcome and outcome["error"] and outcome["error"] not in NOT_JUDGED:
            broken[url] = outcome
    homepages = {site.url for site in sites.values()}
    db.execute("create temp table if not exists broken_targets (url text primary key)")
    db.execute("delete from broken_targets")
    db.conn.executemany("insert into broken_targets values (?)", [(u,) for u in broken])
    rows = db.query(
        """select p.site, p.url as page, p.final_url, l.target, l.text, l.raw, l.tag, l.attr,
                  l.selector, l.line, count(*) as times
           from links l join broken_targets b on b.url = l.target join pages p on p.id = l.page
           where l.run = ? group by p.id, l.target order by p.url, l.target""", [run])
    for row in rows:
        outcome = broken[row["target"]]
        if row["site"] not in sites:
            continue
        yield finding("link.broken", row["site"], row["page"], target=row["target"],
                      evidence=row["text"] or row["raw"],
                      detail=_describe(outcome["error"], outcome["status"], outcome["message"]),
                      error=outcome["error"], status=outcome["status"], chain=outcome["chain"],
                      on_homepage=row["page"] in homepages or row["final_url"] in homepages,
                      tag=row["tag"], attr=row["attr"], selector=row["selector"], line=row["line"],
                      times=row["times"])
    yield from _missing_anchors(db, run, sites, homepages)


def _missing_anchors(db, run: int, sites: dict, homepages: set[str]) -> Iterator[dict]:
    rows = db.query(
        """select p.site, p.url as page, p.final_url, p.ids, l.target, l.fragment, l.text, l.raw,
                  l.selector, l.line
           from links l join pages p on p.id = l.page
           where l.run = ? and l.fragment != '' and l.tag in ('a', 'area') and l.attr = 'href'""", [run])
    reported = set()
    for row in rows:
        if canonical_url(row["target"]) not in (canonical_url(row["page"]), canonical_url(row["final_url"] or "")):
            continue   # a fragment of another page: that page's anchors are not judged here
        fragment = unquote(row["fragment"])
        if row["site"] not in sites or fragment.lower() == "top" or fragment.startswith(("!", "/")):
            continue
        ids = set(json.loads(row["ids"] or "[]"))
        if fragment in ids or (row["page"], fragment) in reported:
            continue
        reported.add((row["page"], fragment))
        yield finding("link.broken", row["site"], row["page"], target=f"{row['target']}#{row['fragment']}",
                      evidence=row["text"] or row["raw"], detail=f"页内锚点 #{fragment} 不存在",
                      error="missing_anchor", status=None, on_homepage=row["page"] in homepages,
                      tag="a", attr="href", selector=row["selector"], line=row["line"], times=1)


# --- link.fake -----------------------------------------------------------------------------

VOID_HREF = re.compile(r"^(#|javascript:\s*(void\s*\(?\s*0?\s*\)?\s*;?|;|return\s+false;?|undefined;?)?)?$", re.I)
# Page tools and controls: they do something on the page, they do not pretend to lead somewhere.
TOOL_TEXT = re.compile(
    r"^(打印(本页|此页|文章|页面)?|关闭(本页|窗口|本窗口|页面)?|【?关闭】?|【?打印】?|返回(顶部|首页|上一页|上页)?|回到顶部|"
    r"顶部|top|收藏(本页|本站)?|加入收藏|设为首页|分享(到)?|字号|[大中小]|[【\[]?[大中小][】\]]?|默认|"
    r"上一[页张篇条]|下一[页张篇条]|搜索|查询|检索|登录|注册|退出|提交|重置|确定|取消|展开|收起|"
    r"无障碍|关怀版|长者模式|简体|繁體|繁体|English|播放|暂停|放大|缩小|[<>‹›«»←→＜＞]+|\d{1,2}|)$", re.I)
CONTROL_MARKUP = re.compile(r"role=[\"']?(tab|button)|class=[\"'][^\"']*\b(tab|prev|next|slide|swiper|carousel|"
                            r"toggle|close|print|share|fontsize|font-size|btn)\b", re.I)
TRIVIAL_ONCLICK = re.compile(r"^\s*(return\s+false|void\s*\(?0?\)?|javascript:\s*;?)?\s*;?\s*$", re.I)


def fake_reason(raw: str, text: str, onclick: str, markup: str) -> str | None:
    """Why an a/area link is fake (leads nowhere), or None when it is a real link or a page tool."""
    href = raw.strip()
    if not VOID_HREF.match(href):
        return None
    if onclick and not TRIVIAL_ONCLICK.match(onclick):
        return None          # a script handles the click
    if TOOL_TEXT.match(" ".join(text.split())):
        return None
    if CONTROL_MARKUP.search(markup or ""):
        return None
    if href == "":
        return "链接地址为空"
    if href == "#":
        return "链接地址为“#”，点击后不跳转"
    return f"链接地址为“{href}”，点击后无任何反应"


def fake_links(ctx) -> Iterator[dict]:
    """link.fake: clickable items that lead nowhere, one finding per page and link."""
    db, run, sites = ctx.db, ctx.run, ctx.sites
    rows = db.query(
        """select p.site, p.url as page, l.raw, l.text, l.onclick, l.markup, l.selector, l.line
           from links l join pages p on p.id = l.page
           where l.run = ? and l.tag in ('a', 'area') and l.attr = 'href'
             and (l.raw = '' or l.raw = '#' or lower(l.raw) like 'javascript:%')
           order by p.url, l.rowid""", [run])
    for row in rows:
        if row["site"] not in sites:
            continue
        reason = fake_reason(row["raw"] or "", row["text"] or "", row["onclick"] or "", row["markup"] or "")
        if reason:
            yield finding("link.fake", row["site"], row["page"], target=row["raw"],
                          evidence=row["text"] or row["markup"], detail=reason,
                          key=(row["raw"], row["text"], row["selector"]),
                          selector=row["selector"], line=row["line"], markup=row["markup"])
