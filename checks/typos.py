"""text.typo and text.typo_suspect: known wrong -> right pairs, then the statistical detector.

1. Pairs (checks/data/typo_pairs.tsv) from open spelling-check data, and our own curated list
   of classic misspellings (checks/data/common_typos.tsv), matched as whole strings with
   Aho-Corasick. A pair whose wrong form stands anywhere in the language model's clean
   text, or is a dictionary word, is dropped, so a hit is a confident one.
2. The language-model detector (checks/typolm.py) for the rest: a confident suspect is a
   `text.typo`; a weaker one is a `text.typo_suspect` (疑似错别字), which counts only once
   staff confirm it in review. On a site, the site's own text decides where it can: a suspect
   is dropped when the site writes the same three characters in another of its lines (a local
   name or term the model never saw), and a 疑似 becomes a typo when the site writes the
   corrected four characters in two other places (党祖成员 once, 党组成员 elsewhere); and a pair
   written once is a slip for a same-sounding word the site writes often (梯甜, 梯田): checks/sitetext.py.
3. Two neighbouring characters the wrong way round (度制 for 制度), checks/swaps.py.

The same typo on many pages of a site counts once.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
from dataclasses import replace
from functools import lru_cache
from typing import Final

from checks import dictionary, idioms, lm, propernames, realwords, severe, swaps, typolm
from checks.attachments import SENTENCE_END
from checks.sitetext import SiteText, of_site, own_character, own_place, site_name_at, site_words, site_writes_fix
from checks.phrases import PhraseFinder, share
from checks.severe import scan_severe
from checks.textscan import Hit, without_overlaps

CHECK: Final = "text.typo"
SUSPECT_CHECK: Final = "text.typo_suspect"
DATA: Final = lm.PACKAGE / "data" / "typo_pairs.tsv"
COMMON: Final = lm.PACKAGE / "data" / "common_typos.tsv"     # our own curated list
CURATED: Final = "常见错别字"      # the source a pair of that list is shown with
# A known misspelling that the segmentation reads as a unit but that a rarer dictionary word
# crosses (报明时间 holds 明时) is kept unless the language model finds the written form likelier
# by more than this (nats): 一坐就坐到了 scores -17 for 就座, 网上报明时间 +0.3 for 报名.
PAIR_GAIN: Final = -1.0
# A known misspelling the segmentation reads across (安全生厂 inside 煤矿安全) is kept only when the
# dictionary segments the fix and the model prefers it, each by more than this (nats).
ACROSS_GAIN: Final = 3.0
# Benchmarks only: XUNJIAN_HOLDOUT=county_sites:1 inspects a mock county with the model built
# without its fold of the county text (bench/mocksite.py); check-text takes --holdout.
_holdout: lm.Holdout | None = lm.Holdout.parse(os.environ.get("XUNJIAN_HOLDOUT"))


def use_holdout(holdout: lm.Holdout | None) -> None:
    """Benchmarks only: leave one fold of a clean corpus out of the model and the pair filter."""
    global _holdout
    _holdout = holdout


def preload() -> None:
    """Load the model, dictionary, names and pairs now rather than on the first line that needs them."""
    typolm.detector(_holdout)
    _share_scans(_holdout)
    propernames.is_named("中", 0, dictionary.words())      # builds the name tables
    propernames.given_name_characters()
    typolm.variant_words()
    dictionary.word_endings()
    dictionary.terms()
    severe.preload()
    # Millions of table objects, loaded once and kept: the collector's full passes walked them all
    # (75 ms each, every few thousand lines of a long run) and could only ever find them alive.
    gc.collect()
    gc.freeze()


@lru_cache(maxsize=2)
def _share_scans(holdout: lm.Holdout | None) -> None:
    # A dozen phrase sets are looked for in every line: one automaton finds them all in one pass.
    share([*severe.finders(), automaton(holdout), propernames.names(), realwords.pairs(), swaps.swappable(),
           *idioms.finders()])


@lru_cache(maxsize=2)
def automaton(holdout: lm.Holdout | None = None) -> PhraseFinder[tuple[str, str, str]]:
    pairs = {}
    gathered, curated = DATA.read_bytes(), COMMON.read_bytes()
    for line in gathered.decode("utf-8").splitlines():
        if not line.startswith("#"):
            wrong, right, source = line.split("\t")
            pairs[wrong] = (wrong, right, source)
    for line in curated.decode("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            wrong, right = line.split("\t")[:2]
            pairs[wrong] = (wrong, right, CURATED)
    # Correct text that writes a wrong form says it is no typo. Our own list's forms only where that
    # text writes them as a word of their own: across words (按 | 装机容量 holds 按装) a form is
    # judged where it stands (read_across in _pair_hits_cached). The gathered pairs come from
    # sentences, some of them plain phrases (有处 -> 有趣), and go on any use.
    used = lm.used_in_training_text(list(pairs), gathered + curated, holdout)
    ours = [wrong for wrong in used if pairs[wrong][2] == CURATED]
    as_words = lm.training_text_counts(ours, gathered + curated, holdout, counted=_as_a_word)
    for wrong in used:
        if pairs[wrong][2] != CURATED or wrong in as_words:
            del pairs[wrong]
    return PhraseFinder(pairs)


def _as_a_word(line: str, start: int, end: int) -> bool:
    """True when line[start:end] is not read across words where it stands."""
    return not dictionary.read_across(line, start, end)


def _pair_hits(text: str) -> list[Hit]:
    return list(_pair_hits_cached(text, _holdout))


@lru_cache(maxsize=8192)
def _pair_hits_cached(text: str, holdout: lm.Holdout | None) -> tuple[Hit, ...]:
    # A site repeats its lines on many pages: match each distinct line once.
    hits = []
    named: set[int] | None = None
    model_text = ""

    def model_gain(start: int, wrong: str, right: str) -> float:
        nonlocal model_text
        if not model_text:          # normalised once per line, and only for a pair the model must weigh
            model_text = lm.BEGIN + lm.normalize(text) + lm.END
        return typolm.detector(holdout).model.gain(model_text, start + 1, wrong, right)

    for start, wrong, (_, right, source) in automaton(holdout).find(text):
        stop = start + len(wrong)
        if dictionary.read_across(text, start, stop):
            # 责任感在 holds no 感在; but 煤矿安全生厂 is 安全生产 misspelt inside a longer word, and
            # 有的放失地 reads 失地: kept when the fix reads better as words and the model wants it
            # strongly (自即日起 reads 即日 and stays).
            if len(wrong) != len(right) or dictionary.segmentation_gain(text, start, stop, right) <= ACROSS_GAIN \
                    or model_gain(start, wrong, right) <= ACROSS_GAIN:
                continue
        elif dictionary.straddles_word(text, start, stop):
            # A rarer word across an edge (一坐就坐到了 holds 坐到, 全部拔付到位 holds 付到): the
            # language model decides whether the fix reads better where it stands.
            if len(wrong) != len(right) or model_gain(start, wrong, right) <= PAIR_GAIN:
                continue
        if named is None:
            named = propernames.person_positions(text, dictionary.words())
        covered = named.intersection(range(start, stop))
        # ...but no name holds a slip of a character names next to never hold (和拧条等: 柠条).
        if covered and len(wrong) == len(right) and any(
                wrong[k] != right[k] and not propernames.reads_as_person(text, start + k, dictionary.words(), right[k])
                for k in range(len(wrong))):
            covered = set()
        if covered and (len(wrong) < 4 or len(covered) == len(wrong)) and not _fix_makes_word(text, start, stop, right):
            continue        # 林雨萱 is a person, not 淋雨; 群众齐心携力 is no 齐心携 running on
        hits.append(Hit(start, wrong, right, f"错别字：“{wrong}”应为“{right}”", CHECK, len(wrong)))
    return tuple(hits)


# A name read where the fix makes a common word of three characters or more is no name (镇长侯选人:
# 候选人, not a Mr 侯选): about 150 uses in the dictionary's count.
NAME_OVERRULED: Final = 50


def _fix_makes_word(text: str, start: int, stop: int, right: str) -> bool:
    """True when `right` in place of text[start:stop] makes a common dictionary word of three
    characters or more over it."""
    fixed, vocabulary = text[:start] + right + text[stop:], dictionary.words()
    for a in range(max(0, start - dictionary.MAX_WORD + 1), start + 1):
        for b in range(max(stop, a + 3), min(len(fixed), a + dictionary.MAX_WORD) + 1):
            if vocabulary.get(fixed[a:b], 0) >= NAME_OVERRULED:
                return True
    return False


@lru_cache(maxsize=8192)
def _suspects(text: str, holdout: lm.Holdout | None) -> tuple[typolm.Suspect, ...]:
    # Typos and 疑似 come from one pass, and a site repeats its lines on many pages. The detector
    # weighs a sentence, as it was fitted on sentences: a paragraph of several is read one sentence
    # at a time, so that how familiar the rest of the paragraph is does not decide a slip in one.
    detector = typolm.detector(holdout)
    found: list[typolm.Suspect] = []
    start = 0
    for sentence in SENTENCE_END.split(text):
        if sentence:
            found += [replace(suspect, offset=suspect.offset + start) for suspect in detector.suspects(sentence)]
        start += len(sentence)
    return tuple(found)


def _model_hits(text: str, confident: bool, elsewhere: "SiteText | str | None" = None) -> list[Hit]:
    hits = []
    for suspect in _suspects(text, _holdout):
        confirmed = None
        # A character inside a long listed term as written (病媒生物防制) is the term's, whatever the
        # model prefers. Not inside a short one: 实验区 and 水务局 are terms, yet ecspell_odw's
        # 自贸实验区 and 地方水务局负责征收 are slips for 试验区 and 税务局.
        if _repeated(text, suspect.offset) or _unit_after_number(text, suspect.offset) \
                or dictionary.in_term(text, suspect.offset, LONG_TERM):
            continue
        if elsewhere is not None:
            if site_name_at(text, suspect.offset, elsewhere) \
                    or own_character(suspect.wrong, elsewhere, typolm.detector(_holdout).model):
                continue
            if not suspect.confident:
                confirmed = site_writes_fix(text, suspect, elsewhere)
        if (suspect.confident or confirmed is not None) != confident:
            continue
        if confirmed and elsewhere is not None:
            detail = (f"错别字：“{suspect.wrong}”应为“{suspect.right}”（本站其他页面 {elsewhere.count(confirmed)} 处"
                      f"写作“{confirmed}”，把握度 {suspect.confidence:.0%}）")
            hits.append(Hit(suspect.offset, suspect.wrong, suspect.right, detail, CHECK, 1))
        elif confident:
            detail = f"错别字：“{suspect.wrong}”应为“{suspect.right}”（统计模型判断，把握度 {suspect.confidence:.0%}）"
            hits.append(Hit(suspect.offset, suspect.wrong, suspect.right, detail, CHECK, 1))
        else:
            detail = f"疑似错别字：“{suspect.wrong}”或应为“{suspect.right}”（把握度 {suspect.confidence:.0%}，请人工核实）"
            hits.append(Hit(suspect.offset, suspect.wrong, suspect.right, detail, SUSPECT_CHECK, 1))
    return hits


def _repeated(line: str, offset: int) -> bool:
    """True when the line itself writes three 汉字 holding `offset` twice (关于槐安路…，槐安路（…）),
    or two, neither of them a common function character (低产栗园改造 … 改造后的栗园): a slip is not
    made the same way twice in one paragraph.
    (30学时 after a number: _unit_after_number.)"""
    for start in range(max(0, offset - 2), offset + 1):
        piece = line[start:start + 3]
        if len(piece) == 3 and all(map(dictionary.is_hanzi, piece)) and line.count(piece) > 1:
            return True
    for start in (offset - 1, offset):
        piece = line[max(0, start):start + 2]
        if len(piece) == 2 and start >= 0 and all(map(dictionary.is_hanzi, piece)) \
                and not FUNCTION_CHARACTERS.intersection(piece) and line.count(piece) > 1:
            return True
    return False


LONG_TERM: Final = 5              # characters of a listed term that overrules the model (_model_hits)


# Characters so common that two of them written twice in a paragraph tell nothing (的, 在 …).
FUNCTION_CHARACTERS: Final = frozenset("的了在是和与及等为对也都就而这那有个不一上中下大小人我们你他她它之其或以于把被将从向到")


# Units counted after a number: terms of their trade, not slips for the commoner unit the model
# prefers (不少于30学时 is no 30小时).
UNITS: Final = frozenset({"学时", "课时", "工时", "机时", "台时", "台班", "学分", "人次", "户次", "车次", "架次", "班次",
                          "艘次", "批次", "航次", "标箱", "工日", "床日", "剂次", "针次", "例次"})
NUMERAL_BEFORE: Final = frozenset("0123456789０１２３４５６７８９〇一二三四五六七八九十百千万两")


# What a Chinese numeral counts: 十项民生实事 is ten items, not 事项.
CLASSIFIERS: Final = frozenset("项个条件类次批所座户名人位家篇场轮组支台辆套处")


# What a figure counts: 化解矛盾纠纷213宗 is no 213家, nor 8000万穗 any 岁, nor 1.2万孔 (cave
# dwellings) any 万元. One measure word for another is the writer's choice; the model only knows
# which is commoner.
MEASURE_WORDS: Final = frozenset("个项条件类次批所座户名人位家篇场轮组支台辆套处宗起例株棵亩头只尾匹吨斤元岁栋幢间张本册份"
                                 "枚颗粒穗束根片块层部架艘列趟笔箱袋盒瓶桶罐包担斗顷剂孔眼口盏")
# What may stand between a figure and what it counts: 8900余剂次, 300多株.
ROUGHLY: Final = frozenset("余多")


def _unit_after_number(line: str, offset: int) -> bool:
    """True when line[offset] stands in a unit written right after a number (30学时), is a measure
    word after a figure in digits (213宗, 8000万穗), or is a Chinese numeral before what it counts
    (十项). After 一 a measure word may be a slip (进一部 for 进一步): not this rule's."""
    for start in (offset - 1, offset):
        if start >= 1 and line[start:start + 2] in UNITS:
            before = start - 1 if line[start - 1] not in ROUGHLY else start - 2
            if before >= 0 and line[before] in NUMERAL_BEFORE:
                return True
    if line[offset] in MEASURE_WORDS and offset >= 1:
        figure_end = offset - 1 if line[offset - 1] not in ROUGHLY else offset - 2
        figure_end = figure_end if line[figure_end:figure_end + 1] not in ("万", "千", "百", "亿") else figure_end - 1
        if figure_end >= 0 and line[figure_end].isdigit():
            return True
    return line[offset] in NUMERAL_BEFORE and line[offset + 1:offset + 2] in CLASSIFIERS \
        and not line[offset].isdigit()


# A document number (芦卫计发〔2016〕8号): its issuing code is the issuer's abbreviation and no word,
# so the model would make words of it (芦卫: 芦苇).
DOCUMENT_NUMBER: Final = re.compile(r"([\u4e00-\u9fff]{1,10})[〔［\[【(（]\s*(?:19|20)\d{2}\s*[〕］\]】)）]\s*\d+\s*号")


# A variety or clone named by a breeder's code (热研7-33-97, 云研77-4 of rubber): the two characters
# before a short number joined by hyphens are the breeder's abbreviation, no word (云研 is no 云烟).
# Not a date's year (2024-05-01), nor a phone number's area code.
VARIETY_CODE: Final = re.compile(r"[\u4e00-\u9fff]{2}(?=\d{1,3}(?:-\d{1,3})+(?![\d-]))")


def _codes(text: str) -> list[tuple[int, int]]:
    """Spans of the issuing codes of the document numbers in `text`, and of the breeders' codes
    of varieties."""
    found = [match.span(1) for match in DOCUMENT_NUMBER.finditer(text)] if "号" in text else []
    return found + [match.span() for match in VARIETY_CODE.finditer(text)] if "-" in text else found


def _outside(hits: list[Hit], spans: list[tuple[int, int]]) -> list[Hit]:
    return [h for h in hits if not any(s < h.offset + h.length and h.offset < e for s, e in spans)]


def _severe_spans(text: str, date: dt.date | None) -> list[tuple[int, int]]:
    return [(h.offset, h.offset + h.length) for h in scan_severe(text, date)]


def scan_typos(text: str, date: dt.date | None = None, elsewhere: "SiteText | str | None" = None) -> list[Hit]:
    """Confident typos in `text`: known pairs first, then the model's; overlaps keep the longest.

    A wrong character inside a severe error (习进平) is text.typo_severe's to report, not this
    check's: one error, one finding. `elsewhere`: the rest of the site's text, whose own usage
    overrules the model.
    """
    found = _confident_hits(text, elsewhere)
    return _outside(found, _severe_spans(text, date) + _codes(text)) if found else found


def _confident_hits(text: str, elsewhere: "SiteText | str | None") -> list[Hit]:
    found = without_overlaps(_pair_hits_off_place(text, elsewhere) + _model_hits(text, True, elsewhere)
                             + _realword_hits(text, True) + _swap_hits(text, elsewhere) + _idiom_hits(text))
    # A slip for the site's own word is the last resort: where another rule names the character, its finding stands.
    return without_overlaps(found + _outside(_site_word_hits(text, elsewhere),
                                             [(h.offset, h.offset + h.length) for h in found]))


def _pair_hits_off_place(text: str, elsewhere: "SiteText | str | None") -> list[Hit]:
    """The listed pairs, less those whose slip is a character of the site's own place name written
    there in full (2022年钧滩县 on 钧滩县's site holds no 年钧 for 年均)."""
    return [hit for hit in _pair_hits(text)
            if elsewhere is None or hit.length != len(hit.suggestion or "")
            or not any(own_place(text, hit.offset + k, elsewhere)
                       for k in range(hit.length) if hit.evidence[k] != (hit.suggestion or "")[k])]


def _site_word_hits(text: str, elsewhere: "SiteText | str | None") -> list[Hit]:
    """Slips for a word the site writes often (checks/sitetext.py, site_words); only on a site."""
    if not isinstance(elsewhere, SiteText):
        return []
    hits = []
    model = typolm.detector(_holdout).model
    # Not cached as the model's suspects are: the key would hold every site's text in memory.
    for found in site_words(text, elsewhere, model):
        at = found.offset + (found.written[0] == found.meant[0])
        kept = 2 * found.offset + 1 - at        # the pair's other character, as written
        # 梨 on a pear county's site is its own word (村梨农: 梨农), not a slip for 村里. Nor is the
        # pair a slip where it runs into the site's place name (携汉湄毛尖: 汉湄 is the county, no 西汉).
        if _repeated(text, at) or _unit_after_number(text, at) or site_name_at(text, at, elsewhere) \
                or own_place(text, kept, elsewhere) or own_character(text[at], elsewhere, model):
            continue
        hits.append(Hit(found.offset, found.written, found.meant,
                        f"错别字：“{found.written}”应为“{found.meant}”（本站其他页面 {found.uses} 处写作“{found.meant}”）",
                        CHECK, 2))
    return hits


@lru_cache(maxsize=8192)
def _swaps(text: str, holdout: lm.Holdout | None) -> tuple[swaps.Swap, ...]:
    return tuple(swaps.swapped_pairs(text, typolm.detector(holdout).model))


def _swap_hits(text: str, elsewhere: "SiteText | str | None" = None) -> list[Hit]:
    """Two characters the wrong way round (度制 for 制度), unless the site writes them so in other
    lines too: a local name (西漾荡, a lake), not a slip."""
    return [Hit(found.offset, found.written, found.meant, f"错别字：“{found.written}”应为“{found.meant}”（两字颠倒）",
                CHECK, len(found.written)) for found in _swaps(text, _holdout)
            if elsewhere is None or elsewhere.count(found.written) <= text.count(found.written)]


@lru_cache(maxsize=8192)
def _idiom_slips(text: str, holdout: lm.Holdout | None) -> tuple[idioms.Slip, ...]:
    return tuple(idioms.misspelt_idioms(text, typolm.detector(holdout).model))


def _idiom_hits(text: str) -> list[Hit]:
    """A common idiom written with a character off (时不我带 for 时不我待)."""
    return [Hit(found.offset, found.written, found.meant, f"错别字：“{found.written}”应为“{found.meant}”（成语）",
                CHECK, len(found.written)) for found in _idiom_slips(text, _holdout)]


@lru_cache(maxsize=8192)
def _confusions(text: str, holdout: lm.Holdout | None) -> tuple[realwords.Confusion, ...]:
    return tuple(realwords.confusions(text, typolm.detector(holdout).model))


def _realword_hits(text: str, confident: bool) -> list[Hit]:
    """Real-word errors (截止3月底): confident ones as typos, the others as 疑似."""
    hits = []
    for found in _confusions(text, _holdout):
        if found.confident != confident:
            continue
        why = f"{found.note}；" if found.note else ""
        if confident:
            detail = f"错别字：“{found.written}”应为“{found.meant}”（{why}{'按用法' if found.by_rule else '统计模型判断'}）"
        else:
            detail = f"疑似错别字：“{found.written}”或应为“{found.meant}”（{why}请人工核实）"
        hits.append(Hit(found.offset, found.written, found.meant, detail,
                        CHECK if confident else SUSPECT_CHECK, len(found.written)))
    return hits


def scan_suspects(text: str, date: dt.date | None = None, elsewhere: "SiteText | str | None" = None) -> list[Hit]:
    """The model's weaker suspects (疑似错别字), where no confident typo stands."""
    return [h for h in scan_both(text, date, elsewhere) if h.check == SUSPECT_CHECK]


def scan_both(text: str, date: dt.date | None = None, elsewhere: "SiteText | str | None" = None) -> list[Hit]:
    """Typos and 疑似 in one pass over the model (text.typo and text.typo_suspect share it)."""
    typos_found = _confident_hits(text, elsewhere)
    suspects = without_overlaps(_model_hits(text, False, elsewhere) + _realword_hits(text, False))
    if not typos_found and not suspects:
        return []
    severe = _severe_spans(text, date) + _codes(text)      # scanned once for both tiers
    typos_found = _outside(typos_found, severe)
    taken = severe + [(h.offset, h.offset + h.length) for h in typos_found]
    return typos_found + _outside(suspects, taken)


def _findings(ctx) -> dict[str, list[dict]]:
    """Both checks' findings of the run, computed once and kept on the run context."""
    stash = ctx.__dict__.setdefault("_typo_findings", None)
    if stash is None:
        from checks.textscan import site_findings
        preload()
        stash = {CHECK: [], SUSPECT_CHECK: []}
        for found in site_findings(ctx, CHECK, scan_both, once_per_site=True, by_hit=True,
                                   per_site=lambda facts: lambda text, date: scan_both(text, date, of_site(facts))):
            stash[found["check"]].append(found)
        ctx._typo_findings = stash
    return stash


def typos(ctx):
    """text.typo: one finding per (site, wrong word), with the number of pages it stands on."""
    yield from _findings(ctx)[CHECK]


def typo_suspects(ctx):
    """text.typo_suspect: the same for the weaker suspects, kept for staff to confirm."""
    yield from _findings(ctx)[SUSPECT_CHECK]
