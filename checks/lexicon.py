"""The gambling / pornography / fraud lexicon (checks/data/dark_lexicon.toml) and how it is read.

A lexicon hit alone never makes a finding: government pages write about fighting gambling
(严厉打击网上赌博). Callers combine a hit with where the link goes and whether it is hidden.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_FILE = Path(__file__).with_name("data") / "dark_lexicon.toml"
# Official wording around a term: an article about enforcement, not spam.
OFFICIAL = re.compile(r"打击|严禁|取缔|整治|查处|依法|违法犯罪|专项行动|通告|公安|警方|警示|警惕|谨防|防范|提醒|提示|"
                      r"举报|治理|严厉|远离|拒绝|识别|曝光|案例|以案说法|反诈")


@dataclass(frozen=True)
class Lexicon:
    terms: dict[str, tuple[str, str]]        # term (lower-case) -> (list id, label)
    term_pattern: re.Pattern
    host_patterns: tuple[tuple[re.Pattern, str, str], ...]
    parked_pattern: re.Pattern

    def hits(self, text: str) -> list[tuple[str, str]]:
        """(term as written, list label) for every distinct lexicon term in `text`."""
        found = {}
        for match in self.term_pattern.finditer(text or ""):
            term = match.group(0)
            found.setdefault(term.lower(), (term, self.terms[term.lower()][1]))
        return list(found.values())

    def host_hits(self, host: str) -> list[tuple[str, str]]:
        host = (host or "").lower()
        return [(match.group(0), label) for pattern, _, label in self.host_patterns
                for match in [pattern.search(host)] if match]

    def parked(self, text: str) -> str | None:
        match = self.parked_pattern.search(text or "")
        return match.group(0) if match else None


@lru_cache(maxsize=None)
def load_lexicon(path: Path = LEXICON_FILE) -> Lexicon:
    """The lexicon from its data file, compiled once."""
    with open(path, "rb") as handle:
        raw = tomllib.load(handle)
    terms: dict[str, tuple[str, str]] = {}
    hosts = []
    for entry in raw["lists"]:
        for term in entry["terms"]:
            terms[term.lower()] = (entry["id"], entry["label"])
        for pattern in entry.get("hosts", []):
            hosts.append((re.compile(pattern), entry["id"], entry["label"]))
    alternation = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    # Parked-domain words are matched as whole words: "dan.com" is not "handan.com".
    parked = "|".join(re.escape(t) for t in sorted(raw["parked"]["terms"], key=len, reverse=True))
    parked_pattern = re.compile(r"(?<![a-z0-9.@_-])(?:" + parked + r")(?![a-z0-9])", re.I)
    return Lexicon(terms, re.compile(alternation, re.I), tuple(hosts), parked_pattern)


def is_spam_text(title: str, text: str) -> list[tuple[str, str]]:
    """Lexicon hits that make a page spam: a hit in its title and at least three distinct terms,
    with no enforcement wording around them. Empty when the page is not spam."""
    lexicon = load_lexicon()
    in_title = lexicon.hits(title)
    if not in_title or OFFICIAL.search(title or ""):
        return []
    found = lexicon.hits(f"{title}\n{text}")
    if len(found) < 3 or OFFICIAL.search((text or "")[:2000]):
        return []
    return found
