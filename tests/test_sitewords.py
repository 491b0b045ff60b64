"""A pair written once that the site writes elsewhere as a word of its own (checks/sitetext.py, site_words).

The sentences were written for these tests in ordinary county-government phrasing.
"""

from __future__ import annotations

from checks import dictionary, typolm
from checks.sitetext import SiteText, site_words
from checks.typos import scan_typos

# Pepper orchards, not tea gardens or pear orchards: with more tea counties' text in the model (nineteenth session), the
# detector alone now finds 茶员, and (with mocks up to 538 in its text) 梨员; 椒员 only the site's own 椒园 can show.
PEPPER_ORCHARDS = "全县椒园面积达到3.2万亩。\n椒园保护与利用工作推进会召开。\n加强椒园灌溉设施建设。\n"
LINE = "今年全县新建椒员1200亩，完成年度任务。"


def test_a_slip_for_the_sites_own_word_is_a_typo():
    assert scan_typos(LINE) == []       # the detector alone makes it a 疑似 at most
    [hit] = scan_typos(LINE, None, SiteText(PEPPER_ORCHARDS + LINE))
    assert (hit.evidence, hit.suggestion, hit.check, hit.offset) == ("椒员", "椒园", "text.typo", LINE.index("椒员"))
    assert "本站其他页面 3 处写作“椒园”" in hit.detail


def test_a_rare_character_of_the_sites_own_word_is_offered_by_its_reading():
    # 猕 is rarer than the same-pinyin lists reach; the site's own 猕猴桃 shows what 迷猴桃 meant.
    kiwi = "全县猕猴桃种植面积达到5.6万亩。\n猕猴桃产业发展大会召开。\n新建猕猴桃冷链仓储中心。\n"
    line = "今年全县新栽迷猴桃800亩，带动农户增收。"
    assert "猕" in typolm.homophones()["迷"] and "猕" not in typolm.confusion()["迷"][0]
    assert scan_typos(line) == []
    [hit] = scan_typos(line, None, SiteText(kiwi + line))
    assert (hit.evidence, hit.suggestion) == ("迷猴", "猕猴")


def test_the_sites_writing_decides_where_the_model_barely_knows_the_word():
    # 刮青 (scraping the green skin off bamboo) is rare in any text: the model prefers it over 刮清
    # here by about 2 nats, and the site writing it in the same company says what was meant.
    bamboo = "篾匠在作坊里刮青。\n每天都在作坊里刮青。\n竹材运到作坊里刮青破篾。\n刮青去节都在作坊里完成。\n"
    line = "老艺人每天都要在作坊里刮清去节。"
    [hit] = scan_typos(line, None, SiteText(bamboo + line))
    assert (hit.evidence, hit.suggestion) == ("刮清", "刮青")


def test_a_list_of_the_same_plants_parts_is_no_site_word():
    # 参须、参叶、参花: the site's 参业 (the ginseng trade) is no slip's meaning in a list of parts.
    from checks import dictionary
    from checks.sitetext import _guarded
    line = "提高参须、参叶、参花综合利用水平。"
    at = line.index("参叶")
    assert _guarded(line, at, at + 1, "业", dictionary.words())
    assert not _guarded("提高参叶综合利用水平。", 2, 3, "业", dictionary.words())


def test_the_word_must_be_the_sites_own():
    # Written once elsewhere is not enough; nor is a pair the site itself writes again (a name).
    assert scan_typos(LINE, None, SiteText("全县椒园面积达到3.2万亩。\n" + LINE)) == []
    assert scan_typos(LINE, None, SiteText(PEPPER_ORCHARDS + "椒员村委会\n" + LINE)) == []


def test_a_word_every_text_writes_is_no_evidence():
    # 一条 on a long site is what any text of that length holds, not a word of the site's field.
    model = typolm.detector().model
    line = "开发艾条、艾贴等产品。"
    common = "县里召开会议研究部署工作。" * 2000 + "\n修建一条道路\n新增一条航线\n"
    assert [w for w in site_words(line, SiteText(common + line), model) if w.meant == "一条"] == []


def test_grammar_characters_names_and_set_phrases_are_left_alone():
    site = "\n".join(["乡村振兴", "乡村治理", "河湖长制", "巡护河湖", "公示名单"] * 3) + "\n"
    for line in ("推动政务服务向村延伸。", "持续开展巡河护河行动。", "坚持宜粮则粮、宜经则经。"):
        assert scan_typos(line, None, SiteText(site + line)) == [], line


def test_a_word_the_dictionary_lacks_counts_when_the_site_writes_it_in_the_same_company():
    # 滩田 (fields on a tidal flat) is in no dictionary; the site writes 各滩田 twice, so 各滩恬 is a slip.
    site = "全乡各滩田要做好春季育秧工作。\n下洋滩田组织农户开展病虫防治。\n请各滩田于月底前上报。\n"
    line = "各滩恬要在5月底前完成土地确权登记。"
    assert "滩田" not in dictionary.words()
    [hit] = scan_typos(line, None, SiteText(site + line))
    assert (hit.evidence, hit.suggestion) == ("滩恬", "滩田")
    # Written beside other characters only, it is not enough for a word the dictionary lacks.
    assert scan_typos(line, None, SiteText(site.replace("请各滩田", "请各村组") + line)) == []


def test_a_name_in_a_personnel_notice_is_a_name():
    line = "聘任魏东为县城乡供水服务中心主任。"
    site = SiteText("卫东路改造工程开工。\n卫东小学新校区投用。\n卫东社区开展义诊。\n" + line)
    assert scan_typos(line, None, site) == []


def test_the_three_characters_ending_in_a_suspect_written_elsewhere_make_it_a_local_name():
    from checks.sitetext import used_elsewhere
    line = "崔成哲在检查时要求，压实责任。"
    assert used_elsewhere(line, line.index("哲"), SiteText("县委书记崔成哲主持会议。\n" + line))
    # Not the three starting at it: 和改革 stands in 发展和改革局, 综和改革 is still a slip.
    slip = "深化综和改革试点。"
    assert not used_elsewhere(slip, slip.index("和"), SiteText("县发展和改革局\n" + slip))
    # ...but the three starting at a surname, where another line names the person (陆晓东说).
    line = "返乡大学生陆晓东和两名伙伴每天在直播间推介猕猴桃。"
    assert used_elsewhere(line, line.index("陆"), SiteText("陆晓东说，培训后自己学会了数据分析。\n" + line))
    assert not used_elsewhere(line, line.index("陆"), SiteText("陆晓东和伙伴开了网店。\n" + line))
    # ...or a title before it (县委书记沈卫东).
    line = "沈卫东在主持学习时指出，要讲好运河故事。"
    assert used_elsewhere(line, 0, SiteText("县委书记沈卫东主持召开常委会会议。\n" + line))
    assert not used_elsewhere(line, 0, SiteText("沈卫东的家乡在运河边。\n" + line))
    # A person's ID number after the name shows a person too (村民贺根生（身份证号…）).
    line = "如贺根生的身份证号显示为640000********1234。"
    assert used_elsewhere(line, line.index("贺"), SiteText("拟将村民贺根生（身份证号已隐去）纳入低保对象。\n" + line))
    # Two characters at a comma are a name only where neither is grammar: ，要建全 is no 要建 of the
    # site's, which writes 要建设 (“锦塘荔枝” after 锦塘镇 is).
    line = "会议强调，要建全传统民居日常巡查机制。"
    assert not used_elsewhere(line, line.index("建"), SiteText("会议强调，要建设美丽乡村。\n" + line))
    line = "“锦塘荔枝”品牌效应凸显。"
    assert used_elsewhere(line, line.index("塘"), SiteText("锦塘镇召开会议。\n" + line))


def test_a_character_the_site_writes_far_more_than_text_would_is_its_own():
    from checks.sitetext import own_character
    model = typolm.detector().model
    line = "养殖户介绍，稻田里养了蟹，杂草少了，化肥用量也降了。"
    crabs = "\n".join(["稻蟹综合种养面积达到1.2万亩", "扣蟹投放", "河蟹上市", "蟹田米品牌", "蟹塘改造"] * 2)
    assert own_character("蟹", SiteText(crabs + "\n" + line), model)
    assert not own_character("蟹", SiteText("县里召开会议研究部署工作。\n" + line), model)
    assert scan_typos(line, None, SiteText(crabs + "\n" + line)) == []
    # A character the model barely knows needs only three uses (作畦, 高畦: 畦间 is no 期间).
    beds = "参床作畦、床土消毒\n全部采用高畦作床、拱棚遮阴\n"
    ordinary = "县里召开会议研究部署工作。\n" * 40
    line = "参地整地后要按照1.2米宽的规格作畦，畦间留出作业道。"
    assert own_character("畦", SiteText(ordinary + beds + line), model)
    assert not own_character("畦", SiteText(ordinary + line), model)
    assert not own_character("区", SiteText(ordinary + "园区\n社区\n" + line + "区"), model)


def test_a_term_holds_a_confusable_word_as_it_is():
    assert scan_typos("逾期送达或不符合规定的响应文件不予受理。") == []


def test_a_slip_into_an_administrative_unit_is_not_confirmed_by_the_site():
    # 全县香菇产业 stands on every page of a mushroom county: 鲜香菇产量 is no 县香菇产量.
    from checks.sitetext import site_writes_fix
    line = "鲜香菇产量3.6万吨，增长4.3%。"
    site = SiteText("全县香菇产业提质增效。\n全县香菇产业总产值9.8亿元。\n" + line)
    assert site_writes_fix(line, typolm.Suspect(0, "鲜", "县", -0.5, False), site) is None
    # The same count confirms a slip into any other character (党祖书记 once, 党组书记 elsewhere).
    line = "县委常委、党祖书记主持会议。"
    site = SiteText("党组书记讲话。\n局党组书记调研。\n" + line)
    assert site_writes_fix(line, typolm.Suspect(line.index("祖"), "祖", "组", -0.5, False), site) == "党组书记"
