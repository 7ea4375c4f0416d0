"""The signed-in user, the language and the global filters, as kept in st.session_state.

st.session_state["user"] is {"username", "role", "department_code"} (tests set it directly).
Global filters live in st.session_state["filters"] as {"as_of": date, "counties": tuple[str, ...]}.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from data_access.engine import ENV_VAR, resolve_url
from data_access.scope import Scope
from ui.i18n import DEFAULT_LANGUAGE, t

SESSION_TIMEOUT = dt.timedelta(minutes=30)
MAIN_SCRIPT = "dashboard.py"


def database_url() -> str:
    """CREDIT_DB_URL from the environment, else from .streamlit/secrets.toml, else the default."""
    if os.environ.get(ENV_VAR):
        return resolve_url()
    try:
        configured = st.secrets.get(ENV_VAR)
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        configured = None
    return resolve_url(configured)


def today() -> dt.date:
    """Today in Zhoukou (Asia/Shanghai), whatever the server's clock zone."""
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def tr(key: str, **values: object) -> str:
    """Translate in the session's language."""
    return t(key, lang(), **values)


def current_user() -> dict | None:
    user = st.session_state.get("user")
    return dict(user) if user else None


def current_scope() -> Scope:
    user = current_user()
    if user is None:
        raise PermissionError("not signed in")
    return Scope.from_user(user)


def sign_in(user: dict) -> None:
    st.session_state["user"] = {
        "username": user["username"],
        "role": user["role"],
        "department_code": user.get("department_code"),
    }
    st.session_state["display_name"] = user.get("display_name", user["username"])
    st.session_state["last_seen"] = dt.datetime.now()


def sign_out() -> None:
    """Forget everything of the session but the language: the user, open personal files,
    search results and filters."""
    for key in list(st.session_state.keys()):
        if key != "lang":
            del st.session_state[key]


def session_expired(now: dt.datetime | None = None) -> bool:
    """True when the user has been idle longer than SESSION_TIMEOUT; refreshes last_seen if not."""
    now = now or dt.datetime.now()
    last_seen = st.session_state.get("last_seen")
    if last_seen is not None and now - last_seen > SESSION_TIMEOUT:
        return True
    st.session_state["last_seen"] = now
    return False


def filters() -> dict:
    """The global filters chosen in the sidebar (defaults when the sidebar has not run)."""
    return st.session_state.get("filters", {"as_of": today(), "counties": ()})
