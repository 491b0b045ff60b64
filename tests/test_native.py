"""The typo detector's modules compiled with mypyc (checks/native.py): same findings, never stale.

`make test` builds them first (`make native`); where mypy cannot be installed the build is
skipped and the plain-Python modules run, which the last test says out loud.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks import native

ROOT = Path(__file__).resolve().parent.parent

LINES = [
    "县住建局联合城关镇对城区占道经营问题开展集中整冶。",            # a typo the model finds
    "县民政局对全县城乡低保对象开展年度复核，确保应保尽保。",
    "深入学习习进平新时代中国特色社会主义思想。",                    # a severe one, reported once
    "海原县贾塘乡后塘村驻村第一书记深入农户走访。",                  # place names: no typo
    "请各单位于11月30日前将材料报送市政府办公室。",
    "如有疑问，请与县农业农村局赖小军（139-7073-2561）联系。",
    "5月20日，全县新录用公务员参加培训。县市场监管局开展集中整冶。县地税局开展宣传。",
]


def check_text(tmp_path: Path, pure: bool) -> tuple[list[dict], str]:
    source = tmp_path / "lines.txt"
    source.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    env = dict(os.environ)
    env.pop("XUNJIAN_PURE_PYTHON", None)
    if pure:
        env["XUNJIAN_PURE_PYTHON"] = "1"
    code = ("import sys, runpy; sys.argv = ['xunjian', 'check-text', '--format', 'jsonl', '--suspects', sys.argv[1]];"
            "import checks.typolm as t; print('MODULE', t.__file__, file=sys.stderr); runpy.run_module('xunjian', run_name='__main__')")
    run = subprocess.run([sys.executable, "-c", code, str(source)], capture_output=True, text=True, cwd=ROOT, env=env,
                         timeout=300)
    assert run.returncode == 0, run.stderr
    module = next(line.split(" ", 1)[1] for line in run.stderr.splitlines() if line.startswith("MODULE "))
    return [json.loads(line) for line in run.stdout.splitlines() if line.strip()], module


@pytest.mark.skipif(native.current_build() is None, reason="no current mypyc build (make native)")
def test_compiled_and_plain_modules_find_the_same(tmp_path):
    compiled, where = check_text(tmp_path, pure=False)
    plain, plain_where = check_text(tmp_path, pure=True)
    assert where.endswith(".so") and str(native.PACKAGE_DIR) in where
    assert plain_where.endswith("typolm.py")
    assert compiled == plain
    assert {f["evidence"] for f in compiled} >= {"冶", "习进平新时代中国特色社会主义思想", "139****2561", "地税局"}


def test_a_build_of_other_sources_is_not_used(tmp_path, monkeypatch):
    build = tmp_path / "checks"
    build.mkdir()
    monkeypatch.setattr(native, "PACKAGE_DIR", build)
    monkeypatch.setattr(native, "DIGEST", build / "SOURCES")
    monkeypatch.delenv("XUNJIAN_PURE_PYTHON", raising=False)
    assert native.current_build() is None                       # nothing built
    (build / "SOURCES").write_text("0" * 24 + "\n", encoding="ascii")
    assert native.current_build() is None                       # built from other sources: stale
    (build / "SOURCES").write_text(native.sources_digest() + "\n", encoding="ascii")
    assert native.current_build() == build
    monkeypatch.setenv("XUNJIAN_PURE_PYTHON", "1")
    assert native.current_build() is None                       # plain Python asked for


def test_make_native_built_when_mypyc_is_installed():
    if importlib.util.find_spec("mypyc") is None:
        pytest.skip("mypy is not installed (pip install -e '.[native]'): the typo checks run as plain Python")
    assert native.current_build() is not None, "run `make native`: the compiled modules are missing or stale"
