"""Time per page of the two 暗链 modes on the demo city: static analysis and rendering.

Static: parse the page, compute the CSS cascade (checks/visibility.py) and judge every link.
Rendered: open the page in Debian's Chromium (crawler/render.py) and read every link's
real visibility. Both run on the demo city's pages served on 127.0.0.1.

Usage: .venv/bin/python bench/darkmodes.py [--pages 60]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import lxml.html

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checks.visibility import PageStyles  # noqa: E402
from demo.city import build_city  # noqa: E402
from demo.server import FixtureSite  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=60, help="pages per mode")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        roots = build_city(Path(tmp) / "city")
        root = roots["qh-portal"]
        files = sorted(p for p in root.rglob("*.html"))[: args.pages]
        sheet = "\n".join(p.read_text("utf-8", "replace") for p in root.rglob("*.css"))
        links = 0
        started = time.perf_counter()
        for path in files:
            page = lxml.html.document_fromstring(path.read_bytes().decode("utf-8", "replace"))
            styles = PageStyles(page, [sheet])
            for element in page.iter("a", "area"):
                styles.why_hidden(element)
                links += 1
        static = (time.perf_counter() - started) / len(files)
        print(f"static : {static * 1000:7.1f} ms per page ({len(files)} pages, {links / len(files):.0f} links a page)")

        from crawler.render import Renderer, browser_available

        if browser_available() is None:
            print("rendered: Chromium not installed (make browser) — not measured")
            return 0
        with FixtureSite(root) as site, Renderer() as renderer:
            urls = [site.url + str(p.relative_to(root)).replace("\\", "/") for p in files]
            started = time.perf_counter()
            for url in urls:
                renderer.links(url, set())
            rendered = (time.perf_counter() - started) / len(urls)
        print(f"rendered: {rendered * 1000:7.1f} ms per page (browser start {renderer.started_in:.2f} s, not included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
