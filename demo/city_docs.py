"""Attachments with planted errors on the demo portal (issue 5, item 10).

A notice of 通知公告 links a PDF (a typo and a resident ID number published in full) and a DOCX
(a typo and the name of an institution abolished in the 2018 reform); a document of 政策文件
links a scanned PDF, whose text cannot be checked (a notice). The findings' `url` is the
attachment's; the truth records it the same way.
"""

from __future__ import annotations

from demo.citykit import Truth
from demo.documents import docx, scanned_pdf, text_pdf

CHECK_TYPO = "text.typo"
CHECK_IMPROPER = "text.improper"
CHECK_PRIVACY = "privacy.leak"
CHECK_UNREADABLE = "attachment.unreadable"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def resident_id(first17: str) -> str:
    """A resident ID number with its GB 11643 check digit."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


ID_NUMBER = resident_id("64040219850312203")
ID_MASKED = ID_NUMBER[:6] + "*" * 8 + ID_NUMBER[-4:]


def notice_pdf(city: str) -> bytes:
    return text_pdf([
        f"{city}2026年度城乡居民最低生活保障新增对象公示",
        "根据《社会救助暂行办法》有关规定，经个人申请、入户调查、民主评议和乡镇（街道）审核，"
        "拟将下列人员纳入城乡居民最低生活保障范围，现予公示。",
        f"申请人：王建华，身份证号：{ID_NUMBER}，住址：云溪区兰汀街道。",
        "公示期间如有异议，请向市民政局反映。各社区要切实做好政策宣传，让困难群众按居乐业。",
    ])


def plan_docx(city: str) -> bytes:
    return docx([
        f"{city}农村人居环境整治提升工作实施方案",
        "一、工作目标：到2027年底，全市农村人居环境明显改善，村容村貌整洁有序。",
        "二、职责分工：村庄规划编制由市国土资源局牵头负责，各区县人民政府配合。",
        "三、工作要求：全市上下要一鼓做气，确保完成年度目标任务。",
    ], table=[["任务", "牵头单位"], ["农村厕所改造", "市农业农村局"], ["生活垃圾治理", "市住房和城乡建设局"]])


def plant(notice, policy, truth: Truth, site: str, city: str) -> None:
    """Attach the planted documents to `notice` and `policy` (portal Articles) and record the truth."""
    stamp = f"{notice.when:%Y%m%d}"
    pdf_name, docx_name = f"P0{stamp}{notice.docid}7.pdf", f"P0{stamp}{notice.docid}8.docx"
    notice.attachments += [(pdf_name, "附件1：最低生活保障新增对象公示名单.pdf"),
                           (docx_name, "附件2：农村人居环境整治提升工作实施方案.docx")]
    notice.files[pdf_name], notice.files[docx_name] = notice_pdf(city), plan_docx(city)
    pdf, word = notice.dirname + pdf_name, notice.dirname + docx_name
    truth.add(site, CHECK_TYPO, pdf, None, "按居乐业", f"typo in a PDF attachment linked from {notice.path}")
    truth.add(site, CHECK_PRIVACY, pdf, None, ID_MASKED, f"full resident ID in a PDF attachment of {notice.path}")
    truth.add(site, CHECK_TYPO, word, None, "一鼓做气", f"typo in a DOCX attachment linked from {notice.path}")
    truth.add(site, CHECK_IMPROPER, word, None, "国土资源局",
              f"abolished institution named as current in a DOCX attachment of {notice.path}")
    scan_name = f"P0{policy.when:%Y%m%d}{policy.docid}7.pdf"
    policy.attachments.append((scan_name, "附件：盖章文件（扫描件）.pdf"))
    policy.files[scan_name] = scanned_pdf(2)
    truth.add(site, CHECK_UNREADABLE, policy.dirname + scan_name, None, "附件：盖章文件（扫描件）.pdf",
              f"scanned PDF without a text layer linked from {policy.path}")
