"""Write a period's documents: DOCX, XLSX, HTML, PDF (LibreOffice) and department notices."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from reports import charts as chartlib
from reports.collect import PeriodData, collect
from reports.period import Period, parse_period
from reports.workdays import add_workdays, next_workday


@dataclass
class Written:
    """What a report run produced, and what it could not do (told to the user, never fatal)."""

    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def issue_date(period: Period, override: dt.date | None = None) -> tuple[dt.date, list[str]]:
    """成文日期: as given, else the first working day after the period (reproducible); and caveats."""
    return (override, []) if override else next_workday(period.end)


def _charts(data: PeriodData) -> dict:
    return {"sites": chartlib.problems_per_site(data, "site"),
            "accounts": chartlib.problems_per_site(data, "account"),
            "trend": chartlib.monthly_trend(data), "note": chartlib.font_note()}


def file_stem(data: PeriodData, kind: str) -> str:
    what = {"month": "检查结果", "quarter": "检查情况通报", "year": "监管工作情况"}[kind]
    return f"{data.period.label}{data.settings.scope}政府网站和政务新媒体{what}"


def write_reports(db, config, period: Period, out_dir: Path, *, date: dt.date | None = None,
                  pdf: bool | None = None, notices: bool = True,
                  generated_at: dt.datetime | None = None) -> Written:
    """Write every document of `period` into `out_dir`; return their paths and any notes.

    pdf: True → required (a note when impossible), None → when LibreOffice is installed, False → never.
    """
    from reports.docx_bulletin import write_month_results, write_quarter_bulletin
    from reports.docx_year import write_year
    from reports.html import render_html
    from reports.notices import assignments, department_notices
    from reports.pdf import soffice, to_pdf
    from reports.xlsx import write_problem_workbook

    out_dir.mkdir(parents=True, exist_ok=True)
    data = collect(db, config, period)
    written = Written()
    if not data.months:
        written.notes.append(f"提示：数据库中没有{period.label}完成的巡检记录，生成的文书内容为空。")
    day, day_caveats = issue_date(period, date)
    deadline, caveats = add_workdays(day, data.settings.deadline_days)
    caveats = sorted(set(caveats) | set(day_caveats))
    charts = _charts(data)
    if charts["note"]:
        written.notes.append("提示：" + charts["note"])
    written.notes += [f"提示：整改期限按工作日计算，{c}。" for c in caveats]
    stem = file_stem(data, period.kind)
    docx = out_dir / f"{stem}.docx"
    if period.kind == "quarter":
        write_quarter_bulletin(data, docx, day, deadline, charts)
    elif period.kind == "month":
        write_month_results(data, docx, day, deadline, charts)
    else:
        write_year(data, docx, day, charts)
    written.paths.append(docx)
    if period.kind != "year":
        xlsx = write_problem_workbook(data, out_dir / f"{data.period.label}{data.settings.scope}政府网站和政务新媒体问题清单.xlsx", day)
        written.paths.append(xlsx)
    html = out_dir / f"{stem}.html"
    html.write_text(render_html(data, period.kind, charts, day, None if period.kind == "year" else deadline,
                                generated_at), encoding="utf-8")
    written.paths.append(html)
    if pdf is not False:
        if soffice() is None:
            if pdf:
                written.notes.append("提示：未安装 LibreOffice，未生成 PDF（安装：apt-get install libreoffice-writer）。")
        else:
            made = to_pdf(docx, out_dir)
            if made:
                written.paths.append(made)
            else:
                written.notes.append("提示：LibreOffice 转换 PDF 失败，未生成 PDF。")
    if notices and period.kind != "year":
        written.paths += department_notices(data, out_dir / "整改通知", day, deadline, caveats, assignments(db))
    return written


def demo_reports(db_path: Path | str, config_path: Path | str, out_dir: Path | str) -> list[Path]:
    """For `make demo`: the monthly results and quarterly bulletin of the newest run's month."""
    from xunjian.config import load_config
    from xunjian.store import open_store

    db = open_store(db_path)
    config = load_config(config_path)
    rows = list(db.query("select as_of from runs where status = 'complete' order by as_of desc, id desc limit 1"))
    if not rows:
        return []
    day = dt.date.fromisoformat(rows[0]["as_of"][:10])
    paths: list[Path] = []
    for period in (parse_period(month=f"{day.year}-{day.month:02d}"),
                   parse_period(quarter=f"{day.year}Q{(day.month - 1) // 3 + 1}")):
        paths += write_reports(db, config, period, Path(out_dir) / period.slug).paths
    return paths
