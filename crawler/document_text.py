"""Text of a linked document's bytes (附件): PDF, OFD, Word, Excel, PowerPoint and WPS files.

`extract` is a pure function of the bytes, bounded in pages, rows, characters and the declared
unzipped size of XML parts (zip bombs), that never raises: any parser failure becomes state
`unreadable` with the reason. The format is judged by the bytes, never the file name: PDF,
a ZIP package (DOCX, XLSX, PPTX, or OFD — GB/T 33190, OFD.xml at its root; read by
crawler/office_packages.py), an OLE compound
file (.doc/.wps, .xls/.et, .ppt/.dps), Rich Text (RTF) or a web page saved under an Office name.

States: ok, scanned (pages without a text layer), encrypted, unreadable (with a reason),
unsupported (a format we cannot read, e.g. an OLE file of another program).
Which documents are fetched, their size cap and the stored row are crawler/attachments.py's
business; it re-exports `extract` and `Extracted`.
"""

from __future__ import annotations

import io
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from crawler.legacy_office import OleError, presentation_text, word_text

MAX_CHARS = 300_000          # text kept (and checked) per document
MAX_PAGES = 300              # PDF/OFD pages and PPTX slides read
MAX_ROWS = 20_000            # spreadsheet rows read, all sheets together
MAX_SECONDS = 20.0           # PDF pages are read until this much time has gone (the writer waits)

logging.getLogger("pypdf").setLevel(logging.CRITICAL)   # malformed PDFs are a state, not log noise


@dataclass(slots=True)
class Extracted:
    """What a document's bytes gave: its text, pages (PDF/OFD pages, sheets, slides), state and why."""

    text: str
    pages: int | None
    state: str
    note: str | None = None
    format: str | None = None


def extract(body: bytes, declared: str | None = None) -> Extracted:
    """Text of a document's bytes: format by its magic bytes, bounded, never raising. `declared`:
    the format its URL or Content-Type claims (crawler.attachments.attachment_format), named
    when the bytes are not one we know."""
    kind = None
    try:
        kind = _sniff(body)
        if kind is None:
            if not body.strip():
                return Extracted("", None, "unreadable", "文件为空", declared)
            return Extracted("", None, "unsupported",
                             f"暂不支持：无法识别的文件格式（扩展名或类型为 {declared or '未知'}）", declared)
        result = EXTRACTORS[kind](body)
        result.format = result.format or kind
        if len(result.text) > MAX_CHARS:
            result.text = result.text[:MAX_CHARS]
            result.note = ((result.note or "") + f"；仅检查了前 {MAX_CHARS} 字").lstrip("；")
        return result
    except Exception as exc:      # a hostile or broken file never stops the crawl
        return Extracted("", None, "unreadable", f"无法解析（{type(exc).__name__}: {exc}）"[:300], kind)


def _sniff(body: bytes) -> str | None:
    head = body[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.lstrip(b"\xef\xbb\xbf \r\n\t").startswith(b"{\\rtf"):
        return "rtf"
    stripped = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if stripped.startswith((b"<html", b"<!doctype html", b"<?xml")) and b"<html" in body[:4096].lower():
        return "html"     # a web page saved as .doc / .xls: common on government sites
    return None


def _clean(text: str) -> str:
    text = text.replace("\x00", "")
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _paged(texts: list[str], total: int) -> Extracted:
    """A paged document from the text of its first pages: scanned when most have no text layer."""
    read = len(texts)
    blank = sum(1 for text in texts if not re.sub(r"[\s\d\W]", "", text))   # nothing, or a page number only
    note = f"共 {total} 页，仅读取前 {read} 页" if read < total else None
    if total and blank * 2 > read:
        why = "全部页面均无文字层" if blank == read else f"{read} 页中 {blank} 页无文字层"
        return Extracted(_clean("\n".join(texts)), total, "scanned", "；".join(filter(None, [why, note])))
    return Extracted(_clean("\n".join(texts)), total, "ok", note)


def _pdf(body: bytes) -> Extracted:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(body), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")     # an owner password only: readable without one
        except Exception:     # unsupported algorithm or missing dependency
            opened = 0
        if not opened:
            return Extracted("", None, "encrypted", "附件已加密（需要密码才能打开）")
    texts, chars, started = [], 0, time.monotonic()
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES or chars > MAX_CHARS or time.monotonic() - started > MAX_SECONDS:
            break
        texts.append(page.extract_text() or "")
        chars += len(texts[-1])
    return _paged(texts, len(reader.pages))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_text(rows: Any) -> tuple[str, bool]:
    lines, chars, cut = [], 0, False
    for count, cells in enumerate(rows):
        if count >= MAX_ROWS or chars > MAX_CHARS:
            cut = True
            break
        line = "\t".join(_cell(v) for v in cells).strip()
        if line:
            lines.append(line)
            chars += len(line)
    return "\n".join(lines), cut


def _sheets(sheets: list[tuple[str, Any]]) -> Extracted:
    texts, cut, budget = [], False, MAX_ROWS
    for _, rows in sheets:
        text, truncated = _rows_text(rows)
        texts.append(text)
        cut = cut or truncated
        budget -= text.count("\n") + 1
        if budget <= 0:
            cut = True
            break
    return Extracted(_clean("\n".join(texts)), len(sheets), "ok", f"表格过大，仅读取前 {MAX_ROWS} 行" if cut else None)


def _zip(body: bytes) -> Extracted:
    from crawler.office_packages import package_text     # imports this module's helpers

    return package_text(body)


def _ole(body: bytes) -> Extracted:
    try:
        text, encrypted = word_text(body, MAX_CHARS)
    except OleError as exc:
        if "PowerPoint Document" in exc.streams:
            return _ppt(body, exc.streams)
        if exc.streams and not {"Workbook", "Book"} & exc.streams:
            return Extracted("", None, "unsupported", "暂不支持：非 Word/Excel/PowerPoint 的 OLE 文件", "ole")
        if not exc.streams:
            raise
        return _xls(body)
    if encrypted:
        return Extracted("", None, "encrypted", "附件已加密（需要密码才能打开）", "doc")
    return Extracted(_clean(text), None, "ok", None, "doc")


def _ppt(body: bytes, streams: set[str]) -> Extracted:
    if "EncryptedSummary" in streams:       # an encrypted presentation keeps this stream in the clear
        return Extracted("", None, "encrypted", "附件已加密（需要密码才能打开）", "ppt")
    text, slides = presentation_text(body, MAX_CHARS)
    return Extracted(_clean(text), slides, "ok", None, "ppt")


def _xls(body: bytes) -> Extracted:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=body, on_demand=True, logfile=io.StringIO())
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            return Extracted("", None, "encrypted", "附件已加密（需要密码才能打开）", "xls")
        raise
    try:
        sheets = []
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            sheets.append((sheet.name, (sheet.row_values(r) for r in range(sheet.nrows))))
        result = _sheets(sheets)
    finally:
        book.release_resources()
    result.format = "xls"
    return result


def _html(body: bytes) -> Extracted:
    import lxml.html

    from crawler.extract import decode_html
    root = lxml.html.document_fromstring(decode_html(body, "").text.replace("\x00", "") or "<html></html>")
    for node in root.iter("script", "style"):
        node.drop_tree()
    return Extracted(_clean(root.text_content()), None, "ok", "网页格式（扩展名为 Office 文档）", "html")


HEX_RUN = re.compile(r"[0-9a-fA-F\r\n]{512,}")


def _rtf(body: bytes) -> Extracted:
    """Rich Text: escapes (\\'b2\\'a6, \\u36523) decode by the file's own code page (\\ansicpg936);
    bytes written raw, which some Chinese editors do, are read as UTF-8 or else GB18030."""
    from striprtf.striprtf import rtf_to_text

    try:
        source = body.decode("utf-8")
    except UnicodeDecodeError:
        source = body.decode("gb18030", errors="replace")
    source = HEX_RUN.sub("", source)      # embedded pictures: megabytes of hex, never text
    match = re.search(r"\\ansicpg(\d+)", source[:2048])
    encoding = {"936": "gbk", "54936": "gb18030", "950": "big5", "65001": "utf-8"}.get(
        match[1] if match else "", f"cp{match[1]}" if match else "cp1252")
    try:
        text = rtf_to_text(source, encoding=encoding, errors="replace")
    except LookupError:       # a code page Python does not know
        text = rtf_to_text(source, errors="replace")
    return Extracted(_clean(text), None, "ok", None, "rtf")


EXTRACTORS = {"pdf": _pdf, "zip": _zip, "ole": _ole, "html": _html, "rtf": _rtf}
