"""The SQLite store: runs, pages, links, link targets, findings and review state.

Plain functions over a sqlite-utils Database. SQLite in WAL mode with one writer (the
crawler's pipeline or the checks); every row belongs to a run. The crawler's hot path
writes with executemany on the same connection, since 600,000 link rows a run would
spend most of their time in sqlite-utils' per-row introspection.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import zlib
from pathlib import Path
from typing import Any, Iterable, Iterator

import sqlite_utils

DEFAULT_DB = "xunjian.db"
# Seconds to wait for another writer's lock before giving up (XUNJIAN_DB_TIMEOUT overrides).
DB_TIMEOUT = float(os.environ.get("XUNJIAN_DB_TIMEOUT") or 30)
SCHEMA_VERSION = 1

# table -> (columns, primary key, indexes)
SCHEMA: dict[str, tuple[dict[str, type], Any, list[list[str]]]] = {
    "runs": ({"id": int, "as_of": str, "started_at": str, "finished_at": str, "status": str,
              "config": str, "sites": str, "note": str}, "id", []),
    # One row per site per run: the crawl's state and the soft-404 probe's answer.
    "site_runs": ({"run": int, "site": str, "name": str, "url": str, "department": str,
                   "status": str, "pages": int, "targets": int, "errors": int, "cut": int,
                   "probe_status": int, "probe_title": str, "probe_hash": str, "probe_size": int,
                   "note": str}, ("run", "site"), []),
    "pages": ({"id": int, "run": int, "site": str, "url": str, "final_url": str, "status": int,
               "content_type": str, "charset": str, "charset_source": str, "title": str,
               "size": int, "elapsed": float, "content_hash": str, "body": bytes, "text": bytes,
               "depth": int, "referrer": str, "fetched_at": str, "headers": str, "meta": str,
               "ids": str, "truncated": int,
               # Incremental runs (crawler/incremental.py): the page row copied into this run
               # (its body, text and links unchanged), and 1 when the server answered 304.
               "reused_from": int, "not_modified": int}, "id", [["run", "url"], ["run", "site"]]),
    "links": ({"run": int, "site": str, "page": int, "target": str, "fragment": str, "raw": str,
               "tag": str, "attr": str, "text": str, "selector": str, "line": int,
               "markup": str, "onclick": str, "rel": str}, None, [["run", "target"], ["run", "page"]]),
    # The site's own scripts and stylesheets, whole (hidden links live in them).
    "assets": ({"run": int, "site": str, "url": str, "content_type": str, "charset": str, "size": int,
                "body": bytes}, ("run", "url"), []),
    # What external pages linked by navigation serve now (title and text, capped).
    "external_pages": ({"run": int, "site": str, "url": str, "status": int, "content_type": str,
                        "title": str, "text": bytes, "size": int}, ("run", "url"), []),
    # The fate of every distinct URL requested in a run (pages and link targets alike).
    "targets": ({"run": int, "url": str, "site": str, "kind": str, "method": str, "status": int,
                 "error": str, "message": str, "location": str, "content_type": str,
                 "elapsed": float, "checked_at": str,
                 # A recent success reused instead of requested again: the run that checked it
                 # (`checked_at` then keeps that check's time).
                 "reused_from": int}, ("run", "url"), []),
    "findings": ({"id": int, "run": int, "site": str, "account": str, "check": str,
                  "severity": str, "url": str, "target": str, "evidence": str, "suggestion": str,
                  "detail": str, "fingerprint": str, "extra": str}, "id",
                 [["run", "fingerprint"], ["fingerprint"]]),
    # Review state by fingerprint, so a decision carries over to the same problem next month.
    # `severity`: a reviewer's correction of the check's severity (web/), applied by iter_findings.
    "reviews": ({"fingerprint": str, "status": str, "reason": str, "by": str, "at": str, "severity": str},
                "fingerprint", []),
    # How links looked in a real browser (Chromium), for the pages rendered.
    "rendered_links": ({"run": int, "site": str, "page": str, "href": str, "url": str, "text": str,
                        "visible": int, "reason": str, "box": str, "colour": str, "background": str,
                        "scripted": int}, None, [["run", "site"]]),
    # Derived by the checks from the facts (rebuilt by every `xunjian check`).
    "columns": ({"run": int, "site": str, "url": str, "name": str, "name_source": str, "kind": str,
                 "kind_label": str, "kind_reason": str, "list_pages": str, "items": int,
                 "dated_items": int, "last_update": str, "days": int, "empty_reason": str},
                None, [["run", "site"]]),
    "articles": ({"run": int, "site": str, "url": str, "title": str, "pubdate": str, "date_source": str,
                  "text_hash": str}, None, [["site", "text_hash"], ["run"]]),
    # Anything a run could not do: recorded, never fatal.
    "run_errors": ({"run": int, "site": str, "url": str, "stage": str, "message": str, "at": str},
                   None, [["run"]]),
    # Availability probes of each homepage (crawler/probe.py). They belong to no run: the checks
    # judge them by time (`at`, ISO 8601 local time of [schedule].timezone with its offset).
    "probes": ({"site": str, "url": str, "at": str, "status": int, "ttfb": float, "total": float,
                "error": str, "message": str, "bytes": int, "real_homepage": int}, None, [["site", "at"]]),
    # One row per scheduler name: who runs the jobs, and its heartbeat (scheduler.py).
    "scheduler_lock": ({"name": str, "owner": str, "host": str, "pid": int, "acquired_at": str,
                        "heartbeat_at": str, "heartbeat": float}, "name", []),
}
# New-media polls (crawler/media, `xunjian media poll`): each account's state in the run, and its posts.
SCHEMA["account_runs"] = ({"run": int, "account": str, "name": str, "platform": str, "department": str,
                           "source": str, "registry_status": str, "state": str, "posts": int,
                           "last_post": str, "error": str, "fetched_at": str}, ("run", "account"), [])
SCHEMA["posts"] = ({"run": int, "account": str, "url": str, "title": str, "published": str, "text": str,
                    "links": str}, None, [["run", "account"]])
# Documents linked from the sites' pages (crawler/attachments.py): one row per document URL per
# run, written with its target's outcome. `page`: the page that linked it; `state`: ok, scanned,
# encrypted, unreadable, too_large or unsupported (`note` says why); `text`: compress()ed.
SCHEMA["attachments"] = ({"run": int, "site": str, "url": str, "page": str, "content_type": str, "size": int,
                          "content_hash": str, "format": str, "state": str, "note": str, "pages": int,
                          "chars": int, "text": bytes, "fetched_at": str}, ("run", "url"), [["run", "site"]])
UNIQUE = {"pages": [["run", "url"]], "findings": [["run", "fingerprint"]]}


class StoreError(Exception):
    """The database cannot be opened or written (locked, read-only, full disk, not a database)."""


def describe_db_error(exc: BaseException, path: Path | str) -> str:
    """A Chinese explanation of a database failure, naming the file."""
    text = str(exc)
    lower = text.lower()
    path = Path(path).resolve() if str(path) else path
    if "full" in lower or "no space" in lower or getattr(exc, "errno", None) == 28:
        why = "磁盘空间不足或数据库已达大小上限，无法继续写入"
    elif "readonly" in lower or "read-only" in lower or "read only" in lower:
        why = "文件只读（或所在目录不可写），无法写入"
    elif "locked" in lower or "busy" in lower:
        why = f"被其他程序锁定（可能另一个巡检或计划任务正在写入），等待 {DB_TIMEOUT:g} 秒后放弃"
    elif "not a database" in lower or "malformed" in lower or "corrupt" in lower:
        why = "不是有效的巡检数据库或已损坏"
    elif "unable to open" in lower or isinstance(exc, OSError):
        why = "无法打开（路径不存在或没有权限）"
    else:
        why = "读写出错"
    return f"数据库 {path} {why}（{type(exc).__name__}: {text}）"


def now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def open_store(path: Path | str = DEFAULT_DB) -> sqlite_utils.Database:
    """Open (creating if needed) the store at `path` in WAL mode with the schema in place."""
    path = Path(path)
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=DB_TIMEOUT, isolation_level=None)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=OFF")
        _ensure_schema(db)
    except (sqlite3.Error, OSError) as exc:
        raise StoreError(describe_db_error(exc, path)) from exc
    return db


def _ensure_schema(db: sqlite_utils.Database) -> None:
    for name, (columns, pk, indexes) in SCHEMA.items():
        table = db[name]
        if not table.exists():
            table.create(columns, pk=pk, not_null=set(), if_not_exists=True)
            for index in UNIQUE.get(name, []):
                table.create_index(index, unique=True, if_not_exists=True)
            for index in indexes:
                if index not in UNIQUE.get(name, []):
                    table.create_index(index, if_not_exists=True)
        else:
            missing = {c: t for c, t in columns.items() if c not in table.columns_dict}
            for column, kind in missing.items():
                table.add_column(column, kind)


def compress(text: str | bytes | None) -> bytes | None:
    if text is None:
        return None
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return zlib.compress(raw, 3)


def decompress_text(blob: bytes | None) -> str:
    """Inverse of compress() for text columns (pages.text)."""
    return zlib.decompress(blob).decode("utf-8") if blob else ""


def decompress(blob: bytes | None) -> bytes:
    return zlib.decompress(blob) if blob else b""


# --- runs -----------------------------------------------------------------------------

def start_run(db: sqlite_utils.Database, as_of: str, config: str, sites: list[Any]) -> int:
    """Create a run for `sites` (config.Site objects) as of `as_of`; return its id."""
    with db.conn:
        run_id = db["runs"].insert({"as_of": as_of, "started_at": now(), "status": "running",
                                    "config": config, "sites": json.dumps([s.id for s in sites])}).last_pk
        db["site_runs"].insert_all([{"run": run_id, "site": s.id, "name": s.name, "url": s.url,
                                     "department": s.department, "status": "pending", "pages": 0,
                                     "targets": 0, "errors": 0, "cut": 0} for s in sites])
    return int(run_id)


def finish_run(db: sqlite_utils.Database, run_id: int, status: str, note: str | None = None) -> None:
    db["runs"].update(run_id, {"status": status, "finished_at": now(), "note": note})


def resolve_run(db: sqlite_utils.Database, run: str | int = "latest") -> dict | None:
    """The run named by `run`: a number, or "latest" (the newest run)."""
    if str(run) == "latest":
        rows = list(db.query("select * from runs order by id desc limit 1"))
    else:
        rows = list(db.query("select * from runs where id = ?", [int(run)]))
    return rows[0] if rows else None


def unfinished_run(db: sqlite_utils.Database) -> dict | None:
    """The newest run that did not complete (killed or interrupted), for --resume."""
    rows = list(db.query("select * from runs where status in ('running', 'interrupted') "
                         "order by id desc limit 1"))
    return rows[0] if rows else None


def record_error(db: sqlite_utils.Database, run: int, site: str | None, url: str | None,
                 stage: str, message: str) -> None:
    db["run_errors"].insert({"run": run, "site": site, "url": url, "stage": stage,
                             "message": message[:2000], "at": now()})


# --- findings -------------------------------------------------------------------------

FINDING_FIELDS = ("run", "site", "account", "check", "severity", "url", "target", "evidence",
                  "suggestion", "detail", "fingerprint")


def replace_findings(db: sqlite_utils.Database, run: int, checks: Iterable[str],
                     findings: Iterable[dict]) -> int:
    """Replace the run's findings of the given check ids with `findings`; return the count."""
    checks = list(checks)
    rows = []
    for finding in findings:
        row = {key: finding.get(key) for key in FINDING_FIELDS}
        row["run"] = run
        row["extra"] = json.dumps(finding.get("extra") or {}, ensure_ascii=False)
        rows.append(row)
    with db.conn:
        marks = ",".join("?" for _ in checks)
        db.execute(f"delete from findings where run = ? and \"check\" in ({marks})", [run, *checks])
        db["findings"].insert_all(rows, ignore=True, batch_size=500)
    return len(rows)


def iter_findings(db: sqlite_utils.Database, run: int) -> Iterator[dict]:
    """The run's findings in a stable order, each with its review status ("open" if unreviewed)."""
    sql = """select f.*, coalesce(r.status, 'open') as status, r.severity as review_severity from findings f
             left join reviews r on r.fingerprint = f.fingerprint
             where f.run = ? order by f.site, f."check", f.url, f.target, f.id"""
    for row in db.query(sql, [run]):
        row["extra"] = json.loads(row["extra"] or "{}")
        override = row.pop("review_severity", None)
        if override:
            row["severity"] = override
        yield row
