"""Links that JavaScript writes into a page (暗链 by script), found without running it.

Hacked sites carry gambling/porn links injected by `document.write`, `innerHTML`, jQuery
`.html()`/`.append()`, `insertAdjacentHTML` or redirects, usually encoded: `unescape`, `\\x3c`
and `\\u003c` escapes, `String.fromCharCode`, `atob`, concatenation, `eval`, the p,a,c,k,e,d
packer. A masking pass finds strings, comments and regex literals in linear time; sinks are
found around literal anchors; a small evaluator (checks.script_eval) folds each sink's argument (literals, `+`,
arrays, variables assigned nearby, the decoders above, split/reverse/join/concat). What it
cannot know becomes UNKNOWN, and a link is reported only when its target is known.
Consecutive `document.write`s are joined, so a hidden wrapper stays in `markup`.
All functions are pure and never raise on arbitrary text.
"""

from __future__ import annotations

import html as _html
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace

from checks.script_eval import (SINK_TOKENS, UNKNOWN, UNKNOWN_VALUE, Script, Value, decode_escapes, join_values,
                                unpack)
from crawler.urlresolve import resolve_url

__all__ = ["ScriptLink", "script_links", "page_script_links"]

MAX_SCRIPT, MAX_MARKUP = 1 << 20, 500                # characters scanned per script; kept of markup
MAX_SINKS, MAX_EVAL_DEPTH = 5_000, 3                 # sinks per script; nesting of eval'd code
ENCODINGS = ("unescape", "hex-escape", "unicode-escape", "fromCharCode", "atob", "packer", "concat")


@dataclass(frozen=True)
class ScriptLink:
    """A link written (or a redirect made) by script; unknown parts of `markup` show as '…'."""
    href: str          # as written
    url: str | None    # resolved against the base URL
    text: str          # link text if the written markup has one
    technique: str     # document.write | innerHTML | insertAdjacentHTML | location | script-url
    encoding: str      # "" or ENCODINGS members joined by "+"
    markup: str        # the decoded HTML fragment written (≤ MAX_MARKUP characters)
    offset: int        # character offset of the statement in the script text


_SINKS = {group: re.compile(pattern) for group, pattern in (
    ("write", r"\bdocument\s*(?:\.\s*write(?:ln)?|\[\s*(['\"])write(?:ln)?\1\s*\])\s*\("),
    ("inner", r"\.\s*(?:inner|outer)HTML\s*\+?=(?!=)"),
    ("adj", r"\.\s*insertAdjacentHTML\s*\("),
    ("jq", r"\.\s*(?:html|append|prepend)\s*\("),
    ("locset", r"\blocation(?:\s*\.\s*href)?\s*=(?!=)"),
    ("loccall", r"\b(?:location\s*\.\s*(?:replace|assign)|window\s*\.\s*open)\s*\("),
    ("eval", r"\b(?:eval|setTimeout|setInterval|Function)\s*\("))}
# Literal anchors and the sinks around them: scanning for literals is fast, a sink pattern is not.
_ANCHORS = [(re.compile(word), groups.split()) for word, groups in (
    ("write", "write"), ("HTML", "inner adj"), ("html", "jq"), ("append", "jq"), ("prepend", "jq"),
    ("location", "locset loccall"), ("open", "loccall"), ("eval", "eval"), ("set(?:Timeout|Interval)", "eval"),
    ("Function", "eval"))]
_TECHNIQUE = {"write": "document.write", "inner": "innerHTML", "adj": "insertAdjacentHTML",
              "jq": "innerHTML", "locset": "location", "loccall": "location"}
_PACKER = re.compile(r"\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,\s*[dr]\s*\)")
_PACKED = re.compile(r"\}\s*\(\s*'([^'\\]*(?:\\.[^'\\]*)*)'\s*,\s*(\d{1,6})\s*,\s*(\d{1,6})\s*,\s*"
                     r"'([^'\\]*(?:\\.[^'\\]*)*)'\s*\.split\(\s*'\|'\s*\)", re.S)
_GAP = re.compile(r"[\s;)]*")
_TAG = re.compile(r"<(a|area|iframe|frame|script|meta)(?=[\s/>])((?:[^>\"']|\"[^\"]{0,2000}\"|'[^']{0,2000}')*)>?",
                  re.I)
_ATTR = re.compile(r"([^\s=/>\"']+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+))?")
_CLOSE_A, _CLOSE_SCRIPT = re.compile(r"</a\s*>", re.I), re.compile(r"</script", re.I)
_REFRESH = re.compile(r"\s*\d*\s*[;,]?\s*url\s*=\s*['\"]?([^'\"]+)", re.I)
_ABS_URL = re.compile(r"\b(?>(?:https?://|www\.)[\w\-]+(?:\.[\w\-]+)+(?::\d+)?(?:[/?#][^\s'\"<>(){}\\^`|\uffff]*)?)"
                      r"(?!\uffff)", re.I)   # not followed by unknown text: "http://www.bet" + x
_PARTIAL_URL = re.compile(r"(?:[a-z][a-z0-9+.\-]*:)?//[^/?#\s\uffff]+[/?#]", re.I)
_TAGS = re.compile(r"<[^>]*>?")
_SCRIPT_EL = re.compile(r"<!--.*?(?:-->|\Z)|<script\b([^>]*)(?:>|\Z)(.*?)(?:</script(?![\w-])[^>]*(?:>|\Z)|\Z)",
                        re.S | re.I)
_TYPE = re.compile(r"(?:^|\s)type\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))", re.I)
_SRC = re.compile(r"(?:^|\s)src\s*=", re.I)
_JS_TYPES = ("javascript", "ecmascript", "jscript", "livescript", "rocketscript")


@dataclass
class _Group:
    """Consecutive sink statements of one technique; document.write texts form one fragment."""
    technique: str
    end: int = 0
    pieces: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)  # (start, offset, enc)
    texts: list[str] = field(default_factory=list)
    seen: list[Value] = field(default_factory=list)
    size: int = 0


def _triggers(code: str) -> list[tuple[int, int, str]]:
    """(start, end, group) of the sinks in masked code, in order."""
    found: dict[int, tuple[int, int, str]] = {}
    for anchor, groups in _ANCHORS:
        for hit in anchor.finditer(code):
            if len(found) >= MAX_SINKS:
                break
            for group in groups:
                for m in _SINKS[group].finditer(code, max(0, hit.start() - 30), hit.end() + 30):
                    if m.start() <= hit.start() < m.end():
                        found.setdefault(m.start(), (m.start(), m.end(), group))
    return [found[k] for k in sorted(found)]


def _stmt_start(code: str, pos: int) -> int:
    """Start of the statement holding pos: after the last ; { } or newline within 300 characters."""
    lo = max(0, pos - 300)
    cut = max(code.rfind(c, lo, pos) for c in ";{}\n")
    start = cut + 1 if cut >= 0 else 0 if lo == 0 else pos
    return start + len(code[start:pos]) - len(code[start:pos].lstrip())


def _encoding(enc: frozenset[str] | set[str]) -> str:
    return "+".join(e for e in ENCODINGS if e in enc)


def _link(href: str, base: str, technique: str, enc: frozenset[str], text: str = "",
          markup: str = "", offset: int = 0) -> ScriptLink | None:
    """A ScriptLink; None when the target is unknown or no destination ('#', 'javascript:')."""
    if UNKNOWN in href:
        known = _PARTIAL_URL.match(href)   # "http://host/?q=" + unknown: the host is known
        href = known.group() if known else ""
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith("javascript:"):
        return None
    try:
        url = resolve_url(href, base)
    except Exception:  # noqa: BLE001 - a bad URL is reported unresolved, not raised
        url = None
    return ScriptLink(href, url, text, technique, _encoding(enc), markup.replace(UNKNOWN, "…"), offset)


def _relink(link: ScriptLink, enc: frozenset[str], offset: int) -> ScriptLink:
    """A link found in evaluated code, placed at the statement that ran it."""
    return replace(link, encoding=_encoding(enc | set(link.encoding.split("+"))), offset=offset)


def _excerpt(frag: str, at: int) -> str:
    """The fragment; when longer than MAX_MARKUP, its head and the part around `at`."""
    if len(frag) <= MAX_MARKUP:
        return frag
    return frag[:200] + "…" + frag[max(200, at - 100):][:MAX_MARKUP - 201]


def _markup_links(frag: str, group: _Group, base: str, depth: int) -> list[ScriptLink | None]:
    """Links in written markup: a/area href, iframe/frame src, script src, meta refresh."""
    out: list[ScriptLink | None] = []
    starts = [piece[0] for piece in group.pieces]
    for m in _TAG.finditer(frag):
        _, offset, enc = group.pieces[bisect_right(starts, m.start()) - 1]
        tag, attrs = m.group(1).lower(), {}
        for a in _ATTR.finditer(m.group(2)):
            raw = a.group(2) or ""
            attrs.setdefault(a.group(1).lower(), _html.unescape(raw[1:-1] if raw[:1] in "\"'" else raw))
        href, kind, text = attrs.get("href" if tag in ("a", "area") else "src"), group.technique, ""
        if tag == "a" and href is not None:
            close = _CLOSE_A.search(frag, m.end(), m.end() + 2000)
            inner = _html.unescape(_TAGS.sub(" ", frag[m.end():close.start() if close else m.end() + 200]))
            text = " ".join(inner.replace(UNKNOWN, "").split())
        elif tag == "script":
            kind, close = "script-url", _CLOSE_SCRIPT.search(frag, m.end())
            if href is None:
                inline = frag[m.end():close.start() if close else len(frag)]
                out += [_relink(link, enc, offset) for link in _scan(inline, base, depth + 1)]
        elif tag == "meta":
            refresh = _REFRESH.match(attrs.get("content", "")) if attrs.get("http-equiv", "").lower() == "refresh" \
                else None
            kind, href = "location", refresh.group(1) if refresh else None
        if href is not None:
            out.append(_link(href, base, kind, enc, text, _excerpt(frag, m.start()), offset))
    return out


def _group_links(group: _Group, base: str, depth: int) -> list[ScriptLink | None]:
    """Links in the markup a group wrote; for writes not decoded, absolute URLs in their strings."""
    frag = "".join(group.texts)
    links = _markup_links(frag, group, base, depth) if "<" in frag else []
    if group.technique == "document.write" and UNKNOWN in frag \
            and all(link is None or link.technique == "script-url" for link in links):
        markup, offset = _excerpt(frag if frag.strip(UNKNOWN) else "", 0), group.pieces[0][1]
        links += [_link(url, base, "script-url", v.enc, markup=markup, offset=offset)
                  for v in group.seen for url in _ABS_URL.findall(v.text)]
    return links


def _scan(script: str, base: str, depth: int = 0) -> list[ScriptLink]:
    """script_links at an eval nesting depth."""
    if depth > MAX_EVAL_DEPTH or not script:
        return []
    sc = Script(script[:MAX_SCRIPT])
    out: list[ScriptLink | None] = []
    groups: list[_Group] = []
    for start, p, group in _triggers(sc.code):
        if sc.in_string(start):
            continue
        sc.seen, sc.budget, offset = [], SINK_TOKENS, _stmt_start(sc.code, start)
        if group in ("inner", "locset"):
            value, end = sc.full_expr(p, 0)
        else:
            args, end = sc.args(p, 0, ")")
            i = 1 if group == "adj" else 0
            value = UNKNOWN_VALUE if len(args) <= i else join_values(tuple(args), "") if group == "write" else args[i]
        if group == "eval":
            if _PACKER.match(sc.code, p) and (packed := _PACKED.search(sc.code, p)) is not None:
                words = decode_escapes(packed.group(4))[0].split("|")
                code = unpack(decode_escapes(packed.group(1))[0], int(packed.group(2)), int(packed.group(3)), words)
                value = UNKNOWN_VALUE if code is None else Value(code, frozenset({"packer"}))
            if value.text != UNKNOWN:
                out += [_relink(link, value.enc, offset) for link in _scan(value.text, base, depth + 1)]
            continue
        technique = _TECHNIQUE[group]
        if technique == "location":
            out.append(_link(value.text, base, technique, value.enc, offset=offset))
        elif technique == "document.write" or "<" in value.text:
            last = groups[-1] if groups else None
            if not (last and technique == last.technique == "document.write"
                    and _GAP.fullmatch(sc.code, last.end, offset)):
                groups.append(last := _Group(technique))
            last.pieces.append((last.size, offset, value.enc))
            last.texts.append(value.text)
            last.seen += [value, *sc.seen]
            last.size, last.end = last.size + len(value.text), end
    for group_ in groups:
        out += _group_links(group_, base, depth)
    unique: dict[tuple[str, str, int], ScriptLink] = {}
    for link in out:
        if link is not None:
            unique.setdefault((link.href, link.technique, link.offset), link)
    return sorted(unique.values(), key=lambda link: link.offset)


def script_links(script: str, base_url: str) -> list[ScriptLink]:
    """Every link a script writes into the page, or redirects to, in statement order."""
    return _scan(script, base_url) if isinstance(script, str) else []


def page_script_links(html: str, base_url: str) -> list[ScriptLink]:
    """script_links of every inline JavaScript <script> of a page, with offsets into `html`.

    Scripts with a src are skipped (their inline text never runs), as are types a browser does
    not run as JavaScript (text/template, application/json ...); HTML comments are skipped.
    """
    out: list[ScriptLink] = []
    for m in _SCRIPT_EL.finditer(html if isinstance(html, str) else ""):
        attrs = m.group(1)
        if attrs is None or _SRC.search(attrs):
            continue
        declared = _TYPE.search(attrs)
        kind = next(filter(None, declared.groups()), "").strip().lower() if declared else ""
        if kind and kind != "module" and not any(js in kind for js in _JS_TYPES):
            continue
        out += [replace(link, offset=link.offset + m.start(2)) for link in script_links(m.group(2), base_url)]
    return out
