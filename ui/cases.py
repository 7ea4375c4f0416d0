"""Privacy cases (隐私案件) on screen: states, outcomes and history actions in words, the case list
table (deadline state as text and colour, the repeat flag in words), the messages for refused
input, and the case file workbook (every fact, alert, step, evidence file and the suspension)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from data_access.queries.cases import CaseError
from ui.exports import to_excel
from ui.formatting import format_datetime
from ui.grid import MISSING
from ui.i18n import N_, t
from ui.session import coded, lang, tr

STATUS_TEXT = {
    "open": N_("cs.status.open"),
    "investigating": N_("cs.status.investigating"),
    "confirmed": N_("cs.status.confirmed"),
    "dismissed": N_("cs.status.dismissed"),
    "referred": N_("cs.status.referred"),
}
OUTCOME_TEXT = {
    "warning": N_("cs.outcome.warning"),
    "training": N_("cs.outcome.training"),
    "access_suspended": N_("cs.outcome.access_suspended"),
    "disciplinary_referral": N_("cs.outcome.disciplinary_referral"),
    "police_referral": N_("cs.outcome.police_referral"),
}
ACTION_TEXT = {
    "open": N_("cs.action.open"),
    "investigating": N_("cs.action.investigating"),
    "confirmed": N_("cs.action.confirmed"),
    "dismissed": N_("cs.action.dismissed"),
    "referred": N_("cs.action.referred"),
    "add_alerts": N_("cs.action.add_alerts"),
    "evidence": N_("cs.action.evidence"),
    "lift_suspension": N_("cs.action.lift_suspension"),
}
ALERT_STATUS_TEXT = {
    "open": N_("oversight.status.open"),
    "confirmed": N_("oversight.status.confirmed"),
    "dismissed": N_("oversight.status.dismissed"),
    "escalated": N_("oversight.status.escalated"),
}
BUCKET_TEXT = {
    "0-7": N_("cs.bucket.week"),
    "8-30": N_("cs.bucket.month"),
    "31-90": N_("cs.bucket.quarter"),
    "90+": N_("cs.bucket.older"),
}
ERROR_TEXT = {
    "no_alerts": N_("cs.error.no_alerts"),
    "too_many_alerts": N_("cs.error.too_many_alerts"),
    "alert_not_found": N_("cs.error.alert_not_found"),
    "alert_in_case": N_("cs.error.alert_in_case"),
    "one_operator": N_("cs.error.one_operator"),
    "operator_has_case": N_("cs.error.operator_has_case"),
    "bad_assignee": N_("cs.error.bad_assignee"),
    "deadline_past": N_("cs.error.deadline_past"),
    "deadline_too_far": N_("cs.error.deadline_too_far"),
    "too_long": N_("cs.error.too_long"),
    "empty_note": N_("cs.error.empty_note"),
    "outcome_required": N_("cs.error.outcome_required"),
    "referral_outcome_required": N_("cs.error.referral_outcome_required"),
    "outcome_not_allowed": N_("cs.error.outcome_not_allowed"),
    "wrong_transition": N_("cs.error.wrong_transition"),
    "case_closed": N_("cs.error.case_closed"),
    "not_found": N_("cs.error.not_found"),
    "not_suspended": N_("cs.error.not_suspended"),
    "no_files": N_("cs.error.no_files"),
    "file_too_large": N_("sv.error.file_too_large"),
    "file_type": N_("sv.error.file_type"),
    "file_empty": N_("sv.error.file_empty"),
    "file_content": N_("sv.error.file_content"),
    "too_many_files": N_("sv.error.too_many_files"),
}
OVERDUE_COLOUR = "#c0392b"
OK_COLOUR = "#1e7e34"


def status_text(status: object, language: str) -> str:
    key = STATUS_TEXT.get(str(status))
    return t(key, language) if key else MISSING


def outcome_text(outcome: object, language: str) -> str:
    key = OUTCOME_TEXT.get(str(outcome)) if outcome else None
    return t(key, language) if key else MISSING


def error_text(error: CaseError, language: str) -> str:
    key = ERROR_TEXT.get(error.code)
    if key is None:
        return t("cs.error.other", language)
    values = dict(error.values)
    for name in ("status", "to"):
        if name in values:
            values[name] = status_text(values[name], language)
    return t(key, language, **values)


def operator_text(name: object, operator_id: object, language: str) -> str:
    """As the oversight queue writes an operator: name (number)."""
    return f"{name}（{operator_id}）" if language == "zh" else f"{name} ({operator_id})"


def deadline_state(row: Mapping[str, Any], language: str) -> str:
    if row["status"] in ("confirmed", "dismissed", "referred"):
        return t("cs.deadline.closed", language)
    if row["overdue"]:
        return t("cs.deadline.overdue", language, days=int(row["days_overdue"]))
    return t("cs.deadline.ok", language)


def repeat_text(row: Mapping[str, Any], language: str) -> str:
    """The repeat flag in words: an earlier confirmed case, or the number of cases."""
    if not bool(row.get("repeat")):
        return MISSING
    if int(row.get("confirmed_before") or 0) > 0:
        return t("cs.repeat.confirmed", language, n=int(row["operator_cases"]))
    return t("cs.repeat.cases", language, n=int(row["operator_cases"]))


def access_text(row: Mapping[str, Any], language: str) -> str:
    if row.get("access_status") == "suspended":
        return t("cs.access.suspended", language,
                 since=format_datetime(row["access_since"], language),
                 case=int(row["access_case_id"]))  # fmt: skip
    return t("cs.access.active", language)


def cases_table(frame: pd.DataFrame, dept_names: Mapping[str, str], language: str) -> pd.DataFrame:
    """The case list as shown: names, states and the deadline in words."""
    rows = frame.to_dict("records")
    return pd.DataFrame({
        t("cs.col.case_id", language): frame["case_id"].astype(int),
        t("cs.col.status", language): [status_text(r["status"], language) for r in rows],
        t("cs.col.assignee", language): frame["assignee_name"],
        t("cs.col.operator", language): [
            operator_text(r["operator_name"], r["operator_id"], language) for r in rows],
        t("cs.col.department", language): [dept_names.get(r["department_code"], MISSING)
                                            for r in rows],
        t("cs.col.alerts", language): frame["alerts"].astype(int),
        t("cs.col.days_open", language): frame["days_open"].astype(int),
        t("cs.col.deadline", language): [r["deadline"].isoformat() for r in rows],
        t("cs.col.deadline_state", language): [deadline_state(r, language) for r in rows],
        t("cs.col.repeat", language): [repeat_text(r, language) for r in rows],
        t("cs.col.outcome", language): [outcome_text(r["outcome"], language) for r in rows],
    })  # fmt: skip


def deadline_colours(table: pd.DataFrame, language: str) -> dict[str, dict[str, str]]:
    """Colours for the deadline-state column of `cases_table` (the text says it too): red when
    overdue, green within the deadline, closed cases plain."""
    column = t("cs.col.deadline_state", language)
    ok, closed = t("cs.deadline.ok", language), t("cs.deadline.closed", language)
    colours = {v: OVERDUE_COLOUR for v in set(table.get(column, [])) if v not in (ok, closed)}
    return {column: {**colours, ok: OK_COLOUR}}


def alerts_table(alerts: pd.DataFrame, language: str) -> pd.DataFrame:
    reasons = alerts["reasons_zh" if language == "zh" else "reasons_en"]
    return pd.DataFrame({
        t("cs.col.alert_id", language): alerts["alert_id"].astype(int),
        t("cs.col.window", language): [
            f"{s:%Y-%m-%d} – {(e - dt.timedelta(seconds=1)):%Y-%m-%d}"
            for s, e in zip(alerts["window_start"], alerts["window_end"], strict=True)],
        t("cs.col.score", language): alerts["score"].astype(float).round(1),
        t("cs.col.alert_status", language): [
            t(ALERT_STATUS_TEXT[s], language) if s in ALERT_STATUS_TEXT else MISSING
            for s in alerts["status"]],
        t("cs.col.reasons", language): reasons,
    })  # fmt: skip


def history_table(steps: pd.DataFrame, language: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("cs.col.at", language): [format_datetime(a, language) for a in steps["at"]],
        t("cs.col.who", language): steps["display_name"],
        t("cs.col.action", language): [
            t(ACTION_TEXT[a], language) if a in ACTION_TEXT else a for a in steps["action"]],
        t("cs.col.from", language): [status_text(s, language) if s else MISSING
                                     for s in steps["from_status"]],
        t("cs.col.to", language): [status_text(s, language) for s in steps["to_status"]],
        t("cs.col.note", language): steps["note"],
    })  # fmt: skip


def evidence_table(files: pd.DataFrame, language: str) -> pd.DataFrame:
    return pd.DataFrame({
        t("cs.col.file_name", language): files["file_name"],
        t("cs.col.file_bytes", language): files["file_bytes"].astype(int),
        t("cs.col.sha256", language): files["sha256"],
        t("cs.col.added_by", language): files["added_by"],
        t("cs.col.added_at", language): [format_datetime(a, language) for a in files["added_at"]],
    })  # fmt: skip


def case_workbook(
    detail: Mapping[str, Any],
    alerts: pd.DataFrame,
    steps: pd.DataFrame,
    files: pd.DataFrame,
    dept_names: Mapping[str, str],
    language: str,
) -> bytes:
    """The case file: the case's facts, every alert with its reasons (both languages), every
    step, the evidence manifest (names, sizes, SHA-256, who, when) and the suspension facts."""

    def field(label: str, value: object) -> tuple[str, str]:
        return label, MISSING if value is None or value == "" else str(value)

    facts = [
        field(t("cs.col.case_id", language), int(detail["case_id"])),
        field(t("cs.col.operator", language), operator_text(detail["operator_name"], detail["operator_id"],
                                               language)),
        field(t("cs.col.department", language), dept_names.get(detail["department_code"], MISSING)),
        field(t("cs.col.status", language), status_text(detail["status"], language)),
        field(t("cs.col.outcome", language), outcome_text(detail["outcome"], language)),
        field(t("cs.col.assignee", language), detail["assignee_name"]),
        field(t("cs.col.deadline", language), detail["deadline"].isoformat()),
        field(t("cs.col.deadline_state", language), deadline_state(detail, language)),
        field(t("cs.col.opened_at", language), format_datetime(detail["opened_at"], language)),
        field(t("cs.col.closed_at", language), format_datetime(detail["closed_at"], language)
              if pd.notna(detail["closed_at"]) else None),
        field(t("cs.col.days_open", language), int(detail["days_open"])),
        field(t("cs.col.alerts", language), int(detail["alerts"])),
        field(t("cs.col.repeat", language), repeat_text(detail, language)),
        field(t("cs.col.summary", language), detail.get("summary")),
    ]  # fmt: skip
    alert_sheet = alerts_table(alerts, language).assign(**{
        t("cs.col.reasons_zh", language): alerts["reasons_zh"],
        t("cs.col.reasons_en", language): alerts["reasons_en"],
    }).drop(columns=[t("cs.col.reasons", language)])  # fmt: skip
    suspended = detail.get("access_status") == "suspended"
    suspension = pd.DataFrame([
        field(t("cs.col.access", language), access_text(detail, language)),
        field(t("cs.col.since", language), format_datetime(detail["access_since"], language)
              if suspended else None),
        field(t("cs.col.by_case", language), int(detail["access_case_id"]) if suspended else None),
    ], columns=[t("cs.col.field", language), t("cs.col.value", language)])  # fmt: skip
    return to_excel(
        {
            t("cs.sheet.facts", language): pd.DataFrame(
                facts, columns=[t("cs.col.field", language), t("cs.col.value", language)]),
            t("cs.sheet.alerts", language): alert_sheet,
            t("cs.sheet.history", language): history_table(steps, language),
            t("cs.sheet.evidence", language): evidence_table(files, language),
            t("cs.sheet.suspension", language): suspension,
        },
        title=t("cs.export.title", language, case=int(detail["case_id"])),
        subtitle=operator_text(detail["operator_name"], detail["operator_id"], language),
    )  # fmt: skip


def case_action(
    queue: pd.DataFrame,
    alert_id: int,
    existing: int | None,
    in_case: Mapping[int, int],
    assignees: pd.DataFrame,
    today: dt.date,
    opener: Callable[[Sequence[int], str, dt.date, str], int],
    adder: Callable[[int, Sequence[int]], int],
) -> None:
    """The oversight page's one action on cases: the selected alert and others of the same
    operator in the queue (none already in a case) go into a new case, or into the operator's
    case not yet closed (`existing`)."""
    operator = queue.loc[queue["alert_id"] == alert_id, "operator_id"].iloc[0]
    same = [int(a) for a in queue.loc[queue["operator_id"] == operator, "alert_id"]]
    free = [a for a in same if a not in in_case]
    with st.expander(tr("oversight.tocase.title"), icon=":material/folder_open:"):
        if alert_id in in_case:
            st.info(tr("oversight.tocase.in_case", alert=alert_id, case=in_case[alert_id]))
            return
        with st.form(f"ov_case_{alert_id}", clear_on_submit=False, border=False):
            chosen = st.multiselect(tr("oversight.tocase.alerts"), free, default=[alert_id],
                                    format_func=lambda a: f"#{a}", key=f"ov_case_alerts_{alert_id}")  # fmt: skip
            if existing is not None:
                st.caption(tr("oversight.tocase.existing", case=existing))
                submitted = st.form_submit_button(tr("oversight.tocase.add", case=existing),
                                                  type="primary", icon=":material/add:")  # fmt: skip
            else:
                names = dict(zip(assignees["username"], assignees["display_name"], strict=True))
                assignee = st.selectbox(tr("cs.col.assignee"), list(names), format_func=names.get,
                                        key=coded(f"ov_case_assignee_{alert_id}"))  # fmt: skip
                deadline = st.date_input(tr("cs.col.deadline"), value=today + dt.timedelta(days=30),
                                         format="YYYY-MM-DD", key=f"ov_case_deadline_{alert_id}")  # fmt: skip
                summary = st.text_area(tr("cs.summary"), max_chars=2000,
                                       key=f"ov_case_summary_{alert_id}")  # fmt: skip
                submitted = st.form_submit_button(tr("oversight.tocase.open"), type="primary",
                                                  icon=":material/create_new_folder:")  # fmt: skip
        if not submitted:
            return
        language = lang()
        try:
            if existing is not None:
                n = adder(existing, chosen)
                st.success(tr("oversight.tocase.added", n=n, case=existing))
            else:
                number = opener(chosen, str(assignee), deadline, summary)
                st.success(tr("oversight.tocase.opened", case=number))
        except CaseError as error:
            st.warning(error_text(error, language), icon=":material/edit_note:")
