"""Tests for demo.server, the loopback fixture server."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from demo.server import FixtureSite, load_config, serve_sites

REPO = Path(__file__).resolve().parents[1]
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy


def make_site(root: Path, files: dict[str, str | bytes], toml: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    if toml is not None:
        (root / "_site.toml").write_text(toml, encoding="utf-8")
    return root


def request(site: FixtureSite, method: str, path: str, timeout: float = 5.0):
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=timeout)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@pytest.fixture
def basic(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site", {
        "index.html": "<html><head><meta charset='utf-8'><title>首页</title></head></html>",
        "list.html": "<p>列表</p>",
        "sub/index.html": "<p>子目录</p>",
        "files/a.pdf": b"%PDF-1.4\n%%EOF\n",
        "style.css": "body{}",
    })


def test_start_stop_and_url(basic: Path) -> None:
    site = FixtureSite(basic).start()
    try:
        assert site.port > 0
        assert site.url == f"http://127.0.0.1:{site.port}/"
        with OPENER.open(site.url, timeout=5) as resp:
            assert resp.status == 200
            assert "首页" in resp.read().decode("utf-8")
    finally:
        site.stop()
    site.stop()  # idempotent
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", site.port), timeout=1).close()


def test_port_zero_picks_distinct_free_ports(basic: Path) -> None:
    with FixtureSite(basic) as one, FixtureSite(basic) as two:
        assert one.port != two.port
        assert request(one, "GET", "/")[0] == 200
        assert request(two, "GET", "/")[0] == 200


def test_fixed_port(basic: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with FixtureSite(basic, port=port) as site:
        assert site.url == f"http://127.0.0.1:{port}/"
        assert request(site, "GET", "/list.html")[0] == 200


def test_loopback_only(basic: Path) -> None:
    with pytest.raises(ValueError):
        FixtureSite(basic, host="0.0.0.0")
    with pytest.raises(ValueError):
        FixtureSite(basic, host="192.168.1.10")


def test_static_files_and_types(basic: Path) -> None:
    with FixtureSite(basic) as site:
        status, headers, body = request(site, "GET", "/")
        assert status == 200 and headers["Content-Type"] == "text/html"
        assert int(headers["Content-Length"]) == len(body)
        status, headers, body = request(site, "GET", "/sub/")
        assert status == 200 and "子目录" in body.decode()
        status, headers, _ = request(site, "GET", "/sub")
        assert status == 301 and headers["Location"] == "/sub/"
        status, headers, body = request(site, "GET", "/files/a.pdf")
        assert headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
        assert request(site, "GET", "/style.css")[1]["Content-Type"] == "text/css"


def test_query_string_does_not_break_lookup(basic: Path) -> None:
    with FixtureSite(basic) as site:
        status, _, body = request(site, "GET", "/list.html?page=2")
        assert status == 200 and "列表" in body.decode()
        assert request(site, "GET", "/?a=1&b=2")[0] == 200


def test_default_404_is_chinese_and_site_file_hidden(basic: Path) -> None:
    (basic / "_site.toml").write_text("", encoding="utf-8")
    with FixtureSite(basic) as site:
        status, headers, body = request(site, "GET", "/missing.html")
        assert status == 404 and "页面不存在" in body.decode("utf-8")
        assert request(site, "GET", "/_site.toml")[0] == 404
        assert request(site, "GET", "/../../etc/passwd")[0] == 404
        assert request(site, "GET", "/%2e%2e/%2e%2e/etc/passwd")[0] == 404


def test_soft404(tmp_path: Path) -> None:
    root = make_site(tmp_path / "s", {"index.html": "首页"}, 'not_found = "soft404"\n')
    with FixtureSite(root) as site:
        status, _, body = request(site, "GET", "/nope/missing.html")
        assert status == 200
        assert "<title>页面不存在</title>" in body.decode("utf-8")


def test_charset_header(tmp_path: Path) -> None:
    page = "<html><body>中文 喆</body></html>".encode("gbk")
    root = make_site(tmp_path / "s", {"index.html": page, "a.png": b"\x89PNG"},
                     'charset_header = "gbk"\n')
    with FixtureSite(root) as site:
        status, headers, body = request(site, "GET", "/")
        assert headers["Content-Type"] == "text/html; charset=gbk"
        assert body.decode("gbk").endswith("喆</body></html>")
        assert request(site, "GET", "/a.png")[1]["Content-Type"] == "image/png"
        status, headers, body = request(site, "GET", "/missing")
        assert status == 404 and "页面不存在" in body.decode("gbk")


def test_head_allow_and_refuse(tmp_path: Path) -> None:
    root = make_site(tmp_path / "a", {"index.html": "首页内容"})
    with FixtureSite(root) as site:
        status, headers, body = request(site, "HEAD", "/")
        assert status == 200 and body == b""
        assert int(headers["Content-Length"]) == len("首页内容".encode())
    root = make_site(tmp_path / "r", {"index.html": "首页"}, 'head = "refuse"\n')
    with FixtureSite(root) as site:
        status, headers, body = request(site, "HEAD", "/")
        assert status == 405 and body == b""
        assert request(site, "GET", "/")[0] == 200


ROUTES = '''
[[routes]]
path = "/loop/a"
redirect = "/loop/b"
[[routes]]
path = "/loop/b"
redirect = "/loop/a"
[[routes]]
path = "/moved"
redirect = "/index.html"
code = 301
[[routes]]
path = "/gone.html"
status = 500
[[routes]]
path = "/api"
status = 503
body = "{\\"ok\\": false}"
content_type = "application/json"
[[routes]]
path = "/slow.html"
delay = 0.3
[[routes]]
path = "/reset"
reset = true
[[routes]]
path = "/flaky.html"
fail_every = 3
[[routes]]
path = "/list.html?page=9"
status = 404
[[routes]]
path = "/hdr.html"
headers = { "X-Fixture" = "yes" }
'''


@pytest.fixture
def routed(tmp_path: Path) -> Path:
    return make_site(tmp_path / "routed", {
        "index.html": "首页", "slow.html": "慢页面", "flaky.html": "偶发",
        "list.html": "列表", "hdr.html": "头", "gone.html": "存在但被路由覆盖",
    }, ROUTES)


def test_redirect_routes(routed: Path) -> None:
    with FixtureSite(routed) as site:
        status, headers, _ = request(site, "GET", "/loop/a")
        assert status == 302 and headers["Location"] == "/loop/b"
        status, headers, _ = request(site, "GET", "/moved")
        assert status == 301 and headers["Location"] == "/index.html"
        with pytest.raises(urllib.error.HTTPError) as err:
            OPENER.open(site.url + "loop/a", timeout=5)
        assert err.value.code == 302  # urllib gives up on the loop


def test_status_routes(routed: Path) -> None:
    with FixtureSite(routed) as site:
        status, headers, body = request(site, "GET", "/gone.html")
        assert status == 500 and "服务器内部错误" in body.decode()
        status, headers, body = request(site, "GET", "/api")
        assert status == 503 and headers["Content-Type"] == "application/json"
        assert body == b'{"ok": false}'
        # a route with a query matches only that exact target
        assert request(site, "GET", "/list.html?page=9")[0] == 404
        assert request(site, "GET", "/list.html?page=8")[0] == 200
        # a route without a query also matches with any query
        assert request(site, "GET", "/gone.html?x=1")[0] == 500
        assert request(site, "GET", "/hdr.html")[1]["X-Fixture"] == "yes"


def test_delay_route(routed: Path) -> None:
    with FixtureSite(routed) as site:
        started = time.monotonic()
        status, _, body = request(site, "GET", "/slow.html")
        assert status == 200 and body.decode() == "慢页面"
        assert time.monotonic() - started >= 0.3
        with pytest.raises((TimeoutError, socket.timeout)):
            request(site, "GET", "/slow.html", timeout=0.1)
        assert request(site, "GET", "/")[0] == 200  # server survived


def test_reset_route(routed: Path) -> None:
    with FixtureSite(routed) as site:
        with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
            request(site, "GET", "/reset")
        with pytest.raises((urllib.error.URLError, ConnectionError)):
            OPENER.open(site.url + "reset", timeout=5)
        assert request(site, "GET", "/")[0] == 200


def test_fail_every(routed: Path) -> None:
    with FixtureSite(routed) as site:
        results = [request(site, "GET", "/flaky.html") for _ in range(6)]
        assert [r[0] for r in results] == [200, 200, 503, 200, 200, 503]
        assert results[2][1]["Retry-After"] == "1"


def test_keep_alive(basic: Path) -> None:
    with FixtureSite(basic) as site:
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
        conn.request("GET", "/")
        resp = conn.getresponse()
        resp.read()
        sock = conn.sock
        assert sock is not None and resp.getheader("Connection") != "close"
        for path in ("/list.html", "/files/a.pdf", "/missing", "/sub/"):
            conn.request("GET", path)
            resp = conn.getresponse()
            body = resp.read()
            assert len(body) == int(resp.getheader("Content-Length"))
            assert conn.sock is sock  # same TCP connection reused
        conn.request("HEAD", "/")
        conn.getresponse().read()
        conn.request("GET", "/")
        assert conn.getresponse().status == 200 and conn.sock is sock
        conn.close()


def test_client_disconnects_are_silent(routed: Path, capfd) -> None:
    with FixtureSite(routed) as site:
        raw = socket.create_connection(("127.0.0.1", site.port))
        raw.sendall(b"GET /slow.html HTTP/1.1\r\nHost: x\r\n\r\n")
        raw.close()  # gone before the delayed answer
        raw = socket.create_connection(("127.0.0.1", site.port))
        raw.sendall(b"GET / HT")  # half a request
        raw.close()
        raw = socket.create_connection(("127.0.0.1", site.port))
        raw.sendall(b"GARBAGE\r\n\r\n")
        raw.recv(1024)
        raw.close()
        time.sleep(0.5)
        assert request(site, "GET", "/")[0] == 200
    captured = capfd.readouterr()
    assert captured.err == ""


def test_stop_with_open_keepalive_connection(basic: Path) -> None:
    site = FixtureSite(basic).start()
    conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=5)
    conn.request("GET", "/")
    conn.getresponse().read()
    started = time.monotonic()
    site.stop()
    assert time.monotonic() - started < 3
    conn.close()


def test_bad_site_file(tmp_path: Path) -> None:
    root = make_site(tmp_path / "bad", {"index.html": "x"}, 'nto_found = "soft404"\n')
    with pytest.raises(ValueError):
        load_config(root)
    (root / "_site.toml").write_text('[[routes]]\npath = "/a"\nredirct = "/b"\n')
    with pytest.raises(ValueError):
        FixtureSite(root)


def test_serve_sites(tmp_path: Path) -> None:
    roots = {name: make_site(tmp_path / name, {"index.html": name}) for name in ("a", "b")}
    sites = serve_sites(roots)
    try:
        assert set(sites) == {"a", "b"}
        for name, site in sites.items():
            assert request(site, "GET", "/")[2].decode() == name
    finally:
        for site in sites.values():
            site.stop()


def test_main_cli(basic: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "demo.server", f"{basic}:0"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline().split()
        assert line[0] == "site" and line[1].startswith("http://127.0.0.1:")
        with OPENER.open(line[1], timeout=5) as resp:
            assert resp.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.returncode == 0
    assert proc.stderr.read() == ""
