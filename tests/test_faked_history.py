"""date.faked across runs: last month's article republished this month under a new date."""

from __future__ import annotations

from tests.conftest import findings_of, write_config, write_site, xunjian

BODY = ("<p>为进一步做好冬季安全生产工作，市应急管理局对全市重点企业开展了专项检查，"
        "共检查企业四十二家，发现并督促整改隐患一百零三处，对三家企业依法立案查处。</p>") * 2


def article(title: str, date: str) -> str:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title><meta name="PubDate" content="{date}">'
            f'</head><body><h1>{title}</h1><p>发布时间：{date}</p>{BODY}</body></html>')


def home(links: str) -> str:
    return f'<html><head><meta charset="utf-8"><title>清河市应急管理局</title></head><body>{links}</body></html>'


def test_republished_after_last_month_is_faked(tmp_path, serve):
    root = tmp_path / "site"
    write_site(root, {"index.html": home('<a href="a/old.html">冬季安全生产检查情况</a>'),
                      "a/old.html": article("冬季安全生产检查情况", "2026-09-10")})
    site = serve(root)
    config = write_config(tmp_path / "sites.toml", [
        {"id": "yj", "name": "清河市应急管理局", "url": site.url, "department": "清河市应急管理局",
         "download_delay": 0}])
    db = tmp_path / "x.db"
    xunjian("inspect", "--config", str(config), "--db", str(db), "--as-of", "2026-10-01", "--quiet")
    assert [f for f in findings_of(config, db) if f["check"] == "date.faked"] == []

    # Next month the old article is gone and the same text is published as new.
    (root / "a" / "old.html").unlink()
    write_site(root, {"index.html": home('<a href="a/new.html">关于冬季安全生产检查的情况通报</a>'),
                      "a/new.html": article("关于冬季安全生产检查的情况通报", "2026-11-12")})
    xunjian("inspect", "--config", str(config), "--db", str(db), "--as-of", "2026-11-20", "--quiet")
    faked = [f for f in findings_of(config, db) if f["check"] == "date.faked"]
    assert [(f["url"], f["target"], f["extra"]["original_date"]) for f in faked] == [
        (site.url + "a/new.html", site.url + "a/old.html", "2026-09-10")]
    assert faked[0]["severity"] == "veto" and faked[0]["run"] == 2
