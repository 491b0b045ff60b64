"""text.typo_severe for the Party and state leaders: their names and titles (checks/data/severe.toml).

Found by rule, where the name or title stands: a title next to a leader who does not hold it
(国务院总理赵乐际), one made deputy (国务院副总理李强) or with a character put inside it
(委员会长), a name misspelt after a title only one person holds (中共中央总书记习近萍) or after
a long shared one, and a name misspelt before 同志 or its own title, judged by the words around
it (蔡齐同志). The misspellings pinned to a title (委员长赵际乐, 国务院总埋李强) are made here
for checks/severe.py's automaton.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from checks.phrases import PhraseFinder
from checks.propernames import SURNAMES
from checks.severe_reference import CHECK, VARIANTS, reference
from checks.textscan import Hit, sentence_span
from checks.dictionary import is_hanzi, words
from checks.typolm import confusion


def _replaced(word: str) -> list[str]:
    """`word` with one character replaced by a same-sound or similar-shape one (总理 -> 总埋)."""
    table = confusion()
    found = []
    for i, char in enumerate(word):
        sound, shape = table.get(char, ("", ""))
        found += [word[:i] + other + word[i + 1:] for other in sound + shape]
    return found


def _dropped(title: str) -> list[str]:
    """`title` with one inner character left out (国务总理 for 国务院总理), if it has four or more."""
    return [title[:i] + title[i + 1:] for i in range(1, len(title) - 1)] if len(title) >= 4 else []


def _swaps(word: str) -> set[str]:
    """`word` with two neighbouring characters swapped (赵乐际 -> 赵际乐, 乐赵际)."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:]
            for i in range(len(word) - 1) if word[i] != word[i + 1]} - {word}


def leader_variants(leaders: list[dict]) -> dict[str, str]:
    """Misspellings written next to a leader's title, made when the tables load: the name with two
    characters swapped (委员长赵际乐), and the title with one character replaced by a same-sound or
    similar-shape one (国务院总埋李强) or, in four or more, one inner character left out (国务总理李强).
    Pinned to the exact title and name, they cannot fire on ordinary text, so they need no filtering
    on clean text as the generated list does."""
    found: dict[str, str] = {}
    vocabulary = words()
    for leader in leaders:
        name = leader["name"]
        titles = [*leader["titles"], *(["同志"] if leader.get("anywhere") else [])]
        for title in titles:
            for swapped in _swaps(name):
                found[title + swapped] = title + name
                found[swapped + title] = name + title
            # In a two-character title (主席, 总理) a slip is too often another word (竹席): only
            # those that are none (李强总里).
            wrong_titles = _replaced(title) + _dropped(title) if len(title) >= 3 else \
                [wrong for wrong in _replaced(title) if wrong not in vocabulary]
            for wrong_title in wrong_titles:
                found[wrong_title + name] = title + name
                found[name + wrong_title] = name + title
        if leader.get("anywhere"):
            for swapped in _swaps(name):
                found[swapped] = name
    return found


@lru_cache(maxsize=1)
def held_titles() -> dict[str, list[str]]:
    """Each leader's name -> the titles written next to it."""
    return {leader["name"]: leader["titles"] for leader in reference()["leaders"]}


@lru_cache(maxsize=1)
def every_title() -> frozenset[str]:
    """Every title the checks know: the exclusive ones, each leader's own and the senior ones."""
    data = reference()
    return frozenset(data["exclusive_titles"]) | {title for own in held_titles().values() for title in own} \
        | frozenset(data.get("senior_titles", ()))


@lru_cache(maxsize=1)
def title_pattern() -> tuple[re.Pattern, dict[str, str], dict[str, list[str]]]:
    """The pattern of a title written next to a leader's name (either order); the titles one
    person holds (exclusive_titles); and each leader's own titles."""
    titles, held = reference()["exclusive_titles"], held_titles()
    names = "|".join(sorted(held, key=len, reverse=True))
    alternation = _longest_first(every_title())
    return re.compile(f"(?P<t1>{alternation})(?P<n1>{names})|(?P<n2>{names})(?P<t2>{alternation})"), titles, held


def _longest_first(titles) -> str:
    """A regular-expression alternation of `titles`, longest first (中共中央总书记 before 总书记)."""
    return "|".join(sorted(map(re.escape, titles), key=len, reverse=True))


# Titles every county has holders of (党委书记, 政协副主席): next to a common two-character name
# (李强, 李希) they name somebody local.
LOCAL_TITLES: Final = frozenset({"书记", "主席", "副主席", "主任", "部长", "副部长"})


def _title_mismatches(text: str) -> list[Hit]:
    """A title next to a leader who does not hold it: one only somebody else holds (国务院总理赵乐际:
    the name is wrong), or one other leaders share (全国人大常委会主席赵乐际: the title is). Titles
    listed before a name (中共中央总书记、国务院总理、中央军委主席习近平) are each the name's."""
    pattern, titles, held = title_pattern()
    if not any(name in text for name in held):
        return []           # the pattern needs a leader's name as written; most lines hold none
    as_of = reference()["as_of"]
    hits = []
    for match in pattern.finditer(text):
        title, name = (match["t1"], match["n1"]) if match["t1"] else (match["t2"], match["n2"])
        if "时任" in text[max(0, match.start() - 12):match.start()]:
            continue        # 时任上海市委书记李强: what was true then
        if title in LOCAL_TITLES and len(name) == 2:
            continue        # 村党支部书记李强, 李强书记: a local official of a common name, not the premier
        if title not in held[name]:
            hit = _mismatch(match.group(0), match.start(), title, name, titles, held, as_of)
            if hit is not None:
                hits.append(hit)
        if match["t1"]:
            chain, start = [], match.start()
            while (listed := _listed_title(text, start)) is not None:
                chain.append(listed)
                start = listed.start()
            # The suggestion: a title of the name's that the list does not hold yet.
            unwritten = {name: [t for t in held[name] if t not in text[start:match.end()]] or held[name]}
            for listed in chain:
                if listed["t1"] not in held[name] and not (listed["t1"] in LOCAL_TITLES and len(name) == 2):
                    hit = _mismatch(listed["t1"], listed.start(), listed["t1"], name, titles, unwritten, as_of,
                                    listed=True)
                    if hit is not None:
                        hits.append(hit)
    return hits


def _listed_title(text: str, end: int) -> re.Match | None:
    """The title written just before a 、 at text[end - 1] (中共中央总书记、国家主席习近平), if any."""
    if end < 2 or text[end - 1] != "、":
        return None
    return _title_at_end().search(text, max(0, end - 1 - max(map(len, every_title()))), end - 1)


@lru_cache(maxsize=1)
def _title_at_end() -> re.Pattern:
    """Any title, ending where the search ends: the leftmost match, so the longest title."""
    return re.compile(f"(?P<t1>{_longest_first(every_title())})$")


def _mismatch(written: str, start: int, title: str, name: str, titles: dict[str, str], held: dict[str, list[str]],
              as_of: str, listed: bool = False) -> Hit | None:
    holder = titles.get(title)
    if holder is not None and not listed:
        if title == "总书记" and written.startswith("书"):
            return None
        right = written.replace(name, holder)
        detail = f"严重表述错误：职务与姓名不符，“{title}”为{holder}同志（据 {as_of} 公开任职信息）"
    else:
        own = _own_title(held[name], title)
        right = written.replace(title, own)
        detail = f"严重表述错误：职务与姓名不符，{name}同志的职务为“{own}”（据 {as_of} 公开任职信息）"
    return Hit(start, written, right, detail, CHECK, len(written))


@lru_cache(maxsize=1)
def _holder_pattern() -> re.Pattern:
    """A title only one leader holds: where that leader's name stands after it."""
    return re.compile(_longest_first(reference()["exclusive_titles"]))


def _misnamed_holders(text: str) -> list[Hit]:
    """The one holder of a title with one character of the name wrong, whatever the character: the
    title says who is meant. In a three-character name only the given name (全国政协主席王沪宇: a
    surname that differs is another person). In a two-character one the surname, as long as the
    written surname is one and its given name begins no word (国务院总理季强; 国务院总理也强调 is
    no name), or the given name where no former holder of the title is named (国务院总理李刚, but
    国务院总理李鹏 and 李克强) and it begins no word. A three-character name written before the
    title is read the same way (习近年总书记)."""
    titles, names = reference()["exclusive_titles"], held_titles()
    formers = reference().get("former_holders", {})
    vocabulary = words()
    hits = []
    for match in _holder_pattern().finditer(text):
        holder = titles[match[0]]
        before = _misnamed_before(text, match, holder, names)
        if before is not None:
            hits.append(before)
        start = match.end()
        other = _other_leader_misnamed(text, start, match[0], holder, names)
        if other is not None:
            hits.append(other)
            continue
        written = text[start:start + len(holder)]
        if len(written) != len(holder) or not all(map(is_hanzi, written)):
            continue
        wrong = [i for i, (a, b) in enumerate(zip(written, holder)) if a != b]
        if len(wrong) != 1:
            continue
        if len(holder) == 3 and wrong == [0]:
            continue
        if len(holder) == 2 and (text[start + 1:start + 3] in vocabulary
                                 or (wrong == [0] and written[0] not in SURNAMES)
                                 or (wrong == [1] and any(text.startswith(name, start)
                                                          for name in formers.get(match[0], ())))):
            continue
        hits.append(Hit(start, written, holder,
                        f"严重错别字（领导人姓名）：“{match[0]}{written}”应为“{match[0]}{holder}”", CHECK, len(holder)))
    return hits


def _other_leader_misnamed(text: str, start: int, title: str, holder: str, names: dict[str, list[str]]) -> Hit | None:
    """Another leader's three-character name with one given-name character wrong right after a
    title only `holder` holds (中央纪委书记赵乐基: 赵乐际 misspelt, under 李希's title), else None."""
    written = text[start:start + 3]
    if written in names or not all(map(is_hanzi, written)):
        return None
    for name in names:
        if name != holder and _given_name_slip(written, name):
            return Hit(start, written, name, f"严重错别字（领导人姓名）：“{written}”应为“{name}”；"
                       f"“{title}”为{holder}同志", CHECK, 3)
    return None


def _given_name_slip(written: str, name: str) -> bool:
    """True when `written` is the three-character `name` with one given-name character wrong (习近年)."""
    return len(written) == len(name) == 3 and written[0] == name[0] and sum(a != b for a, b in zip(written, name)) == 1


def _misnamed_before(text: str, match: re.Match, holder: str, names: dict[str, list[str]]) -> Hit | None:
    """The three-character holder's name with one given-name character wrong right before the title
    only that holder holds (习近年总书记), else None."""
    start = match.start() - len(holder)
    written = text[max(0, start):match.start()]
    if written in names or not all(map(is_hanzi, written)) or not _given_name_slip(written, holder):
        return None
    return Hit(start, written, holder, f"严重错别字（领导人姓名）：“{written}{match[0]}”应为“{holder}{match[0]}”", CHECK, 3)


@lru_cache(maxsize=1)
def _shared_title_pattern() -> tuple[re.Pattern, dict[str, list[str]]]:
    """Titles of five characters or more that a leader holds with others (中央书记处书记), and their
    listed holders."""
    exclusive = reference()["exclusive_titles"]
    holders: dict[str, list[str]] = {}
    for name, titles in held_titles().items():
        for title in titles:
            if len(title) >= SHARED_TITLE_MIN and title not in exclusive:
                holders.setdefault(title, []).append(name)
    return re.compile(_longest_first(holders)), holders


# A title this long names few enough people that a name one character off a listed holder's, right
# after it, is that holder's misspelt (中央书记处书记祭奇).
SHARED_TITLE_MIN: Final = 5


def _misnamed_title_holders(text: str) -> list[Hit]:
    """A listed leader's name one character off right after a long title the leader shares with
    others: the given name slipped in three characters (国务院副总理丁雪祥), either character in two
    when the two read as no word (中央书记处书记祭奇). After such a title a three-character name
    with its given name slipped is read as that of any listed leader, holder of the title or not
    (中央书记处书记丁雪祥): nobody else stands there."""
    pattern, holders = _shared_title_pattern()
    names, vocabulary = held_titles(), words()
    others = [name for name in names if len(name) == 3]
    hits = []
    for match in pattern.finditer(text):
        start = match.end()
        for holder in holders[match[0]] + [name for name in others if name not in holders[match[0]]]:
            written = text[start:start + len(holder)]
            if len(written) != len(holder) or written in names or not all(map(is_hanzi, written)):
                continue
            wrong = [i for i, (a, b) in enumerate(zip(written, holder)) if a != b]
            if len(wrong) != 1 or (len(holder) == 3 and wrong == [0]):
                continue
            if len(holder) == 2 and (written in vocabulary or text[start + 1:start + 3] in vocabulary):
                continue
            hits.append(Hit(start, written, holder,
                            f"严重错别字（领导人姓名）：“{match[0]}{written}”应为“{match[0]}{holder}”", CHECK, len(holder)))
            break
    return hits


@lru_cache(maxsize=1)
def _generated_name_slips() -> dict[str, set[str]]:
    """Two-character leaders' names -> their misspellings in the generated severe variants
    (severe_variants.tsv, read off its rows of a title and a name): the near homophones and glyph
    shapes there reach further than confusion() (李兮 for 李希)."""
    names = {leader["name"] for leader in reference()["leaders"] if len(leader["name"]) == 2}
    slips: dict[str, set[str]] = {name: set() for name in names}
    with open(VARIANTS, encoding="utf-8") as handle:
        for line in handle:
            if not line.endswith("\t领导人姓名\n"):
                continue
            wrong, right, _ = line.split("\t")
            if right[-2:] in names and len(wrong) == len(right) and wrong[:-2] == right[:-2] != "" \
                    and wrong[-2:] != right[-2:]:
                slips[right[-2:]].add(wrong[-2:])
    return slips


def finders() -> list[PhraseFinder]:
    """The phrase sets this check scans every line for (phrases.share)."""
    return [_comrade_variants(), deputy_titles()]


@lru_cache(maxsize=1)
def _comrade_variants() -> PhraseFinder[tuple[str, tuple[str, ...]]]:
    """A leader's name misspelt, then 同志 -> (the name, the words of the leader's office): any
    name with two neighbouring characters swapped (薛丁祥), a two-character one with a character
    replaced by a same-sound or similar-shape one, or by one of the generated variants'
    (_generated_name_slips)."""
    found: dict[str, tuple[str, tuple[str, ...]]] = {}
    generated = _generated_name_slips()
    for leader in reference()["leaders"]:
        name, context = leader["name"], tuple(leader.get("context", ()))
        if not context:
            continue
        slips = _swaps(name) | ({*_replaced(name), *generated.get(name, ())} if len(name) == 2 else set())
        for wrong in sorted(slips):
            found.setdefault(wrong + "同志", (name, context))
    return PhraseFinder(found)


# What a leader does, written right after the name in a report of it (赵乐际在…会议上, 王沪宁出席):
# with the leader's office named in the sentence, a given name one character off before them is a slip.
LEADER_ACTS: Final = ("在", "出席", "主持", "强调", "指出", "会见", "考察", "调研", "视察", "发表", "作", "讲话")


@lru_cache(maxsize=1)
def _given_name_pattern() -> tuple[re.Pattern, dict[str, tuple[str, tuple[str, ...]]]]:
    """Three-character leaders' names with any one given-name character (王沪?, 王?宁) before 同志 or
    one of the leader's titles -> (the name, the words of the leader's office)."""
    table: dict[str, tuple[str, tuple[str, ...]]] = {}
    pieces = []
    for leader in reference()["leaders"]:
        name, context = leader["name"], tuple(leader.get("context", ()))
        if len(name) != 3 or not context:
            continue
        after = _longest_first(["同志", *leader["titles"], *LEADER_ACTS])
        for i in (1, 2):
            key = name[:i] + "." + name[i + 1:]
            table[key] = (name, context)
            pieces.append(f"{re.escape(name[:i])}[\u4e00-\u9fff]{re.escape(name[i + 1:])}(?={after})")
    return re.compile("|".join(pieces)), table


def _misnamed_in_context(text: str) -> list[tuple[int, str, str, tuple[str, ...]]]:
    """(start, written, name, context) of each leader's name misspelt before 同志 or a title of the
    leader's: two-character names by a same-sound or similar-shape character, three-character ones
    by any character of the given name (王沪宇主席)."""
    found = [(start, written[:-len("同志")], name, context)
             for start, written, (name, context) in _comrade_variants().find(text)]
    pattern, table = _given_name_pattern()
    names = held_titles()
    for match in pattern.finditer(text):
        written = match[0]
        if written in names:
            continue
        for i in (1, 2):
            entry = table.get(written[:i] + "." + written[i + 1:])
            if entry is not None:
                found.append((match.start(), written, entry[0], entry[1]))
                break
    return found


# A county studies and passes on what its superiors said (传达学习蔡奇同志在有关会议上的讲话精神, 学习了
# 丁薛祥同志关于防汛抗旱工作的部署要求, 转发了蔡奇同志…强调的工作要求): a leader's name misspelt in
# such a sentence is the leader's, whatever office the sentence names.
STUDIED: Final = re.compile(r"传达|学习|领学|转发|贯彻")
SPEECH: Final = re.compile(r"讲话|指示|批示|报告|署名文章|部署|论述|(强调|关于)[^，。；]{0,30}的(有关|工作)?要求")


def _misnamed_comrades(text: str) -> list[Hit]:
    """A leader's name misspelt before 同志 or the leader's title in a sentence about the leader's own
    office (传达学习李熙同志在二十届中央纪委四次全会上的工作报告, 全国政协…和王沪宇主席的讲话) or about
    passing on what the leader said (STUDIED, SPEECH), unless a title stands before the name: a local
    official of that name (县纪委书记李熙同志)."""
    hits = []
    for start, wrong, name, context in _misnamed_in_context(text):
        sentence_start, sentence_end = sentence_span(text, start)
        sentence = text[sentence_start:sentence_end]
        before = text[max(0, start - 8):start]
        # A county's title (局长, 委员, 主任, 书记) before the name: a local official. A national
        # office of four characters or more (中央纪委书记赵乐继) is no county's.
        title = _title_at_end().search(before)
        national = title is not None and len(title[0]) >= 4 and title[0] not in LOCAL_TITLES
        studied = STUDIED.search(text, sentence_start, start) and SPEECH.search(text, start, sentence_end)
        if not (studied or any(word in sentence for word in context)) \
                or (not national and (title is not None or before.endswith(("长", "员", "任", "记")))):
            continue
        hits.append(Hit(start, wrong, name, f"严重错别字（领导人姓名）：“{wrong}”应为“{name}”", CHECK, len(wrong)))
    return hits


def _own_title(own: list[str], written: str) -> str:
    """The leader's title to put for `written`: one as long (中共中央政治局委员 -> 中共中央政治局常委),
    else the shortest for a short one (主席 -> 委员长) and the leader's own office, listed first,
    for a full one (中央组织部部长 -> 中央纪委书记). A rank in the Political Bureau stands for a rank
    there, an office for an office (国务院总理 -> 国家主席, not 政治局常委)."""
    own = [title for title in own if ("政治局" in title) == ("政治局" in written)] or own
    same = next((title for title in own if len(title) == len(written)), None)
    if same is not None:
        return same
    return own[0] if len(written) > 3 else min(own, key=len)


# A leader's title made deputy next to the leader's name (副委员长赵乐际) is wrong from the date in
# office; an older page may rightly say 国家副主席习近平 (2008–2013).
DEPUTY_OF: Final = ("总书记", "委员长", "主席", "总理", "书记")


@lru_cache(maxsize=1)
def deputy_titles() -> PhraseFinder[str]:
    """Wrong title and name (either order) -> the right one, for titles a leader holds undeputed."""
    found: dict[str, str] = {}
    for name, titles in held_titles().items():
        for title in titles:
            core = next((core for core in DEPUTY_OF if title.endswith(core)), None)
            if core is None or "副" in title:
                continue
            deputy = title[:-len(core)] + "副" + core
            if deputy not in titles:
                found.setdefault(deputy + name, title + name)
                found.setdefault(name + deputy, name + title)
    return PhraseFinder(found)


def _padded_titles(text: str, correct: list[tuple[int, str]]) -> list[Hit]:
    """A leader's title of three characters or more with one character put inside it, next to the
    name (全国人大常委会委员会长赵乐际), where the title itself is not written there. `correct`:
    (start, phrase) of the names and phrases written right in `text`."""
    hits = []
    held = held_titles()
    for start, name in correct:
        for title in (title for title in held.get(name, ()) if len(title) >= 3):
            size, end = len(title), start + len(name)
            before, after = text[max(0, start - size - 1):start], text[end:end + size + 1]
            if text[max(0, start - size):start] == title or text[end:end + size] == title:
                break
            for piece, at in ((before, start - len(before)), (after, end)):
                if len(piece) == size + 1 and any(piece[:k] + piece[k + 1:] == title for k in range(1, size)):
                    bad = piece + name if at < start else name + piece
                    good = title + name if at < start else name + title
                    hits.append(Hit(min(at, start), bad, good, f"严重错别字（领导人职务）：“{bad}”应为“{good}”",
                                    CHECK, len(bad)))
    return hits


def _deputy_titles(text: str) -> list[Hit]:
    as_of = reference()["as_of"]
    return [Hit(start, bad, good, f"严重表述错误：“{bad}”应为“{good}”（据 {as_of} 公开任职信息）", CHECK, len(bad))
            for start, bad, good in deputy_titles().find(text)]


# Offices of the leaders' organs: one put after a leader's own organ that the leader does not hold
# there (中央纪委主任李希 for 中央纪委书记李希, 国务院主任李强) is a wrong title, even though it is no
# title the checks know. Member ranks (委员, 常委) are left out: 全国政协委员李强 may be somebody else.
OFFICES: Final = ("总书记", "副委员长", "委员长", "副总理", "总理", "副书记", "书记", "副主任", "主任", "副主席", "主席",
                  "副部长", "部长", "副院长", "院长", "秘书长")


@lru_cache(maxsize=1)
def _office_pattern() -> tuple[re.Pattern, dict[tuple[str, str], str]]:
    """The pattern of one of a leader's organs, any office and the leader's name (中央纪委主任李希),
    and (name, organ) -> the leader's title in that organ."""
    own: dict[tuple[str, str], str] = {}
    for name, titles in held_titles().items():
        for title in titles:
            office = next((office for office in OFFICES if title.endswith(office)), None)
            if office is not None and len(title) - len(office) >= 2 and "副" not in title:
                own.setdefault((name, title[:-len(office)]), title)
    organs = _longest_first({organ for _, organ in own})
    names = _longest_first({name for name, _ in own})
    return re.compile(f"(?P<organ>{organs})(?P<office>{_longest_first(OFFICES)})(?P<name>{names})"), own


def _wrong_offices(text: str) -> list[Hit]:
    """A leader's organ with an office the leader does not hold in it, before the name (中央纪委主任李希)."""
    pattern, own = _office_pattern()
    held, as_of = held_titles(), reference()["as_of"]
    hits = []
    for match in pattern.finditer(text):
        organ, office, name = match["organ"], match["office"], match["name"]
        title = own.get((name, organ))
        if title is None or organ + office in held[name] or "时任" in text[max(0, match.start() - 12):match.start()]:
            continue
        if office in every_title():
            continue        # 全国人大常委会主席赵乐际: 主席赵乐际 is a title mismatch _title_mismatches reports
        written = match.group(0)
        hits.append(Hit(match.start(), written, title + name,
                        f"严重表述错误：职务与姓名不符，{name}同志的职务为“{title}”（据 {as_of} 公开任职信息）",
                        CHECK, len(written)))
    return hits


def leader_errors(text: str, correct: list[tuple[int, str]]) -> list[Hit]:
    """Every leader's name or title written wrong in `text`, by rule (`correct`: the listed phrases
    written right in it, as (offset, phrase))."""
    return (_title_mismatches(text) + _deputy_titles(text) + _padded_titles(text, correct)
            + _misnamed_holders(text) + _misnamed_title_holders(text) + _misnamed_comrades(text)
            + _wrong_offices(text))
