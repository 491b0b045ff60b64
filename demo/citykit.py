"""Shared helpers for the demo city generator (demo.city).

Writers for pages and binary fixtures, the truth recorder, date helpers and
the pools of fictional Chinese text.  Everything is deterministic given the
``random.Random`` passed in.
"""

from __future__ import annotations

import random
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

from demo.documents import pdf_file, word_doc, workbook

AS_OF = date(2026, 11, 20)
SEED = 20261120

CHECK_BROKEN = "link.broken"
CHECK_FAKE = "link.fake"
CHECK_GARBLED = "layout.garbled"
CHECK_COLUMN_STALE = "update.column_stale"
CHECK_COLUMN_EMPTY = "column.empty"
CHECK_HOME_STALE = "update.home_stale"
CHECK_HOME_THIN = "update.home_thin"
CHECK_IDENTITY = "site.identity_missing"
CHECK_META = "meta.missing"
CHECK_FAKED = "date.faked"
CHECK_DARK = "link.dark"
CHECK_HIJACKED = "link.hijacked"

# How often a column must be updated, as an inspector judges it by what the column is
# (国办秘函〔2019〕19号 and the usual monitoring practice): "14d", "6m" (calendar months), "12m".
HOME_WINDOW_DAYS = 14

# UTF-8 bytes of Chinese text decoded as GBK: the classic mojibake.
MOJIBAKE_SOURCE = "本次会议传达学习了上级有关文件精神，并对下一阶段重点工作进行了部署。"
MOJIBAKE = MOJIBAKE_SOURCE.encode("utf-8").decode("gbk", errors="ignore")
KUNKAOKAO = "锟斤拷锟斤拷锟斤拷"
REPLACEMENT_RUN = "\ufffd" * 6


@dataclass
class Defect:
    site: str
    check: str
    url: str
    target: str | None
    evidence: str | None
    note: str

    def as_dict(self) -> dict:
        return {"site": self.site, "check": self.check, "url": self.url,
                "target": self.target, "evidence": self.evidence, "note": self.note}


@dataclass
class Truth:
    defects: list[Defect] = field(default_factory=list)

    def add(self, site: str, check: str, page: str, target: str | None,
            evidence: str | None, note: str) -> None:
        """``page`` and internal ``target`` are site paths ("/a/b.html");
        they are stored as "{site}/a/b.html" placeholders."""
        url = "{%s}%s" % (site, page)
        if target is not None and target.startswith("/"):
            target = "{%s}%s" % (site, target)
        self.defects.append(Defect(site, check, url, target, evidence, note))


class SiteWriter:
    """Writes one site's files under ``root``; pages are encoded strictly."""

    def __init__(self, site_id: str, root: Path, encoding: str = "utf-8") -> None:
        self.site_id = site_id
        self.root = root
        self.encoding = encoding
        self.pages: list[str] = []

    def _path(self, path: str) -> Path:
        assert path.startswith("/"), path
        target = self.root / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def page(self, path: str, html: str) -> None:
        self._path(path).write_bytes(html.encode(self.encoding))
        self.pages.append(path)

    def binary(self, path: str, data: bytes) -> None:
        self._path(path).write_bytes(data)

    def text(self, path: str, content: str) -> None:
        self._path(path).write_bytes(content.encode("utf-8"))


# --- binary fixtures ----------------------------------------------------------

def make_pdf(label: str) -> bytes:
    """A minimal but valid one-page PDF (ASCII label only)."""
    label = "".join(c for c in label if c.isascii() and c not in "()\\")
    stream = f"BT /F1 14 Tf 72 770 Td ({label}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


def make_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid solid-colour RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + bytes(rgb) * width
    raw = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def attachment_bytes(filename: str, label: str) -> bytes:
    """A small real attachment: a PDF, a Word 97 .doc or an Excel 97 .xls holding `label`."""
    if filename.endswith(".pdf"):
        return make_pdf(label)
    return workbook([[label]]) if filename.endswith(".xls") else word_doc([label])


# --- dates --------------------------------------------------------------------

def spread_dates(rng: random.Random, count: int, mean_gap: float, first_gap: int = 0,
                 ) -> list[datetime]:
    """``count`` publication times, newest first, going back from AS_OF."""
    out = []
    day = AS_OF - timedelta(days=first_gap)
    for _ in range(count):
        when = datetime(day.year, day.month, day.day, rng.randint(8, 17), rng.randint(0, 59))
        out.append(when)
        day -= timedelta(days=max(1, round(rng.expovariate(1 / mean_gap))))
    return out


def window_start(window: str, as_of: date = AS_OF) -> date:
    """The earliest date that still counts as updated within ``window`` before ``as_of``."""
    amount, unit = int(window[:-1]), window[-1]
    if unit == "d":
        return as_of - timedelta(days=amount)
    months = as_of.year * 12 + as_of.month - 1 - amount
    year, month = divmod(months, 12)
    return date(year, month + 1, as_of.day)   # AS_OF's day (20) exists in every month


def is_stale(newest: datetime | date | None, window: str, as_of: date = AS_OF) -> bool:
    """True when a column whose newest dated item is ``newest`` is not updated in time."""
    if newest is None:                          # no date at all counts as not updated
        return True
    day = newest.date() if isinstance(newest, datetime) else newest
    start = window_start(window, as_of)
    assert day != start, f"{day} sits on the edge of the {window} window: move it"
    return day < start


def is_new(when: datetime | date, as_of: date = AS_OF) -> bool:
    """Published within the 14 days before ``as_of`` (the homepage update window)."""
    day = when.date() if isinstance(when, datetime) else when
    start = as_of - timedelta(days=HOME_WINDOW_DAYS)
    assert day != start, f"{day} sits on the edge of the homepage window: move it"
    return start <= day <= as_of


def fmt_date(when: datetime | date) -> str:
    return when.strftime("%Y-%m-%d")


def fmt_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M")


# --- fictional text -------------------------------------------------------------

CITY = "清河市"
DISTRICTS = ["云溪区", "望川区", "杏湾区", "清河县", "柳渡镇", "石埠镇", "兰汀街道"]
DEPTS = ["发展和改革委员会", "教育局", "科学技术局", "民政局", "财政局", "人力资源和社会保障局",
         "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局",
         "商务局", "文化广电旅游局", "卫生健康委员会", "应急管理局", "市场监督管理局",
         "统计局", "医疗保障局", "大数据发展管理局", "水利局"]
TOPICS = ["营商环境优化", "安全生产", "乡村振兴", "城市更新", "生态环境保护", "数字政府建设",
          "民生实事", "防汛防台", "冬季供暖保障", "食品安全", "义务教育优质均衡", "老旧小区改造",
          "文明城市创建", "招商引资", "重点项目建设", "消防安全", "医疗保障", "就业创业",
          "养老服务", "河湖长制", "森林防火", "粮食安全", "科技创新", "农村人居环境整治"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["建华", "志强", "丽娟", "海涛", "明轩", "晓燕", "国庆", "春梅", "伟东", "静怡",
         "文博", "雪琴", "立新", "红霞", "振宇", "秀英", "子涵", "永刚", "慧敏", "德胜"]
SENTENCES = [
    "会议强调，要坚持以人民为中心的发展思想，切实把各项工作抓实抓细抓到位。",
    "各地各部门要进一步提高思想认识，压实工作责任，确保各项任务按期完成。",
    "要加强统筹协调，形成工作合力，推动{topic}工作取得更大实效。",
    "今年以来，全市{topic}工作稳步推进，各项指标总体向好。",
    "{dept}有关负责同志介绍了前期工作开展情况和下一步工作安排。",
    "下一步，{city}将持续深化改革创新，不断提升群众的获得感、幸福感、安全感。",
    "与会人员围绕{topic}等议题进行了深入交流，提出了意见建议。",
    "调研中，{name}详细了解了项目建设进度和企业生产经营情况。",
    "要聚焦群众急难愁盼问题，扎实办好民生实事，以实际成效取信于民。",
    "要严格落实安全生产责任制，全面排查整治各类风险隐患。",
    "{district}结合实际，制定了具体实施方案，明确了时间表和路线图。",
    "截至目前，相关工作已完成年度目标任务的百分之九十以上。",
    "活动现场设置了政策咨询台，工作人员耐心解答群众提出的问题。",
    "要加强宣传引导，营造全社会共同关心支持{topic}的良好氛围。",
]


class TextGen:
    def __init__(self, rng: random.Random, city: str = CITY,
                 districts: list[str] | None = None, topics: list[str] | None = None) -> None:
        self.rng = rng
        self.city = city
        self.districts = districts or DISTRICTS
        self.topics = topics or TOPICS
        self.last_topic = self.topics[0]

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def dept(self) -> str:
        return self.city + self.rng.choice(DEPTS)

    def topic(self) -> str:
        self.last_topic = self.rng.choice(self.topics)
        return self.last_topic

    def paragraphs(self, topic: str, count: int | None = None) -> list[str]:
        count = count or self.rng.randint(3, 5)
        out = []
        for _ in range(count):
            picked = self.rng.sample(SENTENCES, self.rng.randint(2, 4))
            text = "".join(picked).format(topic=topic, dept=self.dept(), city=self.city,
                                          name=self.name(), district=self.rng.choice(self.districts))
            out.append(text.replace("全市", "全县") if self.city.endswith("县") else text)
        return out


def unique_titles(make, count: int) -> list[str]:
    """Call ``make()`` until ``count`` distinct titles are collected."""
    seen: list[str] = []
    guard = 0
    while len(seen) < count:
        title = make()
        guard += 1
        if title not in seen or guard > count * 50:
            seen.append(title)
    return seen


def esc(text: str) -> str:
    return escape(text, quote=True)


def paras_html(paragraphs: list[str]) -> str:
    return "\n".join(f'<p style="text-indent:2em;">{esc(p)}</p>' for p in paragraphs)
