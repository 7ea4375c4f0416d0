"""Monthly rollups of the query log for the query-points review (网点与账户).

The review of a month reads the month and the three before it: about 6.8 million lookups on the
city, 10-15 s of GROUP BY on first view. A month that has ended changes only when lookups dated
in it are imported, so its figures are stored once (schema.rollup_models): lookups and
unauthorised lookups per operator and terminal, per operator the lookups, distinct persons and
first lookup, and the month's distinct persons. A `rollup_run` row (part "querylog", as_of the
month's first day) marks a month as stored.

Who keeps them right: the importer forgets the months its rows fall in, in the transaction that
writes them (`forget_months`); the seed build forgets them all; the nightly rollups job stores the
last complete month and the three before it; a view of a month by a scope that sees every
department stores what is missing (the city-wide query is the one it would run anyway). The
month in progress (today in Asia/Shanghai) is never stored, so lookups the dashboard itself logs
never meet a stored month. Reads for a narrower scope are counted live in that scope.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select
from sqlalchemy.exc import DBAPIError

from data_access.clock import city_now, city_today
from data_access.queries.authorisation import unauthorised
from data_access.schema import models as m
from data_access.schema.rollup_models import (
    QueryMonthLookups,
    QueryMonthOperator,
    QueryMonthTotal,
    RollupRun,
)
from data_access.scope import Scope

PART = "querylog"
TABLES = (QueryMonthLookups, QueryMonthOperator, QueryMonthTotal)
Q, OP, PU = (t.__table__ for t in (m.QueryLog, m.Operator, m.Purpose))
_LOG = logging.getLogger(__name__)
OPERATOR_COLUMNS = ["op", "lookups", "persons", "first_in_month", "last_in_month"]


@dataclass
class MonthFigures:
    """One month's figures: `pairs` (op, terminal, n, unauth), `operators` (op, lookups,
    persons, first_in_month, last_in_month), `persons` (distinct persons looked up)."""

    pairs: pd.DataFrame
    operators: pd.DataFrame
    persons: int


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    k = month.year * 12 + month.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def today() -> dt.date:
    return city_today()


def is_complete(month: dt.date, on: dt.date | None = None) -> bool:
    """Whether the month has ended (by the city's clock unless `on` is given)."""
    return add_months(month_start(month), 1) <= (on or today())


def at_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def ensure_tables(engine: Engine) -> None:
    """Create the rollup tables on a database built before they existed."""
    for model in (*TABLES, RollupRun):
        model.__table__.create(engine, checkfirst=True)


def _joined():
    return Q.join(OP, OP.c.operator_id == Q.c.operator_id).outerjoin(
        PU, PU.c.code == Q.c.purpose_code
    )


def count_month(conn: Connection, scope: Scope, month: dt.date) -> MonthFigures:
    """Count the month in the query log, within the scope's departments (three GROUP BYs over
    the month's range of `queried_at`)."""
    start, end = at_midnight(month), at_midnight(add_months(month, 1))
    scoped = scope.department_condition("oversight", OP.c.department_code)
    in_month = (Q.c.queried_at >= start, Q.c.queried_at < end, scoped)
    terminal = func.coalesce(Q.c.terminal_id, "").label("terminal")
    pairs_stmt = (
        select(Q.c.operator_id, terminal, func.count(), func.sum(unauthorised()))
        .select_from(_joined())
        .where(*in_month)
        .group_by(Q.c.operator_id, terminal)
    )
    pairs = pd.DataFrame(conn.execute(pairs_stmt).all(), columns=["op", "terminal", "n", "unauth"])
    pairs["terminal"] = pairs["terminal"].fillna("").astype(str).str.strip()
    # terminals that differ only in surrounding blanks are one terminal
    pairs = pairs.groupby(["op", "terminal"], as_index=False)[["n", "unauth"]].sum()
    ops_stmt = (
        select(
            Q.c.operator_id,
            func.count(),
            func.count(func.distinct(Q.c.subject_id_number)),
            func.min(Q.c.queried_at),
            func.max(Q.c.queried_at),
        )
        .select_from(Q.join(OP, OP.c.operator_id == Q.c.operator_id))
        .where(*in_month)
        .group_by(Q.c.operator_id)
    )
    operators = pd.DataFrame(conn.execute(ops_stmt).all(), columns=OPERATOR_COLUMNS)
    persons_stmt = (
        select(func.count(func.distinct(Q.c.subject_id_number)))
        .select_from(Q.join(OP, OP.c.operator_id == Q.c.operator_id))
        .where(*in_month)
    )
    persons = int(conn.scalar(persons_stmt) or 0)
    return MonthFigures(_typed_pairs(pairs), _typed_operators(operators), persons)


def _typed_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype({"op": str, "terminal": str, "n": "int64", "unauth": "int64"})


def _typed_operators(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"op": str, "lookups": "int64", "persons": "int64"})
    for column in ("first_in_month", "last_in_month"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def _is_stored(conn: Connection, month: dt.date) -> bool:
    stmt = select(RollupRun.as_of).where(RollupRun.as_of == month, RollupRun.part == PART)
    return conn.execute(stmt).first() is not None


def _read(conn: Connection, month: dt.date) -> MonthFigures:
    lk, op = QueryMonthLookups, QueryMonthOperator
    pairs = pd.DataFrame(
        conn.execute(
            select(lk.operator_id, lk.terminal, lk.lookups, lk.unauthorised).where(
                lk.month == month
            )
        ).all(),
        columns=["op", "terminal", "n", "unauth"],
    )
    operators = pd.DataFrame(
        conn.execute(
            select(op.operator_id, op.lookups, op.persons, op.first_at, op.last_at).where(
                op.month == month
            )
        ).all(),
        columns=OPERATOR_COLUMNS,
    )
    persons = conn.scalar(select(QueryMonthTotal.persons).where(QueryMonthTotal.month == month))
    return MonthFigures(_typed_pairs(pairs), _typed_operators(operators), int(persons or 0))


def forget_months(conn: Connection, months: Iterable[dt.date]) -> None:
    """Forget the stored figures of these months (in the caller's transaction): lookups dated
    in them were just written."""
    months = sorted({month_start(d) for d in months})
    if not months or not conn.dialect.has_table(conn, RollupRun.__tablename__):
        return
    conn.execute(delete(RollupRun).where(RollupRun.part == PART, RollupRun.as_of.in_(months)))
    if conn.dialect.has_table(conn, QueryMonthTotal.__tablename__):
        for model in TABLES:
            conn.execute(delete(model).where(model.month.in_(months)))


def forget_all(engine: Engine) -> None:
    """Forget every stored month: for writers that bypass the importer (the seed build)."""
    ensure_tables(engine)
    with engine.begin() as conn:
        conn.execute(delete(RollupRun).where(RollupRun.part == PART))
        for model in TABLES:
            conn.execute(delete(model))


def store_month(engine: Engine, month: dt.date, figures: MonthFigures, seconds: float) -> bool:
    """Store a complete month's city-wide figures; False when the database would not take them
    (another session stored them at the same moment, or this user may not write)."""
    pairs = figures.pairs.rename(columns={"op": "operator_id", "n": "lookups",
                                          "unauth": "unauthorised"})  # fmt: skip
    ops = figures.operators.rename(
        columns={"op": "operator_id", "first_in_month": "first_at", "last_in_month": "last_at"}
    )
    ops = ops.assign(
        first_at=[t.to_pydatetime() for t in ops["first_at"]],
        last_at=[t.to_pydatetime() for t in ops["last_at"]],
    )
    computed = city_now()
    try:
        ensure_tables(engine)
        with engine.begin() as conn:
            forget_months(conn, [month])
            for model, frame in ((QueryMonthLookups, pairs), (QueryMonthOperator, ops)):
                records = cast(list[dict[str, Any]], frame.to_dict(orient="records"))
                if records:
                    conn.execute(insert(model), [{"month": month, **r} for r in records])
            conn.execute(insert(QueryMonthTotal), {"month": month, "persons": figures.persons})
            conn.execute(insert(RollupRun), {"as_of": month, "part": PART, "import_generation": 0,
                                             "computed_at": computed,
                                             "seconds": round(seconds, 2)})  # fmt: skip
    except DBAPIError as exc:
        _LOG.warning("query-log rollup of %s not stored: %s", month, exc.orig or exc)
        return False
    return True


def month_figures(
    engine: Engine, scope: Scope, month: dt.date, on: dt.date | None = None
) -> MonthFigures:
    """The month's figures in the scope: read back when stored and the scope sees every
    department, else counted (and stored, when the month is complete and the scope sees all)."""
    month = month_start(month)
    city = scope.department("oversight") is None
    with engine.connect() as conn:
        if city and conn.dialect.has_table(conn, QueryMonthTotal.__tablename__):
            if _is_stored(conn, month):
                return _read(conn, month)
        started = time.perf_counter()
        figures = count_month(conn, scope, month)
    if city and is_complete(month, on):
        store_month(engine, month, figures, time.perf_counter() - started)
    return figures


def refresh(engine: Engine, last_month: dt.date, months: int = 4) -> list[dt.date]:
    """Store the complete months up to `last_month` and the months before it that are missing
    (the nightly job: the month a review opens on and its comparison months)."""
    stored = []
    month = month_start(last_month)
    for _ in range(months):
        if is_complete(month):
            with engine.connect() as conn:
                present = conn.dialect.has_table(conn, QueryMonthTotal.__tablename__) and (
                    _is_stored(conn, month)
                )
            if not present:
                month_figures(engine, Scope("admin", None), month)
                stored.append(month)
        month = add_months(month, -1)
    return stored
