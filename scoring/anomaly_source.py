"""What the anomaly detector reads: per-window GROUP BY aggregates of the query log.

Every query is SQLAlchemy Core with bound parameters and runs on SQLite and PostgreSQL alike.
The log is read one window at a time (bounded memory) and aggregated in the database: per
operator-day-hour counts, per operator-subject counts joined to the subject's person row, large
authorisation references, and purposes. The misuse label tables are never read.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from sqlalchemy import Connection, String, and_, case, extract, func, or_, select, type_coerce

from data_access.copy_frames import cast_text, copy_rows
from data_access.queries.audit import DASHBOARD_OPERATOR_PREFIX
from data_access.queries.authorisation import no_reference, outside_family, unauthorised
from data_access.schema import models as m

BATCH_MIN = 20  # lookups under one reference in one window that count as a batch / case

Q = m.QueryLog.__table__
P = m.Person.__table__
PU = m.Purpose.__table__
OP = m.Operator.__table__


def _date():
    """The calendar date of a lookup, as text (YYYY-MM-DD) on every engine."""
    return type_coerce(func.date(Q.c.queried_at), String)


def _in_window(start: dt.datetime, end: dt.datetime):
    return and_(Q.c.queried_at >= start, Q.c.queried_at < end)


def _frame(conn: Connection, stmt, schema: dict) -> pl.DataFrame:
    copied = copy_rows(conn, stmt, list(schema))  # PostgreSQL: COPY, parsed by polars
    if copied is not None:
        return cast_text(copied, schema)
    rows = conn.execute(stmt).all()
    raw = {k: (pl.Object if v == pl.Datetime("us") else v) for k, v in schema.items()}
    # every row decides the types: a column null in its first rows (persons without a
    # residence code) must not be taken for an all-null one
    frame = pl.DataFrame(rows, schema=list(raw), orient="row", infer_schema_length=None)
    casts = []
    for name, dtype in schema.items():
        if dtype == pl.Datetime("us") and frame[name].dtype == pl.String:
            casts.append(pl.col(name).str.to_datetime(time_unit="us", strict=False))
        else:
            casts.append(pl.col(name).cast(dtype))
    return frame.with_columns(casts)


def hourly(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, day (of month), hour, n, unauth — one row per operator, day and hour."""
    day = extract("day", Q.c.queried_at)
    hour = extract("hour", Q.c.queried_at)
    stmt = (
        select(
            Q.c.operator_id,
            day,
            hour,
            func.count(),
            func.sum(unauthorised()),
        )
        .select_from(Q.outerjoin(PU, PU.c.code == Q.c.purpose_code))
        .where(_in_window(start, end))
        .group_by(Q.c.operator_id, day, hour)
    )
    schema = {"op": pl.String, "day": pl.Int32, "hour": pl.Int32, "n": pl.Int64,
              "unauth": pl.Int64}  # fmt: skip
    return _frame(conn, stmt, schema)


def subjects(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, subject, n, unauth, days (distinct dates), n_ref, ref_min, ref_max (lookups with a
    reference, the smallest and largest: one case reference when they are equal), first, last.
    The persons' attributes come from persons_looked_up, read once for every window: joined here,
    the person table (nine million rows on the city) was hashed again for each week."""
    stmt = (
        select(
            Q.c.operator_id,
            Q.c.subject_id_number,
            func.count(),
            func.sum(unauthorised()),
            func.count(func.distinct(_date())),
            func.count(Q.c.authorization_ref),
            func.min(Q.c.authorization_ref),
            func.max(Q.c.authorization_ref),
            type_coerce(func.min(Q.c.queried_at), String),  # parsed by polars: much faster
            type_coerce(func.max(Q.c.queried_at), String),
        )
        .select_from(Q.outerjoin(PU, PU.c.code == Q.c.purpose_code))
        .where(_in_window(start, end))
        .group_by(Q.c.operator_id, Q.c.subject_id_number)
    )
    schema = {"op": pl.String, "subject": pl.String, "n": pl.Int64, "unauth": pl.Int64,
              "days": pl.Int64, "n_ref": pl.Int64, "ref_min": pl.String, "ref_max": pl.String,
              "first": pl.Datetime("us"), "last": pl.Datetime("us")}  # fmt: skip
    return _frame(conn, stmt, schema)


PERSONS_SCHEMA = {"subject": pl.String, "s_county": pl.String, "s_res": pl.String,
                  "s_name": pl.String, "s_sensitive": pl.Boolean}  # fmt: skip


def persons_looked_up(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """subject, s_county, s_res, s_name, s_sensitive: the registered persons looked up between
    start and end (a person not in the registry has no row), for subjects' rows (with_persons).
    One pass over the person table for the whole span of the windows read."""
    looked_up = select(Q.c.subject_id_number).where(_in_window(start, end))
    stmt = select(
        P.c.id_number, P.c.county_code, P.c.residence_code, P.c.name, P.c.sensitive
    ).where(P.c.id_number.in_(looked_up))
    return _frame(conn, stmt, PERSONS_SCHEMA)


def with_persons(subjects_frame: pl.DataFrame, persons: pl.DataFrame) -> pl.DataFrame:
    """subjects' rows with their persons' attributes (null for a subject not in the registry)."""
    return subjects_frame.join(persons, on="subject", how="left")


def batches(refs: pl.DataFrame) -> pl.DataFrame:
    """op, ref, n: references used for at least BATCH_MIN lookups with a known purpose, from the
    window's references().

    Not for the dashboard's own users (operator DASH-<username>, data_access.queries.audit): they open
    one file at a time with a reference they type, so one reference typed for many persons is no
    batch check and must not hide a burst of lookups."""
    return refs.filter(
        (pl.col("purposed") >= BATCH_MIN) & ~pl.col("op").str.starts_with(DASHBOARD_OPERATOR_PREFIX)
    ).select("op", "ref", pl.col("purposed").alias("n"))


def purposes(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, date, purpose, n, unauth: lookups per operator, date and known purpose (unauth: those
    without the reference the purpose needs)."""
    day = _date()
    stmt = (
        select(Q.c.operator_id, day, PU.c.code, func.count(), func.sum(unauthorised()))
        .select_from(Q.join(PU, PU.c.code == Q.c.purpose_code))
        .where(_in_window(start, end))
        .group_by(Q.c.operator_id, day, PU.c.code)
    )
    schema = {"op": pl.String, "date": pl.String, "purpose": pl.String, "n": pl.Int64,
              "unauth": pl.Int64}  # fmt: skip
    frame = _frame(conn, stmt, schema)
    return frame.with_columns(pl.col("date").str.slice(0, 10).str.to_date())


def references(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, ref, n, purposed, persons, days, first, last: authorisation references an operator
    used at least twice (purposed: the lookups among them with a known purpose)."""
    stmt = (
        select(
            Q.c.operator_id,
            Q.c.authorization_ref,
            func.count(),
            func.sum(case((PU.c.code.is_not(None), 1), else_=0)),
            func.count(func.distinct(Q.c.subject_id_number)),
            func.count(func.distinct(_date())),
            type_coerce(func.min(Q.c.queried_at), String),
            type_coerce(func.max(Q.c.queried_at), String),
        )
        .select_from(Q.outerjoin(PU, PU.c.code == Q.c.purpose_code))
        .where(_in_window(start, end), ~no_reference())
        .group_by(Q.c.operator_id, Q.c.authorization_ref)
        .having(func.count() >= 2)
    )
    schema = {"op": pl.String, "ref": pl.String, "n": pl.Int64, "purposed": pl.Int64,
              "persons": pl.Int64, "days": pl.Int64, "first": pl.Datetime("us"),
              "last": pl.Datetime("us")}  # fmt: skip
    return _frame(conn, stmt, schema)


CAMPAIGN_SHARERS = 3  # operators using one reference: a campaign's, not a case's


def borrowed_references(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, n, first, last: borrowed_persons counted per operator (a person under each reference)."""
    from scoring.anomaly_range import borrowed_per_operator

    return borrowed_per_operator(borrowed_persons(conn, start, end)).sort("op")


def borrowed_persons(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, subject, ref, at: persons an operator first looked up under a reference that they had
    used for someone else on an earlier day, one row per person and such reference (a case's
    number carried over to another person, a broker's numbers), found over the whole window in
    the database. A person of the village or community of the persons the reference was first
    used for, on its first day, is their family (a debtor's, an applicant's), not borrowed; a
    surname is too common to tell (a window's strangers share one with its applicant one time in
    six). A batch's reference
    (BATCH_MIN persons or more on one day) carried into the next day is the batch going on; a
    reference CAMPAIGN_SHARERS operators or more use for BATCH_MIN persons or more is a
    campaign's (a joint-punishment list worked through by several officers), not one person's
    authorisation (a case's number two colleagues copied stays borrowed)."""
    day = _date()
    persons = (
        select(
            Q.c.operator_id.label("op"),
            Q.c.authorization_ref.label("ref"),
            Q.c.subject_id_number.label("subject"),
            func.min(day).label("day"),
            func.min(Q.c.queried_at).label("at"),
        )
        .where(_in_window(start, end), ~no_reference())
        .group_by(Q.c.operator_id, Q.c.authorization_ref, Q.c.subject_id_number)
        .cte("ref_persons")
    )
    # only a reference some operator used for two persons or more can have been borrowed; the
    # windows below read every operator's persons of such references (most references are one
    # person's: the windows' sorts then cost a fraction)
    shared = select(persons.c.ref).group_by(persons.c.op, persons.c.ref).having(func.count() >= 2)
    per_person = select(persons).where(persons.c.ref.in_(shared)).subquery()
    # windows, not self-joins: one pass on every engine, whatever the planner knows of the table
    ref = [per_person.c.ref, per_person.c.op]  # (ref, op): one sort serves every window
    per_day = (
        select(
            per_person.c.op,
            per_person.c.ref,
            per_person.c.subject,
            per_person.c.day,
            per_person.c.at,
            func.min(per_person.c.day).over(partition_by=ref).label("opened"),
            # the first day a person of this village came under the reference: the day it was
            # opened when the person lives where its first persons do (a debtor's family)
            P.c.residence_code.label("home"),
            func.min(per_person.c.day)
            .over(partition_by=[*ref, P.c.residence_code])
            .label("home_opened"),
            func.count().over(partition_by=[*ref, per_person.c.day]).label("persons"),
            func.dense_rank().over(partition_by=ref, order_by=per_person.c.day).label("nth_day"),
            func.dense_rank()
            .over(partition_by=per_person.c.ref, order_by=per_person.c.op)
            .label("op_rank"),
            func.count().over(partition_by=per_person.c.ref).label("ref_persons"),
        )
        .select_from(per_person.outerjoin(P, P.c.id_number == per_person.c.subject))
        .subquery()
    )
    per_ref = select(
        per_day.c.op,
        per_day.c.ref,
        per_day.c.subject,
        per_day.c.day,
        per_day.c.at,
        per_day.c.opened,
        per_day.c.nth_day,
        per_day.c.home,
        per_day.c.home_opened,
        func.max(per_day.c.op_rank).over(partition_by=per_day.c.ref).label("sharers"),
        per_day.c.ref_persons,
        func.max(per_day.c.persons)
        .over(partition_by=[per_day.c.ref, per_day.c.op])
        .label("busiest"),
    ).subquery()
    stmt = (
        select(
            per_ref.c.op,
            per_ref.c.subject,
            per_ref.c.ref,
            type_coerce(func.min(per_ref.c.at), String),
        )
        .where(
            per_ref.c.day > per_ref.c.opened,
            outside_family(per_ref.c.home, per_ref.c.home_opened, per_ref.c.opened),
            or_(per_ref.c.sharers < CAMPAIGN_SHARERS, per_ref.c.ref_persons < BATCH_MIN),
            or_(per_ref.c.busiest < BATCH_MIN, per_ref.c.nth_day > 2),
        )
        .group_by(per_ref.c.op, per_ref.c.subject, per_ref.c.ref)
    )
    schema = {"op": pl.String, "subject": pl.String, "ref": pl.String, "at": pl.Datetime("us")}
    return _frame(conn, stmt, schema)


def operators(conn: Connection) -> pl.DataFrame:
    """Every operator with their own person row (name, residence) when their ID is on file."""
    stmt = select(
        OP.c.operator_id,
        OP.c.department_code,
        OP.c.role,
        OP.c.county_code,
        OP.c.id_number,
        func.coalesce(P.c.name, OP.c.name),
        P.c.residence_code,
    ).select_from(OP.outerjoin(P, P.c.id_number == OP.c.id_number))
    schema = {"op": pl.String, "dept": pl.String, "role": pl.String, "op_county": pl.String,
              "op_id": pl.String, "op_name": pl.String, "op_res": pl.String}  # fmt: skip
    return _frame(conn, stmt.order_by(OP.c.operator_id), schema)


def register_watch_list(conn: Connection) -> tuple[int, int]:
    """(registered persons, of them on the privacy watch list): the share a lookup of a person
    drawn at random from the register reaches the watch list at."""
    stmt = select(func.count(), func.sum(case((P.c.sensitive.is_(True), 1), else_=0)))
    persons, sensitive = conn.execute(stmt).one()
    return int(persons or 0), int(sensitive or 0)


RAPID_MIN = 4  # lookups without authorisation by one operator in one clock minute
RAPID_SCHEMA: dict[str, pl.DataType] = {"op": pl.String(), "rapid_n": pl.Int64(),
                                         "rapid_minutes": pl.Int64(), "first": pl.Datetime("us"),
                                         "last": pl.Datetime("us")}  # fmt: skip


def rapid_unauthorised(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, rapid_n, rapid_minutes, first, last: the operator's lookups without authorisation in
    clock minutes with RAPID_MIN or more of them (faster than anyone reads a credit report), the
    minutes, and the first and last such lookup; counted in the database (one row per operator
    with such a minute)."""
    minute = [Q.c.operator_id, _date(), extract("hour", Q.c.queried_at),
              extract("minute", Q.c.queried_at)]  # fmt: skip
    u = func.count()
    per_minute = (
        select(
            Q.c.operator_id.label("op"),
            u.label("u"),
            func.min(Q.c.queried_at).label("t0"),
            func.max(Q.c.queried_at).label("t1"),
        )
        .select_from(Q.outerjoin(PU, PU.c.code == Q.c.purpose_code))
        # only the lookups without authorisation are grouped (a few per cent of the log)
        .where(_in_window(start, end), unauthorised() == 1)
        .group_by(*minute)
        .having(u >= RAPID_MIN)
        .subquery()
    )
    stmt = select(
        per_minute.c.op,
        func.sum(per_minute.c.u),
        func.count(),
        type_coerce(func.min(per_minute.c.t0), String),
        type_coerce(func.max(per_minute.c.t1), String),
    ).group_by(per_minute.c.op)
    return _frame(conn, stmt, RAPID_SCHEMA)


def terminal_days(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, date, terminal, n: lookups per operator, day and terminal (lookups without a terminal
    left out), counted in the database."""
    day = _date()
    stmt = (
        select(Q.c.operator_id, day, Q.c.terminal_id, func.count())
        .where(_in_window(start, end), Q.c.terminal_id.is_not(None), Q.c.terminal_id != "")
        .group_by(Q.c.operator_id, day, Q.c.terminal_id)
    )
    schema = {"op": pl.String, "date": pl.String, "terminal": pl.String, "n": pl.Int64}
    return _frame(conn, stmt, schema).with_columns(pl.col("date").str.to_date())


def terminals(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, terminal, n, unauth, first, last: lookups per operator and terminal ('' for none)."""
    term = func.coalesce(Q.c.terminal_id, "")
    stmt = (
        select(
            Q.c.operator_id,
            term,
            func.count(),
            func.sum(unauthorised()),
            type_coerce(func.min(Q.c.queried_at), String),
            type_coerce(func.max(Q.c.queried_at), String),
        )  # fmt: skip
        .select_from(Q.outerjoin(PU, PU.c.code == Q.c.purpose_code))
        .where(_in_window(start, end))
        .group_by(Q.c.operator_id, term)
    )
    schema = {"op": pl.String, "terminal": pl.String, "n": pl.Int64, "unauth": pl.Int64,
              "first": pl.Datetime("us"), "last": pl.Datetime("us")}  # fmt: skip
    return _frame(conn, stmt, schema)


def suspended(conn: Connection) -> pl.DataFrame:
    """op, since, case_id: operators whose access is suspended now (a confirmed privacy case)."""
    stmt = select(OP.c.operator_id, OP.c.access_since, OP.c.access_case_id).where(
        OP.c.access_status == "suspended", OP.c.access_since.is_not(None)
    )
    rows = conn.execute(stmt).all()
    return pl.DataFrame(
        [(str(o), s, int(c) if c is not None else None) for o, s, c in rows],
        schema={"op": pl.String, "since": pl.Datetime("us"), "case_id": pl.Int64},
        orient="row",
    )


def after_suspension(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, n: lookups in the window made by a suspended operator at or after the suspension."""
    stmt = (
        select(Q.c.operator_id, func.count())
        .select_from(Q.join(OP, OP.c.operator_id == Q.c.operator_id))
        .where(
            _in_window(start, end),
            OP.c.access_status == "suspended",
            Q.c.queried_at >= OP.c.access_since,
        )
        .group_by(Q.c.operator_id)
    )
    return _frame(conn, stmt, {"op": pl.String, "n": pl.Int64})


def batch_lookups(conn: Connection, start: dt.datetime, end: dt.datetime) -> pl.DataFrame:
    """op, ref, at, s_county, s_birth, s_res, subject: every lookup under a reference the operator
    used at least BATCH_MIN times in the window (a batch run), with the person's county, date of
    birth and residence, and the ID number looked up."""
    big = (
        select(Q.c.operator_id.label("op"), Q.c.authorization_ref.label("ref"))
        .where(_in_window(start, end), ~no_reference())
        .group_by(Q.c.operator_id, Q.c.authorization_ref)
        .having(func.count() >= BATCH_MIN)
        .subquery()
    )
    stmt = (
        select(
            Q.c.operator_id,
            Q.c.authorization_ref,
            type_coerce(Q.c.queried_at, String),
            P.c.county_code,
            type_coerce(P.c.birth_date, String),
            P.c.residence_code,
            Q.c.subject_id_number,
        )
        .select_from(
            Q.join(
                big, and_(big.c.op == Q.c.operator_id, big.c.ref == Q.c.authorization_ref)
            ).outerjoin(P, P.c.id_number == Q.c.subject_id_number)
        )
        .where(_in_window(start, end))
    )
    schema = {"op": pl.String, "ref": pl.String, "at": pl.Datetime("us"), "s_county": pl.String,
              "s_birth": pl.String, "s_res": pl.String, "subject": pl.String}  # fmt: skip
    return _frame(conn, stmt, schema)
