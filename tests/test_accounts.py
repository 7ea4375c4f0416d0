"""Accounts in production: `users` on the command line, the password rule, sign-in under
concurrent attack, sessions that survive a reload, and the audit of every change; on both engines."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import select, text

from data_access.__main__ import main
from data_access.accounts import user_sessions as us
from data_access.accounts.user_admin import (
    AccountError,
    account_events,
    add_user,
    list_accounts,
    password_problems,
    set_active,
    set_password,
    unlock,
)
from data_access.accounts.users import (
    DEMO_PASSWORD,
    MAX_FAILED_ATTEMPTS,
    authenticate,
    ensure_demo_users,
)
from data_access.schema import models as m
from data_access.schema.account_models import AccountEvent, UserSession
from ui.i18n import t

PROJECT = Path(__file__).resolve().parent.parent

GOOD = "Zhoukou-xinyong-88"
NOW = dt.datetime(2026, 12, 2, 9, 0)


def _cli(db_url: str, tmp_path, *args: str, password: str | None = None) -> int:
    if password is not None:
        path = tmp_path / "pw.txt"
        path.write_text(password + "\n", encoding="utf-8")
        args = (*args, "--password-file", str(path))
    return main(["--db", db_url, "users", *args])


def _events(engine) -> list[tuple[str, str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(AccountEvent.actor, AccountEvent.username, AccountEvent.action).order_by(
                AccountEvent.event_id
            )
        ).all()
    return [tuple(r) for r in rows]


def test_the_first_administrator_of_a_bare_database(db_url, engine, tmp_path, capsys):
    """`init` alone gives no accounts; `users add` makes the first administrator, who signs in."""
    with engine.connect() as conn:
        assert conn.scalar(select(m.DashboardUser.username)) is None
    assert _cli(db_url, tmp_path, "add", "chief", "--role", "admin", password=GOOD) == 0
    assert "user chief (admin) created" in capsys.readouterr().out
    result = authenticate(engine, "chief", GOOD, demo_password_signs_in=False)
    assert result.user == {"username": "chief", "role": "admin", "department_code": None,
                           "display_name": "chief"}  # fmt: skip
    assert _events(engine) == [(_events(engine)[0][0], "chief", "created")]
    assert _events(engine)[0][0].startswith("cli:")


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (("add", "x", "--role", "admin"), GOOD, "username 'x': 3 to 64 characters"),
        (("add", "clerk", "--role", "department_head"), GOOD, "needs --department"),
        (("add", "clerk", "--role", "department_head", "--department", "NOPE"), GOOD,
         "department 'NOPE' is not in the catalogue"),
        (("add", "clerk", "--role", "admin"), "short1A", "shorter than 12 characters"),
        (("add", "clerk", "--role", "admin"), "alllowercaseletters", "fewer than 3 kinds"),
        (("add", "clerk", "--role", "admin"), "Clerk-2026-password", "contains the username"),
        (("add", "clerk", "--role", "admin"), DEMO_PASSWORD, "is the demo password"),
        (("passwd", "nobody"), GOOD, "there is no user 'nobody'"),
        (("disable", "nobody"), None, "there is no user 'nobody'"),
    ],
)  # fmt: skip
def test_refusals_are_one_line_and_write_nothing(db_url, engine, tmp_path, capsys, args,
                                                 password, message):  # fmt: skip
    assert _cli(db_url, tmp_path, *args, password=password) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err
    with engine.connect() as conn:
        assert conn.scalar(select(m.DashboardUser.username)) is None
    assert _events(engine) == []


def test_password_rule():
    assert password_problems(GOOD, "chief") == []
    assert password_problems("周口市信用办2026年度Z", "chief") == []  # Chinese is "other"
    assert "fewer than 3 kinds" in password_problems("周口市信用办2026年度", "chief")[0]
    assert password_problems("aaaaaaaaaaA1!", "x") == ["repeats too few different characters"]


def test_a_username_is_taken_whatever_its_case(engine):
    add_user(engine, "li.na", "privacy_officer", GOOD, actor="cli:root")
    with pytest.raises(AccountError, match="taken"):
        add_user(engine, "LI.NA".lower(), "admin", GOOD, actor="cli:root")
    assert list_accounts(engine).loc[0, "department_code"] == "DRC"  # the credit office


def test_thirty_parallel_wrong_passwords_lock_the_account(engine, monkeypatch):
    """Each attempt is reserved (one UPDATE ... RETURNING) before its password is checked: of 30
    parallel guesses only MAX_FAILED_ATTEMPTS are checked, and the account locks."""
    from data_access.accounts import users

    add_user(engine, "target", "admin", GOOD, actor="cli:root")
    checked: list[str] = []
    real_verify = users._verify

    def counting(password_hash: str, password: str) -> bool:
        if password_hash != users._DUMMY_HASH:
            checked.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(users, "_verify", counting)
    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(lambda _: authenticate(engine, "target", "wrong", NOW), range(30)))
    assert all(r.user is None and r.reason == "bad_credentials" for r in results)
    assert len(checked) == MAX_FAILED_ATTEMPTS
    assert sum(r.locked for r in results) == 30 - MAX_FAILED_ATTEMPTS + 1
    assert authenticate(engine, "target", GOOD, NOW).locked  # the right password waits too
    frame = list_accounts(engine, now=NOW).set_index("username")
    assert bool(frame.loc["target", "locked"])  # visible to administrators
    assert ("system", "target", "locked") in _events(engine)
    later = NOW + dt.timedelta(minutes=16)  # the lock expires by itself
    assert authenticate(engine, "target", GOOD, later).user is not None
    assert not bool(list_accounts(engine, now=later).set_index("username").loc["target", "locked"])


def test_an_administrator_unlocks_before_the_lock_expires(engine):
    add_user(engine, "target", "admin", GOOD, actor="cli:root")
    for _ in range(MAX_FAILED_ATTEMPTS):
        authenticate(engine, "target", "wrong", NOW)
    assert authenticate(engine, "target", GOOD, NOW).locked
    unlock(engine, "target", actor="boss")
    assert authenticate(engine, "target", GOOD, NOW).user is not None
    assert ("boss", "target", "unlocked") in _events(engine)


def test_the_demo_password_only_sets_a_new_one_outside_the_demo(engine):
    ensure_demo_users(engine)
    refused = authenticate(engine, "admin", DEMO_PASSWORD, demo_password_signs_in=False)
    assert (refused.user, refused.reason) == (None, "must_change")
    assert refused.pending["username"] == "admin"
    assert authenticate(engine, "admin", DEMO_PASSWORD).user is not None  # the embedded demo
    set_password(engine, "admin", GOOD, actor="admin")
    assert authenticate(engine, "admin", GOOD, demo_password_signs_in=False).user is not None


def test_sessions_survive_until_sign_out_idle_or_a_change_of_account(engine):
    add_user(engine, "clerk", "department_head", GOOD, department_code="SAMR", actor="cli:root")
    token = us.open_session(engine, "clerk", NOW)
    user = us.resume(engine, token, NOW + dt.timedelta(minutes=20))
    assert user["username"] == "clerk" and user["department_code"] == "SAMR"
    assert us.resume(engine, token, NOW + dt.timedelta(minutes=45))  # touched at minute 20
    assert us.resume(engine, token + "x", NOW) is None
    assert us.resume(engine, token, NOW + dt.timedelta(minutes=80)) is None  # idle 35 minutes
    assert us.resume(engine, token, NOW + dt.timedelta(minutes=81)) is None  # and revoked

    second = us.open_session(engine, "clerk", NOW)
    us.revoke(engine, second, now=NOW)
    assert us.resume(engine, second, NOW) is None  # signed out

    third = us.open_session(engine, "clerk", NOW)
    set_active(engine, "clerk", False, actor="boss")
    assert us.resume(engine, third, NOW) is None  # disabled: ended at once
    set_active(engine, "clerk", True, actor="boss")
    assert us.resume(engine, third, NOW) is None  # and stays ended
    fourth = us.open_session(engine, "clerk", NOW)
    set_password(engine, "clerk", GOOD + "!", actor="clerk")
    assert us.resume(engine, fourth, NOW) is None  # a new password ends every session

    old = us.open_session(engine, "clerk", NOW)
    for minutes in range(20, 13 * 60, 20):  # used all day long, still ends after 12 hours
        alive = us.resume(engine, old, NOW + dt.timedelta(minutes=minutes))
        assert (alive is not None) == (minutes <= 12 * 60)
    with engine.connect() as conn:
        stored = set(conn.scalars(select(UserSession.token_hash)))
    assert token not in stored and len(next(iter(stored))) == 64  # only hashes are kept


def test_disabling_rules_and_the_audit(engine):
    add_user(engine, "chief", "admin", GOOD, actor="cli:root")
    with pytest.raises(AccountError, match="your own account"):
        set_active(engine, "chief", False, actor="chief")
    with pytest.raises(AccountError, match="last active administrator"):
        set_active(engine, "chief", False, actor="cli:root")
    add_user(engine, "deputy", "admin", GOOD, actor="chief")
    set_active(engine, "chief", False, actor="deputy")
    assert authenticate(engine, "chief", GOOD).user is None
    events = account_events(engine)
    assert list(events["action"])[:3] == ["disabled", "created", "created"]
    assert list(events["actor"])[:2] == ["deputy", "chief"]


def test_command_line_imports_are_recorded_with_who_ran_them(db_url, engine, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_text("id_number,name,county_code\n11010519491231002X,刘芳,411602\n", "utf-8")
    assert main(["--db", db_url, "import", "persons", str(path)]) == 0
    with engine.connect() as conn:
        run = conn.execute(select(m.ImportRun.__table__)).one()
    assert run.imported_by.startswith("cli:") and run.rows_written == 1
    assert run.file_name == str(path)


def test_an_older_database_gains_the_new_columns(sqlite_url):
    """A database made before import_run.imported_by existed is upgraded, not broken."""
    from data_access.engine import get_engine
    from data_access.schema.reference import init_schema, schema_is_current

    engine = get_engine(sqlite_url)
    init_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE import_run DROP COLUMN imported_by"))
        conn.execute(text("DROP TABLE user_session"))
    assert not schema_is_current(engine)
    init_schema(engine)
    assert schema_is_current(engine)


# --------------------------------------------------------------------------- the accounts page


@pytest.fixture
def accounts_page(db_url, engine, monkeypatch, server_navigation):
    """The dashboard as the administrator `chief`, on the accounts page."""
    from streamlit.testing.v1 import AppTest

    from data_access.id_number import make_id_number

    with engine.begin() as conn:  # a database with a resident counts as ready
        conn.execute(
            m.Person.__table__.insert().values(
                id_number=make_id_number("411602", dt.date(1980, 5, 17), 1), name="王建明",
                county_code="411602",
            )
        )  # fmt: skip
    add_user(engine, "chief", "admin", GOOD, actor="cli:root")
    monkeypatch.setenv("CREDIT_DB_URL", db_url)
    app = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60)
    app.session_state["user"] = {"username": "chief", "role": "admin", "department_code": None}
    app.run()
    app.switch_page("pages/accounts.py").run()
    assert not app.exception, app.exception
    return app


def _form_input(app, label: str, value: str, nth: int = 0) -> None:
    [w for w in app.text_input if w.label == label][nth].input(value)


def test_the_accounts_page_creates_refuses_and_disables(accounts_page, engine):
    app = accounts_page
    assert app.title[0].value == "账号管理"
    _form_input(app, "用户名", "wang.fang")
    _form_input(app, "新密码", "short")
    _form_input(app, "再次输入新密码", "short")
    app.selectbox[0].set_value("department_head")
    app.button(key="FormSubmitter:acc_add-新建").click().run()
    assert [e.value for e in app.error] == [t("acc.err.department_needed", "zh")]
    app.selectbox[1].set_value("SAMR")
    app.button(key="FormSubmitter:acc_add-新建").click().run()
    assert [e.value for e in app.error] == [t("acc.err.password_rule", "zh")]
    _form_input(app, "新密码", GOOD)
    _form_input(app, "再次输入新密码", GOOD)
    app.button(key="FormSubmitter:acc_add-新建").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value == "已新建账号 wang.fang。"
    assert ("chief", "wang.fang", "created") in _events(engine)
    # disabling oneself is refused in Chinese; disabling wang.fang works
    state_user = next(s for s in app.selectbox if s.key == "acc_state_user")
    state_user.set_value("chief")
    next(b for b in app.button if b.label == "停用").click().run()
    assert [e.value for e in app.error] == [t("acc.err.self_disable", "zh")]
    next(s for s in app.selectbox if s.key == "acc_state_user").set_value("wang.fang")
    next(b for b in app.button if b.label == "停用").click().run()
    assert app.success[0].value.startswith("已停用 wang.fang")
    assert authenticate(engine, "wang.fang", GOOD).user is None


def test_an_unexpected_error_shows_an_incident_number_not_a_trace(accounts_page, monkeypatch,
                                                                   caplog):  # fmt: skip
    from data_access.accounts import user_admin

    def broken(*_args, **_kwargs):
        raise RuntimeError("/srv/secret/path.py exploded")

    monkeypatch.setattr(user_admin, "list_accounts", broken)
    app = accounts_page
    app.run()
    assert not app.exception  # no stack trace element reaches the browser
    [shown] = [e.value for e in app.error]
    incident = shown.split("事件编号 ")[1][:8]
    assert "/srv/secret" not in shown and len(incident) == 8
    assert any(incident in r.getMessage() for r in caplog.records)  # found in the server log


def test_a_database_without_accounts_says_how_to_make_the_first(db_url, engine, monkeypatch,
                                                                 server_navigation):  # fmt: skip
    from streamlit.testing.v1 import AppTest

    from data_access.id_number import make_id_number

    with engine.begin() as conn:
        conn.execute(
            m.Person.__table__.insert().values(
                id_number=make_id_number("411602", dt.date(1980, 5, 17), 1), name="王建明",
                county_code="411602",
            )
        )  # fmt: skip
    monkeypatch.setenv("CREDIT_DB_URL", db_url)
    app = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60).run()
    assert not app.exception
    assert "users add" in app.info[0].value
    assert not [c for c in app.caption if "演示账户" in c.value]  # no demo hint outside the demo
