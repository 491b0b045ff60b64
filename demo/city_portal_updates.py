"""qh-portal: the planted 信息更新 defects (stale and blank columns, a republished article).

Kept apart from city_portal so each module stays small; everything here works on the
portal's Column/Article objects and records what it plants in the truth file.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from demo.citykit import (AS_OF, CHECK_COLUMN_EMPTY, CHECK_COLUMN_STALE, CHECK_FAKED, Truth,
                          is_stale, window_start)

# Blank columns linked from the homepage's 政务公开 block: path -> (name, what the page shows).
BLANK = {
    "/zwgk/zdxm/index.html": ("重大项目", "placeholder"),   # the list template says 暂无信息
    "/zwgk/zfcg/index.html": ("政府采购", "nothing"),       # heading only, no list at all
}
REPUBLISHED_AGE = 100       # days: the original was published about three months before AS_OF
REPUBLISHED_GAP = 4         # days: the copy went online four days before AS_OF


def plant_republished(zwdt, everything: list) -> tuple:
    """Copy an old 政务动态 article under a new URL with a recent date (date.faked).

    Returns (original, copy). The copy keeps the body text word for word and the title;
    the CMS gave it the newest document id, as a republication would get.
    """
    cutoff = datetime(AS_OF.year, AS_OF.month, AS_OF.day) - timedelta(days=REPUBLISHED_AGE)
    original = next(a for a in zwdt.articles if a.when <= cutoff)
    day = AS_OF - timedelta(days=REPUBLISHED_GAP)
    copy = dataclasses.replace(
        original, when=datetime(day.year, day.month, day.day, 9, 30),
        docid=max(a.docid for a in everything) + 1, body=list(original.body), images=[],
        attachments=[], missing_files=set())
    zwdt.articles.append(copy)
    zwdt.articles.sort(key=lambda a: a.when, reverse=True)
    for index, art in enumerate(zwdt.articles):
        art.index = index
    everything.append(copy)
    return original, copy


def record_republished(original, copy, truth: Truth, site: str, site_name: str) -> None:
    # _plant must have left both untouched: the copy's text equals the original's.
    assert original.written and copy.written and copy.body == original.body
    assert not original.fake_href and not copy.fake_href
    truth.add(site, CHECK_FAKED, copy.path, original.path, f"{copy.title}_{site_name}",
              f"article of {original.when:%Y-%m-%d} republished word for word "
              f"on {copy.when:%Y-%m-%d} under a new URL")


def newest_item(col) -> datetime | None:
    """The newest date a column's list shows for a real item (rows linking nowhere are no items)."""
    dates = [a.when for a in col.articles if not a.fake_href]
    return max(dates) if dates else None


def record_stale(columns, truth: Truth, site: str) -> None:
    """One update.column_stale entry per column whose newest item is older than its window."""
    for col in columns:
        newest = newest_item(col)
        if is_stale(newest, col.window):
            truth.add(site, CHECK_COLUMN_STALE, col.list_page(0), None, col.name,
                      f"newest item {newest:%Y-%m-%d}, before {window_start(col.window)} "
                      f"({col.window} window)")


def write_blank(w, truth: Truth, render, site: str, site_name: str) -> None:
    """The two blank columns (column.empty) and their truth entries."""
    for path, (name, shows) in BLANK.items():
        crumb = (f'<div class="location">当前位置：<a href="/">首页</a> &gt; '
                 f'<a href="/zwgk/index.html">政务公开</a> &gt; {name}</div>')
        inner = '<ul>\n</ul>\n<p class="nodata">暂无信息</p>' if shows == "placeholder" else ""
        body = f'{crumb}\n<div class="list"><h2>{name}</h2>\n{inner}</div>'
        w.page(path, render(f"{name}_{site_name}", body, {"ColumnName": name, "ColumnType": "列表"}))
        note = ("column page shows only 暂无信息" if shows == "placeholder"
                else "column page has a heading and nothing else")
        truth.add(site, CHECK_COLUMN_EMPTY, path, None, name, note)
