"""Real little office documents for the demo city and the tests, built byte for byte from code.

- `text_pdf`: a PDF with a Chinese text layer (the standard STSong-Light font, UniGB-UCS2-H
  encoding: any PDF viewer substitutes a Song face, text extraction reads UTF-16 codes);
- `scanned_pdf`: a PDF whose page is a picture only, as a scanner makes it (no text layer);
- `docx`: a minimal WordprocessingML package (paragraphs and a table);
- `pptx`: a minimal PresentationML package (slides of text boxes);
- `ofd`: a minimal OFD (GB/T 33190-2016) of text pages; `scanned_ofd`: one whose page is a picture only;
- `word_doc`: a Word 97-2003 binary (.doc) — an OLE compound file with a WordDocument stream,
  its File Information Block and a one-piece text table;
- `workbook`: an Excel 97-2003 binary (.xls, BIFF8) with one sheet of text cells.

Everything is deterministic (no timestamps), so a demo build is reproducible byte for byte.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from io import BytesIO
from xml.sax.saxutils import escape

END_OF_CHAIN, FAT_SECTOR, FREE = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
LINE_CHARS = 36          # characters per line on an A4 page at 12 pt with 1-inch margins


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF file of these objects (1 is the catalog), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def text_pdf(paragraphs: list[str]) -> bytes:
    """A one-page A4 PDF of Chinese paragraphs, wrapped at LINE_CHARS like a real layout."""
    lines = []
    for paragraph in paragraphs:
        lines += [paragraph[i:i + LINE_CHARS] for i in range(0, len(paragraph), LINE_CHARS)] or [""]
    shown = b"".join(b"<%s> Tj T*\n" % line.encode("utf-16-be").hex().upper().encode("ascii") for line in lines)
    content = b"BT /F1 12 Tf 18 TL 72 770 Td\n" + shown + b"ET"
    return pdf_file([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /DW 1000 /W [1 95 500] /FontDescriptor 7 0 R "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ])


def _scan_rows() -> tuple[int, int, list[bytes]]:
    """A scanned page's picture: width, height and 8-bit grey rows of text-like stripes."""
    width, height = 240, 320
    rows = []
    for y in range(height):
        inked = 40 <= y < 290 and (y // 6) % 3 != 2
        rows.append(bytes(90 if inked and 24 <= x < 216 and (x * 7 + y // 6) % 11 else 245 for x in range(width)))
    return width, height, rows


def scanned_pdf(pages: int = 1) -> bytes:
    """A PDF of `pages` scanned pages: each a grey picture of text-like stripes, no text layer."""
    width, height, rows = _scan_rows()
    image = zlib.compress(b"".join(rows), 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
                   b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(pages)), pages),
               _stream(image, b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                              b"/BitsPerComponent 8 /Filter /FlateDecode " % (width, height))]
    for i in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                       b"/Resources << /XObject << /Im1 3 0 R >> >> >>" % (5 + 2 * i))
        objects.append(_stream(b"q 451 0 0 601 72 120 cm /Im1 Do Q"))
    return pdf_file(objects)


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    """A minimal .docx: the paragraphs, then a table of `table` rows."""
    def para(text: str) -> str:
        return f'<w:p><w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'
    body = "".join(para(p) for p in paragraphs)
    if table:
        body += "<w:tbl>" + "".join("<w:tr>" + "".join(f"<w:tc>{para(c)}</w:tc>" for c in row) + "</w:tr>"
                                    for row in table) + "</w:tbl><w:p/>"
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<w:document xmlns:w="{W_NS}"><w:body>{body}<w:sectPr/></w:body></w:document>',
    }
    return package(parts)


def package(parts: dict[str, str | bytes]) -> bytes:
    """A ZIP package, deflated and dated alike: XML parts (str, given their declaration) and files."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, xml in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, xml if isinstance(xml, bytes) else
                             '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)
    return out.getvalue()


PPTX_NS = ('xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
PML = "application/vnd.openxmlformats-officedocument.presentationml."


def pptx(slides: list[list[str]]) -> bytes:
    """A minimal .pptx: each slide one text box (p:sp/p:txBody) with a paragraph per string, listed in
    presentation.xml and its relationships in list order. Enough for text extraction; PowerPoint
    itself would also want a slide master, a layout and a theme."""
    def slide(paragraphs: list[str]) -> str:
        body = "".join(f'<a:p><a:r><a:rPr lang="zh-CN"/><a:t>{escape(text)}</a:t></a:r></a:p>' for text in paragraphs)
        return (f'<p:sld {PPTX_NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/>'
                '</p:nvGrpSpPr><p:grpSpPr/><p:sp><p:nvSpPr><p:cNvPr id="2" name="文本框 1"/><p:cNvSpPr txBox="1"/>'
                f'<p:nvPr/></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>{body or "<a:p/>"}</p:txBody></p:sp>'
                '</p:spTree></p:cSld></p:sld>')
    numbers = range(1, len(slides) + 1)
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" '
        f'ContentType="{PML}presentation.main+xml"/>' + "".join(
            f'<Override PartName="/ppt/slides/slide{n}.xml" ContentType="{PML}slide+xml"/>' for n in numbers)
        + "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{RELS_NS}"><Relationship Id="rId1" Type="{OFFICE_REL}officeDocument" '
        'Target="ppt/presentation.xml"/></Relationships>',
        "ppt/presentation.xml": f'<p:presentation {PPTX_NS}><p:sldIdLst>' + "".join(
            f'<p:sldId id="{255 + n}" r:id="rId{n}"/>' for n in numbers) + '</p:sldIdLst>'
        '<p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>',
        "ppt/_rels/presentation.xml.rels": f'<Relationships xmlns="{RELS_NS}">' + "".join(
            f'<Relationship Id="rId{n}" Type="{OFFICE_REL}slide" Target="slides/slide{n}.xml"/>' for n in numbers)
        + "</Relationships>",
    }
    parts.update({f"ppt/slides/slide{n}.xml": slide(texts) for n, texts in zip(numbers, slides)})
    return package(parts)


# --- OFD (GB/T 33190-2016) -------------------------------------------------------------

OFD_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def ofd(pages: list[list[str]]) -> bytes:
    """A minimal OFD of A4 pages: each string one line, a TextObject (宋体 12 pt) with one TextCode,
    in a page's one Layer. Lines are not wrapped: a long string runs off the page."""
    contents, unit = [], 1           # unit 1 is the font; every ID is unique in the document
    for lines in pages:
        page, layer, unit = unit + 1, unit + 2, unit + 2
        objects = []
        for number, text in enumerate(lines):
            unit += 1
            objects.append(f'<ofd:TextObject ID="{unit}" Boundary="25 {37 + 7 * number} {len(text) * 4.2333:.2f} 6" '
                           f'Font="1" Size="4.2333"><ofd:FillColor Value="0 0 0"/>'
                           f'<ofd:TextCode X="0" Y="4.5">{escape(text)}</ofd:TextCode></ofd:TextObject>')
        contents.append((page, f'<ofd:Layer ID="{layer}">{"".join(objects)}</ofd:Layer>'))
    return _ofd_package(contents, unit)


def scanned_ofd() -> bytes:
    """An OFD whose one page is a picture only (an ImageObject of a PNG), as a scanner makes it."""
    width, height, rows = _scan_rows()
    png = b"".join(struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
                   for kind, data in ((b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)),
                                      (b"IDAT", zlib.compress(b"".join(b"\x00" + row for row in rows), 9)),
                                      (b"IEND", b"")))
    layer = ('<ofd:Layer ID="4"><ofd:ImageObject ID="5" ResourceID="2" Boundary="25 37 160 213" '
             'CTM="160 0 0 213 0 0"/></ofd:Layer>')
    media = ('<ofd:MultiMedias><ofd:MultiMedia ID="2" Type="Image" Format="PNG"><ofd:MediaFile>scan.png'
             '</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias>')
    return _ofd_package([(3, layer)], 5, media, {"Doc_0/Res/scan.png": b"\x89PNG\r\n\x1a\n" + png})


def _ofd_package(pages: list[tuple[int, str]], max_unit: int, media: str = "",
                 files: dict[str, bytes] | None = None) -> bytes:
    """OFD.xml -> Doc_0/Document.xml -> Pages/Page_N/Content.xml, each page (its ID, its layer XML);
    the font (unit 1) in PublicRes.xml and `media` (MultiMedias) in DocumentRes.xml."""
    res = '<ofd:Res ' + OFD_NS + ' BaseLoc="Res">'
    parts: dict[str, str | bytes] = {
        "OFD.xml": f'<ofd:OFD {OFD_NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>'
        f'{hashlib.md5(repr(pages).encode()).hexdigest()}</ofd:DocID><ofd:Creator>xunjian demo</ofd:Creator>'
        '</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>',
        "Doc_0/Document.xml": f'<ofd:Document {OFD_NS}><ofd:CommonData><ofd:MaxUnitID>{max_unit}</ofd:MaxUnitID>'
        '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml'
        '</ofd:PublicRes><ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData><ofd:Pages>' + "".join(
            f'<ofd:Page ID="{page}" BaseLoc="Pages/Page_{n}/Content.xml"/>' for n, (page, _) in enumerate(pages))
        + "</ofd:Pages></ofd:Document>",
        "Doc_0/PublicRes.xml": res + '<ofd:Fonts><ofd:Font ID="1" FontName="宋体" FamilyName="宋体"/></ofd:Fonts>'
        "</ofd:Res>",
        "Doc_0/DocumentRes.xml": res + media + "</ofd:Res>",
    }
    for n, (_, layer) in enumerate(pages):
        parts[f"Doc_0/Pages/Page_{n}/Content.xml"] = f'<ofd:Page {OFD_NS}><ofd:Content>{layer}</ofd:Content></ofd:Page>'
    return package({**parts, **(files or {})})


# --- OLE compound files ([MS-CFB], version 3) -----------------------------------------

def _entry(name: str, kind: int, start: int, size: int, left: int = FREE, right: int = FREE,
           child: int = FREE) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBB3I", len(encoded), kind, 1, left, right, child)
            + b"\x00" * 36 + struct.pack("<IIi", start, size, 0))


def compound_file(streams: dict[str, bytes]) -> bytes:
    """An OLE compound file holding `streams` at its root. Each stream is padded to 4096 bytes
    (the mini-stream cutoff), so all live in regular 512-byte sectors."""
    body, fat, placed = bytearray(), [], []
    for name, data in streams.items():
        data = data.ljust(4096, b"\x00")
        start, count = len(body) // 512, -(-len(data) // 512)
        body += data.ljust(count * 512, b"\x00")
        fat += list(range(start + 1, start + count)) + [END_OF_CHAIN]
        placed.append((name, start, len(data)))
    # Directory: the root, then the streams as a balanced tree in CFB name order.
    order = sorted(range(len(placed)), key=lambda i: (len(placed[i][0]), placed[i][0].upper()))
    links: dict[int, tuple[int, int]] = {}

    def tree(ids: list[int]) -> int:
        if not ids:
            return FREE
        middle = len(ids) // 2
        links[ids[middle]] = (tree(ids[:middle]), tree(ids[middle + 1:]))
        return ids[middle] + 1

    root_child = tree(order)
    directory = _entry("Root Entry", 5, END_OF_CHAIN, 0, child=root_child)
    for index, (name, start, size) in enumerate(placed):
        directory += _entry(name, 2, start, size, *links[index])
    directory = directory.ljust(-(-len(directory) // 512) * 512, b"\x00")
    dir_start, dir_count = len(body) // 512, len(directory) // 512
    body += directory
    fat += list(range(dir_start + 1, dir_start + dir_count)) + [END_OF_CHAIN]
    fat_start = len(body) // 512
    fat_count = -(-(len(fat) + 1) // 128)
    while -(-(len(fat) + fat_count) // 128) > fat_count:
        fat_count += 1
    fat += [FAT_SECTOR] * fat_count
    fat += [FREE] * (fat_count * 128 - len(fat))
    body += struct.pack("<%dI" % len(fat), *fat)
    difat = [fat_start + i for i in range(fat_count)] + [FREE] * (109 - fat_count)
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\x00" * 6 + struct.pack("<IIIIIIIII", 0, fat_count, dir_start, 0, 4096, END_OF_CHAIN, 0,
                                           END_OF_CHAIN, 0) + struct.pack("<109I", *difat))
    return header + bytes(body)


def word_doc(paragraphs: list[str]) -> bytes:
    """A Word 97-2003 .doc of plain paragraphs (UTF-16 text in one piece)."""
    text = "".join(p + "\r" for p in paragraphs).encode("utf-16-le")
    text_at = 0x800
    fib = bytearray(text_at)
    struct.pack_into("<HHHH", fib, 0, 0xA5EC, 0x00C1, 0, 0x0804)
    struct.pack_into("<H", fib, 0x0A, 0x0200 | 0x1000)      # fWhichTblStm (1Table), fExtChar
    struct.pack_into("<H", fib, 0x0C, 0x00BF)
    struct.pack_into("<H", fib, 0x20, 14)                    # csw
    struct.pack_into("<H", fib, 0x3E, 22)                    # cslw
    struct.pack_into("<I", fib, 0x40, text_at + len(text))   # cbMac
    struct.pack_into("<I", fib, 0x4C, len(text) // 2)        # ccpText
    struct.pack_into("<H", fib, 0x98, 0x5D)                  # cbRgFcLcb (Word 97)
    clx = b"\x02" + struct.pack("<I", 16) + struct.pack("<II", 0, len(text) // 2) + struct.pack("<HIH", 0, text_at, 0)
    struct.pack_into("<II", fib, 0x9A + 33 * 8, 0, len(clx))  # fcClx, lcbClx (the CLX starts the table)
    return compound_file({"WordDocument": bytes(fib) + text, "1Table": clx})


def legacy_ppt(slides: list[list[str]]) -> bytes:
    """A PowerPoint 97-2003 .ppt: a Document container, then one Slide container per slide, each
    holding its paragraphs as a TextCharsAtom (UTF-16). Enough for text extraction."""
    def record(version: int, kind: int, data: bytes) -> bytes:
        return struct.pack("<HHI", version, kind, len(data)) + data

    body = record(0x0F, 0x03E8, record(0x01, 0x03E9, b"\x00" * 40))     # Document { DocumentAtom }
    for paragraphs in slides:
        text = "\r".join(paragraphs).encode("utf-16-le")
        body += record(0x0F, 0x03EE, record(0x02, 0x03EF, b"\x00" * 24) + record(0x00, 0x0FA0, text))
    return compound_file({"PowerPoint Document": body, "Current User": b"\x14\x00\x00\x00"})


def _record(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _xl_string(text: str, wide_count: bool) -> bytes:
    encoded = text.encode("utf-16-le")
    return struct.pack("<HB" if wide_count else "<BB", len(text), 1) + encoded


def workbook(rows: list[list[str]], sheet: str = "Sheet1") -> bytes:
    """An Excel 97-2003 .xls (BIFF8) with one sheet of text cells."""
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)
    sheet_bof = struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 6)
    cells = b"".join(_record(0x0204, struct.pack("<HHH", r, c, 0x0F) + _xl_string(value, True))
                     for r, row in enumerate(rows) for c, value in enumerate(row))
    width = max((len(row) for row in rows), default=0)
    sheet_stream = (_record(0x0809, sheet_bof) + _record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
                    + cells + _record(0x000A, b""))
    def globals_(offset: int) -> bytes:
        return (_record(0x0809, bof) + _record(0x0042, struct.pack("<H", 1200))
                + _record(0x0085, struct.pack("<IBB", offset, 0, 0) + _xl_string(sheet, False)) + _record(0x000A, b""))
    head = globals_(0)
    return compound_file({"Workbook": globals_(len(head)) + sheet_stream})
