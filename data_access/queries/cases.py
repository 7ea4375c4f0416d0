"""Privacy cases (隐私案件): grouping one operator's alerts into a case, its transitions with the
outcome, evidence files, the operator's suspension and its lifting, and the reads (the case
list with the repeat flag, one case, its alerts, history and evidence, ageing and outcomes).

Who does what (data_access.scope.POLICY): `privacy_cases` (privacy officers and administrators,
every case) reads and works cases; `operator_access` (administrators) lifts a suspension. Every
read and write restricts its rows in SQL through the Scope (the operator's department column).

States and transitions: case_models.TRANSITIONS (open -> investigating | dismissed;
investigating -> confirmed | dismissed | referred; the last three are final). A confirmed case
takes an outcome (a referred one a referral outcome); confirmed with `access_suspended` suspends
the operator (operator.access_status) in the same transaction. Every action is one transaction
with its history row (case_event, append-only). Alerts put in a case are escalated (an
alert_event names the case, so the detector keeps them) and follow the case when it closes.
A refused input raises `CaseError` with a code (and values) the page words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, case, extract, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from data_access.clock import city_now
from data_access.queries.supervision import SupervisionError, check_evidence
from data_access.schema import models as m
from data_access.schema.case_models import (
    CASE_OUTCOMES,
    CLOSED_STATES,
    REFERRAL_OUTCOMES,
    TRANSITIONS,
    CaseAlert,
    CaseEvent,
    CaseEvidence,
    PrivacyCase,
)
from data_access.scope import Scope
from data_access.text import clean_text

C, CA, E, V = (t.__table__ for t in (PrivacyCase, CaseAlert, CaseEvent, CaseEvidence))
A, AE, OP, USER = (t.__table__ for t in (m.Alert, m.AlertEvent, m.Operator, m.DashboardUser))

MAX_TEXT = 2000  # characters of a summary or a note
MAX_DEADLINE_DAYS = 366
MAX_ALERTS = 200  # alerts added in one step
ASSIGNEE_ROLES = ("privacy_officer", "admin")
ACTIVE_STATES = ("open", "investigating")
SUSPENDED = "suspended"
AGE_BUCKETS = ("0-7", "8-30", "31-90", "90+")  # days open, of the cases not closed
# a case's closing state -> the status its alerts take
ALERT_STATUS_ON_CLOSE = {
    "confirmed": "confirmed",
    "referred": "confirmed",
    "dismissed": "dismissed",
}
CASE_COLUMNS = [
    "case_id", "operator_id", "operator_name", "department_code", "assignee", "assignee_name",
    "status", "outcome", "deadline", "opened_at", "closed_at", "alerts", "operator_cases",
    "operator_confirmed", "access_status", "access_since", "access_case_id",
]  # fmt: skip


class CaseError(ValueError):
    """An input a case action refuses: `code` names the reason, `values` fill its message."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(f"{code}: {values}" if values else code)
        self.code = code
        self.values = values


def _in_scope(scope: Scope):
    """The cases (and operators) the user may read: a condition on the operator's department."""
    return scope.department_condition("privacy_cases", OP.c.department_code)


def _text(value: str | None, empty: str | None) -> str:
    text = clean_text(value)
    if empty and not text:
        raise CaseError(empty)
    if len(text) > MAX_TEXT:
        raise CaseError("too_long", limit=MAX_TEXT)
    return text


def _alert_ids(alert_ids: Sequence[int]) -> list[int]:
    ids = sorted({int(a) for a in alert_ids})
    if not ids:
        raise CaseError("no_alerts")
    if len(ids) > MAX_ALERTS:
        raise CaseError("too_many_alerts", limit=MAX_ALERTS)
    return ids


def _check_assignee(conn: Connection, assignee: str) -> None:
    found = conn.scalar(
        select(USER.c.username).where(
            USER.c.username == assignee, USER.c.role.in_(ASSIGNEE_ROLES), USER.c.active.is_(True)
        )
    )
    if found is None:
        raise CaseError("bad_assignee")


def _check_alerts(conn: Connection, scope: Scope, ids: list[int], operator: str | None) -> str:
    """The one operator of the alerts (all found, in the scope, in no case yet)."""
    rows = conn.execute(
        select(A.c.alert_id, A.c.operator_id, CA.c.case_id)
        .select_from(A.join(OP, OP.c.operator_id == A.c.operator_id)
                     .outerjoin(CA, CA.c.alert_id == A.c.alert_id))
        .where(A.c.alert_id.in_(ids), _in_scope(scope))
    ).all()  # fmt: skip
    found = {int(r.alert_id) for r in rows}
    if missing := [a for a in ids if a not in found]:
        raise CaseError("alert_not_found", alert_id=missing[0])
    if taken := [r for r in rows if r.case_id is not None]:
        raise CaseError("alert_in_case", alert_id=int(taken[0].alert_id),
                        case_id=int(taken[0].case_id))  # fmt: skip
    operators = {str(r.operator_id) for r in rows}
    if len(operators) != 1 or (operator is not None and operators != {operator}):
        raise CaseError("one_operator")
    return operators.pop()


def _attach(conn: Connection, case_id: int, ids: list[int], username: str, at: dt.datetime):
    """case_alert rows, and the alerts escalated with a history row naming the case (so the
    detector's re-runs keep them: scoring.anomaly_store)."""
    try:
        conn.execute(insert(CA), [{"alert_id": a, "case_id": case_id, "added_by": username,
                                   "added_at": at} for a in ids])  # fmt: skip
    except IntegrityError as exc:  # added to another case meanwhile
        raise CaseError("alert_in_case", alert_id=ids[0], case_id=0) from exc
    conn.execute(update(A).where(A.c.alert_id.in_(ids), A.c.status == "open")
                 .values(status="escalated"))  # fmt: skip
    conn.execute(insert(AE), [{"alert_id": a, "at": at, "username": username,
                               "action": "escalate", "note": f"隐私案件 / privacy case #{case_id}"}
                              for a in ids])  # fmt: skip


def _event(conn: Connection, case_id: int, at: dt.datetime, username: str, action: str,
           from_status: str | None, to_status: str, note: str) -> int:  # fmt: skip
    return int(
        conn.execute(
            insert(E).values(case_id=case_id, at=at, username=username, action=action,
                             from_status=from_status, to_status=to_status, note=note)
            .returning(E.c.event_id)
        ).scalar_one()
    )  # fmt: skip


# --------------------------------------------------------------------------- writes


def open_case(
    engine: Engine,
    scope: Scope,
    username: str,
    alert_ids: Sequence[int],
    assignee: str,
    deadline: dt.date,
    summary: str,
    today: dt.date,
    now: dt.datetime | None = None,
) -> int:
    """Open a case from alerts of one operator; returns its number. Refused: no alerts, an
    unknown one, alerts of two operators, an alert already in a case, an operator with an open
    case (add the alerts to it), an assignee who is no active privacy officer or administrator,
    a deadline not after today or more than a year ahead, an overlong summary."""
    scope.require("privacy_cases")
    ids = _alert_ids(alert_ids)
    text = _text(summary, None)
    if deadline <= today:
        raise CaseError("deadline_past", today=today)
    if deadline > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
        raise CaseError("deadline_too_far", days=MAX_DEADLINE_DAYS)
    at = now or city_now()
    with engine.begin() as conn:
        _check_assignee(conn, assignee)
        operator = _check_alerts(conn, scope, ids, None)
        existing = conn.scalar(
            select(C.c.case_id).where(C.c.operator_id == operator, C.c.status.in_(ACTIVE_STATES))
        )
        if existing is not None:
            raise CaseError("operator_has_case", case_id=int(existing))
        case_id = int(
            conn.execute(
                insert(C).values(operator_id=operator, assignee=assignee, deadline=deadline,
                                 status="open", outcome=None, summary=text, opened_by=username,
                                 opened_at=at, updated_at=at, closed_at=None)
                .returning(C.c.case_id)
            ).scalar_one()
        )  # fmt: skip
        _attach(conn, case_id, ids, username, at)
        _event(conn, case_id, at, username, "open", None, "open",
               text or ", ".join(f"#{a}" for a in ids))  # fmt: skip
    return case_id


def _visible_case(conn: Connection, scope: Scope, case_id: int) -> Any:
    row = conn.execute(
        select(C.c.case_id, C.c.status, C.c.operator_id)
        .select_from(C.join(OP, OP.c.operator_id == C.c.operator_id))
        .where(C.c.case_id == case_id, _in_scope(scope))
    ).first()
    if row is None:
        raise CaseError("not_found", case_id=case_id)
    return row


def add_alerts(
    engine: Engine,
    scope: Scope,
    username: str,
    case_id: int,
    alert_ids: Sequence[int],
    now: dt.datetime | None = None,
) -> int:
    """Add alerts of the case's operator to a case not yet closed; returns how many."""
    scope.require("privacy_cases")
    ids = _alert_ids(alert_ids)
    at = now or city_now()
    with engine.begin() as conn:
        row = _visible_case(conn, scope, case_id)
        if row.status not in ACTIVE_STATES:
            raise CaseError("case_closed", status=row.status)
        _check_alerts(conn, scope, ids, str(row.operator_id))
        _attach(conn, case_id, ids, username, at)
        _event(conn, case_id, at, username, "add_alerts", row.status, row.status,
               ", ".join(f"#{a}" for a in ids))  # fmt: skip
        conn.execute(update(C).where(C.c.case_id == case_id).values(updated_at=at))
    return len(ids)


def move_case(
    engine: Engine,
    scope: Scope,
    username: str,
    case_id: int,
    to_status: str,
    note: str,
    outcome: str | None = None,
    summary: str | None = None,
    now: dt.datetime | None = None,
) -> str:
    """Move a case to `to_status` with a note (required), the outcome (confirmed: any outcome;
    referred: a referral; otherwise none) and optionally a new summary. A transition that
    TRANSITIONS does not allow is refused (`wrong_transition`). Confirmed with access_suspended
    suspends the operator from now; closing sets the case's alerts' status."""
    scope.require("privacy_cases")
    text = _text(note, "empty_note")
    new_summary = None if summary is None else _text(summary, None)
    if to_status == "confirmed" and outcome not in CASE_OUTCOMES:
        raise CaseError("outcome_required")
    if to_status == "referred" and outcome not in REFERRAL_OUTCOMES:
        raise CaseError("referral_outcome_required")
    if to_status not in ("confirmed", "referred") and outcome:
        raise CaseError("outcome_not_allowed")
    at = now or city_now()
    with engine.begin() as conn:
        row = _visible_case(conn, scope, case_id)
        if to_status not in TRANSITIONS.get(row.status, ()):
            raise CaseError("wrong_transition", status=row.status, to=to_status)
        values: dict[str, Any] = {"status": to_status, "updated_at": at}
        if to_status in CLOSED_STATES:
            values |= {"closed_at": at, "outcome": outcome}
        if new_summary:
            values["summary"] = new_summary
        changed = conn.execute(
            update(C).where(C.c.case_id == case_id, C.c.status == row.status).values(values)
        ).rowcount
        if changed != 1:  # someone moved it meanwhile
            raise CaseError("wrong_transition", status=row.status, to=to_status)
        _event(conn, case_id, at, username, to_status, row.status, to_status, text)
        if to_status in ALERT_STATUS_ON_CLOSE:
            alerts = select(CA.c.alert_id).where(CA.c.case_id == case_id)
            ids = [int(a) for a in conn.scalars(alerts)]
            status = ALERT_STATUS_ON_CLOSE[to_status]
            if ids:
                conn.execute(update(A).where(A.c.alert_id.in_(ids)).values(status=status))
                action = "confirm" if status == "confirmed" else "dismiss"
                conn.execute(insert(AE), [{"alert_id": a, "at": at, "username": username,
                                           "action": action, "note": f"#{case_id}: {text}"}
                                          for a in ids])  # fmt: skip
        if to_status == "confirmed" and outcome == "access_suspended":
            conn.execute(
                update(OP).where(OP.c.operator_id == row.operator_id)
                .values(access_status=SUSPENDED, access_since=at, access_case_id=case_id)
            )  # fmt: skip
    return to_status


def add_evidence(
    engine: Engine,
    scope: Scope,
    username: str,
    case_id: int,
    files: Sequence[tuple[str, bytes]],
    note: str = "",
    now: dt.datetime | None = None,
) -> int:
    """Keep evidence files with a case (the supervision evidence rules: at most 5 files of
    10 MB, PDF, OFD, Word, Excel, JPG, PNG, content matching the type); returns how many."""
    scope.require("privacy_cases")
    text = _text(note, None)
    if not files:
        raise CaseError("no_files")
    try:
        rows = check_evidence(files)  # every file checked before anything is written
    except SupervisionError as error:
        raise CaseError(error.code, **error.values) from error
    at = now or city_now()
    with engine.begin() as conn:
        row = _visible_case(conn, scope, case_id)
        event_id = _event(conn, case_id, at, username, "evidence", row.status, row.status,
                          text or ", ".join(r["file_name"] for r in rows))  # fmt: skip
        for file in rows:
            conn.execute(insert(V).values(case_id=case_id, event_id=event_id, **file))
    return len(rows)


def lift_suspension(
    engine: Engine,
    scope: Scope,
    username: str,
    operator_id: str,
    note: str,
    now: dt.datetime | None = None,
) -> int:
    """An administrator gives a suspended operator their access back; recorded in the history
    of the case that suspended them (returned)."""
    scope.require("operator_access")
    text = _text(note, "empty_note")
    at = now or city_now()
    with engine.begin() as conn:
        row = conn.execute(
            select(OP.c.access_status, OP.c.access_case_id, C.c.status)
            .select_from(OP.outerjoin(C, C.c.case_id == OP.c.access_case_id))
            .where(OP.c.operator_id == operator_id, _in_scope(scope))
        ).first()  # fmt: skip
        if row is None or row.access_status != SUSPENDED or row.access_case_id is None:
            raise CaseError("not_suspended")
        conn.execute(update(OP).where(OP.c.operator_id == operator_id)
                     .values(access_status="active", access_since=at))  # fmt: skip
        case_id = int(row.access_case_id)
        _event(conn, case_id, at, username, "lift_suspension", row.status, row.status, text)
    return case_id


# --------------------------------------------------------------------------- reads


def _case_select(scope: Scope):
    n_alerts = (
        select(func.count()).where(CA.c.case_id == C.c.case_id).correlate(C).scalar_subquery()
    )
    other = C.alias("other")
    per_operator = (
        select(other.c.operator_id, func.count().label("n"),
               func.sum(case((other.c.status == "confirmed", 1), else_=0)).label("confirmed"))
        .group_by(other.c.operator_id)
        .subquery()
    )  # fmt: skip
    return (
        select(
            C.c.case_id, C.c.operator_id, OP.c.name.label("operator_name"), OP.c.department_code,
            C.c.assignee, func.coalesce(USER.c.display_name, C.c.assignee).label("assignee_name"),
            C.c.status, C.c.outcome, C.c.deadline, C.c.opened_at, C.c.closed_at,
            n_alerts.label("alerts"), per_operator.c.n.label("operator_cases"),
            per_operator.c.confirmed.label("operator_confirmed"), OP.c.access_status,
            OP.c.access_since, OP.c.access_case_id, C.c.summary,
        )
        .select_from(
            C.join(OP, OP.c.operator_id == C.c.operator_id)
            .join(per_operator, per_operator.c.operator_id == C.c.operator_id)
            .outerjoin(USER, USER.c.username == C.c.assignee)
        )
        .where(_in_scope(scope))
    )  # fmt: skip


def _with_days(frame: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """days_open (to today, or to the closing day), overdue, days_overdue and the repeat flag:
    an operator with two or more cases, or with a confirmed case besides this one."""
    if frame.empty:
        return frame.assign(days_open=[], overdue=[], days_overdue=[], repeat=[],
                            confirmed_before=[])  # fmt: skip
    frame["deadline"] = pd.to_datetime(frame["deadline"]).dt.date
    for column in ("opened_at", "closed_at", "access_since"):
        frame[column] = pd.to_datetime(frame[column])
    closed = frame["status"].isin(CLOSED_STATES)
    ends = [c.date() if shut else today for c, shut in zip(frame["closed_at"], closed, strict=True)]
    frame["days_open"] = [
        (e - o.date()).days for e, o in zip(ends, frame["opened_at"], strict=True)
    ]
    frame["overdue"] = [(not shut) and d < today
                        for d, shut in zip(frame["deadline"], closed, strict=True)]  # fmt: skip
    frame["days_overdue"] = [(today - d).days if late else 0
                             for d, late in zip(frame["deadline"], frame["overdue"], strict=True)]  # fmt: skip
    frame["operator_cases"] = frame["operator_cases"].astype(int)
    mine = (frame["status"] == "confirmed").astype(int)
    frame["confirmed_before"] = frame["operator_confirmed"].astype(int) - mine
    frame["repeat"] = (frame["operator_cases"] >= 2) | (frame["confirmed_before"] > 0)
    return frame


def cases(
    engine: Engine, scope: Scope, today: dt.date, statuses: Sequence[str] = ()
) -> pd.DataFrame:
    """The cases in the scope, newest first, with the operator, the assignee's name, the count
    of alerts, days open, overdue (deadline passed, not closed), the operator's access status
    and the repeat flag."""
    stmt = _case_select(scope).order_by(C.c.case_id.desc())
    if statuses:
        stmt = stmt.where(C.c.status.in_(list(statuses)))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(),
                             columns=[*CASE_COLUMNS, "summary"])  # fmt: skip
    return _with_days(frame, today)


def case_detail(engine: Engine, scope: Scope, case_id: int, today: dt.date) -> dict | None:
    """One case in the scope (the columns of `cases`), or None."""
    with engine.connect() as conn:
        rows = conn.execute(_case_select(scope).where(C.c.case_id == case_id)).mappings().all()
    if not rows:
        return None
    frame = _with_days(pd.DataFrame(rows, columns=[*CASE_COLUMNS, "summary"]), today)
    return frame.iloc[0].to_dict()


def case_alerts(engine: Engine, scope: Scope, case_id: int) -> pd.DataFrame:
    """The alerts of a case with their reasons (both languages), oldest window first."""
    stmt = (
        select(A.c.alert_id, A.c.window_start, A.c.window_end, A.c.score, A.c.status,
               A.c.reasons_zh, A.c.reasons_en, CA.c.added_by, CA.c.added_at)
        .select_from(CA.join(A, A.c.alert_id == CA.c.alert_id)
                     .join(OP, OP.c.operator_id == A.c.operator_id))
        .where(CA.c.case_id == case_id, _in_scope(scope))
        .order_by(A.c.window_start, A.c.alert_id)
    )  # fmt: skip
    columns = ["alert_id", "window_start", "window_end", "score", "status", "reasons_zh",
               "reasons_en", "added_by", "added_at"]  # fmt: skip
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=columns)


def history(engine: Engine, scope: Scope, case_id: int) -> pd.DataFrame:
    """Every step of a case, in the order written, with the account's display name."""
    stmt = (
        select(E.c.event_id, E.c.at, E.c.username,
               func.coalesce(USER.c.display_name, E.c.username).label("display_name"),
               E.c.action, E.c.from_status, E.c.to_status, E.c.note)
        .select_from(E.join(C, C.c.case_id == E.c.case_id)
                     .join(OP, OP.c.operator_id == C.c.operator_id)
                     .outerjoin(USER, USER.c.username == E.c.username))
        .where(E.c.case_id == case_id, _in_scope(scope))
        .order_by(E.c.event_id)
    )  # fmt: skip
    columns = ["event_id", "at", "username", "display_name", "action", "from_status",
               "to_status", "note"]  # fmt: skip
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=columns)


def evidence(engine: Engine, scope: Scope, case_id: int) -> pd.DataFrame:
    """The manifest of a case's evidence: name, size, SHA-256, who added it and when."""
    stmt = (
        select(V.c.evidence_id, V.c.file_name, V.c.file_bytes, V.c.sha256,
               func.coalesce(USER.c.display_name, E.c.username).label("added_by"),
               E.c.at.label("added_at"))
        .select_from(V.join(E, E.c.event_id == V.c.event_id)
                     .join(C, C.c.case_id == V.c.case_id)
                     .join(OP, OP.c.operator_id == C.c.operator_id)
                     .outerjoin(USER, USER.c.username == E.c.username))
        .where(V.c.case_id == case_id, _in_scope(scope))
        .order_by(V.c.evidence_id)
    )  # fmt: skip
    columns = ["evidence_id", "file_name", "file_bytes", "sha256", "added_by", "added_at"]
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=columns)


def evidence_file(engine: Engine, scope: Scope, evidence_id: int) -> tuple[str, bytes] | None:
    """One evidence file's safe name and bytes, if its case is in the scope."""
    stmt = (
        select(V.c.file_name, V.c.content)
        .select_from(V.join(C, C.c.case_id == V.c.case_id)
                     .join(OP, OP.c.operator_id == C.c.operator_id))
        .where(V.c.evidence_id == evidence_id, _in_scope(scope))
    )  # fmt: skip
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    return None if row is None else (str(row[0]), bytes(row[1]))


def cases_of_alerts(engine: Engine, scope: Scope, alert_ids: Sequence[int]) -> dict[int, int]:
    """alert -> the case it is in, for those of the alerts that are in one."""
    if not alert_ids:
        return {}
    stmt = (
        select(CA.c.alert_id, CA.c.case_id)
        .select_from(CA.join(C, C.c.case_id == CA.c.case_id)
                     .join(OP, OP.c.operator_id == C.c.operator_id))
        .where(CA.c.alert_id.in_([int(a) for a in alert_ids]), _in_scope(scope))
    )  # fmt: skip
    with engine.connect() as conn:
        return {int(a): int(c) for a, c in conn.execute(stmt)}


def active_case_of(engine: Engine, scope: Scope, operator_id: str) -> int | None:
    """The operator's case not yet closed, if any (a new alert goes there)."""
    stmt = (
        select(C.c.case_id)
        .select_from(C.join(OP, OP.c.operator_id == C.c.operator_id))
        .where(C.c.operator_id == operator_id, C.c.status.in_(ACTIVE_STATES), _in_scope(scope))
    )
    with engine.connect() as conn:
        found = conn.scalar(stmt)
    return None if found is None else int(found)


def assignees(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Who may be given a case: active privacy officers and administrators."""
    scope.require("privacy_cases")
    stmt = (
        select(USER.c.username, USER.c.display_name, USER.c.role)
        .where(USER.c.role.in_(ASSIGNEE_ROLES), USER.c.active.is_(True))
        .order_by(USER.c.role.desc(), USER.c.username)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=["username", "display_name", "role"])


def ageing(engine: Engine, scope: Scope, today: dt.date) -> pd.DataFrame:
    """Cases not closed by days open on `today`: bucket (AGE_BUCKETS), cases; counted in SQL."""

    def since(days: int) -> dt.datetime:
        return dt.datetime.combine(today - dt.timedelta(days=days), dt.time())

    bucket = case(
        (C.c.opened_at >= since(7), AGE_BUCKETS[0]),
        (C.c.opened_at >= since(30), AGE_BUCKETS[1]),
        (C.c.opened_at >= since(90), AGE_BUCKETS[2]),
        else_=AGE_BUCKETS[3],
    ).label("bucket")
    stmt = (
        select(bucket, func.count().label("cases"))
        .select_from(C.join(OP, OP.c.operator_id == C.c.operator_id))
        .where(C.c.status.in_(ACTIVE_STATES), _in_scope(scope))
        .group_by(bucket)
    )
    with engine.connect() as conn:
        counts = {str(b): int(n) for b, n in conn.execute(stmt)}
    return pd.DataFrame({"bucket": list(AGE_BUCKETS),
                         "cases": [counts.get(b, 0) for b in AGE_BUCKETS]})  # fmt: skip


def outcomes_per_month(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Closed cases per month of closing: month (YYYY-MM), status, outcome ('' for none), cases;
    counted in SQL."""
    year, month = extract("year", C.c.closed_at), extract("month", C.c.closed_at)
    stmt = (
        select(year, month, C.c.status, C.c.outcome, func.count())
        .select_from(C.join(OP, OP.c.operator_id == C.c.operator_id))
        .where(C.c.status.in_(CLOSED_STATES), C.c.closed_at.is_not(None), _in_scope(scope))
        .group_by(year, month, C.c.status, C.c.outcome)
    )
    with engine.connect() as conn:
        rows = [
            (f"{int(y):04d}-{int(mo):02d}", s, o or "", int(n))
            for y, mo, s, o, n in conn.execute(stmt)
        ]
    frame = pd.DataFrame(rows, columns=["month", "status", "outcome", "cases"])
    return frame.sort_values(["month", "status", "outcome"], ignore_index=True)


def suspended_operators(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Operators whose access is suspended: since when and by which case."""
    stmt = (
        select(OP.c.operator_id, OP.c.name, OP.c.department_code, OP.c.access_since,
               OP.c.access_case_id)
        .where(OP.c.access_status == SUSPENDED, _in_scope(scope))
        .order_by(OP.c.access_since)
    )  # fmt: skip
    columns = ["operator_id", "name", "department_code", "access_since", "access_case_id"]
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=columns)
