"""Benchmark: time the coverage page's queries on an existing database (read-only).

    python benchmarks/coverage.py --db URL [--as-of YYYY-MM-DD] [--repeat 3]

For the leading-group office and one department head (SAMR), the whole city and one county:
roster coverage, the general population, the four domain breakdowns (12 months) and the display
periods. Prints the best of --repeat runs in milliseconds as a Markdown table. Only aggregates
are read; nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from data_access.engine import get_engine
from data_access.queries import coverage as cv
from data_access.queries.coverage_measures import month_window_start
from data_access.scope import Scope


def best_ms(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def measure(engine, scope: Scope, as_of: dt.date, counties: tuple[str, ...], repeat: int):
    """Best times (ms) of the four query groups of the page for one scope and county filter."""
    start = month_window_start(as_of, 12)
    return [
        best_ms(partial(cv.roster_counts, engine, scope, as_of, counties), repeat),
        best_ms(partial(cv.population_counts, engine, as_of, counties), repeat),
        sum(
            best_ms(partial(cv.domain_records, engine, scope, as_of, start, by, counties), repeat)
            for by in cv.BREAKDOWNS
        ),
        best_ms(partial(cv.domain_display_status, engine, scope, as_of, counties), repeat),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date(2026, 11, 27))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = get_engine(args.db)
    print("| scope | counties | roster | population | domain breakdowns | display periods |")
    print("|---|---|---:|---:|---:|---:|")
    for scope in (Scope("leading_office", "DRC"), Scope("department_head", "SAMR")):
        for counties in ((), ("411627",)):
            timings = measure(engine, scope, args.as_of, counties, args.repeat)
            who = f"{scope.role} {scope.department_code}"
            print(f"| {who} | {','.join(counties) or 'all'} | "
                  + " | ".join(f"{t:,.0f}" for t in timings) + " |")  # fmt: skip


if __name__ == "__main__":
    main()
