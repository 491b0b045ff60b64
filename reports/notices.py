"""整改通知: one document per responsible department listing its open problems and a deadline."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path

from reports.collect import PeriodData, Problem
from reports.docx_base import SIZE_S5, OfficialDocument
from reports.docx_parts import BASIS, evidence_cell, office_short
from reports.wording import clip, fix_advice
from reports.workdays import zh_date

NOTICE_LIMIT = 100     # rows per site and problem type; the workbook lists every one


def safe_name(text: str) -> str:
    """A file name part: no path separators or characters Windows refuses."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("_") or "未命名单位"


def _rows(problems: list[Problem], data: PeriodData) -> list[list]:
    sizes = Counter(p.finding["check"] for p in problems)
    shown: Counter = Counter()
    rows, number = [], 0
    for problem in problems:
        f = problem.finding
        shown[f["check"]] += 1
        if shown[f["check"]] > NOTICE_LIMIT:
            continue
        number += 1
        url = f.get("url") or ""
        rows.append([str(number), data.profile.name(f["check"]),
                     clip(f.get("detail"), 120) + "。建议：" + fix_advice(f), evidence_cell(problem),
                     [(url, url)] if url.startswith("http") else url])
        if shown[f["check"]] == NOTICE_LIMIT and sizes[f["check"]] > NOTICE_LIMIT:
            rows.append(["", data.profile.name(f["check"]),
                         f"另有同类问题{sizes[f['check']] - NOTICE_LIMIT}个，详见问题清单（Excel）", "", ""])
    return rows


def write_notice(data: PeriodData, department: str, problems: list[Problem], path: Path, date: dt.date,
                 deadline: dt.date, caveats: list[str]) -> Path:
    """The notice to one department."""
    settings, office = data.settings, office_short(data)
    kinds = {p.entity.kind for p in problems}
    what = "政府网站和政务新媒体" if kinds == {"site", "account"} else ("政府网站" if kinds == {"site"} else "政务新媒体")
    title = [f"关于限期整改{what}存在问题的通知"]
    if len(title[0]) > 18:
        title = [f"关于限期整改{what}", "存在问题的通知"]
    doc = OfficialDocument("".join(title), settings.issuer, date)
    doc.title(title)
    doc.recipients(department)
    by_entity: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_entity[problem.entity.id].append(problem)
    entities = sorted({p.entity for p in problems}, key=lambda e: (e.order, e.id))
    latest = {s.id: s for m in data.months for s in m.scores()}
    labels = "、".join(e.label for e in entities)
    doc.para(f"根据{BASIS}，{office}对{settings.scope}政府网站和政务新媒体开展了{data.period.label}检查。"
             f"经检查，你单位主办的{labels}存在问题{len(problems)}个（截至最近一次检查尚未整改），"
             "具体如下：")
    for n, entity in enumerate(entities, 1):
        score = latest.get(entity.id)
        result = ""
        if score is not None:
            result = f"（最近一次检查结果：{score.verdict}" + (f"，{score.reason}" if score.reason else
                                                             f"，得分{score.score_text}") + "）"
        doc.heading1(f"{'一二三四五六七八九十'[n - 1] if n <= 10 else n}、{entity.label}{result}")
        doc.table(["序号", "问题类型", "问题描述及整改建议", "证据", "页面地址"], _rows(by_entity[entity.id], data),
                  [9, 19, 44, 42, 42], size=SIZE_S5)
    doc.para(f"请你单位高度重视，对照上述问题逐项整改，于{zh_date(deadline)}前（{settings.deadline_days}个工作日内）"
             f"完成整改，并将整改情况书面报送{office}。{office}将适时复查，逾期未整改或整改不到位的，"
             f"将在{settings.scope}政府网站和政务新媒体检查情况通报中予以通报。")
    for caveat in caveats:
        doc.para(f"（注：整改期限按工作日计算，{caveat}。）")
    if settings.contact:
        doc.para(f"联系人：{settings.contact}")
    doc.signature()
    return doc.save(path, subject=f"{department}整改通知", keywords="整改通知")


def department_notices(data: PeriodData, out_dir: Path, date: dt.date, deadline: dt.date,
                       caveats: list[str]) -> list[Path]:
    """One notice per department that has open problems in its sites' latest checks."""
    by_department: dict[str, list[Problem]] = defaultdict(list)
    for problem in data.open_problems():
        by_department[problem.entity.department or "未登记主办单位"].append(problem)
    paths = []
    for department in sorted(by_department):
        path = out_dir / f"整改通知-{safe_name(department)}.docx"
        paths.append(write_notice(data, department, by_department[department], path, date, deadline, caveats))
    return paths
