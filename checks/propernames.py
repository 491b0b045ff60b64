"""Proper names in a line: places, persons and foreign names, which the typo model must not question.

A character inside a known place or person name (checks/data/lm/names.txt: every administrative
division down to townships, and well-known persons), or inside what reads as one (a common
surname with a byline or title next to it, a run of transliteration characters, a township
before its suffix), is never taken for a typo: 贾塘乡 is not 贾城乡.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from checks import lm
from checks.phrases import Affixes, PhraseFinder


@lru_cache(maxsize=1)
def names() -> PhraseFinder[str]:
    """Place names (every administrative division down to townships) and well-known person names.

    A character inside one of them where it stands is never questioned: 贾塘乡 is not 贾城乡.
    """
    listed = (lm.DATA / "names.txt").read_text(encoding="utf-8").splitlines()
    return PhraseFinder.of(name for name in listed if len(name) >= 2)


# The most common surnames, and what stands around a person's name in government text.
SURNAMES: Final = frozenset("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏傅"
                            "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万"
                            "钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝"
                            "包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾"
                            "尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬"
                            "师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝萧洪冼赖湛鄢钮惠阎"
                            "刀檀富")      # 刀: the Dai surname (刀玉香); 檀 (副县长檀晓燕); 富 (县长富海涛)
# An office held, before a person's name (村党总支书记陈永富).
OFFICE_BEFORE: Final = ("书记", "主任", "局长", "县长", "镇长", "乡长", "市长", "区长", "厅长", "部长", "处长", "科长",
                        "主席", "院长", "校长", "经理", "站长", "所长", "馆长", "队长", "组长", "会长", "董事长", "社长",
                        "旗长", "盟长", "州长")      # a banner's, a league's, an autonomous prefecture's head
NAME_BEFORE: Final = OFFICE_BEFORE + (
    "记者", "通讯员", "作者", "编辑", "摄影", "撰稿", "审核", "校对", "主持人", "联系人", "负责人",
    "委员", "同志", "老师", "医生", "教授", "先生", "女士", "总统", "总理", "大使", "博士", "院士", "研究员",
    "工程师", "团长", "律师", "法官", "民警", "村民", "职工", "选手", "作家", "教练",
    "人员", "考生", "群众", "归侨", "侨眷", "渔民", "农民", "居民", "移民", "党员", "户主", "志愿者",
    "村医", "申请人", "申报人", "被申请人", "当事人", "承包人", "传承人", "责任人",
    "任命", "聘任", "聘用", "免去", "提名",     # 任命/免去: a personnel notice
    "领导")         # 县领导陆志刚、钱晓燕出席
# What follows only a person's name: a biography in a 任前公示 (刘晨阳，男，1990年…) or an ID number.
BIOGRAPHY_AFTER: Final = ("，男，", "，女，", "，身份证", "（身份证", "身份证", "，公民身份")
NAME_AFTER: Final = ("同志", "局长", "书记", "主任", "市长", "县长", "区长", "镇长", "乡长", "副", "指出", "强调", "表示",
                     "介绍", "说", "报道", "主持", "出席", "参加", "一行", "带队", "率队", "调研", "详细", "要求", "讲话",
                     "代表", "等", "摄", "供图", "先生", "女士", "教授", "总统", "总理", "大使", "博士", "院士", "夫妇",
                     "一家", "家中", "老人", "案",
                     # an appointment: 任命杨振华为县农业农村局副局长，覃雪梅为县文化和旅游局副局长
                     "为县", "为市", "为区", "为镇", "为乡", "为旗",
                     # a notice of those to be appointed: 其中郭晨阳拟遴选至县委办公室
                     "拟任", "拟聘", "拟遴选", "拟录用", "拟提拔", "拟推荐") + BIOGRAPHY_AFTER
PUNCTUATION: Final = "，。、：:；;（）()【】 \u3000"
# The same, asked of a line at a place (Affixes: far quicker than str.endswith with the tuple).
_NAME_BEFORE: Final = Affixes(NAME_BEFORE)
_NAME_AFTER: Final = Affixes(NAME_AFTER)


# A dictionary value (ten times the log of the count) from which a word is too common to begin a
# name after a title or byline: a count of 1,000 (安全, 大力); few names' first two characters reach it.
COMMON_WORD: Final = 69


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
    if _NAME_BEFORE.end_at(line, start) or not start or line[start - 1] in PUNCTUATION:
        # Between a role or punctuation and a biography or ID number, a name of any people
        # (申请人旦正加，公民身份号码…; 主任；羊建华，男，汉族: a Li surname).
        for length in (4, 3, 2):
            span = line[start:start + length]
            if len(span) == length and all(map(_is_hanzi, span)) and span not in vocabulary \
                    and line.startswith(BIOGRAPHY_AFTER, start + length):
                return length
    if line[start] not in SURNAMES:
        return 0
    for length in (3, 2):
        end = start + length
        span = line[start:end]
        if len(span) < length or span in vocabulary or not all(map(_is_hanzi, span)):
            continue
        if length == 3 and span[1] == "阿" and span[1:] not in vocabulary:
            return length       # 黄阿水, 陈阿福: the southern 阿 before a given name
        if _NAME_BEFORE.end_at(line, start) and vocabulary.get(line[start:start + 2], 0) < COMMON_WORD:
            return length       # 群众安全撤离: 安全 is no 安 surname and given name
        if _NAME_AFTER.begin_at(line, end) and not _inside_words(line, start, vocabulary):
            return length
        after_office = start and line[start - 1] in OFFICE_END and not _inside_words(line, start, vocabulary)
        if (not start or line[start - 1] in PUNCTUATION or after_office) and (end == len(line) or line[end] in PUNCTUATION):
            return length       # 请与县农业农村局邢志强（188…）联系: a name right after an office's (not 村庄规化)
    return 0


# What ends the name of an office, before a person of it: 县农业农村局平措（139…）, 局邢志强（188…）.
OFFICE_END: Final = frozenset("局委办院站所队会村乡镇社")


def _inside_words(line: str, start: int, vocabulary: dict[str, int]) -> bool:
    """True when the would-be surname at `start` ends a word (健康|挡案) or begins one (应急|予案):
    what follows is then no name, however it ends (…案, …等)."""
    return line[start:start + 2] in vocabulary or any(line[a:start + 1] in vocabulary
                                                      for a in range(max(0, start - 3), start))


# Two characters before a place suffix, after a list separator: 辖柳渡镇、桐坪乡, 以东、桐江路 (a place the
# national list may not have yet).
# ...or after 到 (来到宏岭村) or 任 (现任柏塬乡党委副书记); after the town it lies in, a village
# (清湾镇汪湾村; not 城关镇对瞎区).
PLACE_BEFORE: Final = frozenset("、，,：:；;辖（(到任")
TOWN_BEFORE: Final = frozenset("镇乡")
# What two characters and 村 (屯, 寨) follow as a village's name: 在宏岭村, 对夏格村, 从岜山屯, 察看了禾塘村.
VILLAGE_BEFORE: Final = frozenset("在对从向与和为经了")
VILLAGE_END: Final = frozenset("村屯寨")
# ...and a canal, an island or a river of the Yangtze delta so named (丰济干渠, 在东楮岛海域, 和葑湾港).
CUED_PLACE_END: Final = tuple(VILLAGE_END) + ("干渠", "分干渠", "支渠", "岛", "港")
VILLAGE_AFTER: Final = ("村", "社区")
PLACE_AFTER: Final = ("乡", "镇", "区", "县", "村", "街道", "社区", "路", "大道", "大街",
               "市委", "市政府", "市人民")     # a city by its Party committee or government (省委、禾川市委)


# Characters of the Xinhua transliteration tables: three or more in a row spell a foreign name
# (武契奇, 布宜诺斯艾利斯, 卡巴杰), which the model cannot know.
TRANSLITERATION: Final = frozenset("阿埃艾昂奥巴拜班邦鲍贝比彼宾波博布查达戴丹德迪蒂杜多厄恩尔菲费芬弗伽盖冈戈格圭哈"
                            "豪赫亨霍基吉贾杰卡凯坎柯科克库夸奎拉莱兰朗劳勒雷里利莉琳卢鲁伦罗洛玛迈麦曼梅蒙米"
                            "莫默姆穆纳娜奈尼涅努诺欧帕潘佩皮普奇契恰乔切琴丘萨塞赛桑瑟莎舍斯索塔泰坦汤特滕"
                            "提图托瓦韦维温沃乌西希谢休亚伊尤约泽扎詹兹佐")
# Characters of Mongolian, Tibetan, Uyghur … names besides those tables: such a name has no Han
# surname (额尔敦巴雅尔, 斯琴图雅, 阿依古丽), so it is known by its characters and a title before it.
# 岩/玉: Dai names (岩罕, 玉香); 呷绒: Kham; 旦增, 尕藏, 顿珠: Tibetan; 阿布都, 肉孜, 阿布力孜: Uyghur.
MINORITY_NAME: Final = TRANSLITERATION | frozenset("雅其依古丽次仁卓买吐逊热宝音额敦娜娃花央金措旺珠穷曲嘎日木勒毕根孜帕汗江别克赛乃"
                                            "平强宗边堆贡岩罕玉香咪呷绒降旦增尕顿都肉力嘉登")
# What follows only a person's name, whatever the name is made of.
MINORITY_NAME_AFTER: Final = ("同志",) + BIOGRAPHY_AFTER
# The dot that joins the parts of a transliterated name (买买提·吐尔逊).
NAME_DOTS: Final = frozenset("·•・‧")
# One-character names of countries, as in 中菲关系 and 欢迎莫方参与.
COUNTRY: Final = frozenset("美俄日韩朝英法德意印巴非菲泰越老柬缅马新澳加墨哈吉塔乌土伊沙埃希葡西荷比瑞芬挪丹捷匈"
                    "波罗塞克阿蒙尼孟斯摩莫厄秘智古委坦肯赞津刚苏以叙黎约")


def named_positions(line: str, vocabulary: dict[str, int]) -> set[int]:
    """Offsets of `line` that stand inside a known place or person name, or what reads as one."""
    return {offset for offset in range(len(line)) if is_named(line, offset, vocabulary)}


def is_named(line: str, offset: int, vocabulary: dict[str, int], fix: str | None = None) -> bool:
    """True when line[offset] stands inside a known place or person name, or what reads as one.

    Asked only of the few characters the model would replace, so it looks around `offset`
    rather than through the whole line. `vocabulary`: the dictionary (dictionary.words()), whose
    words are not names. `fix`: the character a typo check would put at `offset`, where a person
    read that it doubts does not count (reads_as_person).
    """
    if reads_as_person(line, offset, vocabulary, fix):
        return True
    char = line[offset]
    if char in SURNAMES and line[offset + 1:offset + 2] == "氏":
        return True         # 晋商温氏家族, 王氏宗祠: a clan by its surname
    if char in TRANSLITERATION:
        first, last = _run(line, offset, TRANSLITERATION)
        if last - first >= 3:
            return True
    if char in MINORITY_NAME:
        first, last = _run(line, offset, MINORITY_NAME)
        if last - first >= 3 and (_NAME_BEFORE.end_at(line, first)
                                  or line.startswith(MINORITY_NAME_AFTER, last) or _listed_before(line, first, last)):
            return True     # 县委书记额尔敦巴雅尔; 达娃卓嘎同志任…; 更登嘉措、拉毛卓玛三名同志
        if _joined_by_dot(line, first, last):
            return True     # 阿卜杜萨拉木·艾力: the parts of a name joined by a dot
    elif line[offset - 1:offset] in NAME_DOTS or line[offset + 1:offset + 2] in NAME_DOTS:
        if _joined_by_dot(line, *_run(line, offset, MINORITY_NAME | {char})):
            return True
    if char in COUNTRY and (line[offset - 1:offset] == "中" or line[offset + 1:offset + 2] == "方"):
        return True
    for start in range(max(0, offset - 1), offset + 1):
        if _reads_as_township(line, start):
            return True
    for start in range(max(0, offset - 2), offset + 1):
        if _reads_as_town_of_three(line, start):
            return True
    if _in_mongolian_place(line, offset) or _in_tibetan_name(line, offset):
        return True
    if line[offset + 1:offset + 2] == "家" and (line[offset + 2:offset + 3] in CLAN_VILLAGE or (
            line[offset + 3:offset + 4] in CLAN_VILLAGE and _is_hanzi(line[offset + 2]))):
        return True     # 戴家港村, 王家庄: a village named after a clan
    return _in_known_name(line, offset) or _in_trade_name(line, offset, vocabulary)


# How many of the 12,500 well-known persons' given names may hold a character that is still
# doubted as a given name where the fix makes a word: 安制房, 和孤挂老人, 向所在乡镇申抱 are slips,
# not persons, and 制, 挂, 抱 are next to never given names (华 is in 131, 文 in 243).
RARE_IN_NAMES: Final = 10


# What names a person beyond doubt, however rare the characters: a title or what one says
# (武契奇总统 is no 武器).
TITLED_AFTER: Final = ("同志", "局长", "书记", "主任", "市长", "县长", "区长", "镇长", "乡长", "指出", "强调", "表示",
                "介绍", "说", "先生", "女士", "教授", "总统", "总理", "大使", "博士", "院士") + BIOGRAPHY_AFTER
_TITLED_AFTER: Final = Affixes(TITLED_AFTER)
_OFFICE_BEFORE: Final = Affixes(OFFICE_BEFORE)


def _slip_in_name(line: str, offset: int, fix: str, vocabulary: dict[str, int]) -> bool:
    """True when line[offset], in the given name of what reads as a person, is a character names
    next to never use and `fix` in its place makes a word with a neighbour."""
    if given_name_characters().get(line[offset], 0) > RARE_IN_NAMES:
        return False
    return line[offset - 1:offset] + fix in vocabulary or fix + line[offset + 1:offset + 2] in vocabulary


@lru_cache(maxsize=1)
def given_name_characters() -> dict[str, int]:
    """How many of the well-known persons' given names hold each character (given_names.tsv)."""
    counts: dict[str, int] = {}
    for line in (lm.DATA / "given_names.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            char, count = line.split("\t")
            counts[char] = int(count)
    return counts


def reads_as_person(line: str, offset: int, vocabulary: dict[str, int], fix: str | None = None) -> bool:
    """True when line[offset] stands in what reads as a person's name (see _person_length). With
    `fix`, the character a typo check would put there, not where that reading is doubted: in the
    given name, no title after it nor office before it, and a character names next to never hold
    that `fix` makes a word of (群众安制房: 安置, not a Mr 安制)."""
    for start in range(max(0, offset - 2), offset + 1):
        end = start + _person_length(line, start, vocabulary)
        if end > offset and not (fix and start < offset and not _TITLED_AFTER.begin_at(line, end)
                                 and not _OFFICE_BEFORE.end_at(line, start)
                                 and _slip_in_name(line, offset, fix, vocabulary)):
            return True
    return False


CLAUSE_END: Final = re.compile(r"[，,。；;：:！？]")


def _listed_before(line: str, first: int, last: int) -> bool:
    """True when line[first:last] is an item of a list (、) that 同志 closes within its clause:
    确定罗松丹增、更登嘉措、拉毛卓玛三名同志为外聘教师."""
    if line[last:last + 1] != "、" and line[first - 1:first] != "、":
        return False
    end = CLAUSE_END.search(line, last)
    return "同志" in line[last:end.start() if end else len(line)]


# What ends a company's or cooperative's registered name. Before it stand a line of business, a
# word (物流, 投资), and before that a trade name of any characters the owner chose (豫通).
COMPANY_END: Final = ("有限公司", "有限责任公司", "股份有限公司", "专业合作社", "集团")
TRADE_NAME: Final = 3          # characters of trade name read before the line of business (蜀香园调味品)
# What many a company puts after its line of business (吉林丰稻农业发展有限公司, 科技开发, 实业投资).
BUSINESS_AFTER: Final = ("发展", "开发", "科技", "实业", "投资", "建设", "管理", "服务")


def _in_trade_name(line: str, offset: int, vocabulary: dict[str, int]) -> bool:
    """True when line[offset] is in the trade name of a company: the two characters before a
    dictionary word that runs up to the company's ending (中标单位邙川县豫通物流有限公司). Not in the
    line of business (智能装杯有限公司: 装备 misspelt), nor across a place (黑龙江省电力有限公司)."""
    stretch = line[offset + 1:offset + TRADE_NAME + 10]
    for ending in COMPANY_END:
        at = stretch.find(ending)
        if at < 2 or not all(map(_is_hanzi, stretch[:at])) or PLACE_LEVELS.intersection(stretch[:at]):
            continue
        if stretch[at - 2:at] in BUSINESS_AFTER and at > 4:
            at -= 2
        # the line of business: a word of two to four characters ending where the ending begins,
        # or a trade in 业 the dictionary may lack (鹤湖虾业有限公司, 茶业, 菌业)
        for size in range(2, min(4, at) + 1):
            if (stretch[at - size:at] in vocabulary or (size == 2 and stretch[at - 1] == "业")) \
                    and at - size < TRADE_NAME:
                return True
    return False


PLACE_LEVELS: Final = frozenset("省市县区")


def _is_hanzi(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _joined_by_dot(line: str, first: int, last: int) -> bool:
    """True when a name dot stands right before line[first:last] or right after it."""
    return (first > 0 and line[first - 1] in NAME_DOTS) or line[last:last + 1] in NAME_DOTS


def _run(line: str, offset: int, characters: frozenset[str]) -> tuple[int, int]:
    """Where the run of `characters` through line[offset] starts and ends."""
    first, last = offset, offset + 1
    while first > 0 and line[first - 1] in characters:
        first -= 1
    while last < len(line) and line[last] in characters:
        last += 1
    return first, last


# A village named after a clan (戴家港村, 王家庄): X家, a character or none, a village suffix.
CLAN_VILLAGE: Final = frozenset("村庄屯寨湾坝沟坪铺集营店洼台堡")


def _reads_as_township(line: str, start: int) -> bool:
    """Two characters at `start`, after a list separator or at the start, before a place suffix;
    after a town's name, before 村 or 社区."""
    pair = line[start:start + 2]
    if len(pair) != 2 or not all(map(_is_hanzi, pair)):
        return False
    if start and line[start - 1] in TOWN_BEFORE:
        return line.startswith(VILLAGE_AFTER, start + 2)
    if start and line[start - 1] in VILLAGE_BEFORE and line.startswith(CUED_PLACE_END, start + 2):
        return True         # 组织牧民群众对夏格村境内的泉眼…: no 价格; 丰济干渠和长济分干渠: no 长期; 在东楮岛: no 诸岛
    if (not start or line[start - 1] in PLACE_BEFORE or line[start - 1].isspace()) \
            and line.startswith(PLACE_AFTER, start + 2):
        return True
    # The first of a list of places of one kind, whatever stands before it (在弄坪屯、岜山屯组织…;
    # 加快番茂乡、大丰镇…: townships and towns are one kind).
    suffix, next_suffix = line[start + 2:start + 3], line[start + 6:start + 7]
    return suffix in LISTED_PLACE and line[start + 3:start + 4] == "、" \
        and (next_suffix == suffix or suffix in TOWN_BEFORE and next_suffix in TOWN_BEFORE) \
        and all(map(_is_hanzi, line[start + 4:start + 6]))


def _reads_as_town_of_three(line: str, start: int) -> bool:
    """Three characters at `start`, at a sentence's or clause's start or after a list separator,
    before 镇 or 乡: a town's name (。青枫岭镇把…, 、双河口乡); or after 在, 对… before 村: a village's
    (在杉木淌村开展演练), unless they are a county's own words (在各行政村)."""
    name = line[start:start + 3]
    if len(name) != 3 or not all(map(_is_hanzi, name)):
        return False
    before, after = line[start - 1:start] if start else "", line[start + 3:start + 4]
    if after in TOWN_BEFORE:
        return not before or before in PLACE_BEFORE or before in SENTENCE_ENDS
    return after in VILLAGE_END and before in VILLAGE_BEFORE and not NOT_PLACE_NAME.intersection(name)


SENTENCE_ENDS: Final = frozenset("。！？!?")


# A Mongolian village (嘎查) or township (苏木) is named by a transliteration of up to six characters
# (查干补力格嘎查), which the tables above need not hold: what stands between a place's cue before it
# (在, 、) and the suffix is the name.
MONGOLIAN_PLACE: Final = ("嘎查", "苏木")
MONGOLIAN_NAME_MAX: Final = 6
# ...but not a banner's own words before it (全旗各嘎查, 本苏木, 每个嘎查), nor a county's before a village.
NOT_PLACE_NAME: Final = frozenset("全各每该本个旗县市乡镇区村")


def _in_mongolian_place(line: str, offset: int) -> bool:
    """True when line[offset] stands in a name of up to MONGOLIAN_NAME_MAX characters before 嘎查 or
    苏木, with a preposition or list separator (or the line's start) before it."""
    end = offset
    while end < len(line) and end - offset < MONGOLIAN_NAME_MAX and _is_hanzi(line[end]) \
            and not line.startswith(MONGOLIAN_PLACE, end):
        end += 1
    if not line.startswith(MONGOLIAN_PLACE, end) or end == offset:
        return False
    first = offset
    while first > 0 and end - first < MONGOLIAN_NAME_MAX and _is_hanzi(line[first - 1]) \
            and line[first - 1] not in VILLAGE_BEFORE:
        first -= 1
    return end - first >= 2 and not NOT_PLACE_NAME.intersection(line[first:end]) \
        and (first == 0 or line[first - 1] in VILLAGE_BEFORE or line[first - 1] in PLACE_BEFORE)


# The two-character parts Tibetan given names are made of (达娃次仁, 公保才旦, 扎西卓玛): two of them
# side by side are a person's name wherever they stand, which no title need announce.
TIBETAN_NAME_PARTS: Final = frozenset({
    "次仁", "达娃", "扎西", "卓玛", "才旦", "多吉", "尼玛", "拉姆", "央金", "旦增", "格桑", "索朗", "公保", "贡保",
    "嘉措", "加措", "德吉", "桑杰", "白玛", "普布", "边巴", "洛桑", "顿珠", "曲珍", "仁增", "拉巴", "平措", "巴桑",
    "次旦", "群培", "益西", "罗布", "卓嘎", "旺姆", "才让", "尕藏", "更登", "拉毛", "措吉", "周措", "完玛", "桑吉",
    "多杰", "仁青", "昂旺", "丹增", "旺堆", "强巴", "索南", "东珠", "吉美", "措姆", "央宗", "次珍", "仁措", "拉措",
    "卓措", "才措", "吉措", "尖措", "南杰", "切排", "华旦", "拉加", "李加", "扎巴", "旦正", "旦巴",
})


def _in_tibetan_name(line: str, offset: int) -> bool:
    """True when line[offset] stands in two Tibetan name parts side by side (TIBETAN_NAME_PARTS)."""
    return any(line[start:start + 2] in TIBETAN_NAME_PARTS and line[start + 2:start + 4] in TIBETAN_NAME_PARTS
               for start in range(max(0, offset - 3), offset + 1))


# One-character suffixes of villages and townships, which a list of two-character names repeats.
LISTED_PLACE: Final = VILLAGE_END | TOWN_BEFORE


def _in_known_name(line: str, offset: int) -> bool:
    """True when a name of names() covers line[offset] (a two-character one only as a place)."""
    return any(start <= offset < end for start, end in _names_in(line))


@lru_cache(maxsize=256)
def _names_in(line: str) -> tuple[tuple[int, int], ...]:
    # The line is read once for every name in it: the model asks about a few of its characters,
    # each of which could stand in any of 90,000 names of up to 24 characters.
    return tuple((start, start + len(name)) for start, name, _ in names().find(line)
                 if len(name) != 2 or _reads_as_place(line, start, start + len(name)))


# What follows a two-character place name when it is one: 平谷区, 海阳市, 潜山县葛仙山乡.
PLACE_SUFFIX: Final = frozenset("省市县区州盟旗镇乡村街路山河湖江岛港湾")


def _reads_as_place(line: str, start: int, end: int) -> bool:
    """A two-character name counts only before a place suffix or standing alone between punctuation."""
    after = line[end:end + 1]
    if after in PLACE_SUFFIX:
        return True
    before = line[start - 1:start] if start else ""
    return (not before or before in PUNCTUATION) and (not after or after in PUNCTUATION)
