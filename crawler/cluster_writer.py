"""How a cluster's results reach the one SQLite store, which keeps a single writer.

Workers do not open the store. A worker's spider gets a RedisWriter: it has StoreWriter's
methods (add_page, add_target, add_asset, add_external, update_site, and any method added
to StoreWriter later) and records each call as (method, args, kwargs). Calls are batched and
pushed as one zlib-compressed pickle onto the run's `results` list, in the same Redis
transaction that releases the leases of the requests whose callbacks made them
(ClusterState.deliver): a request is never both finished and unwritten.

The coordinator's Collector pops the batches and replays the calls on the existing
StoreWriter, so SQLite sees exactly what a single-process crawl would write, from one
process. A batch moves from `results` to `processing` when taken and is deleted only after
a checkpoint (StoreWriter.close(): everything committed), so a coordinator killed mid-batch
replays it on restart. A page that arrives twice (a request put back after its worker was
presumed dead, or a replayed batch) is dropped by (run, url); target, asset and external
rows replace themselves.

Why not a Scrapy item pipeline per worker writing to SQLite over the network, or a server
database: SQLite allows one writer, the rest of xunjian (checks, reports, review app) reads
one file, and the coordinator's writing is light next to fetching and parsing (measured
in bench/cluster.py): one writer process keeps up with many workers.
"""

from __future__ import annotations

import io
import pickle
import sqlite3
import zlib
from collections import Counter
from pathlib import Path
from typing import Any, Callable

from crawler.writer import StoreWriter

BATCH_PAGES = 50          # a worker pushes its results at least every 50 pages (and every second)
BATCH_JOBS = 2000


def _writer_methods() -> set[str]:
    return {name for name in dir(StoreWriter) if not name.startswith("_") and name not in ("flush", "close")
            and callable(getattr(StoreWriter, name))}


def encode(jobs: list[tuple[str, tuple, dict]]) -> bytes:
    """A batch of writer calls as bytes for Redis."""
    return zlib.compress(pickle.dumps(jobs, protocol=pickle.HIGHEST_PROTOCOL), 1)


class _Unpickler(pickle.Unpickler):
    """Plain data only: a batch can name no class outside xunjian and the standard containers."""

    def find_class(self, module: str, name: str):
        allowed = module in ("collections", "datetime") or module.startswith(("crawler.", "xunjian.")) \
            or (module == "builtins" and name in ("set", "frozenset", "bytearray"))
        if allowed:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"批次中出现不允许的类型 {module}.{name}")


def decode(blob: bytes) -> list[tuple[str, tuple, dict]]:
    """Inverse of encode()."""
    return _Unpickler(io.BytesIO(zlib.decompress(blob))).load()


class RedisWriter:
    """StoreWriter's interface for a worker: calls go to the coordinator through Redis."""

    def __init__(self, cluster, run: int):
        self.cluster, self.run = cluster, run
        self.error: BaseException | None = None
        self._jobs: list[tuple[str, tuple, dict]] = []
        self._leases: list[str] = []
        self._pages = 0
        self._methods = _writer_methods()
        self.before_flush: Callable[[], None] | None = None   # the spider's shared counts

    def add_page(self, page: dict[str, Any], links: list[tuple]) -> int:
        """Queue a page and its links; the store assigns its id (0 is returned here)."""
        self._record("add_page", (page, links), {})
        self._pages += 1
        if self._pages >= BATCH_PAGES:
            self.flush()
        return 0

    def add_target(self, target: dict[str, Any]) -> None:
        """Queue the outcome of one requested URL."""
        self._record("add_target", (target,), {})

    def update_site(self, site: str, **values: Any) -> None:
        """Queue a change of a site's run state."""
        self._record("update_site", (site,), values)

    def __getattr__(self, name: str) -> Callable[..., None]:
        # Every other StoreWriter method (add_asset, add_external, and what later work adds).
        if name.startswith("_") or name not in self.__dict__.get("_methods", ()):
            raise AttributeError(name)
        return lambda *args, **kwargs: self._record(name, args, kwargs)

    def _record(self, name: str, args: tuple, kwargs: dict) -> None:
        self._jobs.append((name, args, kwargs))
        if len(self._jobs) >= BATCH_JOBS:
            self.flush()

    def done(self, lease: str | None) -> None:
        """The callback of a leased request has finished: release the lease with its results."""
        if lease:
            self._leases.append(lease)

    def flush(self) -> None:
        """Push what is queued and release the finished leases, atomically."""
        if not self._jobs and not self._leases:
            return
        jobs, leases = self._jobs, self._leases
        self._jobs, self._leases, self._pages = [], [], 0
        try:
            if leases and self.before_flush is not None:
                self.before_flush()
            self.cluster.deliver(encode(jobs) if jobs else None, leases)
        except Exception as exc:   # Redis gone: the spider stops (store_error); leases expire
            self.error = exc
            raise

    def close(self) -> None:
        """Push everything still queued."""
        if self.error is None:
            self.flush()


class Collector:
    """The coordinator's side: replays workers' writer calls on one StoreWriter."""

    def __init__(self, cluster, db_path: Path | str, run: int):
        self.cluster, self.db_path, self.run = cluster, str(db_path), run
        with sqlite3.connect(self.db_path) as conn:
            self.stored = {row[0] for row in conn.execute("select url from pages where run = ?", [run])}
        self.writer = StoreWriter(self.db_path, run)
        self.methods = _writer_methods()
        self.pages: Counter[str] = Counter()
        self.targets: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.duplicates = 0
        self.rejected: list[str] = []

    def replay_unfinished(self) -> int:
        """Batches a previous coordinator took but did not commit: write them now."""
        blobs = self.cluster.redis.lrange(self.cluster.keys.processing, 0, -1)
        for blob in blobs:
            self._apply(blob)
        if blobs:
            self.checkpoint()
        return len(blobs)

    def collect(self, limit: int = 200) -> int:
        """Take up to `limit` batches from Redis and hand their calls to the writer."""
        keys = self.cluster.keys
        taken = 0
        while taken < limit:
            blob = self.cluster.redis.lmove(keys.results, keys.processing, "LEFT", "RIGHT")
            if blob is None:
                break
            self._apply(blob)
            taken += 1
        if taken:
            self.writer.flush()
        return taken

    def _apply(self, blob: bytes) -> None:
        try:
            jobs = decode(blob)
        except Exception as exc:   # a worker of another version, or a damaged batch: record, go on
            self.rejected.append(f"{type(exc).__name__}: {exc}"[:300])
            return
        for name, args, kwargs in jobs:
            if name not in self.methods:
                self.rejected.append(f"未知的写入方法 {name}")
                continue
            if name == "add_page":
                page = args[0]
                if page["url"] in self.stored:
                    self.duplicates += 1
                    continue
                self.stored.add(page["url"])
                self.pages[page["site"]] += 1
            elif name == "add_target":
                target = args[0]
                self.targets[target["site"]] += 1
                if target.get("error"):
                    self.errors[target["site"]] += 1
            getattr(self.writer, name)(*args, **kwargs)

    def checkpoint(self) -> None:
        """Commit everything replayed so far (StoreError if the store cannot be written), then
        forget Redis's copy of those batches."""
        self.writer.close()
        self.cluster.redis.delete(self.cluster.keys.processing)
        self.writer = StoreWriter(self.db_path, self.run)

    def close(self) -> None:
        """Final checkpoint; the store holds every result taken from Redis."""
        self.writer.close()
        self.cluster.redis.delete(self.cluster.keys.processing)
