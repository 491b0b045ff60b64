"""Wording whose pattern, not the language model, says that a character is meant as written.

Policy phrases built on a pattern (应保尽保, 以工代赈, 护林员), the slot of a frame (一村一品),
paired phrases (巡河巡湖), lists of short parallel items (种得下、活得了、长得好) or of words
(打水、生火、取药), verbs reduplicated side by side (看看水色，捡捡垃圾) and a conjunction between
two words (打模及场内转运) are each new to the model, which would read their characters as slips.
The typo detector (checks/typolm.py) and the site's own words (checks/sitetext.py) leave a
character alone where one of these holds it.
"""

from __future__ import annotations

import re
from typing import Final

from checks.dictionary import WINDOW, is_hanzi, segment


# Policy phrases built on a pattern, each new one unseen by the model: 应保尽保, 应入尽入, 应享尽享;
# 以工代赈, 以奖代补, 以机代牛, 以赛促学, 以点带面, 以林养林, 以工补农; 宜粮则粮, 宜林则林, 宜园则园.
# 护林员 names a post after what it guards, and so do 护渠员, 护河员, 护路员, 护堤员 and 巡湖员. 因地制宜 is
# made for the village (因村制宜) and the household; 本县籍 and 外省籍 say where one is registered;
# papers are handed in 一式三份, in three copies; 逢雨必巡 and 逢进必考 say what always follows;
# 以商招商 and 以企引企 draw like by like; 文旅融合, 茶旅融合 and 花旅融合 join tourism to a trade; a
# helmet, a mask or a badge is worn (戴好头盔, 戴口罩), never brought (带).
SET_PHRASE: Final = re.compile(r"[应能]([\u4e00-\u9fff])尽\1|宜([\u4e00-\u9fff])则\2|以[\u4e00-\u9fff][代促带养补][\u4e00-\u9fff]"
                               r"|以([\u4e00-\u9fff])[\u4e00-\u9fff]\3"
                               r"|[护巡][林路河渠堤坝草岸湖网线田山]员|因[\u4e00-\u9fff]制宜|[本外][省市县区镇乡村旗]籍"
                               r"|一式[一二两三四五六七八九十]份|逢[\u4e00-\u9fff]必[\u4e00-\u9fff]|[\u4e00-\u9fff]旅融合"
                               r"|戴[好上着]?(?:头盔|口罩|安全帽?|眼镜|手套|袖标|党徽|胸牌|红领巾?)")


# What frames two parallel halves, A_A_: 一村一品, 边干边学, 不等不靠, 无职无权, 助餐助浴, 多病多灾,
# 随摘随运, 即查即改, 越早越好, 防鸟防蛇.
# Not any repeated character: in 煤改汽改造 the second 改 starts a word of its own.
FRAME: Final = frozenset("一不无有没边半多自助各全大小同共每非互亦随即越防")


def in_set_phrase(line: str, offset: int) -> bool:
    """True when line[offset] stands in a pattern-built policy phrase (应入尽入, 以机代牛, 护渠员),
    fills the slot of a frame (一坝一主导产业, 助餐助浴), is the 继 of 继…之后 or the 既 of 既…又, or
    is a 不 of 不X一Y、不Z一W: the frame, not the character in it, is what the model would be reading."""
    if 0 < offset < len(line) - 1 and line[offset - 1] == line[offset + 1] != line[offset] \
            and line[offset - 1] in FRAME:
        return True
    if offset >= 3 and line[offset - 1] == line[offset - 3] != line[offset] and line[offset - 1] in FRAME \
            and is_hanzi(line[offset - 2]):
        return True         # the second half's slot (防鸟防蛇: 蛇, no 防疫)
    correlative = CORRELATIVES.get(line[offset])
    if correlative is not None and correlative.match(line, offset):
        return True
    if line[offset] == "不":
        for match in PLEDGE.finditer(line, max(0, offset - 8), offset + 12):
            if offset in (match.start(), match.end() - 3):
                return True
    return any(match.start() <= offset < match.end()
               for match in SET_PHRASE.finditer(line, max(0, offset - 3), offset + 4))


# Two halves 不X一Y、不Z一W (不漏一户、不落一人; 不烧一把、不冒一处烟): the 不 is the pledge, no 禁.
PLEDGE: Final = re.compile(r"不[\u4e00-\u9fff]一[\u4e00-\u9fff]{1,2}[、，,]\s*不[\u4e00-\u9fff]一")


# 继…之后 says what came after what (我县继“柴达木藏羊”之后获得…): no 县级 however likely; 既…又
# joins two (让搬迁群众既住得安全、又过得舒心).
CORRELATIVES: Final = {"继": re.compile(r"继[^，,。；;：:]{2,30}?(之后|以后)"),
                       "既": re.compile(r"既[^。；;！？!?]{1,24}?[，,、]\s*[又也]")}


def in_paired_phrase(line: str, offset: int, vocabulary: dict[str, int]) -> bool:
    """True when line[offset] is any character of a paired phrase ABAC whose B and C make a word
    (巡河巡湖: 河湖; 建城建乡: 城乡; 抢收抢储: 收储), or ABCB whose A and C do and whose halves AB
    and CB are alike words or alike not (巡河护河: 巡护): a coordinate pair, spelled out. 检验检侧
    (验侧) is no such pair, nor 条秀病发病 (秀发, but 发病 a word and 秀病 none)."""
    for a in (offset - 1, offset - 3, offset, offset - 2):
        if a < 0 or a + 3 >= len(line):
            continue
        if line[a] == line[a + 2] != line[a + 1] and line[a + 1] + line[a + 3] in vocabulary:
            return True
        if line[a + 1] == line[a + 3] != line[a] and line[a] + line[a + 2] in vocabulary \
                and (line[a:a + 2] in vocabulary) == (line[a + 2:a + 4] in vocabulary):
            return True
    return False


# What separates the items of a list of short phrases (种得下、活得了、长得好).
LIST_BREAK: Final = frozenset("、，,；;“”\"（）()：:。！？")


def list_item(line: str, offset: int) -> tuple[int, int]:
    """Where the list item holding line[offset] begins and ends (LIST_BREAK on either side)."""
    start = offset
    while start > 0 and line[start - 1] not in LIST_BREAK:
        start -= 1
    end = offset + 1
    while end < len(line) and line[end] not in LIST_BREAK:
        end += 1
    return start, end


def in_parallel_list(line: str, offset: int, other: str, vocabulary: dict[str, int]) -> bool:
    """True when line[offset] stands in a short list item whose neighbour item, as long, repeats
    the character beside it, and `other` would make a word with that character (活得了 beside 长得好:
    获得): the list's pattern read into a word. In 早发现、早干预、早邦扶, 帮 makes no word with 早."""
    start, end = list_item(line, offset)
    size, at = end - start, offset - start
    if size > 4:
        # A list's last item runs on into the sentence (竹屿、鹤屿两个村): its first two characters
        # are weighed against the item before; a first item's last two against the item after.
        if start >= 1 and line[start - 1] in "、，," and offset < start + 2:
            end = start + 2
        elif end < len(line) and line[end] in "、，," and offset >= end - 2:
            start = end - 2
        else:
            return False
        size, at = end - start, offset - start
    if size < 2:
        return False
    neighbours = []
    if start >= 1 and line[start - 1] in "、，,":
        neighbours.append(line[max(0, start - 1 - size):start - 1])
    if end < len(line) and line[end] in "、，,":
        neighbours.append(line[end + 1:end + 1 + size])
    for q, word in ((at - 1, line[offset - 1:offset] + other), (at + 1, other + line[offset + 1:offset + 2])):
        if 0 <= q < size and word in vocabulary and any(
                len(item) == size and not LIST_BREAK.intersection(item) and item[q] == line[start + q]
                for item in neighbours):
            return True
    return False


# Conjunctions that join two words: where one stands alone between two words of two characters
# or more, the line reads as a list, not as a slip.
CONJUNCTIONS: Final = frozenset("及与和或")


def joins_two_words(line: str, offset: int, other: str, vocabulary: dict[str, int]) -> bool:
    """True when line[offset] is a conjunction standing between two words of two characters or
    more, as the dictionary segments the line, and `other` makes no word with the word before it:
    the fix could only take the first character of the word after (打模及场内转运: 机场 out of
    场内). 无人及飞手 is still 无人机 (a word with 无人), and 各及部门 still 各级 (各 no word of two)."""
    if offset == 0 or line[offset] not in CONJUNCTIONS:
        return False
    start = max(0, offset - WINDOW - 2)
    piece = line[start:offset + WINDOW + 3]
    at = offset - start
    cuts = [0, *segment(piece, vocabulary)[1]]          # where each word of the segmentation begins
    if at not in cuts or at + 1 not in cuts or at + 1 == cuts[-1]:
        return False
    word_before = piece[cuts[cuts.index(at) - 1]:at]
    word_after = piece[at + 1:cuts[cuts.index(at + 1) + 1]]
    return len(word_before) >= 2 and len(word_after) >= 2 and word_before + other not in vocabulary


# A listed word the dictionary counts this often (10 × ln count: about 20 uses) stands as written; a
# rarer one (降号 for 降耗 in 节能、减排、降号) may be the slip.
LISTED_WORD_MIN: Final = 30


def in_word_list(line: str, offset: int, vocabulary: dict[str, int]) -> bool:
    """True when line[offset] stands in a two-character word listed with 、 beside another such word
    (帮着打水、生火、取药): each item is a word as written, and turning one into a likelier word
    (生活) would break the list, not mend a slip. Only a word of LISTED_WORD_MIN counts so."""
    start, end = _word_of_item(line, *list_item(line, offset))
    if not start <= offset < end or end - start != 2 or vocabulary.get(line[start:end], 0) < LISTED_WORD_MIN:
        return False
    neighbours = []
    if start >= 2 and line[start - 1] == "、":
        neighbours.append(_word_of_item(line, *list_item(line, start - 2)))
    if end + 1 < len(line) and line[end] == "、":
        neighbours.append(_word_of_item(line, *list_item(line, end + 1)))
    return any(b - a == 2 and line[a:b] in vocabulary for a, b in neighbours)


def _word_of_item(line: str, start: int, end: int) -> tuple[int, int]:
    """The two-character word a list item ends or begins with, where the list's first item carries
    the words before it (提倡以献花、植树) or its last runs on with 等 (、踏青等方式; not a four-character
    item such as 、融汇贯通, whose first two are no item of their own)."""
    if end - start <= 2:
        return start, end
    if end < len(line) and line[end] == "、":
        return end - 2, end
    if start >= 1 and line[start - 1] == "、" and line[start + 2:start + 3] == "等":
        return start, start + 2
    return start, end


# How far apart two reduplicated verbs stand in one run of parallel clauses (看看水色，捡捡垃圾).
REDUPLICATION_SPAN: Final = 8


def in_reduplication(line: str, offset: int) -> bool:
    """True when line[offset] is half of a doubled character (捡捡垃圾) with another doubled
    character within REDUPLICATION_SPAN (看看水色，捡捡垃圾): verbs reduplicated side by side, which
    the model, never having seen the pair, reads as a slip (拾捡)."""
    if line[offset - 1:offset] == line[offset]:
        first = offset - 1
    elif line[offset + 1:offset + 2] == line[offset]:
        first = offset
    else:
        return False
    if not is_hanzi(line[first]):
        return False
    return any(line[other] == line[other + 1] != line[first] and is_hanzi(line[other])
               for other in range(max(0, first - REDUPLICATION_SPAN), min(len(line) - 1, first + REDUPLICATION_SPAN + 1))
               if abs(other - first) >= 2)
