"""The dashboard in a real browser (Chromium through Playwright) against a running server: what
AppTest cannot see. A reload keeps the user signed in, a link to a page survives sign-in, a page
the role may not open (or no page at all) lands on the home page with a Chinese message and never
Streamlit's English dialog, sign-out holds after a reload, and the demo password outside the
demo database only sets a new one.

Skipped when Playwright or a Chromium is missing (Debian: `apt install chromium fonts-noto-cjk`,
`pip install playwright`). Screenshots go to $E2E_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from data_access.accounts.user_admin import add_user
from data_access.accounts.users import DEMO_PASSWORD
from data_access.engine import get_engine
from tests.conftest import create_pg_database, drop_pg_database

playwright_api = pytest.importorskip("playwright.sync_api")

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "E2e-Browser-Pass-2026"
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()),
                None)  # fmt: skip
WAIT_MS = 30_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def server(request, tmp_path_factory) -> Iterator[str]:
    """A dashboard server on a tiny city with two accounts of known passwords, on each engine."""
    from seed_data.build import build_city

    folder = tmp_path_factory.mktemp("e2e")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'credit.db'}"
    else:
        url = create_pg_database("credit_e2e")
    engine = get_engine(url)
    build_city(engine, "tiny", seed=2018)
    add_user(engine, "e2e_dept", "department_head", PASSWORD, department_code="SAMR",
             actor="test")  # fmt: skip
    add_user(engine, "e2e_admin", "admin", PASSWORD, actor="test")
    from scoring.points_policy import load_policy
    from scoring.points_run import score_database
    from tests.conftest import TINY_AS_OF

    score_database(engine, TINY_AS_OF, load_policy())  # the scores page has a run to show
    port = _free_port()
    log = open(folder / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=PROJECT, env={**os.environ, "CREDIT_DB_URL": url}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(
                "the dashboard server did not start: " + (folder / "server.log").read_text()
            )
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        if request.param == "postgresql":
            drop_pg_database(url)
    assert "Traceback" not in (folder / "server.log").read_text()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:  # no browser installed for Playwright
            pytest.skip(f"no Chromium to drive: {exc}".splitlines()[0])
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()


def _shot(page, name: str) -> None:
    folder = os.environ.get("E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def _sign_in(page, username: str, password: str) -> None:
    page.get_by_label("用户名").wait_for(timeout=WAIT_MS)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


def _heading(page, text: str) -> None:
    page.get_by_role("heading", name=text).first.wait_for(timeout=WAIT_MS)


def _session_cookie(page) -> str | None:
    """The session cookie, once the page's script has written it (a few hundred ms at most)."""
    for _ in range(50):
        found = [c["value"] for c in page.context.cookies() if c["name"] == "zk_session"]
        if found and found[0]:
            return found[0]
        page.wait_for_timeout(200)
    return None


def _no_english_dialog(page) -> None:
    assert page.get_by_text("Page not found").count() == 0


def test_a_link_survives_sign_in_and_a_reload_keeps_the_session(page, server):
    page.goto(f"{server}/coverage")
    _sign_in(page, "e2e_dept", PASSWORD)
    _heading(page, "重点人群与重点领域覆盖")
    assert page.url.endswith("/coverage")
    assert _session_cookie(page)
    page.reload()
    _heading(page, "重点人群与重点领域覆盖")
    _shot(page, "reload_keeps_session")
    assert page.get_by_label("用户名").count() == 0
    assert page.url.endswith("/coverage")
    page.goto(f"{server}/repair")  # a bookmark of another of the role's pages
    _heading(page, "异议与信用修复")


def test_a_page_the_role_may_not_open_lands_home_in_chinese(page, server):
    page.goto(server)
    _sign_in(page, "e2e_dept", PASSWORD)
    _heading(page, "部门报送进度")
    assert _session_cookie(page)  # typed addresses open new sessions: they need the cookie
    for address in ("oversight", "no-such-page"):
        page.goto(f"{server}/{address}")
        page.get_by_text("您的角色无权打开所访问的页面").wait_for(timeout=WAIT_MS)
        _heading(page, "部门报送进度")
        _no_english_dialog(page)
    _shot(page, "refused_page")


def test_sign_out_holds_after_a_reload(page, server):
    page.goto(server)
    _sign_in(page, "e2e_admin", PASSWORD)
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
    _sign_in(page, "dept_edu", DEMO_PASSWORD)  # a seeded demo account, on a database not the demo
    page.get_by_text("仍在使用演示密码").wait_for(timeout=WAIT_MS)
    page.get_by_label("新密码", exact=True).fill("Jiaoyu-Ju-2026-new")
    page.get_by_label("再次输入新密码").fill("Jiaoyu-Ju-2026-new")
    page.get_by_role("button", name="设置新密码并登录").click()
    _heading(page, "部门报送进度")
    _shot(page, "after_new_password")


def test_the_accounts_page_for_an_administrator(page, server):
    page.goto(f"{server}/accounts")
    _sign_in(page, "e2e_admin", PASSWORD)
    _heading(page, "账号管理")
    page.get_by_text("当前锁定").first.wait_for(timeout=WAIT_MS)  # the tables draw on a canvas
    _shot(page, "accounts_page")
    _no_english_dialog(page)


def test_the_scores_page_names_only_the_courts_list_a_black_list(page, server):
    page.goto(f"{server}/scores")
    _sign_in(page, "e2e_admin", PASSWORD)
    _heading(page, "诚信积分")
    for label in ("绿色通道", "有严重失信记录", "失信被执行人（法院公布）"):
        page.get_by_text(label, exact=True).first.wait_for(timeout=WAIT_MS)
    banner = page.get_by_text("平台不自行制造黑名单").first
    banner.wait_for(timeout=WAIT_MS)
    main = page.locator('[data-testid="stMain"]').inner_text()
    # "黑名单" appears only where the page says the platform makes none
    assert main.count("黑名单") == main.count("不自行制造黑名单")
    _shot(page, "scores_page")
