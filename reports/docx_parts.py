"""Pieces the bulletins share: figures in words, the problem paragraphs, the problem appendices."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from reports.collect import PLATFORM_ZH, PeriodData, Problem
from reports.docx_base import SIZE_S5, OfficialDocument
from reports.scoring import fmt_points
from reports.wording import clip, evidence_text, screenshot

BASIS = ("《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》"
         "（国办秘函〔2019〕19号）")
GUIDE = "《国务院办公厅关于印发政府网站发展指引的通知》（国办发〔2017〕47号）"
APPENDIX_LIMIT = 20        # rows per site and problem type in a document; the XLSX has them all
ZH_DIGITS = "零一二三四五六七八九"
SEVERITY_RANK = {"veto": 0, "deduct": 1, "notice": 2}


def zh_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (for （一） headings)."""
    if n < 10:
        return ZH_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else ZH_DIGITS[tens]) + "十" + (ZH_DIGITS[ones] if ones else "")


def percent(value: float | None) -> str:
    """0.6667 → 66.7%."""
    if value is None:
        return "—"
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


def office_short(data: PeriodData) -> str:
    """How the issuer names itself in the body: 市政府办公室."""
    issuer = data.settings.issuer
    if issuer.endswith("人民政府办公室"):
        return f"{data.settings.level}政府办公室"
    return issuer


def failing_reasons(data: PeriodData, entity_id: str) -> str:
    """The failing months' reasons: 11月单项否决：首页不更新."""
    parts = []
    for month, score in data.scores_of(entity_id):
        if not score.passed:
            prefix = f"{month.short}" if len(data.months) > 1 else ""
            parts.append(prefix + score.reason)
    return "；".join(parts)


def problem_groups(data: PeriodData) -> list[tuple[str, str, list[Problem]]]:
    """[(check, severity, problems)] — veto types first, then by how many problems."""
    groups: dict[str, list[Problem]] = defaultdict(list)
    for problem in data.problems:
        groups[problem.finding["check"]].append(problem)
    severity = {c: min((p.finding.get("severity") or "notice" for p in ps), key=lambda s: SEVERITY_RANK.get(s, 3))
                for c, ps in groups.items()}
    for check, problems in groups.items():
        rule = data.profile.rule(check)
        if rule and (rule.veto or any(p.entity.id in _vetoed_by(data, check) for p in problems)):
            severity[check] = "veto"
        elif rule and rule.indicator:
            severity[check] = "deduct"
        elif rule:
            severity[check] = "notice"
    order = sorted(groups, key=lambda c: (SEVERITY_RANK.get(severity[c], 3), -len(groups[c]), c))
    return [(c, severity[c], groups[c]) for c in order]


def _vetoed_by(data: PeriodData, check: str) -> set[str]:
    return {s.id for m in data.months for s in m.scores() for v in s.vetoes if v.check == check}


def entity_counts(problems: list[Problem]) -> str:
    """清河市人民政府网站3个、清河县人民政府网站1个."""
    counts = Counter(p.entity.id for p in problems)
    labels = {p.entity.id: p.entity for p in problems}
    ordered = sorted(counts, key=lambda i: (labels[i].order, i))
    return "、".join(f"{labels[i].label}{counts[i]}个" for i in ordered)


def zh_dates(text: str) -> str:
    """2026-11-06 → 2026年11月6日 inside running text."""
    return re.sub(r"(\d{4})-(\d{2})-(\d{2})", lambda m: f"{int(m[1])}年{int(m[2])}月{int(m[3])}日", text)


def example_sentence(problem: Problem) -> str:
    """One example in running text, without URLs (the appendix lists those)."""
    f = problem.finding
    check, evidence = f.get("check") or "", clip(f.get("evidence"), 40)
    detail = (f.get("detail") or "").split("，请")[0].rstrip("。")
    label = problem.entity.label
    if check in ("link.broken", "media.link_broken"):
        where = "首页" if (f.get("extra") or {}).get("on_homepage") else "页面"
        text = f"{label}{where}链接“{evidence}”无法正常访问（{detail}）"
    elif check in ("link.dark", "link.hijacked"):
        text = f"{label}存在{detail}，链接文字“{evidence}”"
    elif check == "link.fake":
        text = f"{label}“{evidence}”{detail}"
    elif check in ("text.typo", "text.improper", "media.typo", "media.improper", "text.typo_severe",
                   "media.typo_severe") and f.get("suggestion"):
        text = f"{label}将“{f['suggestion']}”误写为“{evidence}”"
    elif check == "date.faked":
        text = f"{label}信息《{evidence}》{detail.split('，')[-1]}，与此前发布的信息内容相同"
    else:
        text = f"{label}{detail}"
    return zh_dates(text)


def main_problems(doc: OfficialDocument, data: PeriodData, examples: int = 2) -> None:
    """二、主要问题: each problem type with the sites and accounts concerned and examples."""
    groups = problem_groups(data)
    serious = [(c, s, ps) for c, s, ps in groups if s in ("veto", "deduct")]
    notices = [(c, s, ps) for c, s, ps in groups if s not in ("veto", "deduct")]
    if not groups:
        doc.para("本期检查未发现问题。")
        return
    number = 0
    for check, severity, problems in serious:
        number += 1
        name = data.profile.name(check)
        kinds = {p.entity.kind for p in problems}
        where = "网站" if kinds == {"site"} else ("政务新媒体" if kinds == {"account"} else "网站和政务新媒体")
        lead = "（单项否决）" if severity == "veto" else ""
        body = f"共发现{len(problems)}个，涉及{len({p.entity.id for p in problems})}个{where}：{entity_counts(problems)}。"
        picked: list[Problem] = []
        for problem in problems:           # one example per site first, then more of the same
            if len(picked) < examples and problem.entity.id not in {p.entity.id for p in picked}:
                picked.append(problem)
        for problem in problems:
            if len(picked) < examples and problem not in picked:
                picked.append(problem)
        if picked:
            body += "如，" + "；".join(example_sentence(p) for p in picked) + "。"
        doc.heading2(f"（{zh_number(number)}）{name}{lead}。", body)
    if notices:
        number += 1
        text = "；".join(f"{data.profile.name(c)}{len(ps)}个（{entity_counts(ps)}）" for c, _, ps in notices)
        doc.heading2(f"（{zh_number(number)}）其他提示性问题。",
                     f"{text}。上述问题不扣分，请相关单位一并核实处理。")


def evidence_cell(problem: Problem) -> dict | str:
    text = evidence_text(problem.finding) or clip(problem.finding.get("evidence"), 80)
    shot = screenshot(problem.finding)
    if shot:
        return {"text": text, "image": shot.read_bytes(), "width": 45}
    return text


def appendix_rows(problems: list[Problem], data: PeriodData, with_account: bool = False,
                  limit: int = APPENDIX_LIMIT) -> list[list]:
    """Rows of a problem appendix: at most `limit` per entity and problem type, then a count of the rest."""
    sizes = Counter((p.entity.id, p.finding["check"]) for p in problems)
    shown: Counter = Counter()
    rows: list[list] = []
    number = 0
    for problem in problems:
        key = (problem.entity.id, problem.finding["check"])
        shown[key] += 1
        if shown[key] > limit:
            continue
        f = problem.finding
        first = [problem.entity.name]
        if with_account:
            first.append(PLATFORM_ZH.get(problem.entity.platform or "", ""))
        url = f.get("url") or ""
        number += 1
        rows.append([str(number), *first, data.profile.name(f["check"]), clip(f.get("detail"), 160),
                     evidence_cell(problem), [(url, url)] if url.startswith("http") else url,
                     problem.first_seen])
        if shown[key] == limit and sizes[key] > limit:
            rows.append(["", *first, data.profile.name(f["check"]),
                         f"另有同类问题{sizes[key] - limit}个，详见问题清单（Excel）", "", "", ""])
    return rows


def site_appendix(doc: OfficialDocument, data: PeriodData, label: str = "附件1", new_page: bool = False) -> None:
    """附件1 政府网站问题清单 (landscape, one block of rows per site)."""
    doc.attachment_head(label, "政府网站问题清单", new_page)
    problems = data.problems_of("site")
    if not problems:
        doc.para("本期检查未发现政府网站问题。" if data.entity_list("site") else "本期未开展政府网站检查。")
        return
    headers = ["序号", "网站名称", "问题类型", "问题描述", "证据（错误内容）", "页面地址", "发现时间"]
    doc.table(headers, appendix_rows(problems, data), [10, 26, 20, 50, 45, 52, 22], size=SIZE_S5)


def account_appendix(doc: OfficialDocument, data: PeriodData, label: str = "附件2", new_page: bool = True) -> None:
    """附件2 政务新媒体问题清单."""
    doc.attachment_head(label, "政务新媒体问题清单", new_page)
    problems = data.problems_of("account")
    if not problems:
        if data.entity_list("account"):
            doc.para("本期检查未发现政务新媒体问题。")
        else:
            doc.para("本期未开展政务新媒体检查（配置文件中尚未登记政务新媒体账号，或本期未采集账号信息）。")
        return
    headers = ["序号", "账号名称", "平台", "问题类型", "问题描述", "证据（错误内容）", "页面地址", "发现时间"]
    doc.table(headers, appendix_rows(problems, data, with_account=True), [10, 24, 16, 18, 44, 40, 51, 22],
              size=SIZE_S5)


def score_cell(data: PeriodData, entity_id: str, month) -> str:
    for score in month.scores():
        if score.id == entity_id:
            return score.score_text
    return "—"


def status_summary(data: PeriodData) -> tuple[int, int]:
    """(counted problems not yet reviewed, findings dismissed by staff) over the period's checks."""
    unreviewed = sum(1 for p in data.problems if p.status == "open")
    dismissed = sum(s.dismissed for m in data.months for s in m.scores())
    return unreviewed, dismissed


def deduction_rows(data: PeriodData, month) -> list[list[str]]:
    """网站名称 | 问题类型 | 问题数 | 计分 — one row per site and problem type of one month."""
    rows = []
    for score in month.scores():
        vetoed = {v.check for v in score.vetoes}
        for check, count in score.counts.items():
            points = score.points.get(check, 0.0)
            if check in vetoed:
                effect = "单项否决"
            elif points:
                effect = f"扣{fmt_points(points)}分"
            else:
                effect = "不扣分"
            rows.append([score.name, data.profile.name(check), str(count), effect])
    return rows

