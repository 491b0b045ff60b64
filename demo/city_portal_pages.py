"""qh-portal: homepage, section pages, static pages and shared assets."""

from __future__ import annotations

from demo.citykit import (CHECK_BROKEN, CHECK_FAKE, SiteWriter, Truth, esc, fmt_date, is_new,
                          make_png, paras_html)
from demo import city_dark
from demo.city_portal_updates import BLANK, write_blank

SECTIONS = {"xwzx": "新闻中心", "zwgk": "政务公开", "zwfw": "政务服务", "hdjl": "互动交流",
            "zjqh": "走进清河"}

STATIC = {  # path -> (section, title, paragraphs)
    "/zwgk/xxgkzn/index.html": ("zwgk", "政府信息公开指南", [
        "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
        "公民、法人或者其他组织可以通过政府网站、政务服务中心等途径获取政府信息。"]),
    "/zwgk/xxgknb/index.html": ("zwgk", "政府信息公开工作年度报告", [
        "本报告由清河市人民政府办公室编制，内容包括总体情况、主动公开政府信息情况等。",
        "2025年，全市坚持以公开为常态、不公开为例外，不断提升政务公开质量。"]),
    "/zwfw/grbs/index.html": ("zwfw", "个人办事", [
        "提供户籍办理、社会保障、医疗卫生、教育培训、住房保障等个人服务事项办事指南。",
        "部分事项可在线申请，材料齐全的当场办结。"]),
    "/zwfw/frbs/index.html": ("zwfw", "法人办事", [
        "提供企业开办、工程建设、税费缴纳、资质认定等法人服务事项办事指南。",
        "企业开办全流程一日办结，全程网办率持续提升。"]),
    "/hdjl/szxx/index.html": ("hdjl", "市长信箱", [
        "市长信箱受理群众对本市经济社会发展的意见建议和咨询、求助、投诉等事项。",
        "来信一般在十五个工作日内办理答复，办理结果在网站公开。"]),
    "/hdjl/wsdc/index.html": ("hdjl", "网上调查", [
        "欢迎参与清河市2026年民生实事项目征集网上调查，调查时间截至2026年12月31日。"]),
    "/hdjl/wzjc/index.html": ("hdjl", "我为政府网站找错", [
        "如您发现本网站存在错别字、链接不可用、信息更新不及时等问题，请留言告诉我们。",
        "我们将在三个工作日内核实处理并反馈。"]),
    "/zjqh/qhgk/index.html": ("zjqh", "清河概况", [
        "清河市地处清河中游，辖云溪区、望川区、杏湾区和清河县，总面积约二千八百平方公里。",
        "全市常住人口约一百二十六万人，是区域性综合交通枢纽和生态宜居城市。"]),
    "/zjqh/lsyg/index.html": ("zjqh", "历史沿革", [
        "清河因河得名，历史悠久，自古为商贸重镇。",
        "新中国成立后设清河县，后经撤县设市，逐步形成现行行政区划。"]),
    "/zjqh/zrdl/index.html": ("zjqh", "自然地理", [
        "清河市属亚热带季风气候，四季分明，雨量充沛，年平均气温十七摄氏度左右。",
        "境内河网密布，山地、丘陵、平原兼有，森林覆盖率超过百分之五十。"]),
    city_dark.ENFORCEMENT_PATH: ("zwgk", city_dark.ENFORCEMENT_TITLE, city_dark.ENFORCEMENT_TEXT),
    "/lxwm/index.html": ("", "联系我们", [
        "主办单位：清河市人民政府办公室", "联系电话：0999-12345678（工作日 9:00—17:00）",
        "通讯地址：清河市云溪区政务大道1号"]),
}


def _simple(render, section: str, title: str, content: str) -> str:
    crumb = f'<a href="/{section}/index.html">{SECTIONS[section]}</a> &gt; ' if section else ""
    body = (f'<div class="location">当前位置：<a href="/">首页</a> &gt; {crumb}{title}</div>\n'
            f'<div class="article"><h1 class="title">{title}</h1>\n'
            f'<div class="content">{content}</div></div>')
    return render(f"{title}_清河市人民政府", body, {"ColumnName": title, "ColumnType": "单页"})


def _shown(col, count: int) -> list:
    return [a for a in col.articles if a.written][:count]


def _block(col, count: int, more: str, heading_link: bool = True) -> str:
    items = _shown(col, count)
    lis = "\n".join(f'<li><a href="{a.path}" title="{esc(a.title)}">{esc(a.title)}</a>'
                    f'<span>{fmt_date(a.when)}</span></li>' for a in items)
    head = f'<a href="{col.list_page(0)}">{col.name}</a>' if heading_link else col.name
    return (f'<div class="block"><div class="block-head"><h3>{head}</h3>'
            f'<a class="more" href="{more}">更多</a></div>\n<ul>\n{lis}\n</ul></div>')


def _links(pairs) -> str:
    return "\n".join(f'<li><a href="{href}">{name}</a></li>' for href, name in pairs)


def _tabs(cols) -> list:
    """要闻 / 公告 / 警示 tabs: own articles, the last one the enforcement notice."""
    def items(key: str, count: int) -> list:
        return [(a.path, a.title) for a in _shown(cols[key], count)]
    return [("要闻", items("zwdt", 4)), ("公告", items("tzgg", 4)),
            ("警示", [(city_dark.ENFORCEMENT_PATH, city_dark.ENFORCEMENT_TITLE)])]


def _home(w: SiteWriter, truth: Truth, cols, render, site: str) -> None:
    zwdt, tzgg, zcwj, bmdt = cols["zwdt"], cols["tzgg"], cols["zcwj"], cols["bmdt"]
    gk = [(cols[k].list_page(0), cols[k].name) for k in ("zcwj", "zcjd", "rsxx", "ghjh", "czxx", "tjxx")]
    gk += [(path, name) for path, (name, _) in BLANK.items()]
    shown = {a.path: a for key, n in (("zwdt", 8), ("tzgg", 8), ("bmdt", 6), ("zcwj", 6))
             for a in _shown(cols[key], n)}
    new = sum(1 for a in shown.values() if is_new(a.when))
    assert new >= 10, f"the portal homepage must show at least 10 new items, shows {new}"
    body = f"""<div class="banner"><img src="/images/banner.png" alt="清河欢迎您"></div>
<div class="row">
{_block(zwdt, 8, zwdt.list_page(0))}
{_block(tzgg, 8, "#", heading_link=False)}
</div>
<div class="row">
{_block(bmdt, 6, bmdt.list_page(0))}
<div class="block"><div class="block-head"><h3>政务公开</h3></div><ul class="gk">
{_links(gk)}
</ul></div>
</div>
<div class="row">
{_block(zcwj, 6, zcwj.list_page(0))}
<div class="block"><div class="block-head"><h3>政务服务</h3></div><ul>
{_links([("/zwfw/grbs/index.html", "个人办事"), ("/zwfw/frbs/index.html", "法人办事"),
         ("/hdjl/szxx/index.html", "市长信箱"), ("/zwgk/xxgkzn/index.html", "信息公开指南")])}
</ul></div>
</div>
<div class="zt"><a href="/ztzl/2025zt/index.html"><img src="/images/zt2025.png" \
alt="创建全国文明城市 建设美丽清河"></a></div>
{city_dark.portal_tabs(_tabs(cols))}
{city_dark.portal_home(truth, site)}"""
    void_nav = '<li><a href="javascript:void(0)">专题专栏</a></li>'
    w.page("/", render("清河市人民政府", body, {"ColumnName": "首页", "ColumnType": "首页"},
                       extra_nav=void_nav))
    truth.add(site, CHECK_FAKE, "/", "#", '<a class="more" href="#">更多</a>',
              "通知公告 column head: 更多 links nowhere")
    truth.add(site, CHECK_FAKE, "/", "javascript:void(0)",
              '<a href="javascript:void(0)">专题专栏</a>', "nav item links nowhere")
    truth.add(site, CHECK_BROKEN, "/", "/ztzl/2025zt/index.html",
              '<a href="/ztzl/2025zt/index.html">',
              "homepage banner links to a removed special-topic page")


def _sections(w: SiteWriter, truth: Truth, cols, render, site: str) -> None:
    def section_page(key: str, inner: str) -> None:
        name = SECTIONS[key]
        body = (f'<div class="location">当前位置：<a href="/">首页</a> &gt; {name}</div>\n'
                f'<h2>{name}</h2>\n{inner}')
        w.page(f"/{key}/index.html", render(f"{name}_清河市人民政府", body,
                                            {"ColumnName": name, "ColumnType": "栏目"}))

    section_page("xwzx", _block(cols["zwdt"], 10, cols["zwdt"].list_page(0))
                 + _block(cols["tzgg"], 10, cols["tzgg"].list_page(0))
                 + _block(cols["bmdt"], 5, cols["bmdt"].list_page(0)))
    zwgk = "".join(_block(cols[k], 5, cols[k].list_page(0))
                   for k in ("zcwj", "zcjd", "rsxx", "ghjh", "czxx", "tjxx"))
    zwgk += _block(cols["tzgg"], 5, cols["tzgg"].list_page(0))
    zwgk += '<ul class="xxgk">' + _links([("xxgkzn/index.html", "政府信息公开指南"),
                                          ("xxgknb/index.html", "政府信息公开年报")]
                                         + [(p, n) for p, (n, _) in BLANK.items()]) + "</ul>"
    section_page("zwgk", zwgk)
    section_page("zwfw", '<ul class="svc">' + _links([
        ("grbs/index.html", "个人办事"), ("frbs/index.html", "法人办事"),
        ("/zwfw/wsbsdt/index.html", "网上办事大厅")]) + "</ul>")
    truth.add(site, CHECK_BROKEN, "/zwfw/index.html", "/zwfw/wsbsdt/index.html",
              '<a href="/zwfw/wsbsdt/index.html">网上办事大厅</a>',
              "redirect loop index.html -> login.html -> index.html")
    section_page("hdjl", '<ul class="hd">' + _links([
        ("szxx/index.html", "市长信箱"), ("/hdjl/zxft/index.html", "在线访谈"),
        ("wsdc/index.html", "网上调查"), ("wzjc/index.html", "我为政府网站找错")]) + "</ul>"
                 + f'<script src="{city_dark.TONGJI_JS_PATH}"></script>')
    w.text(city_dark.TONGJI_JS_PATH, city_dark.portal_tongji_js(truth, site, "/hdjl/index.html"))
    truth.add(site, CHECK_BROKEN, "/hdjl/index.html", "/hdjl/zxft/index.html",
              '<a href="/hdjl/zxft/index.html">在线访谈</a>', "server answers HTTP 500")
    section_page("zjqh", '<ul class="qh">' + _links([
        ("qhgk/index.html", "清河概况"), ("lsyg/index.html", "历史沿革"),
        ("zrdl/index.html", "自然地理"), ("whly/index.html", "文化旅游")])
        + '</ul><p><img src="/images/banner.png" alt="清河风光"></p>')


def _static(w: SiteWriter, truth: Truth, cols, render, site: str) -> None:
    injected = {"/zjqh/qhgk/index.html": city_dark.portal_inline_script(truth, site, "/zjqh/qhgk/index.html"),
                "/zwgk/xxgkzn/index.html": city_dark.portal_comment(truth, site, "/zwgk/xxgkzn/index.html")}
    for path, (section, title, paras) in STATIC.items():
        w.page(path, _simple(render, section, title, paras_html(paras) + injected.get(path, "")))
    content = paras_html(["清河山水秀美，人文荟萃，拥有国家AAAA级旅游景区三处。",
                          "更多旅游资讯请访问清河文旅网。"])
    content += '\n<p><a href="http://127.0.0.1:9/" target="_blank">清河文旅网</a></p>'
    w.page("/zjqh/whly/index.html", _simple(render, "zjqh", "文化旅游", content))
    truth.add(site, CHECK_BROKEN, "/zjqh/whly/index.html", "http://127.0.0.1:9/",
              '<a href="http://127.0.0.1:9/" target="_blank">清河文旅网</a>',
              "external site refuses connections")
    groups = []
    for key, name in SECTIONS.items():
        links = [(c.list_page(0), c.name) for c in cols.values() if c.section == key]
        links += [(p, t) for p, (s, t, _) in STATIC.items() if s == key]
        if key == "zwgk":
            links += [(p, n) for p, (n, _) in BLANK.items()]
        if key == "zjqh":
            links.append(("/zjqh/whly/index.html", "文化旅游"))
        groups.append(f'<h3><a href="/{key}/index.html">{name}</a></h3><ul>{_links(links)}</ul>')
    w.page("/wzdt/index.html", _simple(render, "", "网站地图", "\n".join(groups)))


CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",sans-serif;color:#333}
.header{background:#b71c1c;color:#fff}.nav li{display:inline-block;margin:0 12px}
.nav a{color:#fff}.main{width:1200px;margin:0 auto}.footer{background:#eee;text-align:center}
.block{display:inline-block;width:48%;vertical-align:top}.list li span{float:right}
"""
JS = """// 清河市人民政府 通用脚本
function setFontSize(size) { document.getElementById("zoom").style.fontSize = size + "px"; }
"""


def write_static_pages(w: SiteWriter, truth: Truth, cols, render, site: str) -> None:
    _home(w, truth, cols, render, site)
    _sections(w, truth, cols, render, site)
    _static(w, truth, cols, render, site)
    write_blank(w, truth, render, site, "清河市人民政府")
    w.text("/css/style.css", CSS + city_dark.PORTAL_CSS)
    w.text("/js/common.js", JS)
    for name, size, rgb in (("logo", (360, 80), (183, 28, 28)), ("banner", (1200, 300), (200, 60, 50)),
                            ("zt2025", (1200, 120), (210, 30, 30)), ("gaba", (20, 20), (40, 90, 170)),
                            ("dzjg", (55, 65), (220, 20, 20))):
        w.binary(f"/images/{name}.png", make_png(*size, rgb))
