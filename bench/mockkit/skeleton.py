"""<Ordinal> fictional county portal (某某县, 某省) with planted errors, for bench/mocksite.py.

某某县 and every person, place, company and number in it are invented (only the national
leaders are real). The planted errors were written from general knowledge of the typos and
wording mistakes that occur on Chinese county government sites, without looking at the
checker's word lists or at the other mock data modules.

    python bench/mocksite.py --data mocksiteN_data
"""

COUNTY = "某某县"
DOMAIN = "www.moumou.gov.cn"

# ---- checksum helpers (bench/mock_checksums.py) ----
from mock_checksums import (  # noqa: E402, F401
    id_valid, luhn_complete, luhn_valid, make_id, mojibake as _mojibake, org_code_complete, uscc_complete,
)

# ---- planted misspellings: exactly 40 lines, one [[wrong|right]] per line, one sentence per line ----
TYPO = """\
<sentence with [[wrong|right]]>。
..."""

# ---- severe errors: exactly 13 lines, one [[wrong|right]] each ----
SEVERE = """\
<sentence with [[wrong|right]]>。
..."""

# ---- improper wording: (sentence, wrong text, positive) ----
IMPROPER = [
    # positives
    ("<sentence>", "<wrong text in it>", True),
    # negatives
    ("<sentence>", "<text in it>", False),
]

# ---- a pre-2018 policy page: the agency names were correct when it was written ----
OLD_PAGE = ("zcwj", 5, "2016-05-16")
_OLD_SENT = "<one sentence naming 2-3 pre-2018 agencies>。"
OLD_PAGE_IMPROPER = [
    (_OLD_SENT, "<agency 1>"),
    (_OLD_SENT, "<agency 2>"),
]

# ---- personal data: (sentence, raw value as written, positive) ----
_ID1 = make_id("<6-digit region>", "<yyyymmdd>", "<3 digits>")
_CARD = luhn_complete("<15-18 digit prefix>")
_PROJ = "<18 digits, not a valid ID>"
assert not id_valid(_PROJ)
_USCC = uscc_complete("<17 chars>")
PRIVACY = [
    (f"<sentence with a name and {_ID1}>", _ID1, True),
    # ... 7 positives, 6 negatives
]

# ---- mojibake: UTF-8 text decoded with the wrong codec (exactly 3) ----
GARBLED = [
    _mojibake("<a notice title>", "gbk"),
]

# pages served as GBK: two (column, index) pairs; their column pools must encode in GBK
GBK_PAGES = {("xzdt", 2), ("tjxx", 4)}

CSS = """body{...}"""

# ---- columns: (name, 8 article titles each) ----
TITLES = {
    "ywdt": ("要闻动态", ["...", ]),
    "xzdt": ("乡镇动态", []),
    "tzgg": ("通知公告", []),
    "rsxx": ("人事信息", []),
    "zcwj": ("政策文件", []),
    "tjxx": ("统计信息", []),
}

# ---- clean prose pools, one per column (NO errors at all): 1,600-2,100 characters each ----
POOLS = {}
POOLS["ywdt"] = (
    "<sentence>。"
    "<sentence>。"
)
POOLS["xzdt"] = ("...")
