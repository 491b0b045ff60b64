"""text.typo: known wrong -> right word pairs (checks/data/typo_pairs.tsv), matched with Aho-Corasick.

The pairs come from open spelling-check data (see checks/data/README.md); every pair that
occurs in clean official text or is itself a dictionary word was dropped when the list was
built, so a hit is a confident one. The same typo on many pages of a site counts once.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path

import ahocorasick

from checks.textscan import Hit

CHECK = "text.typo"
DATA = Path(__file__).parent / "data" / "typo_pairs.tsv"


@lru_cache(maxsize=1)
def automaton() -> ahocorasick.Automaton:
    machine = ahocorasick.Automaton()
    with open(DATA, encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            wrong, right, source = line.rstrip("\n").split("\t")
            machine.add_word(wrong, (wrong, right, source))
    machine.make_automaton()
    return machine


def scan_typos(text: str, date: dt.date | None = None) -> list[Hit]:
    """Known typos in `text`; overlapping hits keep the longest."""
    hits = []
    for end, (wrong, right, source) in automaton().iter(text):
        start = end - len(wrong) + 1
        hits.append(Hit(start, wrong, right, f"错别字：“{wrong}”应为“{right}”", CHECK, len(wrong)))
    hits.sort(key=lambda h: (h.offset, -h.length))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.offset < kept[-1].offset + kept[-1].length:
            continue
        kept.append(hit)
    return kept


def typos(ctx):
    """text.typo: one finding per (site, wrong word), with the number of pages it stands on."""
    from checks.textscan import site_findings
    yield from site_findings(ctx, CHECK, scan_typos, once_per_site=True)
