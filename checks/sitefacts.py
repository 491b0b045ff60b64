"""What the update checks need to know about each stored page, read once per check run.

Checks never touch the network: everything here comes from the stored page body. A page
is parsed once and reduced to small facts (its dated list items, pagination links,
breadcrumb, date, template-free text), so the column, homepage, metadata and faked-date
checks can all work from the same pass.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import multiprocessing
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Iterator
from urllib.parse import urldefrag, urlsplit

import lxml.html

from checks.dates import FoundDate, find_dates, is_valid, page_date
from checks.soft404 import soft_404_reason
from crawler.urlresolve import resolve_url
from xunjian.store import decompress, decompress_text

# 首页 is left out: on a list it may mean page 1, but it is also every menu's link home.
PAGER_TEXT = re.compile(r"^(下一页|下页|后页|尾页|末页|最后一页|上一页|上页|前页|第?\d{1,4}页?|>|>>|»|<|<<|«|next|prev)$", re.I)
PAGER_URL = re.compile(r"(index|list|default)_\d+\.s?html?$|[?&](page|pageno|pagenum|pn|p|pageindex|curpage|cpage)=\d+", re.I)
BREADCRUMB = re.compile(r"(当前位置|您的位置|你的位置|所在位置|当前栏目|位置)\s*[:：]\s*(.+)")
CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|»|/|→|-&gt;|＞|›)\s*")
PLACEHOLDER = re.compile(r"暂无(信息|数据|内容|记录|相关|文章)|没有(相关|找到)?(信息|数据|内容|记录)|信息(正在)?(更新|建设)中|"
                         r"栏目(正在)?建设中|内容(正在)?(更新|建设)中|敬请期待|此栏目下没有")
SKIP_HREF = ("javascript:", "#", "mailto:", "tel:", "data:")
YEAR = re.compile(r"\d{4}|[〇零一二三四五六七八九]{4}|年")
MIN_TITLE = 4


@dataclass(slots=True)
class Item:
    """A link in a list row: an item of a column (or of the homepage)."""

    url: str
    title: str
    date: dt.date | None
    date_text: str
    block: int            # which list block of its page it stands in
    short: bool = False   # the row showed the date without its year (11-20)


@dataclass
class PageFacts:
    id: int
    url: str
    depth: int
    title: str
    meta: dict[str, str]
    lines: list[str]
    items: list[Item]                 # rows of list blocks, dated or not
    links: list[tuple[str, str]]      # (target, text) of every a[href], fragment removed
    pagers: list[str]                 # pagination targets in the page's own folder
    crumbs: list[str]                 # breadcrumb names, home first
    heading: str
    date: FoundDate | None            # the page's own publication date (articles)
    html: str = field(repr=False, default="")


def _decode(body: bytes, charset: str | None) -> str:
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def parse_facts(page_id: int, url: str, depth: int, title: str, meta: dict, text: str, body: bytes,
                charset: str | None, as_of: dt.date, keep_html: bool = False) -> PageFacts:
    """Reduce one stored page to PageFacts."""
    html = _decode(body, charset)
    # Menus, footers and sidebars repeat on every page: interning their lines and links keeps
    # the facts of a 20,000-page site to a fraction of the memory.
    lines = [sys.intern(line.strip()) for line in text.split("\n") if line.strip()]
    facts = PageFacts(page_id, url, depth, title, meta, lines, [], [], [], [], "",
                      page_date(meta, text, url, as_of), html if keep_html else "")
    try:
        root = lxml.html.document_fromstring(html.replace("\x00", "") or "<html></html>")
    except (ValueError, lxml.etree.ParserError):
        return facts
    base = url
    for element in root.iter("base"):
        if element.get("href"):
            base = resolve_url(element.get("href"), url) or url
            break
    _links_and_items(root, base, url, as_of, facts)
    facts.crumbs = _breadcrumb(lines)
    for tag in ("h1", "h2"):
        heading = next((" ".join(h.text_content().split()) for h in root.iter(tag) if h.text_content().strip()), "")
        if heading:
            facts.heading = heading[:60]
            break
    return facts


def _links_and_items(root, base: str, page_url: str, as_of: dt.date, facts: PageFacts) -> None:
    anchors = []
    below: Counter = Counter()     # element -> how many a[href] it contains
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href:
            continue
        anchors.append((a, href))
        for ancestor in a.iterancestors():
            below[ancestor] += 1
    blocks: dict[object, int] = {}
    for a, href in anchors:
        if href.lower().startswith(SKIP_HREF):
            continue
        target = resolve_url(href, base)
        if not target:
            continue
        target = sys.intern(urldefrag(target)[0])
        text = sys.intern(" ".join(a.text_content().split()))
        facts.links.append((target, text))
        if PAGER_TEXT.match(text) or PAGER_URL.search(target):
            if is_next_page(target, page_url):
                facts.pagers.append(target)
            continue
        title = " ".join((a.get("title") or text).split())
        if len(title) < MIN_TITLE:
            continue
        row = a
        for ancestor in a.iterancestors():
            if ancestor.tag in ("body", "html") or below[ancestor] > 1:
                break
            row = ancestor
        if row is a:    # a link that shares its container with others is no list row
            continue
        container = row.getparent()
        rest = " ".join(row.text_content().split()).replace(text, " ")
        found = [(rest[s:e], d) for s, e, d in find_dates(rest, as_of) if is_valid(d, as_of)]
        if not found:   # the date may sit inside the link text: "标题 2026-11-20"
            inside = [(s, e, d) for s, e, d in find_dates(text, as_of) if is_valid(d, as_of)]
            if inside and inside[-1][1] >= len(text) - 1:
                found = [(text[inside[-1][0]:inside[-1][1]], inside[-1][2])]
        date_text, date = found[0] if found else ("", None)
        facts.items.append(Item(target, title[:200], date, date_text,
                                blocks.setdefault(container, len(blocks)),
                                short=bool(date_text) and not YEAR.search(date_text)))


def _breadcrumb(lines: list[str]) -> list[str]:
    for line in lines[:40]:
        match = BREADCRUMB.search(line)
        if match:
            parts = [p.strip() for p in CRUMB_SPLIT.split(match.group(2)) if p.strip()]
            if parts:
                return [p[:30] for p in parts]
    return []


def _facts_of_row(job: tuple) -> PageFacts | None:
    """PageFacts of one stored page row, or None for the site's "page not found" answer."""
    page_id, url, depth, title, meta, text_blob, body_blob, charset, as_of, keep_html, probe = job
    text = decompress_text(text_blob)
    if soft_404_reason(title or "", text, probe):
        return None
    return parse_facts(page_id, url, depth or 0, title or "", json.loads(meta) if meta else {}, text,
                       decompress(body_blob), charset, as_of, keep_html=keep_html)


def _interned(facts: PageFacts) -> PageFacts:
    """Share the strings that repeat across pages (pickling back from a worker un-interns them)."""
    intern = sys.intern
    facts.lines = [intern(line) for line in facts.lines]
    facts.links = [(intern(target), intern(text)) for target, text in facts.links]
    for item in facts.items:
        item.url = intern(item.url)
    return facts


PARALLEL_FROM = 400     # pages; below this a process pool costs more than it saves
BATCH = 512


def _parse_all(jobs: Iterator[tuple]) -> Iterator[PageFacts | None]:
    """Parse page rows, on every core for a large site, a batch at a time (bounded memory)."""
    first = list(itertools.islice(jobs, PARALLEL_FROM))
    if len(first) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        yield from map(_facts_of_row, first)
        yield from map(_facts_of_row, jobs)
        return
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=os.cpu_count(), mp_context=context) as pool:
        batch = first
        while batch:
            yield from pool.map(_facts_of_row, batch, chunksize=32)
            batch = list(itertools.islice(jobs, BATCH))


_NOISE = re.compile(r"[\s\W_]+", re.U)
# An article's own byline (date, source, views, font size, print): a copy re-dated differs here.
_BYLINE = re.compile(r"(发布时间|发布日期|发文日期|更新时间|日期|时间|来源|信息来源|浏览次数|阅读次数|点击数|访问量|"
                     r"作者|编辑|责任编辑|审核|字号|【?打印】?|【?关闭】?)\s*[:：]")


def own_text(lines: list[str]) -> str:
    """An article's own text for comparing copies: bylines and dates removed, other numbers kept
    (two monthly reports that differ only in their figures are different articles)."""
    kept = []
    for line in lines:
        if _BYLINE.search(line) and len(line) < 120:
            continue
        for start, end, _ in reversed(find_dates(line)):
            line = line[:start] + line[end:]
        kept.append(line)
    return _NOISE.sub("", "".join(kept))


class SiteFacts:
    """Every stored page of one site in one run, as PageFacts, with site-wide derived facts."""

    def __init__(self, db, run: int, site, as_of: dt.date):
        self.site, self.as_of = site, as_of
        self.pages: dict[str, PageFacts] = {}
        probe = next(iter(db.query("select probe_status, probe_title, probe_hash from site_runs "
                                   "where run = ? and site = ?", [run, site.id])), None)
        rows = db.execute("select id, url, depth, title, meta, text, body, charset from pages "
                          "where run = ? and site = ? and status < 400 order by id", [run, site.id])
        self._prose: dict[int, int] = {}
        jobs = ((*row, as_of, row[1] == site.url, probe) for row in rows)
        for facts in _parse_all(jobs):
            if facts is not None:
                self.pages[facts.url] = _interned(facts)

    @cached_property
    def homepage(self) -> PageFacts | None:
        return self.pages.get(self.site.url) or next(
            (p for p in self.pages.values() if p.depth == 0), None)

    @cached_property
    def template_lines(self) -> set[str]:
        """Text lines that stand on at least 40% of the site's pages (header, nav, footer)."""
        count: Counter = Counter()
        for page in self.pages.values():
            count.update(set(page.lines[1:]))     # the first line is the title
        floor = max(3, 0.4 * len(self.pages))
        return {line for line, n in count.items() if n >= floor}

    @cached_property
    def template_links(self) -> set[str]:
        """Link targets present on at least 40% of the site's pages (navigation menus)."""
        count: Counter = Counter()
        for page in self.pages.values():
            count.update({target for target, _ in page.links})
        floor = max(3, 0.4 * len(self.pages))
        return {target for target, n in count.items() if n >= floor}

    def main_lines(self, page: PageFacts) -> list[str]:
        """The page's text lines that are not part of the site's template."""
        template = self.template_lines
        return [line for line in page.lines[1:] if line not in template]

    def prose(self, page: PageFacts) -> int:
        """Characters of the page's own running text: not template, not link titles, not bylines."""
        if page.id not in self._prose:
            titles = sorted({text for _, text in page.links if len(text) >= 4}, key=len, reverse=True)
            lines = []
            for line in self.main_lines(page):
                for title in titles:
                    if title in line:
                        line = line.replace(title, "")
                lines.append(line)
            self._prose[page.id] = len(own_text(lines))
        return self._prose[page.id]

    @cached_property
    def link_counts(self) -> dict[str, int]:
        """How many times a target is usually linked from one page (menus and footers repeat)."""
        usual: dict[str, Counter] = {}
        for page in self.pages.values():
            for target, n in Counter(t for t, _ in page.links).items():
                usual.setdefault(target, Counter())[n] += 1
        return {target: counts.most_common(1)[0][0] for target, counts in usual.items()}

    def link_names(self) -> dict[str, Counter]:
        """For every target, how often each link text names it across the site."""
        names: dict[str, Counter] = {}
        for page in self.pages.values():
            for target, text in page.links:
                if text and len(text) <= 20 and not PAGER_TEXT.match(text) and text not in ("更多", "more", "More"):
                    names.setdefault(target, Counter())[text] += 1
        return names

    def item_dates(self, items: Iterable[Item]) -> list[tuple[Item, dt.date | None, str]]:
        """Each item's date: the one shown in its row, else its article's own date."""
        dated = []
        for item in items:
            if item.date:
                dated.append((item, item.date, "list"))
                continue
            article = self.pages.get(item.url)
            if article and article.date:
                dated.append((item, article.date.date, article.date.source))
            else:
                dated.append((item, None, ""))
        return dated


def is_next_page(target: str, page_url: str) -> bool:
    """A pagination link of the same list: index_N in the same folder, or ?page=N of the same path."""
    if target == page_url:
        return False
    there, here = urlsplit(target), urlsplit(page_url)
    if there.netloc != here.netloc:
        return False
    if there.query and there.path == here.path:
        return True
    return there.path.rsplit("/", 1)[0] == here.path.rsplit("/", 1)[0] and bool(
        re.search(r"_\d+\.s?html?$|(index|list|default)\.s?html?$", there.path) or there.path.endswith("/"))
