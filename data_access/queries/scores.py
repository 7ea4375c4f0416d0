"""Data for the integrity points page: the stored run for an as-of date and its distribution
(grades, red and black lists by county, gender and age band), counted in SQL, cached by URL,
scope and filters. Fairness flags compare each group with the city.
"""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
from sqlalchemy import Connection, Engine, case, func, insert, inspect, select
from sqlalchemy.exc import DBAPIError

from data_access.schema import score_models as sm
from data_access.scope import Scope

AGE_BANDS = ((18, "18-29"), (30, "30-39"), (40, "40-49"), (50, "50-59"), (60, "60-69"), (70, "70+"))
LOW_GRADES = ("C", "D")
FLAG_RATIO = 1.5  # a group flagged when its rate is this many times the city's
FLAG_MIN_PERSONS = 20  # ... and it has at least this many persons
LIST_COUNTS = (*sm.LISTS, "pending_objection")
_LOG = logging.getLogger(__name__)


def latest_run(engine: Engine, scope: Scope, as_of: dt.date) -> dict | None:
    """The most recent run computed for an as-of date on or before `as_of` (None: none yet), with
    `policy_text` (the TOML of the policy it was computed with)."""
    scope.require("city")
    if not inspect(engine).has_table(sm.ScoreRun.__tablename__):
        return None
    run = sm.ScoreRun
    stmt = (
        select(
            run.run_id,
            run.policy_version,
            run.as_of,
            run.computed_at,
            run.persons_scored,
            run.policy_text,
        )  # fmt: skip
        .where(run.as_of <= as_of)
        .order_by(run.as_of.desc(), run.computed_at.desc(), run.run_id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    return dict(row._mapping) if row else None


def is_legacy_run(engine: Engine, scope: Scope, run_id: int) -> bool:
    """True for a run computed before the lawful lists (policy 2026.2 and the engine that goes
    with it): its red list looked back at records past their period and its "black list" was any
    serious record. Such a run stays readable, labelled with its version; its lists are not the
    law's and are never shown as such. Told by the run's rows: the engine of the lawful lists
    fills green_channel for every person, older runs have it empty (one row read, by the key)."""
    scope.require("city")
    s = sm.PersonScore
    with engine.connect() as conn:
        first = conn.execute(select(s.green_channel).where(s.run_id == run_id).limit(1)).first()
    return first is not None and first[0] is None


def _age_band():
    age = sm.PersonScore.age
    whens = [(age >= lo, label) for lo, label in reversed(AGE_BANDS)]
    return case(*whens, else_="?")


DISTRIBUTION_COLUMNS = ["county_code", "gender", "age_band", "grade", "persons", *LIST_COUNTS]


def _count_run(run_id: int):
    """The run's persons by county, gender, age band and grade, counted over person_score
    (columns run_id and DISTRIBUTION_COLUMNS)."""
    s = sm.PersonScore
    band = _age_band().label("age_band")
    # One expression object in SELECT and GROUP BY: PostgreSQL must see the same bound parameter.
    gender = func.coalesce(s.gender, "?")

    def count(flag):
        return func.sum(case((flag, 1), else_=0))

    return (
        select(
            s.run_id,
            s.county_code,
            gender.label("gender"),
            band,
            s.grade,
            func.count().label("persons"),
            *(count(getattr(s, name)).label(name) for name in LIST_COUNTS),
        )
        .where(s.run_id == run_id)
        .group_by(s.run_id, s.county_code, gender, band, s.grade)
    )


def summarise_run(conn: Connection, run_id: int) -> None:
    """Store the run's distribution (score_distribution) in the caller's transaction, in one
    INSERT ... SELECT: the points run calls it before it commits."""
    conn.execute(
        insert(sm.ScoreDistribution).from_select(
            ["run_id", *DISTRIBUTION_COLUMNS], _count_run(run_id)
        )
    )


def _summarised(conn: Connection, run_id: int) -> bool:
    d = sm.ScoreDistribution
    return conn.execute(select(d.run_id).where(d.run_id == run_id).limit(1)).first() is not None


def distribution(
    engine: Engine, scope: Scope, run_id: int, counties: tuple[str, ...]
) -> pd.DataFrame:
    """Persons of the run by county, gender, age band and grade, with the list counts and pending
    objections (columns county_code, gender, age_band, grade, persons, red_list, green_channel,
    serious_record, black_list, pending_objection; green_channel and serious_record are 0 in runs
    of policies before 2026.2, which did not compute them). counties: empty for the whole city.
    Read from the run's stored distribution; a run stored without one (computed by an earlier
    version) is counted once and its distribution stored."""
    scope.require("city")
    d = sm.ScoreDistribution
    sm.ScoreDistribution.__table__.create(engine, checkfirst=True)
    with engine.connect() as conn:
        stored = _summarised(conn, run_id)
    if not stored:
        try:
            with engine.begin() as conn:
                if not _summarised(conn, run_id):
                    summarise_run(conn, run_id)
        except DBAPIError as exc:  # another session stored it meanwhile, or a read-only user
            _LOG.warning("score distribution of run %s not stored: %s", run_id, exc.orig or exc)
            stmt = _count_run(run_id)
            if counties:
                stmt = stmt.where(sm.PersonScore.county_code.in_(counties))
            with engine.connect() as conn:
                rows = conn.execute(stmt).all()
            frame = pd.DataFrame(rows, columns=["run_id", *DISTRIBUTION_COLUMNS])
            return _typed(frame.drop(columns="run_id"))
    stmt = select(*(getattr(d, name) for name in DISTRIBUTION_COLUMNS)).where(d.run_id == run_id)
    if counties:
        stmt = stmt.where(d.county_code.in_(counties))
    stmt = stmt.order_by(d.county_code, d.gender, d.age_band, d.grade)
    with engine.connect() as conn:
        return _typed(pd.DataFrame(conn.execute(stmt).all(), columns=DISTRIBUTION_COLUMNS))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("persons", *LIST_COUNTS):
        frame[column] = frame[column].fillna(0).astype("int64")
    return frame


def by_group(frame: pd.DataFrame, group: str, grades: tuple[str, ...]) -> pd.DataFrame:
    """Persons per grade (columns in `grades` order) and list counts, one row per group value."""
    pivot = frame.pivot_table(
        index=group, columns="grade", values="persons", aggfunc="sum", fill_value=0
    ).reindex(columns=list(grades), fill_value=0)
    lists = frame.groupby(group)[["persons", *LIST_COUNTS]].sum()
    return pivot.join(lists).reset_index()


def fairness_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """Per county, gender and age band: the share of low grades (C, D) and the black-list rate
    against the city's; `flag` when a rate is FLAG_RATIO times the city's in a group of at least
    FLAG_MIN_PERSONS. Columns: dimension, group, persons, low_share, black_rate, flag."""
    total = frame["persons"].sum()
    if total == 0:
        return pd.DataFrame(
            columns=["dimension", "group", "persons", "low_share", "black_rate", "flag"]
        )
    low = frame[frame["grade"].isin(LOW_GRADES)]
    city_low = low["persons"].sum() / total
    city_black = frame["black_list"].sum() / total
    rows = []
    for dimension in ("county_code", "gender", "age_band"):
        persons = frame.groupby(dimension)["persons"].sum()
        lows = low.groupby(dimension)["persons"].sum().reindex(persons.index, fill_value=0)
        blacks = frame.groupby(dimension)["black_list"].sum()
        for value, n in persons.items():
            # pandas-stubs: Series[] takes no Hashable label, which is what items() yields
            low_share, black_rate = lows[value] / n, blacks[value] / n  # type: ignore[call-overload]
            high = (city_low > 0 and low_share >= FLAG_RATIO * city_low) or (
                city_black > 0 and black_rate >= FLAG_RATIO * city_black
            )
            rows.append(
                {
                    "dimension": dimension,
                    "group": value,
                    "persons": int(n),
                    "low_share": low_share,
                    "black_rate": black_rate,
                    "flag": bool(high and n >= FLAG_MIN_PERSONS),
                }
            )
    return pd.DataFrame(rows)
