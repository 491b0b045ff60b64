"""The language model's n-grams packed in one table of integers, and scoring with it (checks/lm.py
builds and caches the model).

The model's n-grams are kept as integers in one flat open-addressing table, not as a dict of
strings: each character has a number of ID_BITS bits, an n-gram is its characters' numbers side by
side, and a slot holds the n-gram's number and its two values packed in one integer. A lookup
reads one place in memory where a dict of 1.8 million strings reads three (its index, the entry
and the key's own string); the table takes 60 MB where the dict and its strings took 250, and it
loads in a second less. In memory it is a vec of i64 (librt, mypyc's runtime library), whose items
the compiled module reads as machine integers: an array's would each be made a Python int.
"""

from __future__ import annotations

from array import array
from typing import Final

from librt.vecs import vec
from mypy_extensions import i64

ORDER: Final = 4                       # characters in the longest n-gram
ID_BITS: Final = 14
NO_ID: Final = (1 << ID_BITS) - 1      # a character the model has never seen: no n-gram holds it
PAIR_BITS: Final = 63                   # bits of each i64 of Model.pairs (the sign bit left alone)
_ID_MASK: Final = NO_ID
_VALUE_BITS: Final = 20                # a packed value: log-probability code above, backoff code below
_VALUE_MASK: Final = (1 << _VALUE_BITS) - 1


def _code(value: float | None) -> int:
    """A log-probability or backoff weight (≤ 0, to a thousandth) as a code; 0 for none."""
    return 0 if value is None else 1 - round(value * 1000)


def _value(code: int) -> float:
    # The same float as the rounded value estimated: k / 1000 is the double nearest to k thousandths.
    return (1 - code) / 1000.0


def _mixed(key: i64, size: i64) -> i64:
    """Where `key` is first looked for: consecutive n-grams (one last character apart) spread out."""
    return ((key >> 28) * 0x5BD1E995 ^ (key & 0xFFFFFFF) * 0x27D4EB2F) % size


def number(ids: list[int], start: int, stop: int) -> i64:
    """The number of the n-gram of characters ids[start:stop] (as a slice: cut short at the end)."""
    key: i64 = 0
    for m in range(start, min(stop, len(ids))):
        key = key << ID_BITS | ids[m]
    return key


class Model:
    """log P(char | up to three preceding chars), and the bigrams each character begins and ends."""

    def __init__(self, ids: dict[str, int], slots: array, unknown: float):
        self.ids = ids
        # slots[2s] is an n-gram's number (0: the slot is free), slots[2s + 1] its packed values.
        self.slots: vec[i64] = vec[i64](slots)
        self.size: i64 = len(slots) // 2
        self.unknown = unknown
        # follows[a][b] = preceded[b][a] = log P(b | a): small per-character tables, which the
        # detector intersects with a character's confusables far faster than it could look each
        # pair up in the whole model. Their keys are shared string objects, their values shared
        # floats (a few thousand distinct values for 400,000 pairs).
        char_of = [""] * (NO_ID + 1)
        for char, number in ids.items():
            char_of[number] = char
        self.char_of = char_of
        # Each character the model knows, as the one string object its tables are keyed by.
        self.chars = {char: char for char in ids}
        # The numbers of the Basic Multilingual Plane's characters by code point: a line is
        # numbered by reading a list, not by hashing each character into `ids`.
        self.by_code = [NO_ID] * 0x10000
        for char, number in ids.items():
            if ord(char) < 0x10000:
                self.by_code[ord(char)] = number
        follows: dict[str, dict[str, float]] = {}
        preceded: dict[str, dict[str, float]] = {}
        shared: dict[int, float] = {}
        # Which pairs the model holds at all, one bit each: row a (follows_row) has b's bit where b
        # follows a, row pair_rows + b (precedes_row) a's bit where a precedes b. The detector asks
        # of some forty confusables at a place whether they pair with a neighbour, and three in four
        # do not: their bits, a row of a kilobyte, answer without touching the strings or tables.
        self.pair_rows: i64 = max(ids.values(), default=0) + 1
        self.pair_words: i64 = self.pair_rows // PAIR_BITS + 1
        rows, words = self.pair_rows, self.pair_words
        pairs = vec[i64]([0] * (2 * rows * words))
        for s in range(self.size):
            key = slots[2 * s]
            if key >> ID_BITS and not key >> 2 * ID_BITS:
                code = slots[2 * s + 1] >> _VALUE_BITS
                if code:
                    value = shared.get(code)
                    if value is None:
                        value = shared[code] = _value(code)
                    a, b = key >> ID_BITS, key & _ID_MASK
                    follows.setdefault(char_of[a], {})[char_of[b]] = value
                    preceded.setdefault(char_of[b], {})[char_of[a]] = value
                    pairs[a * words + b // PAIR_BITS] |= 1 << (b % PAIR_BITS)
                    pairs[(rows + b) * words + a // PAIR_BITS] |= 1 << (a % PAIR_BITS)
        self.follows = follows
        self.preceded = preceded
        self.pairs: vec[i64] = pairs
        # A single character's log-probability and backoff weight by its number, read from a
        # list rather than looked up (0.0: none; both are below 0 where they exist).
        self.unigram = [0.0] * (NO_ID + 1)
        self.unigram_backoff = [0.0] * (NO_ID + 1)
        for number in ids.values():
            s = self.slot(number)
            packed = slots[2 * s + 1] if s >= 0 else 0
            if packed >> _VALUE_BITS:
                self.unigram[number] = _value(packed >> _VALUE_BITS)
            if packed & _VALUE_MASK:
                self.unigram_backoff[number] = _value(packed & _VALUE_MASK)

    @classmethod
    def of(cls, logprob: dict[str, float], backoff: dict[str, float], unknown: float) -> "Model":
        """The model of these n-grams' log-probabilities and these histories' backoff weights."""
        chars = sorted({char for gram in list(logprob) + list(backoff) for char in gram})
        if len(chars) >= NO_ID:
            raise ValueError(f"the model's text has {len(chars)} distinct characters, more than {NO_ID - 1}")
        ids = {char: number for number, char in enumerate(chars, start=1)}
        grams = sorted(set(logprob) | set(backoff))
        size = 2 * len(grams) + 1           # half full: a missing n-gram's search ends within a slot or two
        slots = array("q", bytes(16 * size))
        for gram in grams:
            key = 0
            for char in gram:
                key = key << ID_BITS | ids[char]
            s = _mixed(key, size)
            while slots[2 * s]:
                s = s + 1 if s + 1 < size else 0
            slots[2 * s] = key
            slots[2 * s + 1] = _code(logprob.get(gram)) << _VALUE_BITS | _code(backoff.get(gram))
        return cls(ids, slots, unknown)

    def follows_row(self, number: i64) -> i64:
        """Where the bits of the characters that follow character `number` begin in `pairs` (-1: none)."""
        return number * self.pair_words if number < self.pair_rows else -1

    def precedes_row(self, number: i64) -> i64:
        """Where the bits of the characters that precede character `number` begin in `pairs` (-1: none)."""
        return (self.pair_rows + number) * self.pair_words if number < self.pair_rows else -1

    def in_row(self, row: i64, number: i64) -> bool:
        """True when character `number`'s bit is set in the row that begins at `row` (-1: none)."""
        return row >= 0 and (self.pairs[row + number // PAIR_BITS] >> (number % PAIR_BITS)) & 1 == 1

    def encode(self, text: str) -> list[int]:
        """The number of each character of `text` (NO_ID for one the model has never seen)."""
        by_code, ids = self.by_code, self.ids
        found: list[int] = []
        for k in range(len(text)):
            code = ord(text[k])
            found.append(by_code[code] if code < 0x10000 else ids.get(text[k], NO_ID))
        return found

    def slot(self, key: i64) -> i64:
        """The slot of the n-gram numbered `key`, or -1 when the model does not hold it."""
        slots, size = self.slots, self.size
        s = _mixed(key, size)
        while True:
            found: i64 = slots[2 * s]
            if found == key:
                return s
            if not found:
                return -1
            s = s + 1 if s + 1 < size else 0

    def knows(self, key: i64) -> bool:
        """Whether the n-gram numbered `key` is one the model holds (a character's numbers side by
        side: `encode`, shifted by ID_BITS)."""
        s = self.slot(key)
        if s < 0:
            return False
        packed: i64 = self.slots[2 * s + 1]
        return packed >> _VALUE_BITS != 0

    def holds(self, gram: str) -> bool:
        """Whether the model holds the n-gram `gram` (of one to four characters)."""
        ids = self.encode(gram)
        return self.knows(number(ids, 0, len(ids)))

    def score(self, text: str, j: int) -> float:
        """Natural-log probability of text[j] given the (up to) three characters before it."""
        start = j - ORDER + 1 if j >= ORDER - 1 else 0
        return self.score_ids(self.encode(text[start:j + 1]), j - start)

    def score_ids(self, ids: list[int], j: int) -> float:
        """`score` of the text whose characters' numbers are `ids`."""
        return self.scored(ids, j, ORDER - 1, -1)[0]

    def scored(self, ids: list[int], j: int, bound: int, known: int) -> tuple[float, int, int]:
        """`score_ids` at j, with the longest n-gram ending at j that the model holds: its length
        (0: not even the character) and its slot (-1: not looked up).

        What scoring j - 1 found saves lookups here: `bound` is the length of the longest n-gram
        ending at j - 1 that the model holds, when known (else ORDER - 1), and `known` its slot (or
        -1). A kept n-gram's history is itself kept (only 4-grams are pruned, and a history is
        seen at least as often as the n-gram), so no n-gram ending at j is longer than bound + 1.
        """
        slots, total = self.slots, 0.0
        width = j if j < ORDER - 1 else ORDER - 1
        if bound < width:
            width = bound
        history: i64 = 0
        for m in range(j - width, j):
            history = history << ID_BITS | ids[m]
        last = ids[j]
        while width:
            # The n-gram first: where it is kept, its history need not be looked up (every kept
            # n-gram's history has a backoff weight, which applies only where the n-gram is not).
            g = self.slot(history << ID_BITS | last)
            if g >= 0:
                packed: i64 = slots[2 * g + 1]
                code = packed >> _VALUE_BITS
                if code:
                    return total + _value(code), width + 1, g
            if width == 1:
                total += self.unigram_backoff[history]
            else:
                s = known if width == bound and known >= 0 else self.slot(history)
                if s >= 0:
                    packed = slots[2 * s + 1]
                    weight = packed & _VALUE_MASK
                    if weight:
                        total += _value(weight)
            width -= 1
            history &= (1 << ID_BITS * width) - 1
        value = self.unigram[last]
        if value < 0.0:
            return total + value, 1, -1
        return total + self.unknown, 0, -1

    def scores(self, ids: list[int], start: int, stop: int, bound: int = ORDER - 1, known: int = -1) -> list[float]:
        """`score_ids` at each of start … stop - 1, each position's lookups saving the next some
        (`scored`; `bound` and `known`: what is known of the n-grams ending at start - 1)."""
        found: list[float] = []
        for j in range(start, stop):
            value, bound, known = self.scored(ids, j, bound, known)
            found.append(value)
        return found

    def gain(self, text: str, at: int, written: str, meant: str) -> float:
        """How much likelier (nats) `text` reads with `meant` for `written` at text[at:], over every n-gram the change touches.

        `text` is a normalized line between BEGIN and END.
        """
        stop = min(len(text), at + len(written) + ORDER - 1)
        start = at - ORDER + 1 if at >= ORDER - 1 else 0
        changed = self.encode((text[:at] + meant + text[at + len(written):])[start:stop])
        written_scores = self.scores(self.encode(text[start:stop]), at - start, stop - start)
        meant_scores = self.scores(changed, at - start, stop - start)
        return sum([meant_scores[k] - written_scores[k] for k in range(len(written_scores))])


class LazyScores:
    """Model.score at each position of one text (between BEGIN and END), each worked out once and
    only when asked for; BEGIN's is 0. `ids`: the text's characters' numbers (Model.encode)."""

    def __init__(self, model: Model, text: str):
        self.model = model
        self.ids = model.encode(text)
        self.known: list[float] = [0.0] * len(text)
        self.done: list[bool] = [False] * len(text)
        self.done[0] = True
        # What Model.scored found at each position scored: the longest n-gram held there, its slot.
        self.longest: list[int] = [0] * len(text)
        self.longest_slot: list[int] = [-1] * len(text)
        self.longest[0] = 1 if text and model.unigram[self.ids[0]] < 0.0 else 0

    def ending(self, j: int) -> tuple[int, int]:
        """The length and slot of the longest n-gram the model holds ending at j, where j was
        scored (else ORDER - 1 and -1: not known): Model.scores' `bound` and `known`."""
        return (self.longest[j], self.longest_slot[j]) if self.done[j] else (ORDER - 1, -1)

    def at(self, j: int) -> float:
        if not self.done[j]:
            if self.done[j - 1]:
                value, longest, slot = self.model.scored(self.ids, j, self.longest[j - 1], self.longest_slot[j - 1])
            else:
                value, longest, slot = self.model.scored(self.ids, j, ORDER - 1, -1)
            self.known[j], self.longest[j], self.longest_slot[j] = value, longest, slot
            self.done[j] = True
        return self.known[j]
