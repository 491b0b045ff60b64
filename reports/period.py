"""Periods (month, quarter, year) and which stored runs belong to them.

A monthly check of a site is the latest complete run of the month (by as-of date, then
run id) that inspected the site; a quarter or year is the monthly checks of its months.
New-media accounts are assessed from the month's latest complete run that covered
accounts (a run with rows in an `account_runs` table when one exists, otherwise a run
with findings about accounts).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

QUARTER_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}


class PeriodError(ValueError):
    """A period written the wrong way (message in Chinese)."""


@dataclass(frozen=True)
class Period:
    """A month (number 1–12), a quarter (1–4) or a whole year (number 0)."""

    kind: str          # "month" | "quarter" | "year"
    year: int
    number: int = 0

    @property
    def months(self) -> list[tuple[int, int]]:
        if self.kind == "month":
            return [(self.year, self.number)]
        if self.kind == "quarter":
            return [(self.year, m) for m in range(3 * self.number - 2, 3 * self.number + 1)]
        return [(self.year, m) for m in range(1, 13)]

    @property
    def start(self) -> dt.date:
        year, month = self.months[0]
        return dt.date(year, month, 1)

    @property
    def end(self) -> dt.date:
        year, month = self.months[-1]
        return dt.date(year, month, calendar.monthrange(year, month)[1])

    @property
    def label(self) -> str:
        """2026年11月 / 2026年第三季度 / 2026年."""
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{QUARTER_ZH[self.number]}季度"
        return f"{self.year}年"

    @property
    def slug(self) -> str:
        """2026-11 / 2026Q3 / 2026 (file and folder names)."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        return str(self.year)

    @property
    def span(self) -> str:
        """The months covered, as a bulletin says it: 2026年7月至9月."""
        first, last = self.months[0][1], self.months[-1][1]
        return f"{self.year}年{first}月" if first == last else f"{self.year}年{first}月至{last}月"


def parse_period(month: str | None = None, quarter: str | None = None, year: str | None = None) -> Period:
    """Exactly one of --month 2026-10, --quarter 2026Q3, --year 2026."""
    given = [v for v in (month, quarter, year) if v]
    if len(given) != 1:
        raise PeriodError("请指定且只指定一个期间：--month 2026-10、--quarter 2026Q3 或 --year 2026")
    if month:
        found = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", month)
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise PeriodError(f"月份格式应为 YYYY-MM（如 2026-10）：{month!r}")
        return Period("month", int(found.group(1)), int(found.group(2)))
    if quarter:
        found = re.fullmatch(r"\s*(\d{4})\s*[-]?\s*[Qq]([1-4])\s*", quarter)
        if not found:
            raise PeriodError(f"季度格式应为 YYYYQn（如 2026Q3）：{quarter!r}")
        return Period("quarter", int(found.group(1)), int(found.group(2)))
    found = re.fullmatch(r"\s*(\d{4})\s*", year or "")
    if not found:
        raise PeriodError(f"年份格式应为 YYYY（如 2026）：{year!r}")
    return Period("year", int(found.group(1)))


def month_of(as_of: str) -> tuple[int, int]:
    day = dt.date.fromisoformat(as_of[:10])
    return day.year, day.month


def complete_runs(db, period: Period) -> list[dict]:
    """The period's complete runs, oldest first."""
    return list(db.query("select * from runs where status = 'complete' and as_of >= ? and as_of <= ? "
                         "order by as_of, id", [period.start.isoformat(), period.end.isoformat() + "\uffff"]))


def site_runs_by_month(db, period: Period) -> dict[tuple[int, int], dict[str, dict]]:
    """{(year, month): {site id: site_runs row + run's as_of}} — the latest complete run per site."""
    runs = {r["id"]: r for r in complete_runs(db, period)}
    out: dict[tuple[int, int], dict[str, dict]] = {}
    if not runs:
        return out
    marks = ",".join("?" for _ in runs)
    rows = db.query(f"select * from site_runs where run in ({marks}) order by run, site", list(runs))
    for row in rows:
        run = runs[row["run"]]
        bucket = out.setdefault(month_of(run["as_of"]), {})
        current = bucket.get(row["site"])
        if current is None or (run["as_of"], run["id"]) > (current["as_of"], current["run"]):
            bucket[row["site"]] = dict(row, as_of=run["as_of"][:10])
    return out


def media_run_by_month(db, period: Period) -> dict[tuple[int, int], dict]:
    """{(year, month): run row} — the latest complete run of the month that covered accounts."""
    runs = complete_runs(db, period)
    if not runs:
        return {}
    ids = [r["id"] for r in runs]
    marks = ",".join("?" for _ in ids)
    covered = {row["run"] for row in db.query(
        f"select distinct run from findings where run in ({marks}) and account is not null and account != ''", ids)}
    if "account_runs" in db.table_names():
        covered |= {row["run"] for row in db.query(
            f"select distinct run from account_runs where run in ({marks})", ids)}
    out: dict[tuple[int, int], dict] = {}
    for run in runs:            # oldest first: the last one of each month wins
        if run["id"] in covered:
            out[month_of(run["as_of"])] = dict(run, as_of=run["as_of"][:10])
    return out
