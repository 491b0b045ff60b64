"""政务新媒体 (issue 9): registry, post collection through the adapters, the media checks.

Feeds are served on 127.0.0.1 by the fixture server; a refused port stands for an
unreachable account; a spreadsheet export stands for a platform back-office download.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import free_port, findings_of, write_site, xunjian
from xunjian.config import ConfigError, load_config

AS_OF = "2026-11-20"


def rss(items: list[tuple[str, str, str, str]]) -> str:
    """RSS 2.0 with (title, RFC 822 date, link, HTML body) items."""
    body = "".join(f"<item><title>{t}</title><pubDate>{d}</pubDate><link>{link}</link>"
                   f"<description><![CDATA[{html}]]></description></item>" for t, d, link, html in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>feed</title>'
            f"<link>http://example.invalid/</link><description>d</description>{body}</channel></rss>")


def atom(entries: list[tuple[str, str, str]]) -> str:
    body = "".join(f'<entry><title>{t}</title><id>{u}</id><link href="{u}"/><updated>{d}</updated>'
                   f'<content type="html">正文</content></entry>' for t, d, u in entries)
    return ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>t</title><id>urn:x</id><updated>2026-10-01T00:00:00Z</updated>{body}</feed>")


def account(**fields) -> str:
    return "[[accounts]]\n" + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in fields.items())


@pytest.fixture
def city(tmp_path, serve):
    """A feed server with fresh, stale, broken-linked, unregistered-linking and missing feeds, plus accounts."""
    dead = f"http://127.0.0.1:{free_port()}"
    root = write_site(tmp_path / "feeds", {"ok.html": "<html><body>ok</body></html>", "placeholder.txt": "x"})
    site = serve(root)
    base = site.url.rstrip("/")
    (root / "fresh.xml").write_text(rss([
        ("今日要闻", "Wed, 18 Nov 2026 09:00:00 +0800", f"{base}/posts/1",
         f'<p>详见<a href="{base}/ok.html">通知</a>，关注 https://weibo.com/u/7001234567 </p>'),
        ("旧闻", "Mon, 02 Nov 2026 09:00:00 +0800", f"{base}/posts/0", "<p>各部门要再接再砺。</p>"),
        ("明日预告", "Sun, 22 Nov 2026 09:00:00 +0800", f"{base}/posts/2", f'<a href="{base}/gone.html">x</a>'),
    ]), encoding="utf-8")
    (root / "stale.xml").write_text(atom([("十月的信息", "2026-10-20T08:00:00+08:00", f"{base}/posts/s1")]),
                                    encoding="utf-8")
    (root / "broken.json").write_text(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "j", "items": [
            {"id": "1", "url": f"{base}/posts/b1", "title": "附件下载", "date_published": "2026-11-19T10:00:00+08:00",
             "content_html": f'<p><a href="{base}/missing.pdf">名单.pdf</a> <a href="{dead}/x">报名</a>'
                             f' <a href="{base}/ok.html">首页</a></p>'}]}, ensure_ascii=False), encoding="utf-8")
    export = tmp_path / "douyin-export.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["标题", "发布时间", "链接", "正文"])
    sheet.append(["短视频：秋收", "2026-11-15 18:30", f"{base}/v/1", "秋收进行时"])
    sheet.append(["短视频：春耕", "2026-04-01", f"{base}/v/0", "春耕"])
    book.save(export)
    accounts = [
        account(id="fresh", name="清河发布", platform="wechat", department="市委宣传部", source=f"{base}/fresh.xml",
                interaction="yes"),
        account(id="stale", name="清河教育", platform="weibo", department="市教育局", source=f"{base}/stale.xml"),
        account(id="broken", name="清河人社", platform="toutiao", department="市人社局", source=f"{base}/broken.json"),
        account(id="gone", name="清河交通", platform="wechat", department="市交通局", source=f"{base}/nofeed.xml"),
        account(id="down", name="清河水务", platform="weibo", department="市水务局", source=f"{dead}/feed.xml"),
        account(id="video", name="清河融媒", platform="douyin", department="市融媒体中心", source=export.name,
                interaction="no"),
        account(id="closed", name="清河旧号", platform="weibo", department="市文旅局", source=f"{dead}/old.xml",
                status="注销"),
    ]
    config = tmp_path / "sites.toml"
    config.write_text('[[sites]]\nid = "portal"\nname = "清河市人民政府"\nurl = "' + base + '/"\n'
                      'department = "市政府办公室"\n\n' + "\n".join(accounts), encoding="utf-8")
    return config, tmp_path / "x.db", base, dead


def test_poll_finds_media_problems(city):
    config, db, base, dead = city
    out = xunjian("media", "poll", "--config", str(config), "--db", str(db), "--as-of", AS_OF)
    assert "清河发布" in out.stdout and "无法读取" in out.stdout
    found = findings_of(config, db)
    assert all(f["site"] is None and f["account"] for f in found)
    by = {(f["account"], f["check"]): f for f in found}
    checks = {key for key in by}
    assert ("stale", "media.stale") in checks
    stale = by[("stale", "media.stale")]
    assert stale["severity"] == "veto" and stale["url"] == f"{base}/stale.xml" and "2026-10-20" in stale["detail"]
    assert ("fresh", "media.stale") not in checks and ("video", "media.stale") not in checks
    for account_id in ("gone", "down"):
        assert by[(account_id, "media.unreadable")]["severity"] == "notice"
        assert (account_id, "media.stale") not in checks          # unknown freshness is never "fresh" nor stale
    assert "404" in by[("gone", "media.unreadable")]["detail"]
    broken = sorted(f["target"] for f in found if f["check"] == "media.link_broken")
    assert broken == sorted([f"{base}/missing.pdf", f"{dead}/x"])        # gone.html is in a post after the as-of date
    pdf = next(f for f in found if f["target"] == f"{base}/missing.pdf")
    assert pdf["account"] == "broken" and pdf["url"] == f"{base}/posts/b1" and pdf["evidence"] == "名单.pdf"
    unregistered = by[("fresh", "media.unregistered")]
    assert unregistered["evidence"] == "7001234567" and unregistered["severity"] == "notice"
    assert by[("video", "media.no_interaction")]["severity"] == "veto"
    typo = by[("fresh", "media.typo")]
    assert (typo["url"], typo["evidence"], typo["suggestion"], typo["severity"]) == \
        (f"{base}/posts/0", "再接再砺", "再接再厉", "deduct")
    assert not any(f["account"] == "closed" for f in found)

    listing = json.loads(xunjian("media", "list", "--config", str(config), "--db", str(db),
                                 "--format", "json").stdout)
    rows = {r["id"]: r for r in listing}
    assert rows["fresh"]["last_post"] == "2026-11-18" and rows["fresh"]["state"] == "ok"
    assert rows["video"]["last_post"] == "2026-11-15" and rows["video"]["posts"] == 2
    assert rows["down"]["state"] == "unreadable" and rows["closed"]["state"] == "closed"
    table = xunjian("findings", "--config", str(config), "--db", str(db), "--format", "table").stdout
    assert "新媒体不更新" in table and "stale" in table

    # Re-running the checks on the stored poll gives the same findings, without the network.
    again = xunjian("media", "check", "--config", str(config), "--db", str(db))
    assert "media.stale" in again.stdout
    assert sorted(f["fingerprint"] for f in findings_of(config, db)) == sorted(f["fingerprint"] for f in found)


def test_poll_counts_as_the_months_media_check(city):
    from reports.period import parse_period
    from reports.collect import collect
    from xunjian.store import open_store

    config, db, *_ = city
    xunjian("media", "poll", "--config", str(config), "--db", str(db), "--as-of", AS_OF, "--quiet")
    data = collect(open_store(db), load_config(config), parse_period(month="2026-11"))
    scores = {s.id: s for s in data.months[-1].accounts}
    assert not scores["stale"].passed and not scores["video"].passed
    assert scores["fresh"].passed


def test_registry_import_export(tmp_path):
    from xunjian.registry import RegistryError, export_registry, import_registry

    good = tmp_path / "台账.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["名称", "平台", "主办单位", "账号ID", "负责人", "联系方式", "状态", "互动功能"])
    sheet.append(["清河发布", "微信公众号", "市委宣传部", "qhfabu", "张三", "0000-1234567", "运营", "有"])
    sheet.append(["清河微博", "微博", "市委宣传部", 7001234567, "李四", "13800000000", "关停", ""])
    book.save(good)
    accounts = import_registry(good)
    assert [(a.id, a.platform, a.status, a.interaction) for a in accounts] == [
        ("wechat-qhfabu", "wechat", "运营", "yes"), ("weibo-7001234567", "weibo", "关停", "unknown")]
    out = xunjian("media", "import", str(good)).stdout
    config = tmp_path / "sites.toml"
    config.write_text('[[sites]]\nid = "p"\nname = "p"\nurl = "http://127.0.0.1:1/"\ndepartment = "d"\n\n' + out,
                      encoding="utf-8")
    loaded = load_config(config)
    assert loaded.accounts[1].platform_id == "7001234567" and loaded.accounts[0].owner == "张三"

    for suffix in (".xlsx", ".csv"):
        exported = tmp_path / f"导出{suffix}"
        xunjian("media", "export", "--config", str(config), "--out", str(exported))
        again = import_registry(exported)
        assert [(a.id, a.name, a.status, a.contact) for a in again] == \
            [(a.id, a.name, a.status, a.contact) for a in accounts]

    bad = tmp_path / "bad.csv"
    bad.write_text("名称,平台,主办单位,账号ID,负责人,联系方式,状态\n"
                   "清河发布,微信,市委宣传部,a1,张三,1,运营\n"
                   ",微博,市教育局,b2,李四,2,运营\n"
                   "清河电台,广播,市广电局,c3,王五,3,运营\n"
                   "清河旧号,微博,市文旅局,d4,赵六,4,停用\n", encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        import_registry(bad)
    message = str(caught.value)
    assert "第 3 行 “名称”" in message and "第 4 行 “平台”" in message and "第 5 行 “状态”" in message
    result = xunjian("media", "import", str(bad), check=False)
    assert result.returncode == 2 and "第 4 行 “平台”" in result.stderr
    missing = tmp_path / "missing.csv"
    missing.write_text("名称,平台,主办单位\n清河发布,微信,市委宣传部\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="账号ID"):
        import_registry(missing)


@pytest.mark.parametrize("line, key", [('status = "停用"', "status"), ('interaction = "maybe"', "interaction"),
                                       ('fans = 3', "fans")])
def test_account_config_errors(tmp_path, line, key):
    config = tmp_path / "sites.toml"
    config.write_text('[[sites]]\nid = "p"\nname = "p"\nurl = "http://127.0.0.1:1/"\ndepartment = "d"\n\n'
                      + account(id="a", name="n", platform="wechat", department="d") + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert caught.value.line == 12 and caught.value.key == f"accounts[1].{key}"


def test_adapters_parse_without_network(tmp_path):
    from crawler.media import DEFAULT_TZ, collect
    from xunjian.config import Account

    csv_export = tmp_path / "export.csv"
    csv_export.write_bytes("标题,发布时间,链接\n消息,2026/11/19 08:00,http://127.0.0.1:1/p\n".encode("gb18030"))
    posts, error = collect(Account("a", "n", "weibo", "d", source=str(csv_export)), tz=DEFAULT_TZ)
    assert error is None and posts[0].published.isoformat() == "2026-11-19T08:00:00+08:00"
    junk = tmp_path / "junk.xml"
    junk.write_bytes(b"\x00\x01 not a feed")
    assert collect(Account("b", "n", "weibo", "d", source=str(junk)))[1]
    assert "无法读取" in collect(Account("c", "n", "weibo", "d", source=str(tmp_path / "none.csv")))[1]


def test_scheduler_registers_media_poll(tmp_path):
    import scheduler as sched

    config = tmp_path / "sites.toml"
    config.write_text('[[sites]]\nid = "p"\nname = "p"\nurl = "http://127.0.0.1:1/"\ndepartment = "d"\n',
                      encoding="utf-8")
    specs, skipped = sched.plan_jobs(load_config(config))
    assert "media_poll" in {spec.id for spec in specs}
    assert not any(job_id == "media_poll" for job_id, _, _ in skipped)


def test_demo_accounts(tmp_path, serve):
    """The demo's dozen accounts give exactly their planted problems."""
    from checks.media import _text_checkers
    from demo.media import ACCOUNTS, PORTAL, build_feeds

    portal = write_site(tmp_path / "portal", {"xwzx/zwdt/index.html": "<html><body>政务动态</body></html>"})
    site = serve(portal)
    base = site.url.rstrip("/")
    build_feeds(portal, base)
    text = (Path(__file__).resolve().parent.parent / "demo" / "sites.toml").read_text(encoding="utf-8")
    config = tmp_path / "sites.toml"
    config.write_text(text.replace(PORTAL, base), encoding="utf-8")
    db = tmp_path / "demo.db"
    xunjian("media", "poll", "--config", str(config), "--db", str(db), "--as-of", AS_OF, "--quiet")
    found = {(f["account"], f["check"]) for f in findings_of(config, db)}
    expected = {(a, check) for a, (_, _, check) in ACCOUNTS.items() if check}
    assert _text_checkers()          # checks/typos.py and friends are installed
    assert found == expected
