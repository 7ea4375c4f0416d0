"""Optional single sign-on (st.login, OIDC): identities map to users, and through them to a role
and a department; an unlinked, inactive or locked identity is refused; password sign-in stays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert, update
from streamlit.testing.v1 import AppTest

from data_access.__main__ import main as data_access_cli
from data_access.accounts.users import (
    ensure_demo_users,
    identity_of,
    link_identity,
    user_for_identity,
)
from data_access.clock import city_now
from data_access.id_number import make_id_number
from data_access.schema import models as m
from ui import sso

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret-not-for-production",
    "client_id": "credit-dashboard",
    "client_secret": "secret",
    "server_metadata_url": "https://sso.zhoukou.example/.well-known/openid-configuration",
}


@pytest.fixture
def users(engine):
    """The demo accounts, and one resident so that the dashboard finds its database ready."""
    with engine.begin() as conn:
        conn.execute(
            insert(m.Person),
            {"id_number": make_id_number("411602", dt.date(1979, 4, 2), 31), "name": "周敏",
             "gender": "M", "birth_date": dt.date(1979, 4, 2), "county_code": "411602"},
        )  # fmt: skip
    ensure_demo_users(engine)
    return engine


def test_identity_is_the_verified_email_else_the_subject():
    assert identity_of({"email": " Zhang.Wei@ZK.gov.cn ", "sub": "u-1"}) == "zhang.wei@zk.gov.cn"
    assert identity_of({"email": "x@zk.gov.cn", "email_verified": False, "sub": "u-2"}) == "u-2"
    assert identity_of({"sub": "u-3"}) == "u-3"
    assert identity_of({"name": "no identity"}) is None


def test_a_linked_identity_signs_in_with_the_users_role_and_department(users):
    link_identity(users, "Li.Na@ZK.gov.cn", "dept_samr")
    result = user_for_identity(users, identity_of({"email": "li.na@zk.gov.cn"}))
    assert result.user is not None
    assert (result.user["username"], result.user["role"], result.user["department_code"]) == (
        "dept_samr",
        "department_head",
        "SAMR",
    )
    # Relinking moves the identity to another user.
    link_identity(users, "li.na@zk.gov.cn", "privacy_officer")
    assert user_for_identity(users, "li.na@zk.gov.cn").user["role"] == "privacy_officer"


def test_unlinked_inactive_and_locked_identities_are_refused(users):
    assert user_for_identity(users, "nobody@zk.gov.cn").reason == "sso_unlinked"
    assert user_for_identity(users, None).reason == "sso_unlinked"
    link_identity(users, "a@zk.gov.cn", "dept_edu")
    link_identity(users, "b@zk.gov.cn", "dept_tax")
    table = m.DashboardUser.__table__
    with users.begin() as conn:
        conn.execute(update(table).where(table.c.username == "dept_edu").values(active=False))
        conn.execute(
            update(table)
            .where(table.c.username == "dept_tax")
            .values(locked_until=city_now() + dt.timedelta(minutes=10))
        )
    assert user_for_identity(users, "a@zk.gov.cn").user is None
    assert user_for_identity(users, "b@zk.gov.cn").reason == "locked"
    with pytest.raises(ValueError, match="no dashboard user"):
        link_identity(users, "c@zk.gov.cn", "ghost")


def test_the_command_line_links_an_identity(users, db_url, capsys):
    assert data_access_cli(["--db", db_url, "link-identity", "w@zk.gov.cn", "admin"]) == 0
    assert user_for_identity(users, "w@zk.gov.cn").user["role"] == "admin"
    assert data_access_cli(["--db", db_url, "link-identity", "w@zk.gov.cn", "ghost"]) == 1
    assert "no dashboard user 'ghost'" in capsys.readouterr().err


# --------------------------------------------------------------------------- the sign-in page


@pytest.fixture
def app(db_url, users, monkeypatch, server_navigation) -> AppTest:
    monkeypatch.setenv("CREDIT_DB_URL", db_url)
    return AppTest.from_file(APP, default_timeout=30)


def test_without_auth_secrets_there_is_no_single_sign_on_button(app):
    app.run()
    assert not app.exception
    assert not [b for b in app.button if "统一身份" in b.label]


def test_with_auth_secrets_the_sign_in_page_offers_single_sign_on(app):
    app.secrets["auth"] = AUTH
    app.run()
    assert not app.exception
    assert [b for b in app.button if "统一身份认证登录" in b.label]
    assert app.text_input(key="signin_username")  # the password form stays


def test_a_returning_linked_identity_is_signed_in(app, users, monkeypatch):
    link_identity(users, "zhou.min@zk.gov.cn", "dept_samr")
    app.secrets["auth"] = AUTH
    monkeypatch.setattr(sso, "claims", lambda: {"email": "Zhou.Min@zk.gov.cn", "sub": "s-9"})
    app.run()
    assert not app.exception
    assert app.session_state["user"]["username"] == "dept_samr"
    assert app.session_state["signed_in_with_sso"]
    labels = [link.label for link in app.sidebar.get("page_link")]
    assert "个人信用档案" in labels and "查询行为监测" not in labels


def test_an_unlinked_identity_is_told_so_and_not_signed_in(app, monkeypatch):
    app.secrets["auth"] = AUTH
    monkeypatch.setattr(sso, "claims", lambda: {"email": "stranger@example.com"})
    app.run()
    assert not app.exception
    assert "user" not in app.session_state
    assert app.error and "尚未关联" in app.error[0].value
