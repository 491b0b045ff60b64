"""Bulletins: preview a month's results or a quarter's bulletin, approve, download DOCX/XLSX.

The documents come from reports/ (reports.collect + reports.html, reports.generate for files);
approval (who, when, how many problems and how many unreviewed) goes to web_approvals.
"""

from __future__ import annotations

import datetime as dt
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


@bp.route("/bulletins")
@login_required("admin", "reviewer")
def preview():
    period, data, unreviewed = _collected()
    return render_template("bulletins.html", period=period, kind=period.kind, value=_value(period),
                           problems=len(data.problems), unreviewed=unreviewed, months=len(data.months),
                           approvals=approvals(g.db, period.slug))


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
                                  "problems": len(data.problems), "unreviewed": unreviewed})
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
    if not approvals(g.db, period.slug):
        return render_template("message.html", title="尚未审定",
                               message="文书审定后才能下载正式文本；请先在预览页审定。"), 403
    out = Path(tempfile.mkdtemp(prefix="xunjian-web-"))
    written = write_reports(g.db, g.config, period, out, pdf=False, notices=False)
    paths = [p for p in written.paths if p.suffix == f".{fmt}"]
    if not paths:
        abort(404)
    log("下载文书", period.slug, paths[0].name)
    return send_file(paths[0], as_attachment=True, download_name=paths[0].name, max_age=0)
