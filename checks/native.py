"""The typo detector's hottest modules compiled to C with mypyc (`make native`), for speed.

`make native` (checks.native.main) compiles MODULES into build/native/checks/, with the digest of their
sources beside them. checks/__init__.py puts that directory first on the package's path only
when the digest still matches the sources, so a compiled module never runs stale code: after an
edit, the pure-Python module runs until the next `make native`. Findings are the same either way
(tests/test_native.py); the compiled modules check about twice as fast (bench/text.py on
ecspell_odw_test: 104,400 characters a second, 53,400 without them).

XUNJIAN_PURE_PYTHON=1 runs the pure-Python modules even when a current build exists.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The detector and the rules every line of text passes through (typos, setphrases, the severe check and
# its leaders, idioms, the usage rules, the phrase finders); not swaps.py, whose test hands it a stand-in model.
MODULES = ("checks/dictionary.py", "checks/lm.py", "checks/lmtable.py", "checks/propernames.py", "checks/typolm.py",
           "checks/typos.py", "checks/setphrases.py", "checks/severe.py", "checks/leaders.py", "checks/congress.py",
           "checks/idioms.py", "checks/realwords.py", "checks/phrases.py")
BUILD = ROOT / "build" / "native"
PACKAGE_DIR = BUILD / "checks"
DIGEST = PACKAGE_DIR / "SOURCES"
# One shared library for the modules, inside the package (checks.native__mypyc), so that
# nothing outside checks/ needs to be importable.
GROUP = "checks.native"

SETUP = """\
from setuptools import setup
from mypyc.build import mypycify

setup(name="xunjian-native", ext_modules=mypycify(["--follow-imports=silent", *{modules!r}], opt_level="3",
                                                  group_name={group!r},
                                                  target_dir={target!r}))
"""


def sources_digest() -> str:
    """A digest of the sources of MODULES and of the Python that runs them."""
    digest = hashlib.blake2b(sys.version.encode(), digest_size=12)
    for module in MODULES:
        digest.update((ROOT / module).read_bytes())
    return digest.hexdigest()


def current_build() -> Path | None:
    """The directory of a build made from the sources as they are now, if there is one."""
    if os.environ.get("XUNJIAN_PURE_PYTHON"):
        return None
    try:
        built = DIGEST.read_text(encoding="ascii").strip()
    except OSError:
        return None
    return PACKAGE_DIR if built == sources_digest() else None


def build() -> bool:
    """Compile MODULES into BUILD; True when done. The build is replaced only when it succeeds."""
    try:
        import mypyc  # noqa: F401  (installed with the `native` extra)
    except ImportError:
        print("提示：未安装 mypy（pip install -e '.[native]'），错别字检查以纯 Python 运行，速度约慢四分之一。",
              file=sys.stderr)
        return False
    with tempfile.TemporaryDirectory(prefix="xunjian-native-") as scratch:
        setup = Path(scratch) / "setup.py"
        setup.write_text(SETUP.format(modules=list(MODULES), group=GROUP, target=str(Path(scratch) / "c")),
                         encoding="utf-8")
        out = Path(scratch) / "lib"
        run = subprocess.run([sys.executable, str(setup), "build_ext", "--build-lib", str(out),
                              "--build-temp", str(Path(scratch) / "temp")],
                             cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            print("提示：mypyc 编译失败，错别字检查以纯 Python 运行（结果相同，速度较慢）：\n" + run.stdout[-1500:]
                  + run.stderr[-1500:], file=sys.stderr)
            return False
        if BUILD.exists():
            shutil.rmtree(BUILD)
        shutil.copytree(out / "checks", PACKAGE_DIR)
        DIGEST.write_text(sources_digest() + "\n", encoding="ascii")
    return True


def main(argv: list[str]) -> int:
    """Build unless a current build exists (or `--force`); the exit status."""
    if current_build() is not None and "--force" not in argv:
        print(f"已是最新：{PACKAGE_DIR.relative_to(ROOT)}")
        return 0
    return 0 if build() else 1
