"""The ``_site.toml`` schema of the fixture server (see demo.server)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

SITE_FILE = "_site.toml"

_ROUTE_KEYS = {"path", "redirect", "code", "status", "body", "content_type", "delay",
               "reset", "fail_every", "headers"}
_SITE_KEYS = {"charset_header", "head", "not_found", "routes"}


@dataclass
class Route:
    path: str
    redirect: str | None = None
    code: int = 302
    status: int | None = None
    body: str | None = None
    content_type: str | None = None
    delay: float = 0.0
    reset: bool = False
    fail_every: int = 0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class SiteConfig:
    charset_header: str | None = None
    head: str = "allow"
    not_found: str = "404"
    routes: dict[str, Route] = field(default_factory=dict)


def load_config(root: Path) -> SiteConfig:
    """Read ``root/_site.toml``; unknown keys raise ValueError (catches typos)."""
    path = root / SITE_FILE
    if not path.is_file():
        return SiteConfig()
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    unknown = set(data) - _SITE_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    cfg = SiteConfig(charset_header=data.get("charset_header") or None,
                     head=data.get("head", "allow"),
                     not_found=str(data.get("not_found", "404")))
    if cfg.head not in ("allow", "refuse"):
        raise ValueError(f"{path}: head must be 'allow' or 'refuse'")
    if cfg.not_found not in ("404", "soft404"):
        raise ValueError(f"{path}: not_found must be '404' or 'soft404'")
    for raw in data.get("routes", []):
        unknown = set(raw) - _ROUTE_KEYS
        if unknown or "path" not in raw:
            raise ValueError(f"{path}: bad route {raw!r}")
        route = Route(**raw)
        if route.code not in (301, 302, 303, 307, 308):
            raise ValueError(f"{path}: bad redirect code {route.code}")
        cfg.routes[route.path] = route
    return cfg
