"""Reports: scoring against the indicators; monthly results, quarterly bulletins, year figures,
per-department notices (DOCX after GB/T 9704, XLSX, HTML, PDF).

    scoring.py   findings → score and verdict (profile.toml: points, caps, vetoes)
    period.py    which runs make up a month, quarter or year
    collect.py   monthly results and the period's problems from the store
    generate.py  write every document of a period (`xunjian report`)
"""

from __future__ import annotations

from pathlib import Path


def demo_reports(db_path: Path | str, config_path: Path | str, out_dir: Path | str) -> list[Path]:
    """Write the demo city's monthly results and quarterly bulletin; return the paths written."""
    from reports.generate import demo_reports as run

    return run(db_path, config_path, out_dir)
