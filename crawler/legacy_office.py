"""Text of legacy Word documents (.doc, and WPS .wps in the same binary format) and PowerPoint 97-2003
presentations (.ppt, and WPS .dps in the same format), standard library only.

A .doc is an OLE compound file ([MS-CFB]) whose "WordDocument" stream starts with the File
Information Block ([MS-DOC] 2.5); the FIB points at the piece table (CLX) in the "0Table" or
"1Table" stream, which says where each run of text lies: UTF-16LE, or 8-bit (cp1252) when the
piece is "compressed". Only the text is read, never formatting; fields keep their result and
lose their instruction (HYPERLINK "…"), table cells become tabs and rows lines.

A .ppt's "PowerPoint Document" stream is a tree of records ([MS-PPT] 2.3.1): containers (version
0xF) hold records, and the slides' text stands in TextCharsAtom (UTF-16LE) and TextBytesAtom
(8-bit, the low byte of each UTF-16 unit) records; slides are the SlideContainer records.

Every offset read is checked against the data: a broken file raises OleError, never loops
(sector chains are followed at most once per sector).
"""

from __future__ import annotations

import re
import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
LAST_SECTOR = 0xFFFFFFFA          # larger values: end of chain, free, FAT or DIFAT sector
NO_STREAM = 0xFFFFFFFF
FIELD_CODE = re.compile(r"\x13[^\x13\x14\x15]*\x14([^\x13\x14\x15]*)\x15|\x13[^\x13\x14\x15]*\x15")


class OleError(ValueError):
    """Not a readable compound file, or no Word text in it. `streams`: the root-level stream
    names when the container itself was readable (e.g. an Excel "Workbook"), else empty."""

    def __init__(self, message: str, streams: set[str] | None = None):
        super().__init__(message)
        self.streams = streams or set()


def _u16(data: bytes, offset: int) -> int:
    if offset + 2 > len(data):
        raise OleError("数据不完整")
    return struct.unpack_from("<H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    if offset + 4 > len(data):
        raise OleError("数据不完整")
    return struct.unpack_from("<I", data, offset)[0]


class CompoundFile:
    """The root-level streams of an OLE compound file (v3 or v4 sectors)."""

    def __init__(self, data: bytes):
        if data[:8] != MAGIC or len(data) < 512:
            raise OleError("不是 OLE 复合文档")
        self.data = data
        self.size = 1 << _u16(data, 0x1E)
        self.mini_size = 1 << _u16(data, 0x20)
        if self.size not in (512, 4096) or self.mini_size != 64:
            raise OleError("扇区大小无效")
        self.cutoff = _u32(data, 0x38)
        difat = list(struct.unpack_from("<109I", data, 0x4C))
        sector, seen = _u32(data, 0x44), set()
        while sector < LAST_SECTOR:          # DIFAT sectors beyond the header's 109 entries
            if sector in seen:
                raise OleError("DIFAT 链循环")
            seen.add(sector)
            values = struct.unpack("<%dI" % (self.size // 4), self._sector(sector))
            difat += values[:-1]
            sector = values[-1]
        self.fat: list[int] = []
        for sector in difat[:_u32(data, 0x2C)]:
            if sector < LAST_SECTOR:
                self.fat += struct.unpack("<%dI" % (self.size // 4), self._sector(sector))
        directory = self._chain(_u32(data, 0x30), self.fat, self._sector)
        self.entries = [directory[i:i + 128] for i in range(0, len(directory) - 127, 128)]
        if not self.entries:
            raise OleError("目录为空")
        root = self.entries[0]
        self.mini_stream = self._chain(_u32(root, 0x74), self.fat, self._sector)[:_u32(root, 0x78)]
        minifat = self._chain(_u32(data, 0x3C), self.fat, self._sector)
        self.minifat = list(struct.unpack("<%dI" % (len(minifat) // 4), minifat))
        self.streams = self._root_streams(_u32(root, 0x4C))

    def _sector(self, number: int) -> bytes:
        start = (number + 1) * self.size
        if start >= len(self.data):
            raise OleError("扇区超出文件范围")
        return self.data[start:start + self.size]

    def _mini_sector(self, number: int) -> bytes:
        start = number * self.mini_size
        if start >= len(self.mini_stream):
            raise OleError("小扇区超出范围")
        return self.mini_stream[start:start + self.mini_size]

    @staticmethod
    def _chain(start: int, table: list[int], read) -> bytes:
        parts, seen = [], set()
        while start < LAST_SECTOR:
            if start in seen or start >= len(table):
                raise OleError("扇区链损坏")
            seen.add(start)
            parts.append(read(start))
            start = table[start]
        return b"".join(parts)

    def _root_streams(self, first: int) -> dict[str, tuple[int, int]]:
        """name -> (start sector, size) of the streams directly under the root storage."""
        found, todo, seen = {}, [first], set()
        while todo:
            index = todo.pop()
            if index == NO_STREAM or index in seen or index >= len(self.entries):
                continue
            seen.add(index)
            entry = self.entries[index]
            todo += [_u32(entry, 0x44), _u32(entry, 0x48)]       # left and right siblings
            length = min(_u16(entry, 0x40), 64)
            name = entry[:max(length - 2, 0)].decode("utf-16-le", "replace")
            if entry[0x42] == 2:                                   # a stream (not a storage)
                found[name] = (_u32(entry, 0x74), _u32(entry, 0x78))
        return found

    def read(self, name: str) -> bytes:
        """A root-level stream's bytes."""
        start, size = self.streams[name]
        if size < self.cutoff:
            return self._chain(start, self.minifat, self._mini_sector)[:size]
        return self._chain(start, self.fat, self._sector)[:size]


def word_text(data: bytes, max_chars: int) -> tuple[str, bool]:
    """(text, encrypted) of a Word 97-2003 binary document; OleError when it is not one."""
    ole = CompoundFile(data)
    if "WordDocument" not in ole.streams:
        raise OleError("没有 WordDocument 数据流", set(ole.streams) or {"-"})
    doc = ole.read("WordDocument")
    if _u16(doc, 0) != 0xA5EC:
        raise OleError("WordDocument 数据流标识无效")
    flags = _u16(doc, 0x0A)
    if flags & 0x0100:                      # fEncrypted
        return "", True
    table_name = "1Table" if flags & 0x0200 else "0Table"
    if table_name not in ole.streams:
        raise OleError(f"缺少 {table_name} 数据流")
    table = ole.read(table_name)
    # FibBase (32 bytes), then csw 16-bit words, cslw 32-bit longs, cbRgFcLcb (fc, lcb) pairs.
    offset = 0x20
    offset += 2 + 2 * _u16(doc, offset)
    offset += 2 + 4 * _u16(doc, offset)
    if _u16(doc, offset) <= 33:
        raise OleError("文件信息块过短")
    fc_clx, lcb_clx = _u32(doc, offset + 2 + 33 * 8), _u32(doc, offset + 2 + 33 * 8 + 4)
    clx = table[fc_clx:fc_clx + lcb_clx]
    if len(clx) != lcb_clx or not clx:
        raise OleError("片段表超出范围")
    position = 0
    while position < len(clx) and clx[position] == 1:       # Prc: formatting, skipped
        position += 3 + _u16(clx, position + 1)
    if position >= len(clx) or clx[position] != 2:
        raise OleError("片段表无效")
    size = _u32(clx, position + 1)
    plc = clx[position + 5:position + 5 + size]
    count = (len(plc) - 4) // 12
    if count <= 0:
        raise OleError("片段表为空")
    cps = struct.unpack_from("<%dI" % (count + 1), plc, 0)
    parts, total = [], 0
    for index in range(count):
        length = cps[index + 1] - cps[index]
        if length <= 0:
            continue
        length = min(length, max_chars - total)
        fc = _u32(plc, 4 * (count + 1) + 8 * index + 2)
        if fc & 0x40000000:                 # compressed: one byte per character
            start = (fc & 0x3FFFFFFF) // 2
            parts.append(doc[start:start + length].decode("cp1252", "replace"))
        else:
            parts.append(doc[fc:fc + 2 * length].decode("utf-16-le", "replace"))
        total += length
        if total >= max_chars:
            break
    return _plain("".join(parts)), False


def _plain(text: str) -> str:
    """Word's control characters as plain text: fields by their result, cells by tabs."""
    for _ in range(8):                      # nested fields, innermost first
        replaced = FIELD_CODE.sub(lambda m: m.group(1) or "", text)
        if replaced == text:
            break
        text = replaced
    text = text.replace("\x07\r", "\n").replace("\x07\x07", "\n").replace("\x07", "\t")
    text = re.sub(r"[\r\x0b\x0c\x0e]", "\n", text)
    return re.sub(r"[\x00-\x08\x0f-\x1f]", "", text)


SLIDE = 0x03EE
TEXT_CHARS = 0x0FA0
TEXT_BYTES = 0x0FA8


def presentation_text(data: bytes, max_chars: int) -> tuple[str, int]:
    """(text, slides) of a PowerPoint 97-2003 binary presentation; OleError when it is not one.

    Each text record is one line (a text box's paragraphs split on its carriage returns)."""
    ole = CompoundFile(data)
    if "PowerPoint Document" not in ole.streams:
        raise OleError("没有 PowerPoint Document 数据流", set(ole.streams) or {"-"})
    stream = ole.read("PowerPoint Document")
    lines: list[str] = []
    slides = chars = 0
    offset, end = 0, len(stream)
    while offset + 8 <= end and chars < max_chars:
        version_instance, kind, length = struct.unpack_from("<HHI", stream, offset)
        offset += 8
        if version_instance & 0x0F == 0x0F:          # a container: its records follow in place
            slides += kind == SLIDE
            continue
        if offset + length > end:
            break                                    # a truncated last record: keep what was read
        if kind == TEXT_CHARS:
            text = stream[offset:offset + length].decode("utf-16-le", "replace")
        elif kind == TEXT_BYTES:
            text = stream[offset:offset + length].decode("latin-1")
        else:
            text = ""
        if text:
            lines += text.replace("\x0b", "\r").split("\r")
            chars += len(text)
        offset += length
    return "\n".join(lines), slides
