"""The reference data of text.typo_severe: checks/data/severe.toml (leaders and their titles, the
names of the Party's and the state's organs, key formulations, each list with its source and
as-of date), read once; checks/severe.py and checks/leaders.py check text against it."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

CHECK = "text.typo_severe"
DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=1)
def reference() -> dict:
    """severe.toml as a dictionary (edit the file, not the code, when an office changes hands)."""
    with open(DATA / "severe.toml", "rb") as handle:
        return tomllib.load(handle)
