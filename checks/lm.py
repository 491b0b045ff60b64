"""A character 4-gram language model of correct official Chinese, for the statistical typo check.

Built on first use from the licensed text vendored in checks/data/lm/ (see checks/data/README.md)
and cached as a pickle, so an inspection never downloads anything. The model is interpolated
Kneser-Ney (discount 0.75) stored in backoff form: a log-probability for each n-gram kept and a
backoff weight for each history, packed in one table of integers (Model); 4-grams seen three
times or fewer are pruned. The table takes about 60 MB in memory.

Digits and Latin letters are folded to one symbol each (`normalize`) so that a date or a code
never looks like a rare context; the folding maps one character to one, so offsets stay exact.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import os
import pickle
import re
import subprocess
import sys
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Final

import checks
from checks.lmtable import ORDER, Model

# From the package, not this module's __file__, which mypyc's build (checks/native.py) moves.
PACKAGE: Final[Path] = Path(checks.__file__).resolve().parent
DATA: Final[Path] = PACKAGE / "data" / "lm"
DISCOUNT: Final = 0.75
# 4-grams seen three times or fewer are dropped: with the statutes in the text, keeping those
# seen twice or three times bought no recall (bench/fit_typo.py) for 100,000 more n-grams;
# pruning 3-grams seen once too cost 1.5 points.
PRUNE: Final = {4: 3}
VERSION: Final = 4               # bump when the model's construction changes: the cache is rebuilt
# Sentence corpora (split into folds for held-out benchmarks), and text never held out: policy
# titles, phrase lists and the statutes in force (bench/build_laws_text.py).
CORPORA: Final = ("clean_xxqg.txt", "clean_rmrb1998.txt", "clean_nlpcc2023.txt")
LISTS: Final = ("titles.txt", "phrases.txt", "laws.txt.gz", "gov_terms.txt")
# The clean text of the project's own fictional county portals (bench/mocksite*_data.py), split by
# county: fold k holds the counties whose number is k modulo 2, so that a county is measured with
# the model built without its fold (bench/mocksite.py holds it out).
SITES_CORPUS: Final = "county_sites"
SITES: Final = tuple(f"{SITES_CORPUS}_{fold}.txt.gz" for fold in (0, 1))
WORDS: Final = "words.tsv"           # the dictionary, with counts (see WORD_TEXT_MIN)
BEGIN, END = "^", "$"

# Digits (ASCII and full-width) fold to 0, Latin letters to a. Two regular expressions rather than
# str.translate, which looks each character of a line up in its table: most are 汉字.
_DIGIT: Final = re.compile("[0-9０-９]")
_LETTER: Final = re.compile("[a-zA-Zａ-ｚＡ-Ｚ]")


def normalize(text: str) -> str:
    """Fold digits to 0 and Latin letters to a, one character for one."""
    return _LETTER.sub("a", _DIGIT.sub("0", text))


def fold_of(line: str) -> int:
    """The benchmark fold (0 or 1) a corpus line belongs to: stable, by content."""
    return hashlib.md5(line.encode("utf-8")).digest()[0] % 2


@dataclass(frozen=True)
class Holdout:
    """Leave one fold of one corpus out of the model, to measure false alarms on it honestly."""

    corpus: str      # "xxqg", "rmrb1998", "nlpcc2023" or "county_sites"
    fold: int

    @classmethod
    def parse(cls, spec: str | None) -> "Holdout | None":
        if not spec:
            return None
        corpus, _, fold = spec.partition(":")
        if (f"clean_{corpus}.txt" not in CORPORA and corpus != SITES_CORPUS) or fold not in ("0", "1"):
            raise ValueError(f"--holdout 应为 xxqg|rmrb1998|nlpcc2023|county_sites:0|1，收到 {spec!r}")
        return cls(corpus, int(fold))


# The dictionary's words seen this often or more are model text too: 1.8 million characters of
# prose never write 班车 or 冷链, and a character pair the model has never seen cannot be offered
# as a correction. Rarer words stay out: the dictionary holds misspellings at its lowest counts.
# At 30 (106,000 words) the held-out clean halves' false alarms fell (xxqg 0.60 -> 0.50 %, rmrb1998
# 0.86 -> 0.78 %) and the mock portals' typo false alarms with them (16 -> 12); 20 and 50 did less.
WORD_TEXT_MIN: Final = 30


def training_lines(holdout: Holdout | None = None) -> list[str]:
    """Every line the model learns from (a held-out fold left out)."""
    return text_lines(holdout) + dictionary_words()


def text_lines(holdout: Holdout | None = None) -> list[str]:
    """The lines of correct text the model learns from: the corpora and lists, not the dictionary."""
    lines: list[str] = []
    for name in CORPORA + LISTS + SITES:
        if holdout and name == f"{SITES_CORPUS}_{holdout.fold}.txt.gz" and holdout.corpus == SITES_CORPUS:
            continue
        for line in read_text(DATA / name).splitlines():
            if not line:
                continue
            if holdout and name == f"clean_{holdout.corpus}.txt" and fold_of(line) == holdout.fold:
                continue
            lines.append(line)
    return lines


def dictionary_words() -> list[str]:
    """The dictionary's words of two characters or more seen WORD_TEXT_MIN times or more."""
    found = []
    for line in read_text(DATA / WORDS).splitlines():
        word, _, count = line.partition("\t")
        if len(word) >= 2 and count.isdigit() and int(count) >= WORD_TEXT_MIN:
            found.append(word)
    return found


def read_text(path: Path) -> str:
    """A text file of the model's data, gzip-compressed or not (laws.txt.gz)."""
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")


def count_ngrams(lines: list[str]) -> Counter:
    counts: Counter = Counter()
    for line in lines:
        text = normalize(line)
        if len(text) > 6:       # a sentence, not a list entry: mark where it starts and ends
            text = BEGIN + text + END
        size = len(text)
        for n in range(1, ORDER + 1):
            counts.update(text[i:i + n] for i in range(size - n + 1))
    return counts


def estimate(counts: Counter) -> Model:
    """Interpolated Kneser-Ney over `counts`, pruned, in backoff form."""
    return Model.of(*estimate_tables(counts))


def estimate_tables(counts: Counter) -> tuple[dict[str, float], dict[str, float], float]:
    """`estimate` as plain tables: each kept n-gram's log-probability, each history's backoff
    weight (both rounded to a thousandth, as the model keeps them), and an unseen character's."""
    continuation: Counter = Counter(gram[1:] for gram in counts if len(gram) >= 2)
    kept: dict[str, int] = {}
    for gram, count in counts.items():
        if count <= PRUNE.get(len(gram), 0):
            continue
        kept[gram] = count if len(gram) == ORDER else (continuation.get(gram) or count)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for gram, count in kept.items():
        if len(gram) >= 2:
            entry = totals[gram[:-1]]
            entry[0] += count
            entry[1] += 1
    unigrams = {g: c for g, c in kept.items() if len(g) == 1}
    mass = sum(unigrams.values()) + 0.5 * len(unigrams)
    prob = {g: (c + 0.5) / mass for g, c in unigrams.items()}
    gamma = {h: DISCOUNT * e[1] / e[0] for h, e in totals.items()}

    def lower(gram: str) -> float:
        value = prob.get(gram)
        if value is not None:
            return value
        if len(gram) == 1:
            return 0.5 / mass
        return gamma.get(gram[:-1], 1.0) * lower(gram[1:])

    for n in range(2, ORDER + 1):
        for gram, count in kept.items():
            if len(gram) == n:
                history = gram[:-1]
                prob[gram] = max(count - DISCOUNT, 0) / totals[history][0] + gamma[history] * lower(gram[1:])
    return ({g: round(math.log(p), 3) for g, p in prob.items()}, {h: round(math.log(v), 3) for h, v in gamma.items()},
            math.log(0.5 / mass))


def cache_dir() -> Path:
    root = os.environ.get("XUNJIAN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "xunjian")
    return Path(root)


def fingerprint(holdout: Holdout | None) -> str:
    """A digest of everything the model is built from: its cache files are named by it."""
    digest = hashlib.blake2b(f"{VERSION}|{ORDER}|{DISCOUNT}|{PRUNE}|{holdout}|{WORD_TEXT_MIN}".encode(), digest_size=10)
    for name in CORPORA + LISTS + SITES + (WORDS,):
        digest.update((DATA / name).read_bytes())
    return digest.hexdigest()


def used_in_training_text(strings: list[str], source: bytes, holdout: Holdout | None = None) -> list[str]:
    """Those of `strings` that stand somewhere in the model's correct text (text_lines: a wrong
    form that correct text uses is no error; the dictionary's words are not asked). `source`:
    the bytes the strings come from, for the cache key."""
    return sorted(training_text_counts(strings, source, holdout))


def training_text_counts(strings: list[str], source: bytes, holdout: Holdout | None = None,
                         counted: Callable[[str, int, int], bool] | None = None) -> dict[str, int]:
    """How often each of `strings` that the model's correct text writes stands in it (overlapping
    occurrences too; those it never writes are left out). `source`: the bytes the strings come
    from, for the cache key. `counted`: when given, only the occurrences it accepts (the line,
    where the string starts and ends) are counted.

    Scanning the 5 million characters takes over a second, so the answer is cached beside the
    model, under the digest of the model's text, of `source` and of `counted`'s name.
    """
    digest = hashlib.blake2b(fingerprint(holdout).encode(), digest_size=10)
    digest.update(source)
    if counted is not None:
        digest.update(f"{counted.__module__}.{counted.__qualname__}".encode())
    path = cache_dir() / f"typo-counts-{digest.hexdigest()}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    from checks.phrases import PhraseFinder
    finder = PhraseFinder.of(strings)
    counts = Counter(found for line in text_lines(holdout) for start, found, _ in finder.find(line)
                     if counted is None or counted(line, start, start + len(found)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(dict(sorted(counts.items())), ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)
    except OSError:
        pass            # no writable cache: scan again next time
    return dict(counts)


def _cache_path(holdout: Holdout | None) -> Path:
    return cache_dir() / f"typo-lm-{fingerprint(holdout)}.pickle"


def _read(path: Path) -> Model | None:
    try:
        with open(path, "rb") as handle:
            ids, slots, unknown = pickle.load(handle)
        return Model(ids, slots, unknown)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return None


def build(holdout: Holdout | None = None) -> Path:
    """Build the model and write it to the cache; return the cache file."""
    path = _cache_path(holdout)
    model = estimate(count_ngrams(training_lines(holdout)))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    with open(partial, "wb") as handle:
        pickle.dump((model.ids, array("q", model.slots), model.unknown), handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)
    return path


@lru_cache(maxsize=2)
def load(holdout: Holdout | None = None) -> Model:
    """The model, from the cache when its sources are unchanged, else built (a few seconds).

    The build runs in a child process: counting takes about 100 MB more than the finished
    model, and an inspection should not carry that peak. Without a writable cache directory
    the model is built here instead.
    """
    path = _cache_path(holdout)
    model = _read(path)
    if model is None:
        spec = f"{holdout.corpus}:{holdout.fold}" if holdout else ""
        # -c, not -m: a module compiled by mypyc (checks/native.py) cannot be run with -m.
        subprocess.run([sys.executable, "-c", "import sys; from checks import lm; lm.main(sys.argv[1:])", spec],
                       capture_output=True, cwd=PACKAGE.parent)
        model = _read(path)
    return model or estimate(count_ngrams(training_lines(holdout)))


def main(argv: list[str]) -> None:
    """Build the model (for the fold held out in argv[0], if given) into the cache."""
    build(Holdout.parse(argv[0] if argv else None))


if __name__ == "__main__":
    main(sys.argv[1:])
