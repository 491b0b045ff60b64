"""`xunjian inspect` against other link checkers' fixture sites (cases nobody here wrote).

The fixtures are copies from broken-link-checker and linkinator (tests/fixtures/corpus/README.md
names the source commits and licences). Each fixture folder is served by demo.server.FixtureSite
on 127.0.0.1; what the original projects' test servers did in code is in `_site.toml` files next
to the copies. One inspection per project; every site of it is one fixture.

For each fixture the expected outcome is written down below with the reason a correct link
checker must report exactly that, derived from the fixture HTML and from the original project's
own test, never from what xunjian printed.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from demo.server import FixtureSite
from tests.conftest import findings_of, write_config, write_site, xunjian

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
BLC = CORPUS / "broken-link-checker" / "fixtures-http"
LINKINATOR = CORPUS / "linkinator"
AS_OF = "2026-11-20"
CRAWL = {"download_delay": 0, "retries": 0, "timeout": 5, "concurrency": 4}


# --- helpers --------------------------------------------------------------------------------

class Inspection:
    """One `xunjian inspect` run over several fixture sites, and what it stored."""

    mock = ""   # origin of the linkinator mock server (linkinator fixture only)

    def __init__(self, tmp: Path, sites: dict[str, dict]):
        self.origins = {sid: "{0}://{1}".format(*urlsplit(spec["url"])) for sid, spec in sites.items()}
        config = write_config(tmp / "sites.toml", [
            {"id": sid, "name": sid, "department": "corpus", **CRAWL, **spec}
            for sid, spec in sites.items()])
        self.db_path = tmp / "xunjian.db"
        self.result = xunjian("inspect", "--config", str(config), "--db", str(self.db_path),
                              "--as-of", AS_OF, "--quiet")
        self.findings = findings_of(config, self.db_path)
        self.db = sqlite3.connect(self.db_path)
        self.db.row_factory = sqlite3.Row

    def rel(self, site: str, url: str) -> str:
        """A URL of `site`'s own server as a path ("/simple/index.html"); others unchanged."""
        origin = self.origins[site]
        return url[len(origin):] if url.startswith(origin + "/") else url

    def broken(self, site: str) -> set[tuple[str, str, str]]:
        """{(page, target, error class)} of the site's link.broken findings."""
        return {(self.rel(site, f["url"]), self.rel(site, f["target"]), f["extra"]["error"])
                for f in self.findings if f["check"] == "link.broken" and f["site"] == site}

    def broken_findings(self, site: str) -> list[dict]:
        return [f for f in self.findings if f["check"] == "link.broken" and f["site"] == site]

    def pages(self, site: str) -> list[str]:
        """Paths of every page the site stored (a list: a page stored twice would show)."""
        return sorted(self.rel(site, row[0]) for row in
                      self.db.execute("select url from pages where site = ?", [site]))

    def target(self, url: str) -> sqlite3.Row | None:
        return self.db.execute("select * from targets where url = ?", [url]).fetchone()

    def links(self, page_url: str) -> list[sqlite3.Row]:
        return list(self.db.execute(
            "select l.* from links l join pages p on p.id = l.page where p.url = ? order by l.rowid",
            [page_url]))

    def site_status(self, site: str) -> str:
        return self.db.execute("select status from site_runs where site = ?", [site]).fetchone()[0]

    def close(self) -> None:
        self.db.close()


def page_hrefs(html: str, tag: str = "a", attr: str = "href") -> list[tuple[str, str]]:
    """(value, text) of every <tag attr="value">text</tag> in simple fixture HTML."""
    pattern = rf'<{tag}\b[^>]*?\b{attr}="([^"]*)"[^>]*>([^<]*)'
    return re.findall(pattern, html)


# --- broken-link-checker test/fixtures-http ----------------------------------------------------

# site id -> (start path on the fixture server, extra site keys). Every site is its own
# FixtureSite on the whole fixtures-http copy (as the original served it as one host).
BLC_SITES: dict[str, tuple[str, dict]] = {
    "simple": ("/simple/index.html", {}),
    "circular": ("/circular/index.html", {}),
    "redirect": ("/redirect/index.html", {}),
    "circular-redirect": ("/circular-redirect/redirect.html", {}),
    "redirect-loop": ("/circular-redirect/", {}),
    "method-not-allowed": ("/method-not-allowed/", {}),
    "non-html": ("/non-html/", {}),
    "robots": ("/disallowed/index.html", {}),
    "robots-ignored": ("/disallowed/index.html", {"obey_robots": False}),
}


@pytest.fixture(scope="module")
def blc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("blc")
    servers = {sid: FixtureSite(BLC).start() for sid in BLC_SITES}
    try:
        sites = {sid: {"url": servers[sid].url.rstrip("/") + start, "check_external": False, **extra}
                 for sid, (start, extra) in BLC_SITES.items()}
        inspection = Inspection(tmp, sites)
        yield inspection
        inspection.close()
    finally:
        for server in servers.values():
            server.stop()


def test_blc_simple_every_page_once_and_404_from_each_page(blc):
    # index.html links with-links.html and 404.html; with-links.html links no-links.html and
    # 404.html; 404.html does not exist. So three pages, and the missing page is one finding
    # on each of the two pages that link it (blc: IS_BROKEN for "404.html" on both pages).
    assert blc.pages("simple") == ["/simple/index.html", "/simple/no-links.html", "/simple/with-links.html"]
    assert blc.broken("simple") == {("/simple/index.html", "/simple/404.html", "http_4xx"),
                                    ("/simple/with-links.html", "/simple/404.html", "http_4xx")}
    for finding in blc.broken_findings("simple"):
        assert finding["evidence"] == "link-fake"          # the fixture's link text
        assert finding["extra"]["status"] == 404


def test_blc_circular_links_terminate(blc):
    # index -> with-links -> (no-links, index): blc "does not check a page that has already been
    # checked" expects 3 pages. Nothing is broken.
    assert blc.pages("circular") == ["/circular/index.html", "/circular/no-links.html",
                                     "/circular/with-links.html"]
    assert blc.broken("circular") == set()
    assert blc.site_status("circular") == "done"


def test_blc_redirect_chain_is_followed_and_not_broken(blc):
    # index links redirected.html and redirect.html; redirect.html -302-> redirect2.html -301->
    # redirected.html. blc expects 2 pages (the redirect leads to an already checked page).
    assert blc.pages("redirect") == ["/redirect/index.html", "/redirect/redirected.html"]
    assert blc.broken("redirect") == set()
    origin = blc.origins["redirect"]
    hop1, hop2 = blc.target(f"{origin}/redirect/redirect.html"), blc.target(f"{origin}/redirect/redirect2.html")
    assert (hop1["status"], hop1["location"]) == (302, f"{origin}/redirect/redirect2.html")
    assert (hop2["status"], hop2["location"]) == (301, f"{origin}/redirect/redirected.html")


def test_blc_circular_redirect_start_page_redirects_to_self_linking_page(blc):
    # blc's "circular-redirect" is redirect.html -302-> redirected.html, which links to itself;
    # starting at redirect.html blc expects exactly 1 page. Nothing is broken.
    assert blc.pages("circular-redirect") == ["/circular-redirect/redirected.html"]
    assert blc.broken("circular-redirect") == set()
    assert blc.site_status("circular-redirect") == "done"


def test_blc_true_redirect_loop_is_redirect_loop(blc):
    # xunjian addition next to that fixture (see _site.toml): loop-a.html <-> loop-b.html.
    # The working redirect.html is not broken; the loop is, as redirect_loop.
    assert blc.pages("redirect-loop") == ["/circular-redirect/", "/circular-redirect/redirected.html"]
    assert blc.broken("redirect-loop") == {
        ("/circular-redirect/", "/circular-redirect/loop-a.html", "redirect_loop")}


def test_blc_method_not_allowed(blc):
    # head.html refuses HEAD but answers GET with 200: not broken. any.html answers 405 to
    # every method: broken (blc: IS_BROKEN, HTTP 405). (xunjian fetches <a> pages with GET;
    # the HEAD-then-GET path of this fixture is exercised by the image in non-html below.)
    assert blc.pages("method-not-allowed") == ["/method-not-allowed/", "/method-not-allowed/head.html"]
    assert blc.broken("method-not-allowed") == {
        ("/method-not-allowed/", "/method-not-allowed/any.html", "http_4xx")}
    (finding,) = blc.broken_findings("method-not-allowed")
    assert finding["extra"]["status"] == 405


def test_blc_non_html_checked_not_parsed(blc):
    # image.gif (an <img>) and the extension-less, content-less "empty" (an <a>) both answer 200:
    # checked and not broken, and neither is parsed as a page. HEAD is refused on this server,
    # so the image is judged by a GET.
    assert blc.pages("non-html") == ["/non-html/"]
    assert blc.broken("non-html") == set()
    origin = blc.origins["non-html"]
    image, empty = blc.target(f"{origin}/non-html/image.gif"), blc.target(f"{origin}/non-html/empty")
    assert (image["status"], image["error"], image["method"], image["kind"]) == (200, None, "GET", "resource")
    assert (empty["status"], empty["error"]) == (200, None)


DISALLOWED = ["/disallowed/header.html", "/disallowed/header2.html", "/disallowed/index.html",
              "/disallowed/meta.html", "/disallowed/meta2.html", "/disallowed/rel.html",
              "/disallowed/rel2.html", "/disallowed/robots-txt.html", "/disallowed/robots-txt2.html"]


def test_blc_robots_txt_obeyed_by_default(blc):
    # robots.txt disallows /disallowed/robots-txt2.html for every user agent: not fetched, and
    # not reported (it was never asked). The nofollow header/meta/rel pages are robots
    # *follow* hints, not robots.txt exclusions: xunjian still crawls and checks what they link.
    robots = (BLC / "robots.txt").read_text()
    assert "disallow: /disallowed/robots-txt2.html" in robots
    assert blc.pages("robots") == [p for p in DISALLOWED if p != "/disallowed/robots-txt2.html"]
    assert blc.broken("robots") == set()
    skipped = blc.target(blc.origins["robots"] + "/disallowed/robots-txt2.html")
    assert (skipped["status"], skipped["error"]) == (None, "robots")


def test_blc_robots_txt_ignored_when_obey_robots_false(blc):
    assert blc.pages("robots-ignored") == DISALLOWED
    assert blc.broken("robots-ignored") == set()


# --- linkinator test/fixtures -----------------------------------------------------------------

# External origins of the fixtures; the copies point them at the mock server (_mock/_site.toml).
EXTERNAL_ORIGINS = (b"http://example.invalid", b"https://example.com")
TEXT_SUFFIXES = {".html", ".css", ".toml", ".js"}

# linkinator test.index.ts "should detect relative urls with relative base": the page is served
# at /pageBase/index and this URL answers 200 (the other link target is broken).
BASETAG_OK = {
    "relative-to-root": "/anotherBase/ok",
    "relative-folder": "/pageBase/anotherBase/ok",
    "relative-dot-folder": "/pageBase/anotherBase/ok",
    "relative-page": "/pageBase/ok",
    "empty-base": "/pageBase/ok",
}
BASETAG = [*BASETAG_OK, "absolute"]

# Fixture folders served as they are (after the origin rewrite), started at "/".
LINKINATOR_FOLDERS = ["status-codes", "srcset", "picture", "metarefresh", "twice", "repeated-broken-link",
                      "relative", "nested", "malformed", "css", "scripts", "image"]


def copy_rewritten(src: Path, dst: Path, mock_origin: str) -> Path:
    """Copy a fixture folder, pointing its external origins at the mock server."""
    for path in src.rglob("*"):
        if path.is_dir():
            continue
        out = dst / path.relative_to(src)
        out.parent.mkdir(parents=True, exist_ok=True)
        data = path.read_bytes()
        if path.suffix in TEXT_SUFFIXES:
            for origin in EXTERNAL_ORIGINS:
                data = data.replace(origin, mock_origin.encode())
        out.write_bytes(data)
    return dst


def foreign_hosts(root: Path) -> set[str]:
    """Hosts of absolute http(s) URLs in a site's text files other than 127.0.0.1."""
    hosts = set()
    for path in root.rglob("*"):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            for host in re.findall(r"https?://([^/\"'\s)<>]+)", path.read_text("utf-8", "replace")):
                if host.split(":")[0] != "127.0.0.1":
                    hosts.add(host)
    return hosts


@pytest.fixture(scope="module")
def linkinator(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("linkinator")
    mock = FixtureSite(LINKINATOR / "_mock").start()
    servers = [mock]
    try:
        mock_origin = mock.url.rstrip("/")
        sites = {}
        for name in LINKINATOR_FOLDERS:
            root = copy_rewritten(LINKINATOR / name, tmp / "sites" / name, mock_origin)
            # Safety: these sites check external links, which must all be on 127.0.0.1.
            assert foreign_hosts(root) == set(), name
            server = FixtureSite(root).start()
            servers.append(server)
            sites[name] = {"url": server.url, "check_external": True}
        for variant in BASETAG:
            root = tmp / "sites" / f"basetag-{variant}"
            (root / "pageBase").mkdir(parents=True)
            shutil.copyfile(LINKINATOR / "basetag" / f"{variant}.html", root / "pageBase" / "index.html")
            if variant in BASETAG_OK:
                ok = root / BASETAG_OK[variant].lstrip("/")
                ok.parent.mkdir(parents=True, exist_ok=True)
                ok.write_text("ok")
            server = FixtureSite(root).start()
            servers.append(server)
            # check_external stays off: absolute.html's base is http://another.example.invalid/.
            sites[f"basetag-{variant}"] = {"url": server.url + "pageBase/index.html", "check_external": False}
        inspection = Inspection(tmp, sites)
        inspection.mock = mock_origin
        yield inspection
        inspection.close()
    finally:
        for server in servers:
            server.stop()


def test_linkinator_basetag_links_resolve_against_the_base(linkinator):
    # Every link of each variant resolves against the page's first <base href> (resolved
    # against the page URL), as a browser does; computed here with urljoin from the fixture.
    for variant in BASETAG:
        site = f"basetag-{variant}"
        page = linkinator.origins[site] + "/pageBase/index.html"
        html = (LINKINATOR / "basetag" / f"{variant}.html").read_text()
        base = urljoin(page, re.search(r'<base href="([^"]*)"', html).group(1))
        expected = {(raw, urljoin(base, raw)) for raw, _ in page_hrefs(html)}
        stored = {(row["raw"], row["target"]) for row in linkinator.links(page)}
        assert stored == expected, variant
        if variant in BASETAG_OK:   # the oracle agrees with linkinator's own expectation
            assert urlsplit(urljoin(base, "ok")).path == BASETAG_OK[variant]


def test_linkinator_basetag_broken_link_found_per_variant(linkinator):
    # "ok" and "./ok" lead to the file that exists, "broken" and "./broken" to one that does
    # not: one finding (the same target twice on one page) per relative-base variant.
    for variant in BASETAG_OK:
        site = f"basetag-{variant}"
        page = "/pageBase/index.html"
        html = (LINKINATOR / "basetag" / f"{variant}.html").read_text()
        base = urljoin(linkinator.origins[site] + page, re.search(r'<base href="([^"]*)"', html).group(1))
        broken_target = linkinator.rel(site, urljoin(base, "broken"))
        assert linkinator.broken(site) == {(page, broken_target, "http_4xx")}, variant
        (finding,) = linkinator.broken_findings(site)
        assert finding["extra"]["times"] == 2


def test_linkinator_basetag_external_base_not_requested(linkinator):
    # absolute.html: <base href="http://another.example.invalid/"> (the later "./unused" base is
    # ignored), so all links are external; with check_external = false none is requested and
    # none is a finding.
    assert linkinator.broken("basetag-absolute") == set()
    requested = [row[0] for row in linkinator.db.execute("select url from targets")]
    assert [url for url in requested if "example.invalid" in url] == []
    page = linkinator.origins["basetag-absolute"] + "/pageBase/index.html"
    targets = {row["target"] for row in linkinator.links(page)}
    assert targets == {"http://another.example.invalid/ok", "http://another.example.invalid/broken"}


def mock_status(path: str) -> int:
    """What the mock server answers for `path` (its _site.toml routes; 404 otherwise)."""
    routes = tomllib.loads((LINKINATOR / "_mock" / "_site.toml").read_text())["routes"]
    for route in routes:
        if route["path"] == path:
            return route.get("status", 200)
    return 404


def status_code_expectations(mock: str) -> dict[str, set[tuple[str, str, str]]]:
    """Per status-codes page: {(page, target, error)} a correct checker reports.

    Each page links example.com paths whose status linkinator's tests mock (the mock server's
    routes here). With no per-status configuration every 4xx/5xx target is broken (403, 404,
    418 -> http_4xx; 500, 503 -> http_5xx) and /success (200) is not.
    """
    expected = {}
    for page in sorted((LINKINATOR / "status-codes").glob("*.html")):
        expected[f"/{page.name}"] = set()
        for href, _ in page_hrefs(page.read_text()):
            path = urlsplit(href).path
            status = mock_status(path)
            if status >= 400:
                error = "http_5xx" if status >= 500 else "http_4xx"
                expected[f"/{page.name}"].add((f"/{page.name}", f"{mock}{path}", error))
    return expected


def test_linkinator_status_codes(linkinator):
    # The entry page "/" links the six pages, which all exist: every one is crawled (including
    # default.html, a document of its own here, not the directory index) and none is broken
    # (404.html, titled "Status Code Test - 404", is a real page, not a soft 404).
    assert linkinator.pages("status-codes") == ["/", "/200.html", "/403.html", "/404.html", "/5xx.html",
                                                "/default.html", "/pattern.html"]
    expected = status_code_expectations(linkinator.mock)
    assert sum(map(len, expected.values())) == 8   # 403, 404, 5xx x2, default x1, pattern x3
    assert linkinator.broken("status-codes") == set().union(*expected.values())
    for finding in linkinator.broken_findings("status-codes"):
        assert finding["extra"]["status"] == mock_status(urlsplit(finding["target"]).path)
    assert linkinator.target(f"{linkinator.mock}/success")["status"] == 200


def test_linkinator_srcset_comma_separated(linkinator):
    # Both <img srcset> list _site/foo.html and _site/bar.html (with and without spaces after
    # the comma); both exist, so nothing is broken and each candidate URL is a link.
    origin = linkinator.origins["srcset"]
    links = [(row["tag"], row["attr"], row["target"]) for row in linkinator.links(origin + "/")]
    foo, bar = f"{origin}/_site/foo.html", f"{origin}/_site/bar.html"
    assert links == [("img", "srcset", foo), ("img", "srcset", bar)] * 2
    assert linkinator.broken("srcset") == set()
    assert linkinator.target(foo)["status"] == linkinator.target(bar)["status"] == 200


def test_linkinator_picture_sources_checked(linkinator):
    # <picture><source srcset="image.webp"> <source srcset="data:…"> <img src="image.jpeg">, plus
    # a data: <img>. Both files exist: nothing broken; data: URLs are not requested.
    origin = linkinator.origins["picture"]
    assert linkinator.broken("picture") == set()
    for name in ("image.webp", "image.jpeg"):
        row = linkinator.target(f"{origin}/{name}")
        assert (row["status"], row["error"]) == (200, None)
    requested = [row[0] for row in linkinator.db.execute("select url from targets where url like 'data:%'")]
    assert requested == []


def test_linkinator_metarefresh_targets_are_links(linkinator):
    # Three <meta http-equiv="refresh"> (one spelt REFRESH/URL=): three link targets, checked
    # (linkinator mocks all three 200), none broken.
    mock = linkinator.mock
    origin = linkinator.origins["metarefresh"]
    refresh = {row["target"] for row in linkinator.links(origin + "/") if row["tag"] == "meta"}
    assert refresh == {f"{mock}/redirected", f"{mock}/delayed", f"{mock}/uppercase"}
    for url in refresh:
        assert linkinator.target(url)["status"] == 200
    assert linkinator.broken("metarefresh") == set()


def test_linkinator_twice_same_broken_link_is_one_finding(linkinator):
    # Six links to one target (one with a #fragment of another page) on one page: linkinator
    # checks it once; here it is broken (the mock's "/" answers 404), so one finding, 6 times.
    mock = linkinator.mock
    assert linkinator.broken("twice") == {("/", f"{mock}/", "http_4xx")}
    (finding,) = linkinator.broken_findings("twice")
    assert finding["extra"]["times"] == 6


def test_linkinator_repeated_broken_link_one_finding_per_page(linkinator):
    # broken123 is on both pages, broken456 on A, broken789 on B; all 404 (as linkinator mocks
    # them). linkinator expects broken123 reported for both parents: four findings.
    mock = linkinator.mock
    assert linkinator.broken("repeated-broken-link") == {
        ("/pageA.html", f"{mock}/broken123", "http_4xx"), ("/pageA.html", f"{mock}/broken456", "http_4xx"),
        ("/pageB.html", f"{mock}/broken123", "http_4xx"), ("/pageB.html", f"{mock}/broken789", "http_4xx")}


def test_linkinator_relative_links_crawled(linkinator):
    # index -> ohai.html, nested/index.html -> nested.html (relative to nested/): 4 pages, all OK.
    assert linkinator.pages("relative") == ["/", "/nested/index.html", "/nested/nested.html", "/ohai.html"]
    assert linkinator.broken("relative") == set()


def test_linkinator_nested_pages_and_their_links(linkinator):
    # doll1/index.html and doll2/index.html link example.invalid/doll1 and /doll2 (mocked 200).
    mock = linkinator.mock
    assert linkinator.pages("nested") == ["/", "/doll1/index.html", "/doll2/index.html"]
    assert linkinator.broken("nested") == set()
    assert linkinator.target(f"{mock}/doll1")["status"] == linkinator.target(f"{mock}/doll2")["status"] == 200


def test_linkinator_malformed_url_is_one_broken_link(linkinator):
    # href="//////" is a network-path reference with an empty host: not a valid URL (WHATWG
    # parsing fails). linkinator reports it as the one broken link; the run must not crash.
    assert linkinator.result.returncode == 0
    assert linkinator.pages("malformed") == ["/"]
    assert linkinator.broken("malformed") == {("/", "//////", "invalid_url")}


def test_linkinator_css_urls_checked(linkinator):
    # index.html: <link rel=stylesheet href=styles.css>, a <style> with two url() and two
    # @import, style attributes with three url(), and one <a>. linkinator (checkCss) finds the
    # 8 example.invalid URLs and its mocks answer 200; styles.css exists. Nothing is broken.
    # (URLs inside styles.css are not checked: xunjian never downloads a stylesheet.)
    mock = linkinator.mock
    origin = linkinator.origins["css"]
    targets = {row["target"] for row in linkinator.links(origin + "/")}
    assert targets == {f"{origin}/styles.css", *(f"{mock}/{name}" for name in (
        "bg-inline.jpg", "header-bg.png", "imported.css", "imported2.css", "div-bg.jpg", "bg1.png",
        "bg2.png", "regular-link"))}
    for url in targets:
        row = linkinator.target(url)
        assert (row["status"], row["error"]) == (200, None), url
    assert linkinator.broken("css") == set()


def test_linkinator_scripts_missing_script_is_broken(linkinator):
    # <script src="script.js">: the file is not in the fixture, so the link is broken; the
    # site has one page (a script is never crawled as a page).
    assert linkinator.pages("scripts") == ["/"]
    assert linkinator.broken("scripts") == {("/", "/script.js", "http_4xx")}


def test_linkinator_image_src_and_srcset(linkinator):
    # <img src="missing.png"> and <img src="boo.jpg" srcset="missing.jpg 2x">: linkinator
    # expects 2 broken (missing.png, missing.jpg) and boo.jpg OK.
    assert linkinator.broken("image") == {("/", "/missing.png", "http_4xx"), ("/", "/missing.jpg", "http_4xx")}
    assert linkinator.target(linkinator.origins["image"] + "/boo.jpg")["status"] == 200


def test_linkinator_no_other_findings(linkinator):
    # Exactness across the run: only the sites whose fixtures hold broken links have
    # link.broken findings (each site's exact set is asserted above), and no other check
    # fires on these pages (no fake links, no garbled text in them).
    with_broken = {"status-codes", "twice", "repeated-broken-link", "malformed", "scripts", "image",
                   *(f"basetag-{variant}" for variant in BASETAG_OK)}
    assert {f["site"] for f in linkinator.findings if f["check"] == "link.broken"} == with_broken
    assert {f["check"] for f in linkinator.findings if f["check"].startswith(("link.", "layout."))} == {"link.broken"}


def test_blc_no_other_findings(blc):
    assert {f["site"] for f in blc.findings if f["check"] == "link.broken"} == {
        "simple", "redirect-loop", "method-not-allowed"}
    assert {f["check"] for f in blc.findings if f["check"].startswith(("link.", "layout."))} == {"link.broken"}


# --- found while testing the corpus ---------------------------------------------------------

def test_index_alias_that_does_not_exist_does_not_break_the_directory(tmp_path, serve):
    # The status-codes default.html case, with two index names that remain in INDEX_NAMES: the
    # server's index of /news/ is index.html, and a page links the (missing) /news/index.htm
    # before the working /news/. A correct checker reports the missing alias, crawls /news/ and
    # reports the broken link found there.
    site = serve(write_site(tmp_path / "site", {
        "index.html": '<html><body><a href="/news/index.htm">old news</a> <a href="/news/">news</a></body></html>',
        "news/index.html": '<html><body><a href="missing.html">gone</a></body></html>',
    }))
    inspection = Inspection(tmp_path, {"alias": {"url": site.url, "check_external": False}})
    try:
        assert inspection.broken("alias") == {("/", "/news/index.htm", "http_4xx"),
                                              ("/news/", "/news/missing.html", "http_4xx")}
    finally:
        inspection.close()


@pytest.mark.parametrize("first, second", [("/news/", "/news/index.htm"), ("/news/", "/news/index.html"),
                                           ("/news/index.html", "/news/")])
def test_index_alias_either_order(tmp_path, serve, first, second):
    # Whichever name of /news/ comes first is crawled; the other is only checked: a missing
    # alias (index.htm) is reported, a working one (index.html) is not, and the page is stored once.
    site = serve(write_site(tmp_path / "site", {
        "index.html": f'<html><body><a href="{first}">a</a> <a href="{second}">b</a></body></html>',
        "news/index.html": '<html><body><a href="missing.html">gone</a></body></html>',
    }))
    inspection = Inspection(tmp_path, {"alias": {"url": site.url, "check_external": False}})
    try:
        news_page = first
        expected = {(news_page, "/news/missing.html", "http_4xx")}
        if second.endswith(".htm"):
            expected.add(("/", second, "http_4xx"))
        assert inspection.broken("alias") == expected
        assert len([p for p in inspection.pages("alias") if p.startswith("/news")]) == 1
    finally:
        inspection.close()
