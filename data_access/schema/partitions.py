"""The query log's monthly partitions on PostgreSQL: the partitioned table, a partition per month
created as writes need it, the listing, and the retention rule's archive-and-detach.

On PostgreSQL `query_log` is declared `PARTITION BY RANGE (queried_at)`, one partition per
calendar month (`query_log_y2026m03` holds 2026-03-01 00:00 up to 2026-04-01 00:00, local time as
stored), plus `query_log_default` for a row of a month without its partition (a dashboard lookup
logged on the first day of a month, a script writing directly): creating that month's partition
later moves such rows into it. SQLite keeps a plain table; the same queries read both.

A primary key of a partitioned table must contain the partition key, so the key is
(query_id, queried_at): PostgreSQL no longer proves on its own that a query_id is stored once.
The importer does (importers.importer): every query_id of a file is looked up in the whole table
before its rows are written (a stored one must be identical and is then skipped), query-log
imports on PostgreSQL take a transaction-level advisory lock so that two never interleave, and
the other writers make unique ids by construction (generator, `DASH-<uuid>` dashboard lookups).

Retention: lookups are kept online for RETENTION_MONTHS whole months before the current one (3
years, the city's assumption until the credit office sets its own). Older months are archived by
`python -m data_access querylog archive --before YYYY-MM --to DIR`: each month's rows are written
to `DIR/query_log_YYYY-MM.csv.gz` in the query-log import format (gunzip and `import query-log`
restores them), the file's rows counted against the partition, then the partition is detached and
dropped in the same transaction. A month inside the retention period is never archived.

PostgreSQL only, and on the psycopg connection of the caller's transaction (the importer's, the
generator's bulk loader's): DDL takes no parameters, so names are composed with psycopg's
`sql.Identifier` and bounds with `sql.Literal`; the queries bind their values.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Index, MetaData, Table

from data_access.schema import models as m

RETENTION_MONTHS = 36
PARENT = "query_log"
DEFAULT_PARTITION = "query_log_default"
ARCHIVE_COLUMNS = (
    "query_id",
    "queried_at",
    "operator_id",
    "subject_id_number",
    "purpose_code",
    "authorization_ref",
    "channel",
    "terminal_id",
)  # the contract's query-log columns, in its order
# a transaction-level advisory lock: query-log imports on PostgreSQL one at a time
IMPORT_LOCK = 0x51_4C_4F_47  # "QLOG"


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"{PARENT}_y{month.year:04d}m{month.month:02d}"


def _partitioned_table() -> Table:
    """query_log as the models declare it, but keyed by (query_id, queried_at) and partitioned,
    without the operator foreign key (see operator_key)."""
    source = m.QueryLog.__table__
    columns = []
    for c in source.c:
        columns.append(
            Column(
                c.name,
                c.type,
                primary_key=c.name in ("query_id", "queried_at"),
                nullable=c.nullable and c.name != "queried_at",
                default=c.default,
            )
        )
    table = Table(PARENT, MetaData(), *columns, postgresql_partition_by="RANGE (queried_at)")
    for index in source.indexes:
        Index(index.name, *(table.c[c.name] for c in index.columns))
    return table


def driver_of(conn: Connection) -> Any:
    """The psycopg connection under a SQLAlchemy connection (same transaction)."""
    driver = conn.connection.driver_connection
    assert driver is not None  # None only once the connection is invalidated
    return driver


def _run(pg: Any, template: str, *names: str, values: tuple = ()) -> Any:
    from psycopg import sql

    statement = sql.SQL(template).format(
        *(sql.Identifier(n) for n in names), *(sql.Literal(v) for v in values)
    )
    with pg.cursor() as cursor:
        cursor.execute(statement)
        return cursor.rowcount


def _one(pg: Any, query: str, params: tuple) -> Any:
    with pg.cursor() as cursor:
        cursor.execute(query, params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def create_partitioned(conn: Connection) -> bool:
    """PostgreSQL: create query_log partitioned, with its default partition, when it does not
    exist yet (a table made by an earlier version is left as it is). True when created."""
    if conn.dialect.name != "postgresql":
        return False
    pg = driver_of(conn)
    if _one(pg, "SELECT to_regclass(%s) IS NOT NULL", (PARENT,)):
        return False
    _partitioned_table().create(conn)
    _run(pg, "CREATE TABLE {} PARTITION OF {} DEFAULT", DEFAULT_PARTITION, PARENT)
    operator_key(pg)
    return True


# The query log's operator key on PostgreSQL. A foreign key checks (and locks) the operator row
# by row: 40 % of a COPY of the log (measured: 407,000 rows 4.8 s with it, 2.9 s without), and a
# set-based trigger on the statement's new rows still costs a fifth of an import (the rows are
# captured once more: 0.8 s of 4.6 s). So the promise is kept where the rows come from and where
# the operators go: the importer refuses an unknown operator (every line named) and locks the
# operators of each chunk it writes (FOR KEY SHARE, as a foreign key would), the dashboard and
# the generator write operators they have made; and these triggers refuse to delete, rename or
# truncate away an operator who has lookups. A row written by hand with an unknown operator is
# not refused by PostgreSQL (SQLite keeps the foreign key).
_OPERATOR_KEY = (
    """CREATE OR REPLACE FUNCTION operator_keeps_lookups() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' THEN
            IF EXISTS (SELECT 1 FROM query_log) THEN
                RAISE EXCEPTION 'operator: query_log refers to its operators'
                    USING ERRCODE = 'foreign_key_violation';
            END IF;
            RETURN NULL;
        END IF;
        IF (TG_OP = 'DELETE' OR NEW.operator_id IS DISTINCT FROM OLD.operator_id)
           AND EXISTS (SELECT 1 FROM query_log WHERE operator_id = OLD.operator_id) THEN
            RAISE EXCEPTION 'operator % has lookups in query_log', OLD.operator_id
                USING ERRCODE = 'foreign_key_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE OR REPLACE TRIGGER operator_keeps_lookups BEFORE DELETE OR UPDATE OF operator_id
    ON operator FOR EACH ROW EXECUTE FUNCTION operator_keeps_lookups()""",
    """CREATE OR REPLACE TRIGGER operator_keeps_lookups_truncate BEFORE TRUNCATE ON operator
    FOR EACH STATEMENT EXECUTE FUNCTION operator_keeps_lookups()""",
)
_TRIGGER_NAMES = (
    "operator_keeps_lookups",
    "operator_keeps_lookups_truncate",
)
_TRIGGERS = "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)"
_OLD_FOREIGN_KEYS = (
    "SELECT con.conname FROM pg_constraint con "
    "WHERE con.conrelid = to_regclass(%s) AND con.contype = 'f' AND con.conparentid = 0 "
    "AND con.confrelid = to_regclass('operator')"
)


def _operator_key_state(pg: Any) -> tuple[list[str], bool]:
    """(the operator foreign keys an earlier version declared, every trigger present)."""
    with pg.cursor() as cursor:
        cursor.execute(_OLD_FOREIGN_KEYS, (PARENT,))
        old = [name for (name,) in cursor.fetchall()]
        cursor.execute(_TRIGGERS, (list(_TRIGGER_NAMES),))
        row = cursor.fetchone()
    return old, row is not None and row[0] == len(_TRIGGER_NAMES)


def operator_key_current(pg: Any) -> bool:
    """False when a partitioned query_log still has an earlier version's operator foreign key
    or lacks a trigger of its operator key (True when query_log is not partitioned)."""
    if not is_partitioned(pg):
        return True
    old, triggers = _operator_key_state(pg)
    return not old and triggers


def operator_key(pg: Any) -> bool:
    """PostgreSQL, partitioned query_log: install the operator key's triggers when any is missing
    and drop the foreign key an earlier version declared. True when that key was replaced."""
    old, triggers = _operator_key_state(pg)
    if old or not triggers:
        with pg.cursor() as cursor:
            for statement in _OPERATOR_KEY:
                cursor.execute(statement)
    for name in old:
        _run(pg, "ALTER TABLE {} DROP CONSTRAINT {}", PARENT, name)
    return bool(old)


def is_partitioned(pg: Any) -> bool:
    """True when query_log is a partitioned table (`pg`: a psycopg connection)."""
    return _one(pg, "SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", (PARENT,)) == "p"


def ensure_months(pg: Any, months: Iterable[dt.date], known: set[dt.date]) -> list[str]:
    """Create the partitions of these months that do not exist yet (`known`: months already
    ensured by this caller, updated), moving any of their rows out of the default partition.
    Nothing when query_log is not partitioned. Returns the partitions made."""
    wanted = {month_start(day) for day in months} - known
    if not wanted:
        return []
    known |= wanted
    if not is_partitioned(pg):
        return []
    have = {p.month for p in list_partitions(pg, counts=False)}
    made = []
    for month in sorted(wanted - have):
        name = partition_name(month)
        bounds = (dt.datetime.combine(month, dt.time()),
                  dt.datetime.combine(next_month(month), dt.time()))  # fmt: skip
        _run(pg, "CREATE TABLE {} (LIKE {} INCLUDING DEFAULTS)", name, PARENT)
        _run(pg, "WITH moved AS (DELETE FROM {0} WHERE queried_at >= {2} AND queried_at < {3} "
                 "RETURNING *) INSERT INTO {1} SELECT * FROM moved",
             DEFAULT_PARTITION, name, values=bounds)  # fmt: skip
        _run(pg, "ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM ({}) TO ({})",
             PARENT, name, values=bounds)  # fmt: skip
        made.append(name)
    return made


def drop_if_empty(pg: Any, names: Iterable[str]) -> list[str]:
    """Drop these partitions of query_log where they hold no row (each locked first, so that a
    row written meanwhile keeps its partition). The caller commits. Returns those dropped."""
    from psycopg import sql

    dropped = []
    for name in names:
        _run(pg, "LOCK TABLE {} IN ACCESS EXCLUSIVE MODE", name)
        with pg.cursor() as cursor:
            cursor.execute(sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(name)))
            row = cursor.fetchone()
        if row is not None and not row[0]:
            _run(pg, "DROP TABLE {}", name)
            dropped.append(name)
    return dropped


@dataclass(frozen=True)
class Partition:
    name: str
    month: dt.date | None  # None for the default partition
    rows: int | None
    bytes: int | None


_PARTITIONS = (
    "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), pg_total_relation_size(c.oid) "
    "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
    "WHERE i.inhparent = to_regclass(%s)"
)


def list_partitions(pg: Any, counts: bool = True) -> list[Partition]:
    """Every partition of query_log, oldest month first, the default partition last."""
    with pg.cursor() as cursor:
        cursor.execute(_PARTITIONS, (PARENT,))
        found = cursor.fetchall()
    parts = []
    for name, bound, size in found:
        month = None
        if bound != "DEFAULT":  # FOR VALUES FROM ('2026-03-01 00:00:00') TO (...)
            month = dt.date.fromisoformat(bound.split("'")[1][:10])
        rows = _count(pg, name) if counts else None
        parts.append(Partition(name, month, rows, int(size) if counts else None))
    parts.sort(key=lambda p: (p.month is None, p.month or dt.date.min))
    return parts


def _count(pg: Any, name: str) -> int:
    from psycopg import sql

    with pg.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name)))
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def retention_cutoff(today: dt.date) -> dt.date:
    """The first month kept online: RETENTION_MONTHS whole months before the current one."""
    month = month_start(today)
    total = month.year * 12 + month.month - 1 - RETENTION_MONTHS
    return dt.date(total // 12, total % 12 + 1, 1)


@dataclass(frozen=True)
class Archived:
    name: str
    month: dt.date
    rows: int
    file: Path


def archive_before(pg: Any, before: dt.date, directory: Path) -> list[Archived]:
    """Archive, detach and drop every monthly partition before the month `before` (see the
    module docstring). The caller commits; on any error it rolls back and nothing is detached
    (a file already written stays, and is written again by the next run)."""
    from psycopg import sql

    directory.mkdir(parents=True, exist_ok=True)
    done = []
    for part in list_partitions(pg, counts=False):
        if part.month is None or part.month >= before:
            continue
        target = directory / f"{PARENT}_{part.month:%Y-%m}.csv.gz"
        partial = target.with_name(target.name + ".partial")
        query = sql.SQL("SELECT {} FROM {} ORDER BY queried_at, query_id").format(
            sql.SQL(", ").join(map(sql.Identifier, ARCHIVE_COLUMNS)), sql.Identifier(part.name)
        )
        written = 0
        with gzip.open(partial, "wt", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(ARCHIVE_COLUMNS)
            with pg.cursor(name=f"archive_{part.name}") as cursor:  # server-side: streamed
                cursor.itersize = 50_000
                cursor.execute(query)
                for row in cursor:
                    out.writerow(_archive_row(row))
                    written += 1
        with open(partial, "rb+") as raw:
            os.fsync(raw.fileno())  # on disk before the partition is dropped
        stored = _count(pg, part.name)
        if stored != written or _lines(partial) != written + 1:
            partial.unlink(missing_ok=True)
            raise RuntimeError(f"{part.name}: {written} rows archived but {stored} stored")
        os.replace(partial, target)
        _run(pg, "ALTER TABLE {} DETACH PARTITION {}", PARENT, part.name)
        _run(pg, "DROP TABLE {}", part.name)
        done.append(Archived(part.name, part.month, written, target))
    return done


def _archive_row(row: tuple) -> list[str]:
    at: dt.datetime = row[1]
    return [
        row[0],
        at.isoformat(sep=" ", timespec="microseconds" if at.microsecond else "seconds"),
        *(v or "" for v in row[2:]),
    ]


def _lines(path: Path) -> int:
    """The records of the written file, read back (header included)."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        return sum(1 for _ in csv.reader(fh))
