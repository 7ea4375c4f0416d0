"""The information subject's own report: their displayed records and every lookup of them, the
operator withheld, its own making logged first; only privacy officers and administrators."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data_access.engine import get_engine
from data_access.queries.person_file import shown_record_conditions
from data_access.queries.subject_report import (
    AuditRefused,
    UnknownSubject,
    subject_report,
)
from data_access.schema import models as m
from data_access.scope import Scope
from tests.conftest import TINY_AS_OF, private_tiny_city

OFFICER = Scope("privacy_officer", "DRC")
USER = {"username": "privacy_officer", "role": "privacy_officer", "department_code": "DRC"}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city(request, tmp_path_factory) -> str:
    yield from private_tiny_city(request.param, tmp_path_factory, "subject")


def _most_looked_up(engine) -> str:
    """The most looked-up person with a record shown on the as-of date."""
    q = m.QueryLog
    with engine.connect() as conn:
        return conn.execute(
            select(q.subject_id_number)
            .join(m.Person, m.Person.id_number == q.subject_id_number)
            .where(
                q.subject_id_number.in_(
                    select(m.CreditRecord.id_number).where(*shown_record_conditions(TINY_AS_OF))
                )
            )
            .group_by(q.subject_id_number)
            .order_by(func.count().desc(), q.subject_id_number)
            .limit(1)
        ).scalar_one()


def test_the_report_lists_records_and_every_lookup_with_its_own(city):
    engine = get_engine(city)
    person = _most_looked_up(engine)
    with engine.connect() as conn:
        lookups_before = conn.execute(
            select(func.count()).where(m.QueryLog.subject_id_number == person)
        ).scalar_one()
        departments = set(conn.scalars(
            select(m.Operator.department_code).join(
                m.QueryLog, m.QueryLog.operator_id == m.Operator.operator_id
            ).where(m.QueryLog.subject_id_number == person)
        ))  # fmt: skip
        shown = set(conn.scalars(
            select(m.CreditRecord.record_id).where(
                *shown_record_conditions(TINY_AS_OF, None, person)
            )
        ))  # fmt: skip
    report = subject_report(engine, OFFICER, USER, person.lower(), "SELF", "REQ-2026-001",
                            TINY_AS_OF)  # fmt: skip
    assert report.id_number == person and report.name
    assert set(report.records["record_id"]) == shown and shown
    assert len(report.lookups) == lookups_before + 1  # its own making included
    assert set(report.lookups["department_code"]) == departments | {"DRC"}
    assert "operator_id" not in report.lookups.columns  # the clerk is withheld
    assert report.lookups["queried_at"].is_monotonic_decreasing
    with engine.connect() as conn:
        row = conn.execute(
            select(m.QueryLog.operator_id, m.QueryLog.purpose_code, m.QueryLog.authorization_ref,
                   m.QueryLog.channel).where(m.QueryLog.query_id == report.query_id)
        ).one()  # fmt: skip
    assert tuple(row) == ("DASH-privacy_officer", "SELF", "REQ-2026-001", "DASHBOARD")


@pytest.mark.parametrize(
    "purpose, reference, refusal",
    [("OBJECTION", "REQ-1", AuditRefused), ("SELF", "  ", AuditRefused), ("", "R", AuditRefused)],
)
def test_only_the_persons_own_purposes_with_a_request_reference(city, purpose, reference, refusal):
    engine = get_engine(city)
    person = _most_looked_up(engine)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(m.QueryLog)).scalar_one()
    with pytest.raises(refusal):
        subject_report(engine, OFFICER, USER, person, purpose, reference, TINY_AS_OF)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.QueryLog)).scalar_one() == before


def test_an_unknown_person_is_neither_shown_nor_logged(city):
    engine = get_engine(city)
    with engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(m.QueryLog)).scalar_one()
    with pytest.raises(UnknownSubject):
        subject_report(engine, OFFICER, USER, "11010519491231002X", "SELF", "R-1", TINY_AS_OF)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.QueryLog)).scalar_one() == before


@pytest.mark.parametrize("role", ["leading_office", "department_head"])
def test_other_roles_are_refused(city, role):
    engine = get_engine(city)
    with pytest.raises(PermissionError):
        subject_report(engine, Scope(role, "EDU"), USER, _most_looked_up(engine), "SELF", "R",
                       TINY_AS_OF)  # fmt: skip
