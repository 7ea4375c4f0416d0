"""Database side of the integrity points: read a county's adults and their records into polars,
store a run's results in bulk, read one person for the ledger, read stored runs.

Every query is a SQLAlchemy Core select() with bound parameters. Results are written with the
driver's fastest bulk path: COPY on PostgreSQL (psycopg), one executemany on SQLite.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import polars as pl
from sqlalchemy import (
    Connection,
    Engine,
    String,
    delete,
    insert,
    or_,
    select,
    type_coerce,
    update,
)

from data_access.schema import models as m
from data_access.schema import score_models as sm

# The records frame the engine and the ledger read (scoring.points_engine).
RECORD_SCHEMA: dict[str, Any] = {
    "record_id": pl.String,
    "id_number": pl.String,
    "category_code": pl.String,
    "polarity": pl.String,
    "severity": pl.String,
    "level": pl.String,
    "quantity": pl.Float64,
    "decision_date": pl.Date,
    "display_until": pl.Date,
    "status": pl.String,
}

FETCH_ROWS = 100_000  # rows per fetch: bounds the Python objects alive at once

PERSON_SCHEMA: dict[str, Any] = {
    "id_number": pl.String,
    "birth_date": pl.Date,
    "county_code": pl.String,
    "gender": pl.String,
}
SCORE_COLUMNS = (
    "run_id",
    "id_number",
    "points",
    "grade",
    "red_list",
    "green_channel",
    "serious_record",
    "black_list",
    "pending_objection",
    "positive_points",
    "negative_points",
    "county_code",
    "gender",
    "age",
)
SCORED_POLARITIES = ("positive", "negative")


def ensure_score_tables(engine: Engine) -> None:
    """Create score_run, person_score and score_distribution when missing (databases made
    before they existed)."""
    tables = [sm.ScoreRun.__table__, sm.PersonScore.__table__, sm.ScoreDistribution.__table__]
    m.Base.metadata.create_all(engine, tables=tables)


def _frame(conn: Connection, stmt, schema: dict[str, Any]) -> pl.DataFrame:
    """The rows of a select() as a polars frame, fetched FETCH_ROWS at a time.

    SQLite keeps dates as ISO text: they are fetched as text and parsed by polars (much faster
    than a Python date object per value); other drivers return dates."""
    text_dates = conn.dialect.name == "sqlite"
    dates = [c for c, t in schema.items() if t == pl.Date]
    if text_dates and dates:
        stmt = stmt.with_only_columns(
            *(
                type_coerce(c, String).label(c.name) if c.name in dates else c
                for c in stmt.selected_columns
            )
        )
    fetch_schema = {c: (pl.String if text_dates and c in dates else t) for c, t in schema.items()}
    # SQLAlchemy binds the parameters and runs the statement; the rows are then taken straight
    # from the DB-API cursor, FETCH_ROWS at a time: plain tuples, without a Row object per row
    # (half the time on a county of adults). Not with stream_results: its buffered strategy
    # pre-fetches rows from the cursor. So psycopg holds one county's result in memory at most.
    result = conn.execute(stmt)
    parts = []
    try:
        while rows := result.cursor.fetchmany(FETCH_ROWS):
            parts.append(pl.DataFrame(rows, schema=fetch_schema, orient="row"))
    finally:
        result.close()
    frame = pl.concat(parts) if parts else pl.DataFrame(schema=fetch_schema)
    if text_dates and dates:
        frame = frame.with_columns(pl.col(dates).str.to_date("%Y-%m-%d"))
    return frame


def county_codes(conn: Connection) -> list[str]:
    """Every county-level code (zones included; they simply have no residents)."""
    return list(conn.scalars(select(m.County.code).order_by(m.County.code)))


def _record_columns():
    r = m.CreditRecord
    return (
        r.record_id,
        r.id_number,
        r.category_code,
        m.RecordCategory.polarity,
        r.severity,
        r.level,
        r.quantity,
        r.decision_date,
        r.display_until,
        r.status,
    )


def _maybe_adult(cutoff: dt.date):
    """Persons born on or before the cutoff, and those without a birth date (the engine takes it
    from the ID number)."""
    return or_(m.Person.birth_date <= cutoff, m.Person.birth_date.is_(None))


def read_county_persons(conn: Connection, county: str, cutoff: dt.date) -> pl.DataFrame:
    """The county's persons who may be adults on the as-of date (PERSON_SCHEMA)."""
    p = m.Person
    stmt = select(p.id_number, p.birth_date, p.county_code, p.gender).where(
        p.county_code == county, _maybe_adult(cutoff)
    )
    return _frame(conn, stmt, PERSON_SCHEMA)


def read_county_records(
    conn: Connection, county: str, cutoff: dt.date, as_of: dt.date, earliest: dt.date
) -> pl.DataFrame:
    """Positive and negative records of the county's possible adults that may matter on the
    as-of date: decided on or before it, and decided on or after `earliest` or still displayed.
    (Older records give 0 points and cannot block the red list, see scoring.points_run.)"""
    r, p, c = m.CreditRecord, m.Person, m.RecordCategory
    stmt = (
        select(*_record_columns())
        .join(p, p.id_number == r.id_number)
        .join(c, c.code == r.category_code)
        .where(
            p.county_code == county,
            _maybe_adult(cutoff),
            c.polarity.in_(SCORED_POLARITIES),
            r.decision_date <= as_of,
            or_(r.decision_date >= earliest, r.display_until > as_of),
        )
    )
    return _frame(conn, stmt, RECORD_SCHEMA)


def read_person(conn: Connection, id_number: str) -> dict[str, Any] | None:
    """One person's id_number, birth_date, county_code and gender (None when unknown)."""
    p = m.Person
    row = conn.execute(
        select(p.id_number, p.birth_date, p.county_code, p.gender).where(p.id_number == id_number)
    ).first()
    return dict(row._mapping) if row else None


def read_person_records(conn: Connection, id_number: str) -> pl.DataFrame:
    """Every positive and negative record of one person, whatever its date (RECORD_SCHEMA)."""
    r, c = m.CreditRecord, m.RecordCategory
    stmt = (
        select(*_record_columns())
        .join(c, c.code == r.category_code)
        .where(r.id_number == id_number, c.polarity.in_(SCORED_POLARITIES))
        .order_by(r.decision_date, r.record_id)
    )
    return _frame(conn, stmt, RECORD_SCHEMA)


# --------------------------------------------------------------------------- writing a run


def begin_run(
    conn: Connection, policy_version: str, as_of: dt.date, policy_text: str, now: dt.datetime
) -> int:
    """Delete any run of the same policy version and as-of date, start a new one: its run_id."""
    run, score = sm.ScoreRun, sm.PersonScore
    old = conn.scalars(
        select(run.run_id).where(run.policy_version == policy_version, run.as_of == as_of)
    ).all()
    if old:
        conn.execute(delete(score).where(score.run_id.in_(old)))
        if conn.dialect.has_table(conn, sm.ScoreDistribution.__tablename__):
            dist = sm.ScoreDistribution
            conn.execute(delete(dist).where(dist.run_id.in_(old)))
        conn.execute(delete(run).where(run.run_id.in_(old)))
    key = conn.execute(
        insert(run).values(
            policy_version=policy_version,
            as_of=as_of,
            computed_at=now,
            persons_scored=0,
            seconds=0.0,
            policy_text=policy_text,
        )
    ).inserted_primary_key
    assert key is not None  # a single-row INSERT always has one
    return key[0]


def finish_run(conn: Connection, run_id: int, persons_scored: int, seconds: float) -> None:
    run = sm.ScoreRun
    conn.execute(
        update(run)
        .where(run.run_id == run_id)
        .values(persons_scored=persons_scored, seconds=round(seconds, 3))
    )


def write_scores(conn: Connection, run_id: int, scores: pl.DataFrame) -> int:
    """Insert the scores of one chunk (score_frame output with county_code, gender); row count."""
    if scores.is_empty():
        return 0
    frame = scores.with_columns(run_id=pl.lit(run_id, dtype=pl.Int64)).select(SCORE_COLUMNS)
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _copy_pg(conn, frame)
    else:
        booleans = [c for c, t in frame.schema.items() if t == pl.Boolean]
        frame = frame.with_columns(pl.col(booleans).cast(pl.Int8))
        compiled = insert(sm.PersonScore).compile(dialect=conn.dialect, column_keys=SCORE_COLUMNS)
        order = compiled.positiontup if compiled.positional else None
        if order is not None:
            conn.exec_driver_sql(compiled.string, list(frame.select(order).iter_rows()))
        else:
            conn.exec_driver_sql(compiled.string, list(frame.iter_rows(named=True)))
    return frame.height


def _copy_pg(conn: Connection, frame: pl.DataFrame) -> None:
    from psycopg import sql

    stmt = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
        sql.Identifier(sm.PersonScore.__tablename__),
        sql.SQL(", ").join(map(sql.Identifier, frame.columns)),
    )
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False)
    driver = conn.connection.driver_connection
    assert driver is not None  # None only once the connection is invalidated
    with driver.cursor() as cursor, cursor.copy(stmt) as copy:
        copy.write(buffer.getvalue())


# --------------------------------------------------------------------------- reading runs


def read_scores(conn: Connection, run_id: int) -> pl.DataFrame:
    """Every stored score of a run, sorted by id_number."""
    s = sm.PersonScore
    cols = [s.__table__.c[c] for c in SCORE_COLUMNS if c != "run_id"]
    schema = {
        "id_number": pl.String,
        "points": pl.Int64,
        "grade": pl.String,
        "red_list": pl.Boolean,
        "green_channel": pl.Boolean,
        "serious_record": pl.Boolean,
        "black_list": pl.Boolean,
        "pending_objection": pl.Boolean,
        "positive_points": pl.Int64,
        "negative_points": pl.Int64,
        "county_code": pl.String,
        "gender": pl.String,
        "age": pl.Int64,
    }
    stmt = select(*cols).where(s.run_id == run_id).order_by(s.id_number)
    return _frame(conn, stmt, schema)


def read_run_grades(conn: Connection, run_id: int, county: str) -> pl.DataFrame:
    """id_number, grade and the list flags of a county's persons in a stored run."""
    s = sm.PersonScore
    stmt = select(s.id_number, s.grade, s.red_list, s.green_channel, s.serious_record,
                  s.black_list).where(s.run_id == run_id, s.county_code == county)  # fmt: skip
    schema = {"id_number": pl.String, "grade": pl.String, "red_list": pl.Boolean,
              "green_channel": pl.Boolean, "serious_record": pl.Boolean,
              "black_list": pl.Boolean}  # fmt: skip
    return _frame(conn, stmt, schema)
