"""Visual-similarity table of Chinese characters, computed by rendering glyphs.

Every character of the 通用规范汉字表 (levels 1 and 2 by default, 6,500 characters) is drawn
with the Simplified Chinese face of Noto Sans CJK at one fixed position on a square canvas,
downsampled and blurred (so strokes a little apart still overlap), and compared with every
other by correlation of the whole glyph plus the best of its parts (left/right/top/bottom/
inner, same part in both), so that 木/术, 白/自, 厂/广, 肋/助 and 染/渠 come out close.
Comparing a part with a *different* part of the other (佥 in 剑 and 险, --cross) was measured
and did not help, so it is off by default. For each character the most similar others above
a floor are kept, best first:

    .venv/bin/python bench/glyph_shapes.py --out /tmp/glyph/shapes.tsv --top 5 --floor 0.8
    .venv/bin/python bench/glyph_shapes.py --evaluate      # coverage of ecspell_odw_train typos

The font (/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc) is licensed under the SIL
Open Font License; it is only read to render glyphs, and only the derived similarity data
(character lists) is kept, no glyph images or font data.
"""

from __future__ import annotations

import argparse
import functools
import json
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
TGSCC = SHARED / "lexicon" / "standards" / "tgscc_通用规范汉字表.json"
CONFUSION = ROOT / "checks" / "data" / "lm" / "confusion.tsv"
TRAIN = SHARED / "csc-eval" / "ecspell_odw_train.jsonl"
CANVAS, GRID = 64, 32       # render size, and the side of the compared (downsampled) image


def load_chars(levels: int = 2) -> list[str]:
    """Characters of the 通用规范汉字表 up to `levels` (1: 3,500, 2: 6,500, 3: all 8,105).

    The JSON's `tgscc_list` is in table order, and the levels are its consecutive blocks."""
    chars = json.loads(TGSCC.read_text(encoding="utf-8"))["tgscc_list"]
    return chars[: {1: 3500, 2: 6500, 3: len(chars)}[levels]]


def sc_font(size: int) -> ImageFont.FreeTypeFont:
    """The "Noto Sans CJK SC" face of the collection, found by name among its indices."""
    for i in range(16):
        font = ImageFont.truetype(str(FONT), size, index=i)
        if font.getname()[0] == "Noto Sans CJK SC":
            return font
    raise LookupError(f"no Noto Sans CJK SC face in {FONT}")


# Parts compared, as (left, top, right, bottom) fractions of the canvas; each is stretched to
# the full grid, so that a component is compared whatever its place and size (佥 in 剑 and 险).
REGIONS = {"whole": (0, 0, 1, 1), "left": (0, 0, .6, 1), "right": (.4, 0, 1, 1),
           "top": (0, 0, 1, .6), "bottom": (0, .4, 1, 1), "inner": (.2, .2, .8, .8)}


def render(chars: list[str], blur: float = 1.0) -> dict[str, np.ndarray]:
    """Glyph images per region name: float32 (len(chars), GRID, GRID), ink = 1.

    Each character is drawn centred on the canvas (anchored at its advance box's middle, not
    its ink's, so all share one position and 木/术 differ only by the dot); each region is cut
    out, shrunk or stretched to GRID by area averaging, and Gaussian-blurred by `blur` px."""
    font = sc_font(int(CANVAS * 0.9))
    out = {r: np.empty((len(chars), GRID, GRID), np.float32) for r in REGIONS}
    for n, ch in enumerate(chars):
        img = Image.new("L", (CANVAS, CANVAS), 0)
        ImageDraw.Draw(img).text((CANVAS / 2, CANVAS / 2), ch, fill=255, font=font, anchor="mm")
        for r, box in REGIONS.items():
            part = img.crop(tuple(round(f * CANVAS) for f in box))
            part = part.resize((GRID, GRID), Image.Resampling.BOX)
            if blur:
                part = part.filter(ImageFilter.GaussianBlur(blur))
            out[r][n] = np.asarray(part, np.float32) / 255.0
    return out


def unit(x: np.ndarray) -> np.ndarray:
    """Rows of `x` flattened, mean-centred and scaled to length 1 (so dot product = correlation)."""
    x = x.reshape(len(x), -1).astype(np.float32)
    x = x - x.mean(axis=1, keepdims=True)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-6)


def similarity(glyphs: dict[str, np.ndarray], part: float = 0.3, cross: float = 0.3) -> np.ndarray:
    """All-pairs similarity (N, N), diagonal -inf: the whole-glyph correlation, plus `part`
    times the best correlation of one region with the same region of the other (shared left,
    bottom, ... component), plus `cross` times the best correlation of a region (or the whole)
    with a different region of the other (a component moved or enlarged: 剑/险, 女/安), all
    divided by 1 + part + cross."""
    vec = {r: unit(g) for r, g in glyphs.items()}
    sim = vec["whole"] @ vec["whole"].T
    same = np.full_like(sim, -1.0) if part else None
    moved = np.full_like(sim, -1.0) if cross else None
    for r, s in ((r, s) for r in REGIONS for s in REGIONS if (r, s) != ("whole", "whole")):
        if (same if r == s else moved) is None or (r != s and r > s):
            continue                  # a symmetric pair of distinct regions is done once
        m = vec[r] @ vec[s].T
        if r == s:
            np.maximum(same, m, out=same)
        else:
            np.maximum(moved, m, out=moved)
            np.maximum(moved, m.T, out=moved)
    sim = (sim + (part * same if part else 0) + (cross * moved if cross else 0)) / (1 + part + cross)
    np.fill_diagonal(sim, -np.inf)
    return sim


def top_similar(sim: np.ndarray, top: int, floor: float) -> list[list[int]]:
    """Per row, indices of the `top` highest columns with similarity >= `floor`, best first."""
    idx = np.argpartition(-sim, top, axis=1)[:, :top]
    rows = np.arange(len(sim))[:, None]
    idx = np.take_along_axis(idx, np.argsort(-sim[rows, idx], axis=1), axis=1)
    return [[j for j in row if sim[i, j] >= floor] for i, row in enumerate(idx)]


def load_confusion(path: Path = CONFUSION) -> dict[str, str]:
    """Current confusion table: char -> its same-pinyin plus similar-shape characters."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cols = line.split("\t")
            table[cols[0]] = "".join(cols[1:])
    return table


def gold_pairs(path: Path) -> list[tuple[str, str]]:
    """(wrong, right) for every substituted position of same-length source/target lines."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        src, tgt = rec["source"], rec["target"]
        if len(src) == len(tgt):
            pairs += [(a, b) for a, b in zip(src, tgt) if a != b]
    return pairs


def evaluate(chars: list[str], sim: np.ndarray, pairs: list[tuple[str, str]],
             ks: tuple[int, ...], floor: float) -> None:
    """Print coverage of gold pairs: by confusion.tsv, and of the rest by the table at each K,
    with the mean number of candidates per character the table adds to confusion.tsv."""
    conf = load_confusion()
    missed = [(a, b) for a, b in pairs if b not in conf.get(a, "")]
    known = set(chars)
    print(f"gold pairs {len(pairs)}, covered by confusion.tsv {len(pairs) - len(missed)}, "
          f"missed {len(missed)} ({sum(a in known and b in known for a, b in missed)} "
          f"with both characters in the set)")
    print(f"{'K':>4} {'floor':>6} {'missed covered':>15} {'new cand/char':>14}")
    for k in ks:
        table = {chars[i]: "".join(chars[j] for j in row)
                 for i, row in enumerate(top_similar(sim, k, floor))}
        hit = sum(b in table.get(a, "") for a, b in missed)
        new = np.mean([sum(c not in conf.get(ch, "") for c in s) for ch, s in table.items()])
        print(f"{k:>4} {floor:>6.2f} {hit:>15} {new:>14.2f}")


@functools.lru_cache(maxsize=2)     # bench/build_text_data.py asks twice; rendering takes seconds
def similar_shapes(top: int = 5, floor: float = 0.8, levels: int = 2) -> dict[str, str]:
    """Character -> the characters that look most like it, best first (what --out writes)."""
    chars, sim = shape_similarity(levels)
    rows = top_similar(sim, top, floor)
    return {c: "".join(chars[j] for j in r) for c, r in zip(chars, rows) if r}


@functools.lru_cache(maxsize=1)
def shape_similarity(levels: int = 2) -> tuple[list[str], np.ndarray]:
    """The characters of `levels` and their all-pairs similarity, as similar_shapes weighs them."""
    chars = load_chars(levels)
    return chars, similarity(render(chars, 1.5), 0.5, 0.0)


def look_alike(pairs: Iterable[tuple[str, str]], floor: float, levels: int = 2) -> list[tuple[str, str]]:
    """Those of `pairs` (characters of `levels`) whose glyphs are at least `floor` alike."""
    chars, sim = shape_similarity(levels)
    index = {c: i for i, c in enumerate(chars)}
    return [(a, b) for a, b in pairs if a in index and b in index and sim[index[a], index[b]] >= floor]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, help="TSV: char<TAB>similar chars, best first")
    ap.add_argument("--top", type=int, default=5, help="candidates kept per character")
    ap.add_argument("--floor", type=float, default=0.8, help="minimum similarity kept")
    ap.add_argument("--levels", type=int, default=2, choices=(1, 2, 3), help="通用规范汉字表 levels")
    ap.add_argument("--blur", type=float, default=1.5, help="Gaussian blur radius on the grid")
    ap.add_argument("--part", type=float, default=0.5, help="weight of same-region similarity")
    ap.add_argument("--cross", type=float, default=0.0, help="weight of moved-region similarity")
    ap.add_argument("--evaluate", type=Path, nargs="?", const=TRAIN, metavar="JSONL",
                    help="print coverage of gold typo pairs (default ecspell_odw_train)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    chars = load_chars(args.levels)
    glyphs = render(chars, args.blur)
    t1 = time.perf_counter()
    sim = similarity(glyphs, args.part, args.cross)
    t2 = time.perf_counter()
    print(f"{len(chars)} chars: render {t1 - t0:.1f}s, similarity {t2 - t1:.1f}s")
    if args.evaluate:
        evaluate(chars, sim, gold_pairs(args.evaluate), (5, 10, 20, 30), args.floor)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        rows = top_similar(sim, args.top, args.floor)
        args.out.write_text("".join(f"{c}\t{''.join(chars[j] for j in r)}\n"
                                    for c, r in zip(chars, rows) if r), encoding="utf-8")
        print(f"wrote {args.out} in {time.perf_counter() - t0:.1f}s total")


if __name__ == "__main__":
    main()
