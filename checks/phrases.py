"""Finding a fixed set of phrases in text: every occurrence, overlapping ones too (Aho-Corasick).

The text checks scan every line of a site for tens of thousands of known misspellings
(checks/typos.py, checks/severe.py) and the model's text for them once (checks/lm.py). The
automaton is ahocorasick-rs (Rust): on 60,000 phrases it scans Chinese text about ten times
faster than pyahocorasick, whose trie walks a long list of children at every character. The sets
every line passes through are scanned together (share).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Final, Generic, Iterable, Iterator, Mapping, TypeVar

import ahocorasick_rs

Value = TypeVar("Value")


class PhraseFinder(Generic[Value]):
    """Phrases, each with a value, found anywhere in a text."""

    def __init__(self, phrases: Mapping[str, Value]):
        self._phrases = [phrase for phrase in phrases if phrase]
        self._values = [phrases[phrase] for phrase in self._phrases]
        # Built on the first search, unless the finder is shared first (share): then never.
        self._matcher: ahocorasick_rs.AhoCorasick | None = None
        self._scan: SharedScan | None = None
        self._member = 0

    @staticmethod
    def of(phrases: Iterable[str]) -> "PhraseFinder[str]":
        """A finder whose values are the phrases themselves."""
        return PhraseFinder({phrase: phrase for phrase in phrases})

    def find(self, text: str) -> Iterator[tuple[int, str, Value]]:
        """(start, phrase, value) of every occurrence, overlapping ones included, by where they end."""
        phrases, values = self._phrases, self._values
        if self._scan is not None:
            for index, start in self._scan.matches(text, self._member):
                yield start, phrases[index], values[index]
            return
        if self._matcher is None:
            # The default (contiguous) automaton for every set, however large: for the 170,000
            # severe variants the noncontiguous one saves some 17 MB but scans two or three times
            # slower, and that automaton is run over every line.
            self._matcher = ahocorasick_rs.AhoCorasick(phrases)
        for index, start, _ in self._matcher.find_matches_as_indexes(text, overlapping=True):
            yield start, phrases[index], values[index]


RECENT_TEXTS: Final = 16


class SharedScan:
    """One automaton for the phrases of several finders, run once per line for them all.

    Every line of a site passes a dozen finders (severe variants, names, typo pairs, swaps,
    idioms …). Each scan of a large automaton reads its states from memory the other tables have
    since pushed out of the cache: on ecspell_odw_test's lines, with the cache emptied between
    lines, one automaton of all 336,000 phrases took a third of the time of the twelve apart.
    """

    def __init__(self, finders: list[PhraseFinder]):
        # The finders' phrases one after another, a phrase two finders hold (rare) twice: the
        # automaton reports each copy, and a match's number tells whose it is by where each
        # finder's phrases begin.
        self._starts: list[int] = []
        phrases: list[str] = []
        for finder in finders:
            self._starts.append(len(phrases))
            phrases += finder._phrases
        self._matcher = ahocorasick_rs.AhoCorasick(phrases)
        self._members = len(finders)
        # The last few texts scanned: a line, and the sentences of it that some checks read alone.
        self._recent: dict[str, list[list[tuple[int, int]]]] = {}

    def matches(self, text: str, member: int) -> list[tuple[int, int]]:
        """(phrase index, start) of `member`'s phrases in `text`, in the order its own automaton
        would give them (by where they end, the longer first)."""
        found = self._recent.get(text)
        if found is None:
            found = [[] for _ in range(self._members)]
            starts = self._starts
            for number, start, _ in self._matcher.find_matches_as_indexes(text, overlapping=True):
                owner = bisect_right(starts, number) - 1
                found[owner].append((number - starts[owner], start))
            if len(self._recent) >= RECENT_TEXTS:
                # All at once: two threads may both reach here (the scan lets the GIL go), and
                # each removing "the oldest" would remove one key twice.
                self._recent.clear()
            self._recent[text] = found
        return found[member]


def share(finders: list[PhraseFinder]) -> None:
    """Have `finders` find their phrases by one SharedScan from now on (their own automata, if
    built, are let go)."""
    scan = SharedScan(finders)
    for member, finder in enumerate(finders):
        finder._scan, finder._member, finder._matcher = scan, member, None


class Affixes:
    """Short strings (offices, titles, what follows a name), asked whether a line has one ending
    right before a place or beginning right at it.

    str.endswith with a tuple of eighty tries each in turn; this first asks whether the character
    next to the place ends (begins) any of them, then reads one slice per length.
    """

    def __init__(self, items: Iterable[str]):
        self.items = frozenset(item for item in items if item)
        self.lengths = tuple(sorted({len(item) for item in self.items}))
        self.last = frozenset(item[-1] for item in self.items)
        self.first = frozenset(item[0] for item in self.items)

    def end_at(self, line: str, stop: int) -> bool:
        """True when line[:stop] ends with one of them (line.endswith(items, 0, stop))."""
        stop = min(stop, len(line))
        if stop <= 0 or line[stop - 1] not in self.last:
            return False
        return any(line[stop - n:stop] in self.items for n in self.lengths if n <= stop)

    def begin_at(self, line: str, start: int) -> bool:
        """True when line[start:] begins with one of them (line.startswith(items, start))."""
        if start < 0 or start >= len(line) or line[start] not in self.first:
            return False
        return any(line[start:start + n] in self.items for n in self.lengths)
