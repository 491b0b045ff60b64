"""Inspect the whole demo city and compare the findings with its truth file, exactly."""

from __future__ import annotations

import pytest

from demo.city import build_city, load_truth, resolve_url
from demo.city_dark import ATTACKER_DIR, ATTACKER_HOST, ATTACKER_PORT
from demo.server import FixtureSite
from tests.conftest import findings_of, write_config, xunjian
from xunjian.config import load_config
from tests.conftest import ROOT

# Which fields of a finding identify a planted defect, per check id: checks with no target
# compare (site, url); identity findings also name the missing item.
KEYS = {
    "link.broken": ("site", "url", "target"),
    "link.fake": ("site", "url", "target"),     # the target is the href as written
    "layout.garbled": ("site", "url"),
    "update.column_stale": ("site", "url"),
    "column.empty": ("site", "url"),
    "update.home_stale": ("site", "url"),
    "update.home_thin": ("site", "url"),
    "site.identity_missing": ("site", "url", "evidence"),
    "meta.missing": ("site", "url"),
    "date.faked": ("site", "url", "target"),
    "link.dark": ("site", "url", "target"),
    "link.hijacked": ("site", "url", "target"),
    # Text checks: planted in attachments (demo.city_docs), whose findings have the document's url.
    "text.typo": ("site", "url", "evidence"),
    "text.improper": ("site", "url", "evidence"),
    "privacy.leak": ("site", "url", "evidence"),      # the evidence is masked
    "attachment.unreadable": ("site", "url"),
}
CHECKED = set(KEYS)
XFAIL: dict[str, str] = {}


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("city")
    roots = build_city(tmp / "city")
    demo = load_config(ROOT / "demo" / "sites.toml")
    servers = {site.id: FixtureSite(roots[site.id]).start() for site in demo.sites}
    # the attacker host the planted 暗链 and the hijacked partner link point at (demo.city_dark)
    servers["attacker"] = FixtureSite(tmp / "city" / ATTACKER_DIR, host=ATTACKER_HOST, port=ATTACKER_PORT).start()
    config = write_config(tmp / "sites.toml", [
        {"id": s.id, "name": s.name, "url": servers[s.id].url, "department": s.department,
         "download_delay": 0, "concurrency": 8} for s in demo.sites])
    db = tmp / "demo.db"
    xunjian("inspect", "--config", str(config), "--db", str(db), "--as-of", "2026-11-20", "--quiet")
    bases = {site_id: server.url.rstrip("/") for site_id, server in servers.items()}
    truth = [dict(t, url=resolve_url(t["url"], bases), target=resolve_url(t.get("target"), bases))
             for t in load_truth(tmp / "city")]
    yield findings_of(config, db), truth
    for server in servers.values():
        server.stop()


@pytest.mark.parametrize("check", [
    pytest.param(check, marks=pytest.mark.xfail(strict=True, reason=XFAIL[check]))
    if check in XFAIL else check for check in sorted(CHECKED)])
def test_findings_equal_truth(city, check):
    findings, truth = city
    keys = KEYS[check]
    found = {tuple(f[k] for k in keys) for f in findings if f["check"] == check}
    planted = {tuple(t[k] for k in keys) for t in truth if t["check"] == check}
    assert planted, f"nothing planted for {check}"
    assert found == planted


def test_planted_dark_links_are_hidden(city):
    """Every 暗链 planted in the demo is hidden (none is only a visible lexicon link), and its
    detail says how."""
    findings, _ = city
    dark = [f for f in findings if f["check"] == "link.dark"]
    assert dark
    for f in dark:
        assert f["extra"]["technique"] and f["detail"].startswith("暗链：" + f["extra"]["technique"]), f
