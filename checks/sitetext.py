"""The site's own text as evidence for text.typo (checks/typos.py).

A site writes its own places, people and terms of art again and again; the model knows none of
them. So a suspect is dropped when the site writes the characters around it in another line
(a local name), or when it is a character of the site's own place name or of a town it names
twice; and a 疑似 becomes a typo when the site writes the corrected four characters in two other
places (党祖成员 once, 党组成员 elsewhere).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from checks import propernames, typolm


# A 疑似 becomes a typo when the site itself writes the corrected four characters this often
# elsewhere (党祖书记 once, 党组书记 on other pages): the site's own text is the best evidence of
# what it means.
SITE_CONFIRMS = 2


NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两")


def _in_word(line: str, offset: int) -> bool:
    """True when a dictionary word of two or more characters covers line[offset]."""
    vocabulary = typolm.words()
    for start in range(max(0, offset - typolm.MAX_WORD + 1), offset + 1):
        for end in range(max(start + 2, offset + 1), min(len(line), start + typolm.MAX_WORD) + 1):
            if line[start:end] in vocabulary:
                return True
    return False


def site_writes_fix(line: str, suspect: typolm.Suspect, elsewhere: "SiteText | str") -> str | None:
    """The corrected four characters around the suspect, when the site writes them elsewhere.

    Not for numerals (一中全会 and 三中全会 are both right) nor where the character already
    stands in a dictionary word (企盼 is as good as 期盼).
    """
    if suspect.wrong in NUMERALS or suspect.right in NUMERALS or _in_word(line, suspect.offset):
        return None
    fixed = line[:suspect.offset] + suspect.right + line[suspect.offset + 1:]
    for start in range(max(0, suspect.offset - 3), suspect.offset + 1):
        piece = fixed[start:start + 4]
        if len(piece) == 4 and all(map(typolm.is_hanzi, piece)) and \
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
        found = self.counts.get(piece)
        if found is None:
            found = self.counts[piece] = self.text.count(piece)
        return found


def used_elsewhere(line: str, offset: int, elsewhere: "SiteText | str") -> bool:
    """True when the characters around `offset` stand in another line of the site too: the three
    around it, or at a quotation mark or comma the two on its side (“锦塘荔枝” where other pages
    write 锦塘镇)."""
    start = max(0, offset - 1)
    piece = line[start:start + 3]
    if len(piece) == 3 and not typolm.is_hanzi(piece[0]):
        piece = piece[1:]
    elif len(piece) == 3 and not typolm.is_hanzi(piece[2]):
        piece = piece[:2]
    if len(piece) < 2 or not all(map(typolm.is_hanzi, piece)):
        return False
    total = elsewhere.count(piece)
    return total > line.count(piece)


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
