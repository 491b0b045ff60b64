"""Site identity items on the homepage (指标: 网站标识), for ``site.identity_missing``.

The 发展指引 asks every government site to show, usually in its footer: the 网站标识码,
the ICP 备案号, the 公安机关备案号, the 党政机关网站标识 (the conac.cn badge) and the
"我为政府网站找错" entry. ``identity_items`` reports the evidence for each, or None.

Wording is searched in the visible ``text`` only (so text inside an HTML comment does not
count); ``html`` is searched, comments removed, only for meta tags, images and scripts.
A label without its number ("ICP备案号：" alone) is missing, not present.
"""

from __future__ import annotations

import re

ITEMS: dict[str, str] = {"site_code": "网站标识码", "icp": "ICP备案号", "police": "公安机关备案号",
                         "party_mark": "党政机关网站标识", "find_error": "我为政府网站找错"}

EVIDENCE_MAX = 80
# Province abbreviations used in 备案号, with their alternates (陇 甘, 黔 贵, 滇 云, 蜀 川, 秦 陕),
# plus the demo's fictional 清.
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼陇黔滇蜀秦清"
_WS = "[ \u3000\xa0\t\r\n]*"
_DIGIT = "[0-9０-９]"

_SITE_CODE = re.compile(f"网站标识码{_WS}[:：]?{_WS}([0-9A-Za-z０-９]{{10}})(?![0-9０-９])")
_ICP = re.compile(
    f"[{_PROVINCES}]{_WS}(?i:ICP){_WS}备案?{_WS}[:：]?{_WS}{_DIGIT}{{5,12}}{_WS}号?"
    f"(?:{_WS}[-－—]{_WS}{_DIGIT}{{1,3}})?")
_ICP_LABEL = re.compile(
    f"(?i:ICP){_WS}备案(?:编)?号{_WS}[:：]?{_WS}(?:[{_PROVINCES}]{_WS}(?i:ICP){_WS}备{_WS})?"
    f"{_DIGIT}{{5,12}}{_WS}号?(?:{_WS}[-－—]{_WS}{_DIGIT}{{1,3}})?")
_POLICE = re.compile(f"[{_PROVINCES}]{_WS}公网安备{_WS}[:：]?{_WS}{_DIGIT}{{6,16}}{_WS}号?")
_POLICE_LABEL = re.compile(
    f"公安(?:机关)?备案(?:编)?号{_WS}[:：]?{_WS}(?:[{_PROVINCES}]{_WS}公网安备{_WS})?{_DIGIT}{{6,16}}{_WS}号?")
_FIND_ERROR_TEXT = re.compile("(?:我为)?政府网站找错")

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.I)
_SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.I)
_ATTR = re.compile(r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_SITE_ID_VALUE = re.compile(r"\s*([0-9A-Za-z]{10})\s*")
_HOST = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.\-]*:)?//(?:[^/?#@]*@)?([^/?#:\s]+)")
_PARTY_IMG = re.compile(r"党政机关|conac|dzjg", re.I)
_FIND_ERROR_URL = re.compile(r"^\s*(?:https?:)?//(?:zfwzzc\.www\.gov\.cn|www\.gov\.cn/fuwu/zfwzzc)",
                             re.I)


def _evidence(s: str) -> str:
    return " ".join(s.split())[:EVIDENCE_MAX]


def _attrs(tag: str) -> dict[str, str]:
    """Attributes of one start tag, names lower-cased (first occurrence wins)."""
    out: dict[str, str] = {}
    for m in _ATTR.finditer(tag):
        name = m.group(1).lower()
        if name not in out:
            value = m.group(2) if m.group(2) is not None else m.group(3)
            out[name] = value if value is not None else (m.group(4) or "")
    return out


def _host(href: str) -> str:
    m = _HOST.match(href)
    return m.group(1).lower().rstrip(".") if m else ""


def _on(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)


def _search(text: str, *patterns: re.Pattern) -> str | None:
    for pattern in patterns:
        m = pattern.search(text)
        if m:
            return _evidence(m.group(0))
    return None


def _clean_links(links) -> list[tuple[str, str, str]]:
    out = []
    for link in links or ():
        try:
            href, label, alt = (link[0] or ""), (link[1] or ""), (link[2] or "")
        except (TypeError, IndexError):
            continue
        out.append((str(href), str(label), str(alt)))
    return out


def _site_code(text: str, html: str) -> str | None:
    found = _search(text, _SITE_CODE)
    if found:
        return found
    for tag in _META_TAG.finditer(html):
        attrs = _attrs(tag.group(0))
        if attrs.get("name", "").strip().lower() == "siteidcode":
            m = _SITE_ID_VALUE.fullmatch(attrs.get("content", ""))
            if m:
                return _evidence(f'<meta name="SiteIDCode" content="{m.group(1)}">')
    return None


def _icp(text: str, links: list[tuple[str, str, str]]) -> str | None:
    found = _search(text, _ICP, _ICP_LABEL)
    if found:
        return found
    for href, label, alt in links:
        if _on(_host(href), "beian.miit.gov.cn") and "icp" in (label + " " + alt).lower():
            return _evidence(href)
    return None


def _police(text: str, links: list[tuple[str, str, str]]) -> str | None:
    found = _search(text, _POLICE, _POLICE_LABEL)
    if found:
        return found
    for href, _label, _alt in links:
        host = _host(href)
        if host in ("beian.mps.gov.cn", "www.beian.gov.cn", "beian.gov.cn"):
            return _evidence(href)
    return None


def _party_mark(html: str, links: list[tuple[str, str, str]]) -> str | None:
    for href, _label, alt in links:
        if _on(_host(href), "conac.cn"):
            return _evidence(href)
        if alt and _PARTY_IMG.search(alt):
            return _evidence(alt)
    for tag in _IMG_TAG.finditer(html):
        attrs = _attrs(tag.group(0))
        for key in ("alt", "src", "title"):
            value = attrs.get(key, "")
            if value and _PARTY_IMG.search(value):
                return _evidence(value)
    for tag in _SCRIPT_TAG.finditer(html):
        src = _attrs(tag.group(0)).get("src", "")
        if _on(_host(src), "conac.cn"):
            return _evidence(src)
    return None


def _find_error(html: str, links: list[tuple[str, str, str]]) -> str | None:
    for href, label, alt in links:
        if _FIND_ERROR_TEXT.search(label):
            return _evidence(label)
        if _FIND_ERROR_TEXT.search(alt):
            return _evidence(alt)
        if _FIND_ERROR_URL.match(href):
            return _evidence(href)
    for tag in _SCRIPT_TAG.finditer(html):   # the 找错 button some sites insert by script
        src = _attrs(tag.group(0)).get("src", "")
        if _FIND_ERROR_URL.match(src):
            return _evidence(src)
    return None


def identity_items(html: str, text: str, links: list[tuple[str, str, str]]) -> dict[str, str | None]:
    """For each ITEMS key, the evidence (≤ 80 chars) found on the homepage, or None."""
    html = _COMMENT.sub(" ", html or "") if html else ""
    text = text or ""
    clean = _clean_links(links)
    return {
        "site_code": _site_code(text, html),
        "icp": _icp(text, clean),
        "police": _police(text, clean),
        "party_mark": _party_mark(html, clean),
        "find_error": _find_error(html, clean),
    }
