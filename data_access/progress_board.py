"""Cached entry points of the reporting-progress board, restricted to the user's scope in SQL.

Pages call these; each is keyed by the database URL, the scope (role, department) and the
filters, so that one user's cached figures are never served to another scope.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access.engine import get_engine
from data_access.reporting import (
    Thresholds,
    annual_reports,
    catalogue_items,
    city_trend,
    monthly_on_time,
    reporting_status,
    unit_scorecard,
)
from data_access.scope import Scope

TTL_SECONDS = 600


def _department_filter(scope: Scope) -> str | None:
    """None = every department; a department head is held to their own department."""
    if scope.sees_all_departments:
        return None
    if scope.role == "department_head" and scope.department_code:
        return scope.department_code  # never None: that would mean every department
    raise PermissionError(f"role {scope.role} may not read reporting progress")


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def status(url: str, scope: Scope, start: dt.date, end: dt.date, as_of: dt.date) -> pd.DataFrame:
    """Every due (item, period) in the scope with its delivery status."""
    return reporting_status(get_engine(url), start, end, as_of, _department_filter(scope))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def scorecard(
    url: str,
    scope: Scope,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    thresholds: Thresholds,
) -> pd.DataFrame:
    return unit_scorecard(status(url, scope, start, end, as_of), thresholds)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def heat_map(url: str, scope: Scope, start: dt.date, end: dt.date, as_of: dt.date) -> pd.DataFrame:
    return monthly_on_time(status(url, scope, start, end, as_of))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def trend(url: str, scope: Scope, start: dt.date, end: dt.date, as_of: dt.date) -> pd.DataFrame:
    return city_trend(status(url, scope, start, end, as_of))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def items(url: str, scope: Scope) -> pd.DataFrame:
    return catalogue_items(get_engine(url), _department_filter(scope))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def annual(url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...] = ()) -> pd.DataFrame:
    """Annual reports of the units in scope; the county filter narrows the county units."""
    dept = _department_filter(scope)
    table = annual_reports(get_engine(url), as_of, [dept] if dept else None)
    if counties:
        table = table[(table["unit_kind"] == "department") | table["unit_code"].isin(counties)]
    return table.reset_index(drop=True)
