"""The information subject's own report (the subject page): made on a person's request by a
privacy officer, every making a logged lookup. Never cached."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from data_access.engine import get_engine
from data_access.queries import subject_report as queries
from data_access.queries.subject_report import (
    SUBJECT_PURPOSES,
    AuditRefused,
    SubjectReport,
    UnknownSubject,
)
from data_access.scope import Scope
from services.base import service

__all__ = ["SUBJECT_PURPOSES", "AuditRefused", "SubjectReport", "UnknownSubject"]


@service("subject_reports", cached=False)
def make_report(
    url: str,
    scope: Scope,
    user: Mapping[str, object],
    id_number: str,
    purpose_code: str,
    request_ref: str,
    as_of: dt.date,
) -> SubjectReport:
    """The person's records and every lookup of them (operators withheld); logged first."""
    return queries.subject_report(
        get_engine(url), scope, user, id_number, purpose_code, request_ref, as_of
    )
