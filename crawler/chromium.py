"""Debian's Chromium: where it is installed and the flags it is launched with.

The rendered mode (crawler/render.py) and the browser tests of the review UI drive the same
system Chromium (`/usr/bin/chromium`, installed by `make browser` / `.ci/run`) through Playwright;
`playwright install` is never used. Finding a binary that really runs is kept apart from driving
it, so that callers can ask "is there a browser?" without importing Playwright.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess

__all__ = ["BrowserUnavailable", "browser_available", "CANDIDATES", "INSTALL_HINT", "LAUNCH_ARGS"]

# Where Debian/Ubuntu put Chromium; PATH is searched first.
CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium", "/usr/bin/chromium-browser",
              "/usr/lib/chromium/chromium")

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

INSTALL_HINT = ("请运行 `make install browser`（或 `make test`，会一并安装；CI 由 .ci/run 安装 chromium）。"
                " / Run `make install browser` (`make test` does both; CI installs chromium "
                "through .ci/run).")


class BrowserUnavailable(Exception):
    """No usable Chromium (or no playwright package): the rendered mode cannot run."""


@functools.lru_cache(maxsize=None)
def _runs(path: str) -> bool:
    """The binary answers `--version` (Ubuntu's snap stub and broken installs do not)."""
    try:
        result = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=20,
                                stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and "chrom" in result.stdout.lower()


def browser_available() -> str | None:
    """The path of a usable Chromium, or None."""
    seen: set[str] = set()
    for name in CANDIDATES:
        path = shutil.which(name) if os.sep not in name else name
        if not path or path in seen or not os.access(path, os.X_OK):
            continue
        seen.add(path)
        if _runs(path):
            return path
    return None
