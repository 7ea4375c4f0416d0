"""Objections and credit repair: applications received, decided and pending, handling times in
working days against the legal limits, overdue lists, outcomes, the trend, and the records whose
display period ends soon. Pure functions over an Engine and a Scope (no Streamlit).

Legal limits are data (data_access.queries.legal_limits, reference_data/legal_limits.csv): each
application is judged against the limits in force on the day it was received, or against the new
decision limit of an extension decision on it. From 2026-04-01 a repair application is decided
within 3 working days of receipt and the applicant answered within 10; objections are held to the
same limits, marked in the file as the city's assumption until it sets its own.

Working days come from data_access.queries.workdays (weekends, statutory holidays and adjusted working
days, from the calendar table). Times are counted from the day of receipt, which is not counted:

    decision days = working_days_between(received_at, decided_at)   on time when <= 3
    answer days   = working_days_between(received_at, answered_at)  on time when <= 10

Everything is judged as of the as-of date: a date after it has not happened yet (an application
decided after the as-of date is pending on it; its final outcome is not known yet).

    pending past its limit: received, not decided by the as-of date, and
        working_days_between(received_at, as_of) > 3 (a decision dated on the as-of date would
        already be late); likewise not answered and > 10 for the answer.
    received in a period: received_at in the period; decided: decided_at in the period (any
        outcome, withdrawals included); answered: answered_at in the period; pending: filed on or
        before the as-of date and not decided by it (whatever the period: a backlog is a backlog).

Scope (restricted in SQL): the leading-group office and the administrator see every application
and record; a department head sees the applications their department handles (handling_dept) and
the records it reported (source_dept); any other role gets PermissionError. The county filter is
the person's county (person.county_code). Handling times are computed per application in Python
from the date columns (at city scale some 100,000 rows); everything over credit records is
counted in SQL. Applicants leave this module masked (data_access.id_number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Engine, func, null, or_, select

from data_access.id_number import mask_id_number, mask_name
from data_access.queries.display_period import displayed_record_conditions
from data_access.queries.legal_limits import legal_limits, limit_in_force
from data_access.queries.workdays import WorkCalendar
from data_access.schema import models as m
from data_access.scope import Scope

EXPIRING_DAYS = 30
EXPIRING_LIMIT = 5000  # rows of the expiring list (the count is always complete)
OUTCOMES = ("upheld", "rejected", "withdrawn")
CITY_SCOPE = Scope("admin")  # the whole city, for the display check


# Reasons an application is on the overdue list.
DECIDED_LATE = "decided_late"
ANSWERED_LATE = "answered_late"
PENDING_PAST_LIMIT = "pending_past_limit"
ANSWER_PAST_LIMIT = "answer_past_limit"
OVERDUE_REASONS = (DECIDED_LATE, ANSWERED_LATE, PENDING_PAST_LIMIT, ANSWER_PAST_LIMIT)

FRAME_COLUMNS = [
    "application_id", "kind", "handling_dept", "subject", "name", "filed_at", "received_at",
    "decided_at", "answered_at", "outcome", "extended_decision_days",
]  # fmt: skip


# --------------------------------------------------------------------------- scope in SQL


def _county_condition(id_column, counties: Sequence[str]) -> list[ColumnElement[bool]]:
    if not counties:
        return []
    persons = select(m.Person.id_number).where(m.Person.county_code.in_(list(counties)))
    return [id_column.in_(persons)]


# --------------------------------------------------------------------------- applications


def read_applications(
    engine: Engine,
    scope: Scope,
    as_of: dt.date,
    counties: Sequence[str] = (),
    *,
    unfinished_only: bool = False,
    since: dt.date | None = None,
    names: bool = True,
) -> pd.DataFrame:
    """The applications in scope filed on or before the as-of date (FRAME_COLUMNS), applicant's
    ID number and name masked. `names=False`: the name column left empty (the figures need none;
    the overdue list asks for its own rows' names, applicant_names: a person probe per
    application is most of this read for a city's year). `unfinished_only`: only those received
    and not both decided and answered by the date, the only ones that can be past a limit on it
    (the overview's tile). `since` (a period's first day, on or before the as-of date): only
    those a period from that day uses: not yet received, decided or answered, or received,
    decided or answered since; an application finished before the period is in none of its
    figures."""
    a, p = m.Application, m.Person
    dept = scope.department("repair")
    # the applicant's name, one probe of person's key per application: an outer join made
    # PostgreSQL hash all nine million persons of the city for 46,000 applications (2.5 s)
    name = (
        select(p.name).where(p.id_number == a.id_number).scalar_subquery()
        if names
        else null().label("name")
    )
    stmt = (
        select(
            a.application_id,
            a.kind,
            a.handling_dept,
            a.id_number,
            name,
            a.filed_at,
            a.received_at,
            a.decided_at,
            a.answered_at,
            a.outcome,
            a.extended_decision_days,
        )
        .select_from(a)
        .where(a.filed_at <= as_of, *_county_condition(a.id_number, counties))
        .order_by(a.received_at, a.application_id)
    )
    if dept is not None:
        stmt = stmt.where(a.handling_dept == dept)
    if since is not None:
        stmt = stmt.where(
            or_(
                a.received_at.is_(None),
                a.received_at >= since,
                a.decided_at.is_(None),
                a.decided_at >= since,
                a.answered_at.is_(None),
                a.answered_at >= since,
            )
        )
    if unfinished_only:
        stmt = stmt.where(
            a.received_at <= as_of,
            or_(
                a.decided_at.is_(None),
                a.decided_at > as_of,
                a.answered_at.is_(None),
                a.answered_at > as_of,
            ),
        )
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(stmt)]  # plain tuples: pandas probes Rows
    frame = pd.DataFrame.from_records(rows, columns=FRAME_COLUMNS)
    frame["subject"] = frame["subject"].map(mask_id_number)
    frame["name"] = frame["name"].map(mask_name) if names else None
    for column in ("filed_at", "received_at", "decided_at", "answered_at"):
        frame[column] = _as_dates(frame[column])
    return frame


def applicant_names(engine: Engine, application_ids: Sequence[str]) -> dict[str, str]:
    """application_id -> the applicant's masked name ("" when the person is unknown), for these
    applications (the rows a list shows)."""
    a, p = m.Application, m.Person
    wanted = list(dict.fromkeys(application_ids))
    found: dict[str, str] = {}
    with engine.connect() as conn:
        for i in range(0, len(wanted), 1000):
            stmt = (
                select(a.application_id, p.name)
                .select_from(a)
                .outerjoin(p, p.id_number == a.id_number)
                .where(a.application_id.in_(wanted[i : i + 1000]))
            )
            found.update((str(app), mask_name(name)) for app, name in conn.execute(stmt))
    return found


def first_received(
    engine: Engine, scope: Scope, as_of: dt.date, counties: Sequence[str] = ()
) -> dt.date | None:
    """The earliest receipt on or before the as-of date of an application in scope (None: none)."""
    a = m.Application
    dept = scope.department("repair")
    stmt = select(func.min(a.received_at)).where(
        a.filed_at <= as_of, a.received_at <= as_of, *_county_condition(a.id_number, counties)
    )
    if dept is not None:
        stmt = stmt.where(a.handling_dept == dept)
    with engine.connect() as conn:
        first = conn.scalar(stmt)
    return None if first is None else pd.Timestamp(first).date()


def _as_dates(column: pd.Series) -> pd.Series:
    """datetime.date values, None where missing (both engines' drivers, any pandas dtype)."""
    if column.dtype == object and all(type(d) is dt.date for d in column.dropna()):
        return column.where(column.notna(), None)  # the drivers' dates already
    days = pd.to_datetime(column)
    return pd.Series(
        [None if pd.isna(d) else d.date() for d in days], index=column.index, dtype=object
    )


def _days(calendar: WorkCalendar, start: pd.Series, end: pd.Series, mask: np.ndarray) -> pd.Series:
    """working_days_between(start, end) where mask, else missing (Int64)."""
    out = pd.Series(pd.NA, index=start.index, dtype="Int64")
    if mask.any():
        out[mask] = calendar.working_days_between_many(list(start[mask]), list(end[mask]))
    return out


def handling(frame: pd.DataFrame, as_of: dt.date, calendar: WorkCalendar) -> pd.DataFrame:
    """Add, as of the date: received / decided / answered (by then), pending, state (the outcome
    if decided, else pending), the limits, decision_days, answer_days, elapsed_days (receipt to
    the as-of date, while not decided), and the flags of OVERDUE_REASONS."""
    h = frame.copy()

    def happened(column: str) -> np.ndarray:
        return h[column].map(lambda d: d is not None and d <= as_of).to_numpy(dtype=bool)

    received, decided, answered = (
        happened("received_at"),
        happened("decided_at"),
        happened("answered_at"),
    )
    h["received"], h["decided"], h["answered"] = received, decided, answered
    h["pending"] = ~decided
    h["state"] = np.where(decided, h["outcome"], "pending")
    rules = legal_limits()
    in_force = [limit_in_force(k, r, rules) for k, r in zip(h["kind"], h["received_at"],
                                                              strict=True)]  # fmt: skip
    extended = h.get("extended_decision_days", pd.Series(None, index=h.index))
    decision = [int(e) if e is not None and not pd.isna(e) else rule.decision_days
                for e, rule in zip(extended, in_force, strict=True)]  # fmt: skip
    h["decision_limit"] = pd.Series(decision, index=h.index, dtype="int64")
    h["answer_limit"] = pd.Series(
        [max(rule.answer_days, d) for rule, d in zip(in_force, decision, strict=True)],
        index=h.index, dtype="int64",
    )  # fmt: skip
    today = pd.Series([as_of] * len(h), index=h.index, dtype=object)
    h["decision_days"] = _days(calendar, h["received_at"], h["decided_at"], received & decided)
    h["answer_days"] = _days(calendar, h["received_at"], h["answered_at"], received & answered)
    h["elapsed_days"] = _days(calendar, h["received_at"], today, received & ~(decided & answered))

    def over(days: str, limit: str) -> np.ndarray:
        return (h[days] > h[limit]).fillna(False).to_numpy(dtype=bool)

    h[DECIDED_LATE] = over("decision_days", "decision_limit")
    h[ANSWERED_LATE] = over("answer_days", "answer_limit")
    h[PENDING_PAST_LIMIT] = over("elapsed_days", "decision_limit") & ~decided
    h[ANSWER_PAST_LIMIT] = over("elapsed_days", "answer_limit") & ~answered
    return h


def uncounted_years(
    h: pd.DataFrame,
    as_of: dt.date,
    calendar: WorkCalendar,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[int]:
    """Years without a calendar that the working-day counts of `h` (see `handling`) ran through:
    those counts treated them as weekends-only. With a period, only the applications its figures
    use (received, decided or answered in it, or pending)."""
    rows = h[h["received"]]
    if start is not None and end is not None:
        f = _period_flags(rows, start, end)
        rows = rows[f["in_received"] | f["in_decided"] | f["in_answered"] | f["pending"]]
    # each application counts from its receipt to its last step (the as-of date while pending):
    # the years it spans, taken once per (first year, last year) pair
    spans: set[tuple[int, int]] = set()
    for first, decided, answered, d, a in zip(
        rows["received_at"], rows["decided"], rows["answered"], rows["decided_at"],
        rows["answered_at"], strict=True,
    ):  # fmt: skip
        last = max(d, a) if decided and answered else as_of
        spans.add((first.year, max(first, last).year))
    years: set[int] = set()
    for first_year, last_year in spans:
        years.update(calendar.missing_years(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31)))
    return sorted(years)


def _between(column: pd.Series, start: dt.date, end: dt.date) -> np.ndarray:
    """Where the date (a datetime.date or None) is from start to end, inclusive: column-wise."""
    days = pd.to_datetime(column, errors="coerce")
    return ((days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))).to_numpy(dtype=bool)


def _period_flags(h: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """in_received / in_decided / in_answered: the event happened (by the as-of date) in the
    period."""
    return h.assign(
        in_received=h["received"] & _between(h["received_at"], start, end),
        in_decided=h["decided"] & _between(h["decided_at"], start, end),
        in_answered=h["answered"] & _between(h["answered_at"], start, end),
    )


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


SUMMARY_COLUMNS = [
    "kind", "received", "decided", "pending", "not_received", "decided_timed", "decided_on_time",
    "decided_late", "decision_on_time_rate", "mean_decision_days", "answered_timed",
    "answered_on_time", "answered_late", "answer_on_time_rate", "pending_past_limit",
    "answer_past_limit",
]  # fmt: skip


def summary(h: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """One row per kind (objection, repair) and `all`: the SUMMARY_COLUMNS (see the module
    docstring; rates are None when nothing was decided / answered in the period)."""
    f = _period_flags(h, start, end)
    rows = []
    for kind in ("objection", "repair", "all"):
        k = f if kind == "all" else f[f["kind"] == kind]
        timed = k[k["in_decided"] & k["decision_days"].notna()]
        answered = k[k["in_answered"] & k["answer_days"].notna()]
        on_time = int((~timed[DECIDED_LATE]).sum())
        answered_on_time = int((~answered[ANSWERED_LATE]).sum())
        rows.append({
            "kind": kind,
            "received": int(k["in_received"].sum()),
            "decided": int(k["in_decided"].sum()),
            "pending": int(k["pending"].sum()),
            "not_received": int((k["pending"] & ~k["received"]).sum()),
            "decided_timed": len(timed),
            "decided_on_time": on_time,
            "decided_late": len(timed) - on_time,
            "decision_on_time_rate": _rate(on_time, len(timed)),
            "mean_decision_days": float(timed["decision_days"].mean()) if len(timed) else None,
            "answered_timed": len(answered),
            "answered_on_time": answered_on_time,
            "answered_late": len(answered) - answered_on_time,
            "answer_on_time_rate": _rate(answered_on_time, len(answered)),
            "pending_past_limit": int(k[PENDING_PAST_LIMIT].sum()),
            "answer_past_limit": int(k[ANSWER_PAST_LIMIT].sum()),
        })  # fmt: skip
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def time_distribution(h: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Applications by working days taken: measure (decision | answer), kind, days, limit,
    applications; decisions / answers dated in the period."""
    f = _period_flags(h, start, end)
    parts = []
    for measure, flag, days, limit in (
        ("decision", "in_decided", "decision_days", "decision_limit"),
        ("answer", "in_answered", "answer_days", "answer_limit"),
    ):
        sel = f[f[flag] & f[days].notna()]
        grouped = (
            sel.groupby(["kind", days, limit]).size().reset_index(name="applications")
            .rename(columns={days: "days", limit: "limit"})
        )  # fmt: skip
        grouped.insert(0, "measure", measure)
        parts.append(grouped)
    out = pd.concat(parts, ignore_index=True)
    columns = ["measure", "kind", "days", "limit", "applications"]
    if out.empty:
        return pd.DataFrame(columns=columns)
    out["days"] = out["days"].astype("int64")
    return out[columns].sort_values(["measure", "kind", "days"]).reset_index(drop=True)


def _overdue_flags(h: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The flags that put an application on the overdue list: late in the period (decision or
    answer dated in it) or past a limit and still pending on the as-of date."""
    f = _period_flags(h, start, end)
    return pd.DataFrame({
        DECIDED_LATE: f[DECIDED_LATE] & f["in_decided"],
        ANSWERED_LATE: f[ANSWERED_LATE] & f["in_answered"],
        PENDING_PAST_LIMIT: f[PENDING_PAST_LIMIT],
        ANSWER_PAST_LIMIT: f[ANSWER_PAST_LIMIT],
    }, index=f.index)  # fmt: skip


def overdue_by_department(h: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per handling department with any overdue application: decided (in the period), each
    overdue reason, and overdue = distinct applications with any reason; most overdue first."""
    flags = _overdue_flags(h, start, end)
    f = _period_flags(h, start, end)
    frame = flags.assign(
        handling_dept=h["handling_dept"],
        decided=f["in_decided"],
        overdue=flags.any(axis=1),
    )
    columns = ["handling_dept", "decided", *OVERDUE_REASONS, "overdue"]
    out = frame.groupby("handling_dept")[columns[1:]].sum().reset_index()
    out = out[out["overdue"] > 0]
    for column in columns[1:]:
        out[column] = out[column].astype("int64")
    out = out[columns].sort_values(["overdue", "handling_dept"], ascending=[False, True])
    return out.reset_index(drop=True)


OVERDUE_LIST_COLUMNS = [
    "application_id", "kind", "handling_dept", "subject", "name", "received_at",
    "decision_deadline", "decided_at", "decision_days", "answer_deadline", "answered_at",
    "answer_days", "elapsed_days", "state", "reasons",
]  # fmt: skip


def overdue_list(
    h: pd.DataFrame, start: dt.date, end: dt.date, calendar: WorkCalendar
) -> pd.DataFrame:
    """Every overdue application (OVERDUE_LIST_COLUMNS): the deadlines are the last working day
    within each limit; reasons is a comma-separated list of OVERDUE_REASONS."""
    flags = _overdue_flags(h, start, end)
    late = flags.any(axis=1)
    rows = h[late].copy()
    if rows.empty:
        return pd.DataFrame(columns=OVERDUE_LIST_COLUMNS)
    marked = flags.loc[rows.index, list(OVERDUE_REASONS)].to_numpy(dtype=bool)
    rows["reasons"] = [
        ",".join(r for r, on in zip(OVERDUE_REASONS, row, strict=True) if on) for row in marked
    ]
    for deadline, limit in (("decision_deadline", "decision_limit"),
                            ("answer_deadline", "answer_limit")):  # fmt: skip
        rows[deadline] = [
            calendar.add_working_days(day, n)
            for day, n in zip(rows["received_at"], rows[limit], strict=True)
        ]
    return (
        rows[OVERDUE_LIST_COLUMNS]
        .sort_values(["handling_dept", "received_at", "application_id"])
        .reset_index(drop=True)
    )


def outcomes(h: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Applications decided in the period by kind and outcome (upheld, rejected, withdrawn)."""
    f = _period_flags(h, start, end)
    decided = f[f["in_decided"]]
    grid = pd.MultiIndex.from_product(
        [("objection", "repair"), OUTCOMES], names=["kind", "outcome"]
    )
    counts = decided.groupby(["kind", "outcome"]).size().reindex(grid, fill_value=0)
    return counts.rename("applications").reset_index()


def _month(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def monthly_trend(h: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per month of the period: received (by month of receipt), decided and the decision on-time
    rate (by month of decision), answered and the answer on-time rate (by month of answer)."""
    f = _period_flags(h, start, end)
    months, day = [], dt.date(start.year, start.month, 1)
    while day <= end:
        months.append(_month(day))
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    out = pd.DataFrame({"month": months})

    def per_month(mask: pd.Series, column: str, value: pd.Series | None = None) -> pd.Series:
        keys = pd.to_datetime(f.loc[mask, column]).dt.strftime("%Y-%m")
        data = (value[mask] if value is not None else pd.Series(1, index=keys.index)).astype(float)
        return data.groupby(keys).sum()

    out["received"] = out["month"].map(per_month(f["in_received"], "received_at")).fillna(0)
    timed = f["in_decided"] & f["decision_days"].notna()
    out["decided"] = out["month"].map(per_month(f["in_decided"], "decided_at")).fillna(0)
    on_time = per_month(timed, "decided_at", ~f[DECIDED_LATE])
    timed_n = per_month(timed, "decided_at")
    out["decision_on_time_rate"] = out["month"].map(on_time / timed_n)
    answered = f["in_answered"] & f["answer_days"].notna()
    out["answered"] = out["month"].map(per_month(answered, "answered_at")).fillna(0)
    answered_on_time = per_month(answered, "answered_at", ~f[ANSWERED_LATE])
    answered_n = per_month(answered, "answered_at")
    out["answer_on_time_rate"] = out["month"].map(answered_on_time / answered_n)
    for column in ("received", "decided", "answered"):
        out[column] = out[column].astype("int64")
    return out


# --------------------------------------------------------------------------- display periods


def _expiring_conditions(
    scope: Scope, as_of: dt.date, counties: Sequence[str], days: int
) -> list[ColumnElement[bool]]:
    c = m.CreditRecord
    negative = select(m.RecordCategory.code).where(m.RecordCategory.polarity == "negative")
    conditions = [
        *displayed_record_conditions(as_of),
        # `|| ''`: not through the category index, which SQLite's planner otherwise prefers,
        # walking every negative record of the city (0.25 s) instead of the next `days` days of
        # display_until (0.01 s)
        (c.category_code + "").in_(negative),
        # implied by the display conditions for a negative record, but spelled out: the index on
        # display_until then reads the next `days` days, not every period ended before (0.1 s)
        c.display_until > as_of,
        c.display_until <= as_of + dt.timedelta(days=days),
        *_county_condition(c.id_number, counties),
    ]
    dept = scope.department("repair")
    if dept is not None:
        conditions.append(c.source_dept == dept)
    return conditions


def expiring_statement(
    as_of: dt.date,
    scope: Scope = CITY_SCOPE,
    counties: Sequence[str] = (),
    days: int = EXPIRING_DAYS,
):
    """record_id of the negative records displayed on the as-of date whose display period ends in
    the next `days` days (as_of < display_until <= as_of + days); also a display-check consumer."""
    return select(m.CreditRecord.record_id).where(
        *_expiring_conditions(scope, as_of, counties, days)
    )


EXPIRING_COLUMNS = [
    "record_id", "subject", "name", "category_code", "severity", "domain_code", "source_dept",
    "decision_date", "display_until", "days_left", "status",
]  # fmt: skip


def expiring_records(
    engine: Engine,
    scope: Scope,
    as_of: dt.date,
    counties: Sequence[str] = (),
    days: int = EXPIRING_DAYS,
    limit: int = EXPIRING_LIMIT,
) -> tuple[int, pd.DataFrame]:
    """(how many, the first `limit` by display_until): negative records whose display period
    ends in the next `days` days (EXPIRING_COLUMNS; days_left = display_until - as_of, the record
    is last shown on display_until - 1 day). ID numbers and names masked."""
    c, p = m.CreditRecord, m.Person
    conditions = _expiring_conditions(scope, as_of, counties, days)
    stmt = (
        select(
            c.record_id,
            c.id_number,
            p.name,
            c.category_code,
            c.severity,
            c.domain_code,
            c.source_dept,
            c.decision_date,
            c.display_until,
            c.status,
        )  # fmt: skip
        .select_from(c)
        .outerjoin(p, p.id_number == c.id_number)
        .where(*conditions)
        .order_by(c.display_until, c.record_id)
        .limit(limit)
    )
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(c).where(*conditions)).scalar_one()
        rows = conn.execute(stmt).all()
    columns = [col for col in EXPIRING_COLUMNS if col != "days_left"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["subject"] = frame["subject"].map(mask_id_number)
    frame["name"] = frame["name"].map(mask_name)
    for column in ("decision_date", "display_until"):
        frame[column] = _as_dates(frame[column])
    frame.insert(9, "days_left", [(d - as_of).days for d in frame["display_until"]])
    frame["days_left"] = frame["days_left"].astype("int64")
    return int(total), frame[EXPIRING_COLUMNS]
