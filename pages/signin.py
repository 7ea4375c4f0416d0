"""Page: 登录 / Sign in — the address /signin on the first run of a fresh server process.

Streamlit serves the `pages/` folder by itself on that run, before dashboard.py has called
st.navigation (ui.access.require_page); an address without a file here would show its English
"Page not found" dialog. This file hands over to the entry, which shows the sign-in form. On every
later run dashboard.py's own /signin page answers and this file is not used.
"""

from __future__ import annotations

import streamlit as st

from ui.session import MAIN_SCRIPT

st.switch_page(MAIN_SCRIPT)
