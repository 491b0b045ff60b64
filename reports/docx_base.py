"""An official document (公文) after GB/T 9704-2012, written with python-docx.

A4; 版心 156 × 225 mm (top margin 37 mm, left 28 mm); body in 3号仿宋_GB2312, 22 lines a
page; title in 2号小标宋; headings 一、 in 黑体 and （一） in 楷体; page numbers 4号宋体
"— 1 —", right on odd pages and left on even ones. Each run names its East Asian font
(w:eastAsia) so Word and WPS pick the Chinese face, and its Western font for digits.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.docx_xml import (  # noqa: F401  (SIZE_* and fonts are re-exported for the documents)
    BODY_FONT, CHAR, HEI_FONT, KAI_FONT, LINE, RED, SIZE_2, SIZE_3, SIZE_4, SIZE_5, SIZE_S4, SIZE_S5, TEXT_WIDTH_PT,
    TITLE_FONT, WESTERN_FONT, _page_field, _paragraph_format, add_hyperlink, set_font, text_width)


class OfficialDocument:
    """Build a 公文 paragraph by paragraph; `save` writes it with fixed core properties."""

    def __init__(self, title: str, issuer: str, date: dt.date, draft_note: str | None = None):
        self.doc = Document()
        self.title_text, self.issuer, self.date = title, issuer, date
        self._styles()
        section = self.doc.sections[0]
        self._page_setup(section)
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._footers(section)
        if draft_note:
            section.different_first_page_header_footer = True
            header = section.first_page_header.paragraphs[0]
            _paragraph_format(header, align=WD_ALIGN_PARAGRAPH.RIGHT, exact=None)
            set_font(header.add_run(draft_note), KAI_FONT, SIZE_5, colour=RED)
            _page_field(section.first_page_footer.paragraphs[0])
            self._footer_odd(section.first_page_footer.paragraphs[0], add=False)

    # --- page, styles, footers ---------------------------------------------------------
    def _styles(self) -> None:
        normal = self.doc.styles["Normal"]
        normal.font.name = WESTERN_FONT
        normal.font.size = SIZE_3
        rpr = normal.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        rpr.append(lang)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.space_before = fmt.space_after = Pt(0)

    @staticmethod
    def _page_setup(section, landscape: bool = False) -> None:
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
        if landscape:   # the same 版心 turned: 225 × 156 mm
            section.top_margin, section.bottom_margin = Mm(28), Mm(26)
            section.left_margin, section.right_margin = Mm(37), Mm(35)
        else:
            section.top_margin, section.bottom_margin = Mm(37), Mm(35)
            section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.header_distance = Mm(15)
        section.footer_distance = Mm(21)     # page number 7 mm below the 版心

    def _footer_odd(self, paragraph, add: bool = True) -> None:
        _paragraph_format(paragraph, align=WD_ALIGN_PARAGRAPH.RIGHT, exact=None)
        paragraph.paragraph_format.right_indent = Pt(14)
        if add:
            _page_field(paragraph)

    def _footers(self, section) -> None:
        self._footer_odd(section.footer.paragraphs[0])
        even = section.even_page_footer.paragraphs[0]
        _paragraph_format(even, align=WD_ALIGN_PARAGRAPH.LEFT, exact=None)
        even.paragraph_format.left_indent = Pt(14)
        _page_field(even)

    # --- 版头 and title ------------------------------------------------------------------
    def red_header(self, mark: str, number: str | None) -> None:
        """版头: the issuer's mark in red, the document number, and the red rule under it."""
        size = Pt(min(40, int(TEXT_WIDTH_PT * 0.92 / max(text_width(mark), 1))))
        p = self.doc.add_paragraph()
        _paragraph_format(p, align=WD_ALIGN_PARAGRAPH.CENTER, exact=None, before=Pt(42))
        p.paragraph_format.space_after = Pt(2 * LINE.pt)
        set_font(p.add_run(mark), TITLE_FONT, size, colour=RED)
        number_p = self.doc.add_paragraph()
        _paragraph_format(number_p, align=WD_ALIGN_PARAGRAPH.CENTER)
        set_font(number_p.add_run(number or ""), BODY_FONT)
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "11"), ("w:color", "E60012")):
            bottom.set(qn(key), value)
        border.append(bottom)
        number_p._p.get_or_add_pPr().append(border)
        self.blank(2)

    def title(self, lines: list[str]) -> None:
        """The title in 2号小标宋, centred, broken where the meaning allows."""
        for line in lines:
            p = self.doc.add_paragraph()
            _paragraph_format(p, align=WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(35))
            set_font(p.add_run(line), TITLE_FONT, SIZE_2)
        self.blank()

    def blank(self, count: int = 1) -> None:
        for _ in range(count):
            _paragraph_format(self.doc.add_paragraph(), exact=LINE)

    # --- body --------------------------------------------------------------------------
    def recipients(self, text: str) -> None:
        p = self.doc.add_paragraph()
        _paragraph_format(p, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        set_font(p.add_run(text.rstrip("：:") + "："), BODY_FONT)

    def para(self, *parts: str | tuple[str, str], indent: bool = True, align=WD_ALIGN_PARAGRAPH.JUSTIFY):
        """A body paragraph; a part may be (text, "kai"|"hei"|"bold") to style a lead-in."""
        p = self.doc.add_paragraph()
        _paragraph_format(p, align=align, indent=indent)
        for part in parts:
            text, style = (part, "") if isinstance(part, str) else part
            font = {"kai": KAI_FONT, "hei": HEI_FONT}.get(style, BODY_FONT)
            set_font(p.add_run(text), font, bold=style == "bold")
        return p

    def heading1(self, text: str) -> None:
        """一、…… in 黑体, kept on the page of what follows."""
        self.para((text, "hei")).paragraph_format.keep_with_next = True

    def heading2(self, head: str, body: str = "") -> None:
        """（一）…… in 楷体, the rest of the paragraph in 仿宋."""
        self.para((head, "kai"), body) if body else self.para((head, "kai"))

    def picture(self, png: bytes, width_mm: float = 150, caption: str | None = None) -> None:
        p = self.doc.add_paragraph()
        _paragraph_format(p, align=WD_ALIGN_PARAGRAPH.CENTER, exact=None, before=6, after=0)
        p.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
        if caption:
            c = self.doc.add_paragraph()
            _paragraph_format(c, align=WD_ALIGN_PARAGRAPH.CENTER, exact=None, after=6)
            set_font(c.add_run(caption), KAI_FONT, SIZE_S4)

    def table(self, headers: list[str], rows: list[list], widths_mm: list[float], size=SIZE_5,
              merge_first: bool = False) -> None:
        """A ruled table: bold 黑体 header repeated on each page, fixed column widths.

        A cell may be a string, or a list of (text, url|None) pieces (a url becomes a link),
        or a dict {"image": png bytes, "width": mm, "text": …}."""
        table = self.doc.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        table._tbl.tblPr.append(layout)
        for column, width in zip(table.columns, widths_mm):
            column.width = Mm(width)
        header = table.rows[0]
        header_pr = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        header_pr.append(repeat)
        for cell, text, width in zip(header.cells, headers, widths_mm):
            cell.width = Mm(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            _paragraph_format(p, align=WD_ALIGN_PARAGRAPH.CENTER, exact=None)
            set_font(p.add_run(text), HEI_FONT, size)
        for row in rows:
            cells = table.add_row().cells
            for cell, value, width in zip(cells, row, widths_mm):
                cell.width = Mm(width)
                self._cell(cell, value, size)
        if merge_first:
            self._merge_runs(table)
        gap = self.doc.add_paragraph()
        _paragraph_format(gap, exact=None, after=4)

    @staticmethod
    def _cell(cell, value, size) -> None:
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        _paragraph_format(p, align=WD_ALIGN_PARAGRAPH.LEFT, exact=None)
        if isinstance(value, dict):
            if value.get("text"):
                set_font(p.add_run(value["text"]), BODY_FONT, size)
            if value.get("image"):
                pic = cell.add_paragraph()
                _paragraph_format(pic, exact=None)
                pic.add_run().add_picture(io.BytesIO(value["image"]), width=Mm(value.get("width", 30)))
            return
        if isinstance(value, list):
            for text, url in value:
                if url:
                    add_hyperlink(p, url, text, size)
                else:
                    set_font(p.add_run(text), BODY_FONT, size)
            return
        text = "" if value is None else str(value)
        if len(text) <= 10:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_font(p.add_run(text), BODY_FONT, size)

    @staticmethod
    def _merge_runs(table) -> None:
        """Merge equal consecutive cells of the first column (a site's block of rows)."""
        rows = table.rows[1:]
        start = 0
        for index in range(1, len(rows) + 1):
            if index == len(rows) or rows[index].cells[0].text != rows[start].cells[0].text:
                if index - start > 1:
                    keep = rows[start].cells[0].text
                    merged = rows[start].cells[0].merge(rows[index - 1].cells[0])
                    for p in merged.paragraphs[1:]:
                        p._p.getparent().remove(p._p)
                    merged.paragraphs[0].runs[0].text = keep
                    for run in merged.paragraphs[0].runs[1:]:
                        run.text = ""
                start = index

    def attachments(self, names: list[str]) -> None:
        """附件：1. …  (one line below the body, two characters in; later ones aligned)."""
        self.blank()
        for n, name in enumerate(names, 1):
            label = "附件：" if n == 1 else ""
            p = self.doc.add_paragraph()
            _paragraph_format(p, align=WD_ALIGN_PARAGRAPH.LEFT)
            p.paragraph_format.left_indent = Pt(2 * CHAR + (0 if n == 1 else 3 * CHAR))
            number = f"{n}. " if len(names) > 1 else ""
            set_font(p.add_run(f"{label}{number}{name}"), BODY_FONT)

    def signature(self, issuer: str | None = None, date: dt.date | None = None) -> None:
        """发文机关署名 two characters from the right, the date below starting two characters further right."""
        from reports.workdays import zh_date

        issuer, date = issuer or self.issuer, date or self.date
        date_text = zh_date(date)
        w_issuer, w_date = text_width(issuer) * CHAR, text_width(date_text) * CHAR
        start = TEXT_WIDTH_PT - 2 * CHAR - w_issuer
        overflow = start + 2 * CHAR + w_date - (TEXT_WIDTH_PT - 2 * CHAR)
        if overflow > 0:
            start -= overflow
        self.blank(2)
        for text, left in ((issuer, start), (date_text, start + 2 * CHAR)):
            p = self.doc.add_paragraph()
            _paragraph_format(p, align=WD_ALIGN_PARAGRAPH.LEFT)
            p.paragraph_format.left_indent = Pt(max(left, 0))
            set_font(p.add_run(text), BODY_FONT)

    def note(self, text: str) -> None:
        """（联系人：……）-style line under the date, two characters in."""
        p = self.para(text)
        p.paragraph_format.first_line_indent = Pt(2 * CHAR)

    def page_break(self) -> None:
        p = self.doc.add_paragraph()
        _paragraph_format(p, exact=None)
        p.add_run().add_break(WD_BREAK.PAGE)

    def attachment_head(self, label: str, title: str, new_page: bool = True) -> None:
        """附件1 (黑体, top left) and the attachment's title (小标宋), on a new page."""
        if new_page:
            self.page_break()
        p = self.doc.add_paragraph()
        _paragraph_format(p, align=WD_ALIGN_PARAGRAPH.LEFT)
        set_font(p.add_run(label), HEI_FONT)
        self.blank()
        t = self.doc.add_paragraph()
        _paragraph_format(t, align=WD_ALIGN_PARAGRAPH.CENTER, exact=Pt(35))
        set_font(t.add_run(title), TITLE_FONT, SIZE_2)
        self.blank()

    def colophon(self, issuer: str | None = None, date: dt.date | None = None) -> None:
        """版记: “清河市人民政府办公室    2026年12月1日印发” between two rules."""
        from reports.workdays import zh_date

        self.blank()
        table = self.doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        borders = OxmlElement("w:tblBorders")
        for edge, size in (("top", "8"), ("bottom", "8")):
            element = OxmlElement(f"w:{edge}")
            for key, value in (("w:val", "single"), ("w:sz", size), ("w:color", "000000")):
                element.set(qn(key), value)
            borders.append(element)
        table._tbl.tblPr.append(borders)
        left, right = table.rows[0].cells
        left.width, right.width = Mm(90), Mm(66)
        for cell, text, align in ((left, issuer or self.issuer, WD_ALIGN_PARAGRAPH.LEFT),
                                  (right, f"{zh_date(date or self.date)}印发", WD_ALIGN_PARAGRAPH.RIGHT)):
            p = cell.paragraphs[0]
            _paragraph_format(p, align=align, exact=None, before=4, after=4)
            set_font(p.add_run(text), BODY_FONT, SIZE_4)

    def landscape_section(self) -> None:
        """Start a landscape section (wide appendix tables); page numbers carry on."""
        from docx.enum.section import WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.different_first_page_header_footer = False
        self._page_setup(section, landscape=True)

    # --- output ------------------------------------------------------------------------
    def save(self, path: Path, subject: str = "", keywords: str = "") -> Path:
        """Write the file; core properties are fixed by the document date (reproducible)."""
        props = self.doc.core_properties
        stamp = dt.datetime.combine(self.date, dt.time(9, 0))
        props.title, props.subject, props.author = self.title_text, subject, self.issuer
        props.last_modified_by, props.keywords, props.comments = self.issuer, keywords, ""
        props.category, props.content_status, props.identifier = "公文", "", ""
        props.language, props.version, props.revision = "zh-CN", "", 1
        props.created = props.modified = props.last_printed = stamp
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        return path
