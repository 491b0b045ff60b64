"""Sending 整改通知 to departments: who may send what, and the record of every attempt.

The rules live here, shared by the page (/notices) and `xunjian notify`:
- only a period whose documents were approved (web_approvals) is sent;
- only problems a person confirmed are listed (unreviewed ones are left out and counted);
- a problem handed to another department (web_assignments) goes to that department;
- every target's result goes to web_notifications, and one line per department to the audit log;
- after a successful send, problems without a deadline get the notice's deadline, so overdue
  items stand out on the review pages.
Messages and delivery (Apprise) are reports/notify.py; the document itself is reports/notices.py.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from reports.notify import CHANNEL_ZH, Message, Outcome, build_message, deliver, mask, settings_of
from web import log, login_required
from web.bulletins import current_approval
from web.db import audit

bp = Blueprint("notify", __name__)
CONFIRMED = "confirmed"


@dataclass
class Plan:
    """One department's notice for a period: what would be sent, to whom."""

    department: str
    problems: list = field(default_factory=list)     # confirmed problems (reports.collect.Problem)
    unreviewed: int = 0
    targets: list[tuple[str, str]] = field(default_factory=list)   # (channel, Apprise URL)

    @property
    def shown_targets(self) -> list[str]:
        return [f"{CHANNEL_ZH[c]} {mask(u)}" for c, u in self.targets]


@dataclass
class Sent:
    """The result of sending (or trying to send) one department's notice."""

    department: str
    outcomes: list[Outcome] = field(default_factory=list)
    error: str | None = None          # why nothing was sent (Chinese)
    message: Message | None = None
    unreviewed: int = 0
    nothing: bool = False             # nothing to send (no confirmed open problems): not a failure

    @property
    def ok(self) -> bool:
        return self.error is None and bool(self.outcomes) and all(o.ok for o in self.outcomes)

    def summary(self) -> str:
        """One Chinese line for a flash message, the audit log or the terminal."""
        if self.error:
            return f"{self.department}：{self.error}"
        parts = [f"{o.result}（{o.target}）" for o in self.outcomes]
        left = f"；另有 {self.unreviewed} 个问题尚未审核，未列入" if self.unreviewed else ""
        count = len(self.message.problems) if self.message else 0
        return f"{self.department}：问题 {count} 个；" + "；".join(parts) + left


def _dates(data, period) -> tuple[dt.date, dt.date, list[str]]:
    """成文日期, deadline and caveats exactly as the period's documents have them (reports/generate.py)."""
    from reports.generate import issue_date
    from reports.workdays import add_workdays

    day, day_caveats = issue_date(period)
    deadline, caveats = add_workdays(day, data.settings.deadline_days)
    return day, deadline, sorted(set(caveats) | set(day_caveats))


def plans(db, config, period, data=None) -> tuple[object, list[Plan]]:
    """(collected period data, one Plan per department with open problems), departments by name."""
    from reports.collect import collect
    from reports.notices import assignments, problems_by_department

    data = data or collect(db, config, period)
    settings = settings_of(config)
    out = []
    for department, problems in problems_by_department(data, assignments(db)).items():
        confirmed = [p for p in problems if p.status == CONFIRMED]
        out.append(Plan(department, confirmed, len(problems) - len(confirmed), settings.targets(department)))
    return data, out


def send_notices(db, config, period, by: str, departments: list[str] | None = None, dry_run: bool = False,
                 ip: str = "") -> list[Sent]:
    """Send the period's notices (to `departments`, or every department with confirmed problems).

    Never raises for a failed target: each result is recorded and returned. `dry_run` builds the
    messages (also before approval, as a preview) and records nothing.
    """
    from reports.notices import safe_name, write_notice

    data, found = plans(db, config, period)
    if not dry_run and not current_approval(db, config, period, data):
        return [Sent(d, error=f"{period.label}文书尚未审定，或审定后问题有变动，重新审定后才能发送整改通知")
                for d in (departments or ["（全部单位）"])]
    by_name = {p.department: p for p in found}
    wanted = departments or [p.department for p in found if p.problems]
    day, deadline, caveats = _dates(data, period)
    results = []
    for department in wanted:
        plan = by_name.get(department, Plan(department))
        sent = Sent(department, unreviewed=plan.unreviewed)
        results.append(sent)
        if not plan.problems:
            sent.nothing = True
            sent.error = "没有经审核确认、尚未整改的问题，无需发送" + \
                (f"（{plan.unreviewed} 个问题尚未审核）" if plan.unreviewed else "")
        elif not plan.targets:
            sent.error = "配置文件中没有该单位的接收邮箱或群机器人（[[notify.departments]]）"
        if sent.error:
            if not dry_run:
                audit(db, by, "发送整改通知", department, f"{period.label}：未发送，{sent.error}", ip)
            continue
        with tempfile.TemporaryDirectory(prefix="xunjian-notice-") as tmp:
            path = Path(tmp) / f"整改通知-{safe_name(department)}.docx"
            write_notice(data, department, plan.problems, path, day, deadline, caveats)
            sent.message = build_message(data, department, plan.problems, day, deadline, caveats, path)
            if dry_run:
                continue
            sent.outcomes = deliver(sent.message, plan.targets, settings_of(config).timeout)
        _record(db, period, sent, by, deadline, ip)
    return results


def _record(db, period, sent: Sent, by: str, deadline: dt.date, ip: str) -> None:
    at = dt.datetime.now().isoformat(timespec="seconds")
    prints = [p.finding.get("fingerprint") for p in sent.message.problems]
    for outcome in sent.outcomes:
        db["web_notifications"].insert({"period": period.slug, "department": sent.department,
                                        "channel": outcome.channel, "target": outcome.target,
                                        "subject": sent.message.subject, "problems": len(prints),
                                        "fingerprints": json.dumps(prints), "by": by, "at": at,
                                        "ok": int(outcome.ok), "result": outcome.result})
    audit(db, by, "发送整改通知", sent.department, f"{period.label}：" + sent.summary(), ip)
    if any(o.ok for o in sent.outcomes):
        for fingerprint in prints:
            rows = list(db.query("select * from web_assignments where fingerprint = ?", [fingerprint]))
            if rows and rows[0]["deadline"]:
                continue
            row = rows[0] if rows else {"fingerprint": fingerprint, "department": sent.department}
            db["web_assignments"].insert(dict(row, deadline=deadline.isoformat(), by=by, at=at), replace=True)


def history(db, period_slug: str | None = None, department: str | None = None, limit: int = 100) -> list[dict]:
    """Recorded sends, newest first."""
    sql, args = "select * from web_notifications where 1 = 1", []
    if period_slug:
        sql, args = sql + " and period = ?", args + [period_slug]
    if department:
        sql, args = sql + " and department = ?", args + [department]
    return list(db.query(sql + " order by id desc limit ?", args + [limit]))


# --- pages ----------------------------------------------------------------------------------

@bp.route("/notices")
@login_required()
def notices():
    """The period's notices by department (staff), or the notices sent to one's department."""
    from web.bulletins import _period, _value

    period = _period()
    if g.user["role"] == "department":
        return render_template("notices.html", period=period, kind=period.kind, value=_value(period),
                               rows=[], approval=None, sent=history(g.db, None, g.user["department"]))
    data, rows = plans(g.db, g.config, period)
    last = {}
    for row in reversed(history(g.db, period.slug, limit=1000)):
        last[row["department"]] = row
    return render_template("notices.html", period=period, kind=period.kind, value=_value(period), rows=rows,
                           approval=current_approval(g.db, g.config, period, data), last=last,
                           sent=history(g.db, period.slug))


@bp.post("/notices/send")
@login_required("admin", "reviewer")
def send():
    from web.bulletins import _period, _value

    period = _period()
    department = request.form.get("department", "").strip()
    if not department:
        abort(400)
    try:
        results = send_notices(g.db, g.config, period, g.user["name"], [department], ip=request.remote_addr or "")
    except Exception as exc:  # noqa: BLE001 - the page reports it; the app goes on
        log("发送整改通知", department, f"{period.label}：出错 {type(exc).__name__}: {exc}")
        flash(f"发送整改通知出错：{type(exc).__name__}: {exc}", "error")
        return redirect(url_for("notify.notices", kind=period.kind, period=_value(period)))
    sent = results[0]
    word = "已发送整改通知" if sent.ok else ("未发送整改通知" if sent.error else "整改通知未全部发送成功")
    flash(f"{word}——{sent.summary()}", "message" if sent.ok else "error")
    return redirect(url_for("notify.notices", kind=period.kind, period=_value(period)))
