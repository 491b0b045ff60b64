"""Buffered writes of crawl facts into the store.

A page, its links and the link targets' outcomes go into the same transaction, so a
crash (even kill -9) leaves either all of a page's facts or none: `inspect --resume`
fetches again exactly what is missing. Flushes happen every `batch` pages or when the
spider's timer calls `flush()`.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import sqlite_utils

from xunjian.store import StoreError, compress, now

PAGE_COLUMNS = ("id", "run", "site", "url", "final_url", "status", "content_type", "charset",
                "charset_source", "title", "size", "elapsed", "content_hash", "body", "text",
                "depth", "referrer", "fetched_at", "headers", "meta", "ids", "truncated")
LINK_COLUMNS = ("run", "site", "page", "target", "fragment", "raw", "tag", "attr", "text",
                "selector", "line", "markup", "onclick")
TARGET_COLUMNS = ("run", "url", "site", "kind", "method", "status", "error", "message",
                  "location", "content_type", "elapsed", "checked_at")


def _insert_sql(table: str, columns: tuple[str, ...], verb: str = "INSERT") -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'{verb} INTO "{table}" ({names}) VALUES ({marks})'


class StoreWriter:
    """Collects crawl facts of one run and writes them in batches."""

    def __init__(self, db: sqlite_utils.Database, run: int, batch: int = 200):
        self.db, self.run, self.batch = db, run, batch
        self.pages: list[tuple] = []
        self.links: list[tuple] = []
        self.targets: list[tuple] = []
        self.next_page_id = (db.execute("select max(id) from pages").fetchone()[0] or 0) + 1
        self._page_sql = _insert_sql("pages", PAGE_COLUMNS, "INSERT OR IGNORE")
        self._link_sql = _insert_sql("links", LINK_COLUMNS)
        self._target_sql = _insert_sql("targets", TARGET_COLUMNS, "INSERT OR REPLACE")

    def add_page(self, page: dict[str, Any], links: list[tuple]) -> int:
        """Queue a page (dict of PAGE_COLUMNS without id/run) and its link rows; return its id.

        `links` are tuples of LINK_COLUMNS without run, site and page.
        """
        page_id = self.next_page_id
        self.next_page_id += 1
        page = dict(page, id=page_id, run=self.run, fetched_at=now(),
                    body=compress(page.get("body")), text=compress(page.get("text")))
        for key in ("headers", "meta", "ids"):
            if not isinstance(page.get(key), (str, type(None))):
                page[key] = json.dumps(page[key], ensure_ascii=False)
        self.pages.append(tuple(page.get(c) for c in PAGE_COLUMNS))
        site = page["site"]
        self.links.extend((self.run, site, page_id, *link) for link in links)
        if len(self.pages) >= self.batch:
            self.flush()
        return page_id

    def add_target(self, target: dict[str, Any]) -> None:
        """Queue the outcome of one requested URL (dict of TARGET_COLUMNS without run)."""
        target = dict(target, run=self.run, checked_at=now())
        self.targets.append(tuple(target.get(c) for c in TARGET_COLUMNS))

    def update_site(self, site: str, **values: Any) -> None:
        """Write a site's run state (status, counters, probe answer) immediately."""
        self.flush()
        try:
            self.db["site_runs"].update((self.run, site), values)
        except sqlite3.Error as exc:
            raise StoreError(f"写入数据库失败：{exc}") from exc

    def flush(self) -> None:
        """Write everything queued in one transaction."""
        if not (self.pages or self.links or self.targets):
            return
        conn = self.db.conn
        try:
            conn.execute("BEGIN")
            if self.pages:
                conn.executemany(self._page_sql, self.pages)
            if self.links:
                conn.executemany(self._link_sql, self.links)
            if self.targets:
                conn.executemany(self._target_sql, self.targets)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"写入数据库失败：{exc}") from exc
        self.pages.clear()
        self.links.clear()
        self.targets.clear()
