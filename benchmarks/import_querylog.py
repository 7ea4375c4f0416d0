"""Benchmark: import a generated query-log CSV, beside the plainest possible load of the same file.

    python benchmarks/import_querylog.py [--rows 1000000] [--db URL] [--dir DIR] [--profile FILE]

Creates (in DIR, default a temporary directory; files already there for the same --rows are
reused) 20,000 persons, 500 operators and a query log of --rows rows (about 1% invalid ID numbers
and 3% unknown subjects, which are kept and flagged), imports persons and operators, then times:

- the project's import of the query log (`import_file`: every check of the contract, one
  transaction), then its idempotent re-import;
- the plain load of the same file into an equivalent table (`query_log_plain`: the same columns,
  key and indexes, in the same database; on SQLite the operator foreign key; on PostgreSQL
  partitioned by month like query_log, its partitions made before the clock starts, and no
  operator key: query_log's own is a set-based trigger there): read with the csv module, check
  each subject's ID check character (a flag), and in one transaction write with `executemany`
  (SQLite, with the importer's page cache size) or psycopg's `COPY ... FROM STDIN` with
  `write_row` (PostgreSQL);

and prints both times, their ratio and the project's rows/s. The plain load runs just before and
just after the project's import, and the ratio is taken against the mean of the two, so that a
machine whose load changes during the run (a shared one) weighs on both sides alike. Without --db
it uses a fresh SQLite file in DIR. Peak memory is the process's maximum resident set size
(getrusage), read after the project's import (the plain load streams its rows: it stays below
that figure). With --profile the project's import runs under cProfile and the statistics are
written to FILE.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Column, Engine, ForeignKey, Index, MetaData, String, Table, insert

from data_access.engine import get_engine
from data_access.id_number import check_character, make_id_number
from data_access.imports.importer import SQLITE_CACHE_KIB, import_file
from data_access.imports.validators import kind_spec
from data_access.schema import models as m
from data_access.schema.models import CHANNELS
from data_access.schema.reference import codes, county_codes, init_schema

N_PERSONS = 20_000
N_OPERATORS = 500


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(directory: Path, rows: int, seed: int = 7) -> tuple[Path, Path, Path]:
    persons = directory / "persons.csv"
    operators = directory / "operators.csv"
    qlog = directory / f"query_log_{rows}.csv"
    if persons.exists() and operators.exists() and qlog.exists():
        return persons, operators, qlog  # the same seed gives the same files
    rng = random.Random(seed)
    counties = sorted(county_codes())
    departments = sorted(codes("departments"))
    purposes = sorted(codes("purposes"))
    seen: set[str] = set()
    with open(persons, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id_number", "name", "county_code"])
        for i in range(N_PERSONS):
            county = rng.choice(counties)
            born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
            number = make_id_number(county, born, rng.randrange(1000))
            if number not in seen:
                seen.add(number)
                out.writerow([number, f"P{i}", county])
    ids = sorted(seen)
    with open(operators, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["operator_id", "name", "department_code", "role", "county_code"])
        for i in range(N_OPERATORS):
            out.writerow([f"OP{i:05d}", f"Operator {i}", rng.choice(departments), "window", ""])
    start = dt.datetime(2025, 1, 1)
    step = max(1, int(500 * 86_400 / max(rows, 1)))  # spread over about 16 months
    with open(qlog, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(kind_spec("query-log").column_names)  # the contract's columns
        for i in range(rows):
            u = rng.random()
            if u < 0.01:
                subject = "41160219900101001X"  # wrong check character
            elif u < 0.04:
                subject = make_id_number("411602", dt.date(1980, 1, 1), rng.randrange(1000))
            else:
                subject = rng.choice(ids)
            at = start + dt.timedelta(seconds=i * step + rng.randrange(step))
            out.writerow(
                [
                    f"Q{i:010d}",
                    at.isoformat(timespec="seconds"),
                    f"OP{rng.randrange(N_OPERATORS):05d}",
                    subject,
                    rng.choice(purposes) if u > 0.05 else "",
                    f"AUTH-{i}" if u > 0.3 else "",
                    rng.choice(CHANNELS),
                    f"T{rng.randrange(2000):04d}",
                ]
            )
    return persons, operators, qlog


PLAIN_TABLE = "query_log_plain"


def _plain_table(engine: Engine, path: Path) -> Table:
    """query_log's columns, key, indexes and operator key, under another name: on SQLite its
    foreign key; on PostgreSQL partitioned like it (a partition per month of the file, made
    beforehand, and a default one), keyed by (query_id, queried_at), and like it without a
    foreign key (query_log keeps its operator key with set-based triggers there, which a plain
    load leaves out)."""
    source = m.QueryLog.__table__
    metadata = MetaData()
    Table("operator", metadata, Column("operator_id", String(32), primary_key=True))
    pg = engine.dialect.name == "postgresql"
    key = ("query_id", "queried_at") if pg else ("query_id",)
    columns = []
    for c in source.c:
        fk = [ForeignKey("operator.operator_id")] if c.name == "operator_id" and not pg else []
        columns.append(Column(c.name, c.type, *fk, primary_key=c.name in key))
    options = {"postgresql_partition_by": "RANGE (queried_at)"} if pg else {}
    table = Table(PLAIN_TABLE, metadata, *columns, **options)
    Index("ix_plain_operator_time", table.c.operator_id, table.c.queried_at)
    Index("ix_plain_time", table.c.queried_at)
    Index("ix_plain_subject", table.c.subject_id_number)
    with engine.begin() as conn:
        table.drop(conn, checkfirst=True)
        table.create(conn)
        if pg:
            _plain_partitions(conn, path)
    return table


def _plain_partitions(conn, path: Path) -> None:
    from psycopg import sql

    from data_access.schema.partitions import next_month

    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        first = dt.date.fromisoformat(next(reader)[1][:7] + "-01")
    with open(path, "rb") as fh:  # the file is in time order: its last line has the last month
        fh.seek(max(0, fh.seek(0, 2) - 4096))
        last = dt.date.fromisoformat(fh.read().decode().splitlines()[-1].split(",")[1][:7] + "-01")
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE TABLE {} PARTITION OF {} DEFAULT").format(
                sql.Identifier(PLAIN_TABLE + "_default"), sql.Identifier(PLAIN_TABLE)
            )
        )
        month = first
        while month <= last:
            cursor.execute(
                sql.SQL("CREATE TABLE {} PARTITION OF {} FOR VALUES FROM ({}) TO ({})").format(
                    sql.Identifier(f"{PLAIN_TABLE}_{month:%Y%m}"), sql.Identifier(PLAIN_TABLE),
                    sql.Literal(month), sql.Literal(next_month(month)),
                )
            )  # fmt: skip
            month = next_month(month)


def _plain_rows(path: Path):
    """csv module, the ID's check character, nothing else: (values..., flags) per line."""
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        for row in reader:
            subject = row[3]
            valid = len(subject) == 18 and subject[:17].isdigit()
            if valid:
                valid = check_character(subject[:17]) == subject[17].upper()
            yield (*(v or None for v in row), "" if valid else "invalid_id")


def plain_load(engine: Engine, path: Path) -> tuple[float, str]:
    """Seconds to load the file the plainest way, and how."""
    table = _plain_table(engine, path)
    columns = [c.name for c in m.QueryLog.__table__.c]
    raw = engine.raw_connection()
    try:
        t = time.perf_counter()
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            how = "csv module + check character + executemany, one transaction"
            # the importer's page cache (importer.SQLITE_CACHE_KIB), so that the two differ only
            # in what they do per row, not in a setting
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            statement = insert(table).compile(dialect=engine.dialect, column_keys=columns)
            cursor.executemany(statement.string, _plain_rows(path))
        else:
            from psycopg import sql

            how = "csv module + check character + COPY (psycopg write_row), one transaction"
            copy_stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(PLAIN_TABLE), sql.SQL(", ").join(map(sql.Identifier, columns))
            )
            with cursor.copy(copy_stmt) as copy:
                for row in _plain_rows(path):
                    copy.write_row(row)
        raw.commit()
        seconds = time.perf_counter() - t
        cursor.close()
    finally:
        raw.close()
    with engine.begin() as conn:
        table.drop(conn)
    return seconds, how


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db")
    parser.add_argument("--dir", type=Path)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="qlog_bench_"))
    directory.mkdir(parents=True, exist_ok=True)
    url = args.db or f"sqlite:///{directory / 'bench.db'}"
    if url.startswith("sqlite"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    t = time.perf_counter()
    persons, operators, qlog = generate(directory, args.rows)
    print(f"generated {args.rows:,} rows in {time.perf_counter() - t:.1f} s ({qlog})")
    engine = get_engine(url)
    init_schema(engine)
    for kind, path in (("persons", persons), ("operators", operators)):
        result = import_file(engine, kind, path)
        assert result.ok, result.errors[:5]
    print(f"peak memory before the query-log import: {_peak_mb():,.0f} MB")
    plain_before, how = plain_load(engine, qlog)
    print(
        f"plain load before ({how}): {plain_before:.1f} s = {args.rows / plain_before:,.0f} rows/s"
    )
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(import_file, engine, "query-log", qlog)
        profiler.dump_stats(args.profile)
    else:
        result = import_file(engine, "query-log", qlog)
    assert result.ok, result.errors[:5]
    peak = _peak_mb()
    rate = result.rows_read / result.seconds
    print(
        f"{engine.dialect.name}: {result.rows_read:,} rows read, {result.rows_written:,} written, "
        f"{result.rows_flagged:,} flagged in {result.seconds:.1f} s = {rate:,.0f} rows/s; "
        f"peak memory {peak:,.0f} MB"
    )
    t = time.perf_counter()
    again = import_file(engine, "query-log", qlog)
    assert again.ok, again.errors[:5]
    print(
        f"re-import (idempotent): {again.rows_written:,} written in "
        f"{time.perf_counter() - t:.1f} s; peak memory {_peak_mb():,.0f} MB"
    )
    plain_after, how = plain_load(engine, qlog)
    print(f"plain load after: {plain_after:.1f} s = {args.rows / plain_after:,.0f} rows/s")
    plain = (plain_before + plain_after) / 2
    print(
        f"RESULT engine={engine.dialect.name} rows={result.rows_read} "
        f"project_s={result.seconds:.2f} plain_s={plain:.2f} ratio={result.seconds / plain:.2f} "
        f"rows_per_s={rate:,.0f} peak_mb={peak:,.0f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
