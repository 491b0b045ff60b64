"""The problem list as an Excel workbook (openpyxl): a summary sheet, then one sheet per site.

Columns staff already work with come first (网站名称, 主办单位, 问题类型, 问题描述, 页面地址,
错误内容, 建议修改, 发现时间, 状态); the header row is frozen and filtered, page addresses
are links.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from reports.collect import PLATFORM_ZH, STATUS_ZH, Entity, PeriodData
from reports.docx_parts import failing_reasons, score_cell
from reports.wording import clip, evidence_text, fix_advice, screenshot

SITE_HEADERS = ["网站名称", "主办单位", "问题类型", "问题描述", "页面地址", "错误内容", "建议修改", "发现时间",
                "状态", "严重程度", "链接目标", "证据说明", "截图", "问题编号"]
SITE_WIDTHS = [22, 22, 14, 46, 48, 28, 30, 12, 9, 10, 40, 46, 20, 22]
SEVERITY_ZH = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
FAIL_FILL = PatternFill("solid", fgColor="F8D7D4")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "宋体"


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = re.sub(r"[\[\]:*?/\\]", "", name).strip("'") or "Sheet"
    title, n = base[:31], 2
    while title in taken:
        suffix = f"({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def _header(ws, headers: list[str], widths: list[float]) -> None:
    ws.append(headers)
    for index, width in enumerate(widths, 1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(name=FONT, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22


def _finish(ws, columns: int) -> None:
    last = ws.max_row
    ws.auto_filter.ref = f"A1:{get_column_letter(columns)}{max(last, 1)}"
    for row in ws.iter_rows(min_row=2, max_row=last, max_col=columns):
        for cell in row:
            cell.border = BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if cell.font.name != FONT and not cell.hyperlink:
                cell.font = Font(name=FONT)


def _link(cell, url: str | None) -> None:
    if url and url.startswith(("http://", "https://")):
        cell.hyperlink = url
        cell.font = Font(name=FONT, color="1F4E9A", underline="single")


def _summary(wb: Workbook, data: PeriodData) -> None:
    ws = wb.active
    ws.title = "汇总"
    checks = sorted({p.finding["check"] for p in data.problems})
    months = data.months
    headers = ["序号", "名称", "类别", "主办单位", *(f"{m.short}得分" for m in months), "检查结果", "不合格原因",
               "问题总数", "待审核", *(data.profile.name(c) for c in checks)]
    widths = [6, 24, 12, 24, *([10] * len(months)), 10, 36, 10, 8, *([10] * len(checks))]
    _header(ws, headers, widths)
    entities = data.entity_list("site") + data.entity_list("account")
    failed = {e.id for e in data.failed("site") + data.failed("account")}
    for n, entity in enumerate(entities, 1):
        problems = [p for p in data.problems if p.entity.id == entity.id]
        kind = "政府网站" if entity.kind == "site" else f"政务新媒体（{PLATFORM_ZH.get(entity.platform or '', '')}）"
        ws.append([n, entity.name, kind, entity.department, *(score_cell(data, entity.id, m) for m in months),
                   "不合格" if entity.id in failed else "合格", failing_reasons(data, entity.id),
                   len(problems), sum(1 for p in problems if p.status == "open"),
                   *(sum(1 for p in problems if p.finding["check"] == c) for c in checks)])
        if entity.id in failed:
            ws.cell(row=ws.max_row, column=5 + len(months)).fill = FAIL_FILL
    _finish(ws, len(headers))
    total_row = ws.max_row + 2
    sites = data.entity_list("site")
    ws.cell(row=total_row, column=2, value="合计")
    ws.cell(row=total_row, column=4, value=f"检查网站{len(sites)}个，不合格{len(data.failed('site'))}个；"
                                             f"政务新媒体{len(data.entity_list('account'))}个，"
                                             f"不合格{len(data.failed('account'))}个")
    ws.cell(row=total_row, column=7 + len(months), value=len(data.problems))


def _problem_sheet(wb: Workbook, data: PeriodData, entity: Entity, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(entity.name, taken))
    headers = list(SITE_HEADERS)
    widths = list(SITE_WIDTHS)
    if entity.kind == "account":
        headers[0] = "账号名称"
        headers.insert(1, "平台")
        widths.insert(1, 12)
    _header(ws, headers, widths)
    for problem in (p for p in data.problems if p.entity.id == entity.id):
        f = problem.finding
        shot = screenshot(f)
        row = [entity.name, entity.department, data.profile.name(f["check"]), f.get("detail") or "",
               f.get("url") or "", clip(f.get("evidence"), 300), fix_advice(f), problem.first_seen,
               STATUS_ZH.get(problem.status, problem.status), SEVERITY_ZH.get(f.get("severity") or "", ""),
               f.get("target") or "", evidence_text(f), str(shot) if shot else "", f.get("fingerprint") or ""]
        if entity.kind == "account":
            row.insert(1, PLATFORM_ZH.get(entity.platform or "", ""))
        ws.append(row)
        offset = 1 if entity.kind == "account" else 0
        _link(ws.cell(row=ws.max_row, column=5 + offset), f.get("url"))
        _link(ws.cell(row=ws.max_row, column=11 + offset), f.get("target"))
    _finish(ws, len(headers))


def write_problem_workbook(data: PeriodData, path: Path, date: dt.date) -> Path:
    """Write the period's problem list; properties are fixed by `date` (reproducible)."""
    wb = Workbook()
    stamp = dt.datetime.combine(date, dt.time(9, 0))
    wb.properties.creator = wb.properties.lastModifiedBy = data.settings.issuer
    wb.properties.title = f"{data.period.label}政府网站和政务新媒体问题清单"
    wb.properties.created = wb.properties.modified = stamp
    _summary(wb, data)
    taken = {"汇总"}
    for entity in data.entity_list("site") + data.entity_list("account"):
        _problem_sheet(wb, data, entity, taken)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(str(path))
    return path
