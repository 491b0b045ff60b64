"""The site's own text as evidence for text.typo (checks/typos.py).

A site writes its own places, people and terms of art again and again; the model knows none of
them. So a suspect is dropped when the site writes the characters around it in another line
(a local name), or when it is a character of the site's own place name or of a town it names
twice; a 疑似 becomes a typo when the site writes the corrected four characters in two other
places (党祖成员 once, 党组成员 elsewhere); and a pair the dictionary reads only as two loose
characters, written once, is a slip for the same-sounding word the site itself writes often
(梯甜 once on a site that writes 梯田 throughout): site_words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from checks import dictionary, lm, propernames, setphrases, typolm


# A 疑似 becomes a typo when the site itself writes the corrected four characters this often
# elsewhere (党祖书记 once, 党组书记 on other pages): the site's own text is the best evidence of
# what it means.
SITE_CONFIRMS = 2


def _in_word(line: str, offset: int) -> bool:
    """True when a dictionary word of two or more characters covers line[offset]."""
    vocabulary = dictionary.words()
    for start in range(max(0, offset - dictionary.MAX_WORD + 1), offset + 1):
        for end in range(max(start + 2, offset + 1), min(len(line), start + dictionary.MAX_WORD) + 1):
            if line[start:end] in vocabulary:
                return True
    return False


def site_writes_fix(line: str, suspect: typolm.Suspect, elsewhere: "SiteText | str") -> str | None:
    """The corrected four characters around the suspect, when the site writes them elsewhere.

    Not for numerals (一中全会 and 三中全会 are both right), nor for a slip into an administrative
    unit (全县香菇产业 is everywhere, so 鲜香菇产 is no 县香菇产), nor where the character already
    stands in a dictionary word (企盼 is as good as 期盼).
    """
    if suspect.wrong in typolm.NUMERALS or suspect.right in typolm.NUMERALS or suspect.right in UNITS \
            or _in_word(line, suspect.offset):
        return None
    fixed = line[:suspect.offset] + suspect.right + line[suspect.offset + 1:]
    for start in range(max(0, suspect.offset - 3), suspect.offset + 1):
        piece = fixed[start:start + 4]
        if len(piece) == 4 and all(map(dictionary.is_hanzi, piece)) and \
                elsewhere.count(piece) >= SITE_CONFIRMS:
            return piece
    return None


class SiteText:
    """A site's distinct lines joined, and how often a short piece stands in them (memoised);
    `place`: the place the site is named after, whose characters name its own streets and
    villages too (瓯屿县: 屿城街道)."""

    def __init__(self, text: str, place: str = ""):
        self.text = text
        self.place = place
        self.counts: dict[str, int] = {}
        self._pairs: Counter[str] | None = None
        self._towns: frozenset[str] | None = None

    @property
    def towns(self) -> frozenset[str]:
        """Two-character names the site writes as towns or subdistricts at least twice (桐江镇):
        its own places, which it may also write bare (桐江灌区, “锦塘荔枝”)."""
        if self._towns is None:
            seen = Counter(TOWN.findall(self.text))
            self._towns = frozenset(name for name, count in seen.items() if count >= 2)
        return self._towns

    def count(self, piece: str) -> int:
        """How often `piece` stands in the site's text (non-overlapping, as str.count)."""
        if len(piece) == 2 and piece[0] != piece[1]:
            if self._pairs is None:     # site_words asks about most pairs of every line: count them all at once
                self._pairs = Counter(map(str.__add__, self.text, self.text[1:]))
            return self._pairs.get(piece, 0)
        found = self.counts.get(piece)
        if found is None:
            found = self.counts[piece] = self.text.count(piece)
        return found


def used_elsewhere(line: str, offset: int, elsewhere: "SiteText | str") -> bool:
    """True when the characters around `offset` stand in another line of the site too: the three
    around it or the three ending in it (崔成哲 where it stands before 在), or at a quotation mark
    or comma the two on its side (“锦塘荔枝” where other pages write 锦塘镇).

    Not the three starting at it: after a slip for a common character they are often common
    themselves (综和改革: 和改革 stands in 发展和改革局). Only where nothing stands before it (鹭鸣湖 at
    a line's start), the three starting at it when the site writes them twice more elsewhere."""
    if offset == 0 or not dictionary.is_hanzi(line[offset - 1]):
        piece = line[offset:offset + 3]
        if len(piece) == 3 and all(map(dictionary.is_hanzi, piece)) \
                and elsewhere.count(piece) >= line.count(piece) + 2:
            return True
    for start in (offset - 1, offset - 2):
        if start < 0:
            continue
        piece = line[start:start + 3]
        if len(piece) == 3 and not dictionary.is_hanzi(piece[0]):
            piece, start = piece[1:], start + 1
        elif len(piece) == 3 and not dictionary.is_hanzi(piece[2]):
            piece = piece[:2]
        if len(piece) == 2 and any(c in CLAUSE_WORDS for k, c in enumerate(piece) if start + k != offset):
            continue        # ，要建全: 要建 stands on any page (要建立, 要建设), no name of the site's
        if len(piece) >= 2 and all(map(dictionary.is_hanzi, piece)) and elsewhere.count(piece) > line.count(piece):
            return True
    # The three starting at it only as a person the site names in another line (陆晓东说): a
    # surname the model reads as a slip for a commoner one (陆 -> 刘).
    name = line[offset:offset + 3]
    return len(name) == 3 and name[0] in propernames.SURNAMES and all(map(dictionary.is_hanzi, name)) \
        and (any(elsewhere.count(name + cue) > line.count(name + cue) for cue in NAMED_BY)
             or _titled(name, elsewhere.text if isinstance(elsewhere, SiteText) else elsewhere))


# What follows a person's name: 陆晓东说, 陆晓东介绍, 村民贺根生（身份证号…）.
NAMED_BY = ("说", "表示", "介绍", "告诉", "同志") + propernames.BIOGRAPHY_AFTER
# What an office holder's name follows: 县委书记沈卫东主持召开….
TITLED_BY = ("书记", "县长", "区长", "市长", "旗长", "镇长", "乡长", "局长", "主任", "部长", "主席", "委员",
             "校长", "院长", "站长", "所长", "队长", "经理", "理事长", "会长", "社长")


def _titled(name: str, text: str) -> bool:
    """True when `text` writes `name` right after an office's title somewhere (县委书记沈卫东)."""
    at = text.find(name)
    while at >= 0:
        if text.endswith(TITLED_BY, max(0, at - 3), at):
            return True
        at = text.find(name, at + 1)
    return False


# A character the site writes OWN_CHARACTER_USES times or more, and OWN_CHARACTER_SALIENCE times as
# often as the language model expects of text of its length, is a character of its own field (蟹 on
# a crab county's site, 荔 on a lychee county's, 垸 on a polder county's): the model questions it
# because it does not know the field, not because it is a slip. On the mock counties' own text this
# took seven false alarms away (稻田里养了蟹: 了解) and two planted typos (大黄渔, 蟹糖).
OWN_CHARACTER_USES = 5
OWN_CHARACTER_SALIENCE = 15.0
# ...or one the model barely knows, three times and thirty times as often (畦 on a ginseng county's
# site: 作畦, 高畦, and 畦间 is no 期间).
RARE_OWN_CHARACTER_USES = 3
RARE_OWN_CHARACTER_SALIENCE = 30.0


def own_character(char: str, elsewhere: "SiteText | str", model: lm.Model) -> bool:
    """True when the site writes `char` far more than text of its length would (see OWN_CHARACTER_SALIENCE)."""
    if not isinstance(elsewhere, SiteText):
        return False
    uses = elsewhere.count(char)
    if uses < RARE_OWN_CHARACTER_USES:
        return False
    expected = _expected(char, elsewhere, model)
    return uses >= RARE_OWN_CHARACTER_SALIENCE * expected \
        or (uses >= OWN_CHARACTER_USES and uses >= OWN_CHARACTER_SALIENCE * expected)


def _expected(piece: str, elsewhere: SiteText, model: lm.Model) -> float:
    """How often text as long as the site's would hold `piece`, by the language model."""
    return len(elsewhere.text) * math.exp(sum(model.score(piece, j) for j in range(len(piece))))


# The suffixes of places named after the county (屿城街道, 屿头村), and of its islands, bays and rivers.
PLACE_SUFFIXES = propernames.PLACE_AFTER + ("市", "街", "岛", "湾", "港", "山", "江", "溪")


# The one-character names of provinces and cities that pair with another place (京津冀, 沪苏浙).
PROVINCE_SHORT = frozenset("京津冀沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔滇藏陕秦甘陇青宁新港澳台晋蒙辽吉黑")
TOWN = re.compile(r"([\u4e00-\u9fff]{2})(?:镇|街道)")


def site_town(line: str, offset: int, elsewhere: "SiteText | str") -> bool:
    """True when line[offset] is a character of a town the site names (SiteText.towns)."""
    towns = getattr(elsewhere, "towns", ())
    return bool(towns) and (line[offset:offset + 2] in towns or line[max(0, offset - 1):offset + 1] in towns)


def own_place(line: str, offset: int, elsewhere: "SiteText | str") -> bool:
    """True when line[offset] is a character of the site's own place name, written in that name,
    in a place named after it (屿城街道 on 瓯屿县's site) or beside another place's one-character
    name (京滹)."""
    place = getattr(elsewhere, "place", "")
    if not place or line[offset] not in place:
        return False
    if place in line[max(0, offset - len(place) + 1):offset + len(place)]:
        return True
    if line[offset - 1:offset] in PROVINCE_SHORT or line[offset + 1:offset + 2] in PROVINCE_SHORT:
        return True     # 京滹科技成果转化基地 on 滹阳县's site: two places by one character each
    return line.startswith(PLACE_SUFFIXES, offset + 1) or line.startswith(PLACE_SUFFIXES, offset + 2)


def site_name_at(line: str, offset: int, elsewhere: "SiteText | str") -> bool:
    """True when the site's own writing shows line[offset] to stand in a name of its own: written
    so in another line (used_elsewhere), its place's name (own_place) or a town it names (site_town)."""
    return used_elsewhere(line, offset, elsewhere) or own_place(line, offset, elsewhere) \
        or site_town(line, offset, elsewhere)


@lru_cache(maxsize=2)
def of_site(facts) -> SiteText:
    """The SiteText of a site's facts (checks/textscan.py), built once per site."""
    from checks.textscan import site_text
    return SiteText(site_text(facts), place_name(getattr(facts.site, "name", "") or ""))


PLACE_LEVEL = re.compile(r"^(.{2,8}?)(?:自治县|自治旗|县|市|区|旗|镇|乡)")


def place_name(site_name: str) -> str:
    """The place a site is named after (瓯屿县人民政府 -> 瓯屿), '' for none."""
    found = PLACE_LEVEL.match(site_name)
    return found.group(1) if found else ""


# A pair read as two loose characters, written once, is a slip for a same-sounding pair (site_words)
# when the site writes the pair meant, with a neighbour of this line beside it, at least
# SITE_CONFIRMS times (新修梯甜 once, 新修梯田 twice elsewhere), writes the pair meant
# SITE_WORD_SALIENCE times as often as the language model expects of text of its length (a word
# of its own field, 梯田 on a terraced county, not 一条 nor a piece such as 后的), and the model
# prefers it by SITE_WORD_GAIN nats. The pair meant need be no dictionary word: 嘎查, 光伏 and
# 林蛙 are a site's own words the dictionary lacks. Its character may be any of the slip's reading
# (_sounding): on the mock counties' own text that found 19 more typos (迷猴桃, 东方白灌, 钟汝石)
# and no false alarm more; every reading of a character (pypinyin's heteronyms) found 29 for 4.
# The model need prefer the pair meant only a little, the site's writing being the evidence: at
# 1 nat rather than 3, 13 more typos on the mock counties (刮清 for 刮青, which the model barely
# knows) and no false alarm more; on every county's clean text pooled into one site of 4.8
# million characters, no site word at either setting.
SITE_WORD_SALIENCE = 4.0
SITE_WORD_GAIN = 1.0
# ...or, without the neighbour, when the pair meant is a common dictionary word (SITE_WORD_COMMON,
# as words() keeps counts: 10 × ln, about 55 uses), the dictionary segments the line better with
# it and the model prefers it by SITE_WORD_STRONG nats (收够 for 收购); its salience is then
# weighed by the dictionary's frequency, over words of CHARACTERS_PER_WORD. At 5 nats this found
# 19 more typos on the mock counties' own text but, with every county's text pooled into one site
# of 1.2 million characters, six more false alarms (口水 in 扣水扣杂, 食堂 in “梅石堂”); at 7, none.
SITE_WORD_COMMON = 40
SITE_WORD_STRONG = 7.0
CHARACTERS_PER_WORD = 1.6
# Grammatical characters: 向村 is 'to the villages', not 乡村; 年的 is no 年底; 现由 is 'now by', not 现有;
# 考调共拟调入 is 'in all', not 调公.
GRAMMAR = frozenset("的了在是和与及等为对也都就而这那有个不一上中下大小人我们你他她它之其或以于把被将从向到"
                    "已即至再得地着过同且并才又还由共")
# ...and what begins or ends a clause besides: two characters at a comma of which one is these are
# no name (，要建全 on a site that writes 要建设).
CLAUSE_WORDS = GRAMMAR | frozenset("要应须需可能会请让使")
# Administrative units, which a site writes as often as any word: 旗内 on a banner's site is no 期内.
UNITS = frozenset("省市县区旗盟州乡镇村")


@dataclass(frozen=True, slots=True)
class SiteWord:
    """A pair written once that the site writes elsewhere as meant: where, as written, as meant,
    and how often the site writes the pair meant."""

    offset: int
    written: str
    meant: str
    uses: int


def site_words(line: str, elsewhere: SiteText, model: lm.Model) -> list[SiteWord]:
    """Pairs of `line` the dictionary reads as two loose characters that are slips for a
    same-sounding pair the site writes as its own (see SITE_WORD_SALIENCE): 梯甜 for 梯田."""
    vocabulary = dictionary.words()
    found: list[SiteWord] = []
    ends = dictionary.segment(line, vocabulary)[1]
    loose = {end - 1 for start, end in zip([0] + ends, ends) if end - start == 1}
    text = lm.BEGIN + lm.normalize(line) + lm.END
    for i in range(len(line) - 1):
        written = line[i:i + 2]
        if i not in loose or i + 1 not in loose or written in vocabulary or \
                not (dictionary.is_hanzi(written[0]) and dictionary.is_hanzi(written[1])) or GRAMMAR.intersection(written):
            continue
        for k in (0, 1):
            meant = _meant(line, i, k, elsewhere, model, text)
            if meant and not _guarded(line, i, i + k, meant[k], vocabulary):
                found.append(SiteWord(i, written, meant, elsewhere.count(meant)))
                break
    return found


def _meant(line: str, i: int, k: int, elsewhere: SiteText, model: lm.Model, text: str) -> str | None:
    """The same-sounding pair meant for line[i:i + 2] with its character k replaced, if the site's
    own writing shows it (see SITE_WORD_SALIENCE). `text`: the line as the model reads it."""
    written, char = line[i:i + 2], line[i + k]
    if char in UNITS or elsewhere.count(written) > line.count(written):
        return None
    for other in _sounding(char):
        meant = written[:k] + other + written[k + 1:]
        # Nor a slip into an administrative unit: 全县冬枣 writes 县冬 often, so 鲜冬枣 is no 县冬枣.
        if GRAMMAR.intersection(meant) or other in UNITS or (char in typolm.CONNECTIVES and other in typolm.CONNECTIVES):
            continue
        uses = elsewhere.count(meant)
        if uses < SITE_CONFIRMS:
            continue
        gain = model.gain(text, i + 1, written, meant)
        if gain <= SITE_WORD_GAIN:
            continue
        fixed = line[:i] + meant + line[i + 2:]
        beside = [fixed[a:a + 3] for a in (i - 1, i) if a >= 0 and a + 3 <= len(fixed)]
        if uses >= SITE_WORD_SALIENCE * _expected(meant, elsewhere, model) and any(
                elsewhere.count(piece) >= SITE_CONFIRMS for piece in beside if all(map(dictionary.is_hanzi, piece))):
            return meant
        # A common word needs no neighbour: the model and the dictionary both want it strongly.
        expected = len(elsewhere.text) / CHARACTERS_PER_WORD * dictionary.word_probability(meant)
        if dictionary.words().get(meant, 0) >= SITE_WORD_COMMON and gain > SITE_WORD_STRONG \
                and uses >= SITE_WORD_SALIENCE * expected and dictionary.segmentation_gain(line, i, i + 2, meant) > 0:
            return meant
    return None


@lru_cache(maxsize=None)
def _sounding(char: str) -> str:
    """The characters read like `char`: the detector's same-pinyin ones and, for a site's own words,
    every character of its reading however rare (朱鹮, 大鲵, 猕猴桃 slipped into 朱环, 大倪, 迷猴桃)."""
    return "".join(sorted(set(typolm.confusion().get(char, ("", ""))[0]) | set(typolm.homophones().get(char, ""))))


def _guarded(line: str, start: int, offset: int, other: str, vocabulary: dict[str, int]) -> bool:
    """True when the pair at `start` stands where the detector would not question line[offset]
    either: in a name, a pattern-built or paired phrase, a list whose items share the character beside
    it (参须、参叶、参花), a set term, or one correct form of a word written two ways."""
    return propernames.is_named(line, start, vocabulary) or propernames.is_named(line, start + 1, vocabulary) \
        or setphrases.in_set_phrase(line, offset) or setphrases.in_paired_phrase(line, offset, vocabulary) \
        or setphrases.in_parallel_list(line, offset, other, vocabulary) \
        or dictionary.in_term(line, offset) or typolm.swaps_variant(line, offset, other)
