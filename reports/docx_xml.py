"""Low-level python-docx helpers for official documents: fonts, paragraph formats, fields, links."""

from __future__ import annotations

import unicodedata

from docx.enum.text import WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
WESTERN_FONT = "Times New Roman"
RED = RGBColor(0xE6, 0x00, 0x12)

SIZE_2 = Pt(22)       # 二号
SIZE_3 = Pt(16)       # 三号
SIZE_4 = Pt(14)       # 四号
SIZE_S4 = Pt(12)      # 小四
SIZE_5 = Pt(10.5)     # 五号
SIZE_S5 = Pt(9)       # 小五
LINE = Pt(28.95)      # 225 mm / 22 lines
TEXT_WIDTH_PT = 156 / 25.4 * 72          # 版心宽 in points
CHAR = 16.0                               # one 3号 character, in points


def text_width(text: str) -> float:
    """Width in 3号 characters: CJK and full-width count 1, ASCII half."""
    return sum(1.0 if unicodedata.east_asian_width(c) in ("W", "F") else 0.5 for c in text)


def set_font(run, east_asia: str = BODY_FONT, size=SIZE_3, bold: bool = False, colour: RGBColor | None = None,
             western: str = WESTERN_FONT) -> None:
    """Name both the Western and the East Asian font of a run (Word and WPS read w:eastAsia)."""
    run.font.name = western
    run.font.size = size
    if bold:
        run.font.bold = True
    if colour is not None:
        run.font.color.rgb = colour
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:ascii"), western)
    fonts.set(qn("w:hAnsi"), western)
    fonts.set(qn("w:hint"), "eastAsia")


def _paragraph_format(paragraph, *, align=None, indent: bool = False, exact: Pt | None = LINE,
                      before: Pt | float = 0, after: Pt | float = 0) -> None:
    fmt = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if indent:
        fmt.first_line_indent = Pt(2 * CHAR)
    if exact is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = exact
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = Pt(before) if not isinstance(before, Pt) else before
    fmt.space_after = Pt(after) if not isinstance(after, Pt) else after
    fmt.widow_control = True


def _page_field(paragraph, size=SIZE_4) -> None:
    """— PAGE — in 4号 half-width 宋体 digits."""
    def run(text: str | None = None):
        r = paragraph.add_run(text or "")
        set_font(r, SONG_FONT, size, western=SONG_FONT)
        return r

    run("— ")
    begin, instr, separate, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"),
                                   OxmlElement("w:fldChar"), OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    run()._element.append(begin)
    run()._element.append(instr)
    run()._element.append(separate)
    run("1")
    run()._element.append(end)
    run(" —")


def add_hyperlink(paragraph, url: str, text: str, size=SIZE_5, font: str = BODY_FONT) -> None:
    """A clickable link (blue, underlined) to `url` showing `text`."""
    rel = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = paragraph.add_run(text)
    set_font(run, font, size)
    run.font.color.rgb = RGBColor(0x1F, 0x4E, 0x9A)
    run.font.underline = True
    link.append(run._element)
    paragraph._p.append(link)
