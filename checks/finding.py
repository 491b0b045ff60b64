"""The finding record every check produces, with its stable fingerprint."""

from __future__ import annotations

import hashlib
from typing import Any

# Severity of every check id (CHECKS.md); the ids and severities are a contract.
SEVERITY = {
    "link.broken": "deduct",
    "link.fake": "deduct",
    "layout.garbled": "deduct",
    "update.home_stale": "veto",
    "update.home_thin": "deduct",
    "update.column_stale": "deduct",     # veto once too many columns are stale
    "column.empty": "notice",            # veto at 5 or more
    "site.identity_missing": "deduct",
    "meta.missing": "notice",
    "date.faked": "veto",
    "link.dark": "veto",
    "link.hijacked": "veto",
    "link.new_domain": "notice",         # ours: a domain newly linked site-wide, for staff to confirm
    "text.typo": "deduct",
    "text.typo_suspect": "notice",       # ours: 疑似错别字, counts only once staff confirm it
    "text.typo_severe": "veto",
    "text.improper": "deduct",
    "privacy.leak": "veto",
    "attachment.unreadable": "notice",   # ours: a linked document whose text could not be checked
    "site.unreachable": "veto",
    "home.availability": "deduct",       # 5 points per full 1%; a notice under 1% or with thin coverage
    "media.stale": "veto",               # new-media accounts (checks/media.py)
    "media.no_interaction": "veto",
    "media.typo_severe": "veto",
    "media.typo": "deduct",
    "media.improper": "deduct",
    "media.link_broken": "deduct",
    "media.unregistered": "notice",
    "media.unreadable": "notice",
}


def fingerprint(site: str | None, check: str, *parts: str | None) -> str:
    """Stable id of a problem: the same problem found next month has the same fingerprint."""
    text = "\x1f".join([site or "", check, *[p or "" for p in parts]])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def finding(check: str, site: str, url: str, *, target: str | None = None, evidence: str | None = None,
            suggestion: str | None = None, detail: str, key: tuple[str | None, ...] | None = None,
            account: str | None = None, severity: str | None = None, **extra: Any) -> dict[str, Any]:
    """Build a finding dict. `key` are the parts that identify it besides site, check and url."""
    parts = key if key is not None else (target, evidence)
    return {
        "site": site, "account": account, "check": check, "severity": severity or SEVERITY[check],
        "url": url, "target": target, "evidence": evidence, "suggestion": suggestion,
        "detail": detail, "fingerprint": fingerprint(site or account, check, url, *parts),
        "extra": extra,
    }
