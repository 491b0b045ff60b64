"""The demo city: deterministic build, served by FixtureSite, crawled with urllib.

Exactly the planted defects (truth.json) may fail; everything else answers 200.
"""

from __future__ import annotations

import hashlib
import re
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest

from demo.city import SITES, build_city, load_truth, resolve_url
from demo.citykit import KUNKAOKAO, MOJIBAKE, REPLACEMENT_RUN
from demo.server import serve_sites

OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
LEGIT_JS = {"javascript:window.print()", "javascript:window.close()"}
LINK_ATTRS = {"a": "href", "area": "href", "img": "src", "link": "href", "script": "src",
              "iframe": "src", "form": "action"}
CHECKS = {"link.broken", "link.fake", "layout.garbled", "update.column_stale", "column.empty",
          "update.home_stale", "update.home_thin", "site.identity_missing", "meta.missing",
          "date.faked", "link.dark", "link.hijacked"}
# Planted in attachments (demo.city_docs): the url is the linked document's.
IN_ATTACHMENTS = {"text.typo", "text.improper", "privacy.leak", "attachment.unreadable"}
CHECKS |= IN_ATTACHMENTS
WITH_TARGET = {"link.broken", "link.fake", "date.faked", "link.dark", "link.hijacked"}
# Planted 暗链 and the hijacked partner link lead to the attacker host (demo.city_dark), off
# 127.0.0.1: not fetched here (demo/__main__ serves it; these tests need not).
OFF_SITE = {"link.dark", "link.hijacked"}
EVIDENCE_ON_PAGE = {"link.broken", "link.fake", "layout.garbled", "update.column_stale",
                    "column.empty", "date.faked"}
# How each site identity item shows on a homepage that has it.
IDENTITY = {"网站标识码": "网站标识码：", "ICP备案号": "ICP备", "公安机关备案号": "公网安备",
            "党政机关网站标识": 'alt="党政机关网站标识"', "我为政府网站找错": ">我为政府网站找错</a>"}
META_ALL = ("SiteName", "SiteDomain", "SiteIDCode")
DATE = re.compile(r"20\d\d-\d\d-\d\d")
CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.I)


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        attr = LINK_ATTRS.get(tag)
        if attr and attr in values:
            self.links.append((tag, values[attr] or ""))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def declared_charset(body: bytes) -> str:
    match = CHARSET.search(body[:2048])
    name = match.group(1).decode().lower() if match else "utf-8"
    return "gbk" if name in ("gb2312", "gbk") else name


@dataclass
class Crawl:
    bases: dict[str, str]
    pages: dict[str, str] = field(default_factory=dict)          # url -> decoded html
    page_site: dict[str, str] = field(default_factory=dict)
    page_headers: dict[str, str] = field(default_factory=dict)   # url -> Content-Type
    edges: set[tuple[str, str]] = field(default_factory=set)     # (page, target)
    fakes: set[tuple[str, str]] = field(default_factory=set)     # (page, href)
    anchors_broken: set[tuple[str, str]] = field(default_factory=set)
    results: dict[str, str | None] = field(default_factory=dict)  # url -> None ok / error


def fetch(url: str) -> tuple[str | None, str, bytes]:
    """(error or None, content type, body)."""
    try:
        with OPENER.open(url, timeout=5) as resp:
            body = resp.read()
            ctype = resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}", "", b""
    except Exception as exc:  # refused, reset, redirect loop, ...
        return type(exc).__name__, "", b""
    if ctype.startswith("text/html"):
        text = body.decode(declared_charset(body), errors="replace")
        if "<title>页面不存在</title>" in text:
            return "soft 404", ctype, body
    return None, ctype, body


def crawl(bases: dict[str, str], off_site: frozenset[str] = frozenset()) -> Crawl:
    """Follow every link from the homepages; `off_site` targets are allowed but not fetched."""
    result = Crawl(bases)
    origins = {urlsplit(url).netloc: site for site, url in bases.items()}
    queue = list(bases.values())
    seen = set(queue)
    while queue:
        url = queue.pop(0)
        error, ctype, body = fetch(url)
        result.results[url] = error
        site = origins.get(urlsplit(url).netloc)
        if error or site is None or not ctype.startswith("text/html"):
            continue
        text = body.decode(declared_charset(body))  # strict: every page must decode
        result.pages[url], result.page_site[url], result.page_headers[url] = text, site, ctype
        parser = PageParser()
        parser.feed(text)
        for tag, value in parser.links:
            raw = value.strip()
            if raw in ("", "#") or (raw.lower().startswith("javascript:") and raw not in LEGIT_JS):
                result.fakes.add((url, value))
                continue
            if raw.lower().startswith(("javascript:", "mailto:", "tel:")):
                continue
            target, fragment = urldefrag(urljoin(url, raw))
            if fragment and target == url:
                if fragment not in parser.ids:
                    result.anchors_broken.add((url, f"{target}#{fragment}"))
                continue
            assert not fragment, f"{url}: cross-page fragment {raw}"
            if urlsplit(target).hostname != "127.0.0.1":
                if target in off_site:
                    continue
                raise AssertionError(f"{url}: link leaves 127.0.0.1: {target}")
            result.edges.add((url, target))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return result


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    started = time.monotonic()
    roots = build_city(out)
    build_seconds = time.monotonic() - started
    sites = serve_sites(roots)
    try:
        bases = {site_id: site.url for site_id, site in sites.items()}
        truth = load_truth(out)
        off_site = frozenset(d["target"] for d in truth if d["check"] in OFF_SITE)
        yield {"out": out, "roots": roots, "bases": bases, "crawl": crawl(bases, off_site),
               "truth": truth, "build_seconds": build_seconds}
    finally:
        for site in sites.values():
            site.stop()


def truth_pairs(city, check: str) -> set[tuple[str, str]]:
    return {(resolve_url(d["url"], city["bases"]), resolve_url(d["target"], city["bases"]))
            for d in city["truth"] if d["check"] == check}


def test_build_is_fast_and_deterministic(city, tmp_path: Path) -> None:
    assert city["build_seconds"] < 2.0

    def digest(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha1(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    build_city(tmp_path)
    assert digest(tmp_path) == digest(city["out"])


def test_sizes(city) -> None:
    pages = Counter(city["crawl"].page_site.values())
    assert 230 <= pages["qh-portal"] <= 270
    assert 110 <= pages["qh-county"] <= 130
    assert 35 <= pages["qh-edu"] <= 45


def test_exactly_planted_broken_links_fail(city) -> None:
    c = city["crawl"]
    failing = {(page, target) for page, target in c.edges if c.results[target] is not None}
    failing |= c.anchors_broken
    assert failing == truth_pairs(city, "link.broken")
    # every broken target fails only through its planted page
    failed_targets = {t for t, err in c.results.items() if err is not None}
    assert {t for _, t in failing if "#" not in t} == failed_targets


def test_broken_failure_kinds(city) -> None:
    c, bases = city["crawl"], city["bases"]
    portal, edu = bases["qh-portal"], bases["qh-edu"]
    assert c.results[portal + "hdjl/zxft/index.html"] == "HTTP 500"
    assert c.results[portal + "zwfw/wsbsdt/index.html"] == "HTTP 302"  # urllib: loop
    assert c.results["http://127.0.0.1:9/"] == "URLError"
    assert c.results[portal + "ztzl/2025zt/index.html"] == "HTTP 404"
    for page, target in truth_pairs(city, "link.broken"):
        if target.startswith(edu):
            assert c.results[target] == "soft 404"


def test_exactly_planted_fake_links(city) -> None:
    assert city["crawl"].fakes == truth_pairs(city, "link.fake")


def test_every_file_is_reached_once(city) -> None:
    c = city["crawl"]
    for site_id, root in city["roots"].items():
        base = city["bases"][site_id]
        reached = Counter()
        for url, error in c.results.items():
            if url.startswith(base) and error is None:
                path = urlsplit(url).path
                file = root / path.lstrip("/")
                if path.endswith("/"):
                    file = file / "index.html"
                reached[file] += 1
        on_disk = {p for p in root.rglob("*") if p.is_file() and p.name != "_site.toml"}
        assert set(reached) == on_disk, site_id
        assert max(reached.values()) == 1, "a file is reachable under two URLs"


def test_garbled_pages(city) -> None:
    c = city["crawl"]
    expected = {resolve_url(d["url"], city["bases"]): d["evidence"]
                for d in city["truth"] if d["check"] == "layout.garbled"}
    assert sorted(expected.values()) == sorted([KUNKAOKAO, REPLACEMENT_RUN, MOJIBAKE])
    found = {url for url, text in c.pages.items()
             if "锟斤拷" in text or "\ufffd" in text or MOJIBAKE[:6] in text}
    assert found == set(expected)
    for url, evidence in expected.items():
        assert evidence in c.pages[url]


def test_county_is_gbk_without_http_charset(city) -> None:
    c = city["crawl"]
    county = [url for url, site in c.page_site.items() if site == "qh-county"]
    for url in county:
        assert c.page_headers[url] == "text/html"
        assert '<meta charset="gb2312">' in c.pages[url]
    text = "".join(c.pages[url] for url in county)
    assert "喆" in text and "堃" in text
    with pytest.raises(UnicodeEncodeError):
        "喆".encode("gb2312")
    raw = (city["roots"]["qh-county"] / "index.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_edu_refuses_head(city) -> None:
    req = urllib.request.Request(city["bases"]["qh-edu"], method="HEAD")
    with pytest.raises(urllib.error.HTTPError) as err:
        OPENER.open(req, timeout=5)
    assert err.value.code == 405


def test_legit_page_tools_present(city) -> None:
    c = city["crawl"]
    tools = [url for url, text in c.pages.items()
             if 'href="javascript:window.print()"' in text and 'href="#top"' in text]
    assert len(tools) > 300


def test_truth_is_consistent(city) -> None:
    truth, c = city["truth"], city["crawl"]
    keys = {"site", "check", "url", "target", "evidence", "note"}
    for d in truth:
        assert set(d) == keys
        assert d["site"] in SITES and d["check"] in CHECKS
        assert d["url"].startswith("{%s}/" % d["site"])
        page = resolve_url(d["url"], city["bases"])
        if d["check"] in IN_ATTACHMENTS:     # a document linked from a page, answering 200
            assert c.results.get(page, "not linked") is None and any(t == page for _, t in c.edges), d
            assert d["evidence"] and d["target"] is None and d["note"], d
            continue
        assert page in c.pages, d
        if d["check"] in EVIDENCE_ON_PAGE:
            assert d["evidence"] and d["evidence"] in c.pages[page], d
        elif d["check"] in OFF_SITE:    # the link text (script-written ones are encoded on the page)
            assert d["evidence"] and urlsplit(d["target"]).hostname != "127.0.0.1", d
            assert d["check"] == "link.dark" or f">{d['evidence']}</a>" in c.pages[page], d
        elif d["check"] == "site.identity_missing":
            assert d["evidence"] in IDENTITY and IDENTITY[d["evidence"]] not in c.pages[page], d
        elif d["check"] != "meta.missing":
            assert d["evidence"] is None, d
        assert (d["target"] is None) == (d["check"] not in WITH_TARGET)
        if d["check"] not in {"link.broken", "link.fake", "layout.garbled"}:
            assert d["note"], d
    counts = Counter((d["site"], d["check"]) for d in truth)
    assert counts == {("qh-portal", "link.broken"): 9, ("qh-portal", "link.fake"): 3,
                      ("qh-portal", "layout.garbled"): 3, ("qh-county", "link.broken"): 3,
                      ("qh-county", "link.fake"): 2, ("qh-edu", "link.broken"): 3,
                      ("qh-edu", "link.fake"): 1,
                      ("qh-portal", "update.column_stale"): 3, ("qh-portal", "column.empty"): 2,
                      ("qh-portal", "date.faked"): 1,
                      ("qh-county", "update.home_stale"): 1, ("qh-county", "update.column_stale"): 3,
                      ("qh-county", "site.identity_missing"): 1, ("qh-county", "meta.missing"): 1,
                      ("qh-edu", "update.home_thin"): 1, ("qh-edu", "site.identity_missing"): 2,
                      ("qh-edu", "meta.missing"): 1, ("qh-edu", "column.empty"): 1,
                      ("qh-portal", "link.dark"): 6, ("qh-county", "link.dark"): 4,
                      ("qh-portal", "link.hijacked"): 1,
                      ("qh-portal", "text.typo"): 2, ("qh-portal", "text.improper"): 1,
                      ("qh-portal", "privacy.leak"): 1, ("qh-portal", "attachment.unreadable"): 1}
    assert len({(d["url"], d["target"], d["check"], d["evidence"]) for d in truth}) == len(truth)


def _site_pages(city, site: str) -> dict[str, str]:
    c = city["crawl"]
    return {url: text for url, text in c.pages.items() if c.page_site[url] == site}


def test_identity_items(city) -> None:
    missing = {(d["site"], d["evidence"]) for d in city["truth"]
               if d["check"] == "site.identity_missing"}
    for site, base in city["bases"].items():
        home = city["crawl"].pages[base]
        for item, marker in IDENTITY.items():
            assert (marker in home) == ((site, item) not in missing), (site, item)


def test_metadata(city) -> None:
    planted = {d["site"]: d["evidence"].split(", ") for d in city["truth"]
               if d["check"] == "meta.missing"}
    for site in city["bases"]:
        pages = _site_pages(city, site).values()
        if site not in planted:     # complete: every page carries the site-wide metadata
            assert all(f'<meta name="{name}"' in text for text in pages for name in META_ALL)
            continue
        for name in planted[site]:
            assert any(f'<meta name="{name}"' not in text for text in pages), (site, name)


def test_republished_article(city) -> None:
    """The date.faked copy: same body as its original, newer date, different URL."""
    (d,) = [d for d in city["truth"] if d["check"] == "date.faked"]
    pages = city["crawl"].pages
    copy, original = (pages[resolve_url(d[k], city["bases"])] for k in ("url", "target"))

    def body(text: str) -> str:
        return text.split('id="zoom">', 1)[1].split("</div>", 1)[0]

    def pubdate(text: str) -> str:
        return re.search(r'name="PubDate" content="([^"]+)"', text).group(1)

    assert len(body(copy)) > 200 and body(copy) == body(original)
    assert pubdate(copy) > pubdate(original)
    assert d["url"] != d["target"]


def test_stale_county_and_thin_edu(city) -> None:
    # qh-county: nothing on the whole site is dated within the 14 days before AS_OF.
    for text in _site_pages(city, "qh-county").values():
        assert all(day < "2026-11-06" for day in DATE.findall(text))
    # qh-edu: the homepage is navigation only (no dates, no article links).
    edu = city["bases"]["qh-edu"]
    home = city["crawl"].pages[edu]
    assert not DATE.search(home)
    assert not re.search(r'href="/(news|notice|exam)/\d', home)
    recent = [day for url, text in _site_pages(city, "qh-edu").items() if url.endswith("list.htm")
              for day in re.findall(r"\[(20\d\d-\d\d-\d\d)\]", text) if "2026-11-06" < day <= "2026-11-20"]
    assert 1 <= len(recent) <= 9


def test_resolve_url() -> None:
    bases = {"qh-portal": "http://127.0.0.1:18601/"}
    assert resolve_url("{qh-portal}/a.html", bases) == "http://127.0.0.1:18601/a.html"
    assert resolve_url("http://127.0.0.1:9/", bases) == "http://127.0.0.1:9/"
    assert resolve_url("#", bases) == "#" and resolve_url(None, bases) is None
