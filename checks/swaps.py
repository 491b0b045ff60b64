"""text.typo: two neighbouring characters typed the wrong way round (度制 for 制度, 筹统 for 统筹).

The character model weighs one character at a time, so a pair typed in the wrong order, each
character right in itself, escapes it. A pair is taken as swapped when it is no dictionary word
(or a rare one), the pair reversed is a common one, and both the dictionary and the language model
read the line far better with it reversed. On the clean text of eighty-two mock county sites
(18,000 sentences) the first thresholds flagged nothing and found nine of the eleven swaps planted
there (not 实落, nor 安全产生, whose swap is a word); on the held-out clean sets of bench/text.py,
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from checks import lm, propernames
from checks.phrases import PhraseFinder
from checks.dictionary import in_term, is_hanzi, segmentation_gain, words
from checks.setphrases import list_item

MODEL_GAIN = 10.0       # nats the language model must gain with the pair reversed
SEGMENT_GAIN = 9.0      # and the dictionary's segmentation (本根 for 根本 in 治国理政的本根: 8.2)
# ...or the model gains this much and the segmentation this: 实落 for 落实 (the dictionary counts
# 实落 a few times, so the words mend less), 民牧群众. On the mock counties' own text 18 more swaps
# found, no false alarm more; nothing on the held-out clean sets.
STRONG_GAIN = 12.0
STRONG_SEGMENT = 4.0
COMMON = 40             # the reversed pair's count in the dictionary, as words() keeps it (10 × ln): about 55
RARE = 15               # the pair as written may be a dictionary word counted this low (10 × ln: about 4)
COUNTED_TWO = frozenset("两二")


@dataclass(frozen=True, slots=True)
class Swap:
    """A pair written in the wrong order: where, as written, as meant."""

    offset: int
    written: str
    meant: str


@lru_cache(maxsize=1)
def swappable() -> PhraseFinder[str]:
    """Every pair of characters that is no dictionary word (or one counted RARE or less) but a common
    one reversed -> the word."""
    vocabulary = words()
    found = {word[::-1]: word for word, count in vocabulary.items()
             if len(word) == 2 and count >= COMMON and word[0] != word[1] and is_hanzi(word[0]) and is_hanzi(word[1])
             and vocabulary.get(word[::-1], 0) <= RARE}
    return PhraseFinder(found)


def swapped_pairs(line: str, model: lm.Model) -> list[Swap]:
    """Every neighbouring pair in `line` that reads as a common word the other way round."""
    found: list[Swap] = []
    text = ""
    named: set[int] | None = None
    for i, written, meant in swappable().find(line):
        if line[i + 2:i + 3] in COUNTED_TWO and is_hanzi(line[i + 3:i + 4]):
            continue        # two things counted (秋春两季, 苏沪两地): their order is the writer's
        if not text:
            text = lm.BEGIN + lm.normalize(line) + lm.END
        # The model first: most pairs fail it, and the segmentation's two lattices cost more.
        # (STRONG_GAIN is above MODEL_GAIN, STRONG_SEGMENT below SEGMENT_GAIN.)
        gain = model.gain(text, i + 1, written, meant)
        if gain <= MODEL_GAIN:
            continue
        if segmentation_gain(line, i, i + 2, meant) <= (STRONG_SEGMENT if gain > STRONG_GAIN else SEGMENT_GAIN):
            continue
        if in_term(line, i):
            continue        # a set phrase as written (量质齐升), however the pair reads reversed
        if list_item(line, i) == (i, i + 2) and words().get(written, 0) > 0:
            continue        # a word listed as an item of its own (服装设计、裁制、缝制), rare as it is
        if named is None:
            named = propernames.person_positions(line, words())
        if named.intersection((i, i + 1)):
            continue        # a given name may read as a word reversed
        if propernames.is_named(line, i, words()):
            continue        # so may a place's (和葑湾港: a river, no 港湾)
        found.append(Swap(i, written, meant))
    return found
