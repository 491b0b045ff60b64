"""Rectification (departments mark items fixed, the office rechecks) and the dashboard."""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
from collections import Counter

from flask import Blueprint, abort, g, render_template, request

from web import done, log, login_required
from web.data import get_finding, query_findings, runs, set_review, visible_to

bp = Blueprint("rectify", __name__)
RECHECK_TIMEOUT = 15
RECHECK_BYTES = 5 * 1024 * 1024
# Checks a single page fetch can settle: the evidence text is on the page, or the link target answers.
TEXT_CHECKS = ("layout.garbled", "link.fake", "link.dark", "link.hijacked", "site.identity_missing")


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def _fetch(url: str) -> tuple[int | None, str]:
    """(HTTP status or None, page text) of a plain GET."""
    request_ = urllib.request.Request(url, headers={"User-Agent": "xunjian-recheck/0.1"})
    try:
        with urllib.request.urlopen(request_, timeout=RECHECK_TIMEOUT) as response:  # noqa: S310 - stored http(s) URL
            body = response.read(RECHECK_BYTES)
            status = response.status
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    except (urllib.error.URLError, OSError, ValueError):
        return None, ""
    from bs4 import BeautifulSoup
    from charset_normalizer import from_bytes

    try:
        html = body.decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError):
        best = from_bytes(body).best()
        html = str(best) if best else body.decode("utf-8", "replace")
    return status, html + "\n" + BeautifulSoup(html, "lxml").get_text(" ")


def recheck_finding(finding: dict) -> tuple[str, str]:
    """(state, Chinese result) of fetching the finding's page again: fixed, open or 待复查."""
    check, url, target = finding["check"], finding.get("url") or "", finding.get("target") or ""
    if not url.startswith(("http://", "https://")):
        return "pending", "待复查：该问题无法通过抓取单个页面复查"
    if check == "link.broken" and target.startswith(("http://", "https://")):
        status, _ = _fetch(target)
        if status is not None and status < 400:
            return "fixed", f"复查通过：链接目标现返回 {status}"
        return "open", f"问题仍存在：链接目标{'无法访问' if status is None else f'返回 {status}'}"
    if check in TEXT_CHECKS and finding.get("evidence"):
        status, text = _fetch(url)
        if status is None or status >= 400:
            return "pending", f"待复查：页面{'无法访问' if status is None else f'返回 {status}'}"
        if finding["evidence"] in text:
            return "open", "问题仍存在：页面上仍有该内容"
        return "fixed", "复查通过：页面上已无该内容"
    return "pending", "待复查：需在下次巡检中复查"


@bp.post("/findings/<int:finding_id>/rectified")
@login_required("department", "admin")
def rectified(finding_id: int):
    finding = get_finding(g.db, g.config, finding_id)
    if finding is None or not visible_to(g.user, finding):
        abort(404)
    note = request.form.get("note", "").strip()[:1000]
    g.db["web_rectifications"].insert({"fingerprint": finding["fingerprint"], "state": "rectified",
                                       "note": note, "by": g.user["name"], "at": _now(),
                                       "checked_at": None, "result": None}, replace=True)
    log("报告已整改", finding["fingerprint"], f"#{finding_id} {note}")
    return done("已报告整改，等待复查", "review.detail", finding_id=finding_id)


@bp.post("/findings/<int:finding_id>/recheck")
@login_required("admin", "reviewer")
def recheck(finding_id: int):
    finding = get_finding(g.db, g.config, finding_id)
    if finding is None:
        abort(404)
    state, result = recheck_finding(finding)
    if state == "fixed":
        set_review(g.db, finding["fingerprint"], g.user["name"], status="fixed", reason=result)
    rows = list(g.db.query("select * from web_rectifications where fingerprint = ?", [finding["fingerprint"]]))
    row = rows[0] if rows else {"fingerprint": finding["fingerprint"], "state": "", "note": None,
                                "by": None, "at": None}
    row.update({"checked_at": _now(), "result": result,
                "state": {"fixed": "verified", "open": "reopened", "pending": "pending"}[state]})
    g.db["web_rectifications"].insert(row, replace=True)
    log("复查", finding["fingerprint"], f"#{finding_id} {result}")
    return done(result, "review.detail", finding_id=finding_id)


@bp.route("/dashboard")
@login_required("admin", "reviewer")
def dashboard():
    from reports.collect import collect
    from reports.period import parse_period

    latest = runs(g.db)
    scores, month_label, departments, overdue = [], None, Counter(), 0
    if latest:
        day = dt.date.fromisoformat(latest[0]["as_of"][:10])
        period = parse_period(month=f"{day.year}-{day.month:02d}")
        data = collect(g.db, g.config, period)
        month_label = period.label
        if data.latest:
            scores = data.latest.scores()
        for row in query_findings(g.db, g.config, g.user, {"run": str(latest[0]["id"])}):
            if row["status"] in ("open", "confirmed"):
                departments[row["department"] or "（未指定）"] += 1
                overdue += row["overdue"]
    return render_template("dashboard.html", scores=scores, month_label=month_label,
                           departments=sorted(departments.items(), key=lambda kv: -kv[1]),
                           overdue=overdue, jobs=_jobs(), run=latest[0] if latest else None)


def _jobs() -> list[tuple[str, str]]:
    """Next scheduled runs from the scheduler's persistent job store, if any."""
    try:
        from scheduler import stored_jobs
    except ImportError:
        return []
    from flask import current_app

    out = []
    for job_id, (next_run, _state) in sorted(stored_jobs(current_app.config["XUNJIAN_DB_PATH"]).items()):
        when = dt.datetime.fromtimestamp(next_run).isoformat(sep=" ", timespec="minutes") if next_run else "已暂停"
        out.append((job_id, when))
    return out
