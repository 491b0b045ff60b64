"""Findings list and review actions: confirm, dismiss with a reason, change severity, assign."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, abort, g, render_template, request, send_file, url_for

from web import done, log, login_required
from web.data import FILTERS, departments, evidence, get_finding, history, query_findings, runs, \
    set_review, visible_to
from xunjian.cli import SEVERITY_NAMES

bp = Blueprint("review", __name__)
PAGE = 200
ACTIONS = {"confirm": ("confirmed", "确认"), "dismiss": ("dismissed", "排除"), "reopen": ("open", "恢复待审核")}


def _filters() -> dict:
    values = {key: (request.args.get(key) or "").strip() for key in FILTERS}
    if not values["run"]:
        latest = runs(g.db)
        values["run"] = str(latest[0]["id"]) if latest else ""
    if values["run"] and not values["run"].isdigit():
        abort(404)
    return values


@bp.route("/findings")
@login_required()
def findings():
    filters = _filters()
    rows = query_findings(g.db, g.config, g.user, filters)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    shown = rows[(page - 1) * PAGE: page * PAGE]
    owners = sorted({(r["owner"], r["owner_name"]) for r in query_findings(
        g.db, g.config, g.user, {"run": filters["run"]})}) if filters["run"] else []
    return render_template("findings.html", rows=shown, total=len(rows), page=page,
                           pages=max(1, (len(rows) + PAGE - 1) // PAGE), filters=filters,
                           runs=runs(g.db), owners=owners, departments=departments(g.config),
                           here=request.full_path)


def _finding_or_404(finding_id: int) -> dict:
    finding = get_finding(g.db, g.config, finding_id)
    if finding is None or not visible_to(g.user, finding):
        abort(404)
    return finding


@bp.route("/findings/<int:finding_id>")
@login_required()
def detail(finding_id: int):
    finding = _finding_or_404(finding_id)
    extra = {k: v for k, v in finding["extra"].items() if k not in ("markup", "screenshot")}
    shot = finding["extra"].get("screenshot")
    has_shot = isinstance(shot, str) and Path(shot).is_file()
    return render_template("finding.html", f=finding, ev=evidence(g.db, finding), extra=extra,
                           has_shot=has_shot, history=history(g.db, finding["fingerprint"]),
                           departments=departments(g.config))


@bp.route("/findings/<int:finding_id>/screenshot")
@login_required()
def screenshot(finding_id: int):
    finding = _finding_or_404(finding_id)
    shot = finding["extra"].get("screenshot")
    if not (isinstance(shot, str) and shot.lower().endswith((".png", ".jpg", ".jpeg")) and Path(shot).is_file()):
        abort(404)
    return send_file(Path(shot).resolve(), max_age=0)


def _review(finding: dict, action: str, reason: str) -> str | None:
    """Apply one review action; return an error message or None."""
    if action not in ACTIONS:
        return "未知的操作"
    if action == "dismiss" and not reason:
        return "排除问题必须填写理由"
    status, word = ACTIONS[action]
    set_review(g.db, finding["fingerprint"], g.user["name"], status=status, reason=reason or None)
    log(word, finding["fingerprint"], f"#{finding['id']} {finding['check']} {finding['url'] or ''} {reason}".strip())
    return None


@bp.post("/findings/<int:finding_id>/review")
@login_required("admin", "reviewer")
def review(finding_id: int):
    finding = _finding_or_404(finding_id)
    error = _review(finding, request.form.get("action", ""), request.form.get("reason", "").strip())
    back = url_for("review.detail", finding_id=finding_id)
    return done(error or "已保存审核结果", "review.detail", finding_id=finding_id) if not error else \
        (render_template("message.html", title="无法保存", message=error, back=back), 400)


@bp.post("/findings/<int:finding_id>/severity")
@login_required("admin", "reviewer")
def severity(finding_id: int):
    finding = _finding_or_404(finding_id)
    value, reason = request.form.get("severity", ""), request.form.get("reason", "").strip()
    back = url_for("review.detail", finding_id=finding_id)
    if value not in SEVERITY_NAMES or not reason:
        return render_template("message.html", title="无法保存", back=back,
                               message="请选择问题性质并填写调整理由"), 400
    set_review(g.db, finding["fingerprint"], g.user["name"], severity=value, reason=reason)
    log("调整问题性质", finding["fingerprint"], f"#{finding_id} {finding['severity']} → {value}：{reason}")
    return done("已调整问题性质", "review.detail", finding_id=finding_id)


@bp.post("/findings/<int:finding_id>/assign")
@login_required("admin", "reviewer")
def assign(finding_id: int):
    finding = _finding_or_404(finding_id)
    department = request.form.get("department", "").strip()
    deadline = request.form.get("deadline", "").strip()
    back = url_for("review.detail", finding_id=finding_id)
    if department not in departments(g.config):
        return render_template("message.html", title="无法保存", message="请选择责任单位", back=back), 400
    if deadline:
        try:
            dt.date.fromisoformat(deadline)
        except ValueError:
            return render_template("message.html", title="无法保存", message="整改期限格式应为 YYYY-MM-DD",
                                   back=back), 400
    g.db["web_assignments"].insert({"fingerprint": finding["fingerprint"], "department": department,
                                    "deadline": deadline or None, "by": g.user["name"],
                                    "at": dt.datetime.now().isoformat(timespec="seconds")}, replace=True)
    log("交办", finding["fingerprint"], f"#{finding_id} → {department}，期限 {deadline or '未定'}")
    return done("已交办", "review.detail", finding_id=finding_id)


@bp.post("/findings/bulk")
@login_required("admin", "reviewer")
def bulk():
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    action, reason = request.form.get("action", ""), request.form.get("reason", "").strip()
    if not ids:
        return done("未选择任何问题")
    errors = 0
    for finding_id in ids:
        finding = get_finding(g.db, g.config, finding_id)
        if finding is None or not visible_to(g.user, finding):
            continue
        if _review(finding, action, reason):
            errors += 1
    if errors:
        return render_template("message.html", title="无法保存",
                               message="批量排除必须填写理由" if action == "dismiss" else "未知的操作"), 400
    return done(f"已批量处理 {len(ids)} 个问题")
