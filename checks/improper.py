"""text.improper: outdated institution names and forbidden wording (checks/data/improper.toml).

A rule names its source and the date from which the wording is improper. Not improper: a name
marked as former (原国土资源局), one in a sentence about the reform itself (职责整合, 不再保留),
one inside quotation marks or a cited document title (《…》), one in a sentence that names an
earlier year (2016年，…), or any of them on a page dated before the change.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from checks.textscan import Hit, quoted, without_overlaps
from checks.dictionary import read_across

CHECK = "text.improper"
DATA = Path(__file__).parent / "data" / "improper.toml"
# 原/前/旧 mark a former name, but not in 原则, 原因, 原汁, 原件, 原产地 ..., nor ending a word (草原旅游推介会
# 邀请了两岸三地…, 高原, 平原); 前 only right before the name (前县国土资源局, 前任) or in 前身: 请于月底前报送县
# 国土资源局 speaks of a deadline.
FORMER_BEFORE = re.compile(r"((?<![当目提此之以日底])前任?[省市县区州旗]{0,2}$|前身|"
                           r"(?<![草高平中荒雪冰还复病抗燎太])原(?![则因料材本始创告籍地汁浆液油矿粮种生貌样价值件产])|旧[省市县区州旗]{0,2}$|"
                           r"撤销|撤并|不再保留|组建|整合|划入|划转|更名|改为|改名|合并|挂牌)")
# 时期/期间 only right after the name (在县国土资源局工作期间), not ten characters on: 县环境保护局
# 加强三夏期间秸秆禁烧巡查 speaks of the 三夏 season.
# 旧址 only right after the name (县国土资源局旧址): 县文化广电新闻出版局组织专家对革命旧址开展调研
# speaks of another place's old site.
FORMER_AFTER = re.compile(r"^(?:[^，。；,;]{0,10}?(职责|更名|改名|撤销|不再保留|整合|划入|划转|合并)|"
                          r"(?:的|机关)?旧址|(?:工作|任职|任内|在职|挂职)?(时期|期间))")
# "、" does not end the clause: 不再保留文化部、国家旅游局 is about both.
CLAUSE_STOP = re.compile(r"[，。；;,\s（(《“”]")


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern
    suggestion: str
    since: dt.date
    source: str
    word: bool = False      # the match must stand as a word of its own where it is written
    # Provinces that kept the body through their own reform (内蒙古's 农牧局), or the only ones
    # known to have ended it: a rule with `only_regions` applies where the site's region is known.
    except_regions: frozenset[str] = frozenset()
    only_regions: frozenset[str] = frozenset()

    def applies_in(self, region: str | None) -> bool:
        """Whether the rule holds on a site of `region` (None: not known)."""
        if self.only_regions:
            return region in self.only_regions
        return region not in self.except_regions


@lru_cache(maxsize=4)
def load_rules(path: Path = DATA) -> tuple[Rule, ...]:
    with open(path, "rb") as handle:
        document = tomllib.load(handle)
    return tuple(Rule(r["kind"], re.compile(r["pattern"]), r["suggestion"], dt.date.fromisoformat(r["since"]),
                      r["source"], r.get("word", False), frozenset(r.get("except_regions", ())),
                      frozenset(r.get("only_regions", ()))) for r in document["rules"])


# Inner Mongolia's townships and villages (苏木, 嘎查) name its region as surely as its name does.
REGION_WORDS = {"嘎查": "内蒙古", "苏木": "内蒙古"}
REGION_MIN = 3          # mentions, and twice those of the next region
# A site's ICP licence number in its footer begins with its province's abbreviation (辽ICP备…):
# a government site is licensed where it stands. Each abbreviation -> its region; the first of a
# region's is the one its licences use.
ICP_REGION = dict(zip("京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝蜀川黔贵滇云藏陕陇甘青宁新",
                      ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江",
                       "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆",
                       "四川", "四川", "贵州", "贵州", "云南", "云南", "西藏", "陕西", "甘肃", "甘肃", "青海",
                       "宁夏", "新疆")))
REGIONS = tuple(dict.fromkeys(ICP_REGION.values()))     # the 31 province-level regions
ICP = re.compile(f"([{''.join(ICP_REGION)}])ICP备")


def region_named(name: str) -> str | None:
    """The region of REGIONS a province's name names (内蒙古自治区, 辽宁省, 辽宁), or None."""
    name = name.strip()
    for suffix in ("自治区", "维吾尔", "壮族", "回族", "省", "市"):
        name = name.removesuffix(suffix)
    return name if name in REGIONS else None


def region_of(site_text: str) -> str | None:
    """The province-level region of a site: its ICP licence's, else the one its text speaks of most
    (闽宁协作 on a Ningxia site names Fujian too), or None where none stands clearly first."""
    licence = ICP.search(site_text)
    if licence:
        return ICP_REGION[licence[1]]
    counts = {region: site_text.count(region) for region in REGIONS}
    for word, region in REGION_WORDS.items():
        counts[region] += site_text.count(word)
    first, second = sorted(counts.values(), reverse=True)[:2]
    if first < REGION_MIN or first < 2 * second:
        return None
    return max(counts, key=counts.__getitem__)


# A lookbehind or lookahead with no group inside it (the rules' only kind).
LOOKAROUND = re.compile(r"\(\?<?[!=][^()]*\)")


@lru_cache(maxsize=4)
def _screen(path: Path = DATA) -> re.Pattern:
    """One pattern of every rule, to rule most lines out in a single pass. Without their lookarounds
    the rules match a little more, never less, and the pattern starts with plain characters, which
    the regular-expression engine skips to: three times faster than the rules as written."""
    return re.compile("|".join(f"(?:{LOOKAROUND.sub('', rule.pattern.pattern)})" for rule in load_rules(path)))


# A year named earlier in the sentence (2016年，…荣获省卫生和计划生育委员会授予的…) dates what it
# tells: the name was right then. Not a year that runs on to now (2016年以来, 2016年起).
YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年(?![^，。；]{0,6}?(?:以来|至今|起|来|开始|到现在))")


def _dated_before(text: str, start: int, since: dt.date) -> bool:
    sentence = re.split(r"[。！？!?]", text[:start])[-1]
    years = [int(year) for year in YEAR.findall(sentence)]
    return bool(years) and max(years) < since.year


def _marked_former(text: str, start: int, end: int) -> bool:
    before = CLAUSE_STOP.split(text[max(0, start - 12):start])[-1]
    return bool(FORMER_BEFORE.search(before) or FORMER_AFTER.search(text[end:end + 14]))


def scan_improper(text: str, date: dt.date | None = None, region: str | None = None) -> list[Hit]:
    """Improper expressions in `text`, given the publication date of its page (None: current) and
    the region of its site (region_of; None: not known)."""
    if not _screen().search(text):
        return []
    hits = []
    for rule in load_rules(DATA):    # as _screen asks: lru_cache keys load_rules() and load_rules(DATA) apart
        if (date and date < rule.since) or not rule.applies_in(region):
            continue
        for match in rule.pattern.finditer(text):
            start, end = match.span()
            if _marked_former(text, start, end) or quoted(text, start, end) or _dated_before(text, start, rule.since):
                continue
            if rule.word and read_across(text, start, end):
                continue        # 居民工资, 为民工作: the words run across it
            if match.group(0).endswith("部") and text[end:end + 1] == "门":
                continue        # 环境保护部门, 农业部门: "the departments for", not the ministry
            suggestion = match.expand(rule.suggestion) if "\\" in rule.suggestion else rule.suggestion
            hits.append(Hit(start, match.group(0), suggestion,
                            f"{rule.kind}：“{match.group(0)}”建议改为“{suggestion}”（依据：{rule.source}）",
                            CHECK, end - start))
    return without_overlaps(hits)       # 中港两地 holds 中港: one finding


def improper_wording(ctx):
    """text.improper over every page of the run (template text once per site), each site's rules
    as they hold in its region."""
    from checks.sitetext import of_site      # the site's joined text, shared with text.typo
    from checks.textscan import site_findings

    def for_site(facts):
        return partial(scan_improper, region=region_of(of_site(facts).text))
    yield from site_findings(ctx, CHECK, scan_improper, per_site=for_site)
