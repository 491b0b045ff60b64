"""The report as one self-contained HTML page (charts inlined), for the review web app.

`render_html` returns the page as text, so the web app can serve it without a file; the
report command also writes it next to the DOCX.
"""

from __future__ import annotations

import base64
import datetime as dt
from html import escape

from reports.collect import STATUS_ZH, PeriodData
from reports.docx_parts import failing_reasons, office_short, percent, problem_groups, score_cell
from reports.docx_year import month_rows, year_figures
from reports.wording import evidence_text, fix_advice, screenshot
from reports.workdays import zh_date

STYLE = """
body{font-family:"Noto Serif CJK SC","FangSong","仿宋",serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;line-height:1.7}
h1{font-size:1.6em;text-align:center;font-weight:bold} h2{font-family:"Noto Sans CJK SC","黑体",sans-serif;font-size:1.2em;margin-top:1.6em}
h3{font-size:1.05em} table{border-collapse:collapse;width:100%;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #aaa;padding:4px 6px;vertical-align:top;text-align:left} th{background:#e8edf4}
.fail{color:#b22222;font-weight:bold} .ok{color:#1d6b2c} .note{color:#666;font-size:.9em}
.figure{text-align:center;margin:1em 0} .figure img{width:100%;max-width:680px} a{color:#1f4e9a;word-break:break-all}
.draft{background:#fff3cd;border:1px solid #e0c36a;padding:.4em .8em} .quote{background:#f4f6f9;padding:.8em 1em}
"""
SEVERITY_ZH = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}


def _img(png: bytes | None, caption: str) -> str:
    if not png:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return f'<div class="figure"><img alt="{escape(caption)}" src="data:image/png;base64,{data}"><div>{escape(caption)}</div></div>'


def _link(url: str | None) -> str:
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return f'<a href="{escape(url)}" target="_blank" rel="noopener">{escape(url)}</a>'
    return escape(url)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _scores(data: PeriodData) -> str:
    failed = {e.id for e in data.failed("site") + data.failed("account")}
    rows = []
    for n, entity in enumerate(data.entity_list("site") + data.entity_list("account"), 1):
        verdict = '<span class="fail">不合格</span>' if entity.id in failed else '<span class="ok">合格</span>'
        rows.append([str(n), escape(entity.label), escape(entity.department),
                     *(escape(score_cell(data, entity.id, m)) for m in data.months), verdict,
                     escape(failing_reasons(data, entity.id))])
    return _table(["序号", "名称", "主办单位", *(f"{m.short}得分" for m in data.months), "结论", "不合格原因"], rows)


def _problems(data: PeriodData) -> str:
    parts = []
    for check, severity, problems in problem_groups(data):
        parts.append(f"<h3>{escape(data.profile.name(check))}（{SEVERITY_ZH.get(severity, '')}，{len(problems)}个）</h3>")
        rows = []
        for p in problems:
            f = p.finding
            shot = screenshot(f)
            evidence = escape(evidence_text(f)) + (f'<br><img src="file://{escape(str(shot))}" width="240">' if shot else "")
            rows.append([escape(p.entity.label), escape(f.get("detail") or ""), evidence, _link(f.get("url")),
                         escape(fix_advice(f)), escape(p.first_seen), escape(STATUS_ZH.get(p.status, p.status))])
        parts.append(_table(["名称", "问题描述", "证据", "页面地址", "建议修改", "发现时间", "状态"], rows))
    return "".join(parts) or "<p>本期检查未发现问题。</p>"


def render_html(data: PeriodData, kind: str, charts: dict[str, bytes | None], date: dt.date,
                deadline: dt.date | None = None, generated_at: dt.datetime | None = None) -> str:
    """The report of `kind` ("month", "quarter" or "year") as an HTML page."""
    settings = data.settings
    what = {"month": "检查结果", "quarter": "检查情况通报", "year": "监管工作情况"}[kind]
    title = f"{data.period.label}{settings.scope}政府网站和政务新媒体{what}"
    unreviewed = sum(1 for p in data.problems if p.status == "open")
    body = [f"<h1>{escape(title)}</h1>",
            f'<p class="note">{escape(settings.issuer)}　{escape(zh_date(date))}</p>']
    if unreviewed and kind != "year":
        body.append(f'<p class="draft">送审稿：尚有{unreviewed}个问题未经人工审核，审核完成前请勿印发。</p>')
    if kind == "year":
        figures = year_figures(data)
        body += ["<h2>一、年度数据</h2>", f'<p class="quote">{escape(figures.sentence(office_short(data), settings.scope))}</p>',
                 "<h2>二、逐月检查情况</h2>",
                 _table(["月份", "检查网站", "不合格网站", "网站合格率", "检查政务新媒体", "不合格政务新媒体", "发现问题"],
                        month_rows(data)),
                 _img(charts.get("trend"), "逐月检查情况"), "<h2>三、检查结果</h2>", _scores(data)]
    else:
        sites, accounts = data.entity_list("site"), data.entity_list("account")
        summary = (f"开展月度检查{data.checks_made()}次；检查政府网站{len(sites)}个，不合格{len(data.failed('site'))}个，"
                   f"合格率{percent(data.pass_rate('site'))}")
        if accounts:
            summary += (f"；检查政务新媒体{len(accounts)}个，不合格{len(data.failed('account'))}个，"
                        f"合格率{percent(data.pass_rate('account'))}")
        body += ["<h2>一、总体情况</h2>", f"<p>{escape(summary)}。共发现问题{len(data.problems)}个。</p>", _scores(data),
                 _img(charts.get("trend") if len(data.months) > 1 else None, "逐月检查情况"),
                 _img(charts.get("sites"), "各网站发现问题数"), _img(charts.get("accounts"), "各政务新媒体发现问题数"),
                 "<h2>二、主要问题</h2>", _problems(data)]
        if deadline:
            body.append(f"<h2>三、整改要求</h2><p>请各有关单位于{escape(zh_date(deadline))}前完成整改，"
                        f"并将整改情况报送{escape(office_short(data))}。</p>")
    if charts.get("note"):
        body.append(f'<p class="note">{escape(charts["note"])}</p>')
    stamp = (generated_at or dt.datetime.now()).isoformat(timespec="seconds")
    body.append(f'<p class="note">生成时间：{escape(stamp)}（xunjian）</p>')
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body>{''.join(body)}</body></html>\n")
