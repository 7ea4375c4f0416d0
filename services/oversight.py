"""Query oversight (the privacy officers' page): the alert queue, one alert's evidence and
history, the operator's profile and activity, triage decisions, the detector's last run.

The queue, the evidence and the activity are cached; a triage decision clears the queue so the new
status shows at once. Alert details and history are read fresh (one small row each)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data_access.clock import city_now
from data_access.engine import get_engine
from data_access.queries import oversight as queries
from data_access.queries.oversight import ACTIONS, EVIDENCE_LIMIT
from data_access.schema.models import ALERT_STATUSES
from data_access.scope import Scope
from services.base import service

__all__ = ["ACTIONS", "ALERT_STATUSES", "EVIDENCE_LIMIT"]


@service("oversight")
def queue(
    url: str,
    scope: Scope,
    statuses: tuple[str, ...],
    min_score: float,
    department: str | None,
    start: dt.date | None,
    end: dt.date | None,
    counties: tuple[str, ...] = (),
    reason: str = "",
) -> pd.DataFrame:
    return queries.alert_queue(get_engine(url), scope, statuses, min_score, department, start,
                               end, counties, reason)  # fmt: skip


@service("oversight")
def evidence(url: str, scope: Scope, alert_id: int) -> pd.DataFrame:
    return queries.evidence(get_engine(url), scope, alert_id)


@service("oversight")
def activity(
    url: str, scope: Scope, operator_id: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    return queries.operator_activity(get_engine(url), scope, operator_id, start, end)


@service("oversight", cached=False)
def last_run(url: str, scope: Scope) -> dict | None:
    """The detector's last run, with its age in whole days by the city's clock (age_days)."""
    run = queries.last_run(get_engine(url), scope)
    if run is not None:
        run = {**run, "age_days": (city_now() - run["ran_at"]).days}
    return run


@service("oversight", cached=False)
def alert_trend(url: str, scope: Scope) -> pd.DataFrame:
    return queries.alert_trend(get_engine(url), scope)


@service("oversight", cached=False)
def alert_detail(url: str, scope: Scope, alert_id: int) -> dict | None:
    return queries.alert_detail(get_engine(url), scope, alert_id)


@service("oversight", cached=False)
def operator_profile(url: str, scope: Scope, operator_id: str, as_of: dt.date) -> dict:
    return queries.operator_profile(get_engine(url), scope, operator_id, as_of)


@service("oversight", cached=False)
def events(url: str, scope: Scope, alert_id: int) -> pd.DataFrame:
    return queries.events(get_engine(url), scope, alert_id)


@service("oversight", cached=False)
def triage(url: str, scope: Scope, alert_id: int, username: str, action: str, note: str) -> str:
    """Record a decision on an alert; the queue shows the new status at once."""
    status = queries.triage(get_engine(url), scope, alert_id, username, action, note)
    queue.clear()
    return status
