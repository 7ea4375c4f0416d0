"""Headline figures of the leading-group office's overview, each with the figure a year earlier.

A figure whose feature has not landed yet (no table, or never computed) is None: the page shows
it as not available rather than inventing a number.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from sqlalchemy import func, inspect, select

from data_access import models as m
from data_access.display_period import one_year_earlier
from data_access.engine import get_engine
from data_access.progress_board import TTL_SECONDS, annual, status
from data_access.scope import Scope


def _require_city_scope(scope: Scope) -> None:
    if not scope.sees_all_departments:
        raise PermissionError(f"role {scope.role} may not read the city overview")


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def residents(url: str, scope: Scope, counties: tuple[str, ...] = ()) -> int:
    """Persons in the database, in the chosen counties (all when empty), counted in SQL."""
    _require_city_scope(scope)
    stmt = select(func.count()).select_from(m.Person)
    if counties:
        stmt = stmt.where(m.Person.county_code.in_(counties))
    with get_engine(url).connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def _year_to_date(url: str, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    return status(url, scope, dt.date(as_of.year, 1, 1), as_of, as_of)


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def deliveries_year_to_date(url: str, scope: Scope, as_of: dt.date) -> dict[str, float | None]:
    """On-time rate and outstanding periods this year, and the same on this date last year."""
    _require_city_scope(scope)
    out: dict[str, float | None] = {}
    for label, day in (("now", as_of), ("last_year", one_year_earlier(as_of))):
        frame = _year_to_date(url, scope, day)
        out[f"on_time_rate_{label}"] = float(frame["on_time"].mean()) if len(frame) else None
        out[f"outstanding_{label}"] = int(frame["missing"].sum()) if len(frame) else None
    return out


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def annual_reports_this_year(url: str, scope: Scope, as_of: dt.date) -> dict:
    """Reports filed / due for the as-of year, last year's count on the same date, the units
    still missing and the days left to 31 December."""
    _require_city_scope(scope)
    table = annual(url, scope, as_of)
    now = table[table["year"] == as_of.year]
    last_year_day = one_year_earlier(as_of)
    before = annual(url, scope, last_year_day)
    before = before[before["year"] == last_year_day.year]
    return {
        "filed": int(now["filed_at"].notna().sum()),
        "due": len(now),
        "filed_last_year": int(before["filed_at"].notna().sum()),
        "missing_units": list(now.loc[now["filed_at"].isna(), "unit_code"]),
        "days_left": (dt.date(as_of.year, 12, 31) - as_of).days,
    }


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def open_alerts(url: str, scope: Scope) -> int | None:
    """Open privacy alerts; None while the detector has never stored an alert."""
    _require_city_scope(scope)
    engine = get_engine(url)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(m.Alert)).scalar_one()
        if total == 0:
            return None
        stmt = select(func.count()).select_from(m.Alert).where(m.Alert.status == "open")
        return int(conn.execute(stmt).scalar_one())


def has_table(url: str, name: str) -> bool:
    return inspect(get_engine(url)).has_table(name)


def roster_coverage(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...] = ()
) -> dict[str, float | None]:
    """Share of current key-profession practitioners with an established credit file (the
    coverage page's definition), now and on the same date last year."""
    from data_access.coverage_cache import roster_counts

    _require_city_scope(scope)
    out: dict[str, float | None] = {}
    for label, day in (("now", as_of), ("last_year", one_year_earlier(as_of))):
        counts = roster_counts(url, scope.role, scope.department_code, day, counties)
        current = int(counts["current"].sum())
        out[label] = int(counts["with_file"].sum()) / current if current else None
    return out


def overdue_cases(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...] = ()
) -> dict[str, int]:
    """Objections and repair applications still open past a legal limit on the date (not
    decided more than 3 working days after receipt, or not answered after 10; the repair
    page's `pending_past_limit` and `answer_past_limit`), now and on the same date last year."""
    from data_access import repair as rp
    from data_access.repair_cache import handled

    _require_city_scope(scope)
    out = {}
    for label, day in (("now", as_of), ("last_year", one_year_earlier(as_of))):
        h = handled(url, scope, day, counties)
        out[label] = (
            int((h[rp.PENDING_PAST_LIMIT] | h[rp.ANSWER_PAST_LIMIT]).sum()) if len(h) else 0
        )
    return out
