"""`xunjian report`: monthly results, quarterly bulletin or year figures, written as files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from xunjian.cli import _load, _open, config_option, db_option, fail, main


@main.command()
@config_option
@db_option
@click.option("--month", metavar="YYYY-MM", help="月度检查结果，如 2026-10。")
@click.option("--quarter", metavar="YYYYQn", help="季度检查情况通报，如 2026Q3。")
@click.option("--year", metavar="YYYY", help="年度数据（供政府信息公开工作年度报告引用），如 2026。")
@click.option("--out", "out_dir", default=None, type=click.Path(file_okay=False),
              help="输出目录，默认 xunjian-reports/期间。")
@click.option("--date", "doc_date", default=None, metavar="YYYY-MM-DD",
              help="成文日期，默认为期间结束后的第一个工作日；整改期限从此日起算。")
@click.option("--pdf/--no-pdf", "pdf", default=None,
              help="是否用 LibreOffice 另存 PDF（默认：已安装 LibreOffice 时生成）。")
@click.option("--no-notices", is_flag=True, help="不生成各单位整改通知。")
def report(config_path: str, db_path: str, month: str | None, quarter: str | None, year: str | None,
           out_dir: str | None, doc_date: str | None, pdf: bool | None, no_notices: bool) -> None:
    """生成检查结果、季度通报或年度数据（DOCX、XLSX、HTML，可选 PDF）及整改通知，并列出文件路径。

    \b
    评分：出现单项否决问题即不合格；否则 100 分减去扣分（同一指标扣分不超过该指标分值），
    低于 60 分不合格。人工审核“排除”的问题不计分、不进入任何文书。分值可在配置文件 [scoring] 中调整。
    """
    from reports.generate import write_reports
    from reports.period import PeriodError, parse_period
    from reports.profile import ProfileError

    try:
        period = parse_period(month=month, quarter=quarter, year=year)
    except PeriodError as exc:
        fail(str(exc))
    day = None
    if doc_date:
        try:
            day = dt.date.fromisoformat(doc_date)
        except ValueError:
            fail(f"--date 日期格式应为 YYYY-MM-DD：{doc_date!r}")
    config = _load(config_path)
    db = _open(db_path)
    out = Path(out_dir) if out_dir else Path("xunjian-reports") / period.slug
    try:
        written = write_reports(db, config, period, out, date=day, pdf=pdf, notices=not no_notices)
    except ProfileError as exc:
        fail(f"评分方案有误：{exc}")
    except OSError as exc:
        fail(f"无法写入 {out}：{exc}")
    for note in written.notes:
        click.echo(note, err=True)
    for path in written.paths:
        click.echo(str(path))
