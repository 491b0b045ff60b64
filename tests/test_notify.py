"""整改通知 through Apprise, against real servers on 127.0.0.1: an aiosmtpd SMTP server and an
http.server webhook receiver. Only approved periods' confirmed problems are sent; every attempt is
recorded; a closed port is a recorded failure with a Chinese message, never an exception.
"""

from __future__ import annotations

import email
import io
import json
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from reports.period import parse_period
from tests.conftest import free_port, write_config
from tests.test_web import EVIL_LINK, PASSWORD, _run, login, token
from web import create_app
from web.data import set_review
from web.db import add_user, ensure_web_schema
from web.notify import send_notices
from xunjian.config import ConfigError, load_config
from xunjian.store import open_store

OCT = parse_period(month="2026-10")
SITES = [{"id": "gy-portal", "name": "固原市人民政府", "url": "http://127.0.0.1:9/", "department": "市政府办公室"},
         {"id": "gy-edu", "name": "固原市教育局", "url": "http://127.0.0.1:9/edu/", "department": "市教育局"}]


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free loopback port; `.messages` holds what it received."""
    from aiosmtpd.controller import Controller

    class Handler:
        messages: list = []

        async def handle_DATA(self, server, session, envelope):
            Handler.messages.append((list(envelope.rcpt_tos),
                                     email.message_from_bytes(envelope.content, policy=policy.default)))
            return "250 OK"

    Handler.messages = []
    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    controller.port_, controller.messages = port, Handler.messages
    yield controller
    controller.stop()


@pytest.fixture
def hook():
    """A webhook receiver (http.server in a thread): records (path, JSON body); /down answers 500."""
    received: list[tuple[str, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            received.append((self.path, json.loads(body.decode("utf-8"))))
            self.send_response(500 if self.path.startswith("/down") else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.received, server.url = received, f"127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def env(tmp_path, smtp, hook):
    closed = free_port()
    extra = f"""[notify]
smtp = "mailto://127.0.0.1:{smtp.port_}?from=xunjian@example.gov.cn&name=固原市人民政府办公室"
timeout = 5

[[notify.departments]]
name = "市政府办公室"
email = ["zhang@gov.example.cn", "li@gov.example.cn"]
robots = ["json://{hook.url}/robot"]

[[notify.departments]]
name = "市教育局"
robots = ["json://127.0.0.1:{closed}/robot", "json://{hook.url}/down"]
"""
    cfg = write_config(tmp_path / "sites.toml", SITES, extra)
    config = load_config(cfg)
    db = open_store(tmp_path / "x.db")
    ensure_web_schema(db)
    run = _run(db, config, "2026-10-15", "http://127.0.0.1:9")
    add_user(db, "shen", PASSWORD, "reviewer")
    add_user(db, "edu", PASSWORD, "department", "市教育局")
    return {"db": db, "config": config, "cfg": cfg, "dbp": tmp_path / "x.db", "run": run, "closed": closed}


def review_and_approve(env, dismiss: str | None = "layout.garbled") -> None:
    """Confirm every finding (dismiss one as a false alarm) and approve October's documents."""
    for row in env["db"].query('select fingerprint, "check" from findings where run = ?', [env["run"]]):
        status = "dismissed" if row["check"] == dismiss else "confirmed"
        set_review(env["db"], row["fingerprint"], "shen", status=status, reason="误报" if status == "dismissed" else None)
    from reports.collect import collect
    from reports.period import parse_period
    from web.bulletins import problems_digest

    data = collect(env["db"], env["config"], parse_period(month="2026-10"))
    env["db"]["web_approvals"].insert({"period": "2026-10", "kind": "month", "by": "shen", "at": "2026-11-02T09:00:00",
                                       "problems": 2, "unreviewed": 0, "digest": problems_digest(data)})


def text_of(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_content()


def test_config_defaults_and_errors(tmp_path, env):
    old = load_config(write_config(tmp_path / "old.toml", SITES))
    assert old.notify.departments == {} and old.notify.targets("市教育局") == []
    assert [c for c, _ in env["config"].notify.targets("市政府办公室")] == ["email", "robot"]
    bad = {"[notify]\nsender = \"x\"\n": ("notify.sender", 2),
           "[[notify.departments]]\nname = \"市教育厅\"\n": ("notify.departments[1].name", 2),
           "[notify]\nrobots = [\"https://oapi.dingtalk.com/robot/send\"]\n": ("notify.robots", 2),
           "[[notify.departments]]\nname = \"市教育局\"\nemail = [\"a@b.cn\"]\n": ("notify.departments[1].email", 3)}
    for text, (key, line) in bad.items():
        with pytest.raises(ConfigError) as caught:
            load_config(write_config(tmp_path / "bad.toml", SITES, text))
        assert caught.value.key == key and caught.value.line == line, caught.value
        assert "bad.toml" in str(caught.value)


def test_only_approved_periods_are_sent(env, smtp, hook):
    sent = send_notices(env["db"], env["config"], OCT, "shen")
    assert sent[0].error and "尚未审定" in sent[0].error
    assert smtp.messages == [] and hook.received == []
    assert list(env["db"].query("select * from web_notifications")) == []


def test_email_and_robot_reach_loopback_servers(env, smtp, hook):
    review_and_approve(env)
    [sent] = send_notices(env["db"], env["config"], OCT, "shen", ["市政府办公室"])
    assert sent.ok, sent.summary()
    assert sorted(r for rcpt, _ in smtp.messages for r in rcpt) == ["li@gov.example.cn", "zhang@gov.example.cn"]
    _, message = smtp.messages[0]
    assert message["Subject"] == "关于限期整改政府网站存在问题的通知（2026年10月）"
    assert "固原市人民政府办公室" in message["From"]
    body = text_of(message)
    assert body.startswith("市政府办公室：") and "固原市人民政府网站" in body
    assert "1. 暗链：页面含有隐藏的外部链接" in body and EVIL_LINK in body      # evidence as plain text
    assert "乱码" not in body                                     # dismissed: never sent
    assert "2026年11月16日前" in body                             # the documents' deadline
    [attachment] = [p for p in message.walk() if p.get_filename()]
    assert attachment.get_filename() == "整改通知-市政府办公室.docx"
    import docx
    document = docx.Document(io.BytesIO(attachment.get_content()))
    assert "市政府办公室：" in "\n".join(p.text for p in document.paragraphs)
    [(path, payload)] = hook.received
    assert path == "/robot" and payload["title"] == "【整改通知】市政府办公室"
    assert payload["message"].startswith("2026年10月检查发现") and "暗链" in payload["message"]
    rows = list(env["db"].query("select * from web_notifications order by id"))
    assert [(r["channel"], r["ok"], r["by"], r["problems"]) for r in rows] == [("email", 1, "shen", 1), ("robot", 1, "shen", 1)]
    assert "zhang@gov.example.cn" in rows[0]["target"] and rows[0]["result"] == "邮件已发送"
    [entry] = env["db"].query("select * from web_audit where action = '发送整改通知'")
    assert entry["user"] == "shen" and entry["target"] == "市政府办公室" and "邮件已发送" in entry["detail"]
    [assigned] = env["db"].query("select * from web_assignments")
    assert assigned["deadline"] == "2026-11-16" and assigned["department"] == "市政府办公室"


def test_failures_are_recorded_in_chinese(env, hook):
    review_and_approve(env)
    [sent] = send_notices(env["db"], env["config"], OCT, "shen", ["市教育局"])
    assert not sent.ok and [o.ok for o in sent.outcomes] == [False, False]
    refused, down = sent.outcomes
    assert refused.result == "群机器人发送失败：连接被拒绝（服务器未开启或端口错误）"
    assert str(env["closed"]) in refused.target
    assert down.result == "群机器人发送失败：服务器返回 HTTP 500"
    assert [p for p, _ in hook.received] == ["/down"]
    rows = list(env["db"].query("select ok, result from web_notifications"))
    assert [r["ok"] for r in rows] == [0, 0] and "连接被拒绝" in rows[0]["result"]
    assert "连接被拒绝" in next(env["db"].query("select detail from web_audit"))["detail"]
    assert list(env["db"].query("select * from web_assignments")) == []     # nothing reached them


def test_a_port_with_535_in_it_is_not_an_smtp_login_failure():
    """CI once drew port 45351 for the robot hook: its HTTP 500 read as SMTP's 535."""
    from reports.notify import explain

    log = ("DEBUG - JSON POST URL: http://127.0.0.1:45351/down (cert_verify=True)\n"
           "WARNING - Failed to send JSON POST notification: Internal server error., error=500.\n")
    assert explain(log) == "服务器返回 HTTP 500"
    assert explain("WARNING - smtplib: (535, b'5.7.8 Error: authentication failed')") == "邮箱账号或密码错误"
    assert explain("ERROR - SMTP server said 535 5.7.8 bad credentials") == "邮箱账号或密码错误"


def test_dingtalk_and_wecom_payloads(env, hook, monkeypatch):
    """The robots' own formats, with their API address pointed at the loopback receiver."""
    from apprise.plugins.dingtalk import NotifyDingTalk
    from apprise.plugins.wecombot import NotifyWeComBot

    monkeypatch.setattr(NotifyDingTalk, "notify_url", f"http://{hook.url}/dingtalk?access_token={{token}}")
    monkeypatch.setattr(NotifyWeComBot, "notify_url", f"http://{hook.url}/wecom?key={{key}}")
    from reports.notify import NotifySettings, Contacts

    env["config"].notify = NotifySettings(departments={"市政府办公室": Contacts(
        "市政府办公室", robots=("dingtalk://abc123/", "wecombot://key-1"))})
    review_and_approve(env, dismiss=None)
    [sent] = send_notices(env["db"], env["config"], OCT, "shen", ["市政府办公室"])
    assert sent.ok, sent.summary()
    ding, wecom = hook.received
    assert ding[0] == "/dingtalk?access_token=abc123" and ding[1]["msgtype"] == "text"
    assert ding[1]["text"]["content"].startswith("【整改通知】市政府办公室\r\n2026年10月检查发现")
    assert "1. 固原市人民政府网站：暗链" in ding[1]["text"]["content"]
    assert "2. 固原市人民政府网站：乱码" in ding[1]["text"]["content"]
    assert wecom[0] == "/wecom?key=key-1" and wecom[1]["text"]["content"].startswith("【整改通知】市政府办公室")
    assert len(wecom[1]["text"]["content"].encode("utf-8")) <= 2048
    assert "key-1" not in "".join(r["target"] for r in env["db"].query("select target from web_notifications"))


def test_send_button_roles_csrf_and_flash(env, smtp, hook):
    app = create_app(env["cfg"], env["dbp"], secret="t")
    review_and_approve(env)
    dept = app.test_client()
    login(dept, "edu")
    assert dept.post("/notices/send", data={"department": "市教育局", "csrf_token": token(dept, "/notices")}).status_code == 403
    client = app.test_client()
    login(client, "shen")
    page = client.get("/notices?kind=month&period=2026-10").get_data(as_text=True)
    assert "zhang@gov.example.cn" in page and "not-approved" not in page
    form = {"kind": "month", "period": "2026-10", "department": "市教育局"}
    assert client.post("/notices/send", data=form).status_code == 400               # no CSRF token
    answer = client.post("/notices/send", data=dict(form, csrf_token=token(client, "/notices")), follow_redirects=True)
    assert answer.status_code == 200
    assert "整改通知未全部发送成功" in answer.get_data(as_text=True) and "连接被拒绝" in answer.get_data(as_text=True)
    answer = client.post("/notices/send", data=dict(form, department="市政府办公室", csrf_token=token(client, "/notices")),
                         follow_redirects=True)
    assert "已发送整改通知" in answer.get_data(as_text=True) and len(smtp.messages) == 2
    mine = dept.get("/notices").get_data(as_text=True)                         # a department sees its own records
    assert "连接被拒绝" in mine and "zhang@gov.example.cn" not in mine


def test_notify_command(env, smtp):
    from xunjian.cli import main

    args = ["notify", "--config", str(env["cfg"]), "--db", str(env["dbp"]), "--month", "2026-10"]
    runner = CliRunner()
    refused = runner.invoke(main, args)
    assert refused.exit_code == 2 and "尚未审定" in refused.output
    review_and_approve(env)
    preview = runner.invoke(main, args + ["--department", "市政府办公室", "--dry-run"])
    assert preview.exit_code == 0 and "1. 暗链" in preview.output and "zhang@gov.example.cn" in preview.output
    assert smtp.messages == [] and list(env["db"].query("select * from web_notifications")) == []
    done = runner.invoke(main, args)
    assert done.exit_code == 1                      # 市教育局's robots are down
    assert "市政府办公室：问题 1 个；邮件已发送" in done.output and "连接被拒绝" in done.output
    assert len(smtp.messages) == 2
    users = {r["user"] for r in env["db"].query("select user from web_audit where action = '发送整改通知'")}
    assert users == {"（命令行）"}
    assert runner.invoke(main, args + ["--department", "不存在的单位"]).exit_code == 2
