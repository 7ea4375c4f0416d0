"""Entry of the dashboard: database check (demo build on first start), sign-in (and the new
password the demo one leads to outside the demo), the session cookie that lets a reload keep the
user signed in, global filters and the role-based page list given to st.navigation.
Run with `streamlit run dashboard.py`.

Every page address is registered for everyone, so that a link or a bookmark always resolves:
before sign-in each address shows the sign-in form and, once signed in, the page itself; an
address the role may not open sends the user to their home page with a message.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from functools import partial
from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_access.accounts import user_sessions
from data_access.accounts.user_admin import (
    AccountError,
    has_active_accounts,
    password_problems,
    set_password,
)
from data_access.accounts.users import (
    DEMO_PASSWORD,
    MAX_FAILED_ATTEMPTS,
    authenticate,
    demo_accounts,
    identity_of,
    user_for_identity,
)
from data_access.engine import get_engine
from data_access.schema.reference import upgrade_schema
from data_access.status import build_embedded, database_state, is_embedded_default
from ui import session_cookie, sso, warm_up
from ui.i18n import LANGUAGES, N_
from ui.navigation import (
    PAGE_TITLES,
    PAGES,
    ROLE_TEXT,
    SECTION_TEXT,
    SECTIONS,
    PageSpec,
    pages_for_role,
)
from ui.password_fields import new_password_inputs
from ui.session import (
    coded,
    current_user,
    database_url,
    keep_coded_choices,
    lang,
    session_expired,
    sign_in,
    sign_out,
    today,
    tr,
)
from ui.tables import catalogue_names

# The tab icon is a local file: a Material icon name would be fetched from fonts.gstatic.com,
# which the proxy's Content-Security-Policy (and an office without internet) blocks.
FAVICON = str(Path(__file__).resolve().parent / "ui" / "favicon.png")
st.set_page_config(page_title=tr("app.title"), page_icon=FAVICON, layout="wide")
_log = logging.getLogger("dashboard")
_PAGE_ADDRESS = re.compile(r"[A-Za-z0-9_-]{1,64}")
PAGE_KEYS = frozenset(spec.key for spec in PAGES)
DEMO_HEADS = ("SAMR", "EDU", "HRSS")  # department heads named on the demo sign-in page
ROOT_ADDRESS = "start"  # the root page of a signed-in user: on to the role's first page
COOKIE_MAX_AGE = int(user_sessions.MAX_AGE.total_seconds())
# why a sign-in was refused (SignInResult.reason) -> the message shown
REFUSALS = {
    "bad_credentials": N_("signin.bad_credentials"),
    "locked": N_("signin.locked"),
    "sso_unlinked": N_("signin.sso_unlinked"),
}


@st.cache_resource(show_spinner=False)
def _schema_upgraded(url: str) -> list[str]:
    """Tables and columns added since the database was made (once per server process)."""
    return upgrade_schema(get_engine(url))


def ensure_database(url: str) -> None:
    """Stop with a clear message unless the database is ready; build the demo city on first start."""
    state = database_state(url)
    if state.state == "ready":
        _schema_upgraded(url)
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
        bar.progress(min(max(fraction, 0.0), 1.0), text=tr("db.building") + f" {message}")

    # built aside and moved into place when done: a tab closed mid-way leaves no half-built city
    built = build_embedded(url, lambda engine: build_city(engine, scale="demo", progress=progress))
    bar.empty()
    if built:
        st.success(tr("db.built"))


def _keep_language() -> None:
    keep_coded_choices()  # while the choices' names are still the old language's
    st.session_state["lang"] = st.session_state["lang_choice"]


def language_choice() -> None:
    """The language toggle. The choice lives in plain session state ("lang"), not in the widget's
    own: a widget's value is dropped when a run that would have drawn it is cut short (a click
    on a page link right after the toggle), which switched a session back to Chinese."""
    st.session_state["lang_choice"] = lang()
    st.radio(
        tr("filters.language"),
        LANGUAGES,
        format_func=lambda code: "中文" if code == "zh" else "English",
        horizontal=True,
        key="lang_choice",
        on_change=_keep_language,
    )


def demo_accounts_panel() -> None:
    """On the embedded demo database only: who to sign in as, and the demo password."""
    with st.expander(tr("signin.demo_title"), icon=":material/info:", expanded=True):
        st.markdown(tr("signin.demo_password", password=DEMO_PASSWORD))
        departments = catalogue_names("departments", lang())
        lines = [
            tr("signin.demo_account", username=a["username"], role=tr(ROLE_TEXT[a["role"]]))
            if a["role"] != "department_head"
            else tr("signin.demo_head", username=a["username"], role=tr(ROLE_TEXT[a["role"]]),
                    department=departments.get(a["department_code"], a["department_code"]))
            for a in demo_accounts()
            if a["role"] != "department_head" or a["department_code"] in DEMO_HEADS
        ]  # fmt: skip
        st.markdown("\n".join(f"- {line}" for line in lines))
        st.caption(tr("signin.demo_heads"))


def sign_in_form() -> None:
    url = database_url()
    st.title(tr("app.title"))
    st.caption(tr("app.subtitle"))
    language_choice()
    if st.session_state.pop("timed_out", False):
        st.warning(tr("signin.timeout"))
    if st.session_state.get("pending_user") is not None:
        new_password_form(url)
        return
    refused = st.session_state.pop("sso_refused", None)
    if refused:
        st.error(tr(REFUSALS[refused]))
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
    if is_embedded_default(url):
        demo_accounts_panel()
    elif not has_active_accounts(get_engine(url)):
        st.info(tr("signin.no_accounts"), icon=":material/person_add:")
    if submitted:
        if not username.strip() or not password:
            st.error(tr("signin.missing"))
            return
        engine = get_engine(url)
        result = authenticate(engine, username.strip(), password,
                              demo_password_signs_in=is_embedded_default(url))  # fmt: skip
        if result.reason == "must_change":
            st.session_state["pending_user"] = result.pending
            st.rerun()
        if result.user is None:
            # counted in this browser session, the same for every name, so that the warning
            # tells nothing about which names exist
            failures = st.session_state.setdefault("signin_failures", {})
            name = username.strip().lower()
            failures[name] = failures.get(name, 0) + 1
            st.error(tr(REFUSALS[result.reason]))
            if failures[name] == MAX_FAILED_ATTEMPTS - 1:
                st.warning(tr("signin.last_attempt"))
            return
        start_session(url, result.user)
        _continue_to_wanted_page()


def start_session(url: str, user: dict) -> None:
    """Sign in and open the server-side session whose token the browser keeps (written here at
    once, and again on every run while signed in)."""
    token = user_sessions.open_session(get_engine(url), user["username"])
    sign_in(user, token)
    session_cookie.store_token(token, COOKIE_MAX_AGE)


def new_password_form(url: str) -> None:
    """The demo password was right, but outside the demo database it only serves to set a new
    one: nothing else is shown until the user has."""
    user = st.session_state["pending_user"]
    st.warning(tr("signin.must_change", username=user["username"]))
    with st.form("new_password"):
        first, second = new_password_inputs("new_pw_1", "new_pw_2")
        submitted = st.form_submit_button(tr("signin.set_password"), type="primary")
    st.button(tr("signout"), on_click=st.session_state.pop, args=("pending_user", None))
    if not submitted:
        return
    if first != second:
        st.error(tr("signin.passwords_differ"))
        return
    if password_problems(first, user["username"]):
        st.error(tr("signin.password_weak"))
        return
    try:
        set_password(get_engine(url), user["username"], first, actor=user["username"])
    except AccountError:
        st.error(tr("signin.password_weak"))
        return
    del st.session_state["pending_user"]
    start_session(url, user)
    _continue_to_wanted_page()


def sso_sign_in(url: str) -> None:
    """Sign in the OIDC identity that came back from st.login, when it is linked to a user."""
    claims = sso.claims()
    if claims is None:
        return
    result = user_for_identity(get_engine(url), identity_of(claims))
    if result.user is None:
        st.session_state["sso_refused"] = result.reason
        return
    start_session(url, result.user)
    st.session_state["signed_in_with_sso"] = True


def resume_session(url: str) -> None:
    """A reload, a bookmark or a shared link opens a new Streamlit session: the browser's cookie
    finds the user's server-side session, if it is still valid."""
    token = session_cookie.read_token()
    if not token:
        return
    user = user_sessions.resume(get_engine(url), token)
    if user is not None:
        sign_in(user, token)


def leave() -> None:
    """Sign out; a single-sign-on session also loses its identity cookie."""
    with_sso = st.session_state.get("signed_in_with_sso", False)
    sign_out()
    if with_sso:
        sso.end()


def sidebar(user: dict) -> None:
    with st.sidebar:
        st.markdown("**" + tr("app.title") + "**")
        role = tr(ROLE_TEXT[user["role"]])
        name = st.session_state.get("display_name") or user["username"]
        if name == role:  # a demo account named after its role: say who it is, not twice what
            name = user["username"]
        dept = user.get("department_code")
        if dept and user["role"] == "department_head":
            departments = catalogue_names("departments", lang())
            role = tr("signed_in_role_of", department=departments.get(dept, dept), role=role)
        st.caption(tr("signed_in_as", name=name, role=role))
        st.button(tr("signout"), icon=":material/logout:", width="stretch", on_click=leave)
        language_choice()
        st.divider()
        st.markdown("**" + tr("filters.header") + "**")
        as_of = st.date_input(
            tr("filters.as_of"),
            value=today(),
            min_value=dt.date(2018, 1, 1),
            max_value=today(),
            key="filter_as_of",
        )
        counties = catalogue_names("counties", lang())
        chosen = st.multiselect(
            tr("filters.counties"),
            list(counties),
            format_func=lambda code: counties[code],
            help=tr("filters.counties_help"),
            placeholder=tr("filters.whole_city"),
            key=coded("filter_counties"),
        )
        st.session_state["filters"] = {"as_of": as_of, "counties": tuple(chosen)}


def _intended_address() -> str | None:
    """The page address typed or followed (None for the root). Read from Streamlit's page
    manager; if that ever changes, unknown addresses fall back to Streamlit's own handling."""
    ctx = get_script_run_ctx()
    name = getattr(getattr(ctx, "pages_manager", None), "intended_page_name", None)
    return name if isinstance(name, str) and _PAGE_ADDRESS.fullmatch(name) else None


def _leave_page(home: StreamlitPage, address: str) -> None:
    if address != "signin":  # the sign-in address of a signed-in user is simply home
        st.session_state["nav_refused"] = address
    st.switch_page(home)


def _continue_to_wanted_page() -> None:
    """After sign-in, go on to the address the user came for (a link or a bookmark)."""
    wanted = st.session_state.pop("wanted_address", None)
    if wanted in PAGE_KEYS:
        st.switch_page(st.Page(sign_in_form, title=tr(PAGE_TITLES[wanted]), url_path=wanted))
    st.rerun()


def _signed_out_pages() -> list[StreamlitPage]:
    """Before sign-in every address shows the sign-in form; after it, the same address the page."""
    # the default page answers the bare address; Streamlit gives a default page the address ""
    # (its own url_path typed shows "Page not found"), so /signin is a page of its own
    pages = [st.Page(sign_in_form, title=tr("signin.title"), icon=":material/login:",
                     url_path="signin_default", default=True),
             st.Page(sign_in_form, title=tr("signin.title"), url_path="signin")]  # fmt: skip
    known = {"signin"}
    for spec in PAGES:
        pages.append(st.Page(sign_in_form, title=tr(PAGE_TITLES[spec.key]), url_path=spec.key))
        known.add(spec.key)
    address = _intended_address()
    if address and address not in known:
        pages.append(st.Page(sign_in_form, title=tr("signin.title"), url_path=address))
    return pages


def navigation(user: dict) -> tuple[StreamlitPage, dict[str, list[StreamlitPage]]]:
    """Register every address: the role's pages as themselves, every other address as a way home
    with a message. The menu is drawn by `menu` from the role's pages only (Streamlit's own menus
    are switched off in .streamlit/config.toml)."""
    allowed = pages_for_role(user["role"])

    def own(spec: PageSpec) -> StreamlitPage:
        return st.Page(spec.path, title=tr(PAGE_TITLES[spec.key]), icon=spec.icon,
                       url_path=spec.key)  # fmt: skip

    sections: dict[str, list[StreamlitPage]] = {}
    pages: list[StreamlitPage] = []
    for spec in allowed:
        page = own(spec)
        pages.append(page)
        sections.setdefault(tr(SECTION_TEXT[spec.section]), []).append(page)
    home = pages[0]
    # The root address opens the role's first page under its own address: Streamlit serves its
    # default page only at "/", so a bookmark of /overview would otherwise be "not found".
    pages.insert(0, st.Page(partial(st.switch_page, home), title=tr("app.title"),
                            url_path=ROOT_ADDRESS, default=True))  # fmt: skip
    others = [spec.key for spec in PAGES if spec not in allowed] + ["signin"]
    address = _intended_address()
    if address and address not in {spec.key for spec in PAGES} | {"signin", ROOT_ADDRESS}:
        others.append(address)
    for key in others:
        pages.append(st.Page(partial(_leave_page, home, key), title=tr("app.title"), url_path=key))
    ordered = {
        tr(SECTION_TEXT[s]): sections[tr(SECTION_TEXT[s])]
        for s in SECTIONS
        if tr(SECTION_TEXT[s]) in sections
    }
    return st.navigation(pages, position="hidden"), ordered


def menu(sections: dict[str, list[StreamlitPage]]) -> None:
    with st.sidebar:
        for section, pages in sections.items():
            st.caption(section)
            for page in pages:
                st.page_link(page)
        st.divider()


def run_page(page: StreamlitPage) -> None:
    """Run the page; an unexpected error shows an incident number, never a stack trace (the
    trace goes to the server log under that number)."""
    try:
        page.run()
    except Exception:
        incident = uuid.uuid4().hex[:8].upper()
        _log.exception("incident %s on page %s", incident, page.url_path)
        st.error(tr("error.incident", incident=incident), icon=":material/error:")


def main() -> None:
    st.session_state.setdefault("lang", "zh")
    url = database_url()
    ensure_database(url)
    if st.session_state.pop("clear_cookie", False):
        session_cookie.clear_token()
    user = current_user()
    if user is not None and session_expired():
        with_sso = st.session_state.get("signed_in_with_sso", False)
        sign_out("idle")
        st.session_state["timed_out"] = True
        if with_sso:
            sso.end()
        user = None
    if user is None and not st.session_state.get("timed_out"):
        resume_session(url)
        if current_user() is None:
            sso_sign_in(url)
        user = current_user()
    if user is None:
        # a fresh process imports what the pages need while the user signs in (a signed-in
        # first run imports its own page's modules: a thread beside it would only compete)
        warm_up.start_once()
        shown = st.navigation(_signed_out_pages(), position="hidden")
        # the address asked for: as resolved, or as a page file run in Streamlit's legacy mode
        # saw it (ui.access.require_page) on the first session after a server start
        wanted = shown.url_path or st.session_state.get("wanted_address")
        st.session_state["wanted_address"] = wanted if wanted in PAGE_KEYS else None
        shown.run()
        return
    if not pages_for_role(user.get("role", "")):
        sign_out()
        st.error(tr("signin.bad_credentials"))
        st.stop()
    current, sections = navigation(user)
    wanted = st.session_state.pop("wanted_address", None)
    if wanted is not None and wanted != current.url_path:  # a reload on a fresh server
        for page in (p for pages in sections.values() for p in pages):
            if page.url_path == wanted:
                st.switch_page(page)
    token = st.session_state.get("session_token")
    if token:
        with st.sidebar:
            session_cookie.store_token(token, COOKIE_MAX_AGE)
    menu(sections)
    sidebar(user)
    refused = st.session_state.pop("nav_refused", None)
    if refused is not None:
        st.warning(tr("nav.refused"), icon=":material/block:")
    run_page(current)


main()
