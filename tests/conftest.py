"""Shared test helpers: fixture sites on 127.0.0.1 and the real `xunjian` command."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


def _free_attacker_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.2", 0))
        return sock.getsockname()[1]


# The demo city's off-site host (demo/city_dark.py) on a port of the tests' own, set before any
# demo module is imported: a `make demo` running meanwhile holds the default one.
os.environ.setdefault("XUNJIAN_DEMO_ATTACKER_PORT", str(_free_attacker_port()))

from demo.server import FixtureSite  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nothing listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_site(root: Path, files: dict[str, str | bytes], site_toml: str | None = None) -> Path:
    """Write a fixture site: {relative path: text (UTF-8) or bytes}, plus optional _site.toml."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = textwrap.dedent(content).encode("utf-8")
        path.write_bytes(content)
    if site_toml:
        (root / "_site.toml").write_text(textwrap.dedent(site_toml), encoding="utf-8")
    return root


def write_config(path: Path, sites: list[dict], extra: str = "") -> Path:
    """Write a sites.toml for `sites` ({id, name, url, department, …})."""
    lines = [extra] if extra else []
    for site in sites:
        lines.append("[[sites]]")
        for key, value in site.items():
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def xunjian(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess:
    """Run the real command line in a child process (Scrapy's reactor starts once per process)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    result = subprocess.run([sys.executable, "-m", "xunjian", *args], capture_output=True, text=True,
                            timeout=timeout, cwd=ROOT, env=env)
    if check and result.returncode != 0:
        raise AssertionError(f"xunjian {' '.join(args)} exited {result.returncode}\n"
                             f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def findings_of(config: Path, db: Path, run: str = "latest") -> list[dict]:
    out = xunjian("findings", "--config", str(config), "--db", str(db), "--run", run, "--format", "json")
    return json.loads(out.stdout)


@pytest.fixture
def serve():
    """serve(root) -> a started FixtureSite; all are stopped after the test."""
    started: list[FixtureSite] = []

    def start(root: Path, port: int = 0) -> FixtureSite:
        site = FixtureSite(root, port=port).start()
        started.append(site)
        return site

    yield start
    for site in started:
        site.stop()
