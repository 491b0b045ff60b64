"""Scoring: one site's (or account's) findings in one monthly check → its score and verdict.

Pure functions. The rules (CHECKS.md, reports/profile.toml):
- findings staff dismissed (reviews.status = "dismissed") do not count at all;
- any veto → 不合格, whatever the score;
- otherwise 100 minus the deductions, each indicator's deductions capped at its points;
- below the pass mark (60) → 不合格.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from reports.profile import CheckRule, Indicator, Profile

SEVERITY_ORDER = {"veto": 0, "deduct": 1, "notice": 2}


@dataclass(frozen=True)
class Veto:
    """Why a site or account is 不合格 regardless of its score."""

    check: str
    name: str
    count: int
    detail: str


@dataclass
class Deduction:
    """Deductions under one indicator: what each check cost, and the capped total."""

    indicator: Indicator
    items: list[tuple[str, int, float]] = field(default_factory=list)   # (check, units, points)

    @property
    def raw(self) -> float:
        return round(sum(points for _, _, points in self.items), 2)

    @property
    def applied(self) -> float:
        return round(min(self.raw, self.indicator.cap), 2)


@dataclass
class Score:
    """The result of one site or account in one monthly check."""

    kind: str                       # "site" | "account"
    id: str
    name: str
    department: str
    score: float
    vetoes: list[Veto]
    deductions: list[Deduction]
    counts: dict[str, int]          # check id -> counted findings
    points: dict[str, float]        # check id -> points before the indicator cap
    units: dict[str, int]           # check id -> scoring units (distinct targets, pages, …)
    unreviewed: int                 # counted findings nobody has confirmed yet
    dismissed: int                  # findings left out because staff dismissed them
    findings: list[dict]            # the counted findings
    pass_mark: float = 60.0
    platform: str | None = None     # accounts only

    @property
    def vetoed(self) -> bool:
        return bool(self.vetoes)

    @property
    def passed(self) -> bool:
        return not self.vetoes and self.score >= self.pass_mark

    @property
    def verdict(self) -> str:
        return "合格" if self.passed else "不合格"

    @property
    def reason(self) -> str:
        """Why it failed, in Chinese ("" when it passed)."""
        if self.vetoes:
            return "单项否决：" + "、".join(v.name for v in self.vetoes)
        if not self.passed:
            return f"得分低于{fmt_points(self.pass_mark)}分"
        return ""

    @property
    def score_text(self) -> str:
        """The score as a bulletin shows it: a vetoed site gets no score."""
        return "单项否决" if self.vetoes else fmt_points(self.score)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def fmt_points(value: float) -> str:
    """97.0 → "97", 99.7 → "99.7", 0.35 → "0.35"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _extra_number(finding: dict, key: str | None) -> float | None:
    if not key:
        return None
    value = (finding.get("extra") or {}).get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def check_points(rule: CheckRule, findings: list[dict]) -> tuple[int, float]:
    """(scoring units, points) that `findings` of one check cost under `rule`."""
    if rule.per == "target":
        groups: dict[str, bool] = {}
        for f in findings:
            key = f.get("target") or f.get("url") or ""
            groups[key] = groups.get(key, False) or bool((f.get("extra") or {}).get("on_homepage"))
        home = rule.points_home if rule.points_home is not None else rule.points
        return len(groups), round(sum(home if on_home else rule.points for on_home in groups.values()), 4)
    if rule.per in ("evidence", "url"):
        groups_pts: dict[tuple, float] = {}
        for f in findings:
            key = (f.get("evidence") or f.get("url"), f.get("suggestion")) if rule.per == "evidence" \
                else (f.get("url"),)
            value = _extra_number(f, rule.points_key)
            groups_pts[key] = max(groups_pts.get(key, 0.0), rule.points if value is None else value)
        return len(groups_pts), round(sum(groups_pts.values()), 4)
    if rule.per == "percent":
        worst = 0.0
        for f in findings:
            value = _extra_number(f, rule.points_key)
            if value is None:
                percent = _extra_number(f, rule.percent_key) or 0.0
                value = math.floor(percent + 1e-9) * rule.points
            worst = max(worst, value)
        return len(findings), round(worst, 4)
    total = 0.0
    for f in findings:
        value = _extra_number(f, rule.points_key)
        total += rule.points if value is None else value
    return len(findings), round(total, 4)


def _vetoes(check: str, rule: CheckRule | None, findings: list[dict], name: str) -> list[Veto]:
    first = findings[0].get("detail") or "" if findings else ""
    if rule is None:
        # A check the profile does not know: trust the severity the check gave its findings.
        vetoing = [f for f in findings if f.get("severity") == "veto"]
        return [Veto(check, name, len(vetoing), vetoing[0].get("detail") or "")] if vetoing else []
    if rule.veto:
        return [Veto(check, name, len(findings), first)]
    for veto_rule in rule.veto_rules:
        matching = [f for f in findings
                    if veto_rule.kinds is None or (f.get("extra") or {}).get("kind") in veto_rule.kinds]
        if len(matching) >= veto_rule.count:
            detail = f"{name}{len(matching)}个（达到{veto_rule.count}个即单项否决）"
            return [Veto(check, name, len(matching), detail)]
    return []


def score_findings(findings: Iterable[dict], profile: Profile, *, kind: str, id: str, name: str,
                   department: str, platform: str | None = None) -> Score:
    """Score one site's or account's findings of one monthly check."""
    all_findings = list(findings)
    # A 疑似 finding (a rule with confirmed_only) counts only once a person confirmed it; until
    # then it is neither a problem of the site nor waiting in the bulletin's review count.
    counted = [f for f in all_findings if f.get("status") != "dismissed"
               and not (getattr(profile.rule(f["check"]), "confirmed_only", False) and f.get("status") != "confirmed")]
    by_check: dict[str, list[dict]] = defaultdict(list)
    for f in counted:
        by_check[f["check"]].append(f)
    vetoes: list[Veto] = []
    deductions: dict[str, Deduction] = {}
    points: dict[str, float] = {}
    units: dict[str, int] = {}
    for check in sorted(by_check):
        group = by_check[check]
        rule = profile.rule(check)
        check_name = profile.name(check)
        vetoes += _vetoes(check, rule, group, check_name)
        if rule is None or rule.indicator is None:
            units[check], points[check] = len(group), 0.0
            continue
        units[check], points[check] = check_points(rule, group)
        indicator = profile.indicators[rule.indicator]
        deductions.setdefault(indicator.id, Deduction(indicator)).items.append((check, units[check], points[check]))
    applied = sum(d.applied for d in deductions.values())
    score = round(max(profile.full_marks - applied, 0.0), 2)
    vetoes.sort(key=lambda v: (v.check,))
    ordered = sorted(deductions.values(), key=lambda d: list(profile.indicators).index(d.indicator.id))
    return Score(kind=kind, id=id, name=name, department=department, score=score, vetoes=vetoes,
                 deductions=ordered, counts={c: len(g) for c, g in sorted(by_check.items())},
                 points=points, units=units, unreviewed=sum(1 for f in counted if f.get("status", "open") == "open"),
                 dismissed=sum(1 for f in all_findings if f.get("status") == "dismissed"), findings=sort_findings(counted),
                 pass_mark=profile.pass_mark, platform=platform)


def sort_findings(findings: Iterable[dict]) -> list[dict]:
    """A stable order for findings in documents: severity, check, page, target, evidence."""
    return sorted(findings, key=lambda f: (SEVERITY_ORDER.get(f.get("severity") or "", 3), f.get("check") or "",
                                           f.get("url") or "", f.get("target") or "", f.get("evidence") or "",
                                           f.get("fingerprint") or ""))
