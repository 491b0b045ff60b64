"""The scheduler under a controlled clock: job set, catch-up after downtime, lock, failing jobs.

APScheduler's notion of "now" (schedulers/base.py and executors/base.py) is replaced by a
clock the test sets; the scheduler is driven by hand (`_process_jobs`, one wake-up), so no
test waits for real time. The job store is the real SQLAlchemy store in a real SQLite file,
and two services on one file stand for two scheduler processes.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import subprocess
import sys
import threading
import time
from zoneinfo import ZoneInfo

import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.base import BaseScheduler

import scheduler as sched
from tests.conftest import ROOT, write_config, xunjian
from xunjian import jobs, schedlock
from xunjian.config import ConfigError, load_config
from xunjian.store import compress, open_store

TZ = ZoneInfo("Asia/Shanghai")
REPORT = "report" in __import__("xunjian.cli", fromlist=["main"]).main.commands
MEDIA = "media" in __import__("xunjian.cli", fromlist=["main"]).main.commands   # xunjian/cli_media.py


def shanghai(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


class ManualScheduler(BaseScheduler):
    """A scheduler that only processes jobs when the test calls `_process_jobs()`."""

    def wakeup(self) -> None:
        pass

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


class Clock:
    def __init__(self) -> None:
        self.value = shanghai(2026, 11, 20, 10, 0)

    def now(self, tz=None) -> dt.datetime:
        return self.value.astimezone(tz) if tz else self.value.replace(tzinfo=None)

    def set(self, value: dt.datetime) -> None:
        self.value = value

    @property
    def ts(self) -> float:
        return self.value.timestamp()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    import apscheduler.executors.base as executors_base
    import apscheduler.schedulers.base as schedulers_base
    monkeypatch.setattr(schedulers_base, "datetime", clock)
    monkeypatch.setattr(executors_base, "datetime", clock)
    return clock


@pytest.fixture
def ran(monkeypatch):
    """Replace every job's work by a recorder: the ids of the jobs run, in order."""
    calls: list[str] = []
    for job_id in list(jobs.JOBS):
        monkeypatch.setitem(jobs.JOBS, job_id, lambda ctx, job_id=job_id: calls.append(job_id))
    return calls


@pytest.fixture
def setup(tmp_path):
    config_path = write_config(tmp_path / "sites.toml", [
        {"id": "qh-test", "name": "清河市测试局", "url": "http://127.0.0.1:9/", "department": "测试"}])
    return config_path, tmp_path / "xunjian.db"


def service(setup, executors=None, **kwargs) -> sched.SchedulerService:
    config_path, db_path = setup
    executors = executors or {"default": DebugExecutor(), "crawl": DebugExecutor(), "probes": DebugExecutor()}
    return sched.SchedulerService(load_config(config_path), config_path, db_path, scheduler_class=ManualScheduler,
                                  executors=executors, **kwargs)


def started(setup, clock, **kwargs) -> sched.SchedulerService:
    svc = service(setup, **kwargs)
    assert svc.try_acquire(now=clock.ts)
    svc.start()
    return svc


def next_runs(svc) -> dict[str, dt.datetime]:
    return {job.id: job.next_run_time for job in svc.scheduler.get_jobs()}


# --- the job set ------------------------------------------------------------------------

def test_job_set_and_next_run_times(setup):
    config = load_config(setup[0])
    specs, skipped = sched.plan_jobs(config)
    by = {s.id: s for s in specs}
    from xunjian.cli import main
    has_report = "report" in main.commands
    assert {"probe", "inspection", "update_check", "retention"} <= set(by)
    assert ("monthly_report" in by) == has_report and ("quarterly_bulletin" in by) == has_report
    assert {job_id for job_id, _, _ in skipped} | set(by) == set(jobs.JOBS)
    assert by["probe"].executor == "probes" and by["inspection"].executor == "crawl" \
        and by["update_check"].executor == "crawl"
    now = shanghai(2026, 11, 20, 10, 0)
    assert by["inspection"].trigger.get_next_fire_time(None, now) == shanghai(2026, 12, 1, 1, 0)
    assert by["update_check"].trigger.get_next_fire_time(None, now) == shanghai(2026, 11, 23, 2, 0)   # Monday
    assert by["retention"].trigger.get_next_fire_time(None, now) == shanghai(2026, 11, 21, 3, 30)
    if has_report:
        assert by["quarterly_bulletin"].trigger.get_next_fire_time(None, now) == shanghai(2027, 1, 5, 9, 0)
    # probes: 30 minutes ± 10, irregular, never out of order, ~48 a day
    trigger, fire, times = by["probe"].trigger, None, []
    for _ in range(48 * 20):
        fire = trigger.get_next_fire_time(fire, now)
        times.append(fire)
    gaps = [(b - a).total_seconds() / 60 for a, b in zip(times, times[1:])]
    assert min(gaps) >= 10 and max(gaps) <= 50 and len({round(g) for g in gaps}) > 20
    offsets = [((t - shanghai(2026, 11, 20)).total_seconds() / 60 + 10) % 30 for t in times]
    assert all(0 <= o <= 20 for o in offsets)          # each within ±10 minutes of a :00/:30 slot
    assert 47 <= len(times) / ((times[-1] - times[0]).total_seconds() / 86400) <= 49
    # asked again about the same slot, the trigger answers the same (no second chance to be due)
    assert all(trigger.get_next_fire_time(a, now) == b for a, b in zip(times[:100], times[1:101]))
    assert trigger.get_next_fire_time(None, times[5]) == times[5]
    assert trigger.get_next_fire_time(None, times[5] + dt.timedelta(seconds=1)) == times[6]


def test_schedule_config_and_errors(tmp_path):
    base = '[[sites]]\nid = "a"\nname = "甲"\nurl = "http://a.gov.cn/"\ndepartment = "甲"\n'
    path = tmp_path / "sites.toml"
    path.write_text('[schedule]\ninspection = "15th 03:00"\nupdate_check = "off"\nprobe_every_minutes = 20\n'
                    'probe_jitter_minutes = 5\n\n' + base, encoding="utf-8")
    config = load_config(path)
    specs, skipped = sched.plan_jobs(config)
    by = {s.id: s for s in specs}
    assert by["inspection"].trigger.get_next_fire_time(None, shanghai(2026, 11, 20)) == shanghai(2026, 12, 15, 3, 0)
    assert "update_check" not in by and ("update_check", "每周更新检查（首页和栏目）", "配置中已关闭（off）") in skipped
    assert by["probe"].when == "每 20 分钟（±5 分钟随机）"
    for text, line, key in [('[schedule]\ninspection = "31st 01:00"\n', 2, "schedule.inspection"),
                            ('[schedule]\n\nupdate_check = "1st 02:00"\n', 3, "schedule.update_check"),
                            ('[schedule]\ntimezone = "Mars/Olympus"\n', 2, "schedule.timezone"),
                            ('[schedule]\nprobe_jitter_minutes = 20\n', 2, "schedule.probe_jitter_minutes"),
                            ('[schedule]\nprobes = 3\n', 2, "schedule.probes")]:
        path.write_text(text + "\n" + base, encoding="utf-8")
        with pytest.raises(ConfigError) as error:
            load_config(path)
        assert (error.value.line, error.value.key) == (line, key), error.value
    path.write_text(base + "probe_timeout = 0\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="probe_timeout"):
        load_config(path)


def test_schedule_list_on_the_demo_config_prints_shanghai_times(tmp_path):
    out = xunjian("schedule", "--config", str(ROOT / "demo" / "sites.toml"), "--db", str(tmp_path / "x.db"),
                  "--list").stdout
    assert "调度程序：未运行" in out and "时区：Asia/Shanghai" in out
    for job in ("probe", "inspection", "update_check", "retention"):
        line = next(line for line in out.splitlines() if line.strip().startswith(job))
        assert "下次运行 20" in line and "+08:00" in line, line
    assert "每月 1 日 01:00｜下次运行" in out and " 01:00:00+08:00" in out
    assert not (tmp_path / "x.db").exists()            # listing creates nothing


# --- unattended behaviour ---------------------------------------------------------------

def test_missed_runs_run_once_after_downtime(setup, clock, ran, caplog):
    caplog.set_level(logging.INFO, logger="xunjian")
    clock.set(shanghai(2026, 10, 31, 22, 0))
    first = started(setup, clock)
    assert next_runs(first)["inspection"] == shanghai(2026, 11, 1, 1, 0)
    first.scheduler._process_jobs()
    before = list(ran)
    assert set(before) <= {"probe"}
    first.stop()                                       # down from Saturday night to Tuesday morning
    clock.set(shanghai(2026, 11, 3, 10, 0))
    second = started(setup, clock)
    second.scheduler._process_jobs()
    after = ran[len(before):]
    expected = ["inspection", "probe", "retention", "update_check"] + (["monthly_report"] if REPORT else []) + (["media_poll"] if MEDIA else [])
    assert sorted(after) == sorted(expected)           # each once
    assert "现在补运行一次" in caplog.text
    second.scheduler._process_jobs()                   # the same moment again: nothing more
    assert len(ran) == len(before) + len(expected)
    runs = next_runs(second)
    assert runs["inspection"] == shanghai(2026, 12, 1, 1, 0)
    assert runs["update_check"] == shanghai(2026, 11, 9, 2, 0)
    assert runs["retention"] == shanghai(2026, 11, 4, 3, 30)
    second.stop()
    third = started(setup, clock)                      # a restart right after: no run repeated
    third.scheduler._process_jobs()
    assert len(ran) == len(before) + len(expected)
    # down past the monthly job's grace (20 days): the missed inspection is skipped, not run late
    third.stop()
    clock.set(shanghai(2026, 12, 25, 12, 0))
    fourth = started(setup, clock)
    fourth.scheduler._process_jobs()
    assert "inspection" not in ran[len(before) + len(expected):] and "错过了" in caplog.text
    assert next_runs(fourth)["inspection"] == shanghai(2027, 1, 1, 1, 0)
    fourth.stop()


def test_failing_job_is_logged_and_retried_at_its_next_time(setup, clock, ran, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="xunjian")
    attempts = []

    def broken(ctx):
        attempts.append(clock.value)
        raise RuntimeError("磁盘已满")

    monkeypatch.setitem(jobs.JOBS, "retention", broken)
    clock.set(shanghai(2026, 11, 20, 3, 0))
    svc = started(setup, clock)
    clock.set(shanghai(2026, 11, 20, 3, 30, 5))
    svc.scheduler._process_jobs()
    assert len(attempts) == 1 and "任务“过期数据清理”失败：磁盘已满；将在下次计划时间重试" in caplog.text
    assert svc.scheduler.running and next_runs(svc)["retention"] == shanghai(2026, 11, 21, 3, 30)
    clock.set(shanghai(2026, 11, 20, 5, 0))
    svc.scheduler._process_jobs()                      # other jobs keep running
    assert "probe" in ran
    clock.set(shanghai(2026, 11, 21, 3, 30, 1))
    svc.scheduler._process_jobs()
    assert len(attempts) == 2
    svc.stop()


def test_long_inspection_never_delays_probes(setup, clock, monkeypatch):
    inspecting, release, probed = threading.Event(), threading.Event(), threading.Event()
    monkeypatch.setitem(jobs.JOBS, "inspection", lambda ctx: (inspecting.set(), release.wait(10)))
    monkeypatch.setitem(jobs.JOBS, "probe", lambda ctx: probed.set())
    clock.set(shanghai(2026, 11, 30, 23, 50))
    pools = {"default": ThreadPoolExecutor(2), "crawl": ThreadPoolExecutor(1), "probes": ThreadPoolExecutor(2)}
    svc = started(setup, clock, executors=pools)
    clock.set(shanghai(2026, 12, 1, 1, 0, 30))
    svc.scheduler._process_jobs()                      # both due: the inspection starts and hangs
    try:
        assert inspecting.wait(5)
        assert probed.wait(5) and not release.is_set()  # the probe ran while the inspection runs
    finally:
        release.set()
        svc.scheduler.shutdown(wait=True)
        svc.stop()


def test_two_schedulers_one_database_and_stale_lock_recovery(setup, clock, ran, caplog):
    caplog.set_level(logging.INFO, logger="xunjian")
    a, b = service(setup), service(setup)
    t = clock.ts
    assert a.try_acquire(now=t) and not b.try_acquire(now=t + 1)
    assert a.heartbeat(now=t + 60) and not b.try_acquire(now=t + 100)
    a.start()
    a.scheduler._process_jobs()
    assert a.try_acquire(now=t + 101)                  # the holder keeps its lock
    # `a` freezes (no heartbeat for longer than the stale limit): `b` takes over
    assert b.try_acquire(now=t + 101 + 121)
    assert not a.heartbeat(now=t + 230)
    count = len(ran)
    jobs.run_job("retention", a.config_path, a.db_path)   # a job `a` still fires is not run
    assert len(ran) == count and "本进程不持有调度锁" in caplog.text
    a.stop(release=False)
    db = open_store(b.db_path)
    assert schedlock.holder(db)["owner"] == b.owner
    db.conn.close()


def test_lock_of_a_dead_process_is_taken_at_once(setup):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    config_path, db_path = setup
    db = open_store(db_path)
    dead = f"{socket.gethostname()}:{child.pid}:deadbeef"
    assert schedlock.acquire(db, dead, now=time.time())
    assert "运行中" not in schedlock.describe(schedlock.holder(db))
    db.conn.close()
    assert service(setup).try_acquire()


def test_standby_scheduler_takes_over_when_the_first_stops(setup, clock, ran, caplog):
    caplog.set_level(logging.INFO, logger="xunjian")
    first = service(setup)
    assert first.try_acquire()                         # the real time: the standby judges by it
    first.start()
    second = service(setup, heartbeat_seconds=0.05)
    stop = threading.Event()
    result = []
    thread = threading.Thread(target=lambda: result.append(second.run_forever(stop)))
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while "本进程待命" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "本进程待命" in caplog.text and second.scheduler is None
        first.stop()                                   # a clean stop releases the lock
        while second.scheduler is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert second.scheduler is not None and "调度程序已启动" in caplog.text
    finally:
        stop.set()
        thread.join(5)
    assert result == [0]


def test_schedule_command_second_process_waits(tmp_path):
    config = write_config(tmp_path / "sites.toml", [
        {"id": "qh-test", "name": "清河市测试局", "url": "http://127.0.0.1:9/", "department": "测试"}])
    db = tmp_path / "x.db"
    command = [sys.executable, "-m", "xunjian", "schedule", "--config", str(config), "--db", str(db)]
    first = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    second = None
    try:
        assert "调度程序已启动" in _read_until(first, "调度程序已启动")
        second = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        assert "本进程待命" in _read_until(second, "本进程待命")
        listing = xunjian("schedule", "--config", str(config), "--db", str(db), "--list").stdout
        assert "调度程序：运行中" in listing and f"进程 {first.pid}" in listing
    finally:
        for child in (first, second):
            if child is not None:
                child.terminate()
                child.wait(10)
    assert first.returncode == 0


def _read_until(child: subprocess.Popen, text: str, timeout: float = 30) -> str:
    seen, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = child.stderr.readline()
        if not line:
            break
        seen.append(line)
        if text in line:
            break
    return "".join(seen)


# --- what the jobs do ---------------------------------------------------------------------

def test_retention_drops_old_bodies_and_keeps_findings(tmp_path):
    db = open_store(tmp_path / "x.db")
    for run, as_of in ((1, "2026-04-01"), (2, "2026-10-01")):
        db["runs"].insert({"id": run, "as_of": as_of, "status": "complete"})
        db["pages"].insert({"run": run, "site": "s", "url": f"http://x/{run}", "body": compress("<html>"),
                            "text": compress("正文"), "title": "标题"})
        db["findings"].insert({"run": run, "site": "s", "check": "link.broken", "fingerprint": f"f{run}"})
    assert jobs.drop_old_bodies(db, 6, dt.date(2026, 11, 20)) == (1, 0)
    rows = {r["run"]: r for r in db.query("select run, body, text, title from pages")}
    assert rows[1]["body"] is None and rows[1]["text"] and rows[1]["title"] == "标题"
    assert rows[2]["body"] is not None
    assert db.execute("select count(*) from findings").fetchone()[0] == 2


def test_periods_for_reports():
    assert jobs.previous_quarter(dt.date(2027, 1, 5)) == "2026Q4"
    assert jobs.previous_quarter(dt.date(2026, 10, 5)) == "2026Q3"


def test_jobs_run_the_real_commands(tmp_path, serve, caplog):
    """The probe, the weekly update check and the monthly inspection, for real, on a tiny site."""
    from tests.conftest import write_site

    caplog.set_level(logging.INFO, logger="xunjian")
    page = ('<html><head><meta charset="utf-8"><title>{}</title></head><body>'
            '<a href="/news/">工作动态</a> {}</body></html>')
    site = serve(write_site(tmp_path / "s", {
        "index.html": page.format("清河市测试局", ""),
        "news/index.html": page.format("工作动态", '<ul><li><a href="/news/1.html">会议召开</a> 2026-11-18</li></ul>'),
        "news/1.html": page.format("会议召开", "正文")}))
    config_path = write_config(tmp_path / "sites.toml", [
        {"id": "qh-test", "name": "清河市测试局", "url": site.url, "department": "测试", "download_delay": 0}])
    svc = service((config_path, tmp_path / "x.db"))
    assert svc.try_acquire()
    jobs.ACTIVE[svc.db_path] = svc.owner
    try:
        for job_id in ("probe", "update_check", "inspection", "update_check"):
            jobs.run_job(job_id, svc.config_path, svc.db_path)
    finally:
        svc.stop()
    db = open_store(svc.db_path)
    runs = [(r["status"], r["note"]) for r in db.query("select * from runs order by id")]
    assert runs == [("partial", "每周更新检查（仅首页和栏目）"), ("complete", None)]
    assert db.execute("select count(*) from probes where error is null").fetchone()[0] == 1
    assert db.execute("select count(*) from pages where run = 1").fetchone()[0] == 3
    assert "每周更新检查：两天内已完成第 2 次全面巡检，本次跳过" in caplog.text
    assert "”失败：" not in caplog.text
    assert schedlock.holder(db) is None                # a clean stop gives the lock up


def test_monthly_results_wait_for_this_months_inspection(setup, caplog):
    caplog.set_level(logging.INFO, logger="xunjian")
    config_path, db_path = setup
    open_store(db_path).conn.close()
    jobs.job_monthly_report(jobs.JobContext(str(config_path), str(db_path), load_config(config_path)))
    assert "还没有完成的全面巡检，本次不生成" in caplog.text
