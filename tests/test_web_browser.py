"""The review web app in real Chromium (Debian's, driven by Playwright), one browser per module:
log in; crawled <script> in a title and a link text stays text; review, dismiss and confirm;
approve and download a bulletin; a department user sees only its own sites; a POST without the
CSRF token is refused; a rectification notice is sent from its button to a loopback SMTP server.
"""

from __future__ import annotations

import pytest

from tests.conftest import write_config
from tests.test_notify import review_and_approve, smtp, text_of  # noqa: F401 - smtp is a fixture
from tests.test_web import PASSWORD, env, fid, served  # noqa: F401 - env, served are fixtures
from web import create_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    from crawler.render import LAUNCH_ARGS, browser_available

    path = browser_available()
    if not path:
        pytest.skip("需要 Debian chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, headless=True, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


def _tab(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    return context, tab


@pytest.fixture
def page(browser, served):  # noqa: F811 - the imported fixture
    context, tab = _tab(browser)
    yield tab, served
    assert tab.dialogs == [], "a crawled script ran"
    context.close()


def browser_login(tab, url: str, name: str = "admin") -> None:
    tab.goto(f"{url}/login")
    tab.fill("input[name=name]", name)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_load_state()


def test_browser_login_and_hostile_text(page):
    tab, env = page  # noqa: F811
    browser_login(tab, env["url"])
    tab.goto(f"{env['url']}/findings")
    assert tab.locator("td.evidence", has_text="window.pwnedLink=1").count() == 1
    assert tab.evaluate("window.pwnedLink === undefined && window.pwnedTitle === undefined")
    tab.click("text=页面含有隐藏的外部链接")
    tab.wait_for_load_state()
    assert "window.pwnedTitle=1" in tab.locator("table.detail").inner_text()
    assert tab.locator("mark").inner_text().startswith("<script>")
    assert tab.evaluate("window.pwnedLink === undefined && window.pwnedTitle === undefined")


def test_browser_dismiss(page):
    tab, env = page  # noqa: F811
    browser_login(tab, env["url"], "shen")
    tab.goto(f"{env['url']}/findings")
    tab.click("text=页面出现乱码")
    tab.fill("form[action$='/review'] input[name=reason]", "误报：专有名词")
    tab.click("button[value=dismiss]")
    tab.wait_for_load_state()
    assert "已保存审核结果" in tab.content() and "已排除" in tab.locator("table.detail").inner_text()
    row = next(env["db"].query("select * from reviews"))
    assert row["status"] == "dismissed" and row["by"] == "shen"


def test_browser_bulk_select_all(page):
    tab, env = page  # noqa: F811
    browser_login(tab, env["url"], "shen")
    tab.goto(f"{env['url']}/findings")
    tab.check("input.check-all")
    assert tab.locator("input[name=ids]:checked").count() == 3
    tab.click("text=批量处理")
    tab.wait_for_load_state()
    assert "已批量处理 3 个问题" in tab.content()


def test_browser_confirm_approve_download(page):
    tab, env = page  # noqa: F811
    browser_login(tab, env["url"], "shen")
    tab.goto(f"{env['url']}/findings/{fid(env['db'], 'link.dark', env['run'])}")
    tab.click("button[value=confirm]")
    tab.wait_for_load_state()
    assert "已确认" in tab.locator("table.detail").inner_text()
    tab.goto(f"{env['url']}/bulletins?kind=month&period=2026-10")
    assert tab.locator("#unreviewed").inner_text() == "2" and tab.locator("text=审定本月结果").is_disabled()
    tab.goto(f"{env['url']}/findings?status=open")
    tab.check("input.check-all")
    tab.click("text=批量处理")
    tab.wait_for_load_state()
    tab.goto(f"{env['url']}/bulletins?kind=month&period=2026-10")
    tab.click("text=审定本月结果")
    tab.wait_for_load_state()
    assert "已审定2026年10月文书" in tab.content()
    with tab.expect_download() as info:
        tab.click("text=下载 DOCX")
    download = info.value
    assert download.suggested_filename.endswith("检查结果.docx")
    with open(download.path(), "rb") as handle:
        assert handle.read(2) == b"PK"
    approval = next(env["db"].query("select * from web_approvals"))
    assert approval["by"] == "shen" and approval["period"] == "2026-10"


def test_browser_department_sees_only_its_sites(page):
    tab, env = page  # noqa: F811
    browser_login(tab, env["url"], "edu")
    tab.goto(f"{env['url']}/findings")
    rows = tab.locator("table.findings tbody tr")
    assert rows.count() == 1 and "固原市教育局" in rows.inner_text()
    assert "固原市人民政府" not in tab.locator("select[name=site]").inner_text()
    assert tab.locator("nav >> text=概览").count() == 0 and tab.locator("input[name=ids]").count() == 0
    answer = tab.goto(f"{env['url']}/findings/{fid(env['db'], 'link.dark', env['run'])}")
    assert answer.status == 404 and "未找到" in tab.content()
    answer = tab.goto(f"{env['url']}/bulletins")
    assert answer.status == 403 and "无权访问" in tab.content()


def test_browser_post_without_csrf_token_is_refused(page):
    tab, env = page  # noqa: F811
    browser_login(tab, env["url"], "shen")
    tab.goto(f"{env['url']}/findings/{fid(env['db'], 'layout.garbled', env['run'])}")
    tab.locator("form[action$='/review'] input[name=csrf_token]").evaluate("input => input.remove()")
    with tab.expect_response(lambda r: r.url.endswith("/review")) as info:
        tab.click("button[value=confirm]")
    assert info.value.status == 400
    tab.wait_for_load_state()
    assert "安全令牌" in tab.content()
    assert list(env["db"].query("select * from reviews")) == []


def test_browser_send_notice(browser, env, smtp, tmp_path):  # noqa: F811
    """The 发送整改通知 button of an approved month reaches the loopback SMTP server."""
    import threading

    from waitress import create_server

    sites = [{"id": s.id, "name": s.name, "url": s.url, "department": s.department} for s in env["config"].sites]
    cfg = write_config(tmp_path / "notify.toml", sites, f"""[notify]
smtp = "mailto://127.0.0.1:{smtp.port_}?from=xunjian@example.gov.cn"
[[notify.departments]]
name = "市政府办公室"
email = ["zhang@gov.example.cn"]
""")
    server = create_server(create_app(cfg, env["dbp"], secret="t"), host="127.0.0.1", port=0, threads=2)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{server.effective_port}"
    context, tab = _tab(browser)
    try:
        browser_login(tab, url, "shen")
        tab.goto(f"{url}/notices?kind=month&period=2026-10")
        assert tab.locator("#not-approved").count() == 1 and tab.locator("button.send:enabled").count() == 0
        review_and_approve(env)
        tab.reload()
        row = tab.locator("table.notices tr", has_text="市政府办公室")
        assert "zhang@gov.example.cn" in row.inner_text()
        assert tab.locator("table.notices tr", has_text="市教育局").locator("button.send").is_disabled()
        row.locator("button.send").click()
        tab.wait_for_load_state()
        assert "已发送整改通知" in tab.locator("p.flash").inner_text()
        assert "邮件已发送" in tab.locator("table.grid").last.inner_text()
        [(rcpt, message)] = smtp.messages
        assert rcpt == ["zhang@gov.example.cn"] and "暗链" in text_of(message)
    finally:
        context.close()
        server.close()
