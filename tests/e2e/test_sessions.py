"""The dashboard in a real browser (Chromium through Playwright) against a running server: what
AppTest cannot see. A reload keeps the user signed in, a link to a page survives sign-in, a page
the role may not open (or no page at all) lands on the home page with a Chinese message and never
Streamlit's English dialog, sign-out holds after a reload, and the demo password outside the
demo database only sets a new one.

Fixtures in tests/e2e/conftest.py, shared steps in tests/e2e/browser.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from data_access.accounts.users import DEMO_PASSWORD
from tests.e2e.browser import (
    PASSWORD,
    WAIT_MS,
    heading,
    session_cookie,
    settled,
    shot,
    sign_in,
)
from tests.e2e.conftest import serve


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """SQLite alone: what these checks see (cookies, reloads, redirects, downloads) is the
    browser's and the server's, not the engine's; the session store itself is tested on both
    engines in tests/test_accounts.py."""
    yield from serve("sqlite", tmp_path_factory)


def _no_english_dialog(page) -> None:
    assert page.get_by_text("Page not found").count() == 0


def test_a_link_survives_sign_in_and_a_reload_keeps_the_session(page, server):
    page.goto(f"{server}/coverage")
    sign_in(page, "e2e_dept", PASSWORD)
    heading(page, "重点人群与重点领域覆盖")
    assert page.url.endswith("/coverage")
    assert session_cookie(page)
    page.reload()
    heading(page, "重点人群与重点领域覆盖")
    shot(page, "reload_keeps_session")
    assert page.get_by_label("用户名").count() == 0
    assert page.url.endswith("/coverage")
    page.goto(f"{server}/repair")  # a bookmark of another of the role's pages
    heading(page, "异议与信用修复")


def test_the_sign_in_address_shows_the_form(page, server):
    """/signin (a bookmark, a link in a notice) is the sign-in form, not Streamlit's "Page not
    found" (a default page's own address is not routed: the form has a page of its own)."""
    page.goto(f"{server}/signin")
    page.get_by_label("用户名").wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)  # the dialog, if any, comes with the first run
    _no_english_dialog(page)
    sign_in(page, "e2e_dept", PASSWORD)
    heading(page, "部门报送进度")
    _no_english_dialog(page)


def test_a_page_the_role_may_not_open_lands_home_in_chinese(page, server):
    page.goto(server)
    sign_in(page, "e2e_dept", PASSWORD)
    heading(page, "部门报送进度")
    assert session_cookie(page)  # typed addresses open new sessions: they need the cookie
    for address in ("oversight", "no-such-page"):
        page.goto(f"{server}/{address}")
        page.get_by_text("您的角色无权打开所访问的页面").wait_for(timeout=WAIT_MS)
        heading(page, "部门报送进度")
        _no_english_dialog(page)
    shot(page, "refused_page")


def test_sign_out_holds_after_a_reload(page, server):
    page.goto(server)
    sign_in(page, "e2e_admin", PASSWORD)
    page.get_by_role("button", name="退出登录").wait_for(timeout=WAIT_MS)
    page.get_by_role("button", name="退出登录").click()
    page.get_by_label("用户名").wait_for(timeout=WAIT_MS)
    page.reload()
    page.get_by_label("用户名").wait_for(timeout=WAIT_MS)
    page.goto(f"{server}/overview")
    page.get_by_label("用户名").wait_for(timeout=WAIT_MS)
    assert page.get_by_role("heading", name="总览").count() == 0


def test_the_demo_password_only_sets_a_new_one_here(page, server):
    page.goto(server)
    sign_in(page, "dept_edu", DEMO_PASSWORD)  # a seeded demo account, on a database not the demo
    page.get_by_text("仍在使用演示密码").wait_for(timeout=WAIT_MS)
    page.get_by_label("新密码", exact=True).fill("Jiaoyu-Ju-2026-new")
    page.get_by_label("再次输入新密码").fill("Jiaoyu-Ju-2026-new")
    page.get_by_role("button", name="设置新密码并登录").click()
    heading(page, "部门报送进度")
    shot(page, "after_new_password")


def test_the_accounts_page_for_an_administrator(page, server):
    page.goto(f"{server}/accounts")
    sign_in(page, "e2e_admin", PASSWORD)
    heading(page, "账号管理")
    page.get_by_text("当前锁定").first.wait_for(timeout=WAIT_MS)  # the tables draw on a canvas
    shot(page, "accounts_page")
    _no_english_dialog(page)


def test_the_scores_page_names_only_the_courts_list_a_black_list(page, server):
    page.goto(f"{server}/scores")
    sign_in(page, "e2e_admin", PASSWORD)
    heading(page, "诚信积分")
    for label in ("绿色通道", "有严重失信记录", "失信被执行人（法院公布）"):
        page.get_by_text(label, exact=True).first.wait_for(timeout=WAIT_MS)
    banner = page.get_by_text("平台不自行制造黑名单").first
    banner.wait_for(timeout=WAIT_MS)
    main = page.locator('[data-testid="stMain"]').inner_text()
    # "黑名单" appears only where the page says the platform makes none
    assert main.count("黑名单") == main.count("不自行制造黑名单")
    shot(page, "scores_page")


def test_workbooks_are_built_when_their_button_is_pressed(page, server):
    """The repair, query-points and alert workbooks are made on the click (a deferred download),
    not on every render: the browser still receives a whole workbook with every sheet. (The
    tiny world has no privacy case; the case file is deferred alike, tests/test_security.py.)"""
    import io
    import zipfile

    page.goto(f"{server}/repair")
    sign_in(page, "e2e_admin", PASSWORD)
    heading(page, "异议与信用修复")
    for address, title, label, sheets in (
        ("repair", "异议与信用修复", "下载全部表格（Excel）", 7),
        ("query_points", "网点与账户", "下载月度用户风险评估（Excel）", 7),
        ("oversight", "查询行为监测", "导出案卷（Excel）", 3),
    ):
        page.goto(f"{server}/{address}")
        heading(page, title)
        settled(page)
        with page.expect_download(timeout=WAIT_MS) as info:
            page.get_by_role("button", name=label).click()
        download = info.value
        data = open(download.path(), "rb").read()
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert download.suggested_filename.endswith(".xlsx")
        assert len([n for n in names if n.startswith("xl/worksheets/sheet")]) == sheets, names
