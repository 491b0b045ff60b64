"""Finding a fixed set of phrases in text: every occurrence, overlapping ones too (Aho-Corasick).

The text checks scan every line of a site for tens of thousands of known misspellings
(checks/typos.py, checks/severe.py) and the model's text for them once (checks/lm.py). The
automaton is ahocorasick-rs (Rust): on 60,000 phrases it scans Chinese text about ten times
faster than pyahocorasick, whose trie walks a long list of children at every character.
"""

from __future__ import annotations

from typing import Generic, Iterable, Iterator, Mapping, TypeVar

import ahocorasick_rs

Value = TypeVar("Value")


class PhraseFinder(Generic[Value]):
    """Phrases, each with a value, found anywhere in a text."""

    def __init__(self, phrases: Mapping[str, Value]):
        self._phrases = [phrase for phrase in phrases if phrase]
        self._values = [phrases[phrase] for phrase in self._phrases]
        # The default (contiguous) automaton for every set, however large: for the 170,000 severe
        # variants the noncontiguous one saves some 17 MB but scans two or three times slower, and
        # that automaton is run over every line.
        self._matcher = ahocorasick_rs.AhoCorasick(self._phrases)

    @staticmethod
    def of(phrases: Iterable[str]) -> "PhraseFinder[str]":
        """A finder whose values are the phrases themselves."""
        return PhraseFinder({phrase: phrase for phrase in phrases})

    def find(self, text: str) -> Iterator[tuple[int, str, Value]]:
        """(start, phrase, value) of every occurrence, overlapping ones included, by where they end."""
        phrases, values = self._phrases, self._values
        for index, start, _ in self._matcher.find_matches_as_indexes(text, overlapping=True):
            yield start, phrases[index], values[index]

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
