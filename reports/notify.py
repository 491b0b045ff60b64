"""Sending 整改通知: the `[notify]` settings, the messages, and delivery through Apprise.

reports/notices.py writes each department's notice as a document; this module turns the same
words (notices.notice_text, notices.notice_rows) into an email (the DOCX attached) and a short
group-robot message, and delivers them. It never decides *whether* to send: the web app's
workflow (web/notify.py, also behind `xunjian notify`) sends only approved periods' reviewed
problems and records every attempt.

```toml
[notify]
smtp = "mailtos://xunjian:密码@mail.example.gov.cn:465?from=xunjian@example.gov.cn&name=市政府办公室"
robots = ["dingtalk://TOKEN/"]     # optional: groups told of every department's notice
timeout = 15                       # seconds per target

[[notify.departments]]
name = "市教育局"                   # as written in [[sites]] / [[accounts]] department
email = ["zhangsan@edu.example.gov.cn"]
robots = ["wecombot://KEY", "jsons://oa.example.gov.cn/hooks/notice"]
```
Everything is optional: without `[notify]` nothing can be sent and everything else works.
Robot messages are plain text (crawled evidence is never rendered as Markdown).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from reports.collect import PeriodData, Problem
from reports.notices import notice_rows, notice_text
from reports.workdays import zh_date
from xunjian.config import ConfigError

NOTIFY_KEYS = {"smtp": "发信邮箱服务器（Apprise mailto:// 或 mailtos:// 地址）",
               "robots": "每份通知都抄送的群机器人地址列表",
               "timeout": "每个接收方的超时秒数",
               "departments": "各责任单位的接收方式（[[notify.departments]]）"}
DEPARTMENT_KEYS = {"name": "责任单位名称", "email": "接收邮箱列表", "robots": "群机器人地址列表"}
ROBOT_SCHEMES = ("dingtalk", "wecombot", "json", "jsons")
MAIL_SCHEMES = ("mailto", "mailtos")
EMAIL = re.compile(r"^[^@\s,;<>\"']+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$")
ROBOT_ITEMS = 10           # problems listed in a robot message
ROBOT_CHARS = 600          # WeCom robots take at most 2048 bytes of text


@dataclass(frozen=True)
class Contacts:
    """Where one department's notices go."""

    department: str
    email: tuple[str, ...] = ()
    robots: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotifySettings:
    """The `[notify]` table (every field optional)."""

    smtp: str | None = None
    robots: tuple[str, ...] = ()
    timeout: float = 15.0
    departments: dict[str, Contacts] = field(default_factory=dict)

    def targets(self, department: str) -> list[tuple[str, str]]:
        """(channel, Apprise URL) for `department`: one email to all its addresses, then its robots
        and the robots copied on every notice; nothing when the department itself has no contacts."""
        contacts = self.departments.get(department, Contacts(department))
        out: list[tuple[str, str]] = []
        if not (contacts.robots or (self.smtp and contacts.email)):
            return out
        if self.smtp and contacts.email:
            joiner = "&" if "?" in self.smtp else "?"
            out.append(("email", f"{self.smtp}{joiner}to={quote(','.join(contacts.email), safe='@,')}&format=text"))
        for url in dict.fromkeys(contacts.robots + self.robots):
            out.append(("robot", url))
        return out


def settings_of(config) -> NotifySettings:
    """The configuration's notify settings (empty when the file has no [notify] table)."""
    return getattr(config, "notify", None) or NotifySettings()


def mask(url: str) -> str:
    """A target as shown to people and kept in records: secrets (passwords, tokens, keys) hidden."""
    parts = urlsplit(url)
    if parts.scheme in MAIL_SCHEMES:
        try:
            server = f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
        except ValueError:
            server = f"{parts.scheme}://…"
        query = dict(parse_qsl(parts.query))
        sender = f"，发件人 {query['from']}" if query.get("from") else ""
        return f"{query['to'].replace(',', '、')}（{server}）" if query.get("to") else server + sender
    try:
        import apprise

        obj = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    except Exception:  # noqa: BLE001 - any parsing trouble: show the scheme only
        obj = None
    if obj is None:
        return url.split("://", 1)[0] + "://…"
    return re.sub(r"[?&](overflow|format|retry|wait|optional|method|cto|rto)=[^&]*", "",
                  obj.url(privacy=True)).rstrip("?&/")


# --- configuration ------------------------------------------------------------------------

def parse_notify(raw: Any, path: Path, locate, departments: set[str]) -> NotifySettings:
    """Validate the `[notify]` table; ConfigError names the file, line and key of a problem."""
    if not raw:
        if raw not in ({}, None):
            raise ConfigError(path, locate.key(None, -1, "notify"), "notify", "应为表 [notify]")
        return NotifySettings()
    if not isinstance(raw, dict):
        raise ConfigError(path, locate.key(None, -1, "notify"), "notify", "应为表 [notify]")

    def error(key: str, message: str, index: int = -1) -> ConfigError:
        if index >= 0:
            line = locate.key("notify.departments", index, key.rsplit(".", 1)[-1])
        else:
            line = locate.key("notify", -1, key.split(".")[1]) if "." in key else locate.key(None, -1, "notify")
        return ConfigError(path, line, key, message)

    for key in raw:
        if key not in NOTIFY_KEYS:
            raise error(f"notify.{key}", f"未知的通知设置（可用：{', '.join(NOTIFY_KEYS)}）")
    smtp = raw.get("smtp")
    if smtp is not None:
        if not isinstance(smtp, str) or urlsplit(smtp).scheme not in MAIL_SCHEMES:
            raise error("notify.smtp", f"发信服务器应为 mailto:// 或 mailtos:// 开头的 Apprise 地址：{smtp!r}")
        parts = urlsplit(smtp)
        if parts.path.strip("/") or any(k in ("to", "cc", "bcc") for k, _ in parse_qsl(parts.query)):
            raise error("notify.smtp", "发信服务器地址中不要写收件人；收件人写在 [[notify.departments]] 的 email 中")
        if not _valid_url(smtp):
            raise error("notify.smtp", f"无法识别的发信服务器地址：{mask(smtp)}")
    timeout = raw.get("timeout", 15.0)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise error("notify.timeout", f"超时秒数应为大于 0 的数字：{timeout!r}")
    robots = _robots(raw.get("robots", []), lambda m: error("notify.robots", m))
    entries = raw.get("departments", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise error("notify.departments", "应为 [[notify.departments]] 表的列表")
    contacts: dict[str, Contacts] = {}
    for index, entry in enumerate(entries):
        label = f"notify.departments[{index + 1}]"
        for key in entry:
            if key not in DEPARTMENT_KEYS:
                raise error(f"{label}.{key}", f"未知的设置（可用：{', '.join(DEPARTMENT_KEYS)}）", index)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise error(f"{label}.name", "缺少责任单位名称 name", index)
        name = name.strip()
        if name not in departments:
            raise error(f"{label}.name", f"配置文件的网站和账号中没有责任单位“{name}”"
                                         f"（现有：{'、'.join(sorted(departments))}）", index)
        if name in contacts:
            raise error(f"{label}.name", f"责任单位“{name}”重复", index)
        email = entry.get("email", [])
        if not isinstance(email, list) or not all(isinstance(e, str) and EMAIL.match(e.strip()) for e in email):
            raise error(f"{label}.email", f"应为邮箱地址列表，如 [\"zhangsan@example.gov.cn\"]：{email!r}", index)
        if email and not smtp:
            raise error(f"{label}.email", "要发送邮件，须先在 [notify] 中设置发信服务器 smtp", index)
        own = _robots(entry.get("robots", []), lambda m, k=f"{label}.robots": error(k, m, index))
        contacts[name] = Contacts(name, tuple(e.strip() for e in email), own)
    return NotifySettings(smtp=smtp, robots=robots, timeout=float(timeout), departments=contacts)


def _robots(value: Any, error) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise error(f"应为群机器人地址列表：{value!r}")
    for url in value:
        if urlsplit(url).scheme not in ROBOT_SCHEMES:
            raise error(f"群机器人地址应以 {'、'.join(s + '://' for s in ROBOT_SCHEMES)} 开头：{mask(url)}")
        if not _valid_url(url):
            raise error(f"无法识别的群机器人地址：{mask(url)}")
    return tuple(value)


def _valid_url(url: str) -> bool:
    import apprise

    return apprise.Apprise.instantiate(url, suppress_exceptions=True) is not None


# --- messages -----------------------------------------------------------------------------

@dataclass
class Message:
    """One department's notice as sent: subject, the full text (email), a short text (robots)."""

    department: str
    subject: str
    text: str
    robot: str
    robot_title: str
    problems: list[Problem]
    deadline: dt.date
    attachment: Path | None = None


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text") or "")
    if isinstance(value, list):
        return " ".join(str(v[0] if isinstance(v, tuple) else v) for v in value)
    return str(value or "")


def build_message(data: PeriodData, department: str, problems: list[Problem], date: dt.date,
                  deadline: dt.date, caveats: list[str], attachment: Path | None = None) -> Message:
    """The notice to `department` listing `problems`, in the words of reports/notices.py."""
    words = notice_text(data, problems, deadline, caveats)
    subject = f"{''.join(words.title)}（{data.period.label}）"
    lines = [f"{department}：", "", words.intro]
    for heading, entity_problems in words.sections:
        lines += ["", heading]
        for number, kind, what, evidence, page in notice_rows(entity_problems, data):
            lines.append(f"{number}. {kind}：{what}" if number else f"   {what}")
            if _cell(evidence):
                lines.append(f"   证据：{_cell(evidence)}")
            if _cell(page):
                lines.append(f"   页面：{_cell(page)}")
    lines += ["", words.closing, *words.notes, "", data.settings.issuer, zh_date(date)]
    if attachment is not None:
        lines += ["", f"（附件：{attachment.name}，为本通知的正式文本。）"]
    return Message(department, subject, "\n".join(lines), robot_text(data, problems, deadline),
                   f"【整改通知】{department}", problems, deadline, attachment)


def robot_text(data: PeriodData, problems: list[Problem], deadline: dt.date) -> str:
    """A short plain-text notice for group robots (under the title 【整改通知】单位): at most
    ROBOT_ITEMS problems, about ROBOT_CHARS long."""
    head = [f"{data.period.label}检查发现你单位主办的网站、账号存在问题{len(problems)}个，"
            f"请于{zh_date(deadline)}前完成整改："]
    body: list[str] = []
    for n, problem in enumerate(problems, 1):
        f = problem.finding
        line = f"{n}. {problem.entity.label}：{data.profile.name(f['check'])}"
        if f.get("url"):
            line += f" {f['url'][:100]}"
        if n > ROBOT_ITEMS or len("\n".join(head + body + [line])) > ROBOT_CHARS:
            break
        body.append(line)
    if len(body) < len(problems):
        body.append(f"另有问题{len(problems) - len(body)}个，详见整改通知正式文本（邮件附件）。")
    return "\n".join(head + body + [data.settings.issuer])


# --- delivery -----------------------------------------------------------------------------

@dataclass
class Outcome:
    """What happened to one target."""

    channel: str          # "email" | "robot"
    target: str           # masked
    ok: bool
    result: str           # Chinese


CHANNEL_ZH = {"email": "邮件", "robot": "群机器人"}


def explain(log: str) -> str:
    """A Chinese reason for a failed send, from what Apprise logged."""
    text = log.lower()
    status = re.search(r"error=(\d{3})", log)
    if "refused" in text and "recipient" not in text:
        return "连接被拒绝（服务器未开启或端口错误）"
    if "timed out" in text or "timeout" in text:
        return "连接超时"
    if "name or service not known" in text or "nodename" in text or "getaddrinfo" in text \
            or "failed to resolve" in text or "name resolution" in text:
        return "无法解析服务器地址"
    # 535 is SMTP's "authentication failed"; bounded so a port such as 45351 doesn't read as one.
    if "authentication" in text or re.search(r"(?<![\d:])535(?!\d)", log):
        return "邮箱账号或密码错误"
    if "ssl" in text or "certificate" in text:
        return "加密连接失败（证书或 SSL/TLS 设置有误）"
    if status:
        return f"服务器返回 HTTP {status.group(1)}"
    if "recipient" in text:
        return "收件人被邮件服务器拒收"
    last = [line for line in log.splitlines() if " - WARNING - " in line or " - ERROR - " in line]
    return "原因不明" + (f"（{last[-1].split(' - ', 2)[-1][:200]}）" if last else "")


def deliver(message: Message, targets: list[tuple[str, str]], timeout: float = 15.0) -> list[Outcome]:
    """Send `message` to each target separately; never raises: a failure is an Outcome."""
    import apprise

    outcomes = []
    for channel, url in targets:
        shown = mask(url)
        try:
            obj = apprise.Apprise.instantiate(url, suppress_exceptions=True)
            if obj is None:
                outcomes.append(Outcome(channel, shown, False, f"{CHANNEL_ZH[channel]}发送失败：无法识别的通知地址"))
                continue
            obj.socket_connect_timeout = obj.socket_read_timeout = float(timeout)
            sender = apprise.Apprise()
            sender.add(obj)
            body, title = (message.text, message.subject) if channel == "email" else (message.robot, message.robot_title)
            attach = str(message.attachment) if channel == "email" and message.attachment else None
            with apprise.LogCapture(level=logging.DEBUG) as captured:
                ok = bool(sender.notify(body=body, title=title, body_format=apprise.NotifyFormat.TEXT,
                                        attach=attach))
            result = f"{CHANNEL_ZH[channel]}已发送" if ok else \
                f"{CHANNEL_ZH[channel]}发送失败：{explain(captured.getvalue())}"
            outcomes.append(Outcome(channel, shown, ok, result))
        except Exception as exc:  # noqa: BLE001 - a send never stops the others or the app
            outcomes.append(Outcome(channel, shown, False, f"{CHANNEL_ZH[channel]}发送出错：{type(exc).__name__}: {exc}"))
    return outcomes
