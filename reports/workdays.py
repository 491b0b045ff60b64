"""Working days in China: weekends and public holidays off, make-up workdays (调休) on.

Uses the chinese-calendar package, which publishes each year's State Council holiday
arrangement. For a year it does not cover yet, Monday to Friday count as working days,
and the caller is told so (so a notice never silently gets a wrong deadline).
"""

from __future__ import annotations

import datetime as dt

DEFAULT_DEADLINE_DAYS = 10


# Statutory holidays on fixed solar dates (全国年节及纪念日放假办法): 元旦, 劳动节, 国庆节.
# Used only for years the calendar package does not cover yet; lunar holidays and 调休 are unknown then.
FIXED_HOLIDAYS = {(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)}


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, was the holiday calendar known for that year)."""
    try:
        import chinese_calendar
    except ImportError:   # pragma: no cover - a declared dependency
        chinese_calendar = None
    if chinese_calendar is not None:
        try:
            return bool(chinese_calendar.is_workday(day)), True
        except NotImplementedError:
            pass
    return day.weekday() < 5 and (day.month, day.day) not in FIXED_HOLIDAYS, False


def add_workdays(start: dt.date, days: int = DEFAULT_DEADLINE_DAYS) -> tuple[dt.date, list[str]]:
    """The date `days` working days after `start` (start itself not counted), and any caveats."""
    caveats: set[str] = set()
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        working, known = is_workday(day)
        if not known:
            caveats.add(f"所用节假日数据尚未包含{day.year}年的放假安排，按周一至周五（除元旦、劳动节、国庆节法定假日）计算")
        if working:
            left -= 1
    return day, sorted(caveats)


def next_workday(day: dt.date) -> tuple[dt.date, list[str]]:
    """The first working day after `day`, and any caveats."""
    return add_workdays(day, 1)


def zh_date(day: dt.date) -> str:
    """2026年10月8日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"
