"""A small evaluator of JavaScript string expressions, for reading obfuscated scripts statically.

Injected links are rarely written as plain literals: they are built with `+`, arrays and
split/reverse/join/concat, variables assigned nearby, and decoders (`unescape`, `\\x3c` and
`\\u003c` escapes, `String.fromCharCode`, `atob`, the p,a,c,k,e,d packer). `Script` masks a
script's comments, strings and regex literals in linear time, then folds an expression at a
given position into a `Value`: its text, plus the encodings undone on the way. Whatever cannot
be known without running the script reads as UNKNOWN, so callers act only on known text.
Token and look-up budgets bound the work on hostile input; nothing here raises on arbitrary text.
checks.scripts uses this to find the links a script writes.
"""

from __future__ import annotations

import base64
import re
from bisect import bisect_right
from dataclasses import dataclass
from urllib.parse import unquote

__all__ = ["UNKNOWN", "UNKNOWN_VALUE", "SINK_TOKENS", "Value", "Script", "decode_escapes", "join_values", "unpack"]

MAX_NEST = 24                                        # expression nesting
SINK_TOKENS, SCRIPT_TOKENS = 4_000, 200_000          # tokens the evaluator reads per sink, per script
MAX_LOOKUPS, LOOKUP_WINDOW = 100, 3_000              # variable look-ups per script, within 3-6 KB of use
MAX_REGEX_MISSES = 1_000    # '/' tried in vain as a regex literal, before all are read as divisions
UNKNOWN = "\uffff"          # stands for text the evaluator cannot know


@dataclass(frozen=True)
class Value:
    """An evaluated expression: text (may hold UNKNOWN), encodings used, number, array items."""
    text: str = UNKNOWN
    enc: frozenset[str] = frozenset()
    num: float | None = None
    items: tuple[Value, ...] | None = None


UNKNOWN_VALUE = Value()
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


def decode_escapes(raw: str) -> tuple[str, frozenset[str]]:
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


def _number(num: float) -> Value:
    """A JavaScript number, with its string form."""
    if not abs(num) < float("inf"):
        return Value("NaN" if num != num else "Infinity" if num > 0 else "-Infinity", num=num)
    return Value(str(int(num)) if num == int(num) else repr(num), num=num)


def _add(a: Value, b: Value, op: str) -> Value:
    """JavaScript `a + b` / `a - b`; joining two known strings counts as "concat"."""
    if a.num is not None and b.num is not None:
        return _number(a.num + b.num if op == "+" else a.num - b.num)
    return join_values((a, b), "") if op == "+" else UNKNOWN_VALUE


def join_values(items: tuple[Value, ...], sep: str) -> Value:
    """JavaScript `items.join(sep)`; joining two or more known strings counts as "concat"."""
    known = len(items) > 1 and all(UNKNOWN not in v.text for v in items)
    enc = frozenset().union(*(v.enc for v in items)) | ({"concat"} if known else set())
    return Value(sep.join(v.text for v in items), enc)


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


def unpack(payload: str, radix: int, count: int, words: list[str]) -> str | None:
    """Undo Dean Edwards' p,a,c,k,e,d packer (radix up to 62)."""
    if not 2 <= radix <= 62:
        return None

    def enc(c: int) -> str:
        digit = chr(c % radix + 29) if c % radix > 35 else "0123456789abcdefghijklmnopqrstuvwxyz"[c % radix]
        return ("" if c < radix else enc(c // radix)) + digit
    table = {enc(i): words[i] for i in range(min(count, len(words), 50_000)) if words[i]}
    return re.sub(r"\b\w+\b", lambda m: table.get(m.group(), m.group()), payload, flags=re.A)


def _call(fname: str, args: list[Value]) -> Value | None:
    """A known decoder applied to evaluated arguments; None for any other function."""
    arg = args[0] if args else UNKNOWN_VALUE
    pct = frozenset({"unescape"} if "%" in arg.text else ())
    if fname == "unescape":
        return Value(_PCT.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), arg.text), arg.enc | pct)
    if fname in ("decodeURIComponent", "decodeURI"):
        return Value(unquote(arg.text, errors="replace"), arg.enc | pct)
    if fname == "escape":   # decodeURIComponent(escape(atob(s))): atob already read UTF-8
        return arg
    if fname == "atob":
        out = _atob(arg.text) if UNKNOWN not in arg.text else None
        return UNKNOWN_VALUE if out is None else Value(out, arg.enc | {"atob"})
    if fname in ("String.fromCharCode", "String.fromCharCode.apply"):
        codes = list(args[1].items or ()) if fname.endswith("apply") and len(args) > 1 else args
        if not codes or any(v.num is None or not abs(v.num) < 1e12 for v in codes):
            return UNKNOWN_VALUE
        return Value("".join(chr(int(v.num) & 0xFFFF) for v in codes), frozenset({"fromCharCode"}))  # type: ignore
    return None


def _method(value: Value, method: str, args: list[Value]) -> Value:
    """value.method(args) for the string/array methods obfuscators use."""
    sep = args[0].text if args and UNKNOWN not in args[0].text and args[0].num is None else None
    if method == "concat":
        return join_values((value, *args), "")
    if method == "join" and value.items is not None:
        return join_values(value.items, "," if not args else UNKNOWN if sep is None else sep)
    if method == "reverse" and value.items is not None:
        return Value(items=value.items[::-1])
    if method == "split" and sep is not None and UNKNOWN not in value.text:
        return Value(items=tuple(Value(x, value.enc) for x in (value.text.split(sep) if sep else value.text)))
    return value if method in ("toString", "valueOf") else UNKNOWN_VALUE


class Script:
    """One script: masked code, string spans, and the evaluator of sink arguments."""

    def __init__(self, text: str):
        self.text = text
        self.code, self.spans = _mask(text)
        self.starts = sorted(self.spans)
        self.budget, self.total = SINK_TOKENS, SCRIPT_TOKENS
        self.defs: dict[tuple[str, int], list[int]] = {}
        self.values: dict[int, Value] = {}
        self.seen: list[Value] = []    # strings and call arguments met while evaluating a sink

    def in_string(self, pos: int) -> bool:
        """Whether pos lies inside a string literal."""
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

    def literal(self, s: int, e: int, d: int) -> Value:
        """A string or template literal (`${name}` takes the variable's value)."""
        body = self.text[s + 1:e - 1]
        parts = _SUBST.split(body) if self.text[s] == "`" else [body]
        values = [(self.lookup(x.strip(), s, d) if _IDENT.fullmatch(x.strip()) else UNKNOWN_VALUE) if i % 2
                  else Value(*decode_escapes(x)) for i, x in enumerate(parts)]
        value = Value("".join(v.text for v in values), frozenset().union(*(v.enc for v in values)))
        self.seen.append(value)
        return value

    def lookup(self, name: str, before: int, d: int) -> Value:
        """The value of the last `name = <expr>` before `before` (within LOOKUP_WINDOW or so)."""
        key = (name, before // LOOKUP_WINDOW)
        if d > MAX_NEST or (key not in self.defs and len(self.defs) >= MAX_LOOKUPS):
            return UNKNOWN_VALUE
        if key not in self.defs:
            code, lo = self.code, max(0, (key[1] - 1) * LOOKUP_WINDOW)
            pattern = re.compile(re.escape(name) + r"\s*=(?![=>])")   # a literal prefix: fast search
            self.defs[key] = [m.end() for m in pattern.finditer(code, lo, lo + 3 * LOOKUP_WINDOW)
                              if not (m.start() and (code[m.start() - 1].isalnum() or code[m.start() - 1] in "_$."))
                              and not self.in_string(m.start())]
        defs = self.defs[key]
        i = bisect_right(defs, before) - 1
        if i >= 0 and defs[i] not in self.values:
            self.values[defs[i]] = UNKNOWN_VALUE   # a self-reference reads UNKNOWN
            self.values[defs[i]] = self.full_expr(defs[i], d + 1)[0]
        return self.values[defs[i]] if i >= 0 else UNKNOWN_VALUE

    def full_expr(self, p: int, d: int) -> tuple[Value, int]:
        """An expression to its end: UNKNOWN unless all of it is understood."""
        value, q = self.expr(p, d)
        kind, text, s, _ = self.tok(q)
        if kind == "eof" or text in (",", ";", ")", "]", "}") or ("\n" in self.code[q:s] and kind != "op"):
            return value, q
        return UNKNOWN_VALUE, self.skip(q)

    def expr(self, p: int, d: int) -> tuple[Value, int]:
        """Terms joined by `+` / `-`, as far as they go; the position after them."""
        value, p = self.term(p, d)
        while True:
            kind, text, s, e = self.tok(p)
            if kind != "op" or text not in ("+", "-") or self.code[e:e + 1] in ("+", "-", "="):
                return value, p
            right, p = self.term(e, d + 1)
            value = _add(value, right, text)

    def term(self, p: int, d: int) -> tuple[Value, int]:
        """A literal, parenthesised expression, array or name, with what follows it."""
        kind, text, s, e = self.tok(p)
        if d > MAX_NEST:
            return UNKNOWN_VALUE, p
        if kind == "str":
            value = self.literal(s, e, d)
        elif kind == "num":
            value = _number(float(min(int(text, 16), 1 << 1000)) if text[:2] in ("0x", "0X") else float(text))
        elif text == "(":
            value, e = self.full_expr(e, d + 1)
            e = self.close(e, ")")
        elif text == "[":
            items, e = self.args(e, d + 1, "]")
            value = Value(items=tuple(items))
        elif kind == "id" and text not in _KEYWORDS:
            value, e = self.name(p, d)
        else:
            return UNKNOWN_VALUE, p
        return self.postfix(value, e, d)

    def name(self, p: int, d: int) -> tuple[Value, int]:
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
            return (self.lookup(parts[0], start, d) if len(parts) == 1 else UNKNOWN_VALUE), p
        args, p = self.args(e, d + 1, ")")
        value = _call(".".join(parts), args)
        if value is None:
            self.seen.extend(args)
        return value or UNKNOWN_VALUE, p

    def postfix(self, value: Value, p: int, d: int) -> tuple[Value, int]:
        """Indexing and method calls after a term."""
        while True:
            kind, text, s, e = self.tok(p)
            if text == "[":
                index, e = self.full_expr(e, d + 1)
                items, i = value.items or (), index.num
                value = items[int(i)] if i is not None and 0 <= i < len(items) and i == int(i) else UNKNOWN_VALUE
                p = self.close(e, "]")
                continue
            if text != ".":
                return value, p
            kind, method, s, e = self.tok(e)
            if kind != "id" or self.tok(e)[1] != "(":
                return UNKNOWN_VALUE, e
            args, p = self.args(self.tok(e)[3], d + 1, ")")
            value = _method(value, method, args)

    def args(self, p: int, d: int, close: str) -> tuple[list[Value], int]:
        """Comma-separated expressions up to `close`; the position after it."""
        out: list[Value] = []
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
        """Past `char` if it is the next token, else p."""
        return self.tok(p)[3] if self.tok(p)[1] == char else p
