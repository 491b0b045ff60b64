"""`python -m demo` (what `make demo` runs): build the demo city, serve it, inspect it.

The demo city's sites are static files written into demo-out/city and served on
127.0.0.1 by demo.server; the inspection runs as a separate `xunjian inspect` process,
exactly as an office would run it.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from demo.city import build_city
from demo.server import FixtureSite
from xunjian.config import load_config

AS_OF = "2026-11-20"


def main() -> int:
    out = Path("demo-out")
    config_path = Path(__file__).with_name("sites.toml")
    config = load_config(config_path)
    started = time.monotonic()
    roots = build_city(out / "city")
    from demo.media import build_feeds

    build_feeds(roots["qh-portal"])      # the accounts' feeds, at http://127.0.0.1:18601/feeds/
    db = out / "demo.db"
    servers = []
    try:
        for site in config.sites:
            port = urlsplit(site.url).port
            try:
                servers.append(FixtureSite(roots[site.id], port=port).start())
            except OSError as exc:
                print(f"错误：演示站点 {site.name} 无法在端口 {port} 启动（{exc}）。请关闭占用该端口的程序后重试。",
                      file=sys.stderr)
                return 2
        from demo.city_dark import ATTACKER_DIR, ATTACKER_HOST, ATTACKER_PORT

        # The "outside world" the demo's hidden and hijacked links point to: another loopback host.
        try:
            servers.append(FixtureSite(out / "city" / ATTACKER_DIR, host=ATTACKER_HOST, port=ATTACKER_PORT).start())
        except OSError as exc:
            print(f"错误：演示用外部站点无法在 {ATTACKER_HOST}:{ATTACKER_PORT} 启动（{exc}）。", file=sys.stderr)
            return 2
        print(f"演示城市“清河市”已在本机启动：{', '.join(s.url for s in servers)}", file=sys.stderr)
        from demo.probes import seed_demo_probes

        # A week of availability probes (real requests, simulated times) so results show a figure.
        seed_demo_probes(db, config, AS_OF)
        # New-media accounts first, so the website inspection stays the "latest" run for `findings`.
        media = subprocess.run([sys.executable, "-m", "xunjian", "media", "poll", "--config", str(config_path),
                                "--db", str(db), "--as-of", AS_OF])
        if media.returncode != 0:
            return media.returncode
        command = [sys.executable, "-m", "xunjian", "inspect", "--config", str(config_path),
                   "--db", str(db), "--as-of", AS_OF]
        result = subprocess.run(command)
        if result.returncode != 0:
            return result.returncode
    finally:
        for server in servers:
            server.stop()
    from reports import demo_reports

    print("\n检查结果与季度通报：", *demo_reports(db, config_path, out / "reports"), sep="\n")
    print(f"\n演示完成，用时 {time.monotonic() - started:.0f} 秒。")
    print(f"巡检数据库：{db.resolve()}")
    print(f"查看问题清单：{sys.executable} -m xunjian findings --config {config_path} --db {db} --format table")
    print(f"导出 Excel 可打开的 CSV：xunjian findings --config {config_path} --db {db} --format csv > 问题清单.csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
