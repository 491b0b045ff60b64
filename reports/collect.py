"""Gather what a report needs from the store: monthly results and the period's problems.

Everything here is sorted so the same store and period always give the same report.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.period import Period, media_run_by_month, site_runs_by_month
from reports.profile import Profile, load_profile
from reports.scoring import Score, score_findings, sort_findings
from reports.settings import ReportSettings, settings_for
from xunjian.store import iter_findings

OPEN_STATUSES = ("open", "confirmed")
STATUS_ZH = {"open": "待审核", "confirmed": "已确认", "dismissed": "已排除", "fixed": "已整改"}
PLATFORM_ZH = {"wechat": "微信公众号", "weibo": "微博", "douyin": "抖音", "toutiao": "今日头条",
               "app": "移动客户端", "other": "其他"}


@dataclass(frozen=True)
class Entity:
    """A website or new-media account as documents name it."""

    kind: str              # "site" | "account"
    id: str
    name: str
    department: str
    url: str               # homepage, or the account's source
    platform: str | None = None
    order: int = 0         # position in the configuration (portal first, as the office lists them)

    @property
    def label(self) -> str:
        """清河市人民政府网站 / “清河发布”微信公众号."""
        if self.kind == "site":
            return self.name if self.name.endswith("网站") else self.name + "网站"
        return f"“{self.name}”{PLATFORM_ZH.get(self.platform or '', '')}"


@dataclass
class MonthResult:
    """One month's checks: a Score per site and account checked."""

    year: int
    month: int
    sites: list[Score]
    accounts: list[Score]
    as_of: dict[str, str]          # entity id -> as-of date of the run that checked it
    runs: dict[str, int]           # entity id -> run id

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def short(self) -> str:
        return f"{self.month}月"

    def scores(self, kind: str | None = None) -> list[Score]:
        if kind == "site":
            return self.sites
        if kind == "account":
            return self.accounts
        return self.sites + self.accounts


@dataclass
class Problem:
    """One problem (one fingerprint) in the period: its latest finding and when it was first seen."""

    entity: Entity
    finding: dict
    first_seen: str
    months: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.finding.get("status") or "open"


@dataclass
class PeriodData:
    """Everything a report of one period shows."""

    period: Period
    profile: Profile
    settings: ReportSettings
    entities: dict[str, Entity]
    months: list[MonthResult]
    problems: list[Problem]
    config_accounts: int = 0

    def entity_list(self, kind: str) -> list[Entity]:
        """Entities of `kind` checked at least once in the period, in configuration order."""
        seen = {s.id for m in self.months for s in m.scores(kind)}
        return sorted((e for e in self.entities.values() if e.id in seen and e.kind == kind),
                      key=lambda e: (e.order, e.id))

    def failed(self, kind: str) -> list[Entity]:
        """Entities of `kind` that failed at least one monthly check in the period."""
        bad = {s.id for m in self.months for s in m.scores(kind) if not s.passed}
        return [e for e in self.entity_list(kind) if e.id in bad]

    def scores_of(self, entity_id: str) -> list[tuple[MonthResult, Score]]:
        return [(m, s) for m in self.months for s in m.scores() if s.id == entity_id]

    def checks_made(self) -> int:
        """Monthly checks carried out: months with at least one checked site or account."""
        return len(self.months)

    def site_checks(self, kind: str) -> int:
        """Site-months (or account-months) checked."""
        return sum(len(m.scores(kind)) for m in self.months)

    def pass_rate(self, kind: str) -> float | None:
        """Share of entities that passed every monthly check in the period (None if none checked)."""
        checked = self.entity_list(kind)
        if not checked:
            return None
        return (len(checked) - len(self.failed(kind))) / len(checked)

    def problems_of(self, kind: str) -> list[Problem]:
        return [p for p in self.problems if p.entity.kind == kind]

    @property
    def latest(self) -> MonthResult | None:
        return self.months[-1] if self.months else None

    def open_problems(self) -> list[Problem]:
        """Problems still open in each entity's latest monthly check of the period (for notices)."""
        latest_run: dict[str, int] = {}
        for month in self.months:
            latest_run.update(month.runs)
        return [p for p in self.problems if p.status in OPEN_STATUSES
                and p.finding.get("run") == latest_run.get(p.entity.id)]


def entities_of(config, db, period_rows: dict) -> dict[str, Entity]:
    """Sites and accounts from the configuration, plus sites that runs saw but the config dropped."""
    out: dict[str, Entity] = {}
    for order, site in enumerate(getattr(config, "sites", [])):
        out[site.id] = Entity("site", site.id, site.name, site.department, site.url, order=order)
    base = len(out)
    for order, account in enumerate(getattr(config, "accounts", [])):
        out[account.id] = Entity("account", account.id, account.name, account.department,
                                 account.source or "", platform=account.platform, order=base + order)
    for bucket in period_rows.values():
        for site_id, row in sorted(bucket.items()):
            if site_id not in out:
                out[site_id] = Entity("site", site_id, row.get("name") or site_id, row.get("department") or "",
                                      row.get("url") or "", order=10_000)
    return out


def collect(db, config, period: Period, profile: Profile | None = None) -> PeriodData:
    """Score every site and account for each month of `period` and gather its problems."""
    if profile is None:
        overrides = getattr(config, "scoring", None) or {}
        base = config.path.parent if getattr(config, "path", None) else None
        profile = load_profile(overrides, base)
    site_rows = site_runs_by_month(db, period)
    media_runs = media_run_by_month(db, period)
    entities = entities_of(config, db, site_rows)
    accounts = [e for e in entities.values() if e.kind == "account"]
    cache: dict[int, list[dict]] = {}

    def findings(run: int) -> list[dict]:
        if run not in cache:
            cache[run] = list(iter_findings(db, run))
        return cache[run]

    months: list[MonthResult] = []
    for year, month in period.months:
        rows = site_rows.get((year, month), {})
        media = media_runs.get((year, month))
        if not rows and not media:
            continue
        result = MonthResult(year, month, [], [], {}, {})
        for site_id, row in sorted(rows.items(), key=lambda kv: (entities[kv[0]].order, kv[0])):
            entity = entities[site_id]
            found = [f for f in findings(row["run"]) if f.get("site") == site_id and not f.get("account")]
            result.sites.append(score_findings(found, profile, kind="site", id=site_id, name=entity.name,
                                               department=entity.department))
            result.as_of[site_id], result.runs[site_id] = row["as_of"], row["run"]
        if media:
            for entity in sorted(accounts, key=lambda e: (e.order, e.id)):
                found = [f for f in findings(media["id"]) if f.get("account") == entity.id]
                result.accounts.append(score_findings(found, profile, kind="account", id=entity.id,
                                                      name=entity.name, department=entity.department,
                                                      platform=entity.platform))
                result.as_of[entity.id], result.runs[entity.id] = media["as_of"], media["id"]
        months.append(result)
    problems = _problems(months, entities, findings)
    return PeriodData(period=period, profile=profile, settings=settings_for(config), entities=entities,
                      months=months, problems=problems, config_accounts=len(accounts))


def _problems(months: list[MonthResult], entities: dict[str, Entity], findings) -> list[Problem]:
    """Counted findings of the period, one per fingerprint (the latest occurrence wins)."""
    by_print: dict[tuple[str, str], Problem] = {}
    for month in months:
        for score in month.scores():
            for finding in score.findings:
                key = (score.id, finding["fingerprint"] or str(finding.get("id")))
                seen = month.as_of[score.id]
                if key in by_print:
                    problem = by_print[key]
                    problem.finding = finding
                    if month.short not in problem.months:
                        problem.months.append(month.short)
                else:
                    by_print[key] = Problem(entities[score.id], finding, seen, [month.short])
    ordered = sort_findings(p.finding for p in by_print.values())
    index = {id(f): n for n, f in enumerate(ordered)}
    return sorted(by_print.values(), key=lambda p: (p.entity.order, p.entity.id, index[id(p.finding)]))
