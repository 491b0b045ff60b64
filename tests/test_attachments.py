"""Attachments (附件): linked PDF, OFD, Word, Excel, PowerPoint and WPS files are read and checked like pages.

Real files (a PDF with a Chinese text layer, a scanned PDF, DOCX by python-docx, XLSX by openpyxl,
Word 97 .doc, Excel 97 .xls, OFD and PPTX from demo.documents) are served on 127.0.0.1 and
crawled through the real `xunjian inspect`.
"""

from __future__ import annotations

import io
import json
import sqlite3
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from checks.privacy import CHECK_CHARS, WEIGHTS
from crawler.attachments import attachment_format, extract
from crawler import office_packages
from demo.documents import compound_file, legacy_ppt, ofd, pptx, scanned_ofd, scanned_pdf, text_pdf, word_doc, workbook
from tests.conftest import findings_of, write_config, write_site, xunjian
from xunjian.config import ConfigError, load_config

ID = "64040219900101123" + CHECK_CHARS[sum(int(d) * w for d, w in zip("64040219900101123", WEIGHTS)) % 11]
ID_MASKED = "640402********" + ID[-4:]
CAP = 200_000


def python_docx(paragraphs: list[str], table: list[list[str]]) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    grid = document.add_table(rows=len(table), cols=len(table[0]))
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def openpyxl_xlsx(rows: list[list[str]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


NOTICE_PDF = text_pdf(["清河市城乡居民最低生活保障新增对象公示",
                       f"申请人：张建国，身份证号：{ID}，住址：云溪区兰汀街道。",
                       "各社区要切实做好政策宣传，让困难群众按居乐业。"])
PLAN_DOCX = python_docx(["清河市农村人居环境整治工作方案", "村庄规划编制由市国土资源局牵头负责。"],
                        [["任务", "牵头单位"], ["垃圾治理", "市住房和城乡建设局"]])
LIST_XLSX = openpyxl_xlsx([["姓名", "联系电话"], ["李明", "13812345678"]])


# --- extraction: pure functions of the bytes --------------------------------------------

def test_extracts_text_of_every_format():
    cases = {
        "pdf": (NOTICE_PDF, "让困难群众按居乐业"),
        "docx": (PLAN_DOCX, "由市国土资源局牵头"),
        "xlsx": (LIST_XLSX, "李明\t13812345678"),
        "xls": (workbook([["姓名", "身份证号"], ["王五", ID]]), f"王五\t{ID}"),
        "doc": (word_doc(["清河市关于公示的通知", "全市上下要一鼓做气。"]), "全市上下要一鼓做气。"),
    }
    for kind, (body, expected) in cases.items():
        result = extract(body)
        assert (result.state, result.format) == ("ok", kind), (kind, result)
        assert expected in result.text, (kind, result.text)
    assert "任务\t牵头单位" in extract(PLAN_DOCX).text          # a table row is one line
    assert extract(NOTICE_PDF).pages == 1


def test_pdf_with_an_embedded_cjk_font_from_matplotlib():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("pdf")
    from matplotlib import font_manager, pyplot

    try:
        font = font_manager.findfont(font_manager.FontProperties(family="Noto Sans CJK SC"), fallback_to_default=False)
    except ValueError:
        pytest.skip("no CJK font (make install adds fonts-noto-cjk)")
    pyplot.rcParams["pdf.fonttype"] = 42
    figure = pyplot.figure(figsize=(8.27, 11.69))
    figure.text(0.1, 0.9, "群众按居乐业，社会和谐稳定。", fontproperties=font_manager.FontProperties(fname=font))
    out = io.BytesIO()
    figure.savefig(out, format="pdf")
    pyplot.close(figure)
    result = extract(out.getvalue())
    assert result.state == "ok" and "群众按居乐业" in result.text


def test_scanned_encrypted_broken_and_unsupported_are_states_not_crashes():
    import pypdf

    scanned = extract(scanned_pdf(3))
    assert (scanned.state, scanned.pages, scanned.text) == ("scanned", 3, "")
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(NOTICE_PDF))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    locked = io.BytesIO()
    writer.write(locked)
    assert extract(locked.getvalue()).state == "encrypted"
    broken = extract(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n" + bytes(range(256)) * 40)
    assert broken.state == "unreadable" and broken.note.startswith("无法解析")
    assert extract(PLAN_DOCX[:len(PLAN_DOCX) // 2]).state == "unreadable"     # truncated zip
    assert extract(word_doc(["正文"])[:1500]).state == "unreadable"            # truncated OLE
    assert extract(b"\x00\x01binary junk").state == "unsupported"
    assert extract(b"").state == "unreadable"
    html = extract("<html><body><p>市国土资源局通知</p></body></html>".encode("utf-8"))
    assert (html.state, html.text) == ("ok", "市国土资源局通知")


def _rtf(paragraphs: list[str]) -> bytes:
    """An RTF file as Chinese WordPad or WPS writes it: GBK bytes as \\'xx escapes, code page 936."""
    body = "\\par ".join("".join(f"\\'{b:02x}" for b in p.encode("gbk")) for p in paragraphs)
    return ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 \\'cb\\'ce\\'cc\\'e5;}}"
            "\\f0\\fs24 " + body + "\\par}").encode("ascii")


def test_rtf_text_in_its_code_page():
    notice = extract(_rtf(["县财政局关于拔付补助资金的通知", "联系人：张三 13812345678"]))
    assert (notice.state, notice.format) == ("ok", "rtf")
    assert notice.text == "县财政局关于拔付补助资金的通知\n联系人：张三 13812345678"
    assert "宋体" not in notice.text          # the font table is not text
    unicode = extract(b"{\\rtf1\\ansi\\uc1 \\u36523?\\u20221?\\u35777?}")
    assert unicode.text == "身份证"
    assert attachment_format("http://a/通知.rtf") == "rtf" and attachment_format("http://a/d?id=1", "application/rtf") == "rtf"


def test_legacy_powerpoint_and_wps_presentation_text():
    deck = extract(legacy_ppt([["清河市2026年工作汇报", "全市上下要一鼓做气。"], ["联系人：李明 13812345678"]]))
    assert (deck.state, deck.format, deck.pages) == ("ok", "ppt", 2)
    assert deck.text == "清河市2026年工作汇报\n全市上下要一鼓做气。\n联系人：李明 13812345678"
    locked = compound_file({"PowerPoint Document": b"\x0f\x00\xe8\x03\x00\x00\x00\x00", "EncryptedSummary": b"x"})
    assert extract(locked).state == "encrypted"
    other = extract(compound_file({"Contents": b"\x00" * 64}))
    assert other.state == "unsupported" and "OLE" in other.note
    broken = extract(legacy_ppt([["正文"]])[:600])
    assert broken.state == "unreadable"
    assert attachment_format("http://a/汇报.dps") == "ppt" and attachment_format("http://a/汇报.PPT") == "ppt"
    assert attachment_format("http://a/d?id=3", "application/vnd.ms-powerpoint") == "ppt"


def test_which_targets_are_documents():
    assert attachment_format("http://a/f/名单.PDF") == "pdf"
    assert attachment_format("http://a/x.wps") == "doc" and attachment_format("http://a/x.et") == "xls"
    assert attachment_format("http://a/down.jsp?id=3&file=表.xlsx") == "xlsx"
    assert attachment_format("http://a/down.jsp?id=3", "application/octet-stream",
                             "attachment; filename*=UTF-8''%E9%80%9A%E7%9F%A5.docx") == "docx"
    assert attachment_format("http://a/d?id=3", "application/vnd.ms-excel") == "xls"
    assert attachment_format("http://a/f.pdf", "text/html; charset=utf-8") is None    # an error page
    assert attachment_format("http://a/logo.png") is None and attachment_format("http://a/a.html") is None
    assert attachment_format("http://a/f/通知.OFD") == "ofd"
    assert attachment_format("http://a/d?id=1", "application/ofd") == "ofd"
    assert attachment_format("http://a/汇报.pptx") == "pptx" and attachment_format(
        "http://a/d?id=2", "application/vnd.openxmlformats-officedocument.presentationml.presentation") == "pptx"


def rezip(body: bytes, change=lambda name, data: data) -> bytes:
    """The package `body` again, each part `change(name, bytes)`d (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = change(name, source.read(name))
            if data is not None:
                target.writestr(name, data)
    return out.getvalue()


def test_ofd_and_pptx_text_in_page_order():
    pages = [["清河市人民政府办公室文件", "关于公布第一批名单的通知"], ["附件：名单", f"张建国 {ID}"], ["（此页无正文）"]]
    result = extract(ofd(pages))
    assert (result.state, result.format, result.pages, result.note) == ("ok", "ofd", 3, None)
    assert result.text == "\n".join(line for page in pages for line in page)
    # Producers differ: a default namespace, no namespace at all, a BaseLoc from the package root.
    variants = {"default": lambda xml: xml.replace(b"ofd:", b"").replace(b"xmlns:ofd=", b"xmlns="),
                "none": lambda xml: xml.replace(b' xmlns:ofd="http://www.ofdspec.org/2016"', b"").replace(b"ofd:", b""),
                "absolute": lambda xml: xml.replace(b'BaseLoc="Pages/', b'BaseLoc="/Doc_0/Pages/')}
    for name, change in variants.items():
        other = extract(rezip(ofd(pages), lambda part, data: change(data)))
        assert (other.state, other.text) == ("ok", result.text), (name, other)
    # Text codes of one baseline are one line, whatever TextObjects they sit in; TextObject order is kept.
    page = ('<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Content><ofd:Layer ID="9">'
            '<ofd:TextObject ID="10" Boundary="25 37 20 6" Font="1" Size="4"><ofd:TextCode X="0" Y="4.5">各社区要切实'
            '</ofd:TextCode></ofd:TextObject><ofd:TextObject ID="11" Boundary="45 37.5 20 6" Font="1" Size="4">'
            '<ofd:TextCode X="0" Y="4">做好宣传。</ofd:TextCode><ofd:TextCode X="0" Y="11">下一行</ofd:TextCode>'
            '</ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>').encode("utf-8")
    joined = rezip(ofd([["占位"]]), lambda part, data: page if part.endswith("Content.xml") else data)
    assert extract(joined).text == "各社区要切实做好宣传。\n下一行"

    slides = pptx([["清河市2026年工作汇报", "全市上下要一鼓做气。"], ["下一步工作安排"], ["联系人：李明 13812345678"]])
    deck = extract(slides)
    assert (deck.state, deck.format, deck.pages) == ("ok", "pptx", 3)
    assert deck.text == "清河市2026年工作汇报\n全市上下要一鼓做气。\n下一步工作安排\n联系人：李明 13812345678"
    # Slides in presentation order; without its relationships, by number (slide10 after slide9).
    many = pptx([[f"第{n}页"] for n in range(1, 12)])
    assert extract(many).text.split("\n") == [f"第{n}页" for n in range(1, 12)]
    bare = rezip(many, lambda part, data: None if part == "ppt/_rels/presentation.xml.rels" else data)
    assert extract(bare).text.split("\n") == [f"第{n}页" for n in range(1, 12)]


def test_scanned_bomb_and_broken_ofd_and_pptx_are_states_not_crashes(monkeypatch):
    scanned = extract(scanned_ofd())
    assert (scanned.state, scanned.format, scanned.pages, scanned.text) == ("scanned", "ofd", 1, "")
    assert scanned.note == extract(scanned_pdf(1)).note == "全部页面均无文字层"    # the same notice as a PDF's
    # A zip bomb: a page declared (and, inflated, really) over MAX_UNZIPPED, 64 KB on the wire.
    huge = b'<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">' + b" " * office_packages.MAX_UNZIPPED + b"</ofd:Page>"
    bomb = rezip(ofd([["正文"]]), lambda part, data: huge if part.endswith("Content.xml") else data)
    assert len(bomb) < 200_000
    refused = extract(bomb, url="http://a/bomb.ofd")
    assert refused.state == "unreadable" and "Doc_0/Pages/Page_0/Content.xml 解压后" in refused.note
    assert "超出上限" in refused.note
    # Parts each under the limit that together pass it are refused too (limit lowered for the test).
    monkeypatch.setattr(office_packages, "MAX_UNZIPPED", 3000)
    many = extract(pptx([["幻灯片正文" * 20] for _ in range(10)]))
    assert many.state == "unreadable" and "解压后共" in many.note and "超出上限" in many.note
    monkeypatch.undo()
    # Broken files: a clear reason each.
    body = ofd([["正文"]])
    cases = {
        "truncated": (body[:len(body) // 2], "无法解析（BadZipFile"),
        "no document": (rezip(body, lambda part, data: None if part == "Doc_0/Document.xml" else data),
                        "缺少 Doc_0/Document.xml"),
        "no page": (rezip(body, lambda part, data: None if part.endswith("Content.xml") else data),
                    "缺少 Doc_0/Pages/Page_0/Content.xml"),
        "not xml": (rezip(body, lambda part, data: b"<ofd:OFD" if part == "OFD.xml" else data), "XMLSyntaxError"),
        "no DocRoot": (rezip(body, lambda part, data: b"<OFD/>" if part == "OFD.xml" else data), "未指向任何含页面的文档"),
    }
    for name, (broken, reason) in cases.items():
        result = extract(broken, url="http://a/f.ofd")
        assert result.state == "unreadable" and reason in result.note, (name, result)
    other = extract(b"OFD but not a zip" * 10, url="http://a/f.ofd")
    assert other.state == "unsupported" and "扩展名或类型为 ofd" in other.note
    pictures = io.BytesIO(pptx([[]]))          # slides of pictures only
    with zipfile.ZipFile(pictures, "a") as archive:
        archive.writestr("ppt/media/image1.png", b"\x89PNG")
    assert extract(pictures.getvalue()).state == "scanned"


def test_attachment_max_bytes_is_validated(tmp_path):
    base = '[[sites]]\nid = "a"\nname = "甲"\nurl = "http://127.0.0.1:1/"\ndepartment = "办"\n'
    (tmp_path / "ok.toml").write_text(base + "attachment_max_bytes = 0\n", encoding="utf-8")
    assert load_config(tmp_path / "ok.toml").sites[0].attachment_max_bytes == 0
    assert load_config(tmp_path / "ok.toml").sites[0].max_page_bytes > 0
    (tmp_path / "bad.toml").write_text("[crawl]\nattachment_max_bytes = -1\n" + base, encoding="utf-8")
    with pytest.raises(ConfigError, match="attachment_max_bytes"):
        load_config(tmp_path / "bad.toml")


# --- the crawl ---------------------------------------------------------------------------

class StreamingSite:
    """Refuses HEAD; serves /stream.pdf without a Content-Length (ended by closing), counting bytes sent."""

    TOTAL = 64 * 1024 * 1024

    def __init__(self):
        self.sent, self.requests = 0, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                outer.requests.append(("HEAD", self.path))
                self.send_response(405)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                outer.requests.append(("GET", self.path))
                if self.path == "/":
                    body = '<html><head><meta charset="utf-8"><title>流式站点</title></head><body>' \
                           '<a href="/stream.pdf">年度报告.pdf</a></body></html>'
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.end_headers()
                    self.wfile.write(body.encode("utf-8"))
                    return
                if self.path != "/stream.pdf":
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.end_headers()
                chunk = b"%PDF-1.4\n" + b"0" * (64 * 1024 - 9)
                try:
                    while outer.sent < outer.TOTAL:
                        self.wfile.write(chunk)
                        outer.sent += len(chunk)
                except OSError:
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def notice_site(root):
    """A site whose notice links every kind of document (and a missing one)."""
    links = ('<a href="files/名单.pdf">附件1：公示名单.pdf</a> <a href="files/方案.docx">附件2：工作方案.docx</a> '
             '<a href="files/统计.xlsx">附件3：联系人.xlsx</a> <a href="files/scan.pdf">附件4：盖章件.pdf</a> '
             '<a href="files/broken.pdf">附件5：损坏.pdf</a> <a href="files/big.pdf">附件6：大文件.pdf</a> '
             '<a href="files/lost.pdf">附件7：已删除.pdf</a> <a href="/download?id=7">附件8：通知.doc</a>')
    files = {
        "index.html": '<html><head><meta charset="utf-8"><title>清河市人民政府</title></head><body>'
                      '<a href="/notice.html">关于最低生活保障新增对象的公示</a></body></html>',
        "notice.html": '<html><head><meta charset="utf-8"><title>关于最低生活保障新增对象的公示</title></head><body>'
                       f'<a href="/">首页</a><p>发布日期：2026-11-01</p><p>现将名单予以公示。</p>{links}</body></html>',
    }
    files.update({"files/名单.pdf": NOTICE_PDF, "files/方案.docx": PLAN_DOCX, "files/统计.xlsx": LIST_XLSX,
                  "files/scan.pdf": scanned_pdf(2),
                  "files/broken.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 20,
                  "files/big.pdf": NOTICE_PDF + b"%" + b"x" * CAP,
                  "download": word_doc(["关于开展专项检查的通知", "全市上下要一鼓做气。"])})
    disposition = "attachment; filename*=UTF-8''" + quote("通知.doc")
    return write_site(root, files, f"""\
        [[routes]]
        path = "/download"
        headers = {{ "Content-Disposition" = "{disposition}" }}
        """)


@pytest.fixture(scope="module")
def inspected(tmp_path_factory):
    from demo.server import FixtureSite

    tmp = tmp_path_factory.mktemp("attachments")
    sites = {name: FixtureSite(notice_site(tmp / name)).start() for name in ("qh", "off")}
    stream = StreamingSite()
    common = {"department": "清河市政府办公室", "download_delay": 0, "render": "off", "retries": 0,
              "attachment_max_bytes": CAP}
    config = write_config(tmp / "sites.toml", [
        {"id": "qh", "name": "清河市人民政府", "url": sites["qh"].url, **common},
        {"id": "off", "name": "不查附件的网站", "url": sites["off"].url, **common, "attachment_max_bytes": 0},
        {"id": "stream", "name": "流式网站", "url": stream.url, **common}])
    db = tmp / "x.db"
    xunjian("inspect", "--config", str(config), "--db", str(db), "--as-of", "2026-11-20", "--quiet")
    yield {"config": config, "db": db, "findings": findings_of(config, db), "qh": sites["qh"].url.rstrip("/"),
           "off": sites["off"].url.rstrip("/"), "stream": stream}
    for site in sites.values():
        site.stop()
    stream.stop()


def rows(db, sql, *args):
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, args)]


def test_text_findings_in_attachments_name_the_document_and_its_page(inspected):
    q = inspected["qh"]
    files = f"{q}/files/"
    found = {(f["check"], f["url"], f["evidence"]): f for f in inspected["findings"]
             if f["site"] == "qh" and f["check"].startswith(("text.", "privacy."))}
    pdf, docx, xlsx = (files + quote(n) for n in ("名单.pdf", "方案.docx", "统计.xlsx"))
    doc = f"{q}/download?id=7"
    assert set(found) == {("text.typo", pdf, "按居乐业"), ("privacy.leak", pdf, ID_MASKED),
                          ("text.improper", docx, "国土资源局"), ("privacy.leak", xlsx, "138****5678"),
                          ("text.typo", doc, "一鼓做气")}
    for finding in found.values():
        assert finding["extra"]["page"] == f"{q}/notice.html" and finding["extra"]["attachment"] is True
        assert "位于附件中" in finding["detail"] and f"{q}/notice.html" in finding["detail"]
    leak = found[("privacy.leak", pdf, ID_MASKED)]
    assert leak["severity"] == "veto" and leak["detail"].startswith("附件公开了完整的居民身份证号码")
    assert found[("text.typo", pdf, "按居乐业")]["suggestion"] == "安居乐业"
    everything = json.dumps(inspected["findings"], ensure_ascii=False)
    assert ID not in everything and "13812345678" not in everything     # evidence and context stay masked


def test_unreadable_documents_are_notices(inspected):
    q = inspected["qh"]
    notices = {f["url"]: f for f in inspected["findings"] if f["check"] == "attachment.unreadable"}
    stream = inspected["stream"].url + "stream.pdf"
    assert set(notices) == {f"{q}/files/scan.pdf", f"{q}/files/broken.pdf", f"{q}/files/big.pdf", stream}
    scan = notices[f"{q}/files/scan.pdf"]
    assert scan["severity"] == "notice" and scan["detail"].startswith("附件为扫描件（无文字层）")
    assert scan["evidence"] == "附件4：盖章件.pdf" and scan["extra"]["page"] == f"{q}/notice.html"
    assert notices[f"{q}/files/broken.pdf"]["extra"]["state"] == "unreadable"
    assert notices[f"{q}/files/big.pdf"]["extra"]["state"] == notices[stream]["extra"]["state"] == "too_large"
    assert "超出附件大小上限" in notices[f"{q}/files/big.pdf"]["detail"]


def test_link_checks_unchanged_and_large_files_not_downloaded(inspected):
    q, db = inspected["qh"], inspected["db"]
    broken = {f["target"]: f for f in inspected["findings"] if f["check"] == "link.broken"}
    assert set(broken) == {f"{q}/files/lost.pdf", f"{inspected['off']}/files/lost.pdf"}
    assert broken[f"{q}/files/lost.pdf"]["extra"]["error"] == "http_4xx"
    # The too-large file answered 200 to HEAD: recorded, never fetched with GET.
    (big,) = rows(db, "select method, status, error from targets where url = ?", f"{q}/files/big.pdf")
    assert big == {"method": "HEAD", "status": 200, "error": None}
    (row,) = rows(db, "select state, size, content_hash, text from attachments where url like '%big.pdf' "
                      "and site = 'qh'")
    assert row["state"] == "too_large" and row["size"] > CAP and row["content_hash"] is None and row["text"] is None
    # No length announced and HEAD refused: the GET stops at the cap, the link is fine.
    stream = inspected["stream"]
    (target,) = rows(db, "select method, status, error from targets where url = ?", stream.url + "stream.pdf")
    assert target == {"method": "GET", "status": 200, "error": None}
    assert stream.sent < stream.TOTAL // 4, stream.sent
    (doc,) = rows(db, "select state, size from attachments where url = ?", stream.url + "stream.pdf")
    assert doc["state"] == "too_large" and doc["size"] > CAP


def test_states_stored_and_a_site_can_turn_attachments_off(inspected):
    db = inspected["db"]
    states = {r["url"].rsplit("/", 1)[1]: (r["format"], r["state"], r["page"].rsplit("/", 1)[1]) for r in rows(
        db, "select url, format, state, page from attachments where site = 'qh'")}
    assert states == {quote("名单.pdf"): ("pdf", "ok", "notice.html"), quote("方案.docx"): ("docx", "ok", "notice.html"),
                      quote("统计.xlsx"): ("xlsx", "ok", "notice.html"), "scan.pdf": ("pdf", "scanned", "notice.html"),
                      "broken.pdf": ("pdf", "unreadable", "notice.html"), "big.pdf": ("pdf", "too_large", "notice.html"),
                      "download?id=7": ("doc", "ok", "notice.html")}
    # attachment_max_bytes = 0: no document read, no finding from one, targets still checked with HEAD.
    assert rows(db, "select count(*) as n from attachments where site = 'off'") == [{"n": 0}]
    assert not [f for f in inspected["findings"] if f["site"] == "off" and f["check"] != "link.broken"
                and f["url"].startswith(inspected["off"] + "/files")]
    methods = {r["url"].rsplit("/", 1)[1]: r["method"] for r in rows(
        db, "select url, method from targets where site = 'off' and url like '%/files/%'")}
    assert methods["scan.pdf"] == "HEAD" and methods["lost.pdf"] == "GET"    # 404 to HEAD: asked again


def test_resume_fetches_a_document_lost_in_a_crash(inspected, tmp_path):
    # Simulate a kill before the batch holding the PDF's outcome was committed: its target and
    # attachment rows are missing. --resume fetches it again and the findings come back.
    import shutil

    db = tmp_path / "x.db"
    shutil.copy(inspected["db"], db)
    pdf = f"{inspected['qh']}/files/{quote('名单.pdf')}"
    with sqlite3.connect(db) as conn:
        conn.execute("delete from targets where url = ?", [pdf])
        conn.execute("delete from attachments where url = ?", [pdf])
        conn.execute("delete from findings")
        conn.execute("update runs set status = 'interrupted'")
    xunjian("inspect", "--config", str(inspected["config"]), "--db", str(db), "--resume", "--quiet")
    assert rows(db, "select state from attachments where url = ?", pdf) == [{"state": "ok"}]
    again = {(f["check"], f["url"], f["evidence"]) for f in findings_of(inspected["config"], db)}
    assert ("text.typo", pdf, "按居乐业") in again and ("privacy.leak", pdf, ID_MASKED) in again


# --- OFD and PPTX on a served site ---------------------------------------------------------

REPORT_OFD = ofd([["清河市民政局关于低保对象的公示"], ["附件：名单", f"申请人：王建华，身份证号：{ID}。"]])
BRIEFING_PPTX = pptx([["清河市2026年重点工作汇报"], ["全市上下要一鼓做气，确保完成全年目标。"]])


@pytest.fixture(scope="module")
def inspected_ofd(tmp_path_factory):
    from demo.server import FixtureSite

    tmp = tmp_path_factory.mktemp("ofd")
    disposition = "attachment; filename*=UTF-8''" + quote("工作方案.ofd")
    root = write_site(tmp / "site", {
        "index.html": '<html><head><meta charset="utf-8"><title>清河市民政局</title></head><body>'
                      '<a href="/notice.html">关于低保对象的公示</a></body></html>',
        "notice.html": '<html><head><meta charset="utf-8"><title>关于低保对象的公示</title></head><body>'
                       '<a href="/">首页</a><p>发布日期：2026-11-01</p><a href="files/公示.ofd">附件1：公示.ofd</a> '
                       '<a href="files/汇报.pptx">附件2：汇报.pptx</a> <a href="files/scan.ofd">附件3：盖章件.ofd</a> '
                       '<a href="/getfile?id=9">附件4：工作方案</a></body></html>',
        "files/公示.ofd": REPORT_OFD, "files/汇报.pptx": BRIEFING_PPTX, "files/scan.ofd": scanned_ofd(),
        "getfile": ofd([["清河市农村人居环境整治工作方案"], ["村庄规划编制由市国土资源局牵头负责。"]]),
    }, f"""\
        [[routes]]
        path = "/getfile"
        headers = {{ "Content-Disposition" = "{disposition}" }}
        """)
    site = FixtureSite(root).start()
    config = write_config(tmp / "sites.toml", [
        {"id": "mz", "name": "清河市民政局", "url": site.url, "department": "清河市民政局", "download_delay": 0,
         "render": "off", "retries": 0, "attachment_max_bytes": CAP}])
    db = tmp / "x.db"
    xunjian("inspect", "--config", str(config), "--db", str(db), "--as-of", "2026-11-20", "--quiet")
    yield {"db": db, "findings": findings_of(config, db), "url": site.url.rstrip("/")}
    site.stop()


def test_ofd_and_pptx_attachments_are_checked(inspected_ofd):
    q, findings = inspected_ofd["url"], inspected_ofd["findings"]
    ofd_url, pptx_url, scan_url = (f"{q}/files/{quote(n)}" for n in ("公示.ofd", "汇报.pptx", "scan.ofd"))
    download = f"{q}/getfile?id=9"
    found = {(f["check"], f["url"], f["evidence"]): f for f in findings if f["check"].startswith(("text.", "privacy."))
             and f["url"] != f"{q}/notice.html"}
    assert set(found) == {("privacy.leak", ofd_url, ID_MASKED), ("text.typo", pptx_url, "一鼓做气"),
                          ("text.improper", download, "国土资源局")}
    for finding in found.values():
        assert finding["extra"]["page"] == f"{q}/notice.html" and finding["extra"]["attachment"] is True
        assert "位于附件中" in finding["detail"] and f"{q}/notice.html" in finding["detail"]
    assert found[("privacy.leak", ofd_url, ID_MASKED)]["severity"] == "veto"
    assert ID not in json.dumps(findings, ensure_ascii=False)
    # The scanned OFD is the same notice as a scanned PDF.
    (scan,) = [f for f in findings if f["check"] == "attachment.unreadable"]
    assert scan["url"] == scan_url and scan["severity"] == "notice" and scan["evidence"] == "附件3：盖章件.ofd"
    assert scan["detail"].startswith("附件为扫描件（无文字层）") and scan["extra"]["format"] == "ofd"
    states = {r["url"]: (r["format"], r["state"], r["pages"]) for r in rows(
        inspected_ofd["db"], "select url, format, state, pages from attachments")}
    assert states == {ofd_url: ("ofd", "ok", 2), pptx_url: ("pptx", "ok", 2), scan_url: ("ofd", "scanned", 1),
                      download: ("ofd", "ok", 2)}


@pytest.mark.parametrize("fmt", ["pdf", "ofd"])
def test_wrapped_lines_of_laid_out_pages_are_rejoined(fmt):
    # A typo split by the page width (按\n装) is one unit again; a sentence end is not joined.
    from checks.attachments import Document
    document = Document("http://127.0.0.1/a", None, None, "ok", None, fmt, 1, 10,
                        text="各单位要按\n装调试设备。\n第二段")
    assert document.lines() == ["各单位要按装调试设备。", "第二段"]
    assert Document("http://127.0.0.1/a", None, None, "ok", None, "docx", 1, 10,
                    text="各单位要按\n装调试设备。").lines() == ["各单位要按", "装调试设备。"]
