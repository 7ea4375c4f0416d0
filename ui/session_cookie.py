"""The browser's session cookie: written by a tiny script after sign-in, cleared at sign-out, and
read back (st.context.cookies) when a reload, a bookmark or a shared link opens a new session.

The cookie holds a random token only (data_access.user_sessions keeps its hash, the user, and the
timeouts). It is SameSite=Strict, Secure over HTTPS, and limited to the dashboard's path; it is
readable by scripts (Streamlit cannot set an HttpOnly cookie), which is why the reverse proxy sets
a strict Content-Security-Policy (deploy/).
"""

from __future__ import annotations

import json

import streamlit as st

COOKIE = "zk_session"


def read_token() -> str | None:
    """The token the browser sent when this session's connection opened, if any."""
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no browser (AppTest, bare mode): no cookie
        return None
    return token if isinstance(token, str) and token else None


def _script(value: str, max_age: int) -> str:
    # json.dumps quotes the token safely; the token is base64url (secrets.token_urlsafe) anyway
    return (
        "<script>(function(){var s=location.protocol==='https:'?';Secure':'';"
        f"document.cookie={json.dumps(COOKIE + '=')}+{json.dumps(value)}+"
        f"';Path=/;Max-Age={int(max_age)};SameSite=Strict'+s;}})();</script>"
    )


def store_token(token: str, max_age_seconds: int) -> None:
    """Write the cookie (the script runs in the page; nothing is shown)."""
    st.html(_script(token, max_age_seconds), unsafe_allow_javascript=True, width="content")


def clear_token() -> None:
    st.html(_script("", 0), unsafe_allow_javascript=True, width="content")
