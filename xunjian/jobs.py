"""The scheduler's jobs (scheduler.py registers them): what each one does when it runs.

APScheduler calls `run_job(job_id, config_path, db_path)`; it checks that this process holds
the scheduler lock, loads the configuration afresh (so edits to the sites apply at the next
run), runs the job and logs in Chinese. A failing job is logged and never raises: it runs
again at its next time. Probes and retention run in this process; everything that crawls or
writes reports runs as a `python -m xunjian` child process (Scrapy's reactor cannot restart
in one process), whose output goes to the log.
"""

from __future__ import annotations

import datetime as dt
import logging
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Callable

from xunjian import schedlock
from xunjian.config import Config, load_config
from xunjian.store import open_store

log = logging.getLogger("xunjian.scheduler")
_CRAWL_LOCK = threading.Lock()        # reports wait for a crawl running in this process
_CHILDREN: set[subprocess.Popen] = set()
_CHILDREN_LOCK = threading.Lock()
ACTIVE: dict[str, str] = {}           # database path -> owner id of the scheduler running here


@dataclass
class JobContext:
    config_path: str
    db_path: str
    config: Config

    @property
    def now(self) -> dt.datetime:
        return dt.datetime.now(self.config.schedule.tz)


def run_command(args: list[str], label: str) -> None:
    """Run `xunjian ARGS` as a child process, logging its output; raise if it fails."""
    command = [sys.executable, "-m", "xunjian", *args]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             encoding="utf-8", errors="replace")
    with _CHILDREN_LOCK:
        _CHILDREN.add(child)
    try:
        for line in child.stdout:
            if line.strip():
                log.info("[%s] %s", label, line.rstrip())
        code = child.wait()
    finally:
        with _CHILDREN_LOCK:
            _CHILDREN.discard(child)
    if code != 0:
        raise RuntimeError(f"xunjian {' '.join(args[:2])} 退出码 {code}")


def _base(ctx: JobContext) -> list[str]:
    return ["--config", ctx.config_path, "--db", ctx.db_path]


def job_probe(ctx: JobContext) -> None:
    from crawler.probe import probe_sites
    results = probe_sites(ctx.db_path, ctx.config.sites, ctx.config.schedule.tz)
    failed = [r for r in results if not r.ok]
    names = "；".join(f"{r.site}：{r.message}" for r in failed)
    log.info("可用性探测：%d 个站点，正常 %d 个，失败 %d 个%s", len(results), len(results) - len(failed),
             len(failed), f"（{names}）" if failed else "")


def job_inspection(ctx: JobContext) -> None:
    with _CRAWL_LOCK:
        run_command(["inspect", *_base(ctx), "--as-of", ctx.now.date().isoformat(), "--quiet"], "月度巡检")


def job_update_check(ctx: JobContext) -> None:
    today = ctx.now.date()
    db = open_store(ctx.db_path)
    recent = db.execute("select id from runs where status = 'complete' and as_of >= ?",
                        [(today - dt.timedelta(days=2)).isoformat()]).fetchone()
    db.conn.close()
    if recent:
        log.info("每周更新检查：两天内已完成第 %d 次全面巡检，本次跳过", recent[0])
        return
    with _CRAWL_LOCK:
        run_command(["update-check", *_base(ctx), "--as-of", today.isoformat(), "--quiet"], "更新检查")


def previous_quarter(day: dt.date) -> str:
    quarter = (day.month - 1) // 3
    return f"{day.year - 1}Q4" if quarter == 0 else f"{day.year}Q{quarter}"


def job_monthly_report(ctx: JobContext) -> None:
    """The month's results: reports count a run in the month of its as-of date, so this is the
    month of today's inspection (the 1st by default), once it has completed."""
    with _CRAWL_LOCK:   # after an inspection still running in this process
        today = ctx.now.date()
        month = f"{today.year}-{today.month:02d}"
        db = open_store(ctx.db_path)
        done = db.execute("select id from runs where status = 'complete' and as_of >= ? and as_of < ?",
                          [f"{month}-01", f"{month}-32"]).fetchone()
        db.conn.close()
        if not done:
            log.warning("月度检查结果：%s 还没有完成的全面巡检，本次不生成", month)
            return
        run_command(["report", *_base(ctx), "--month", month], "月度结果")


def job_quarterly_bulletin(ctx: JobContext) -> None:
    with _CRAWL_LOCK:
        run_command(["report", *_base(ctx), "--quarter", previous_quarter(ctx.now.date())], "季度通报")


def job_media_poll(ctx: JobContext) -> None:
    run_command(["media", "poll", *_base(ctx), "--as-of", ctx.now.date().isoformat()], "新媒体采集")


def drop_old_bodies(db, months: int, today: dt.date) -> tuple[int, int]:
    """Drop the raw bodies (pages.body, assets.body) of runs older than `months` calendar months.

    Findings, titles, extracted text and every other fact stay. Returns (pages, assets) cleared.
    """
    month = today.month - months
    year = today.year + (month - 1) // 12
    cutoff = dt.date(year, (month - 1) % 12 + 1, min(today.day, 28)).isoformat()
    runs = "select id from runs where as_of < ?"
    with db.conn:
        pages = db.execute(f"update pages set body = null where body is not null and run in ({runs})",
                           [cutoff]).rowcount
        assets = db.execute(f"update assets set body = null where body is not null and run in ({runs})",
                            [cutoff]).rowcount
    return pages, assets


def job_retention(ctx: JobContext) -> None:
    months = ctx.config.schedule.retention_months
    db = open_store(ctx.db_path)
    try:
        pages, assets = drop_old_bodies(db, months, ctx.now.date())
    finally:
        db.conn.close()
    log.info("过期数据清理：清除 %d 个月前巡检的网页正文 %d 个、脚本样式 %d 个（问题记录保留）", months, pages, assets)


JOBS: dict[str, Callable[[JobContext], None]] = {
    "probe": job_probe, "inspection": job_inspection, "update_check": job_update_check,
    "monthly_report": job_monthly_report, "quarterly_bulletin": job_quarterly_bulletin,
    "media_poll": job_media_poll, "retention": job_retention,
}
NAMES = {"probe": "可用性探测", "inspection": "月度全面巡检", "update_check": "每周更新检查",
         "monthly_report": "月度检查结果", "quarterly_bulletin": "季度通报", "media_poll": "新媒体采集",
         "retention": "过期数据清理"}


def run_job(job_id: str, config_path: str, db_path: str) -> None:
    """What APScheduler calls: check the lock is ours, run the job, log; never raise."""
    name = NAMES.get(job_id, job_id)
    owner = ACTIVE.get(db_path)
    try:
        db = open_store(db_path)
        try:
            ours = owner is not None and schedlock.holds(db, owner)
        finally:
            db.conn.close()
        if not ours:
            log.warning("任务“%s”未运行：本进程不持有调度锁（另一个调度程序在运行此数据库的任务）", name)
            return
        quiet = job_id == "probe"          # 48 a day: its one summary line is enough
        if not quiet:
            log.info("开始任务“%s”", name)
        started = dt.datetime.now()
        JOBS[job_id](JobContext(config_path, db_path, load_config(config_path)))
        if not quiet:
            log.info("完成任务“%s”，用时 %.1f 秒", name, (dt.datetime.now() - started).total_seconds())
    except Exception as exc:  # noqa: BLE001 - a failing job never stops the scheduler
        log.exception("任务“%s”失败：%s；将在下次计划时间重试", name, exc)


def terminate_children(timeout: float = 30) -> None:
    """Stop the `xunjian` child processes this scheduler started (on shutdown)."""
    with _CHILDREN_LOCK:
        children = list(_CHILDREN)
    for child in children:
        child.terminate()
    for child in children:
        try:
            child.wait(timeout)
        except subprocess.TimeoutExpired:
            child.kill()

