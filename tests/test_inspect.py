"""`xunjian inspect` against fixture sites on 127.0.0.1: crawl, store, check, export."""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest

from tests.conftest import findings_of, free_port, write_config, write_site, xunjian

DEAD_PORT = free_port()   # nothing listens here: connection refused

PORTAL = {
    "index.html": f"""\
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>清河市人民政府</title></head><body>
        <div id="nav"><a href="/">首页</a> <a href="javascript:void(0)">政务公开</a>
          <a href="/news/">新闻动态</a> <a href="/gbk/index.html">县区动态</a></div>
        <div class="news"><h2>要闻 <a href="#">更多</a></h2>
          <a href="/news/a1.html">清河市召开常务会议</a>
          <a href="/news/missing.html">已删除的文章</a>
          <a href="/loop/a">循环跳转</a> <a href="/moved">已迁移栏目</a>
          <a href="/error.html">服务器出错</a> <a href="/slow.html">响应很慢</a>
          <a href="http://127.0.0.1:{DEAD_PORT}/partner.html">合作网站</a>
          <img src="/img/logo.png" alt="标志"><img src="/img/gone.png" alt="缺失图片">
          <a href="/files/guide.pdf">办事指南.pdf</a> <a href="/files/lost.xls">名单.xls</a>
          <a href="#main">跳到正文</a> <a href="#nowhere">不存在的锚点</a>
          <a href="javascript:window.print()">打印本页</a> <a href="javascript:;">【关闭】</a>
          <a href="" >政策解读</a>
        </div><div id="main">正文</div></body></html>""",
    "news/index.html": """\
        <html><head><meta charset="utf-8"><title>新闻动态</title></head><body>
        <a href="a1.html">清河市召开常务会议</a> <a href="a2.html">清河市开展安全检查</a>
        <a href="index.html">第一页</a> <a href="../index.html">返回首页</a></body></html>""",
    "news/a1.html": """\
        <html><head><meta charset="utf-8"><title>清河市召开常务会议</title></head><body>
        <p>会议研究了有关事项。</p><a href="/news/">返回列表</a></body></html>""",
    "news/a2.html": """\
        <html><head><meta charset="utf-8"><title>清河市开展安全检查</title></head><body>
        <p>检查组一行深入企业。锟斤拷锟斤拷</p></body></html>""",
    "new/place.html": """<html><head><meta charset="utf-8"><title>新栏目</title></head><body>新址</body></html>""",
    "gbk/index.html": (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>清河县动态</title></head><body><p>县长吴喆、副县长王堃出席会议。</p>"
        '<a href="plain.html">无声明页面</a></body></html>').encode("gb18030"),
    "gbk/plain.html": (
        "<html><head><title>清河县无编码声明页面</title></head><body><p>"
        + "各乡镇人民政府，县直各部门：现将有关事项通知如下，请认真贯彻执行。" * 3
        + "</p></body></html>").encode("gb18030"),
    "img/logo.png": b"\x89PNG\r\n\x1a\n0000",
    "files/guide.pdf": b"%PDF-1.4\n%%EOF\n",
}
PORTAL_ROUTES = """\
    head = "refuse"
    [[routes]]
    path = "/loop/a"
    redirect = "/loop/b"
    [[routes]]
    path = "/loop/b"
    redirect = "/loop/a"
    [[routes]]
    path = "/moved"
    redirect = "/new/place.html"
    code = 301
    [[routes]]
    path = "/error.html"
    status = 500
    [[routes]]
    path = "/slow.html"
    delay = 4.0
    """

EDU = {
    "index.html": """\
        <html><head><meta charset="utf-8"><title>清河市教育局</title></head><body>
        <a href="notice.html">招生通知</a> <a href="deleted.html">旧通知</a></body></html>""",
    "notice.html": """<html><head><meta charset="utf-8"><title>招生通知</title></head><body>"""
                   + "<p>今年秋季招生工作安排如下。</p>" * 40 + "</body></html>",
}


@pytest.fixture(scope="module")
def inspected(tmp_path_factory):
    """Inspect the portal and the education site once; share the store between tests."""
    from demo.server import FixtureSite

    tmp = tmp_path_factory.mktemp("inspect")
    portal = FixtureSite(write_site(tmp / "portal", PORTAL, PORTAL_ROUTES)).start()
    edu = FixtureSite(write_site(tmp / "edu", EDU, 'not_found = "soft404"\n')).start()
    config = write_config(tmp / "sites.toml", [
        {"id": "portal", "name": "清河市人民政府", "url": portal.url, "department": "清河市政府办公室",
         "timeout": 2, "retries": 0, "download_delay": 0, "concurrency": 4},
        {"id": "edu", "name": "清河市教育局", "url": edu.url, "department": "清河市教育局", "download_delay": 0},
    ])
    db = tmp / "xunjian.db"
    result = xunjian("inspect", "--config", str(config), "--db", str(db), "--as-of", "2026-11-20")
    yield {"config": config, "db": db, "portal": portal.url.rstrip("/"), "edu": edu.url.rstrip("/"),
           "findings": findings_of(config, db), "stdout": result.stdout, "stderr": result.stderr,
           "servers": (portal, edu)}
    portal.stop()
    edu.stop()


def broken(findings, site=None):
    return {f["target"]: f for f in findings if f["check"] == "link.broken" and (site is None or f["site"] == site)}


def test_broken_links_found_with_their_error(inspected):
    p = inspected["portal"]
    found = broken(inspected["findings"], "portal")
    expected = {
        f"{p}/news/missing.html": "http_4xx",
        f"{p}/loop/a": "redirect_loop",
        f"{p}/error.html": "http_5xx",
        f"{p}/slow.html": "timeout",
        f"http://127.0.0.1:{DEAD_PORT}/partner.html": "refused",
        f"{p}/img/gone.png": "http_4xx",
        f"{p}/files/lost.xls": "http_4xx",
        f"{p}/#nowhere": "missing_anchor",
    }
    assert {t: f["extra"]["error"] for t, f in found.items()} == expected


def test_head_refused_server_is_checked_with_get(inspected):
    # The server answers 405 to every HEAD: existing files must not be reported broken.
    found = broken(inspected["findings"])
    p = inspected["portal"]
    assert f"{p}/files/guide.pdf" not in found and f"{p}/img/logo.png" not in found


def test_redirect_to_a_working_page_is_not_broken(inspected):
    assert f"{inspected['portal']}/moved" not in broken(inspected["findings"])


def test_soft_404_is_broken(inspected):
    found = broken(inspected["findings"], "edu")
    assert set(found) == {f"{inspected['edu']}/deleted.html"}
    assert found[f"{inspected['edu']}/deleted.html"]["extra"]["error"] == "soft_404"


def test_fake_links_and_their_exclusions(inspected):
    fake = [(f["url"], f["target"], f["evidence"]) for f in inspected["findings"] if f["check"] == "link.fake"]
    home = inspected["portal"] + "/"
    assert sorted(fake) == sorted([(home, "javascript:void(0)", "政务公开"), (home, "#", "更多"),
                                   (home, "", "政策解读")])


def test_gbk_pages_decoded_without_false_garbled(inspected):
    db = sqlite3.connect(inspected["db"])
    rows = dict(db.execute("select url, charset || '/' || charset_source from pages"))
    titles = {row[0] for row in db.execute("select title from pages")}
    p = inspected["portal"]
    assert rows[f"{p}/gbk/index.html"] == "gb18030/meta"
    assert rows[f"{p}/gbk/plain.html"].startswith("gb18030")
    assert {"清河县动态", "清河县无编码声明页面"} <= titles
    garbled = {f["url"] for f in inspected["findings"] if f["check"] == "layout.garbled"}
    assert garbled == {f"{p}/news/a2.html"}


def test_every_page_once(inspected):
    db = sqlite3.connect(inspected["db"])
    urls = [row[0] for row in db.execute("select url from pages where site = 'portal'")]
    assert len(urls) == len(set(urls))
    p = inspected["portal"]
    # "/news/" and "/news/index.html" are one page; so are "/" and "/index.html".
    assert sorted(urls) == sorted(f"{p}{path}" for path in
                                  ["/", "/news/", "/news/a1.html", "/news/a2.html", "/gbk/index.html",
                                   "/gbk/plain.html", "/new/place.html"])
    links = db.execute("select count(*) from links where tag = 'img'").fetchone()[0]
    assert links == 2


def test_findings_json_contract(inspected):
    for finding in inspected["findings"]:
        assert {"run", "site", "account", "check", "severity", "url", "target", "evidence", "suggestion",
                "detail", "fingerprint", "status"} <= set(finding)
        assert finding["account"] is None and finding["status"] == "open"
        assert finding["url"].startswith("http://127.0.0.1:")
        assert finding["severity"] in ("veto", "deduct", "notice")
        if finding["check"].startswith("link."):
            assert finding["severity"] == "deduct"
    fingerprints = [f["fingerprint"] for f in inspected["findings"]]
    assert len(fingerprints) == len(set(fingerprints))
    homepage = broken(inspected["findings"], "portal")[f"{inspected['portal']}/news/missing.html"]
    assert homepage["extra"]["on_homepage"] is True and homepage["evidence"] == "已删除的文章"


def test_summary_and_progress_printed(inspected):
    assert "清河市人民政府" in inspected["stdout"] and "完成" in inspected["stdout"]
    assert "[进度]" in inspected["stderr"]


def test_check_reruns_offline_with_same_fingerprints(inspected):
    before = sorted(f["fingerprint"] for f in inspected["findings"])
    for server in inspected["servers"]:
        server.stop()          # no network: checks read only the store
    xunjian("check", "--config", str(inspected["config"]), "--db", str(inspected["db"]))
    after = sorted(f["fingerprint"] for f in findings_of(inspected["config"], inspected["db"]))
    assert before == after


def test_csv_opens_in_excel_with_chinese(inspected):
    out = xunjian("findings", "--config", str(inspected["config"]), "--db", str(inspected["db"]),
                  "--format", "csv").stdout
    assert out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0][:3] == ["网站名称", "主办单位", "问题类型"]
    assert any(row[0] == "清河市人民政府" and row[2] == "错链（死链）" for row in rows[1:])
    assert len(rows) - 1 == len(inspected["findings"])


def test_table_format(inspected):
    out = xunjian("findings", "--config", str(inspected["config"]), "--db", str(inspected["db"])).stdout
    assert "伪链" in out and f"共 {len(inspected['findings'])} 个问题" in out


def test_a_failing_check_does_not_stop_the_others(inspected, tmp_path, monkeypatch):
    import shutil

    import checks
    from xunjian.config import load_config
    from xunjian.store import open_store

    shutil.copy(inspected["db"], tmp_path / "copy.db")
    db = open_store(str(tmp_path / "copy.db"))
    sites = {s.id: s for s in load_config(str(inspected["config"])).sites}
    before = {c: n for c, n in db.execute('select "check", count(*) from findings group by "check"').fetchall()}

    def broken_check(ctx):
        yield {"check": "layout.garbled"}
        raise FileNotFoundError("checks/data/missing.tsv")

    monkeypatch.setitem(checks.CHECKS, "layout.garbled", broken_check)
    with pytest.raises(checks.ChecksFailed) as failed:
        checks.run_checks(db, 1, sites, "2026-11-20")
    assert list(failed.value.failures) == ["layout.garbled"] and "missing.tsv" in str(failed.value)
    # Every other check ran and stored its findings; the failed one kept what it had.
    assert failed.value.counts["link.broken"] == before["link.broken"]
    after = {c: n for c, n in db.execute('select "check", count(*) from findings group by "check"').fetchall()}
    assert after == before
    [error] = db.execute("select message from run_errors where stage = 'check'").fetchall()
    assert error[0].startswith("layout.garbled: ") and "FileNotFoundError" in error[0]
