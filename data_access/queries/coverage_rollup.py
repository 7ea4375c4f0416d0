"""Coverage figures read from stored city-wide rollups instead of the raw rows.

`coverage.roster_counts` and `coverage.population_counts` join a million current practitioners
(or nine million residents) to three million credit records: 15-20 s each on the city database,
and the overview asks for two dates. Their city-wide results are small (a row per profession and
county, a row per county) and add up over counties, so they are computed once per as-of date,
stored (data_access.schema.rollup_models) and read back with the scope and county filters applied in
SQL.

A stored rollup is used only while it is fresh: its marker records the newest import of persons,
rosters or credit records (import_run) when the computation started, and any later import makes
it stale. Every write of those tables goes through data_access.imports.importer, which records an
import_run row in the same transaction; the seed build computes the rollups at its end.

Who computes: a scope that sees all departments computes and stores a missing or stale rollup
(the city-wide query is the one it would run anyway), one viewer at a time: the others wait for
it and read what it stored (rollup_once); a department head meets a missing one with the live
query of its own scope, which is fast, and never waits for the city's.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, inspect, select
from sqlalchemy.exc import DBAPIError

from data_access.clock import city_now
from data_access.queries import coverage as cv
from data_access.queries.display_period import one_year_earlier
from data_access.queries.rollup_once import compute_once
from data_access.schema import models as m
from data_access.schema.rollup_models import (
    DomainRecordRollup,
    DomainStatusRollup,
    PopulationRollup,
    RollupRun,
    RosterCoverageRollup,
)
from data_access.scope import Scope

# the domain rollups (data_access.queries.domain_rollup) share the marker and its freshness
ROLLUP_TABLES = (
    RosterCoverageRollup,
    PopulationRollup,
    DomainRecordRollup,
    DomainStatusRollup,
    RollupRun,
)
SOURCE_KINDS = ("persons", "roster", "credit-records")
CITY = Scope("admin", None)
_LOG = logging.getLogger(__name__)
ROSTER, POPULATION = "roster", "population"
T = TypeVar("T")


def ensure_tables(engine: Engine) -> None:
    """Create the rollup tables on a database built before they existed; a population rollup
    stored before it counted residents is dropped (a cache: the next read computes it again)."""
    with engine.connect() as conn:
        if engine.dialect.has_table(conn, PopulationRollup.__tablename__):
            columns = {c["name"] for c in inspect(conn).get_columns(PopulationRollup.__tablename__)}
            if "residents" not in columns:
                PopulationRollup.__table__.drop(conn)
                if engine.dialect.has_table(conn, RollupRun.__tablename__):
                    conn.execute(delete(RollupRun).where(RollupRun.part == POPULATION))
                conn.commit()
    for model in ROLLUP_TABLES:
        model.__table__.create(engine, checkfirst=True)


def _generation(conn: Connection) -> int:
    stmt = select(func.coalesce(func.max(m.ImportRun.run_id), 0)).where(
        m.ImportRun.kind.in_(SOURCE_KINDS)
    )
    return int(conn.execute(stmt).scalar_one())


def is_fresh(engine: Engine, as_of: dt.date, part: str) -> bool:
    """Whether a complete rollup of the part for the date is stored and no import came after."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, RollupRun.__tablename__):
            return False
        stored = conn.execute(
            select(RollupRun.import_generation).where(
                RollupRun.as_of == as_of, RollupRun.part == part
            )
        ).scalar_one_or_none()
        return stored is not None and stored == _generation(conn)


def store_once(engine: Engine, as_of: dt.date, part: str, compute: Callable[[], T]) -> T | None:
    """compute() (which stores the part's rollup for the date) unless another viewer stored it
    while this one waited for the rollup's lock (rollup_once): then None, read the table."""
    return compute_once(engine, f"{part}@{as_of}", lambda: is_fresh(engine, as_of, part), compute)


def computed_at(engine: Engine, as_of: dt.date) -> dt.datetime | None:
    """When the roster rollup for the date was computed, while it is fresh; None otherwise."""
    if not is_fresh(engine, as_of, ROSTER):
        return None
    stmt = select(RollupRun.computed_at).where(RollupRun.as_of == as_of, RollupRun.part == ROSTER)
    with engine.connect() as conn:
        return conn.execute(stmt).scalar_one_or_none()


def _store(engine: Engine, as_of: dt.date, part: str) -> pd.DataFrame:
    """Compute the city-wide rollup of the part for the date, store it when the database lets
    us, and return it (the caller answers from it when it could not be stored)."""
    with engine.connect() as conn:
        generation = _generation(conn)
    started = time.perf_counter()
    model: type[RosterCoverageRollup | PopulationRollup]
    if part == ROSTER:
        model, frame = RosterCoverageRollup, cv.roster_counts(engine, CITY, as_of)
    else:
        model, frame = PopulationRollup, cv.population_by_county(engine, as_of)
    records = cast(list[dict[str, Any]], frame.to_dict(orient="records"))  # str column names
    rows = [{"as_of": as_of, **row} for row in records]
    write(engine, as_of, part, model, rows, generation, time.perf_counter() - started)
    return frame


def write(
    engine: Engine,
    as_of: dt.date,
    part: str,
    model: Any,
    rows: list[dict[str, Any]],
    generation: int,
    seconds: float | None,
    *narrower: Any,
) -> None:
    """Replace the model's rows of the date (and of the `narrower` conditions) and the part's
    marker in one transaction (the coverage and domain rollups)."""
    marker = {"as_of": as_of, "part": part, "import_generation": generation,
              "computed_at": city_now(), "seconds": None if seconds is None else round(seconds, 2)}  # fmt: skip
    try:
        ensure_tables(engine)
        with engine.begin() as conn:
            conn.execute(delete(model).where(model.as_of == as_of, *narrower))
            conn.execute(delete(RollupRun).where(RollupRun.as_of == as_of, RollupRun.part == part))
            if rows:
                conn.execute(insert(model), rows)
            conn.execute(insert(RollupRun), marker)
    except DBAPIError as exc:
        # Another session stored the same rollup at the same moment, another writer holds the
        # lock, or this database user may not write here: the figures are still right.
        _LOG.warning("rollup %s %s not stored: %s", part, as_of, exc.orig or exc)


def forget_all(engine: Engine) -> None:
    """Drop every stored rollup: for writers that bypass data_access.imports.importer (the seed build)."""
    ensure_tables(engine)
    with engine.begin() as conn:
        for model in ROLLUP_TABLES:
            conn.execute(delete(model))


def refresh(engine: Engine, as_of: dt.date) -> None:
    """Compute and store both rollups for the date."""
    for part in (ROSTER, POPULATION):
        _store(engine, as_of, part)


def refresh_with_last_year(engine: Engine, as_of: dt.date) -> dict[dt.date, float]:
    """Both rollups for the date and the same date a year earlier (what the overview compares),
    the seed build's last step and the nightly job; returns the seconds each date took."""
    seconds = {}
    for day in (as_of, one_year_earlier(as_of)):
        started = time.perf_counter()
        refresh(engine, day)
        seconds[day] = time.perf_counter() - started
    return seconds


def _narrowed(
    city: pd.DataFrame, counties: Sequence[str], professions: Sequence[str] | None
) -> pd.DataFrame:
    """A city-wide rollup just computed for a scope that sees every department, narrowed to the
    filters: the answer when it could not be stored."""
    keep = pd.Series(True, index=city.index)
    if counties:
        keep &= city["county_code"].isin(list(counties))
    if professions is not None:
        keep &= city["profession_code"].isin(list(professions))
    return city[keep].reset_index(drop=True)


def roster_counts(
    engine: Engine,
    scope: Scope,
    as_of: dt.date,
    counties: Sequence[str] = (),
    professions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """`coverage.roster_counts`, the same rows, from the stored rollup when it is fresh."""
    if not is_fresh(engine, as_of, ROSTER):
        if not scope.sees_all_departments:
            return cv.roster_counts(engine, scope, as_of, counties, professions)
        # None: another viewer stored it meanwhile; not fresh: not stored, or an import came
        city = store_once(engine, as_of, ROSTER, lambda: _store(engine, as_of, ROSTER))
        if city is not None and not is_fresh(engine, as_of, ROSTER):
            return _narrowed(city, counties, professions)
    r = RosterCoverageRollup
    stmt = (
        select(*(getattr(r, name) for name in cv.ROSTER_COLUMNS))
        .join(m.Profession, m.Profession.code == r.profession_code)
        .where(r.as_of == as_of, *cv.profession_conditions(scope, professions))
        .order_by(r.profession_code, r.county_code)
    )
    if counties:
        stmt = stmt.where(r.county_code.in_(list(counties)))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=cv.ROSTER_COLUMNS)
    return cv.as_int(frame, cv.ROSTER_COLUMNS[2:])


def residents(engine: Engine, counties: Sequence[str] = ()) -> int | None:
    """Persons in the register (in the chosen counties) from the newest fresh population
    rollup, whatever its date (every import of persons makes them all stale); None without one."""
    try:
        ensure_tables(engine)  # a population rollup stored before it counted residents goes
    except DBAPIError as exc:  # a user who may not change the schema: count live
        _LOG.warning("population rollup not checked: %s", exc.orig or exc)
        return None
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, RollupRun.__tablename__):
            return None
        newest = conn.execute(
            select(RollupRun.as_of)
            .where(RollupRun.part == POPULATION, RollupRun.import_generation == _generation(conn))
            .order_by(RollupRun.as_of.desc())
            .limit(1)
        ).scalar_one_or_none()
        if newest is None:
            return None
        p = PopulationRollup
        stmt = select(func.coalesce(func.sum(p.residents), 0)).where(p.as_of == newest)
        if counties:
            stmt = stmt.where(p.county_code.in_(list(counties)))
        return int(conn.execute(stmt).scalar_one())


def population_counts(engine: Engine, as_of: dt.date, counties: Sequence[str] = ()) -> pd.Series:
    """`coverage.population_counts`, the same figures, from the stored rollup (computed when
    missing or stale: the population is a city-wide reference, not a department's data)."""
    if not is_fresh(engine, as_of, POPULATION):
        city = store_once(engine, as_of, POPULATION, lambda: _store(engine, as_of, POPULATION))
        if city is not None and not is_fresh(engine, as_of, POPULATION):  # as roster_counts
            city = _narrowed(city, counties, None)
            return pd.Series([int(city[n].sum()) for n in cv.POPULATION_COLUMNS],
                             index=cv.POPULATION_COLUMNS)  # fmt: skip
    p = PopulationRollup
    stmt = select(*(func.coalesce(func.sum(getattr(p, n)), 0) for n in cv.POPULATION_COLUMNS))
    stmt = stmt.where(p.as_of == as_of)
    if counties:
        stmt = stmt.where(p.county_code.in_(list(counties)))
    with engine.connect() as conn:
        values = conn.execute(stmt).one()
    return pd.Series([int(v or 0) for v in values], index=cv.POPULATION_COLUMNS)
