"""Spelling-check benchmark through the product's own `xunjian check-text --format jsonl`.

    make bench-text          (reads ../shared/data/csc-eval)

Per file: sentence-level detection precision / recall / F1 (a sentence counts as flagged when
any text finding falls on it), the false-alarm rate on sentences without errors, and speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "csc-eval"
FILES = ("ecspell_odw_test.jsonl", "ecspell_odw_train.jsonl", "ecspell_docwriting_typed.jsonl",
         "nlpcc2023_task8.jsonl", "xxqg_correct.jsonl", "rmrb1998_correct.jsonl")


def run(path: Path) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(" ".join(r["source"].split()) for r in rows) + "\n")
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "xunjian", "check-text", "--format", "jsonl", handle.name],
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    seconds = time.perf_counter() - started
    Path(handle.name).unlink()
    flagged = {json.loads(line)["line"] for line in out.splitlines() if line.strip()}
    wrong = [r["source"] != r["target"] for r in rows]
    tp = sum(1 for i, w in enumerate(wrong, 1) if w and i in flagged)
    fp = sum(1 for i, w in enumerate(wrong, 1) if not w and i in flagged)
    positives, negatives = sum(wrong), len(wrong) - sum(wrong)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / positives if positives else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    chars = sum(len(r["source"]) for r in rows)
    return [path.name, len(rows), positives, f"{p:.2f}" if positives else "-", f"{r:.2f}" if positives else "-",
            f"{f1:.2f}" if positives else "-", f"{fp / negatives:.2%}" if negatives else "-",
            f"{chars / seconds:,.0f}"]


def main() -> None:
    table = [run(DATA / name) for name in FILES if (DATA / name).exists()]
    print(tabulate(table, headers=["file", "sentences", "with errors", "P", "R", "F1", "false alarms",
                                   "chars/s (incl. start-up)"]))
    print("pycorrector: not run side by side — its package import needs torch (see NOTES.md).")


if __name__ == "__main__":
    main()
