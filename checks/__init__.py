"""Checks: pure functions from stored facts to findings. None of them touches the network.

Each check takes (db, run id, {site id: Site}) and yields finding dicts (checks.finding).
`run_checks` runs them all on a stored run and replaces that run's findings of those ids,
so a new or improved check can be re-run on last month's crawl.
"""

from __future__ import annotations

from typing import Callable, Iterable

from checks.garbled import garbled_pages
from checks.links import broken_links, fake_links
from xunjian.store import replace_findings

CHECKS: dict[str, Callable[..., Iterable[dict]]] = {
    "link.broken": broken_links,
    "link.fake": fake_links,
    "layout.garbled": garbled_pages,
}


def run_checks(db, run: int, sites: dict, only: Iterable[str] | None = None) -> dict[str, int]:
    """Run the checks (all, or `only`) on stored run `run`; return the finding count per check."""
    counts = {}
    for check_id, check in CHECKS.items():
        if only and check_id not in only:
            continue
        counts[check_id] = replace_findings(db, run, [check_id], check(db, run, sites))
    return counts
