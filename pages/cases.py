"""Page: 隐私案件 / Privacy cases — the privacy officers' investigations of one operator's alerts:
the case list (state, assignee, operator, alerts, days open, deadline, repeat flag), ageing and
outcomes, one case's alerts, history and evidence, its transitions, the case file export and
(administrators) lifting a suspension."""

from __future__ import annotations

from functools import partial

import plotly.express as px
import streamlit as st

from services import cases
from services.cases import (
    AGE_BUCKETS,
    CASE_OUTCOMES,
    CASE_STATES,
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    MAX_TEXT,
    REFERRAL_OUTCOMES,
    TRANSITIONS,
    CaseError,
)
from ui.access import require_page
from ui.cases import (
    BUCKET_TEXT,
    access_text,
    alerts_table,
    case_workbook,
    cases_table,
    deadline_colours,
    deadline_state,
    error_text,
    evidence_table,
    history_table,
    operator_text,
    outcome_text,
    repeat_text,
    status_text,
)
from ui.charts import whole_counts
from ui.formatting import format_number
from ui.grid import show_table
from ui.markdown import escape_markdown
from ui.session import coded, current_scope, current_user, database_url, lang, today, tr
from ui.supervision import hide_input_hints
from ui.tables import catalogue_names
from ui.uploader import translated_uploader_style

require_page("cases")
url, scope, language = database_url(), current_scope(), lang()
username = (current_user() or {})["username"]
day = today()
dept_names = catalogue_names("departments", language)
LIMIT_MB = MAX_EVIDENCE_BYTES // (1024 * 1024)

st.title(tr("page.cases"))
hide_input_hints()
st.caption(tr("cs.caption"))
if flash := st.session_state.pop("cs_flash", None):
    st.success(flash, icon=":material/check_circle:")

everything = cases.cases(url, scope, day)
active = everything[~everything["status"].isin(("confirmed", "dismissed", "referred"))]
m1, m2, m3, m4 = st.columns(4)
m1.metric(tr("cs.m.active"), format_number(len(active), language))
m2.metric(tr("cs.m.overdue"), format_number(int(active["overdue"].sum()), language))
m3.metric(tr("cs.m.closed"), format_number(len(everything) - len(active), language))
m4.metric(tr("cs.m.repeat"), format_number(
    everything.loc[everything["repeat"].astype(bool), "operator_id"].nunique(), language))  # fmt: skip

if everything.empty:
    st.info(tr("cs.none"), icon=":material/inbox:")
    st.stop()

c1, c2 = st.columns(2)
age = cases.ageing(url, scope, day)
age["bucket"] = [tr(BUCKET_TEXT[b]) for b in age["bucket"]]
ageing_chart = px.bar(age, x="bucket", y="cases", title=tr("cs.ageing"),
                      category_orders={"bucket": [tr(BUCKET_TEXT[b]) for b in AGE_BUCKETS]},
                      labels={"bucket": tr("cs.ageing.axis"), "cases": tr("cs.cases_axis")})  # fmt: skip
c1.plotly_chart(whole_counts(ageing_chart).update_layout(height=300), width="stretch")
closed = cases.outcomes_per_month(url, scope)
if closed.empty:
    c2.caption(tr("cs.outcomes_none"))
else:
    closed["result"] = [outcome_text(o, language) if o else status_text(s, language)
                        for s, o in zip(closed["status"], closed["outcome"], strict=True)]  # fmt: skip
    outcome_chart = px.bar(closed, x="month", y="cases", color="result", title=tr("cs.outcomes"),
                           labels={"month": tr("cs.month"), "cases": tr("cs.cases_axis"),
                                   "result": tr("cs.col.outcome")})  # fmt: skip
    outcome_chart.update_xaxes(type="category")
    c2.plotly_chart(whole_counts(outcome_chart).update_layout(height=300), width="stretch")

chosen_states = st.multiselect(
    tr("cs.filter_status"), list(CASE_STATES), default=["open", "investigating"],
    format_func=lambda s: status_text(s, language), key=coded("cs_states"),
)  # fmt: skip
frame = everything[everything["status"].isin(chosen_states)] if chosen_states else everything
if frame.empty:
    st.info(tr("cs.none_in_filter"), icon=":material/filter_alt:")
    st.stop()
shown = cases_table(frame, dept_names, language)
show_table(shown, colours=deadline_colours(shown, language))

labels = {
    int(r["case_id"]): tr("cs.case_label", case=int(r["case_id"]),
                          operator=operator_text(r["operator_name"], r["operator_id"], language))
    for r in frame.to_dict("records")
}  # fmt: skip
chosen = st.selectbox(tr("cs.choose"), list(labels), format_func=labels.get, key=coded("cs_case"))
detail = cases.case_detail(url, scope, int(chosen), day) if chosen is not None else None
if detail is None:
    st.stop()
case_id = int(detail["case_id"])

with st.container(border=True):
    st.markdown("**" + tr("cs.detail_title", case=case_id,
                          operator=operator_text(detail["operator_name"], detail["operator_id"],
                                                 language),
                          department=dept_names.get(detail["department_code"], "—")) + "**")  # fmt: skip
    st.markdown(tr("cs.detail.state", status=status_text(detail["status"], language),
                   outcome=outcome_text(detail["outcome"], language),
                   assignee=detail["assignee_name"], deadline=detail["deadline"].isoformat(),
                   deadline_state=deadline_state(detail, language),
                   days=int(detail["days_open"])))  # fmt: skip
    if detail.get("summary"):
        st.markdown(tr("cs.detail.summary", summary=escape_markdown(str(detail["summary"]))))
    st.markdown(tr("cs.detail.access", access=access_text(detail, language)))
if detail["repeat"]:
    st.warning(tr("cs.detail.repeat", repeat=repeat_text(detail, language)),
               icon=":material/replay:")  # fmt: skip

alerts = cases.case_alerts(url, scope, case_id)
steps = cases.history(url, scope, case_id)
files = cases.evidence(url, scope, case_id)

st.markdown("**" + tr("cs.alerts") + "**")
show_table(alerts_table(alerts, language),
           column_config={tr("cs.col.reasons"): st.column_config.TextColumn(width="large")})  # fmt: skip
st.markdown("**" + tr("cs.history") + "**")
show_table(history_table(steps, language))
st.markdown("**" + tr("cs.evidence") + "**")
if files.empty:
    st.caption(tr("cs.evidence_none"))
else:
    show_table(evidence_table(files, language))
    for row in files.itertuples(index=False):
        evidence_file = cases.evidence_file(url, scope, int(row.evidence_id))
        if evidence_file is not None:
            st.download_button(
                tr("cs.evidence_download", name=evidence_file[0]), evidence_file[1],
                file_name=evidence_file[0],
                mime="application/octet-stream", icon=":material/download:",
                key=f"cs_file_{row.evidence_id}",
            )  # fmt: skip

st.download_button(
    tr("cs.export"), partial(case_workbook, detail, alerts, steps, files, dept_names, language),
    file_name=f"privacy_case_{case_id}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:", key=f"cs_export_{case_id}",
)  # fmt: skip


def done(message: str) -> None:
    st.session_state["cs_flash"] = message
    st.rerun()


allowed = TRANSITIONS.get(str(detail["status"]), ())
if not allowed:
    st.caption(tr("cs.final"))
else:
    with st.form(f"cs_move_{case_id}", clear_on_submit=False):
        st.markdown("**" + tr("cs.move_title") + "**")
        f1, f2 = st.columns(2)
        target = f1.selectbox(tr("cs.to_status"), list(allowed),
                              format_func=lambda s: status_text(s, language),
                              key=coded(f"cs_to_{case_id}"))  # fmt: skip
        outcome = f2.selectbox(
            tr("cs.outcome"), [None, *CASE_OUTCOMES],
            format_func=lambda o: tr("cs.outcome_none") if o is None else outcome_text(o, language),
            help=tr("cs.outcome_help", referral="、".join(outcome_text(o, language)
                                                         for o in REFERRAL_OUTCOMES)),
            key=f"cs_outcome_{case_id}",
        )  # fmt: skip
        note = st.text_area(tr("cs.note"), max_chars=MAX_TEXT, key=f"cs_note_{case_id}")
        summary = st.text_area(tr("cs.summary"), value=str(detail.get("summary") or ""),
                               max_chars=MAX_TEXT, key=f"cs_summary_{case_id}")  # fmt: skip
        if st.form_submit_button(tr("cs.move_submit"), type="primary", icon=":material/send:"):
            try:
                cases.move(url, scope, username, case_id, str(target), note, outcome,
                           summary if summary.strip() else None)  # fmt: skip
            except CaseError as error:
                st.warning(error_text(error, language), icon=":material/edit_note:")
            else:
                done(tr("cs.moved_done", case=case_id, status=status_text(target, language)))

types = "、".join(sorted(EVIDENCE_TYPES)) if language == "zh" else ", ".join(sorted(EVIDENCE_TYPES))
translated_uploader_style(language, LIMIT_MB, types.upper())
with st.form(f"cs_evidence_{case_id}", clear_on_submit=True):
    st.markdown("**" + tr("cs.evidence_title") + "**")
    uploads = st.file_uploader(
        tr("cs.files"), accept_multiple_files=True, key=f"cs_files_{case_id}",
        help=tr("cs.files_help", limit=LIMIT_MB, n=MAX_EVIDENCE_FILES, types=types),
    )  # fmt: skip
    evidence_note = st.text_input(tr("cs.evidence_note"), max_chars=200,
                                  key=f"cs_evidence_note_{case_id}")  # fmt: skip
    if st.form_submit_button(tr("cs.evidence_submit"), icon=":material/upload:"):
        try:
            n = cases.add_evidence(url, scope, username, case_id,
                                   [(f.name, f.getvalue()) for f in uploads or []], evidence_note)  # fmt: skip
        except CaseError as error:
            st.warning(error_text(error, language), icon=":material/edit_note:")
        else:
            done(tr("cs.evidence_done", n=n))

if scope.may_read("operator_access") and detail.get("access_status") == "suspended":
    with st.form(f"cs_lift_{case_id}", clear_on_submit=False):
        st.markdown("**" + tr("cs.lift_title") + "**")
        reason = st.text_area(tr("cs.lift_note"), max_chars=MAX_TEXT, key=f"cs_lift_note_{case_id}")
        if st.form_submit_button(tr("cs.lift_submit"), icon=":material/lock_open:"):
            try:
                at_case = cases.lift_suspension(url, scope, username, str(detail["operator_id"]),
                                                reason)  # fmt: skip
            except CaseError as error:
                st.warning(error_text(error, language), icon=":material/edit_note:")
            else:
                done(tr("cs.lift_done", operator=detail["operator_name"], case=at_case))
