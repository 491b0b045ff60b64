"""Checks: pure functions from stored facts to findings. None of them touches the network.

Each check takes a RunContext (the store, the run, its sites and as-of date, and facts
derived once per check run) and yields finding dicts (checks.finding). `run_checks` runs
them all on a stored run and replaces that run's findings of those ids, so a new or
improved check can be re-run on last month's crawl.
"""

from __future__ import annotations

import datetime as dt
import json
import traceback
from typing import Callable, Iterable

from checks import native

# The typo detector's modules compiled with mypyc (checks/native.py), when built from these sources.
if (_compiled := native.current_build()) is not None:
    __path__.insert(0, str(_compiled))

from checks.attachments import unreadable_attachments
from checks.availability import home_availability, site_unreachable
from checks.columns import Column, discover
from checks.darklinks import dark_links, hijacked_links, new_domains
from checks.garbled import garbled_pages
from checks.improper import improper_wording
from checks.privacy import privacy_leaks
from checks.severe import severe_typos
from checks.typos import typo_suspects, typos
from checks.links import broken_links, fake_links
from checks.sitefacts import SiteFacts
from checks.updates import (article_fingerprints, column_empty, column_stale, date_faked, home_stale,
                            home_thin, identity_missing, meta_missing)
from xunjian.store import record_error, replace_findings


class RunContext:
    """One stored run as the checks see it; per-site facts are built once and shared."""

    def __init__(self, db, run: int, sites: dict, as_of: dt.date | str):
        self.db, self.run, self.sites = db, run, sites
        self.as_of = as_of if isinstance(as_of, dt.date) else dt.date.fromisoformat(as_of)
        self._facts: dict[str, SiteFacts] = {}
        self._columns: dict[str, list[Column]] = {}
        self._articles: dict[str, list[dict]] = {}
        self.dark_pairs: set[tuple[str, str]] = set()   # (page, target) judged 暗链, for link.hijacked

    def site_facts(self, site_id: str) -> SiteFacts:
        if site_id not in self._facts:
            self._facts[site_id] = SiteFacts(self.db, self.run, self.sites[site_id], self.as_of)
        return self._facts[site_id]

    def columns(self, site_id: str) -> list[Column]:
        if site_id not in self._columns:
            overrides = {c["url"]: c for c in getattr(self.sites[site_id], "columns", [])}
            self._columns[site_id] = discover(self.site_facts(site_id), overrides)
        return self._columns[site_id]

    def articles(self, site_id: str) -> list[dict]:
        if site_id not in self._articles:
            self._articles[site_id] = article_fingerprints(self, site_id)
        return self._articles[site_id]


CHECKS: dict[str, Callable[[RunContext], Iterable[dict]]] = {
    "link.broken": broken_links,
    "link.fake": fake_links,
    "layout.garbled": garbled_pages,
    "text.typo": typos,
    "text.typo_suspect": typo_suspects,
    "text.typo_severe": severe_typos,
    "text.improper": improper_wording,
    "privacy.leak": privacy_leaks,
    "attachment.unreadable": unreadable_attachments,
    "update.home_stale": home_stale,
    "update.home_thin": home_thin,
    "update.column_stale": column_stale,
    "column.empty": column_empty,
    "site.identity_missing": identity_missing,
    "meta.missing": meta_missing,
    "date.faked": date_faked,
    "link.dark": dark_links,
    "link.hijacked": hijacked_links,
    "link.new_domain": new_domains,
    "site.unreachable": site_unreachable,
    "home.availability": home_availability,
}


class ChecksFailed(Exception):
    """Some checks raised: the others ran and their findings are stored."""

    def __init__(self, counts: dict[str, int], failures: dict[str, str]):
        self.counts = counts
        self.failures = failures
        super().__init__("；".join(f"{check_id}：{message}" for check_id, message in failures.items()))


def run_checks(db, run: int, sites: dict, as_of: dt.date | str,
               only: Iterable[str] | None = None) -> dict[str, int]:
    """Run the checks (all, or `only`) on stored run `run`; return the finding count per check.

    A check that raises keeps its earlier findings, is recorded in the run's errors, and does not
    stop the others; ChecksFailed is raised once they have all run.
    """
    ctx = RunContext(db, run, sites, as_of)
    counts: dict[str, int] = {}
    failures: dict[str, str] = {}
    for check_id, check in CHECKS.items():
        if only and check_id not in only:
            continue
        try:
            counts[check_id] = replace_findings(db, run, [check_id], check(ctx))
        except Exception as exc:  # one check's bug or missing data must not cost the others
            failures[check_id] = f"{type(exc).__name__}: {exc}"
            record_error(db, run, None, None, "check", f"{check_id}: {traceback.format_exc()}")
    save_derived(ctx)
    if failures:
        raise ChecksFailed(counts, failures)
    return counts


def save_derived(ctx: RunContext) -> None:
    """Keep what the checks derived (columns, articles) so staff can see and correct it."""
    if not ctx._columns and not ctx._articles:
        return        # no update check ran (e.g. --checks link.*): keep what the last full check saved
    columns, articles = [], []
    for site_id in ctx.sites:
        for column in ctx.columns(site_id):
            last = column.last_update
            columns.append({
                "run": ctx.run, "site": site_id, "url": column.url, "name": column.name,
                "name_source": column.name_source, "kind": column.kind.id, "kind_label": column.kind.label,
                "kind_reason": column.kind_reason, "list_pages": json.dumps(column.list_pages),
                "items": len(column.items), "dated_items": sum(1 for _, d, _ in column.items if d),
                "last_update": last.isoformat() if last else None,
                "days": (ctx.as_of - last).days if last else None, "empty_reason": column.empty_reason})
        articles += [dict(a, run=ctx.run) for a in ctx.articles(site_id)]
    with ctx.db.conn:
        ctx.db.execute("delete from columns where run = ?", [ctx.run])
        ctx.db.execute("delete from articles where run = ?", [ctx.run])
        ctx.db["columns"].insert_all(columns)
        ctx.db["articles"].insert_all(articles)
