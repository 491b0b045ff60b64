"""Text of ZIP-packaged documents (附件): DOCX, XLSX, PPTX and OFD (GB/T 33190).

Part of crawler/document_text.py's `extract`, which tells the formats apart by their bytes and
calls `package_text` for a ZIP package. Each part read counts its declared unzipped size against
MAX_UNZIPPED, so a zip bomb is refused before it is inflated; pages, slides, rows and characters
are bounded by document_text's limits.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from typing import Any

from crawler.document_text import MAX_CHARS, MAX_PAGES, Extracted, _clean, _paged, _sheets

MAX_UNZIPPED = 64 * 1024 * 1024   # declared unzipped size of the parts read (zip bombs); XLSX: each part
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"               # PPTX text
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


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


def package_text(body: bytes) -> Extracted:
    """Text of a ZIP package: DOCX, XLSX, PPTX or OFD by the parts it holds."""
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
