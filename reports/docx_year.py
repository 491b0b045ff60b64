"""The year's figures for the annual government-information-disclosure report (年度报告)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reports.collect import PeriodData
from reports.docx_base import SIZE_5, OfficialDocument
from reports.docx_parts import BASIS, failing_reasons, office_short, percent


@dataclass(frozen=True)
class YearFigures:
    """What an annual report states about this work."""

    year: int
    monthly_checks: int        # months in which a check was made
    bulletins: int             # quarters with at least one monthly check (one bulletin each)
    sites: int                 # websites monitored
    accounts: int              # new-media accounts monitored
    failed_sites: int          # websites found unqualified at least once
    failed_accounts: int
    failed_site_checks: int    # website-months found unqualified
    failed_account_checks: int
    problems: int              # problems found (each counted once)
    resolved: int              # of which gone by the latest check, or marked fixed

    def sentence(self, office: str, scope: str) -> str:
        """The paragraph to quote."""
        failed = f"发现不合格政府网站{self.failed_sites}个（累计{self.failed_site_checks}个次）"
        if self.accounts:
            failed += f"、不合格政务新媒体{self.failed_accounts}个（累计{self.failed_account_checks}个次）"
        return (f"{self.year}年，{office}对{scope}政府网站和政务新媒体开展常态化监管，全年开展月度检查"
                f"{self.monthly_checks}次，编发季度检查情况通报{self.bulletins}期，监测政府网站{self.sites}个、"
                f"政务新媒体{self.accounts}个，{failed}，发现各类问题{self.problems}个，已督促整改{self.resolved}个。")


def year_figures(data: PeriodData) -> YearFigures:
    latest_run: dict[str, int] = {}
    for month in data.months:
        latest_run.update(month.runs)
    resolved = sum(1 for p in data.problems
                   if p.status == "fixed" or p.finding.get("run") != latest_run.get(p.entity.id))
    return YearFigures(
        year=data.period.year, monthly_checks=data.checks_made(),
        bulletins=len({(m.month - 1) // 3 for m in data.months}),
        sites=len(data.entity_list("site")), accounts=len(data.entity_list("account")),
        failed_sites=len(data.failed("site")), failed_accounts=len(data.failed("account")),
        failed_site_checks=sum(1 for m in data.months for s in m.sites if not s.passed),
        failed_account_checks=sum(1 for m in data.months for s in m.accounts if not s.passed),
        problems=len(data.problems), resolved=resolved)


def month_rows(data: PeriodData) -> list[list[str]]:
    rows = []
    for month in data.months:
        sites, accounts = month.sites, month.accounts
        failed_sites = sum(1 for s in sites if not s.passed)
        failed_accounts = sum(1 for s in accounts if not s.passed)
        rows.append([month.short, str(len(sites)), str(failed_sites),
                     percent((len(sites) - failed_sites) / len(sites) if sites else None),
                     str(len(accounts)), str(failed_accounts), str(sum(s.total for s in month.scores()))])
    return rows


def write_year(data: PeriodData, path: Path, date: dt.date, charts: dict[str, bytes | None]) -> Path:
    """2026年全市政府网站和政务新媒体监管工作情况."""
    settings, office = data.settings, office_short(data)
    figures = year_figures(data)
    title = [f"{data.period.label}{settings.scope}政府网站和政务新媒体", "监管工作情况"]
    doc = OfficialDocument("".join(title), settings.issuer, date)
    doc.title(title)
    doc.heading1("一、年度数据")
    doc.para(figures.sentence(office, settings.scope))
    doc.para(f"（以上数据可直接用于{data.period.year}年政府信息公开工作年度报告“政府网站和政务新媒体"
             f"建设管理”部分。检查依据：{BASIS}。）")
    doc.heading1("二、逐月检查情况")
    if data.months:
        doc.table(["月份", "检查网站", "不合格网站", "网站合格率", "检查政务新媒体", "不合格政务新媒体", "发现问题"],
                  month_rows(data), [16, 20, 22, 24, 26, 26, 22], size=SIZE_5)
        if charts.get("trend"):
            doc.picture(charts["trend"], 140, f"图1  {data.period.label}逐月检查情况")
        if charts.get("note"):
            doc.para(f"（{charts['note']}）")
    else:
        doc.para("本年度尚无检查记录。")
    doc.heading1("三、不合格网站和政务新媒体")
    failing = data.failed("site") + data.failed("account")
    if failing:
        doc.table(["序号", "名称", "主办单位", "不合格情况"],
                  [[str(n), e.label, e.department, failing_reasons(data, e.id)] for n, e in enumerate(failing, 1)],
                  [10, 44, 40, 62], size=SIZE_5)
    else:
        doc.para("本年度检查未发现不合格的政府网站和政务新媒体。")
    doc.signature()
    return doc.save(path, subject=f"{data.period.label}政府网站和政务新媒体监管工作情况", keywords="年度报告")
