"""Text checks: privacy.leak, text.improper, text.typo_severe, text.typo, and `xunjian check-text`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from checks.improper import scan_improper
from checks.privacy import CHECK_CHARS, WEIGHTS, id_valid, luhn, scan_privacy
from checks.severe import scan_severe
from checks.typos import scan_typos
from tests.conftest import ROOT, findings_of, write_config, write_site, xunjian


def resident_id(first17: str) -> str:
    return first17 + CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


ID = resident_id("64040219900101123")


def test_resident_id_checksum_and_birth_date():
    assert id_valid(ID)
    assert not id_valid(ID[:-1] + ("0" if ID[-1] != "0" else "1"))        # wrong check digit
    assert not id_valid(resident_id("64040219901301123"))                  # month 13
    assert not id_valid(resident_id("99040219900101123"))                  # no such province


def test_privacy_leaks_are_found_and_masked():
    (hit,) = scan_privacy(f"申请人张三，身份证号{ID}。")
    assert hit.evidence == "640402********" + ID[-4:] and hit.check == "privacy.leak"
    (hit,) = scan_privacy("联系人：王小明，电话13812345678")
    assert hit.evidence == "138****5678"
    (hit,) = scan_privacy("王五（13912345678）")
    assert hit.evidence == "139****5678"
    # an ID number grouped 6-8-4
    (hit,) = scan_privacy(f"身份证号{ID[:6]} {ID[6:14]} {ID[14:]}，报考小学语文教师")
    assert hit.evidence == "640402********" + ID[-4:]
    # a name after a role word, the number after a label
    (hit,) = scan_privacy("考核优秀人员周婷婷，联系电话13993156204，服务单位为乡卫生院。")
    assert hit.evidence == "139****6204"
    (hit,) = scan_privacy("热心群众孙海平（手机号码18794102368）将钱包交到派出所。")
    assert hit.evidence == "187****2368"
    # a Mongolian name, no Han surname
    (hit,) = scan_privacy("如有疑问，请与县人社局斯琴图雅（150-4791-3627）联系。")
    assert hit.evidence == "150****3627"
    # a Tibetan name of two characters, right after an office's name
    (hit,) = scan_privacy("如有疑问，请与县农业农村局平措（139-8902-6631）联系。")
    assert hit.evidence == "139****6631"
    # a Dai name (岩 for men, 玉 for women) right after an office's name
    (hit,) = scan_privacy("如有疑问，请与县农业农村局岩罕（152-8796-3014）联系。")
    assert hit.evidence == "152****3014"
    # a rare surname that is also a common word (那), read as one only right after an office's name
    (hit,) = scan_privacy("如有疑问，请与县社保中心那丽娟（139-4271-6853）联系。")
    assert hit.evidence == "139****6853"
    assert scan_privacy("请与县社保中心那里（139-4271-6853）联系。") == []
    # 负责 and what is in one's charge, or 的…为, between a name and the number; an office is no name
    (hit,) = scan_privacy("本次电网改造由敖其尔负责现场协调，联系电话15849571206。")
    assert hit.evidence == "158****1206"
    (hit,) = scan_privacy("护林员起则阿木的联系电话为18787152436，负责巴拉么村片区巡护。")
    assert hit.evidence == "187****2436"
    assert scan_privacy("由县交通运输局负责现场协调，联系电话15849571206。") == []
    # a name, its ID number, then the phone number: both are the person's
    hits = scan_privacy("合格人员名单：海丽萍，身份证号640381198803141262，联系电话13909517264。")
    assert [h.evidence for h in hits][-1] == "139****7264"
    # a name in two parts joined by a dot after a role, and 负责 between the name and the number
    (hit,) = scan_privacy("维修服务由技术员努尔艾力·卡德尔负责，联系电话18099853061。")
    assert hit.evidence == "180****3061"
    # ... or after a place, with no role before it; a dot inside a title is no name
    (hit,) = scan_privacy("报名咨询：托格拉克乡阿依古丽·吐尔逊老师，电话15199034827。")
    assert hit.evidence == "151****4827"
    assert scan_privacy("《丝路·新疆》活动热线15199034827。") == []
    # 女士 and a 联系手机 label between the name and the number
    (hit,) = scan_privacy("侨批捐赠人陈美玲女士，联系手机18718590362，现居澳城街道。")
    assert hit.evidence == "187****0362"
    # a Hakka surname (赖) the privacy check once lacked
    (hit,) = scan_privacy("如有疑问，请与县农业农村局赖小军（139-7073-2561）联系。")
    assert hit.evidence == "139****2561"
    # a courtesy title between the name and its number; a role and a colon before a rare surname
    (hit,) = scan_privacy("报名咨询：县非遗保护中心郝晓丽老师，电话18635590423。")
    assert hit.evidence == "186****0423"
    (hit,) = scan_privacy("黄鱼坨镇渔船安全联络员：衣德福，联系电话18641193047。")
    assert hit.evidence == "186****3047"
    (hit,) = scan_privacy("如发现象群活动，请及时联系曼岗乡监测员玉罕，手机15912873064。")
    assert hit.evidence == "159****3064"
    # a title right before a name of any surname; 联系 between a name and its number
    (hit,) = scan_privacy("庙坡村违建整治联络人：村委会主任惠长林，联系电话13891157324。")
    assert hit.evidence == "138****7324"
    (hit,) = scan_privacy("哲格乡生态管护员队长公保才旦，手机号15897256034，负责江格村片区巡护。")
    assert hit.evidence == "158****6034"
    (hit,) = scan_privacy("请与永丰现代农机专业合作社理事长孙宝山联系，手机15846213579。")
    assert hit.evidence == "158****3579"
    assert scan_privacy("请各村联络员做好报送，电话13812345678。") == []
    (hit,) = scan_privacy("乌力吉图嘎查草原管护员那顺乌日图（13847956210）负责该片区日常巡查。")
    assert hit.evidence == "138****6210"
    # a cadre of a Yi name; a Mongolian village head and a name of six, of two words the dictionary met as names
    (hit,) = scan_privacy("如有异议，可与社区干部俄木阿衣联系，电话15983420718。")
    assert hit.evidence == "159****0718"
    # a township's resettlement officer (移民专干) of a Yi name of four
    (hit,) = scan_privacy("如有疑问请联系金坪镇移民专干马海拉体，电话15181357428。")
    assert hit.evidence == "151****7428"
    assert scan_privacy("请联系镇民政专干办公室，电话15181357428。") == []
    # a valid ID number in the clause is a person's, whoever is named before it; a project code is not
    hits = scan_privacy("拟聘人员张丽萍，身份证号441481199207061286，联系电话13715208437，报到时请携带原件。")
    assert [h.evidence for h in hits] == ["441481********1286", "137****8437"]
    assert scan_privacy("项目编号441481199207061286，咨询电话13715208437。") == []
    (hit,) = scan_privacy("如对公示内容有异议，请联系嘎查达宝音德力格尔，手机13847562918。")
    assert hit.evidence == "138****2918"
    (hit,) = scan_privacy("如对公示结果有异议，可联系沙日塔拉嘎查嘎查长巴音那木拉（电话：15848236710）。")
    assert hit.evidence == "158****6710"
    # the owner or farmer a number belongs to, before a name of any surname and a phone label
    (hit,) = scan_privacy("什盆村黎家民宿业主羊春梅，联系电话18976631207，可提供预订服务。")
    assert hit.evidence == "189****1207"
    (hit,) = scan_privacy("夏日塘乡俄日村冷水鱼养殖户才让加，联系电话13897451628。")
    assert hit.evidence == "138****1628"
    assert scan_privacy("有意向的养殖户可拨打，联系电话13897451628。") == []
    # a craft's heir; an order's word before a labelled contact is no code label
    (hit,) = scan_privacy("皮影戏传承人那宝林，联系电话15842137690，欢迎各单位预约演出。")
    assert hit.evidence == "158****7690"
    (hit,) = scan_privacy("番茄订单收购联系人：赵小军 18747836591。")
    assert hit.evidence == "187****6591"
    (hit,) = scan_privacy("汝果傈僳族乡民宿经营户木建军（15187361924）被列入诚信经营示范户名单。")
    assert hit.evidence == "151****1924"
    # 盘, a Yao surname, right after an office's name (乡文化站盘志强)
    (hit,) = scan_privacy("盘王节活动报名请联系拉排瑶族乡文化站盘志强，电话18977865432。")
    assert hit.evidence == "189****5432"
    assert scan_privacy("有意向的村民请咨询，电话13897451628。") == []
    assert luhn("6222021234567890128")
    (hit,) = scan_privacy("收款账号6222 0212 3456 7890 128")
    assert hit.evidence == "6222***********0128"


@pytest.mark.parametrize("text", [
    "身份证号：640402********1235",          # masked: correct practice
    "联系人：王小明，电话138****5678",
    f"项目编号{ID}",                          # a code that happens to pass the checksum
    "咨询电话：13812345678",                  # an office line, no person's name
    f"编号{ID[:6]} {ID[6:14]}-{ID[14:]}",       # mixed separators: not one number
    "投诉电话13812345678",
    "常年法律顾问电话：13812345678",          # 顾问 is a word, not 顾 and a given name
    "查询电话：13812345678",
    "县农牧局执法大队（15047913627）",       # a unit, not a person
    "合同号6222021234567890128",
    "6222021234567890129",                   # fails Luhn
])
def test_privacy_not_findings(text):
    assert scan_privacy(text) == []


def test_improper_rules_and_exemptions():
    (hit,) = scan_improper("市国土资源局召开专题会议")
    assert (hit.evidence, hit.suggestion, hit.check) == ("国土资源局", "自然资源局", "text.improper")
    assert "2018" in hit.detail
    assert [h.suggestion for h in scan_improper("台湾总统选举")] == ["台湾地区领导人"]
    assert [h.evidence for h in scan_improper("中港两地合作")] == ["中港两地"]
    assert [h.evidence for h in scan_improper("合作的中港农产品冷链物流项目")] == ["中港"]
    assert [h.evidence for h in scan_improper("县卫计委发布通知")] == ["卫计委"]
    # 国家旅游局 after any character (据…), 文化部 only where it begins a name (not 企业文化部).
    assert [h.suggestion for h in scan_improper("据国家旅游局最新公布的名单，我县入选红色旅游经典景区。")] == ["文化和旅游部"]
    assert scan_improper("原国家旅游局于2018年并入文化和旅游部。") == []
    # 原 ending a word (草原, 高原) marks no former name.
    assert [h.evidence for h in scan_improper("草原旅游推介会邀请了两岸三地的旅行社代表参加。")] == ["两岸三地"]
    # The border police left active service in the 2018 reform; 中台 side by side, not 数据中台.
    assert [h.suggestion for h in scan_improper("县公安边防大队联合护边员开展边境巡逻")] == ["边境管理大队"]
    assert [h.evidence for h in scan_improper("推动中台农业交流合作")] == ["中台"]
    assert scan_improper("建设政务数据中台合作平台") == []
    # Taiwan listed among countries; the war on poverty as still to be won; the poverty office's full name.
    assert [h.suggestion for h in scan_improper("山茶油已销往新加坡、马来西亚、台湾等国家。")] == ["国家和地区"]
    assert scan_improper("产品销往美国、台湾等国家和地区。") == []
    (hit,) = scan_improper("2025年，全县将继续坚决打赢脱贫攻坚战。")
    assert hit.suggestion.startswith("巩固拓展脱贫攻坚成果")
    assert scan_improper("2019年，全县将继续坚决打赢脱贫攻坚战。") == []
    assert scan_improper("我县如期打赢脱贫攻坚战后，转入巩固拓展阶段。") == []
    assert [h.suggestion for h in scan_improper("县扶贫开发办公室牵头做好小额信贷工作")] == ["乡村振兴局"]
    # 原 in 原汁 marks no former name; 中港两地 is one finding; the Belt and Road is an initiative;
    # a slur for the intellectually disabled.
    assert [h.evidence for h in scan_improper("刺梨原汁已打入中港两地商超渠道。")] == ["中港两地"]
    assert [h.suggestion for h in scan_improper("深入解读“一带一路”战略带来的机遇")] == ["“一带一路”倡议"]
    assert scan_improper("共建“一带一路”倡议提出十周年") == []
    assert [h.evidence for h in scan_improper("县特殊教育学校现有在校弱智儿童43名。")] == ["弱智"]
    # The supervision bureau and the planning bureau abolished in 2018; the core of the Party Central Committee.
    assert [h.suggestion for h in scan_improper("县监察局对报酬发放情况开展了专项监督检查。")] == ["监察委员会"]
    assert scan_improper("国家矿山安全监察局山西局开展检查，纪检监察部门跟进。") == []
    assert [h.evidence for h in scan_improper("县城乡规划局对控制性详细规划进行了批前公示。")] == ["城乡规划局"]
    assert [h.suggestion for h in scan_improper("团结在以习近平同志为总书记的党中央周围")] == ["以习近平同志为核心的党中央"]
    assert [h.suggestion for h in scan_improper("鹿茸片去年首次出口南朝鲜。")] == ["韩国"]
    assert [h.suggestion for h in scan_improper("县袜业企业今年对北韩没有出口业务。")] == ["朝鲜"]
    assert [h.suggestion for h in scan_improper("我县竹炭制品主要出口日本、南韩和东南亚国家。")] == ["韩国"]
    assert scan_improper("河南韩庄村召开会议。") == []
    assert [h.suggestion for h in scan_improper("与台湾国立中兴大学专家开展交流。")] == ["台湾中兴大学"]
    assert [h.evidence for h in scan_improper("县旅游发展委员会组织召开旅游市场秩序整治工作推进会。")] == ["旅游发展委员会"]
    assert scan_improper("抗战时期的国立西南联合大学。") == []
    # A county's 粮食局 went into 发展和改革局 or became 粮食和物资储备局 in the 2018 reform.
    assert [h.evidence for h in scan_improper("县粮食局要求各收储企业做好秋粮收购工作。")] == ["粮食局"]
    assert scan_improper("原县粮食局宿舍区已进场施工，县粮食和物资储备局派员指导。") == []
    # Entry-exit inspection and quarantine went to the customs in 2018.
    assert [h.suggestion for h in scan_improper("勐湄出入境检验检疫局加强对进口水果的查验。")] == ["海关"]
    assert scan_improper("原勐湄出入境检验检疫局划入海关。") == []
    # Forestry became 林业和草原 in 2018: the state administration, the provinces' 林业厅 and the
    # Inner Mongolian banners' bureaus; a county's 林业局 and a forest enterprise's (阿尔山林业局) stay.
    assert [h.suggestion for h in scan_improper("国家林业局发布通知。")] == ["国家林业和草原局"]
    assert [h.evidence for h in scan_improper("旗林业局组织草原管护员开展春季防火巡查。")] == ["林业局"]
    assert [h.evidence for h in scan_improper("省林业厅召开全省森林防火工作会议。")] == ["林业厅"]
    assert scan_improper("县林业局、阿尔山林业局和旗林业和草原局开展联合巡护。") == []
    assert scan_improper("湖北韩家村和北韩村的村民参加了培训。") == []
    assert [h.suggestion for h in scan_improper("请于12月31日前缴纳2026年度新型农村合作医疗个人缴费部分。")] == ["城乡居民基本医疗保险"]
    assert scan_improper("2015年，全县新型农村合作医疗参合率达到98%。") == []
    assert [h.suggestion for h in scan_improper("继续加大对四省藏区牧民定居的支持力度。")] == ["四省涉藏州县"]
    assert scan_improper("原市国土资源局局长") == []                   # marked as former
    assert scan_improper("将国土资源部的职责整合") == []               # about the reform itself
    assert scan_improper("他在县国土资源局工作期间") == []             # when it existed
    assert [h.evidence for h in scan_improper("县环境保护局加强三夏期间秸秆禁烧巡查")] == ["环境保护局"]
    assert scan_improper("县秦岭生态环境保护局将适时组织开展抽查") == []     # a bureau of the new kind
    assert scan_improper("所谓“台湾总统”的说法") == []                 # a quotation
    assert scan_improper("市国土资源局召开专题会议", dt.date(2017, 5, 1)) == []   # page dated before
    assert scan_improper("伊斯兰国家") == [] and scan_improper("生态环保局") == []
    # A cited document keeps the name it was issued under.
    assert scan_improper("根据《白杨县国土资源局关于做好确权登记工作的通知》要求") == []
    # 前往 (go to) and 原则 (principle) do not mark a name as former.
    assert [h.evidence for h in scan_improper("纳税人可前往县地方税务局办理")] == ["地方税务局"]
    assert [h.evidence for h in scan_improper("按照属地原则，县国土资源局负责")] == ["国土资源局"]
    assert [h.evidence for h in scan_improper("县文化广电新闻出版局组织送戏下乡")] == ["文化广电新闻出版局"]
    assert [h.evidence for h in scan_improper("县文体广电新闻出版局举办石雕展")] == ["文体广电新闻出版局"]
    assert [h.evidence for h in scan_improper("根据农业部的统一部署")] == ["农业部"]
    assert scan_improper("各级农业部门要做好春耕") == [] and scan_improper("县文化和旅游局") == []
    assert [h.evidence for h in scan_improper("县旅游局举办推介活动")] == ["旅游局"]
    assert scan_improper("县旅游局举办推介活动")[0].suggestion.startswith("文化和旅游局")
    # 前 marks a former body only right before its name: 月底前 is a deadline, 老旧小区 old houses.
    assert [h.evidence for h in scan_improper("请各乡镇于本月底前将用地情况报送县国土资源局")] == ["国土资源局"]
    assert [h.evidence for h in scan_improper("将老旧小区供热情况报县卫生和计划生育委员会备案")] == ["卫生和计划生育委员会"]
    assert scan_improper("前县国土资源局局长王某") == [] and scan_improper("其前身为县国土资源局") == []
    assert [h.suggestion for h in scan_improper("县扶贫开发局组织召开会议")] == ["乡村振兴局"]
    # 农牧局 stays right in Inner Mongolia only; 海洋与渔业局 is flagged only where it is known to
    # be gone, and a site's region is what its text speaks of most.
    from checks.improper import region_of
    assert [h.suggestion for h in scan_improper("县农牧局组织技术人员指导春播", None, "甘肃")] == ["农业农村局"]
    assert [h.suggestion for h in scan_improper("县农牧局组织技术人员指导春播")] == ["农业农村局"]
    assert scan_improper("旗农牧局组织技术人员指导春播", None, "内蒙古") == []
    assert [h.suggestion for h in scan_improper("旗农牧业局调运玉米种子", None, "内蒙古")] == ["农牧局"]
    assert [h.evidence for h in scan_improper("县海洋与渔业局指导扇贝越冬", None, "辽宁")] == ["海洋与渔业局"]
    assert scan_improper("县海洋与渔业局指导大黄鱼养殖", None, "福建") == []
    # Zhejiang ended it too (2018), and has set up 海洋经济发展局 since (2023).
    (hit,) = scan_improper("休渔期间，县海洋与渔业局每天派出执法船巡查近岸海域。", None, "浙江")
    assert hit.suggestion.startswith("海洋经济发展局或农业农村局")
    assert region_of("全旗各嘎查、苏木要做好防火工作。" * 3) == "内蒙古"
    assert region_of("闽宁协作推动移民村发展。宁夏" * 2 + "福建" * 3) is None
    assert region_of("辽宁省沿海经济带。" * 3) == "辽宁"
    # The ICP licence in the footer says where a site stands, whatever its text speaks of.
    assert region_of("闽宁协作。福建福建福建\n主办：县人民政府办公室　宁ICP备05001234号") == "宁夏"
    assert [h.suggestion for h in scan_improper("有关事宜请咨询县民政局优抚安置股")] == ["退役军人事务局"]
    # The labour and social-security bodies went in 2008, 五保户 in 2016.
    assert [h.suggestion for h in scan_improper("县劳动和社会保障局开展再就业培训")] == ["人力资源和社会保障局"]
    assert [h.suggestion for h in scan_improper("县民政局对农村五保户开展走访慰问")] == ["特困人员"]
    assert scan_improper("2007年，县劳动和社会保障局开展再就业培训") == []
    # The population and family-planning bodies went in 2013.
    assert [h.evidence for h in scan_improper("县人口和计划生育局工作人员入户调查")] == ["人口和计划生育局"]
    # ... its short forms too, but not 卫生计生委 twice nor the 计生协, a society still in being.
    assert [h.evidence for h in scan_improper("县民政局与县计生委联合开展困难家庭走访慰问。")] == ["计生委"]
    assert [h.evidence for h in scan_improper("县卫生计生委召开会议")] == ["卫生计生委"]
    assert scan_improper("县计生协组织会员开展志愿服务") == []
    assert scan_improper("原县计生委办公楼改建为老年活动中心") == []
    # 农村经济委员会 was many counties' name for their 农委.
    assert [h.evidence for h in scan_improper("县农村经济委员会牵头制定谷子产业扶持资金使用方案。")] == ["农村经济委员会"]
    # 蒙古国 is not to be called 外蒙.
    assert [h.suggestion for h in scan_improper("组织企业赴俄罗斯和外蒙考察果蔬出口市场")] == ["蒙古国"]
    # 原产地 marks no former body.
    assert len(scan_improper("进口商品的原产地标注为台湾总统府所在地台北市")) == 1
    # A county's 文化广播影视局 went into its 文化和旅游局; the 文化广电和旅游局 is that new body.
    assert len(scan_improper("县文化广播影视局联合县文物保护中心开展安全巡查")) == 1
    assert scan_improper("县文化广电和旅游局开展安全巡查") == []
    # 伊斯兰教 is not to be called 回教 (1956); one goes back to the classroom (回教室) all the same.
    assert [h.suggestion for h in scan_improper("组织全县回教界人士开展座谈")] == ["伊斯兰教"]
    assert scan_improper("下课后同学们回教室自习") == []
    assert [h.evidence for h in scan_improper("开展中国与台湾青年交流活动")] == ["中国与台湾"]
    assert [h.evidence for h in scan_improper("下塘村村长带领村民")] == ["村长"]
    assert scan_improper("建立乡村长效管护机制") == []
    # A sentence that names an earlier year tells of then; one that runs on to now does not.
    assert scan_improper("2016年，县人民医院荣获省卫生和计划生育委员会授予的“先进集体”称号") == []
    assert [h.evidence for h in scan_improper("2016年以来，县国土资源局持续开展巡查")] == ["国土资源局"]
    # 民工 where it means the workers; 农民工, 居民工资 and 人民工作 are other words.
    assert [h.suggestion for h in scan_improper("督促企业按时足额支付民工工资")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("在高铁站为返乡民工免费提供热水")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("帮助326名民工追回被拖欠工资")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("确保在建工程项目的民工按时拿到工资")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("设立民工维权服务窗口")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("为外出务工的民工提供岗位信息")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("为返岗民工提供免费乘车服务")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("确保工地上的民工能够按时拿到工资")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("为返乡过年的民工开通免费返乡专车")] == ["农民工"]
    assert [h.evidence for h in scan_improper("组织中港青少年交流团赴国家公园研学")] == ["中港"]
    # Some coastal provinces kept their 海洋与渔业局 through the reform: no rule for it.
    assert scan_improper("具体解释工作由县海洋与渔业局负责") == []
    assert [h.suggestion for h in scan_improper("引导喇嘛教寺庙依法依规开展宗教活动")] == ["藏传佛教"]
    # 旧址 marks a former body only right after its name.
    assert scan_improper("县国土资源局旧址位于城关镇") == []
    assert [h.evidence for h in scan_improper("县文化广电新闻出版局组织专家对革命旧址开展调研")] == ["文化广电新闻出版局"]
    assert [h.evidence for h in scan_improper("吸引了来自两岸三地的茶商参加")] == ["两岸三地"]
    assert scan_improper("吸引了来自海峡两岸暨香港、澳门的茶商参加") == []
    for text in ("农民工工资专用账户", "城乡居民工资性收入", "做好新时代人民工作", "为民工作", "水库移民工程"):
        assert scan_improper(text) == [], text
    # 民工 and 维族 where they stand as words, whatever is around them; not read across other words.
    assert [h.suggestion for h in scan_improper("确保民工按时拿到工资")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("大批外地民工来到我县")] == ["农民工"]
    assert [h.suggestion for h in scan_improper("维族农民阿不都热依木")] == ["维吾尔族"]
    assert [h.suggestion for h in scan_improper("旗蒙古族中学蒙族学生获得一等奖")] == ["蒙古族"]
    for text in ("市民工会", "全体村民工作会议", "牧民工资", "新思维族群", "维吾尔族群众", "蒙古族群众"):
        assert scan_improper(text) == [], text
    # 中港 as a word before anything two places share; a road, a company or words across it are not.
    assert [h.evidence for h in scan_improper("签署中港集装箱物流合作备忘录")] == ["中港"]
    assert [h.evidence for h in scan_improper("进一步拓展中港花卉贸易")] == ["中港"]
    for text in ("沿中港路向东", "集中港口资源", "中港集团承建"):
        assert scan_improper(text) == [], text


def test_severe_names_formulations_and_titles():
    (hit,) = scan_severe("全国人民代表大会堂务委员会")
    assert hit.suggestion == "全国人民代表大会常务委员会" and hit.check == "text.typo_severe"
    assert [h.suggestion for h in scan_severe("以习近平总书记为核心的党中央")] == ["以习近平同志为核心的党中央"]
    assert [h.suggestion for h in scan_severe("习进平总书记强调")] == ["习近平总书记"]
    assert [h.suggestion for h in scan_severe("国务院总理赵乐际出席")] == ["国务院总理李强"]
    assert [h.evidence for h in scan_severe("中国共产党中华人民共合国")] == ["中华人民共合国"]
    # Near-homophones (民/名) and the Central Committee's plenary sessions.
    assert [h.suggestion for h in scan_severe("实现中华名族伟大复兴")] == ["中华民族伟大复兴"]
    assert [h.suggestion for h in scan_severe("学习党的二十界三中全会精神")] == ["二十届三中全会精神"]
    assert [h.suggestion for h in scan_severe("奋力谱写中国特色现代化涧淮篇章")] == ["谱写中国式现代化"]
    assert [h.suggestion for h in scan_severe("学习中国共产党第二十界中央委员会第四次全体会议精神")] == \
        ["中国共产党第二十届中央委员会"]
    for text in ("全国人民代表大会常务委员会", "以习近平同志为核心的党中央", "国务院总理李强出席",
                 "习近平总书记强调", "中华人民共和国国务院", "张国庆同志", "实现中华民族伟大复兴",
                 "学习党的二十届三中全会精神", "中国共产党第二十届中央委员会第四次全体会议"):
        assert scan_severe(text) == [], text
    # Two characters of a name swapped, a title misspelt, a character put into a formulation.
    assert [h.suggestion for h in scan_severe("委员长赵际乐主持闭幕会")] == ["委员长赵乐际"]
    assert [h.suggestion for h in scan_severe("聆听国务院总埋李强的报告")] == ["国务院总理李强"]
    # A two-character title slipped into no word, after the name (总里 is none; 竹席 would be one).
    assert [h.suggestion for h in scan_severe("会议传达学习了李强总里在国务院常务会议上的部署要求。")] == ["李强总理"]
    # Another leader's name misspelt under a title only one leader holds: both wrong, the name reported.
    (hit,) = scan_severe("中共中央政治局常委、中央纪委书记赵乐基在会上强调。")
    assert (hit.evidence, hit.suggestion) == ("赵乐基", "赵乐际") and "李希" in hit.detail
    # 共 dropped where the rest reads on as words (人民 和 国防): a listed wrong form all the same.
    assert [h.suggestion for h in scan_severe("《中华人民和国防洪法》明确规定。")] == ["中华人民共和国"]
    # A member's title for the chairman: 赵乐际 is 委员长 of the NPC Standing Committee.
    assert [h.suggestion for h in scan_severe("全国人大常委会委员赵乐际主持召开党组会议。")] == ["全国人大常委会委员长赵乐际"]
    assert scan_severe("全国人大常委会委员长赵乐际主持召开党组会议。") == []
    assert scan_severe("李强总理主持召开国务院常务会议") == []
    # One character dropped well inside a long formulation, whatever word its last character begins.
    assert [h.suggestion for h in scan_severe("要以习近平时代中国特色社会主义思想为指导。")] == \
        ["习近平新时代中国特色社会主义思想"]
    # The one holder of a title, one given-name character wrong, however unlike (宇/宁).
    assert [h.suggestion for h in scan_severe("全国政协主席王沪宇出席开幕会")] == ["王沪宁"]
    assert scan_severe("委员长吴邦国") == [] and scan_severe("全国政协主席王沪宁出席") == []
    assert [h.suggestion for h in scan_severe("坚持以习近平新时代的中国特色社会主义思想为指导")] == \
        ["习近平新时代中国特色社会主义思想"]
    # Correct text that holds a generated misspelling: an organ of its own, the end of a word,
    # an organ's name with 的 in a statute.
    for text in ("重大案件应当提交检察委员会讨论决定。", "以创新、协调、绿色、开放、共享发展理念为引领",
                 "可以向选举他的人民代表大会的常务委员会提出", "深入学习习近平新时代中国特色社会主义思想"):
        assert scan_severe(text) == [], text
    # Words dropped from a long formulation, or two of its pieces swapped; a dropped character in a
    # five-character name; a leader's title made deputy; a congress that cannot have met yet.
    assert [h.suggestion for h in scan_severe("坚持用习近平新时代特色社会主义思想武装头脑")] == \
        ["习近平新时代中国特色社会主义思想"]
    assert [h.suggestion for h in scan_severe("全面推进中华民族复兴伟大")] == ["中华民族伟大复兴"]
    assert [h.suggestion for h in scan_severe("今年是中国共党成立104周年")] == ["中国共产党"]
    assert [h.suggestion for h in scan_severe("全国人大常委会副委员长赵乐际主持会议")] == ["全国人大常委会委员长赵乐际"]
    assert [h.suggestion for h in scan_severe("学习贯彻党的二十二大精神")] == ["党的二十大精神"]
    # A plenary session counted by congress; a collocation that takes one formulation only; a
    # whole word dropped from a long formulation before a character that begins a word (想为).
    assert [h.suggestion for h in scan_severe("掀起学习贯彻党的二十大三中全会精神的热潮")] == ["二十届三中全会"]
    assert [h.suggestion for h in scan_severe("认真落实全国人大常务会的部署要求")] == ["全国人大常委会"]
    # A congress counted by 届; halves of a four-character name swapped; newly listed formulations.
    assert [h.suggestion for h in scan_severe("学习贯彻中国共产党第二十届全国代表大会精神")] == ["第二十次全国代表大会"]
    assert scan_severe("第十四届全国人民代表大会第二次会议") == []
    assert [h.suggestion for h in scan_severe("近日，中央中共、国务院印发意见")] == ["中共中央"]
    assert [h.suggestion for h in scan_severe("坚决维护党中央权威和集中同一领导")] == ["党中央权威和集中统一领导"]
    assert [h.suggestion for h in scan_severe("庆祝中华人民政治协商会议成立75周年")] == ["中国人民政治协商会议"]
    assert [h.suggestion for h in scan_severe("坚决维护以习近平同志为和心的党中央权威")] == ["以习近平同志为核心的党中央"]
    assert [h.suggestion for h in scan_severe("学习全国人大常委员会关于执法检查的报告")] == ["全国人大常委会"]
    # The Party's congress named as the legislature; the Party's name without its last character;
    # the Politburo (one shape-alike character); a formulation quoted with 式 dropped.
    assert [h.suggestion for h in scan_severe("中国共产党第二十次全国人民代表大会作出战略部署")] == ["第二十次全国代表大会"]
    assert [h.suggestion for h in scan_severe("开展纪念中国共产成立104周年系列活动")] == ["中国共产党"]
    assert scan_severe("中国共产主义青年团县委召开全会") == []
    assert [h.suggestion for h in scan_severe("中共中央政冶局召开会议")] == ["中共中央政治局"]
    assert [h.suggestion for h in scan_severe("紧紧围绕推进中国现代化这个最大的政治谋划工作")] == \
        ["推进中国式现代化这个最大的政治"]
    assert scan_severe("学习贯彻党的二十大和二十届三中全会精神") == []
    assert [h.suggestion for h in scan_severe("增强“四个意识”、坚定“四个自信”、做到“两个确保”")] == ["两个维护"]
    assert scan_severe("做到“两个维护”，牢记“两个务必”，坚持“两个结合”") == []
    # Without the quotation marks: a word slipped for the formulation's own (拥护 for 维护), or any two
    # characters before 的决定性意义; not another 两个… the sentence lists (做到两个确保：…).
    assert [h.suggestion for h in scan_severe("各级党组织要坚决做到两个拥护，确保决策部署落地见效。")] == ["两个维护"]
    assert [h.suggestion for h in scan_severe("深刻领悟两个树立的决定性意义。")] == ["两个确立"]
    assert [h.suggestion for h in scan_severe('要深刻领悟"两个确认"的决定性意义，坚决做到"两个维护"。')] == ["两个确立"]
    assert scan_severe("坚决做到两个确保：确保群众安全、确保工程安全。") == []
    assert scan_severe("坚决做到两个维护，深刻领悟两个确立的决定性意义。") == []
    assert [h.suggestion for h in scan_severe("推进中国化现代化澄湾实践")] == ["中国式现代化"]
    # After a long national title any listed leader's three-character name with its given name
    # slipped, holder of the title or not; there is no 国务院副主席.
    assert [h.suggestion for h in scan_severe("中共中央政治局常委、中央书记处书记丁雪祥的讲话指明了方向。")] == ["丁薛祥"]
    assert scan_severe("中央书记处书记蔡奇出席会议") == []
    # A leader's name misspelt in a sentence that passes on what was said (传达学习…讲话精神), but not
    # a local official's title before the name, nor a sentence about anything else.
    assert [h.suggestion for h in scan_severe("会议传达学习了蔡琦同志在有关会议上的讲话精神。")] == ["蔡奇"]
    assert scan_severe("传达学习县委书记蔡琦同志讲话精神。") == []
    assert scan_severe("组织学习蔡琦同志先进事迹。") == []
    # ...or on a leader's deployment (部署要求) or discourse (重要论述) studied.
    assert [h.suggestion for h in scan_severe("会议学习了丁雪祥同志关于防汛抗旱工作的部署要求。")] == ["丁薛祥"]
    assert scan_severe("会议学习了县委书记丁雪祥同志关于防汛抗旱工作的部署要求。") == []
    assert scan_severe("会议学习了丁雪祥同志的发言。") == []
    # ...or forwarded, led in study, or on what the leader stressed or required; a rarer homophone
    # (李兮 for 李希), which the generated variants hold and the confusion table does not.
    assert [h.suggestion for h in scan_severe("县委办公室转发了蔡琦同志在有关会议上强调的工作要求。")] == ["蔡奇"]
    assert [h.suggestion for h in scan_severe("会议传达学习了蔡琦同志关于整治形式主义为基层减负的有关要求。")] == ["蔡奇"]
    assert [h.suggestion for h in scan_severe("县委书记周立新领学了蔡齐同志关于加强基层党建工作的有关讲话。")] == ["蔡奇"]
    assert [h.suggestion for h in scan_severe("县纪委监委传达学习李兮同志在中央纪委全会上的工作报告。")] == ["李希"]
    assert scan_severe("县纪委书记李兮同志在会上作工作报告。") == []
    assert scan_severe("村委会转发了蔡琦同志的来信。") == []
    assert [h.suggestion for h in scan_severe("团结在以习近平同志为中心的党中央周围。")] == ["以习近平同志为核心的党中央"]
    # A three-character name with two neighbouring characters swapped, before 同志.
    assert [h.evidence for h in scan_severe("会议传达了薛丁祥同志关于生态环境保护工作的有关要求。")] == ["薛丁祥"]
    assert scan_severe("会议传达了县委书记薛丁祥同志关于生态环境保护工作的有关要求。") == []
    assert [h.suggestion for h in scan_severe("国务院副主席韩正出席活动并致辞。")] == ["国家副主席韩正"]
    assert [h.suggestion for h in scan_severe("要坚持以习近平中国特色社会主义思想为指导")] == \
        ["习近平新时代中国特色社会主义思想"]
    assert scan_severe("国家副主席习近平会见", dt.date(2010, 5, 1)) == []      # he was, then
    # A character put inside a title beside the name; two organ names in the wrong order; short names.
    assert [h.suggestion for h in scan_severe("收看全国人大常委会委员会长赵乐际的讲话")] == ["全国人大常委会委员长赵乐际"]
    assert [h.suggestion for h in scan_severe("学习国家监委中央纪委公开通报的典型问题")] == ["中央纪委国家监委"]
    assert [h.suggestion for h in scan_severe("学习全国正协十四届三次会议精神")] == ["全国政协"]
    # A title other leaders hold, next to one who does not; 的 put into a shorter formulation.
    assert [h.suggestion for h in scan_severe("全国人大常委会主席赵乐际讲话")] == ["委员长赵乐际"]
    assert [h.suggestion for h in scan_severe("国家副总理韩正会见外方嘉宾")] == ["副主席韩正"]
    # Another senior office next to a leader; a local official who shares a common name is no leader.
    assert [h.suggestion for h in scan_severe("学习中央组织部部长李希所作的工作报告")] == ["中央纪委书记李希"]
    assert [h.suggestion for h in scan_severe("中央纪委书记李喜强调")] == ["中央纪委书记李希"]
    assert scan_severe("中央办公厅主任蔡奇") == []
    for text in ("村党支部书记李强带领党员", "李强书记强调", "县政协副主席李强出席", "镇党委书记李喜主持会议"):
        assert scan_severe(text) == [], text
    assert [h.suggestion for h in scan_severe("积极践行全过程的人民民主")] == ["全过程人民民主"]
    for text in ("时任上海市委书记李强", "有中国特色的社会主义现代化报业集团", "蔡奇书记强调", "坚持以人民为中心"):
        assert scan_severe(text) == [], text
    for text in ("国务院副总理丁薛祥出席", "迎接党的二十一大胜利召开", "党的十二大提出", "十二届三中全会",
                 "推动高质量展示成果", "中华人民共和国国家安全法", "全国人大常委会委员长赵乐际主持",
                 "当年中央军未能守住", "赵乐际委员长出席"):
        assert scan_severe(text) == [], text
    # A character doubled inside an organ's name; the latest congress's numeral swapped in its 精神.
    assert [h.suggestion for h in scan_severe("传达学习中国人民政治协商会会议第十四届全国委员会精神")] == \
        ["中国人民政治协商会议"]
    assert [h.suggestion for h in scan_severe("深入学习贯彻党的十二大精神")] == ["党的二十大精神"]
    # An organ's name with its last character dropped; a numbered formulation with a word swapped.
    assert [h.suggestion for h in scan_severe("热烈庆祝中华人民共和成立76周年")] == ["中华人民共和国"]
    assert [h.suggestion for h in scan_severe("深刻领悟“两个确定”的决定性意义")] == ["“两个确立”"]
    # A formulation cut short, or with a character doubled, short ones too.
    assert [h.suggestion for h in scan_severe("深入学习中国特色社会主理论体系")] == ["中国特色社会主义理论体系"]
    assert [h.suggestion for h in scan_severe("完整准确全面贯彻新发展展理念")] == ["新发展理念"]
    assert [h.suggestion for h in scan_severe("坚持以毛泽东思思想为指导")] == ["毛泽东思想"]
    assert [h.suggestion for h in scan_severe("坚决做到“个两维护”")] == ["两个维护"]
    assert [h.suggestion for h in scan_severe("坚持以中国特色社会注意理论体系为指导")] == ["中国特色社会主义理论体系"]
    assert [h.suggestion for h in scan_severe("要把筑牢中华民族共同体意识作为主线")] == ["铸牢中华民族共同体意识"]
    # A replaced last character that begins a word (当成) is still an error when what comes before
    # it is no word of its own (中国共产); 中央军未能 stays right.
    assert [h.suggestion for h in scan_severe("为庆祝中国共产当成立104周年")] == ["中国共产党"]
    # A fuzzy-pinyin input method (s/sh) offers 意思 for 意识.
    assert [h.suggestion for h in scan_severe("牢固树立“四个意思”")] == ["四个意识"]
    assert [h.suggestion for h in scan_severe("认真学习宣传贯彻党的二十大经神")] == ["党的二十大精神"]
    assert [h.suggestion for h in scan_severe("学习十四届全国人民大代表会三次会议精神")] == ["全国人民代表大会"]
    # The state's name with any one character replaced; its traditional form is no slip.
    assert [h.suggestion for h in scan_severe("全旗各机关单位统一悬挂中华人明共和国国旗")] == ["中华人民共和国"]
    assert scan_severe("中華人民共和國國旗") == []
    # A year of the last century elsewhere on the page leaves a swapped numeral a slip.
    assert [h.suggestion for h in scan_severe("该厂1998年建成。全县要把学习贯彻党的十二大精神作为首要政治任务。")] == \
        ["党的二十大精神"]
    # A policy slogan misspelt is an ordinary typo, not a severe error.
    for text, right in (("要全面推进乡村震兴，加快建设宜居宜业和美乡村。", "乡村振兴"), ("全县上下要扎实推进乡村振新。", "乡村振兴")):
        assert scan_severe(text) == [], text
        assert [h.suggestion for h in scan_typos(text)] == [right], text
    # The one holder of a title with either character of a two-character name slipped; a former
    # holder is named rightly, and a word after the title is no name.
    assert [h.suggestion for h in scan_severe("国务院总理季强代表国务院作政府工作报告")] == ["李强"]
    assert [h.suggestion for h in scan_severe("传达学习了国务院总理李刚主持召开国务院常务会议时的讲话精神")] == ["李强"]
    for text in ("国务院总理李鹏出席", "国务院总理李克强作政府工作报告", "国务院总理也强调", "国务院总理李强出席",
                 "国务院总理李强调研"):
        assert scan_severe(text) == [], text
    # A formulation less its last character that correct text never writes so is cut short wherever it
    # stands (中国式现代 | 为); one it writes is cut only where its last word stands alone (科学发展).
    assert [h.suggestion for h in scan_severe("要以中国式现代为引领")] == ["中国式现代化"]
    assert [h.suggestion for h in scan_severe("推动人类命运共同建设")] == ["人类命运共同体"]
    for text in ("坚持科学发展，推动高质量发展", "坚持全面从严治校", "以中国式现代化为引领"):
        assert scan_severe(text) == [], text
    # The latest congress's numeral swapped beside its plenary sessions; a formulation run on.
    assert [h.suggestion for h in scan_severe("专题学习党的十二大和二十届三中全会精神")] == ["党的二十大"]
    assert [h.suggestion for h in scan_severe("坚定“四个自信心”")] == ["四个自信"]
    assert [h.suggestion for h in scan_severe("热烈庆祝中国共产主义党成立104周年")] == ["中国共产党"]
    assert scan_severe("中国共产主义青年团成立") == []
    # A character doubled where a formulation ends, two doubled inside an organ's name.
    assert [h.suggestion for h in scan_severe("坚定“四个自信”、做到“两个维护护”。")] == ["两个维护"]
    assert [h.suggestion for h in scan_severe("学习第十四届全国人民代表代表大会第三次会议精神")] == ["全国人民代表大会"]
    # Titles listed before a name are each the name's; another leader's is wrong.
    (hit,) = scan_severe("中共中央总书记、国务院总理、中央军委主席习近平作出重要指示")
    assert (hit.evidence, hit.suggestion) == ("国务院总理", "国家主席")
    for text in ("中共中央总书记、国家主席、中央军委主席习近平作出重要指示", "中共中央政治局常委、国务院总理李强主持会议",
                 "国家主席习近平、国务院总理李强出席", "村党支部书记、村委会主任李强介绍情况"):
        assert scan_severe(text) == [], text
    # The theory's parts and standing formulations (法治 written 法制, 作主 written 做主).
    assert [h.suggestion for h in scan_severe("深入学习贯彻习近平法制思想")] == ["习近平法治思想"]
    assert [h.suggestion for h in scan_severe("保证人民当家做主")] == ["人民当家作主"]
    # A whole formulation joined to a word by 的, and a verb's 了, are no character put in.
    for text in ("发挥中国特色社会主义的制度优势", "我们全面建成了小康社会"):
        assert scan_severe(text) == [], text
    for text in ("中华人民共和国国务委员", "由工业和信息化、商务等部门按照职责分工", "这两个确定的目标",
                 "坚持科学发展，推动科学发展观落实", "弘扬社会主义核心价值体系", "你省和住房城乡建设部要加强指导",
                 "1982年，全国上下认真学习党的十二大精神", "人民代表大会和常务委员会会议",
                 "党的十一届三中全会精神"):
        assert scan_severe(text) == [], text
    # One error, one finding: the wrong character inside a severe error is not also a typo.
    assert scan_typos("深入学习习进平新时代中国特色社会主义思想") == []


def test_severe_dropped_swapped_and_doubled_characters():
    # An inner character dropped from a short formulation, the first two characters of a name
    # swapped, the first character doubled before a phrase, a doubled 和 inside an organ's name.
    assert [h.suggestion for h in scan_severe("深刻领悟“两确立”的决定性意义")] == ["两个确立"]
    assert [h.suggestion for h in scan_severe("完整准确全面贯彻新展理念")] == ["新发展理念"]
    assert [h.suggestion for h in scan_severe("县第十八届民人代表大会第四次会议开幕")] == ["人民代表大会"]
    assert [h.suggestion for h in scan_severe("推动构建人人类命运共同体")] == ["人类命运共同体"]
    assert [h.suggestion for h in scan_severe("国家发展和和改革委员会印发通知")] == ["国家发展和改革委员会"]
    # A character of the phrase typed again in its neighbour's place; a rare homophone in a leader's name.
    assert [h.suggestion for h in scan_severe("奋力谱写中国式现代代锦溪篇章")] == ["中国式现代化"]
    assert [h.suggestion for h in scan_severe("传达学习中共中共办公厅印发的意见")] == ["中共中央办公厅"]
    assert [h.suggestion for h in scan_severe("国务院总理李镪主持召开国务院常务会议")] == ["国务院总理李强"]
    # A polyphone's other reading in a leader's name after the holder's title (茜 reads xi too); 习总书记;
    # a congress's 精神 by 届; 谱写中国现代化; a given name slipped where the sentence names the office.
    assert [h.suggestion for h in scan_severe("中央纪委书记李茜在全会上作工作报告")] == ["中央纪委书记李希"]
    assert [h.suggestion for h in scan_severe("传达学习习总书纪的重要讲话精神")] == ["习总书记"]
    assert [h.suggestion for h in scan_severe("深入学习贯彻党的二十届精神")] == ["党的二十大精神"]
    assert scan_severe("深入学习贯彻党的二十届三中全会精神") == []
    assert [h.suggestion for h in scan_severe("奋力谱写中国现代化江西篇章")] == ["谱写中国式现代化"]
    assert [h.suggestion for h in scan_severe("我们要以中国现代化为引领，谱写高质量发展新篇章")] == ["以中国式现代化为引领"]
    assert scan_severe("推进中国现代化进程的历史经验") == []
    assert [h.suggestion for h in scan_severe("丁雪祥在国家防总会议上作出部署")] == ["丁薛祥"]
    # The Party's fundamental purpose miswritten; its shorter pledge and its adverb form are right.
    assert [h.suggestion for h in scan_severe("始终牢记全新全意为人民服务的根本宗旨")] == ["全心全意为人民服务"]
    assert [h.suggestion for h in scan_severe("牢记全心全意为人服务的根本宗旨")] == ["全心全意为人民服务"]
    for text in ("民警坚持全心全意为民服务", "全心全意服务企业", "我们要全心全意地为人民服务"):
        assert scan_severe(text) == [], text
    # A long formulation with one character replaced by any other (时期 for 时代); a form in use, or a
    # replaced last character that makes a word, is left alone.
    assert [h.suggestion for h in scan_severe("要坚持以习近平新时区中国特色社会主义思想为指导")] == \
        ["习近平新时代中国特色社会主义思想"]
    assert [h.suggestion for h in scan_severe("铸牢中华民旅共同体意识")] == ["铸牢中华民族共同体意识"]
    for text in ("为全面建设社会主义现代化强国而团结奋斗", "建设中国特色社会主义文明"):
        assert scan_severe(text) == [], text
    # A shorter one with a character inside it replaced; at either end, or in the sixteenth
    # congress's 全面建设小康社会, the wording is a county's own or was right in its day.
    assert [h.suggestion for h in scan_severe("在推进中国式现在化广西实践中展现担当")] == ["中国式现代化"]
    for text in ("推进全面从严治警", "开创全面建设小康社会新局面", "以客户为中心"):
        assert scan_severe(text) == [], text
    # The nation's formulation made a county's or a city's own is no dropped 国.
    for text in ("县委全面依法治县委员会办公室", "深入推进全面依法治市"):
        assert scan_severe(text) == [], text
    assert [h.suggestion for h in scan_severe("坚持全面依法治，建设法治政府")] == ["全面依法治国"]
    # 二 for 两 in a formulation's count, 人们 for 人民 in the Party's purpose.
    assert [h.suggestion for h in scan_severe("做到“二个维护”")] == ["两个维护"]
    assert [h.suggestion for h in scan_severe("践行全心全意为人们服务的根本宗旨")] == ["全心全意为人民服务"]
    assert [h.suggestion for h in scan_severe("始终坚持全心全力为人民服务的根本宗旨")] == ["全心全意为人民服务"]
    # 全心全意为民服务 is a pledge of service, but the Party's purpose is worded as 党章 words it.
    assert [h.suggestion for h in scan_severe("要牢记全心全意为民服务的根本宗旨")] == ["全心全意为人民服务的根本宗旨"]
    assert scan_severe("窗口工作人员要全心全意为民服务") == []
    # 学习生态文明思想: the 习 ends 学习, no 习近平 with 近平 dropped; 学习习生态文明思想 drops it.
    assert scan_severe("县委理论学习中心组专题学习生态文明思想") == []
    assert [h.suggestion for h in scan_severe("专题学习习生态文明思想")] == ["习近平生态文明思想"]
    # ...but 践行 | 社会主义核心价观: 行社 is a word too, which the line does not read.
    assert [h.suggestion for h in scan_severe("要大力培育和践行社会主义核心价观，推动非遗文化传承。")] == ["社会主义核心价值观"]
    # A plenary session named for another's work: 进一步全面深化改革 is the third's decision.
    found = scan_severe("县委常委会专题学习党的二十届二中全会关于进一步全面深化改革的部署要求。")
    assert [(h.evidence, h.suggestion) for h in found] == [("二十届二中全会", "二十届三中全会")]
    assert scan_severe("学习贯彻党的二十届二中全会、三中全会精神，进一步全面深化改革。") == []
    assert scan_severe("学习党的二十届二中全会精神，深化党和国家机构改革。") == []
    assert scan_severe("学习党的二十届二中全会精神，进一步全面深化改革。", dt.date(2023, 6, 1)) == []
    # A leader's organ with an office the leader does not hold in it: the title is wrong.
    assert [h.suggestion for h in scan_severe("传达学习了中央纪委主任李西的讲话")] == []
    assert [h.suggestion for h in scan_severe("传达学习了中央纪委主任李希的讲话")] == ["中央纪委书记李希"]
    assert [h.suggestion for h in scan_severe("全国政协主任王沪宁出席")] == ["全国政协主席王沪宁"]
    for text in ("全国政协委员李强提交提案", "时任国务院副秘书长李强", "中央办公厅主任蔡奇出席"):
        assert scan_severe(text) == [], text
    # The halves of 两个维护 swapped are an error where the phrase ends, not where words read on.
    assert [h.suggestion for h in scan_severe("要坚决做到维护两个，增强四个意识")] == ["两个维护"]
    assert scan_severe("新增智能设备运行与维护两个专业") == []
    # 中共 for 中央; a character doubled inside the Party's constitution and the state's; a name one
    # character off before the title only its holder holds; a title with a character left out.
    assert [h.suggestion for h in scan_severe("紧密团结在以习近平同志为核心的党中共周围")] == ["以习近平同志为核心的党中央"]
    assert [h.suggestion for h in scan_severe("认真学习中国共产党党章程")] == ["中国共产党章程"]
    assert [h.suggestion for h in scan_severe("开展《中华人民共和国国宪法》宣传")] == ["中华人民共和国宪法"]
    assert scan_severe("认真学习中国共产党党章，增强党章意识") == []
    assert [h.suggestion for h in scan_severe("传达学习习近年总书记的重要讲话精神")] == ["习近平"]
    assert [h.suggestion for h in scan_severe("传达学习了国务总理李强的讲话要求")] == ["国务院总理李强"]
    # A given name one character off before what a leader does, in a sentence about the leader's
    # office, even after a national title; after a county's title it is a local official's.
    assert [h.suggestion for h in scan_severe("中央纪委书记赵乐继在全国人大常委会会议上作讲话")] == ["赵乐际"]
    assert scan_severe("县纪委书记赵乐继在全国人大常委会精神宣讲会上讲话") == []
    # The seven of the Standing Committee are 常委, not 政治局委员; the other members are 委员.
    assert [h.suggestion for h in scan_severe("中共中央政治局委员、中央纪委书记李希出席")] == ["中共中央政治局常委"]
    assert scan_severe("中共中央政治局常委、国务院总理李强出席") == []
    assert scan_severe("中共中央政治局委员、国务院副总理刘国中出席") == []
    # What is left reads as other words around it; the doubled character ends a word, or is a place word.
    # A listed leader's name one character off right after a long title shared with other holders.
    assert [h.suggestion for h in scan_severe("中央书记处书记祭奇出席会议")] == ["蔡奇"]
    # A two-character name misspelt before 同志 in a sentence about the leader's office; a local
    # official of that name, with a title before it or no such sentence, is left alone.
    assert [h.suggestion for h in scan_severe("传达学习李熙同志在二十届中央纪委四次全会上的工作报告精神")] == ["李希"]
    assert [h.suggestion for h in scan_severe("传达学习全国政协十四届三次会议精神和王沪宇主席的讲话精神")] == ["王沪宁"]
    for text in ("县纪委书记李熙同志传达了二十届中央纪委四次全会精神", "李熙同志在县纪委全会上讲话",
                 "县政协主席王沪生在全国政协会议上", "全国政协委员王沪明同志出席"):
        assert scan_severe(text) == [], text
    # 全过程民主 is 全过程人民民主 shortened, except in the 2021 组织法 quoted word for word.
    assert [h.suggestion for h in scan_severe("县人大常委会积极践行全过程民主")] == ["全过程人民民主"]
    assert scan_severe("全国人民代表大会及其常务委员会坚持全过程民主，始终同人民保持密切联系") == []
    assert [h.suggestion for h in scan_severe("国务院副总理丁雪祥出席")] == ["国务院副总理丁薛祥"]
    for text in ("中央书记处书记石泰峰出席", "国务院副总理何立峰、张国清出席", "中央书记处书记蔡奇出席"):
        assert scan_severe(text) == [], text
    for text in ("推进城乡振兴发展", "加强人民上访接待", "四个面向的要求", "深入学习习近平新时代中国特色社会主义思想",
                 "健全全面从严治党体系", "国家出资公司中中国共产党的组织", "第十四四个全面"):
        assert scan_severe(text) == [], text


def test_typos_known_pairs_only():
    assert [(h.evidence, h.suggestion) for h in scan_typos("安居乐业，按居乐业")] == [("按居乐业", "安居乐业")]
    assert scan_typos("促进经济社会高质量发展，人民安居乐业") == []


def test_curated_classic_misspellings():
    # checks/data/common_typos.tsv; a pair inside a longer word is not one (台账 + 薄弱 hold no 账薄).
    assert [(h.evidence, h.suggestion) for h in scan_typos("请尽快完成设备按装调试")] == [("按装", "安装")]
    assert [(h.evidence, h.suggestion) for h in scan_typos("他的文章针贬时弊")] == [("针贬时弊", "针砭时弊")]
    assert [h.suggestion for h in scan_typos("财务账薄要妥善保管")] == ["账簿"]
    assert scan_typos("要切实加强台账薄弱环节的管理") == []
    # A misspelling inside a longer word the dictionary knows (煤矿安全 | 生厂) counts when the fix reads
    # better and the model wants it; 自即日起 reads 即日 and is no 自己.
    assert [h.suggestion for h in scan_typos("全县召开煤矿安全生厂警示教育大会")] == ["安全生产"]
    assert scan_typos("征集时间自即日起至2025年1月31日") == []
    # A misspelling the model missed on several counties (疏撒), listed; across words it stays silent
    # (兜底保障 holds 底保, 泊位临时 holds 位临).
    assert [h.suggestion for h in scan_typos("各村要提前制定人员疏撒方案。")] == ["疏散"]
    assert scan_typos("落实兜底保障政策，上述泊位临时封闭。") == []


def test_check_text_jsonl(tmp_path):
    path = tmp_path / "in.txt"
    path.write_text(f"正确的句子。\n市国土资源局发布通知，按居乐业\n身份证号{ID}\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "xunjian", "check-text", "--format", "jsonl", str(path)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    # The summary goes to stderr, so the JSON lines stay clean.
    chars = sum(len(line) for line in path.read_text(encoding="utf-8").splitlines())
    assert f"已检查 3 行、{chars} 字，用时" in run.stderr
    assert [(r["line"], r["check"], r["evidence"], r["offset"]) for r in rows] == [
        (2, "text.improper", "国土资源局", 1), (2, "text.typo", "按居乐业", 11),
        (3, "privacy.leak", "640402********" + ID[-4:], 4)]
    assert all(r["suggestion"] for r in rows)
    table = subprocess.run([sys.executable, "-m", "xunjian", "check-text", "-"], input="按居乐业\n",
                           capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert "错别字" in table and "安居乐业" in table


def test_check_text_takes_the_region_its_rules_need(tmp_path):
    path = tmp_path / "draft.txt"
    path.write_text("县农牧局组织技术人员指导春播。\n县海洋与渔业局指导扇贝越冬。\n", encoding="utf-8")

    def flagged(*options: str) -> list[str]:
        run = subprocess.run([sys.executable, "-m", "xunjian", "check-text", "--format", "jsonl", *options, str(path)],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        return [json.loads(line)["evidence"] for line in run.stdout.splitlines()]

    # Not known: the rules of the whole country. Inner Mongolia kept its 农牧局; Liaoning ended its 海洋与渔业局.
    assert flagged() == ["农牧局"]
    assert flagged("--region", "内蒙古自治区") == []
    assert flagged("--region", "辽宁省") == ["农牧局", "海洋与渔业局"]
    wrong = subprocess.run([sys.executable, "-m", "xunjian", "check-text", "--region", "火星", str(path)],
                           capture_output=True, text=True, cwd=ROOT)
    assert wrong.returncode == 2 and "未知的省级地区“火星”" in wrong.stderr and "内蒙古" in wrong.stderr


FOOTER = "<div>主办：清河市国土资源局</div>"


def _page(title: str, body: str) -> str:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div><a href="/">首页</a> <a href="/a.html">通知一</a> <a href="/b.html">通知二</a></div>'
            f"{body}{FOOTER}</body></html>")


def test_inspection_reports_text_findings_with_template_once(tmp_path, serve):
    files = {
        "index.html": _page("清河市人民政府", "<p>欢迎访问。</p>"),
        "a.html": _page("通知一", "<p>发布日期：2026-11-01</p><p>群众按居乐业，共建美好家园。</p>"
                                  f"<p>申请人张三，身份证号{ID}。</p>"),
        "b.html": _page("通知二", "<p>发布日期：2026-11-02</p><p>群众按居乐业，社会和谐稳定。</p>"
                                  "<p>全国人民代表大会堂务委员会发布公告。</p><p>国务院副总理张国庆出席。</p>"),
    }
    site = serve(write_site(tmp_path / "site", files))
    config = write_config(tmp_path / "sites.toml", [
        {"id": "qh", "name": "清河市人民政府", "url": site.url, "department": "清河市政府办公室",
         "download_delay": 0, "allow_words": ["张国庆"]}], extra='allow_words = ["共建美好"]')
    db = tmp_path / "x.db"
    xunjian("inspect", "--config", str(config), "--db", str(db), "--as-of", "2026-11-20")
    found = [f for f in findings_of(config, db) if f["check"].startswith(("text.", "privacy."))]
    by = {}
    for f in found:
        by.setdefault(f["check"], []).append(f)
    (typo,) = by["text.typo"]                          # two pages, one finding
    assert typo["evidence"] == "按居乐业" and typo["suggestion"] == "安居乐业" and "2 个页面" in typo["detail"]
    (improper,) = by["text.improper"]                  # the footer: once for the site
    assert improper["evidence"] == "国土资源局" and "3 个页面" in improper["detail"]
    assert improper["url"].rstrip("/") == site.url.rstrip("/")
    (severe,) = by["text.typo_severe"]                 # 张国庆 is on the site's allowlist
    assert severe["url"].endswith("/b.html") and severe["severity"] == "veto"
    assert severe["suggestion"] == "全国人民代表大会常务委员会"
    (leak,) = by["privacy.leak"]
    assert leak["url"].endswith("/a.html") and leak["evidence"] == "640402********" + ID[-4:]
    assert ID not in json.dumps(found, ensure_ascii=False)
