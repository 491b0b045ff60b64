"""Held-out style benchmark for the text checks on a mock county portal.

Builds a static mock site (白杨县人民政府, fictional), serves it on 127.0.0.1, runs
`xunjian inspect` and `xunjian findings --format json`, and scores the findings of
text.typo, text.typo_severe, text.improper, privacy.leak and layout.garbled against
the planted truth kept in this file. The planted errors were written without looking
at the checker's word lists.

    python bench/mocksite.py [--keep DIR] [--data mocksite2_data]
"""
import argparse
import functools
import http.server
import importlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mocksite_data import (CSS, GARBLED, GBK_PAGES, IMPROPER, OLD_PAGE, OLD_PAGE_IMPROPER, POOLS,  # noqa: E402
                           PRIVACY, SEVERE, TITLES, TYPO)

from checks.improper import ICP_REGION  # noqa: E402

XUNJIAN = str(Path(sys.executable).with_name("xunjian"))
COUNTY = "白杨县"
DOMAIN = "www.baiyang.gov.cn"
DATA_NAMES = ("CSS", "GARBLED", "GBK_PAGES", "IMPROPER", "OLD_PAGE", "OLD_PAGE_IMPROPER", "POOLS", "PRIVACY",
              "SEVERE", "TITLES", "TYPO", "COUNTY", "DOMAIN")


# The ICP licence prefix of the province a data module's first line names (…（榆泊县, 辽宁省）…), as
# a real site's footer carries it (each region's first abbreviation); 清 (no province) where none is named.
ICP_PREFIX: dict[str, str] = {}
for _prefix, _region in ICP_REGION.items():
    ICP_PREFIX.setdefault(_region, _prefix)
ICP = "清"


def county_number(module_name: str) -> int:
    """The county a data module holds: mocksite_data is the first, mocksite<N>_data the Nth."""
    found = re.fullmatch(r"mocksite(\d*)_data", module_name)
    return int(found[1] or 1) if found else 0


def _in_county_text(module, fold: int) -> bool:
    """True when the county's clean text is in its fold of the language model's county text."""
    from checks import lm
    first = next(iter(module.POOLS.values())).split("。")[0].strip() + "。"
    return first in lm.read_text(lm.DATA / f"{lm.SITES_CORPUS}_{fold}.txt.gz").splitlines()


def use_data(module_name: str) -> None:
    """Build the site from another data module of the same shape (a second, unseen mock county)."""
    global ICP, HOLDOUT
    module = importlib.import_module(module_name)
    # The language model learns from every county's clean text (checks/lm.py, SITES): a county in it
    # is inspected with the model built without its fold, so its clean text is new to the model. A
    # county not yet in it (a new batch's first run) is inspected with the whole model.
    fold = county_number(module_name) % 2
    HOLDOUT = f"county_sites:{fold}" if _in_county_text(module, fold) else ""
    globals().update({name: getattr(module, name) for name in DATA_NAMES if hasattr(module, name)})
    first_line = (module.__doc__ or "").split("\n")[0]
    ICP = next((prefix for region, prefix in ICP_PREFIX.items() if region in first_line), "清")
AS_OF = "2025-04-30"
HOLDOUT = "county_sites:1"      # the first county's fold (use_data sets another's; "" for none)

CHECKS = ["text.typo", "text.typo_severe", "text.improper", "privacy.leak", "layout.garbled"]


def _split(pool: str) -> list[str]:
    """The sentences of a prose pool, each ending in 。."""
    return [s + "。" for s in pool.split("。") if s.strip()]


def _mark(line: str) -> tuple[str, str, str]:
    """(sentence with the wrong text in place, wrong, right) from a `[[wrong|right]]` line."""
    m = re.search(r"\[\[(.+?)\|(.+?)\]\]", line)
    return line[:m.start()] + m.group(1) + line[m.end():], m.group(1), m.group(2)


# ---- building the site ----
def _make_articles(rng: random.Random) -> list[dict]:
    """One article per title, each with a slice of its column's clean pool.

    Articles are dicts: col, idx, title, date, sents (list of sentences), url.
    """
    articles = []
    for col, (_, titles) in TITLES.items():
        pool = _split(POOLS[col])
        per = max(1, len(pool) // len(titles))
        if col in ("bmdt", "zwgk"):
            rng.shuffle(pool)
        for i, title in enumerate(titles):
            date = f"2025-{1 + (i * 7 + len(col)) % 4:02d}-{3 + (i * 5 + len(col) * 3) % 25:02d}"
            if (col, i) == OLD_PAGE[:2]:
                date = OLD_PAGE[2]
            # the last article of a column takes the remainder of the pool
            sents = pool[i * per:(i + 1) * per] if i < len(titles) - 1 else pool[i * per:]
            url = f"/{col}/{date[:4]}{date[5:7]}/t{date.replace('-', '')}_{100 + i}.html"
            articles.append(dict(col=col, idx=i, title=title, date=date, sents=list(sents), url=url))
    return articles


class _Planter:
    """Inserts planted sentences into articles, cycling through each pool of candidate articles in a random order."""

    def __init__(self, rng: random.Random, default_pool: list[dict]):
        self.rng = rng
        self.default_pool = default_pool
        self.cycles: dict[int, list] = {}  # id(pool) -> [next position, shuffled articles]
        self.truth: list[dict] = []
        self.negatives: list[dict] = []

    def plant(self, check: str, sent: str, wrong: str, right: str | None,
              positive: bool = True, pool: list[dict] | None = None) -> None:
        """Put `sent` at a random place in the next article of `pool`; record it as truth or as a negative."""
        pool = self.default_pool if pool is None else pool
        # a fresh shuffle is drawn on every call (and dropped after the first per pool) so that a given
        # --seed keeps placing the errors exactly where earlier versions of this script did
        shuffled = self.rng.sample(pool, len(pool))
        cycle = self.cycles.setdefault(id(pool), [0, shuffled])
        article = cycle[1][cycle[0] % len(pool)]
        cycle[0] += 1
        article["sents"].insert(self.rng.randrange(len(article["sents"]) + 1), sent)
        planted = dict(check=check, url=article["url"], wrong=wrong, right=right, sent=sent)
        (self.truth if positive else self.negatives).append(planted)


def _plant_errors(rng: random.Random, articles: list[dict]) -> tuple[list[dict], list[dict]]:
    """Plant every error and negative probe into `articles`; return (truth, negatives)."""
    modern = [a for a in articles if a["date"] >= "2019"]
    planter = _Planter(rng, modern)
    for line in TYPO.splitlines():
        planter.plant("text.typo", *_mark(line))
    for line in SEVERE.splitlines():
        planter.plant("text.typo_severe", *_mark(line))
    for sent, wrong, positive in IMPROPER:
        planter.plant("text.improper", sent, wrong, None, positive)
    # abolished agency names are correct on the pre-2018 page
    old = next(a for a in articles if a["date"] == OLD_PAGE[2])
    old["sents"].insert(2, OLD_PAGE_IMPROPER[0][0])
    for sent, wrong in OLD_PAGE_IMPROPER:
        planter.negatives.append(dict(check="text.improper", url=old["url"], wrong=wrong, right=None, sent=sent))
    # personal data goes where it would plausibly be published
    people = [a for a in modern if a["col"] in ("tzgg", "rsxx", "zcwj")]
    for sent, raw, positive in PRIVACY:
        planter.plant("privacy.leak", sent, raw, None, positive, pool=people)
    # mojibake only on UTF-8 pages; the correctly declared GBK pages must not be flagged as garbled
    utf8_only = [a for a in modern if (a["col"], a["idx"]) not in GBK_PAGES]
    for garbled in GARBLED:
        planter.plant("layout.garbled", garbled, garbled, None, pool=utf8_only)
    for a in articles:
        if (a["col"], a["idx"]) in GBK_PAGES:
            whole_page = dict(check="layout.garbled", url=a["url"], wrong="", right=None, sent="(GBK page)")
            planter.negatives.append(whole_page)
    return planter.truth, planter.negatives


def _page(title: str, crumb: str, body: str, cname: str = "", col_kind: str = "",
          article: dict | None = None, charset: str = "utf-8") -> str:
    """A full portal page (header, navigation, breadcrumb, footer) around `body`."""
    meta = (f'<meta name="SiteName" content="{COUNTY}人民政府"><meta name="SiteDomain" content="{DOMAIN}">'
            '<meta name="SiteIDCode" content="6230210001">')
    if cname:
        meta += f'<meta name="ColumnName" content="{cname}"><meta name="ColumnType" content="{col_kind}">'
    if article:
        meta += (f'<meta name="ArticleTitle" content="{article["title"]}">'
                 f'<meta name="PubDate" content="{article["date"]} 09:30">'
                 f'<meta name="ContentSource" content="{COUNTY}人民政府办公室">')
    nav = "".join(f'<a href="/{c}/index.html">{n}</a>' for c, (n, _) in TITLES.items())
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{charset}"><title>{title}_{COUNTY}人民政府</title>'
            f'{meta}<style>{CSS}</style></head>'
            f'<body><div id="top"><b style="font-size:26px">{COUNTY}人民政府</b>'
            f'<div id="nav"><a href="/index.html">首页</a>{nav}</div></div>'
            f'<div class="wrap"><div class="crumb">当前位置：<a href="/index.html">首页</a> &gt; {crumb}</div>{body}</div>'
            f'<div id="foot">主办：{COUNTY}人民政府办公室　网站标识码：6230210001　'
            f'<a href="http://beian.miit.gov.cn/">{ICP}ICP备05001234号</a>　'
            f'{ICP}公网安备 62302102000001号　<a href="https://zfwzzc.www.gov.cn/">我为政府网站找错</a>　'
            f'<img src="/dzjg.png" alt="党政机关"></div></body></html>')


def paragraphs(sents: list[str]) -> list[str]:
    """Group sentences three to a paragraph."""
    return ["".join(sents[i:i + 3]) for i in range(0, len(sents), 3)]


def _write_article(root: Path, article: dict) -> None:
    """Write one article page, GBK-encoded if it is one of GBK_PAGES."""
    cname = TITLES[article["col"]][0]
    paras = "".join(f'<p style="text-indent:2em">{p}</p>' for p in paragraphs(article["sents"]))
    body = (f'<h1 style="text-align:center;font-size:22px">{article["title"]}</h1>'
            f'<div class="fbsj"><span>发布时间：{article["date"]}</span>　<span>来源：{COUNTY}人民政府办公室</span>　'
            f'<a href="javascript:window.print()">打印本页</a></div><div class="zw">{paras}</div>')
    gbk = (article["col"], article["idx"]) in GBK_PAGES
    crumb = f'<a href="/{article["col"]}/index.html">{cname}</a> &gt; 正文'
    html = _page(article["title"], crumb, body, cname, "article", article, "gbk" if gbk else "utf-8")
    path = root / article["url"].lstrip("/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(html.encode("gbk" if gbk else "utf-8"))


def _list_items(articles: list[dict]) -> str:
    return "".join(f'<li><a href="{a["url"]}">{a["title"]}</a><em>{a["date"]}</em></li>' for a in articles)


def _write_site(root: Path, articles: list[dict]) -> None:
    """Write the article pages, the column lists, the home page and the small static files."""
    for article in articles:
        _write_article(root, article)
    for col, (cname, _) in TITLES.items():
        items = sorted((a for a in articles if a["col"] == col), key=lambda a: a["date"], reverse=True)
        (root / col).mkdir(exist_ok=True)
        body = f'<h2>{cname}</h2><ul class="lst">{_list_items(items)}</ul>'
        (root / col / "index.html").write_text(_page(cname, cname, body, cname, "list"), "utf-8")
    recent = sorted(articles, key=lambda a: a["date"], reverse=True)[:16]
    home = _page("首页", "首页", f'<h2>最新信息</h2><ul class="lst">{_list_items(recent)}</ul>')
    (root / "index.html").write_text(home, "utf-8")
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n")
    (root / "dzjg.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)


def plan(seed: int = 20250430) -> tuple[list[dict], list[dict], list[dict]]:
    """The site's articles with every error planted, as build() writes them: (truth, negatives, articles)."""
    rng = random.Random(seed)
    articles = _make_articles(rng)
    truth, negatives = _plant_errors(rng, articles)
    return truth, negatives, articles


def build(root: Path, seed: int = 20250430) -> tuple[list[dict], list[dict], list[dict], int, set[str]]:
    """Build the mock site under `root`.

    Returns (truth, negatives, articles, number of clean pool sentences, URL paths of the GBK pages).
    """
    truth, negatives, articles = plan(seed)
    _write_site(root, articles)
    n_clean = sum(len(_split(p)) for p in POOLS.values())
    gbk_urls = {a["url"] for a in articles if (a["col"], a["idx"]) in GBK_PAGES}
    return truth, negatives, articles, n_clean, gbk_urls


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static file handler that declares each page's real charset in Content-Type."""

    gbk: set[str] = set()

    def log_message(self, *args) -> None:
        pass  # keep the benchmark output clean

    def guess_type(self, path: str) -> str:
        if path.endswith(".html"):
            rel = "/" + os.path.relpath(path, self.directory).replace(os.sep, "/")
            return "text/html; charset=gbk" if rel in self.gbk else "text/html; charset=utf-8"
        return super().guess_type(path)


# ---- scoring ----
def _overlap(ev: str, t: dict) -> bool:
    """Does finding evidence `ev` point at planted item `t`?"""
    if not ev:
        return False
    if t["check"] == "privacy.leak":
        # the evidence may be masked; compare digits, or at least the head and tail
        raw = t["wrong"]
        e = re.sub(r"[^0-9Xx*]", "", ev)
        same_shape = len(e) == len(raw) and all(c == "*" or c == r for c, r in zip(e, raw))
        return same_shape or (e[:3] == raw[:3] and e[-2:] == raw[-2:])
    if t["check"] == "layout.garbled":
        return any(ev[i:i + 3] in t["wrong"] for i in range(max(1, len(ev) - 2)))
    sent, wrong = t["sent"], t["wrong"]
    start = sent.find(wrong)
    end = start + len(wrong)
    for m in re.finditer(re.escape(ev), sent):
        if m.start() < end and m.end() > start:
            return True
    return wrong in ev


def _url_path(url: str | None) -> str:
    return re.sub(r"^https?://[^/]+", "", url or "")


def hits(finding: dict, planted: dict) -> bool:
    """Is `finding` on the page of `planted` and pointing at it?"""
    return _url_path(finding["url"]) == planted["url"] and _overlap(finding.get("evidence") or "", planted)


def _flags_negative(finding: dict, negative: dict) -> bool:
    """Does `finding` flag a planted negative (for a whole-page negative, any finding on the page)?"""
    on_page = _url_path(finding["url"]) == negative["url"]
    return on_page and (negative["wrong"] == "" or _overlap(finding.get("evidence") or "", negative))


def score_check(check: str, truth: list[dict], negatives: list[dict], findings: list[dict]) -> dict:
    """Match one check's findings against the planted errors and negatives: `planted` errors and the
    indexes of those `hit`, the check's findings (`found`) and the indexes of those `used` on them,
    the false alarms (`fa`), the negatives flagged (`negflag` of `negs`) and the findings on errors
    planted for another check (`cross`)."""
    planted = [t for t in truth if t["check"] == check]
    found = [f for f in findings if f["check"] == check]
    hit, used = set(), set()  # indexes into planted / found
    for i, t in enumerate(planted):
        for j, f in enumerate(found):
            if hits(f, t):
                hit.add(i)
                used.add(j)
    negs = [n for n in negatives if n["check"] == check]
    negflag = [(n, f) for n in negs for j, f in enumerate(found) if _flags_negative(f, n) and j not in used]
    negj = {j for j, f in enumerate(found) for n in negs if _flags_negative(f, n)}
    # findings that hit an error planted for ANOTHER check (e.g. a severe error also reported as text.typo)
    cross = [(f, t) for j, f in enumerate(found) if j not in used | negj
             for t in truth if t["check"] != check and hits(f, t)]
    crossj = {id(f) for f, _ in cross}
    fa = [f for j, f in enumerate(found) if j not in used and id(f) not in crossj]
    return dict(planted=planted, hit=hit, found=found, used=used, fa=fa, negflag=negflag, negs=negs, cross=cross)


def _score_check(check: str, truth: list[dict], negatives: list[dict], findings: list[dict]) -> dict:
    """score_check, and its summary row printed."""
    score = score_check(check, truth, negatives, findings)
    planted, hit, found, fa = score["planted"], score["hit"], score["found"], score["fa"]
    crossing = len({id(f) for f, _ in score["cross"]})
    prec = len(score["used"]) / len(found) if found else float("nan")
    print(f"{check:18} {len(planted):7} {len(hit):5} {len(hit) / len(planted):6.0%} {len(fa):3} {crossing:5} "
          f"{prec:9.0%}  {len(score['negflag'])}/{len(score['negs'])}")
    return score


def _print_details(check: str, score: dict, suspects: list[dict]) -> None:
    """Misses, false alarms, cross-check hits and flagged negatives of one check."""
    planted, hit = score["planted"], score["hit"]
    print(f"\n== {check}: misses ({len(planted) - len(hit)})")
    for i, t in enumerate(planted):
        if i in hit:
            continue
        caught = []
        if check.startswith("text.typo"):  # did the low-confidence check catch the miss?
            caught = [f for f in suspects if hits(f, t)]
        extra = f"   [suspect: {caught[0].get('evidence')}→{caught[0].get('suggestion')}]" if caught else ""
        print(f"  {t['wrong']!r:24} (right {t['right']!r}) {t['url']}  | {t['sent'][:60]}{extra}")
    print(f"== {check}: false alarms ({len(score['fa'])})")
    for f in score["fa"]:
        print(f"  {f.get('evidence')!r} → {f.get('suggestion')!r} {_url_path(f['url'])} | {str(f.get('detail'))[:160]}")
    if score["cross"]:
        print(f"== {check}: findings on errors planted for another check ({len(score['cross'])})")
        for f, t in score["cross"]:
            print(f"  {f.get('evidence')!r} → {f.get('suggestion')!r} [{t['check']}: {t['wrong']}] {t['url']} | "
                  f"{str(f.get('detail'))[:80]}")
    if score["negflag"]:
        print(f"== {check}: planted negatives that were flagged")
        for n, f in score["negflag"]:
            print(f"  {n['wrong']!r} {n['url']} | {n['sent']} | {f.get('detail')}")


def _print_suspects(suspects: list[dict], truth: list[dict]) -> None:
    """Every text.typo_suspect finding, with the planted error it lands on if any."""
    print(f"\n{len(suspects)} text.typo_suspect findings in all:")
    for f in suspects:
        own = [t for t in truth if hits(f, t)]
        tag = "[planted " + own[0]["check"] + "]" if own else "[no planted error]"
        print(f"  {f.get('evidence')!r} → {f.get('suggestion')!r} {_url_path(f['url'])} {tag} | "
              f"{str(f.get('detail'))[:80]}")


def report(truth: list[dict], negatives: list[dict], findings: list[dict]) -> None:
    """Print the score table and the per-check details."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f["check"]] = counts.get(f["check"], 0) + 1
    print("all findings by check:", dict(sorted(counts.items())))
    print(f"\n{'check':18} planted found recall  FA  cross  precision  neg-flagged   "
          "(FA: matches no planted error; cross: hits an error planted for another check; "
          "precision = matched own / all)")
    scores = {check: _score_check(check, truth, negatives, findings) for check in CHECKS}
    suspects = [f for f in findings if f["check"] == "text.typo_suspect"]
    for check in CHECKS:
        _print_details(check, scores[check], suspects)
    _print_suspects(suspects, truth)


# ---- running the product ----
def _serve(site: Path, gbk_urls: set[str]) -> http.server.ThreadingHTTPServer:
    """Serve `site` on a free loopback port in a background thread."""
    Handler.gbk = gbk_urls
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def run_xunjian(cfg: Path, db: Path, base: str, t0: float) -> subprocess.CompletedProcess:
    """Inspect the site at `base` with the product and print its output; return the `findings --format json` run."""
    # one site, no external link checks: the run never leaves loopback
    cfg.write_text(f'[crawl]\nconcurrency = 4\ndownload_delay = 0\nobey_robots = false\ncheck_external = false\n\n'
                   f'[[sites]]\nid = "by-portal"\nname = "{COUNTY}人民政府"\nurl = "{base}/"\n'
                   f'department = "{COUNTY}人民政府办公室"\n', "utf-8")
    r = subprocess.run([XUNJIAN, "inspect", "--config", str(cfg), "--db", str(db), "--as-of", AS_OF, "--quiet"],
                       capture_output=True, text=True, env={**os.environ, "XUNJIAN_HOLDOUT": HOLDOUT})
    print(f"inspect rc={r.returncode} in {time.time() - t0:.1f}s")
    print(r.stdout[-1500:], r.stderr[-3000:])
    return subprocess.run([XUNJIAN, "findings", "--config", str(cfg), "--db", str(db), "--format", "json"],
                          capture_output=True, text=True)


def main() -> None:
    """Build and serve the mock site, inspect it with xunjian and print the score report."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", metavar="DIR")
    ap.add_argument("--seed", type=int, default=20250430, help="placement of planted errors")
    ap.add_argument("--data", default="mocksite_data", help="module with the site's text and planted errors")
    args = ap.parse_args()
    use_data(args.data)
    t0 = time.time()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mocksite-"))
    if work.exists() and args.keep:
        shutil.rmtree(work)
    site = work / "site"
    site.mkdir(parents=True)
    truth, negatives, articles, n_clean, gbk_urls = build(site, args.seed)
    srv = _serve(site, gbk_urls)
    base = f"http://127.0.0.1:{srv.server_port}"
    print(f"site: {len(articles) + len(TITLES) + 1} pages, {n_clean} clean pool sentences, at {base}; work dir {work}")
    r = run_xunjian(work / "sites.toml", work / "x.db", base, t0)
    srv.shutdown()
    if r.returncode:
        print("findings failed:", r.stderr[-3000:])
        sys.exit(1)
    findings = json.loads(r.stdout)
    (work / "findings.json").write_text(r.stdout, "utf-8")
    report(truth, negatives, findings)
    print(f"total run time {time.time() - t0:.1f}s")


if __name__ == "__main__":
    main()
