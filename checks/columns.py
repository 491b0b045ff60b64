"""Column (栏目) discovery with no per-site code.

A column is a list page reached from navigation (menus, homepage blocks, breadcrumbs,
section pages), together with the further list pages its pagination leads to. Its items
are the rows of its main list; its name comes from the page's ColumnName metadata, the
breadcrumb, the links that lead to it, its heading or its title, in that order; its kind
(how often it must be updated) from that name through checks/data/column_kinds.toml,
unless the site's configuration says otherwise.
"""

from __future__ import annotations

import calendar
import datetime as dt
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from checks.sitefacts import BREADCRUMB, PLACEHOLDER, Item, PageFacts, SiteFacts
from crawler.scope import canonical_url

KINDS_FILE = Path(__file__).with_name("data") / "column_kinds.toml"
MIN_MAIN_TEXT = 30          # characters of non-template text that make a page "content"
ARTICLE_TEXT = 150          # an article has at least this much text of its own


@dataclass(frozen=True)
class Kind:
    id: str
    label: str
    window: str              # "14d", "6m", "12m" or "0" (no duty to update)
    points: float
    counts_for_veto: bool
    keywords: tuple[str, ...]


@lru_cache(maxsize=None)
def load_kinds(path: Path = KINDS_FILE) -> tuple[Kind, ...]:
    """The column kinds in matching order, from the data file."""
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)["kinds"]
    return tuple(Kind(k["id"], k["label"], str(k["window"]), float(k.get("points", 0)),
                      bool(k.get("counts_for_veto", False)), tuple(k["keywords"])) for k in raw)


def window_start(kind: Kind, as_of: dt.date) -> dt.date | None:
    """The earliest update date that still counts as up to date, or None for no duty."""
    amount, unit = int(kind.window[:-1] or 0) if kind.window != "0" else 0, kind.window[-1:]
    if amount == 0:
        return None
    if unit == "d":
        return as_of - dt.timedelta(days=amount)
    months = as_of.year * 12 + as_of.month - 1 - amount
    year, month = divmod(months, 12)
    return dt.date(year, month + 1, min(as_of.day, calendar.monthrange(year, month + 1)[1]))


def window_label(kind: Kind) -> str:
    """The window in words: 14 天, 6 个月, 1 年."""
    if kind.window == "0":
        return "无更新要求"
    amount, unit = int(kind.window[:-1]), kind.window[-1]
    if unit == "d":
        return f"{amount} 天"
    return f"{amount // 12} 年" if amount % 12 == 0 else f"{amount} 个月"


def kind_by_id(kind_id: str) -> Kind:
    for kind in load_kinds():
        if kind.id == kind_id:
            return kind
    raise KeyError(kind_id)


def classify_name(name: str) -> tuple[Kind, str]:
    """(kind, why) for a column name: the first kind with a keyword in the name."""
    for kind in load_kinds():
        for keyword in kind.keywords:
            if keyword in name:
                return kind, f"名称含“{keyword}”"
    return kind_by_id("annual"), "名称未匹配任何类别，按应定期更新栏目（一年）对待"


@dataclass
class Column:
    site: str
    url: str                          # its first list page
    name: str
    name_source: str
    kind: Kind
    kind_reason: str
    list_pages: list[str] = field(default_factory=list)
    items: list[tuple[Item, dt.date | None, str]] = field(default_factory=list)
    empty_reason: str | None = None   # why it counts as blank, when it has no items

    @property
    def last_update(self) -> dt.date | None:
        dates = [d for _, d, _ in self.items if d]
        return max(dates) if dates else None


def is_article(facts: SiteFacts, page: PageFacts) -> bool:
    """A page with its own publication date and a body of its own running text.

    A list whose rows read 发布时间：… also has a labelled date; what it lacks is prose:
    its text is link titles and dates.
    """
    if page.date is None:
        return False
    if facts.prose(page) >= ARTICLE_TEXT:
        return True
    dated_rows = sum(1 for item in page.items if item.date and item.url not in facts.template_links)
    return page.date.source.startswith("meta") and dated_rows < 3


def main_list(facts: SiteFacts, page: PageFacts, repeated: set[str],
              navigation: set[str] = frozenset()) -> list[tuple[Item, dt.date | None, str]]:
    """The page's main list: its largest block of dated rows that is not a site-wide sidebar.

    A block is a sidebar (热点信息) when most of its rows are listed on many pages; a column
    whose newest item also sits in the sidebar keeps that item. A block with no dates counts
    only on a navigation target whose rows lead to articles (an undated column, which is
    judged not updated), since menus have no dates either.
    """
    blocks: dict[int, list[Item]] = {}
    for item in page.items:
        blocks.setdefault(item.block, []).append(item)
    best: list = []
    for rows in blocks.values():
        if sum(1 for row in rows if row.url in repeated) * 2 > len(rows):
            continue
        dated = facts.item_dates(rows)
        if sum(1 for _, d, _ in dated if d) * 2 < len(dated) and not (
                page.url in navigation and _leads_to_articles(facts, rows)):
            continue
        if len(dated) > len(best):
            best = dated
    return _newest_first(best)


def _leads_to_articles(facts: SiteFacts, rows: list[Item]) -> bool:
    targets = [facts.pages.get(row.url) for row in rows if row.url not in facts.template_links]
    articles = sum(1 for page in targets if page is not None and facts.prose(page) >= ARTICLE_TEXT)
    return len(rows) >= 2 and articles * 2 >= len(rows)


def _newest_first(rows: list) -> list:
    """Year-less dates (11-20) on a list sorted newest first: a row dated after the row above
    it belongs to the year before (12-20 then 06-01 read on 2026-11-20 is 2025-06-01)."""
    previous = None
    fixed = []
    for item, date, source in rows:
        if date and item.short and previous and date > previous:
            while date > previous:
                date = date.replace(year=date.year - 1) if not (date.month == 2 and date.day == 29) \
                    else date.replace(year=date.year - 1, day=28)
        if date:
            previous = date
        fixed.append((item, date, source))
    return fixed


def repeated_items(facts: SiteFacts) -> set[str]:
    """Item URLs listed on many pages: the rows of sidebars such as 热点信息."""
    count: Counter = Counter()
    for page in facts.pages.values():
        count.update({item.url for item in page.items})
    floor = max(5, 0.2 * len(facts.pages))
    return {url for url, n in count.items() if n >= floor}


def navigation_targets(facts: SiteFacts) -> set[str]:
    """Pages that navigation leads to: menus, the homepage, breadcrumbs and section pages."""
    targets = set(facts.template_links)
    home = facts.homepage
    if home:
        targets |= {t for t, _ in home.links}
    names = {}
    for page in facts.pages.values():
        for target, text in page.links:
            names.setdefault(text, set()).add(target)
    for page in facts.pages.values():
        for crumb in page.crumbs[1:]:
            targets |= {t for t in names.get(crumb, ()) if t in facts.pages}
    return {t for t in targets if t in facts.pages and t != facts.site.url}


def discover(facts: SiteFacts, overrides: dict[str, dict] | None = None) -> list[Column]:
    """The site's columns, each with its list pages, items, name and kind."""
    overrides = {canonical_url(url): value for url, value in (overrides or {}).items()}
    repeated = repeated_items(facts)
    navigation = navigation_targets(facts)
    lists: dict[str, list] = {}
    for url, page in facts.pages.items():
        if url == facts.site.url or is_article(facts, page):
            continue
        rows = main_list(facts, page, repeated, navigation)
        if rows:
            lists[url] = rows

    # A section landing page (新闻中心, 政务公开) shows blocks copied from its sub-columns:
    # its items are other list pages' items, so it is no column of its own.
    for url in [u for u in lists if is_aggregate(u, lists)]:
        del lists[url]

    # Pagination joins list pages into one column; its first page is the one not reached
    # from another page's pager (or the shortest URL).
    follower: set[str] = set()
    for url in lists:
        follower |= {p for p in facts.pages[url].pagers if p != url}
    columns: list[Column] = []
    claimed: set[str] = set()
    for url in sorted(lists, key=lambda u: (u in follower and u not in navigation, len(u), u)):
        if url in claimed:
            continue
        group, queue = [], [url]
        while queue:
            current = queue.pop(0)
            if current in claimed or current not in facts.pages:
                continue
            claimed.add(current)
            group.append(current)
            queue.extend(facts.pages[current].pagers)
        items, seen = [], set()
        for page_url in group:
            for row in lists.get(page_url, []):
                if row[0].url not in seen:
                    seen.add(row[0].url)
                    items.append(row)
        columns.append(_column(facts, url, group, items, overrides))

    # Navigation targets that are neither list pages, articles, sections nor content: blank.
    for url in sorted(navigation - claimed):
        page = facts.pages[url]
        reason = blank_reason(facts, page, navigation | set(lists))
        if reason:
            columns.append(_column(facts, url, [url], [], overrides, reason))
    return [c for c in columns if not overrides.get(canonical_url(c.url), {}).get("exclude")]


def is_aggregate(url: str, lists: dict[str, list]) -> bool:
    """Most of the page's main-list items are listed by other list pages too."""
    own = {row[0].url for row in lists[url]}
    elsewhere = set()
    for other, rows in lists.items():
        if other != url:
            elsewhere |= {row[0].url for row in rows} & own
    return len(own) >= 2 and len(elsewhere) * 2 > len(own)


def blank_reason(facts: SiteFacts, page: PageFacts, columns: set[str]) -> str | None:
    """Why a navigation target is a blank column, or None when it has content."""
    if is_article(facts, page):
        return None
    # The breadcrumb and the column's own heading are furniture, not content.
    main = [line for line in facts.main_lines(page)
            if not BREADCRUMB.search(line) and line != page.heading and line not in page.title]
    text = "\n".join(main)
    placeholder = PLACEHOLDER.search(text)
    if placeholder and len(text) < 200:
        return f"页面显示“{placeholder.group(0)}”"
    own_links = [t for t, _ in page.links if t not in facts.template_links and t != page.url]
    # A section page leads to its sub-columns from its own body, even when the same links
    # also sit in a drop-down menu: it links them more often than pages usually do.
    here = Counter(t for t, _ in page.links)
    extra = [t for t, n in here.items() if t in columns and t != page.url and n > facts.link_counts.get(t, 0)]
    if len([t for t in own_links if t in columns]) + len(extra) >= 2:
        return None
    if sum(len(line) for line in main) < MIN_MAIN_TEXT and not own_links:
        return "栏目页面没有任何信息"
    return None


def _column(facts: SiteFacts, url: str, pages: list[str], items: list, overrides: dict,
            empty: str | None = None) -> Column:
    page = facts.pages[url]
    name, source = column_name(facts, page)
    override = overrides.get(canonical_url(url), {})
    if override.get("name"):
        name, source = override["name"], "配置指定"
    if override.get("kind"):
        kind, why = kind_by_id(override["kind"]), "配置指定"
    else:
        kind, why = classify_name(name)
    return Column(facts.site.id, url, name, source, kind, why, pages, items, empty)


@lru_cache(maxsize=None)
def _noise() -> frozenset[str]:
    return frozenset({"更多", "more", "More", "MORE", "首页", "返回", ">>", "更多>>", "详细", "查看更多"})


def column_name(facts: SiteFacts, page: PageFacts) -> tuple[str, str]:
    """(name, where it came from) for a column's first list page."""
    if page.meta.get("columnname"):
        return page.meta["columnname"].strip()[:40], "ColumnName 元数据"
    if len(page.crumbs) >= 2:
        return page.crumbs[-1], "当前位置"
    names = facts.link_names().get(page.url)
    if names:
        for text, _ in names.most_common():
            if text not in _noise():
                return text, "导航链接文字"
    if page.heading:
        return page.heading, "页面标题"
    title = page.title
    for separator in ("_", "-", "|", "—", " "):
        if separator in title:
            title = title.split(separator)[0]
            break
    return title.strip()[:40] or page.url, "网页标题"
