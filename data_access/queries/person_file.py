"""The personal credit file (个人信用档案): whom a user may look up, and one person's file.

Who may open a file, in SQL (`remit_condition`):
- an administrator: any person;
- a department head: a person within the department's remit, i.e. with a roster membership in a
  profession the department answers for, a credit record the department reported, or an objection
  or repair application the department handles; inside the file they see only those memberships,
  records and applications, never other departments' data;
- other roles: nobody (PermissionError).

Searching shows masked candidates only (ID 4127**********123X, name 王*明): a name must match in
full and an ID number must be complete, so the search cannot be used to browse. Opening a file
needs a lawful purpose (and, where the purpose needs one, an authorisation reference); the view is
written to the query log (channel DASHBOARD, data_access.queries.audit) in the same transaction as the
reads, before anything is returned. A person outside the remit and an unknown ID number get the
same answer, so the search does not reveal who is in the database.

Records are shown only while they may be shown (`displayed_record_conditions`): past their display
period, repaired or revoked records are neither listed nor counted, and neither are applications on
them nor ledger lines for them. Not cached: every opening is a lookup.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    func,
    or_,
    select,
)

from data_access.id_number import is_valid_id_number, mask_id_number, mask_name
from data_access.queries.audit import AuditRefused, record_view
from data_access.queries.display_period import displayed_record_conditions
from data_access.schema import models as m
from data_access.scope import Scope
from data_access.text import clean_text

SEARCH_LIMIT = 20
EXPIRING_DAYS = 30
SEARCH_COLUMNS = ["id_number", "id_masked", "name_masked", "gender", "birth_year", "county_code"]
RECORD_COLUMNS = [
    "record_id", "category_code", "polarity", "domain_code", "severity", "level", "quantity",
    "decision_date", "display_until", "source_dept", "status", "title", "display_state",
]  # fmt: skip
ROSTER_COLUMNS = [
    "profession_code", "licence_no", "valid_from", "valid_to", "source_dept", "current",
]  # fmt: skip
APPLICATION_COLUMNS = [
    "application_id", "kind", "record_id", "handling_dept", "filed_at", "received_at",
    "decided_at", "answered_at", "outcome",
]  # fmt: skip


class OutsideRemit(AuditRefused):
    """No person with this ID number within the user's remit (or no such person at all)."""


def remit_condition(scope: Scope, id_column=m.Person.id_number) -> ColumnElement[bool]:
    """The persons a scope may open a file on (Scope.person_condition)."""
    return scope.person_condition(id_column)


def search_persons(
    engine: Engine, scope: Scope, text: str, counties: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, bool]:
    """Masked candidates for a complete ID number or a full name, within the scope's remit.

    Returns (candidates, more): at most SEARCH_LIMIT rows, `more` when further persons match.
    The id_number column is for opening the file and is never to be displayed."""
    scope.require("person_files")
    text = clean_text(text)
    if not text:
        return pd.DataFrame(columns=SEARCH_COLUMNS), False
    candidate = text.upper()
    if is_valid_id_number(candidate):
        match = m.Person.id_number == candidate
    else:
        match = m.Person.name == text
    stmt = (
        select(
            m.Person.id_number, m.Person.name, m.Person.gender, m.Person.birth_date,
            m.Person.county_code,
        )
        .where(match, remit_condition(scope))
        .order_by(m.Person.county_code, m.Person.birth_date, m.Person.id_number)
        .limit(SEARCH_LIMIT + 1)
    )  # fmt: skip
    if counties:
        stmt = stmt.where(m.Person.county_code.in_(list(counties)))
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(
        [
            (r.id_number, mask_id_number(r.id_number), mask_name(r.name), r.gender,
             r.birth_date.year if r.birth_date else None, r.county_code)
            for r in rows[:SEARCH_LIMIT]
        ],
        columns=SEARCH_COLUMNS,
    )  # fmt: skip
    return frame, len(rows) > SEARCH_LIMIT


# --------------------------------------------------------------------------- the file


def shown_record_conditions(
    as_of: dt.date, scope: Scope | None = None, id_number: str | None = None
) -> list[ColumnElement[bool]]:
    """The conditions on credit_record of what the file shows on the as-of date: what may be
    shown at all, the scope's department (None = an administrator), one person if given."""
    conditions = list(displayed_record_conditions(as_of))
    dept = scope.department("person_files") if scope is not None else None
    if dept is not None:
        conditions.append(m.CreditRecord.source_dept == dept)
    if id_number is not None:
        conditions.append(m.CreditRecord.id_number == id_number)
    return conditions


def displayed_records_statement(as_of: dt.date, scope: Scope | None = None) -> Select:
    """record_id of every record the personal file would show on the as-of date (for a scope;
    None = an administrator). The display check runs it against records that must not be shown."""
    return select(m.CreditRecord.record_id).where(*shown_record_conditions(as_of, scope))


def _records(conn: Connection, scope: Scope, id_number: str, as_of: dt.date) -> pd.DataFrame:
    c, cat = m.CreditRecord, m.RecordCategory
    stmt = (
        select(
            c.record_id, c.category_code, cat.polarity, c.domain_code, c.severity, c.level,
            c.quantity, c.decision_date, c.display_until, c.source_dept, c.status, c.title,
        )
        .join(cat, cat.code == c.category_code)
        .where(*shown_record_conditions(as_of, scope, id_number))
        .order_by(c.decision_date.desc(), c.record_id)
    )  # fmt: skip
    rows = conn.execute(stmt).mappings().all()
    soon = as_of + dt.timedelta(days=EXPIRING_DAYS)
    out = []
    for row in rows:
        if row["status"] == "objection":
            state = "objection"
        elif row["polarity"] == "negative" and row["display_until"] <= soon:
            state = "ending_soon"
        else:
            state = "displayed"
        out.append({**row, "display_state": state})
    return pd.DataFrame(out, columns=RECORD_COLUMNS)


def _roster(conn: Connection, scope: Scope, id_number: str, as_of: dt.date) -> pd.DataFrame:
    r = m.RosterEntry
    stmt = (
        select(r.profession_code, r.licence_no, r.valid_from, r.valid_to, r.source_dept)
        .where(r.id_number == id_number, r.valid_from <= as_of)
        .order_by(r.valid_from.desc(), r.profession_code)
    )
    dept = scope.department("person_files")
    if dept is not None:
        stmt = stmt.where(
            r.profession_code.in_(
                select(m.Profession.code).where(m.Profession.responsible_dept == dept)
            )
        )
    rows = [
        {**row, "current": row["valid_to"] is None or row["valid_to"] >= as_of}
        for row in conn.execute(stmt).mappings()
    ]
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS)


def _applications(conn: Connection, scope: Scope, id_number: str, as_of: dt.date) -> pd.DataFrame:
    """Applications filed by the as-of date on records the file shows (for a department head:
    those their department handles or on their records)."""
    a = m.Application
    stmt = (
        select(*(getattr(a, column) for column in APPLICATION_COLUMNS))
        .where(
            a.id_number == id_number,
            a.filed_at <= as_of,
            a.record_id.in_(
                select(m.CreditRecord.record_id).where(
                    *shown_record_conditions(as_of, None, id_number)
                )
            ),
        )
        .order_by(a.filed_at.desc(), a.application_id)
    )
    dept = scope.department("person_files")
    if dept is not None:
        stmt = stmt.where(
            or_(
                a.handling_dept == dept,
                a.record_id.in_(
                    select(m.CreditRecord.record_id).where(m.CreditRecord.source_dept == dept)
                ),
            )
        )
    rows = []
    for mapping in conn.execute(stmt).mappings():
        row = dict(mapping)
        # What was not yet known on the as-of date is not shown as known.
        for column in ("received_at", "decided_at", "answered_at"):
            if row[column] is not None and row[column] > as_of:
                row[column] = None
        if row["decided_at"] is None:
            row["outcome"] = "pending"
        rows.append(row)
    return pd.DataFrame(rows, columns=APPLICATION_COLUMNS)


@dataclass(frozen=True)
class PersonFile:
    query_id: str  # the query-log row of this view
    id_number: str
    name: str
    gender: str | None
    birth_date: dt.date | None
    county_code: str
    sensitive: bool
    records: pd.DataFrame
    roster: pd.DataFrame
    applications: pd.DataFrame
    ledger: pd.DataFrame | None  # administrators only; None when not available

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)


def open_person_file(
    engine: Engine,
    scope: Scope,
    user: Mapping[str, object],
    id_number: str,
    purpose_code: str,
    authorization_ref: str,
    as_of: dt.date,
) -> PersonFile:
    """Open one person's file: check the purpose, the remit, write the query-log row, then read.

    Raises AuditRefused (no lawful purpose / authorisation), OutsideRemit (nobody with this ID
    number in the remit: nothing is shown and nothing is logged) or PermissionError (role)."""
    scope.require("person_files")
    id_number = clean_text(id_number).upper()
    with engine.begin() as conn:
        person = (
            conn.execute(
                select(*m.Person.__table__.c).where(
                    m.Person.id_number == id_number, remit_condition(scope)
                )
            )
            .mappings()
            .first()
        )
        if person is None:
            raise OutsideRemit("no person with this ID number within your remit")
        query_id = record_view(conn, user, id_number, purpose_code, authorization_ref)
        records = _records(conn, scope, id_number, as_of)
        roster = _roster(conn, scope, id_number, as_of)
        applications = _applications(conn, scope, id_number, as_of)
    return PersonFile(
        query_id, person["id_number"], person["name"], person["gender"], person["birth_date"],
        person["county_code"], bool(person["sensitive"]), records, roster, applications, None,
    )  # fmt: skip


def dashboard_views(engine: Engine, username: str, since: dt.date | None = None) -> int:
    """How many personal-data views a dashboard user has in the query log (for the user's own
    record of use, and for tests)."""
    from data_access.queries.audit import dashboard_operator_id

    stmt = select(func.count()).where(
        m.QueryLog.operator_id == dashboard_operator_id(username), m.QueryLog.channel == "DASHBOARD"
    )
    if since is not None:
        stmt = stmt.where(m.QueryLog.queried_at >= dt.datetime.combine(since, dt.time()))
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())
