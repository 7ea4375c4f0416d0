"""The browser's session cookie: written by a tiny script after sign-in, cleared at sign-out, and
read back (st.context.cookies) when a reload, a bookmark or a shared link opens a new session.

The cookie holds a random token only (data_access.accounts.user_sessions keeps its hash, the user, and the
timeouts). It is SameSite=Strict, Secure over HTTPS, and limited to the dashboard's path; it is
readable by scripts (Streamlit cannot set an HttpOnly cookie), which is why the reverse proxy sets
a strict Content-Security-Policy (deploy/).
"""

from __future__ import annotations

import base64
import hashlib
import html

import streamlit as st

COOKIE = "zk_session"


def read_token() -> str | None:
    """The token the browser sent when this session's connection opened, if any."""
    try:
        token = st.context.cookies.get(COOKIE)
    except Exception:  # no browser (AppTest, bare mode): no cookie
        return None
    return token if isinstance(token, str) and token else None


# The script's text never changes (the values come in data- attributes, which Streamlit copies
# onto the script it runs), so the reverse proxy's Content-Security-Policy allows exactly this
# script by its hash (SCRIPT_SHA256, in deploy/nginx.conf and deploy/Caddyfile) and no other
# inline script. A test keeps the three in step.
SCRIPT_TEXT = (
    "(function(){var d=document.currentScript.dataset;"
    "var s=location.protocol==='https:'?';Secure':'';"
    "document.cookie=d.name+'='+d.value+';Path=/;Max-Age='+d.maxAge+';SameSite=Strict'+s;})();"
)
SCRIPT_SHA256 = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT_TEXT.encode()).digest()).decode()


def _script(value: str, max_age: int) -> str:
    return (
        f'<script data-name="{COOKIE}" data-value="{html.escape(value, quote=True)}" '
        f'data-max-age="{int(max_age)}">{SCRIPT_TEXT}</script>'
    )


def store_token(token: str, max_age_seconds: int) -> None:
    """Write the cookie (the script runs in the page; nothing is shown)."""
    st.html(_script(token, max_age_seconds), unsafe_allow_javascript=True, width="content")


def clear_token() -> None:
    st.html(_script("", 0), unsafe_allow_javascript=True, width="content")
