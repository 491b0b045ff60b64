"""Decode an HTML response body to text the way a browser would, with Chinese sites in mind.

Order: BOM, then the charset in the HTTP Content-Type header, then the first usable
`<meta charset>` / `<meta http-equiv="Content-Type">` in the first 4 KB, then detection
(strict UTF-8, strict GB18030, charset_normalizer, UTF-8 with replacement).

A declared charset is decoded with errors="replace": a page declared UTF-8 that is really
GBK shows U+FFFD, which is a defect a later check reports. GB2312/GBK and friends are
decoded as GB18030, their superset, so characters such as 喆 and 堃 survive.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Decoded", "decode_html", "normalize_charset", "http_charset", "meta_charset"]

PRESCAN_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text, the Python codec name used and where the charset came from.

    `source` is one of "bom", "http", "meta", "detected", "default".
    """

    text: str
    charset: str
    source: str


# Labels mapped before codecs.lookup (which does not know several web labels), following
# the WHATWG Encoding Standard where it matters for real pages.
_LABELS: dict[str, str] = {
    **dict.fromkeys(
        ["gb2312", "gbk", "x-gbk", "gb_2312-80", "gb_2312", "gb2312-80", "cp936", "ms936",
         "windows-936", "euc-cn", "x-euc-cn", "csgb2312", "chinese", "iso-ir-58",
         "csiso58gb231280", "gb18030", "gb-18030", "x-gb18030"], "gb18030"),
    **dict.fromkeys(["big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"], "big5hkscs"),
    **dict.fromkeys(["iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
                     "ansi_x3.4-1968", "iso_8859-1", "cp819", "ibm819", "windows-1252"], "cp1252"),
    **dict.fromkeys(["shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "windows-31j",
                     "csshiftjis"], "cp932"),
    **dict.fromkeys(["euc-kr", "ks_c_5601-1987", "ksc5601", "windows-949", "cseuckr"], "cp949"),
    **dict.fromkeys(["tis-620", "iso-8859-11", "windows-874"], "cp874"),
    **dict.fromkeys(["iso-8859-9", "latin5"], "cp1254"),
    "x-user-defined": "cp1252",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
}
# Codec names after codecs.lookup that are treated as a wider codec.
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "utf-16": "utf-16-le", "latin-1": "cp1252",
          "ascii": "cp1252", "iso8859-1": "cp1252", "big5": "big5hkscs", "shift_jis": "cp932",
          "euc_kr": "cp949"}
# Codecs that are no web encoding; a page declaring them falls through to the next source.
_REJECT = {"utf-7", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined",
           "charmap", "mbcs", "oem", "palmos", "utf_7", "unicode_escape", "raw_unicode_escape"}

_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([^\s"';,]+)""", re.I)
_META_TAG = re.compile(rb"<meta[\s/][^>]*>", re.I)
_META_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([^\s"'/>;]+)""", re.I)
_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.S)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@lru_cache(maxsize=256)
def normalize_charset(label: str | None) -> str | None:
    """Map a declared charset label to a Python codec name, or None when unusable."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if not name or len(name) > 40:
        return None
    name = _LABELS.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # base64, zlib, rot13 ... are no charsets
    codec = info.name
    if codec in _REJECT or codec.replace("-", "_") in _REJECT:
        return None
    return _WIDEN.get(codec, codec)


def http_charset(content_type: str | None) -> str | None:
    """The raw charset label of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _HTTP_CHARSET.search(content_type)
    return match.group(1) if match else None


def meta_charset(body: bytes) -> str | None:
    """The first usable charset declared by a meta tag in the first 4 KB, normalised.

    Meta tags are taken in document order (as a browser's prescan does); comments are
    skipped; an unknown label falls through to the next meta tag. A meta-declared UTF-16
    or UTF-32 means UTF-8 (the bytes could not have been parsed as ASCII otherwise).
    """
    head = body[:PRESCAN_BYTES]
    if b"<!--" in head:
        head = _COMMENT.sub(b"", head)
    for tag in _META_TAG.finditer(head):
        found = _META_CHARSET.search(tag.group(0))
        if not found:
            continue
        codec = normalize_charset(found.group(1).decode("ascii", "replace"))
        if codec is None:
            continue
        if codec.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
            codec = "utf-8"
        return codec
    return None


def _detect(body: bytes) -> Decoded:
    for codec in ("utf-8", "gb18030"):
        try:
            return Decoded(body.decode(codec), codec, "detected")
        except UnicodeDecodeError:
            pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(body).best()
        if best is not None and best.encoding:
            codec = normalize_charset(best.encoding) or "utf-8"
            return Decoded(body.decode(codec, "replace"), codec, "detected")
    except Exception:  # noqa: BLE001 - detection is best effort
        pass
    return Decoded(body.decode("utf-8", "replace"), "utf-8", "default")


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode an HTML body: BOM > HTTP header charset > meta charset > detection."""
    if not body:
        return Decoded("", "utf-8", "default")
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return Decoded(body[len(bom):].decode(codec, "replace"), codec, "bom")
    codec = normalize_charset(http_charset(content_type))
    if codec is not None:
        return Decoded(body.decode(codec, "replace"), codec, "http")
    codec = meta_charset(body)
    if codec is not None:
        return Decoded(body.decode(codec, "replace"), codec, "meta")
    return _detect(body)
