"""Loopback fixture server: serves a directory as one website on 127.0.0.1.

Used by the demo (``python -m demo.server DIR[:PORT] ...``) and by the test
suite (``FixtureSite``).  Only the standard library is used.  How each request
is answered (routes, soft 404, files) is demo.fixture_handler.

A site is a directory of static files plus an optional ``_site.toml`` that
declares special behaviour (see ``SiteConfig``)::

    charset_header = "gbk"      # "; charset=gbk" on text/html (default: none)
    head = "refuse"             # 405 for every HEAD (default "allow")
    not_found = "soft404"       # 200 + Chinese 页面不存在 page (default "404")
    [[routes]]                  # exact path (with query) -> behaviour
    path = "/loop/a"
    redirect = "/loop/b"        # 302, or `code = 301`
    # other route keys: status, body, content_type, delay, reset,
    # fail_every, headers (a table of extra response headers)

Routes are matched on the full request target (path + query) first, then,
for routes whose path has no query, on the path alone.  Files are looked up
by path only, so ``/list.html?page=2`` serves ``list.html``.
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import sys
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from demo.fixture_handler import FixtureHandler
from demo.siteconfig import Route, SiteConfig, load_config

__all__ = ["FixtureSite", "Route", "SiteConfig", "load_config", "serve_sites", "main"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Server(ThreadingHTTPServer):
    # socketserver's default backlog of 5 drops SYNs under a crawler's burst of new
    # connections, and each dropped SYN costs the client a 1-second retransmit.
    request_queue_size = 128
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, addr, root: Path, config: SiteConfig, verbose: bool) -> None:
        self.root = root
        self.config = config
        self.verbose = verbose
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._conns: set[socket.socket] = set()
        super().__init__(addr, FixtureHandler)

    def count(self, key: str) -> int:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    def track(self, conn: socket.socket, alive: bool) -> None:
        with self._lock:
            (self._conns.add if alive else self._conns.discard)(conn)

    def close_connections(self) -> None:
        with self._lock:
            conns, self._conns = list(self._conns), set()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address) -> None:
        if self.verbose:
            super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class FixtureSite:
    """One static site served on loopback; a context manager."""

    def __init__(self, root: Path | str, host: str = "127.0.0.1", port: int = 0,
                 *, verbose: bool = False) -> None:
        if not _is_loopback(host):
            raise ValueError(f"FixtureSite only serves on loopback, not {host!r}")
        self.root = Path(root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"site root {self.root} is not a directory")
        self.host = "127.0.0.1" if host == "localhost" else host
        self.port = port
        self.verbose = verbose
        self.config = load_config(self.root)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def start(self) -> "FixtureSite":
        if self._server is not None:
            return self
        cls = _Server6 if ":" in self.host else _Server
        self._server = cls((self.host, self.port), self.root, self.config, self.verbose)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name=f"fixture-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        server.close_connections()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> "FixtureSite":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"FixtureSite({str(self.root)!r}, url={self.url!r})"


def serve_sites(roots: dict[str, Path], ports: dict[str, int] | None = None
                ) -> dict[str, FixtureSite]:
    """Start one FixtureSite per root (port 0 unless given); all or none."""
    ports = ports or {}
    started: dict[str, FixtureSite] = {}
    try:
        for name, root in roots.items():
            started[name] = FixtureSite(root, port=ports.get(name, 0)).start()
    except BaseException:
        for site in started.values():
            site.stop()
        raise
    return started


def _parse_arg(arg: str) -> tuple[str, Path, int]:
    directory, port = arg, 0
    head, sep, tail = arg.rpartition(":")
    if sep and tail.isdigit() and head:
        directory, port = head, int(tail)
    path = Path(directory)
    return path.resolve().name, path, port


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    verbose = "-v" in argv or "--verbose" in argv
    args = [a for a in argv if a not in ("-v", "--verbose")]
    if not args or any(a in ("-h", "--help") for a in args):
        print("usage: python -m demo.server [-v] DIR[:PORT] ...", file=sys.stderr)
        return 2
    # Handlers first: whoever reads a site's address may stop us at once (a loaded machine once
    # delivered SIGTERM between the printed address and the handlers, and the server died of it).
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    sites: list[FixtureSite] = []
    try:
        for arg in args:
            name, path, port = _parse_arg(arg)
            site = FixtureSite(path, port=port, verbose=verbose).start()
            sites.append(site)
            print(f"{name} {site.url}", flush=True)
    except (OSError, ValueError) as exc:
        for site in sites:
            site.stop()
        print(f"demo.server: {exc}", file=sys.stderr)
        return 1
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for site in sites:
            site.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
