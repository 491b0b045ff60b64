"""Admin pages of the review web app: user management (every action CSRF-protected and
audit-logged, admin only) and the read-only view of the configured sites and accounts."""

from __future__ import annotations

from tests.test_web import env, login, token  # noqa: F401 - env is a fixture


def _post(client, path: str, **form):
    return client.post(path, data=dict(form, csrf_token=token(client, "/users")))


def test_user_management(env):  # noqa: F811 - the imported fixture
    app, db = env["app"], env["db"]
    admin = app.test_client()
    login(admin)
    page = admin.get("/users").get_data(as_text=True)
    assert "shen" in page and "市教育局" in page and "argon2" not in page
    # add: the new user can log in with the initial password
    assert _post(admin, "/users/add", name="wang", role="department", department="市教育局",
                 password="initial pass 1").status_code == 302
    wang = app.test_client()
    assert login(wang, "wang", "initial pass 1").status_code == 302
    assert "页面含有隐藏的外部链接" not in wang.get("/findings").get_data(as_text=True)   # 市教育局 only
    assert _post(admin, "/users/add", name="wang", role="reviewer", password="another pass 1").status_code == 400
    assert _post(admin, "/users/add", name="zhao", role="department", department="不存在的单位",
                 password="initial pass 1").status_code == 400
    # change role and department: effective on the user's next request
    assert _post(admin, "/users/update", name="wang", action="role", role="department",
                 department="市政府办公室").status_code == 302
    assert "页面含有隐藏的外部链接" in wang.get("/findings").get_data(as_text=True)
    _post(admin, "/users/update", name="wang", action="role", role="reviewer")
    assert next(db.query("select role, department from web_users where name = 'wang'")) == \
        {"role": "reviewer", "department": None}
    assert wang.get("/bulletins").status_code == 200
    # reset password: the old one stops working
    assert _post(admin, "/users/update", name="wang", action="password", password="short").status_code == 400
    assert _post(admin, "/users/update", name="wang", action="password", password="new secret 22").status_code == 302
    assert login(app.test_client(), "wang", "initial pass 1").status_code == 401
    assert login(app.test_client(), "wang", "new secret 22").status_code == 302
    # disable: the open session ends and login fails; enable again
    assert _post(admin, "/users/update", name="wang", action="disable").status_code == 302
    assert wang.get("/findings").status_code == 302
    assert login(app.test_client(), "wang", "new secret 22").status_code == 401
    assert "已停用" in admin.get("/users").get_data(as_text=True)
    _post(admin, "/users/update", name="wang", action="enable")
    assert login(app.test_client(), "wang", "new secret 22").status_code == 302
    # no lock-out: an admin cannot disable or demote themself
    assert _post(admin, "/users/update", name="admin", action="disable").status_code == 400
    assert _post(admin, "/users/update", name="admin", action="role", role="reviewer").status_code == 400
    actions = [r["action"] for r in db.query("select action from web_audit where user = 'admin' and target = 'wang'")]
    assert actions == ["新建账号", "修改账号角色", "修改账号角色", "重设密码", "停用账号", "启用账号"]


def test_user_pages_are_admin_only_and_need_csrf(env):  # noqa: F811
    app = env["app"]
    for name in ("shen", "edu"):
        client = app.test_client()
        login(client, name)
        assert client.get("/users").status_code == 403 and client.get("/settings").status_code == 403
        t = token(client, "/findings")
        assert client.post("/users/add", data={"name": "x", "role": "admin", "password": "long enough 1",
                                               "csrf_token": t}).status_code == 403
        assert client.post("/users/update", data={"name": "shen", "action": "disable", "csrf_token": t}).status_code == 403
    admin = app.test_client()
    login(admin)
    assert admin.post("/users/update", data={"name": "shen", "action": "disable"}).status_code == 400   # no token
    assert admin.post("/users/add", data={"name": "x", "role": "admin", "password": "long enough 1"}).status_code == 400
    assert next(env["db"].query("select active from web_users where name = 'shen'"))["active"] == 1
    assert list(env["db"].query("select * from web_users where name = 'x'")) == []


def test_settings_page_lists_sites_and_accounts(env):  # noqa: F811
    admin = env["app"].test_client()
    login(admin)
    html = admin.get("/settings").get_data(as_text=True)
    assert str(env["cfg"]) in html
    for site in env["config"].sites:
        assert site.id in html and site.name in html and site.department in html
    assert "未登记政务新媒体" in html and "未配置" in html
