"""Find the posts on a web page that lists an account's posts, with no per-site code.

A listing (a government site's 政务新媒体 page mirroring a WeChat account, a Weibo-like
timeline, a Toutiao-like card list) is a run of repeated sibling elements, each holding a
link and a date. The page is read in four steps:

1. **Dates.** The dates a post can have, and the links that can be posts
   (crawler/media/listdates.py: short date text nodes, ``<time datetime>``, dates at the
   edge of a link's text, relative dates such as ``3天前``; not dates in prose).
2. **Rows.** For every link with a title, its row is the lowest ancestor holding a date; an
   ancestor holding several rows (two or more children with both a date and a titled link)
   is a container, not a row, and the link stays undated. Rows nested in a row with the same
   dates are one post (a card's author line inside the card).
3. **The list.** Rows are grouped by their structural path (tags, ids and classes of their
   ancestors), so a list split over several ``<ul>`` is one list and a sidebar is another.
   The list is the group with the most dated rows; a single dated row counts only when no
   larger undated list of real titles stands beside it (a footer's 更新时间 is no post).
4. **Years by list order.** A list is newest first: a year-less date later than the row
   above it belongs to the previous year, once three rows are in order (pinned items at the
   top are out of order by design). When no list shows dates, a list of at least three
   titles is returned undated, so the caller can date its posts from their own pages.

`parse_listing` never raises on arbitrary markup and never touches the network.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from crawler.media import html_text
from crawler.media.listdates import MIN_TITLE, NEXT_TEXT, SKIP_HREF, scan
from crawler.urlresolve import resolve_url

_DROP = ("script", "style", "noscript", "template", "select", "textarea", "head")
_TITLE_CLASS = re.compile(r"title|tit\b|biaoti|bt\b", re.I)


@dataclass
class Item:
    """One post as the listing shows it."""

    url: str
    title: str
    published: dt.datetime | None
    yearless: bool = False            # the date was written without its year (11-20)
    text: str = ""                    # the row's own text (title, summary, byline)
    links: list[dict] = field(default_factory=list)   # other links in the row (author, mentions)


@dataclass
class Listing:
    """What one listing page holds."""

    items: list[Item]
    undated: int = 0                  # items of a list of titles that shows no dates (then items are undated)
    next_url: str | None = None       # the "下一页" link, if any
    login: bool = False               # the page asks for a password


class _Paths:
    """Structural signatures: a row's tag and the tags, ids and classes of its ancestors, each
    ancestor path numbered once (so deep pages cost time in proportion to their size)."""

    def __init__(self):
        self.ids: dict = {}             # element -> path number
        self.numbers: dict[tuple, int] = {}

    def _path(self, el) -> int:
        chain = []
        while el is not None and el not in self.ids:
            chain.append(el)
            el = el.getparent()
        number = self.ids.get(el, -1) if el is not None else -1
        for node in reversed(chain):
            key = (node.tag, node.get("id") or "", " ".join(sorted((node.get("class") or "").split())), number)
            number = self.numbers.setdefault(key, len(self.numbers))
            self.ids[node] = number
        return number

    def signature(self, el) -> tuple:
        return el.tag, self._path(el.getparent()) if el.getparent() is not None else -1


def parse_listing(markup: str, page_url: str, as_of: dt.date | None, tz: dt.tzinfo) -> Listing:
    """The posts listed on one page (see the module docstring); never raises."""
    try:
        return _parse(markup, page_url, as_of, tz)
    except (ValueError, etree.LxmlError, RecursionError):
        return Listing(items=[])


def _parse(markup: str, page_url: str, as_of, tz) -> Listing:
    markup = re.sub(r"^\s*<\?xml[^>]*>", "", (markup or "").replace("\x00", ""))
    if not markup.strip():
        return Listing(items=[])
    root = lxml.html.document_fromstring(markup)
    base = page_url
    for element in root.iter("base"):
        if element.get("href"):
            base = resolve_url(element.get("href"), page_url) or page_url
            break
    login = any((i.get("type") or "").lower() == "password" for i in root.iter("input"))
    next_url = _next_link(root, base, page_url)
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *_DROP, with_tail=False)
    body = root.find("body")
    if body is None:
        return Listing(items=[], login=login, next_url=next_url)

    occs, links = scan(body, base, as_of, tz)

    dates_below: dict = {}
    for index, occ in enumerate(occs):
        for el in (occ.owner, *occ.owner.iterancestors()):
            dates_below.setdefault(el, []).append(index)
    urls_below: dict = {}
    for a, url, _ in links:
        for el in (a, *a.iterancestors()):
            urls_below.setdefault(el, set()).add(url)

    # 2. Rows: the lowest ancestor of a titled link that holds a date, unless it holds several rows.
    rows: dict = {}                                      # row element -> [(a, url, title)]
    undated: dict = {}
    for a, url, title in links:
        row = None
        for el in (a, *a.iterancestors()):
            if el.tag in ("body", "html"):
                break
            if el in dates_below:
                children = [c for c in el if c in dates_below and c in urls_below]
                if len(dates_below[el]) == 1 or len(children) < 2:
                    row = el
                break
        if row is not None:
            rows.setdefault(row, []).append((a, url, title))
            continue
        top = a                                           # undated: highest ancestor with only this link
        for el in a.iterancestors():
            if el.tag in ("body", "html") or len(urls_below.get(el, ())) > 1:
                break
            top = el
        undated.setdefault(top, []).append((a, url, title))
    paths = _Paths()
    rows = _align(rows, dates_below, urls_below, paths.signature)
    for row in list(rows):
        for parent in row.iterancestors():
            if parent in rows and set(dates_below[parent]) == set(dates_below[row]):
                rows[parent].extend(rows.pop(row))
                break

    # 3. The list: the structural group with the most dated rows, else a list of titles without dates.
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault(paths.signature(row), []).append(("dated", row))
    for row in undated:
        groups.setdefault(paths.signature(row), []).append(("undated", row))
    best = max(groups.values(), key=lambda g: (sum(kind == "dated" for kind, _ in g), len(g)), default=[])
    n_dated = sum(kind == "dated" for kind, _ in best)
    plain = max((g for g in groups.values() if len(g) >= 3 and all(kind == "undated" for kind, _ in g)
                 and sum(len(undated[row][0][2]) for _, row in g) >= 8 * len(g)),   # titles, not a menu
                key=len, default=[])
    if n_dated == 1:
        row = next(r for kind, r in best if kind == "dated")
        if plain or len(_primary(rows[row], dates_below, row)[2]) < 6:
            n_dated = 0                                   # a footer's or a banner's date, not a post
    chosen = best if n_dated else plain
    order = {el: n for n, el in enumerate(body.iter())}
    items, seen = [], set()
    for kind, row in sorted(chosen, key=lambda kr: order.get(kr[1], 0)):
        members = rows[row] if kind == "dated" else undated[row]
        _, url, title = _primary(members, dates_below, row)
        if url in seen:
            continue
        seen.add(url)
        moment, yearless = _row_date([occs[i] for i in dates_below[row]], as_of) if kind == "dated" else (None, False)
        others = {u: {"url": u, "text": t[:200]} for _, u, t in members if u != url}
        items.append(Item(url=url, title=title[:200], published=moment, yearless=yearless,
                          text=_row_text(row),
                          links=list(others.values())))
    infer_years(items, as_of)
    return Listing(items=items, undated=0 if n_dated else len(items), next_url=next_url, login=login)


def _align(rows: dict, dates_below: dict, urls_below: dict, signature) -> dict:
    """Lift each row to the level its siblings share: a row may grow to an ancestor holding the
    same dates and links (a date link inside its post), and takes the level most rows can take."""
    chains = {}
    for row in rows:
        chain = [row]
        parent = row.getparent()
        while parent is not None and parent.tag not in ("body", "html") and \
                dates_below.get(parent) == dates_below[row] and urls_below.get(parent) == urls_below.get(row):
            chain.append(parent)
            parent = parent.getparent()
        chains[row] = chain
    counts: dict[tuple, int] = {}
    for chain in chains.values():
        for sig in {signature(el) for el in chain}:
            counts[sig] = counts.get(sig, 0) + 1
    aligned: dict = {}
    for row, members in rows.items():
        best = max(reversed(chains[row]), key=lambda el: counts[signature(el)])    # ties: the whole post
        aligned.setdefault(best, []).extend(members)
    return aligned


def _near(a, row) -> list:
    """The link and up to two of its ancestors, not above the row."""
    out = [a]
    for parent in a.iterancestors():
        if len(out) == 3 or out[-1] is row:
            break
        out.append(parent)
    return out


def _primary(members: list, dates_below: dict, row) -> tuple:
    """The post's own link in a row: a heading or "title" link, else a date link, else the longest."""
    def rank(member):
        a, _, title = member
        heading = any(el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") or _TITLE_CLASS.search(el.get("class") or "")
                      for el in _near(a, row))
        return heading, a in dates_below and len(title) < MIN_TITLE, len(title)
    best = max(members, key=rank)
    if len(best[2]) < MIN_TITLE:                         # a permalink written as a date: title from the row
        best = (best[0], best[1], " ".join(_row_text(row).split())[:60])
    return best


_INLINE_END = re.compile(r"(</(?:a|span|td|th|time|font|em|strong|b|i|label|small|cite)\s*>)", re.I)


def _row_text(row) -> str:
    """A row's text in lines, inline elements kept apart by a space (标题 2026-11-20, not 标题2026-11-20)."""
    return html_text(_INLINE_END.sub(r"\1 ", etree.tostring(row, encoding="unicode", with_tail=False)))


def _row_date(occs: list, as_of: dt.date | None) -> tuple[dt.datetime | None, bool]:
    """A row's date: the latest not after as_of (a row may show 成文 and 发布 dates), else the earliest."""
    past = [o for o in occs if as_of is None or o.moment.date() <= as_of]
    pick = max(past, key=lambda o: o.moment) if past else min(occs, key=lambda o: o.moment, default=None)
    return (pick.moment, pick.yearless) if pick else (None, False)


def infer_years(items: list[Item], as_of: dt.date | None) -> None:
    """Give year-less dates the year their place in a newest-first list implies (in place)."""
    previous: dt.datetime | None = None
    in_order = 0
    for item in items:
        moment = item.published
        if moment is None:
            continue
        if item.yearless and previous is not None and moment > previous and in_order >= 3:
            earlier = _year_back(moment)
            if earlier is not None and earlier <= previous:
                item.published = moment = earlier
        in_order = in_order + 1 if previous is None or moment <= previous else 0
        previous = moment


def _year_back(moment: dt.datetime) -> dt.datetime | None:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:                                   # 02-29
        return None


def _next_link(root, base: str, page_url: str) -> str | None:
    """The listing's next page: rel="next", or a link reading 下一页 / next / ›, on the same host."""
    candidates = [el for el in root.iter("a", "link") if "next" in (el.get("rel") or "").lower()]
    candidates += [a for a in root.iter("a") if NEXT_TEXT.match(" ".join(a.text_content().split()))]
    here = urlsplit(page_url)
    for el in candidates:
        href = (el.get("href") or "").strip()
        if not href or href.lower().startswith(SKIP_HREF):
            continue
        url = resolve_url(href, base)
        if url and urlsplit(url).netloc == here.netloc and url.split("#")[0] != page_url.split("#")[0]:
            return url
    return None
