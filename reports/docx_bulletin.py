"""The quarterly bulletin (季度通报) and the monthly results (月度检查结果) as DOCX."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reports.collect import PeriodData
from reports.docx_base import SIZE_5, OfficialDocument
from reports.docx_parts import (BASIS, GUIDE, account_appendix, deduction_rows, failing_reasons, main_problems,
                                office_short, percent, problem_groups, score_cell, site_appendix, status_summary)
from reports.workdays import zh_date



def _closing(doc, data, settings) -> None:
    """How every document ends: contact, list of attachments, signature, then the two appendices."""
    if settings.contact:
        doc.para(f"联系人：{settings.contact}")
    doc.attachments(["政府网站问题清单", "政务新媒体问题清单"])
    doc.signature()
    doc.landscape_section()
    site_appendix(doc, data, "附件1")
    account_appendix(doc, data, "附件2")

def draft_note(data: PeriodData) -> str | None:
    unreviewed, _ = status_summary(data)
    return f"送审稿：尚有{unreviewed}个问题未经人工审核" if unreviewed else None


def _title_lines(data: PeriodData, what: str) -> list[str]:
    """Two centred lines, broken after 政府网站 (GB/T 9704: keep words whole, lines balanced)."""
    return [f"{data.period.label}{data.settings.scope}政府网站", f"和政务新媒体{what}"]


def _overview(doc: OfficialDocument, data: PeriodData, kind_word: str) -> None:
    """一、总体情况: what was checked, how many passed, which failed."""
    sites, accounts = data.entity_list("site"), data.entity_list("account")
    checks = data.checks_made()
    text = (f"{kind_word}共开展月度检查{checks}次，检查政府网站{len(sites)}个" +
            (f"（累计{data.site_checks('site')}个次）" if checks > 1 else "") +
            (f"、政务新媒体{len(accounts)}个" if accounts else "") +
            (f"（累计{data.site_checks('account')}个次）" if accounts and checks > 1 else "") + "。")
    failed_sites = data.failed("site")
    text += (f"经检查，{len(sites) - len(failed_sites)}个政府网站合格，{len(failed_sites)}个不合格，"
             f"合格率{percent(data.pass_rate('site'))}")
    if accounts:
        failed_accounts = data.failed("account")
        text += (f"；{len(accounts) - len(failed_accounts)}个政务新媒体合格，{len(failed_accounts)}个不合格，"
                 f"合格率{percent(data.pass_rate('account'))}")
    text += "。"
    if not accounts:
        text += "本期尚未纳入政务新媒体账号检查。"
    doc.para(text)
    if checks > 1:
        months = []
        for month in data.months:
            scores = month.scores()
            passed = sum(1 for s in scores if s.passed)
            months.append(f"{month.short}检查{len(scores)}个、不合格{len(scores) - passed}个、"
                          f"合格率{percent(passed / len(scores) if scores else None)}")
        doc.para("分月看，" + "；".join(months) + "。")
    failing = data.failed("site") + data.failed("account")
    if failing:
        names = "、".join(f"{e.label}（{failing_reasons(data, e.id)}）" for e in failing)
        doc.para(f"检查不合格的为：{names}。")
    problems = data.problems
    by_severity = {s: sum(1 for p in problems if p.finding.get("severity") == s) for s in ("veto", "deduct", "notice")}
    _, dismissed = status_summary(data)
    doc.para(f"{kind_word}共发现各类问题{len(problems)}个，其中单项否决类{by_severity['veto']}个、"
             f"扣分类{by_severity['deduct']}个、提示类{by_severity['notice']}个" +
             (f"；另有{dismissed}个疑似问题经人工核实排除，未计入" if dismissed else "") + "。")


def _score_table(doc: OfficialDocument, data: PeriodData) -> None:
    """Each site's and account's score by month and the period's verdict."""
    months = data.months
    headers = ["序号", "名称", "主办单位", *(f"{m.short}得分" for m in months), "结论"]
    month_width = 54 / max(len(months), 1)
    widths = [10, 38, 38, *([month_width] * len(months)), 16]
    if len(months) == 1:
        headers[-1:] = ["结论", "不合格原因"]
        widths = [10, 36, 34, 20, 16, 40]
    rows = []
    entities = data.entity_list("site") + data.entity_list("account")
    failed = {e.id for e in data.failed("site") + data.failed("account")}
    for n, entity in enumerate(entities, 1):
        row = [str(n), entity.label, entity.department, *(score_cell(data, entity.id, m) for m in months),
               "不合格" if entity.id in failed else "合格"]
        if len(months) == 1:
            row.append(failing_reasons(data, entity.id) or "—")
        rows.append(row)
    doc.table(headers, rows, widths, size=SIZE_5)


def _charts(doc: OfficialDocument, data: PeriodData, charts: dict[str, bytes | None], number: int) -> int:
    if charts.get("trend") and len(data.months) > 1:
        number += 1
        doc.picture(charts["trend"], 140, f"图{number}  {data.period.label}逐月检查情况")
    for key, word in (("sites", "网站"), ("accounts", "政务新媒体")):
        if charts.get(key):
            number += 1
            doc.picture(charts[key], 140, f"图{number}  各{word}发现问题数")
    if charts.get("note"):
        doc.para(f"（{charts['note']}）")
    return number


def _requirements(doc: OfficialDocument, data: PeriodData, deadline: dt.date) -> None:
    """三、整改要求: what to fix and by when."""
    office = office_short(data)
    doc.heading2("（一）限期整改到位。",
                 f"请各有关单位对照附件所列问题逐项核查整改，于{zh_date(deadline)}前完成整改，"
                 f"并将整改情况书面报送{office}。检查不合格的网站和政务新媒体，主办单位要深入分析原因，"
                 "举一反三，确保整改到位。")
    checks = {c for c, _, _ in problem_groups(data)}
    number = 1
    if checks & {"link.dark", "link.hijacked", "privacy.leak", "text.typo_severe", "media.typo_severe"}:
        number += 1
        doc.heading2(f"（{'二三四'[number - 2]}）切实守住安全底线。",
                     "对存在暗链、外链被劫持、个人信息泄露或严重表述错误的，要立即删除相关内容，"
                     "排查网页模板、脚本和内容管理系统，消除安全隐患，并严格执行信息发布“三审三校”制度。")
    number += 1
    doc.heading2(f"（{'二三四'[number - 2]}）加强日常监测管理。",
                 "各单位要落实主管主办责任，建立健全日常监测、值班读网和信息发布审核制度，"
                 "及时更新栏目内容，定期清理失效链接和空白栏目，确保网站和政务新媒体内容准确、更新及时、"
                 "运行安全。" + f"{office}将对整改情况进行复查，复查仍不合格的，将予以通报。")


def write_quarter_bulletin(data: PeriodData, path: Path, date: dt.date, deadline: dt.date,
                           charts: dict[str, bytes | None]) -> Path:
    """关于2026年第三季度全市政府网站和政务新媒体检查情况的通报, with 附件1 and 附件2."""
    settings = data.settings
    title = ["关于" + _title_lines(data, "")[0], "和政务新媒体检查情况的通报"]
    doc = OfficialDocument("".join(title), settings.issuer, date, draft_note(data))
    number = f"{settings.doc_prefix}〔{date.year}〕　　号" if settings.doc_prefix else None
    doc.red_header(f"{settings.issuer}文件", number)
    doc.title(title)
    doc.recipients(settings.recipients)
    office = office_short(data)
    doc.para(f"根据{BASIS}和{GUIDE}要求，{office}于{data.period.span}对{settings.scope}政府网站和政务新媒体"
             f"开展了常态化检查。现将有关情况通报如下：")
    doc.heading1("一、总体情况")
    _overview(doc, data, "本季度")
    _score_table(doc, data)
    _charts(doc, data, charts, 0)
    doc.heading1("二、主要问题")
    main_problems(doc, data)
    doc.heading1("三、整改要求")
    _requirements(doc, data, deadline)
    _closing(doc, data, settings)
    doc.colophon()
    return doc.save(path, subject=f"{data.period.label}政府网站和政务新媒体检查情况通报",
                    keywords="政府网站;政务新媒体;季度通报")


def write_month_results(data: PeriodData, path: Path, date: dt.date, deadline: dt.date,
                        charts: dict[str, bytes | None]) -> Path:
    """2026年11月全市政府网站和政务新媒体检查结果: scores, verdicts, veto reasons, counts per check."""
    settings = data.settings
    title = _title_lines(data, "检查结果")
    doc = OfficialDocument("".join(title), settings.issuer, date, draft_note(data))
    doc.title(title)
    office = office_short(data)
    as_of = sorted(set(data.latest.as_of.values())) if data.latest else []
    when = "、".join(zh_date(dt.date.fromisoformat(d)) for d in as_of) or data.period.label
    doc.para(f"根据{BASIS}，{office}以{when}为检查基准日，对{settings.scope}政府网站和政务新媒体开展了"
             f"{data.period.number}月检查。结果如下：")
    doc.heading1("一、总体情况")
    _overview(doc, data, "本月")
    doc.heading1("二、检查结果")
    if data.months:
        _score_table(doc, data)
        doc.para("评分说明：出现单项否决情形的，直接判定为不合格；其余以100分为基准，按检查指标扣分，"
                 "同一指标扣分以该指标分值为限，得分低于60分为不合格。经人工核实排除的疑似问题不计分。")
    doc.heading1("三、问题统计")
    rows = deduction_rows(data, data.latest) if data.latest else []
    if rows:
        doc.table(["名称", "问题类型", "问题数", "计分"], rows, [52, 52, 22, 30], size=SIZE_5, merge_first=True)
    else:
        doc.para("本月检查未发现问题。")
    _charts(doc, data, charts, 0)
    doc.heading1("四、主要问题")
    main_problems(doc, data)
    doc.heading1("五、整改要求")
    doc.para(f"请各有关单位对照附件所列问题逐项整改，于{zh_date(deadline)}前完成整改，并将整改情况报送{office}。")
    _closing(doc, data, settings)
    return doc.save(path, subject=f"{data.period.label}政府网站和政务新媒体检查结果",
                    keywords="政府网站;政务新媒体;月度检查")
