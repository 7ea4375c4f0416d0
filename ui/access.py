"""Access to a page: the role check behind st.navigation, and the user's data scope in words."""

from __future__ import annotations

import streamlit as st

from ui.navigation import page_spec
from ui.session import MAIN_SCRIPT, current_scope, current_user, lang, tr
from ui.tables import catalogue_names


def require_page(key: str) -> None:
    """Run the page only for a signed-in role that may open it (defence behind st.navigation).

    Streamlit serves a `pages/` folder by itself on the first run of a fresh server process, before
    dashboard.py has called st.navigation; a visitor who is not signed in (or whose session the
    entry has not resumed yet) is sent to the entry, which signs in and comes back here.
    """
    if current_user() is None:
        st.session_state["wanted_address"] = key
        st.switch_page(MAIN_SCRIPT)
    if current_scope().role not in page_spec(key).roles:
        st.error(tr("access.denied"))
        st.stop()


def scope_text() -> str:
    scope = current_scope()
    if scope.sees_all_departments:
        return tr("scope.all")
    if scope.role == "privacy_officer":
        return tr("scope.privacy")
    names = catalogue_names("departments", lang())
    return tr("scope.department", dept=names.get(scope.department_code or "", "?"))
