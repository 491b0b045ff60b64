"""信息更新 checks: stale and blank columns, stale homepages, site identity, metadata, faked dates.

Every date is judged against the run's as-of date, never the wall clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Iterator

import lxml.html

from checks.columns import window_label, window_start
from checks.finding import finding
from checks.identity import ITEMS, identity_items
from checks.sitefacts import own_text

HOME_WINDOW = 14            # days (指标：首页 2 周内无更新)
HOME_THIN = 10              # fewer new homepage items than this in the window is 更新量不足
STALE_VETO_SHORT = 5        # stale 14-day/6-month columns that make the site fail
STALE_VETO_ANY = 10         # stale columns of any kind that make the site fail
EMPTY_VETO = 5              # blank columns that make the site fail
FAKED_MIN_TEXT = 100        # characters of own text before two articles can be "the same"


def column_stale(ctx) -> Iterator[dict]:
    """update.column_stale: a column with nothing new within its kind's window."""
    for site_id in ctx.sites:
        stale = []
        for column in ctx.columns(site_id):
            start = window_start(column.kind, ctx.as_of)
            if start is None or not column.items:
                continue
            last = column.last_update
            if last is not None and last >= start:
                continue
            stale.append(column)
        short = sum(1 for c in stale if c.kind.counts_for_veto)
        veto = short >= STALE_VETO_SHORT or len(stale) >= STALE_VETO_ANY
        for column in stale:
            last = column.last_update
            days = (ctx.as_of - last).days if last else None
            when = f"最后更新于 {last.isoformat()}，已 {days} 天未更新" if last else "栏目信息均无发布日期"
            yield finding("update.column_stale", site_id, column.url, evidence=column.name,
                          severity="veto" if veto else None,
                          detail=f"栏目“{column.name}”（{column.kind.label}，应在 {window_label(column.kind)}内更新）{when}",
                          key=(), kind=column.kind.id, kind_label=column.kind.label, kind_reason=column.kind_reason,
                          last_update=last.isoformat() if last else None, days=days, points=column.kind.points,
                          items=len(column.items), stale_short=short, stale_total=len(stale))


def column_empty(ctx) -> Iterator[dict]:
    """column.empty: a column reached from navigation with no items at all."""
    for site_id in ctx.sites:
        blank = [c for c in ctx.columns(site_id) if not c.items and c.empty_reason]
        veto = len(blank) >= EMPTY_VETO
        for column in blank:
            yield finding("column.empty", site_id, column.url, evidence=column.name,
                          severity="veto" if veto else None,
                          detail=f"空白栏目“{column.name}”：{column.empty_reason}", key=(),
                          reason=column.empty_reason, blank_total=len(blank))


def homepage_new_items(ctx, site_id: str) -> tuple[list[tuple[str, str, dt.date]], dt.date | None, str]:
    """(new items in the window as (url, title, date), newest date seen, how it was judged)."""
    facts = ctx.site_facts(site_id)
    home = facts.homepage
    if home is None:
        return [], None, "首页未能获取"
    dated: dict[str, tuple[str, dt.date]] = {}
    for item, date, _ in facts.item_dates(home.items):
        if date:
            dated.setdefault(item.url, (item.title, date))
    for target, text in home.links:     # links to articles whose row shows no date
        page = facts.pages.get(target)
        if target not in dated and page and page.date and target != home.url:
            dated[target] = (text or page.title, page.date.date)
    how = "首页信息"
    if not dated:   # a navigation-only homepage: look one level down
        how = "首页为导航页，按二级页面信息判断"
        for target, _ in home.links:
            page = facts.pages.get(target)
            if page is None or target == home.url:
                continue
            for item, date, _ in facts.item_dates(page.items):
                if date:
                    dated.setdefault(item.url, (item.title, date))
    start = ctx.as_of - dt.timedelta(days=HOME_WINDOW)
    new = sorted(((url, title, date) for url, (title, date) in dated.items() if start <= date <= ctx.as_of),
                 key=lambda row: row[2], reverse=True)
    newest = max((date for _, date in dated.values()), default=None)
    return new, newest, how


def home_stale(ctx) -> Iterator[dict]:
    """update.home_stale: nothing new reachable from the homepage in the 14 days before as-of."""
    for site_id, site in ctx.sites.items():
        if ctx.site_facts(site_id).homepage is None:
            continue
        new, newest, how = homepage_new_items(ctx, site_id)
        if new:
            continue
        last = f"，最近一条信息发布于 {newest.isoformat()}" if newest else "，首页信息均无发布日期"
        start = ctx.as_of - dt.timedelta(days=HOME_WINDOW)
        yield finding("update.home_stale", site_id, site.url, evidence=None, key=(),
                      detail=f"首页在 {start.isoformat()} 至 {ctx.as_of.isoformat()} 期间没有新增信息{last}（{how}）",
                      newest=newest.isoformat() if newest else None, basis=how)


def home_thin(ctx) -> Iterator[dict]:
    """update.home_thin: fewer than 10 new homepage items in the 14 days before as-of."""
    for site_id, site in ctx.sites.items():
        if ctx.site_facts(site_id).homepage is None:
            continue
        new, _, how = homepage_new_items(ctx, site_id)
        if 0 < len(new) < HOME_THIN:
            yield finding("update.home_thin", site_id, site.url, evidence=None, key=(),
                          detail=f"首页近 {HOME_WINDOW} 天仅新增 {len(new)} 条信息（应不少于 {HOME_THIN} 条）",
                          count=len(new), items=[{"url": u, "title": t, "date": d.isoformat()} for u, t, d in new],
                          basis=how)


def identity_missing(ctx) -> Iterator[dict]:
    """site.identity_missing: one finding per identity item missing from the homepage."""
    for site_id, site in ctx.sites.items():
        home = ctx.site_facts(site_id).homepage
        if home is None or not home.html:
            continue
        try:
            root = lxml.html.document_fromstring(home.html)
            links = [(a.get("href") or "", " ".join(a.text_content().split()),
                      " ".join(img.get("alt") or "" for img in a.iter("img"))) for a in root.iter("a")]
        except (ValueError, lxml.etree.ParserError):
            links = []
        found = identity_items(home.html, "\n".join(home.lines), links)
        for item, evidence in found.items():
            if evidence is None:
                yield finding("site.identity_missing", site_id, site.url, evidence=ITEMS[item],
                              detail=f"首页缺少{ITEMS[item]}", key=(item,), item=item)


# What the 发展指引 asks every page, column page and article page to carry.
META_ALL = ("SiteName", "SiteDomain", "SiteIDCode")
META_COLUMN = ("ColumnName", "ColumnType")
META_ARTICLE = ("ArticleTitle", "PubDate", "ContentSource")


def meta_missing(ctx) -> Iterator[dict]:
    """meta.missing: one finding per site counting pages that lack the required metadata."""
    from checks.columns import is_article

    for site_id, site in ctx.sites.items():
        facts = ctx.site_facts(site_id)
        column_pages = {url for column in ctx.columns(site_id) for url in column.list_pages}
        lacking: dict[str, int] = {}
        examples: list[str] = []
        pages = 0
        for url, page in facts.pages.items():
            wanted = list(META_ALL)
            if url in column_pages:
                wanted += META_COLUMN
            elif is_article(facts, page):
                wanted += META_ARTICLE
            missing = [name for name in wanted if not page.meta.get(name.lower())]
            if missing:
                pages += 1
                for name in missing:
                    lacking[name] = lacking.get(name, 0) + 1
                if len(examples) < 5:
                    examples.append(url)
        if pages:
            summary = "、".join(f"{name}（{count} 页）" for name, count in
                               sorted(lacking.items(), key=lambda kv: -kv[1]))
            yield finding("meta.missing", site_id, site.url, evidence=", ".join(sorted(lacking)), key=(),
                          detail=f"{pages} 个页面缺少网页元数据：{summary}", pages=pages, lacking=lacking,
                          examples=examples, total_pages=len(facts.pages))


def is_headline(line: str, page) -> bool:
    """The page's own title or heading line (as opposed to its body)."""
    return line == page.heading or (len(line) <= 80 and (line in page.title or page.title.startswith(line)))


def article_fingerprints(ctx, site_id: str) -> list[dict]:
    """Every article of the site with its date and a digest of its own text (for date.faked)."""
    from checks.columns import is_article

    facts = ctx.site_facts(site_id)
    articles = []
    for url, page in facts.pages.items():
        if not is_article(facts, page) or page.date is None:
            continue
        # The headline is left out too: a republished copy often carries a retouched title.
        own = own_text([line for line in facts.main_lines(page) if not is_headline(line, page)])
        if len(own) < FAKED_MIN_TEXT:
            continue
        articles.append({"site": site_id, "url": url, "title": page.title[:200],
                         "pubdate": page.date.date.isoformat(), "date_source": page.date.source,
                         "text_hash": hashlib.blake2b(own.encode("utf-8"), digest_size=16).hexdigest()})
    return articles


def date_faked(ctx) -> Iterator[dict]:
    """date.faked: an article whose text equals an earlier article's, with a newer date."""
    for site_id in ctx.sites:
        current = ctx.articles(site_id)
        earlier = {}
        for row in ctx.db.query(
                "select url, title, pubdate, text_hash from articles where site = ? and run < ? order by run",
                [site_id, ctx.run]):
            known = earlier.get(row["text_hash"])
            if known is None or row["pubdate"] < known["pubdate"]:
                earlier[row["text_hash"]] = row
        by_hash: dict[str, list[dict]] = {}
        for article in current:
            by_hash.setdefault(article["text_hash"], []).append(article)
        for digest, group in by_hash.items():
            candidates = group + ([earlier[digest]] if digest in earlier else [])
            first = min(candidates, key=lambda a: (a["pubdate"], a["url"]))
            for article in group:
                if article["pubdate"] > first["pubdate"]:
                    yield finding("date.faked", site_id, article["url"], target=first["url"],
                                  evidence=article["title"], key=(),
                                  detail=f"与 {first['pubdate']} 发布的《{first['title']}》内容相同，"
                                         f"发布日期却为 {article['pubdate']}",
                                  pubdate=article["pubdate"], original_date=first["pubdate"],
                                  original_url=first["url"])
