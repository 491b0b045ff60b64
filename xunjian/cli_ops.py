"""Commands for unattended operation: `probe`, `schedule` and `update-check`.

Imported at the bottom of xunjian/cli.py, which registers them on the `xunjian` group.
"""

from __future__ import annotations

import dataclasses
import logging
import logging.handlers
import signal
import sys
import threading
from pathlib import Path

import click

from xunjian.cli import CHECK_NAMES, _load, _open, _parse_date, checked, config_option, db_option, fail, main
from xunjian.store import finish_run, start_run

CHECK_NAMES.setdefault("site.unreachable", "站点无法访问")
CHECK_NAMES.setdefault("home.availability", "首页可用性")
# The weekly update check: what a site that goes stale mid-month is caught by.
UPDATE_CHECKS = ("update.home_stale", "update.home_thin", "update.column_stale", "column.empty",
                 "site.unreachable", "home.availability")
UPDATE_NOTE = "每周更新检查（仅首页和栏目）"
UPDATE_DEPTH = 2            # homepage -> column list pages -> their items (for undated rows)
UPDATE_MAX_PAGES = 300
LEVELS = {"DEBUG": "调试", "INFO": "信息", "WARNING": "警告", "ERROR": "错误", "CRITICAL": "严重"}


@main.command()
@config_option
@db_option
@click.option("--site", "site_ids", multiple=True, metavar="ID", help="只探测这些站点（可多次指定）。")
def probe(config_path: str, db_path: str, site_ids: tuple[str, ...]) -> None:
    """探测每个网站的首页一次（可用性），结果存入数据库。

    \b
    每个站点同时探测：GET 首页（跟随重定向、读完整个页面），超时默认 15 秒（站点设置 probe_timeout）；
    记录状态码、首字节时间、总耗时、错误类别，以及返回的是否为真实首页（维护页、被替换的首页即使
    状态码为 200 也算失败）。指标要求 7 天内每天探测不少于 20 次、时间不固定：
    请用 xunjian schedule 自动运行（默认每 30 分钟左右一次）。
    """
    from crawler.probe import describe, probe_sites

    config = _load(config_path)
    known = {s.id for s in config.sites}
    for site_id in site_ids:
        if site_id not in known:
            fail(f"配置文件 {config_path} 中没有站点 {site_id!r}（可用：{', '.join(sorted(known))}）")
    sites = [s for s in config.sites if not site_ids or s.id in site_ids]
    _open(db_path).conn.close()
    results = probe_sites(db_path, sites, config.schedule.tz)
    names = {s.id: s.name for s in sites}
    for result in results:
        click.echo(f"{names[result.site]}（{result.site}）  {describe(result)}")
    failed = sum(1 for r in results if not r.ok)
    click.echo(f"探测 {len(results)} 个站点，正常 {len(results) - failed} 个，失败 {failed} 个"
               f"（时间 {results[0].at if results else '-'}，已存入 {db_path}）。")


class _ChineseFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        record.levelzh = LEVELS.get(record.levelname, record.levelname)
        return super().format(record)


def setup_logging(log_file: str | None) -> None:
    """Log lines to standard error (the journal under systemd) and optionally a rotating file."""
    formatter = _ChineseFormatter("%(asctime)s %(levelzh)s %(message)s", "%Y-%m-%d %H:%M:%S%z")
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file:
        Path(log_file).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(log_file, maxBytes=10 * 1024 * 1024,
                                                             backupCount=5, encoding="utf-8"))
    logger = logging.getLogger("xunjian")
    for handler in handlers:
        handler.setFormatter(formatter)
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # APScheduler's own lines are English and repeat ours; keep only its errors.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)


@main.command()
@config_option
@db_option
@click.option("--list", "list_only", is_flag=True, help="只列出任务及下次运行时间，不运行。")
@click.option("--log-file", default=None, type=click.Path(dir_okay=False),
              help="另写一份日志到此文件（满 10 MB 自动轮转，保留 5 份）。")
def schedule(config_path: str, db_path: str, list_only: bool, log_file: str | None) -> None:
    """在前台运行定时任务：可用性探测、月度巡检、每周更新检查、通报、数据清理。

    \b
    时间安排写在配置文件的 [schedule] 表中（见 README“无人值守运行”），默认：
      可用性探测    每 30 分钟，前后随机浮动 10 分钟（约每天 48 次）
      月度全面巡检  每月 1 日 01:00（Asia/Shanghai）
      每周更新检查  每周一 02:00，只抓首页和栏目
      数据清理      每天 03:30，清除 6 个月前巡检的网页正文（问题记录保留）
    任务保存在数据库中，重启后继续；停机期间错过的任务恢复后只补运行一次。
    同一数据库只允许一个调度程序运行任务，另一个会待命。Ctrl-C 或 SIGTERM 停止。
    """
    import scheduler as sched
    from xunjian import schedlock

    config = _load(config_path)
    if list_only:
        db_exists = Path(db_path).exists()
        row = None
        if db_exists:
            db = _open(db_path)
            row = schedlock.holder(db)
            db.conn.close()
        click.echo(schedlock.describe(row))
        for line in sched.list_jobs(config, db_path):
            click.echo(line)
        return
    setup_logging(log_file)
    _open(db_path).conn.close()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    service = sched.SchedulerService(config, config_path, db_path)
    sys.exit(service.run_forever(stop))


@main.command("update-check")
@config_option
@db_option
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="检查基准日期，默认今天。")
@click.option("--quiet", is_flag=True, help="不显示进度。")
def update_check(config_path: str, db_path: str, as_of: str | None, quiet: bool) -> None:
    """每周更新检查：只抓取首页和栏目页，检查首页、栏目是否按时更新及首页可用性。

    比月度全面巡检快得多（不检查外部链接、不用浏览器复核，每站最多抓取 300 页），
    让月中才停更的网站在下次月度巡检之前就被发现。结果是一次单独的巡检记录（状态 partial），
    可用 xunjian findings 查看；月度检查结果和季度通报只采用全面巡检。
    """
    from crawler.run import crawl

    config = _load(config_path)
    db = _open(db_path)
    as_of = _parse_date(as_of)
    sites = [dataclasses.replace(s, max_depth=min(s.max_depth, UPDATE_DEPTH), check_external=False,
                                 render="off", max_pages=min(s.max_pages, UPDATE_MAX_PAGES)) for s in config.sites]
    run_id = start_run(db, as_of, str(Path(config_path).resolve()), sites)
    click.echo(f"开始第 {run_id} 次巡检（{UPDATE_NOTE}，基准日期 {as_of}），共 {len(sites)} 个站点", err=True)
    db.conn.close()
    reason = crawl(db_path, run_id, sites, show_progress=not quiet)
    db = _open(db_path)
    if reason != "finished":
        finish_run(db, run_id, "interrupted", f"{UPDATE_NOTE}：抓取中断（{reason}）")
        fail(f"更新检查被中断（{reason}）", 130)
    counts, failed = checked(db, run_id, {s.id: s for s in sites}, as_of, only=UPDATE_CHECKS)
    # Not "complete": monthly results and bulletins take complete (full) inspections only.
    finish_run(db, run_id, "partial", UPDATE_NOTE + (f"；部分检查出错：{', '.join(failed.failures)}" if failed else ""))
    for check_id in UPDATE_CHECKS:
        click.echo(f"{check_id}\t{CHECK_NAMES.get(check_id, check_id)}\t{counts.get(check_id, 0)}")
    click.echo(f"第 {run_id} 次巡检（{UPDATE_NOTE}）完成，共发现问题 {sum(counts.values())} 个。")
    if failed:
        fail(f"以下检查出错，未更新其结果（其余检查已完成）：{failed}", 1)
