"""The scheduler lock in the store: one scheduler runs jobs per database.

A row of `scheduler_lock` names the owner (host, process id and a random part) and its
heartbeat. A scheduler takes the lock when nobody holds it, when the holder's heartbeat is
older than `stale` seconds (its machine froze or lost power), or at once when the holder is
a process on this host that no longer exists (killed, crashed). Taking and checking the lock
happen inside one `BEGIN IMMEDIATE` transaction, so two schedulers starting together cannot
both win. Every function takes the time (`now`, seconds since the epoch) for tests.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
import uuid

LOCK_NAME = "scheduler"


def new_owner() -> str:
    """A unique owner id for this process: host:pid:random."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:     # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def _stamp(now: float) -> str:
    return dt.datetime.fromtimestamp(now).astimezone().isoformat(timespec="seconds")


def holder(db) -> dict | None:
    """The lock row, or None when no scheduler has ever held it (or it was released)."""
    rows = list(db.query("select * from scheduler_lock where name = ?", [LOCK_NAME]))
    return rows[0] if rows else None


def is_alive(row: dict | None, now: float | None = None, stale: float = 120) -> bool:
    """Whether the holder in `row` still counts as running."""
    if row is None:
        return False
    now = time.time() if now is None else now
    if now - (row["heartbeat"] or 0) > stale:
        return False
    if row["host"] == socket.gethostname() and not pid_alive(row["pid"]):
        return False
    return True


def acquire(db, owner: str, now: float | None = None, stale: float = 120) -> bool:
    """Take (or keep) the lock for `owner`; False while another live scheduler holds it."""
    now = time.time() if now is None else now
    db.execute("begin immediate")
    try:
        row = holder(db)
        if row is not None and row["owner"] != owner and is_alive(row, now, stale):
            db.execute("rollback")
            return False
        host, pid = owner.split(":")[0], int(owner.split(":")[1])
        acquired = row["acquired_at"] if row is not None and row["owner"] == owner else _stamp(now)
        db.execute("insert or replace into scheduler_lock (name, owner, host, pid, acquired_at, heartbeat_at, "
                   "heartbeat) values (?, ?, ?, ?, ?, ?, ?)",
                   [LOCK_NAME, owner, host, pid, acquired, _stamp(now), now])
        db.execute("commit")
        return True
    except BaseException:
        db.execute("rollback")
        raise


def heartbeat(db, owner: str, now: float | None = None) -> bool:
    """Refresh `owner`'s heartbeat; False when the lock is no longer its own (taken over)."""
    now = time.time() if now is None else now
    cursor = db.execute("update scheduler_lock set heartbeat = ?, heartbeat_at = ? where name = ? and owner = ?",
                        [now, _stamp(now), LOCK_NAME, owner])
    return cursor.rowcount == 1


def holds(db, owner: str) -> bool:
    row = holder(db)
    return row is not None and row["owner"] == owner


def release(db, owner: str) -> None:
    """Give the lock up (a clean shutdown), if `owner` still holds it."""
    db.execute("delete from scheduler_lock where name = ? and owner = ?", [LOCK_NAME, owner])


def describe(row: dict | None, now: float | None = None, stale: float = 120) -> str:
    """The lock's state in Chinese, for `xunjian schedule --list`."""
    if row is None:
        return "调度程序：未运行（数据库中没有调度锁记录）"
    now = time.time() if now is None else now
    ago = max(0, int(now - (row["heartbeat"] or 0)))
    who = f"主机 {row['host']}，进程 {row['pid']}，自 {row['acquired_at']} 起"
    if is_alive(row, now, stale):
        return f"调度程序：运行中（{who}；最近心跳 {ago} 秒前）"
    return f"调度程序：未运行（上次由{who}运行，最近心跳 {ago} 秒前，已失效）"
