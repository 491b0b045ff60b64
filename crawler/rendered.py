"""The rendered pass of an inspection: open pages in Chromium and store how each link looks.

Static analysis (checks/visibility.py) judges links from markup and CSS; the browser
confirms it and sees links that only exist after scripts run. Without Chromium the
inspection goes on with static analysis only, and says so.
"""

from __future__ import annotations

import json
import sys

from xunjian.config import Site
from xunjian.store import open_store, record_error

MAX_RENDERED_PAGES = 500     # per site with render = "all": a browser page costs ~70 ms


def pages_to_render(db, run: int, site: Site) -> list[str]:
    """The stored pages of `site` its render setting asks for."""
    if site.render == "off":
        return []
    if site.render == "home":
        rows = db.execute("select url from pages where run = ? and site = ? and depth = 0 and status < 400",
                          [run, site.id]).fetchall()
        return [row[0] for row in rows][:1]
    rows = db.execute("select url from pages where run = ? and site = ? and status < 400 order by depth, id "
                      "limit ?", [run, site.id, MAX_RENDERED_PAGES]).fetchall()
    return [row[0] for row in rows]


def render_run(db_path: str, run: int, sites: list[Site], quiet: bool = False) -> int:
    """Render the pages each site asks for and store their links; return how many pages."""
    db = open_store(db_path)
    plan = {site.id: pages_to_render(db, run, site) for site in sites}
    if not any(plan.values()):
        return 0
    from crawler.render import BrowserUnavailable, Renderer, browser_available

    if browser_available() is None:
        message = ("提示：未找到 Chromium，暗链只做静态分析（未用浏览器复核）。"
                   "安装：apt-get install chromium（或运行 make install）。")
        print(message, file=sys.stderr)
        record_error(db, run, None, None, "render", message)
        return 0
    done = 0
    db.execute("delete from rendered_links where run = ?", [run])
    try:
        with Renderer() as renderer:
            for site in sites:
                for page in plan[site.id]:
                    raw = {row[0] for row in db.execute(
                        "select l.raw from links l join pages p on p.id = l.page where p.run = ? and p.url = ?",
                        [run, page])}
                    try:
                        links = renderer.links(page, raw)
                    except Exception as exc:   # one page failing never stops the pass
                        record_error(db, run, site.id, page, "render", f"浏览器渲染失败：{exc}")
                        continue
                    with db.conn:
                        db["rendered_links"].insert_all([{
                            "run": run, "site": site.id, "page": page, "href": link.href, "url": link.url,
                            "text": link.text[:200], "visible": int(link.visible), "reason": link.reason,
                            "box": json.dumps(link.box), "colour": link.colour, "background": link.background,
                            "scripted": int(link.scripted)} for link in links])
                    done += 1
    except BrowserUnavailable as exc:
        record_error(db, run, None, None, "render", str(exc))
        print(f"提示：{exc}", file=sys.stderr)
    if not quiet:
        print(f"浏览器复核：已渲染 {done} 个页面。", file=sys.stderr)
    return done
