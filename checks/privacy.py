"""privacy.leak: unmasked personal data in page text.

Exact rules only: an 18-digit resident ID whose check digit (GB 11643-1999) and birth date are
valid, a bank card number that passes Luhn and starts with a card issuer's prefix, a mobile
number standing next to a person's name. Masked numbers (640402********1235) and numbers
labelled as codes (项目编号, 统一社会信用代码, …) are not findings. The evidence is masked too.
"""

from __future__ import annotations

import datetime as dt
import re

from checks.propernames import MINORITY_NAME, OFFICE_END, SURNAMES
from checks.textscan import Hit

CHECK = "privacy.leak"
PROVINCES = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
             50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 91}
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# 18 characters, or grouped 6-8-4 by a space or hyphen (360836 19960314 2044).
RESIDENT_ID = re.compile(r"(?<![0-9A-Za-z*\-])(\d{6}([ \-]?)\d{8}\2\d{3}[\dXx])(?![0-9A-Za-z*\-])")
# 16–19 digits, optionally in groups of four separated by one space or hyphen.
CARD = re.compile(r"(?<![0-9A-Za-z*\-])(\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?)(?![0-9A-Za-z*\-])")
MOBILE = re.compile(r"(?<![0-9A-Za-z*\-])(1[3-9]\d[ \-]?\d{4}[ \-]?\d{4})(?![0-9A-Za-z*\-])")
# A label before the number that makes it something other than personal data.
CODE_LABEL = re.compile(r"(编号|编码|代码|文号|订单|合同号|项目号|序号|批次|流水号|条码|登记号|备案号|许可证号|"
                        r"证书号|凭证号|标识码|识别码|税号|ICP|批准号|案号)[^，。；;,\n]{0,12}$")
BANK_LABEL = re.compile(r"(卡号|银行卡|账号|帐号|账户|帐户|开户|银行|存折)")
# A person's name: a labelled name, or surname + given name written right before the number.
NAME_LABEL = re.compile(r"(姓名|联系人|户主|申请人|本人|家属|负责人|监护人|当事人|经办人|被申请人|举报人|"
                        r"收件人|领取人|患者|学生|职工)\s*[:：]?\s*[\u4e00-\u9fff]{2,4}")
# The name may follow a role word (考核优秀人员李婷婷，联系电话…; 热心群众张海军（手机号码…）).
# What may stand between a name and its number: 同志, 负责 and what is in one's charge (王建国负责现场
# 协调，联系电话…), a bracket or comma, a 电话/手机 label (陈美玲女士，联系手机…), 的…为 (护林员王建国的联系电话为…).
_NAME_TO_NUMBER = (r"(?:同志|先生|女士|老师|医生|律师|警官)?(?:负责[\u4e00-\u9fff]{0,8})?(?:联系)?\s*[（(:：,，、\s]?\s*"
                   r"的?(?:联系)?(?:电话|手机(?:号码?)?|方式|Tel)?\s*(?:为|是)?\s*[:：]?\s*$")
NAME_BEFORE = re.compile(r"([" + "".join(sorted(SURNAMES)) + r"][\u4e00-\u9fff]{1,2})" + _NAME_TO_NUMBER)
# Names of the Mongolian, Tibetan, Uyghur … peoples have no Han surname (斯琴图雅, 格桑拉姆,
# 阿依古丽): three to five characters of the transliteration tables, right before the number.
MINORITY_BEFORE = re.compile(r"([\u4e00-\u9fff]{3,5})" + _NAME_TO_NUMBER)
# A name in two parts joined by a dot (阿依古丽·吐尔逊老师，电话…), whatever stands before it.
DOTTED_BEFORE = re.compile(r"([\u4e00-\u9fff]{2,6})[·•・‧]([\u4e00-\u9fff]{2,6}?)" + _NAME_TO_NUMBER)
# A title or role right before a name of any surname (村委会主任惠长林，联系电话…; 队长公保才旦，手机号…;
# 社区干部俄木阿衣联系，电话…; 移民专干马海拉体, a township's officer for one line of work;
# 嘎查达宝音德力格尔 and 嘎查长巴音那木拉, a Mongolian village head and a name of six or five;
# 技术员努尔艾力·卡德尔负责, a name in two parts joined by a dot).
TITLE_BEFORE = re.compile(r"(?:主任|书记|队长|组长|站长|所长|理事长|会长|社长|村长|镇长|乡长|局长|校长|院长|经理|员|"
                          r"干部|专干|嘎查达|嘎查长)([\u4e00-\u9fff]{2,6}(?:[·•・‧][\u4e00-\u9fff]{2,6})?)" + _NAME_TO_NUMBER)
# Who owns or works a farm, shop or boat, or carries on a craft, before a name of any surname and a
# phone label (民宿业主羊春梅，联系电话…, a Li surname; 冷水鱼养殖户才让加，联系电话…, a Tibetan name;
# 皮影戏传承人那宝林), or the number in brackets right after the name (民宿经营户木建军（151…）). The label
# is required, and what follows the role may not begin as a request does: after 村民 or 养殖户 a
# verb may stand (养殖户可拨打，联系电话139…), which is no name.
HOLDER_BEFORE = re.compile(r"(?:业主|店主|摊主|船主|户主|农户|牧户|养殖户|种植户|承包户|经营户|村民|牧民|渔民|居民|传承人)"
                           r"(?![可请需应要将已如拨咨在均都也还务须])([\u4e00-\u9fff]{2,4})"
                           r"\s*(?:[（(]|[，,（(]\s*(?:联系)?(?:电话|手机(?:号码?)?)\s*(?:为|是)?\s*[:：]?)\s*$")
# A role ending in 员 or 人 and a colon before a name and its number (渔船安全联络员：衣德福，联系电话…):
# the name is labelled, whatever its surname.
ROLE_LABEL = re.compile(r"[员人][:：]\s*[\u4e00-\u9fff]{2,4}\s*[，,、（(]")
# A name followed by its ID number in the same clause (海丽萍，身份证号6403…，联系电话139…): the
# number after it is that person's too.
NAMED_BY_ID = re.compile(r"(?:^|[：:，,、（(\s])[\u4e00-\u9fff]{2,4}[，,（(]\s*(?:公民)?身份证")
NOT_NAME = re.compile(r"(电话|手机|热线|咨询|投诉|举报|监督|办公室|服务|中心|单位|地址|传真|邮编|号码|专线)")
DIGITS = re.compile(r"\D")


def id_valid(number: str, today: dt.date | None = None) -> bool:
    """An 18-character resident ID with a known province, a real birth date and a valid check digit."""
    if len(number) != 18 or not number[:17].isdigit() or int(number[:2]) not in PROVINCES:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= (today or dt.date.today()):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], WEIGHTS))
    return CHECK_CHARS[total % 11] == number[17].upper()


def luhn(number: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_issuer(number: str) -> str | None:
    """The card scheme of a number's issuer prefix (UnionPay, Visa, Mastercard), else None."""
    if number.startswith("62") and 16 <= len(number) <= 19:
        return "银联"
    if number.startswith("4") and len(number) == 16:
        return "Visa"
    if 51 <= int(number[:2]) <= 55 and len(number) == 16:
        return "Mastercard"
    return None


def mask(number: str, keep_head: int, keep_tail: int) -> str:
    """640402199001011235 -> 640402********1235."""
    return number[:keep_head] + "*" * (len(number) - keep_head - keep_tail) + number[-keep_tail:]


def _labelled_code(text: str, start: int) -> bool:
    # Not where a person is labelled between the code's word and the number (订单收购联系人：赵小军 187…).
    label = CODE_LABEL.search(text[max(0, start - 20):start])
    return label is not None and not NAME_LABEL.search(label.group(0))


def _named(text: str, start: int, end: int, resident_ids: list[tuple[int, int]]) -> bool:
    """Is a person's name written right before the number, or labelled on the same stretch?
    `resident_ids`: where the text holds valid resident ID numbers (scan_privacy)."""
    before = text[max(0, start - 24):start]
    name = NAME_BEFORE.search(before)
    if name and _reads_as_name(name.group(1)):
        return True
    if _minority_name(before) or _dotted_name(before) or _rare_surname_name(before):
        return True
    for titled in (TITLE_BEFORE.search(before), HOLDER_BEFORE.search(before)):
        if titled and not NOT_NAME.search(titled.group(1)) and not _all_words(titled.group(1)):
            return True
    clause = re.split(r"[。；;\n]", before)[-1]
    if NAME_LABEL.search(clause) or ROLE_LABEL.search(clause):
        return True
    # The ID number between the name and this one takes the 24 characters looked at above; and a
    # valid ID number in the clause is a person's, whoever is named before it (拟聘人员张丽萍，身份证号
    # 4414…，联系电话137…): the number after it is that person's too.
    clause = re.split(r"[。；;\n]", text[max(0, start - ID_SPAN):start])[-1]
    return bool(NAMED_BY_ID.search(clause)) or any(start - len(clause) <= id_start and id_end <= start
                                                   for id_start, id_end in resident_ids)


ID_SPAN = 60


# Surnames too rare, or too like common words (那, 才, 原), to read a name by anywhere: only right
# after an office's name (县社保中心那丽娟（139…）).
RARE_SURNAMES = frozenset("那揭宓仝谈逯扈茹郗蹇郜訾隗厍暴冀昝相亓钭帅凤过索练郦银原花禹达巴才植劳门仉盘")


def _minority_name(before: str) -> bool:
    """A name of three to five transliteration characters right before the number (斯琴图雅（150…）),
    or of two right after an office's name (县农业农村局平措（139…）)."""
    found = MINORITY_BEFORE.search(before)
    if not found:
        return False
    token = found.group(1)
    for size in range(len(token), 1, -1):
        name = token[-size:]
        if all(c in MINORITY_NAME for c in name):
            if size == 2 and token[-3] not in OFFICE_END:
                return False
            return not NOT_NAME.search(name) and name not in _words()
    return False


def _dotted_name(before: str) -> bool:
    """A transliterated name in two parts joined by a dot right before the number (托格拉克乡
    阿依古丽·吐尔逊老师，电话…): the part after the dot, and two characters or more before it, of
    the transliteration tables."""
    found = DOTTED_BEFORE.search(before)
    if not found:
        return False
    first, last = found.group(1), found.group(2)
    return all(c in MINORITY_NAME for c in last) and all(c in MINORITY_NAME for c in first[-2:]) \
        and not NOT_NAME.search(first + last)


def _rare_surname_name(before: str) -> bool:
    """Three characters right after an office's name (中心, 局 …) that begin with a rare surname and
    read as no word, right before the number (县社保中心那丽娟（139…）)."""
    found = MINORITY_BEFORE.search(before)
    if not found or len(found.group(1)) < 4:
        return False
    token = found.group(1)
    name, office_end = token[-3:], token[-4]
    return name[0] in RARE_SURNAMES and (office_end in OFFICE_END or token[-5:-3] == "中心") \
        and not NOT_NAME.search(name) and name not in _words() and name[:2] not in _words()


def _words() -> dict[str, int]:
    """The dictionary (dictionary.words()), imported only when a number is found next to a name."""
    from checks.dictionary import words
    return words()


# A word the dictionary counts this rarely (10 × ln: about 20 uses) may be a name it has met (宝音, 德力格尔).
RARE_WORD = 30


def _all_words(token: str) -> bool:
    """True when the dictionary reads `token` as common words of two characters or more (及时报送),
    as it reads no name (惠长林: 惠 stands alone; 宝音德力格尔: two names it has met a few times)."""
    from checks.dictionary import segment
    vocabulary = _words()
    _, ends = segment(token, vocabulary)
    return all(end - start >= 2 and vocabulary.get(token[start:end], 0) >= RARE_WORD
               for start, end in zip([0, *ends], ends))


def _reads_as_name(name: str) -> bool:
    """Surname and given name, not a service line (投诉电话) nor a two-character word (顾问, 查询)."""
    return not NOT_NAME.search(name) and not (len(name) == 2 and name in _words())


def scan_privacy(text: str, date: dt.date | None = None) -> list[Hit]:
    """Every unmasked resident ID, bank card number and named mobile number in `text`."""
    if not re.search(r"\d{11}|\d{3}[ \-]\d{4}", text):
        return []
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []
    for match in RESIDENT_ID.finditer(text):
        number = re.sub(r"[ \-]", "", match.group(1))
        if id_valid(number) and not _labelled_code(text, match.start()):
            taken.append(match.span())
            hits.append(Hit(match.start(), mask(number, 6, 4), "请对身份证号码作脱敏处理（隐去出生日期等中间位）",
                            "页面公开了完整的居民身份证号码", CHECK, len(match.group(1))))
    resident_ids = list(taken)
    for match in CARD.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        number = DIGITS.sub("", match.group(1))
        issuer = card_issuer(number) if 16 <= len(number) <= 19 else None
        if not issuer or not luhn(number) or _labelled_code(text, match.start()):
            continue
        if issuer != "银联" and not BANK_LABEL.search(text[max(0, match.start() - 20):match.start()]):
            continue
        taken.append(match.span())
        hits.append(Hit(match.start(), mask(number, 4, 4), "请对银行卡号作脱敏处理",
                        f"页面公开了完整的银行卡号（{issuer}）", CHECK, len(match.group(1))))
    for match in MOBILE.finditer(text):
        if any(s <= match.start() < e for s, e in taken):
            continue
        if _labelled_code(text, match.start()) or not _named(text, match.start(), match.end(), resident_ids):
            continue
        number = DIGITS.sub("", match.group(1))
        hits.append(Hit(match.start(), mask(number, 3, 4), "请对个人手机号码作脱敏处理（如 138****5678）",
                        "页面在个人姓名旁公开了完整的手机号码", CHECK, len(match.group(1))))
    return sorted(hits, key=lambda h: h.offset)


def privacy_leaks(ctx):
    """privacy.leak over every page of the run (template text once per site)."""
    from checks.textscan import site_findings
    yield from site_findings(ctx, CHECK, scan_privacy)
