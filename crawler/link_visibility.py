"""Link visibility: which links of a rendered page a reader can see, and why not.

This is what the dark-link check learns from the browser (crawler/render.py opens the page);
the rules run as one JS function per page, because only the browser knows the final layout.

After `load` (plus a short wait for late scripts) the function looks at every
`a[href]` and `area[href]` and decides whether it is visible. A link is hidden when, first match
wins (the `reason`):

- "checkVisibility" — `display:none`, `hidden`, `content-visibility` (element.checkVisibility())
- "visibility" / "opacity" — `visibility:hidden|collapse` / `opacity:0` on it or an ancestor
- "zero-size" — what it paints (text, images, its own box) is under 2 CSS px wide or high
- "off-page" — everything it paints lies outside the document (left of / above 0, or past
  scrollWidth/scrollHeight; past 2560 px when the page cannot scroll sideways)
- "marquee" — inside a `<marquee>` at most 1 px high or wide
- "clip" — CSS `clip` / `clip-path` (on it or an ancestor) leaves nothing
- "clipped-by-parent" — every painted part is cut away by ancestors with overflow
  hidden/clip (or `contain: paint`), taking absolute/fixed positioning into account
- "same-colour" — every piece of its text is the colour of the background behind it
  (first non-transparent background up the tree, white by default; not when a background
  image, text shadow or stroke is in the way, nor for links that show an image)

Hidden is a fact, not a verdict: a `display:none` submenu or an `sr-only` skip link is hidden
too; the caller decides what is legitimate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["RenderedLink", "hrefs_in_html", "read_links"]


@dataclass
class RenderedLink:
    """One `a[href]`/`area[href]` as the browser laid it out."""

    href: str            # the attribute as written
    url: str             # absolute, resolved by the browser
    text: str            # rendered text (innerText), else alt/title/aria-label
    visible: bool
    reason: str          # "" when visible, else why it is hidden (see module docstring)
    box: tuple[float, float, float, float]   # x, y, width, height in CSS px, document coords
    colour: str          # computed text colour, rgb()/rgba()
    background: str      # effective background colour behind it, rgb()/rgba()
    scripted: bool       # absent from the page's original HTML (written by scripts)
    tag: str = "a"       # "a" or "area"
    selector: str = field(default="", repr=False)   # a CSS path to the element


# --- the visibility rules (one call per page) --------------------------------------------

_LINKS_JS = r"""
() => {
  const TOL = 8;             // colour channels this close count as the same colour
  const MIN = 2;             // painted area under 2 px in either direction is zero-size
  const de = document.documentElement, body = document.body;
  const sx = window.scrollX, sy = window.scrollY;
  const docW = Math.max(de.scrollWidth, body ? body.scrollWidth : 0, de.clientWidth);
  const docH = Math.max(de.scrollHeight, body ? body.scrollHeight : 0, de.clientHeight);
  const cs = new Map();
  const style = (el) => { let s = cs.get(el); if (!s) { s = getComputedStyle(el); cs.set(el, s); } return s; };
  const parent = (el) => el.parentElement || (el.parentNode && el.parentNode.host) || null;
  const rgba = (s) => {
    const m = /rgba?\(([^)]+)\)/.exec(s || '');
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
    return [p[0] || 0, p[1] || 0, p[2] || 0, p.length > 3 ? p[3] : 1];
  };
  const clipsOverflow = (s) => /hidden|clip/.test(s.overflowX) || /hidden|clip/.test(s.overflowY)
      || /paint|strict|content/.test(s.contain || '');
  const cbForAbs = (s) => s.position !== 'static' || cbForFixed(s);
  const cbForFixed = (s) => (s.transform && s.transform !== 'none') || (s.filter && s.filter !== 'none')
      || (s.perspective && s.perspective !== 'none') || /paint|layout|strict|content/.test(s.contain || '')
      || /transform|perspective|filter/.test(s.willChange || '');
  // viewport cannot scroll sideways: content far to the right can never be reached
  const vs = style(de), bs = body ? style(body) : vs;
  const noScrollX = /hidden|clip/.test(vs.overflowX) || (vs.overflowX === 'visible' && /hidden|clip/.test(bs.overflowX));
  const maxX = noScrollX ? Math.max(window.innerWidth, 2560) : docW;

  const R = (r) => ({l: r.left, t: r.top, r: r.right, b: r.bottom});
  const area = (r) => Math.max(0, r.r - r.l) * Math.max(0, r.b - r.t);
  const big = (r) => (r.r - r.l) >= MIN && (r.b - r.t) >= MIN;
  const meet = (a, b) => ({l: Math.max(a.l, b.l), t: Math.max(a.t, b.t), r: Math.min(a.r, b.r), b: Math.min(a.b, b.b)});
  const union = (rs) => rs.reduce((u, r) => u ? {l: Math.min(u.l, r.l), t: Math.min(u.t, r.t),
      r: Math.max(u.r, r.r), b: Math.max(u.b, r.b)} : r, null);
  // 0: paints nothing of its own; 1: only a background colour; 2: an image, border or ::before/::after
  const paintsBox = (el) => {
    const s = style(el);
    if (s.backgroundImage && s.backgroundImage !== 'none') return 2;
    for (const side of ['Top', 'Right', 'Bottom', 'Left'])
      if (parseFloat(s['border' + side + 'Width']) > 0 && s['border' + side + 'Style'] !== 'none'
          && rgba(s['border' + side + 'Color'])[3] > 0) return 2;
    for (const pseudo of ['::before', '::after']) {
      const c = getComputedStyle(el, pseudo).content;
      if (c && c !== 'none' && c !== 'normal' && c !== '""') return 2;
    }
    return rgba(s.backgroundColor)[3] > 0 ? 1 : 0;
  };
  const REPLACED = new Set(['IMG', 'SVG', 'CANVAS', 'VIDEO', 'PICTURE', 'INPUT', 'BUTTON', 'IFRAME',
                            'OBJECT', 'EMBED', 'SELECT', 'TEXTAREA', 'svg']);

  // painted pieces: [{rect, owner, text}] — owner is the element that clips it first
  function ink(el) {
    const out = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let n = walker.currentNode; n; n = walker.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        if (!/\S/.test(n.data)) continue;
        const p = n.parentElement;
        if (!p || !p.checkVisibility({visibilityProperty: true})) continue;
        range.selectNodeContents(n);
        for (const r of range.getClientRects()) if (area(R(r)) > 0 || r.width > 0 || r.height > 0)
          out.push({rect: R(r), owner: p, text: true, el: p});
      } else if (n !== el) {
        if (!n.checkVisibility({visibilityProperty: true})) { continue; }
        const paint = REPLACED.has(n.tagName) ? 2 : paintsBox(n);
        if (paint) out.push({rect: R(n.getBoundingClientRect()), owner: parent(n), text: false, el: n, strong: paint > 1});
      }
    }
    const paint = paintsBox(el);
    if (paint || !out.length)
      out.push({rect: R(el.getBoundingClientRect()), owner: parent(el), text: false, el: el, strong: paint !== 1});
    return out;
  }

  // a piece's rect after every clipping ancestor (overflow / contain:paint) is applied
  function clipped(piece, stopAt) {
    let r = piece.rect, mode = null, e = piece.owner;
    // positioning of the piece's element decides which ancestors may clip it
    const own = piece.el && piece.el !== piece.owner ? style(piece.el).position : null;
    if (own === 'absolute') mode = 'abs'; else if (own === 'fixed') mode = 'fixed';
    for (; e && e !== de && e !== body; e = parent(e)) {
      const s = style(e);
      if (mode === 'abs' && !cbForAbs(s)) continue;
      if (mode === 'fixed' && !cbForFixed(s)) continue;
      mode = null;
      if (clipsOverflow(s) && s.display !== 'contents') {
        const b = e.getBoundingClientRect();
        const box = {l: b.left + e.clientLeft, t: b.top + e.clientTop,
                     r: b.left + e.clientLeft + (e.clientWidth || b.width), b: b.top + e.clientTop + (e.clientHeight || b.height)};
        // overflow clips only along the axes it is set for
        const cx = /hidden|clip/.test(s.overflowX) || /paint|strict|content/.test(s.contain || '');
        const cy = /hidden|clip/.test(s.overflowY) || /paint|strict|content/.test(s.contain || '');
        r = {l: cx ? Math.max(r.l, box.l) : r.l, r: cx ? Math.min(r.r, box.r) : r.r,
             t: cy ? Math.max(r.t, box.t) : r.t, b: cy ? Math.min(r.b, box.b) : r.b};
        if (r.r - r.l <= 0 || r.b - r.t <= 0) return null;
      }
      if (s.position === 'absolute') mode = 'abs'; else if (s.position === 'fixed') mode = 'fixed';
    }
    return r;
  }

  const len = (v, ref) => { v = (v || '').trim(); if (v.endsWith('%')) return parseFloat(v) / 100 * ref;
                            const n = parseFloat(v); return isNaN(n) ? 0 : n; };
  function clipsToNothing(e) {
    const s = style(e), b = e.getBoundingClientRect();
    if ((s.position === 'absolute' || s.position === 'fixed') && s.clip && s.clip.startsWith('rect(')) {
      const p = s.clip.slice(5, -1).split(/[\s,]+/).filter(Boolean);
      if (p.length === 4) {
        const v = (x, d) => x === 'auto' ? d : parseFloat(x);
        const t = v(p[0], 0), r = v(p[1], b.width), btm = v(p[2], b.height), l = v(p[3], 0);
        if (r - l <= 0 || btm - t <= 0) return true;
      }
    }
    const cp = s.clipPath || '';
    if (!cp || cp === 'none') return false;
    let m;
    if ((m = /^inset\(([^)]*)\)/.exec(cp))) {
      const parts = m[1].split(/\s+round\s+/)[0].trim().split(/\s+/);
      const [t, r = t, btm = t, l = r] = parts;
      if (len(t, b.height) + len(btm, b.height) >= b.height || len(l, b.width) + len(r, b.width) >= b.width) return true;
    } else if ((m = /^circle\(\s*([^\s)]+)/.exec(cp))) {
      if (!/^(closest|farthest)/.test(m[1]) && len(m[1], Math.hypot(b.width, b.height) / Math.SQRT2) <= 0) return true;
    } else if ((m = /^ellipse\(\s*([^\s)]+)\s+([^\s)]+)/.exec(cp))) {
      if ((!/^(closest|farthest)/.test(m[1]) && len(m[1], b.width) <= 0) ||
          (!/^(closest|farthest)/.test(m[2]) && len(m[2], b.height) <= 0)) return true;
    } else if ((m = /^polygon\(([^)]*)\)/.exec(cp))) {
      const pts = m[1].replace(/^\s*(nonzero|evenodd)\s*,/, '').split(',').map((q) => {
        const [x, y] = q.trim().split(/\s+/); return [len(x, b.width), len(y, b.height)]; });
      let a = 0;
      for (let i = 0; i < pts.length; i++) { const [x1, y1] = pts[i], [x2, y2] = pts[(i + 1) % pts.length]; a += x1 * y2 - x2 * y1; }
      if (Math.abs(a) / 2 < 1) return true;
    }
    return false;
  }

  function background(el) {
    let image = false;
    for (let e = el; e; e = parent(e)) {
      const s = style(e);
      if (s.backgroundImage && s.backgroundImage !== 'none') image = true;
      const c = rgba(s.backgroundColor);
      if (c[3] > 0) return {colour: s.backgroundColor, rgb: c, image};
    }
    return {colour: 'rgb(255, 255, 255)', rgb: [255, 255, 255, 1], image};
  }
  const same = (a, b) => a[3] === 0 || (Math.abs(a[0] - b[0]) <= TOL && Math.abs(a[1] - b[1]) <= TOL && Math.abs(a[2] - b[2]) <= TOL);
  function textHidden(e) {
    const s = style(e);
    if (s.textShadow && s.textShadow !== 'none') return false;
    if (parseFloat(s.webkitTextStrokeWidth) > 0) return false;
    const bg = background(e);
    return !bg.image && same(rgba(s.color), bg.rgb);
  }

  function cssPath(el) {
    const segs = [];
    for (let e = el; e && e.nodeType === 1 && e !== de; e = e.parentElement) {
      let i = 1; for (let s = e.previousElementSibling; s; s = s.previousElementSibling) i++;
      segs.unshift(e.tagName.toLowerCase() + ':nth-child(' + i + ')');
    }
    return 'html > ' + segs.join(' > ');
  }

  function judge(el, target) {
    if (!target) return 'zero-size';                         // <area> of a map no image uses
    if (!target.checkVisibility()) return 'checkVisibility';
    if (!target.checkVisibility({visibilityProperty: true})) return 'visibility';
    if (!target.checkVisibility({opacityProperty: true})) return 'opacity';
    const tb = target.getBoundingClientRect(), ts = style(target);
    if ((tb.width < MIN || tb.height < MIN) && /hidden|clip/.test(ts.overflowX) && /hidden|clip/.test(ts.overflowY))
      return 'zero-size';                                     // a box too small to show what it clips
    const pieces = ink(target);
    const sized = pieces.filter((p) => big(p.rect));
    if (!sized.length) return 'zero-size';
    const onPage = sized.filter((p) => {
      const x = p.rect.l + sx, y = p.rect.t + sy, w = p.rect.r - p.rect.l, h = p.rect.b - p.rect.t;
      return !(x + w <= 0 || y + h <= 0 || x >= maxX || y >= docH);
    });
    if (!onPage.length) return 'off-page';
    for (let e = target; e; e = parent(e)) {
      if (e.tagName === 'MARQUEE') { const b = e.getBoundingClientRect(); if (b.width <= 1 || b.height <= 1) return 'marquee'; }
    }
    for (let e = target; e && e !== de; e = parent(e)) if (clipsToNothing(e)) return 'clip';
    const shown = onPage.filter((p) => { const r = clipped(p); return r && big(r); });
    if (!shown.length) return 'clipped-by-parent';
    // no image/border shown, and all its text has the colour of what lies behind it
    const texts = shown.filter((p) => p.text);
    if (texts.length && !shown.some((p) => p.strong) && texts.every((p) => textHidden(p.el))) return 'same-colour';
    return '';
  }

  const out = [];
  for (const el of document.querySelectorAll('a[href], area[href]')) {
    let target = el;
    if (el.tagName === 'AREA') {
      const map = el.closest('map');
      const name = map && (map.name || map.id);
      target = name ? document.querySelector('img[usemap="#' + CSS.escape(name) + '"], object[usemap="#' + CSS.escape(name) + '"]') : null;
    }
    let reason;
    try { reason = judge(el, target); } catch (err) { reason = ''; }
    const box = target ? target.getBoundingClientRect() : {left: 0, top: 0, width: 0, height: 0};
    const s = style(el);
    let text = (el.tagName === 'AREA' ? (el.alt || '') : (el.innerText || el.textContent || '')).replace(/\s+/g, ' ').trim();
    if (!text) {
      const img = el.querySelector && el.querySelector('img[alt]');
      text = (img && img.alt) || el.title || el.getAttribute('aria-label') || '';
    }
    out.push({href: el.getAttribute('href') || '', url: el.href || '', text: text.trim(),
              reason, box: [box.left + sx, box.top + sy, box.width, box.height],
              colour: s.color, background: background(el).colour,
              tag: el.tagName.toLowerCase(), selector: cssPath(el)});
  }
  return out;
}
"""


def hrefs_in_html(body: bytes, content_type: str | None, url: str) -> set[str]:
    """hrefs (as written and resolved) of a/area in the original HTML."""
    from crawler.extract import decode_html, parse_page

    decoded = decode_html(body, content_type)
    page = parse_page(decoded.text, url, decoded.charset)
    found: set[str] = set()
    for link in page.links:
        if link.tag in ("a", "area") and link.attr == "href":
            found.add(link.raw)
            if link.url:
                found.add(link.url)
    return found


def read_links(page: Any, html_links: set[str]) -> list[RenderedLink]:
    """Run the visibility rules on a loaded Playwright `page`; one RenderedLink per link.

    A link is `scripted` when neither its href as written nor its absolute URL is in `html_links`.
    """
    rows = page.evaluate(_LINKS_JS)
    return [RenderedLink(href=row["href"], url=row["url"], text=row["text"],
                         visible=not row["reason"], reason=row["reason"],
                         box=tuple(float(v) for v in row["box"]),
                         colour=row["colour"], background=row["background"],
                         scripted=not (row["href"].strip() in html_links or row["url"] in html_links),
                         tag=row["tag"], selector=row["selector"])
            for row in rows]
