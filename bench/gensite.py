"""Generate a deterministic test site that looks like a Chinese government CMS.

Usage: gensite.py OUTDIR [--pages 20000] [--seed 1]

The site has exactly N HTML pages: a home page, a few static pages (about,
contact, site map, help), ten columns ("栏目") each with paginated list pages
(index.html, index_2.html, ...) and articles (art_<id>.html).  Every page
carries the usual nav bar and footer; articles have a breadcrumb,
previous/next links, related articles, content images and sometimes
attachments, so a page has roughly 20-40 internal links.  Links mix
root-relative ("/col3/art_12.html"), relative ("art_12.html") and
parent-relative ("../col3/art_12.html") forms.  Images (PNG/JPEG) and PDF
attachments are small but real files shared by many pages.

About 2% of the distinct link targets are broken: deleted articles still
linked from related lists, missing attachments and images, and stale links to
an old site section.  Each broken target is linked from one to four pages.
About 10% of the pages are GBK-encoded and declare <meta charset="gb2312">
(the server sends no charset), and their text contains GBK-only characters.

OUTDIR/truth.json records the page count and the sorted list of broken
absolute paths, so a benchmark can score what a link checker reports.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import struct
import sys
import time
import zlib
from pathlib import Path

COLUMNS = ["政务动态", "通知公告", "政策文件", "政策解读", "人事信息",
           "财政资金", "公示公告", "办事服务", "互动交流", "专题专栏"]
STATIC = [("about.html", "关于我们"), ("contact.html", "联系我们"),
          ("sitemap.html", "网站地图"), ("help.html", "使用帮助")]
PER_LIST = 15          # articles per list page
N_PNG, N_JPG, N_PDF = 20, 20, 30
BROKEN_SHARE = 0.02    # share of distinct link targets that are broken
GBK_SHARE = 0.10
SITE = "某市人民政府"

# Phrases for titles and body text.  Names include characters that exist in
# GBK but not in GB2312 (喆, 堃, 镕, 玥), the trap a gb2312 decoder falls into.
ORGS = ["市发展和改革委员会", "市教育局", "市财政局", "市人力资源和社会保障局", "市生态环境局",
        "市住房和城乡建设局", "市交通运输局", "市农业农村局", "市卫生健康委员会", "市市场监督管理局"]
TOPICS = ["优化营商环境", "安全生产大检查", "城乡环境综合整治", "乡村振兴", "政务公开",
          "一网通办", "防汛抗旱", "民生实事项目", "数字政府建设", "稳就业保民生",
          "生态环境保护", "老旧小区改造", "义务教育均衡发展", "医疗保障", "秋冬季森林防火"]
TITLE_TPL = ["关于印发{t}工作方案的通知", "关于做好{t}工作的通知", "{o}召开{t}工作推进会",
             "{o}关于{t}的实施意见", "图解：{t}政策要点", "关于{t}情况的公示",
             "{o}部署{t}重点任务", "市政府常务会议研究{t}等工作"]
NAMES = ["张喆", "王堃", "李镕", "赵玥", "陈明", "刘洋", "周敏", "吴涛"]
SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署，进一步推进{t}，结合我市实际，制定本方案。",
    "{o}高度重视，成立工作专班，明确责任分工，细化工作措施，确保各项任务落到实处。",
    "会议指出，要坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，切实提升服务效能。",
    "各县（市、区）要加强组织领导，压实属地责任，建立健全长效机制，形成工作合力。",
    "截至目前，全市累计完成投资{n}亿元，惠及群众{m}万人，群众满意度持续提升。",
    "联系人：{p}，联系电话：0000-{k}，电子邮箱见本网站联系我们栏目。",
    "本通知自印发之日起施行，执行中遇到的问题请及时反馈至{o}。",
    "下一步，{o}将持续深化改革，强化督导检查，推动{t}取得更大成效。",
    "{p}同志在调研时强调，要坚持问题导向，以钉钉子精神抓好工作落实。",
    "此次活动共发放宣传资料{m}份，现场解答群众咨询{n}人次，取得良好社会效果。",
]


def tiny_png(r: int, g: int, b: int) -> bytes:
    """A real 16x16 single-colour PNG."""
    raw = b"".join(b"\x00" + bytes((r, g, b)) * 16 for _ in range(16))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def tiny_jpeg(gray: int) -> bytes:
    """A real 8x8 uniform grey baseline JPEG: one block, DC coefficient only."""
    diff = 8 * (gray - 128)                       # DC of a constant block, quant 1
    size = abs(diff).bit_length()
    extra = diff if diff >= 0 else diff + (1 << size) - 1
    bits = "0" + (format(extra, f"0{size}b") if size else "") + "0"   # DC code, bits, EOB
    bits += "1" * (-len(bits) % 8)
    data = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)).replace(b"\xff", b"\xff\x00")

    def seg(marker: int, body: bytes) -> bytes:
        return struct.pack(">HH", marker, len(body) + 2) + body
    one_code = bytes([1] + [0] * 15)             # a single 1-bit Huffman code
    return (b"\xff\xd8"
            + seg(0xFFE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
            + seg(0xFFDB, b"\x00" + b"\x01" * 64)
            + seg(0xFFC0, struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00")
            + seg(0xFFC4, b"\x00" + one_code + bytes([size]))
            + seg(0xFFC4, b"\x10" + one_code + b"\x00")
            + seg(0xFFDA, b"\x01\x01\x00\x00\x3f\x00") + data + b"\xff\xd9")


def tiny_pdf(label: str) -> bytes:
    """A real one-page PDF with a line of text."""
    text = f"BT /F1 18 Tf 72 770 Td ({label}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def plan_articles(n_pages: int, weights: list[float]) -> tuple[list[int], int]:
    """Articles per column and extra static pages so that the total is exactly n_pages."""
    def split(a: int) -> list[int]:
        total = sum(weights)
        counts = [int(a * w / total) for w in weights]
        for i in range(a - sum(counts)):
            counts[i] += 1
        return counts

    def pages(a: int) -> int:
        return 1 + len(STATIC) + a + sum(max(1, math.ceil(c / PER_LIST)) for c in split(a))
    a = max(0, (n_pages - 1 - len(STATIC)) * PER_LIST // (PER_LIST + 1))
    while a > 0 and pages(a) > n_pages:
        a -= 1
    while pages(a + 1) <= n_pages:
        a += 1
    return split(a), n_pages - pages(a)


class Site:
    def __init__(self, outdir: Path, n_pages: int, seed: int):
        self.out, self.n_pages, self.seed = outdir, n_pages, seed
        self.rng = rng = random.Random(seed)
        weights = [rng.uniform(1.0, 2.0) for _ in COLUMNS]
        per_col, n_extra = plan_articles(n_pages, weights)
        self.static = STATIC + [(f"special_{i}.html", f"专题页面{i}") for i in range(1, n_extra + 1)]
        self.paras = [self._para() for _ in range(400)]
        n_art = sum(per_col)
        n_assets = N_PNG + N_JPG + N_PDF + 4            # + logo, css, js, robots.txt
        n_broken = max(4, round(BROKEN_SHARE * (n_pages + n_assets) / (1 - BROKEN_SHARE)))
        n_deleted = round(n_broken * 0.6)
        ids = list(range(1, n_art + n_deleted + 1))
        deleted = sorted(rng.sample(ids, n_deleted))
        dead = set(deleted)
        live = [i for i in ids if i not in dead]
        rng.shuffle(live)
        self.col_of: dict[int, int] = {}
        self.columns: list[list[int]] = []          # article ids per column, newest first
        start = 0
        for c, count in enumerate(per_col):
            arts = sorted(live[start:start + count], reverse=True)
            start += count
            self.columns.append(arts)
            for i in arts:
                self.col_of[i] = c
        for i in deleted:
            self.col_of[i] = rng.randrange(len(COLUMNS))
        self.live = sorted(live)
        self.title = {i: self._title(i) for i in ids}
        # Broken targets: deleted articles, missing attachments/images, stale old-site pages.
        rest = n_broken - n_deleted
        n_att, n_img = round(rest * 0.45), round(rest * 0.35)
        broken = [("a", f"/col{self.col_of[i] + 1}/art_{i}.html", self.title[i], self.col_of[i]) for i in deleted]
        broken += [("att", f"/files/att_{1000 + k}.pdf", f"附件{k}", -1) for k in range(n_att)]
        broken += [("img", f"/images/pic_{1000 + k}.{'jpg' if k % 2 else 'png'}", "", -1) for k in range(n_img)]
        broken += [("a", f"/old/zwgk_{k}.html", f"原政务公开栏目{k}", -1) for k in range(rest - n_att - n_img)]
        self.truth = sorted(link[1] for link in broken)
        self.extra: dict[int, list[tuple]] = {}   # article id -> broken links (kind, path, text, column)
        for link in broken:
            for art in rng.sample(self.live, min(len(self.live), rng.choice((1, 1, 2, 3, 4)))):
                self.extra.setdefault(art, []).append(link)
        keys = [("art", i) for i in self.live] + [("static", s) for s, _ in self.static]
        keys += [("list", c, p) for c in range(len(COLUMNS)) for p in range(1, self.n_lists(c) + 1)]
        keys.sort(key=str)
        self.gbk = set(rng.sample(keys, round(GBK_SHARE * n_pages)))
        self.bytes = 0

    # -- text -------------------------------------------------------------
    def _fill(self, s: str) -> str:
        r = self.rng
        return s.format(t=r.choice(TOPICS), o=r.choice(ORGS), p=r.choice(NAMES),
                        n=r.randint(2, 900), m=r.randint(100, 90000), k=r.randint(1000, 9999))

    def _para(self) -> str:
        return "".join(self._fill(self.rng.choice(SENTENCES)) for _ in range(self.rng.randint(2, 5)))

    def _title(self, i: int) -> str:
        return self._fill(self.rng.choice(TITLE_TPL))

    def n_lists(self, c: int) -> int:
        return max(1, math.ceil(len(self.columns[c]) / PER_LIST))

    @staticmethod
    def date(i: int) -> str:
        day = 19000 + i * 3 // 7                         # days since epoch, grows with id
        return time.strftime("%Y-%m-%d", time.gmtime(day * 86400))

    def href(self, target_col: int, path: str, here_col: int | None) -> str:
        """Link form as a CMS writes it: relative in the same column, else mixed."""
        name = path.rsplit("/", 1)[1]
        if here_col == target_col:
            return name if self.rng.random() < 0.8 else "./" + name
        if here_col is not None and self.rng.random() < 0.3:
            return f"../col{target_col + 1}/{name}"
        return path

    # -- page frame -------------------------------------------------------
    def page(self, key, title: str, crumb: str, body: str) -> bytes:
        gbk = key in self.gbk
        nav = "".join(f'<li><a href="/col{c + 1}/index.html">{n}</a></li>' for c, n in enumerate(COLUMNS))
        foot = " | ".join(f'<a href="/{f}">{n}</a>' for f, n in STATIC)
        html = (
            f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n'
            f'<meta charset="{"gb2312" if gbk else "utf-8"}">\n'
            f'<meta http-equiv="X-UA-Compatible" content="IE=edge">\n'
            f'<title>{title}_{SITE}</title>\n<meta name="SiteName" content="{SITE}">\n'
            f'<meta name="SiteDomain" content="www.example.gov.cn">\n<meta name="SiteIDCode" content="0000000001">\n'
            f'<link rel="stylesheet" href="/css/style.css">\n<script src="/js/common.js"></script>\n</head>\n<body>\n'
            f'<div class="header"><a href="/"><img src="/images/logo.png" alt="{SITE}"></a>'
            f'<div class="search"><input name="q" type="text" placeholder="请输入关键词"></div></div>\n'
            f'<div class="nav"><ul><li><a href="/">首页</a></li>{nav}</ul></div>\n'
            f'<div class="crumb">当前位置：<a href="/">首页</a>{crumb}</div>\n'
            f'<div class="main">\n{body}\n</div>\n'
            f'<div class="footer"><p>{foot}</p><p>主办：{SITE}办公室　承办：某市大数据中心</p>'
            f'<p>网站标识码：0000000001　某ICP备00000000号　公安机关备案号：00000000000000</p></div>\n'
            f'</body>\n</html>\n')
        data = html.encode("gbk") if gbk else html.encode("utf-8")
        self.bytes += len(data)
        return data

    def write(self, rel: str, data: bytes) -> None:
        (self.out / rel).write_bytes(data)

    # -- page kinds -------------------------------------------------------
    def home(self) -> None:
        boxes = []
        for c, name in enumerate(COLUMNS):
            items = "".join(f'<li><a href="/col{c + 1}/art_{i}.html">{self.title[i]}</a>'
                            f'<span>{self.date(i)}</span></li>' for i in self.columns[c][:2])
            boxes.append(f'<div class="box"><h2><a href="/col{c + 1}/index.html">{name}</a></h2><ul>{items}</ul></div>')
        self.write("index.html", self.page(("home",), "首页", "", "\n".join(boxes)))

    def static_page(self, fname: str, name: str) -> None:
        if fname == "sitemap.html":
            body = "".join(f'<li><a href="/col{c + 1}/index.html">{n}</a>（{len(self.columns[c])}篇）</li>'
                           for c, n in enumerate(COLUMNS))
            body = f"<h1>{name}</h1><ul>{body}</ul>"
        else:
            body = f"<h1>{name}</h1>" + "".join(f"<p>{self.rng.choice(self.paras)}</p>" for _ in range(3))
        self.write(fname, self.page(("static", fname), name, f" &gt; {name}", body))

    def list_page(self, c: int, p: int) -> None:
        n = self.n_lists(c)
        fname = "index.html" if p == 1 else f"index_{p}.html"
        items = "".join(f'<li><a href="{self.href(c, f"/col{c + 1}/art_{i}.html", c)}">{self.title[i]}</a>'
                        f'<span class="date">{self.date(i)}</span></li>'
                        for i in self.columns[c][(p - 1) * PER_LIST:p * PER_LIST])

        def lk(q: int, text: str) -> str:
            return f'<a href="{"index.html" if q == 1 else f"index_{q}.html"}">{text}</a>'
        pager = [lk(1, "首页")] + ([lk(p - 1, "上一页")] if p > 1 else [])
        pager += [lk(q, str(q)) if q != p else f"<span>{q}</span>" for q in range(max(1, p - 2), min(n, p + 2) + 1)]
        pager += ([lk(p + 1, "下一页")] if p < n else []) + [lk(n, "尾页"), f"<span>共{n}页</span>"]
        body = f'<h1>{COLUMNS[c]}</h1><ul class="list">{items}</ul><div class="pager">{" ".join(pager)}</div>'
        crumb = f' &gt; <a href="/col{c + 1}/index.html">{COLUMNS[c]}</a>'
        self.write(f"col{c + 1}/{fname}", self.page(("list", c, p), COLUMNS[c], crumb, body))

    def article(self, c: int, pos: int) -> None:
        r, arts = self.rng, self.columns[c]
        i = arts[pos]
        paras = [f"<p>{r.choice(self.paras)}</p>" for _ in range(r.randint(5, 10))]
        for _ in range(r.randint(1, 3)):
            k = r.randrange(N_PNG + N_JPG)
            img = f"/images/pic_{k}.png" if k < N_PNG else f"/images/pic_{k}.jpg"
            paras.insert(r.randrange(len(paras) + 1), f'<p style="text-align:center"><img src="{img}" alt=""></p>')
        atts = [f'<li><a href="/files/att_{k}.pdf">附件{n + 1}：{self.title[i]}.pdf</a></li>'
                for n, k in enumerate(r.sample(range(N_PDF), r.choice((0, 0, 0, 1, 1, 2))))]
        related = []
        for _ in range(r.randint(5, 8)):
            j = r.choice(arts) if r.random() < 0.6 else r.choice(self.live)
            related.append(f'<li><a href="{self.href(self.col_of[j], f"/col{self.col_of[j] + 1}/art_{j}.html", c)}">'
                           f"{self.title[j]}</a></li>")
        for kind, path, text, col in self.extra.get(i, ()):
            if kind == "img":
                paras.append(f'<p><img src="{path}" alt="图片"></p>')
            elif kind == "att":
                atts.append(f'<li><a href="{path}">{text}.pdf</a></li>')
            else:
                related.append(f'<li><a href="{self.href(col, path, c) if col >= 0 else path}">{text}</a></li>')
        prev_next = []
        if pos + 1 < len(arts):
            prev_next.append(f'上一篇：<a href="art_{arts[pos + 1]}.html">{self.title[arts[pos + 1]]}</a>')
        if pos > 0:
            prev_next.append(f'下一篇：<a href="art_{arts[pos - 1]}.html">{self.title[arts[pos - 1]]}</a>')
        body = (f'<div class="article"><h1>{self.title[i]}</h1>'
                f'<div class="info">发布时间：{self.date(i)}　来源：{r.choice(ORGS)}　浏览次数：{r.randint(10, 9999)}</div>'
                f'<div class="content">{"".join(paras)}</div>'
                + (f'<div class="attach">附件：<ul>{"".join(atts)}</ul></div>' if atts else "")
                + f'<div class="pn">{"<br>".join(prev_next)}</div>'
                f'<div class="related"><h3>相关文章</h3><ul>{"".join(related)}</ul></div></div>')
        crumb = f' &gt; <a href="index.html">{COLUMNS[c]}</a> &gt; 正文'
        self.write(f"col{c + 1}/art_{i}.html", self.page(("art", i), self.title[i], crumb, body))

    # -- whole site -------------------------------------------------------
    def build(self) -> dict:
        for d in ["images", "files", "css", "js"] + [f"col{c + 1}" for c in range(len(COLUMNS))]:
            (self.out / d).mkdir(parents=True, exist_ok=True)
        self.write("images/logo.png", tiny_png(180, 20, 20))
        for k in range(N_PNG):
            self.write(f"images/pic_{k}.png", tiny_png(10 * k, 255 - 10 * k, 128))
        for k in range(N_PNG, N_PNG + N_JPG):
            self.write(f"images/pic_{k}.jpg", tiny_jpeg(40 + 8 * k % 200))
        for k in range(N_PDF):
            self.write(f"files/att_{k}.pdf", tiny_pdf(f"Attachment {k}"))
        self.write("css/style.css", b"body{font:14px sans-serif}.nav li{display:inline}\n")
        self.write("js/common.js", b"/* site scripts */\n")
        self.write("robots.txt", b"User-agent: *\nAllow: /\n")
        self.home()
        for fname, name in self.static:
            self.static_page(fname, name)
        for c in range(len(COLUMNS)):
            for p in range(1, self.n_lists(c) + 1):
                self.list_page(c, p)
            for pos in range(len(self.columns[c])):
                self.article(c, pos)
        truth = {"pages": self.n_pages, "seed": self.seed, "generator": fingerprint(), "broken": self.truth, "gbk_pages": len(self.gbk),
                 "articles": len(self.live), "html_bytes": self.bytes}
        (self.out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1))
        return truth


def fingerprint() -> str:
    """Hash of this generator's source: a site made by another version is regenerated."""
    return hashlib.sha1(Path(__file__).read_bytes()).hexdigest()[:12]


def generate(outdir: Path, pages: int = 20000, seed: int = 1) -> dict:
    """(Re)create OUTDIR with the site and return the truth record."""
    if pages < 50:
        raise ValueError("need at least 50 pages")
    outdir = Path(outdir)
    if outdir.exists() and any(outdir.iterdir()):
        if not (outdir / "truth.json").exists():
            raise SystemExit(f"{outdir} is not empty and holds no truth.json: refusing to delete it")
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    return Site(outdir, pages, seed).build()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--pages", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    t0 = time.monotonic()
    truth = generate(args.outdir, args.pages, args.seed)
    print(f"{truth['pages']} pages ({truth['gbk_pages']} GBK), {len(truth['broken'])} broken targets, "
          f"{truth['html_bytes'] / 1e6:.1f} MB of HTML in {time.monotonic() - t0:.1f} s -> {args.outdir}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
