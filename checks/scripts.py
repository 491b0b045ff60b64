"""Links that JavaScript writes into a page (暗链 by script), found without running it.

Hacked sites carry gambling/porn links injected by `document.write`, `innerHTML`, jQuery
`.html()`/`.append()`, `insertAdjacentHTML` or redirects, usually encoded: `unescape`, `\\x3c`
and `\\u003c` escapes, `String.fromCharCode`, `atob`, concatenation, `eval`, the p,a,c,k,e,d
packer. A masking pass finds strings, comments and regex literals in linear time; sinks are
found around literal anchors; a small evaluator folds each sink's argument (literals, `+`,
arrays, variables assigned nearby, the decoders above, split/reverse/join/concat). What it
cannot know becomes UNKNOWN, and a link is reported only when its target is known.
Consecutive `document.write`s are joined, so a hidden wrapper stays in `markup`.
All functions are pure and never raise on arbitrary text.
"""

from __future__ import annotations

import base64
import html as _html
import re
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from crawler.urlresolve import resolve_url

__all__ = ["ScriptLink", "script_links", "page_script_links"]

MAX_SCRIPT, MAX_MARKUP = 1 << 20, 500                # characters scanned per script; kept of markup
MAX_SINKS, MAX_EVAL_DEPTH, MAX_NEST = 5_000, 3, 24   # sinks per script; eval and expression nesting
SINK_TOKENS, SCRIPT_TOKENS = 4_000, 200_000          # tokens the evaluator reads per sink, per script
MAX_LOOKUPS, LOOKUP_WINDOW = 100, 3_000              # variable look-ups per script, within 3-6 KB of use
MAX_REGEX_MISSES = 1_000    # '/' tried in vain as a regex literal, before all are read as divisions
UNKNOWN = "\uffff"          # stands for text the evaluator cannot know
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


@dataclass(frozen=True)
class _Value:
    """An evaluated expression: text (may hold UNKNOWN), encodings used, number, array items."""
    text: str = UNKNOWN
    enc: frozenset[str] = frozenset()
    num: float | None = None
    items: tuple[_Value, ...] | None = None


_UNK = _Value()
_NAMESPACES = frozenset({"window", "self", "top", "parent", "globalThis", "String", "String.fromCharCode"})
_KEYWORDS = frozenset({"function", "new", "typeof", "void", "delete", "this", "null", "true", "false"})
_BEFORE_REGEX = frozenset("return typeof case do else in of new delete void throw instanceof yield await".split())
_SPECIAL = re.compile(r"[/'\"`]")
_STRING = {q: re.compile(q + r"[^%s\\\n]*(?:\\.[^%s\\\n]*)*" % (q, q) + q, re.S) for q in "'\""}
_STRING["`"] = re.compile(r"`[^`\\]*(?:\\.[^`\\]*)*`", re.S)
_REGEX_LIT = re.compile(r"/(?:[^/\\\[\n]|\\.|\[(?:[^\]\\\n]|\\.){0,500}\]){1,2000}/[A-Za-z]*")
_TOKEN = re.compile(r"\s*(?:(0[xX][0-9a-fA-F]+|\d+(?:\.\d+)?)|([^\W\d][\w$]*|\$[\w$]*)|(\S))")
_ESC = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|([0-7]{1,3})|(\r\n|.))", re.S)
_SIMPLE_ESC = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v",
               "\n": "", "\r": "", "\r\n": "", "\u2028": "", "\u2029": ""}
_SUBST = re.compile(r"\$\{([^{}]*)\}")
_IDENT = re.compile(r"[^\W\d][\w$]*|\$[\w$]*")
_PCT = re.compile(r"%u([0-9a-fA-F]{4})|%([0-9a-fA-F]{2})")
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


def _mask(text: str) -> tuple[str, dict[int, int]]:
    """The text with comments and regex literals blanked, and {start: end} of its string literals."""
    code: list[str] = []
    spans: dict[int, int] = {}
    pos = last = misses = 0
    n = len(text)
    while (m := _SPECIAL.search(text, pos)) is not None:
        i, ch = m.start(), m.group()
        if ch != "/":
            lit = _STRING[ch].match(text, i)
            if lit is None:   # unterminated: skip its line, as a browser stops at the syntax error
                newline = text.find("\n", i)
                pos = n if ch == "`" or newline < 0 else newline
            else:
                spans[i] = pos = lit.end()
            continue
        if text[i + 1:i + 2] in ("/", "*"):
            end = text.find("\n" if text[i + 1] == "/" else "*/", i + 2)
            end = n if end < 0 else end + (text[i + 1] == "*") * 2
            code += [text[last:i], " " * (end - i)]
        elif misses < MAX_REGEX_MISSES and _regex_allowed(text, i):
            lit = _REGEX_LIT.match(text, i)
            if lit is None:
                misses, pos = misses + 1, i + 1
                continue
            end = lit.end()
            code += [text[last:i], "0" + " " * (end - i - 1)]
        else:
            pos = i + 1
            continue
        pos = last = end
    code.append(text[last:])
    return "".join(code), spans


def _regex_allowed(text: str, i: int) -> bool:
    """Whether a '/' at i starts a regex literal rather than a division, from what precedes it."""
    j = i - 1
    while j >= 0 and text[j] in " \t\r\n":
        j -= 1
    if j < 0 or not (text[j].isalnum() or text[j] in "_$)]}'\"`"):
        return True
    k = j
    while k >= 0 and j - k < 12 and (text[k].isalnum() or text[k] in "_$"):
        k -= 1
    return text[k + 1:j + 1] in _BEFORE_REGEX


def _decode_escapes(raw: str) -> tuple[str, frozenset[str]]:
    """A JavaScript string body cooked, with the escape kinds used (hex/octal, unicode)."""
    if "\\" not in raw:
        return raw, frozenset()
    flags: set[str] = set()

    def one(m: re.Match[str]) -> str:
        hx, braced, u4, octal, other = m.groups()
        if other is not None:
            return _SIMPLE_ESC.get(other, other)
        flags.add("unicode-escape" if braced or u4 else "hex-escape" if hx or octal != "0" else "")
        return chr(min(int(braced or u4, 16), 0x10FFFF)) if braced or u4 else chr(int(hx, 16) if hx else int(octal, 8))
    return _ESC.sub(one, raw), frozenset(flags - {""})


def _number(num: float) -> _Value:
    """A JavaScript number, with its string form."""
    if not abs(num) < float("inf"):
        return _Value("NaN" if num != num else "Infinity" if num > 0 else "-Infinity", num=num)
    return _Value(str(int(num)) if num == int(num) else repr(num), num=num)


def _add(a: _Value, b: _Value, op: str) -> _Value:
    """JavaScript `a + b` / `a - b`; joining two known strings counts as "concat"."""
    if a.num is not None and b.num is not None:
        return _number(a.num + b.num if op == "+" else a.num - b.num)
    return _join((a, b), "") if op == "+" else _UNK


def _join(items: tuple[_Value, ...], sep: str) -> _Value:
    known = len(items) > 1 and all(UNKNOWN not in v.text for v in items)
    enc = frozenset().union(*(v.enc for v in items)) | ({"concat"} if known else set())
    return _Value(sep.join(v.text for v in items), enc)


def _atob(text: str) -> str | None:
    """atob(); the bytes read as UTF-8 when they are (the usual escape/decodeURIComponent idiom)."""
    data = "".join(text.split())
    try:
        raw = base64.b64decode(data + ("" if "=" in data else "=" * (-len(data) % 4)), validate=True)
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
    except ValueError:   # binascii.Error, or non-ASCII text
        return None


def _unpack(payload: str, radix: int, count: int, words: list[str]) -> str | None:
    """Undo Dean Edwards' p,a,c,k,e,d packer (radix up to 62)."""
    if not 2 <= radix <= 62:
        return None

    def enc(c: int) -> str:
        digit = chr(c % radix + 29) if c % radix > 35 else "0123456789abcdefghijklmnopqrstuvwxyz"[c % radix]
        return ("" if c < radix else enc(c // radix)) + digit
    table = {enc(i): words[i] for i in range(min(count, len(words), 50_000)) if words[i]}
    return re.sub(r"\b\w+\b", lambda m: table.get(m.group(), m.group()), payload, flags=re.A)


def _call(fname: str, args: list[_Value]) -> _Value | None:
    """A known decoder applied to evaluated arguments; None for any other function."""
    arg = args[0] if args else _UNK
    pct = frozenset({"unescape"} if "%" in arg.text else ())
    if fname == "unescape":
        return _Value(_PCT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), arg.text), arg.enc | pct)
    if fname in ("decodeURIComponent", "decodeURI"):
        return _Value(unquote(arg.text, errors="replace"), arg.enc | pct)
    if fname == "escape":   # decodeURIComponent(escape(atob(s))): atob already read UTF-8
        return arg
    if fname == "atob":
        out = _atob(arg.text) if UNKNOWN not in arg.text else None
        return _UNK if out is None else _Value(out, arg.enc | {"atob"})
    if fname in ("String.fromCharCode", "String.fromCharCode.apply"):
        codes = list(args[1].items or ()) if fname.endswith("apply") and len(args) > 1 else args
        if not codes or any(v.num is None or not abs(v.num) < 1e12 for v in codes):
            return _UNK
        return _Value("".join(chr(int(v.num) & 0xFFFF) for v in codes), frozenset({"fromCharCode"}))  # type: ignore
    return None


def _method(value: _Value, method: str, args: list[_Value]) -> _Value:
    """value.method(args) for the string/array methods obfuscators use."""
    sep = args[0].text if args and UNKNOWN not in args[0].text and args[0].num is None else None
    if method == "concat":
        return _join((value, *args), "")
    if method == "join" and value.items is not None:
        return _join(value.items, "," if not args else UNKNOWN if sep is None else sep)
    if method == "reverse" and value.items is not None:
        return _Value(items=value.items[::-1])
    if method == "split" and sep is not None and UNKNOWN not in value.text:
        return _Value(items=tuple(_Value(x, value.enc) for x in (value.text.split(sep) if sep else value.text)))
    return value if method in ("toString", "valueOf") else _UNK


class _Script:
    """One script: masked code, string spans, and the evaluator of sink arguments."""

    def __init__(self, text: str):
        self.text = text
        self.code, self.spans = _mask(text)
        self.starts = sorted(self.spans)
        self.budget, self.total = SINK_TOKENS, SCRIPT_TOKENS
        self.defs: dict[tuple[str, int], list[int]] = {}
        self.values: dict[int, _Value] = {}
        self.seen: list[_Value] = []    # strings and call arguments met while evaluating a sink

    def in_string(self, pos: int) -> bool:
        i = bisect_right(self.starts, pos) - 1
        return i >= 0 and pos < self.spans[self.starts[i]]

    def tok(self, p: int) -> tuple[str, str, int, int]:
        """(kind, text, start, end) of the token at p; kind is num, id, str, op or eof."""
        self.budget, self.total = self.budget - 1, self.total - 1
        m = _TOKEN.match(self.code, p)
        if m is None or self.budget < 0 or self.total < 0:
            return "eof", "", len(self.code), len(self.code)
        i = m.lastindex or 3
        s = m.start(i)
        if s in self.spans:
            return "str", "", s, self.spans[s]
        return ("", "num", "id", "op")[i], m.group(i), s, m.end()

    def literal(self, s: int, e: int, d: int) -> _Value:
        """A string or template literal (`${name}` takes the variable's value)."""
        body = self.text[s + 1:e - 1]
        parts = _SUBST.split(body) if self.text[s] == "`" else [body]
        values = [(self.lookup(x.strip(), s, d) if _IDENT.fullmatch(x.strip()) else _UNK) if i % 2
                  else _Value(*_decode_escapes(x)) for i, x in enumerate(parts)]
        value = _Value("".join(v.text for v in values), frozenset().union(*(v.enc for v in values)))
        self.seen.append(value)
        return value

    def lookup(self, name: str, before: int, d: int) -> _Value:
        """The value of the last `name = <expr>` before `before` (within LOOKUP_WINDOW or so)."""
        key = (name, before // LOOKUP_WINDOW)
        if d > MAX_NEST or (key not in self.defs and len(self.defs) >= MAX_LOOKUPS):
            return _UNK
        if key not in self.defs:
            code, lo = self.code, max(0, (key[1] - 1) * LOOKUP_WINDOW)
            pattern = re.compile(re.escape(name) + r"\s*=(?![=>])")   # a literal prefix: fast search
            self.defs[key] = [m.end() for m in pattern.finditer(code, lo, lo + 3 * LOOKUP_WINDOW)
                              if not (m.start() and (code[m.start() - 1].isalnum() or code[m.start() - 1] in "_$."))
                              and not self.in_string(m.start())]
        defs = self.defs[key]
        i = bisect_right(defs, before) - 1
        if i >= 0 and defs[i] not in self.values:
            self.values[defs[i]] = _UNK   # a self-reference reads UNKNOWN
            self.values[defs[i]] = self.full_expr(defs[i], d + 1)[0]
        return self.values[defs[i]] if i >= 0 else _UNK

    def full_expr(self, p: int, d: int) -> tuple[_Value, int]:
        """An expression to its end: UNKNOWN unless all of it is understood."""
        value, q = self.expr(p, d)
        kind, text, s, _ = self.tok(q)
        if kind == "eof" or text in (",", ";", ")", "]", "}") or ("\n" in self.code[q:s] and kind != "op"):
            return value, q
        return _UNK, self.skip(q)

    def expr(self, p: int, d: int) -> tuple[_Value, int]:
        value, p = self.term(p, d)
        while True:
            kind, text, s, e = self.tok(p)
            if kind != "op" or text not in ("+", "-") or self.code[e:e + 1] in ("+", "-", "="):
                return value, p
            right, p = self.term(e, d + 1)
            value = _add(value, right, text)

    def term(self, p: int, d: int) -> tuple[_Value, int]:
        kind, text, s, e = self.tok(p)
        if d > MAX_NEST:
            return _UNK, p
        if kind == "str":
            value = self.literal(s, e, d)
        elif kind == "num":
            value = _number(float(min(int(text, 16), 1 << 1000)) if text[:2] in ("0x", "0X") else float(text))
        elif text == "(":
            value, e = self.full_expr(e, d + 1)
            e = self.close(e, ")")
        elif text == "[":
            items, e = self.args(e, d + 1, "]")
            value = _Value(items=tuple(items))
        elif kind == "id" and text not in _KEYWORDS:
            value, e = self.name(p, d)
        else:
            return _UNK, p
        return self.postfix(value, e, d)

    def name(self, p: int, d: int) -> tuple[_Value, int]:
        """A variable, or a call of a (window./String.) function."""
        _, first, start, p = self.tok(p)
        parts = [first]
        while ".".join(parts) in _NAMESPACES:
            kind, text, s, e = self.tok(p)
            kind, member, s, e = self.tok(e) if text == "." else ("", "", 0, 0)
            if kind != "id":
                break
            parts, p = parts + [member], e
        while len(parts) > 1 and parts[0] in _NAMESPACES and parts[0] != "String":
            parts.pop(0)
        kind, text, s, e = self.tok(p)
        if text != "(":
            return (self.lookup(parts[0], start, d) if len(parts) == 1 else _UNK), p
        args, p = self.args(e, d + 1, ")")
        value = _call(".".join(parts), args)
        if value is None:
            self.seen.extend(args)
        return value or _UNK, p

    def postfix(self, value: _Value, p: int, d: int) -> tuple[_Value, int]:
        """Indexing and method calls after a term."""
        while True:
            kind, text, s, e = self.tok(p)
            if text == "[":
                index, e = self.full_expr(e, d + 1)
                items, i = value.items or (), index.num
                value = items[int(i)] if i is not None and 0 <= i < len(items) and i == int(i) else _UNK
                p = self.close(e, "]")
                continue
            if text != ".":
                return value, p
            kind, method, s, e = self.tok(e)
            if kind != "id" or self.tok(e)[1] != "(":
                return _UNK, e
            args, p = self.args(self.tok(e)[3], d + 1, ")")
            value = _method(value, method, args)

    def args(self, p: int, d: int, close: str) -> tuple[list[_Value], int]:
        """Comma-separated expressions up to `close`; the position after it."""
        out: list[_Value] = []
        while True:
            kind, text, s, e = self.tok(p)
            if text == close or kind == "eof":
                return out, e
            value, p = self.full_expr(p, d)
            out.append(value)
            kind, text, s, e = self.tok(p)
            if text == ",":
                p = e
            elif text != close:
                return out, self.close(self.skip(p), close)

    def skip(self, p: int) -> int:
        """Past an expression not understood, to the next `, ; ) ] }` at its level."""
        depth = 0
        while True:
            kind, text, s, e = self.tok(p)
            if kind == "eof" or (depth == 0 and text in (",", ";", ")", "]", "}")):
                return s
            if kind == "str":
                self.literal(s, e, MAX_NEST)
            depth += (text in ("(", "[", "{")) - (text in (")", "]", "}"))
            p = e

    def close(self, p: int, char: str) -> int:
        return self.tok(p)[3] if self.tok(p)[1] == char else p


@dataclass
class _Group:
    """Consecutive sink statements of one technique; document.write texts form one fragment."""
    technique: str
    end: int = 0
    pieces: list[tuple[int, int, frozenset[str]]] = field(default_factory=list)  # (start, offset, enc)
    texts: list[str] = field(default_factory=list)
    seen: list[_Value] = field(default_factory=list)
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
    sc = _Script(script[:MAX_SCRIPT])
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
            value = _UNK if len(args) <= i else _join(tuple(args), "") if group == "write" else args[i]
        if group == "eval":
            if _PACKER.match(sc.code, p) and (packed := _PACKED.search(sc.code, p)) is not None:
                words = _decode_escapes(packed.group(4))[0].split("|")
                code = _unpack(_decode_escapes(packed.group(1))[0], int(packed.group(2)), int(packed.group(3)), words)
                value = _UNK if code is None else _Value(code, frozenset({"packer"}))
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
