"""Who issues the documents and to whom: the optional `[report]` table of the configuration.

```toml
[report]
issuer = "清河市人民政府办公室"     # 发文机关（署名）
city = "清河市"                    # 本级行政区
contact = "政务公开科 张三，0000-1234567"   # 联系人及电话（可选）
doc_prefix = "清政办函"            # 发文字号前缀：清政办函〔2026〕  号
recipients = "各县（市、区）人民政府，市政府各部门，各有关单位"   # 主送机关
deadline_days = 10                 # 整改期限（工作日）
```
Every key has a default derived from the sites, so a configuration without it works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reports.workdays import DEFAULT_DEADLINE_DAYS

# key -> (type, Chinese label)
REPORT_KEYS: dict[str, tuple[type, str]] = {
    "issuer": (str, "发文机关"),
    "city": (str, "本级行政区名称"),
    "contact": (str, "联系人及电话"),
    "doc_prefix": (str, "发文字号前缀"),
    "recipients": (str, "主送机关"),
    "deadline_days": (int, "整改期限（工作日）"),
}

RECIPIENTS = {
    "市": "各县（市、区）人民政府，市政府各部门，各有关单位",
    "州": "各县（市）人民政府，州政府各部门，各有关单位",
    "盟": "各旗（县、市）人民政府，盟行政公署各部门，各有关单位",
    "县": "各乡（镇）人民政府，县政府各部门，各有关单位",
    "旗": "各苏木乡镇人民政府，旗政府各部门，各有关单位",
    "区": "各街道办事处，区政府各部门，各有关单位",
}


@dataclass(frozen=True)
class ReportSettings:
    issuer: str
    city: str
    contact: str | None
    doc_prefix: str
    recipients: str
    deadline_days: int

    @property
    def level(self) -> str:
        """市 / 县 / 区 …: the last character of the city's name."""
        return self.city[-1] if self.city and self.city[-1] in RECIPIENTS else "市"

    @property
    def scope(self) -> str:
        """全市 / 全县 / 全区."""
        return "全" + self.level


def _city_from_sites(config) -> str | None:
    for site in getattr(config, "sites", []):
        found = re.match(r"^(.{1,12}?[市县区州盟旗])人民政府(?:网站|门户网站)?$", site.name.strip())
        if found:
            return found.group(1)
    return None


def settings_for(config) -> ReportSettings:
    """The configuration's [report] settings, with defaults filled in."""
    raw = dict(getattr(config, "report", None) or {})
    city = raw.get("city") or _city_from_sites(config) or ""
    level = city[-1] if city and city[-1] in RECIPIENTS else "市"
    issuer = raw.get("issuer") or (f"{city}人民政府办公室" if city else f"{level}人民政府办公室")
    prefix = raw.get("doc_prefix")
    if prefix is None:
        prefix = f"{city[0]}政办函" if city else ""
    return ReportSettings(issuer=issuer, city=city or f"本{level}", contact=raw.get("contact") or None,
                          doc_prefix=prefix, recipients=raw.get("recipients") or RECIPIENTS[level],
                          deadline_days=int(raw.get("deadline_days", DEFAULT_DEADLINE_DAYS)))
