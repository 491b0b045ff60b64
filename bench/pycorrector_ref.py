"""Reference: pycorrector 1.1.4's offline correctors on the same sentences (bench/text.py runs this).

Runs inside its own virtual environment (bench-out/pycorrector-venv; pycorrector installed without
its torch dependencies). pycorrector/__init__ imports torch, so the two offline correctors are
imported as submodules of a bare package. ConfusionCorrector gets the 1,369 pairs from its own
repository's tests; ProperCorrector gets the 8,519 idioms, as in ../shared/NOTES.md.

    python bench/pycorrector_ref.py SENTENCES.txt   -> JSON {"confusion": [lines], "proper": [lines], "seconds": {...}}
"""

import json
import os
import sys
import time
import types
from pathlib import Path

LEX = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "lexicon"


def correctors():
    site = next(p for p in sys.path if p.endswith("site-packages"))
    package = types.ModuleType("pycorrector")
    package.__path__ = [os.path.join(site, "pycorrector")]
    sys.modules["pycorrector"] = package
    from loguru import logger
    logger.remove()
    from pycorrector.confusion_corrector import ConfusionCorrector
    from pycorrector.proper_corrector import ProperCorrector
    pairs = {}
    for line in (LEX / "pycorrector_1.1.4_data" / "custom_confusion.tests.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if not line.startswith("#") and len(parts) >= 2:
            pairs[parts[0]] = parts[1]
    idioms = Path(os.environ.get("TMPDIR", "/tmp")) / "xunjian-bench-idioms.txt"
    idioms.write_text("\n".join(line.split()[0] for line in
                                (LEX / "ecspell_wordlists" / "成语.txt").read_text(encoding="utf-8").splitlines()
                                if line.split()) + "\n", encoding="utf-8")
    return {"confusion": ConfusionCorrector(custom_confusion_path_or_dict=pairs),
            "proper": ProperCorrector(proper_name_path=str(idioms))}


def main() -> None:
    lines = Path(sys.argv[1]).read_text(encoding="utf-8").splitlines()
    found, seconds = {}, {}
    for name, corrector in correctors().items():
        started = time.perf_counter()
        found[name] = [n for n, line in enumerate(lines, 1)
                       if corrector.correct(line).get("target", line) != line]
        seconds[name] = time.perf_counter() - started
    print(json.dumps({**found, "seconds": seconds}))


if __name__ == "__main__":
    main()
