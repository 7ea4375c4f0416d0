"""Fast idempotent bulk writes for imports: a Core INSERT ... ON CONFLICT compiled once per
(table, columns, dialect), executed with the driver's executemany on plain parameter tuples.

Same statement as data_access.imports.upsert.upsert_rows, without the per-row work of a Core execution
(parameter dicts and per-value processing in Python), which dominates when a file has millions of
rows. Values still go through the column types' own bind processors (so SQLite stores dates and
times exactly as SQLAlchemy does), and always as bound parameters. On PostgreSQL (psycopg) a batch
is COPied into a temporary staging table (dropped at commit) and moved with one
INSERT ... SELECT ... ON CONFLICT, much faster than a statement per row.

`bulk_upsert_frame` is the same for a polars DataFrame (the importer's column-wise path): on
SQLite the values are turned into what SQLAlchemy would store column-wise, then one executemany;
on PostgreSQL the frame is written as CSV straight into COPY. Both return how many rows were
inserted or updated (a row left alone by ON CONFLICT DO NOTHING is not counted).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from sqlalchemy import Column, Connection, Date, DateTime, MetaData, Table, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeEngine


@dataclass(frozen=True)
class _Prepared:
    sql: str
    names: tuple[str, ...]  # bound parameter order (positional drivers) or names (named drivers)
    positional: bool
    processors: tuple[Callable[[Any], Any] | None, ...]  # per column of `columns`


_CACHE: dict[tuple, _Prepared] = {}


_PROBE = dt.datetime(2026, 1, 2, 3, 4, 5, 60708)


def _iso_datetime(value: dt.datetime) -> str:
    return value.isoformat(" ", "microseconds")


def _processor(type_: TypeEngine, dialect: Dialect) -> Callable[[Any], Any] | None:
    """The type's bind processor; for SQLite datetimes an equivalent C-speed one, used only when
    it gives exactly the same text as SQLAlchemy's (checked on a probe value)."""
    processor = type_.dialect_impl(dialect).bind_processor(dialect)
    if processor is not None and dialect.name == "sqlite" and isinstance(type_, DateTime):
        if processor(_PROBE) == _iso_datetime(_PROBE):
            return _iso_datetime
    return processor


def _prepare(
    conn: Connection,
    table: Table,
    columns: tuple[str, ...],
    key: tuple[str, ...],
    update: bool,
    keep: tuple[str, ...] = (),
) -> _Prepared:
    dialect = conn.dialect
    cache_key = (id(table), columns, key, update, keep, dialect.name, dialect.paramstyle)
    prepared = _CACHE.get(cache_key)
    if prepared is not None:
        return prepared
    stmt: postgresql.Insert | sqlite.Insert
    if dialect.name == "postgresql":
        stmt = postgresql.insert(table)
    elif dialect.name == "sqlite":
        stmt = sqlite.insert(table)
    else:
        raise NotImplementedError(f"unsupported database dialect {dialect.name}")
    others = [c for c in columns if c not in key and c not in keep]
    if update and others:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: stmt.excluded[c] for c in others}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    compiled = stmt.compile(dialect=dialect, column_keys=list(columns))
    positional = bool(compiled.positional)
    names = tuple(compiled.positiontup or ()) if positional else tuple(columns)
    if set(names) != set(columns):
        raise RuntimeError(f"unexpected bound parameters {names} for columns {columns}")
    processors = tuple(_processor(table.c[c].type, dialect) for c in columns)
    prepared = _Prepared(compiled.string, names, positional, processors)
    _CACHE[cache_key] = prepared
    return prepared


def _pg_staging(conn: Connection, table: Table, columns: tuple[str, ...]) -> Table:
    """A temporary table with these columns, created once per transaction, dropped on commit."""
    transaction = conn.get_transaction()
    created = conn.info.setdefault("import_staging", {})
    key = (table.name, columns)
    entry = created.get(key)
    if entry is not None and entry[0] is transaction:
        return entry[1]
    staging = Table(
        f"import_staging_{table.name}",
        MetaData(),
        *(Column(c, table.c[c].type) for c in columns),
        prefixes=["TEMPORARY"],
        postgresql_on_commit="DROP",
    )
    staging.create(conn)
    created[key] = (transaction, staging)
    return staging


def _pg_copy_upsert(
    conn: Connection,
    table: Table,
    columns: tuple[str, ...],
    rows: Sequence[Sequence[Any]],
    key: tuple[str, ...],
    update: bool,
    keep: tuple[str, ...] = (),
) -> None:
    """PostgreSQL: COPY the rows into a staging table, then one INSERT ... SELECT ... ON CONFLICT
    (a few round trips per batch instead of one statement per row)."""
    from psycopg import sql

    staging = _pg_staging(conn, table, columns)
    name = sql.Identifier(staging.name)
    copy_stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
        name, sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    driver = conn.connection.driver_connection
    assert driver is not None  # None only once the connection is invalidated
    with driver.cursor() as cursor:
        # TRUNCATE, not DELETE: deleted rows would stay in the table until the transaction ends
        # and every batch would scan all of them again.
        cursor.execute(sql.SQL("TRUNCATE {}").format(name))
        with cursor.copy(copy_stmt) as copy:
            for row in rows:
                copy.write_row(row)
    stmt = postgresql.insert(table).from_select(list(columns), select(*staging.c))
    others = [c for c in columns if c not in key and c not in keep]
    if update and others:
        stmt = stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: stmt.excluded[c] for c in others}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    conn.execute(stmt)


def _upsert_from_staging(
    table: Table,
    staging: Table,
    columns: tuple[str, ...],
    key: tuple[str, ...],
    update: bool,
    keep: tuple[str, ...],
) -> postgresql.Insert:
    stmt = postgresql.insert(table).from_select(list(columns), select(*staging.c))
    others = [c for c in columns if c not in key and c not in keep]
    if update and others:
        return stmt.on_conflict_do_update(
            index_elements=list(key), set_={c: stmt.excluded[c] for c in others}
        )
    return stmt.on_conflict_do_nothing(index_elements=list(key))


def _pg_copy_frame(
    conn: Connection,
    table: Table,
    frame: pl.DataFrame,
    key: tuple[str, ...],
    update: bool,
    keep: tuple[str, ...],
) -> int:
    """PostgreSQL: the frame as CSV into COPY (empty text quoted, NULL unquoted), then one
    INSERT ... SELECT ... ON CONFLICT from the staging table."""
    from psycopg import sql

    columns = tuple(frame.columns)
    staging = _pg_staging(conn, table, columns)
    name = sql.Identifier(staging.name)
    copy_stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        name, sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    upsert = _upsert_from_staging(table, staging, columns, key, update, keep).compile(
        dialect=conn.dialect
    )
    if upsert.params:
        raise RuntimeError(f"unexpected bound parameters {upsert.params}")
    driver = conn.connection.driver_connection
    assert driver is not None  # None only once the connection is invalidated
    with driver.cursor() as cursor:
        cursor.execute(sql.SQL("TRUNCATE {}").format(name))
    _copy_csv(conn, copy_stmt, frame)
    with driver.cursor() as cursor:
        # on the driver's cursor: its rowcount is the rows inserted or updated (SQLAlchemy's
        # result reports -1 for INSERT ... SELECT)
        cursor.execute(upsert.string)
        return int(cursor.rowcount)


def copy_frame(conn: Connection, table: Table, frame: pl.DataFrame) -> int:
    """PostgreSQL (psycopg): COPY the frame straight into the table, for rows whose keys the
    caller has checked are neither stored nor repeated (a key stored meanwhile by another
    transaction makes COPY fail: nothing is written, the import is refused). The rows written."""
    from psycopg import sql

    if frame.height == 0:
        return 0
    copy_stmt = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, frame.columns))
    )
    _copy_csv(conn, copy_stmt, frame)
    return frame.height


def _copy_csv(conn: Connection, copy_stmt: Any, frame: pl.DataFrame) -> None:
    """The frame as CSV into a COPY: empty text quoted, NULL unquoted and empty."""
    data = frame.write_csv(
        include_header=False,
        quote_style="non_numeric",
        null_value="",
        datetime_format="%Y-%m-%d %H:%M:%S%.6f",
        date_format="%Y-%m-%d",
    )
    driver = conn.connection.driver_connection
    assert driver is not None  # None only once the connection is invalidated
    with driver.cursor() as cursor, cursor.copy(copy_stmt) as copy:
        buffer = io.StringIO(data)
        while block := buffer.read(1 << 20):
            copy.write(block)


_SQLITE_DATETIME = "%Y-%m-%d %H:%M:%S%.6f"
_SQLITE_DATE = "%Y-%m-%d"


def _sqlite_text_formats(table: Table, dialect: Dialect) -> dict[str, str]:
    """Per date/time column, the strftime format giving exactly SQLAlchemy's stored text (checked
    on a probe value; a column whose format is not matched is converted in Python)."""
    formats = {}
    probe = pl.Series([_PROBE])
    for column in table.c:
        if isinstance(column.type, DateTime):
            fmt, value = _SQLITE_DATETIME, _PROBE
        elif isinstance(column.type, Date):
            fmt, value = _SQLITE_DATE, _PROBE.date()  # type: ignore[assignment]
        else:
            continue
        processor = column.type.dialect_impl(dialect).bind_processor(dialect)
        series = probe if fmt == _SQLITE_DATETIME else probe.dt.date()
        if processor is not None and processor(value) == series.dt.strftime(fmt)[0]:
            formats[column.name] = fmt
    return formats


def bulk_upsert_frame(
    conn: Connection,
    table: Table,
    frame: pl.DataFrame,
    key: Sequence[str],
    update: bool = True,
    keep: Sequence[str] = (),
) -> int:
    """bulk_upsert for a DataFrame whose columns are table columns; the rows inserted or updated."""
    if frame.height == 0:
        return 0
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        return _pg_copy_frame(conn, table, frame, tuple(key), update, tuple(keep))
    columns = tuple(frame.columns)
    prep = _prepare(conn, table, columns, tuple(key), update, tuple(keep))
    if conn.dialect.name == "sqlite":
        formats = _sqlite_text_formats(table, conn.dialect)
        frame = frame.with_columns(
            pl.col(c).dt.strftime(formats[c])
            for c in columns
            if c in formats and frame.schema[c] in (pl.Date, pl.Datetime)
        )
    order = list(prep.names) if prep.positional else list(columns)
    records = frame.select(order).rows()
    active = [
        (order.index(c), p)
        for c, p in zip(columns, prep.processors, strict=True)
        if p is not None and frame.schema[c] not in (pl.String, pl.Int64, pl.Float64)
    ]
    params: list[Any]
    if active:
        params = []
        for row in records:
            values = list(row)
            for i, proc in active:
                if values[i] is not None:
                    values[i] = proc(values[i])
            params.append(tuple(values))
    else:
        params = records
    if not prep.positional:
        params = [dict(zip(order, v, strict=True)) for v in params]
    result = conn.exec_driver_sql(prep.sql, params)
    return int(result.rowcount)


def bulk_upsert(
    conn: Connection,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    key: Sequence[str],
    update: bool = True,
    keep: Sequence[str] = (),
) -> None:
    """Insert rows (tuples in `columns` order); on a key conflict update the row, or leave it
    when update=False. Columns in `keep` are written for new rows only: an existing row keeps
    its value (a file without an optional column changes nothing of it)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        _pg_copy_upsert(conn, table, tuple(columns), rows, tuple(key), update, tuple(keep))
        return
    prep = _prepare(conn, table, tuple(columns), tuple(key), update, tuple(keep))
    active = [(i, p) for i, p in enumerate(prep.processors) if p is not None]
    processed: Sequence[Sequence[Any]] = rows
    if active:
        converted = []
        for row in rows:
            values = list(row)
            for i, proc in active:
                if values[i] is not None:
                    values[i] = proc(values[i])
            converted.append(values)
        processed = converted
    if prep.positional:
        order = [columns.index(n) for n in prep.names]
        if order == list(range(len(columns))):
            params: list = [tuple(v) for v in processed]
        else:
            params = [tuple(v[i] for i in order) for v in processed]
    else:
        params = [dict(zip(columns, v, strict=True)) for v in processed]
    conn.exec_driver_sql(prep.sql, params)
