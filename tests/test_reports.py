"""Reports: scoring, periods, the DOCX/XLSX documents, department notices, reproducibility.

The store is a real SQLite store written through xunjian.store (runs, site_runs, findings,
reviews), and documents are made by the real `xunjian report` command, then opened with
their own libraries (python-docx, openpyxl).
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from checks.finding import finding
from reports.collect import collect
from reports.period import PeriodError, parse_period
from reports.workdays import add_workdays
from tests.conftest import xunjian
from xunjian.config import ConfigError, load_config
from xunjian.store import finish_run, open_store, replace_findings, start_run

CONFIG = """
[report]
contact = "政务公开科，0000-1234567"

[[sites]]
id = "portal"
name = "清源市人民政府"
url = "http://127.0.0.1:1/"
department = "清源市人民政府办公室"

[[sites]]
id = "county"
name = "河西县人民政府"
url = "http://127.0.0.1:2/"
department = "河西县人民政府办公室"

[[sites]]
id = "edu"
name = "清源市教育局"
url = "http://127.0.0.1:3/"
department = "清源市教育局"

[[sites]]
id = "water"
name = "清源市水务局"
url = "http://127.0.0.1:4/"
department = "清源市水务局"

[[accounts]]
id = "fabu"
name = "清源发布"
platform = "wechat"
department = "清源市人民政府办公室"

[[accounts]]
id = "jiaoyu"
name = "清源教育"
platform = "weibo"
department = "清源市教育局"
"""
DISMISSED_EVIDENCE = "误报的暗链文字"


def _f(check: str, site: str, url: str, **kw) -> dict:
    severity = kw.pop("severity", None) or ("veto" if check.startswith("media.stale") else None)
    if check.startswith("media."):
        return finding(check, None, url, account=site, severity=severity or "deduct", **kw)
    return finding(check, site, url, severity=severity, **kw)


def _run(db, config, as_of: str, findings: list[dict], status: str = "complete") -> int:
    run = start_run(db, as_of, str(config.path), config.sites)
    checks = sorted({f["check"] for f in findings}) or ["link.broken"]
    replace_findings(db, run, checks, findings)
    finish_run(db, run, status)
    return run


def september(shot: str | None = None) -> list[dict]:
    p, c, e, w = "http://127.0.0.1:1/", "http://127.0.0.1:2/", "http://127.0.0.1:3/", "http://127.0.0.1:4/"
    out = [
        # portal: one homepage target linked from two pages counts once (1 point), two others 0.1 each
        _f("link.broken", "portal", p, target=p + "gone.pdf", evidence="名单.pdf", detail="链接目标返回 404",
           on_homepage=True),
        _f("link.broken", "portal", p + "a.html", target=p + "gone.pdf", evidence="名单.pdf",
           detail="链接目标返回 404", on_homepage=False),
        _f("link.broken", "portal", p + "a.html", target=p + "x.doc", evidence="附件一", detail="链接目标返回 404"),
        _f("link.broken", "portal", p + "b.html", target=p + "y.doc", evidence="附件二", detail="链接目标返回 404"),
        _f("link.fake", "portal", p, target="#", evidence="更多", detail="链接地址为“#”", key=("#", "1")),
        _f("link.fake", "portal", p + "b.html", target="#", evidence="更多", detail="链接地址为“#”", key=("#", "2")),
        _f("update.column_stale", "portal", p + "dt/", evidence="工作动态", detail="栏目“工作动态”已 30 天未更新",
           key=(), points=3.0, kind="news"),
        _f("update.column_stale", "portal", p + "tz/", evidence="通知公告", detail="栏目“通知公告”已 200 天未更新",
           key=(), points=4.0, kind="notice"),
        _f("layout.garbled", "portal", p + "c.html", evidence="锟斤拷", detail="页面文字出现乱码", key=(),
           screenshot=shot),
        _f("layout.garbled", "portal", p + "d.html", evidence="烫烫烫", detail="页面文字出现乱码", key=()),
        # county: home not updated (veto); a dark link staff dismissed must not count
        _f("update.home_stale", "county", c, detail="首页在 2026-09-06 至 2026-09-20 期间没有新增信息", key=()),
        _f("link.dark", "county", c, target="http://casino.example/", evidence=DISMISSED_EVIDENCE,
           detail="暗链：display:none", technique="display:none"),
        _f("site.identity_missing", "county", c, evidence="ICP备案号", detail="首页缺少ICP备案号", key=("icp",)),
        # edu: 8 yearly columns (40 points) capped at 25, five identity items (5): 70, passes
        *[_f("update.column_stale", "edu", f"{e}col{n}/", evidence=f"栏目{n}", detail=f"栏目{n}一年未更新", key=(),
             points=5.0, kind="annual") for n in range(8)],
        *[_f("site.identity_missing", "edu", e, evidence=item, detail=f"首页缺少{item}", key=(item,))
          for item in ("网站标识码", "ICP备案号", "公安机关备案号", "党政机关网站标识", "我为政府网站找错")],
        *[_f("column.empty", "edu", f"{e}empty{n}/", evidence=f"空栏目{n}", detail="空白栏目", key=()) for n in range(3)],
        # water: capped deductions add up below 60 without any veto
        *[_f("update.column_stale", "water", f"{w}col{n}/", evidence=f"栏目{n}", detail="一年未更新", key=(),
             points=5.0, kind="annual") for n in range(6)],
        *[_f("site.identity_missing", "water", w, evidence=f"项{n}", detail="缺少标识", key=(str(n),)) for n in range(5)],
        *[_f("layout.garbled", "water", f"{w}p{n}.html", evidence="锟斤拷", detail="乱码", key=()) for n in range(20)],
        *[_f("link.broken", "water", w, target=f"{w}dead{n}", evidence=f"死链{n}", detail="链接目标返回 404",
             on_homepage=True) for n in range(25)],
        # accounts
        _f("media.stale", "fabu", "http://feeds/fabu", detail="14 天内没有发布信息", key=(), severity="veto"),
        _f("media.typo", "jiaoyu", "http://feeds/jiaoyu/1", evidence="按装", suggestion="安装", detail="错别字",
           context="请及时按装更新"),
    ]
    return out


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("reports")
    config_path = root / "sites.toml"
    config_path.write_text(textwrap.dedent(CONFIG), encoding="utf-8")
    config = load_config(config_path)
    db_path = root / "xunjian.db"
    db = open_store(db_path)
    p = "http://127.0.0.1:1/"
    _run(db, config, "2026-07-20", [_f("link.fake", "portal", p, target="#", evidence="更多", detail="伪链")])
    _run(db, config, "2026-08-20", [])
    # an earlier September check with a veto, superseded by the later complete one
    _run(db, config, "2026-09-05", [_f("date.faked", "portal", p + "old.html", evidence="旧闻", detail="伪造日期",
                                       key=())])
    shot = root / "shot.png"
    from PIL import Image

    Image.new("RGB", (80, 40), "red").save(shot)
    _run(db, config, "2026-09-20", september(str(shot)))
    _run(db, config, "2026-09-28", [_f("link.dark", "portal", p, evidence="未完成", detail="暗链")], status="running")
    _run(db, config, "2026-10-20", [_f("update.home_stale", "county", "http://127.0.0.1:2/", detail="首页不更新",
                                       key=())])
    dark = next(f for f in september() if f["check"] == "link.dark")
    db["reviews"].insert({"fingerprint": dark["fingerprint"], "status": "dismissed", "reason": "菜单", "by": "t",
                          "at": "2026-09-21T10:00:00"})
    confirmed = next(f for f in september() if f["check"] == "update.home_stale")
    db["reviews"].insert({"fingerprint": confirmed["fingerprint"], "status": "confirmed", "reason": "", "by": "t",
                          "at": "2026-09-21T10:00:00"})
    db.conn.close()
    return config_path, db_path


def _scores(store, period: str) -> dict:
    config_path, db_path = store
    data = collect(open_store(db_path), load_config(config_path), parse_period(quarter=period))
    return {s.id: s for s in data.months[-1].scores()}, data


def test_scores_vetoes_caps_and_dismissed(store):
    scores, data = _scores(store, "2026Q3")
    assert [m.month for m in data.months] == [7, 8, 9]
    portal, county, edu, water = (scores[k] for k in ("portal", "county", "edu", "water"))
    # 1 (homepage target, counted once) + 0.1 + 0.1 + fake 0.2 + columns 3 + 4 + garbled 2
    assert portal.score == pytest.approx(89.6) and portal.passed and not portal.vetoes
    assert portal.units["link.broken"] == 3 and portal.counts["link.broken"] == 4
    assert not any(v.check == "date.faked" for v in portal.vetoes)   # the superseded run does not count
    assert [v.check for v in county.vetoes] == ["update.home_stale"]  # the dismissed dark link does not veto
    assert county.dismissed == 1 and "link.dark" not in county.counts and not county.passed
    assert county.unreviewed == 1                                    # home_stale confirmed, identity open
    assert edu.score == pytest.approx(70) and edu.passed             # 40 column points capped at 25
    assert water.score == pytest.approx(35) and not water.vetoes and water.reason == "得分低于60分"
    assert scores["fabu"].vetoes and not scores["fabu"].passed
    assert scores["jiaoyu"].score == pytest.approx(99) and scores["jiaoyu"].passed
    assert data.pass_rate("site") == pytest.approx(0.5)
    assert [e.id for e in data.failed("site")] == ["county", "water"]


def test_column_veto_rules(store):
    scores, data = _scores(store, "2026Q3")
    from reports.scoring import score_findings

    stale = [dict(_f("update.column_stale", "x", f"http://h/{n}", evidence=str(n), key=(), points=3.0, detail="d",
                     kind="news"), status="open") for n in range(5)]
    assert score_findings(stale, data.profile, kind="site", id="x", name="x", department="d").vetoes
    stale[0]["status"] = "dismissed"
    assert not score_findings(stale, data.profile, kind="site", id="x", name="x", department="d").vetoes


def test_scoring_override_in_config(tmp_path, store):
    config_path, db_path = store
    custom = tmp_path / "custom.toml"
    custom.write_text(config_path.read_text(encoding="utf-8") +
                      '\n[scoring]\npass_mark = 80\n[scoring.checks."link.fake"]\npoints = 1\n', encoding="utf-8")
    data = collect(open_store(db_path), load_config(custom), parse_period(month="2026-09"))
    scores = {s.id: s for s in data.months[0].scores()}
    assert scores["portal"].score == pytest.approx(87.8)   # fake links now 1 point each
    assert not scores["edu"].passed                          # 70 is below the new pass mark
    bad = tmp_path / "bad.toml"
    bad.write_text(config_path.read_text(encoding="utf-8") + '\n[scoring.checks."link.fake"]\npionts = 1\n',
                   encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(bad)
    assert "pionts" in str(info.value) and info.value.line is not None


def test_workdays_skip_national_day():
    # 2026-10-01..07 off; Saturday 10-10 is a make-up workday
    assert add_workdays(dt.date(2026, 9, 30), 10) == (dt.date(2026, 10, 20), [])
    assert add_workdays(dt.date(2026, 10, 8), 10)[0] == dt.date(2026, 10, 21)
    day, caveats = add_workdays(dt.date(2099, 1, 1), 3)
    assert day == dt.date(2099, 1, 6) and caveats


def test_period_parsing():
    assert parse_period(quarter="2026Q3").months == [(2026, 7), (2026, 8), (2026, 9)]
    assert parse_period(month="2026-10").label == "2026年10月"
    for bad in ({"month": "2026-13"}, {"quarter": "2026Q5"}, {}, {"month": "2026-10", "year": "2026"}):
        with pytest.raises(PeriodError):
            parse_period(**bad)


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _report(store, out: Path, *period: str, pdf: str = "--no-pdf") -> list[Path]:
    config_path, db_path = store
    result = xunjian("report", "--config", str(config_path), "--db", str(db_path), *period, "--out", str(out), pdf)
    paths = [Path(line) for line in result.stdout.splitlines() if line.strip()]
    assert paths and all(p.is_file() for p in paths), result.stdout + result.stderr
    return paths


def test_quarterly_bulletin(store, tmp_path):
    paths = _report(store, tmp_path / "q", "--quarter", "2026Q3")
    docx = next(p for p in paths if p.suffix == ".docx" and "通报" in p.name)
    text = _docx_text(docx)
    body = [p.text for p in Document(str(docx)).paragraphs]
    assert "关于2026年第三季度全市政府网站" in body and "和政务新媒体检查情况的通报" in body
    assert "清政办函〔2026〕" in text and "国办秘函〔2019〕19号" in text
    for heading in ("一、总体情况", "二、主要问题", "三、整改要求", "附件1", "附件2", "政府网站问题清单", "政务新媒体问题清单"):
        assert heading in body, heading
    assert "开展月度检查3次" in text and "检查政府网站4个" in text and "合格率50%" in text
    problems = text[text.index("二、主要问题"):text.index("三、整改要求")]
    for name in ("河西县人民政府网站", "清源市水务局网站", "“清源发布”微信公众号"):
        assert name in problems
    assert "首页不更新（单项否决）" in problems
    assert DISMISSED_EVIDENCE not in text and "暗链" not in problems
    assert "2026年10月21日前" in text                      # 10 working days from 2026-10-08, past 国庆
    assert "按装" in text and "清源市人民政府办公室" in text
    doc = Document(str(docx))
    assert doc.core_properties.created.replace(tzinfo=None) == dt.datetime(2026, 10, 8, 9, 0)
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37
    images = [r for r in doc.part.rels.values() if r.reltype.endswith("/image")]
    assert len(images) >= 4                     # three charts and the screenshot of a finding
    fonts = {r._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
             for p in doc.paragraphs for r in p.runs if r.text}
    assert {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"} <= fonts

    xlsx = next(p for p in paths if p.suffix == ".xlsx")
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["汇总", "清源市人民政府", "河西县人民政府", "清源市教育局", "清源市水务局", "清源发布", "清源教育"]
    ws = wb["清源市人民政府"]
    headers = [c.value for c in ws[1]][:9]
    assert headers == ["网站名称", "主办单位", "问题类型", "问题描述", "页面地址", "错误内容", "建议修改", "发现时间", "状态"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.cell(row=2, column=5).hyperlink.target.startswith("http://127.0.0.1:1/")
    assert ws.max_row - 1 == 11                 # 10 September problems + July's fake link (another fingerprint)
    county = [[c.value for c in row] for row in wb["河西县人民政府"].iter_rows(min_row=2)]
    assert len(county) == 2 and all(DISMISSED_EVIDENCE not in str(v) for row in county for v in row)
    summary = {row[1].value: row for row in wb["汇总"].iter_rows(min_row=2) if row[0].value}
    assert summary["清源市水务局"][7].value == "不合格" and summary["清源市人民政府"][7].value == "合格"

    notices = sorted(p for p in paths if p.parent.name == "整改通知")
    assert [p.name for p in notices] == ["整改通知-河西县人民政府办公室.docx", "整改通知-清源市人民政府办公室.docx",
                                         "整改通知-清源市教育局.docx", "整改通知-清源市水务局.docx"]
    county_notice = _docx_text(notices[0])
    assert "河西县人民政府办公室：" in county_notice and "2026年10月21日前" in county_notice
    assert "首页在 2026-09-06" in county_notice and DISMISSED_EVIDENCE not in county_notice
    rels = [r.target_ref for r in Document(str(notices[0])).part.rels.values() if "hyperlink" in r.reltype]
    assert "http://127.0.0.1:2/" in rels
    assert (tmp_path / "q").joinpath(next(p for p in paths if p.suffix == ".html").name).read_text(
        encoding="utf-8").count("<table") >= 2


def test_monthly_results_and_year(store, tmp_path):
    paths = _report(store, tmp_path / "m", "--month", "2026-09")
    text = _docx_text(next(p for p in paths if p.suffix == ".docx" and "检查结果" in p.name))
    for expected in ("一、总体情况", "二、检查结果", "三、问题统计", "89.6", "70", "35", "单项否决：首页不更新",
                     "得分低于60分", "扣1.2分", "2026年10月21日前"):
        assert expected in text, expected
    assert "date.faked" not in text and "伪造发稿日期" not in text and DISMISSED_EVIDENCE not in text

    year = _report(store, tmp_path / "y", "--year", "2026")
    text = _docx_text(next(p for p in year if p.suffix == ".docx"))
    assert "全年开展月度检查4次，编发季度检查情况通报2期，监测政府网站4个、政务新媒体2个" in text
    assert "发现不合格政府网站2个（累计3个次）、不合格政务新媒体1个（累计1个次）" in text


def test_reproducible(store, tmp_path):
    first = _report(store, tmp_path / "a", "--quarter", "2026Q3")
    second = _report(store, tmp_path / "b", "--quarter", "2026Q3")
    for a, b in zip(sorted(first), sorted(second)):
        assert a.name == b.name
        if a.suffix == ".docx":
            assert _docx_text(a) == _docx_text(b)
        elif a.suffix == ".xlsx":
            values = [[[c.value for c in row] for row in ws.iter_rows()] for ws in load_workbook(a)]
            assert values == [[[c.value for c in row] for row in ws.iter_rows()] for ws in load_workbook(b)]


def test_charts_without_cjk_font(store, monkeypatch):
    from reports import charts

    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    _, data = _scores(store, "2026Q3")
    assert charts.problems_per_site(data).startswith(b"\x89PNG")
    assert charts.monthly_trend(data).startswith(b"\x89PNG")
    assert "fonts-noto-cjk" in charts.font_note()


def test_empty_period_and_bad_arguments(store, tmp_path):
    config_path, db_path = store
    paths = _report(store, tmp_path / "e", "--month", "2025-01")
    assert any(p.suffix == ".docx" for p in paths)
    result = xunjian("report", "--config", str(config_path), "--db", str(db_path), "--month", "2026-13", check=False)
    assert result.returncode == 2 and "YYYY-MM" in result.stderr
    result = xunjian("report", "--config", str(config_path), "--db", str(db_path), check=False)
    assert result.returncode == 2


def test_demo_hook_writes_month_and_quarter(store, tmp_path):
    from reports import demo_reports

    config_path, db_path = store
    paths = demo_reports(db_path, config_path, tmp_path / "demo")
    names = [p.name for p in paths]
    assert any("2026年10月" in n and "检查结果.docx" in n for n in names)
    assert any("2026年第四季度" in n and "通报.docx" in n for n in names)
    assert json.dumps([str(p) for p in paths])


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_pdf_when_libreoffice_is_installed(store, tmp_path):
    paths = _report(store, tmp_path / "pdf", "--month", "2026-09", "--no-notices", pdf="--pdf")
    pdf = next(p for p in paths if p.suffix == ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_notice_follows_reassignment(store, tmp_path):
    # A problem reviewers handed to another department (web review: 交办) is in that
    # department's notice, not in the notice of the department that runs the site.
    import shutil

    config_path, db_path = store
    copy = tmp_path / "copy.db"
    shutil.copy(db_path, copy)
    db = open_store(copy)
    september_run = next(db.query("select id from runs where as_of = '2026-09-20'"))["id"]
    moved = next(db.query("select fingerprint, detail from findings where run = ? and site = 'county' "
                          "and \"check\" = 'update.home_stale'", [september_run]))
    db["web_assignments"].insert({"fingerprint": moved["fingerprint"], "department": "河西县融媒体中心",
                                  "deadline": "2026-10-31", "by": "admin", "at": "2026-10-08T09:00:00"})
    db.conn.close()
    paths = _report((config_path, copy), tmp_path / "q", "--quarter", "2026Q3")
    notices = {p.name: _docx_text(p) for p in paths if p.parent.name == "整改通知"}
    assert "首页在 2026-09-06" in notices["整改通知-河西县融媒体中心.docx"]
    assert "首页在 2026-09-06" not in notices.get("整改通知-河西县人民政府办公室.docx", "")
