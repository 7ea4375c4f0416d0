"""Entry of the dashboard: database check (demo build on first start), sign-in, global filters and
the role-based page list given to st.navigation. Run with `streamlit run dashboard.py`.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from data_access.engine import get_engine
from data_access.reference import read_catalogue
from data_access.status import database_state, is_embedded_default
from data_access.users import authenticate, identity_of, user_for_identity
from ui import sso
from ui.i18n import LANGUAGES, name_column
from ui.navigation import SECTIONS, pages_for_role
from ui.session import (
    current_user,
    database_url,
    lang,
    session_expired,
    sign_in,
    sign_out,
    today,
    tr,
)

st.set_page_config(page_title=tr("app.title"), page_icon=":material/verified_user:", layout="wide")


def ensure_database(url: str) -> None:
    """Stop with a clear message unless the database is ready; build the demo city on first start."""
    state = database_state(url)
    if state.state == "ready":
        return
    if state.state == "unreachable":
        st.error(tr("db.unreachable", reason=state.reason))
        st.stop()
    if not is_embedded_default(url):
        st.warning(tr("db.empty"))
        st.stop()
    from seed_data import build_city  # imported here: only the first start needs the generator

    bar = st.progress(0.0, text=tr("db.building"))

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=f"{tr('db.building')} {message}")

    build_city(get_engine(url), scale="demo", progress=progress)
    bar.empty()
    st.success(tr("db.built"))


def sign_in_form() -> None:
    url = database_url()
    st.title(tr("app.title"))
    st.caption(tr("app.subtitle"))
    if st.session_state.pop("timed_out", False):
        st.warning(tr("signin.timeout"))
    refused = st.session_state.pop("sso_refused", None)
    if refused:
        st.error(tr(f"signin.{refused}"))
        st.button(tr("signin.sso_leave"), on_click=sso.end)
    with st.form("sign_in"):
        st.subheader(tr("signin.title"))
        username = st.text_input(tr("signin.username"), key="signin_username")
        password = st.text_input(tr("signin.password"), type="password", key="signin_password")
        submitted = st.form_submit_button(tr("signin.submit"), type="primary")
    if sso.configured():
        for provider in sso.providers():
            st.button(
                tr("signin.sso", provider=provider or "OIDC"),
                icon=":material/badge:",
                on_click=sso.start,
                args=(provider,),
                key=f"sso_{provider or 'default'}",
            )
    st.caption(tr("signin.demo_hint"))
    if submitted:
        if not username.strip() or not password:
            st.error(tr("signin.missing"))
            return
        result = authenticate(get_engine(url), username.strip(), password)
        if result.user is None:
            st.error(tr(f"signin.{result.reason}"))
            return
        sign_in(result.user)
        st.rerun()


def sso_sign_in(url: str) -> None:
    """Sign in the OIDC identity that came back from st.login, when it is linked to a user."""
    claims = sso.claims()
    if claims is None:
        return
    result = user_for_identity(get_engine(url), identity_of(claims))
    if result.user is None:
        st.session_state["sso_refused"] = result.reason
        return
    sign_in(result.user)
    st.session_state["signed_in_with_sso"] = True


def leave() -> None:
    """Sign out; a single-sign-on session also loses its identity cookie."""
    with_sso = st.session_state.get("signed_in_with_sso", False)
    sign_out()
    if with_sso:
        sso.end()


def sidebar(user: dict) -> None:
    with st.sidebar:
        st.markdown(f"**{tr('app.title')}**")
        st.caption(
            f"{tr('signed_in_as')}: {st.session_state.get('display_name', user['username'])}"
            f" · {tr('role.' + user['role'])}"
        )
        st.button(tr("signout"), icon=":material/logout:", width="stretch", on_click=leave)
        st.radio(
            tr("filters.language"),
            LANGUAGES,
            format_func=lambda code: "中文" if code == "zh" else "English",
            horizontal=True,
            key="lang",
        )
        st.divider()
        st.markdown(f"**{tr('filters.header')}**")
        as_of = st.date_input(
            tr("filters.as_of"),
            value=today(),
            min_value=dt.date(2018, 1, 1),
            max_value=today(),
            key="filter_as_of",
        )
        counties = {r["code"]: r[name_column(lang())] for r in read_catalogue("counties")}
        chosen = st.multiselect(
            tr("filters.counties"),
            list(counties),
            format_func=lambda code: counties[code],
            help=tr("filters.counties_help"),
            placeholder=tr("filters.whole_city"),
            key="filter_counties",
        )
        st.session_state["filters"] = {"as_of": as_of, "counties": tuple(chosen)}


def navigation(user: dict) -> tuple[StreamlitPage, dict[str, list[StreamlitPage]]]:
    """Register only the role's pages. The menu is drawn by `menu` (Streamlit's own menus are
    switched off in .streamlit/config.toml so that no page list shows before sign-in)."""
    sections: dict[str, list[StreamlitPage]] = {}
    for spec in pages_for_role(user["role"]):
        page = st.Page(spec.path, title=tr(f"page.{spec.key}"), icon=spec.icon, url_path=spec.key)
        sections.setdefault(tr(f"nav.{spec.section}"), []).append(page)
    ordered = {
        tr(f"nav.{s}"): sections[tr(f"nav.{s}")] for s in SECTIONS if tr(f"nav.{s}") in sections
    }
    return st.navigation(ordered, position="hidden"), ordered


def menu(sections: dict[str, list[StreamlitPage]]) -> None:
    with st.sidebar:
        for section, pages in sections.items():
            st.caption(section)
            for page in pages:
                st.page_link(page)
        st.divider()


def main() -> None:
    st.session_state.setdefault("lang", "zh")
    url = database_url()
    ensure_database(url)
    user = current_user()
    if user is not None and session_expired():
        with_sso = st.session_state.get("signed_in_with_sso", False)
        sign_out()
        st.session_state["timed_out"] = True
        if with_sso:
            sso.end()
        user = None
    if user is None and not st.session_state.get("timed_out"):
        sso_sign_in(url)
        user = current_user()
    if user is None:
        # Only the sign-in page is registered: no page address resolves before sign-in.
        st.navigation(
            [st.Page(sign_in_form, title=tr("signin.title"), icon=":material/login:")],
            position="hidden",
        ).run()
        return
    if not pages_for_role(user.get("role", "")):
        sign_out()
        st.error(tr("signin.bad_credentials"))
        st.stop()
    current, sections = navigation(user)
    menu(sections)
    sidebar(user)
    current.run()


main()
