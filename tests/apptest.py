"""The one way a test opens a page of the dashboard with AppTest.

`open_page` starts from dashboard.py with a signed-in user in `st.session_state["user"]`, runs the
entry once (sign-in, navigation, filters), then switches to the page and runs it, as a user who
clicks the page in the menu does. The database is the URL given (CREDIT_DB_URL for this test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import TINY_AS_OF

APP = str(Path(__file__).resolve().parents[1] / "dashboard.py")

# One user of each role (department heads of URBAN unless a test names another).
USERS: dict[str, dict[str, str | None]] = {
    "leading_office": {"username": "leading_office", "role": "leading_office",
                       "department_code": "DRC"},
    "department_head": {"username": "dept_urban", "role": "department_head",
                        "department_code": "URBAN"},
    "privacy_officer": {"username": "privacy_officer", "role": "privacy_officer",
                        "department_code": "DRC"},
    "admin": {"username": "admin", "role": "admin", "department_code": None},
}  # fmt: skip


def open_page(
    url: str,
    page: str,
    user: str | Mapping[str, object],
    monkeypatch: pytest.MonkeyPatch,
    *,
    lang: str = "zh",
    as_of: dt.date = TINY_AS_OF,
    timeout: float = 60,
    fresh_cache: bool = False,
    **state: object,
) -> AppTest:
    """The page as the user sees it after choosing it in the menu (run; not asserted on).

    user: a role of USERS or a user mapping. fresh_cache clears Streamlit's data cache first (for
    a test whose database reuses a URL another test's database had). Extra keyword arguments are
    put in the session state before the first run (widget keys, for example)."""
    monkeypatch.setenv("CREDIT_DB_URL", url)
    if fresh_cache:
        st.cache_data.clear()
    app = AppTest.from_file(APP, default_timeout=timeout)
    app.session_state["user"] = dict(USERS[user] if isinstance(user, str) else user)
    app.session_state["lang"] = lang
    app.session_state["filter_as_of"] = as_of
    for key, value in state.items():
        app.session_state[key] = value
    app.run()
    return app.switch_page(page).run()
