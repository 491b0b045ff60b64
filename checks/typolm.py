"""text.typo, statistical part: a character whose same-pinyin or similar-shape neighbour fits far better.

For each character that has confusable characters (checks/data/lm/confusion.tsv, and where they
make a word, the fuzzy-input homophones of fuzzy_sounds.tsv), the detector
asks the language model (checks/lm.py) how much more likely the sentence becomes with each
candidate in its place (`gain`, natural log over the four n-grams the character touches), and a
word segmentation with the dictionary (checks/data/lm/words.tsv) how much better the words get
(`seg_gain`), and whether the candidate joins a longer word than the original stands in.

These, with whether the candidate sounds alike, how unlikely the original stands, and how well
the model knows the line as a whole (`familiar`: in official text it knows, a better fit is
likelier a typo than in a literary line or a list of names it has never seen), are weighed
by a logistic score (Candidate.features, WEIGHTS) fitted by bench/fit_typo.py on
ecspell_odw_train against held-out halves of xxqg_correct and rmrb1998_correct, never on
odw_test. Past CONFIDENT a candidate is a typo; past SUSPECT it is kept as 疑似 for staff.

Cheap filters keep it fast: a character inside a trigram the model knows is skipped (0.2 % of
real typos stand in one), and only candidates that form a known bigram with a neighbour are
scored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Iterable, Iterator

from librt.vecs import vec
from mypy_extensions import i64

from checks import lm, lmtable, propernames
from checks.dictionary import WINDOW, completes_term, lattice, word_ends, word_length, words
from checks.setphrases import (in_paired_phrase, in_parallel_list, in_reduplication, in_set_phrase, in_word_list,
                               joins_two_words)

# Which candidates become findings: a logistic score over the evidence (Candidate.features),
# fitted by bench/fit_typo.py on ecspell_odw_train against held-out halves of xxqg_correct and
# rmrb1998_correct. CONFIDENT keeps false alarms on both clean halves under 0.7 % of sentences
# (0.54 % and 0.69 % when fitted); SUSPECT is the 疑似 tier staff confirm by hand.
WEIGHTS: Final = (-12.471, 0.521, 0.092, -0.029, 1.748, 0.088, 0.216, 5.452)
CONFIDENT: Final = 1.0
SUSPECT: Final = -1.0
MIN_GAIN: Final = 4.0              # below this the LM gain alone rules a candidate out (keeps it fast)
# A character that the model finds likely where it stands, and whose follower is likely after
# it (log-probabilities summing above this), is not looked at. Moving this from -8 to -12 left
# recall on ecspell_odw_test and odw_train unchanged (bench/text.py) and skips most of clean
# text's characters. At -13 recall on odw falls by about one point (0.53 to 0.52), checking
# runs 8 % faster (past 100,000 characters a second), and two of the mock portals' false alarms
# go, with none of their typos lost; -14 loses more.
PLAUSIBLE: Final = -13.0
# Before a stop the follower says little (。 is likely after most characters that end a word), so
# there the character alone decides: 规化。 was passed over, its 。 likely after 化.
PLAUSIBLE_BEFORE_STOP: Final = -8.0
STOPS: Final = frozenset("。，、；：！？）”" + lm.END)
TOP: Final = 2                     # candidates scored in full per character
# ...and only those that fit their neighbours as bigrams better than the character standing
# there by this much (log-probability): same recall on odw_train, about 10 % faster.
BIGRAM_MARGIN: Final = 0.0
# A candidate that breaks the words around it this badly (segmentation log-probability) is at most
# a 疑似, however well the model likes it: 电热水壶 -> 电热水湖 loses 12.7. No confident candidate that
# put back the right character on ecspell_odw_train lost more than 5.
SEG_FLOOR: Final = -8.0
# A candidate weighed only for the word it makes (Candidate.by_word) is a typo only past this score.
# On the mock counties' own text, held out, the 26 such candidates past 3 were all right (农村底保,
# 迄今为至, 落到石处); between 2.3 and 3, two put a wrong character in a typo's place (拭用期 ->
# 食用期) and one flagged clean text (北漾镇).
BY_WORD_CONFIDENT: Final = 3.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """One replacement the detector weighed, with the evidence for it."""

    offset: int
    wrong: str
    right: str
    gain: float         # how much likelier the language model finds the text with `right` (nats)
    seg_gain: float     # how much better the dictionary segments it
    longer: bool        # `right` joins a longer word than `wrong` stood in
    plausibility: float  # the model's log-probability of `wrong` and its follower where they stand
    sound: bool         # same pinyin (else similar shape)
    familiar: float     # share of the line's character pairs the model knows (how well it knows such text)
    by_word: bool = False   # weighed only because it makes a word (TypoDetector.candidates_in)

    def features(self) -> tuple[float, ...]:
        """The evidence as numbers, in the order of WEIGHTS."""
        seg = min(max(self.seg_gain, -5.0), 15.0)
        return (1.0, min(self.gain, 15.0), seg, float(self.longer), float(self.sound),
                max(self.plausibility, -30.0) / 10, seg if self.longer else 0.0, self.familiar)

    @property
    def score(self) -> float:
        return sum(w * f for w, f in zip(WEIGHTS, self.features()))


@dataclass(frozen=True, slots=True)
class Suspect:
    """One character the model would replace: where, what, with what, and how sure."""

    offset: int
    wrong: str
    right: str
    score: float
    confident: bool

    @property
    def confidence(self) -> float:
        """A 0–1 score for staff: the fitted probability that this is a typo."""
        return round(1 / (1 + math.exp(-self.score)), 2)


@lru_cache(maxsize=1)
def fuzzy_sounds() -> dict[str, str]:
    """Character -> the common characters read like it but for tone or a fuzzy-input distinction
    (照/造, 名/民, 策/彻), that confusion() does not already offer."""
    table = {}
    for line in (lm.DATA / "fuzzy_sounds.tsv").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            char, others = line.split("\t")
            table[char] = others
    return table


@lru_cache(maxsize=1)
def homophones() -> dict[str, str]:
    """Character -> the characters of the 通用规范汉字表 (all 8,105, the rare ones of a field's names
    too: 鹮, 鲵) whose usual reading is its own, tone included (环/鹮, 倪/鲵)."""
    table = {}
    for line in (lm.DATA / "homophones.tsv").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            chars = line.split("\t")[1]
            for char in chars:
                table[char] = chars.replace(char, "")
    return table


@lru_cache(maxsize=1)
def confusion() -> dict[str, tuple[str, str]]:
    """Character -> its same-pinyin characters and its similar-shape ones."""
    table = {}
    for line in (lm.DATA / "confusion.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        char, sound, shape = line.split("\t")
        table[char] = (sound, shape)
    return table


VARIANTS: Final = lm.DATA.parent / "variant_words.tsv"


@lru_cache(maxsize=1)
def variant_words() -> frozenset[tuple[str, str]]:
    """(form, other form) of words written two ways, both correct (制订/制定), in both directions."""
    pairs: set[tuple[str, str]] = set()
    for line in VARIANTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            form, other = line.split("\t")[:2]
            pairs |= {(form, other), (other, form)}
    return frozenset(pairs)


def swaps_variant(line: str, offset: int, right: str) -> bool:
    """True when `right` at `offset` only turns one correct form of a word into the other."""
    pairs = variant_words()
    for length in (2, 3):
        for start in range(max(0, offset - length + 1), min(offset, len(line) - length) + 1):
            piece = line[start:start + length]
            at = offset - start
            if (piece, piece[:at] + right + piece[at + 1:]) in pairs:
                return True
    return False


_NO_BIGRAMS: Final[dict[str, float]] = {}
_NO_CHARS: Final[frozenset[str]] = frozenset()
CONNECTIVES: Final = frozenset("和或与及并且而跟同")
NUMERALS: Final = frozenset("〇零一二三四五六七八九十百千万亿两")
# Units of time: 每旬巡河 is no 每日巡河, one period for another changes the fact, not the spelling.
TIME_UNITS: Final = frozenset("年季月旬周日天时")
# Characters either of which usage accepts in the other's place: 报考人员需提交 and 须提交 are both
# right in a notice, and so are 拟聘用至 and 拟聘用到, 采收季 and 采收期. Whether 她 or 他 is meant,
# only the person written of decides, which no model knows; whether 雨 or 雪, only the weather
# (受强降雪影响: the model knows 强降雨 better, and the two look alike, but nobody types one for the other).
EITHER: Final = frozenset({"需须", "至到", "季期", "他她", "雨雪"})
def _confusable(char: str, other: str) -> bool:
    """False for pairs that are no slip for each other: two connectives (乡镇或县直部门, 乡镇和县直部门:
    the meaning changes, not the spelling), two numerals (一芽二叶、一芽三叶: a number for another
    changes the fact, and the model only knows which is commoner), two units of time, or a pair in
    EITHER."""
    return not (char in CONNECTIVES and other in CONNECTIVES) and not (char in NUMERALS and other in NUMERALS) \
        and not (char in TIME_UNITS and other in TIME_UNITS) \
        and char + other not in EITHER and other + char not in EITHER


# A fuzzy-input homophone is offered where it makes, with a neighbour, a dictionary word counted
# this high (words() keeps 10 × ln count: about 400 uses) and the written character makes none:
# 改照 -> 改造, 城乡居名 -> 城乡居民, 贯策 -> 贯彻. Offered everywhere, the mock counties' own
# text gave 37 more typos for 25 more false alarms; so restricted, 22 more for 2.
FUZZY_WORD_MIN: Final = 60
# The units of administration are no slip: 乡内 is no 省内, 县 no 现.
ADMINISTRATIVE: Final = frozenset("省市县区乡镇村")


class TypoDetector:
    """Finds likely typos in a line of text with a language model and a dictionary."""

    def __init__(self, model: lm.Model, table: dict[str, tuple[str, str]], vocabulary: dict[str, int],
                 fuzzy: dict[str, str] | None = None):
        self.model = model
        self.vocabulary = vocabulary
        known = model.holds
        # Candidates are the very string objects that key the model's bigram tables (Model.chars):
        # a lookup that finds one then compares pointers, not the strings' contents.
        chars = model.chars
        self.candidates = {c: frozenset(chars[o] for o in sound + shape if known(o) and _confusable(c, o))
                           for c, (sound, shape) in table.items()}
        self.sounds = {c: frozenset(sound) for c, (sound, _) in table.items()}
        # Fuzzy-input homophones (fuzzy_sounds), offered only where they make a word (fuzzy_words).
        self.fuzzy = {c: tuple(chars[o] for o in others if known(o) and o not in ADMINISTRATIVE and _confusable(c, o))
                      for c, others in (fuzzy or {}).items()}
        # Where a fuzzy homophone makes a word of FUZZY_WORD_MIN: the characters before it and after.
        offered_fuzzy = {o for others in self.fuzzy.values() for o in others}
        before: dict[str, set[str]] = {}
        after: dict[str, set[str]] = {}
        for word, count in vocabulary.items():
            if len(word) == 2 and count >= FUZZY_WORD_MIN:
                if word[1] in offered_fuzzy:
                    before.setdefault(word[1], set()).add(word[0])
                if word[0] in offered_fuzzy:
                    after.setdefault(word[0], set()).add(word[1])
        self.fuzzy_before = {o: frozenset(found) for o, found in before.items()}
        self.fuzzy_after = {o: frozenset(found) for o, found in after.items()}
        # The same two by the character's number in the model, for the characters it knows: a
        # line's characters are numbered once (lmtable.LazyScores), and a list is read without hashing.
        # With the confusables' own numbers, in the order the set gives them: most are screened by
        # the model's bits of known pairs (candidates_in) without reading the strings themselves.
        self.offered: list[tuple[frozenset[str] | None, tuple[str, ...] | None, vec[i64]] | None] = \
            [None] * (lmtable.NO_ID + 1)
        for c, number in model.ids.items():
            others, sounding = self.candidates.get(c), self.fuzzy.get(c)
            if others or sounding:
                self.offered[number] = (others, sounding, vec[i64]([model.ids[o] for o in others or ()]))

    def suspects(self, line: str) -> list[Suspect]:
        """The best candidate past SUSPECT at each position, in order."""
        best: dict[int, tuple[float, bool, Candidate]] = {}
        for candidate in self.candidates_in(line):
            if swaps_variant(line, candidate.offset, candidate.right):
                continue
            score = candidate.score
            if score <= SUSPECT:
                continue
            confident = (score > (BY_WORD_CONFIDENT if candidate.by_word else CONFIDENT)
                         and candidate.seg_gain > SEG_FLOOR) \
                or completes_term(line, candidate.offset, candidate.right)
            held = best.get(candidate.offset)
            # The higher score wins, but a 疑似 weighed only for the word it makes does not put
            # out a typo (修箭: 修建 a typo, 修剪 only a 疑似) nor the other way round.
            if held is None or (score > held[0] and not (held[1] and not confident and candidate.by_word)) \
                    or (confident and not held[1] and held[2].by_word):
                best[candidate.offset] = (score, confident, candidate)
        found: list[Suspect] = []
        for _, (score, confident, c) in sorted(best.items()):
            # Neighbours each made a word with the other as written (执发: 执法 or 制发; 参报: 参保
            # or 申报): one slip, and the likelier reading names it.
            if found and found[-1].offset == c.offset - 1:
                if found[-1].score >= score:
                    continue
                found.pop()
            found.append(Suspect(c.offset, c.wrong, c.right, score, confident))
        return found

    def candidates_in(self, line: str) -> Iterator[Candidate]:
        """Every replacement worth weighing in `line` (LM gain above MIN_GAIN), with its evidence."""
        text = lm.BEGIN + lm.normalize(line) + lm.END
        model = self.model
        size = len(text)
        table, sounds = self.candidates, self.sounds
        # Each character's log-probability where it stands, worked out only when needed: a
        # character inside a known trigram is skipped before it is scored.
        base = lmtable.LazyScores(model, text)
        # The characters' numbers in the model: an n-gram's number is theirs side by side.
        ids, bits, number_of = base.ids, lmtable.ID_BITS, model.ids

        floor = model.unknown
        familiar: float | None = None
        by_word: str | None = None
        follows, preceded, fuzzy, offered = model.follows, model.preceded, self.fuzzy, self.offered
        char_of = model.char_of
        for i in range(1, size - 1):
            numbers: vec[i64] | None = None
            if ids[i] != lmtable.NO_ID:
                offer = offered[ids[i]]
                if offer is None:
                    continue
                others, sounding, numbers = offer
            else:
                others, sounding = table.get(text[i]), fuzzy.get(text[i])
                if not (others or sounding):
                    continue
            if model.knows(lmtable.number(ids, i - 1, i + 2)):
                continue
            plausibility = base.at(i) + base.at(i + 1)
            if plausibility > PLAUSIBLE and (text[i + 1] not in STOPS or base.at(i) > PLAUSIBLE_BEFORE_STOP):
                continue
            if sounding:
                widened = self.fuzzy_words(text, i, sounding, others)
                if widened is not others:
                    numbers = None
                others = widened
            if not others:
                continue
            # Score only the few candidates that fit their neighbours as bigrams better than the
            # character standing there does.
            with_left = follows.get(text[i - 1], _NO_BIGRAMS)
            with_right = preceded.get(text[i + 1], _NO_BIGRAMS)
            fit = with_left.get(text[i], floor) + with_right.get(text[i], floor) + BIGRAM_MARGIN
            fitting = []
            weighed: Iterable[str] = others
            if numbers is not None and floor + floor <= fit:
                # A candidate in a pair with neither neighbour scores the floor twice and cannot fit.
                left_row, right_row = model.follows_row(ids[i - 1]), model.precedes_row(ids[i + 1])
                weighed = [char_of[number] for number in numbers
                           if model.in_row(left_row, number) or model.in_row(right_row, number)]
            for other in weighed:
                # (get without a default: a float default would be boxed anew for every candidate)
                after_left, before_right = with_left.get(other), with_right.get(other)
                value = (floor if after_left is None else after_left) + (floor if before_right is None else before_right)
                if value > fit:
                    fitting.append((value, other))
            if not fitting:
                continue
            by_word = None
            if len(fitting) > TOP:
                fitting.sort()
                fitting_rest = fitting[:-TOP]
                # Past the best few by bigrams, a candidate that makes a word with a neighbour where
                # the written character makes none is weighed too (农村底保: 的 fits the bigrams
                # better, 低 makes 低保). On mock sites such candidates were right ten times and
                # wrong three (冀安精工, “一稻两虾”): they make a 疑似 for staff, or a typo only past
                # BY_WORD_CONFIDENT or where they complete a set phrase.
                vocabulary = self.vocabulary
                before, after = text[i - 1], text[i + 1]
                if before + text[i] not in vocabulary and text[i] + after not in vocabulary:
                    extra = [pair for pair in fitting_rest
                             if before + pair[1] in vocabulary or pair[1] + after in vocabulary][-1:]
                    fitting = fitting[-TOP:] + extra
                    by_word = extra[0][1] if extra else None
                else:
                    fitting = fitting[-TOP:]
                # ...and one that completes a trigram the model knows with the two characters on
                # one side, where the written character completes none (合作杜: 作 is followed by
                # 台 and 村 likelier than by 社, but 合作社 is a known trigram).
                if i >= 2 and not model.knows(lmtable.number(ids, i - 2, i + 1)) and not model.knows(lmtable.number(ids, i, i + 3)):
                    # (behind is one character only where the line ends after text[i + 1])
                    ahead, behind = lmtable.number(ids, i - 2, i), lmtable.number(ids, i + 1, i + 3)
                    width = bits * min(2, size - i - 1)
                    fitting += [pair for pair in fitting_rest if pair not in fitting
                                and (model.knows(ahead << bits | number_of[pair[1]])
                                     or model.knows(number_of[pair[1]] << width | behind))][-1:]
            start = i - 3 if i >= 3 else 0
            stop = i + 4 if i + 4 <= size else size
            at = i - start
            original = sum([base.at(j) for j in range(i, stop)])
            left, right = ids[start:i], ids[i + 1:stop]
            segmented = None
            ending, ending_slot = base.ending(i - 1)
            for _, other in fitting:
                changed = left + [number_of[other]] + right
                gain = sum(model.scores(changed, at, len(changed), ending, ending_slot)) - original
                if gain <= MIN_GAIN:
                    continue
                if propernames.is_named(line, i - 1, self.vocabulary, other) or in_set_phrase(line, i - 1) \
                        or in_paired_phrase(line, i - 1, self.vocabulary) or in_word_list(line, i - 1, self.vocabulary) \
                        or in_reduplication(line, i - 1):
                    break
                if joins_two_words(line, i - 1, other, self.vocabulary):
                    continue
                if in_parallel_list(line, i - 1, other, self.vocabulary):
                    continue
                if segmented is None:
                    segmented = self._segmented(text, i)
                if familiar is None:
                    # The bigram tables answer "is this pair known" without a lookup in the big table.
                    familiar = sum([text[k] in follows.get(text[k - 1], _NO_BIGRAMS) for k in range(1, size)]) / (size - 1)
                seg_gain, longer = self._words(segmented, other)
                yield Candidate(i - 1, line[i - 1], other, gain, seg_gain, longer, plausibility,
                                other in sounds.get(text[i], ()), familiar, other == by_word)

    def fuzzy_words(self, text: str, i: int, sounding: tuple[str, ...], others: frozenset[str] | None) -> frozenset[str]:
        """`others` and those of the fuzzy homophones `sounding` of text[i] that make a word of
        FUZZY_WORD_MIN with a neighbour where text[i] makes none."""
        vocabulary = self.vocabulary
        before, written, after = text[i - 1], text[i], text[i + 1]
        if before + written in vocabulary or written + after in vocabulary:
            return others or frozenset()
        making = [o for o in sounding if before in self.fuzzy_before.get(o, _NO_CHARS)
                  or after in self.fuzzy_after.get(o, _NO_CHARS)]
        if not making:
            return others or frozenset()
        return others | frozenset(making) if others else frozenset(making)

    def _segmented(self, text: str, i: int) -> tuple[str, int, tuple[list[float], list[int]]]:
        """The text around position i, where i stands in it, and its segmentation lattice as it is."""
        start = max(0, i - WINDOW)
        piece = text[start:i + WINDOW + 1]
        return piece, i - start, lattice(piece, self.vocabulary)

    def _words(self, segmented: tuple[str, int, tuple[list[float], list[int]]], other: str) -> tuple[float, bool]:
        """How much the segmentation improves with `other` in place, and whether the word grows."""
        piece, at, as_written = segmented
        best, back = lattice(piece[:at] + other + piece[at + 1:], self.vocabulary, at, as_written)
        return best[-1] - as_written[0][-1], \
            word_length(word_ends(back), at) > word_length(word_ends(as_written[1]), at)


@lru_cache(maxsize=2)
def detector(holdout: lm.Holdout | None = None) -> TypoDetector:
    """The shared detector (built once per process; the model itself is cached on disk)."""
    return TypoDetector(lm.load(holdout), confusion(), words(), fuzzy_sounds())
