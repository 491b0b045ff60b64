"""Fit the typo detector's decision rule (checks/typolm.py WEIGHTS, CONFIDENT, SUSPECT).

    .venv/bin/python bench/fit_typo.py               (reads ../shared/data/csc-eval)
    .venv/bin/python bench/fit_typo.py --realwords   (the real-word thresholds, checks/realwords.py)

Every candidate the detector weighs (TypoDetector.candidates_in) on ecspell_odw_train is
labelled a typo when it puts back the corrected character; every candidate on the clean
sentences of xxqg_correct and rmrb1998_correct — each half scored by a model built without it,
as bench/text.py does — is labelled not a typo. A logistic regression over Candidate.features
gives the weights; the table then shows, for each threshold on the score, sentence-level recall
on odw_train and false alarms on the clean halves, from which CONFIDENT and SUSPECT are chosen.
ecspell_odw_test is never read: it is the figure bench/text.py reports.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from checks import lm, realwords, typolm  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "csc-eval"
CLEAN = {"xxqg_correct.jsonl": "xxqg", "rmrb1998_correct.jsonl": "rmrb1998"}


def sentences(name: str) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(" ".join(r["source"].split()), " ".join(r["target"].split())) for r in rows]


def weighed(pairs: list[tuple[str, str]], detector: typolm.TypoDetector) -> list[tuple[bool, list[tuple]]]:
    """Per sentence: whether it holds an error, and its candidates as (features, is the fix)."""
    result = []
    for source, target in pairs:
        fixes = {(i, t) for i, (s, t) in enumerate(zip(source, target)) if s != t} if len(source) == len(target) else set()
        found = [(c.features(), (c.offset, c.right) in fixes) for c in detector.candidates_in(source)]
        result.append((source != target, found))
    return result


def logistic(features: np.ndarray, labels: np.ndarray, steps: int = 3000) -> np.ndarray:
    """Plain L2-regularised logistic regression by gradient descent on standardised features."""
    mean, spread = features.mean(0), features.std(0)
    mean[0], spread[0] = 0.0, 1.0
    spread[spread == 0] = 1.0
    scaled = (features - mean) / spread
    weights = np.zeros(features.shape[1])
    for _ in range(steps):
        predicted = 1 / (1 + np.exp(-scaled @ weights))
        weights -= 0.5 * (scaled.T @ (predicted - labels) / len(labels) + 1e-3 * weights)
    raw = weights / spread
    raw[0] = weights[0] - (weights[1:] * mean[1:] / spread[1:]).sum()
    return raw


def main() -> None:
    sets = {"odw_train": weighed(sentences("ecspell_odw_train.jsonl"), typolm.detector())}
    for name, corpus in CLEAN.items():
        distinct = {target: (source, target) for source, target in sentences(name)}
        sets[corpus] = []
        for fold in (0, 1):
            holdout = lm.Holdout(corpus, fold)
            sets[corpus] += weighed([pair for line, pair in distinct.items() if lm.fold_of(line) == fold],
                                    typolm.detector(holdout))
    rows = [(features, fix) for found in sets.values() for _, candidates in found for features, fix in candidates]
    weights = logistic(np.array([f for f, _ in rows]), np.array([1.0 if fix else 0.0 for _, fix in rows]))
    print("WEIGHTS =", tuple(round(float(w), 3) for w in weights))
    table = []
    for threshold in np.arange(-1.5, 2.01, 0.25):
        line = [round(float(threshold), 2)]
        for found in sets.values():
            flagged = [wrong for wrong, candidates in found
                       if any(float(np.dot(weights, f)) > threshold for f, _ in candidates)]
            wrong_total = sum(w for w, _ in found)
            clean_total = len(found) - wrong_total
            hits = sum(flagged)
            line.append(f"{hits / wrong_total:.3f}" if wrong_total else f"{(len(flagged) - hits) / clean_total:.2%}")
        table.append(line)
    print(tabulate(table, headers=["threshold", "odw_train recall (model only)", "xxqg false alarms",
                                   "rmrb1998 false alarms"]))


def realword_table(sets: dict[str, list[tuple[str, str, typolm.TypoDetector]]]) -> None:
    """Real-word errors (checks/realwords.py): per gain threshold, sentences whose confusable word
    the model puts right on odw_train, and clean sentences flagged on the held-out halves."""
    gains: dict[str, list[tuple[bool, float, float]]] = {}
    for name, rows in sets.items():
        gains[name] = []
        for source, target, detector in rows:
            right = wrong = float("-inf")
            for found in realwords.confusions(source, detector.model):
                span = slice(found.offset, found.offset + len(found.written))
                if len(source) == len(target) and target[span] == found.meant:
                    right = max(right, found.gain)
                else:
                    wrong = max(wrong, found.gain)
            gains[name].append((source != target, right, wrong))
    table = []
    for threshold in (3, 4, 5, 6, 7, 8, 10, 12):
        line = [threshold]
        for rows in gains.values():
            errors = sum(1 for has_error, _, _ in rows if has_error)
            if errors:
                line.append(f"{sum(1 for e, r, _ in rows if e and r > threshold)} of {errors}, "
                            f"{sum(1 for e, _, w in rows if e and w > threshold)} wrongly")
            else:
                line.append(f"{sum(1 for _, r, w in rows if max(r, w) > threshold) / len(rows):.2%}")
        table.append(line)
    print(tabulate(table, headers=["gain", *(f"{name} ({'put right' if name == 'odw_train' else 'flagged'})"
                                            for name in gains)]))


def realword_sets() -> dict[str, list[tuple[str, str, typolm.TypoDetector]]]:
    sets = {"odw_train": [(s, t, typolm.detector()) for s, t in sentences("ecspell_odw_train.jsonl")]}
    for name, corpus in CLEAN.items():
        distinct = {target: (source, target) for source, target in sentences(name)}
        sets[corpus] = [(source, target, typolm.detector(lm.Holdout(corpus, fold)))
                        for fold in (0, 1) for line, (source, target) in distinct.items() if lm.fold_of(line) == fold]
    return sets


if __name__ == "__main__":
    if sys.argv[1:] == ["--realwords"]:
        realword_table(realword_sets())
    else:
        main()
