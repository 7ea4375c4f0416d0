"""Benchmark: import a generated query-log CSV and report rows/s and peak memory.

    python benchmarks/import_querylog.py [--rows 1000000] [--db URL] [--dir DIR]

Creates (in DIR, default a temporary directory) 20,000 persons, 500 operators and a query log of
--rows rows (about 1% invalid ID numbers and 3% unknown subjects, which are kept and flagged),
imports persons and operators, then times the query-log import. Without --db it uses a fresh
SQLite file in DIR. Peak memory is the process's maximum resident set size (getrusage).
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

from data_access.engine import get_engine
from data_access.id_number import make_id_number
from data_access.imports.importer import import_file
from data_access.imports.validators import kind_spec
from data_access.schema.models import CHANNELS
from data_access.schema.reference import codes, county_codes, init_schema

N_PERSONS = 20_000
N_OPERATORS = 500


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(directory: Path, rows: int, seed: int = 7) -> tuple[Path, Path, Path]:
    rng = random.Random(seed)
    counties = sorted(county_codes())
    departments = sorted(codes("departments"))
    purposes = sorted(codes("purposes"))
    persons = directory / "persons.csv"
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
    operators = directory / "operators.csv"
    with open(operators, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["operator_id", "name", "department_code", "role", "county_code"])
        for i in range(N_OPERATORS):
            out.writerow([f"OP{i:05d}", f"Operator {i}", rng.choice(departments), "window", ""])
    qlog = directory / "query_log.csv"
    start = dt.datetime(2025, 1, 1)
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
            at = start + dt.timedelta(seconds=i * 3 + rng.randrange(3))
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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db")
    parser.add_argument("--dir", type=Path)
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="qlog_bench_"))
    directory.mkdir(parents=True, exist_ok=True)
    url = args.db or f"sqlite:///{directory / 'bench.db'}"
    t = time.perf_counter()
    persons, operators, qlog = generate(directory, args.rows)
    print(f"generated {args.rows:,} rows in {time.perf_counter() - t:.1f} s ({qlog})")
    engine = get_engine(url)
    init_schema(engine)
    for kind, path in (("persons", persons), ("operators", operators)):
        result = import_file(engine, kind, path)
        assert result.ok, result.errors[:5]
    print(f"peak memory before the query-log import: {_peak_mb():,.0f} MB")
    result = import_file(engine, "query-log", qlog)
    assert result.ok, result.errors[:5]
    rate = result.rows_read / result.seconds
    print(
        f"{engine.dialect.name}: {result.rows_read:,} rows read, {result.rows_written:,} written, "
        f"{result.rows_flagged:,} flagged in {result.seconds:.1f} s = {rate:,.0f} rows/s; "
        f"peak memory {_peak_mb():,.0f} MB"
    )
    t = time.perf_counter()
    again = import_file(engine, "query-log", qlog)
    print(
        f"re-import (idempotent): {again.rows_written:,} written in "
        f"{time.perf_counter() - t:.1f} s; peak memory {_peak_mb():,.0f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
