"""Bulletins: preview a month's results or a quarter's bulletin, approve, download DOCX/XLSX.

The documents come from reports/ (reports.collect + reports.html, reports.generate for files);
approval (who, when, how many problems and how many unreviewed, and a digest of the problems
approved) goes to web_approvals. An approval holds only while the period's problems, their
review status and severity are what was approved: a new inspection or a changed review calls
for approving again before documents are downloaded or notices sent.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
from pathlib import Path

from flask import Blueprint, Response, abort, g, render_template, request, send_file

from web import done, log, login_required

bp = Blueprint("bulletins", __name__)


def _collected():
    """The requested period, its collected report data, and how many problems are unreviewed."""
    from reports.collect import collect

    period = _period()
    data = collect(g.db, g.config, period)
    return period, data, sum(1 for p in data.problems if p.status == "open")


def _period():
    from reports.period import PeriodError, parse_period

    kind = request.values.get("kind", "month")
    value = (request.values.get("period") or "").strip()
    if not value:
        rows = list(g.db.query("select as_of from runs where status = 'complete' order by as_of desc limit 1"))
        day = dt.date.fromisoformat(rows[0]["as_of"][:10]) if rows else dt.date.today()
        value = f"{day.year}-{day.month:02d}" if kind == "month" else f"{day.year}Q{(day.month - 1) // 3 + 1}"
    try:
        if kind == "month":
            return parse_period(month=value)
        if kind == "quarter":
            return parse_period(quarter=value)
    except PeriodError:
        pass
    abort(404)


def approvals(db, period_label: str | None = None) -> list[dict]:
    if period_label:
        return list(db.query("select * from web_approvals where period = ? order by id desc", [period_label]))
    return list(db.query("select * from web_approvals order by id desc limit 50"))


def problems_digest(data) -> str:
    """What an approval approves: the period's problems with their review status and severity."""
    items = sorted((p.finding.get("fingerprint") or "", p.status, p.finding.get("severity") or "")
                   for p in data.problems)
    return hashlib.sha1(json.dumps(items).encode()).hexdigest()


def current_approval(db, config, period, data=None) -> dict | None:
    """The period's latest approval while its problems are still those approved; else None."""
    from reports.collect import collect

    rows = approvals(db, period.slug)
    if not rows:
        return None
    data = data or collect(db, config, period)
    return rows[0] if rows[0].get("digest") == problems_digest(data) else None


@bp.route("/bulletins")
@login_required("admin", "reviewer")
def preview():
    period, data, unreviewed = _collected()
    return render_template("bulletins.html", period=period, kind=period.kind, value=_value(period),
                           problems=len(data.problems), unreviewed=unreviewed, months=len(data.months),
                           approvals=approvals(g.db, period.slug),
                           current=current_approval(g.db, g.config, period, data))


def _value(period) -> str:
    if period.kind == "month":
        year, month = period.months[0]
        return f"{year}-{month:02d}"
    year, month = period.months[0]
    return f"{year}Q{(month - 1) // 3 + 1}"


@bp.route("/bulletins/document")
@login_required("admin", "reviewer")
def document():
    """The document itself, self-contained HTML from reports.html, shown in a sandboxed frame."""
    from reports.collect import collect
    from reports.generate import _charts, issue_date
    from reports.html import render_html
    from reports.workdays import add_workdays

    period = _period()
    data = collect(g.db, g.config, period)
    day, _ = issue_date(period)
    deadline, _ = add_workdays(day, data.settings.deadline_days)
    html = render_html(data, period.kind, _charts(data) if data.months else {}, day, deadline)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                                                   "frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox")
    return response


@bp.post("/bulletins/approve")
@login_required("admin", "reviewer")
def approve():
    period, data, unreviewed = _collected()
    if unreviewed:
        return render_template("message.html", title="不能审定",
                               message=f"尚有 {unreviewed} 个问题未经人工审核，全部审核后才能审定印发。"), 400
    g.db["web_approvals"].insert({"period": period.slug, "kind": period.kind, "by": g.user["name"],
                                  "at": dt.datetime.now().isoformat(timespec="seconds"),
                                  "problems": len(data.problems), "unreviewed": unreviewed,
                                  "digest": problems_digest(data)})
    log("审定文书", period.slug, f"{period.label}，问题 {len(data.problems)} 个")
    return done(f"已审定{period.label}文书", "bulletins.preview", kind=period.kind, period=_value(period))


@bp.route("/bulletins/download")
@login_required("admin", "reviewer")
def download():
    """DOCX or XLSX written by reports.generate into a temporary folder; approved documents only."""
    from reports.generate import write_reports

    period = _period()
    fmt = request.args.get("format", "docx")
    if fmt not in ("docx", "xlsx"):
        abort(404)
    if not current_approval(g.db, g.config, period):
        message = ("审定后问题已有变动（新的巡检或审核改动），请在预览页重新审定后下载。" if approvals(g.db, period.slug)
                   else "文书审定后才能下载正式文本；请先在预览页审定。")
        return render_template("message.html", title="尚未审定", message=message), 403
    out = Path(tempfile.mkdtemp(prefix="xunjian-web-"))
    written = write_reports(g.db, g.config, period, out, pdf=False, notices=False)
    paths = [p for p in written.paths if p.suffix == f".{fmt}"]
    if not paths:
        abort(404)
    log("下载文书", period.slug, paths[0].name)
    return send_file(paths[0], as_attachment=True, download_name=paths[0].name, max_age=0)
