"""Query points and accounts (网点与账户): the month's review of service points, terminals and
operators' accounts for privacy officers and administrators, cached by month and Scope."""

from __future__ import annotations

import datetime as dt

from data_access.engine import get_engine
from data_access.queries import query_points as queries
from data_access.queries.query_points import (
    DORMANT_DAYS,
    DORMANT_MIN_PERSONS,
    MULTI_TERMINAL_MIN,
    MonthReview,
    add_months,
    month_start,
)
from data_access.scope import Scope
from services.base import service

__all__ = [
    "DORMANT_DAYS",
    "DORMANT_MIN_PERSONS",
    "MULTI_TERMINAL_MIN",
    "MonthReview",
    "add_months",
    "month_start",
]


@service("oversight")
def log_months(url: str, scope: Scope) -> tuple[dt.date, dt.date] | None:
    """The first and the last month of the query log (None: no lookups)."""
    return queries.log_months(get_engine(url), scope)


@service("oversight")
def default_month(url: str, scope: Scope, today: dt.date) -> dt.date | None:
    """The last complete month with lookups before today (else the latest with lookups)."""
    return queries.default_month(get_engine(url), scope, today)


@service("oversight")
def review(url: str, scope: Scope, month: dt.date, counties: tuple[str, ...] = ()) -> MonthReview:
    """The month's figures, ranked points and terminals, and the accounts to look at (of the
    operators of `counties` when any are given)."""
    return queries.month_review(get_engine(url), scope, month, counties)
