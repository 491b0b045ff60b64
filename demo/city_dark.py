"""暗链 and a hijacked partner link for the demo city, and the attacker site they point at.

The attacker site (ATTACKER_DIR, written next to the city's site roots by the portal's
builder) must be served on ATTACKER_HOST:ATTACKER_PORT, a loopback host other than the
demo sites' 127.0.0.1, so the inspection treats it as an outside domain:

    FixtureSite(outdir / ATTACKER_DIR, host=ATTACKER_HOST, port=ATTACKER_PORT)

It stands for the lapsed domain of 清河旅游网, now owned by a casino: "/" redirects to a
gambling page (the portal's 友情链接 is link.hijacked), and "/go/?id=…", the targets of the
hidden links, is a neutral "正在跳转" landing page (so those are link.dark only). Links
written by scripts or inside comments are never fetched; the others need the server up,
or they also show as link.broken.
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

from demo.citykit import CHECK_DARK, CHECK_HIJACKED, Truth, esc

ATTACKER_DIR = "qh-ext"
ATTACKER_HOST = "127.0.0.2"
# The tests choose another free port (tests/conftest.py), so that `make demo` and `make test`
# can run side by side.
ATTACKER_PORT = int(os.environ.get("XUNJIAN_DEMO_ATTACKER_PORT") or 18609)
ATTACKER = f"http://{ATTACKER_HOST}:{ATTACKER_PORT}/"
PARTNER_NAME = "清河旅游网"

_ATTACKER_TOML = """\
# The lapsed 清河旅游网 domain, now a casino's (demo.city_dark)
[[routes]]
path = "/"
redirect = "/lv/index.html"
"""


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
            f"</head><body>{body}</body></html>\n")


def write_attacker_site(outdir: Path) -> Path:
    """Write the attacker site under ``outdir / ATTACKER_DIR`` (replacing it); return its root."""
    root = Path(outdir) / ATTACKER_DIR
    if root.exists():
        shutil.rmtree(root)
    (root / "lv").mkdir(parents=True)
    (root / "go").mkdir()
    (root / "_site.toml").write_text(_ATTACKER_TOML, encoding="utf-8")
    (root / "lv" / "index.html").write_text(_page(
        "澳门葡京娱乐城-百家乐-真人视讯-体育投注",
        "<h1>澳门葡京娱乐城</h1><p>百家乐、真人视讯、老虎机、体育投注，首充送彩金，注册送体验金。</p>"),
        encoding="utf-8")
    (root / "go" / "index.html").write_text(_page(
        "正在跳转", "<p>页面正在跳转，请稍候……</p>"), encoding="utf-8")
    return root


def target(tag: str) -> str:
    return f"{ATTACKER}go/?id={tag}"


def _link(tag: str, text: str) -> str:
    return f'<a href="{target(tag)}" target="_blank">{esc(text)}</a>'


def _record(truth: Truth, site: str, page: str, tag: str, text: str, note: str) -> None:
    truth.add(site, CHECK_DARK, page, target(tag), text, note)


# --- what the portal's builder plants -------------------------------------------------------

# Rules appended to the portal's /css/style.css: the legitimate drop-down menu and skip link,
# and the class an intruder added to hide a block of links off the page.
PORTAL_CSS = """.nav li{position:relative}.nav .sub{display:none;position:absolute;background:#b71c1c}
.nav li:hover .sub{display:block}.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;\
clip:rect(0,0,0,0)}.tab-body{display:none}.tab-body.on{display:block}
.ft2026{position:absolute;top:-9999px;left:-9999px}
"""
SKIP_LINK = '<a class="sr-only" href="#main">跳到主要内容</a>'
# A hacked statistics script of the portal (its own .js), included by the 互动交流 page.
TONGJI_JS_PATH = "/js/tongji.js"
ENFORCEMENT_PATH = "/zwgk/daji/index.html"
ENFORCEMENT_TITLE = "严厉打击网上赌博违法犯罪 维护良好社会秩序"
ENFORCEMENT_TEXT = [
    "近日，市公安局召开新闻发布会，通报全市打击网上赌博违法犯罪专项行动进展情况。",
    "警方提醒，“百家乐”“真人视讯”等网上赌博平台均为违法犯罪活动，广大市民切勿参与，发现线索请及时举报。"]


def sub_menu(items: list[tuple[str, str]]) -> str:
    """A hover drop-down of the site's own pages (hidden until hovered: not a finding)."""
    return '<ul class="sub">' + "".join(f'<li><a href="{h}">{esc(n)}</a></li>' for h, n in items) + "</ul>"


def portal_tabs(tabs: list[tuple[str, list[tuple[str, str]]]]) -> str:
    """News tabs: only the first list shows, the others are display:none (not a finding)."""
    head = "".join(f'<li{" class=on" if i == 0 else ""}>{esc(name)}</li>' for i, (name, _) in enumerate(tabs))
    bodies = "".join(
        f'<div class="tab-body{" on" if i == 0 else ""}"><ul>'
        + "".join(f'<li><a href="{h}">{esc(t)}</a></li>' for h, t in items) + "</ul></div>"
        for i, (_, items) in enumerate(tabs))
    return f'<div class="block tabs"><ul class="tab-head">{head}</ul>{bodies}</div>'


def portal_home(truth: Truth, site: str) -> str:
    """The homepage's 友情链接 (one partner now hijacked) and the injected off-page block."""
    truth.add(site, CHECK_HIJACKED, "/", ATTACKER, PARTNER_NAME,
              "友情链接 清河旅游网: its lapsed domain now redirects to a casino page")
    block = []
    for tag, text in (("qh101", "澳门葡京"), ("qh102", "百家乐")):
        block.append(_link(tag, text))
        _record(truth, site, "/", tag, text, "off-page block (.ft2026 in the site's style.css)")
    return (f'<div class="links"><h3>友情链接</h3><a href="{ATTACKER}" target="_blank">{PARTNER_NAME}</a></div>\n'
            f'<div class="ft2026">{" ".join(block)}</div>')


def portal_article(truth: Truth, site: str, page: str) -> str:
    """Hacked article content: a display:none paragraph."""
    _record(truth, site, page, "qh103", "真人视讯", "display:none paragraph inside the article body")
    return f'<p style="display:none">{_link("qh103", "真人视讯")}</p>'


def _unescape(markup: str) -> str:
    return "".join(f"%{ord(c):02X}" if ord(c) < 128 else f"%u{ord(c):04X}" for c in markup)


def portal_inline_script(truth: Truth, site: str, page: str) -> str:
    """document.write(unescape(...)) of a hidden link, inline on a static page."""
    markup = f'<div style="display:none">{_link("qh104", "体育投注")}</div>'
    _record(truth, site, page, "qh104", "体育投注", "inline script: document.write(unescape(…))")
    return f'<script type="text/javascript">document.write(unescape("{_unescape(markup)}"));</script>'


def portal_tongji_js(truth: Truth, site: str, page: str) -> str:
    """The hacked statistics script: its text, writing a link hidden by zero size, base64-encoded."""
    markup = f'<span style="display:inline-block;width:0;height:0;overflow:hidden">{_link("qh105", "老虎机")}</span>'
    _record(truth, site, page, "qh105", "老虎机", f"site's own script {TONGJI_JS_PATH}: document.write(atob(…))")
    encoded = base64.b64encode(markup.encode("utf-8")).decode("ascii")
    return ("// 网站访问统计\nvar _qhtj = _qhtj || [];\n"
            f'document.write(decodeURIComponent(escape(atob("{encoded}"))));\n')


def portal_comment(truth: Truth, site: str, page: str) -> str:
    """An <!--seo … --> block left in a page template."""
    _record(truth, site, page, "qh106", "太阳城", "link inside an <!--seo … --> comment block")
    return f"<!--seo\n<div>{_link('qh106', '太阳城')}</div>\n-->"


# --- what the county's builder plants -------------------------------------------------------

def county_marquee(truth: Truth, site: str) -> str:
    """The old-template trick: a 1-pixel <marquee> on the homepage."""
    links = []
    for tag, text in (("qh201", "新葡京"), ("qh202", "时时彩")):
        links.append(_link(tag, text))
        _record(truth, site, "/", tag, text, "1-pixel <marquee> on the homepage")
    return f'<marquee height="1" width="1" scrollamount="2">{" ".join(links)}</marquee>'


def county_white_text(truth: Truth, site: str, page: str) -> str:
    """White <font> link text on the page's white background, after the article text (the
    <font> goes inside the <a>: around it, the link keeps its own blue)."""
    _record(truth, site, page, "qh203", "皇冠体育", "white <font> link text on the white page")
    return f'<p><a href="{target("qh203")}" target="_blank"><font color="#ffffff">皇冠体育</font></a></p>'


def county_font_zero(truth: Truth, site: str, page: str) -> str:
    """A link in a font-size:0 span on a static page."""
    _record(truth, site, page, "qh204", "娱乐城", "font-size:0 span")
    return f'<span style="font-size:0">{_link("qh204", "娱乐城")}</span>'


def county_tabs(items: list[tuple[str, str]]) -> str:
    """A hidden second tab of own articles (not a finding)."""
    lis = "".join(f'<li><a href="{h}">{esc(t)}</a></li>' for h, t in items)
    return f'<div class="box" style="display:none" id="tab2"><ul>{lis}</ul></div>'
