"""The `[schedule]` table of sites.toml: when the scheduler (scheduler.py) runs each job.

Every key has a default, so a file without `[schedule]` schedules everything:

    [schedule]
    timezone = "Asia/Shanghai"
    probe_every_minutes = 30        # availability probes: every 30 minutes ...
    probe_jitter_minutes = 10       # ... ± up to 10 minutes, so the times are irregular (~48 a day)
    inspection = "1st 01:00"        # monthly full inspection: day of month (1-28) and time
    update_check = "mon 02:00"      # weekly cheap update check (homepage and columns): weekday and time
    monthly_report = "1st 07:00"    # monthly results, after the inspection
    bulletin = "5th 09:00"          # quarterly bulletin: that day of the first month of each quarter
    media_poll = "daily 06:00"      # new-media poll
    retention = "daily 03:30"       # drop raw page bodies older than retention_months
    retention_months = 6

A time is "HH:MM" (24-hour) after the day: "1st"/"15th"/"1日" for a day of the month,
"mon".."sun"/"周一".."周日" for a weekday, "daily"/"每天" for every day; "off" disables the job.
This module does not import xunjian.config at import time (the config loader imports it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_ZH = ("一", "二", "三", "四", "五", "六", "日")
QUARTER_MONTHS = "1,4,7,10"


@dataclass(frozen=True)
class When:
    """A calendar time: monthly (day), weekly (weekday), daily, or off."""

    kind: str                   # "monthly" | "weekly" | "daily" | "off"
    hour: int = 0
    minute: int = 0
    day: int | None = None      # 1-28, monthly
    weekday: int | None = None  # 0 = Monday, weekly

    def cron(self, quarterly: bool = False) -> dict[str, Any]:
        """Keyword arguments for APScheduler's CronTrigger."""
        fields: dict[str, Any] = {"hour": self.hour, "minute": self.minute, "second": 0}
        if self.kind == "monthly":
            fields["day"] = self.day
            if quarterly:
                fields["month"] = QUARTER_MONTHS
        elif self.kind == "weekly":
            fields["day_of_week"] = WEEKDAYS[self.weekday or 0]
        return fields

    def describe(self, quarterly: bool = False) -> str:
        """The schedule in Chinese, as `xunjian schedule --list` prints it."""
        clock = f"{self.hour:02d}:{self.minute:02d}"
        if self.kind == "off":
            return "已关闭"
        if self.kind == "monthly":
            return f"每季度首月 {self.day} 日 {clock}" if quarterly else f"每月 {self.day} 日 {clock}"
        if self.kind == "weekly":
            return f"每周{WEEKDAYS_ZH[self.weekday or 0]} {clock}"
        return f"每天 {clock}"


_CLOCK = r"(?P<h>\d{1,2}):(?P<m>\d{2})"
_FORMS = [
    ("off", re.compile(r"^(off|关闭|不运行)$")),
    ("monthly", re.compile(r"^(每月)?\s*(?P<d>\d{1,2})\s*(st|nd|rd|th|日|号)\s+" + _CLOCK + "$")),
    ("weekly", re.compile(r"^(?P<w>mon|tue|wed|thu|fri|sat|sun|周[一二三四五六日天]|星期[一二三四五六日天])\s+"
                          + _CLOCK + "$")),
    ("daily", re.compile(r"^(daily|每天|每日)\s+" + _CLOCK + "$")),
]


def parse_when(text: str) -> When:
    """Parse "1st 01:00", "mon 02:00", "daily 03:30" or "off"; ValueError (in Chinese) if bad."""
    value = " ".join(str(text).strip().lower().split())
    for kind, pattern in _FORMS:
        match = pattern.match(value)
        if not match:
            continue
        if kind == "off":
            return When("off")
        hour, minute = int(match["h"]), int(match["m"])
        if hour > 23 or minute > 59:
            raise ValueError(f"时间 {hour:02d}:{minute:02d} 无效（应为 00:00 至 23:59）")
        if kind == "monthly":
            day = int(match["d"])
            if not 1 <= day <= 28:
                raise ValueError(f"日期应为每月 1 至 28 日（29 至 31 日并非每月都有）：{day}")
            return When(kind, hour, minute, day=day)
        if kind == "weekly":
            name = match["w"]
            index = WEEKDAYS.index(name) if name in WEEKDAYS else \
                ("一二三四五六日".find(name[-1]) if name[-1] != "天" else 6)
            return When(kind, hour, minute, weekday=index)
        return When(kind, hour, minute)
    raise ValueError(f"无法识别的时间 {text!r}（示例：\"1st 01:00\" 每月 1 日、\"mon 02:00\" 每周一、"
                     f"\"daily 03:30\" 每天、\"off\" 关闭）")


# key -> (default, allowed kinds, Chinese label)
WHEN_KEYS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "inspection": ("1st 01:00", ("monthly",), "月度全面巡检"),
    "update_check": ("mon 02:00", ("weekly", "daily"), "每周更新检查"),
    "monthly_report": ("1st 07:00", ("monthly",), "月度检查结果"),
    "bulletin": ("5th 09:00", ("monthly",), "季度通报（每季度首月）"),
    "media_poll": ("daily 06:00", ("daily", "weekly"), "新媒体采集"),
    "retention": ("daily 03:30", ("daily", "weekly"), "过期网页正文清理"),
}
# key -> (default, minimum, maximum, Chinese label)
INT_KEYS: dict[str, tuple[int, int, int, str]] = {
    "probe_every_minutes": (30, 5, 24 * 60, "可用性探测间隔（分钟）"),
    "probe_jitter_minutes": (10, 0, 12 * 60, "可用性探测时间的随机浮动（分钟）"),
    "retention_months": (6, 1, 120, "网页正文保留月数"),
}
KIND_ZH = {"monthly": "每月某日（如 \"1st 01:00\"）", "weekly": "每周某天（如 \"mon 02:00\"）",
           "daily": "每天（如 \"daily 03:30\"）"}
SCHEDULE_KEYS = {"timezone", *WHEN_KEYS, *INT_KEYS}


def _default(key: str) -> When:
    return parse_when(WHEN_KEYS[key][0])


@dataclass
class Schedule:
    """When each scheduled job runs (config `[schedule]`)."""

    timezone: str = "Asia/Shanghai"
    probe_every_minutes: int = 30
    probe_jitter_minutes: int = 10
    retention_months: int = 6
    inspection: When = field(default_factory=lambda: _default("inspection"))
    update_check: When = field(default_factory=lambda: _default("update_check"))
    monthly_report: When = field(default_factory=lambda: _default("monthly_report"))
    bulletin: When = field(default_factory=lambda: _default("bulletin"))
    media_poll: When = field(default_factory=lambda: _default("media_poll"))
    retention: When = field(default_factory=lambda: _default("retention"))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def parse_schedule(raw: Any, path, locate) -> Schedule:
    """Validate the `[schedule]` table; ConfigError naming file, line and key on a problem.

    `locate` is config_loader._Locator over the file's text.
    """
    from xunjian.config import ConfigError

    def error(key: str, message: str) -> ConfigError:
        return ConfigError(path, locate.key("schedule", -1, key), f"schedule.{key}", message)

    if not isinstance(raw, dict):
        raise ConfigError(path, locate.key(None, -1, "schedule"), "schedule", "应为表 [schedule]")
    schedule = Schedule()
    for key, value in raw.items():
        if key not in SCHEDULE_KEYS:
            raise error(key, f"未知的调度设置（可用：{', '.join(sorted(SCHEDULE_KEYS))}）")
        if key == "timezone":
            if not isinstance(value, str) or not value.strip():
                raise error(key, f"时区应为文本，如 \"Asia/Shanghai\"，实际为 {value!r}")
            try:
                ZoneInfo(value.strip())
            except (ZoneInfoNotFoundError, ValueError):
                raise error(key, f"未知的时区 {value!r}（示例：\"Asia/Shanghai\"）") from None
            schedule.timezone = value.strip()
        elif key in INT_KEYS:
            _, low, high, label = INT_KEYS[key]
            if isinstance(value, bool) or not isinstance(value, int):
                raise error(key, f"{label}应为整数，实际为 {value!r}")
            if not low <= value <= high:
                raise error(key, f"{label}应在 {low} 至 {high} 之间：{value!r}")
            setattr(schedule, key, value)
        else:
            _, kinds, label = WHEN_KEYS[key]
            if not isinstance(value, str):
                raise error(key, f"{label}的时间应为文本，如 \"{WHEN_KEYS[key][0]}\"，实际为 {value!r}")
            try:
                when = parse_when(value)
            except ValueError as exc:
                raise error(key, f"{label}：{exc}") from None
            if when.kind != "off" and when.kind not in kinds:
                allowed = "、".join(KIND_ZH[k] for k in kinds)
                raise error(key, f"{label}只能写成{allowed}或 \"off\"：{value!r}")
            setattr(schedule, key, when)
    if schedule.probe_jitter_minutes * 2 >= schedule.probe_every_minutes:
        raise error("probe_jitter_minutes" if "probe_jitter_minutes" in raw else "probe_every_minutes",
                    f"随机浮动（{schedule.probe_jitter_minutes} 分钟）应小于探测间隔"
                    f"（{schedule.probe_every_minutes} 分钟）的一半，否则两次探测的先后会颠倒")
    return schedule
