"""layout.garbled: mojibake and replacement characters in page text."""

from __future__ import annotations

import codecs
import re
from itertools import chain
from typing import Iterator

from checks.finding import finding
from xunjian.store import decompress_text

# Classic signatures: GBK-decoded 0xEF 0xBF 0xBD (锟斤拷), MSVC fill bytes (烫烫 / 屯屯).
SIGNATURES = re.compile(r"锟斤拷|斤拷锟|烫烫烫|屯屯屯|\ufffd+")
# Runs worth trying to re-decode: CJK/full-width mixtures (UTF-8 read as GBK) and
# Latin-1 runs (UTF-8 read as Latin-1/cp1252).
# A run may hold single spaces: page text collapses whitespace, and the ideographic space (GBK
# A1 A1, two bytes of many a UTF-8 character) comes out as " " (草畜平衡 read as GBK holds one).
_CJK = (r"[\u0391-\u03c9\u0401-\u0451\u00b7\u2010-\u2642\u3000-\u33ff\u3400-\u9fff"
        r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
CJK_RUN = re.compile(_CJK + r"(?:" + _CJK + r"| (?=" + _CJK + r")){3,}")
_CP1252 = r"\u0080-\u00ff\u2013-\u203a\u20ac\u2122\u0152-\u0192\u02c6-\u02dc"
# A no-break space (0xA0, a continuation byte of many a UTF-8 character) comes out of page text as " ".
LATIN_RUN = re.compile(r"[\u00c0-\u00ff][" + _CP1252 + r" ]{2,}(?:[\u00c0-\u00ff][" + _CP1252 + r" ]+)*")
HAN = re.compile(r"[\u4e00-\u9fff]")


def _c1_passthrough(error: UnicodeEncodeError) -> tuple[bytes, int]:
    # Browsers decode windows-1252's five undefined bytes as C1 controls: map them back.
    chunk = error.object[error.start:error.end]
    if all(ord(c) < 256 for c in chunk):
        return bytes(ord(c) for c in chunk), error.end
    raise error


codecs.register_error("xunjian-c1", _c1_passthrough)


def _c1_or_drop(error: UnicodeEncodeError) -> tuple[bytes, int]:
    # For the whole-text screen: C1 controls back to their bytes, anything else left out.
    chunk = error.object[error.start:error.end]
    return bytes(ord(c) for c in chunk if ord(c) < 256), error.end


codecs.register_error("xunjian-c1-drop", _c1_or_drop)


# Re-read as UTF-8, mojibake gives a clean stretch of Chinese; real Chinese text gives
# U+FFFD almost everywhere (four valid 3-byte sequences in a row, all in the Han block, is about 1e-9 by chance).
CLEAN_STRETCH = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]{4,}")


def _mojibake(run: str, wrong: str) -> tuple[int, str, str] | None:
    """(offset in run, mojibake, meant text) if part of `run` is UTF-8 bytes read as `wrong`."""
    # A collapsed ideographic space (CJK_RUN) or no-break space (LATIN_RUN).
    run = run.replace(" ", "\u00a0" if wrong == "cp1252" else "\u3000")
    try:
        raw = run.encode(wrong, errors="xunjian-c1")
    except UnicodeEncodeError:
        return None
    match = CLEAN_STRETCH.search(raw.decode("utf-8", errors="replace"))
    if not match or len(HAN.findall(match.group(0))) < 4:
        return None
    meant = match.group(0)
    begin = raw.find(meant.encode("utf-8"))
    if begin < 0:
        return None
    end, position, first, last = begin + len(meant.encode("utf-8")), 0, None, len(run)
    for index, char in enumerate(run):  # map the byte range back to characters
        width = len(char.encode(wrong, errors="xunjian-c1"))
        if first is None and position + width > begin:
            first = index
        position += width
        if position >= end:
            last = index + 1
            break
    first = first or 0
    return first, run[first:last], meant


def _could_be_mojibake(text: str, wrong: str) -> bool:
    """One pass over the whole text: does re-reading it as UTF-8 give a clean Chinese stretch?"""
    if wrong != "cp1252":
        text = text.replace(" ", "\u3000")
    raw = text.encode(wrong, errors="xunjian-c1-drop" if wrong == "cp1252" else "strict")
    return CLEAN_STRETCH.search(raw.decode("utf-8", errors="replace")) is not None


# UTF-8 read as cp1252 and then saved through a legacy code page: the five bytes cp1252 leaves
# undefined (0x81 0x8D 0x8F 0x90 0x9D) became "?", so no four characters in a row decode cleanly.
# Every Chinese character's lead byte (0xE4-0xE9: ä å æ ç è é) survives, and "?" stands only
# for a continuation byte.
LOSSY_RUN = re.compile(r"[\u00e4-\u00e9][" + _CP1252 + r"? ]{2}(?:[\u00e4-\u00e9][" + _CP1252 + r"? ]{2}){3,}")
LOSSY_LEADS = frozenset("äåæçèé")


def _lossy_cp1252(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, mojibake, what it reads with "?" for what was lost) for cp1252 mojibake with lost bytes."""
    for match in LOSSY_RUN.finditer(text):
        run = match.group(0)
        if "?" not in run:
            continue            # whole: the exact re-decoding finds it
        meant = run.replace(" ", "\u00a0").encode("cp1252", errors="xunjian-c1-drop").decode("utf-8", errors="replace")
        # Four characters' lead bytes or more, three of them read whole (香?产业: 菇 lost a byte).
        if len(HAN.findall(meant)) >= 3:
            yield match.start(), run, meant.replace("\ufffd", "?")


# UTF-8 read as GBK and saved again: bytes GBK could not pair became "?", which cuts the clean
# stretches short (沿边公路建设 reads 沿边�?�?建�?�). Real Chinese re-read this way gives a Han
# character at under one byte position in a hundred; mojibake gives one for every one and a half
# characters of the run, minus what was lost. A run is cut at the sentence punctuation real text
# puts around it (。，、：；！？).
LOSSY_GBK_REACH = 4        # characters of mojibake read before the first lost byte
LOSSY_GBK_RUN = re.compile(r"[\u3003-\u33ff\u3400-\u9fff\ufe30-\ufe4f\uff02-\uff0b\uff0d-\uff19\uff1c-\uff1e"
                           r"\uff20-\uffef?]{6,}")


def _lossy_gbk(text: str) -> Iterator[tuple[int, str, str]]:
    """(offset, mojibake, what it reads with "?" for what was lost) for GBK mojibake with lost bytes."""
    for match in LOSSY_GBK_RUN.finditer(text):
        lost = [i for i, char in enumerate(match.group(0)) if char == "?"]
        if not lost:
            continue
        # Real text may run on into the mojibake with no punctuation between: judge only the
        # stretch around the lost bytes (a piece between two of them is a few characters long).
        # Where the stretch begins may cut a character's bytes: of the three ways to begin, the
        # one that reads the most Han characters.
        whole = match.group(0)
        last = min(len(whole), lost[-1] + 2)
        readings = [(first, whole[first:last].encode("gb18030").decode("utf-8", errors="replace"))
                    for first in {max(0, lost[0] - LOSSY_GBK_REACH - k) for k in (0, 1, 2)}]
        first, meant = max(readings, key=lambda reading: (len(HAN.findall(reading[1])), reading[0]))
        han, run = len(HAN.findall(meant)), whole[first:last]
        # Counted over what was not lost: a run that lost a byte of most characters (国家通用语言
        # 文字培训班开班 lost one of eight) reads few whole characters, but none of its "?" can be read.
        if han >= 4 and 4 * han >= len(run) - run.count("?"):
            yield match.start() + first, run, re.sub("[\ufffd?]+", "?", meant)


def garbled_spans(text: str) -> Iterator[tuple[int, str, str | None]]:
    """(offset, garbled text, what it should read if known) for every garbled span in `text`."""
    for match in SIGNATURES.finditer(text):
        yield match.start(), match.group(0), None
    exact: list[tuple[int, int]] = []
    # Locating mojibake run by run is costly; one pass over the whole text rules most pages out.
    for runs, wrong in ((CJK_RUN, "gb18030"), (LATIN_RUN, "cp1252")):
        if not _could_be_mojibake(text, wrong):
            continue
        for match in runs.finditer(text):
            found = _mojibake(match.group(0), wrong)
            if found:
                start, end = match.start() + found[0], match.start() + found[0] + len(found[1])
                exact.append((start, end))
                yield start, text[start:end], found[2]
    if "?" in text:
        lossy = _lossy_gbk(text) if LOSSY_LEADS.isdisjoint(text) else chain(_lossy_cp1252(text), _lossy_gbk(text))
        for offset, run, meant in lossy:
            if not any(start < offset + len(run) and offset < end for start, end in exact):
                yield offset, run, meant


def context(text: str, offset: int, length: int, width: int = 12) -> str:
    """The garbled span with a little text around it, on one line."""
    start, end = max(offset - width, 0), min(offset + length + width, len(text))
    return " ".join(text[start:end].split())


def garbled_pages(ctx):
    """layout.garbled: one finding per page whose text shows mojibake or replacement characters."""
    db, run, sites = ctx.db, ctx.run, ctx.sites
    for row in db.query("select site, url, title, text from pages where run = ? order by url", [run]):
        if row["site"] not in sites:
            continue
        text = decompress_text(row["text"])
        spans = list(garbled_spans(text))
        if not spans:
            continue
        offset, bad, meant = spans[0]
        detail = f"页面文字出现乱码（{len(spans)} 处），请检查页面编码声明与内容编码是否一致"
        yield finding("layout.garbled", row["site"], row["url"], evidence=bad[:60], suggestion=meant,
                      detail=detail, key=(), context=context(text, offset, len(bad)), count=len(spans))
