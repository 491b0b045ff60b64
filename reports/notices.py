"""整改通知: one document per responsible department listing its open problems and a deadline."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
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


def notice_rows(problems: list[Problem], data: PeriodData) -> list[list]:
    """Table rows of a notice: number, type, description and advice, evidence, page (capped per type)."""
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


@dataclass
class NoticeText:
    """The words of one department's notice, shared by the DOCX below and the messages of reports/notify.py."""

    title: list[str]                                   # one line, or two when long
    intro: str
    sections: list[tuple[str, list[Problem]]]          # (heading, the entity's problems)
    closing: str
    notes: list[str]                                   # working-day caveats, contact


def notice_text(data: PeriodData, problems: list[Problem], deadline: dt.date, caveats: list[str]) -> NoticeText:
    """Title, paragraphs and per-site sections of the notice listing `problems`."""
    settings, office = data.settings, office_short(data)
    kinds = {p.entity.kind for p in problems}
    what = "政府网站和政务新媒体" if kinds == {"site", "account"} else ("政府网站" if kinds == {"site"} else "政务新媒体")
    title = [f"关于限期整改{what}存在问题的通知"]
    if len(title[0]) > 18:
        title = [f"关于限期整改{what}", "存在问题的通知"]
    by_entity: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_entity[problem.entity.id].append(problem)
    entities = sorted({p.entity for p in problems}, key=lambda e: (e.order, e.id))
    latest = {s.id: s for m in data.months for s in m.scores()}
    labels = "、".join(e.label for e in entities)
    intro = (f"根据{BASIS}，{office}对{settings.scope}政府网站和政务新媒体开展了{data.period.label}检查。"
             f"经检查，你单位主办的{labels}存在问题{len(problems)}个（截至最近一次检查尚未整改），"
             "具体如下：")
    sections = []
    for n, entity in enumerate(entities, 1):
        score = latest.get(entity.id)
        result = ""
        if score is not None:
            result = f"（最近一次检查结果：{score.verdict}" + (f"，{score.reason}" if score.reason else
                                                             f"，得分{score.score_text}") + "）"
        sections.append((f"{'一二三四五六七八九十'[n - 1] if n <= 10 else n}、{entity.label}{result}",
                         by_entity[entity.id]))
    closing = (f"请你单位高度重视，对照上述问题逐项整改，于{zh_date(deadline)}前（{settings.deadline_days}个工作日内）"
               f"完成整改，并将整改情况书面报送{office}。{office}将适时复查，逾期未整改或整改不到位的，"
               f"将在{settings.scope}政府网站和政务新媒体检查情况通报中予以通报。")
    notes = [f"（注：整改期限按工作日计算，{caveat}。）" for caveat in caveats]
    if settings.contact:
        notes.append(f"联系人：{settings.contact}")
    return NoticeText(title, intro, sections, closing, notes)


def write_notice(data: PeriodData, department: str, problems: list[Problem], path: Path, date: dt.date,
                 deadline: dt.date, caveats: list[str]) -> Path:
    """The notice to one department."""
    text = notice_text(data, problems, deadline, caveats)
    doc = OfficialDocument("".join(text.title), data.settings.issuer, date)
    doc.title(text.title)
    doc.recipients(department)
    doc.para(text.intro)
    for heading, entity_problems in text.sections:
        doc.heading1(heading)
        doc.table(["序号", "问题类型", "问题描述及整改建议", "证据", "页面地址"], notice_rows(entity_problems, data),
                  [9, 19, 44, 42, 42], size=SIZE_S5)
    doc.para(text.closing)
    for note in text.notes:
        doc.para(note)
    doc.signature()
    return doc.save(path, subject=f"{department}整改通知", keywords="整改通知")


def assignments(db) -> dict[str, str]:
    """fingerprint -> department, for problems reviewers handed to another department (web review)."""
    if "web_assignments" not in db.table_names():
        return {}       # the review site has never been opened on this store
    return {r["fingerprint"]: r["department"] for r in db.query(
        "select fingerprint, department from web_assignments where department is not null")}


def problems_by_department(data: PeriodData, assigned: dict[str, str] | None = None) -> dict[str, list[Problem]]:
    """Open problems in each entity's latest check, by responsible department (sorted by name).

    assigned: fingerprint -> department, where reviewers handed a problem to another department.
    """
    by_department: dict[str, list[Problem]] = defaultdict(list)
    for problem in data.open_problems():
        department = (assigned or {}).get(problem.finding.get("fingerprint") or "")
        by_department[department or problem.entity.department or "未登记主办单位"].append(problem)
    return dict(sorted(by_department.items()))


def department_notices(data: PeriodData, out_dir: Path, date: dt.date, deadline: dt.date,
                       caveats: list[str], assigned: dict[str, str] | None = None) -> list[Path]:
    """One notice per department that has open problems in its sites' latest checks (a problem
    reviewers handed to another department goes in that department's notice)."""
    paths = []
    for department, problems in problems_by_department(data, assigned).items():
        path = out_dir / f"整改通知-{safe_name(department)}.docx"
        paths.append(write_notice(data, department, problems, path, date, deadline, caveats))
    return paths
