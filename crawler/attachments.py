"""Documents linked from a site's own pages (PDF, Word, Excel, WPS): which to read, and their text.

The crawl checks every link target's status as before. A target that is a document we can read
is fetched whole up to the site's `attachment_max_bytes` (0: never): by its URL extension, its
Content-Type or the file name in Content-Disposition. A HEAD that answered 2xx for one is asked
again with GET (the HEAD's status is not recorded twice); a Content-Length over the cap records
the document as `too_large` and nothing more is downloaded; a body without a length is cut at
the cap by the spider's bytes_received handler.

Text extraction (`extract`) is a pure function of the bytes, bounded in pages and characters,
that never raises: any parser failure becomes state `unreadable` with the reason. It runs on
the store writer's thread (crawler/writer.py), not on the reactor: a 300-page PDF takes seconds
to parse, and the row is committed in the same transaction as the target's outcome, so an
interrupted run either has both or neither (`inspect --resume` fetches it again).

States: ok, scanned (pages without a text layer), encrypted, unreadable (with a reason),
too_large, unsupported (a format we cannot read, e.g. RTF or OFD served as .doc).
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import time
import zipfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler.legacy_office import OleError, word_text
from crawler.scope import Fetch, extension
from xunjian.store import compress, now

MAX_CHARS = 300_000          # text kept (and checked) per document
MAX_PAGES = 300              # PDF pages read
MAX_ROWS = 20_000            # spreadsheet rows read, all sheets together
MAX_SECONDS = 20.0           # PDF pages are read until this much time has gone (the writer waits)
MAX_UNZIPPED = 64 * 1024 * 1024   # declared size of the XML parts of a DOCX/XLSX (zip bombs)
# Extensions of documents we read, and their format.
FORMATS = {"pdf": "pdf", "doc": "doc", "wps": "doc", "docx": "docx", "xls": "xls", "et": "xls", "xlsx": "xlsx"}
# Content-Type fragments of those documents (WPS Office sends its own types).
TYPES = (("pdf", "pdf"), ("wordprocessingml", "docx"), ("spreadsheetml", "xlsx"), ("msword", "doc"),
         ("ms-excel", "xls"), ("kswps", "doc"), ("wps-office.wps", "doc"), ("wps-office.doc", "doc"),
         ("wps-office.et", "xls"), ("wps-office.xls", "xls"))
NOT_DOCUMENT = ("html", "image/", "text/css", "javascript", "video/", "audio/", "font/")
META = "xj_attachment"       # request.meta: {"cap": bytes, "received": bytes, "too_large": size}
HEAD = "xj_attachment_head"  # request.meta of the GET after a 2xx HEAD: that HEAD's response

logging.getLogger("pypdf").setLevel(logging.CRITICAL)   # malformed PDFs are a state, not log noise


@dataclass(slots=True)
class Extracted:
    """What a document's bytes gave: its text, pages (PDF pages, workbook sheets), state and why."""

    text: str
    pages: int | None
    state: str
    note: str | None = None
    format: str | None = None


def _filename(disposition: str) -> str:
    match = re.search(r"filename\*\s*=\s*[^']*'[^']*'([^;]+)", disposition, re.I) or \
        re.search(r'filename\s*=\s*"?([^";]+)', disposition, re.I)
    return unquote(match.group(1).strip()) if match else ""


def attachment_format(url: str, content_type: str = "", disposition: str = "") -> str | None:
    """The document format ("pdf", "doc", "docx", "xls", "xlsx") a target is, or None.

    Judged by the Content-Type when it names one, else by a file name: Content-Disposition's,
    the URL path's, or one in the query (download.jsp?file=名单.xls). HTML, images, scripts
    and media are never documents.
    """
    ctype = content_type.split(";")[0].strip().lower()
    if ctype.startswith(NOT_DOCUMENT) or "html" in ctype:
        return None
    for fragment, kind in TYPES:
        if fragment in ctype:
            return kind
    names = [_filename(disposition)] if disposition else []
    parts = urlsplit(url)
    names.append(parts.path)
    names += [value for _, value in parse_qsl(parts.query)]
    for name in names:
        kind = FORMATS.get(extension(name.split("?")[0]))
        if kind:
            return kind
    return None


def _cap(site: Any, fetch: Fetch) -> int:
    cap = site.attachment_max_bytes
    return cap if fetch.kind == "resource" else min(cap, site.max_page_bytes)


def _header(headers: Any, name: bytes) -> str:
    value = headers.get(name) or b""
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def head_wants_body(site: Any, fetch: Fetch, headers: Any, meta: dict) -> bool:
    """After a 2xx HEAD of a resource: True when it is a document to GET. A Content-Length over
    the cap marks it too large in `meta` instead (the HEAD is then recorded as usual)."""
    if fetch.kind != "resource" or not site.attachment_max_bytes:
        return False
    if not attachment_format(fetch.url, _header(headers, b"Content-Type"), _header(headers, b"Content-Disposition")):
        return False
    length = _header(headers, b"Content-Length").strip()
    if length.isdigit() and int(length) > _cap(site, fetch):
        meta[META] = {"cap": _cap(site, fetch), "received": 0, "too_large": int(length)}
        return False
    return True


def read_body(site: Any, fetch: Fetch, headers: Any, body_length: Any, meta: dict) -> bool | None:
    """From a GET's headers: None when the target is not a document to read, True to read its
    body, False to stop now (its announced length is over the cap, recorded in `meta`)."""
    meta.pop(META, None)      # a retried request carries the last attempt's meta
    if fetch.kind not in ("resource", "page") or fetch.method != "GET" or not site.attachment_max_bytes:
        return None
    if not attachment_format(fetch.url, _header(headers, b"Content-Type"), _header(headers, b"Content-Disposition")):
        return None
    state = meta[META] = {"cap": _cap(site, fetch), "received": 0, "too_large": None}
    if isinstance(body_length, int) and body_length > state["cap"]:
        state["too_large"] = body_length
        return False
    return True


def over_cap(meta: dict, received: int) -> bool:
    """Count `received` bytes of a document being read; True once it passes the cap."""
    state = meta.get(META)
    if state is None or state["too_large"]:
        return False
    state["received"] += received
    if state["received"] > state["cap"]:
        state["too_large"] = state["received"]
        return True
    return False


def queue(writer: Any, fetch: Fetch, response: Any) -> None:
    """Hand a document's bytes (or its too-large state) to the writer, which extracts the text."""
    state = response.meta[META]
    content_type = _header(response.headers, b"Content-Type")[:200] or None
    if state["too_large"]:
        size, cap = state["too_large"], state["cap"]
        note = f"文件大小超过 {size / 1048576:.1f} MB，超出附件大小上限 {cap / 1048576:.1f} MB（attachment_max_bytes），未下载"
        writer.add_attachment(fetch.site, fetch.url, fetch.referrer, content_type, None, size, "too_large", note)
    else:
        writer.add_attachment(fetch.site, fetch.url, fetch.referrer, content_type, response.body, len(response.body))


def queue_failed(writer: Any, fetch: Fetch, error: str, message: str) -> None:
    """A document whose HEAD answered but whose body could not be downloaded: unreadable."""
    writer.add_attachment(fetch.site, fetch.url, fetch.referrer, None, None, 0, "unreadable",
                          f"下载失败（{error}：{message}）"[:300])


def row(run: int, site: str, url: str, page: str | None, content_type: str | None, body: bytes | None,
        size: int, state: str | None = None, note: str | None = None) -> dict[str, Any]:
    """The attachments row of one document: its text extracted now unless `state` is already known."""
    try:
        result = extract(body or b"", content_type or "", url) if state is None else \
            Extracted("", None, state, note, attachment_format(url, content_type or ""))
        text = result.text or None
        packed = compress(text)
    except Exception as exc:     # MemoryError and the like: one document never stops the writer
        result, text, packed = Extracted("", None, "unreadable", f"无法处理（{type(exc).__name__}）"), None, None
    return {"run": run, "site": site, "url": url, "page": page, "content_type": content_type, "size": size,
            "content_hash": hashlib.blake2b(body, digest_size=16).hexdigest() if body else None,
            "format": result.format, "state": result.state, "note": result.note, "pages": result.pages,
            "chars": len(text or ""), "text": packed, "fetched_at": now()}


# --- extraction ------------------------------------------------------------------------

def extract(body: bytes, content_type: str = "", url: str = "") -> Extracted:
    """Text of a document's bytes: format by its magic bytes, bounded, never raising."""
    kind = None
    try:
        kind = _sniff(body)
        if kind is None:
            declared = attachment_format(url, content_type)
            if not body.strip():
                return Extracted("", None, "unreadable", "文件为空", declared)
            what = "RTF 文档" if body.lstrip()[:5] == b"{\\rtf" else \
                f"无法识别的文件格式（扩展名或类型为 {declared or '未知'}）"
            return Extracted("", None, "unsupported", f"暂不支持：{what}", declared)
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
    stripped = head.lstrip(b"\xef\xbb\xbf \r\n\t").lower()
    if stripped.startswith((b"<html", b"<!doctype html", b"<?xml")) and b"<html" in body[:4096].lower():
        return "html"     # a web page saved as .doc / .xls: common on government sites
    return None


def _clean(text: str) -> str:
    text = text.replace("\x00", "")
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


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
    total = len(reader.pages)
    texts, blank, chars, started = [], 0, 0, time.monotonic()
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES or chars > MAX_CHARS or time.monotonic() - started > MAX_SECONDS:
            break
        text = page.extract_text() or ""
        if not re.sub(r"[\s\d\W]", "", text):    # nothing, or a page number only
            blank += 1
        texts.append(text)
        chars += len(text)
    read = len(texts)
    note = f"共 {total} 页，仅读取前 {read} 页" if read < total else None
    if total and blank * 2 > read:
        why = "全部页面均无文字层" if blank == read else f"{read} 页中 {blank} 页无文字层"
        return Extracted(_clean("\n".join(texts)), total, "scanned", "；".join(filter(None, [why, note])))
    return Extracted(_clean("\n".join(texts)), total, "ok", note)


def _zip_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_UNZIPPED:
        raise ValueError(f"{name} 解压后 {info.file_size} 字节，超出上限")
    return archive.read(name)


def _zip(body: bytes) -> Extracted:
    archive = zipfile.ZipFile(io.BytesIO(body))
    names = set(archive.namelist())
    if "word/document.xml" in names:
        return _docx(archive, names)
    if "xl/workbook.xml" in names:
        return _xlsx(archive, body)
    what = "OFD 版式文件" if "OFD.xml" in names else ("PowerPoint 演示文稿" if "ppt/presentation.xml" in names
                                                      else "非 Word/Excel 的压缩包")
    return Extracted("", None, "unsupported", f"暂不支持：{what}", "zip")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _runs(paragraph: Any) -> str:
    parts = []
    for node in paragraph.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        else:
            parts.append("\t" if node.tag == W + "tab" else " ")
    return "".join(parts)


def _docx(archive: zipfile.ZipFile, names: set[str]) -> Extracted:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(_zip_part(archive, "word/document.xml"), parser)
    lines = []
    # Document order; a table row is one line of tab-separated cells (a name beside its number).
    for node in root.iter(W + "p", W + "tr"):
        outer = {a.tag for a in node.iterancestors()}
        if node.tag == W + "tr":
            if W + "tr" not in outer:
                lines.append("\t".join(" ".join(_runs(p) for p in cell.iter(W + "p"))
                                        for cell in node.iterchildren(W + "tc")))
        elif W + "p" not in outer and W + "tc" not in outer:   # text boxes belong to their paragraph
            lines.append(_runs(node))
    text = _clean("\n".join(lines))
    pages = None
    if "docProps/app.xml" in names:
        match = re.search(rb"<(?:\w+:)?Pages>(\d+)<", _zip_part(archive, "docProps/app.xml"))
        pages = int(match.group(1)) if match else None
    if not text and any(n.startswith("word/media/") for n in names):
        return Extracted("", pages, "scanned", "文档只有图片，没有文字（扫描件或截图）", "docx")
    return Extracted(text, pages, "ok", None, "docx")


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


def _xlsx(archive: zipfile.ZipFile, body: bytes) -> Extracted:
    import openpyxl

    for info in archive.infolist():
        if info.file_size > MAX_UNZIPPED:
            raise ValueError(f"{info.filename} 解压后 {info.file_size} 字节，超出上限")
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True, data_only=True)
    try:
        result = _sheets([(s.title, s.iter_rows(values_only=True)) for s in book.worksheets])
    finally:
        book.close()
    result.format = "xlsx"
    return result


def _ole(body: bytes) -> Extracted:
    try:
        text, encrypted = word_text(body, MAX_CHARS)
    except OleError as exc:
        if exc.streams and not {"Workbook", "Book"} & exc.streams:
            kind = "PowerPoint 演示文稿" if "PowerPoint Document" in exc.streams else "非 Word/Excel 的 OLE 文件"
            return Extracted("", None, "unsupported", f"暂不支持：{kind}", "ole")
        if not exc.streams:
            raise
        return _xls(body)
    if encrypted:
        return Extracted("", None, "encrypted", "附件已加密（需要密码才能打开）", "doc")
    return Extracted(_clean(text), None, "ok", None, "doc")


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


EXTRACTORS = {"pdf": _pdf, "zip": _zip, "ole": _ole, "html": _html}
