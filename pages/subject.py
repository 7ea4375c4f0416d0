"""Page: 信息主体查询报告 / A person's own report — on the person's written request, a privacy
officer makes the report the person is entitled to (opinion 二.二.3): their records displayed on
the as-of date and every lookup of them (when, which department, for what purpose, through which
channel; the clerk is withheld). Making it is a lookup written to the query log first
(services.subject_reports); the report is kept for this session only.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from services import subject_reports as sr
from ui.access import require_page
from ui.exports import to_excel
from ui.formatting import format_datetime
from ui.grid import show_table
from ui.i18n import N_
from ui.session import coded, current_scope, current_user, database_url, filters, lang, tr
from ui.tables import catalogue_names
from ui.vocabulary import POLARITY_TEXT, SEVERITY_TEXT

require_page("subject")
scope, user, url = current_scope(), current_user(), database_url()
as_of = filters()["as_of"]
language = lang()

RECORD_TEXT = {
    "category_code": N_("subject.col.category"),
    "polarity": N_("subject.col.polarity"),
    "domain_code": N_("subject.col.domain"),
    "severity": N_("subject.col.severity"),
    "decision_date": N_("subject.col.decision_date"),
    "display_until": N_("subject.col.display_until"),
    "source_dept": N_("subject.col.source_dept"),
    "record_id": N_("subject.col.record_id"),
}
LOOKUP_TEXT = {
    "queried_at": N_("subject.col.queried_at"),
    "department_code": N_("subject.col.department"),
    "purpose_code": N_("subject.col.purpose"),
    "channel": N_("subject.col.channel"),
}
CHANNEL_TEXT = {
    "DASHBOARD": N_("subject.channel.dashboard"),
    "WINDOW": N_("subject.channel.window"),
    "WEB": N_("subject.channel.web"),
    "API": N_("subject.channel.api"),
}


def _names(frame: pd.DataFrame, column: str, catalogue: str) -> pd.Series:
    mapping = catalogue_names(catalogue, language)
    return frame[column].map(lambda code: mapping.get(code, code) if code else None)


def shown_records(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.assign(
        category_code=_names(frame, "category_code", "record_categories"),
        polarity=frame["polarity"].map(lambda p: tr(POLARITY_TEXT[p]) if p else None),
        domain_code=_names(frame, "domain_code", "domains"),
        severity=frame["severity"].map(lambda s: tr(SEVERITY_TEXT[s]) if s else None),
        source_dept=_names(frame, "source_dept", "departments"),
    )
    return out[list(RECORD_TEXT)].rename(columns={k: tr(v) for k, v in RECORD_TEXT.items()})


def shown_lookups(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.assign(
        queried_at=frame["queried_at"].map(lambda t: format_datetime(t, language)),
        department_code=_names(frame, "department_code", "departments"),
        purpose_code=_names(frame, "purpose_code", "purposes"),
        channel=frame["channel"].map(lambda c: tr(CHANNEL_TEXT[c]) if c in CHANNEL_TEXT else c),
    )
    return out[list(LOOKUP_TEXT)].rename(columns={k: tr(v) for k, v in LOOKUP_TEXT.items()})


st.title(tr("page.subject"))
st.info(tr("subject.notice"), icon=":material/shield_person:")

purposes = catalogue_names("purposes", language)
with st.form("subject_request"):
    id_number = st.text_input(tr("subject.id_number"), max_chars=18, key="subject_id")
    purpose = st.selectbox(
        tr("subject.purpose"), list(sr.SUBJECT_PURPOSES), format_func=purposes.get,
        key=coded("subject_purpose"),
    )  # fmt: skip
    reference = st.text_input(
        tr("subject.reference"), max_chars=64, help=tr("subject.reference_help"),
        key="subject_ref",
    )  # fmt: skip
    made = st.form_submit_button(tr("subject.make"), type="primary", icon=":material/summarize:")
if made:
    st.session_state.pop("subject_report", None)
    if not id_number.strip():
        st.error(tr("subject.id_missing"))
    elif not reference.strip():
        st.error(tr("subject.reference_missing"))
    else:
        try:
            report = sr.make_report(url, scope, user, id_number, purpose, reference, as_of)
        except sr.UnknownSubject:
            st.error(tr("subject.unknown"))
        except sr.AuditRefused as exc:
            st.error(tr("subject.refused", reason=str(exc)))
        else:
            st.session_state["subject_report"] = {
                "report": report, "username": user["username"], "purpose": purposes[purpose],
                "reference": reference.strip(),
            }  # fmt: skip

kept = st.session_state.get("subject_report")
if kept and kept["username"] != user["username"]:
    st.session_state.pop("subject_report", None)
    kept = None
if kept:
    report: sr.SubjectReport = kept["report"]
    st.divider()
    head, close = st.columns([5, 1])
    head.subheader(f"{report.name}　{report.id_number}")
    close.button(
        tr("subject.close"), icon=":material/close:",
        on_click=lambda: st.session_state.pop("subject_report", None),
    )  # fmt: skip
    st.caption(tr("subject.logged", query_id=report.query_id, purpose=kept["purpose"],
                  reference=kept["reference"], as_of=report.as_of))  # fmt: skip
    records, lookups = shown_records(report.records), shown_lookups(report.lookups)
    a, b = st.columns(2)
    a.metric(tr("subject.records_count"), len(records))
    b.metric(tr("subject.lookups_count"), len(lookups))
    st.markdown("**" + tr("subject.records") + "**")
    if records.empty:
        st.info(tr("subject.records_none"))
    else:
        show_table(records)
    st.markdown("**" + tr("subject.lookups") + "**")
    st.caption(tr("subject.lookups_help"))
    show_table(lookups)
    st.download_button(
        tr("subject.export"),
        partial(
            to_excel,
            {tr("subject.records"): records, tr("subject.lookups"): lookups},
            title=tr("page.subject") + f" {report.name} {report.id_number}",
            subtitle=tr(
                "subject.logged",
                query_id=report.query_id,
                purpose=kept["purpose"],
                reference=kept["reference"],
                as_of=report.as_of,
            ),
        ),  # fmt: skip
        file_name=f"subject-report-{report.query_id}.xlsx",
        icon=":material/download:",
    )
