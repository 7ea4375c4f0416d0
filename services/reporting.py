"""Reporting progress (the reporting board, the circular export and the overview's tiles): every
due delivery of the catalogue items in the scope and the annual reports of its units."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.engine import get_engine
from data_access.queries.reporting import (
    Thresholds,
    annual_reports,
    catalogue_items,
    city_trend,
    monthly_on_time,
    reporting_status,
    unit_scorecard,
)
from data_access.scope import Scope
from services.base import service

__all__ = ["Thresholds"]


@service("reporting")
def status(url: str, scope: Scope, start: dt.date, end: dt.date, as_of: dt.date) -> pd.DataFrame:
    """Every due (item, period) in the scope with its delivery status."""
    return reporting_status(get_engine(url), scope, start, end, as_of)


@service("reporting")
def scorecard(
    url: str,
    scope: Scope,
    start: dt.date,
    end: dt.date,
    as_of: dt.date,
    thresholds: Thresholds,
) -> pd.DataFrame:
    return unit_scorecard(status(url, scope, start, end, as_of), thresholds)


@service("reporting")
def heat_map(url: str, scope: Scope, start: dt.date, end: dt.date, as_of: dt.date) -> pd.DataFrame:
    return monthly_on_time(status(url, scope, start, end, as_of))


@service("reporting")
def trend(url: str, scope: Scope, start: dt.date, end: dt.date, as_of: dt.date) -> pd.DataFrame:
    return city_trend(status(url, scope, start, end, as_of))


@service("reporting")
def items(url: str, scope: Scope) -> pd.DataFrame:
    return catalogue_items(get_engine(url), scope)


@service("reporting")
def annual(url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...] = ()) -> pd.DataFrame:
    """Annual reports of the units in scope; the county filter narrows the county units."""
    table = annual_reports(get_engine(url), scope, as_of)
    if counties:
        table = table[(table["unit_kind"] == "department") | table["unit_code"].isin(counties)]
    return table.reset_index(drop=True)
