"""Coverage's domain figures read from stored city-wide rollups instead of three million records.

`coverage.domain_records` (four breakdowns of the visible records of a window) and
`coverage.domain_display_status` count the city's credit records: 6-8 s together on the city
database. Counted once per county of the person as well, their rows add up over counties (a person
lives in one county, so distinct persons add up too) and per domain, so one stored city-wide
rollup answers every scope (its domains) and every county filter, summed in SQL.

Freshness and who computes follow data_access.queries.coverage_rollup (same `rollup_run`
marker, same imports making it stale): a scope that sees every department computes and stores a
missing or stale rollup; a department head meets a missing one with the live query of its own
scope. The nightly rollups job stores the as-of date's default window (DEFAULT_MONTHS).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.queries import coverage as cv
from data_access.queries import coverage_rollup as cr
from data_access.queries.coverage_measures import month_window_start
from data_access.schema import models as m
from data_access.schema.rollup_models import DomainRecordRollup, DomainStatusRollup
from data_access.scope import Scope

# a breakdown's columns after domain_code, stored in key_1..key_3 in this order
KEYS = {
    "polarity": ["polarity"],
    "category": ["category_code", "polarity", "severity"],
    "department": ["source_dept", "polarity"],
    "month": ["month", "polarity"],
}
STATUS = "display"
DEFAULT_MONTHS = 12  # the coverage page's default window
_LOG = logging.getLogger(__name__)


def _records_part(start: dt.date) -> str:
    return f"dom{start:%Y%m%d}"


def _store(
    engine: Engine, as_of: dt.date, part: str, model: Any, rows: list[dict], *narrower: Any
) -> None:
    """Replace the part's rows and marker for the date (coverage_rollup.write)."""
    with engine.connect() as conn:
        generation = cr._generation(conn)
    cr.write(engine, as_of, part, model, rows, generation, None, *narrower)


def _count_records(engine: Engine, as_of: dt.date, start: dt.date) -> dict[str, pd.DataFrame]:
    """Every breakdown of the city's visible records of the window, per county."""
    return {by: cv.domain_records(engine, cr.CITY, as_of, start, by, by_county=True) for by in KEYS}


def store_records(engine: Engine, as_of: dt.date, start: dt.date) -> dict[str, pd.DataFrame]:
    """Count and store every breakdown of the window; returns the city-wide frames per county."""
    started = time.perf_counter()
    city = _count_records(engine, as_of, start)
    rows = []
    for by, frame in city.items():
        keys = KEYS[by]
        for record in frame.to_dict(orient="records"):
            row = {"as_of": as_of, "window_start": start, "breakdown": by,
                   "county_code": record["county_code"], "domain_code": record["domain_code"],
                   "records": int(record["records"]), "persons": int(record["persons"])}  # fmt: skip
            for i in range(3):
                value = record[keys[i]] if i < len(keys) else None
                row[f"key_{i + 1}"] = None if value is None or value != value else str(value)
            rows.append(row)
    _store(engine, as_of, _records_part(start), DomainRecordRollup, rows,
           DomainRecordRollup.window_start == start)  # fmt: skip
    _LOG.info("domain records rollup %s %s: %.1f s", as_of, start, time.perf_counter() - started)
    return city


def store_status(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Count and store the display status of the city's negative records, per county."""
    city = cv.domain_display_status(engine, cr.CITY, as_of, by_county=True)
    rows = [{"as_of": as_of, **r} for r in city.to_dict(orient="records")]
    _store(engine, as_of, STATUS, DomainStatusRollup, rows)
    return city


def refresh(engine: Engine, as_of: dt.date) -> None:
    """Store the date's default window and display status (the nightly rollups job)."""
    store_records(engine, as_of, month_window_start(as_of, DEFAULT_MONTHS))
    store_status(engine, as_of)


def _scoped_domains(scope: Scope):
    return select(m.Domain.code).where(*cv.domain_conditions(scope, None))


def _summed(city: pd.DataFrame, group: list[str], counties: Sequence[str]) -> pd.DataFrame:
    """A just-counted city frame (per county) summed over the chosen counties: the answer when
    it could not be stored."""
    if counties:
        city = city[city["county_code"].isin(list(counties))]
    numbers = [c for c in city.columns if c not in (*group, "county_code")]
    out = city.groupby(group, dropna=False, as_index=False, sort=True)[numbers].sum()
    return cv.as_int(out, numbers)


def domain_records(
    engine: Engine,
    scope: Scope,
    as_of: dt.date,
    start: dt.date,
    by: str,
    counties: Sequence[str] = (),
) -> pd.DataFrame:
    """`coverage.domain_records`, the same rows, from the stored rollup when it is fresh."""
    part = _records_part(start)
    if not cr.is_fresh(engine, as_of, part):
        if not scope.sees_all_departments:
            return cv.domain_records(engine, scope, as_of, start, by, counties)
        city = cr.store_once(engine, as_of, part, lambda: store_records(engine, as_of, start))
        if city is not None and not cr.is_fresh(engine, as_of, part):
            return _summed(city[by], ["domain_code", *KEYS[by]], counties)
    r = DomainRecordRollup
    keys = [getattr(r, f"key_{i + 1}") for i in range(len(KEYS[by]))]
    stmt = (
        select(r.domain_code, *keys, func.sum(r.records), func.sum(r.persons))
        .where(
            r.as_of == as_of,
            r.window_start == start,
            r.breakdown == by,
            r.domain_code.in_(_scoped_domains(scope)),
        )
        .group_by(r.domain_code, *keys)
        .order_by(r.domain_code, *keys)
    )
    if counties:
        stmt = stmt.where(r.county_code.in_(list(counties)))
    columns = ["domain_code", *KEYS[by], "records", "persons"]
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=columns)
    return cv.as_int(frame, ["records", "persons"])


def domain_display_status(
    engine: Engine, scope: Scope, as_of: dt.date, counties: Sequence[str] = ()
) -> pd.DataFrame:
    """`coverage.domain_display_status`, the same rows, from the stored rollup when fresh."""
    if not cr.is_fresh(engine, as_of, STATUS):
        if not scope.sees_all_departments:
            return cv.domain_display_status(engine, scope, as_of, counties)
        city = cr.store_once(engine, as_of, STATUS, lambda: store_status(engine, as_of))
        if city is not None and not cr.is_fresh(engine, as_of, STATUS):
            return _summed(city, ["domain_code"], counties)
    s = DomainStatusRollup
    numbers = cv.DISPLAY_STATUS_COLUMNS[1:]
    stmt = (
        select(s.domain_code, *(func.sum(getattr(s, n)) for n in numbers))
        .where(s.as_of == as_of, s.domain_code.in_(_scoped_domains(scope)))
        .group_by(s.domain_code)
        .order_by(s.domain_code)
    )
    if counties:
        stmt = stmt.where(s.county_code.in_(list(counties)))
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=cv.DISPLAY_STATUS_COLUMNS)
    return cv.as_int(frame, numbers)
