"""可用性 checks: site.unreachable and home.availability, from the stored homepage probes.

The window is the 7 full days before the run's as-of date (as-of − 7 … as-of − 1, by the
local date in each probe's `at`), so an inspection at 01:00 on the 1st judges seven whole
days. The indicators ask for at least 20 probes a day at irregular times; a day with fewer
is reported in the finding (`days_under_20`), so staff know the figure is weak. A site with
no probe in the window gets no availability finding (it was not monitored).

An outage is a run of consecutive failed probes: from the first failed probe to the first
probe that succeeded again (or to the last failed probe, if none has yet).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterator

from checks.finding import finding

WINDOW_DAYS = 7
MIN_PER_DAY = 20            # probes a day the indicators ask for
VETO_PERCENT = 5            # site.unreachable at 5% or more failed probes
POINTS_PER_PERCENT = 5      # home.availability: 5 points per full 1%
LISTED_OUTAGES = 10         # outage intervals spelled out in a finding's detail


@dataclass
class Availability:
    """What one site's probes in the window add up to."""

    start: dt.date
    end: dt.date                                    # last day of the window (inclusive)
    probes: int = 0
    failures: int = 0
    per_day: dict[str, int] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    outages: list[dict] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.failures / self.probes if self.probes else 0.0

    @property
    def full_percent(self) -> int:
        return self.failures * 100 // self.probes if self.probes else 0

    @property
    def veto(self) -> bool:
        return self.probes > 0 and self.failures * 100 >= VETO_PERCENT * self.probes

    @property
    def points(self) -> int:
        return POINTS_PER_PERCENT * self.full_percent

    @property
    def days_under(self) -> list[str]:
        return [day for day, count in self.per_day.items() if count < MIN_PER_DAY]

    def evidence(self) -> str:
        return f"失败 {self.failures}/{self.probes} 次（{self.share * 100:.1f}%）"


def window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day (inclusive) of the 7-day window before `as_of`."""
    return as_of - dt.timedelta(days=WINDOW_DAYS), as_of - dt.timedelta(days=1)


def availability(db, site_id: str, as_of: dt.date) -> Availability:
    """Count the site's probes in the window before `as_of` and find its outages."""
    start, end = window(as_of)
    result = Availability(start, end)
    day = start
    while day <= end:
        result.per_day[day.isoformat()] = 0
        day += dt.timedelta(days=1)
    rows = db.execute("select at, status, error, message from probes where site = ? and at >= ? and at < ? "
                      "order by at", [site_id, start.isoformat(), as_of.isoformat()]).fetchall()
    current: dict | None = None
    for at, status, error, message in rows:
        day = at[:10]
        if day not in result.per_day:
            continue
        result.probes += 1
        result.per_day[day] += 1
        if error:
            result.failures += 1
            result.errors[error] += 1
            if current is None:
                current = {"from": at, "to": at, "recovered": None, "probes": 0, "errors": Counter()}
                result.outages.append(current)
            current["to"] = at
            current["probes"] += 1
            current["errors"][f"HTTP {status}" if status and error.startswith("http_") else error] += 1
        elif current is not None:
            current["recovered"] = at
            current = None
    for outage in result.outages:
        outage["errors"] = dict(outage["errors"].most_common())
    return result


def _clock(at: str) -> str:
    return at[5:16].replace("T", " ")


def describe_outage(outage: dict) -> str:
    """"11-14 08:03 至 08:35（HTTP 503，1 次）" — from the first failed probe to recovery."""
    end = outage["recovered"] or outage["to"]
    end_text = end[11:16] if end[:10] == outage["from"][:10] else _clock(end)
    why = "、".join(outage["errors"])
    tail = "" if outage["recovered"] else "，此后未见恢复"
    return f"{_clock(outage['from'])} 至 {end_text}（{why}，失败 {outage['probes']} 次{tail}）"


ERROR_ZH = {"dns": "域名无法解析", "refused": "连接被拒绝", "timeout": "超时", "tls": "TLS 握手失败",
            "connection": "连接中断", "redirect": "重定向异常", "invalid_url": "网址无效",
            "http_4xx": "HTTP 4xx", "http_5xx": "HTTP 5xx", "not_homepage": "不是真实首页（维护页或被替换）",
            "error": "其他错误"}


def detail(a: Availability, lead: str) -> str:
    """Chinese detail: the window, the figure, coverage per day and the outage intervals."""
    days = "、".join(f"{day[5:]} {count}" for day, count in a.per_day.items())
    text = (f"{lead}探测窗口 {a.start.isoformat()} 至 {a.end.isoformat()}（{WINDOW_DAYS} 天），"
            f"共探测首页 {a.probes} 次，失败 {a.failures} 次，失败率 {a.share * 100:.1f}%。")
    if a.errors:
        text += "失败原因：" + "、".join(f"{ERROR_ZH.get(k, k)} {n} 次" for k, n in a.errors.most_common()) + "。"
    text += f"每日探测次数：{days}。"
    under = a.days_under
    if under:
        text += (f"其中 {len(under)} 天少于 {MIN_PER_DAY} 次（指标要求每天不少于 {MIN_PER_DAY} 次、时间不固定），"
                 "该失败率可信度不足。")
    if a.outages:
        shown = "；".join(describe_outage(o) for o in a.outages[:LISTED_OUTAGES])
        more = f"；另有 {len(a.outages) - LISTED_OUTAGES} 段" if len(a.outages) > LISTED_OUTAGES else ""
        text += f"无法访问时段：{shown}{more}。"
    return text


def _extra(a: Availability) -> dict:
    # failed_percent unrounded: reports/profile.toml scores 5 points per full 1% of it.
    return {"probes": a.probes, "failures": a.failures, "share": round(a.share, 4),
            "failed_percent": a.failures * 100 / a.probes if a.probes else 0.0, "points": a.points,
            "days_under_20": len(a.days_under), "per_day": a.per_day, "errors": dict(a.errors),
            "window": [a.start.isoformat(), a.end.isoformat()],
            "outages": [{"from": o["from"], "to": o["recovered"] or o["to"], "last_failed": o["to"],
                         "recovered": o["recovered"] is not None, "probes": o["probes"], "errors": o["errors"]}
                        for o in a.outages]}


def _measured(ctx) -> Iterator[tuple[str, object, Availability]]:
    for site_id, site in ctx.sites.items():
        a = availability(ctx.db, site_id, ctx.as_of)
        if a.probes:
            yield site_id, site, a


def site_unreachable(ctx) -> Iterator[dict]:
    """site.unreachable: 5% or more of the homepage probes in the window failed (veto)."""
    for site_id, site, a in _measured(ctx):
        if a.veto:
            lead = f"首页探测失败率达到 {VETO_PERCENT}%（单项否决）。"
            yield finding("site.unreachable", site_id, site.url, evidence=a.evidence(), key=(),
                          detail=detail(a, lead), **_extra(a))


def home_availability(ctx) -> Iterator[dict]:
    """home.availability: the share of failed probes, 5 points per full 1% (a notice when the
    share is under 1% but there were failures, or when fewer than 20 probes a day were made)."""
    for site_id, site, a in _measured(ctx):
        if not a.failures and not a.days_under:
            continue
        severity = "deduct" if a.points else "notice"
        lead = (f"首页可用性：按每满 1% 扣 {POINTS_PER_PERCENT} 分，应扣 {a.points} 分。" if a.points else
                "首页可用性：失败率不足 1%，不扣分。" if a.failures else "首页可用性：未发现失败，但探测次数不足。")
        yield finding("home.availability", site_id, site.url, evidence=a.evidence(), key=(),
                      severity=severity, detail=detail(a, lead), **_extra(a))
