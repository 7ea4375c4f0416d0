"""Page: 督办事项 / Supervision — the items the leading-group office opened from the figures: the
department head answers with evidence, the office accepts (closes) or returns them."""

from __future__ import annotations

import streamlit as st

from services import supervision
from services.supervision import (
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    MAX_TEXT,
    SUPERVISION_STATUSES,
    SupervisionError,
)
from ui.access import require_page, scope_text
from ui.formatting import format_datetime, format_number
from ui.grid import show_table
from ui.i18n import N_
from ui.session import coded, current_scope, current_user, database_url, lang, today, tr
from ui.supervision import (
    ACTION_TEXT,
    ITEM_COLUMNS,
    SOURCE_TEXT,
    STATUS_TEXT,
    error_text,
    facts_text,
    hide_input_hints,
    items_table,
    status_text,
    summary_table,
)
from ui.tables import unit_names
from ui.uploader import translated_uploader_style

require_page("supervision")
url, scope, language = database_url(), current_scope(), lang()
username = (current_user() or {})["username"]
day = today()
names = unit_names(language)
LIMIT_MB = MAX_EVIDENCE_BYTES // (1024 * 1024)
# on screen the short columns first and the facts last (the export has every column)
SCREEN_COLUMNS = [ITEM_COLUMNS[c] for c in ("item_id", "unit", "status", "deadline", "source",
                                             "facts")]  # fmt: skip
HISTORY_TEXT = {
    "at": N_("sv.col.at"),
    "display_name": N_("sv.col.username"),
    "action": N_("sv.col.action"),
    "to_status": N_("sv.col.to_status"),
    "note": N_("sv.col.note"),
}
EVIDENCE_TEXT = {
    "file_name": N_("sv.col.file_name"),
    "file_bytes": N_("sv.col.file_bytes"),
    "sha256": N_("sv.col.sha256"),
}

st.title(tr("page.supervision"))
hide_input_hints()
st.caption(tr("sv.caption", scope=scope_text(), today=day.isoformat()))
if flash := st.session_state.pop("sv_flash", None):
    st.success(flash, icon=":material/check_circle:")

counts = supervision.totals(url, scope, day)
for column, (key, help_key) in zip(
    st.columns(4),
    (("open", N_("sv.def.open")), ("answered", N_("sv.def.answered")),
     ("overdue", N_("sv.def.overdue")), ("closed", N_("sv.def.closed"))),
    strict=True,
):  # fmt: skip
    label = {"open": tr("sv.m.open"), "answered": tr("sv.m.answered"),
             "overdue": tr("sv.m.overdue"), "closed": tr("sv.m.closed")}[key]  # fmt: skip
    column.metric(label, format_number(counts[key], language), help=tr(help_key))

if scope.sees_all_departments:
    per_unit = supervision.per_unit(url, scope, day)
    if not per_unit.empty:
        with st.expander(tr("sv.per_unit"), expanded=False):
            show_table(summary_table(per_unit, language))

status_labels = {s: tr(STATUS_TEXT[s]) for s in SUPERVISION_STATUSES}
chosen_states = st.multiselect(
    tr("sv.filter_status"), list(SUPERVISION_STATUSES), default=["open", "answered", "returned"],
    format_func=status_labels.get, key=coded("sv_states"),
)  # fmt: skip
frame = supervision.items(url, scope, day, tuple(chosen_states))
if frame.empty:
    st.info(tr("sv.none_in_filter") if counts["total"] else tr("sv.none"), icon=":material/inbox:")
    if scope.may_read("supervision_office"):
        st.caption(tr("sv.how_to_open"))
    st.stop()

show_table(items_table(frame, language)[[tr(k) for k in SCREEN_COLUMNS]])

item_labels = {
    int(row.item_id): tr(
        "sv.item_label", item=int(row.item_id), unit=names.get(row.unit_code, row.unit_code),
        source=tr(SOURCE_TEXT[row.source]), deadline=row.deadline.isoformat(),
    )  # the state is in the table and the detail: a label that never changes under the user
    for row in frame.itertuples(index=False)
}  # fmt: skip
chosen = st.selectbox(
    tr("sv.choose"), list(item_labels), format_func=item_labels.get, key=coded("sv_item")
)
detail = supervision.item(url, scope, int(chosen), day) if chosen is not None else None
if detail is None:
    st.stop()

steps = supervision.history(url, scope, int(chosen))
opener = steps[steps["action"] == "open"]["display_name"]
with st.container(border=True):
    st.markdown(
        "**" + tr("sv.detail_title", item=detail["item_id"],
                  unit=names.get(detail["unit_code"], detail["unit_code"])) + "**"
    )  # fmt: skip
    st.markdown(tr("sv.detail.facts", source=tr(SOURCE_TEXT[detail["source"]]),
                   facts=facts_text(detail["source"], detail["facts"], detail["seen_on"],
                                    language)))  # fmt: skip
    st.markdown(tr("sv.detail.action", action=detail["action_required"]))
    st.markdown(
        tr("sv.detail.deadline", deadline=detail["deadline"].isoformat(),
           status=status_text(detail["status"], detail["overdue"], detail["days_overdue"],
                              language))
    )  # fmt: skip
    st.caption(tr("sv.detail.opened", who=opener.iloc[0] if len(opener) else detail["opened_by"],
                  at=format_datetime(detail["opened_at"], language)))  # fmt: skip

returns = steps[steps["action"] == "return"]
if detail["status"] == "returned" and not returns.empty:
    st.warning(tr("sv.returned_reason", reason=returns["note"].iloc[-1]),
               icon=":material/undo:")  # fmt: skip

st.markdown("**" + tr("sv.history") + "**")
shown = steps.assign(
    at=steps["at"].map(lambda a: format_datetime(a, language)),
    action=steps["action"].map(lambda a: tr(ACTION_TEXT[a])),
    to_status=steps["to_status"].map(lambda s: tr(STATUS_TEXT[s])),
)[list(HISTORY_TEXT)]
show_table(shown.rename(columns={c: tr(k) for c, k in HISTORY_TEXT.items()}))

files = supervision.evidence(url, scope, int(chosen))
st.markdown("**" + tr("sv.evidence") + "**")
if files.empty:
    st.caption(tr("sv.evidence_none"))
else:
    listed = files.assign(file_bytes=files["file_bytes"].map(lambda n: format_number(n, language)))
    show_table(listed[list(EVIDENCE_TEXT)].rename(
        columns={c: tr(k) for c, k in EVIDENCE_TEXT.items()}))  # fmt: skip
    for row in files.itertuples(index=False):
        stored = supervision.evidence_file(url, scope, int(row.evidence_id))
        if stored is not None:
            st.download_button(
                tr("sv.evidence_download", name=stored[0]), stored[1], file_name=stored[0],
                mime="application/octet-stream", icon=":material/download:",
                key=f"sv_file_{row.evidence_id}",
            )  # fmt: skip


def done(message: str) -> None:
    st.session_state["sv_flash"] = message
    st.rerun()


if scope.may_read("supervision_reply") and detail["status"] in ("open", "returned"):
    types = "、".join(sorted(EVIDENCE_TYPES)) if language == "zh" else ", ".join(
        sorted(EVIDENCE_TYPES))  # fmt: skip
    translated_uploader_style(language, LIMIT_MB, types.upper())
    with st.form(f"sv_answer_{chosen}", clear_on_submit=False):
        st.markdown("**" + tr("sv.answer_title") + "**")
        reply = st.text_area(tr("sv.reply"), max_chars=MAX_TEXT, key=f"sv_reply_{chosen}",
                             placeholder=tr("sv.reply_placeholder"))  # fmt: skip
        uploads = st.file_uploader(
            tr("sv.files"), accept_multiple_files=True, key=f"sv_files_{chosen}",
            help=tr("sv.files_help", limit=LIMIT_MB, n=MAX_EVIDENCE_FILES, types=types),
        )  # fmt: skip
        if st.form_submit_button(tr("sv.answer_submit"), type="primary", icon=":material/send:"):
            try:
                supervision.answer(url, scope, username, int(chosen), reply,
                                   [(f.name, f.getvalue()) for f in uploads or []])  # fmt: skip
            except SupervisionError as error:
                st.warning(error_text(error), icon=":material/edit_note:")
            else:
                done(tr("sv.answered_done", item=chosen))

if scope.may_read("supervision_office") and detail["status"] == "answered":
    with st.form(f"sv_decide_{chosen}", clear_on_submit=False):
        st.markdown("**" + tr("sv.decide_title") + "**")
        note = st.text_area(tr("sv.decide_note"), max_chars=MAX_TEXT, key=f"sv_note_{chosen}",
                            help=tr("sv.decide_note_help"))  # fmt: skip
        c1, c2 = st.columns(2)
        accept = c1.form_submit_button(tr("sv.accept"), type="primary",
                                       icon=":material/task_alt:")  # fmt: skip
        send_back = c2.form_submit_button(tr("sv.return"), icon=":material/undo:")
        try:
            if accept:
                supervision.accept(url, scope, username, int(chosen), note)
                done(tr("sv.accepted_done", item=chosen))
            elif send_back:
                supervision.send_back(url, scope, username, int(chosen), note)
                done(tr("sv.returned_done", item=chosen))
        except SupervisionError as error:
            st.warning(error_text(error), icon=":material/edit_note:")
