"""Build the vendored data of the text checks from ../shared/data (run from the project root).

    .venv/bin/python -m pip install -e ".[data]"   # pypinyin, for the fuzzy-pinyin variants
    .venv/bin/python bench/build_text_data.py

Writes checks/data/lm/ (the licensed text, word list and confusion sets the statistical typo
detector checks/typolm.py builds its model from), checks/data/severe_variants.tsv (misspellings of leaders' names, organ names and key
formulations, generated from same-pinyin / similar-shape confusion sets) and
checks/data/typo_pairs.tsv (known wrong -> right pairs), checks/data/idioms.tsv (four-character idioms
with their counts, for checks/idioms.py). Every generated string that occurs in
the clean corpora (xxqg_correct, rmrb1998_correct) or is a dictionary word is dropped, so that
neither list can fire on correct text.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import tomllib
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import glyph_shapes  # noqa: E402
from checks.phrases import PhraseFinder  # noqa: E402
from checks.leaders import LOCAL_TITLES  # noqa: E402
from checks.severe import JOINING  # noqa: E402
from checks.propernames import SURNAMES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
LEX = SHARED / "lexicon"
OUT = ROOT / "checks" / "data"
HAN = lambda c: "\u4e00" <= c <= "\u9fff"  # noqa: E731
WORD_MIN_FREQ = 3      # words.tsv keeps the dictionary's words seen at least this often


def confusion() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for name in ("same_pinyin.txt", "same_stroke.txt"):
        for line in (LEX / "pycorrector_1.1.4_data" / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            parts = line.split("\t")
            if name == "same_stroke.txt":
                for c in parts:
                    table.setdefault(c, set()).update(p for p in parts if p != c)
            else:
                table.setdefault(parts[0], set()).update("".join(parts[1:]))
    # Near-homophones too (民/名, 心/星: front and back nasals and the like are a common slip),
    # and glyph-rendered shapes: the severe variants are whole phrases, precise at any breadth.
    for name in ("shapeConfusion.json", "soundConfusion.json"):
        data = json.loads((LEX / "ecspell_confusion" / name).read_text(encoding="utf-8"))
        for c, others in data.items():
            table.setdefault(c, set()).update(others)
    if glyph_shapes.FONT.exists():
        for c, others in glyph_shapes.similar_shapes().items():
            table.setdefault(c, set()).update(others)
            for other in others:     # a shape confused one way is confused the other (自/白, 白/自)
                table.setdefault(other, set()).add(c)
    return {c: {o for o in others if HAN(o) and o != c} for c, others in table.items()}


def sounds() -> dict[str, set[str]]:
    """Each character's same-pinyin and near-homophone characters (no shapes)."""
    table: dict[str, set[str]] = {}
    for line in (LEX / "pycorrector_1.1.4_data" / "same_pinyin.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not line.startswith("#") and len(parts) > 1:
            table.setdefault(parts[0], set()).update("".join(parts[1:]))
    for c, others in json.loads((LEX / "ecspell_confusion" / "soundConfusion.json").read_text(encoding="utf-8")).items():
        table.setdefault(c, set()).update(others)
    return {c: {o for o in others if HAN(o) and o != c} for c, others in table.items()}


def word_homophones(phrase: str, sound: dict[str, set[str]], vocabulary: set[str]) -> set[str]:
    """`phrase` with a two-character word in it picked wrong from the input method's list: both
    characters replaced by sound-alikes that make another word (社会主义 -> 社会注意, 意识 -> 意思)."""
    found = set()
    for i in range(len(phrase) - 1):
        for a in sound.get(phrase[i], ()):
            for b in sound.get(phrase[i + 1], ()):
                if a + b in vocabulary:
                    found.add(phrase[:i] + a + b + phrase[i + 2:])
    return found


# The fuzzy-pinyin settings every Chinese input method offers, and the slips they let through:
# flat/retroflex initials (意识 -> 意思), n/l, and front/back nasal finals (民生 -> 民声 is exact).
FUZZY_SYLLABLE = [(re.compile(r"^([zcs])h"), r"\1"), (re.compile(r"^n"), "l"),
                  (re.compile(r"([aei])ng$"), r"\1n"), (re.compile(r"(ua|ia)ng$"), r"\1n")]


def fuzzy_key(syllables) -> tuple[str, ...]:
    """A word's pinyin with the fuzzy-input distinctions erased (shi, si -> si; ling, lin -> lin)."""
    key = []
    for syllable in syllables:
        for pattern, repl in FUZZY_SYLLABLE:
            syllable = pattern.sub(repl, syllable)
        key.append(syllable)
    return tuple(key)


def fuzzy_index(vocabulary: set[str]) -> dict[tuple[str, ...], set[str]]:
    """The two-character words of `vocabulary` by fuzzy pinyin. Needs pypinyin (`pip install -e '.[data]'`)."""
    from pypinyin import lazy_pinyin
    by_key: dict[tuple[str, ...], set[str]] = {}
    for word in vocabulary:
        if len(word) == 2 and all(HAN(c) for c in word):
            by_key.setdefault(fuzzy_key(lazy_pinyin(word)), set()).add(word)
    return by_key


def fuzzy_homophones(phrase: str, by_key: dict[tuple[str, ...], set[str]]) -> set[str]:
    """`phrase` with a two-character word in it replaced by another word that a fuzzy-pinyin input
    method offers for the same keys (四个意识 -> 四个意思)."""
    from pypinyin import lazy_pinyin
    syllables = lazy_pinyin(phrase)
    if len(syllables) != len(phrase):
        return set()
    found = set()
    for i in range(len(phrase) - 1):
        window = phrase[i:i + 2]
        for other in by_key.get(fuzzy_key(syllables[i:i + 2]), ()):
            if other != window:
                found.add(phrase[:i] + other + phrase[i + 2:])
    return found


def fuzzy_sounds(chars: list[str], sound: dict[str, set[str]], shape: dict[str, set[str]]) -> dict[str, set[str]]:
    """Each of `chars` -> the others whose usual reading differs from its own only by tone or by
    what fuzzy input erases (改照 for 改造, 居名 for 居民, 贯策 for 贯彻), and that `sound` and
    `shape` do not already offer. Only the usual reading: a rare one (省 xiǎn) would pair 乡 with 省.
    Needs pypinyin."""
    from pypinyin import lazy_pinyin
    key = {c: fuzzy_key(lazy_pinyin(c))[0] for c in chars}
    by_key: dict[str, set[str]] = {}
    for c, k in key.items():
        by_key.setdefault(k, set()).add(c)
    found = {c: by_key[key[c]] - {c} - sound.get(c, set()) - shape.get(c, set()) for c in chars}
    return {c: others for c, others in found.items() if others}


def readings(char: str) -> list[str]:
    """Every toneless pinyin reading of `char` (茜: qian and xi). Needs pypinyin."""
    from pypinyin import Style, pinyin
    return pinyin(char, style=Style.NORMAL, heteronym=True)[0]


LOOK_ALIKE_REVERSE = 0.85   # a one-way shape pair's reverse is added from here (3,500 common characters)
LOOK_ALIKE_HOMOPHONE = 0.75    # glyph similarity (bench/glyph_shapes.py) of a same-reading pair kept


def same_reading(chars: list[str]) -> list[tuple[str, str]]:
    """Every ordered pair of `chars` sharing a reading, tone included. Needs pypinyin."""
    return sorted({(a, b) for group in by_reading(chars, every_reading=True).values()
                   for a in group for b in group if a != b})


def by_reading(chars: list[str], every_reading: bool = False) -> dict[str, list[str]]:
    """`chars` under their usual reading, tone included (鹮 and 环 are both huan2), or with
    `every_reading` under each reading pypinyin knows. Needs pypinyin."""
    from pypinyin import Style, pinyin
    groups: dict[str, list[str]] = {}
    for char in chars:
        for reading in pinyin(char, style=Style.TONE3, heteronym=every_reading)[0]:
            groups.setdefault(reading, []).append(char)
    return groups


@lru_cache(maxsize=1)
def gbk_by_sound() -> dict[str, frozenset[str]]:
    """The GBK characters by toneless pinyin, under each of their readings."""
    by_sound: dict[str, set[str]] = {}
    for code in range(0x4E00, 0x9FA6):
        char = chr(code)
        try:
            char.encode("gbk")
        except UnicodeEncodeError:
            continue
        for sound in readings(char):
            by_sound.setdefault(sound, set()).add(char)
    return {sound: frozenset(chars) for sound, chars in by_sound.items()}


def name_homophones(name: str) -> set[str]:
    """`name` with one character replaced by any character that has a reading of the same toneless
    pinyin among the GBK ones, however rare (李镪 for 李强, 李茜 for 李希): the confusion sets hold only
    the common homophones, and an input method offers the rare ones too."""
    from pypinyin import lazy_pinyin
    found = set()
    for i, char in enumerate(name):      # the name's character as the name reads it, any reading of the slip
        for other in gbk_by_sound().get(lazy_pinyin(char)[0], ()):
            if other != char:
                found.add(name[:i] + other + name[i + 1:])
    return found


def clean_text() -> str:
    lines = []
    for name in ("xxqg_correct.jsonl", "rmrb1998_correct.jsonl", "ecspell_odw_train.jsonl"):
        for line in (SHARED / "csc-eval" / name).read_text(encoding="utf-8").splitlines():
            lines.append(json.loads(line)["target"])
    return "\n".join(lines)


def words() -> set[str]:
    found = set()
    for line in (LEX / "pycorrector_1.1.4_data" / "word_freq.txt").read_text(encoding="utf-8").splitlines():
        found.add(line.split(" ")[0])
    return found


def firing(candidates: dict[str, str], text: str) -> set[str]:
    """The candidate strings that occur in `text`."""
    return {wrong for _, wrong, _ in PhraseFinder.of(candidates).find(text)}


def variants(phrase: str, table: dict[str, set[str]], edits: bool, words: bool = False,
             swaps: bool = False) -> set[str]:
    """Misspellings of `phrase`: one character replaced by a same-sound or similar-shape one; with
    `edits`, one inner character dropped or two neighbours swapped (in four characters, only swapped,
    and an inner one dropped from a formulation); with `words` (long formulations), two to four characters dropped
    (习近平新时代特色社会主义思想), two only from seven (全过程民主); with `words` or `swaps` (names of eight characters or more),
    two neighbouring pieces of two to four characters swapped (中华民族复兴伟大, 国家监委中央纪委)."""
    found = set()
    size = len(phrase)
    for i, c in enumerate(phrase):
        for other in table.get(c, ()):
            found.add(phrase[:i] + other + phrase[i + 1:])
    if edits and size >= 5:
        for i in range(1, size - 1):
            found.add(phrase[:i] + phrase[i + 1:])
        for i in range(size - 1):
            if phrase[i] != phrase[i + 1]:
                found.add(phrase[:i] + phrase[i + 1] + phrase[i] + phrase[i + 2:])
    if edits and size >= 6:
        # One character moved two places (全国人民大代表会): three neighbours rotated; not a joining
        # 和/的, which moved reads as a conjunction (你省和住房城乡建设部).
        for i in range(size - 2):
            piece = phrase[i:i + 3]
            if piece[0] not in JOINING:
                found.add(phrase[:i] + piece[1:] + piece[0] + phrase[i + 3:])
            if piece[2] not in JOINING:
                found.add(phrase[:i] + piece[2] + piece[:2] + phrase[i + 3:])
    if edits and size == 4:
        # Four-character formulations: two neighbours swapped anywhere (个两维护, 同共富裕), its
        # halves swapped (中央中共), or an inner character dropped (两确立, 一国制); where the three
        # left read on as other words (两个护士, 乡村兴旺), checks/severe.py lets them be.
        for i in range(size - 1):
            if phrase[i] != phrase[i + 1]:
                found.add(phrase[:i] + phrase[i + 1] + phrase[i] + phrase[i + 2:])
        for i in (1, 2) if words else ():
            found.add(phrase[:i] + phrase[i + 1:])
        found.add(phrase[2:] + phrase[:2])     # its halves the wrong way round (中央中共)
    if words and size >= 7:
        for length in ((2, 3, 4) if size >= 8 else (2,)):
            for i in range(1, size - length):
                found.add(phrase[:i] + phrase[i + length:])
    if (words or swaps) and size >= 6:
        for i in range(size - 3):
            for first in (2, 3, 4):
                for second in (2, 3, 4):
                    middle, rest = phrase[i:i + first], phrase[i + first:i + first + second]
                    if len(rest) == second and middle != rest:
                        found.add(phrase[:i] + rest + middle + phrase[i + first + second:])
    if edits and size >= 4:
        # A character of the phrase typed again where its neighbour should stand (中国式现代代,
        # 中共中共办公厅): the eye slips back one or two places.
        for i in range(size):
            for j in range(max(0, i - 2), min(size, i + 3)):
                if phrase[j] != phrase[i]:
                    found.add(phrase[:i] + phrase[j] + phrase[i + 1:])
    if edits:
        # 中央 and 中共 written for each other (以习近平同志为核心的党中共, 中央中央办公厅).
        for i in range(size - 1):
            pair = phrase[i:i + 2]
            if pair in ("中央", "中共"):
                found.add(phrase[:i] + ("中共" if pair == "中央" else "中央") + phrase[i + 2:])
    if edits and phrase[:2] in ("中国", "中华") and size >= 6:
        # 中国 and 中华 run into each other (中华人民政治协商会议, 中国人民共和国).
        found.add(("中华" if phrase[:2] == "中国" else "中国") + phrase[2:])
    found.discard(phrase)
    return found


WELL_FORMED_NUMBER = re.compile(r"(?<![〇一二三四五六七八九十])([二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])(?![〇一二三四五六七八九十])")


def renumbered(wrong: str, right: str) -> bool:
    """True when `wrong` writes another well-formed number where `right` has one (党的十二大,
    十二届三中全会: those congresses and sessions met). 一带二路 and 党的二四大 stay misspellings."""
    def numbers(text):
        return [(m.start(), m.end()) for m in WELL_FORMED_NUMBER.finditer(text)]
    def skeleton(text):
        return WELL_FORMED_NUMBER.sub("#", text)
    if len(wrong) != len(right) or numbers(wrong) != numbers(right) or skeleton(wrong) != skeleton(right):
        return False
    changed = [i for i, (a, b) in enumerate(zip(wrong, right)) if a != b]
    return all(any(a <= i < b and b - a > 1 for a, b in numbers(right)) for i in changed)


def severe(table, clean: str, vocabulary: set[str]) -> dict[str, tuple[str, str]]:
    data = tomllib.loads((OUT / "severe.toml").read_text(encoding="utf-8"))
    sound, by_key = sounds(), fuzzy_index(vocabulary)
    correct = set(data["names"]["items"]) | set(data["formulations"]["items"])
    in_use = set(data["formulations"].get("in_use", []))
    out: dict[str, tuple[str, str]] = {}
    sources: dict[str, set[str]] = {}
    for phrase in data["names"]["items"] + data["formulations"]["items"]:
        kind = "机构名称" if phrase in data["names"]["items"] else "重要表述"
        if len(phrase) < 4:
            continue
        for wrong in variants(phrase, table, edits=True,
                              words=kind == "重要表述",
                              swaps=len(phrase) >= 8):
            out.setdefault(wrong, (phrase, kind))
            sources.setdefault(wrong, set()).add(phrase)
        for wrong in word_homophones(phrase, sound, vocabulary) | fuzzy_homophones(phrase, by_key):
            out.setdefault(wrong, (phrase, kind))
    # Two characters or more dropped where several formulations would leave the same (习近平思想
    # from 习近平经济思想, 习近平法治思想 …): which one was meant cannot be told.
    for wrong, phrases in sources.items():
        if len(phrases) > 1 and len(wrong) <= len(out[wrong][0]) - 2:
            del out[wrong]
    for leader in data["leaders"]:
        name = leader["name"]
        for wrong in variants(name, table, edits=False) | name_homophones(name):
            if leader.get("anywhere"):
                out.setdefault(wrong, (name, "领导人姓名"))
            for title in [*leader["titles"], *(["同志"] if leader.get("anywhere") else [])]:
                if title in LOCAL_TITLES and len(name) == 2:
                    continue    # 镇党委书记李喜 is a local official, not 李希 misspelt
                out.setdefault(title + wrong, (title + name, "领导人姓名"))
                out.setdefault(wrong + title, (name + title, "领导人姓名"))
    bad = firing(out, clean)
    keep = {w: v for w, v in out.items()
            if w not in bad and w not in vocabulary and w not in in_use and not any(w in c for c in correct)
            and not renumbered(w, v[0])}
    print(f"severe variants: {len(out)} generated, {len(out) - len(keep)} dropped (clean text / words)")
    return keep


def _particle_at_end(wrong: str, right: str) -> bool:
    """True when the two differ only in a last 的, 地 or 得: which one is right depends on what follows,
    which the pair does not hold (高兴得合不拢嘴 and 高兴地说 are both right; 持续的降雨 too)."""
    return len(wrong) == len(right) and wrong[:-1] == right[:-1] and {wrong[-1], right[-1]} <= set("的地得")


def typo_pairs(clean: str, vocabulary: set[str]) -> dict[str, tuple[str, str]]:
    pairs: dict[str, tuple[str, str]] = {}
    for wrong, right in json.loads((LEX / "macro_correct" / "confusion_dict.json").read_text(encoding="utf-8")).items():
        pairs.setdefault(wrong, (right, "macro-correct"))
    for line in (LEX / "ecspell_wordlists" / "常见错字错词.txt").read_text(encoding="utf-8").splitlines():
        if "-" in line:
            right, wrong = line.strip().split("-", 1)
            pairs.setdefault(wrong, (right, "ECSpell 常见错字错词"))
    for line in (LEX / "pycorrector_1.1.4_data" / "custom_confusion.tests.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not line.startswith("#") and len(parts) >= 2:
            pairs.setdefault(parts[0], (parts[1], "pycorrector"))
    # No pairs from ecspell_odw_train: 281 of odw_test's 500 sentences also stand in odw_train,
    # so its pairs would leak the test. Pairs are not filtered against xxqg/rmrb here either:
    # checks/typolm.py drops, when it loads, every pair that occurs in the model's clean text,
    # so a held-out benchmark (`--holdout`) filters against the training half only.
    pairs = {w: v for w, v in pairs.items() if len(w) >= 2 and w != v[0] and not _particle_at_end(w, v[0])}
    keep = {w: v for w, v in pairs.items() if w not in vocabulary}
    print(f"typo pairs: {len(pairs)} gathered, {len(pairs) - len(keep)} dropped (dictionary words)")
    return keep


def idioms() -> list[tuple[str, int]]:
    """ECSpell's four-character idioms with their counts, commonest first."""
    found: dict[str, int] = {}
    for line in (LEX / "ecspell_wordlists" / "成语.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 4 and all(HAN(c) for c in parts[0]) and parts[1].isdigit():
            found.setdefault(parts[0], int(parts[1]))
    return sorted(found.items(), key=lambda item: (-item[1], item[0]))


def distinct(lines) -> list[str]:
    seen: dict[str, None] = {}
    for line in lines:
        line = " ".join(line.split())
        if line:
            seen.setdefault(line, None)
    return list(seen)


def vendor_lm() -> None:
    """checks/data/lm/: the licensed text and lists the typo language model is built from."""
    out = OUT / "lm"
    out.mkdir(exist_ok=True)
    csc = SHARED / "csc-eval"
    def targets(name):
        return [json.loads(line)["target"] for line in (csc / name).read_text(encoding="utf-8").splitlines()]
    texts = {
        "clean_xxqg.txt": targets("xxqg_correct.jsonl"),
        "clean_rmrb1998.txt": targets("rmrb1998_correct.jsonl"),
        "clean_nlpcc2023.txt": targets("nlpcc2023_task8.jsonl"),
        "titles.txt": (LEX / "ecspell_wordlists" / "政策法规标题.txt").read_text(encoding="utf-8").splitlines(),
        "phrases.txt": [line.split("\t")[0] for line in
                        (LEX / "ecspell_wordlists" / "公文写作.txt").read_text(encoding="utf-8").splitlines()]
                       + [line.split()[0] for line in
                          (LEX / "ecspell_wordlists" / "成语.txt").read_text(encoding="utf-8").splitlines() if line.split()],
    }
    for name, lines in texts.items():
        (out / name).write_text("\n".join(distinct(lines)) + "\n", encoding="utf-8")
    with open(out / "words.tsv", "w", encoding="utf-8") as handle:
        for line in (LEX / "pycorrector_1.1.4_data" / "word_freq.txt").read_text(encoding="utf-8").splitlines():
            parts = line.split(" ")
            if len(parts) >= 2 and int(parts[1]) >= WORD_MIN_FREQ and 1 <= len(parts[0]) <= 7:
                handle.write(f"{parts[0]}\t{parts[1]}\n")
    sound: dict[str, set[str]] = {}
    for line in (LEX / "pycorrector_1.1.4_data" / "same_pinyin.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not line.startswith("#") and len(parts) >= 2:
            sound.setdefault(parts[0], set()).update(c for c in "".join(parts[1:]) if HAN(c) and c != parts[0])
    shape: dict[str, set[str]] = {}
    for line in (LEX / "pycorrector_1.1.4_data" / "same_stroke.txt").read_text(encoding="utf-8").splitlines():
        parts = [p for p in line.split("\t") if p]
        for c in parts:
            shape.setdefault(c, set()).update(p for p in parts if p != c)
    for c, others in json.loads((LEX / "ecspell_confusion" / "shapeConfusion.json").read_text(encoding="utf-8")).items():
        shape.setdefault(c, set()).update(o for o in others if HAN(o) and o != c)
    # Shapes rendered from the font (bench/glyph_shapes.py): 木/术, 白/自, 厂/广, 肋/助 are in no
    # list above. Measured with bench/fit_typo.py: about 3.5 points of recall on odw_train.
    if glyph_shapes.FONT.exists():
        for c, others in glyph_shapes.similar_shapes().items():
            shape.setdefault(c, set()).update(o for o in others if o != c)
        # Characters read alike, tone and all, that also look alike, the sound part shared (查/茬,
        # 善/缮, 炸/榨, 宾/槟): pycorrector's same-pinyin list lacks most such pairs of a common
        # character and a rarer one. Measured on the mock counties' own text: 19 more typos found
        # (修善, 煤杆石, 宾榔) for 2 more false alarms (燎荒 for 撂荒); the figures on csc-eval held.
        # All same-tone pairs found 54 more for 41 more false alarms.
        for a, b in glyph_shapes.look_alike(same_reading(glyph_shapes.load_chars(2)), LOOK_ALIKE_HOMOPHONE):
            if b not in sound.get(a, ()) and b not in shape.get(a, ()):
                sound.setdefault(a, set()).add(b)
        # A shape listed one way only (菜 offers 莱, 莱 offered no 菜) is confused the other way
        # too where both are common and the glyphs very alike: 榨莱, 蔬莱, 宿合 and 责住制 found
        # on the mock counties' own text, no false alarm more. From 0.8, 候考 read as 报考.
        reverse = [(b, a) for a, others in shape.items() for b in others
                   if a not in shape.get(b, ()) and a not in sound.get(b, ())]
        for b, a in glyph_shapes.look_alike(reverse, LOOK_ALIKE_REVERSE, levels=1):
            shape.setdefault(b, set()).add(a)
    else:
        print(f"提示：未找到字体 {glyph_shapes.FONT}（apt-get install fonts-noto-cjk），形近字表只用现有词表。")
    with open(out / "homophones.tsv", "w", encoding="utf-8") as handle:
        handle.write("# reading\tcharacters of the 通用规范汉字表 whose usual reading it is, tone included — see checks/typolm.py, homophones\n")
        for reading, chars in sorted(by_reading(glyph_shapes.load_chars(3)).items()):
            if len(chars) > 1:
                handle.write(f"{reading}\t{''.join(chars)}\n")
    fuzzy = fuzzy_sounds(glyph_shapes.load_chars(1), sound, shape)
    with open(out / "fuzzy_sounds.tsv", "w", encoding="utf-8") as handle:
        handle.write("# char\tcharacters read alike but for tone or a fuzzy-input distinction — see checks/typolm.py, fuzzy_sounds\n")
        for c, others in sorted(fuzzy.items()):
            handle.write(f"{c}\t{''.join(sorted(others))}\n")
    with open(out / "confusion.tsv", "w", encoding="utf-8") as handle:
        handle.write("# char\tsame pinyin\tsimilar shape\n")
        for c in sorted(set(sound) | set(shape)):
            handle.write(f"{c}\t{''.join(sorted(sound.get(c, ())))}\t{''.join(sorted(shape.get(c, set()) - sound.get(c, set())))}\n")
    names: set[str] = set()
    def walk(node):
        if isinstance(node, dict):
            for name, child in node.items():
                names.add(name)
                walk(child)
        elif isinstance(node, list):
            names.update(node)
    walk(json.loads((LEX / "admin_divisions" / "pcas.json").read_text(encoding="utf-8")))
    for name in ("place_name.txt", "person_name.txt"):
        for line in (LEX / "pycorrector_1.1.4_data" / name).read_text(encoding="utf-8").splitlines():
            if line.split():
                names.add(line.split()[0])
    names = {n for n in names if len(n) >= 2 and all(HAN(c) for c in n) and n not in ("市辖区", "县")}
    given_names(out)
    (out / "names.txt").write_text("\n".join(sorted(names)) + "\n", encoding="utf-8")
    print(f"lm data: {', '.join(f'{n} {len(v)} lines' for n, v in texts.items())}, {len(names)} names")


def given_names(out: Path) -> None:
    """checks/data/lm/given_names.tsv: how often each character stands in the given names of
    pycorrector's well-known persons (two or three characters after a common surname), for
    checks/propernames.py to doubt a "name" made of characters names next to never use."""
    counts: dict[str, int] = {}
    for line in (LEX / "pycorrector_1.1.4_data" / "person_name.txt").read_text(encoding="utf-8").splitlines():
        name = line.split()[0] if line.split() else ""
        if 2 <= len(name) <= 3 and name[0] in SURNAMES and all(HAN(c) for c in name):
            for c in name[1:]:
                counts[c] = counts.get(c, 0) + 1
    with open(out / "given_names.tsv", "w", encoding="utf-8") as handle:
        handle.write("# char\tgiven names holding it, of pycorrector's person_name.txt (Apache-2.0)\n")
        for c, n in sorted(counts.items()):
            handle.write(f"{c}\t{n}\n")


SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")


def county_sites() -> None:
    """checks/data/lm/county_sites_{0,1}.txt.gz: the clean prose of the project's own fictional
    county portals (the POOLS of bench/mocksite*_data.py, never their planted errors), one distinct
    sentence a line, county N in fold N mod 2 (checks/lm.py, SITES)."""
    from mocksite import county_number
    bench = Path(__file__).resolve().parent
    folds: dict[int, list[str]] = {0: [], 1: []}
    for path in sorted(bench.glob("mocksite*_data.py")):
        module = __import__(path.stem)
        for pool in module.POOLS.values():
            folds[county_number(path.stem) % 2] += [s.strip() for s in SENTENCE.findall(pool) if len(s.strip()) > 1]
    written = 0
    for fold, lines in folds.items():
        kept = distinct(lines)
        with open(OUT / "lm" / f"county_sites_{fold}.txt.gz", "wb") as raw, \
                gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
            handle.write(("\n".join(kept) + "\n").encode("utf-8"))
        written += len(kept)
    print(f"county sites: {written} sentences")


def main() -> None:
    vendor_lm()
    county_sites()
    table, clean, vocabulary = confusion(), clean_text(), words()
    with open(OUT / "severe_variants.tsv", "w", encoding="utf-8") as out:
        out.write("# wrong\tright\tkind — generated by bench/build_text_data.py; see checks/data/README.md\n")
        for wrong, (right, kind) in sorted(severe(table, clean, vocabulary).items()):
            out.write(f"{wrong}\t{right}\t{kind}\n")
    with open(OUT / "idioms.tsv", "w", encoding="utf-8") as out:
        out.write("# idiom\tcount — ECSpell 成语.txt (MIT, LICENSE.ECSpell), the four-character ones; see checks/idioms.py\n")
        for idiom, count in idioms():
            out.write(f"{idiom}\t{count}\n")
    with open(OUT / "typo_pairs.tsv", "w", encoding="utf-8") as out:
        out.write("# wrong\tright\tsource — generated by bench/build_text_data.py; see checks/data/README.md\n")
        for wrong, (right, source) in sorted(typo_pairs(clean, vocabulary).items()):
            out.write(f"{wrong}\t{right}\t{source}\n")


if __name__ == "__main__":
    sys.exit(main())
