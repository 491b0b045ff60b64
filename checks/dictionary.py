"""The dictionary the text checks read words by, and segmentation with it.

words() is the dictionary of checks/data/lm/words.tsv with the government field terms it lacks
(lm/gov_terms.txt). lattice() and segment() find a short text's likeliest segmentation into its
words, and the questions the checks ask of that are answered here: is a word read across this
edge (read_across, word_across), and how much better do the words get with a fix in place
(segmentation_gain). terms() are the set phrases of three characters or more (idioms, 公文
vocabulary, field terms) that overrule the language model where a line holds one.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Final

from checks import lm

UNKNOWN_WORD: Final = -20.0        # log-probability of a character the dictionary lacks as a word
WINDOW: Final = 4                  # characters either side the segmentation looks at
MAX_WORD: Final = 7


def is_hanzi(char: str) -> bool:
    """True for a character of the CJK Unified Ideographs block (汉字), not punctuation or digits."""
    return "\u4e00" <= char <= "\u9fff"


def straddles_word(text: str, start: int, end: int) -> bool:
    """True when a dictionary word crosses the edge of text[start:end] (检察院 holds 检察).

    For a written form that is itself a word; a non-word is better judged by read_across.
    """
    return word_across(text, start) or word_across(text, end)


def read_across(text: str, start: int, end: int) -> bool:
    """True when the best segmentation puts a word across an edge of text[start:end] (责任感在 holds no 感在).

    Any dictionary word across an edge would be too strict for a non-word: the dictionary holds
    rare pieces such as 付到, and 全部拔付到位 still reads 拔付 / 到位.
    """
    left = max(0, start - WINDOW - 2)
    piece = text[left:end + WINDOW + 2]
    _, ends = segment(piece, words())
    cuts = {0, *ends}
    return (start - left) not in cuts or (end - left) not in cuts


def segmentation_gain(text: str, start: int, end: int, right: str) -> float:
    """How much better the dictionary segments the words around text[start:end] with `right` in its
    place (煤矿安全生厂 -> 安全生产: +10; 自即日起 -> 自己日起: -4)."""
    left = max(0, start - WINDOW)
    piece = text[left:end + WINDOW]
    fixed = piece[:start - left] + right + piece[end - left:]
    return segment(fixed, words())[0] - segment(piece, words())[0]


def word_across(text: str, edge: int) -> bool:
    """True when a dictionary word stands across position `edge` (text[a:b] with a < edge < b)."""
    vocabulary = words()
    for a in range(max(0, edge - MAX_WORD + 1), edge):
        for b in range(edge + 1, min(len(text), a + MAX_WORD) + 1):
            if text[a:b] in vocabulary:
                return True
    return False


@lru_cache(maxsize=1)
def words() -> dict[str, int]:
    """Dictionary word -> ten times the log of its frequency; (value - table[_TOTAL]) / 10 is the
    word's log relative frequency (segment). The listed government terms it lacks count as words
    seen TERM_WORD times.

    Half a million words: stored as small integers, which Python shares, the table takes about
    half the memory of one holding floats.
    """
    table: dict[str, int] = {}
    total = 0
    with open(lm.DATA / "words.tsv", encoding="utf-8") as handle:
        for line in handle:
            word, _, freq = line.rstrip("\n").partition("\t")
            count = int(freq)
            total += count
            table[word] = round(10 * math.log(count))
    table[_TOTAL] = round(10 * math.log(total))
    # The field terms of government writing the dictionary lacks (降渍, 根蛆, 渔排): words to the
    # segmentation, so that a correct term is not read as loose characters that a fix would join.
    for term in listed("gov_terms.txt"):
        if len(term) >= 2 and term not in table:
            table[term] = TERM_WORD
    return table


@lru_cache(maxsize=2)
def listed(name: str) -> tuple[str, ...]:
    """The entries of one of the model's phrase lists (lm/phrases.txt, lm/gov_terms.txt), read once
    for the dictionary and the set phrases both."""
    lines = (line.strip() for line in (lm.DATA / name).read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


_TOTAL: Final = "\x00total"
TERM_WORD: Final = round(10 * math.log(100))    # a listed term counts as a word seen 100 times


def word_probability(word: str) -> float:
    """The dictionary's relative frequency of `word` among all words it counts, 0 for none."""
    table = words()
    count = table.get(word)
    return 0.0 if count is None else math.exp((count - table[_TOTAL]) / 10)


@lru_cache(maxsize=1)
def word_endings() -> dict[str, int]:
    """Character -> length of the longest dictionary word ending in it (at most MAX_WORD): a
    segmentation need look no further back (4.7 characters on average in official text, not 7)."""
    longest: dict[str, int] = {}
    for word in words():
        if word != _TOTAL and len(word) > longest.get(word[-1], 0):
            longest[word[-1]] = min(len(word), MAX_WORD)
    return longest


def segment(text: str, vocabulary: dict[str, int]) -> tuple[float, list[int]]:
    """Best unigram segmentation of a short text: its log-probability and each word's end."""
    best, back = lattice(text, vocabulary)
    return best[-1], word_ends(back)


def lattice(text: str, vocabulary: dict[str, int],
            same_until: int = 0, like: tuple[list[float], list[int]] | None = None) -> tuple[list[float], list[int]]:
    """The best segmentation's score of each prefix of `text`, and the length of its last word.

    `like`: the lattice of a text that agrees with this one in its first `same_until` characters,
    whose entries up to there are taken over (one character changed: only what follows it is read).
    """
    size = len(text)
    if like is None:
        best, back, first = [0.0] + [-1e9] * size, [1] * (size + 1), 1
    else:
        best, back, first = like[0][:same_until + 1] + [-1e9] * (size - same_until), \
            like[1][:same_until + 1] + [1] * (size - same_until), same_until + 1
    total = vocabulary[_TOTAL]      # a word's log relative frequency: (count - total) / 10
    endings = word_endings() if vocabulary is words() else None
    for j in range(first, size + 1):
        count = vocabulary.get(text[j - 1])
        best[j] = best[j - 1] + (UNKNOWN_WORD if count is None else (count - total) / 10)
        reach = MAX_WORD if endings is None else endings.get(text[j - 1], 1)
        for length in range(2, min(reach, j) + 1):
            count = vocabulary.get(text[j - length:j])
            if count is not None:
                value = best[j - length] + (count - total) / 10
                if value > best[j]:
                    best[j] = value
                    back[j] = length
    return best, back


def word_ends(back: list[int]) -> list[int]:
    """Each word's end in the best segmentation whose last-word lengths are `back`."""
    ends, j = [], len(back) - 1
    while j > 0:
        ends.append(j)
        j -= back[j]
    return ends[::-1]


def word_length(ends: list[int], position: int) -> int:
    """The length of the word of segmentation `ends` that position stands in."""
    start = 0
    for end in ends:
        if position < end:
            return end - start
        start = end
    return 1


TERM_MIN: Final = 3
# A three-character term counts only where the written line reads it as a unit: 按实际收托人数 would
# make 受托人, but 人数 is read across its end. Four characters and more are specific enough as they stand.
SHORT_TERM: Final = 4


@lru_cache(maxsize=1)
def terms() -> frozenset[str]:
    """Set phrases of TERM_MIN characters or more: idioms and 公文 vocabulary, government terms."""
    return frozenset(line for name in ("phrases.txt", "gov_terms.txt") for line in listed(name)
                     if len(line) >= TERM_MIN)


def in_term(line: str, offset: int, shortest: int = TERM_MIN) -> bool:
    """True when line[offset] stands in a set phrase of terms() as written (候考室), of `shortest`
    characters or more."""
    known = terms()
    for size in range(shortest, MAX_WORD + 1):
        for start in range(max(0, offset - size + 1), min(offset, len(line) - size) + 1):
            if line[start:start + size] in known:
                return True
    return False


def completes_term(line: str, offset: int, right: str) -> bool:
    """True when `right` at `offset` makes a set phrase that the written line does not hold
    (集思广议 -> 集思广益, 控缀保学 -> 控辍保学): a 疑似 this makes is a typo."""
    known, vocabulary = terms(), words()
    fixed = line[:offset] + right + line[offset + 1:]
    for size in range(TERM_MIN, MAX_WORD + 1):
        for start in range(max(0, offset - size + 1), min(offset, len(line) - size) + 1):
            term, written = fixed[start:start + size], line[start:start + size]
            if term not in known or written in known:
                continue
            if size < SHORT_TERM and read_across(line, start, start + size):
                continue
            # A written form the dictionary counts a fifth as often or more is a variant (栋梁之材).
            if written in vocabulary and vocabulary[written] > vocabulary.get(term, 0) - 16:
                continue
            return True
    return False
