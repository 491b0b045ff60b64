"""link.dark (暗链), link.hijacked (外链被劫持) and link.new_domain (新增外链域名).

A hidden link is not a finding by itself: menus, tabs and skip links are hidden too. It is
暗链 when it leads outside the site's trusted domains, or to a spam page, or its text or
target hits the lexicon. A visible link is 暗链 when it hits the lexicon and leads outside
the trusted domains (or to a spam page on the site): injected spam need not be hidden. Each
finding says why, e.g. "display:none（祖先 div.ft2026）· 外部域名 · 关键词“娱乐城”".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator
from urllib.parse import urlsplit

import lxml.html

from checks.finding import finding
from checks.lexicon import OFFICIAL, is_spam_text, load_lexicon
from checks.scripts import page_script_links, script_links
from checks.visibility import PageStyles, hidden_in_comments
from crawler.scope import normalize_url
from crawler.urlresolve import resolve_url
from xunjian.store import decompress, decompress_text

NEW_DOMAIN_PAGES = 5          # a new outbound domain on this many pages at once is an injection sign
NEW_DOMAIN_SHARE = 0.1        # … or on this share of the site's pages


@dataclass
class Candidate:
    page: str
    href: str
    url: str | None
    text: str
    how: str                  # how it is hidden ("" when visible)
    where: str                # which element hides it
    markup: str


SECOND_LEVEL = {"gov", "com", "net", "org", "edu", "ac", "co", "or", "ne", "go", "mil"}


def registrable(host: str) -> str:
    """The domain a link goes to, as people name it: www.bet365.com -> bet365.com,
    a.nxgy.gov.cn -> nxgy.gov.cn, www.x.co.uk -> x.co.uk; an IP address stays whole."""
    host = (host or "").lower().split(":")[0].strip("[]")
    parts = host.split(".")
    if all(part.isdigit() for part in parts) or ":" in host:
        return host
    if len(parts) >= 3 and parts[-2] in SECOND_LEVEL and len(parts[-1]) == 2:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:]) if len(parts) >= 2 else host


def _spam_pages(db, run: int, site_id: str) -> dict[str, list]:
    """The site's own pages that are spam by their text (pages planted on a hacked site).
    External spam pages are link.hijacked's business, or 暗链 anyway when hidden."""
    spam = {}
    for row in db.query("select url, title, text from pages where run = ? and site = ?", [run, site_id]):
        hits = is_spam_text(row["title"] or "", decompress_text(row["text"])[:5000])
        if hits:
            spam[row["url"]] = hits
    return spam


def _assets(db, run: int, site_id: str) -> tuple[dict[str, str], dict[str, str]]:
    """The site's stored stylesheets and scripts, as text, by URL (one read of the assets table)."""
    sheets, scripts = {}, {}
    for row in db.query("select url, content_type, charset, body from assets where run = ? and site = ?",
                        [run, site_id]):
        text = decompress(row["body"]).decode(row["charset"] or "utf-8", "replace")
        is_css = "css" in (row["content_type"] or "") or row["url"].lower().split("?")[0].endswith(".css")
        (sheets if is_css else scripts)[row["url"]] = text
    return sheets, scripts


def page_candidates(html: str, page_url: str, sheets: dict[str, str], scripts: dict[str, str],
                    wanted) -> Iterator[Candidate]:
    """Links of one page worth judging (`wanted(url, text)` decides), with how each is hidden."""
    try:
        root = lxml.html.document_fromstring(html.replace("\x00", "") or "<html></html>")
    except (ValueError, lxml.etree.ParserError):
        return
    base = page_url
    for element in root.iter("base"):
        if element.get("href"):
            base = resolve_url(element.get("href"), page_url) or page_url
            break
    linked_sheets, linked_scripts = [], []
    for element in root.iter("link", "script"):
        src = element.get("href") if element.tag == "link" else element.get("src")
        url = resolve_url(src, base) if src else None
        if url and element.tag == "link" and url in sheets:
            linked_sheets.append(sheets[url])
        elif url and element.tag == "script" and url in scripts:
            linked_scripts.append((url, scripts[url]))
    styles = None
    for element in root.iter("a", "area"):
        href = (element.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = resolve_url(href, base)
        text = " ".join(element.text_content().split()) or element.get("title") or ""
        if not wanted(url, text):
            continue
        styles = styles or PageStyles(root, linked_sheets)
        hidden = styles.why_hidden(element)
        markup = lxml.html.tostring(element, encoding="unicode")[:300]
        yield Candidate(page_url, href, url, text, hidden.technique if hidden else "",
                        (hidden.detail if hidden else ""), markup)
    for href, text in hidden_in_comments(html):
        url = resolve_url(href, base)
        if wanted(url, text):
            yield Candidate(page_url, href, url, text, "comment", "HTML 注释", href)
    writes = [(None, link) for link in page_script_links(html, base)]
    for script_url, body in linked_scripts:
        writes += [(script_url, link) for link in script_links(body, base)]
    for script_url, link in writes:
        if not wanted(link.url, link.text):
            continue
        where = f"脚本 {script_url}" if script_url else "页面内脚本"
        technique = f"{link.technique}" + (f"+{link.encoding}" if link.encoding else "")
        hidden = _fragment_hidden(link.markup)
        yield Candidate(page_url, link.href, link.url, link.text, technique,
                        where + (f"，{hidden}" if hidden else ""), link.markup)


def _fragment_hidden(markup: str) -> str:
    """How the markup a script writes hides itself (its own inline styles), if it does."""
    try:
        root = lxml.html.document_fromstring(f"<html><body>{markup}</body></html>")
    except (ValueError, lxml.etree.ParserError):
        return ""
    styles = PageStyles(root, [])
    for element in root.iter("a"):
        hidden = styles.why_hidden(element)
        if hidden:
            return hidden.detail
    return ""


def dark_links(ctx) -> Iterator[dict]:
    """link.dark: hidden links leaving the trusted domains, and lexicon links, with the reason."""
    lexicon = load_lexicon()
    for site_id, site in ctx.sites.items():
        spam = _spam_pages(ctx.db, ctx.run, site_id)
        sheets, scripts = _assets(ctx.db, ctx.run, site_id)
        rendered = _rendered(ctx.db, ctx.run, site_id)

        def wanted(url: str | None, text: str) -> bool:
            host = urlsplit(url).hostname if url else ""
            return bool(url and (not site.is_trusted_host(host or "") or url in spam)) \
                or bool(lexicon.hits(text)) or bool(url and lexicon.host_hits(host or ""))

        seen = set()
        suspects = _suspect_pages(ctx.db, ctx.run, site_id, wanted, scripts) | set(rendered)
        rows = ctx.db.query("select url, body, charset from pages where run = ? and site = ? and status < 400",
                            [ctx.run, site_id])
        for row in rows:
            html = decompress(row["body"]).decode(row["charset"] or "utf-8", "replace")
            if row["url"] not in suspects and not _may_hide_links(html):
                continue      # no stored link worth judging, no script writing markup, no commented link
            found = list(page_candidates(html, row["url"], sheets, scripts, wanted))
            found += [c for c in rendered.get(row["url"], []) if c.how]
            for candidate in found:
                reasons = _reasons(site, candidate, spam, lexicon)
                if reasons is None:
                    continue
                key = (candidate.page, candidate.url or candidate.href)
                if key in seen:
                    continue
                seen.add(key)
                ctx.dark_pairs.add(key)
                yield finding("link.dark", site_id, candidate.page, target=candidate.url or candidate.href,
                              evidence=candidate.text or candidate.href, detail="暗链：" + " · ".join(reasons),
                              key=(candidate.url or candidate.href,), technique=candidate.how,
                              hidden_by=candidate.where, markup=candidate.markup,
                              confirmed_by_browser=candidate.where.startswith("浏览器"))


SCRIPT_MARKERS = ("write(", "writeln(", "innerHTML", "insertAdjacentHTML", ".html(", ".append(")


def _may_hide_links(html: str) -> bool:
    """Cheap screen: inline scripts that write markup, or a link inside an HTML comment."""
    if any(marker in html for marker in SCRIPT_MARKERS):
        return True
    start = html.find("<!--")
    while start >= 0:
        end = html.find("-->", start + 4)
        end = len(html) if end < 0 else end
        if "<a " in html[start:end].lower() or "href" in html[start:end].lower():
            return True
        start = html.find("<!--", end)
    return False


def _suspect_pages(db, run: int, site_id: str, wanted, scripts: dict[str, str]) -> set[str]:
    """Pages with a stored link worth judging, or including one of the site's scripts that writes links."""
    writing = {url for url, body in scripts.items() if script_links(body, url)}
    suspects = set()
    for page, target, text, tag in db.execute(
            "select p.url, l.target, l.text, l.tag from links l join pages p on p.id = l.page "
            "where l.run = ? and p.site = ?", [run, site_id]):
        if (tag in ("a", "area") and wanted(target if target.startswith("http") else None, text or "")) \
                or (tag == "script" and target in writing):
            suspects.add(page)
    return suspects


def _reasons(site, candidate: Candidate, spam: dict, lexicon) -> list[str] | None:
    """Why a candidate is 暗链, or None when it is not (a hidden menu to the site's own pages)."""
    host = urlsplit(candidate.url).hostname if candidate.url else ""
    outside = bool(candidate.url) and not site.is_trusted_host(host or "")
    hidden = bool(candidate.how)
    words = [term for term, _ in lexicon.hits(candidate.text)]
    if not outside or (candidate.text and OFFICIAL.search(candidate.text) and not hidden):
        # The site's own pages about fighting gambling or fraud (警惕“裸聊”敲诈), and visible
        # 举报 links to reporting platforms: words in such link text condemn nothing.
        words = []
    words += [term for term, _ in lexicon.host_hits(host or "")] if outside else []
    to_spam = candidate.url in spam
    if hidden and not (outside or words or to_spam):
        return None           # hidden menus, tabs and skip links to the site's own pages
    if not hidden and not ((outside and words) or to_spam):
        return None
    reasons = []
    if hidden:
        reasons.append(f"{candidate.how}（{candidate.where}）" if candidate.where else candidate.how)
    if outside:
        reasons.append(f"外部域名 {registrable(host or '')}")
    for word in dict.fromkeys(words):
        reasons.append(f"关键词“{word}”")
    if to_spam:
        reasons.append("目标页面为赌博、色情或诈骗内容")
    return reasons


def _rendered(db, run: int, site_id: str) -> dict[str, list[Candidate]]:
    """Links the browser found hidden (or written by scripts), per page, when rendering ran."""
    if not db["rendered_links"].exists():
        return {}
    out: dict[str, list[Candidate]] = {}
    for row in db.query("select * from rendered_links where run = ? and site = ?", [run, site_id]):
        how = row["reason"] or ("scripted" if row["scripted"] else "")
        if not how:
            continue
        out.setdefault(row["page"], []).append(Candidate(
            row["page"], row["href"], row["url"], row["text"] or "", how,
            "浏览器确认" + ("，由脚本写入" if row["scripted"] else ""), row["href"]))
    return out


def hijacked_links(ctx) -> Iterator[dict]:
    """link.hijacked: an external link whose target now serves gambling, porn or a parked domain."""
    lexicon = load_lexicon()
    for site_id in ctx.sites:
        verdicts = {}
        for row in ctx.db.query("select url, title, text from external_pages where run = ? and site = ?",
                                [ctx.run, site_id]):
            text = decompress_text(row["text"])
            hits = is_spam_text(row["title"] or "", text[:5000])
            parked = lexicon.parked(f"{row['title']}\n{text[:3000]}")
            if hits:
                verdicts[row["url"]] = "现为" + "、".join(dict.fromkeys(label for _, label in hits)) + \
                    f"内容（标题“{(row['title'] or '')[:40]}”，关键词“{hits[0][0]}”等）"
            elif parked:
                verdicts[row["url"]] = f"域名已被停放或出售（页面显示“{parked}”）"
        # A link whose redirect chain ends on such a page is hijacked too.
        chains = {row["url"]: row["location"] for row in ctx.db.query(
            "select url, location from targets where run = ? and location is not null", [ctx.run])}
        # Hops were requested under their normalised key (tracking parameters dropped).
        requested = {normalize_url(url): url for url in chains} | {normalize_url(url): url for url in verdicts}
        for start in list(chains):
            current, written, hops = start, start, 0
            while current in chains and hops < 10:
                written, hops = chains[current], hops + 1     # the Location as the server wrote it
                current = written if written in chains or written in verdicts else \
                    requested.get(normalize_url(written), written)
            if current in verdicts and start not in verdicts:
                verdicts[start] = f"跳转至 {written}，" + verdicts[current]
        if not verdicts:
            continue
        marks = ",".join("?" for _ in verdicts)
        for row in ctx.db.query(
                f"""select p.url as page, l.target, l.text from links l join pages p on p.id = l.page
                    where l.run = ? and p.site = ? and l.target in ({marks})
                    group by p.url, l.target order by p.url""", [ctx.run, site_id, *verdicts]):
            if (row["page"], row["target"]) in ctx.dark_pairs:
                continue      # a hidden link planted by an attacker is 暗链, not a partner link taken over
            yield finding("link.hijacked", site_id, row["page"], target=row["target"],
                          evidence=row["text"] or row["target"], detail=f"外部链接 {verdicts[row['target']]}",
                          domain=registrable(urlsplit(row["target"]).hostname or ""))


def new_domains(ctx) -> Iterator[dict]:
    """link.new_domain: an outbound domain newly linked from many pages at once (notice)."""
    for site_id, site in ctx.sites.items():
        previous = ctx.db.execute("select max(run) from site_runs where site = ? and run < ?",
                                  [site_id, ctx.run]).fetchone()[0]
        if previous is None:
            continue
        def domains(run: int) -> dict[str, set[str]]:
            out: dict[str, set[str]] = {}
            for page, target in ctx.db.execute(
                    "select p.url, l.target from links l join pages p on p.id = l.page "
                    "where l.run = ? and p.site = ? and l.target like 'http%'", [run, site_id]):
                host = urlsplit(target).hostname or ""
                if host and not site.is_trusted_host(host):
                    out.setdefault(registrable(host), set()).add(page)
            return out
        before, now = domains(previous), domains(ctx.run)
        pages = ctx.db.execute("select count(*) from pages where run = ? and site = ?",
                               [ctx.run, site_id]).fetchone()[0] or 1
        floor = min(NEW_DOMAIN_PAGES, max(2, int(NEW_DOMAIN_SHARE * pages)))
        for domain, linking in sorted(now.items()):
            if domain in before or len(linking) < floor:
                continue
            yield finding("link.new_domain", site_id, site.url, target=domain, evidence=domain, key=(domain,),
                          detail=f"本次新出现的外部域名 {domain}，同时出现在 {len(linking)} 个页面上（上次巡检没有），"
                                 "请确认是否为网站自行添加",
                          pages=len(linking), examples=sorted(linking)[:5])
