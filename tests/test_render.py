"""Browser-rendered mode against real Debian Chromium and pages served on 127.0.0.1.

These tests need `/usr/bin/chromium`: `make install browser` (or `make test`) installs it, CI
installs it through .ci/run. Without it they FAIL, on purpose; deselect them locally with
`pytest -m "not browser"`.
"""

from __future__ import annotations

import time

import pytest

from crawler.render import BrowserUnavailable, RenderedLink, Renderer, browser_available
from demo.server import FixtureSite
from tests.conftest import write_site

pytestmark = pytest.mark.browser

# One page: every hiding technique next to a visible look-alike. href -> (visible, reason).
CASES: dict[str, tuple[bool, str]] = {
    "/none.html": (False, "checkVisibility"),
    "/none-twin.html": (True, ""),
    "/hidden-attr.html": (False, "checkVisibility"),
    "/visibility.html": (False, "visibility"),
    "/visibility-twin.html": (True, ""),
    "/opacity.html": (False, "opacity"),
    "/opacity-twin.html": (True, ""),
    "/zero.html": (False, "zero-size"),
    "/zero-twin.html": (True, ""),
    "/font0.html": (False, "zero-size"),
    "/empty.html": (False, "zero-size"),
    "/left.html": (False, "off-page"),
    "/top.html": (False, "off-page"),
    "/indent.html": (False, "off-page"),
    "/left-twin.html": (True, ""),
    "/indent-twin.html": (True, ""),
    "/clipped.html": (False, "clipped-by-parent"),
    "/clipped-twin.html": (True, ""),
    "/indent-clipped.html": (False, "off-page"),     # text pushed out of its own overflow:hidden box
    "/dropdown.html": (True, ""),            # absolute child escapes a static overflow:hidden box
    "/scroller.html": (True, ""),            # below the fold of an overflow:auto box: scrollable
    "/clip.html": (False, "clip"),
    "/clip-path.html": (False, "clip"),
    "/clip-twin.html": (True, ""),
    "/clip-path-twin.html": (True, ""),
    "/white.html": (False, "same-colour"),
    "/navy.html": (False, "same-colour"),
    "/transparent.html": (False, "same-colour"),
    "/white-twin.html": (True, ""),
    "/navy-twin.html": (True, ""),
    "/over-image.html": (True, ""),          # background image behind: colour unknown, not flagged
    "/icon.html": (True, ""),                # an image in the link: not a text-only link
    "/marquee.html": (False, "marquee"),
    "/marquee-twin.html": (True, ""),
    "/submenu.html": (False, "checkVisibility"),
    "/area.html": (True, ""),
    "/中文路径.html": (True, ""),
}

INDEX = """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>某市人民政府</title>
<style>
  body { margin: 0; font: 16px/1.5 sans-serif; }
  .row { margin: 4px 0; }
  .sr { position: absolute; left: -9999px; }
  .menu li ul { display: none; }
</style></head>
<body>
<h1>某市人民政府门户网站</h1>
<div class="row"><a href="/none.html" style="display:none">隐藏一</a>
  <a href="/none-twin.html" style="display:inline">可见一</a>
  <a href="/hidden-attr.html" hidden>隐藏属性</a></div>
<div class="row"><a href="/visibility.html" style="visibility:hidden">隐藏二</a>
  <span style="visibility:visible"><a href="/visibility-twin.html">可见二</a></span></div>
<div class="row"><a href="/opacity.html" style="opacity:0">隐藏三</a>
  <a href="/opacity-twin.html" style="opacity:.9">可见三</a></div>
<div class="row"><a href="/zero.html" style="display:inline-block;width:0;height:0;overflow:hidden">隐藏四</a>
  <a href="/zero-twin.html" style="display:inline-block;width:80px;height:24px;overflow:hidden">可见四</a>
  <a href="/font0.html" style="font-size:0">字号为零</a>
  <a href="/empty.html"></a></div>
<div class="row"><a href="/left.html" class="sr">隐藏五</a>
  <a href="/top.html" style="position:absolute;top:-5000px">隐藏六</a>
  <a href="/indent.html" style="display:block;text-indent:-9999px">隐藏七</a>
  <a href="/indent-twin.html" style="display:block;text-indent:2em">可见七</a>
  <div style="position:relative;height:30px">
    <a href="/left-twin.html" style="position:absolute;left:10px;top:0">可见五</a></div>
  <a href="/indent-clipped.html" style="display:block;width:200px;text-indent:-9999px;overflow:hidden">隐藏八</a></div>
<div class="row" style="height:24px;overflow:hidden">
  <p style="margin:0;height:24px">通知公告</p><a href="/clipped.html">隐藏九</a></div>
<div class="row" style="height:60px;overflow:hidden">
  <p style="margin:0;height:24px">通知公告</p><a href="/clipped-twin.html">可见九</a></div>
<div class="row" style="position:relative;height:30px">
  <div style="height:24px;overflow:hidden">
    <span>政务公开</span>
    <ul style="position:absolute;top:24px;left:0;margin:0;padding:0;list-style:none">
      <li style="height:24px"></li><li><a href="/dropdown.html">下拉菜单</a></li></ul></div></div>
<div class="row" style="height:40px;overflow:auto">
  <p style="margin:0;height:60px">滚动区域</p><a href="/scroller.html">滚动可见</a></div>
<div class="row" style="position:relative;height:70px">
  <a href="/clip.html" style="position:absolute;top:0;width:120px;height:24px;clip:rect(0 0 0 0)">隐藏十</a>
  <a href="/clip-twin.html" style="position:absolute;top:30px;width:120px;height:24px;clip:rect(0px 120px 24px 0px)">可见十</a>
  <a href="/clip-path.html" style="position:absolute;left:200px;top:0;clip-path:inset(50%)">隐藏十一</a>
  <a href="/clip-path-twin.html" style="position:absolute;left:200px;top:30px;clip-path:inset(0)">可见十一</a></div>
<div class="row"><a href="/white.html" style="color:#fff">隐藏十二</a>
  <span style="background:#c00;padding:2px"><a href="/white-twin.html" style="color:#fff">可见十二</a></span></div>
<div class="row" style="background:#123456"><a href="/navy.html" style="color:#123457">隐藏十三</a>
  <a href="/navy-twin.html" style="color:#ffd700">可见十三</a>
  <a href="/transparent.html" style="color:transparent">隐藏十四</a></div>
<div class="row" style="background:#fff url(/bg.png) no-repeat"><a href="/over-image.html" style="color:#fff">图上文字</a></div>
<div class="row"><a href="/icon.html" style="color:#fff"><img src="/logo.png" width="16" height="16" alt="图标">微博</a></div>
<div class="row"><marquee style="height:1px" scrollamount="0"><a href="/marquee.html">隐藏十五</a></marquee>
  <marquee style="height:30px" scrollamount="0"><a href="/marquee-twin.html">可见十五</a></marquee></div>
<ul class="menu"><li><a href="/none-twin.html#menu">机构概况</a>
  <ul><li><a href="/submenu.html">领导信息</a></li></ul></li></ul>
<div class="row"><img src="/logo.png" width="100" height="40" usemap="#m" alt="地图">
  <map name="m"><area shape="rect" coords="0,0,50,40" href="/area.html" alt="热区"></map></div>
<div class="row"><a href="/中文路径.html">中文链接</a></div>
<div class="row"><script>document.write('<a href="/written.html" id="w">脚本写入的链接</a>');</script></div>
<div class="row" id="late"></div>
<script>setTimeout(function () {
  document.getElementById('late').innerHTML = '<a href="/late.html">稍后加载的链接</a>'; }, 100);</script>
<div class="row"><img src="http://192.0.2.1/x.png" alt="外站图片" width="10" height="10">
  <script src="http://192.0.2.1/track.js"></script>
  <a href="/after-offsite.html">外站资源之后</a></div>
</body></html>
"""

# 1x1 PNG
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201ffa0"
                    "96b8a10000000049454e44ae426082")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("render-site"), {
        "index.html": INDEX,
        "logo.png": PNG,
        "bg.png": PNG,
    })
    with FixtureSite(root) as fixture:
        yield fixture


@pytest.fixture(scope="module")
def renderer():
    path = browser_available()
    if path is None:
        pytest.fail("Chromium not found (/usr/bin/chromium): run `make install browser` "
                    "(`make test` installs it too; CI installs it through .ci/run). "
                    "未找到 Chromium：请运行 make install browser。", pytrace=False)
    try:
        with Renderer(path, timeout=10) as r:
            yield r
    except BrowserUnavailable as exc:
        pytest.fail(f"{exc} — run `make install`", pytrace=False)


@pytest.fixture(scope="module")
def rendered(renderer, site) -> tuple[dict[str, RenderedLink], float, list[str]]:
    began = time.perf_counter()
    links = renderer.links(site.url)
    took = time.perf_counter() - began
    by_href: dict[str, RenderedLink] = {}
    for link in links:
        by_href.setdefault(link.href, link)
    return by_href, took, list(renderer.blocked)


@pytest.mark.parametrize("href", list(CASES))
def test_visibility_rules(rendered, href):
    links, _, _ = rendered
    assert href in links, f"{href} missing; found {sorted(links)}"
    link = links[href]
    visible, reason = CASES[href]
    assert (link.visible, link.reason) == (visible, reason), link


def test_link_fields(rendered, site):
    links, _, _ = rendered
    twin = links["/white-twin.html"]
    assert twin.url == site.url + "white-twin.html"
    assert twin.text == "可见十二"
    assert twin.colour == "rgb(255, 255, 255)" and twin.background == "rgb(204, 0, 0)"
    assert twin.box[2] > 0 and twin.box[3] > 0 and twin.box[1] > 0
    white = links["/white.html"]
    assert white.background == "rgb(255, 255, 255)"
    assert links["/中文路径.html"].url.endswith("/%E4%B8%AD%E6%96%87%E8%B7%AF%E5%BE%84.html")
    assert links["/area.html"].tag == "area" and links["/area.html"].text == "热区"
    assert links["/left.html"].box[0] < -9000


def test_scripted_links(rendered):
    links, _, _ = rendered
    written = links["/written.html"]
    assert written.scripted and written.visible and written.text == "脚本写入的链接"
    assert not links["/none-twin.html"].scripted
    assert not links["/中文路径.html"].scripted
    late = links["/late.html"]                     # added 100 ms after load: the settle wait sees it
    assert late.scripted and late.visible
    assert sum(link.scripted for link in links.values()) == 2


def test_caller_supplies_html_links(renderer, site):
    links = renderer.links(site.url, html_links={"/written.html"})
    by_href = {link.href: link for link in links}
    assert not by_href["/written.html"].scripted
    assert by_href["/white.html"].scripted


def test_offsite_requests_are_aborted(rendered, site):
    links, took, blocked = rendered
    assert "/after-offsite.html" in links and links["/after-offsite.html"].visible
    assert any(url.startswith("http://192.0.2.1/") for url in blocked), blocked
    assert all("127.0.0.1" not in url for url in blocked)
    assert took < 5, f"rendering took {took:.1f}s: an off-site request hung?"


def test_one_browser_many_pages(renderer, site):
    began = time.perf_counter()
    for _ in range(5):
        assert len(renderer.links(site.url)) >= len(CASES)
    per_page = (time.perf_counter() - began) / 5
    assert per_page < 2.5, per_page


def test_screenshot(renderer, site, tmp_path):
    out = renderer.screenshot(site.url, tmp_path / "shots" / "index.png")
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000
    part = renderer.screenshot(site.url, tmp_path / "part.png", clip=(0, 0, 200, 50))
    assert part.read_bytes().startswith(b"\x89PNG") and part.stat().st_size > 100


def test_unreachable_page_raises(renderer, site):
    from crawler.render import RenderError

    with pytest.raises(RenderError):
        renderer.links("http://192.0.2.1/")        # off-site: the route aborts the navigation
    assert renderer.links(site.url)                  # the browser is still usable


def test_missing_browser_is_reported():
    with pytest.raises(BrowserUnavailable, match="make install"):
        Renderer(executable="/nonexistent/chromium")
