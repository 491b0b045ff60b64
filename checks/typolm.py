"""text.typo, statistical part: a character whose same-pinyin or similar-shape neighbour fits far better.

For each character that has confusable characters (checks/data/lm/confusion.tsv), the detector
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
from pathlib import Path
from typing import Iterator

import ahocorasick

from checks import lm

# Which candidates become findings: a logistic score over the evidence (Candidate.features),
# fitted by bench/fit_typo.py on ecspell_odw_train against held-out halves of xxqg_correct and
# rmrb1998_correct. CONFIDENT keeps false alarms on both clean halves under 0.7 % of sentences
# (0.54 % and 0.69 % when fitted); SUSPECT is the 疑似 tier staff confirm by hand.
WEIGHTS = (-12.471, 0.521, 0.092, -0.029, 1.748, 0.088, 0.216, 5.452)
CONFIDENT = 0.0
SUSPECT = -1.0
MIN_GAIN = 4.0              # below this the LM gain alone rules a candidate out (keeps it fast)
UNKNOWN_WORD = -20.0        # log-probability of a character the dictionary lacks as a word
WINDOW = 4                  # characters either side the segmentation looks at
MAX_WORD = 7
# A character that the model finds likely where it stands, and whose follower is likely after
# it (log-probabilities summing above this), is not looked at. Moving this from -8 to -12 left
# recall on ecspell_odw_test and odw_train unchanged (bench/text.py) and skips most of clean
# text's characters; -14 began to lose real typos.
PLAUSIBLE = -12.0
TOP = 2                     # candidates scored in full per character
# ...and only those that fit their neighbours as bigrams better than the character standing
# there by this much (log-probability): same recall on odw_train, about 10 % faster.
BIGRAM_MARGIN = 0.0


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
def confusion() -> dict[str, tuple[str, str]]:
    """Character -> its same-pinyin characters and its similar-shape ones."""
    table = {}
    for line in (lm.DATA / "confusion.tsv").read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        char, sound, shape = line.split("\t")
        table[char] = (sound, shape)
    return table


@lru_cache(maxsize=1)
def names() -> ahocorasick.Automaton:
    """Place names (every administrative division down to townships) and well-known person names.

    A character inside one of them where it stands is never questioned: 贾塘乡 is not 贾城乡.
    """
    finder = ahocorasick.Automaton()
    for name in (lm.DATA / "names.txt").read_text(encoding="utf-8").splitlines():
        if name:
            finder.add_word(name, len(name))
    finder.make_automaton()
    return finder


@lru_cache(maxsize=1)
def _longest_name() -> int:
    return names().get_stats()["longest_word"]


@lru_cache(maxsize=1)
def _name_heads() -> frozenset[str]:
    """The first two characters of every name: most places in a line start none."""
    return frozenset(name[:2] for name in names().keys())


# The most common surnames, and what stands around a person's name in government text.
SURNAMES = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏傅"
                     "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万"
                     "钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝"
                     "包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾"
                     "尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬"
                     "师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝萧")
NAME_BEFORE = ("记者", "通讯员", "作者", "编辑", "摄影", "撰稿", "审核", "校对", "主持人", "联系人", "负责人",
               "局长", "书记", "主任", "市长", "县长", "区长", "镇长", "乡长", "厅长", "部长", "处长", "科长",
               "委员", "主席", "院长", "校长", "经理", "同志", "老师", "医生", "教授", "先生", "女士", "总统",
               "总理", "大使", "博士", "院士", "研究员", "工程师", "会长", "董事长", "队长", "组长", "站长",
               "所长", "馆长", "团长", "社长", "律师", "法官", "民警", "村民", "职工", "选手", "作家", "教练",
               "人员", "考生", "群众")
NAME_AFTER = ("同志", "局长", "书记", "主任", "市长", "县长", "区长", "镇长", "乡长", "副", "指出", "强调", "表示",
              "介绍", "说", "报道", "主持", "出席", "参加", "一行", "带队", "率队", "调研", "详细", "要求", "讲话",
              "代表", "等", "摄", "供图", "先生", "女士", "教授", "总统", "总理", "大使", "博士", "院士", "夫妇",
              "一家", "老人", "案", "，男，", "，女，")     # a biography in a 任前公示: 刘晨阳，男，1990年…
PUNCTUATION = "，。、：:；;（）()【】 \u3000"


def person_positions(line: str, vocabulary: dict[str, int]) -> set[int]:
    """Offsets inside what reads as a person's name (see _person_length)."""
    covered: set[int] = set()
    for start in range(len(line)):
        covered.update(range(start, start + _person_length(line, start, vocabulary)))
    return covered


def _person_length(line: str, start: int, vocabulary: dict[str, int]) -> int:
    """Length of what reads as a person's name at line[start], 0 for none: a common surname and
    one or two characters, not a dictionary word, with a byline or title next to it or
    punctuation on both sides."""
    if line[start] not in SURNAMES:
        return 0
    for length in (3, 2):
        end = start + length
        span = line[start:end]
        if len(span) < length or span in vocabulary or not all("\u4e00" <= c <= "\u9fff" for c in span):
            continue
        if line.endswith(NAME_BEFORE, 0, start) or line.startswith(NAME_AFTER, end):
            return length
        if (not start or line[start - 1] in PUNCTUATION) and (end == len(line) or line[end] in PUNCTUATION):
            return length
    return 0


# Two characters before a place suffix, after a list separator: 辖柳渡镇、桐坪乡 (a township the
# national list may not have yet).
PLACE_BEFORE = frozenset("、，,：:；;辖（(")
PLACE_AFTER = ("乡", "镇", "区", "县", "村", "街道", "社区")


# Characters of the Xinhua transliteration tables: three or more in a row spell a foreign name
# (武契奇, 布宜诺斯艾利斯, 卡巴杰), which the model cannot know.
TRANSLITERATION = frozenset("阿埃艾昂奥巴拜班邦鲍贝比彼宾波博布查达戴丹德迪蒂杜多厄恩尔菲费芬弗伽盖冈戈格圭哈"
                            "豪赫亨霍基吉贾杰卡凯坎柯科克库夸奎拉莱兰朗劳勒雷里利莉琳卢鲁伦罗洛玛迈麦曼梅蒙米"
                            "莫默姆穆纳娜奈尼涅努诺欧帕潘佩皮普奇契恰乔切琴丘萨塞赛桑瑟莎舍斯索塔泰坦汤特滕"
                            "提图托瓦韦维温沃乌西希谢休亚伊尤约泽扎詹兹佐")
# One-character names of countries, as in 中菲关系 and 欢迎莫方参与.
COUNTRY = frozenset("美俄日韩朝英法德意印巴非菲泰越老柬缅马新澳加墨哈吉塔乌土伊沙埃希葡西荷比瑞芬挪丹捷匈"
                    "波罗塞克阿蒙尼孟斯摩莫厄秘智古委坦肯赞津刚苏以叙黎约")


def named_positions(line: str) -> set[int]:
    """Offsets of `line` that stand inside a known place or person name, or what reads as one."""
    return {offset for offset in range(len(line)) if is_named(line, offset)}


def is_named(line: str, offset: int) -> bool:
    """True when line[offset] stands inside a known place or person name, or what reads as one.

    Asked only of the few characters the model would replace, so it looks around `offset`
    rather than through the whole line.
    """
    vocabulary = words()
    for start in range(max(0, offset - 2), offset + 1):
        if start + _person_length(line, start, vocabulary) > offset:
            return True
    char = line[offset]
    if char in TRANSLITERATION:
        first, last = offset, offset + 1
        while first > 0 and line[first - 1] in TRANSLITERATION:
            first -= 1
        while last < len(line) and line[last] in TRANSLITERATION:
            last += 1
        if last - first >= 3:
            return True
    if char in COUNTRY and (line[offset - 1:offset] == "中" or line[offset + 1:offset + 2] == "方"):
        return True
    for start in range(max(0, offset - 1), offset + 1):
        if _reads_as_township(line, start):
            return True
    return _in_known_name(line, offset)


def _reads_as_township(line: str, start: int) -> bool:
    """Two characters at `start`, after a list separator or at the start, before a place suffix."""
    pair = line[start:start + 2]
    return (len(pair) == 2 and all("\u4e00" <= c <= "\u9fff" for c in pair)
            and (not start or line[start - 1] in PLACE_BEFORE or line[start - 1].isspace())
            and line.startswith(PLACE_AFTER, start + 2))


def _in_known_name(line: str, offset: int) -> bool:
    """True when a name of names() covers line[offset] (a two-character one only as a place)."""
    finder, heads = names(), _name_heads()
    longest = _longest_name()
    for start in range(max(0, offset - longest + 1), offset + 1):
        if line[start:start + 2] not in heads:
            continue
        for end in range(start + 2, min(len(line), start + longest) + 1):
            piece = line[start:end]
            if not finder.match(piece):
                break
            if end > offset and finder.exists(piece) and (end - start != 2 or _reads_as_place(line, start, end)):
                return True
    return False


# What follows a two-character place name when it is one: 平谷区, 海阳市, 潜山县葛仙山乡.
PLACE_SUFFIX = frozenset("省市县区州盟旗镇乡村街路山河湖江岛港湾")


def _reads_as_place(line: str, start: int, end: int) -> bool:
    """A two-character name counts only before a place suffix or standing alone between punctuation."""
    after = line[end:end + 1]
    if after in PLACE_SUFFIX:
        return True
    before = line[start - 1:start] if start else ""
    return (not before or before in PUNCTUATION) and (not after or after in PUNCTUATION)


VARIANTS = Path(__file__).parent / "data" / "variant_words.tsv"


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


def straddles_word(text: str, start: int, end: int) -> bool:
    """True when a dictionary word crosses the edge of text[start:end] (责任感在 holds no 感在)."""
    return word_across(text, start) or word_across(text, end)


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
    """Dictionary word -> ten times the log of its frequency (see word_logprob).

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
    return table


_TOTAL = "\x00total"


def word_logprob(vocabulary: dict[str, int], word: str) -> float | None:
    """Log relative frequency of a dictionary word, None for a string not in the dictionary."""
    value = vocabulary.get(word)
    return None if value is None else (value - vocabulary[_TOTAL]) / 10


def segment(text: str, vocabulary: dict[str, int]) -> tuple[float, list[int]]:
    """Best unigram segmentation of a short text: its log-probability and each word's end."""
    size = len(text)
    best = [0.0] + [-1e9] * size
    back = [1] * (size + 1)
    total, lookup = vocabulary[_TOTAL], vocabulary.get     # word_logprob, inlined: the hot loop
    for j in range(1, size + 1):
        count = lookup(text[j - 1])
        best[j] = best[j - 1] + (UNKNOWN_WORD if count is None else (count - total) / 10)
        for length in range(2, min(MAX_WORD, j) + 1):
            count = lookup(text[j - length:j])
            if count is not None:
                value = best[j - length] + (count - total) / 10
                if value > best[j]:
                    best[j] = value
                    back[j] = length
    ends, j = [], size
    while j > 0:
        ends.append(j)
        j -= back[j]
    return best[size], ends[::-1]


def _word_length(ends: list[int], position: int) -> int:
    start = 0
    for end in ends:
        if position < end:
            return end - start
        start = end
    return 1


_NONE: frozenset[str] = frozenset()


class TypoDetector:
    """Finds likely typos in a line of text with a language model and a dictionary."""

    def __init__(self, model: lm.Model, table: dict[str, tuple[str, str]], vocabulary: dict[str, int]):
        self.model = model
        self.vocabulary = vocabulary
        known = model.logprob
        self.candidates = {c: frozenset(o for o in sound + shape if o in known) for c, (sound, shape) in table.items()}
        self.sounds = {c: frozenset(sound) for c, (sound, _) in table.items()}

    def suspects(self, line: str) -> list[Suspect]:
        """The best candidate past SUSPECT at each position, in order."""
        best: dict[int, tuple[float, Candidate]] = {}
        for candidate in self.candidates_in(line):
            if swaps_variant(line, candidate.offset, candidate.right):
                continue
            score = candidate.score
            held = best.get(candidate.offset)
            if held is None or score > held[0]:
                best[candidate.offset] = (score, candidate)
        return [Suspect(c.offset, c.wrong, c.right, score, score > CONFIDENT)
                for _, (score, c) in sorted(best.items()) if score > SUSPECT]

    def candidates_in(self, line: str) -> Iterator[Candidate]:
        """Every replacement worth weighing in `line` (LM gain above MIN_GAIN), with its evidence."""
        text = lm.BEGIN + lm.normalize(line) + lm.END
        size, score, known = len(text), self.model.score, self.model.logprob
        table, sounds = self.candidates, self.sounds
        # Each character's log-probability where it stands, worked out only when needed: a
        # character inside a known trigram is skipped before it is scored.
        base: list[float | None] = [0.0] + [None] * (size - 1) + [0.0]

        def standing(j: int) -> float:
            value = base[j]
            if value is None:
                value = base[j] = score(text, j)
            return value

        floor = self.model.unknown
        familiar: float | None = None
        after, before = self.model.after, self.model.before
        for i in range(1, size - 1):
            others = table.get(text[i])
            if not others or text[i - 1:i + 2] in known:
                continue
            plausibility = standing(i) + standing(i + 1)
            if plausibility > PLAUSIBLE:
                continue
            # Score only the few candidates that fit their neighbours as bigrams better than the
            # character standing there does.
            pair_l, pair_r = text[i - 1], text[i + 1]
            with_left = {o: known[pair_l + o] for o in others & after.get(pair_l, _NONE)}
            with_right = {o: known[o + pair_r] for o in others & before.get(pair_r, _NONE)}
            if not with_left and not with_right:
                continue
            fit = known.get(pair_l + text[i], floor) + known.get(text[i] + pair_r, floor) + BIGRAM_MARGIN
            fitting = []
            for other in with_left.keys() | with_right.keys():
                value = with_left.get(other, floor) + with_right.get(other, floor)
                if value > fit:
                    fitting.append((value, other))
            if not fitting:
                continue
            if len(fitting) > TOP:
                fitting = sorted(fitting)[-TOP:]
            start = i - 3 if i >= 3 else 0
            stop = i + 4 if i + 4 <= size else size
            window, at = text[start:stop], i - start
            original = sum([standing(j) for j in range(i, stop)])
            left, right = window[:at], window[at + 1:]
            segmented = None
            for _, other in fitting:
                changed = left + other + right
                gain = sum([score(changed, j) for j in range(at, len(changed))]) - original
                if gain <= MIN_GAIN:
                    continue
                if is_named(line, i - 1):
                    break
                if segmented is None:
                    segmented = self._segmented(text, i)
                if familiar is None:
                    familiar = sum([text[k - 1:k + 1] in known for k in range(1, size)]) / (size - 1)
                seg_gain, longer = self._words(segmented, other)
                yield Candidate(i - 1, line[i - 1], other, gain, seg_gain, longer, plausibility,
                                other in sounds.get(text[i], ()), familiar)

    def _segmented(self, text: str, i: int) -> tuple[str, int, float, list[int]]:
        """The text around position i, where i stands in it, and its segmentation as it is."""
        start = max(0, i - WINDOW)
        piece = text[start:i + WINDOW + 1]
        return (piece, i - start, *segment(piece, self.vocabulary))

    def _words(self, segmented: tuple[str, int, float, list[int]], other: str) -> tuple[float, bool]:
        """How much the segmentation improves with `other` in place, and whether the word grows."""
        piece, at, before, ends_before = segmented
        after, ends_after = segment(piece[:at] + other + piece[at + 1:], self.vocabulary)
        return after - before, _word_length(ends_after, at) > _word_length(ends_before, at)


@lru_cache(maxsize=2)
def detector(holdout: lm.Holdout | None = None) -> TypoDetector:
    """The shared detector (built once per process; the model itself is cached on disk)."""
    return TypoDetector(lm.load(holdout), confusion(), words())
