"""Supervision items (督办) on screen: states, sources and history actions in words, an item's
facts as a sentence with names (never codes), the items table shared by the supervision page and
the circular export, the messages for refused input, and the small form that opens an item from
a figure (reporting board, repair page, coverage page)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from data_access.queries.supervision import MAX_TEXT, SupervisionError
from ui.formatting import format_percent
from ui.grid import MISSING
from ui.i18n import N_, t
from ui.session import tr
from ui.tables import catalogue_names, item_names, unit_names
from ui.vocabulary import APPLICATION_KIND_TEXT

STATUS_TEXT = {
    "open": N_("sv.status.open"),
    "answered": N_("sv.status.answered"),
    "returned": N_("sv.status.returned"),
    "accepted": N_("sv.status.accepted"),
}
SOURCE_TEXT = {
    "delivery": N_("sv.source.delivery"),
    "repair": N_("sv.source.repair"),
    "coverage": N_("sv.source.coverage"),
}
ACTION_TEXT = {
    "open": N_("sv.action.open"),
    "answer": N_("sv.action.answer"),
    "accept": N_("sv.action.accept"),
    "return": N_("sv.action.return"),
}
# the action the office asks for, proposed when an item is opened from a figure
DEFAULT_ACTION = {
    "delivery": N_("sv.default_action.delivery"),
    "repair": N_("sv.default_action.repair"),
    "coverage": N_("sv.default_action.coverage"),
}
# SupervisionError.code -> the message an official reads
ERROR_TEXT = {
    "empty_action": N_("sv.error.empty_action"),
    "action_too_long": N_("sv.error.too_long"),
    "reply_too_long": N_("sv.error.too_long"),
    "reason_too_long": N_("sv.error.too_long"),
    "empty_reply": N_("sv.error.empty_reply"),
    "empty_reason": N_("sv.error.empty_reason"),
    "deadline_past": N_("sv.error.deadline_past"),
    "deadline_too_far": N_("sv.error.deadline_too_far"),
    "unknown_unit": N_("sv.error.unknown_unit"),
    "unknown_source": N_("sv.error.unknown_unit"),
    "duplicate": N_("sv.error.duplicate"),
    "not_found": N_("sv.error.not_found"),
    "wrong_state": N_("sv.error.wrong_state"),
    "file_too_large": N_("sv.error.file_too_large"),
    "file_type": N_("sv.error.file_type"),
    "file_empty": N_("sv.error.file_empty"),
    "file_content": N_("sv.error.file_content"),
    "too_many_files": N_("sv.error.too_many_files"),
}
# an objection or repair application's kind and why it is overdue (as on the repair page)
KIND_TEXT = APPLICATION_KIND_TEXT
REASON_TEXT = {
    "decided_late": N_("repair.reason.decided_late"),
    "answered_late": N_("repair.reason.answered_late"),
    "pending_past_limit": N_("repair.reason.pending_past_limit"),
    "answer_past_limit": N_("repair.reason.answer_past_limit"),
}
ITEM_COLUMNS = {
    "item_id": N_("sv.col.item_id"),
    "unit": N_("col.unit"),
    "source": N_("sv.col.source"),
    "facts": N_("sv.col.facts"),
    "action_required": N_("sv.col.action_required"),
    "deadline": N_("sv.col.deadline"),
    "status": N_("sv.col.status"),
    "opened_on": N_("sv.col.opened_on"),
    "closed_on": N_("sv.col.closed_on"),
}
SUMMARY_COLUMNS = {
    "unit": N_("col.unit"),
    "open": N_("sv.col.open"),
    "answered": N_("sv.col.answered"),
    "overdue": N_("sv.col.overdue"),
    "closed": N_("sv.col.closed"),
}


def _value(value: object) -> str:
    return MISSING if value is None or value == "" else str(value)


def facts_text(source: str, facts: Mapping[str, Any], seen_on: object, language: str) -> str:
    """The figure's facts as one sentence in the language, with names for codes."""
    f = dict(facts)
    seen = _value(seen_on)
    if source == "delivery" and f.get("report") == "annual":
        return t("sv.facts.annual", language, year=_value(f.get("year")),
                 due=_value(f.get("due_date")), days=_value(f.get("days_late")), seen=seen)  # fmt: skip
    if source == "delivery":
        item = item_names(language).get(str(f.get("item_code")), _value(f.get("item_code")))
        values = {"item": item, "period": _value(f.get("period")),
                  "due": _value(f.get("due_date")), "seen": seen}  # fmt: skip
        if f.get("state") == "missing":
            return t("sv.facts.delivery_missing", language, **values)
        return t("sv.facts.delivery_late", language, submitted=_value(f.get("submitted_at")),
                 days=_value(f.get("delay_days")), **values)  # fmt: skip
    if source == "repair":
        reasons = "；".join(
            t(REASON_TEXT[r], language) for r in f.get("reasons") or () if r in REASON_TEXT
        )
        kind = f.get("kind")
        return t(
            "sv.facts.repair", language,
            kind=t(KIND_TEXT[kind], language) if kind in KIND_TEXT else MISSING,
            application=_value(f.get("application_id")), received=_value(f.get("received_at")),
            decision_deadline=_value(f.get("decision_deadline")),
            answer_deadline=_value(f.get("answer_deadline")), reasons=reasons or MISSING,
            seen=seen,
        )  # fmt: skip
    if source == "coverage":
        professions = catalogue_names("professions", language)
        counties = catalogue_names("counties", language)
        coverage = f.get("coverage")
        return t(
            "sv.facts.coverage", language,
            profession=professions.get(str(f.get("profession_code")), MISSING),
            county=counties.get(str(f.get("county_code")), MISSING),
            coverage=MISSING if coverage is None else format_percent(float(coverage), language),
            with_file=_value(f.get("with_file")), current=_value(f.get("current")),
            target=format_percent(float(f.get("target") or 0), language),
            gap=_value(f.get("gap")), seen=seen,
        )  # fmt: skip
    return MISSING


def status_text(status: str, overdue: bool, days_overdue: int, language: str) -> str:
    """The state in words; an overdue item says by how many days."""
    text = t(STATUS_TEXT[status], language)
    if overdue:
        return t("sv.status_overdue", language, status=text, days=days_overdue)
    return text


def items_table(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """The items as an official reads them: names, states and facts in words, dates as dates."""
    units = unit_names(language)
    out = pd.DataFrame({
        "item_id": frame["item_id"].astype(int),
        "unit": frame["unit_code"].map(lambda c: units.get(c, c)),
        "source": frame["source"].map(lambda s: t(SOURCE_TEXT[s], language)),
        "facts": [facts_text(s, f, seen, language) for s, f, seen in
                  zip(frame["source"], frame["facts"], frame["seen_on"], strict=True)],
        "action_required": frame["action_required"],
        "deadline": frame["deadline"].map(_value),
        "status": [status_text(s, o, d, language) for s, o, d in
                   zip(frame["status"], frame["overdue"], frame["days_overdue"], strict=True)],
        "opened_on": pd.to_datetime(frame["opened_at"]).dt.date.map(_value),
        "closed_on": [_value(None if pd.isna(c) else pd.Timestamp(c).date())
                      for c in frame["closed_at"]],
    })  # fmt: skip
    return out.rename(columns={c: t(k, language) for c, k in ITEM_COLUMNS.items()})


def summary_table(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Open, answered, overdue and closed items per unit, by name."""
    units = unit_names(language)
    out = frame.assign(unit=frame["unit_code"].map(lambda c: units.get(c, c)))[
        list(SUMMARY_COLUMNS)
    ]
    return out.rename(columns={c: t(k, language) for c, k in SUMMARY_COLUMNS.items()})


def error_text(error: SupervisionError) -> str:
    key = ERROR_TEXT.get(error.code)
    if key is None:
        return tr("sv.error.other")
    values = dict(error.values)
    if "status" in values:
        values["status"] = tr(STATUS_TEXT[str(values["status"])])
    return tr(key, **values)


def hide_input_hints() -> None:
    """Streamlit writes "Press Ctrl+Enter to submit form" in English under a text area in a form;
    an official reads Chinese: the hint is hidden (the button says what to do)."""
    st.html('<style>[data-testid="InputInstructions"]{display:none}</style>')


def open_form(
    key: str,
    source: str,
    unit_name: str,
    facts_line: str,
    existing: int | None,
    today: dt.date,
    opener: Callable[[dt.date, str], int],
) -> None:
    """The office's form under a figure row: the facts copied, a deadline, the action required,
    one button. A row that already has an item not yet accepted names it instead."""
    with st.container(border=True):
        st.markdown("**" + tr("sv.open.title", unit=unit_name) + "**")
        st.caption(facts_line)
        if existing is not None:
            st.info(tr("sv.open.exists", item=existing), icon=":material/assignment_turned_in:")
            return
        hide_input_hints()
        with st.form(key, clear_on_submit=False, border=False):
            deadline = st.date_input(
                tr("sv.deadline"), value=today + dt.timedelta(days=15), format="YYYY-MM-DD",
                key=f"{key}_deadline", help=tr("sv.deadline_help"),
            )  # fmt: skip
            action = st.text_area(
                tr("sv.action_required"), value=tr(DEFAULT_ACTION[source]), max_chars=MAX_TEXT,
                key=f"{key}_action",
            )  # fmt: skip
            submitted = st.form_submit_button(
                tr("sv.open.submit"), type="primary", icon=":material/campaign:"
            )
        if submitted:
            try:
                number = opener(deadline, action)
            except SupervisionError as error:
                st.warning(error_text(error), icon=":material/edit_note:")
            else:
                st.success(tr("sv.open.done", item=number, unit=unit_name))
