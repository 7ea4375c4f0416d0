"""Page: 个人信用档案 / Personal credit file — search (masked), then open with a lawful purpose.

Every opening is a lookup written to the query log before anything is shown
(services.person_files); the file is kept only for this session, the same as-of date and the
same user, and is closed by the button, by sign-out or by a new search.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from services import person_files as pf
from services.person_files import AuditRefused
from services.reference import read_catalogue
from ui.access import require_page
from ui.exports import to_excel
from ui.grid import show_table
from ui.i18n import N_
from ui.lists import show_ledger
from ui.session import current_scope, current_user, database_url, filters, lang, today, tr, trn
from ui.tables import catalogue_names
from ui.vocabulary import APPLICATION_KIND_TEXT, OUTCOME_TEXT, POLARITY_TEXT, SEVERITY_TEXT

require_page("person")
scope = current_scope()
user = current_user()
url = database_url()
as_of = filters()["as_of"]
counties = filters()["counties"]
language = lang()


def _coded(frame: pd.DataFrame, column: str, catalogue: str) -> pd.Series:
    mapping = catalogue_names(catalogue, language)
    return frame[column].map(lambda code: mapping.get(code, code) if code else "")


# column -> its header
COLUMN_TEXT = {
    "record_id": N_("pf.col.record_id"),
    "category_code": N_("pf.col.category_code"),
    "polarity": N_("pf.col.polarity"),
    "domain_code": N_("pf.col.domain_code"),
    "severity": N_("pf.col.severity"),
    "level": N_("pf.col.level"),
    "quantity": N_("pf.col.quantity"),
    "decision_date": N_("pf.col.decision_date"),
    "display_until": N_("pf.col.display_until"),
    "display_state": N_("pf.col.display_state"),
    "source_dept": N_("pf.col.source_dept"),
    "title": N_("pf.col.title"),
    "profession_code": N_("pf.col.profession_code"),
    "licence_no": N_("pf.col.licence_no"),
    "valid_from": N_("pf.col.valid_from"),
    "valid_to": N_("pf.col.valid_to"),
    "current": N_("pf.col.current"),
    "application_id": N_("pf.col.application_id"),
    "kind": N_("pf.col.kind"),
    "handling_dept": N_("pf.col.handling_dept"),
    "filed_at": N_("pf.col.filed_at"),
    "received_at": N_("pf.col.received_at"),
    "decided_at": N_("pf.col.decided_at"),
    "answered_at": N_("pf.col.answered_at"),
    "outcome": N_("pf.col.outcome"),
}
# code -> its name, in the coded columns of the file
GENDER_TEXT = {
    "M": N_("pf.gender.M"),
    "F": N_("pf.gender.F"),
}
STATE_TEXT = {
    "displayed": N_("pf.state.displayed"),
    "ending_soon": N_("pf.state.ending_soon"),
    "objection": N_("pf.state.objection"),
}
CURRENT_TEXT = {
    True: N_("pf.current.True"),
    False: N_("pf.current.False"),
}


def _translated(frame: pd.DataFrame, column: str, texts: dict) -> pd.Series:
    return frame[column].map(lambda code: "" if code is None or pd.isna(code) else tr(texts[code]))


def _headed(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame[columns].rename(columns={c: tr(COLUMN_TEXT[c]) for c in columns})


def display_records(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.assign(
        category_code=_coded(frame, "category_code", "record_categories"),
        domain_code=_coded(frame, "domain_code", "domains"),
        source_dept=_coded(frame, "source_dept", "departments"),
        polarity=_translated(frame, "polarity", POLARITY_TEXT),
        severity=_translated(frame, "severity", SEVERITY_TEXT),
        display_state=_translated(frame, "display_state", STATE_TEXT),
    )
    return _headed(
        out,
        ["record_id", "category_code", "polarity", "domain_code", "severity", "level",
         "quantity", "decision_date", "display_until", "display_state", "source_dept", "title"],
    )  # fmt: skip


def display_roster(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.assign(
        profession_code=_coded(frame, "profession_code", "professions"),
        source_dept=_coded(frame, "source_dept", "departments"),
        current=_translated(frame, "current", CURRENT_TEXT),
    )
    return _headed(
        out, ["profession_code", "licence_no", "valid_from", "valid_to", "current", "source_dept"]
    )


def display_applications(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.assign(
        kind=_translated(frame, "kind", APPLICATION_KIND_TEXT),
        outcome=_translated(frame, "outcome", OUTCOME_TEXT),
        handling_dept=_coded(frame, "handling_dept", "departments"),
    )
    return _headed(
        out,
        ["application_id", "kind", "record_id", "handling_dept", "filed_at", "received_at",
         "decided_at", "answered_at", "outcome"],
    )  # fmt: skip


st.title(tr("page.person"))
st.info(tr("pf.notice"), icon=":material/shield_person:")
if scope.sees_all_departments:
    st.caption(tr("pf.remit.admin"))
else:
    dept_name = catalogue_names("departments", language).get(scope.department_code or "", "?")
    st.caption(tr("pf.remit.department", dept=dept_name))

# --------------------------------------------------------------------------- search (masked)
with st.form("person_search"):
    text = st.text_input(
        tr("pf.search.text"), max_chars=64, help=tr("pf.search.help"), key="pf_search_text"
    )
    searched = st.form_submit_button(tr("pf.search.submit"), icon=":material/search:")
if searched:
    st.session_state.pop("person_file", None)
    st.session_state["pf_candidates"] = pf.search(url, scope, text, counties)

candidates, more = st.session_state.get("pf_candidates", (None, False))
open_file: pf.PersonFile | None = None
if candidates is not None:
    if candidates.empty:
        st.warning(tr("pf.search.none"))
    else:
        if more:
            st.info(tr("pf.search.more", n=pf.SEARCH_LIMIT))
        county_names = catalogue_names("counties", language)
        labels = {
            i: f"{row.name_masked}　{row.id_masked}　{tr(GENDER_TEXT[row.gender or 'M'])}"
            f"　{row.birth_year or '—'}　{county_names.get(row.county_code, row.county_code)}"
            for i, row in enumerate(candidates.itertuples(index=False))
        }
        purposes = catalogue_names("purposes", language)
        needs_reference = {
            r["code"]: r["needs_authorization"] == "yes" for r in read_catalogue("purposes")
        }
        with st.form("person_open"):
            chosen = st.selectbox(tr("pf.candidate"), list(labels), format_func=labels.get)
            purpose = st.selectbox(
                tr("pf.purpose"),
                list(purposes),
                format_func=purposes.get,
                index=None,
                placeholder=tr("pf.purpose.choose"),
            )  # a deliberate choice every time, never a default
            reference = st.text_input(tr("pf.reference"), max_chars=64)
            opened = st.form_submit_button(
                tr("pf.open"), type="primary", icon=":material/lock_open:"
            )
        if opened:
            st.session_state.pop("person_file", None)
            if purpose is None:
                st.error(tr("pf.purpose.missing"))
            elif needs_reference.get(purpose) and not reference.strip():
                st.error(tr("pf.reference_needed", purpose=purposes[purpose]))
            else:
                try:
                    opened_file = pf.open_file(
                        url, scope, user, str(candidates.iloc[chosen]["id_number"]), purpose,
                        reference, as_of,
                    )  # fmt: skip
                except pf.OutsideRemit:
                    st.error(tr("pf.outside"))
                except AuditRefused as exc:
                    st.error(tr("pf.refused", reason=str(exc)))
                else:
                    st.session_state["person_file"] = {
                        "file": opened_file, "as_of": as_of, "username": user["username"],
                        "purpose": purposes[purpose], "reference": reference.strip(),
                    }  # fmt: skip

# --------------------------------------------------------------------------- the opened file
kept = st.session_state.get("person_file")
if kept and (kept["as_of"] != as_of or kept["username"] != user["username"]):
    st.session_state.pop("person_file", None)  # another date or user: open it again, logged again
    kept = None
if kept:
    file: pf.PersonFile = kept["file"]
    st.divider()
    head, close = st.columns([5, 1])
    head.subheader(f"{file.name}　{file.id_number}")
    close.button(
        tr("pf.close"),
        icon=":material/close:",
        on_click=lambda: st.session_state.pop("person_file", None),
    )
    st.caption(
        tr(
            "pf.logged",
            query_id=file.query_id,
            purpose=kept["purpose"],
            reference=kept["reference"],
        )
    )
    if file.sensitive:
        st.warning(tr("pf.sensitive"), icon=":material/visibility:")
    a, b, c = st.columns(3)
    a.metric(tr("pf.gender"), tr(GENDER_TEXT[file.gender]) if file.gender else "—")
    b.metric(tr("pf.birth"), str(file.birth_date or "—"))
    c.metric(
        tr("pf.county"),
        catalogue_names("counties", language).get(file.county_code, file.county_code),
    )

    records = display_records(file.records)
    roster = display_roster(file.roster)
    applications = display_applications(file.applications)
    tabs = st.tabs(
        [
            tr("pf.tab.records", n=len(records)),
            tr("pf.tab.roster", n=len(roster)),
            tr("pf.tab.applications", n=len(applications)),
            tr("pf.tab.ledger"),
        ]
    )
    with tabs[0]:
        st.caption(tr("pf.records.help", as_of=as_of))
        if records.empty:
            st.info(tr("pf.records.none"))
        else:
            show_table(records, hide_index=True, width="stretch")
    with tabs[1]:
        if roster.empty:
            st.info(tr("pf.roster.none"))
        else:
            show_table(roster, hide_index=True, width="stretch")
    with tabs[2]:
        if applications.empty:
            st.info(tr("pf.applications.none"))
        else:
            show_table(applications, hide_index=True, width="stretch")
    with tabs[3]:
        if not scope.may_read("points_ledgers"):
            st.info(tr("pf.ledger.admin_only"))
        elif file.ledger is None or file.ledger.empty:
            st.info(tr("pf.ledger.none"))
        else:
            st.caption(tr("pf.ledger.help", as_of=as_of))
            show_ledger(file.ledger)
    sheets = {
        tr("pf.tab.records", n=len(records)): records,
        tr("pf.tab.roster", n=len(roster)): roster,
        tr("pf.tab.applications", n=len(applications)): applications,
    }
    st.download_button(
        tr("pf.export"),
        partial(to_excel, sheets, title=tr("page.person") + f" {file.id_number} {file.query_id}"),
        file_name=f"person-file-{file.query_id}.xlsx",
        icon=":material/download:",
    )

st.caption(
    trn(
        "pf.my_views.one",
        "pf.my_views.other",
        pf.my_views(url, scope, user["username"], today()),
    )
)
