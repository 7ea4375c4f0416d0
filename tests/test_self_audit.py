"""The dashboard audits itself: every page that can show one person's credit data writes a
query-log row (channel DASHBOARD, the user as operator, purpose, authorisation) for every view,
on SQLite and PostgreSQL. A page marked `personal_data` in ui/navigation.py must have a driver
here, so a new page that shows personal data cannot skip the audit unnoticed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access.engine import get_engine
from data_access.schema import models as m
from scoring.points_policy import load_policy
from scoring.points_run import score_database
from tests.conftest import TINY_AS_OF, private_tiny_city
from ui.navigation import PAGES

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
ADMIN = {"username": "admin", "role": "admin", "department_code": None}


def view_person_file(app: AppTest, subject: str, purpose: str, reference: str) -> None:
    app.text_input(key="pf_search_text").input(subject)
    app.button[0].click().run()
    app.selectbox[1].set_value(purpose)
    app.text_input[1].input(reference)
    app.button[1].click().run()


def view_points_ledger(app: AppTest, subject: str, purpose: str, reference: str) -> None:
    app.text_input(key="ledger.id").input(subject)
    app.selectbox(key="ledger.purpose").set_value(purpose)
    app.text_input(key="ledger.ref").input(reference)
    app.button(key="FormSubmitter:ledger-查看明细").click().run()


def make_subject_report(app: AppTest, subject: str, purpose: str, reference: str) -> None:
    app.text_input(key="subject_id").input(subject)
    app.selectbox(key="subject_purpose").set_value(purpose)
    app.text_input(key="subject_ref").input(reference)
    app.button(key="FormSubmitter:subject_request-出具报告").click().run()


# page key -> how a user views one person's data on it
DRIVERS: dict[str, Callable[[AppTest, str, str, str], None]] = {
    "person": view_person_file,
    "scores": view_points_ledger,
    "subject": make_subject_report,
}
# the purpose a page's view is made under (the subject report: only the person's own purposes)
PURPOSE = {"subject": "SELF"}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def scored_city(request, tmp_path_factory) -> str:
    """A tiny city of its own (the tests write to its query log), with a stored points run."""
    for url in private_tiny_city(request.param, tmp_path_factory, "audit"):
        score_database(get_engine(url), TINY_AS_OF, load_policy())
        yield url


def test_every_page_that_shows_personal_data_has_a_driver():
    assert {spec.key for spec in PAGES if spec.personal_data} == set(DRIVERS)


def dashboard_rows(url: str) -> list[tuple]:
    with get_engine(url).connect() as conn:
        return conn.execute(
            select(
                m.QueryLog.operator_id, m.QueryLog.subject_id_number, m.QueryLog.purpose_code,
                m.QueryLog.authorization_ref,
            ).where(m.QueryLog.channel == "DASHBOARD")
        ).all()  # fmt: skip


@pytest.mark.parametrize("page", sorted(DRIVERS))
def test_each_view_of_a_persons_data_is_a_logged_lookup(
    scored_city, monkeypatch, server_navigation, page
):
    with get_engine(scored_city).connect() as conn:
        subject = conn.scalars(
            select(m.CreditRecord.id_number).order_by(m.CreditRecord.record_id).limit(1)
        ).one()
        total = conn.execute(select(func.count()).select_from(m.QueryLog)).scalar_one()
    before = dashboard_rows(scored_city)
    monkeypatch.setenv("CREDIT_DB_URL", scored_city)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["user"] = ADMIN
    app.session_state["filter_as_of"] = TINY_AS_OF
    app.run()
    app.switch_page(f"pages/{page}.py").run()
    reference = f"AUDIT-{page}"
    purpose = PURPOSE.get(page, "OBJECTION")
    DRIVERS[page](app, subject, purpose, reference)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    after = dashboard_rows(scored_city)
    assert sorted(set(after) - set(before)) == [("DASH-admin", subject, purpose, reference)]
    with get_engine(scored_city).connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.QueryLog)).scalar_one() == total + 1
    # A rerun of the page shows the same view and is not a second lookup.
    app.run()
    assert len(dashboard_rows(scored_city)) == len(after)


def test_the_detector_watches_the_dashboards_own_users(scored_city):
    """Eleven quiet weeks of two lookups a working day, then one week in which a department head
    opens 150 files in an evening, typing the same reference every time: an alert on their
    dashboard operator (a reference one user types for many persons is no batch check)."""
    from sqlalchemy import delete

    from data_access.queries.audit import record_view
    from scoring.anomaly import detect

    engine = get_engine(scored_city)
    user = {"username": "dept_samr", "role": "department_head", "department_code": "SAMR"}
    with engine.connect() as conn:
        people = conn.scalars(select(m.Person.id_number).order_by(m.Person.id_number).limit(200))
        people = list(people)
    day, k = dt.datetime(2026, 8, 31, 10, 0), 0
    with engine.begin() as conn:
        while day < dt.datetime(2026, 11, 16):
            if day.weekday() < 5:
                for j in range(2):
                    when = day + dt.timedelta(minutes=45 * j)
                    record_view(conn, user, people[k % 50], "LICENSING", f"XK-{k}", now=when)
                    k += 1
            day += dt.timedelta(days=1)
        for j in range(150):
            when = dt.datetime(2026, 11, 19, 19, 0) + dt.timedelta(minutes=j)
            record_view(conn, user, people[50 + j], "EMPLOYMENT", "HR-1", now=when)
    try:
        alerts = detect(engine, dt.date(2026, 11, 16), dt.date(2026, 11, 22))
        mine = [a for a in alerts if a.operator_id == "DASH-dept_samr"]
        assert len(mine) == 1 and "volume" in mine[0].signals, [a.operator_id for a in alerts]
    finally:  # other tests of this module count the dashboard's rows
        with engine.begin() as conn:
            conn.execute(delete(m.QueryLog).where(m.QueryLog.operator_id == "DASH-dept_samr"))
