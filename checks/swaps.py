"""text.typo: two neighbouring characters typed the wrong way round (度制 for 制度, 筹统 for 统筹).

The character model weighs one character at a time, so a pair typed in the wrong order, each
character right in itself, escapes it. A pair is taken as swapped when it is no dictionary word,
the pair reversed is a common one, and both the dictionary and the language model read the line
far better with it reversed. On the clean text of eighty-two mock county sites (18,000 sentences)
these thresholds flag nothing and find nine of the eleven swaps planted there (not 实落, nor
安全产生, whose swap is a word); on the held-out clean sets of bench/text.py, nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from checks import lm, propernames
from checks.phrases import PhraseFinder
from checks.typolm import is_hanzi, segmentation_gain, words

MODEL_GAIN = 10.0       # nats the language model must gain with the pair reversed
SEGMENT_GAIN = 9.0      # and the dictionary's segmentation (本根 for 根本 in 治国理政的本根: 8.2)
COMMON = 40             # the reversed pair's count in the dictionary, as words() keeps it (10 × ln): about 55


@dataclass(frozen=True, slots=True)
class Swap:
    """A pair written in the wrong order: where, as written, as meant."""

    offset: int
    written: str
    meant: str


@lru_cache(maxsize=1)
def swappable() -> PhraseFinder[str]:
    """Every pair of characters that is no dictionary word but a common one reversed -> the word."""
    vocabulary = words()
    found = {word[::-1]: word for word, count in vocabulary.items()
             if len(word) == 2 and count >= COMMON and word[0] != word[1] and is_hanzi(word[0]) and is_hanzi(word[1])
             and word[::-1] not in vocabulary}
    return PhraseFinder(found)


def swapped_pairs(line: str, model: lm.Model) -> list[Swap]:
    """Every neighbouring pair in `line` that reads as a common word the other way round."""
    found: list[Swap] = []
    text = ""
    named: set[int] | None = None
    for i, written, meant in swappable().find(line):
        if not text:
            text = lm.BEGIN + lm.normalize(line) + lm.END
        if model.gain(text, i + 1, written, meant) <= MODEL_GAIN \
                or segmentation_gain(line, i, i + 2, meant) <= SEGMENT_GAIN:
            continue
        if named is None:
            named = propernames.person_positions(line, words())
        if named.intersection((i, i + 1)):
            continue        # a given name may read as a word reversed
        found.append(Swap(i, written, meant))
    return found
