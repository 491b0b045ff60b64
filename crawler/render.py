"""Browser-rendered mode: open pages in Debian's Chromium and see which links a reader can see.

Playwright (PyPI, with its own node driver) drives the system Chromium (found by
crawler/chromium.py); one browser and one context serve many pages; each URL gets a new page
that is closed afterwards. What is read from a loaded page — each link's visibility and the
reason it is hidden — lives in crawler/link_visibility.py; this module owns the browser session.

The browser fetches only from the page's own host:port: every other request (images, scripts,
fonts, frames on other hosts) is aborted by a route handler, so rendering never reaches out to
third parties; external link targets are checked elsewhere.

Not thread-safe, and like every Playwright sync API user it must not run inside a running
asyncio event loop (use it outside Scrapy's reactor thread).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

# Chromium discovery and the link record are re-exported: callers import them from here.
from crawler.chromium import (CANDIDATES, INSTALL_HINT, LAUNCH_ARGS, BrowserUnavailable,
                              browser_available)
from crawler.link_visibility import RenderedLink, hrefs_in_html, read_links

__all__ = ["BrowserUnavailable", "RenderError", "RenderedLink", "Renderer", "browser_available",
           "CANDIDATES", "LAUNCH_ARGS"]

VIEWPORT = {"width": 1440, "height": 900}
LATE_SCRIPTS_MS = 300


class RenderError(Exception):
    """A page could not be opened in the browser (refused, timed out, redirected off-site …)."""


# Only pages that can still change after `load` get the settle wait.
_HAS_SCRIPTS_JS = "() => document.scripts.length > 0 || !!document.querySelector('iframe, frame, [onload]')"

# --- the browser -----------------------------------------------------------------------

def _origin(url: str) -> tuple[str, int | None] | None:
    """(host, port) with the scheme's default port filled in; None for non-network URLs."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return parts.hostname.lower(), port


def _offsite_pattern(url: str) -> re.Pattern[str]:
    """A regex matching every URL not on `url`'s scheme://host:port, as the browser writes URLs.

    Same-site requests then never leave the Playwright driver; only off-site ones reach Python.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        pass
    if ":" in host:
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    port = "" if parts.port in (None, default) else f":{parts.port}"
    prefix = f"{parts.scheme}://{host}{port}"
    return re.compile(r"^(?!" + re.escape(prefix) + r"(?:[/?#]|$))", re.IGNORECASE)


class Renderer:
    """One headless Chromium for many pages; a context manager.

    >>> with Renderer() as r:
    ...     for link in r.links("http://127.0.0.1:8000/"):
    ...         print(link.visible, link.reason, link.url)
    """

    def __init__(self, executable: str | None = None, timeout: float = 15.0, *,
                 settle: float = LATE_SCRIPTS_MS / 1000) -> None:
        path = executable or browser_available()
        if not path or not os.access(path, os.X_OK):
            where = f"（{executable}）" if executable else "（/usr/bin/chromium, chromium-browser）"
            raise BrowserUnavailable(f"未找到可用的 Chromium 浏览器{where}。{INSTALL_HINT} "
                                     f"/ No usable Chromium found{' at ' + executable if executable else ''}.")
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as exc:
            raise BrowserUnavailable(f"未安装 playwright。{INSTALL_HINT} / The playwright package is "
                                     f"not installed: {exc}") from exc
        self.executable = path
        self.timeout = timeout
        self.settle = settle                # wait after `load` for late scripts (pages with scripts)
        self.blocked: list[str] = []        # off-site requests aborted on the last page
        self.started_in: float | None = None
        self._pw = None
        self._browser = None
        self._context = None

    # lifecycle
    def start(self) -> "Renderer":
        """Launch the browser and its context (once; later calls do nothing)."""
        if self._context is not None:
            return self
        from playwright.sync_api import Error, sync_playwright

        began = time.perf_counter()
        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=self.executable, headless=True,
                                                     args=LAUNCH_ARGS, timeout=max(self.timeout, 30) * 1000)
            agent = self._user_agent()
            self._context = self._browser.new_context(
                viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai", user_agent=agent,
                ignore_https_errors=True, service_workers="block", accept_downloads=False)
            self._context.set_default_timeout(self.timeout * 1000)
        except Error as exc:
            self.close()
            raise BrowserUnavailable(f"Chromium 无法启动：{exc}。{INSTALL_HINT} / "
                                     f"Chromium ({self.executable}) did not start.") from exc
        except BaseException:
            self.close()
            raise
        self.started_in = time.perf_counter() - began
        return self

    def _user_agent(self) -> str:
        """The browser's own user agent without "Headless" (some sites refuse headless browsers)."""
        page = self._browser.new_page()
        try:
            return page.evaluate("navigator.userAgent").replace("HeadlessChrome", "Chrome")
        finally:
            page.close()

    def close(self) -> None:
        """Shut the browser down; safe to call twice or on a browser that already died."""
        for attr, method in (("_context", "close"), ("_browser", "close"), ("_pw", "stop")):
            obj = getattr(self, attr)
            setattr(self, attr, None)
            if obj is not None:
                try:
                    getattr(obj, method)()
                except Exception:  # noqa: BLE001 - closing a dead browser must not raise
                    pass

    def __enter__(self) -> "Renderer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # one page
    def _open(self, url: str):
        """A new page with `url` loaded; returns (page, main response or None)."""
        from playwright.sync_api import Error
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        self.start()
        origin = _origin(url)
        if origin is None:
            raise RenderError(f"not an http(s) URL: {url}")
        blocked: list[str] = []
        self.blocked = blocked

        def gate(route) -> None:
            request_url = route.request.url
            if _origin(request_url) == origin:   # the pattern is only a prefilter
                route.continue_()
            else:
                blocked.append(request_url)
                route.abort("blockedbyclient")

        page = self._context.new_page()
        try:
            page.route(_offsite_pattern(url), gate)
            try:
                response = page.goto(url, wait_until="domcontentloaded", timeout=self.timeout * 1000)
            except PlaywrightTimeout as exc:
                raise RenderError(f"timed out after {self.timeout:g} s opening {url}") from exc
            except Error as exc:
                raise RenderError(f"could not open {url}: {exc.message.splitlines()[0]}") from exc
            try:
                page.wait_for_load_state("load", timeout=self.timeout * 1000)
            except PlaywrightTimeout:
                pass  # a slow subresource: render what is there
            if self.settle > 0 and page.evaluate(_HAS_SCRIPTS_JS):
                page.wait_for_timeout(self.settle * 1000)
            return page, response
        except BaseException:
            page.close()
            raise

    def links(self, url: str, html_links: set[str] | None = None) -> list[RenderedLink]:
        """Every `a[href]`/`area[href]` of the rendered page with its visibility.

        `html_links`: hrefs present in the raw HTML (as written or absolute) to tell which links
        scripts wrote; when None, the page's own HTML response is parsed for them.
        """
        page, response = self._open(url)
        try:
            if html_links is None:
                html_links = set()
                if response is not None:
                    try:
                        html_links = hrefs_in_html(response.body(), response.headers.get("content-type"),
                                                   response.url)
                    except Exception:  # noqa: BLE001 - no body (e.g. redirect chain oddities)
                        html_links = set()
            return read_links(page, html_links)
        finally:
            page.close()

    def screenshot(self, url: str, path: Path, clip: tuple | None = None) -> Path:
        """A PNG of the whole page, or of `clip` = (x, y, width, height) in document CSS px."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        page, _ = self._open(url)
        try:
            if clip is not None:
                x, y, w, h = (float(v) for v in clip)
                page.screenshot(path=str(path), clip={"x": x, "y": y, "width": max(w, 1), "height": max(h, 1)},
                                full_page=True)
            else:
                page.screenshot(path=str(path), full_page=True)
        finally:
            page.close()
        return path
