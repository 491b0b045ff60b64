"""The new-media account registry as a spreadsheet: import from and export to XLSX/CSV.

Offices keep their 政务新媒体台账 in Excel. The columns are 名称, 平台, 主办单位, 账号ID,
负责人, 联系方式, 状态, and optionally 标识 (the id used in sites.toml), 采集来源 (source)
and 互动功能 (有/无/未知). Importing checks every row and raises one RegistryError listing
each bad row and field; the result is written as `[[accounts]]` TOML for sites.toml.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from crawler.media import SourceError
from crawler.media.table import header_map, read_table
from xunjian.config import ACCOUNT_STATUSES, PLATFORMS, Account

REQUIRED = ("名称", "平台", "主办单位", "账号ID", "负责人", "联系方式", "状态")
COLUMNS = {   # field -> accepted headers; the first is what export writes
    "name": ("名称", "账号名称"), "platform": ("平台", "平台类型"), "department": ("主办单位", "运营单位"),
    "platform_id": ("账号ID", "账号id", "账号"), "owner": ("负责人",), "contact": ("联系方式", "联系电话"),
    "status": ("状态", "运营状态"), "id": ("标识", "id"), "source": ("采集来源", "来源", "source"),
    "interaction": ("互动功能", "互动"),
}
HEADERS = [COLUMNS[f][0] for f in ("name", "platform", "department", "platform_id", "owner", "contact",
                                   "status", "id", "source", "interaction")]
PLATFORM_NAMES = {
    "微信": "wechat", "微信公众号": "wechat", "公众号": "wechat", "微博": "weibo", "新浪微博": "weibo",
    "抖音": "douyin", "今日头条": "toutiao", "头条": "toutiao", "头条号": "toutiao",
    "客户端": "app", "移动客户端": "app", "app": "app", "其他": "other", "其它": "other",
}
PLATFORM_ZH = {"wechat": "微信公众号", "weibo": "微博", "douyin": "抖音", "toutiao": "今日头条",
               "app": "移动客户端", "other": "其他"}
INTERACTION_NAMES = {"有": "yes", "是": "yes", "yes": "yes", "无": "no", "否": "no", "no": "no",
                     "未知": "unknown", "unknown": "unknown", "": "unknown"}
INTERACTION_ZH = {"yes": "有", "no": "无", "unknown": "未知"}


class RegistryError(Exception):
    """Bad rows in an imported registry; `problems` are (row number, column, message)."""

    def __init__(self, path: str, problems: list[tuple[int | None, str, str]]):
        self.path, self.problems = path, problems
        lines = [f"{path} 第 {row} 行 “{column}”：{message}" if row else f"{path} “{column}”：{message}"
                 for row, column, message in problems]
        super().__init__("台账有误：\n" + "\n".join(lines))


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)        # Excel turns 账号ID 123456 into 123456.0
    return str(value).strip()


def import_registry(path: Path | str) -> list[Account]:
    """Read an XLSX/CSV registry; raise RegistryError naming every bad row and field."""
    path = Path(path)
    try:
        rows = read_table(path.read_bytes(), xlsx=path.suffix.lower() == ".xlsx" or None)
    except OSError as exc:
        raise RegistryError(str(path), [(None, "-", f"无法读取文件：{exc.strerror or exc}")]) from None
    except SourceError as exc:
        raise RegistryError(str(path), [(None, "-", str(exc))]) from None
    if not rows:
        raise RegistryError(str(path), [(None, "-", "文件为空")])
    where = header_map(rows[0], COLUMNS)
    missing = [COLUMNS[f][0] for f in ("name", "platform", "department", "platform_id", "owner", "contact",
                                       "status") if f not in where]
    if missing:
        raise RegistryError(str(path), [(1, name, "缺少该列") for name in missing])
    problems: list[tuple[int, str, str]] = []
    accounts: list[Account] = []
    ids: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = {f: _text(row[i]) if i < len(row) else "" for f, i in where.items()}
        if not any(values.values()):
            continue
        bad = len(problems)
        for f in ("name", "platform", "department"):
            if not values[f]:
                problems.append((number, COLUMNS[f][0], "不能为空"))
        platform = PLATFORM_NAMES.get(values["platform"], values["platform"].lower())
        if values["platform"] and platform not in PLATFORMS:
            problems.append((number, "平台", f"无法识别的平台 {values['platform']!r}"
                                             f"（可用：{'、'.join(PLATFORM_ZH.values())}）"))
        status = values["status"] or "运营"
        if status not in ACCOUNT_STATUSES:
            problems.append((number, "状态", f"应为 {'、'.join(ACCOUNT_STATUSES)} 之一：{status!r}"))
        interaction = INTERACTION_NAMES.get(values.get("interaction", "").lower())
        if interaction is None:
            problems.append((number, "互动功能", f"应为 有、无 或 未知：{values['interaction']!r}"))
        account_id = values.get("id") or _make_id(platform, values["platform_id"], number)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", account_id):
            problems.append((number, "标识", f"只能使用字母、数字、- _ .：{account_id!r}"))
        elif account_id in ids:
            problems.append((number, "标识" if values.get("id") else "账号ID",
                             f"与第 {ids[account_id]} 行重复（{account_id}）"))
        ids.setdefault(account_id, number)
        if len(problems) == bad:
            accounts.append(Account(id=account_id, name=values["name"], platform=platform,
                                    department=values["department"], source=values.get("source") or None,
                                    platform_id=values["platform_id"] or None, owner=values["owner"] or None,
                                    contact=values["contact"] or None, status=status,
                                    interaction=interaction or "unknown"))
    if problems:
        raise RegistryError(str(path), problems)
    return accounts


def _make_id(platform: str, platform_id: str, number: int) -> str:
    tail = re.sub(r"[^A-Za-z0-9_.-]+", "-", platform_id).strip("-.")
    return f"{platform}-{tail}" if tail else f"{platform}-{number}"


def accounts_toml(accounts: list[Account]) -> str:
    """`[[accounts]]` blocks for sites.toml (default values left out)."""
    out = []
    for account in accounts:
        out.append("[[accounts]]")
        for key in ("id", "name", "platform", "department", "source", "platform_id", "owner", "contact"):
            value = getattr(account, key)
            if value:
                out.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        if account.status != "运营":
            out.append(f"status = {json.dumps(account.status, ensure_ascii=False)}")
        if account.interaction != "unknown":
            out.append(f'interaction = "{account.interaction}"')
        out.append("")
    return "\n".join(out)


def _export_rows(accounts: list[Account]) -> list[list[str]]:
    return [[a.name, PLATFORM_ZH.get(a.platform, a.platform), a.department, a.platform_id or "", a.owner or "",
             a.contact or "", a.status, a.id, a.source or "", INTERACTION_ZH.get(a.interaction, "未知")]
            for a in accounts]


def export_registry(accounts: list[Account], path: Path | str) -> Path:
    """Write the registry as XLSX (by the file's suffix) or CSV with a BOM (Excel opens it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = _export_rows(accounts)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook()
        sheet = book.active
        sheet.title = "政务新媒体台账"
        sheet.append(HEADERS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column, width in zip("ABCDEFGHIJ", (24, 12, 24, 20, 10, 16, 8, 18, 40, 10)):
            sheet.column_dimensions[column].width = width
        book.save(path)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows(rows)
        path.write_text("\ufeff" + buffer.getvalue(), encoding="utf-8")
    return path
