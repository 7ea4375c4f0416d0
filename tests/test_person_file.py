"""The personal credit file: remit in SQL, masked search, purpose required, every opening logged,
nothing past its display period shown; and the page itself (AppTest), on SQLite and PostgreSQL.

A hand-built world with known answers (as of 2026-11-27):
- A (in SAMR's remit: a SAMR record; also an EDU roster member (teacher)):
  R1 SAMR general penalty, displayed until 2027-01-06 -> shown (ends 40 days later: displayed);
  R2 SAMR minor penalty, display_until 2026-12-10 -> shown, ending within 30 days;
  R3 SAMR penalty past its display period (display_until 2026-11-27 = as-of) -> never shown;
  R4 TAX record repaired (display_until 2027-05-01) -> never shown, nor its upheld repair;
  R5 EDU volunteer record (positive) -> shown to EDU and the admin, not to SAMR;
  R6 SAMR record under objection -> shown, marked, with its pending objection.
- B: only an EDU roster entry -> outside SAMR's remit, inside EDU's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select
from streamlit.testing.v1 import AppTest

from data_access.id_number import make_id_number
from data_access.queries import person_file as pf
from data_access.queries.audit import AuditRefused
from data_access.schema import models as m
from data_access.schema.reference import init_schema
from data_access.scope import Scope

AS_OF = dt.date(2026, 11, 27)
A = make_id_number("411623", dt.date(1985, 3, 14), 123)  # odd sequence: a man
B = make_id_number("411602", dt.date(1990, 7, 2), 246)
ADMIN = {"username": "admin", "role": "admin", "department_code": None}
SAMR = {"username": "dept_samr", "role": "department_head", "department_code": "SAMR"}
EDU = {"username": "dept_edu", "role": "department_head", "department_code": "EDU"}
APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def _record(record_id, id_number, category, dept, decided, until=None, severity=None, **extra):
    return {
        "record_id": record_id, "id_number": id_number, "category_code": category,
        "domain_code": extra.pop("domain", None), "severity": severity, "level": None,
        "quantity": extra.pop("quantity", None), "decision_date": decided,
        "display_until": until, "source_dept": dept, "status": extra.pop("status", "active"),
        "title": extra.pop("title", category),
    }  # fmt: skip


def build_world(engine) -> None:
    init_schema(engine)
    d = dt.date
    with engine.begin() as conn:
        conn.execute(
            insert(m.Person),
            [
                {"id_number": A, "name": "王小明", "gender": "M", "birth_date": d(1985, 3, 14),
                 "county_code": "411623", "residence_code": None, "sensitive": False},
                {"id_number": B, "name": "李华", "gender": "F", "birth_date": d(1990, 7, 2),
                 "county_code": "411602", "residence_code": None, "sensitive": True},
            ],
        )  # fmt: skip
        conn.execute(
            insert(m.RosterEntry),
            [
                {"id_number": A, "profession_code": "TEACHER", "licence_no": "T-1",
                 "valid_from": d(2010, 9, 1), "valid_to": None, "source_dept": "EDU"},
                {"id_number": B, "profession_code": "TEACHER", "licence_no": "T-2",
                 "valid_from": d(2015, 9, 1), "valid_to": d(2020, 8, 31), "source_dept": "EDU"},
            ],
        )  # fmt: skip
        conn.execute(
            insert(m.CreditRecord),
            [
                _record("R1", A, "ADMIN_PENALTY", "SAMR", d(2026, 1, 6), d(2027, 1, 6), "general",
                        domain="FOOD_DRUG"),
                _record("R2", A, "ADMIN_PENALTY", "SAMR", d(2026, 9, 10), d(2026, 12, 10),
                        "minor", domain="FOOD_DRUG"),
                _record("R3", A, "ADMIN_PENALTY", "SAMR", d(2025, 11, 27), d(2026, 11, 27),
                        "general", domain="FOOD_DRUG"),
                _record("R4", A, "TAX_ARREARS", "TAX", d(2025, 5, 1), d(2027, 5, 1), "serious",
                        status="repaired"),
                _record("R5", A, "VOLUNTEER", "EDU", d(2026, 5, 1), quantity=12.0),
                _record("R6", A, "ADMIN_PENALTY", "SAMR", d(2026, 6, 1), d(2027, 6, 1),
                        "general", domain="FOOD_DRUG", status="objection"),
            ],
        )  # fmt: skip
        conn.execute(
            insert(m.Application),
            [
                {"application_id": "AP1", "kind": "repair", "record_id": "R4", "id_number": A,
                 "handling_dept": "TAX", "filed_at": d(2026, 3, 2), "received_at": d(2026, 3, 2),
                 "decided_at": d(2026, 3, 4), "answered_at": d(2026, 3, 6), "outcome": "upheld"},
                {"application_id": "AP2", "kind": "objection", "record_id": "R6",
                 "id_number": A, "handling_dept": "SAMR", "filed_at": d(2026, 11, 20),
                 "received_at": d(2026, 11, 23), "decided_at": None, "answered_at": None,
                 "outcome": "pending"},
            ],
        )  # fmt: skip


@pytest.fixture
def world(engine):
    build_world(engine)
    return engine


def query_log_rows(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(m.QueryLog)).scalar_one()


# --------------------------------------------------------------------------- remit and search


def test_search_is_masked_exact_and_within_the_remit(world):
    admin, samr, edu = Scope("admin"), Scope("department_head", "SAMR"), Scope.from_user(EDU)
    found, more = pf.search_persons(world, admin, "王小明")
    assert not more
    assert found["id_masked"].tolist() == [A[:4] + "*" * 10 + A[-4:]]
    assert found["name_masked"].tolist() == ["王*明"]
    assert found["id_number"].tolist() == [A]  # kept for opening, never displayed
    assert pf.search_persons(world, admin, "王小")[0].empty  # no partial names
    assert pf.search_persons(world, admin, A[:10])[0].empty  # no partial ID numbers
    assert pf.search_persons(world, admin, A.lower())[0]["id_number"].tolist() == [A]
    # B is only on EDU's teacher roster: outside SAMR's remit, inside EDU's.
    assert pf.search_persons(world, samr, B)[0].empty
    assert pf.search_persons(world, edu, "李华")[0]["id_number"].tolist() == [B]
    assert pf.search_persons(world, samr, "王小明")[0]["id_number"].tolist() == [A]
    # A county filter narrows; injection strings are only names that match nobody.
    assert pf.search_persons(world, admin, "王小明", ("411602",))[0].empty
    for text in ("' OR '1'='1", "%", "_", "王%", "'; DROP TABLE person; --"):
        assert pf.search_persons(world, admin, text)[0].empty
    with world.connect() as conn:
        assert conn.execute(select(func.count()).select_from(m.Person)).scalar_one() == 2


@pytest.mark.parametrize("role", ["leading_office", "privacy_officer"])
def test_other_roles_may_not_search_or_open(world, role):
    scope = Scope(role, "DRC")
    with pytest.raises(PermissionError):
        pf.search_persons(world, scope, "王小明")
    with pytest.raises(PermissionError):
        pf.open_person_file(world, scope, {"username": role, "role": role}, A, "ENFORCEMENT",
                            "C-1", AS_OF)  # fmt: skip
    assert query_log_rows(world) == 0


# --------------------------------------------------------------------------- opening a file


def test_admin_file_shows_exactly_what_may_be_shown_and_is_logged(world):
    before = query_log_rows(world)
    file = pf.open_person_file(world, Scope("admin"), ADMIN, A, "ENFORCEMENT", " CASE-7 ", AS_OF)
    assert query_log_rows(world) == before + 1
    assert (file.name, file.id_number, file.gender) == ("王小明", A, "M")
    states = dict(zip(file.records["record_id"], file.records["display_state"], strict=True))
    assert states == {"R1": "displayed", "R2": "ending_soon", "R5": "displayed", "R6": "objection"}
    assert file.roster["profession_code"].tolist() == ["TEACHER"]
    assert file.roster["current"].tolist() == [True]
    # The repair of R4 concerns a record no longer shown: it is not shown either.
    assert file.applications["application_id"].tolist() == ["AP2"]
    with world.connect() as conn:
        logged = conn.execute(
            select(m.QueryLog.__table__).where(m.QueryLog.query_id == file.query_id)
        ).one()
    assert logged.channel == "DASHBOARD"
    assert logged.operator_id == "DASH-admin"
    assert logged.subject_id_number == A
    assert (logged.purpose_code, logged.authorization_ref) == ("ENFORCEMENT", "CASE-7")
    assert logged.flags == ""


def test_department_head_sees_only_their_department_in_the_file(world):
    samr = pf.open_person_file(world, Scope.from_user(SAMR), SAMR, A, "LICENSING", "L-1", AS_OF)
    assert sorted(samr.records["record_id"]) == ["R1", "R2", "R6"]
    assert samr.roster.empty  # the teacher roster is EDU's
    assert samr.applications["application_id"].tolist() == ["AP2"]
    assert samr.ledger is None
    edu = pf.open_person_file(world, Scope.from_user(EDU), EDU, A, "EMPLOYMENT", "E-1", AS_OF)
    assert edu.records["record_id"].tolist() == ["R5"]
    assert edu.roster["licence_no"].tolist() == ["T-1"]
    assert edu.applications.empty
    assert query_log_rows(world) == 2


def test_refusals_show_nothing_and_write_nothing(world):
    samr = Scope.from_user(SAMR)
    with pytest.raises(pf.OutsideRemit):
        pf.open_person_file(world, samr, SAMR, B, "LICENSING", "L-1", AS_OF)
    unknown = make_id_number("411602", dt.date(2000, 1, 1), 1)
    with pytest.raises(pf.OutsideRemit):  # the same answer as outside the remit
        pf.open_person_file(world, Scope("admin"), ADMIN, unknown, "LICENSING", "L-1", AS_OF)
    with pytest.raises(AuditRefused, match="authorisation"):
        pf.open_person_file(world, Scope("admin"), ADMIN, A, "LICENSING", "   ", AS_OF)
    with pytest.raises(AuditRefused, match="purpose"):
        pf.open_person_file(world, Scope("admin"), ADMIN, A, "' OR 1=1 --", "X", AS_OF)
    assert query_log_rows(world) == 0


def test_what_was_not_known_on_the_as_of_date_is_not_shown(world):
    earlier = dt.date(2026, 3, 3)  # AP1 received on 3-2, decided on 3-4; R4 repaired later
    file = pf.open_person_file(world, Scope("admin"), ADMIN, A, "ENFORCEMENT", "C", earlier)
    assert sorted(file.records["record_id"]) == ["R1", "R3"]  # R2, R5, R6 decided later
    # R4 is repaired (status as stored today), so it stays hidden whatever the date.
    assert file.applications.empty


def test_ledger_for_administrators_leaves_out_records_that_may_not_be_shown(world):
    from services import person_files

    url = world.url.render_as_string(hide_password=False)
    file = person_files.open_file(url, Scope("admin"), ADMIN, A, "ENFORCEMENT", "C", AS_OF)
    assert file.ledger is not None
    head = person_files.open_file(url, Scope.from_user(SAMR), SAMR, A, "LICENSING", "L-1", AS_OF)
    assert head.ledger is None  # the ledger is for administrators only
    listed = set(file.ledger["record_id"].dropna())
    assert listed <= {"R1", "R2", "R5", "R6"}
    assert "R3" not in listed and "R4" not in listed


def test_the_display_check_finds_nothing_the_file_would_show_wrongly(world):
    shown = pf.displayed_records_statement(AS_OF)
    with world.connect() as conn:
        ids = set(conn.scalars(shown))
    assert ids == {"R1", "R2", "R5", "R6"}


# --------------------------------------------------------------------------- the page


def open_person_page(url: str, monkeypatch, user: dict) -> AppTest:
    monkeypatch.setenv("CREDIT_DB_URL", url)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["user"] = user
    app.session_state["filter_as_of"] = AS_OF
    app.run()
    return app.switch_page("pages/person.py").run()


def rendered_text(app: AppTest) -> str:
    parts = [e.value for e in (*app.markdown, *app.caption, *app.subheader, *app.metric)]
    parts += [str(s.options) for s in app.selectbox]
    for frame in app.dataframe:
        parts.append(frame.value.to_csv())
    return "\n".join(str(p) for p in parts)


@pytest.fixture
def world_url(db_url, engine):
    """db_url holds the hand-built world; the dashboard needs its demo users to exist too."""
    from data_access.accounts.users import ensure_demo_users

    build_world(engine)
    ensure_demo_users(engine)
    return db_url


def test_page_opens_a_file_only_with_a_purpose_and_logs_it(
    world_url, engine, monkeypatch, server_navigation
):
    app = open_person_page(world_url, monkeypatch, ADMIN)
    assert not app.exception, [e.value for e in app.exception]
    app.text_input(key="pf_search_text").input(A)
    app.button[0].click().run()
    text = rendered_text(app)
    assert "王*明" in text and A not in text and "王小明" not in text
    # No purpose chosen: refused; then no authorisation reference: refused. Nothing logged.
    app.button[1].click().run()
    assert app.error and "查询事由" in app.error[0].value
    app.selectbox[1].set_value("ENFORCEMENT")
    app.button[1].click().run()
    assert app.error and "授权编号" in app.error[0].value
    assert query_log_rows(engine) == 0
    assert A not in rendered_text(app)
    app.text_input[1].input("CASE-2026-118")
    app.button[1].click().run()
    assert not app.exception and not app.error
    assert query_log_rows(engine) == 1
    text = rendered_text(app)
    assert A in text and "王小明" in text  # the file opened with a purpose shows them in full
    assert "R1" in text and "R3" not in text and "R4" not in text
    # the ledger tab puts each list decision in words (never a platform-made black list)
    decisions = [md.value for md in app.markdown if md.value.startswith(("✔", "✘"))]
    assert len(decisions) == 4 and "失信被执行人名单" in decisions[3]
    assert not any("黑名单" in d or "black_list" in d for d in decisions)
    assert not any("listed" in f.value.columns for f in app.dataframe)
    # A rerun (e.g. another widget) does not log again; a new as-of date closes the file.
    app.run()
    assert query_log_rows(engine) == 1
    app.session_state["filter_as_of"] = dt.date(2026, 11, 1)
    app.run()
    assert A not in rendered_text(app)


def test_page_for_a_department_head_outside_the_remit_shows_nothing(
    world_url, engine, monkeypatch, server_navigation
):
    app = open_person_page(world_url, monkeypatch, SAMR)
    app.text_input(key="pf_search_text").input(B)
    app.button[0].click().run()
    assert not app.exception
    assert app.warning and "没有匹配" in app.warning[0].value
    assert "李" not in rendered_text(app)
    assert query_log_rows(engine) == 0
