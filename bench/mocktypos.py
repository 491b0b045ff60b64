"""text.typo over the mock county portals without a crawl: every county at once, in minutes.

    python bench/mocktypos.py [FIRST LAST] [--json OUT]

Each county's articles are built as bench/mocksite.py builds them (same seed, every error planted),
and each title and paragraph is checked with the typo checks the product runs on a page
(checks/typos.py, scan_both), the site's own joined text beside it (checks/sitetext.py), and the
language model built without the county's fold of the county text (a county not yet in that text,
a new batch's first run, with the whole model). Findings are kept once per wrong word, as the
product reports them, and scored as mocksite.py scores them: a finding on a planted typo is a hit,
one on an error planted for another check is left aside, any other is a false alarm (mocksite.score_check). On mocks
443-450 this gave the same hits and false alarms as their full runs through `xunjian inspect`.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import mocksite  # noqa: E402

from checks import lm, sitetext  # noqa: E402

typos = importlib.import_module("checks.typos")     # `checks.typos` the module, not the check it exports


def county_modules(first: int, last: int) -> list[str]:
    """The data modules of counties first..last that exist in bench/."""
    bench = Path(__file__).resolve().parent
    names = ["mocksite_data" if n == 1 else f"mocksite{n}_data" for n in range(first, last + 1)]
    return [name for name in names if (bench / f"{name}.py").exists()]


def score_county(module_name: str) -> dict:
    """The planted typos of one county found and missed, and its false alarms."""
    mocksite.use_data(module_name)
    typos.use_holdout(lm.Holdout.parse(mocksite.HOLDOUT or None))
    truth, negatives, articles = mocksite.plan()
    texts = {a["url"]: [a["title"]] + mocksite.paragraphs(a["sents"]) for a in articles}
    template = [f"{mocksite.COUNTY}人民政府", "首页"] + [name for name, _ in mocksite.TITLES.values()]
    distinct = dict.fromkeys(template)
    for lines in texts.values():
        distinct.update(dict.fromkeys(lines))
    site = sitetext.SiteText("\n".join(distinct), sitetext.place_name(mocksite.COUNTY + "人民政府"))
    found: dict[str, dict] = {}
    suspects = []
    for article in articles:
        date = dt.date.fromisoformat(article["date"])
        for line in texts[article["url"]]:
            for hit in typos.scan_both(line, date, site):
                finding = dict(check=hit.check, url=article["url"], evidence=hit.evidence,
                               suggestion=hit.suggestion, context=line[max(0, hit.offset - 20):hit.offset + 30])
                if hit.check == typos.CHECK:
                    found.setdefault(hit.evidence, finding)
                else:
                    suspects.append(finding)
    score = mocksite.score_check(typos.CHECK, truth, negatives, list(found.values()))
    misses = []
    for i, t in enumerate(score["planted"]):
        if i not in score["hit"]:
            suspect = next((f for f in suspects if mocksite.hits(f, t)), None)
            misses.append(dict(wrong=t["wrong"], right=t["right"], sentence=t["sent"],
                               suspect=f"{suspect['evidence']}→{suspect['suggestion']}" if suspect else None))
    return dict(planted=len(score["planted"]), found=len(score["hit"]), misses=misses, false_alarms=score["fa"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("first", nargs="?", type=int, default=1)
    parser.add_argument("last", nargs="?", type=int, default=10_000)
    parser.add_argument("--json", metavar="OUT", help="write every county's misses and false alarms here")
    args = parser.parse_args()
    started = time.time()
    scores = {}
    for name in county_modules(args.first, args.last):
        scores[name] = score_county(name)
        for alarm in scores[name]["false_alarms"]:
            print(f"误报 {name}: {alarm['evidence']}→{alarm['suggestion']} | {alarm['context']}")
    planted = sum(s["planted"] for s in scores.values())
    found = sum(s["found"] for s in scores.values())
    alarms = sum(len(s["false_alarms"]) for s in scores.values())
    print(f"{len(scores)} counties: text.typo {found}/{planted} ({found / max(planted, 1):.1%}) found, "
          f"{alarms} false alarms, in {time.time() - started:.0f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(scores, ensure_ascii=False, indent=1), "utf-8")


if __name__ == "__main__":
    main()
