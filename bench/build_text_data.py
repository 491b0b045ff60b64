"""Build the vendored data of the text checks from ../shared/data (run from the project root).

    .venv/bin/python bench/build_text_data.py

Writes checks/data/severe_variants.tsv (misspellings of leaders' names, organ names and key
formulations, generated from same-pinyin / similar-shape confusion sets) and
checks/data/typo_pairs.tsv (known wrong -> right pairs). Every generated string that occurs in
the clean corpora (xxqg_correct, rmrb1998_correct) or is a dictionary word is dropped, so that
neither list can fire on correct text.
"""

from __future__ import annotations

import json
import sys
import tomllib
from pathlib import Path

import ahocorasick

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
LEX = SHARED / "lexicon"
OUT = ROOT / "checks" / "data"
HAN = lambda c: "\u4e00" <= c <= "\u9fff"  # noqa: E731


def confusion() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for name in ("same_pinyin.txt", "same_stroke.txt"):
        for line in (LEX / "pycorrector_1.1.4_data" / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            parts = line.split("\t")
            if name == "same_stroke.txt":
                for c in parts:
                    table.setdefault(c, set()).update(p for p in parts if p != c)
            else:
                table.setdefault(parts[0], set()).update("".join(parts[1:]))
    for name in ("shapeConfusion.json",):
        data = json.loads((LEX / "ecspell_confusion" / name).read_text(encoding="utf-8"))
        for c, others in data.items():
            table.setdefault(c, set()).update(others)
    return {c: {o for o in others if HAN(o) and o != c} for c, others in table.items()}


def clean_text() -> str:
    lines = []
    for name in ("xxqg_correct.jsonl", "rmrb1998_correct.jsonl", "ecspell_odw_train.jsonl"):
        for line in (SHARED / "csc-eval" / name).read_text(encoding="utf-8").splitlines():
            lines.append(json.loads(line)["target"])
    return "\n".join(lines)


def words() -> set[str]:
    found = set()
    for line in (LEX / "pycorrector_1.1.4_data" / "word_freq.txt").read_text(encoding="utf-8").splitlines():
        found.add(line.split(" ")[0])
    return found


def firing(candidates: dict[str, str], text: str) -> set[str]:
    """The candidate strings that occur in `text`."""
    automaton = ahocorasick.Automaton()
    for wrong in candidates:
        automaton.add_word(wrong, wrong)
    automaton.make_automaton()
    return {wrong for _, wrong in automaton.iter(text)}


def variants(phrase: str, table: dict[str, set[str]], edits: bool) -> set[str]:
    found = set()
    for i, c in enumerate(phrase):
        for other in table.get(c, ()):
            found.add(phrase[:i] + other + phrase[i + 1:])
    if edits and len(phrase) >= 6:
        for i in range(1, len(phrase) - 1):
            found.add(phrase[:i] + phrase[i + 1:])
    if edits and len(phrase) >= 5:
        for i in range(1, len(phrase) - 2):
            if phrase[i] != phrase[i + 1]:
                found.add(phrase[:i] + phrase[i + 1] + phrase[i] + phrase[i + 2:])
    found.discard(phrase)
    return found


def severe(table, clean: str, vocabulary: set[str]) -> dict[str, tuple[str, str]]:
    data = tomllib.loads((OUT / "severe.toml").read_text(encoding="utf-8"))
    correct = set(data["names"]["items"]) | set(data["formulations"]["items"])
    out: dict[str, tuple[str, str]] = {}
    for phrase in data["names"]["items"] + data["formulations"]["items"]:
        kind = "机构名称" if phrase in data["names"]["items"] else "重要表述"
        if len(phrase) < 4:
            continue
        for wrong in variants(phrase, table, edits=len(phrase) >= 5):
            out.setdefault(wrong, (phrase, kind))
    for leader in data["leaders"]:
        name = leader["name"]
        for wrong in variants(name, table, edits=False):
            if leader.get("anywhere"):
                out.setdefault(wrong, (name, "领导人姓名"))
            for title in [*leader["titles"], *(["同志"] if leader.get("anywhere") else [])]:
                out.setdefault(title + wrong, (title + name, "领导人姓名"))
                out.setdefault(wrong + title, (name + title, "领导人姓名"))
    bad = firing(out, clean)
    keep = {w: v for w, v in out.items()
            if w not in bad and w not in vocabulary and not any(w in c for c in correct)}
    print(f"severe variants: {len(out)} generated, {len(out) - len(keep)} dropped (clean text / words)")
    return keep


def typo_pairs(clean: str, vocabulary: set[str]) -> dict[str, tuple[str, str]]:
    pairs: dict[str, tuple[str, str]] = {}
    for wrong, right in json.loads((LEX / "macro_correct" / "confusion_dict.json").read_text(encoding="utf-8")).items():
        pairs.setdefault(wrong, (right, "macro-correct"))
    for line in (LEX / "ecspell_wordlists" / "常见错字错词.txt").read_text(encoding="utf-8").splitlines():
        if "-" in line:
            right, wrong = line.strip().split("-", 1)
            pairs.setdefault(wrong, (right, "ECSpell 常见错字错词"))
    for line in (LEX / "pycorrector_1.1.4_data" / "custom_confusion.tests.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not line.startswith("#") and len(parts) >= 2:
            pairs.setdefault(parts[0], (parts[1], "pycorrector"))
    # Pairs from the development split of the official-document benchmark (never odw_test).
    for line in (SHARED / "csc-eval" / "ecspell_odw_train.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        source, target = row["source"], row["target"]
        if source == target or len(source) != len(target):
            continue
        for i, (a, b) in enumerate(zip(source, target)):
            if a == b or not HAN(a):
                continue
            for start, end in ((i - 1, i + 2), (i - 2, i + 1), (i, i + 3)):
                if start < 0 or end > len(source):
                    continue
                wrong = source[start:end]
                if all(HAN(c) for c in wrong) and wrong not in vocabulary and wrong not in clean:
                    pairs.setdefault(wrong, (target[start:end], "ECSpell odw_train"))
                    break
    pairs = {w: v for w, v in pairs.items() if len(w) >= 2 and w != v[0]}
    bad = firing(pairs, clean)
    keep = {w: v for w, v in pairs.items() if w not in bad and w not in vocabulary}
    print(f"typo pairs: {len(pairs)} gathered, {len(pairs) - len(keep)} dropped (clean text / words)")
    return keep


def main() -> None:
    table, clean, vocabulary = confusion(), clean_text(), words()
    with open(OUT / "severe_variants.tsv", "w", encoding="utf-8") as out:
        out.write("# wrong\tright\tkind — generated by bench/build_text_data.py; see checks/data/README.md\n")
        for wrong, (right, kind) in sorted(severe(table, clean, vocabulary).items()):
            out.write(f"{wrong}\t{right}\t{kind}\n")
    with open(OUT / "typo_pairs.tsv", "w", encoding="utf-8") as out:
        out.write("# wrong\tright\tsource — generated by bench/build_text_data.py; see checks/data/README.md\n")
        for wrong, (right, source) in sorted(typo_pairs(clean, vocabulary).items()):
            out.write(f"{wrong}\t{right}\t{source}\n")


if __name__ == "__main__":
    sys.exit(main())
