"""The review web app: roles, CSRF, escaping of hostile crawled text, dismissals that carry over
to next month's run, bulletins, recheck. Real Chromium against the served app: test_web_browser.py;
user management: test_web_admin.py; notifications: test_notify.py.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading

import pytest

from checks.finding import finding
from tests.conftest import ROOT, write_config, write_site
from web import create_app
from web.db import add_user
from xunjian.config import load_config
from xunjian.store import compress, finish_run, open_store, replace_findings, start_run

EVIL_TITLE = "<script>window.pwnedTitle=1</script>通知公告"
EVIL_LINK = "<script>window.pwnedLink=1</script>博彩<img src=x onerror=alert(1)>"
PASSWORD = "correct horse 42"


def _run(db, config, as_of: str, base: str) -> int:
    run = start_run(db, as_of, str(config.path), config.sites)
    page = f"{base}/news/1.html"
    db["pages"].insert({"run": run, "site": "gy-portal", "url": page, "final_url": page, "status": 200,
                        "title": EVIL_TITLE, "text": compress(f"正文开头 {EVIL_LINK} 正文结尾")})
    found = [
        finding("link.dark", "gy-portal", page, target="http://bet.example/", evidence=EVIL_LINK,
                detail="页面含有隐藏的外部链接", technique="display:none", hidden_by="div.hide",
                markup=f'<a href="http://bet.example/">{EVIL_LINK}</a>'),
        finding("layout.garbled", "gy-portal", page, evidence="锟斤拷", detail="页面出现乱码"),
        finding("link.broken", "gy-edu", f"{base}/edu/index.html", target=f"{base}/missing.pdf",
                evidence="附件", detail="链接目标返回 404"),
    ]
    replace_findings(db, run, [f["check"] for f in found], found)
    finish_run(db, run, "complete")
    return run


@pytest.fixture
def env(tmp_path):
    cfg = write_config(tmp_path / "sites.toml", [
        {"id": "gy-portal", "name": "固原市人民政府", "url": "http://127.0.0.1:9/", "department": "市政府办公室"},
        {"id": "gy-edu", "name": "固原市教育局", "url": "http://127.0.0.1:9/edu/", "department": "市教育局"}])
    config = load_config(cfg)
    dbp = tmp_path / "x.db"
    db = open_store(dbp)
    run = _run(db, config, "2026-10-15", "http://127.0.0.1:9")
    from web.db import ensure_web_schema
    ensure_web_schema(db)
    add_user(db, "admin", PASSWORD, "admin")
    add_user(db, "shen", PASSWORD, "reviewer")
    add_user(db, "edu", PASSWORD, "department", "市教育局")
    app = create_app(cfg, dbp, secret="test-secret")
    return {"app": app, "db": db, "config": config, "cfg": cfg, "dbp": dbp, "run": run}


def token(client, path="/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, name="admin", password=PASSWORD):
    return client.post("/login", data={"name": name, "password": password, "csrf_token": token(client)})


def fid(db, check: str, run: int) -> int:
    return next(db.query('select id from findings where "check" = ? and run = ?', [check, run]))["id"]


def test_login_required_roles_and_cookie_flags(env):
    client = env["app"].test_client()
    assert client.get("/findings").status_code == 302
    response = login(client)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert client.get("/audit").status_code == 200
    dept = env["app"].test_client()
    login(dept, "edu")
    page = dept.get("/findings").get_data(as_text=True)
    assert "固原市教育局" in page and "页面含有隐藏的外部链接" not in page     # only its own department
    assert dept.get(f"/findings/{fid(env['db'], 'link.dark', env['run'])}").status_code == 404
    assert dept.get("/bulletins").status_code == 403 and dept.get("/audit").status_code == 403
    secure = create_app(env["cfg"], env["dbp"], secret="s", secure_cookies=True).test_client()
    assert "Secure" in login(secure).headers["Set-Cookie"]


def test_csrf_and_throttling(env):
    client = env["app"].test_client()
    assert client.post("/login", data={"name": "admin", "password": PASSWORD}).status_code == 400
    for _ in range(5):
        assert login(client, password="wrong").status_code == 401
    locked = login(client)                      # right password, but locked for 5 minutes
    assert locked.status_code == 401 and "再试" in locked.get_data(as_text=True)
    other = env["app"].test_client()
    login(other, "shen")
    f = fid(env["db"], "layout.garbled", env["run"])
    assert other.post(f"/findings/{f}/review", data={"action": "confirm"}).status_code == 400
    actions = [r["action"] for r in env["db"].query("select action from web_audit")]
    assert actions.count("登录失败") == 6


def test_hostile_text_is_escaped(env):
    client = env["app"].test_client()
    login(client)
    for path in ("/findings", f"/findings/{fid(env['db'], 'link.dark', env['run'])}"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>window.pwned" not in html and "<img src=x" not in html
        assert "&lt;script&gt;window.pwnedLink=1&lt;/script&gt;" in html
    assert "&lt;script&gt;window.pwnedTitle=1" in html          # page title on the detail page
    assert "<mark>&lt;script&gt;" in html                       # the evidence highlighted in the page text
    assert 'rel="noopener noreferrer"' in html and "display:none" in html


def test_dismissal_carries_over_to_next_month(env):
    client = env["app"].test_client()
    login(client, "shen")
    f = fid(env["db"], "layout.garbled", env["run"])
    url = f"/findings/{f}/review"
    assert client.post(url, data={"action": "dismiss", "csrf_token": token(client, f"/findings/{f}")}).status_code == 400
    ok = client.post(url, data={"action": "dismiss", "reason": "误报：图片替代文字",
                                "csrf_token": token(client, f"/findings/{f}")})
    assert ok.status_code == 302
    run2 = _run(env["db"], env["config"], "2026-11-15", "http://127.0.0.1:9")
    listing = client.get(f"/findings?run={run2}&status=dismissed").get_data(as_text=True)
    assert "页面出现乱码" in listing and "页面含有隐藏的外部链接" not in listing
    from xunjian.store import iter_findings
    status = {r["check"]: r["status"] for r in iter_findings(env["db"], run2)}
    assert status["layout.garbled"] == "dismissed" and status["link.dark"] == "open"
    # bulk confirm, severity change (reaches the store's findings), assignment, audit
    dark, broken = fid(env["db"], "link.dark", run2), fid(env["db"], "link.broken", run2)
    t = token(client, "/findings")
    assert client.post("/findings/bulk", data={"ids": [dark, broken], "action": "confirm", "csrf_token": t}).status_code == 302
    client.post(f"/findings/{broken}/severity", data={"severity": "notice", "reason": "附件已另行公开", "csrf_token": t})
    client.post(f"/findings/{dark}/assign", data={"department": "市教育局", "deadline": "2000-01-01", "csrf_token": t})
    rows = {r["check"]: r for r in iter_findings(env["db"], run2)}
    assert rows["link.dark"]["status"] == "confirmed" and rows["link.broken"]["severity"] == "notice"
    dept = env["app"].test_client()
    login(dept, "edu")
    page = dept.get(f"/findings?run={run2}").get_data(as_text=True)
    assert "页面含有隐藏的外部链接" in page and "已逾期" in page          # assigned to it, overdue
    actions = {r["action"] for r in env["db"].query("select action from web_audit where user = 'shen'")}
    assert {"排除", "确认", "调整问题性质", "交办"} <= actions


def test_bulletin_preview_approve_download(env):
    client = env["app"].test_client()
    login(client)
    page = client.get("/bulletins?kind=month&period=2026-10").get_data(as_text=True)
    assert 'id="unreviewed">3<' in page and "disabled" in page
    t = token(client, "/bulletins?kind=month&period=2026-10")
    assert client.post("/bulletins/approve", data={"kind": "month", "period": "2026-10", "csrf_token": t}).status_code == 400
    assert client.get("/bulletins/download?kind=month&period=2026-10&format=docx").status_code == 403
    doc = client.get("/bulletins/document?kind=month&period=2026-10")
    assert "检查结果" in doc.get_data(as_text=True) and "sandbox" in doc.headers["Content-Security-Policy"]
    ids = [r["id"] for r in env["db"].query("select id from findings")]
    client.post("/findings/bulk", data={"ids": ids, "action": "confirm", "csrf_token": t})
    assert client.post("/bulletins/approve", data={"kind": "month", "period": "2026-10", "csrf_token": t}).status_code == 302
    approval = next(env["db"].query("select * from web_approvals"))
    assert approval["by"] == "admin" and approval["period"] == "2026-10"
    docx = client.get("/bulletins/download?kind=month&period=2026-10&format=docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    assert client.get("/bulletins/download?kind=month&period=2026-10&format=xlsx").data[:2] == b"PK"
    assert client.get("/dashboard").status_code == 200
    # A review changed after approval: the approval no longer holds until the period is approved again.
    client.post(f"/findings/{ids[0]}/review", data={"action": "dismiss", "reason": "误报：复核",
                                                    "csrf_token": token(client, f"/findings/{ids[0]}")})
    stale = client.get("/bulletins/download?kind=month&period=2026-10&format=docx")
    assert stale.status_code == 403 and "重新审定" in stale.get_data(as_text=True)
    assert 'id="stale"' in client.get("/bulletins?kind=month&period=2026-10").get_data(as_text=True)
    t = token(client, "/bulletins?kind=month&period=2026-10")
    assert client.post("/bulletins/approve", data={"kind": "month", "period": "2026-10", "csrf_token": t}).status_code == 302
    assert client.get("/bulletins/download?kind=month&period=2026-10&format=docx").status_code == 200


def test_recheck_against_loopback_site(env, tmp_path, serve):
    site = serve(write_site(tmp_path / "site", {"news/1.html": "<html><body>已删除</body></html>",
                                                "edu/index.html": "<a href='/missing.pdf'>附件</a>",
                                                "missing.pdf": b"%PDF-1.4"}))
    base = site.url.rstrip("/")
    run = _run(env["db"], env["config"], "2026-10-20", base)
    client = env["app"].test_client()
    login(client)
    t = token(client, "/findings")
    for check in ("layout.garbled", "link.broken"):
        f = fid(env["db"], check, run)
        client.post(f"/findings/{f}/recheck", data={"csrf_token": t})
    states = {r["check"]: r["status"] for r in env["db"].query(
        'select f."check", r.status from findings f join reviews r using (fingerprint) where f.run = ?', [run])}
    assert states == {"layout.garbled": "fixed", "link.broken": "fixed"}
    dept = env["app"].test_client()
    login(dept, "edu")
    f = fid(env["db"], "link.broken", run)
    assert dept.post(f"/findings/{f}/rectified", data={"note": "已补上附件", "csrf_token": t}).status_code == 400
    assert dept.post(f"/findings/{f}/rectified", data={"note": "已补上附件",
                                                        "csrf_token": token(dept, f"/findings/{f}")}).status_code == 302


def test_user_add_command(env):
    result = subprocess.run([sys.executable, "-m", "xunjian", "user", "add", "--config", str(env["cfg"]),
                             "--db", str(env["dbp"]), "li", "--role", "reviewer"], input="another pass 9\n",
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    from web.db import check_login
    assert check_login(env["db"], "li", "another pass 9")[0]["role"] == "reviewer"
    assert "argon2" in next(env["db"].query("select password from web_users where name = 'li'"))["password"]


# --- the app served over HTTP (test_web_browser.py drives it with Chromium) ----------------

@pytest.fixture
def served(env):
    from waitress import create_server

    server = create_server(env["app"], host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield dict(env, url=f"http://127.0.0.1:{server.effective_port}")
    server.close()


def test_serve_command_answers(env):
    import time
    import urllib.request

    from tests.conftest import free_port

    port = free_port()
    child = subprocess.Popen([sys.executable, "-m", "xunjian", "serve", "--config", str(env["cfg"]),
                              "--db", str(env["dbp"]), "--port", str(port)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                    assert "登录" in response.read().decode("utf-8")
                    assert "HttpOnly" in response.headers["Set-Cookie"]
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("xunjian serve did not answer")
    finally:
        child.terminate()
        _, err = child.communicate(timeout=20)
    assert "waitress" in err
