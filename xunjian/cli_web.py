"""`xunjian serve` (the review web app), `xunjian user add` (its accounts) and `xunjian notify` (整改通知)."""

from __future__ import annotations

import sys

import click

from xunjian.cli import _load, _open, config_option, db_option, fail, main


@main.command()
@config_option
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址；对外提供服务请置于 HTTPS 反向代理之后。")
@click.option("--port", default=8000, show_default=True, type=int, help="监听端口。")
@click.option("--https", "behind_https", is_flag=True,
              help="经 HTTPS 反向代理访问时指定：会话 Cookie 加 Secure 标记，并信任代理的 X-Forwarded-* 头。")
def serve(config_path: str, db_path: str, host: str, port: int, behind_https: bool) -> None:
    """启动审核网页：审核问题、预览并审定通报、各单位报告整改。

    \b
    先用 `xunjian user add` 建立管理员账号。安装了 waitress 时用 waitress 提供服务，
    否则用 Flask 自带的开发服务器（仅适合本机使用）。
    """
    from web import create_app

    _load(config_path)
    _open(db_path).conn.close()
    app = create_app(config_path, db_path, secure_cookies=behind_https)
    if behind_https:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    try:
        import waitress
    except ImportError:
        waitress = None
    if waitress is not None:
        click.echo(f"审核网页（waitress）：http://{host}:{port}/", err=True)
        waitress.serve(app, host=host, port=port, threads=8, ident="xunjian")
    else:
        click.echo(f"审核网页（Flask 开发服务器，仅限本机使用）：http://{host}:{port}/", err=True)
        app.run(host=host, port=port, threaded=True)


@main.group()
def user() -> None:
    """管理审核网页的账号。"""


@user.command("add")
@config_option
@db_option
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["admin", "reviewer", "department"]),
              help="admin 管理员；reviewer 审核人员；department 责任单位（只看本单位的网站和账号）。")
@click.option("--department", default=None, help="责任单位名称（department 角色必填，须与配置文件中的 department 一致）。")
def user_add(config_path: str, db_path: str, name: str, role: str, department: str | None) -> None:
    """新建或重设账号；密码从标准输入读取（第一行）。"""
    from web.db import UserError, add_user, audit, ensure_web_schema

    config = _load(config_path)
    if role == "department":
        known = {s.department for s in config.sites} | {a.department for a in config.accounts}
        if department and department not in known:
            fail(f"配置文件中没有责任单位“{department}”；可选：{'、'.join(sorted(known))}")
    if sys.stdin.isatty():
        password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    db = _open(db_path)
    ensure_web_schema(db)
    try:
        add_user(db, name, password, role, department)
    except UserError as exc:
        fail(str(exc))
    audit(db, "（命令行）", "新建账号", name, f"角色 {role} {department or ''}".strip())
    click.echo(f"已建立账号 {name}（{role}）")


@main.command()
@config_option
@db_option
@click.option("--month", metavar="YYYY-MM", help="月度检查结果对应的整改通知，如 2026-11。")
@click.option("--quarter", metavar="YYYYQn", help="季度通报对应的整改通知，如 2026Q4。")
@click.option("--department", "departments", multiple=True, metavar="NAME",
              help="只发给该责任单位（可重复）；默认发给所有有已确认问题的单位。")
@click.option("--dry-run", is_flag=True, help="只显示将发送的内容和接收方，不发送、不记录。")
def notify(config_path: str, db_path: str, month: str | None, quarter: str | None, departments: tuple[str, ...],
           dry_run: bool) -> None:
    """发送整改通知（send rectification notices）：邮件（附正式文本 DOCX）和钉钉、企业微信群机器人。

    \b
    只发送已审定期间（在审核网页审定文书）中经人工确认的问题；接收方在配置文件
    [notify] 和 [[notify.departments]] 中设置。每次发送的结果记入发送记录和操作日志。
    全部发送成功时退出码为 0，有发送失败时为 1，不能发送（未审定、参数有误）时为 2。
    """
    from reports.notify import CHANNEL_ZH, mask, settings_of
    from reports.period import PeriodError, parse_period
    from web.db import ensure_web_schema
    from web.bulletins import current_approval
    from web.notify import send_notices

    if bool(month) == bool(quarter):
        fail("请用 --month 或 --quarter 指定一个期间")
    try:
        period = parse_period(month=month, quarter=quarter)
    except PeriodError as exc:
        fail(str(exc))
    config = _load(config_path)
    known = {s.department for s in config.sites} | {a.department for a in config.accounts}
    for department in departments:
        if department not in known:
            fail(f"配置文件中没有责任单位“{department}”；可选：{'、'.join(sorted(known))}")
    db = _open(db_path)
    ensure_web_schema(db)
    approval = current_approval(db, config, period)
    if dry_run and not approval:
        click.echo(f"提示：{period.label}文书尚未审定（或审定后问题有变动），以下仅为预览；审定后才能正式发送。", err=True)
    elif not approval:
        fail(f"{period.label}文书尚未审定，或审定后问题有变动，审定后才能发送整改通知（在审核网页的月度结果或季度通报页审定）")
    try:
        results = send_notices(db, config, period, "（命令行）", list(departments) or None, dry_run=dry_run)
    except Exception as exc:  # noqa: BLE001 - e.g. the notice document cannot be written
        fail(f"发送整改通知出错：{type(exc).__name__}: {exc}", 1)
    if not results:
        click.echo(f"{period.label}没有需要发送的整改通知（没有经审核确认、尚未整改的问题）。")
    failed = False
    for sent in results:
        if dry_run and sent.message is not None:
            click.echo(f"=== {sent.department}：{sent.message.subject}")
            for channel, url in settings_of(config).targets(sent.department):
                click.echo(f"接收方（{CHANNEL_ZH[channel]}）：{mask(url)}")
            click.echo(sent.message.text)
            click.echo("--- 群机器人消息 ---")
            click.echo(sent.message.robot + "\n")
            continue
        bad = not sent.ok and not sent.nothing
        failed |= bad
        click.echo(sent.summary(), err=bad)
    if failed:
        sys.exit(1)
