"""Page: 账号管理 / Accounts (administrators only) — every account with its role, department,
state, lockout and last sign-in; create an account, set a password, disable, enable, unlock; and
the change log of all of it. The rules (password strength, the last administrator, no disabling
oneself) live in data_access.accounts.user_admin; this page only asks and shows.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import accounts as ua
from services.accounts import ROLES
from ui.access import require_page
from ui.grid import show_table
from ui.i18n import N_
from ui.navigation import ROLE_TEXT
from ui.password_fields import new_password_inputs
from ui.session import current_scope, current_user, database_url, lang, tr, trn
from ui.tables import catalogue_names

require_page("accounts")
url, scope = database_url(), current_scope()
actor = current_user()["username"]
departments = catalogue_names("departments", lang())

st.title(tr("page.accounts"))
st.caption(tr("acc.caption"))

done = st.session_state.pop("acc_done", None)
if done is not None:
    st.success(done, icon=":material/check_circle:")


# AccountError.code -> the refusal in words
ERROR_TEXT = {
    "username_format": N_("acc.err.username_format"),
    "role": N_("acc.err.role"),
    "department_needed": N_("acc.err.department_needed"),
    "department_unknown": N_("acc.err.department_unknown"),
    "taken": N_("acc.err.taken"),
    "password_rule": N_("acc.err.password_rule"),
    "no_user": N_("acc.err.no_user"),
    "self_disable": N_("acc.err.self_disable"),
    "last_admin": N_("acc.err.last_admin"),
}
# change-log action -> its name
ACTION_TEXT = {
    "created": N_("acc.action.created"),
    "password": N_("acc.action.password"),
    "disabled": N_("acc.action.disabled"),
    "enabled": N_("acc.action.enabled"),
    "unlocked": N_("acc.action.unlocked"),
    "locked": N_("acc.action.locked"),
}


def _apply(change, message_key: str, username: str, **kwargs) -> None:
    """Make one change; a refusal is shown in the user's language, a success after the rerun."""
    try:
        change(url, scope, username, **kwargs, actor=actor)
    except ua.AccountError as exc:
        st.error(tr(ERROR_TEXT[exc.code]))
        return
    st.session_state["acc_done"] = tr(message_key, username=username)
    st.rerun()


def _when(value) -> str:
    return "" if value is None or pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d %H:%M}"


accounts = ua.accounts(url, scope)
st.markdown(trn("acc.count.one", "acc.count.other", len(accounts),
                active=int(accounts["active"].sum()), locked=int(accounts["locked"].sum())))  # fmt: skip
shown = pd.DataFrame(
    {
        tr("acc.col.username"): accounts["username"],
        tr("acc.col.display_name"): accounts["display_name"],
        tr("acc.col.role"): accounts["role"].map(lambda r: tr(ROLE_TEXT[r])),
        tr("acc.col.department"): accounts["department_code"].map(
            lambda c: departments.get(c, "") if isinstance(c, str) else ""
        ),
        tr("acc.col.state"): [
            tr("acc.locked") if locked else tr("acc.active") if active else tr("acc.disabled")
            for active, locked in zip(accounts["active"], accounts["locked"], strict=True)
        ],
        tr("acc.col.locked_until"): accounts["locked_until"].map(_when),
        tr("acc.col.failed"): accounts["failed_attempts"].fillna(0).astype(int),
        tr("acc.col.last_sign_in"): [_when(t) or tr("acc.never") for t in accounts["last_sign_in"]],
    }
)
show_table(shown, hide_index=True, width="stretch")

usernames = list(accounts["username"])
add, password, state, events = st.tabs(
    [tr("acc.tab.add"), tr("acc.tab.password"), tr("acc.tab.state"), tr("acc.tab.events")]
)
with add, st.form("acc_add", clear_on_submit=False):
    new_username = st.text_input(tr("acc.col.username"), help=tr("acc.username_help"))
    display_name = st.text_input(tr("acc.col.display_name"))
    role = st.selectbox(tr("acc.col.role"), ROLES, format_func=lambda r: tr(ROLE_TEXT[r]))
    department = st.selectbox(
        tr("acc.department"), [None, *departments],
        format_func=lambda c: tr("acc.none") if c is None else departments[c],
    )  # fmt: skip
    first, second = new_password_inputs("acc_add_pw1", "acc_add_pw2")
    if st.form_submit_button(tr("acc.create"), type="primary"):
        if first != second:
            st.error(tr("acc.err.passwords_differ"))
        else:
            _apply(lambda url, scope, u, actor: ua.add_user(
                url, scope, u, role, first, department_code=department,
                display_name=display_name or None, actor=actor),
                   N_("acc.done.created"), new_username.strip())  # fmt: skip

with password, st.form("acc_password"):
    who = st.selectbox(tr("acc.user"), usernames, key="acc_pw_user")
    first, second = new_password_inputs("acc_pw1", "acc_pw2")
    if st.form_submit_button(tr("acc.set_password"), type="primary"):
        if first != second:
            st.error(tr("acc.err.passwords_differ"))
        else:
            _apply(ua.set_password, N_("acc.done.password"), who, password=first)

with state:
    who = st.selectbox(tr("acc.user"), usernames, key="acc_state_user")
    left, middle, right = st.columns(3)
    if left.button(tr("acc.disable"), icon=":material/block:", width="stretch"):
        _apply(ua.set_active, N_("acc.done.disabled"), who, active=False)
    if middle.button(tr("acc.enable"), icon=":material/check:", width="stretch"):
        _apply(ua.set_active, N_("acc.done.enabled"), who, active=True)
    if right.button(tr("acc.unlock"), icon=":material/lock_open:", width="stretch"):
        _apply(ua.unlock, N_("acc.done.unlocked"), who)

with events:
    log = ua.account_events(url, scope)
    show_table(
        pd.DataFrame(
            {
                tr("acc.col.at"): log["at"].map(_when),
                tr("acc.col.actor"): log["actor"],
                tr("acc.col.username"): log["username"],
                tr("acc.col.action"): log["action"].map(lambda a: tr(ACTION_TEXT[a])),
                tr("acc.col.detail"): log["detail"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
