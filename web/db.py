"""The web app's own tables in the inspection store: users, audit log, approvals, throttling,
assignments and rectification. Review decisions themselves live in the store's `reviews` table
(by fingerprint), so they carry over to next month's run.
"""

from __future__ import annotations

import datetime as dt
import secrets

import sqlite_utils
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from xunjian.store import now

ROLES = {"admin": "管理员", "reviewer": "审核人员", "department": "责任单位"}
MAX_FAILURES = 5
LOCK_MINUTES = 5

WEB_SCHEMA: dict[str, tuple[dict[str, type], object]] = {
    "web_users": ({"name": str, "password": str, "role": str, "department": str,
                   "created_at": str, "active": int}, "name"),
    "web_audit": ({"id": int, "at": str, "user": str, "action": str, "target": str,
                   "detail": str, "ip": str}, "id"),
    "web_approvals": ({"id": int, "period": str, "kind": str, "by": str, "at": str,
                       "problems": int, "unreviewed": int, "digest": str}, "id"),
    "web_login_failures": ({"name": str, "failures": int, "first_at": str, "locked_until": str}, "name"),
    "web_assignments": ({"fingerprint": str, "department": str, "deadline": str, "by": str,
                         "at": str}, "fingerprint"),
    # Rectification by the responsible department and the office's recheck.
    "web_rectifications": ({"fingerprint": str, "state": str, "note": str, "by": str, "at": str,
                            "checked_at": str, "result": str}, "fingerprint"),
    "web_settings": ({"key": str, "value": str}, "key"),
    # Every attempt to send a 整改通知 (web/notify.py): one row per target, failures included.
    "web_notifications": ({"id": int, "period": str, "department": str, "channel": str, "target": str,
                           "subject": str, "problems": int, "fingerprints": str, "by": str, "at": str,
                           "ok": int, "result": str}, "id"),
}

_hasher = PasswordHasher()


def ensure_web_schema(db: sqlite_utils.Database) -> None:
    for name, (columns, pk) in WEB_SCHEMA.items():
        table = db[name]
        if not table.exists():
            table.create(columns, pk=pk, if_not_exists=True)
        else:
            for column, kind in columns.items():
                if column not in table.columns_dict:
                    table.add_column(column, kind)


def secret_key(db: sqlite_utils.Database) -> str:
    """A session signing key kept in the store, so sessions survive a restart."""
    rows = list(db.query("select value from web_settings where key = 'secret'"))
    if rows:
        return rows[0]["value"]
    value = secrets.token_hex(32)
    db["web_settings"].insert({"key": "secret", "value": value}, replace=True)
    return value


# --- users ---------------------------------------------------------------------------

class UserError(ValueError):
    """A user cannot be created as asked (message in Chinese)."""


def add_user(db: sqlite_utils.Database, name: str, password: str, role: str,
             department: str | None = None) -> None:
    name = name.strip()
    if not name:
        raise UserError("用户名不能为空")
    if role not in ROLES:
        raise UserError(f"角色应为 admin、reviewer 或 department：{role!r}")
    if role == "department" and not (department or "").strip():
        raise UserError("责任单位用户必须用 --department 指定所属单位")
    if len(password) < 8:
        raise UserError("密码至少 8 个字符")
    db["web_users"].insert({"name": name, "password": _hasher.hash(password), "role": role,
                            "department": (department or "").strip() or None, "created_at": now(),
                            "active": 1}, replace=True)


def get_user(db: sqlite_utils.Database, name: str) -> dict | None:
    rows = list(db.query("select * from web_users where name = ? and active = 1", [name]))
    return rows[0] if rows else None


def list_users(db: sqlite_utils.Database) -> list[dict]:
    """Every account, disabled ones included, without password hashes."""
    return list(db.query("select name, role, department, created_at, active from web_users order by role, name"))


def update_user(db: sqlite_utils.Database, name: str, *, role: str | None = None, department: str | None = None,
                active: bool | None = None, password: str | None = None) -> None:
    """Change an existing account; raises UserError (Chinese) when the result would be invalid."""
    rows = list(db.query("select * from web_users where name = ?", [name]))
    if not rows:
        raise UserError(f"没有账号“{name}”")
    row = rows[0]
    if role is not None:
        if role not in ROLES:
            raise UserError(f"角色应为 admin、reviewer 或 department：{role!r}")
        row["role"] = role
        row["department"] = (department or "").strip() or None if role == "department" else None
    if row["role"] == "department" and not row["department"]:
        raise UserError("责任单位用户必须指定所属单位")
    if active is not None:
        row["active"] = int(active)
    if password is not None:
        if len(password) < 8:
            raise UserError("密码至少 8 个字符")
        row["password"] = _hasher.hash(password)
        db.execute("delete from web_login_failures where name = ?", [name])
    db["web_users"].insert(row, replace=True)


def locked_until(db: sqlite_utils.Database, name: str) -> str | None:
    rows = list(db.query("select locked_until from web_login_failures where name = ?", [name]))
    if rows and rows[0]["locked_until"] and rows[0]["locked_until"] > now():
        return rows[0]["locked_until"]
    return None


def check_login(db: sqlite_utils.Database, name: str, password: str) -> tuple[dict | None, str | None]:
    """(user, None) on success, else (None, a Chinese message). Throttled per user name."""
    until = locked_until(db, name)
    if until:
        return None, f"登录失败次数过多，请于 {until[11:16]} 之后再试"
    user = get_user(db, name)
    ok = False
    if user:
        try:
            ok = _hasher.verify(user["password"], password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # about the same time as a real check
    if ok:
        db.execute("delete from web_login_failures where name = ?", [name])
        if _hasher.check_needs_rehash(user["password"]):
            db["web_users"].update(name, {"password": _hasher.hash(password)})
        return user, None
    rows = list(db.query("select * from web_login_failures where name = ?", [name]))
    failures = (rows[0]["failures"] if rows and not rows[0]["locked_until"] else 0) + 1
    locked = None
    if failures >= MAX_FAILURES:
        locked = (dt.datetime.now() + dt.timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")
    db["web_login_failures"].insert({"name": name, "failures": 0 if locked else failures,
                                     "first_at": now(), "locked_until": locked}, replace=True)
    if locked:
        return None, f"连续 {MAX_FAILURES} 次登录失败，账号锁定 {LOCK_MINUTES} 分钟"
    return None, "用户名或密码错误"


def audit(db: sqlite_utils.Database, user: str | None, action: str, target: str = "",
          detail: str = "", ip: str = "") -> None:
    db["web_audit"].insert({"at": now(), "user": user or "", "action": action, "target": target,
                            "detail": detail[:2000], "ip": ip})
