"""text.typo: a common idiom (成语) with a character picked wrong (时不我带, 有条不素, 在接再厉).

An idiom is four fixed characters, so one written with a character off is recognisable whatever
the model knows of the line around it: a window of four that differs from a common idiom in one
place, where the written character is a same-sound or similar-shape slip for the idiom's
(typolm.confusion) or its neighbour typed twice (源源流长); or in the two places of a character
the idiom repeats, with the same slip (兢兢叶叶, 再歌再舞); or in two neighbouring places, each a
same-sound slip (未雨筹谋). The window must be no dictionary word or listed term itself, and the
language model must read the line better with the idiom (MODEL_GAIN): a phrase that happens to
share three characters with an idiom reads as well as it is written.

The idioms are ECSpell's list (MIT, checks/data/LICENSE.ECSpell) with their counts; only those
used at least COMMON times, which staff write and readers know.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from checks import lm
from checks.phrases import PhraseFinder
from checks.dictionary import in_term, is_hanzi, words
from checks.setphrases import in_set_phrase
from checks.typolm import confusion

IDIOMS: Final = lm.PACKAGE / "data" / "idioms.tsv"
COMMON: Final = 500            # an idiom's count in ECSpell's list (坚定不移 54,113; 时不我待 4,164)
MODEL_GAIN: Final = 2.0        # nats the language model must gain with the idiom in place (时不我带: 3.4)
MASK: Final = "\x00"
# Marks that set a name or slogan apart (“橙心橙意”网店).
OPENING, CLOSING = "“‘「『\"", "”’」』\""
SLOGAN_JOINS: Final = "·・•"      # one slogan joined to another inside the quotation marks (“橙心橙意·桥头好橙”)


@dataclass(frozen=True, slots=True)
class Slip:
    """An idiom written with a character off: where, as written, as meant."""

    offset: int
    written: str
    meant: str


@lru_cache(maxsize=1)
def common_idioms() -> frozenset[str]:
    """The four-character idioms of the list used at least COMMON times."""
    found = set()
    for line in IDIOMS.read_text(encoding="utf-8").splitlines():
        idiom, _, count = line.partition("\t")
        if len(idiom) == 4 and not line.startswith("#") and int(count or 0) >= COMMON:
            found.add(idiom)
    return frozenset(found)


@lru_cache(maxsize=1)
def _masked() -> dict[str, tuple[tuple[str, tuple[int, ...]], ...]]:
    """An idiom with the places a slip may take masked -> (idiom, those places): one place, the two
    places of a repeated character, two neighbouring places."""
    index: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    for idiom in common_idioms():
        places = [(i,) for i in range(4)] + [(i, i + 1) for i in range(3)]
        places += [(i, j) for i in range(4) for j in range(i + 1, 4) if idiom[i] == idiom[j] and j != i + 1]
        for where in places:
            key = "".join(MASK if i in where else c for i, c in enumerate(idiom))
            index.setdefault(key, []).append((idiom, where))
    return {key: tuple(value) for key, value in index.items()}


def _sounds_alike(written: str, meant: str) -> bool:
    table = confusion()
    return meant in table.get(written, ("", ""))[0] or written in table.get(meant, ("", ""))[0]


def _slip(written: str, meant: str) -> bool:
    """True when `written` is a same-sound or similar-shape slip for `meant`, either way round."""
    table = confusion()
    sound, shape = table.get(written, ("", ""))
    back_sound, back_shape = table.get(meant, ("", ""))
    return meant in sound or meant in shape or written in back_sound or written in back_shape


def _fits(window: str, idiom: str, where: tuple[int, ...]) -> bool:
    """True when `window` is `idiom` with a slip in the places `where`."""
    if any(window[i] == idiom[i] for i in where):
        return False
    if len(where) == 1:
        (i,) = where
        repeated = (i > 0 and window[i] == window[i - 1]) or (i < 3 and window[i] == window[i + 1])
        return _slip(window[i], idiom[i]) or repeated
    i, j = where
    if idiom[i] == idiom[j]:
        return window[i] == window[j] and _slip(window[i], idiom[i])
    return _sounds_alike(window[i], idiom[i]) and _sounds_alike(window[j], idiom[j])


def finders() -> list[PhraseFinder]:
    """The phrase sets this check scans every line for (phrases.share)."""
    return [_anchors()]


@lru_cache(maxsize=1)
def _anchors() -> PhraseFinder[tuple[int, ...]]:
    """Two neighbouring characters of an idiom -> where they may stand in it: a window is weighed
    only where one of these stands. Every slip leaves one standing but the same slip in both places
    of a repeated character apart (再歌再舞); for those, the four characters as slipped. (Two
    neighbouring slips in the middle, 实是求事's kind, are left: weighing them would take a million
    strings here.)"""
    table: dict[str, set[int]] = {}
    sound = confusion()
    for idiom in common_idioms():
        for k in range(3):
            table.setdefault(idiom[k:k + 2], set()).add(k)
        for i, j in ((0, 2), (1, 3)):
            if idiom[i] == idiom[j]:
                for slip in sound.get(idiom[i], ("", ""))[0]:
                    table.setdefault(idiom[:i] + slip + idiom[i + 1:j] + slip + idiom[j + 1:], set()).add(0)
    return PhraseFinder({piece: tuple(sorted(at)) for piece, at in table.items()})


def _pun(line: str, start: int, where: tuple[int, ...]) -> bool:
    """True when the idiom's repeated character is replaced in both places by one character and the
    four stand alone in quotation marks, or first of slogans joined by a dot there: a pun made on
    purpose, a shop's or a slogan's name (“橙心橙意”网店, “橙心橙意·桥头好橙” on a navel-orange
    county), not a slip."""
    if len(where) != 2 or line[start + where[0]] != line[start + where[1]]:
        return False
    return 0 < start and start + 4 < len(line) and line[start - 1] in OPENING \
        and (line[start + 4] in CLOSING or line[start + 4] in SLOGAN_JOINS)


def misspelt_idioms(line: str, model: lm.Model) -> list[Slip]:
    """Every window of `line` that reads as a common idiom with a character picked wrong."""
    index = _masked()
    if not index:
        return []
    starts = sorted({begin - k for begin, _, at in _anchors().find(line) for k in at
                     if 0 <= begin - k <= len(line) - 4})
    if not starts:
        return []
    vocabulary = words()
    found: list[Slip] = []
    text = ""
    for start in starts:
        window = line[start:start + 4]
        if not all(map(is_hanzi, window)) or window in vocabulary:
            continue
        for place in range(4):
            key = window[:place] + MASK + window[place + 1:]
            for idiom, where in _candidates(index, window, key, place):
                if not _fits(window, idiom, where) or in_term(line, start + where[0]) \
                        or in_set_phrase(line, start + where[0]) or _pun(line, start, where):
                    continue
                if not text:
                    text = lm.BEGIN + lm.normalize(line) + lm.END
                if model.gain(text, start + 1, window, idiom) > MODEL_GAIN:
                    found.append(Slip(start, window, idiom))
    return _one_per_window(found)


def _candidates(index, window: str, key: str, place: int):
    """The idioms whose masked form matches `window` with `place` masked, or two places from it."""
    yield from index.get(key, ())
    for other in range(place + 1, 4):
        yield from index.get(key[:other] + MASK + key[other + 1:], ())


def _one_per_window(found: list[Slip]) -> list[Slip]:
    kept: list[Slip] = []
    for slip in found:
        if not kept or kept[-1].offset + 4 <= slip.offset:
            kept.append(slip)
    return kept
