"""CSV/XLSX exports of posts (what a platform's back office or a staff member exports).

Recognised headers (Chinese or English, first match wins): 标题/title, 发布时间/published,
链接/url, 正文/text. Extra columns are ignored. CSV may be UTF-8 (with or without BOM) or
GB18030, as Excel in China saves it. `read_table` is shared with the account registry.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from crawler.media import Post, SourceError, find_links, html_text, parse_time

NAME = "CSV/XLSX 导出"
COLUMNS = {
    "title": ("标题", "文章标题", "title"),
    "published": ("发布时间", "发布日期", "时间", "日期", "published", "date"),
    "url": ("链接", "网址", "文章链接", "原文链接", "url", "link"),
    "text": ("正文", "内容", "摘要", "text", "content"),
}


def sniff(source: str, content_type: str, body: bytes) -> bool:
    lowered, kind = source.lower().split("?")[0], content_type.lower()
    return (lowered.endswith((".csv", ".xlsx")) or "csv" in kind or "spreadsheet" in kind
            or body[:4] == b"PK\x03\x04")


def read_table(body: bytes, xlsx: bool | None = None) -> list[list]:
    """All rows of the first sheet (XLSX) or of a CSV, as lists of cell values."""
    if xlsx is None:
        xlsx = body[:4] == b"PK\x03\x04"
    if xlsx:
        from openpyxl import load_workbook
        try:
            book = load_workbook(io.BytesIO(body), read_only=True, data_only=True)
        except Exception as exc:
            raise SourceError(f"XLSX 文件无法打开：{exc}") from None
        sheet = book.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = body.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise SourceError("CSV 文件编码无法识别（应为 UTF-8 或 GBK）")
    return [row for row in csv.reader(io.StringIO(text))]


def header_map(header: list, columns: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """{field: column index} for the headers found (matched case-insensitively, spaces ignored)."""
    names = [str(cell or "").strip().lower().replace(" ", "") for cell in header]
    found = {}
    for field_name, aliases in columns.items():
        for alias in aliases:
            if alias.lower() in names:
                found[field_name] = names.index(alias.lower())
                break
    return found


def parse(account: str, body: bytes, base: str, tz: dt.tzinfo, **_context) -> list[Post]:
    rows = read_table(body)
    if not rows:
        raise SourceError("导出文件为空")
    where = header_map(rows[0], COLUMNS)
    if "published" not in where or ("title" not in where and "text" not in where):
        raise SourceError("导出文件缺少表头：至少需要“发布时间”和“标题”或“正文”列")

    def cell(row: list, name: str):
        index = where.get(name)
        return row[index] if index is not None and index < len(row) else None

    posts = []
    for row in rows[1:]:
        if not any(c not in (None, "") for c in row):
            continue
        raw_text = str(cell(row, "text") or "")
        url = str(cell(row, "url") or "").strip()
        posts.append(Post(account=account, title=str(cell(row, "title") or "").strip(),
                          published=parse_time(cell(row, "published"), tz), url=url,
                          text=html_text(raw_text) if "<" in raw_text else raw_text.strip(),
                          links=find_links(raw_text, url)))
    return posts
