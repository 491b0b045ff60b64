"""`xunjian check-text`: the text checks on plain text, one line one unit (no store, no config)."""

from __future__ import annotations

import json
import sys
import time
from functools import lru_cache

import click
from tabulate import tabulate

from xunjian.cli import CHECK_NAMES, main

TEXT_CHECKS = ("text.typo_severe", "text.typo", "text.improper", "privacy.leak")


@lru_cache(maxsize=2)
def scanners(suspects: bool = False) -> dict:
    """Check id -> the function that scans one line for it (imported once: it runs per line)."""
    from checks.improper import scan_improper
    from checks.privacy import scan_privacy
    from checks.severe import scan_severe
    from checks.typos import scan_suspects, scan_typos
    found = {"text.typo_severe": scan_severe, "text.typo": scan_typos,
             "text.improper": scan_improper, "privacy.leak": scan_privacy}
    if suspects:
        found["text.typo_suspect"] = scan_suspects
    return found


def check_line(text: str, allow: tuple[str, ...] = (), suspects: bool = False, region: str | None = None) -> list[dict]:
    """Every finding of the text checks in one line (a typo inside a severe error is reported once,
    as severe: checks/typos.py). `region`: the province the text is written for, for the improper
    wording rules that hold in some provinces only (None: not known)."""
    found = []
    for check_id, scan in scanners(suspects).items():
        hits = scan(text, None, region) if check_id == "text.improper" else scan(text, None)
        for hit in hits:
            if any(word in hit.evidence for word in allow if word):
                continue
            found.append({"check": check_id, "evidence": hit.evidence, "suggestion": hit.suggestion,
                          "offset": hit.offset, "detail": hit.detail})
    return sorted(found, key=lambda f: f["offset"])


@main.command("check-text")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table", show_default=True,
              help="输出格式：table（表格）或 jsonl（每条问题一行 JSON）。")
@click.option("--allow", "allow", multiple=True, help="不报告的词（可多次指定）。")
@click.option("--suspects", is_flag=True,
              help="同时列出统计模型把握不足的疑似错别字（text.typo_suspect）。Also list weaker suspects.")
@click.option("--region", metavar="省份",
              help="文本所属省级地区（如 内蒙古、辽宁）：部分机构名称只在某些省份已撤销，"
                   "如内蒙古的农牧局仍保留、辽宁的海洋与渔业局已撤销；不指定时按全国通行规则判断。")
@click.option("--holdout", metavar="CORPUS:FOLD", hidden=True,
              help="Benchmarks only: build the typo model without one fold of a clean corpus (bench/text.py).")
def check_text(source, fmt: str, allow: tuple[str, ...], suspects: bool, region: str | None,
               holdout: str | None) -> None:
    """检查文本文件（- 为标准输入）中的错别字、严重表述错误、不恰当表述与个人信息泄露；每行为一个单元。

    错别字先按已知错词对照表查找，再由内置的统计语言模型（首次使用时由随附的授权语料构建，约需数秒，
    之后缓存）判断；把握不足的结果仅在 --suspects 时列出。
    """
    from checks import lm
    from checks.improper import REGIONS, region_named
    from checks.typos import preload, use_holdout
    if region is not None:
        named = region_named(region)
        if named is None:
            raise click.BadParameter(f"未知的省级地区“{region}”；可用：{'、'.join(REGIONS)}", param_hint="--region")
        region = named
    try:
        use_holdout(lm.Holdout.parse(holdout))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--holdout")
    started = time.perf_counter()
    preload()
    check_line("\u3000", allow, suspects)     # every other check builds its tables on first use
    loaded = time.perf_counter()
    rows = []
    out = sys.stdout
    lines = chars = 0
    for number, line in enumerate(source, start=1):
        text = line.rstrip("\n")
        lines, chars = number, chars + len(text)
        for item in check_line(text, allow, suspects, region):
            item = {"line": number, **item}
            if fmt == "jsonl":
                out.write(json.dumps(item, ensure_ascii=False) + "\n")
            else:
                rows.append([number, item["offset"], CHECK_NAMES.get(item["check"], item["check"]),
                             item["evidence"], item["suggestion"] or ""])
    if fmt == "table":
        if rows:
            click.echo(tabulate(rows, headers=["行", "位置", "问题类型", "疑似错误", "推荐修改"]))
        click.echo(f"共发现 {len(rows)} 处问题")
    seconds = time.perf_counter() - loaded
    # On stderr, so that jsonl output stays clean; bench/text.py reads the checking time from it.
    click.echo(f"已检查 {lines} 行、{chars} 字，用时 {seconds:.3f} 秒（另载入模型与词表 {loaded - started:.1f} 秒）",
               err=True)
