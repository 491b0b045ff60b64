"""Shared plumbing of the text checks (typos, severe errors, improper wording, personal data).

Every text rule is a pure function `scan(text, date) -> list[Hit]`; `site_findings` runs one
over a stored run: each page's title and own (non-template) lines, and the site's template
lines once, reported as one finding with the number of pages they stand on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from checks.attachments import documents
from checks.finding import finding

PRIVATE = re.compile(r"\d{7,}")   # long numbers are never copied into a finding's context
# Quotation marks, and book-title marks: a cited document keeps the name it was issued under
# (根据《白杨县国土资源局关于…的通知》 is a citation, not the bureau named as current).
QUOTES = {"“": "”", "「": "」", "『": "』", '"': '"', "‘": "’", "《": "》", "〈": "〉"}


@dataclass(frozen=True, slots=True)
class Hit:
    """One suspect span of a text: where, what (already masked if private), the fix, why."""

    offset: int
    evidence: str
    suggestion: str | None
    detail: str
    check: str
    length: int = 0       # characters of the original span (evidence may be masked)


Scanner = Callable[[str, "dt.date | None"], list[Hit]]


def without_overlaps(hits: list[Hit]) -> list[Hit]:
    """Of overlapping hits, the longest one starting first; in order of offset."""
    kept: list[Hit] = []
    for hit in sorted(hits, key=lambda h: (h.offset, -h.length)):
        if kept and hit.offset < kept[-1].offset + kept[-1].length:
            continue
        kept.append(hit)
    return kept


SENTENCE_STOPS = "。！？；\n"


def sentence_span(text: str, at: int) -> tuple[int, int]:
    """Where the sentence of `text` that holds position `at` starts and ends (its stop left out)."""
    start = max(text.rfind(stop, 0, at) for stop in SENTENCE_STOPS) + 1
    ends = [i for i in (text.find(stop, at) for stop in SENTENCE_STOPS) if i >= 0]
    return start, min(ends, default=len(text))


def quoted(text: str, start: int, end: int) -> bool:
    """True when text[start:end] stands inside a quotation or a cited title on the same line (“…”, 《…》)."""
    for opening, closing in QUOTES.items():
        left = text.rfind(opening, 0, start)
        if left < 0:
            continue
        if opening == closing:
            if text.count(opening, 0, start) % 2 == 1 and text.find(closing, end) >= 0:
                return True
            continue
        if text.rfind(closing, left + 1, start) < 0 and text.find(closing, end) >= 0:
            return True
    return False


def context(text: str, offset: int, length: int, width: int = 15) -> str | None:
    """The span with a little text around it; None when the text may hold personal data."""
    if PRIVATE.search(text):
        return None
    start, end = max(offset - width, 0), min(offset + length + width, len(text))
    return " ".join(text[start:end].split())


def allowed(hit: Hit, allow: Iterable[str]) -> bool:
    """A word on the allowlist (global or the site's) is never reported."""
    return any(word and (word == hit.evidence or word in hit.evidence) for word in allow)


def site_text(facts) -> str:
    """Every distinct line a site publishes (titles, template lines, pages' own lines), joined.

    A line repeated on many pages stands here once, so a phrase found in it and elsewhere is one
    the site really uses in more than one place.
    """
    distinct: dict[str, None] = dict.fromkeys(facts.template_lines)
    for page in facts.pages.values():
        distinct.setdefault(page.title or "", None)
        distinct.update(dict.fromkeys(facts.main_lines(page)))
    return "\n".join(distinct)


def site_findings(ctx, check_id: str, scan: Scanner, *, once_per_site: bool = False,
                  per_site: Callable | None = None, by_hit: bool = False) -> Iterator[dict]:
    """Findings of one text rule over every site of the run.

    Template lines (header, navigation, footer) are checked once per site and reported as one
    finding counting the pages they stand on. With `once_per_site` (text.typo) a wrong word is
    reported once per site whatever the number of pages it is on. With `per_site(facts)` the
    scanner is made for each site (text.typo learns from the site's own text); with `by_hit` each
    finding takes its check id from its hit (one scan, two checks). The text of the documents the
    site links (附件, checks/attachments.py) is scanned line by line too: such a finding's `url`
    is the document's, and its extra `page` the page that links it.
    """
    for site_id, site in ctx.sites.items():
        facts = ctx.site_facts(site_id)
        allow = list(getattr(site, "allow_words", []) or [])
        if per_site is not None:
            scan = per_site(facts)
        template = facts.template_lines
        grouped: dict[tuple, dict] = {}
        template_hits: dict[str, list[Hit]] = {line: [] for line in template}
        for line in template:
            template_hits[line] = [h for h in scan(line, None) if not allowed(h, allow)]
        for page in sorted(facts.pages.values(), key=lambda p: p.url):
            date = page.date.date if page.date else None
            texts = [page.title or ""] + facts.main_lines(page)
            for text in texts:
                for hit in scan(text, date):
                    if allowed(hit, allow):
                        continue
                    key = (hit.check, hit.evidence) if once_per_site else (page.url, hit.check, hit.evidence)
                    entry = grouped.setdefault(key, {"hit": hit, "url": page.url, "pages": set(),
                                                     "context": context(text, hit.offset, hit.length or len(hit.evidence)),
                                                     "template": False})
                    entry["pages"].add(page.url)
            for line in page.lines[1:]:
                for hit in template_hits.get(line, ()):
                    key = (hit.check, hit.evidence) if once_per_site else ("template", line, hit.check, hit.evidence)
                    entry = grouped.setdefault(key, {"hit": hit, "url": page.url, "pages": set(),
                                                     "context": context(line, hit.offset, hit.length or len(hit.evidence)),
                                                     "template": True})
                    entry["pages"].add(page.url)
        for doc in documents(ctx, site_id):
            for line in doc.lines():
                for hit in scan(line, doc.date):
                    if allowed(hit, allow):
                        continue
                    key = (hit.check, hit.evidence) if once_per_site else (doc.url, hit.check, hit.evidence)
                    entry = grouped.setdefault(key, {"hit": hit, "url": doc.url, "pages": set(),
                                                     "context": context(line, hit.offset, hit.length or len(hit.evidence)),
                                                     "template": False, "document": doc})
                    entry["pages"].add(doc.url)
                    entry["attached"] = True
        for key, entry in grouped.items():
            hit, pages, doc = entry["hit"], entry["pages"], entry.get("document")
            detail = hit.detail
            if doc is not None and detail.startswith("页面"):
                detail = "附件" + detail[2:]
            if len(pages) > 1:
                counted = "个页面或附件" if entry.get("attached") else "个页面"
                detail += f"（共 {len(pages)} {counted}{'，位于网站公共模板' if entry['template'] else ''}）"
            where = {}
            if doc is not None:
                detail += f"（位于附件中，链接该附件的页面：{doc.page or '未知'}）"
                where = {"page": doc.page, "attachment": True}
            url = facts.site.url if entry["template"] and facts.site.url in pages else entry["url"]
            yield finding(hit.check if by_hit else check_id, site_id, url, evidence=hit.evidence, suggestion=hit.suggestion,
                          detail=detail, key=(hit.evidence,) if (once_per_site or entry["template"]) else None,
                          context=entry["context"], pages=len(pages), template=entry["template"], **where)
