"""Load and validate the inspection configuration (sites.toml) into xunjian/config.py's classes.

The only required parts are `[[sites]]` entries with id, name, url and department
(DESIGN.md). Everything else has a default. Every error names the file, the line and
the key, in Chinese with the English key name, so staff can fix the file themselves.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from xunjian.config import (ACCOUNT_STATUSES, CRAWL_KEYS, INTERACTIONS, PLATFORMS, SOURCE_TYPES, Account,
                            Config, ConfigError, Site)
from xunjian.schedules import parse_schedule

CHOICES = {"render": ("home", "all", "off")}
SITE_KEYS = {"id", "name", "url", "department", "trusted_domains", "hosts", "columns", *CRAWL_KEYS}
SITE_KEYS |= {"allow_words"}          # text checks: words never reported on this site
COLUMN_KEYS = {"url", "kind", "name", "exclude"}
ACCOUNT_KEYS = {"id", "name", "platform", "department", "source",
                "platform_id", "owner", "contact", "status", "interaction"}   # registry keys (xunjian/registry.py)
ACCOUNT_KEYS |= {"source_type", "max_posts"}   # crawler/media: which adapter reads `source`, post pages read
TOP_KEYS = {"sites", "accounts", "crawl", "trusted_domains"}
TOP_KEYS |= {"allow_words"}          # text checks: words never reported on any site
TOP_KEYS |= {"scoring", "report"}   # reports/: scoring profile overrides, document settings
TOP_KEYS |= {"schedule"}            # scheduler.py: when each job runs (xunjian/schedules.py)
TOP_KEYS |= {"notify"}              # reports/notify.py: where 整改通知 are sent (email, group robots)
TOP_KEYS |= {"cluster"}             # workers sharing one crawl through Redis (xunjian/clusterconf.py)
DEFAULT_TRUSTED = ["*.gov.cn"]


class _Locator:
    """Finds the source line of a key inside the n-th [[table]] of a TOML text."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def table(self, name: str, index: int) -> int | None:
        seen = -1
        header = re.compile(r"^\s*\[\[\s*" + re.escape(name) + r"\s*\]\]")
        for number, line in enumerate(self.lines, 1):
            if header.match(line):
                seen += 1
                if seen == index:
                    return number
        return None

    def key(self, table: str | None, index: int, key: str) -> int | None:
        """Line of `key` in the n-th [[table]] (index >= 0), in [table] (index < 0),
        or at the top level (table None); the table's header line if the key is absent."""
        if table is None:
            start = 0
        elif index >= 0:
            start = self.table(table, index)
        else:
            header = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]")
            start = next((n for n, line in enumerate(self.lines, 1) if header.match(line)), None)
        if start is None:
            return None
        pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if re.match(r"^\s*\[", line):
                break
            if pattern.match(line):
                return number
        return start or None


def _check_value(path: Path, locate: _Locator, table: str | None, index: int, key: str,
                 value: Any, kind: type, label: str) -> Any:
    line = locate.key(table, index, key)
    name = f"{table}[{index + 1}].{key}" if table and index >= 0 else (f"{table}.{key}" if table else key)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if kind is int and isinstance(value, bool) or not isinstance(value, kind):
        type_zh = {int: "整数", float: "数字", str: "文本", bool: "true 或 false"}[kind]
        raise ConfigError(path, line, name, f"{label}应为{type_zh}，实际为 {value!r}")
    if kind in (int, float) and value < 0:
        raise ConfigError(path, line, name, f"{label}不能为负数：{value!r}")
    if key in ("max_pages", "max_pages_per_pattern", "concurrency", "timeout", "max_page_bytes", "probe_timeout") and value <= 0:
        raise ConfigError(path, line, name, f"{label}必须大于 0：{value!r}")
    if key in CHOICES and value not in CHOICES[key]:
        raise ConfigError(path, line, name, f"{label}必须是 {' | '.join(CHOICES[key])} 之一：{value!r}")
    return value


def _string_list(path: Path, locate: _Locator, table: str | None, index: int, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        name = f"{table}[{index + 1}].{key}" if table else key
        raise ConfigError(path, locate.key(table, index, key), name, f"应为文本列表，实际为 {value!r}")
    return list(value)


def load_config(path: Path | str) -> Config:
    """Read, validate and return the configuration at `path`.

    Raises ConfigError naming the file, line and key of the first problem found.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(path, None, "-", "配置文件不存在 (file not found)") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, "-", f"配置文件不是 UTF-8 编码：{exc}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise ConfigError(path, int(match.group(1)) if match else None, "-",
                          f"TOML 语法错误：{exc}") from None
    locate = _Locator(text)

    for key in document:
        if key not in TOP_KEYS:
            raise ConfigError(path, locate.key(None, -1, key) or locate.table(key, 0), key,
                              f"未知的配置项（可用：{', '.join(sorted(TOP_KEYS))}）")

    defaults: dict[str, Any] = {name: spec[1] for name, spec in CRAWL_KEYS.items()}
    crawl = document.get("crawl", {})
    if not isinstance(crawl, dict):
        raise ConfigError(path, locate.key(None, -1, "crawl"), "crawl", "应为表 [crawl]")
    for key, value in crawl.items():
        if key not in CRAWL_KEYS:
            raise ConfigError(path, locate.key("crawl", -1, key), f"crawl.{key}",
                              f"未知的抓取设置（可用：{', '.join(CRAWL_KEYS)}）")
        kind, _, label = CRAWL_KEYS[key]
        defaults[key] = _check_value(path, locate, "crawl", -1, key, value, kind, label)

    trusted = DEFAULT_TRUSTED + _string_list(path, locate, None, -1, "trusted_domains",
                                             document.get("trusted_domains", []))

    raw_sites = document.get("sites", [])
    if not isinstance(raw_sites, list) or not raw_sites:
        raise ConfigError(path, None, "sites", "至少需要一个 [[sites]] 条目")
    sites: list[Site] = []
    seen_ids: dict[str, int] = {}
    for index, raw in enumerate(raw_sites):
        header = locate.table("sites", index)
        label = f"sites[{index + 1}]"
        for key in raw:
            if key not in SITE_KEYS:
                raise ConfigError(path, locate.key("sites", index, key), f"{label}.{key}",
                                  f"未知的配置项（可用：{', '.join(sorted(SITE_KEYS))}）")
        for key in ("id", "name", "url", "department"):
            if key not in raw:
                raise ConfigError(path, header, f"{label}.{key}", f"缺少必填项 {key}")
            if not isinstance(raw[key], str) or not raw[key].strip():
                raise ConfigError(path, locate.key("sites", index, key), f"{label}.{key}", "应为非空文本")
        site_id = raw["id"].strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", site_id):
            raise ConfigError(path, locate.key("sites", index, "id"), f"{label}.id",
                              f"站点标识只能使用字母、数字、- _ .：{site_id!r}")
        if site_id in seen_ids:
            raise ConfigError(path, locate.key("sites", index, "id"), f"{label}.id",
                              f"站点标识 {site_id!r} 重复（第 {seen_ids[site_id]} 个站点已使用）")
        seen_ids[site_id] = index + 1
        url = raw["url"].strip()
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(path, locate.key("sites", index, "url"), f"{label}.url",
                              f"网址必须以 http:// 或 https:// 开头并包含域名：{url!r}")
        if not parts.path:
            url += "/"
        options = dict(defaults)
        for key, (kind, _, desc) in CRAWL_KEYS.items():
            if key in raw:
                options[key] = _check_value(path, locate, "sites", index, key, raw[key], kind, desc)
        extra_trusted = _string_list(path, locate, "sites", index, "trusted_domains", raw.get("trusted_domains", []))
        hosts = _string_list(path, locate, "sites", index, "hosts", raw.get("hosts", []))
        columns = _columns(path, locate, index, url, raw.get("columns", []))
        allow_words = _string_list(path, locate, None, -1, "allow_words", document.get("allow_words", [])) + \
            _string_list(path, locate, "sites", index, "allow_words", raw.get("allow_words", []))
        sites.append(Site(id=site_id, name=raw["name"].strip(), url=url, department=raw["department"].strip(),
                          trusted_domains=trusted + extra_trusted, hosts=hosts, columns=columns,
                          allow_words=allow_words, **options))

    accounts: list[Account] = []
    for index, raw in enumerate(document.get("accounts", [])):
        label = f"accounts[{index + 1}]"
        header = locate.table("accounts", index)
        for key in raw:
            if key not in ACCOUNT_KEYS:
                raise ConfigError(path, locate.key("accounts", index, key), f"{label}.{key}",
                                  f"未知的配置项（可用：{', '.join(sorted(ACCOUNT_KEYS))}）")
        for key in ("id", "name", "platform", "department"):
            if not isinstance(raw.get(key), str) or not raw[key].strip():
                raise ConfigError(path, locate.key("accounts", index, key) if key in raw else header,
                                  f"{label}.{key}", f"缺少必填项 {key}" if key not in raw else "应为非空文本")
        if raw["platform"] not in PLATFORMS:
            raise ConfigError(path, locate.key("accounts", index, "platform"), f"{label}.platform",
                              f"平台必须是 {' | '.join(PLATFORMS)} 之一：{raw['platform']!r}")
        if raw["id"] in seen_ids:
            raise ConfigError(path, locate.key("accounts", index, "id"), f"{label}.id",
                              f"标识 {raw['id']!r} 重复")
        seen_ids[raw["id"]] = index + 1
        for key in ("source", "platform_id", "owner", "contact", "status", "interaction", "source_type"):
            if key in raw and not isinstance(raw[key], str):
                raise ConfigError(path, locate.key("accounts", index, key), f"{label}.{key}",
                                  f"应为文本，实际为 {raw[key]!r}")
        for key, choices in (("status", ACCOUNT_STATUSES), ("interaction", INTERACTIONS),
                             ("source_type", SOURCE_TYPES)):
            if key in raw and raw[key] not in choices:
                raise ConfigError(path, locate.key("accounts", index, key), f"{label}.{key}",
                                  f"必须是 {' | '.join(choices)} 之一：{raw[key]!r}")
        _check_media_keys(path, locate, index, raw)
        source = raw.get("source")
        if source and not re.match(r"^https?://", source) and not Path(source).is_absolute():
            source = str(path.parent / source)   # a CSV/XLSX export next to the config
        accounts.append(Account(id=raw["id"], name=raw["name"], platform=raw["platform"],
                                department=raw["department"], source=source,
                                platform_id=raw.get("platform_id"), owner=raw.get("owner"),
                                contact=raw.get("contact"), status=raw.get("status", "运营"),
                                interaction=raw.get("interaction", "unknown"),
                                source_type=raw.get("source_type", "auto"), max_posts=raw.get("max_posts", 20)))
    scoring, report = _report_tables(path, locate, document)
    schedule = parse_schedule(document.get("schedule", {}), path, locate)
    from reports.notify import parse_notify

    notify = parse_notify(document.get("notify", {}), path, locate,
                          {s.department for s in sites} | {a.department for a in accounts})
    from xunjian.clusterconf import parse_cluster

    cluster = parse_cluster(document.get("cluster"), path, locate)
    return Config(path=path, sites=sites, accounts=accounts, scoring=scoring, report=report, schedule=schedule,
                  notify=notify, cluster=cluster)


def _check_media_keys(path: Path, locate: _Locator, index: int, raw: dict) -> None:
    """Validate an account's max_posts, and that a `page` source is a web address."""
    label = f"accounts[{index + 1}]"
    if "max_posts" in raw:
        value = raw["max_posts"]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ConfigError(path, locate.key("accounts", index, "max_posts"), f"{label}.max_posts",
                              f"最多读取的文章页数应为大于 0 的整数，实际为 {value!r}")
    if raw.get("source_type") == "page" and not re.match(r"^https?://", raw.get("source") or ""):
        raise ConfigError(path, locate.key("accounts", index, "source_type"), f"{label}.source_type",
                          f"source_type = \"page\" 时 source 必须是网页地址（http:// 或 https://）：{raw.get('source')!r}")


def _report_tables(path: Path, locate: _Locator, document: dict) -> tuple[dict, dict]:
    """Validate the optional [scoring] (reports/profile.toml overrides) and [report] tables."""
    from reports.profile import ProfileError, validate
    from reports.settings import REPORT_KEYS

    scoring, report = document.get("scoring", {}), document.get("report", {})
    for name, value in (("scoring", scoring), ("report", report)):
        if not isinstance(value, dict):
            raise ConfigError(path, locate.key(None, -1, name), name, f"应为表 [{name}]")
    try:
        validate(scoring)
    except ProfileError as exc:
        leaf = exc.key.rsplit(".", 1)[-1].strip('"')
        line = next((n for n, text in enumerate(locate.lines, 1)
                     if re.match(r"^\s*[\"']?" + re.escape(leaf) + r"[\"']?\s*[=\]]", text)
                     or ("scoring" in text and leaf in text and text.lstrip().startswith("["))), None)
        raise ConfigError(path, line, exc.key, exc.message) from None
    if "profile" in scoring and not Path(scoring["profile"]).is_absolute():
        scoring = dict(scoring, profile=str(path.parent / scoring["profile"]))
    for key, value in report.items():
        if key not in REPORT_KEYS:
            raise ConfigError(path, locate.key("report", -1, key), f"report.{key}",
                              f"未知的文书设置（可用：{', '.join(REPORT_KEYS)}）")
        kind, label = REPORT_KEYS[key]
        _check_value(path, locate, "report", -1, key, value, kind, label)
    if report.get("deadline_days") == 0:
        raise ConfigError(path, locate.key("report", -1, "deadline_days"), "report.deadline_days",
                          "整改期限必须大于 0")
    return dict(scoring), dict(report)


def _columns(path: Path, locate: _Locator, index: int, site_url: str, raw: Any) -> list[dict]:
    """Validate a site's [[sites.columns]] corrections: url, and kind, name or exclude."""
    from urllib.parse import urljoin

    from checks.columns import load_kinds

    kinds = [k.id for k in load_kinds()]
    line = locate.key("sites", index, "columns") or locate.table("sites.columns", 0)
    if not isinstance(raw, list):
        raise ConfigError(path, line, f"sites[{index + 1}].columns", "应为 [[sites.columns]] 表的列表")
    columns = []
    for number, entry in enumerate(raw, 1):
        name = f"sites[{index + 1}].columns[{number}]"
        unknown = set(entry) - COLUMN_KEYS
        if unknown:
            raise ConfigError(path, line, f"{name}.{sorted(unknown)[0]}",
                              f"未知的栏目设置（可用：{', '.join(sorted(COLUMN_KEYS))}）")
        if not isinstance(entry.get("url"), str) or not entry["url"].strip():
            raise ConfigError(path, line, f"{name}.url", "缺少栏目网址 url")
        if "kind" in entry and entry["kind"] not in kinds:
            raise ConfigError(path, line, f"{name}.kind", f"栏目类别必须是 {' | '.join(kinds)} 之一：{entry['kind']!r}")
        if "exclude" in entry and not isinstance(entry["exclude"], bool):
            raise ConfigError(path, line, f"{name}.exclude", "应为 true 或 false")
        columns.append(dict(entry, url=urljoin(site_url, entry["url"].strip())))
    return columns
