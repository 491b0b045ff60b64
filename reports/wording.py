"""The words documents use for each problem: how to fix it, and the evidence shown for it."""

from __future__ import annotations

from pathlib import Path

# What to do about each problem type (建议修改 when the finding has no exact correction).
FIX = {
    "site.unreachable": "排查服务器、网络和域名解析，确保网站首页稳定可访问",
    "home.availability": "排查服务器和网络稳定性，降低首页打不开的比例",
    "update.home_stale": "及时在首页发布本单位政务信息，确保两周内有更新",
    "update.home_thin": "加大首页信息更新力度，两周内更新量不少于10条",
    "update.column_stale": "按栏目要求及时更新内容；确无内容可发的栏目予以整合或撤销",
    "column.empty": "补充栏目内容，或整合、撤销无内容栏目",
    "link.broken": "修复链接地址，或删除已失效的链接和附件",
    "link.dark": "立即删除隐藏链接，排查网页模板和脚本是否被篡改，并开展安全检查",
    "link.hijacked": "立即删除指向被劫持域名的外部链接，定期核查外链有效性",
    "link.fake": "为链接补充正确地址，或去除无效的链接样式",
    "link.new_domain": "核实新增外部链接是否为本单位自行添加",
    "text.typo": "更正错别字",
    "text.typo_suspect": "核实并更正错别字",
    "text.typo_severe": "立即更正，并对同类内容全面排查",
    "text.improper": "改用规范表述",
    "privacy.leak": "立即删除或对个人信息作去标识化处理",
    "attachment.unreadable": "人工核对该附件内容；扫描件宜同时发布可检索的文字版",
    "date.faked": "核实发布日期，删除重复发布的旧信息",
    "layout.garbled": "检查页面编码声明与内容编码是否一致，修复乱码",
    "site.identity_missing": "在首页底部补齐网站标识码、ICP备案号、公安机关备案号、党政机关网站标识和“我为政府网站找错”入口",
    "meta.missing": "按《政府网站发展指引》要求补充网页元数据",
    "interact.unanswered": "及时答复公众留言，确保政务咨询渠道畅通",
    "service.guide_incomplete": "补齐办事指南要素",
    "media.stale": "及时发布信息，确保两周内有更新",
    "media.no_interaction": "开通并维护留言、私信等互动功能",
    "media.typo_severe": "立即更正，并对同类内容全面排查",
    "media.typo": "更正错别字",
    "media.improper": "改用规范表述",
    "media.link_broken": "修复或删除失效的菜单和链接",
    "media.unregistered": "按规定履行备案手续，或予以关停",
    "media.unreadable": "核实账号状态，提供可读取的信息来源",
}

LINK_CHECKS = ("link.broken", "link.dark", "link.hijacked", "link.fake", "media.link_broken")
TEXT_CHECKS = ("text.typo", "text.typo_suspect", "text.typo_severe", "text.improper", "media.typo", "media.typo_severe",
               "media.improper", "layout.garbled", "privacy.leak")


def fix_advice(finding: dict) -> str:
    """建议修改: the exact correction when known, else what to do."""
    if finding.get("suggestion"):
        return f"改为“{finding['suggestion']}”"
    return FIX.get(finding.get("check") or "", "按要求整改")


def clip(text: str | None, limit: int = 120) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def evidence_text(finding: dict) -> str:
    """The evidence a document shows for a finding: link text or wrong word in its sentence,
    the hiding technique for dark links, the target a link points to."""
    check = finding.get("check") or ""
    extra = finding.get("extra") or {}
    evidence = clip(finding.get("evidence"), 80)
    target = finding.get("target")
    parts: list[str] = []
    if check in LINK_CHECKS:
        if evidence:
            parts.append(f"链接文字“{evidence}”")
        if target:
            parts.append(f"链接地址 {target}")
        if check == "link.dark":
            how = extra.get("technique") or extra.get("hidden_by")
            if how:
                parts.append(f"隐藏方式：{clip(str(how), 80)}")
        if check == "link.broken" and extra.get("on_homepage"):
            parts.append("位于首页")
    elif check in TEXT_CHECKS:
        if evidence:
            parts.append(f"错误内容“{evidence}”")
        if finding.get("suggestion"):
            parts.append(f"应为“{finding['suggestion']}”")
        context = extra.get("context") or extra.get("sentence")
        if context:
            parts.append(f"原句：{clip(str(context), 80)}")
    elif check == "date.faked":
        parts.append(f"原信息：{extra.get('original_url') or target or ''}（{extra.get('original_date', '')}）")
    elif check == "update.column_stale":
        parts.append(f"栏目“{evidence}”，最后更新 {extra.get('last_update') or '无日期'}")
    elif evidence:
        parts.append(f"“{evidence}”")
    return "；".join(p for p in parts if p)


def screenshot(finding: dict) -> Path | None:
    """The screenshot the rendered mode took for this finding, if it exists on disk."""
    path = (finding.get("extra") or {}).get("screenshot")
    if isinstance(path, str) and path and Path(path).is_file():
        return Path(path)
    return None
