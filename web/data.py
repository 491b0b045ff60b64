"""Findings as the review pages show them: with review state, department, assignment and
rectification; filtering; and the evidence of one finding (page text around it, link markup).
"""

from __future__ import annotations

import datetime as dt
import json

from xunjian.store import decompress_text

FILTERS = ("run", "site", "department", "check", "severity", "status")
SQL = """select f.*, coalesce(r.status, 'open') as status, r.reason as review_reason, r.by as review_by,
                r.at as review_at, r.severity as review_severity, a.department as assigned,
                a.deadline as deadline, x.state as rect_state, x.note as rect_note, x.at as rect_at,
                x.result as rect_result, x.checked_at as rect_checked_at
         from findings f left join reviews r on r.fingerprint = f.fingerprint
         left join web_assignments a on a.fingerprint = f.fingerprint
         left join web_rectifications x on x.fingerprint = f.fingerprint"""


def runs(db) -> list[dict]:
    return list(db.query("select id, as_of, status, started_at, finished_at from runs order by id desc"))


def owners(config, db=None, run: int | None = None) -> dict[str, tuple[str, str]]:
    """site or account id -> (name, department), from the configuration and the run's sites."""
    out: dict[str, tuple[str, str]] = {}
    if db is not None and run is not None:
        for row in db.query("select site, name, department from site_runs where run = ?", [run]):
            out[row["site"]] = (row["name"] or row["site"], row["department"] or "")
    for site in config.sites:
        out[site.id] = (site.name, site.department)
    for account in config.accounts:
        out[account.id] = (account.name, account.department)
    return out


def departments(config) -> list[str]:
    return sorted({s.department for s in config.sites} | {a.department for a in config.accounts})


def _shape(row: dict, who: dict[str, tuple[str, str]]) -> dict:
    row["extra"] = json.loads(row["extra"] or "{}")
    row["original_severity"] = row["severity"]
    if row.get("review_severity"):
        row["severity"] = row["review_severity"]
    owner = row["account"] or row["site"] or ""
    name, department = who.get(owner, (owner, ""))
    row["owner"], row["owner_name"] = owner, name
    row["owner_department"] = department
    row["department"] = row.get("assigned") or department
    row["overdue"] = bool(row.get("deadline") and row["status"] in ("open", "confirmed")
                          and row.get("rect_state") != "rectified"
                          and row["deadline"] < dt.date.today().isoformat())
    return row


def visible_to(user: dict, row: dict) -> bool:
    """Department users see only their own department's sites and accounts (and items assigned to it)."""
    if user["role"] != "department":
        return True
    return user["department"] in (row["department"], row["owner_department"])


def query_findings(db, config, user: dict, filters: dict) -> list[dict]:
    run = filters.get("run")
    if not run:
        return []
    who = owners(config, db, int(run))
    rows = (_shape(r, who) for r in db.query(SQL + """ where f.run = ?
            order by f.site, f.account, f."check", f.url, f.target, f.id""", [int(run)]))
    out = []
    for row in rows:
        if not visible_to(user, row):
            continue
        if filters.get("site") and filters["site"] != row["owner"]:
            continue
        if filters.get("department") and filters["department"] != row["department"]:
            continue
        if filters.get("check") and filters["check"] != row["check"]:
            continue
        if filters.get("severity") and filters["severity"] != row["severity"]:
            continue
        if filters.get("status") and filters["status"] != row["status"]:
            continue
        out.append(row)
    return out


def get_finding(db, config, finding_id: int) -> dict | None:
    rows = list(db.query(SQL + " where f.id = ?", [finding_id]))
    if not rows:
        return None
    return _shape(rows[0], owners(config, db, rows[0]["run"]))


def history(db, fingerprint: str) -> list[dict]:
    """Earlier runs' occurrences of the same problem."""
    return list(db.query("""select f.id, f.run, r.as_of from findings f join runs r on r.id = f.run
                            where f.fingerprint = ? order by f.run desc""", [fingerprint]))


def evidence(db, finding: dict, width: int = 80) -> dict:
    """What the page showed: the text around the evidence (split for highlighting), the link markup."""
    out: dict = {"before": "", "match": "", "after": "", "markup": None, "page_title": None}
    page = list(db.query("select id, title, text from pages where run = ? and (url = ? or final_url = ?) limit 1",
                         [finding["run"], finding["url"], finding["url"]]))
    text = ""
    if page:
        out["page_title"] = page[0]["title"]
        try:
            text = decompress_text(page[0]["text"])
        except Exception:  # noqa: BLE001 - a damaged blob: no context shown
            text = ""
    needle = finding.get("evidence") or ""
    if text and needle and needle in text:
        at = text.index(needle)
        out["before"] = ("…" if at > width else "") + text[max(0, at - width):at]
        out["match"] = needle
        end = at + len(needle)
        out["after"] = text[end:end + width] + ("…" if end + width < len(text) else "")
    markup = (finding.get("extra") or {}).get("markup")
    if not markup and page and finding.get("target"):
        rows = list(db.query("select markup from links where run = ? and page = ? and target = ? limit 1",
                             [finding["run"], page[0]["id"], finding["target"]]))
        markup = rows[0]["markup"] if rows else None
    out["markup"] = markup
    return out


def set_review(db, fingerprint: str, user: str, *, status: str | None = None, reason: str | None = None,
               severity: str | None = None) -> None:
    """Record a decision by fingerprint; unchanged fields keep their value."""
    rows = list(db.query("select * from reviews where fingerprint = ?", [fingerprint]))
    row = rows[0] if rows else {"fingerprint": fingerprint, "status": "open"}
    if status is not None:
        row["status"] = status
    if severity is not None:
        row["severity"] = severity
    row.update({"reason": reason, "by": user, "at": dt.datetime.now().isoformat(timespec="seconds")})
    db["reviews"].insert(row, pk="fingerprint", replace=True, alter=True)
