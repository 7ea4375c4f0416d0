"""The signed-in user, the language and the global filters, as kept in st.session_state.

st.session_state["user"] is {"username", "role", "department_code"} (tests set it directly).
Global filters live in st.session_state["filters"] as {"as_of": date, "counties": tuple[str, ...]}.
"""

from __future__ import annotations

import datetime as dt
import logging
import os

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.errors import StreamlitSecretNotFoundError

from data_access.accounts import user_sessions
from data_access.clock import city_now, city_today
from data_access.engine import ENV_VAR, get_engine, resolve_url
from data_access.scope import Scope
from ui import session_cookie
from ui.i18n import DEFAULT_LANGUAGE, t, tn

_log = logging.getLogger("dashboard.session")

SESSION_TIMEOUT = user_sessions.IDLE_TIMEOUT
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
    return city_today()


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


CODED_WIDGETS = "coded_widget_keys"


def coded(key: str) -> str:
    """The key of a choice widget whose options are codes shown by names in the session's
    language (statuses, departments, counties, months), registered so that a change of language
    keeps its choice (keep_coded_choices). Returns the key."""
    st.session_state.setdefault(CODED_WIDGETS, set()).add(key)
    return key


def keep_coded_choices() -> None:
    """In the language toggle's callback, before the language changes: store the codes each
    registered widget holds. The browser sends a choice back as the name it showed; read now,
    while the widget's names are still the old language's, it is its code again. Left to the
    next run, the old name was looked up among the new language's names, not found, and kept
    as if it were a code (a page's status filter then failed on it)."""
    for key in st.session_state.get(CODED_WIDGETS, ()):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def tr(key: str, **values: object) -> str:
    """Translate in the session's language."""
    return t(key, lang(), **values)


def trn(singular_key: str, plural_key: str, n: int, **values: object) -> str:
    """Translate a count with a noun in the session's language (see ui.i18n.tn)."""
    return tn(singular_key, plural_key, n, lang(), **values)


def current_user() -> dict | None:
    user = st.session_state.get("user")
    return dict(user) if user else None


def current_scope() -> Scope:
    user = current_user()
    if user is None:
        raise PermissionError("not signed in")
    return Scope.from_user(user)


def sign_in(user: dict, token: str | None = None) -> None:
    """Keep the signed-in user in the session; `token` is their server-side session (written to
    the browser's cookie by the shell so that a reload finds it)."""
    st.session_state["user"] = {
        "username": user["username"],
        "role": user["role"],
        "department_code": user.get("department_code"),
    }
    st.session_state["display_name"] = user.get("display_name", user["username"])
    st.session_state["last_seen"] = city_now()
    if token:
        st.session_state["session_token"] = token


def sign_out(because: str = "sign-out") -> None:
    """End the server-side session and forget everything of this one but the language: the user,
    open personal files, search results and filters. The shell then clears the cookie."""
    token = st.session_state.get("session_token") or session_cookie.read_token()
    if token:
        try:
            user_sessions.revoke(get_engine(database_url()), token, because)
        except SQLAlchemyError:
            _log.warning("could not revoke a session at %s", because, exc_info=True)
    for key in list(st.session_state.keys()):
        if key != "lang":
            del st.session_state[key]
    st.session_state["clear_cookie"] = True


def session_expired(now: dt.datetime | None = None) -> bool:
    """True when the user has been idle longer than SESSION_TIMEOUT; refreshes last_seen if not."""
    now = now or city_now()
    last_seen = st.session_state.get("last_seen")
    if last_seen is not None and now - last_seen > SESSION_TIMEOUT:
        return True
    st.session_state["last_seen"] = now
    return False


def filters() -> dict:
    """The global filters chosen in the sidebar (defaults when the sidebar has not run)."""
    return st.session_state.get("filters", {"as_of": today(), "counties": ()})
