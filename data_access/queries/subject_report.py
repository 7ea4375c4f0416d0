"""The information subject's own report (opinion 二.二.3): on a person's request, a privacy officer
produces what the database shows of them and every lookup of them.

The report holds the person's records displayed on the as-of date (every department's) and every
lookup of the person in the query log: when, by which department, for which purpose and through
which channel. The operator is withheld (the person learns that the court looked them up, not which
clerk). Producing the report is itself a lookup: it is written to the query log first, in the same
transaction, under the purpose the officer states (本人查询 or 本人授权查询) with the request's
reference, so the report lists its own making.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from data_access.queries.audit import AuditRefused, record_view
from data_access.queries.person_file import shown_record_conditions
from data_access.schema import models as m
from data_access.scope import Scope
from data_access.text import clean_text

# the purposes under which a person's own report may be made
SUBJECT_PURPOSES = ("SELF", "AUTHORIZED")
RECORD_COLUMNS = [
    "record_id", "category_code", "polarity", "domain_code", "severity", "decision_date",
    "display_until", "source_dept", "status",
]  # fmt: skip
LOOKUP_COLUMNS = ["queried_at", "department_code", "purpose_code", "channel"]


class UnknownSubject(LookupError):
    """No person with this ID number in the database: nothing is logged, nothing shown."""


@dataclass(frozen=True)
class SubjectReport:
    query_id: str  # the query-log row of this report
    id_number: str
    name: str
    as_of: dt.date
    records: pd.DataFrame  # RECORD_COLUMNS
    lookups: pd.DataFrame  # LOOKUP_COLUMNS, newest first; this report's own lookup included


def subject_report(
    engine: Engine,
    scope: Scope,
    user: Mapping[str, object],
    id_number: str,
    purpose_code: str,
    request_ref: str,
    as_of: dt.date,
) -> SubjectReport:
    """Write the lookup, then read the person's report. Raises PermissionError (role),
    AuditRefused (a purpose other than SUBJECT_PURPOSES, or no request reference) or
    UnknownSubject."""
    scope.require("subject_reports")
    id_number = clean_text(id_number).upper()
    purpose_code = clean_text(purpose_code)
    if purpose_code not in SUBJECT_PURPOSES:
        raise AuditRefused(f"a person's own report is made under {' or '.join(SUBJECT_PURPOSES)}")
    if not clean_text(request_ref).strip():
        raise AuditRefused("a person's own report needs the reference of their request")
    with engine.begin() as conn:
        name = conn.execute(select(m.Person.name).where(m.Person.id_number == id_number)).scalar()
        if name is None:
            raise UnknownSubject("no person with this ID number")
        query_id = record_view(conn, user, id_number, purpose_code, request_ref)
        c, cat = m.CreditRecord, m.RecordCategory
        records = conn.execute(
            select(
                c.record_id, c.category_code, cat.polarity, c.domain_code, c.severity,
                c.decision_date, c.display_until, c.source_dept, c.status,
            )
            .join(cat, cat.code == c.category_code)
            .where(*shown_record_conditions(as_of, None, id_number))
            .order_by(c.decision_date.desc(), c.record_id)
        ).all()  # fmt: skip
        q, o = m.QueryLog, m.Operator
        lookups = conn.execute(
            select(q.queried_at, o.department_code, q.purpose_code, q.channel)
            .join(o, o.operator_id == q.operator_id, isouter=True)
            .where(q.subject_id_number == id_number)
            .order_by(q.queried_at.desc(), q.query_id)
        ).all()
    return SubjectReport(
        query_id, id_number, name, as_of,
        pd.DataFrame([tuple(r) for r in records], columns=RECORD_COLUMNS),
        pd.DataFrame([tuple(r) for r in lookups], columns=LOOKUP_COLUMNS),
    )  # fmt: skip


__all__ = ["SUBJECT_PURPOSES", "AuditRefused", "SubjectReport", "UnknownSubject", "subject_report"]
