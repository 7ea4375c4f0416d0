"""Objections and credit repair (the repair page and the overview's overdue tile).

Every figure is computed from one cached frame of the scope's applications with their handling
times (`handled`), counted in working days against the legal limits in force.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.engine import get_engine
from data_access.queries import display_check as dc
from data_access.queries import repair as rp
from data_access.queries.display_check import REASONS
from data_access.queries.display_check_store import latest_recent, run_and_store
from data_access.queries.repair import EXPIRING_COLUMNS, OVERDUE_LIST_COLUMNS
from data_access.queries.workdays import WorkCalendar, load_calendar
from data_access.scope import Scope
from scoring import display_consumers  # noqa: F401  registers the points consumers
from services.base import reference, service

__all__ = ["EXPIRING_COLUMNS", "OVERDUE_LIST_COLUMNS", "REASONS"]


@reference("the working-day calendar is public")
def calendar(url: str) -> WorkCalendar:
    return load_calendar(get_engine(url))


@service("repair")
def handled(
    url: str,
    scope: Scope,
    as_of: dt.date,
    counties: tuple[str, ...],
    since: dt.date | None = None,
) -> pd.DataFrame:
    """The applications in scope with their handling times as of the date (repair.handling);
    with `since`, only those a period starting that day uses (repair.read_applications)."""
    frame = rp.read_applications(get_engine(url), scope, as_of, counties, since=since, names=False)
    return rp.handling(frame, as_of, calendar(url))


@service("repair")
def unfinished(url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]) -> pd.DataFrame:
    """`handled`, only the applications received and not both decided and answered by the date:
    every one that can be past a legal limit on it, without the city's finished ones."""
    engine = get_engine(url)
    frame = rp.read_applications(engine, scope, as_of, counties, unfinished_only=True, names=False)
    return rp.handling(frame, as_of, calendar(url))


@service("repair")
def uncounted_years(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> list[int]:
    """Years without a calendar that the period's figures counted through, and the as-of year
    when it has none (pending applications are counted to the as-of date)."""
    cal = calendar(url)
    years = rp.uncounted_years(handled(url, scope, as_of, counties, start), as_of, cal, start, end)
    return sorted(set(years) | set(cal.missing_years(as_of, as_of)))


@service("repair")
def summary(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.summary(handled(url, scope, as_of, counties, start), start, end)


@service("repair")
def time_distribution(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.time_distribution(handled(url, scope, as_of, counties, start), start, end)


@service("repair")
def overdue_by_department(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.overdue_by_department(handled(url, scope, as_of, counties, start), start, end)


@service("repair")
def overdue_list(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    listed = rp.overdue_list(handled(url, scope, as_of, counties, start), start, end, calendar(url))
    # the applicants' names of the listed rows only (`handled` reads none: rp.read_applications)
    names = rp.applicant_names(get_engine(url), listed["application_id"].tolist())
    listed["name"] = listed["application_id"].map(names).fillna("")
    return listed


@service("repair")
def outcomes(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.outcomes(handled(url, scope, as_of, counties, start), start, end)


@service("repair")
def monthly_trend(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...], start: dt.date, end: dt.date
) -> pd.DataFrame:
    return rp.monthly_trend(handled(url, scope, as_of, counties, start), start, end)


@service("repair")
def first_received(url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]) -> dt.date:
    """The earliest receipt date in scope (the as-of date when there is none)."""
    return rp.first_received(get_engine(url), scope, as_of, counties) or as_of


@service("repair")
def expiring(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]
) -> tuple[int, pd.DataFrame]:
    return rp.expiring_records(get_engine(url), scope, as_of, counties)


@service("repair")
def display_check(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]
) -> pd.DataFrame:
    return dc.display_check(get_engine(url), as_of, scope, counties)


@service("repair", cached=False)
def display_check_result(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...]
) -> tuple[dt.datetime | None, dt.date | None, pd.DataFrame]:
    """The standing display check: (checked_at, the date checked, results). With no county
    chosen, the stored city-wide result for the date (seed builds and the nightly job store it),
    else the newest of the week before it (the nightly job has not run yet for the date: the
    page says which day was checked); other departments' record IDs hidden from a department
    head. Else (a county chosen, or nothing stored of late) the check run now in the scope
    (checked_at and the date None)."""
    found = None if counties else latest_recent(get_engine(url), as_of)
    if found is not None:
        checked_at, checked_for, check = found
        if not scope.sees_all_departments:
            check = check.assign(sample_record_ids="")
        return checked_at, checked_for, check
    return None, None, display_check(url, scope, as_of, counties)


@service("city", cached=False)
def run_display_check(url: str, scope: Scope, as_of: dt.date) -> tuple[dt.datetime, pd.DataFrame]:
    """Run the city-wide check now and store it (the leading-group office or an administrator)."""
    display_check.clear()
    return run_and_store(get_engine(url), as_of)
