"""The reference catalogues: read reference_data/*.csv and keep them in the database.

Loading is idempotent (upsert by code), so `init` can run on an existing database. The working-day
calendar (reference/calendar/<year>.csv, read by data_access.queries.workdays) is loaded the same way.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import DDL, Connection, Engine, String, Table, delete, inspect

import reference_data
from data_access.imports.upsert import upsert_rows
from data_access.queries.workdays import calendar_rows
from data_access.schema import models as m
from data_access.schema.calendar_models import WorkCalendarDay
from data_access.schema.partitions import (
    create_partitioned,
    driver_of,
    is_partitioned,
    operator_key,
    operator_key_current,
)

REFERENCE_DIR = reference_data.DIR


@cache
def read_catalogue(name: str) -> tuple[dict[str, str], ...]:
    """Rows of reference_data/<name>.csv as dictionaries (cached, read-only)."""
    with open(REFERENCE_DIR / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh))


def codes(name: str) -> frozenset[str]:
    return frozenset(row["code"] for row in read_catalogue(name))


def county_codes() -> frozenset[str]:
    """The ten county-level units (residents live here); zones excluded."""
    return frozenset(r["code"] for r in read_catalogue("counties") if r["kind"] != "zone")


def zhoukou_id_region_codes() -> dict[str, str]:
    """Every region code a Zhoukou resident's ID may carry, mapped to today's county code."""
    mapping: dict[str, str] = {}
    for row in read_catalogue("counties"):
        if row["kind"] == "zone":
            continue
        mapping[row["code"]] = row["code"]
        for old in filter(None, row["historical_id_codes"].split(";")):
            mapping[old] = row["code"]
    return mapping


def _rows() -> list[tuple[type[m.Base], list[dict]]]:
    counties = [
        {
            "code": r["code"],
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
            "kind": r["kind"],
            "population_2018": int(r["population_2018"]) if r["population_2018"] else None,
            "historical_id_codes": r["historical_id_codes"],
        }
        for r in read_catalogue("counties")
    ]
    departments = [dict(r) for r in read_catalogue("departments")]
    units = [
        {"code": r["code"], "kind": "department", "name_zh": r["name_zh"], "name_en": r["name_en"]}
        for r in departments
    ] + [
        {
            "code": r["code"],
            "kind": "zone" if r["kind"] == "zone" else "county",
            "name_zh": r["name_zh"],
            "name_en": r["name_en"],
        }
        for r in counties
    ]
    purposes = [
        {**r, "needs_authorization": r["needs_authorization"].strip().lower() == "yes"}
        for r in read_catalogue("purposes")
    ]
    return [
        (m.County, counties),
        (m.Department, departments),
        (m.ReportingUnit, units),
        (m.Profession, [dict(r) for r in read_catalogue("professions")]),
        (m.Domain, [dict(r) for r in read_catalogue("domains")]),
        (m.RecordCategory, [dict(r) for r in read_catalogue("record_categories")]),
        (m.CatalogueItem, [dict(r) for r in read_catalogue("catalog_items")]),
        (m.Purpose, purposes),
    ]


def load_reference(conn: Connection) -> None:
    """Upsert every catalogue into the database, parents before children."""
    for model, rows in _rows():
        upsert_rows(conn, model.__table__, rows, key=["code"])


def load_calendar(conn: Connection) -> None:
    """Make work_calendar hold exactly the days of reference_data/calendar/<year>.csv for
    every year that has a file (that year's rows replaced); years without a file are untouched."""
    years, rows = calendar_rows()
    table = WorkCalendarDay.__table__
    for year in years:
        conn.execute(
            delete(table).where(
                table.c.day >= dt.date(year, 1, 1), table.c.day <= dt.date(year, 12, 31)
            )
        )
    if rows:
        conn.execute(table.insert(), rows)


def upgrade_schema(engine: Engine) -> list[str]:
    """Bring a database made by an earlier version up to the models: create missing tables, add
    missing nullable columns and, on PostgreSQL, widen a text column the models made longer
    (query_log.flags; the partitions follow their parent). Returns `table.column` added or
    widened."""
    if engine.dialect.name == "postgresql":  # query_log partitioned by month (schema.partitions)
        query_log = m.QueryLog.__table__
        others = [t for t in m.Base.metadata.sorted_tables if t is not query_log]
        m.Base.metadata.create_all(engine, tables=others)
        with engine.begin() as conn:
            if not create_partitioned(conn) and is_partitioned(driver_of(conn)):
                operator_key(driver_of(conn))  # an earlier version's foreign key replaced
    m.Base.metadata.create_all(engine)
    added: list[str] = []
    with engine.begin() as conn:  # one connection: a second would block SQLite's bulk loader
        present = inspect(conn)
        for table in m.Base.metadata.sorted_tables:
            have = {c["name"] for c in present.get_columns(table.name)}
            for column in table.columns:
                if column.name in have or not column.nullable:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                conn.execute(
                    DDL(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")
                )  # names and types from the models, never from input
                added.append(f"{table.name}.{column.name}")
            if engine.dialect.name == "postgresql":
                added += _widen(conn, table, present.get_columns(table.name))
    return added


def _widen(conn: Connection, table: Table, present: Sequence[Mapping[str, Any]]) -> list[str]:
    """ALTER a varchar column stored shorter than the model declares (a catalogue-only change
    on PostgreSQL); names and lengths from the models, never from input."""
    stored = {c["name"]: getattr(c["type"], "length", None) for c in present}
    widened = []
    for column in table.columns:
        want = getattr(column.type, "length", None)
        have = stored.get(column.name)
        if isinstance(column.type, String) and want and have and have < want:
            conn.execute(DDL(f"ALTER TABLE {table.name} ALTER COLUMN {column.name} "
                             f"TYPE VARCHAR({int(want)})"))  # fmt: skip
            widened.append(f"{table.name}.{column.name}")
    return widened


def schema_is_current(engine: Engine) -> bool:
    """True when every table and column of the models exists (and, on PostgreSQL, the query
    log's operator key is this version's: schema.partitions.operator_key)."""
    with engine.connect() as conn:
        present = inspect(conn)
        tables = set(present.get_table_names())
        for table in m.Base.metadata.sorted_tables:
            if table.name not in tables:
                return False
            have = {c["name"] for c in present.get_columns(table.name)}
            if not {c.name for c in table.columns} <= have:
                return False
        if engine.dialect.name == "postgresql":
            return operator_key_current(driver_of(conn))
    return True


def init_schema(engine: Engine) -> None:
    """Create missing tables, columns and indexes, then load the reference catalogues and the
    calendar."""
    upgrade_schema(engine)
    with engine.begin() as conn:
        load_reference(conn)
        load_calendar(conn)
