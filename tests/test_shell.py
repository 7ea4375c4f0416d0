"""The dashboard shell with AppTest: database check, sign-in, lockout, timeout, pages per role."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

import data_access.status
from data_access.accounts.users import (
    DEMO_PASSWORD,
    MAX_FAILED_ATTEMPTS,
    authenticate,
    ensure_demo_users,
)
from data_access.clock import city_now
from data_access.engine import get_engine
from data_access.id_number import make_id_number
from data_access.schema import models as m
from data_access.schema.reference import init_schema
from ui.navigation import PAGE_TITLES, PAGES, pages_for_role

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
USERS = {
    "leading_office": {
        "username": "leading_office",
        "role": "leading_office",
        "department_code": "DRC",
    },
    "department_head": {
        "username": "dept_samr",
        "role": "department_head",
        "department_code": "SAMR",
    },
    "privacy_officer": {
        "username": "privacy_officer",
        "role": "privacy_officer",
        "department_code": "DRC",
    },
    "admin": {"username": "admin", "role": "admin", "department_code": None},
}


@pytest.fixture(scope="module")
def shell_db(tmp_path_factory) -> str:
    """A small ready database: schema, catalogues, one resident, the demo accounts."""
    url = f"sqlite:///{tmp_path_factory.mktemp('shell') / 'credit.db'}"
    engine = get_engine(url)
    init_schema(engine)
    with engine.begin() as conn:
        conn.execute(
            insert(m.Person),
            [
                {
                    "id_number": make_id_number("412701", dt.date(1980, 5, 17), 123),
                    "name": "王建明",
                    "gender": "M",
                    "birth_date": dt.date(1980, 5, 17),
                    "county_code": "411602",
                }
            ],
        )
    ensure_demo_users(engine)
    return url


@pytest.fixture
def app(shell_db, monkeypatch, server_navigation) -> AppTest:
    monkeypatch.setenv("CREDIT_DB_URL", shell_db)
    return AppTest.from_file(APP, default_timeout=30)


def test_unsigned_visitor_sees_only_the_sign_in_form(app):
    app.run()
    assert not app.exception
    assert app.title[0].value == "周口市个人诚信体系监测平台"
    assert [w.label for w in app.text_input] == ["用户名", "密码"]
    with pytest.raises(ValueError):
        app.switch_page("pages/overview.py")


def test_sign_in_with_the_demo_password_on_the_demo_database(app, monkeypatch):
    monkeypatch.setattr(data_access.status, "is_embedded_default", lambda _url: True)
    app.run()
    app.text_input(key="signin_username").input("dept_samr")
    app.text_input(key="signin_password").input(DEMO_PASSWORD)
    app.button[0].click().run()
    assert not app.exception
    assert app.session_state["user"] == {
        "username": "dept_samr",
        "role": "department_head",
        "department_code": "SAMR",
    }
    assert app.session_state["session_token"]  # the server-side session a reload resumes


def test_the_demo_sign_in_lists_its_accounts_and_offers_the_language_first(app, monkeypatch):
    monkeypatch.setattr(data_access.status, "is_embedded_default", lambda _url: True)
    app.run()
    listed = "\n".join(m.value for m in app.markdown)
    for line in ("`leading_office`：领导小组办公室", "`privacy_officer`：隐私保护专员",
                 "`admin`：系统管理员", "`dept_samr`：市市场监督管理局部门负责人"):  # fmt: skip
        assert line in listed
    assert DEMO_PASSWORD in listed
    app.radio(key="lang_choice").set_value("en").run()
    assert [w.label for w in app.text_input] == ["Username", "Password"]
    assert "Accounts of the demo database" in [e.label for e in app.expander]


def test_a_database_that_is_not_the_demo_names_no_account(app):
    app.run()
    assert not any(DEMO_PASSWORD in m.value or "`admin`" in m.value for m in app.markdown)


def test_elsewhere_the_demo_password_only_sets_a_new_one(app, shell_db):
    app.run()
    app.text_input(key="signin_username").input("dept_health")
    app.text_input(key="signin_password").input(DEMO_PASSWORD)
    app.button[0].click().run()
    assert "user" not in app.session_state  # not signed in: a new password first
    assert "演示密码" in app.warning[0].value
    app.text_input(key="new_pw_1").input("short")
    app.text_input(key="new_pw_2").input("short")
    app.button[0].click().run()
    assert "user" not in app.session_state and "密码规则" in app.error[0].value
    app.text_input(key="new_pw_1").input("Weide-2026-yiyuan")
    app.text_input(key="new_pw_2").input("Weide-2026-yiyuan")
    app.button[0].click().run()
    assert not app.exception
    assert app.session_state["user"]["username"] == "dept_health"
    engine = get_engine(shell_db)
    assert authenticate(engine, "dept_health", DEMO_PASSWORD).user is None  # the demo one is gone
    assert authenticate(engine, "dept_health", "Weide-2026-yiyuan").user is not None


def test_a_warning_comes_before_the_attempt_that_locks(app):
    app.run()
    for attempt in range(1, MAX_FAILED_ATTEMPTS):
        app.text_input(key="signin_username").input("no_such_user")
        app.text_input(key="signin_password").input("wrong")
        app.button[0].click().run()
        warned = [w.value for w in app.warning if "锁定" in w.value]
        assert bool(warned) == (attempt == MAX_FAILED_ATTEMPTS - 1)  # the same for any name


def test_wrong_password_is_refused_in_plain_words(app):
    app.run()
    app.text_input(key="signin_username").input("admin")
    app.text_input(key="signin_password").input("not-the-password")
    app.button[0].click().run()
    assert "user" not in app.session_state
    assert [e.value for e in app.error] == [
        "用户名或密码错误。连续输错 5 次后，账户将锁定 15 分钟。"
    ]


def test_lockout_after_repeated_failures(shell_db):
    engine = get_engine(shell_db)
    now = dt.datetime(2026, 11, 27, 9, 0)
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        result = authenticate(engine, "dept_edu", "wrong", now)
        assert (result.reason, result.locked) == ("bad_credentials", False)
    result = authenticate(engine, "dept_edu", "wrong", now)
    assert (result.reason, result.locked) == ("bad_credentials", True)  # the same words
    # Even the right password is refused while locked, and accepted after the lock expires.
    result = authenticate(engine, "dept_edu", DEMO_PASSWORD, now)
    assert (result.user, result.reason, result.locked) == (None, "bad_credentials", True)
    # an unknown name is refused in the same words, never "locked"
    assert authenticate(engine, "nobody", "wrong", now) == authenticate(engine, "nobody", "x", now)
    assert authenticate(engine, "nobody", "wrong", now).reason == "bad_credentials"
    later = now + dt.timedelta(minutes=16)
    assert authenticate(engine, "dept_edu", DEMO_PASSWORD, later).user["role"] == "department_head"


def test_concurrent_wrong_passwords_are_all_counted_and_lock(shell_db):
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import select

    from data_access.schema import models as m

    engine = get_engine(shell_db)
    now = dt.datetime(2026, 11, 27, 9, 0)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda _: authenticate(engine, "dept_tax", "wrong", now), range(12))
        )
    assert all(r.user is None and r.reason == "bad_credentials" for r in results)
    with engine.connect() as conn:
        locked_until = conn.scalar(
            select(m.DashboardUser.locked_until).where(m.DashboardUser.username == "dept_tax")
        )
    assert locked_until == now + dt.timedelta(minutes=15)  # no attempt was lost
    assert authenticate(engine, "dept_tax", DEMO_PASSWORD, now).locked


def test_passwords_are_stored_as_argon2_hashes(shell_db):
    from sqlalchemy import select

    with get_engine(shell_db).connect() as conn:
        hashes = conn.scalars(select(m.DashboardUser.password_hash)).all()
    assert len(hashes) == 3 + 27
    assert all(h.startswith("$argon2id$") and DEMO_PASSWORD not in h for h in hashes)


def test_session_times_out_after_idling(app):
    app.session_state["user"] = USERS["admin"]
    app.session_state["last_seen"] = city_now() - dt.timedelta(hours=2)
    app.run()
    assert "user" not in app.session_state
    assert [w.value for w in app.warning] == ["会话已超时，请重新登录。"]


def test_sign_out(app):
    app.session_state["user"] = USERS["leading_office"]
    app.run()
    app.sidebar.button[0].click().run()
    assert "user" not in app.session_state
    assert app.text_input(key="signin_username")


@pytest.mark.parametrize(
    ("role", "page"),
    [(role, spec.path) for role in USERS for spec in pages_for_role(role)],
)
def test_every_page_renders_for_every_role_allowed(app, role, page):
    app.session_state["user"] = USERS[role]
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    spec = next(p for p in PAGES if p.path == page)
    from ui.i18n import t

    assert app.title[0].value == t(PAGE_TITLES[spec.key])


@pytest.mark.parametrize(
    ("role", "page"),
    [(role, spec.path) for role in USERS for spec in PAGES if role not in spec.roles],
)
def test_pages_outside_a_role_are_not_registered(app, role, page):
    app.session_state["user"] = USERS[role]
    app.run()
    with pytest.raises(ValueError):
        app.switch_page(page)


def test_role_menus():
    keys = {role: [p.key for p in pages_for_role(role)] for role in USERS}
    assert keys["privacy_officer"] == ["oversight", "cases", "query_points", "subject", "inbox"]
    assert "oversight" not in keys["department_head"] and "subject" not in keys["department_head"]
    assert keys["admin"] == [p.key for p in PAGES]
    assert pages_for_role("hacker") == []


def test_english_toggle(app):
    app.session_state["user"] = USERS["admin"]
    app.session_state["lang"] = "en"
    app.run()
    assert not app.exception
    assert app.title[0].value == "Overview"
    assert app.sidebar.date_input[0].label == "As-of date"


def test_department_head_sees_their_own_scope(app):
    app.session_state["user"] = USERS["department_head"]
    app.run()
    app.switch_page("pages/coverage.py").run()
    assert "市市场监督管理局" in app.main.caption[-1].value


def test_global_filters_are_kept_in_session(app):
    app.session_state["user"] = USERS["leading_office"]
    app.run()
    app.sidebar.multiselect[0].select("411627").run()
    assert app.session_state["filters"]["counties"] == ("411627",)


def test_empty_database_that_is_not_the_embedded_default_is_not_filled(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    init_schema(get_engine(url))
    monkeypatch.setenv("CREDIT_DB_URL", url)
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert "python -m seed_data" in app.warning[0].value


def test_first_run_of_a_fresh_server_cannot_open_a_page_without_sign_in(shell_db, monkeypatch):
    """Before dashboard.py has run once, Streamlit may serve a pages/ file directly: the page's
    own guard sends the visitor to the sign-in form."""
    monkeypatch.setenv("CREDIT_DB_URL", shell_db)
    app = AppTest.from_file(APP, default_timeout=30)
    app.switch_page("pages/person.py").run()
    assert not app.exception
    assert app.text_input(key="signin_username")
    assert "个人信用档案" not in [t.value for t in app.title]


def test_first_start_builds_the_demo_database_with_progress(
    tmp_path, monkeypatch, server_navigation
):
    """The embedded database is built on first start (the generator is faked: it is tested in
    test_generator.py); the build reports progress and the sign-in form follows."""
    import data_access.status
    import seed_data

    url = f"sqlite:///{tmp_path / 'first.db'}"
    calls: list[tuple[float, str]] = []

    def fake_build_city(engine, scale, progress=None, **_):
        assert scale == "demo"
        init_schema(engine)
        progress(0.5, "persons")
        calls.append((0.5, "persons"))
        with engine.begin() as conn:
            conn.execute(
                insert(m.Person),
                [
                    {
                        "id_number": make_id_number("411603", dt.date(2020, 1, 2), 2),
                        "name": "李娜",
                        "county_code": "411603",
                    }
                ],
            )
        ensure_demo_users(engine)

    monkeypatch.setenv("CREDIT_DB_URL", url)
    monkeypatch.setattr(data_access.status, "is_embedded_default", lambda _url: True)
    monkeypatch.setattr(seed_data, "build_city", fake_build_city, raising=False)
    app = AppTest.from_file(APP, default_timeout=30).run()
    assert not app.exception
    assert calls == [(0.5, "persons")]
    assert [s.value for s in app.success] == ["演示数据库已生成。"]
    assert app.text_input(key="signin_username")
