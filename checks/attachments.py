"""Linked documents (附件): their text for the text checks, and attachment.unreadable (附件无法检查).

The crawler stores each document linked from a site's pages with its extracted text and a state
(crawler/attachments.py). The text checks scan the text of every document that has some, line by
line, dated like the page that links it (checks/textscan.py); a document whose text could not be
checked — a scan without a text layer, an encrypted file, a broken or unsupported one, one over
the size cap — is a notice for staff to look at by hand, never silently skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterator

from checks.finding import finding
from xunjian.store import decompress_text

CHECK = "attachment.unreadable"
SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
LONG_LINE = 200
WHY = {
    "scanned": "附件为扫描件（无文字层），无法检查其中的错别字和个人信息，请人工核对",
    "encrypted": "附件已加密，无法读取内容，无法检查其中的错别字和个人信息，请人工核对",
    "unreadable": "附件无法解析，无法检查其中的错别字和个人信息，请人工核对",
    "too_large": "附件超过大小上限，未下载检查，请人工核对其中的错别字和个人信息",
    "unsupported": "附件格式暂不支持，未检查其内容，请人工核对",
}


@dataclass
class Document:
    """One linked document of a site in a run, as the checks see it."""

    url: str
    page: str | None            # the (first) page that links it
    link_text: str | None
    state: str
    note: str | None
    format: str | None
    pages: int | None
    size: int | None
    text: str = field(repr=False, default="")
    date: dt.date | None = None   # the linking page's publication date

    def lines(self) -> list[str]:
        """The text as units to scan: lines (a PDF's or OFD's wrapped lines rejoined), long ones cut at sentence ends."""
        lines = [line.strip() for line in self.text.split("\n") if line.strip()]
        if self.format in ("pdf", "ofd"):      # laid-out pages: a line ends where the width did
            joined: list[str] = []
            for line in lines:
                if joined and CJK.match(line[0]) and CJK.match(joined[-1][-1]) and joined[-1][-1] not in "。！？；：":
                    joined[-1] += line
                else:
                    joined.append(line)
            lines = joined
        units = []
        for line in lines:
            units += [s for s in SENTENCE_END.split(line) if s.strip()] if len(line) > LONG_LINE else [line]
        return units


def documents(ctx, site_id: str) -> list[Document]:
    """The documents linked from `site_id`'s pages in the run (cached on the context).

    A target an incremental run did not request again (reused_from) brings the document row
    of the run that read it.
    """
    cache = ctx.__dict__.setdefault("_documents", {})
    if site_id in cache:
        return cache[site_id]
    rows = list(ctx.db.query(
        """select a.url, a.page, a.state, a.note, a.format, a.pages, a.size, a.text from targets t
           join attachments a on a.url = t.url and a.run = coalesce(t.reused_from, t.run)
           where t.run = ? and t.site = ? order by a.url""", [ctx.run, site_id]))
    linked = _linking_pages(ctx, site_id, [row["url"] for row in rows])
    facts = ctx.site_facts(site_id)
    docs = []
    for row in rows:
        page, text = linked.get(row["url"], (row["page"], None))
        page_facts = facts.pages.get(page) if page else None
        docs.append(Document(row["url"], page, text, row["state"], row["note"], row["format"], row["pages"],
                             row["size"], decompress_text(row["text"]),
                             page_facts.date.date if page_facts and page_facts.date else None))
    cache[site_id] = docs
    return docs


def _linking_pages(ctx, site_id: str, urls: list[str]) -> dict[str, tuple[str, str]]:
    """url -> (first page linking it, the link's text); through redirects when linked by another name."""
    if not urls:
        return {}
    first: dict[str, tuple[str, str]] = {}
    for target, page, text in ctx.db.execute(
            """select l.target, p.url, l.text from links l join pages p on p.id = l.page
               where l.run = ? and l.target in (select url from targets where run = ? and site = ?
                     and (location is not null or url in (select url from attachments)))
               order by p.id, l.rowid""", [ctx.run, ctx.run, site_id]):
        first.setdefault(target, (page, text))
    moved = {location: url for url, location in ctx.db.execute(
        "select url, location from targets where run = ? and location is not null", [ctx.run])}
    found = {}
    for url in urls:
        hop, seen = url, set()
        while hop not in first and hop in moved and hop not in seen:   # linked as a URL that redirects here
            seen.add(hop)
            hop = moved[hop]
        if hop in first:
            found[url] = first[hop]
    return found


def unreadable_attachments(ctx) -> Iterator[dict]:
    """attachment.unreadable: a notice for each linked document whose text could not be checked."""
    for site_id in ctx.sites:
        for doc in documents(ctx, site_id):
            if doc.state not in WHY:
                continue
            detail = WHY[doc.state]
            if doc.note:
                detail += f"（{doc.note}）"
            if doc.page:
                detail += f"。链接该附件的页面：{doc.page}"
            yield finding(CHECK, site_id, doc.url, evidence=doc.link_text or None, detail=detail, key=(doc.state,),
                          page=doc.page, state=doc.state, format=doc.format, pages=doc.pages, size=doc.size)
