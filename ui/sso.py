"""Optional single sign-on with OpenID Connect (st.login), when `[auth]` is configured in
.streamlit/secrets.toml. The identity is mapped to a dashboard user (role and department) through
the dashboard_user_identity table; an identity with no link is refused. Password sign-in stays.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError


def configured() -> bool:
    """True when an [auth] section with a redirect URI is present in the secrets."""
    try:
        auth = st.secrets.get("auth")
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False
    return bool(auth) and "redirect_uri" in auth


def providers() -> list[str | None]:
    """Named providers ([auth.<name>] sections), or [None] for the single unnamed provider."""
    auth = st.secrets.get("auth", {})
    named = [key for key, value in auth.items() if hasattr(value, "keys")]
    return named or [None]


def _logged_in() -> dict | None:
    info = st.user.to_dict()
    return info if info.get("is_logged_in") else None


def claims() -> dict | None:
    """The signed-in OIDC identity's claims, or None when no one is signed in with OIDC."""
    return _logged_in() if configured() else None


def start(provider: str | None = None) -> None:
    st.login(provider) if provider else st.login()


def end() -> None:
    """Remove the identity cookie (only when single sign-on is in use)."""
    if configured() and _logged_in():
        st.logout()
