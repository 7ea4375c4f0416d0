"""Page: 消息 / Inbox (every role) — the signed-in user's messages (the digests of what needs
them, newest first) with the unread count, marking read, what became of each e-mail and DingTalk
send, and the user's digest settings: how often, the language, the e-mail address, DingTalk."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import notices
from services.notices import FREQUENCIES, NOTICE_LANGUAGES, NoticeError
from ui.access import require_page
from ui.formatting import format_datetime, format_number
from ui.i18n import N_
from ui.session import coded, current_scope, current_user, database_url, lang, tr

require_page("inbox")
url, scope, language = database_url(), current_scope(), lang()
username = (current_user() or {})["username"]
SHOWN = 50  # messages listed; older ones stay in the database

FREQUENCY_TEXT = {
    "daily": N_("inbox.freq.daily"),
    "weekly": N_("inbox.freq.weekly"),
    "off": N_("inbox.freq.off"),
}
LANGUAGE_TEXT = {"zh": N_("inbox.lang.zh"), "en": N_("inbox.lang.en")}
CHANNEL_TEXT = {"email": N_("inbox.channel.email"), "dingtalk": N_("inbox.channel.dingtalk")}
ERROR_TEXT = {
    "frequency": N_("inbox.err.frequency"),
    "language": N_("inbox.err.language"),
    "email": N_("inbox.err.email"),
    "unknown_user": N_("inbox.err.unknown_user"),
}

st.title(tr("page.inbox"))
st.caption(tr("inbox.caption"))
if flash := st.session_state.pop("inbox_flash", None):
    st.success(flash, icon=":material/check_circle:")

unread = notices.unread(url, scope, username)
left, right = st.columns([1, 2], vertical_alignment="bottom")
left.metric(tr("inbox.unread"), format_number(unread, language))
if unread and right.button(tr("inbox.mark_all"), icon=":material/done_all:", key="inbox_all"):
    done = notices.mark_read(url, scope, username)
    st.session_state["inbox_flash"] = tr("inbox.marked", n=done)
    st.rerun()

# ----------------------------------------------------------------------------- the messages

found = notices.messages(url, scope, username)
sends = notices.deliveries(url, scope, username)
if found.empty:
    st.info(tr("inbox.none"), icon=":material/inbox:")
for number, row in enumerate(found.head(SHOWN).to_dict("records")):
    is_unread = pd.isna(row["read_at"])
    state = tr("inbox.state.unread") if is_unread else tr("inbox.state.read")
    when = format_datetime(row["created_at"], language)
    icon = ":material/mark_email_unread:" if is_unread else ":material/drafts:"
    # the newest message open when it is unread: what the user came for
    with st.expander(f"{state} · {when} · {row['subject']}", icon=icon,
                     expanded=number == 0 and is_unread):  # fmt: skip
        st.markdown(row["body"])
        for send in sends[sends["message_id"] == row["message_id"]].to_dict("records"):
            channel = tr(CHANNEL_TEXT[send["channel"]])
            if send["status"] == "sent":
                st.caption(tr("inbox.sent", channel=channel))
            else:
                st.caption(tr("inbox.failed", channel=channel, reason=send["detail"] or "—"))
        if is_unread and st.button(
            tr("inbox.mark_one"), key=f"inbox_read_{row['message_id']}", icon=":material/done:"
        ):
            notices.mark_read(url, scope, username, [int(row["message_id"])])
            st.session_state["inbox_flash"] = tr("inbox.marked", n=1)
            st.rerun()
if len(found) > SHOWN:
    st.caption(tr("inbox.older", n=len(found) - SHOWN))

# ----------------------------------------------------------------------------- the settings

st.subheader(tr("inbox.settings"))
st.caption(tr("inbox.settings.help"))
current = notices.subscription(url, scope, username)
with st.form("inbox_settings"):
    frequency = st.radio(
        tr("inbox.frequency"), list(FREQUENCIES), index=list(FREQUENCIES).index(current["frequency"]),
        format_func=lambda f: tr(FREQUENCY_TEXT[f]), horizontal=True, key=coded("inbox_frequency"),
    )  # fmt: skip
    chosen_language = st.radio(
        tr("inbox.language"), list(NOTICE_LANGUAGES),
        index=list(NOTICE_LANGUAGES).index(current["language"]),
        format_func=lambda code: tr(LANGUAGE_TEXT[code]), horizontal=True, key=coded("inbox_language"),
    )  # fmt: skip
    email = st.text_input(
        tr("inbox.email"), value=current["email"] or "", max_chars=254, key="inbox_email",
        help=tr("inbox.email.help"),
    )  # fmt: skip
    dingtalk = st.checkbox(tr("inbox.dingtalk"), value=bool(current["dingtalk"]),
                           key="inbox_dingtalk", help=tr("inbox.dingtalk.help"))  # fmt: skip
    saved = st.form_submit_button(tr("inbox.save"), icon=":material/save:")
if saved:
    try:
        notices.save_subscription(url, scope, username, frequency, chosen_language, email,
                                  dingtalk)  # fmt: skip
    except NoticeError as exc:
        st.warning(tr(ERROR_TEXT[exc.code]), icon=":material/error:")
    else:
        st.session_state["inbox_flash"] = tr("inbox.saved")
        st.rerun()
