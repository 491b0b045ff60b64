"""The demo city 清河市: three fictional government websites with planted defects.

    python -m demo.city OUTDIR

writes OUTDIR/qh-portal, OUTDIR/qh-county, OUTDIR/qh-edu (static sites for
demo.server) and OUTDIR/truth.json, the list of planted defects:

    {"site", "check", "url", "target", "evidence", "note"}

``url`` and internal ``target`` values use a placeholder base, e.g.
"{qh-portal}/xwzx/zwdt/index.html"; ``resolve_url`` swaps in the served
origin.  Output is deterministic (fixed seed, dates relative to AS_OF).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

from demo import city_county, city_edu, city_portal
from demo.citykit import AS_OF, SEED, SiteWriter, Truth

__all__ = ["AS_OF", "SEED", "SITES", "build_city", "load_truth", "resolve_url", "main"]

SITES = {  # id -> (builder module, page encoding)
    "qh-portal": (city_portal, "utf-8"),
    "qh-county": (city_county, "gbk"),
    "qh-edu": (city_edu, "utf-8"),
}
TRUTH_FILE = "truth.json"


def build_city(outdir: Path | str, seed: int = SEED) -> dict[str, Path]:
    """Write the three sites and truth.json under ``outdir``; return id -> root."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    truth = Truth()
    roots: dict[str, Path] = {}
    for site_id, (module, encoding) in SITES.items():
        root = outdir / site_id
        if root.exists():
            shutil.rmtree(root)
        root.mkdir()
        module.build(SiteWriter(site_id, root, encoding), truth, seed)
        roots[site_id] = root
    payload = [d.as_dict() for d in truth.defects]
    (outdir / TRUTH_FILE).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    return roots


def load_truth(outdir: Path | str) -> list[dict]:
    return json.loads((Path(outdir) / TRUTH_FILE).read_text(encoding="utf-8"))


_PLACEHOLDER = re.compile(r"^\{([a-z0-9-]+)\}")


def resolve_url(value: str | None, bases: dict[str, str]) -> str | None:
    """Replace a leading "{site}" placeholder by that site's base URL.

    ``bases`` maps site id -> base URL with or without a trailing slash
    (e.g. FixtureSite.url); values without a placeholder are returned as is.
    """
    if value is None:
        return None
    match = _PLACEHOLDER.match(value)
    if not match:
        return value
    return bases[match.group(1)].rstrip("/") + value[match.end():]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print("usage: python -m demo.city OUTDIR", file=sys.stderr)
        return 2
    roots = build_city(Path(argv[0]))
    truth = load_truth(argv[0])
    for site_id, root in roots.items():
        pages = sum(1 for p in root.rglob("*") if p.suffix in (".html", ".htm"))
        print(f"{site_id} {root} ({pages} pages)")
    print(f"truth {Path(argv[0]) / TRUTH_FILE} ({len(truth)} planted defects, as of {AS_OF})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
