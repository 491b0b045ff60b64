"""`xunjian serve` (the review web app) and `xunjian user add` (its accounts)."""

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
