"""`xunjian worker`: a cluster worker (crawler/cluster_spider.py).

Imported at the bottom of xunjian/cli.py, which registers it on the `xunjian` group. The
coordinator side needs no command of its own: `xunjian inspect` with `[cluster]` in the
configuration publishes the run, collects the results and runs the checks.
"""

from __future__ import annotations

import sys

import click

from xunjian.cli import _load, config_option, fail, main


@main.command()
@config_option
@click.option("--wait", "wait", default=0.0, show_default=True, type=click.FloatRange(min=0), metavar="SECONDS",
              help="没有正在进行的巡检时最多等待多少秒（0：一直等待）。")
@click.option("--quiet", is_flag=True, help="不显示进度。")
def worker(config_path: str, wait: float, quiet: bool) -> None:
    """集群工作进程：从 Redis 领取抓取任务，结果交给协调端写入数据库。

    \b
    配置文件中需有 [cluster] 表：
      [cluster]
      redis_url = "redis://10.0.0.5:6379/0"   # 所有工作机和协调端共用的 Redis
    协调端运行 xunjian inspect --config 配置文件（发布任务、写入数据库、检查）；
    各工作机运行 xunjian worker --config 配置文件，数量不限，可随时加入或退出。
    一次巡检结束后工作进程自动退出（用 systemd 等守护时设为自动重启即可等待下一次）。
    Ctrl-C 或 SIGTERM：做完手头的请求、交回未开始的请求后退出；进程崩溃时，
    其请求在 lease_seconds 秒后由协调端重新分配，不会丢失。
    """
    from crawler.cluster import ClusterError
    from crawler.cluster_spider import run_worker

    config = _load(config_path)
    if config.cluster is None:
        fail(f"配置文件 {config_path} 中没有 [cluster] 表（redis_url），无法作为集群工作进程运行")
    try:
        code = run_worker(config.cluster, wait=wait, quiet=quiet, say=lambda text: click.echo(text, err=True))
    except ClusterError as exc:
        fail(str(exc), 3)
    sys.exit(code)
