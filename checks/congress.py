"""text.typo_severe for the Party's congresses and plenary sessions, by their numbers: a congress that
cannot have met yet (党的二十二大), the latest one's numeral swapped in its 精神 (党的十二大精神), a
plenary session counted by congress (二十大三中全会), a congress by term (第二十届全国代表大会), and a
plenary session named for another's work (党的二十届二中全会关于进一步全面深化改革的部署: the third's).
Called by checks/severe.py's scan_severe.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

from checks.severe_reference import CHECK, reference
from checks.textscan import Hit, sentence_span


def congress_errors(text: str, date: dt.date | None = None) -> list[Hit]:
    """Every miscounted congress or plenary session in `text` (`date`: the page's, when known)."""
    hits: list[Hit] = []
    if "党的" in text:
        hits += _congress_numbers(text)
    if "中全会" in text:
        hits += _plenary_of_congress(text) + _plenary_of_other_work(text, date)
    if "届全国代表大会" in text or "次全国人民代表大会" in text:
        hits += _congress_by_term(text)
    return hits


COUNTING: Final = frozenset("〇一二三四五六七八九十")
CONGRESS: Final = re.compile(r"党的([一二三四五六七八九十]{1,4})(大|届[一二三四五六七八九]中全会)(精神)?")
DIGITS: Final = "零一二三四五六七八九"
NUMERALS: Final = {c: n for n, c in enumerate(DIGITS)}
LAST_CENTURY: Final = re.compile(r"19\d\d年")


def _numeral(text: str) -> int | None:
    """二十二 -> 22, 十九 -> 19, 二十 -> 20: the numerals congresses are counted in."""
    tens, _, units = text.rpartition("十")
    if "十" in tens or len(tens) > 1 or len(units) > 1:
        return None
    value = (NUMERALS[tens] if tens else 1) * 10 if "十" in text else 0
    return value + (NUMERALS[units] if units else 0)


def _congress_numbers(text: str) -> list[Hit]:
    """A Party congress miscounted: 党的二十二大 when the latest is the twentieth (the next one
    may be looked forward to), and the latest's numeral swapped in its 精神 (学习贯彻党的十二大精神)
    or beside its plenary sessions (党的十二大和二十届三中全会精神), unless the line speaks of the
    last century (1982年党的十二大精神)."""
    congress = reference()["congress"]
    latest = _chinese(congress["latest"])
    hits = []
    for match in CONGRESS.finditer(text):
        number = _numeral(match[1])
        if number is None:
            continue
        if number > congress["latest"] + 1 and match[2] == "大":
            right = f"党的{latest}大"
            bad = f"党的{match[1]}大"
            hits.append(Hit(match.start(), bad, right,
                            f"严重错别字（重要表述）：“{bad}”应为“{right}”（最近一次为{right}，{congress['source']}）",
                            CHECK, len(bad)))
        elif (match[1] != latest and match[1] == latest[::-1] and not LAST_CENTURY.search(text, *sentence_span(text, match.start()))
              and (match[3] or f"{latest}届" in re.split(r"[。；;]", text[match.end():], maxsplit=1)[0])):
            right = f"党的{latest}{match[2]}{match[3] or ''}"
            hits.append(Hit(match.start(), match[0], right,
                            f"严重错别字（重要表述）：“{match[0]}”应为“{right}”（“{latest}”两字颠倒）",
                            CHECK, len(match[0])))
    return hits


def _chinese(number: int) -> str:
    tens, units = divmod(number, 10)
    return (DIGITS[tens] if tens > 1 else "") + ("十" if tens else "") + (DIGITS[units] if units else "")


# A plenary session belongs to a Central Committee (届), not to a congress (大): 党的二十大三中全会.
PLENARY_OF_CONGRESS: Final = re.compile(r"([一二三四五六七八九十]{1,4})大([一二三四五六七八九]中全会)")


def _plenary_of_congress(text: str) -> list[Hit]:
    """A plenary session counted by congress (二十大三中全会) rather than by Central Committee (二十届)."""
    hits = []
    for match in PLENARY_OF_CONGRESS.finditer(text):
        if text[match.start() - 1:match.start()] in COUNTING:
            continue
        right = f"{match[1]}届{match[2]}"
        hits.append(Hit(match.start(), match[0], right,
                        f"严重错别字（重要表述）：“{match[0]}”应为“{right}”（中全会按中央委员会届次称“届”）",
                        CHECK, len(match[0])))
    return hits


# A congress is counted by 次, a Central Committee by 届: 中国共产党第二十届全国代表大会 mixes them.
# And the Party's congress is a 全国代表大会: 第二十次全国人民代表大会 puts in the name of the
# state's legislature, which is counted by 届 besides.
CONGRESS_BY_TERM: Final = re.compile(r"(?:中国共产党|党的|中国共产主义青年团|共青团)"
                                     r"(第([一二三四五六七八九十]{1,4})(?:届全国代表大会|次全国人民代表大会))")


def _congress_by_term(text: str) -> list[Hit]:
    """A Party or League congress counted by 届 (中国共产党第二十届全国代表大会) rather than by 次,
    or named as the legislature (中国共产党第二十次全国人民代表大会)."""
    hits = []
    for match in CONGRESS_BY_TERM.finditer(text):
        bad, right = match[1], f"第{match[2]}次全国代表大会"
        why = "党的代表大会称“全国代表大会”，“全国人民代表大会”是国家权力机关" if "人民" in bad \
            else "代表大会按“次”计，中央委员会按“届”计"
        hits.append(Hit(match.start(1), bad, right, f"严重错别字（重要表述）：“{bad}”应为“{right}”（{why}）",
                        CHECK, len(bad)))
    return hits


PLENARY: Final = re.compile(r"[一二三四五六七八九十]{1,4}届[一二三四五六七八九]中全会")


def _plenary_of_other_work(text: str, date: dt.date | None) -> list[Hit]:
    """A plenary session named in a sentence for the work only another one did (severe.toml
    [plenaries]: 二十届二中全会 beside 进一步全面深化改革, the third's decision), where that other
    session is not named there too and had met by the page's date."""
    plenaries = reference().get("plenaries", {})
    hits = []
    for match in PLENARY.finditer(text):
        start, end = sentence_span(text, match.start())
        sentence, named = text[start:end], match[0]
        if any(theme in sentence for theme in plenaries.get(named, {}).get("themes", ())):
            continue        # its own work is named there too
        for other, entry in plenaries.items():
            # 二十届三中全会 is named in the sentence also as 三中全会 (二十届二中全会、三中全会精神).
            if other == named or other.partition("届")[2] in sentence:
                continue
            if date is not None and date < dt.date.fromisoformat(entry["date"]):
                continue
            theme = next((theme for theme in entry["themes"] if theme in sentence), None)
            if theme is not None:
                hits.append(Hit(match.start(), named, other,
                                f"严重表述错误：“{named}”应为“{other}”（“{theme}”是{other}的部署，{entry['source']}）",
                                CHECK, len(named)))
                break
    return hits
