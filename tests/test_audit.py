"""The dashboard audits itself: opening a person's ledger writes a query-log row first."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from data_access.id_number import make_id_number
from data_access.queries.audit import AuditRefused, record_view
from data_access.schema import models as m
from data_access.scope import Scope
from services.scores import person_ledger_view

BORN = dt.date(1980, 5, 17)
SUBJECT = make_id_number("412701", BORN, 123)
ADMIN = {"username": "admin", "role": "admin", "department_code": None}


@pytest.fixture
def person(engine):
    with engine.begin() as conn:
        conn.execute(
            insert(m.Person),
            [{"id_number": SUBJECT, "name": "王建明", "gender": "M", "birth_date": BORN,
              "county_code": "411602"}],
        )  # fmt: skip
        conn.execute(
            insert(m.CreditRecord),
            [{"record_id": "R1", "id_number": SUBJECT, "category_code": "BLOOD_DONATION",
              "decision_date": dt.date(2026, 3, 1), "source_dept": "HEALTH"}],
        )  # fmt: skip
    return engine


def log_rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(m.QueryLog)).all()


def test_a_ledger_view_is_logged_with_purpose_and_reference(db_url, person):
    frame, query_id = person_ledger_view(
        db_url, Scope("admin"), ADMIN, SUBJECT.lower(), "OBJECTION", "YY-2026-17",
        dt.date(2026, 11, 27),
    )  # fmt: skip
    assert frame.filter(frame["line"] == "total")["points"][0] == 1005
    (row,) = log_rows(person)
    assert (row.query_id, row.operator_id, row.subject_id_number, row.purpose_code) == (
        query_id, "DASH-admin", SUBJECT, "OBJECTION",
    )  # fmt: skip
    assert (row.authorization_ref, row.channel, row.flags) == ("YY-2026-17", "DASHBOARD", "")
    with person.connect() as conn:
        operator = conn.execute(select(m.Operator).where(m.Operator.operator_id == "DASH-admin"))
        assert operator.one().department_code == "DRC"


def test_no_reference_no_view_and_nothing_logged(db_url, person):
    with pytest.raises(AuditRefused, match="authorisation"):
        person_ledger_view(
            db_url, Scope("admin"), ADMIN, SUBJECT, "EMPLOYMENT", " ", dt.date(2026, 11, 27)
        )
    with pytest.raises(AuditRefused, match="purpose"):
        person_ledger_view(
            db_url, Scope("admin"), ADMIN, SUBJECT, "CURIOSITY", "X", dt.date(2026, 11, 27)
        )
    assert log_rows(person) == []


@pytest.mark.parametrize("role", ["leading_office", "department_head", "privacy_officer"])
def test_other_roles_cannot_open_a_ledger(db_url, person, role):
    with pytest.raises(PermissionError):
        person_ledger_view(
            db_url, Scope(role, "EDU"), {"username": "x", "role": role}, SUBJECT, "OBJECTION",
            "R", dt.date(2026, 11, 27),
        )  # fmt: skip
    assert log_rows(person) == []


def test_an_unknown_subject_is_still_logged_and_flagged(engine):
    stranger = make_id_number("410102", BORN, 2)
    with engine.begin() as conn:
        record_view(conn, ADMIN, stranger, "SELF", "S-1")
        record_view(conn, ADMIN, stranger, "SELF", "S-2")
    with engine.connect() as conn:
        flags = conn.scalars(select(m.QueryLog.flags)).all()
        operators = conn.execute(select(func.count()).select_from(m.Operator)).scalar_one()
    assert flags == ["unknown_subject", "unknown_subject"] and operators == 1
