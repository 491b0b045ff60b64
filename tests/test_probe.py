"""Availability probes against real loopback servers, and the two availability checks.

Servers fail a controlled share of homepage requests (`fail_every` routes) or hang past the
probe timeout (a `delay` route, with `probe_timeout` shortened to 1 second in the config).
Probe times are assigned explicitly, so the 7-day window is exact.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from zoneinfo import ZoneInfo

import pytest

from checks import RunContext
from checks.availability import availability, home_availability, site_unreachable
from crawler.probe import judge_homepage, probe_sites
from demo.probes import seed_demo_probes, simulated_times
from tests.conftest import findings_of, free_port, write_config, write_site, xunjian
from xunjian.config import load_config
from xunjian.store import compress, open_store

TZ = ZoneInfo("Asia/Shanghai")
AS_OF = "2026-11-20"
HOME = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>清河市测试局</title></head>
<body><nav><a href="/a.html">政务公开</a> <a href="/b.html">办事服务</a> <a href="/c.html">互动交流</a></nav>
<ul><li><a href="/n1.html">清河市召开全市安全生产工作会议</a> 2026-11-18</li>
<li><a href="/n2.html">关于做好冬季供暖工作的通知</a> 2026-11-17</li></ul>
<footer>主办：清河市测试局 地址：清河市文昌路 16 号 网站标识码 9901000001</footer></body></html>"""


def at(day: int, minute: int) -> dt.datetime:
    """A probe time on 2026-11-(13 + day), `minute` minutes after midnight, Shanghai time."""
    return dt.datetime(2026, 11, 13, tzinfo=TZ) + dt.timedelta(days=day, minutes=minute)


def context(db, config) -> RunContext:
    return RunContext(db, 0, {s.id: s for s in config.sites}, AS_OF)


@pytest.fixture
def sites(tmp_path, serve):
    """Two sites: one failing every 25th homepage request, one failing every 20th."""
    flaky = serve(write_site(tmp_path / "flaky", {"index.html": HOME},
                             '[[routes]]\npath = "/"\nfail_every = 25\n'))
    shaky = serve(write_site(tmp_path / "shaky", {"index.html": HOME},
                             '[[routes]]\npath = "/"\nfail_every = 20\n'))
    config = load_config(write_config(tmp_path / "sites.toml", [
        {"id": "flaky", "name": "甲局", "url": flaky.url, "department": "甲局"},
        {"id": "shaky", "name": "乙局", "url": shaky.url, "department": "乙局"}]))
    return config, tmp_path / "xunjian.db"


def test_controlled_failure_share_gives_exact_share_veto_and_deduction(sites):
    config, db_path = sites
    for day in range(5):                     # 5 days x 20 probes, every 72 minutes
        for slot in range(20):
            probe_sites(db_path, config.sites, TZ, at=at(day, slot * 72 + 3))
    db = open_store(db_path)
    flaky, shaky = availability(db, "flaky", dt.date(2026, 11, 20)), availability(db, "shaky", dt.date(2026, 11, 20))
    assert (flaky.probes, flaky.failures, flaky.full_percent, flaky.points, flaky.veto) == (100, 4, 4, 20, False)
    assert (shaky.probes, shaky.failures, shaky.full_percent, shaky.points, shaky.veto) == (100, 5, 5, 25, True)
    assert flaky.errors == {"http_5xx": 4}
    # the last two days of the window had no probe: the figure is reported as weak
    assert flaky.days_under == ["2026-11-18", "2026-11-19"]
    found = list(site_unreachable(context(db, config))) + list(home_availability(context(db, config)))
    by = {(f["site"], f["check"]): f for f in found}
    assert set(by) == {("flaky", "home.availability"), ("shaky", "home.availability"), ("shaky", "site.unreachable")}
    veto = by["shaky", "site.unreachable"]
    assert veto["severity"] == "veto" and veto["url"] == config.site("shaky").url
    assert veto["evidence"] == "失败 5/100 次（5.0%）"
    deduct = by["flaky", "home.availability"]
    assert deduct["severity"] == "deduct" and deduct["evidence"] == "失败 4/100 次（4.0%）"
    extra = deduct["extra"]
    assert (extra["probes"], extra["failures"], extra["share"], extra["points"], extra["days_under_20"]) == \
        (100, 4, 0.04, 20, 2)
    assert len(extra["outages"]) == 4 and all(o["errors"] == {"HTTP 503": 1} for o in extra["outages"])
    # the 100th request was the last probe and failed: that outage has no recovery yet
    assert [o["recovered"] for o in extra["outages"]] == [True, True, True, False]
    assert "2026-11-13 至 2026-11-19" in deduct["detail"] and "应扣 20 分" in deduct["detail"]
    assert "2 天少于 20 次" in deduct["detail"] and "无法访问时段：" in deduct["detail"]
    assert by["shaky", "home.availability"]["extra"]["points"] == 25
    assert (extra["failed_percent"], by["shaky", "home.availability"]["extra"]["failed_percent"]) == (4.0, 5.0)


def test_hanging_homepage_times_out_at_the_configured_timeout(tmp_path, serve):
    good = write_site(tmp_path / "good", {"index.html": HOME})
    hang = write_site(tmp_path / "hang", {"index.html": HOME}, '[[routes]]\npath = "/"\ndelay = 4\n')
    server = serve(good)
    port = server.port
    config = load_config(write_config(tmp_path / "sites.toml", [
        {"id": "slow", "name": "丙局", "url": server.url, "department": "丙局", "probe_timeout": 1}]))
    db_path = tmp_path / "xunjian.db"
    for n in range(19):
        result, = probe_sites(db_path, config.sites, TZ, at=at(n % 7, 60 * n))
        assert result.ok and result.status == 200 and result.real_homepage == 1
    server.stop()
    serve(hang, port=port)                    # the same address now hangs past the timeout
    started = time.monotonic()
    result, = probe_sites(db_path, config.sites, TZ, at=at(6, 23 * 60))
    elapsed = time.monotonic() - started
    assert result.error == "timeout" and result.status is None and "1 秒" in result.message
    assert 0.9 <= result.total < 2.5 and elapsed < 3
    db = open_store(db_path)
    a = availability(db, "slow", dt.date(2026, 11, 20))
    assert (a.probes, a.failures, a.points, a.veto) == (20, 1, 25, True)    # exactly 5%: the veto line
    (veto,) = site_unreachable(context(db, config))
    assert veto["evidence"] == "失败 1/20 次（5.0%）" and "超时 1 次" in veto["detail"]
    assert veto["extra"]["outages"][0]["recovered"] is False


def test_probe_error_classes(tmp_path, serve):
    root = write_site(tmp_path / "s", {"index.html": HOME, "home.html": HOME}, """
        [[routes]]
        path = "/missing"
        status = 404
        [[routes]]
        path = "/reset"
        reset = true
        [[routes]]
        path = "/loop"
        redirect = "/loop"
        [[routes]]
        path = "/moved"
        redirect = "/home.html"
        [[routes]]
        path = "/down"
        status = 503
        """)
    site = serve(root)
    urls = {"missing": "missing", "reset": "reset", "loop": "loop", "moved": "moved", "down": "down"}
    entries = [{"id": key, "name": key, "url": site.url + path, "department": "测试"} for key, path in urls.items()]
    entries.append({"id": "refused", "name": "refused", "url": f"http://127.0.0.1:{free_port()}/",
                    "department": "测试"})
    config = load_config(write_config(tmp_path / "sites.toml", entries))
    results = {r.site: r for r in probe_sites(tmp_path / "x.db", config.sites, TZ)}
    assert {k: r.error for k, r in results.items()} == {
        "missing": "http_4xx", "reset": "connection", "loop": "redirect", "moved": None, "down": "http_5xx",
        "refused": "refused"}
    assert results["moved"].status == 200 and results["moved"].bytes == len(HOME.encode())
    assert results["down"].status == 503 and results["down"].ttfb is not None


def test_maintenance_and_replaced_homepages_are_failures(tmp_path, serve):
    maintenance = serve(write_site(tmp_path / "m", {"index.html": (
        "<html><head><title>系统维护中</title></head><body><p>网站系统升级，暂停访问，敬请谅解。</p></body></html>")}))
    replaced = serve(write_site(tmp_path / "r", {"index.html": (
        "<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1>"
        "<p>If you see this page, the nginx web server is successfully installed.</p></body></html>")}))
    renamed = serve(write_site(tmp_path / "n", {"index.html": HOME.replace("<title>清河市测试局", "<title>清河市测试局（新版）")}))
    config = load_config(write_config(tmp_path / "sites.toml", [
        {"id": i, "name": i, "url": s.url, "department": "测试"}
        for i, s in (("m", maintenance), ("r", replaced), ("n", renamed))]))
    db_path = tmp_path / "x.db"
    db = open_store(db_path)
    for site_id in ("r", "n"):        # what the last inspection stored as these homepages
        db["site_runs"].insert({"run": 1, "site": site_id, "status": "done"})
        db["pages"].insert({"run": 1, "site": site_id, "url": config.site(site_id).url, "status": 200,
                            "depth": 0, "title": "清河市测试局", "text": compress(
                                "政务公开 办事服务 互动交流 清河市召开全市安全生产工作会议 主办：清河市测试局")})
    results = {r.site: r for r in probe_sites(db_path, config.sites, TZ)}
    assert results["m"].status == 200 and results["m"].error == "not_homepage" and results["m"].real_homepage == 0
    assert "维护" in results["m"].message
    assert results["r"].error == "not_homepage" and "被替换" in results["r"].message
    assert results["n"].ok and results["n"].real_homepage == 1      # new title, same page
    # a real homepage that merely mentions maintenance in a news item is not a maintenance page
    assert judge_homepage("清河市人民政府", "关于政务服务系统维护的通知 " + "清河市新闻 " * 200, None) is None


def test_probe_command_prints_and_stores(tmp_path, serve):
    site = serve(write_site(tmp_path / "s", {"index.html": HOME}))
    config = write_config(tmp_path / "sites.toml", [
        {"id": "qh-test", "name": "清河市测试局", "url": site.url, "department": "测试"},
        {"id": "qh-gone", "name": "清河市停用局", "url": f"http://127.0.0.1:{free_port()}/", "department": "测试"}])
    db = tmp_path / "x.db"
    out = xunjian("probe", "--config", str(config), "--db", str(db)).stdout
    assert "清河市测试局（qh-test）  正常  HTTP 200" in out
    assert "清河市停用局（qh-gone）  失败（连接被拒绝）" in out and "正常 1 个，失败 1 个" in out
    rows = list(open_store(db).query("select site, status, error, real_homepage, at from probes order by site"))
    assert [(r["site"], r["status"], r["error"], r["real_homepage"]) for r in rows] == [
        ("qh-gone", None, "refused", None), ("qh-test", 200, None, 1)]
    assert rows[0]["at"].endswith("+08:00")


def test_inspect_and_check_include_availability_findings(tmp_path, serve):
    site = serve(write_site(tmp_path / "s", {"index.html": HOME}, '[[routes]]\npath = "/"\nfail_every = 10\n'))
    config_path = write_config(tmp_path / "sites.toml", [
        {"id": "qh-test", "name": "清河市测试局", "url": site.url, "department": "测试", "download_delay": 0}])
    config = load_config(config_path)
    db = tmp_path / "x.db"
    for day in range(7):
        for slot in range(20):
            probe_sites(db, config.sites, TZ, at=at(day, slot * 70 + 5))
    xunjian("inspect", "--config", str(config_path), "--db", str(db), "--as-of", AS_OF, "--quiet")
    found = {f["check"]: f for f in findings_of(config_path, db) if f["check"] in ("site.unreachable", "home.availability")}
    assert found["site.unreachable"]["evidence"] == "失败 14/140 次（10.0%）"
    assert found["home.availability"]["extra"]["points"] == 50 and found["home.availability"]["severity"] == "deduct"
    out = xunjian("check", "--config", str(config_path), "--db", str(db)).stdout
    assert "site.unreachable\t站点无法访问\t1" in out and "home.availability\t首页可用性\t1" in out


def test_outage_intervals_from_stored_probes(tmp_path):
    db = open_store(tmp_path / "x.db")
    rows = [("2026-11-14T08:03:00+08:00", 200, None), ("2026-11-14T08:31:00+08:00", 503, "http_5xx"),
            ("2026-11-14T09:02:00+08:00", None, "timeout"), ("2026-11-14T09:35:00+08:00", 200, None),
            ("2026-11-19T23:40:00+08:00", None, "refused"), ("2026-11-20T00:10:00+08:00", None, "refused"),
            ("2026-11-12T23:59:00+08:00", None, "refused")]      # the last two lie outside the window
    db["probes"].insert_all([{"site": "s", "url": "http://x/", "at": a, "status": s, "error": e} for a, s, e in rows])
    a = availability(db, "s", dt.date(2026, 11, 20))
    assert (a.probes, a.failures) == (5, 3)
    assert [(o["from"], o["recovered"], o["probes"], o["errors"]) for o in a.outages] == [
        ("2026-11-14T08:31:00+08:00", "2026-11-14T09:35:00+08:00", 2, {"HTTP 503": 1, "timeout": 1}),
        ("2026-11-19T23:40:00+08:00", None, 1, {"refused": 1})]


def test_demo_seed_records_a_week_of_real_probes(tmp_path, serve):
    good = serve(write_site(tmp_path / "g", {"index.html": HOME}))
    bad = serve(write_site(tmp_path / "b", {"index.html": HOME}, '[[routes]]\npath = "/"\nfail_every = 25\n'))
    config = load_config(write_config(tmp_path / "sites.toml", [
        {"id": "g", "name": "g", "url": good.url, "department": "d"},
        {"id": "b", "name": "b", "url": bad.url, "department": "d"}]))
    times = simulated_times(dt.date(2026, 11, 20), TZ)
    assert len(times) == 336 and times == sorted(times)
    assert times[0].date().isoformat() == "2026-11-13" and times[-1].date().isoformat() == "2026-11-19"
    gaps = {round((b - a).total_seconds() / 60) for a, b in zip(times, times[1:])}
    assert len(gaps) > 10                       # irregular
    assert seed_demo_probes(tmp_path / "x.db", config, AS_OF) == {"g": (336, 0), "b": (336, 13)}
    db = open_store(tmp_path / "x.db")
    assert db.execute("select count(*) from probes").fetchone()[0] == 672
    b = availability(db, "b", dt.date(2026, 11, 20))
    assert (b.failures, b.points, b.veto, b.days_under) == (13, 15, False, [])
    assert json.loads(json.dumps(b.per_day)) == {f"2026-11-{d}": 48 for d in range(13, 20)}
