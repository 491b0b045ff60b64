"""xunjian — 政府网站与政务新媒体巡检 command line.

Every command reads the TOML configuration (--config) and the SQLite store (--db).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xunjian.config import Config, ConfigError, load_config
from xunjian.store import DEFAULT_DB, StoreError, describe_db_error, finish_run, iter_findings, open_store, \
    record_error, resolve_run, start_run, unfinished_run

if TYPE_CHECKING:
    from checks import ChecksFailed   # imported when checks run: `xunjian --help` stays quick

CHECK_NAMES = {
    "link.broken": "错链（死链）",
    "link.fake": "伪链",
    "layout.garbled": "乱码",
    "update.home_stale": "首页不更新",
    "update.home_thin": "首页更新量不足",
    "update.column_stale": "栏目不更新",
    "column.empty": "空白栏目",
    "site.identity_missing": "网站标识缺失",
    "meta.missing": "网页元数据缺失",
    "date.faked": "伪造发稿日期",
    "link.dark": "暗链",
    "link.hijacked": "外链被劫持",
    "link.new_domain": "新增外链域名",
    "text.typo": "错别字", "text.typo_suspect": "疑似错别字", "attachment.unreadable": "附件无法检查",
    "text.typo_severe": "严重错别字", "text.improper": "不恰当表述", "privacy.leak": "个人信息泄露",
    "media.stale": "新媒体不更新", "media.unreadable": "新媒体无法获取", "media.typo": "新媒体错别字",
    "media.typo_severe": "新媒体严重表述错误", "media.improper": "新媒体不恰当表述",
    "media.link_broken": "新媒体链接不准确", "media.no_interaction": "新媒体未提供互动功能",
    "media.unregistered": "新媒体未备案",
}
SEVERITY_NAMES = {"veto": "单项否决", "deduct": "扣分", "notice": "提示"}
STATUS_NAMES = {"open": "待审核", "confirmed": "已确认", "dismissed": "已排除", "fixed": "已整改"}
JSON_FIELDS = ("run", "site", "account", "check", "severity", "url", "target", "evidence",
               "suggestion", "detail", "fingerprint", "status")

config_option = click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False),
                             help="站点配置文件（TOML），见 sites.example.toml。")
db_option = click.option("--db", "db_path", default=DEFAULT_DB, show_default=True, type=click.Path(dir_okay=False),
                         help="巡检数据库（SQLite 文件），不存在时自动创建。")
run_option = click.option("--run", "run_ref", default="latest", show_default=True,
                          help="哪一次巡检：latest（最近一次）或巡检编号。")


def fail(message: str, code: int = 2) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


def _load(config_path: str) -> Config:
    try:
        return load_config(config_path)
    except ConfigError as exc:
        fail(str(exc))


def _open(db_path: str):
    try:
        return open_store(db_path)
    except StoreError as exc:
        fail(str(exc))


def _db_errors(command):
    """A locked, read-only or full database ends the command with a clear message (exit 3)."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except sqlite3.Error as exc:
            fail(describe_db_error(exc, kwargs.get("db_path") or DEFAULT_DB), 3)
    return wrapper


def _run_or_fail(db, run_ref: str) -> dict:
    run = resolve_run(db, run_ref)
    if run is None:
        fail(f"数据库中没有编号为 {run_ref} 的巡检记录" if run_ref != "latest" else "数据库中还没有任何巡检记录，请先运行 xunjian inspect")
    return run


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="xunjian")
def main() -> None:
    """xunjian（巡检）：按国务院办公厅政府网站与政务新媒体检查指标，巡检本地区政府网站。

    \b
    常用流程：
      xunjian inspect  --config sites.toml          抓取全部站点并检查，显示进度
      xunjian findings --config sites.toml --format table   查看发现的问题
      xunjian findings --config sites.toml --format csv > 问题清单.csv   导出（Excel 可直接打开）
      xunjian check    --config sites.toml          改进检查规则后，对已抓取的数据重新检查（不联网）
    """


@main.command()
@config_option
@db_option
@click.option("--site", "site_ids", multiple=True, metavar="ID", help="只巡检这些站点（可多次指定）。")
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="巡检基准日期，默认今天。")
@click.option("--resume", is_flag=True, help="继续最近一次未完成（被中断）的巡检，已抓取的内容不再重复抓取。")
@click.option("--full", is_flag=True,
              help="完整抓取（full crawl）：不发条件请求，不沿用上次巡检的页面和链接检查结果。"
                   "默认对已有完成巡检的站点增量抓取：未修改的页面不重新下载。")
@click.option("--quiet", is_flag=True, help="不显示进度。")
@click.option("--checks", "check_spec", default=None, metavar="IDS",
              help="只运行这些检查，逗号分隔，可用通配，如 link.*,layout.garbled（默认全部）。")
@_db_errors
def inspect(config_path: str, db_path: str, site_ids: tuple[str, ...], as_of: str | None,
            resume: bool, full: bool, quiet: bool, check_spec: str | None) -> None:
    """抓取站点、检查链接与页面，结果存入数据库。

    巡检完成即返回 0，即使发现了问题；站点无法访问等情况记为问题或运行错误，不会中断巡检。
    """
    from crawler.run import crawl

    config = _load(config_path)
    db = _open(db_path)
    if resume:
        run = unfinished_run(db)
        if run is None:
            fail("没有未完成的巡检可以继续（--resume）", 1)
        run_id, as_of = run["id"], run["as_of"]
        wanted = set(json.loads(run["sites"]))
        sites = [s for s in config.sites if s.id in wanted]
        click.echo(f"继续第 {run_id} 次巡检（基准日期 {as_of}），站点：{', '.join(s.id for s in sites)}", err=True)
    else:
        known = {s.id for s in config.sites}
        for site_id in site_ids:
            if site_id not in known:
                fail(f"配置文件 {config_path} 中没有站点 {site_id!r}（可用：{', '.join(sorted(known))}）")
        sites = [s for s in config.sites if not site_ids or s.id in site_ids]
        as_of = _parse_date(as_of)
        run_id = start_run(db, as_of, str(Path(config_path).resolve()), sites)
        click.echo(f"开始第 {run_id} 次巡检（基准日期 {as_of}），共 {len(sites)} 个站点，数据库 {db_path}", err=True)
    db.conn.close()

    started = time.monotonic()
    try:
        reason = crawl(db_path, run_id, sites, resume=resume, show_progress=not quiet, full=full)
    except StoreError as exc:
        fail(f"{exc}；已抓取的内容已保存，修复后可用 --resume 继续", 3)
    db = _open(db_path)
    if reason not in ("finished",):
        finish_run(db, run_id, "interrupted", f"抓取中断：{reason}")
        click.echo(f"巡检被中断（{reason}）。已抓取的内容已保存，可用 xunjian inspect --resume 继续。", err=True)
        sys.exit(130)
    from crawler.rendered import render_run
    render_run(db_path, run_id, sites, quiet=quiet)
    crawled = time.monotonic()
    try:
        counts, failed = checked(db, run_id, {s.id: s for s in sites}, as_of, only=_check_ids(check_spec))
    except Exception as exc:  # a check bug must not lose the crawl
        record_error(db, run_id, None, None, "check", repr(exc))
        finish_run(db, run_id, "complete", f"检查出错：{exc}")
        fail(f"检查过程出错：{exc}；抓取结果已保存，可用 xunjian check 重新检查", 1)
    finish_run(db, run_id, "complete", f"部分检查出错：{', '.join(failed.failures)}" if failed else None)
    click.echo(f"抓取用时 {crawled - started:.1f} 秒，检查用时 {time.monotonic() - crawled:.1f} 秒。", err=True)
    _print_summary(db, run_id, config)
    click.echo(f"第 {run_id} 次巡检完成，共发现问题 {sum(counts.values())} 个。数据库：{Path(db_path).resolve()}")
    if failed:
        fail(f"以下检查出错，未更新其结果（其余检查已完成）：{failed}；修复后可用 xunjian check 重新检查", 1)


def checked(db, run: int, sites: dict, as_of,
            only: list[str] | None = None) -> tuple[dict[str, int], ChecksFailed | None]:
    """run_checks, with checks that raised handed back (ChecksFailed) rather than raised: the
    other checks' findings are stored either way, and the caller reports both."""
    from checks import ChecksFailed, run_checks

    try:
        return run_checks(db, run, sites, as_of, only=only), None
    except ChecksFailed as exc:
        return exc.counts, exc


def _check_ids(spec: str | None) -> list[str] | None:
    """Check ids named by --checks (comma-separated, * wildcards), or None for all."""
    if not spec:
        return None
    from fnmatch import fnmatch

    from checks import CHECKS

    wanted = [part.strip() for part in spec.split(",") if part.strip()]
    chosen = [check for check in CHECKS if any(fnmatch(check, pattern) for pattern in wanted)]
    unknown = [p for p in wanted if not any(fnmatch(check, p) for check in CHECKS)]
    if unknown:
        fail(f"--checks 中没有这些检查：{', '.join(unknown)}（可用：{', '.join(CHECKS)}）")
    return chosen


def _parse_date(value: str | None) -> str:
    if value is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        fail(f"--as-of 日期格式应为 YYYY-MM-DD：{value!r}")


def _print_summary(db, run_id: int, config: Config) -> None:
    from tabulate import tabulate

    counts = Counter((f["site"], f["check"]) for f in iter_findings(db, run_id))
    shown = [check for check in CHECK_NAMES if any(c == check for _, c in counts)]
    sites = list(db.query("select * from site_runs where run = ? order by rowid", [run_id]))
    rows = []
    states = {"done": "完成", "unreachable": "首页无法访问", "interrupted": "中断", "crawling": "抓取中",
              "pending": "未开始"}
    for site in sites:
        row = [site["name"], site["site"], states.get(site["status"], site["status"]), site["pages"], site["targets"]]
        row += [counts.get((site["site"], check), 0) for check in shown]
        rows.append(row)
    headers = ["网站名称", "标识", "状态", "页面数", "检查网址数", *(CHECK_NAMES[c] for c in shown)]
    click.echo(tabulate(rows, headers=headers, tablefmt="simple"))
    for site in sites:
        if site["note"]:
            click.echo(f"注意：{site['name']}（{site['site']}）{site['note']}")


@main.command()
@config_option
@db_option
@run_option
@click.option("--checks", "check_spec", default=None, metavar="IDS",
              help="只重新运行这些检查，逗号分隔，可用通配，如 update.*（默认全部）。")
def check(config_path: str, db_path: str, run_ref: str, check_spec: str | None) -> None:
    """对已保存的抓取结果重新运行全部检查（不联网）。"""

    config = _load(config_path)
    db = _open(db_path)
    run = _run_or_fail(db, run_ref)
    wanted = set(json.loads(run["sites"]))
    sites = {s.id: s for s in config.sites if s.id in wanted}
    missing = wanted - set(sites)
    if missing:
        click.echo(f"提示：配置文件中已没有站点 {', '.join(sorted(missing))}，跳过其检查。", err=True)
    counts, failed = checked(db, run["id"], sites, run["as_of"], only=_check_ids(check_spec))
    for check_id, count in counts.items():
        click.echo(f"{check_id}\t{CHECK_NAMES.get(check_id, check_id)}\t{count}")
    _print_summary(db, run["id"], config)
    if failed:
        fail(f"以下检查出错，未更新其结果（其余检查已完成）：{failed}", 1)


@main.command()
@config_option
@db_option
@run_option
@click.option("--site", "site_id", required=True, metavar="ID", help="站点标识。")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
def columns(config_path: str, db_path: str, run_ref: str, site_id: str, fmt: str) -> None:
    """列出自动识别的栏目：名称、类别及判断依据、网址、信息条数、最后更新日期、未更新天数。

    \b
    识别有误时，在配置文件该站点下用 [[sites.columns]] 更正，例如：
      [[sites.columns]]
      url = "/xwzx/zwdt/"     # 栏目网址（可写相对网址）
      kind = "news"           # news | notice | policy | annual | none
      name = "政务动态"        # 可选：栏目名称
      exclude = false         # true：不作为栏目检查
    更正后运行 xunjian check 即可，无需重新抓取。
    """
    config = _load(config_path)
    db = _open(db_path)
    run = _run_or_fail(db, run_ref)
    if site_id not in {s.id for s in config.sites}:
        fail(f"配置文件中没有站点 {site_id!r}")
    rows = list(db.query("select * from columns where run = ? and site = ? order by url", [run["id"], site_id]))
    if not rows:
        click.echo(f"第 {run['id']} 次巡检没有站点 {site_id} 的栏目记录（请先运行 inspect 或 check）。", err=True)
    headers = ["栏目名称", "名称来源", "栏目类别", "类别依据", "网址", "信息条数", "最后更新日期", "未更新天数", "备注"]
    table = [[r["name"], r["name_source"], r["kind_label"], r["kind_reason"], r["url"], r["items"],
              r["last_update"] or "", "" if r["days"] is None else r["days"], r["empty_reason"] or ""] for r in rows]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(headers)
        writer.writerows(table)
        click.echo(buffer.getvalue(), nl=False)
    else:
        from tabulate import tabulate
        click.echo(tabulate(table, headers=headers))
        click.echo(f"共 {len(rows)} 个栏目。")


@main.command()
@config_option
@db_option
@run_option
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="table", show_default=True,
              help="json：JSON 数组；csv：带 BOM 的 UTF-8，Excel 直接打开；table：终端表格。")
def findings(config_path: str, db_path: str, run_ref: str, fmt: str) -> None:
    """列出一次巡检发现的问题。"""
    config = _load(config_path)
    db = _open(db_path)
    run = _run_or_fail(db, run_ref)
    rows = list(iter_findings(db, run["id"]))
    if fmt == "json":
        out = [{key: row.get(key) for key in JSON_FIELDS} | {"extra": row["extra"]} for row in rows]
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))
    elif fmt == "csv":
        click.echo(_csv(rows, config), nl=False)
    else:
        _table(rows, config)


def _csv(rows: list[dict], config: Config) -> str:
    sites = {s.id: s for s in config.sites}
    accounts = {a.id: a for a in config.accounts}
    buffer = io.StringIO()
    buffer.write("\ufeff")   # Excel needs the BOM to read UTF-8
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["网站名称", "主办单位", "问题类型", "检查项", "严重程度", "问题描述", "页面地址",
                     "链接目标", "错误内容", "建议修改", "状态", "巡检编号", "指纹"])
    for row in rows:
        site = sites.get(row["site"]) or accounts.get(row.get("account"))
        writer.writerow([site.name if site else row["site"], site.department if site else "",
                         CHECK_NAMES.get(row["check"], row["check"]), row["check"],
                         SEVERITY_NAMES.get(row["severity"], row["severity"]), row["detail"], row["url"],
                         row["target"] or "", row["evidence"] or "", row["suggestion"] or "",
                         STATUS_NAMES.get(row["status"], row["status"]), row["run"], row["fingerprint"]])
    return buffer.getvalue()


def _table(rows: list[dict], config: Config) -> None:
    from tabulate import tabulate

    def cut(text: str | None, width: int) -> str:
        text = " ".join((text or "").split())
        return text if len(text) <= width else text[: width - 1] + "…"

    table = [[row["site"] or row.get("account"), CHECK_NAMES.get(row["check"], row["check"]), cut(row["url"], 60),
              cut(row["target"], 50), cut(row["evidence"], 20), cut(row["detail"], 30)] for row in rows]
    click.echo(tabulate(table, headers=["站点", "问题类型", "页面", "链接目标", "错误内容", "说明"]))
    click.echo(f"共 {len(rows)} 个问题。")


from xunjian import cli_ops  # noqa: E402,F401  registers probe/schedule
from xunjian import cli_report  # noqa: E402,F401  registers report
from xunjian import cli_web  # noqa: E402,F401  registers serve and user add
from xunjian import cli_media  # noqa: E402,F401  registers media poll/list/check/import/export
from xunjian import cli_text  # noqa: E402,F401  registers check-text
from xunjian import cli_cluster  # noqa: E402,F401  registers worker (cluster mode)

if __name__ == "__main__":
    main()
