"""text.typo for real-word errors: a correct word standing where its twin was meant (截止/截至).

A dictionary cannot catch 截止3月底 or 陈述、申辩的权力: both forms are words. The statistical
detector (checks/typolm.py) rarely questions them either, since the written word is likely where
it stands. For the pairs proofreaders know to be confused (checks/data/confusable_words.tsv),
this asks the language model directly how much likelier the line becomes with the other form,
over every n-gram the change touches; a gain past CONFIDENT_GAIN is a typo, past SUSPECT_GAIN a
疑似. Both thresholds are set by bench/fit_typo.py's real-word table on ecspell_odw_train against
the held-out clean halves of xxqg_correct and rmrb1998_correct, never on odw_test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from checks import dictionary, lm, typolm
from checks.phrases import PhraseFinder

PAIRS: Final = lm.PACKAGE / "data" / "confusable_words.tsv"
CONFIDENT_GAIN: Final = 6.0      # nats: a typo
SUSPECT_GAIN: Final = 4.0        # nats: a 疑似 for staff


# Where usage alone decides, whatever the model says, (written, meant) -> one or more rules, each
# (what the clause before it ends with, what follows it), either None for anything:
# - 截止 (to close) takes no time after it: a date after it wants 截至 (截至3月底), while
#   截止到3月底 and 报名截止 are right; 截止日前 is 截至日前 (as of these days) unless what closes is
#   named before it (挂牌截止日前: before the listing's closing day);
# - one logs in (登录) to a website or system; 登陆 is a landing (台风登陆);
# - one reports (反映) to somebody (向县委组织部反映); 反应 is a reaction;
# - one reports for duty (报到) on time, with a deadline after it, or to an office (到县人社局报到); 报道 is news;
# - posts are counted in 编制 (事业编制, 编制内); 编织 is weaving (编织袋);
# - one has rights (权利) to education, to be heard, with duties beside them; 权力 is power;
# - a situation (形势) is grim or improving; a form (形式) is neither;
# - time is spent (度过寒冬), difficulties are crossed (渡过难关);
# - work is arranged and deployed (安排部署); 部属 are subordinates;
# - safety, hygiene and health are inspected (检查), and so is what a campaign or a leader's visit looks
#   at (专项检查, 带队检查, 检查验收) where the line names no procuratorate; 检察 is the procuratorate's work;
# - a 启事 announces (招聘启事); a 启示 enlightens. A list is put up for comment (公示); 公式 is a formula;
# - contracts are 签订 (签定 is the older form the standard no longer uses for them);
# - soil moisture is 墒情, river banks are 堤防, a bank lends 贷款, merit is 表彰: each the other
#   form's context only (提防诈骗, 支付货款 are right);
# - trouble is forestalled: 防患于未然, never 防范于未然.
# - work is done on time (按期完成), two demands are paired (既要…也要), a written examination is sat
#   (笔试成绩), and what happens is reported at once (及时报告): 按其, 即要, 笔式 and 即使 are other words;
# - hidden dangers are checked one by one (隐患摸排), one meeting is held with another (推进会暨培训会)
#   and new staff serve a probation (试用期制度): 摸牌, 会既, 适用期 and 使用期 are other words.
Rule = tuple[re.Pattern | None, re.Pattern | None]
# Another meeting's or event's name after 暨, with no 也 or 又 answering a 既 later.
ANOTHER_MEETING: Final = re.compile(r"(?![是要有能可])[^，,。；;：:]{2,20}?(会|会议|活动|仪式|典礼)(?![^。；;]*[也又])")
RULES: Final[dict[tuple[str, str], tuple[Rule, ...]]] = {
    ("截止", "截至"): ((None, re.compile(r"[0-9０-９〇一二三四五六七八九十]|目前|今年|去年|上年|本年|本月|上月|当年|"
                                      r"年底|年末|月底|月末|发稿")),
                     (re.compile(r"(?<!报名|申报|挂牌|公示|征集|投标|受理|申请|缴费|报送|提交|交易|竞买|登记|注册|"
                                 r"认购|活动|评选|报价|竞价|应聘|招标|采购)$"), re.compile(r"日前"))),
    ("登陆", "登录"): ((None, re.compile(r"[^，。；]{0,12}?(网站|网页|平台|系统|账号|账户|客户端|小程序|官网|邮箱|"
                                      r"APP|App|app)")),),
    ("反应", "反映"): ((re.compile(r"向[^，。；、]{1,12}$"), None),),
    ("报道", "报到"): ((None, re.compile(r"[，,]?逾期|手续|地点|须知|注册|上岗")),
                   (re.compile(r"(按时|准时|如期|新生|新兵|入学|入职|前来)$"), None),
                   (re.compile(r"^(?!.*(记者|采访)).*到[^，。；、]{1,16}(局|部|办|中心|委|处|科|站|所|厅|公司|单位)$"),
                    re.compile(r"[。；;，,]|$"))),
    ("编织", "编制"): ((re.compile(r"(事业|行政|机关|全额|差额|核定|空余|空|占用|使用)$"), None),
                   (None, re.compile(r"内|外|人员|数|岗位|身份|标准|总量|部门"))),
    ("权力", "权利"): ((re.compile(r"(受教育|教育|陈述|申辩|知情|表达|继承|隐私|劳动|休息|申诉|控告|检举|听证)的$"), None),
                   (re.compile(r"(享有|侵害|侵犯|剥夺)[^，。；、]{0,16}的$"), None),
                   (None, re.compile(r"(和|与|及)义务"))),
    ("形式", "形势"): ((None, re.compile(r"(依然|仍然|仍|十分|更加|较为|总体)?(严峻|不容乐观|稳中向好|持续向好|好转)")),),
    ("渡过", "度过"): ((None, re.compile(r"(寒冬|冬天|冬季|春节|假期|暑假|寒假|晚年|童年|一生|时光|节日|难忘)")),),
    ("度过", "渡过"): ((None, re.compile(r"(难关|危机|难题)")),),
    ("部属", "部署"): ((re.compile(r"(安排|周密|精心|统筹|全面|专题|研究)$"), None),),
    ("检察", "检查"): ((re.compile(r"(安全|大|质量|卫生|消防|例行|突击|体格|身体|健康|自查|抽查|督查|督导|巡查|执法|定期|逐一)$"),
                     re.compile(r"(?!官|院|长|机关|委员|建议|人员|权|职能|业务|监督|工作)")),
                    (re.compile(r"^(?!.*检察(院|机关|官|长|委员会)).*(生产|专项|带队|入户|现场|全面|免费|联合|节前|拉网式)$"),
                     re.compile(r"(?!官|院|长|机关|委员|建议|人员|权|职能|业务|监督|工作|活动)")),
                    (None, re.compile(r"验收|身体"))),
    ("启示", "启事"): ((re.compile(r"(招聘|招考|招生|征稿|征文|征集|寻人|寻物|招领|更正|迁址|遗失)[^，。；、的]{0,16}$"), None),),
    ("公式", "公示"): ((re.compile(r"(予以|进行|张贴|现予|拟)$"), None),
                   (None, re.compile(r"(名单|期满|期间|期为|无异议|栏|牌)"))),
    ("签定", "签订"): ((None, re.compile(r"了?(合同|协议|合作|项目|责任书|承诺书|备忘录|框架|战略|投资|购销|劳动)")),),
    ("商情", "墒情"): ((re.compile(r"(土壤|田间|农田|抗旱|旱情|苗情、?)$"), None),),
    ("提防", "堤防"): ((re.compile(r"(黄河|长江|淮河|汉江|珠江|河道|河流|江河|沿河|沿江|海|水库|干流|支流|大堤|薄弱|加固)$"), None),
                   (None, re.compile(r"(工程|加固|险工|险段|决口|除险|达标|标准化|巡查|巡护|险情|渗水|管涌|隐患(排查|整治|点)|"
                                     r"[和及、](重点)?(水库|山塘|涵闸|泵站))"))),
    ("货款", "贷款"): ((re.compile(r"(担保|小额|信用|助学|扶贫|按揭|商业|住房|公积金|贴息|创业|惠农|涉农|无息|低息)$"), None),),
    ("表章", "表彰"): ((re.compile(r"(进行了|予以|受到|获得|给予|通报|进行)$"), None),
                   (None, re.compile(r"(大会|决定|奖励|先进|名单|年度|一批|优秀)"))),
    ("防范", "防患"): ((None, re.compile(r"于未然")),),
    # Work is done on time (按期完成, 按期交付); 按其 is "by its" (按其职责) and takes a noun.
    # Not what a subsidy is reckoned by (按其缴纳税收, 按其完成的投资额).
    ("按其", "按期"): ((None, re.compile(r"(完成|完工|交付|竣工|办结|提交|报送|上报|开工|投产|归还|偿还|到岗|报到|建成|验收|"
                                      r"答复|销号|还款|并网)"
                                      r"(?![的额量])")),),
    # 既要…也要 pairs two demands; 即要 (just then need) takes no 也要 after it.
    ("即要", "既要"): ((None, re.compile(r"(?!求)[^。；;！？!?]{1,30}?[，,、][^。；;！？!?]{0,8}?(也要|又要|更要|还要)")),),
    # What is reported or handled at once (要及时报告, 险情及时处置); 即使 (even if) opens its clause and
    # 也, 还 or 仍 answers it later (即使报告了也…, ，即使处置得当，仍需…).
    ("即使", "及时"): ((re.compile(r"[\u4e00-\u9fff]$"),
                      re.compile(r"(报告|报送|上报|处置|处理|整改|反馈|发布|清理|救治|转移|疏散|回复|办理|化解|跟进|"
                                 r"告知|通报|排除|消除|研判|预警|制止|纠正|兑现|拨付|发放)(?![^。；;！？!?]*[也还仍])")),),
    # A written examination (笔试) is sat, scored and passed; 笔式 is a pen-shaped thing.
    ("笔式", "笔试"): ((re.compile(r"(招聘|招考|考试|选调|遴选|参加|进入|组织|统一)$"), None),
                   (None, re.compile(r"(成绩|合格|时间|地点|内容|科目|采取|采用|结束|阶段|环节|考场|考试|人员|名单|入围|"
                                     r"资格|分数|试卷|题目|命题|阅卷|和面试|、面试|面试|于|将于|定于|在)"))),
    # Hidden dangers and households are checked one by one (摸排, 摸底排查); 摸牌 draws a mahjong tile.
    ("摸牌", "摸排"): ((re.compile(r"((开展|进行|组织)[\u4e00-\u9fff]{0,6}|全面|逐户|逐一|隐患|拉网式|集中|深入|彻底|走访|调查|"
                                r"排查|起底式)$"), None),
                   (None, re.compile(r"(辖区|底数|清楚|核实|登记|建档|工作|行动|整治|范围|对象|重点)"))),
    # One meeting held together with another (推进会暨培训会); 会既是…也是 pairs what a meeting is.
    ("会既", "会暨"): ((None, ANOTHER_MEETING),),
    ("会议既", "会议暨"): ((None, ANOTHER_MEETING),),
    # New staff serve a probation (试用期制度, 试用期满); a rule's 适用期 is the time it applies.
    ("适用期", "试用期"): ((re.compile(r"(实行|实施|约定|新聘用?人员|新录用人员|聘用人员)$"), None),
                     (None, re.compile(r"(制度|满|考核|期满|工资|待遇)"))),
    # ...and a thing's 使用期 (设备使用期满) is its service life: only a probation's frame decides.
    ("使用期", "试用期"): ((re.compile(r"(实行|新聘用?人员|新录用人员|聘用人员|新进人员)$"), re.compile(r"(制度|考核)")),),
}


# Where what follows rules the twin out, whatever the model says: a statute comes into force
# (施行) with nothing after it (自2025年1月1日起施行。), so 实行 with an object is right
# (自6月1日起实行延时服务, 实行24小时值班); 施行之日 stays open. The other way, 施行 that ends
# its clause is a rule coming into force (不得印发施行。), never 实行. And 实时 before what is
# sent, watched or shown (实时传输, 实时监测, 实时路况) means "in real time", not 实施. Goods that
# are stored, shipped or handed out (物资装备, 物资储备, 物资调运) are 物资, whatever the model says.
# 同一 before what is one and the same (同一岗位, 同一地块) is no 统一. Things stood upright are
# 竖立 (竖立警示牌, 竖立鹰架), not 树立 (a model, an idea); a journey's 行程 has its days, its route
# and its stages (行程一般为二至四天), which 形成 never takes. An emergency 响应 has its levels, plan
# and state (确定响应等级, 响应终止), whatever 相应 would make of them. 化装 is to dress up as
# something (化装成): 化妆 with no 成 or 为 after it (体检当天不得化妆) is make-up, never 化装.

RULED_OUT: Final[dict[tuple[str, str], re.Pattern]] = {
    ("实行", "施行"): re.compile(r"(?!之)[^，,。；;：:！？!?、）)”\s]"),
    ("施行", "实行"): re.compile(r"[，,。；;：:！？!?、）)”\s]|$"),
    ("同一", "统一"): re.compile(r"(岗位|职位|单位|地区|地点|时间|时段|时期|批次|批|个|人|户|家|所|对象|主体|事项|案件|"
                             r"村|乡镇|区域|地块|企业|车辆|产品|品种|考场|考点|工种|等级)"),
    ("物资", "物质"): re.compile(r"(装备|储备|储运|调运|调配|采购|运输|发放|捐赠|仓库|配送|供应|清单|保供|转运)"),
    ("竖立", "树立"): re.compile(r"[^，,。；;]{0,8}?(牌|碑|(?<!标)杆|架|桩|柱|标志|标识|旗|塔|雕塑|塑像|屏|栏|板|界石)"),
    ("行程", "形成"): re.compile(r"(一般为|一般|约为?|共计?|全程|全长|安排|路线|天数|时间|结束|期间|中|单|码|"
                             r"[0-9０-９一二三四五六七八九十两半]+(天|日|小时|公里|千米))"),
    ("响应", "相应"): re.compile(r"(等级|级别|机制|程序|预案|状态|行动|启动|终止|结束|解除|调整|升级|降级)"),
    ("化妆", "化装"): re.compile(r"(?![成为])"),
    # What is woven, and who weaves it: 编织袋, 编织专业合作社, 编织技艺 (编制 is a head count).
    ("编织", "编制"): re.compile(r"(专业合作社|合作社|袋|网|工艺|技艺|手艺|品|厂|车间|工坊|作坊|竹|草|藤|柳|毛衣)"),
    # 政治 with what only politics has (政治站位, 政治纪律), or a 政治工程 in a list of kinds of project
    # (一项政治工程、民生工程): no 整治, however often a county writes 整治工程.
    ("政治", "整治"): re.compile(r"(站位|优势|素质|纪律|规矩|担当|忠诚|立场|觉悟|工程[、，,和与])"),
    ("实时", "实施"): re.compile(r"(传|监|更新|查|显示|播|采集|上传|在线|掌握|发布|共享|同步|推送|定位|跟踪|响应|预警|"
                             r"数据|动态|画面|视频|路况|信息|调度|反馈|比对|核验)"),
}


ASSESSMENT_WEIGHS: Final = re.compile(r"(面试|笔试|考试|考核|测评|主要|重点|着重)$")


# Where what comes before rules the twin out: those who benefit, counted (200多户果农受益) or
# made to (让群众受益), or how they do (直接受益, 从中受益), take the verb 受益, never 收益. What one
# rejects, answers or meets (拒绝对他的指责, 遭到…指责) is blame, never a duty (职责).
RULED_OUT_BEFORE: Final[dict[tuple[str, str], re.Pattern]] = {
    # A bloom, an epidemic or a flood breaks out as 暴发 (蓝藻水华集中暴发, 山洪暴发); 爆发 is a war's or a volcano's.
    ("暴发", "爆发"): re.compile(r"(水华|蓝藻|藻类|赤潮|疫情|疫病|疾病|传染病|病虫害|虫害|山洪|洪水|泥石流|蝗灾)[^，,。；;]{0,6}$"),
    # A parking space taken (停车占位, 车辆占位) is no stance (站位).
    ("占位", "站位"): re.compile(r"(停车|车辆|车位|违停|乱停|抢|恶意|长期)$"),
    # What an interview or assessment weighs, usage writes either way (面试主要考察应聘人员的沟通能力,
    # 专业考核重点考查应聘人员的专业水平).
    ("考察", "考查"): ASSESSMENT_WEIGHS,
    ("考查", "考察"): ASSESSMENT_WEIGHS,
    ("指责", "职责"): re.compile(r"(拒绝|回应|反驳|驳斥|否认|面对|遭到|受到|引来|招致|引发)[^，,。；;]{0,16}$"),
    # An emergency response has its grades (Ⅲ级以上响应, 应急响应): no 相应 after a grade.
    ("响应", "相应"): re.compile(r"([ⅠⅡⅢⅣ一二三四1-4]级(以上|及以上|以下)?|应急|防汛|防台|防旱|防风)$"),
    # What is recorded as it happens (全程记录, 如实记录, 做好记录) is a 记录, never a 纪录 (a best mark).
    ("记录", "纪录"): re.compile(r"(全程|如实|详细|做好|认真|实时|及时|逐一|跟踪|影像|视频|监控|值班|巡查|检查|作业|台账)$"),
    # Returns shared out, earned or raised (按比例分享收益, 增加集体收益) are 收益, the noun: the model
    # reads 分享受益 for 享受 in it.
    ("收益", "受益"): re.compile(r"(分享|分配|共享|分红|获得|取得|增加|提高|带来|产生|实现|保障|确保|享有|稳定|"
                             r"投资|经营|财产|土地|集体|预期|亩均|年均|人均)$"),
    ("受益", "收益"): re.compile(r"(?:[0-9０-９一二三四五六七八九十百千万两多余][户人名家位][\u4e00-\u9fff]{0,4}|"
                             r"(?:让|使|惠及)[\u4e00-\u9fff]{0,4}|直接|间接|广泛|普遍|共同|从中|均|都)$"),
}


# Pairs only a usage rule decides: the model reads 检察监督 as happily as 检查监督, and took a
# market bureau's 证照检查 for the procuratorate's (a mock county); 检查院 and 检查长 are known pairs.
BY_RULE_ONLY: Final = frozenset({("检察", "检查"), ("检查", "检察"), ("签定", "签订"), ("商情", "墒情"), ("提防", "堤防"),
                                 ("货款", "贷款"), ("表章", "表彰"),
                                 ("按其", "按期"), ("即要", "既要"), ("笔式", "笔试"), ("即使", "及时"),
                                 ("摸牌", "摸排"), ("会既", "会暨"), ("会议既", "会议暨"), ("适用期", "试用期"),
                                 ("使用期", "试用期")})


@dataclass(frozen=True, slots=True)
class Confusion:
    """A written word the model would rather read as its twin."""

    offset: int
    written: str
    meant: str
    gain: float         # how much likelier the language model finds the line with `meant` (nats)
    note: str           # what the meant form means, for staff

    @property
    def confident(self) -> bool:
        return self.gain > CONFIDENT_GAIN

    @property
    def by_rule(self) -> bool:
        """Decided by a usage rule (RULES), not by the model."""
        return self.gain == float("inf")


@lru_cache(maxsize=1)
def pairs() -> PhraseFinder[tuple[tuple[str, str], ...]]:
    """Written form -> ((meant form, usage note), ...), less the forms both correct (制订/制定)."""
    table: dict[str, list[tuple[str, str]]] = {}
    variants = typolm.variant_words()
    for line in PAIRS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        written, meant, note = (line.split("\t") + ["", ""])[:3]
        if len(written) == len(meant) and written != meant and (written, meant) not in variants:
            table.setdefault(written, []).append((meant, note))
    return PhraseFinder({written: tuple(options) for written, options in table.items()})


def confusions(line: str, model: lm.Model) -> list[Confusion]:
    """Each confusable word in `line` the model would rather read as its twin (gain past SUSPECT_GAIN)."""
    found = []
    text = None
    for start, written, options in pairs().find(line):
        by_usage = next(((meant, note) for meant, note in options if _by_usage(line, start, written, meant)), None)
        if by_usage is not None:
            # The rule reads the words on either side itself (度过难关 holds the rare word 过难).
            found.append(Confusion(start, written, by_usage[0], float("inf"), by_usage[1]))
            continue
        if dictionary.straddles_word(line, start, start + len(written)) or dictionary.in_term(line, start):
            continue        # 检察院 holds 检察, 反映出 is no 反应出, 响应文件 is a term: not the word where it stands
        if text is None:
            text = lm.BEGIN + lm.normalize(line) + lm.END
        weighed = [(meant, note) for meant, note in options if (written, meant) not in BY_RULE_ONLY
                   and not _ruled_out(line, start, written, meant)]
        if not weighed:
            continue
        gain, meant, note = max((model.gain(text, start + 1, written, meant), meant, note)
                                for meant, note in weighed)
        if gain > SUSPECT_GAIN:
            found.append(Confusion(start, written, meant, gain, note))
    return found


def _by_usage(line: str, start: int, written: str, meant: str) -> bool:
    """True when a usage rule (RULES) says `meant` is what `written` at `start` should be."""
    return any((before is None or before.search(line, 0, start))
               and (after is None or after.match(line, start + len(written)))
               for before, after in RULES.get((written, meant), ()))


# Words that need a qualifier before them (春节期间): where a clause begins with the written
# form, that is the one it wants (…，其间将陆续推出 is 'in that time').
QUALIFIED: Final = frozenset({("其间", "期间")})
CLAUSE_START: Final = frozenset("，,。；;：:！？!?、（(“")


# A notice's title names its kind last: 关于征集侨乡老照片的启事 is a 启事 whatever the model says.
NOTICE_TITLE: Final = re.compile(r"关于[^。；;！？!?]+的$")


def _ruled_out(line: str, start: int, written: str, meant: str) -> bool:
    """True when what comes before or after `written` at `start` rules `meant` out (RULED_OUT_BEFORE,
    RULED_OUT), a clause begins with it where `meant` needs a qualifier (QUALIFIED), or it ends a
    notice's title (NOTICE_TITLE)."""
    if (written, meant) in QUALIFIED and (start == 0 or line[start - 1] in CLAUSE_START):
        return True
    if line[start + len(written):start + len(written) + 1] in ("", "。", " ", "\n") \
            and NOTICE_TITLE.search(line, 0, start):
        return True         # the title ends its sentence, alone or before the notice's text
    before = RULED_OUT_BEFORE.get((written, meant))
    if before is not None and before.search(line, 0, start):
        return True
    after = RULED_OUT.get((written, meant))
    return after is not None and after.match(line, start + len(written)) is not None
