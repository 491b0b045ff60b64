"""`xunjian media …`: poll new-media accounts, list them, re-check, import/export the registry."""

from __future__ import annotations

import json
from pathlib import Path

import click

from xunjian.cli import _load, _open, _parse_date, config_option, db_option, fail, main
from xunjian.store import finish_run, record_error, start_run

STATE_ZH = {"ok": "已采集", "unreadable": "无法读取", "closed": "未采集（已关停/注销）"}
MEDIA_NAMES = {
    "media.stale": "不更新", "media.no_interaction": "未提供有效互动功能", "media.typo_severe": "严重表述错误",
    "media.typo": "错别字", "media.improper": "不恰当表述", "media.link_broken": "链接不准确",
    "media.unregistered": "未备案", "media.unreadable": "无法获取",
}


@main.group()
def media() -> None:
    """政务新媒体：采集各账号发布的信息并检查（不更新、错别字、链接不准确、未备案等）。

    \b
    账号登记在配置文件的 [[accounts]] 中，source 为 RSS/Atom、JSON Feed 地址、列出该账号发文的公开网页
    （如政府网站的“政务新媒体”栏目）或 CSV/XLSX 导出文件；source_type = feed / page / export，默认自动识别。
      xunjian media poll   --config sites.toml            采集并检查
      xunjian media list   --config sites.toml            各账号最近发布日期与状态
      xunjian media import 台账.xlsx > accounts.toml       由台账生成 [[accounts]] 配置
      xunjian media export --config sites.toml --out 台账.xlsx
    """


@media.command()
@config_option
@db_option
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", help="检查基准日期，默认今天。")
@click.option("--quiet", is_flag=True, help="不显示每个账号的采集情况。")
def poll(config_path: str, db_path: str, as_of: str | None, quiet: bool) -> None:
    """采集全部政务新媒体账号的信息，检查链接，运行新媒体检查，作为一次独立的巡检记录。"""
    import datetime as dt

    from checks.media import run_media_checks
    from crawler.media.poll import poll as run_poll

    config = _load(config_path)
    if not config.accounts:
        fail(f"配置文件 {config_path} 中没有登记任何政务新媒体账号（[[accounts]]）")
    db = _open(db_path)
    as_of = _parse_date(as_of)
    run_id = start_run(db, as_of, str(Path(config_path).resolve()), [])
    click.echo(f"开始第 {run_id} 次新媒体采集（基准日期 {as_of}），共 {len(config.accounts)} 个账号", err=True)
    say = (lambda _: None) if quiet else (lambda line: click.echo("  " + line, err=True))
    try:
        run_poll(db, run_id, config.accounts, dt.date.fromisoformat(as_of), tz=config.schedule.tz,
                 base_dir=config.path.parent, say=say)
        counts = run_media_checks(db, run_id, {a.id: a for a in config.accounts}, as_of)
    except Exception as exc:  # recorded, and the run is marked so it never counts as a month's check
        record_error(db, run_id, None, None, "media", repr(exc))
        finish_run(db, run_id, "failed", f"新媒体采集出错：{exc}")
        fail(f"新媒体采集出错：{exc}", 1)
    finish_run(db, run_id, "complete", "新媒体采集")
    _print_accounts(db, run_id, config)
    click.echo(f"第 {run_id} 次巡检（新媒体）完成，共发现问题 {sum(counts.values())} 个。")


@media.command(name="check")
@config_option
@db_option
@click.option("--run", "run_ref", default="latest", show_default=True, help="哪一次新媒体采集：latest 或编号。")
def check_cmd(config_path: str, db_path: str, run_ref: str) -> None:
    """对已保存的新媒体采集结果重新运行检查（不联网）。"""
    from checks.media import run_media_checks

    config = _load(config_path)
    db = _open(db_path)
    run = _media_run(db, run_ref)
    counts = run_media_checks(db, run["id"], {a.id: a for a in config.accounts}, run["as_of"])
    for check_id, count in counts.items():
        click.echo(f"{check_id}\t{MEDIA_NAMES[check_id]}\t{count}")


@media.command(name="list")
@config_option
@db_option
@click.option("--run", "run_ref", default="latest", show_default=True, help="哪一次新媒体采集：latest 或编号。")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_cmd(config_path: str, db_path: str, run_ref: str, fmt: str) -> None:
    """列出登记的账号：平台、主办单位、最近发布日期、采集状态和问题数。"""
    config = _load(config_path)
    db = _open(db_path)
    run = _media_run(db, run_ref, required=False)
    _print_accounts(db, run["id"] if run else None, config, fmt)


def _media_run(db, run_ref: str, required: bool = True) -> dict | None:
    if "account_runs" in db.table_names():
        if str(run_ref) == "latest":
            rows = list(db.query("select r.* from runs r where r.id = (select max(run) from account_runs)"))
        else:
            rows = list(db.query("select r.* from runs r where r.id = ? and exists "
                                 "(select 1 from account_runs a where a.run = r.id)", [int(run_ref)]))
        if rows:
            return rows[0]
    if required:
        fail("数据库中还没有新媒体采集记录，请先运行 xunjian media poll" if str(run_ref) == "latest"
             else f"第 {run_ref} 次巡检不是新媒体采集")
    return None


def _print_accounts(db, run_id: int | None, config, fmt: str = "table") -> None:
    from tabulate import tabulate

    from reports.collect import PLATFORM_ZH

    states = {r["account"]: r for r in db.query("select * from account_runs where run = ?", [run_id])} \
        if run_id else {}
    problems: dict[str, int] = {}
    if run_id:
        for row in db.query("select account, count(*) as n from findings where run = ? and account is not null "
                            "group by account", [run_id]):
            problems[row["account"]] = row["n"]
    rows = []
    for account in config.accounts:
        state = states.get(account.id, {})
        rows.append({"id": account.id, "name": account.name, "platform": account.platform,
                     "department": account.department, "status": account.status,
                     "last_post": state.get("last_post"), "state": state.get("state"), "posts": state.get("posts"),
                     "problems": problems.get(account.id, 0), "error": state.get("error")})
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = [[r["name"], r["id"], PLATFORM_ZH.get(r["platform"], r["platform"]), r["department"], r["status"],
              r["last_post"] or "—", STATE_ZH.get(r["state"], "未采集"), "" if r["posts"] is None else r["posts"],
              r["problems"]] for r in rows]
    click.echo(tabulate(table, headers=["账号名称", "标识", "平台", "主办单位", "登记状态", "最近发布",
                                        "采集状态", "信息数", "问题数"]))
    if run_id is None:
        click.echo("还没有新媒体采集记录，请运行 xunjian media poll。")


@media.command(name="import")
@click.argument("registry", type=click.Path(exists=True, dir_okay=False))
@click.option("--out", "out_path", default=None, type=click.Path(dir_okay=False),
              help="写入此文件（默认输出到屏幕），内容可粘贴进配置文件。")
def import_cmd(registry: str, out_path: str | None) -> None:
    """读取新媒体台账（XLSX/CSV：名称、平台、主办单位、账号ID、负责人、联系方式、状态），生成 [[accounts]] 配置。"""
    from xunjian.registry import RegistryError, accounts_toml, import_registry

    try:
        accounts = import_registry(registry)
    except RegistryError as exc:
        fail(str(exc))
    text = accounts_toml(accounts)
    if out_path:
        Path(out_path).write_text(text, encoding="utf-8")
        click.echo(f"已写入 {len(accounts)} 个账号：{out_path}", err=True)
    else:
        click.echo(text, nl=False)
        click.echo(f"共 {len(accounts)} 个账号。未填写“采集来源”的账号请补充 source。", err=True)


@media.command(name="export")
@config_option
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False), help="台账文件：.xlsx 或 .csv。")
def export_cmd(config_path: str, out_path: str) -> None:
    """把配置文件中登记的账号导出为台账（XLSX 或 CSV）。"""
    from xunjian.registry import export_registry

    config = _load(config_path)
    click.echo(str(export_registry(config.accounts, out_path)))
