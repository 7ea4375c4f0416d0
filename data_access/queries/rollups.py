"""The nightly rollups in one place: the coverage rollups for a date and a year earlier, the
domain rollups for the date, and the query log's last complete month and the three before (what
the overview, coverage and query-points pages read). Called by the `rollups` job and by
`python -m data_access rollups`."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from sqlalchemy import Engine

from data_access.queries import domain_rollup, query_month_rollup
from data_access.queries.coverage_rollup import refresh_with_last_year


@dataclass
class Refreshed:
    coverage_seconds: dict[dt.date, float]  # per date (the day and a year earlier)
    domain_seconds: float
    months: list[dt.date]  # query-log months stored (the ones that were missing)


def refresh_nightly(engine: Engine, day: dt.date) -> Refreshed:
    """Store every rollup the pages read for the day."""
    coverage = refresh_with_last_year(engine, day)
    started = time.perf_counter()
    domain_rollup.refresh(engine, day)
    domains = time.perf_counter() - started
    last_month = query_month_rollup.add_months(day.replace(day=1), -1)
    return Refreshed(coverage, domains, query_month_rollup.refresh(engine, last_month))
