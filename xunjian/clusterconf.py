"""The `[cluster]` table of sites.toml: crawl with `xunjian worker` processes sharing one Redis.

Without the table everything runs on one machine, as before. With it:

    [cluster]
    redis_url = "redis://127.0.0.1:6379/0"   # required: the Redis every worker and the coordinator use
    key_prefix = "xunjian"                   # optional: Redis key prefix (several deployments, one Redis)
    lease_seconds = 30                       # optional: a worker silent this long is presumed dead and
                                             # the requests it held go back to the queue

This module does not import xunjian.config at import time (the config loader imports it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

CLUSTER_KEYS = {"redis_url": "Redis 地址", "key_prefix": "Redis 键前缀", "lease_seconds": "工作进程租约秒数"}
SCHEMES = ("redis://", "rediss://", "unix://")


@dataclass(frozen=True)
class ClusterConfig:
    """Where the shared crawl state lives and how long a silent worker keeps its requests."""

    redis_url: str
    key_prefix: str = "xunjian"
    lease_seconds: float = 30.0


def parse_cluster(raw: Any, path, locate) -> ClusterConfig | None:
    """Validate the `[cluster]` table (None when absent); ConfigError naming file, line and key.

    `locate` is config_loader._Locator over the file's text.
    """
    from xunjian.config import ConfigError

    if raw is None:
        return None

    def error(key: str, message: str) -> ConfigError:
        return ConfigError(path, locate.key("cluster", -1, key), f"cluster.{key}", message)

    if not isinstance(raw, dict):
        raise ConfigError(path, locate.key(None, -1, "cluster"), "cluster", "应为表 [cluster]")
    for key in raw:
        if key not in CLUSTER_KEYS:
            raise error(key, f"未知的集群设置（可用：{', '.join(CLUSTER_KEYS)}）")
    url = raw.get("redis_url")
    if url is None:
        raise error("redis_url", "缺少必填项 redis_url（如 \"redis://127.0.0.1:6379/0\"）")
    if not isinstance(url, str) or not url.strip().startswith(SCHEMES):
        raise error("redis_url", f"Redis 地址应以 redis://、rediss:// 或 unix:// 开头，实际为 {url!r}")
    prefix = raw.get("key_prefix", "xunjian")
    if not isinstance(prefix, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}", prefix):
        raise error("key_prefix", f"Redis 键前缀只能使用字母、数字和 _ . : -（最多 64 个字符）：{prefix!r}")
    lease = raw.get("lease_seconds", 30.0)
    if isinstance(lease, bool) or not isinstance(lease, (int, float)):
        raise error("lease_seconds", f"工作进程租约秒数应为数字，实际为 {lease!r}")
    if not 1 <= lease <= 3600:
        raise error("lease_seconds", f"工作进程租约秒数应在 1 至 3600 之间：{lease!r}")
    return ClusterConfig(redis_url=url.strip(), key_prefix=prefix, lease_seconds=float(lease))
