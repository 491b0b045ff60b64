"""Documents linked from a site's own pages (PDF, OFD, Word, Excel, PowerPoint, WPS): which to read.

The crawl checks every link target's status as before. A target that is a document we can read
is fetched whole up to the site's `attachment_max_bytes` (0: never): by its URL extension, its
Content-Type or the file name in Content-Disposition. A HEAD that answered 2xx for one is asked
again with GET (the HEAD's status is not recorded twice); a Content-Length over the cap records
the document as `too_large` and nothing more is downloaded; a body without a length is cut at
the cap by the spider's bytes_received handler.

Text extraction (`extract`, crawler/document_text.py) is a pure function of the bytes, bounded
in pages and characters, that never raises: any parser failure becomes state `unreadable` with
the reason. It runs on the store writer's thread (crawler/writer.py), not on the reactor: a
300-page PDF takes seconds to parse, and the row is committed in the same transaction as the
target's outcome, so an interrupted run either has both or neither (`inspect --resume` fetches
it again).

States: ok, scanned (pages without a text layer), encrypted, unreadable (with a reason),
too_large, unsupported (a format we cannot read, e.g. an OLE file of another program).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from crawler import document_text
from crawler.document_text import Extracted
from crawler.scope import Fetch, extension
from xunjian.store import compress, now

# Extensions of documents we read, and their format (WPS Presentation's .dps is PowerPoint 97's
# binary format).
FORMATS = {"pdf": "pdf", "ofd": "ofd", "doc": "doc", "wps": "doc", "docx": "docx", "xls": "xls", "et": "xls",
           "xlsx": "xlsx", "ppt": "ppt", "dps": "ppt", "pptx": "pptx", "rtf": "rtf"}
# Content-Type fragments of those documents (WPS Office sends its own types; OFD: application/ofd).
TYPES = (("pdf", "pdf"), ("wordprocessingml", "docx"), ("spreadsheetml", "xlsx"), ("presentationml", "pptx"),
         ("msword", "doc"), ("ms-excel", "xls"), ("kswps", "doc"), ("wps-office.wps", "doc"),
         ("wps-office.doc", "doc"), ("wps-office.et", "xls"), ("wps-office.xls", "xls"), ("ofd", "ofd"),
         ("rtf", "rtf"), ("ms-powerpoint", "ppt"), ("wps-office.dps", "ppt"), ("wps-office.ppt", "ppt"))
NOT_DOCUMENT = ("html", "image/", "text/css", "javascript", "video/", "audio/", "font/")
META = "xj_attachment"       # request.meta: {"cap": bytes, "received": bytes, "too_large": size}
HEAD = "xj_attachment_head"  # request.meta of the GET after a 2xx HEAD: that HEAD's response


def _filename(disposition: str) -> str:
    match = re.search(r"filename\*\s*=\s*[^']*'[^']*'([^;]+)", disposition, re.I) or \
        re.search(r'filename\s*=\s*"?([^";]+)', disposition, re.I)
    return unquote(match.group(1).strip()) if match else ""


def attachment_format(url: str, content_type: str = "", disposition: str = "") -> str | None:
    """The document format ("pdf", "ofd", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "rtf") a target is, or None.

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


def extract(body: bytes, content_type: str = "", url: str = "") -> Extracted:
    """Text of a document's bytes (crawler/document_text.py); its URL and Content-Type only name
    the format it claims to be when the bytes are none we read."""
    return document_text.extract(body, attachment_format(url, content_type))
