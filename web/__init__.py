"""The review web app: staff review findings, approve bulletins, departments report rectification.

    create_app(config_path, db_path)   the Flask app (served by `xunjian serve`)
    db.py        users, audit log, approvals, login throttling (tables web_* in the store)
    data.py      findings as the pages show them (filters, departments, evidence)
    review.py    findings list and review actions      bulletins.py  preview, approve, download
    rectify.py   rectification, recheck and the dashboard
    notify.py    sending 整改通知 (approved periods only; messages and Apprise in reports/notify.py)
    admin.py     user management, read-only view of the configured sites and accounts
Server-rendered Jinja2 with autoescape; crawled text is never marked safe.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from flask import Flask, abort, flash, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFProtect

from web.db import ROLES, audit, check_login, ensure_web_schema, get_user, secret_key
from xunjian.cli import CHECK_NAMES, SEVERITY_NAMES, STATUS_NAMES
from xunjian.config import load_config
from xunjian.store import open_store

csrf = CSRFProtect()
SESSION_HOURS = 8


def create_app(config_path: str | Path, db_path: str | Path, secret: str | None = None,
               secure_cookies: bool = False) -> Flask:
    """The app for the sites in `config_path` and the store at `db_path`.

    secure_cookies: set when served behind HTTPS (the session cookie then carries Secure).
    """
    app = Flask(__name__)
    config = load_config(config_path)
    db = open_store(db_path)
    ensure_web_schema(db)
    app.config.update(
        SECRET_KEY=secret or secret_key(db),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(secure_cookies),
        SESSION_COOKIE_NAME="xunjian_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        WTF_CSRF_TIME_LIMIT=None,
        XUNJIAN_CONFIG=config,
        XUNJIAN_CONFIG_PATH=str(config_path),
        XUNJIAN_DB_PATH=str(db_path),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    csrf.init_app(app)
    app.jinja_env.globals.update(CHECK_NAMES=CHECK_NAMES, SEVERITY_NAMES=SEVERITY_NAMES,
                                 STATUS_NAMES=STATUS_NAMES, ROLES=ROLES)

    @app.before_request
    def _open_db():
        g.db = open_store(app.config["XUNJIAN_DB_PATH"])
        g.config = app.config["XUNJIAN_CONFIG"]
        name = session.get("user")
        g.user = get_user(g.db, name) if name else None

    @app.teardown_request
    def _close_db(_exc):
        db_ = g.pop("db", None)
        if db_ is not None:
            db_.conn.close()

    @app.after_request
    def _headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                    "script-src 'self'; frame-ancestors 'self'; form-action 'self'")
        return response

    @app.errorhandler(403)
    def _forbidden(_e):
        return render_template("message.html", title="无权访问", message="您的账号无权进行此操作。"), 403

    @app.errorhandler(404)
    def _missing(_e):
        return render_template("message.html", title="未找到", message="请求的页面或记录不存在。"), 404

    @app.errorhandler(400)
    def _bad(e):
        text = "表单已过期或缺少安全令牌，请刷新页面后重试。" if "CSRF" in str(e) else "请求无效。"
        return render_template("message.html", title="请求无效", message=text), 400

    @app.route("/login", methods=["GET", "POST"])
    def login():
        error = None
        if request.method == "POST":
            name = request.form.get("name", "").strip()
            user, error = check_login(g.db, name, request.form.get("password", ""))
            if user:
                session.clear()
                session.permanent = True
                session["user"] = user["name"]
                audit(g.db, user["name"], "登录", ip=request.remote_addr or "")
                return redirect(safe_next(request.args.get("next")) or url_for("home"))
            audit(g.db, name, "登录失败", detail=error or "", ip=request.remote_addr or "")
        return render_template("login.html", error=error), (401 if error else 200)

    @app.post("/logout")
    def logout():
        if g.user:
            audit(g.db, g.user["name"], "退出", ip=request.remote_addr or "")
        session.clear()
        return redirect(url_for("login"))

    @app.route("/")
    @login_required()
    def home():
        if g.user["role"] == "department":
            return redirect(url_for("review.findings"))
        return redirect(url_for("rectify.dashboard"))

    @app.route("/audit")
    @login_required("admin")
    def audit_log():
        rows = list(g.db.query("select * from web_audit order by id desc limit 500"))
        return render_template("audit.html", rows=rows)

    from web.admin import bp as admin_bp
    from web.bulletins import bp as bulletins_bp
    from web.notify import bp as notify_bp
    from web.rectify import bp as rectify_bp
    from web.review import bp as review_bp

    app.register_blueprint(review_bp)
    app.register_blueprint(bulletins_bp)
    app.register_blueprint(rectify_bp)
    app.register_blueprint(notify_bp)
    app.register_blueprint(admin_bp)
    return app


def login_required(*roles: str):
    """Only signed-in users (of one of `roles`, when given) may open the view."""

    def wrap(view):
        @functools.wraps(view)
        def inner(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("login", next=request.path))
            if roles and g.user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)

        return inner

    return wrap


def log(action: str, target: str = "", detail: str = "") -> None:
    """Record what the signed-in user did in the audit log."""
    audit(g.db, g.user["name"] if g.user else None, action, target, detail, request.remote_addr or "")


def done(message: str, endpoint: str = "review.findings", **values):
    flash(message)
    return redirect(safe_next(request.form.get("next")) or url_for(endpoint, **values))


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to, or None (never an absolute or protocol-relative URL)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None
