"""The inspection configuration's data model: sites, accounts and their settings.

Reading and validating sites.toml lives in xunjian/config_loader.py; `load_config` is
also offered here so callers import everything about the configuration from one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from xunjian.schedules import Schedule

PLATFORMS = ("wechat", "weibo", "douyin", "toutiao", "app", "other")

# Crawl settings a site may set, and the `[crawl]` table may set for every site.
# name -> (type, default, Chinese description used in error messages)
CRAWL_KEYS: dict[str, tuple[type, Any, str]] = {
    "max_pages": (int, 5000, "每站最多抓取页面数"),
    "max_depth": (int, 12, "最大抓取深度"),
    "max_pages_per_pattern": (int, 1000, "同一网址模式（数字替换、参数名排序后）最多抓取页面数"),
    "concurrency": (int, 4, "每站并发请求数"),
    "download_delay": (float, 0.2, "同一站点两次请求的间隔秒数"),
    "timeout": (float, 15.0, "请求超时秒数"),
    "max_page_bytes": (int, 10 * 1024 * 1024, "单个页面大小上限（字节）"),
    "user_agent": (str, "Mozilla/5.0 (compatible; xunjian/0.1; +政府网站巡检)", "User-Agent"),
    "obey_robots": (bool, True, "是否遵守 robots.txt"),
    "check_external": (bool, True, "是否检查外部链接"),
    "retries": (int, 2, "超时与 5xx 的重试次数"),
    "render": (str, "home", "用浏览器复核暗链的页面范围（home 仅首页 / all 全部页面 / off 不用）"),
    "probe_timeout": (float, 15.0, "可用性探测超时秒数"),
    # Linked documents (PDF, Word, Excel, WPS) are downloaded up to this size and their text
    # checked like pages (crawler/attachments.py); a larger one is reported, not downloaded.
    "attachment_max_bytes": (int, 20 * 1024 * 1024, "附件（PDF、Word、Excel、WPS）下载检查的大小上限（字节，0 表示不检查附件内容）"),
    # Incremental runs: a link target (file, image, unread external link) that answered 2xx
    # without a redirect fewer than this many days ago is not requested again; 0 turns it off.
    # Failures are always re-checked (reusing one would hide a fix), and 7 days keeps a monthly
    # run re-checking every target (reusing a success for longer could hide a new breakage),
    # while a re-run within the week (a recheck after rectification) skips what just worked.
    "reuse_targets_days": (float, 7.0, "链接目标检查正常后多少天内沿用结果、不再重复请求（0 表示不沿用）"),
}
ACCOUNT_STATUSES = ("运营", "关停", "注销")
INTERACTIONS = ("yes", "no", "unknown")   # the registry's recorded answer for media.no_interaction
SOURCE_TYPES = ("auto", "feed", "export", "page")   # auto: judged from what the source holds


class ConfigError(Exception):
    """A problem in the configuration file, located by file, line and key."""

    def __init__(self, path: Path | str, line: int | None, key: str, message: str):
        self.path, self.line, self.key, self.message = str(path), line, key, message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"配置错误 {where}: {key}: {message}")


@dataclass
class Site:
    """One registered website and how to crawl it."""

    id: str
    name: str
    url: str
    department: str
    trusted_domains: list[str] = field(default_factory=list)
    hosts: list[str] = field(default_factory=list)
    max_pages: int = 5000
    max_depth: int = 12
    max_pages_per_pattern: int = 1000   # crawler traps: endless calendars, numbered pages
    concurrency: int = 4
    download_delay: float = 0.2
    timeout: float = 15.0
    max_page_bytes: int = 10 * 1024 * 1024
    user_agent: str = CRAWL_KEYS["user_agent"][1]
    obey_robots: bool = True
    check_external: bool = True
    retries: int = 2
    render: str = "home"
    probe_timeout: float = 15.0          # availability probe of the homepage (crawler/probe.py)
    attachment_max_bytes: int = 20 * 1024 * 1024   # linked documents read and checked (crawler/attachments.py)
    reuse_targets_days: float = 7.0      # incremental runs: reuse a target's success this long
    columns: list[dict] = field(default_factory=list)   # staff corrections to column discovery
    allow_words: list[str] = field(default_factory=list)   # global + own allowlist of the text checks

    @property
    def netloc(self) -> str:
        """host:port of the homepage, the site's own address."""
        return urlsplit(self.url).netloc.lower()

    def own_netlocs(self) -> set[str]:
        """Every host:port whose pages belong to this site (crawled, not just checked)."""
        return {self.netloc, *(h.lower() for h in self.hosts)}

    def is_trusted_host(self, host: str) -> bool:
        """True when `host` is the site's own host, a subdomain of it, or a trusted domain."""
        host = host.lower().split(":")[0]
        own = urlsplit(self.url).hostname or ""
        if host == own or host.endswith("." + own.removeprefix("www.")) or host == own.removeprefix("www."):
            return True
        for pattern in self.trusted_domains:
            pattern = pattern.lower()
            if pattern.startswith("*."):
                if host == pattern[2:] or host.endswith(pattern[1:]):
                    return True
            elif host == pattern:
                return True
        return False


@dataclass
class Account:
    """One registered government new-media account."""

    id: str
    name: str
    platform: str
    department: str
    source: str | None = None
    platform_id: str | None = None       # 账号ID on the platform (微信号, 微博 UID, …)
    owner: str | None = None             # 负责人
    contact: str | None = None           # 联系方式
    status: str = "运营"                  # 运营 | 关停 | 注销
    interaction: str = "unknown"         # yes | no | unknown: does it offer a working way to reply
    source_type: str = "auto"            # auto | feed | export | page (a web page listing the posts)
    max_posts: int = 20                  # page sources: how many of the newest posts' pages are read


@dataclass
class Config:
    path: Path
    sites: list[Site]
    accounts: list[Account]
    scoring: dict = field(default_factory=dict)   # [scoring]: overrides of reports/profile.toml
    report: dict = field(default_factory=dict)    # [report]: issuer, city, contact, …
    schedule: Schedule = field(default_factory=Schedule)   # [schedule]: xunjian/schedules.py
    notify: Any = None                            # [notify]: reports.notify.NotifySettings (None: not set)
    cluster: Any = None                           # [cluster]: xunjian.clusterconf.ClusterConfig (None: one machine)

    def site(self, site_id: str) -> Site:
        for site in self.sites:
            if site.id == site_id:
                return site
        raise KeyError(site_id)


def load_config(path: Path | str) -> Config:
    """Read, validate and return the configuration at `path` (see xunjian/config_loader.py).

    Raises ConfigError naming the file, line and key of the first problem found.
    """
    # Imported here, not at module level: the loader imports this module's classes, and a
    # module-level import back would fail whenever the loader is imported first.
    from xunjian.config_loader import load_config as load

    return load(path)


def site_fields() -> list[str]:
    """Names of every per-site key, for documentation and `--help`."""
    return [f.name for f in fields(Site)]
