"""The overview (city scope): its own counts and the tiles that reuse the figures of the
coverage, reporting and repair pages, now and on the same date last year."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.engine import get_engine
from data_access.queries import overview as queries
from data_access.queries import repair as rp
from data_access.queries.display_period import one_year_earlier
from data_access.scope import Scope
from services import coverage, repair, reporting, scores
from services.base import service


@service("city")
def residents(url: str, scope: Scope, counties: tuple[str, ...] = ()) -> int:
    """Persons in the database, in the chosen counties (all when empty)."""
    return queries.residents(get_engine(url), scope, counties)


@service("city")
def open_alerts(url: str, scope: Scope) -> int | None:
    """Open privacy alerts; None while the detector has never stored an alert."""
    return queries.open_alerts(get_engine(url), scope)


def _year_to_date(url: str, scope: Scope, as_of: dt.date) -> pd.DataFrame:
    return reporting.status(url, scope, dt.date(as_of.year, 1, 1), as_of, as_of)


@service("city")
def deliveries_year_to_date(url: str, scope: Scope, as_of: dt.date) -> dict[str, float | None]:
    """On-time rate and outstanding periods this year, and the same on this date last year."""
    out: dict[str, float | None] = {}
    for label, day in (("now", as_of), ("last_year", one_year_earlier(as_of))):
        frame = _year_to_date(url, scope, day)
        out[f"on_time_rate_{label}"] = float(frame["on_time"].mean()) if len(frame) else None
        out[f"outstanding_{label}"] = int(frame["missing"].sum()) if len(frame) else None
    return out


@service("city")
def annual_reports_this_year(url: str, scope: Scope, as_of: dt.date) -> dict:
    """Reports filed / due for the as-of year, last year's count on the same date, the units
    still missing and the days left to 31 December."""
    table = reporting.annual(url, scope, as_of)
    now = table[table["year"] == as_of.year]
    last_year_day = one_year_earlier(as_of)
    before = reporting.annual(url, scope, last_year_day)
    before = before[before["year"] == last_year_day.year]
    return {
        "filed": int(now["filed_at"].notna().sum()),
        "due": len(now),
        "filed_last_year": int(before["filed_at"].notna().sum()),
        "missing_units": list(now.loc[now["filed_at"].isna(), "unit_code"]),
        "days_left": (dt.date(as_of.year, 12, 31) - as_of).days,
    }


@service("city", cached=False)
def roster_coverage(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...] = ()
) -> dict[str, float | None]:
    """Share of current key-profession practitioners with an established credit file (the
    coverage page's definition), now and on the same date last year."""
    out: dict[str, float | None] = {}
    for label, day in (("now", as_of), ("last_year", one_year_earlier(as_of))):
        counts = coverage.roster_counts(url, scope, day, counties)
        current = int(counts["current"].sum())
        out[label] = int(counts["with_file"].sum()) / current if current else None
    return out


@service("city", cached=False)
def overdue_cases(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...] = ()
) -> dict[str, int]:
    """Objections and repair applications still open past a legal limit on the date (not
    decided more than 3 working days after receipt, or not answered after 10; the repair
    page's `pending_past_limit` and `answer_past_limit`), now and on the same date last year."""
    out = {}
    for label, day in (("now", as_of), ("last_year", one_year_earlier(as_of))):
        h = repair.unfinished(url, scope, day, counties)
        out[label] = (
            int((h[rp.PENDING_PAST_LIMIT] | h[rp.ANSWER_PAST_LIMIT]).sum()) if len(h) else 0
        )
    return out


@service("city", cached=False)
def red_list_and_green_channel(
    url: str, scope: Scope, as_of: dt.date, counties: tuple[str, ...] = ()
) -> tuple[int, int] | None:
    """Persons on the red list and in the green channel in the latest points run on or before
    the date; None without a run, or for a run computed before the lawful lists (its lists are
    not the law's and are not shown)."""
    run = scores.latest_run(url, scope, as_of)
    if run is None or scores.is_legacy_run(url, scope, run["run_id"]):
        return None
    graded = scores.distribution(url, scope, run["run_id"], tuple(counties))
    return int(graded["red_list"].sum()), int(graded["green_channel"].sum())
