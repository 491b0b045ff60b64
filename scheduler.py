"""xunjian's scheduler (APScheduler 3): probes, the monthly inspection, updates, reports, retention.

`xunjian schedule` runs it in the foreground. Jobs live in a persistent SQLAlchemy job store
in the inspection database (table apscheduler_jobs), so they survive restarts:

- a run missed while the scheduler was down runs once when it is back (coalesce, and a
  misfire grace as long as the job's period), never twice;
- two schedulers on one database never both run jobs: the lock in the store
  (xunjian/schedlock.py) lets one run and keeps the other on standby until the first stops
  or goes silent;
- a failing job is logged and runs again at its next time; it never stops the scheduler;
- probes run in this process in their own thread pool ("probes"), crawls as `xunjian`
  child processes in another ("crawl": Scrapy's reactor cannot restart in one process),
  so a long inspection never delays a probe.

Jobs whose command does not exist yet (`xunjian report`, `xunjian media poll`) are not
registered; the scheduler says so in its log.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import pickle
import random
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from xunjian import jobs, schedlock
from xunjian.config import Config
from xunjian.store import open_store

log = logging.getLogger("xunjian.scheduler")
JOB_FUNC = "xunjian.jobs:run_job"    # what the job store records for every job
ANCHOR = dt.datetime(2000, 1, 1)     # probe slots are counted from local midnight of this day
# How late a missed run may still run (it then runs once): about one period of the job.
GRACE = {"monthly": 20 * 86400, "quarterly": 60 * 86400, "weekly": 6 * 86400, "daily": 20 * 3600}


class JitteredInterval(BaseTrigger):
    """Every `minutes`, each run moved by up to ± `jitter` minutes (irregular probe times).

    Slots are fixed (minutes after local midnight of ANCHOR, in `timezone`) and each slot's
    offset is drawn once, from the slot number and the trigger's seed: asked again about the
    same slot (APScheduler recomputes the next time after coalescing missed runs), the
    trigger gives the same time, so a coalesced run is never due twice. `jitter` must be less
    than half the interval, so runs stay in order.
    """

    def __init__(self, minutes: int, jitter: int, timezone, seed: int | None = None):
        self.minutes, self.jitter, self.timezone = minutes, jitter, timezone
        self.seed = random.randrange(1 << 30) if seed is None else seed

    def _fire(self, slot: int) -> float:
        origin = ANCHOR.replace(tzinfo=self.timezone).timestamp()
        offset = random.Random(self.seed * 1_000_003 + slot).uniform(-self.jitter * 60, self.jitter * 60)
        return round(origin + slot * self.minutes * 60 + offset, 3)

    def _slot(self, moment: dt.datetime) -> float:
        return (moment.timestamp() - ANCHOR.replace(tzinfo=self.timezone).timestamp()) / (self.minutes * 60)

    def get_next_fire_time(self, previous_fire_time, now):
        if previous_fire_time is None:
            slot = math.ceil(self._slot(now)) - 1
            while self._fire(slot) < now.timestamp():
                slot += 1
        else:   # the previous run was its slot's time ± jitter (< half a slot): the nearest slot
            slot = round(self._slot(previous_fire_time)) + 1
        return dt.datetime.fromtimestamp(self._fire(slot), self.timezone)

    def __repr__(self) -> str:   # no seed: a restart keeps the stored trigger (and its missed run)
        return f"<JitteredInterval (minutes={self.minutes}, jitter={self.jitter}, timezone='{self.timezone}')>"

    def __str__(self) -> str:
        return f"interval[{self.minutes}m ±{self.jitter}m]"


@dataclass
class JobSpec:
    """One job the configuration asks for."""

    id: str
    name: str
    trigger: BaseTrigger
    executor: str
    grace: int
    when: str       # the schedule in Chinese


def _commands() -> dict:
    from xunjian.cli import main
    return main.commands


def plan_jobs(config: Config) -> tuple[list[JobSpec], list[tuple[str, str, str]]]:
    """The jobs to register, and those left out as (id, name, reason in Chinese)."""
    s, tz = config.schedule, config.schedule.tz
    jobs = [JobSpec("probe", "可用性探测", JitteredInterval(s.probe_every_minutes, s.probe_jitter_minutes, tz),
                    "probes", (s.probe_every_minutes + 2 * s.probe_jitter_minutes) * 60,   # the longest gap
                    f"每 {s.probe_every_minutes} 分钟（±{s.probe_jitter_minutes} 分钟随机）")]
    skipped: list[tuple[str, str, str]] = []
    commands = _commands()
    media = commands.get("media")
    needs = {"monthly_report": "report" in commands, "quarterly_bulletin": "report" in commands,
             "media_poll": media is not None and "poll" in getattr(media, "commands", {})}
    why = {"monthly_report": "xunjian report 命令尚不可用", "quarterly_bulletin": "xunjian report 命令尚不可用",
           "media_poll": "xunjian media poll 命令尚不可用"}
    for job_id, name, when, executor, quarterly in [
            ("inspection", "月度全面巡检", s.inspection, "crawl", False),
            ("update_check", "每周更新检查（首页和栏目）", s.update_check, "crawl", False),
            ("monthly_report", "月度检查结果", s.monthly_report, "default", False),
            ("quarterly_bulletin", "季度通报", s.bulletin, "default", True),
            ("media_poll", "新媒体采集", s.media_poll, "default", False),
            ("retention", f"清理 {s.retention_months} 个月前的网页正文", s.retention, "default", False)]:
        if when.kind == "off":
            skipped.append((job_id, name, "配置中已关闭（off）"))
        elif not needs.get(job_id, True):
            skipped.append((job_id, name, why[job_id]))
        else:
            grace = GRACE["quarterly" if quarterly else when.kind]
            jobs.append(JobSpec(job_id, name, CronTrigger(timezone=tz, **when.cron(quarterly)), executor, grace,
                                when.describe(quarterly)))
    return jobs, skipped


def signature(trigger) -> str:
    """What makes two triggers the same schedule (fields and time zone)."""
    return f"{trigger!r} tz={getattr(trigger, 'timezone', '')}"


def _when(moment: dt.datetime | None, tz) -> str:
    return moment.astimezone(tz).isoformat(sep=" ", timespec="seconds") if moment else "未安排"


class SchedulerService:
    """One scheduler on one database: the lock, the APScheduler instance and its jobs.

    `scheduler_class` and `executors` can be replaced (tests drive a scheduler by hand with
    a controlled clock); by default a BackgroundScheduler with three thread pools.
    """

    def __init__(self, config: Config, config_path: str | Path, db_path: str | Path, *,
                 scheduler_class=BackgroundScheduler, executors: dict | None = None,
                 heartbeat_seconds: float = 30, stale_seconds: float = 120, owner: str | None = None):
        self.config = config
        self.config_path, self.db_path = str(Path(config_path).resolve()), str(Path(db_path).resolve())
        self.scheduler_class, self.executors = scheduler_class, executors
        self.heartbeat_seconds, self.stale_seconds = heartbeat_seconds, stale_seconds
        self.owner = owner or schedlock.new_owner()
        self.scheduler = None
        self._triggers: dict[str, BaseTrigger] = {}

    # --- the lock ----------------------------------------------------------------------

    def _with_store(self, action):
        db = open_store(self.db_path)
        try:
            return action(db)
        finally:
            db.conn.close()

    def try_acquire(self, now: float | None = None) -> bool:
        return self._with_store(lambda db: schedlock.acquire(db, self.owner, now, self.stale_seconds))

    def heartbeat(self, now: float | None = None) -> bool:
        return self._with_store(lambda db: schedlock.heartbeat(db, self.owner, now))

    def holder(self) -> dict | None:
        return self._with_store(schedlock.holder)

    # --- APScheduler -------------------------------------------------------------------

    def start(self) -> None:
        """Start job processing (the lock must be held): register the jobs, then run them."""
        executors = self.executors or {"default": ThreadPoolExecutor(4), "crawl": ThreadPoolExecutor(1),
                                       "probes": ThreadPoolExecutor(2)}
        store = SQLAlchemyJobStore(url=f"sqlite:///{self.db_path}",
                                   engine_options={"connect_args": {"timeout": 30}})
        self.scheduler = self.scheduler_class(jobstores={"default": store}, executors=executors,
                                              job_defaults={"coalesce": True, "max_instances": 1},
                                              timezone=self.config.schedule.tz)
        self.scheduler.add_listener(self._on_event, EVENT_JOB_MISSED | EVENT_JOB_ERROR
                                    | EVENT_JOB_MAX_INSTANCES | EVENT_JOB_EXECUTED)
        jobs.ACTIVE[self.db_path] = self.owner
        self.scheduler.start(paused=True)
        self.sync_jobs()
        self.scheduler.resume()

    def sync_jobs(self) -> None:
        """Make the stored jobs match the configuration without losing their next run times.

        A stored job with the same schedule is kept as it is, so a run missed while the
        scheduler was down is still due (and runs once); a changed one is registered anew.
        """
        specs, skipped = plan_jobs(self.config)
        self._triggers = {spec.id: spec.trigger for spec in specs}
        for _, name, reason in skipped:
            log.info("不登记任务“%s”：%s", name, reason)
        stored = {job.id: job for job in self.scheduler.get_jobs()}
        now = dt.datetime.now(self.config.schedule.tz)
        for spec in specs:
            args = (spec.id, self.config_path, self.db_path)
            job = stored.pop(spec.id, None)
            if job is not None and job.func_ref == JOB_FUNC and tuple(job.args) == args \
                    and job.executor == spec.executor and signature(job.trigger) == signature(spec.trigger):
                if (job.misfire_grace_time, job.name, job.coalesce) != (spec.grace, spec.name, True):
                    job.modify(misfire_grace_time=spec.grace, name=spec.name, coalesce=True)
                if job.next_run_time and job.next_run_time < now:
                    log.info("任务“%s”在停机期间错过了 %s 的运行，现在补运行一次", spec.name,
                             _when(job.next_run_time, self.config.schedule.tz))
                continue
            if job is not None:
                log.info("任务“%s”的时间安排已改变，重新登记", spec.name)
                job.remove()
            self.scheduler.add_job(JOB_FUNC, spec.trigger, args=args, id=spec.id, name=spec.name,
                                   executor=spec.executor, misfire_grace_time=spec.grace, coalesce=True,
                                   max_instances=1, replace_existing=True)
        for job in stored.values():
            log.info("移除已不在计划中的任务“%s”", job.name)
            job.remove()

    def _on_event(self, event) -> None:
        name = jobs.NAMES.get(event.job_id, event.job_id)
        tz = self.config.schedule.tz
        if event.code == EVENT_JOB_MISSED:
            log.warning("任务“%s”错过了 %s 的运行且已超过允许的延迟，本次不再补运行", name,
                        _when(event.scheduled_run_time, tz))
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning("任务“%s”上一次运行尚未结束，本次跳过", name)
        elif event.code == EVENT_JOB_ERROR:
            log.error("任务“%s”出错：%s", name, event.exception)
        if event.code in (EVENT_JOB_EXECUTED, EVENT_JOB_ERROR) and event.job_id != "probe":
            # Not from the job store: a listener that waits for its lock can deadlock a shutdown.
            trigger = self._triggers.get(event.job_id)
            nxt = trigger.get_next_fire_time(event.scheduled_run_time, dt.datetime.now(tz)) if trigger else None
            log.info("任务“%s”下次运行：%s", name, _when(nxt, tz))

    def stop(self, release: bool = True) -> None:
        """Stop running jobs (and the crawls they started); give the lock up."""
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        jobs.terminate_children()
        if jobs.ACTIVE.get(self.db_path) == self.owner:
            del jobs.ACTIVE[self.db_path]
        if release:
            self._with_store(lambda db: schedlock.release(db, self.owner))

    def run_forever(self, stop: threading.Event) -> int:
        """Foreground loop: wait for the lock (standby), run the jobs, keep the heartbeat."""
        warned = False
        while not self.try_acquire():
            if not warned:
                row = self.holder() or {}
                log.warning("另一个调度程序正在运行本数据库的任务（主机 %s，进程 %s）；本进程待命，"
                            "每 %d 秒检查一次，对方停止或失去响应后接替", row.get("host"), row.get("pid"),
                            self.heartbeat_seconds)
                warned = True
            if stop.wait(self.heartbeat_seconds):
                return 0
        log.info("调度程序已启动（%s），数据库 %s，配置 %s", self.owner, self.db_path, self.config_path)
        self.start()
        for line in list_jobs(self.config, self.db_path, live=self.scheduler):
            log.info(line)
        while not stop.wait(self.heartbeat_seconds):
            try:
                if not self.heartbeat():
                    log.error("调度锁已被另一个调度程序接管（本进程曾长时间无响应）；停止运行任务并退出")
                    self.stop(release=False)
                    return 3
            except Exception as exc:  # noqa: BLE001 - a busy database delays one heartbeat
                log.warning("更新调度锁心跳失败：%s", exc)
        log.info("正在停止调度程序……")
        self.stop()
        log.info("调度程序已停止")
        return 0


def stored_jobs(db_path: str | Path) -> dict[str, tuple[float | None, dict]]:
    """Jobs in the persistent job store: id -> (next run time as a timestamp, job state)."""
    path = Path(db_path)
    if not path.exists():
        return {}
    conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True, timeout=10)
    try:
        rows = conn.execute("select id, next_run_time, job_state from apscheduler_jobs").fetchall()
    except sqlite3.DatabaseError:
        return {}
    finally:
        conn.close()
    found = {}
    for job_id, next_run, state in rows:
        try:
            found[job_id] = (next_run, pickle.loads(state))
        except Exception:  # noqa: BLE001 - a job of an older version: shown as not registered
            continue
    return found


def list_jobs(config: Config, db_path: str | Path, now: dt.datetime | None = None, live=None) -> list[str]:
    """The jobs and their next run times in the configured time zone (Chinese lines)."""
    tz = config.schedule.tz
    now = now or dt.datetime.now(tz)
    specs, skipped = plan_jobs(config)
    stored = {} if live is not None else stored_jobs(db_path)
    lines = [f"时区：{config.schedule.timezone}（下次运行时间均为该时区时间）"]
    for spec in specs:
        if live is not None:
            job = live.get_job(spec.id)
            nxt, note = (job.next_run_time if job else None), ""
        elif spec.id in stored and signature(stored[spec.id][1]["trigger"]) == signature(spec.trigger):
            ts = stored[spec.id][0]
            nxt = dt.datetime.fromtimestamp(ts, tz) if ts is not None else None
            note = "（已错过，调度程序启动后补运行一次）" if nxt and nxt < now else ""
        else:
            nxt, note = spec.trigger.get_next_fire_time(None, now), "（按当前配置推算）"
        lines.append(f"  {spec.id:<20}{spec.name}｜{spec.when}｜下次运行 {_when(nxt, tz)}{note}")
    for job_id, name, reason in skipped:
        lines.append(f"  {job_id:<20}{name}｜未登记：{reason}")
    return lines
