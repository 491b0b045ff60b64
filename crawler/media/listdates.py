"""Dates as a listing page writes them, and the links that can be posts (crawler/media/listing.py).

A post's date is a short text node that is mostly a date (``2026-11-20``, ``2026年11月20日``,
``11-20``, ``[2026/11/20]``, ``发布时间：…``), a ``<time datetime>``, a date at the start or
end of a link's text (or a link that is a date: a timeline's permalink), or a relative date
(``3天前``, ``昨天 10:30``, ``今天``, ``刚刚``) counted back from the as-of date. Calendar
dates are found by checks.dates (a year-less one takes the most recent year not after
as_of). Dates in running prose, and a header's "今天是…", are no post's date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from checks.dates import MIN_DATE, find_dates, parse_date
from crawler.media import parse_time
from crawler.urlresolve import resolve_url

MIN_TITLE = 4                  # characters of a link text that can be a post title
SHORT_RESIDUE = 10             # characters besides the date in a text node that is "a date"
SKIP_HREF = ("javascript:", "#", "mailto:", "tel:", "data:", "about:")
_NOT_POST_DATE = re.compile("今天是|今日是|当前时间|现在时间|当前日期|现在是|今天日期")
_RELATIVE = re.compile(r"刚刚|(\d{1,3})\s*(分钟|小时|天|日|周|星期|个月|年)前|今天|昨天|前天")
_RELATIVE_DAYS = {"分钟": 0, "小时": 0, "天": 1, "日": 1, "周": 7, "星期": 7, "个月": 30, "年": 365}
_TIME_OF_DAY = re.compile(r"[ \u3000\xa0T]*([01]?\d|2[0-3])[:：]([0-5]\d)")
_RESIDUE = re.compile(r"[\W\d_]+|发布时间|发布日期|发表时间|发表于|发布于|更新时间|更新于|日期|时间|星期.|周.", re.U)
_HAS_YEAR = re.compile(r"[0-9０-９]{4}|年")
NEXT_TEXT = re.compile(r"^(下一?页|后一?页|next|next\s*page|[›»>]{1,2})\s*[›»>]*$", re.I)
_PAGER_TEXT = re.compile(r"^(上一?页|前一?页|首页|尾页|末页|最后一页|第?\d{1,4}页?|prev|previous|[‹«<]{1,2})$", re.I)
_EDGE = " []【】()（）·•-—|:：,，"


@dataclass
class Occ:
    """One date written on the page."""

    owner: object                     # the element the date is written in
    moment: dt.datetime
    yearless: bool


def _valid(day: dt.date, as_of: dt.date | None) -> bool:
    """A post date: not before 1995, and (full dates) not more than a year after as_of."""
    return day >= MIN_DATE and (as_of is None or day <= as_of + dt.timedelta(days=366))


def _moment(day: dt.date, text: str, end: int, tz: dt.tzinfo) -> dt.datetime:
    clock = _TIME_OF_DAY.match(text, end)
    hour, minute = (int(clock[1]), int(clock[2])) if clock else (0, 0)
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


def _dates_in(text: str, as_of: dt.date | None, tz: dt.tzinfo) -> list[tuple[int, int, dt.datetime, bool]]:
    """(start, end, moment, year-less) of every date and relative date in `text`."""
    found = [(s, e, _moment(d, text, e, tz), not _HAS_YEAR.search(text[s:e]))
             for s, e, d in find_dates(text, as_of) if _valid(d, as_of)]
    if as_of is not None:
        for match in _RELATIVE.finditer(text):
            days = {"昨天": 1, "前天": 2}.get(match.group(0), 0)
            if match.group(1):
                days = int(match.group(1)) * _RELATIVE_DAYS[match.group(2)]
            found.append((match.start(), match.end(),
                          _moment(as_of - dt.timedelta(days=days), text, match.end(), tz), False))
    return sorted(found, key=lambda f: f[0])


def _short_node(text: str, start: int, end: int) -> bool:
    """True when the text node is mostly this date (a byline, a table cell, a list's date)."""
    return len(_RESIDUE.sub("", text[:start] + text[end:])) <= SHORT_RESIDUE


def _text_dates(text: str, owner, as_of, tz, out: list[Occ]) -> None:
    if not text or not text.strip() or _NOT_POST_DATE.search(text):
        return
    for start, end, moment, yearless in _dates_in(text, as_of, tz):
        if _short_node(text, start, end):
            out.append(Occ(owner, moment, yearless))


def _link_text(a) -> str:
    text = " ".join(a.text_content().split())
    title = " ".join((a.get("title") or "").split())
    if len(title) > len(text) and (not text or title.startswith(text.rstrip(".…。 "))):
        text = title                  # "关于做好…" cut short on the page, whole in title=""
    if not text:
        text = " ".join(" ".join(img.get("alt") or "" for img in a.iter("img")).split())
    return text


def _link_date(a, text: str, as_of, tz) -> tuple[Occ | None, str]:
    """The date a link's text starts or ends with (or is), and the text without it."""
    for t in a.iter("time"):
        occ = _time_element(t, as_of, tz)
        if occ:
            return Occ(a, occ.moment, occ.yearless), text
    if _NOT_POST_DATE.search(text):
        return None, text
    spans = _dates_in(text, as_of, tz)
    for start, end, moment, yearless in (spans[0], spans[-1]) if spans else ():
        clock = _TIME_OF_DAY.match(text, end)
        stop = clock.end() if clock else end
        if not text[:start].strip(_EDGE) or not text[stop:].strip(_EDGE):
            return Occ(a, moment, yearless), " ".join((text[:start] + " " + text[stop:]).split()).strip(_EDGE)
    return None, text


def _time_element(t, as_of, tz) -> Occ | None:
    value = (t.get("datetime") or "").strip()
    if not value:
        return None
    moment = parse_time(value, tz)
    if moment is None:
        day = parse_date(value, as_of)
        moment = dt.datetime(day.year, day.month, day.day, tzinfo=tz) if day else None
    if moment is None or not _valid(moment.date(), as_of):
        return None
    return Occ(t, moment, False)


def scan(body, base: str, as_of: dt.date | None, tz: dt.tzinfo) -> tuple[list[Occ], list[tuple[object, str, str]]]:
    """Every post date on a page (links and <time> read as units, other text per text node), and
    every link that can be a post: (element, absolute URL, title without its date)."""
    occs: list[Occ] = []
    links: list[tuple[object, str, str]] = []
    units: set = set()
    for el in body.iter("a", "time"):
        if any(parent in units for parent in el.iterancestors()):
            continue
        units.add(el)
        if el.tag == "time":
            occ = _time_element(el, as_of, tz)
            if occ:
                occs.append(occ)
            else:
                units.discard(el)     # no machine-readable date: its text is read like any other
            continue
        text = _link_text(el)
        occ, title = _link_date(el, text, as_of, tz)
        if occ:
            occs.append(occ)
        href = (el.get("href") or "").strip()
        rel = (el.get("rel") or "").lower()
        if not href or href.lower().startswith(SKIP_HREF) or "next" in rel or "prev" in rel:
            continue
        url = resolve_url(href, base)
        if not url or not url.lower().startswith(("http://", "https://")):
            continue
        if NEXT_TEXT.match(text) or _PAGER_TEXT.match(text):
            continue
        if len(title) >= MIN_TITLE or occ is not None:
            links.append((el, url, title))
    inside = {d for u in units for d in u.iterdescendants()} | units
    for el in body.iter():
        if el not in inside and el.text:
            _text_dates(el.text, el, as_of, tz, occs)
        if el is not body and el.tail and el.getparent() not in inside:
            _text_dates(el.tail, el.getparent(), as_of, tz, occs)
    return occs, links
