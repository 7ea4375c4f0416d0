"""Privacy cases (隐私案件): the privacy officers' investigations of one operator's alerts — the
case list, one case with its alerts, history and evidence, the transitions with their outcome,
evidence files, adding alerts from the oversight queue, lifting a suspension (administrators),
the ageing and outcome figures.

Nothing is cached: the tables are small and every step must show at once (to the colleague who
opens the case next as well). A write clears the oversight queue, whose alerts change status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd

from data_access.engine import get_engine
from data_access.queries import cases as queries
from data_access.queries.cases import AGE_BUCKETS, MAX_TEXT, CaseError
from data_access.queries.supervision import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES
from data_access.schema.case_models import (
    CASE_OUTCOMES,
    CASE_STATES,
    CLOSED_STATES,
    REFERRAL_OUTCOMES,
    TRANSITIONS,
)
from data_access.scope import Scope
from services import oversight
from services.base import service

__all__ = [
    "AGE_BUCKETS", "CASE_OUTCOMES", "CASE_STATES", "CLOSED_STATES", "EVIDENCE_TYPES",
    "MAX_EVIDENCE_BYTES", "MAX_EVIDENCE_FILES", "MAX_TEXT", "REFERRAL_OUTCOMES", "TRANSITIONS",
    "CaseError",
]  # fmt: skip


# --------------------------------------------------------------------------- writes


@service("privacy_cases", cached=False)
def open_case(
    url: str,
    scope: Scope,
    username: str,
    alert_ids: Sequence[int],
    assignee: str,
    deadline: dt.date,
    summary: str,
    today: dt.date,
) -> int:
    """Open a case from alerts of one operator; returns its number (CaseError on bad input)."""
    case_id = queries.open_case(get_engine(url), scope, username, alert_ids, assignee, deadline,
                                summary, today)  # fmt: skip
    oversight.queue.clear()
    return case_id


@service("privacy_cases", cached=False)
def add_alerts(
    url: str, scope: Scope, username: str, case_id: int, alert_ids: Sequence[int]
) -> int:
    added = queries.add_alerts(get_engine(url), scope, username, case_id, alert_ids)
    oversight.queue.clear()
    return added


@service("privacy_cases", cached=False)
def move(
    url: str,
    scope: Scope,
    username: str,
    case_id: int,
    to_status: str,
    note: str,
    outcome: str | None = None,
    summary: str | None = None,
) -> str:
    """A transition with its note (and outcome); CaseError when it is not allowed."""
    status = queries.move_case(get_engine(url), scope, username, case_id, to_status, note,
                               outcome, summary)  # fmt: skip
    oversight.queue.clear()
    return status


@service("privacy_cases", cached=False)
def add_evidence(
    url: str,
    scope: Scope,
    username: str,
    case_id: int,
    files: Sequence[tuple[str, bytes]],
    note: str = "",
) -> int:
    return queries.add_evidence(get_engine(url), scope, username, case_id, files, note)


@service("operator_access", cached=False)
def lift_suspension(url: str, scope: Scope, username: str, operator_id: str, note: str) -> int:
    """Give a suspended operator their access back (administrators); returns the case."""
    return queries.lift_suspension(get_engine(url), scope, username, operator_id, note)


# --------------------------------------------------------------------------- reads


@service("privacy_cases", cached=False)
def cases(url: str, scope: Scope, today: dt.date, statuses: tuple[str, ...] = ()) -> pd.DataFrame:
    return queries.cases(get_engine(url), scope, today, statuses)


@service("privacy_cases", cached=False)
def case_detail(url: str, scope: Scope, case_id: int, today: dt.date) -> dict[str, Any] | None:
    return queries.case_detail(get_engine(url), scope, case_id, today)


@service("privacy_cases", cached=False)
def case_alerts(url: str, scope: Scope, case_id: int) -> pd.DataFrame:
    return queries.case_alerts(get_engine(url), scope, case_id)


@service("privacy_cases", cached=False)
def history(url: str, scope: Scope, case_id: int) -> pd.DataFrame:
    return queries.history(get_engine(url), scope, case_id)


@service("privacy_cases", cached=False)
def evidence(url: str, scope: Scope, case_id: int) -> pd.DataFrame:
    return queries.evidence(get_engine(url), scope, case_id)


@service("privacy_cases", cached=False)
def evidence_file(url: str, scope: Scope, evidence_id: int) -> tuple[str, bytes] | None:
    return queries.evidence_file(get_engine(url), scope, evidence_id)


@service("privacy_cases", cached=False)
def cases_of_alerts(url: str, scope: Scope, alert_ids: tuple[int, ...]) -> dict[int, int]:
    return queries.cases_of_alerts(get_engine(url), scope, alert_ids)


@service("privacy_cases", cached=False)
def active_case_of(url: str, scope: Scope, operator_id: str) -> int | None:
    return queries.active_case_of(get_engine(url), scope, operator_id)


@service("privacy_cases", cached=False)
def assignees(url: str, scope: Scope) -> pd.DataFrame:
    return queries.assignees(get_engine(url), scope)


@service("privacy_cases", cached=False)
def ageing(url: str, scope: Scope, today: dt.date) -> pd.DataFrame:
    return queries.ageing(get_engine(url), scope, today)


@service("privacy_cases", cached=False)
def outcomes_per_month(url: str, scope: Scope) -> pd.DataFrame:
    return queries.outcomes_per_month(get_engine(url), scope)
