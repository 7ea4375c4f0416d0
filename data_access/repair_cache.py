"""Cached entry points of the objections and repair page (ten minutes).

Every wrapper is keyed by the database URL, the scope (role, department) and the filters (as-of
date, counties, and the period where it matters), so one scope's cached figures are never served
to another. The application frame holds masked applicants only.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from data_access import display_check as dc
from data_access import repair as rp
from data_access.engine import get_engine
from data_access.scope import Scope
from data_access.workdays import WorkCalendar, load_calendar

TTL_SECONDS = 600


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def calendar(url: str) -> WorkCalendar:
    return load_calendar(get_engine(url))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def handled(url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]) -> pd.DataFrame:
    """The applications in scope with their handling times as of the date (repair.handling)."""
    frame = rp.read_applications(get_engine(url), scope, as_of, counties)
    return rp.handling(frame, as_of, calendar(url))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def uncounted_years(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> list[int]:
    """Years without a calendar that the period's figures counted through, and the as-of year
    when it has none (pending applications are counted to the as-of date)."""
    cal = calendar(url)
    years = rp.uncounted_years(handled(url, scope, as_of, counties), as_of, cal, start, end)
    return sorted(set(years) | set(cal.missing_years(as_of, as_of)))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def summary(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.summary(handled(url, scope, as_of, counties), start, end)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def time_distribution(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.time_distribution(handled(url, scope, as_of, counties), start, end)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def overdue_by_department(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.overdue_by_department(handled(url, scope, as_of, counties), start, end)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def overdue_list(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.overdue_list(handled(url, scope, as_of, counties), start, end, calendar(url))


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def outcomes(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.outcomes(handled(url, scope, as_of, counties), start, end)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def monthly_trend(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.monthly_trend(handled(url, scope, as_of, counties), start, end)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def first_received(url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]) -> dt.date:
    """The earliest receipt date in scope (the as-of date when there is none)."""
    received = handled(url, scope, as_of, counties)
    days = [d for d in received.loc[received["received"], "received_at"]]
    return min(days) if days else as_of


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def expiring(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]
) -> tuple[int, pd.DataFrame]:
    return rp.expiring_records(get_engine(url), scope, as_of, counties)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def display_check(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]
) -> pd.DataFrame:
    return dc.display_check(get_engine(url), as_of, scope, counties)


def stored_display_check(url: str, as_of: dt.date) -> tuple[dt.datetime, pd.DataFrame] | None:
    """The newest stored city-wide display check for the date (not cached: one small row)."""
    from data_access.display_check_store import latest_stored

    return latest_stored(get_engine(url), as_of)


def run_display_check(url: str, as_of: dt.date) -> tuple[dt.datetime, pd.DataFrame]:
    """Run the city-wide check now and store it (the leading-group office or an administrator)."""
    from data_access.display_check_store import run_and_store

    display_check.clear()
    return run_and_store(get_engine(url), as_of)
