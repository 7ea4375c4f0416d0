"""The dashboard audits itself: every view of a person's data is a lookup in the query log.

The signed-in user is the operator (operator_id DASH-<username>, created on first use in their
department), the channel is DASHBOARD, and the lawful purpose and authorisation reference are
those the user chose before the data was shown. No purpose, no data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy import Connection, insert, select

from data_access.clock import CITY_TZ
from data_access.imports.upsert import upsert_rows
from data_access.schema import models as m
from data_access.text import clean_text

DASHBOARD_OPERATOR_PREFIX = "DASH-"
CITY_CREDIT_OFFICE = "DRC"


class AuditRefused(ValueError):
    """The view may not happen: no lawful purpose, or a required authorisation missing."""


def dashboard_operator_id(username: str) -> str:
    return f"{DASHBOARD_OPERATOR_PREFIX}{username}"[:32]


def check_purpose(conn: Connection, purpose_code: str, authorization_ref: str) -> None:
    purpose_code, authorization_ref = clean_text(purpose_code), clean_text(authorization_ref)
    needs = conn.execute(
        select(m.Purpose.needs_authorization).where(m.Purpose.code == purpose_code)
    ).scalar()
    if needs is None:
        raise AuditRefused(f"unknown purpose {purpose_code!r}: choose a lawful purpose")
    if needs and not authorization_ref.strip():
        raise AuditRefused(f"purpose {purpose_code} needs an authorisation reference")


def record_view(
    conn: Connection,
    user: Mapping[str, object],
    subject_id_number: str,
    purpose_code: str,
    authorization_ref: str,
    now: dt.datetime | None = None,
) -> str:
    """Write the query-log row for one view of a person's data (in the caller's transaction, so
    that nothing is shown when the row cannot be written). Returns the query_id."""
    purpose_code, authorization_ref = clean_text(purpose_code), clean_text(authorization_ref)
    subject_id_number = clean_text(subject_id_number)
    check_purpose(conn, purpose_code, authorization_ref)
    username = str(user["username"])
    operator_id = dashboard_operator_id(username)
    upsert_rows(
        conn,
        m.Operator.__table__,
        [{"operator_id": operator_id, "name": str(user.get("display_name") or username),
          "department_code": str(user.get("department_code") or CITY_CREDIT_OFFICE),
          "role": f"dashboard:{user['role']}", "county_code": None, "id_number": None}],
        key=["operator_id"],
        update=False,
    )  # fmt: skip
    query_id = f"DASH-{uuid.uuid4().hex}"
    when = now or dt.datetime.now(CITY_TZ).replace(tzinfo=None)
    known = conn.execute(
        select(m.Person.id_number).where(m.Person.id_number == subject_id_number)
    ).first()
    conn.execute(
        insert(m.QueryLog),
        {"query_id": query_id, "queried_at": when, "operator_id": operator_id,
         "subject_id_number": subject_id_number, "purpose_code": purpose_code,
         "authorization_ref": authorization_ref.strip() or None, "channel": "DASHBOARD",
         "terminal_id": "dashboard", "flags": "" if known else "unknown_subject"},
    )  # fmt: skip
    return query_id
