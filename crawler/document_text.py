"""Text of a linked document's bytes (附件): PDF, OFD, Word, Excel, PowerPoint and WPS files.

`extract` is a pure function of the bytes, bounded in pages, rows, characters and the declared
unzipped size of XML parts (zip bombs), that never raises: any parser failure becomes state
`unreadable` with the reason. The format is judged by the bytes, never the file name: PDF,
a ZIP package (DOCX, XLSX, PPTX, or OFD — GB/T 33190, OFD.xml at its root), an OLE compound
file (.doc/.wps, .xls/.et, .ppt/.dps), Rich Text (RTF) or a web page saved under an Office name.

States: ok, scanned (pages without a text layer), encrypted, unreadable (with a reason),
unsupported (a format we cannot read, e.g. an OLE file of another program).
Which documents are fetched, their size cap and the stored row are crawler/attachments.py's
business; it re-exports `extract` and `Extracted`.
"""

from __future__ import annotations

import io
import logging
import posixpath
import re
import time
import zipfile
from dataclasses import dataclass
from typing import Any

from crawler.legacy_office import OleError, presentation_text, word_text

MAX_CHARS = 300_000          # text kept (and checked) per document
MAX_PAGES = 300              # PDF/OFD pages and PPTX slides read
MAX_ROWS = 20_000            # spreadsheet rows read, all sheets together
MAX_SECONDS = 20.0           # PDF pages are read until this much time has gone (the writer waits)
MAX_UNZIPPED = 64 * 1024 * 1024   # declared unzipped size of the parts read (zip bombs); XLSX: each part
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"               # PPTX text
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

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


class _Package:
    """A ZIP package (DOCX, XLSX, PPTX, OFD) whose parts are read with their declared unzipped
    sizes counted: a part that would take the total past MAX_UNZIPPED (a zip bomb) is refused
    before it is inflated."""

    def __init__(self, body: bytes):
        self.archive = zipfile.ZipFile(io.BytesIO(body))
        self.names = set(self.archive.namelist())
        self.unzipped = 0

    def read(self, name: str) -> bytes:
        if name not in self.names:
            raise ValueError(f"缺少 {name or '文件'}")
        size = self.archive.getinfo(name).file_size
        self.unzipped += size
        if self.unzipped > MAX_UNZIPPED:
            raise ValueError(f"{name} 解压后 {size} 字节，超出上限" if size > MAX_UNZIPPED else
                             f"解压后共 {self.unzipped} 字节，超出上限")
        return self.archive.read(name)

    def xml(self, name: str) -> Any:
        from lxml import etree

        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        return etree.fromstring(self.read(name), parser)


def _zip(body: bytes) -> Extracted:
    package = _Package(body)
    if "word/document.xml" in package.names:
        return _docx(package)
    if "xl/workbook.xml" in package.names:
        return _xlsx(package, body)
    if "ppt/presentation.xml" in package.names:
        return _pptx(package)
    if "OFD.xml" in package.names:
        return _ofd(package)
    return Extracted("", None, "unsupported", "暂不支持：非 Word/Excel/PowerPoint/OFD 的压缩包", "zip")


def _resolve(names: set[str], base: str, location: str) -> str:
    """The part a reference names: from the package root when it starts with "/", else relative to
    `base` (the referring part's folder) — or from the root when only that exists."""
    location = location.strip().replace("\\", "/")
    if location.startswith("/"):
        return location.lstrip("/")
    joined = posixpath.normpath(posixpath.join(base, location)) if location else ""
    return location if joined not in names and location in names else joined


def _read_parts(package: _Package, names: list[str], text_of: Any) -> list[str]:
    """The text of the first parts named (pages, slides): at most MAX_PAGES, about MAX_CHARS."""
    texts: list[str] = []
    for name in names[:MAX_PAGES]:
        if sum(map(len, texts)) > MAX_CHARS:
            break
        texts.append(text_of(package.xml(name)))
    return texts


def _lines(root: Any, ns: str, runs: Any) -> list[str]:
    """A WordprocessingML/DrawingML tree's paragraphs in document order; a table row is one line of
    tab-separated cells (a name beside its number). Text boxes belong to their paragraph."""
    lines = []
    for node in root.iter(ns + "p", ns + "tr"):
        outer = {a.tag for a in node.iterancestors()}
        if node.tag == ns + "tr":
            if ns + "tr" not in outer:
                lines.append("\t".join(" ".join(runs(p) for p in cell.iter(ns + "p"))
                                        for cell in node.iterchildren(ns + "tc")))
        elif ns + "p" not in outer and ns + "tc" not in outer:
            lines.append(runs(node))
    return lines


def _runs(paragraph: Any) -> str:
    return "".join(node.text or "" if node.tag == W + "t" else "\t" if node.tag == W + "tab" else " "
                   for node in paragraph.iter(W + "t", W + "tab", W + "br", W + "cr"))


def _docx(package: _Package) -> Extracted:
    text = _clean("\n".join(_lines(package.xml("word/document.xml"), W, _runs)))
    pages = None
    if "docProps/app.xml" in package.names:
        match = re.search(rb"<(?:\w+:)?Pages>(\d+)<", package.read("docProps/app.xml"))
        pages = int(match.group(1)) if match else None
    if not text and any(n.startswith("word/media/") for n in package.names):
        return Extracted("", pages, "scanned", "文档只有图片，没有文字（扫描件或截图）", "docx")
    return Extracted(text, pages, "ok", None, "docx")


def _pptx(package: _Package) -> Extracted:
    """A PowerPoint 2007+ presentation (PPTX): each slide's paragraphs (a table row one line), slides
    in presentation order. Speaker notes, charts and SmartArt drawings are not read."""
    slides = _slide_names(package)
    texts = _read_parts(package, slides, lambda slide: "\n".join(_lines(slide, A, _drawing_runs)))
    text, total = _clean("\n".join(texts)), len(slides)
    note = f"共 {total} 张幻灯片，仅读取前 {len(texts)} 张" if len(texts) < total else None
    if not text and any(n.startswith("ppt/media/") for n in package.names):
        return Extracted("", total, "scanned", "演示文稿只有图片，没有文字（扫描件或截图）", "pptx")
    return Extracted(text, total, "ok", note, "pptx")


def _drawing_runs(paragraph: Any) -> str:
    return "".join(n.text or "" if n.tag == A + "t" else " " for n in paragraph.iter(A + "t", A + "br"))


def _slide_names(package: _Package) -> list[str]:
    """Slide parts in presentation order (presentation.xml's sldIdLst through its relationships);
    by number (slide2 before slide10) when those are missing or point at no part."""
    rels = "ppt/_rels/presentation.xml.rels"
    if rels in package.names:
        targets = {r.get("Id"): r.get("Target") or "" for r in package.xml(rels).iter("{*}Relationship")}
        names = [_resolve(package.names, "ppt", targets.get(node.get(R + "id"), ""))
                 for node in package.xml("ppt/presentation.xml").iter("{*}sldId")]
        if names and all(name in package.names for name in names):
            return names
    numbered = filter(None, (re.fullmatch(r"ppt/slides/slide(\d+)\.xml", name) for name in package.names))
    return [match.group(0) for match in sorted(numbered, key=lambda match: int(match.group(1)))]


def _ofd(package: _Package) -> Extracted:
    """An OFD (GB/T 33190): the text codes of each page, pages in document order, scanned like a
    PDF when most pages have no text (only ImageObjects). Elements are matched by local name —
    in the 2016 namespace, another or none, as producers differ. Page templates, annotations and
    signatures are not read."""
    pages = []
    for root in package.xml("OFD.xml").iter("{*}DocRoot"):
        document = _resolve(package.names, "", root.text or "")
        pages += [_resolve(package.names, posixpath.dirname(document), page.get("BaseLoc") or "")
                  for page in package.xml(document).iter("{*}Page")]
    if not pages:
        raise ValueError("OFD.xml 未指向任何含页面的文档（DocRoot）")
    result = _paged(_read_parts(package, pages, _ofd_page), len(pages))
    result.format = "ofd"
    return result


def _ofd_page(page: Any) -> str:
    """A page's text in the order of its TextObjects (content order, not geometry: a multi-column
    page or an object drawn out of reading order comes out in that order — good enough for checks
    that read line by line). Consecutive text codes on one baseline are one line."""
    lines, last = [], None
    for node in page.iter("{*}TextObject"):
        boundary, y = (node.get("Boundary") or "").split(), None
        for code in node.iter("{*}TextCode"):
            y = code.get("Y", y)          # a code without Y stays on the previous one's line
            try:
                baseline = round(float(boundary[1]) + float(y), 1)
            except (IndexError, TypeError, ValueError):
                baseline = None
            if lines and baseline is not None and baseline == last:
                lines[-1] += code.text or ""
            else:
                lines.append(code.text or "")
            last = baseline
    return "\n".join(lines)


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


def _xlsx(package: _Package, body: bytes) -> Extracted:
    import openpyxl

    for info in package.archive.infolist():
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
