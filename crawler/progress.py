"""Progress of a crawl, per site: a live block on a terminal, log lines otherwise."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import TextIO


@dataclass
class SiteCounters:
    """What the crawl has done for one site so far."""

    requested: int = 0      # requests made (pages, targets, hops, retries with GET)
    answered: int = 0       # responses and failures received
    pages: int = 0          # HTML pages stored
    checked: int = 0        # target outcomes recorded
    errors: int = 0         # targets that failed
    cut: int = 0            # pages not crawled because of the page or depth cap
    pages_planned: int = 1  # the homepage counts
    homepage_error: str | None = None   # why the homepage could not be fetched

    @property
    def queued(self) -> int:
        return max(self.requested - self.answered, 0)


class Progress:
    """Prints per-site counters: redrawn in place on a TTY, every `interval` s as lines otherwise."""

    def __init__(self, names: dict[str, str], stream: TextIO | None = None, interval: float = 10.0):
        self.names = names
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = 1.0 if self.tty else interval
        self.started = time.monotonic()
        self._last = 0.0
        self._drawn = 0

    def update(self, counters: dict[str, SiteCounters], final: bool = False) -> None:
        now = time.monotonic()
        if not final and now - self._last < self.interval:
            return
        self._last = now
        elapsed = now - self.started
        lines = [f"{self.names.get(site, site)}（{site}）：已抓取页面 {c.pages}，已检查网址 {c.checked}，"
                 f"待处理 {c.queued}，失败 {c.errors}" + (f"，超出上限未抓 {c.cut}" if c.cut else "")
                 for site, c in counters.items()]
        total = sum(c.pages for c in counters.values())
        lines.append(f"用时 {elapsed:.0f} 秒，共 {total} 页，{total / elapsed if elapsed else 0:.1f} 页/秒"
                     + ("（完成）" if final else ""))
        if self.tty:
            if self._drawn:
                self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
            self.stream.write("\n".join(lines) + "\n")
            self._drawn = len(lines)
        else:
            for line in lines:
                self.stream.write(f"[进度] {line}\n")
        self.stream.flush()
