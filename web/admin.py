"""Administration (admin only): accounts of the web app, and the configured sites and accounts.

Users live in the store (web_users); every change is audit-logged. Sites, new-media accounts,
notification contacts and document settings come from the configuration file, which stays the
source of truth: the settings page shows them read-only and names the file to edit.
"""

from __future__ import annotations

from flask import Blueprint, g, render_template, request, url_for

from reports.notify import mask, settings_of
from web import done, log, login_required
from web.data import departments
from web.db import ROLES, UserError, add_user, list_users, update_user

bp = Blueprint("admin", __name__)


def _refuse(message: str):
    return render_template("message.html", title="无法保存", message=message, back=url_for("admin.users")), 400


def _department(role: str) -> tuple[str | None, str | None]:
    """(department, error) from the form for `role`."""
    department = request.form.get("department", "").strip()
    if role != "department":
        return None, None
    if department not in departments(g.config):
        return None, "责任单位用户必须选择配置文件中的责任单位"
    return department, None


@bp.route("/users")
@login_required("admin")
def users():
    return render_template("users.html", users=list_users(g.db), departments=departments(g.config))


@bp.post("/users/add")
@login_required("admin")
def add():
    name = request.form.get("name", "").strip()
    role = request.form.get("role", "")
    department, error = _department(role)
    if error:
        return _refuse(error)
    if any(u["name"] == name for u in list_users(g.db)):
        return _refuse(f"账号“{name}”已存在；如需修改请在列表中操作")
    try:
        add_user(g.db, name, request.form.get("password", ""), role, department)
    except UserError as exc:
        return _refuse(str(exc))
    log("新建账号", name, f"角色 {ROLES.get(role, role)} {department or ''}".strip())
    return done(f"已建立账号 {name}", "admin.users")


@bp.post("/users/update")
@login_required("admin")
def update():
    """Change role and department, reset the password, or disable / enable one account."""
    name = request.form.get("name", "").strip()
    action = request.form.get("action", "")
    if name == g.user["name"] and action in ("role", "disable"):
        return _refuse("不能停用自己的账号或修改自己的角色（以免无人能管理系统）；请由另一位管理员操作")
    try:
        if action == "role":
            role = request.form.get("role", "")
            department, error = _department(role)
            if error:
                return _refuse(error)
            update_user(g.db, name, role=role, department=department)
            what, detail = "修改账号角色", f"角色 {ROLES.get(role, role)} {department or ''}".strip()
        elif action == "password":
            update_user(g.db, name, password=request.form.get("password", ""))
            what, detail = "重设密码", ""
        elif action in ("disable", "enable"):
            update_user(g.db, name, active=action == "enable")
            what, detail = ("停用账号", "") if action == "disable" else ("启用账号", "")
        else:
            return _refuse("未知的操作")
    except UserError as exc:
        return _refuse(str(exc))
    log(what, name, detail)
    return done(f"{what}：{name}", "admin.users")


@bp.route("/settings")
@login_required("admin")
def settings():
    """Read-only view of the configuration: sites, accounts, notification contacts, documents."""
    from reports.settings import settings_for

    config = g.config
    notify = settings_of(config)
    contacts = [(d, [mask(u) for _, u in notify.targets(d)]) for d in departments(config)]
    return render_template("settings.html", config=config, contacts=contacts, report=settings_for(config),
                           smtp=mask(notify.smtp) if notify.smtp else None,
                           robots=[mask(u) for u in notify.robots])
