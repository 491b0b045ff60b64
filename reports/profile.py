"""The scoring profile: which checks veto, how many points each costs, each indicator's cap.

The defaults ship as reports/profile.toml (values from CHECKS.md). A configuration may
override any of them in its optional `[scoring]` table (same structure, merged key by
key), or point `[scoring] profile = "file.toml"` at a whole profile of its own.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_PROFILE = Path(__file__).with_name("profile.toml")

TOP_KEYS = {"pass_mark", "full_marks", "indicators", "checks", "profile"}
INDICATOR_KEYS = {"name", "target", "cap"}
CHECK_KEYS = {"name", "target", "veto", "veto_at", "veto_rules", "indicator", "points", "points_home",
              "points_key", "per", "percent_key", "confirmed_only"}
PER_UNITS = ("finding", "target", "evidence", "url", "percent")
TARGETS = ("site", "account")


class ProfileError(Exception):
    """A bad value in a scoring profile; `key` is the dotted path of the offending key."""

    def __init__(self, key: str, message: str):
        self.key, self.message = key, message
        super().__init__(f"{key}: {message}")


@dataclass(frozen=True)
class Indicator:
    """A deduction indicator (扣分指标): its deductions stop at `cap` points."""

    id: str
    name: str
    target: str
    cap: float


@dataclass(frozen=True)
class VetoRule:
    """Veto once `count` counted findings (of the given extra.kind values, if any) exist."""

    count: int
    kinds: tuple[str, ...] | None = None


@dataclass(frozen=True)
class CheckRule:
    """How one check id scores."""

    id: str
    name: str
    target: str
    veto: bool = False
    veto_rules: tuple[VetoRule, ...] = ()
    indicator: str | None = None
    points: float = 0.0
    points_home: float | None = None
    points_key: str | None = None
    per: str = "finding"
    percent_key: str | None = None
    confirmed_only: bool = False     # counts only once staff confirmed it (疑似 findings)


@dataclass(frozen=True)
class Profile:
    """A complete scoring profile."""

    pass_mark: float
    full_marks: float
    indicators: dict[str, Indicator]
    checks: dict[str, CheckRule]

    def rule(self, check_id: str) -> CheckRule | None:
        return self.checks.get(check_id)

    def name(self, check_id: str) -> str:
        """The Chinese name of a problem type (the id itself for checks the profile lacks)."""
        rule = self.checks.get(check_id)
        return rule.name if rule else check_id


def _merge(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _number(key: str, value: Any, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ProfileError(key, f"应为数字，实际为 {value!r}")
    if value < minimum:
        raise ProfileError(key, f"不能小于 {minimum}：{value!r}")
    return float(value)


def validate(raw: dict, prefix: str = "scoring") -> None:
    """Check the keys and values of a (partial) profile; raise ProfileError on the first problem."""
    for key in raw:
        if key not in TOP_KEYS:
            raise ProfileError(f"{prefix}.{key}", f"未知的评分设置（可用：{', '.join(sorted(TOP_KEYS))}）")
    for key in ("pass_mark", "full_marks"):
        if key in raw:
            _number(f"{prefix}.{key}", raw[key])
    if "profile" in raw and not isinstance(raw["profile"], str):
        raise ProfileError(f"{prefix}.profile", "应为评分方案文件的路径（文本）")
    for table, allowed in (("indicators", INDICATOR_KEYS), ("checks", CHECK_KEYS)):
        entries = raw.get(table, {})
        if not isinstance(entries, dict):
            raise ProfileError(f"{prefix}.{table}", "应为表")
        for entry_id, entry in entries.items():
            where = f'{prefix}.{table}."{entry_id}"'
            if not isinstance(entry, dict):
                raise ProfileError(where, "应为表")
            for key, value in entry.items():
                if key not in allowed:
                    raise ProfileError(f"{where}.{key}", f"未知的设置（可用：{', '.join(sorted(allowed))}）")
                _validate_entry_value(f"{where}.{key}", key, value)


def _validate_entry_value(where: str, key: str, value: Any) -> None:
    if key in ("cap", "points", "points_home"):
        _number(where, value)
    elif key == "veto_at":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ProfileError(where, f"应为正整数，实际为 {value!r}")
    elif key in ("veto", "confirmed_only"):
        if not isinstance(value, bool):
            raise ProfileError(where, "应为 true 或 false")
    elif key == "target":
        if value not in TARGETS:
            raise ProfileError(where, f"必须是 {' | '.join(TARGETS)} 之一：{value!r}")
    elif key == "per":
        if value not in PER_UNITS:
            raise ProfileError(where, f"必须是 {' | '.join(PER_UNITS)} 之一：{value!r}")
    elif key == "veto_rules":
        if not isinstance(value, list):
            raise ProfileError(where, "应为列表，例如 [{count = 5, kinds = [\"news\"]}]")
        for rule in value:
            if not isinstance(rule, dict) or set(rule) - {"count", "kinds"} or "count" not in rule:
                raise ProfileError(where, f"每条规则应为 {{count = N, kinds = [...]}}：{rule!r}")
            if isinstance(rule["count"], bool) or not isinstance(rule["count"], int) or rule["count"] < 1:
                raise ProfileError(where, f"count 应为正整数：{rule['count']!r}")
            kinds = rule.get("kinds", [])
            if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
                raise ProfileError(where, f"kinds 应为文本列表：{kinds!r}")
    elif not isinstance(value, str):   # name, indicator, points_key, percent_key
        raise ProfileError(where, f"应为文本，实际为 {value!r}")


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ProfileError("scoring.profile", f"评分方案文件不存在：{path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError("scoring.profile", f"评分方案文件 {path} 语法错误：{exc}") from None


def load_profile(overrides: dict | None = None, base_dir: Path | None = None) -> Profile:
    """The default profile with `overrides` (a config's [scoring] table) merged in."""
    raw = _read(DEFAULT_PROFILE)
    overrides = dict(overrides or {})
    validate(overrides)
    if "profile" in overrides:
        path = Path(overrides.pop("profile"))
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        own = _read(path)
        validate(own, prefix=str(path))
        raw = _merge(raw, own)
    raw = _merge(raw, overrides)
    return build(raw)


def build(raw: dict) -> Profile:
    """Turn a merged raw profile into a Profile, checking cross references."""
    indicators = {}
    for ind_id, entry in sorted(raw.get("indicators", {}).items()):
        indicators[ind_id] = Indicator(id=ind_id, name=entry.get("name", ind_id),
                                       target=entry.get("target", "site"), cap=float(entry.get("cap", 0)))
    checks = {}
    for check_id, entry in sorted(raw.get("checks", {}).items()):
        indicator = entry.get("indicator")
        if indicator is not None and indicator not in indicators:
            raise ProfileError(f'scoring.checks."{check_id}".indicator',
                               f"没有名为 {indicator!r} 的扣分指标（可用：{', '.join(indicators)}）")
        rules = [VetoRule(count=int(r["count"]), kinds=tuple(r["kinds"]) if r.get("kinds") else None)
                 for r in entry.get("veto_rules", [])]
        if entry.get("veto_at"):
            rules.append(VetoRule(count=int(entry["veto_at"])))
        checks[check_id] = CheckRule(
            id=check_id, name=entry.get("name", check_id), target=entry.get("target", "site"),
            veto=bool(entry.get("veto", False)), veto_rules=tuple(rules), indicator=indicator,
            points=float(entry.get("points", 0)),
            points_home=float(entry["points_home"]) if "points_home" in entry else None,
            points_key=entry.get("points_key"), per=entry.get("per", "finding"),
            percent_key=entry.get("percent_key"), confirmed_only=bool(entry.get("confirmed_only", False)))
    return Profile(pass_mark=float(raw.get("pass_mark", 60)), full_marks=float(raw.get("full_marks", 100)),
                   indicators=indicators, checks=checks)
