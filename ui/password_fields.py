"""The new-password pair (typed twice, under the password rule), used by the forced change after
a demo password and by the accounts page."""

from __future__ import annotations

import streamlit as st

from ui.session import tr


def new_password_inputs(first_key: str, second_key: str) -> tuple[str, str]:
    """The two password fields and the rule below them; returns what was typed in each."""
    first = st.text_input(tr("signin.new_password"), type="password", key=first_key)
    second = st.text_input(tr("signin.new_password_again"), type="password", key=second_key)
    st.caption(tr("signin.password_rule"))
    return first, second
