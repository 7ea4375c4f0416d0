"""Cached coverage queries for the page (ten minutes).

Every wrapper's arguments carry the database URL, the scope (role, department code) and the
filters, so one user's cache entry can never answer another scope's question. Frames are
aggregates only; no personal rows are cached.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access import coverage as cv
from data_access import coverage_rollup as rollup
from data_access.engine import get_engine
from data_access.scope import Scope

TTL_SECONDS = 600


def _scope(role: str, department_code: str | None) -> Scope:
    return Scope(role, department_code or None)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def professions_in_scope(url: str, role: str, department_code: str | None) -> pd.DataFrame:
    return cv.scoped_professions(get_engine(url), _scope(role, department_code))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def domains_in_scope(url: str, role: str, department_code: str | None) -> pd.DataFrame:
    return cv.scoped_domains(get_engine(url), _scope(role, department_code))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def roster_counts(
    url: str, role: str, department_code: str | None, as_of: dt.date, counties: tuple[str, ...]
) -> pd.DataFrame:
    return rollup.roster_counts(get_engine(url), _scope(role, department_code), as_of, counties)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def student_records(
    url: str, role: str, department_code: str | None, as_of: dt.date, counties: tuple[str, ...]
) -> pd.DataFrame:
    return cv.student_records(get_engine(url), _scope(role, department_code), as_of, counties)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def population_counts(url: str, as_of: dt.date, counties: tuple[str, ...]) -> pd.Series:
    """Not scoped: the general population is a city-wide reference, not a department's data."""
    return rollup.population_counts(get_engine(url), as_of, counties)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def domain_records(
    url: str,
    role: str,
    department_code: str | None,
    as_of: dt.date,
    start: dt.date,
    counties: tuple[str, ...],
) -> dict[str, pd.DataFrame]:
    """Every breakdown of `coverage.BREAKDOWNS` of the scope's visible domain records."""
    engine, scope = get_engine(url), _scope(role, department_code)
    return {
        by: cv.domain_records(engine, scope, as_of, start, by, counties) for by in cv.BREAKDOWNS
    }


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def domain_display_status(
    url: str, role: str, department_code: str | None, as_of: dt.date, counties: tuple[str, ...]
) -> pd.DataFrame:
    return cv.domain_display_status(get_engine(url), _scope(role, department_code), as_of, counties)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def rollup_computed_at(url: str, as_of: dt.date) -> dt.datetime | None:
    """When the stored roster rollup the page read was computed (None: counted live)."""
    return rollup.computed_at(get_engine(url), as_of)
