"""Coverage of the key professions and domains (the coverage page and the overview's tile).

Aggregates only; no personal rows are cached. Roster counts come from the stored rollup when it
is fresh (data_access.queries.coverage_rollup), else are counted live in the viewer's scope.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.engine import get_engine
from data_access.queries import coverage as cv
from data_access.queries import coverage_measures as measures
from data_access.queries import coverage_rollup as rollup
from data_access.queries import domain_rollup, small_cells
from data_access.queries.coverage import ADULT_STUDENT, DEFAULT_TARGET, DEFINITIONS
from data_access.scope import Scope
from services.base import reference, service, transform

__all__ = ["ADULT_STUDENT", "DEFAULT_TARGET", "DEFINITIONS", "SUPPRESSED"]
SUPPRESSED = small_cells.SUPPRESSED

# pure transformations of the frames below
county_table = transform(measures.county_table)
domain_summary = transform(measures.domain_summary)
month_labels = transform(measures.month_labels)
month_window_start = transform(measures.month_window_start)
profession_table = transform(measures.profession_table)
totals = transform(measures.totals)
worst_gaps = transform(measures.worst_gaps)
is_small = transform(small_cells.is_small)


@service("coverage")
def professions_in_scope(url: str, scope: Scope) -> pd.DataFrame:
    return cv.scoped_professions(get_engine(url), scope)


@service("coverage")
def domains_in_scope(url: str, scope: Scope) -> pd.DataFrame:
    return cv.scoped_domains(get_engine(url), scope)


@service("coverage")
def roster_counts(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]
) -> pd.DataFrame:
    return rollup.roster_counts(get_engine(url), scope, as_of, counties)


@service("coverage")
def student_records(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]
) -> pd.DataFrame:
    return cv.student_records(get_engine(url), scope, as_of, counties)


@reference("the general population of a county is a city-wide statistic, no department's data")
def population_counts(url: str, as_of: dt.date, counties: tuple[str, ...]) -> pd.Series:
    return rollup.population_counts(get_engine(url), as_of, counties)


@service("coverage")
def domain_records(
    url: str, scope: Scope, as_of: dt.date, start: dt.date, counties: tuple[str, ...]
) -> dict[str, pd.DataFrame]:
    """Every breakdown of `coverage.BREAKDOWNS` of the scope's visible domain records."""
    engine = get_engine(url)
    return {
        by: domain_rollup.domain_records(engine, scope, as_of, start, by, counties)
        for by in cv.BREAKDOWNS
    }


@service("coverage")
def domain_display_status(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]
) -> pd.DataFrame:
    return domain_rollup.domain_display_status(get_engine(url), scope, as_of, counties)


@reference("when the stored rollup was computed: a time stamp, no one's data")
def rollup_computed_at(url: str, as_of: dt.date) -> dt.datetime | None:
    """When the stored roster rollup the page read was computed (None: counted live)."""
    return rollup.computed_at(get_engine(url), as_of)
