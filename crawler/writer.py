"""Buffered writes of crawl facts into the store.

A page, its links and the link targets' outcomes go into the same transaction, so a
crash (even kill -9) leaves either all of a page's facts or none: `inspect --resume`
fetches again exactly what is missing. Flushes happen every `batch` pages or when the
spider's timer calls `flush()`.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
from typing import Any

import sqlite_utils

from crawler import attachments
from xunjian.store import DB_TIMEOUT, StoreError, compress, describe_db_error, now

PAGE_COLUMNS = ("id", "run", "site", "url", "final_url", "status", "content_type", "charset",
                "charset_source", "title", "size", "elapsed", "content_hash", "body", "text",
                "depth", "referrer", "fetched_at", "headers", "meta", "ids", "truncated")
LINK_COLUMNS = ("run", "site", "page", "target", "fragment", "raw", "tag", "attr", "text",
                "selector", "line", "markup", "onclick", "rel")
ASSET_COLUMNS = ("run", "site", "url", "content_type", "charset", "size", "body")
EXTERNAL_COLUMNS = ("run", "site", "url", "status", "content_type", "title", "text", "size")
TARGET_COLUMNS = ("run", "url", "site", "kind", "method", "status", "error", "message",
                  "location", "content_type", "elapsed", "checked_at", "reused_from")
ATTACHMENT_COLUMNS = ("run", "site", "url", "page", "content_type", "size", "content_hash", "format", "state",
                      "note", "pages", "chars", "text", "fetched_at")
# An unchanged page of an incremental run (crawler/incremental.py): its stored row and links
# copied inside SQLite, so the body is neither sent through Python nor compressed again.
REUSED_PAGE_SQL = """INSERT OR IGNORE INTO pages (id, run, site, url, final_url, status, content_type, charset,
    charset_source, title, size, elapsed, content_hash, body, text, depth, referrer, fetched_at, headers, meta,
    ids, truncated, reused_from, not_modified)
  SELECT ?, ?, site, url, final_url, status, content_type, charset, charset_source, title, size, ?,
    content_hash, body, text, ?, ?, ?, ?, meta, ids, truncated, id, ? FROM pages WHERE id = ?"""
REUSED_LINKS_SQL = """INSERT INTO links (run, site, page, target, fragment, raw, tag, attr, text, selector, line,
    markup, onclick, rel)
  SELECT ?, site, ?, target, fragment, raw, tag, attr, text, selector, line, markup, onclick, rel
  FROM links WHERE run = ? AND page = ? ORDER BY rowid"""


def _insert_sql(table: str, columns: tuple[str, ...], verb: str = "INSERT") -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'{verb} INTO "{table}" ({names}) VALUES ({marks})'


class StoreWriter:
    """Collects crawl facts of one run and writes them in batches on a thread of its own.

    The reactor thread only queues rows; compression and SQLite run on the writer thread,
    on its own connection, so the crawl keeps the other core busy instead of waiting on
    the store. The queue is bounded: a slow disk slows the crawl rather than filling memory.
    """

    def __init__(self, db_path: str, run: int, batch: int = 200):
        self.db_path, self.run, self.batch = str(db_path), run, batch
        self.pages: list[dict] = []
        self.links: list[tuple] = []
        self.targets: list[tuple] = []
        self.reused: list[tuple] = []               # (page row, links row) of unchanged pages
        self.others: list[tuple[str, Any]] = []     # (sql, row) for assets, external pages, attachments (row() for these)
        self.error: BaseException | None = None
        try:
            db = sqlite_utils.Database(sqlite3.connect(self.db_path, timeout=DB_TIMEOUT))
            self.next_page_id = (db.execute("select max(id) from pages").fetchone()[0] or 0) + 1
            db.conn.close()
        except sqlite3.Error as exc:
            raise StoreError(describe_db_error(exc, self.db_path)) from exc
        self._page_sql = _insert_sql("pages", PAGE_COLUMNS, "INSERT OR IGNORE")
        self._link_sql = _insert_sql("links", LINK_COLUMNS)
        self._target_sql = _insert_sql("targets", TARGET_COLUMNS, "INSERT OR REPLACE")
        self._asset_sql = _insert_sql("assets", ASSET_COLUMNS, "INSERT OR REPLACE")
        self._external_sql = _insert_sql("external_pages", EXTERNAL_COLUMNS, "INSERT OR REPLACE")
        self._attachment_sql = _insert_sql("attachments", ATTACHMENT_COLUMNS, "INSERT OR REPLACE")
        self._queue: queue.Queue = queue.Queue(maxsize=20)
        self._thread = threading.Thread(target=self._work, name="xunjian-store-writer", daemon=True)
        self._thread.start()

    def add_page(self, page: dict[str, Any], links: list[tuple]) -> int:
        """Queue a page (dict of PAGE_COLUMNS without id/run) and its link rows; return its id.

        `links` are tuples of LINK_COLUMNS without run, site and page.
        """
        page_id = self.next_page_id
        self.next_page_id += 1
        self.pages.append(dict(page, id=page_id, run=self.run, fetched_at=now()))
        site = page["site"]
        self.links.extend((self.run, site, page_id, *link) for link in links)
        if len(self.pages) + len(self.reused) >= self.batch:
            self.flush()
        return page_id

    def add_reused_page(self, source_id: int, source_run: int, values: dict[str, Any]) -> int:
        """Queue a copy of stored page `source_id` (of run `source_run`) and its links into this run.

        `values` has the page's site and url and what this fetch changes: depth, referrer,
        elapsed, headers, not_modified. Returns the new page id.
        """
        page_id = self.next_page_id
        self.next_page_id += 1
        headers = values.get("headers")
        self.reused.append((
            (page_id, self.run, values.get("elapsed"), values.get("depth"), values.get("referrer"), now(),
             json.dumps(headers, ensure_ascii=False) if headers else None, values.get("not_modified", 0), source_id),
            (self.run, page_id, source_run, source_id)))
        if len(self.pages) + len(self.reused) >= self.batch:
            self.flush()
        return page_id

    def add_target(self, target: dict[str, Any]) -> None:
        """Queue the outcome of one URL (dict of TARGET_COLUMNS without run; checked_at defaults to now)."""
        target = {"checked_at": now(), **target, "run": self.run}
        self.targets.append(tuple(target.get(c) for c in TARGET_COLUMNS))

    def add_asset(self, site: str, url: str, content_type: str, charset: str, body: bytes) -> None:
        """Queue one of the site's scripts or stylesheets (stored compressed; there are few)."""
        self.others.append((self._asset_sql, (self.run, site, url, content_type, charset, len(body),
                                              compress(body))))

    def add_external(self, site: str, url: str, status: int, content_type: str, title: str, text: str,
                     size: int) -> None:
        """Queue what an external page linked by navigation serves now."""
        self.others.append((self._external_sql, (self.run, site, url, status, content_type, title,
                                                 compress(text), size)))

    def add_attachment(self, site: str, url: str, page: str | None, content_type: str | None,
                       body: bytes | None, size: int, state: str | None = None, note: str | None = None) -> None:
        """Queue a linked document (crawler/attachments.py). Its text is extracted on the writer
        thread, off the reactor, and committed in the batch that holds its target's outcome."""
        def build() -> tuple:
            values = attachments.row(self.run, site, url, page, content_type, body, size, state, note)
            return tuple(values.get(c) for c in ATTACHMENT_COLUMNS)
        self.others.append((self._attachment_sql, build))

    def update_site(self, site: str, **values: Any) -> None:
        """Queue a change of a site's run state (status, counters, probe answer)."""
        self.flush()
        self._put(("site", site, values))

    def flush(self) -> None:
        """Hand everything queued so far to the writer thread, as one transaction."""
        if self.pages or self.links or self.targets or self.others or self.reused:
            self._put(("batch", self.pages, self.links, self.targets, self.others, self.reused))
            self.pages, self.links, self.targets, self.others, self.reused = [], [], [], [], []

    def close(self) -> None:
        """Write everything still queued and stop the thread; raise StoreError if a write failed."""
        self.flush()
        self._queue.put(None)
        self._thread.join()
        if self.error:
            raise StoreError(describe_db_error(self.error, self.db_path)) from self.error

    def _put(self, job: tuple) -> None:
        if self.error:
            raise StoreError(describe_db_error(self.error, self.db_path)) from self.error
        self._queue.put(job)

    def _work(self) -> None:
        try:
            conn = sqlite3.connect(self.db_path, timeout=DB_TIMEOUT, isolation_level=None)
            conn.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.Error as exc:
            self.error = exc
            while self._queue.get() is not None:   # drain: nothing can be written
                pass
            return
        db = sqlite_utils.Database(conn)
        while True:
            job = self._queue.get()
            if job is None:
                break
            if self.error:
                continue   # drain: nothing more can be written
            try:
                if job[0] == "site":
                    db["site_runs"].update((self.run, job[1]), job[2])
                else:
                    self._write(conn, *job[1:])
            except (sqlite3.Error, OSError) as exc:
                self.error = exc
        conn.close()

    def _write(self, conn: sqlite3.Connection, pages: list[dict], links: list[tuple],
               targets: list[tuple], others: list[tuple[str, tuple]], reused: list[tuple] = ()) -> None:
        rows = []
        for page in pages:
            page = dict(page, body=compress(page.get("body")), text=compress(page.get("text")))
            for key in ("headers", "meta", "ids"):
                if not isinstance(page.get(key), (str, type(None))):
                    page[key] = json.dumps(page[key], ensure_ascii=False)
            rows.append(tuple(page.get(c) for c in PAGE_COLUMNS))
        # Attachments' text is extracted here, before the transaction takes the write lock.
        others = [(sql, row() if callable(row) else row) for sql, row in others]
        conn.execute("BEGIN")
        try:
            if rows:
                conn.executemany(self._page_sql, rows)
            if links:
                conn.executemany(self._link_sql, links)
            if reused:
                conn.executemany(REUSED_PAGE_SQL, [page for page, _ in reused])
                conn.executemany(REUSED_LINKS_SQL, [page_links for _, page_links in reused])
            if targets:
                conn.executemany(self._target_sql, targets)
            for sql, row in others:
                conn.execute(sql, row)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
