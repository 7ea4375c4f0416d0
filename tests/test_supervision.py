"""Supervision items (督办), on both engines: the lifecycle open -> answered -> returned ->
answered -> accepted with its history, evidence checks, bad input refused with nothing written,
the scope (a department head never reads or answers another department's item, even by its
number; the privacy officer reads nothing), overdue counts and the counts per unit."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select

from data_access.engine import get_engine
from data_access.queries import supervision as sv
from data_access.queries.supervision import SupervisionError
from data_access.schema.supervision_models import (
    SupervisionEvent,
    SupervisionEvidence,
    SupervisionItem,
)
from data_access.scope import Scope

TODAY = dt.date(2026, 11, 27)
OFFICE = Scope("leading_office", "DRC")
ADMIN = Scope("admin")
EDU = Scope("department_head", "EDU")
SAMR = Scope("department_head", "SAMR")
PRIVACY = Scope("privacy_officer", "DRC")
PDF = b"%PDF-1.4\n% evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def open_one(engine, unit: str = "EDU", ref: str = "EDU|STUDENT-LOAN|2026-05", **over) -> int:
    values = dict(
        unit_code=unit, source="delivery", source_ref=ref,
        facts={"item_code": "STUDENT-LOAN", "period": "2026-05", "state": "missing"},
        seen_on=TODAY, deadline=TODAY + dt.timedelta(days=10), action="补报五月数据并说明原因",
        today=TODAY,
    )  # fmt: skip
    values.update(over)
    return sv.open_item(engine, OFFICE, "leading_office", **values)


def counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(
            int(conn.scalar(select(func.count()).select_from(t)))
            for t in (SupervisionItem, SupervisionEvent, SupervisionEvidence)
        )  # type: ignore[return-value]


def test_the_lifecycle_is_recorded_step_by_step(engine):
    item_id = open_one(engine)
    found = sv.item(engine, EDU, item_id, TODAY)
    assert found is not None and found["status"] == "open" and not found["overdue"]
    assert found["facts"] == {"item_code": "STUDENT-LOAN", "period": "2026-05", "state": "missing"}
    assert found["seen_on"] == TODAY and found["opened_by"] == "leading_office"

    at = dt.datetime(2026, 11, 28, 9, 0)
    assert sv.answer_item(engine, EDU, "dept_edu", item_id, "已补报", [("报告.pdf", PDF)], at) == (
        "answered"
    )
    assert sv.return_item(engine, OFFICE, "leading_office", item_id, "缺少说明",
                          at + dt.timedelta(hours=1)) == "returned"  # fmt: skip
    assert sv.item(engine, EDU, item_id, TODAY)["status"] == "returned"
    sv.answer_item(engine, EDU, "dept_edu", item_id, "已补报并附说明",
                   [("说明.png", PNG)], at + dt.timedelta(hours=2))  # fmt: skip
    assert sv.accept_item(engine, OFFICE, "leading_office", item_id, "同意",
                          at + dt.timedelta(hours=3)) == "accepted"  # fmt: skip

    closed = sv.item(engine, OFFICE, item_id, TODAY + dt.timedelta(days=30))
    assert closed["status"] == "accepted" and closed["closed_at"] == at + dt.timedelta(hours=3)
    assert not closed["overdue"]  # closed items are never overdue
    steps = sv.history(engine, EDU, item_id)
    assert list(steps["action"]) == ["open", "answer", "return", "answer", "accept"]
    assert list(steps["to_status"]) == ["open", "answered", "returned", "answered", "accepted"]
    assert list(steps["username"]) == ["leading_office", "dept_edu", "leading_office",
                                       "dept_edu", "leading_office"]  # fmt: skip
    assert steps["note"].iloc[2] == "缺少说明"
    assert list(steps["display_name"]) == list(steps["username"])  # no such accounts here
    files = sv.evidence(engine, EDU, item_id)
    assert list(files["file_name"]) == ["报告.pdf", "说明.png"]
    assert list(files["file_bytes"]) == [len(PDF), len(PNG)]
    assert files["sha256"].iloc[0] == hashlib.sha256(PDF).hexdigest()
    assert sv.evidence_file(engine, EDU, int(files["evidence_id"].iloc[1])) == ("说明.png", PNG)
    # a closed item cannot be answered or returned again
    with pytest.raises(SupervisionError) as refused:
        sv.answer_item(engine, EDU, "dept_edu", item_id, "再答")
    assert refused.value.code == "wrong_state"
    # once accepted, the same figure row may be supervised again
    assert open_one(engine) != item_id


def test_bad_input_is_refused_and_nothing_is_half_written(engine):
    def code(call) -> str:
        with pytest.raises(SupervisionError) as refused:
            call()
        return refused.value.code

    assert code(lambda: open_one(engine, action="   ")) == "empty_action"
    assert code(lambda: open_one(engine, deadline=TODAY)) == "deadline_past"
    assert code(lambda: open_one(engine, deadline=TODAY - dt.timedelta(days=3))) == "deadline_past"
    assert code(lambda: open_one(engine, deadline=TODAY + dt.timedelta(days=400))) == (
        "deadline_too_far"
    )
    assert code(lambda: open_one(engine, unit="NOPE")) == "unknown_unit"
    assert code(lambda: open_one(engine, source="rumour")) == "unknown_source"
    assert counts(engine) == (0, 0, 0)
    item_id = open_one(engine)
    assert code(lambda: open_one(engine)) == "duplicate"
    assert counts(engine) == (1, 1, 0)

    def answer(reply: str, files) -> str:
        return code(lambda: sv.answer_item(engine, EDU, "dept_edu", item_id, reply, files))

    assert answer(" \n ", []) == "empty_reply"
    big = b"%PDF-" + b"0" * sv.MAX_EVIDENCE_BYTES
    assert answer("已办", [("ok.pdf", PDF), ("big.pdf", big)]) == "file_too_large"
    assert answer("已办", [("script.exe", b"MZ\x90\x00")]) == "file_type"
    assert answer("已办", [("fake.pdf", b"MZ\x90\x00")]) == "file_content"
    assert answer("已办", [("empty.pdf", b"")]) == "file_empty"
    assert answer("已办", [(f"{i}.pdf", PDF) for i in range(6)]) == "too_many_files"
    assert code(lambda: sv.accept_item(engine, OFFICE, "lo", item_id)) == "wrong_state"
    assert code(lambda: sv.return_item(engine, OFFICE, "lo", item_id, "x")) == "wrong_state"
    assert counts(engine) == (1, 1, 0)  # no answer, no file, no history row
    assert sv.item(engine, EDU, item_id, TODAY)["status"] == "open"
    sv.answer_item(engine, EDU, "dept_edu", item_id, "已办")
    assert code(lambda: sv.return_item(engine, OFFICE, "lo", item_id, "  ")) == "empty_reason"
    assert counts(engine) == (1, 2, 0)


def test_safe_file_names():
    assert sv.safe_file_name("../../etc/passwd") == "passwd"
    assert sv.safe_file_name("C:\\Users\\李\\整改报告 (定稿).PDF") == "整改报告_(定稿).pdf"
    assert sv.safe_file_name("<script>.pdf") == "script.pdf"
    assert sv.safe_file_name("...pdf") == "evidence.pdf"
    assert sv.safe_file_name("a\x00b.png") == "ab.png"


def test_a_department_head_never_reads_or_answers_another_departments_item(engine):
    edu = open_one(engine)
    samr = open_one(engine, unit="SAMR", ref="SAMR|PENALTY-FOOD_DRUG|2026-05")
    county = open_one(engine, unit="411602", ref="411602|annual|2025")
    sv.answer_item(engine, SAMR, "dept_samr", samr, "已办", [("a.pdf", PDF)])
    samr_file = int(sv.evidence(engine, ADMIN, samr)["evidence_id"].iloc[0])

    assert set(sv.items(engine, EDU, TODAY)["item_id"]) == {edu}
    assert set(sv.items(engine, SAMR, TODAY)["item_id"]) == {samr}
    assert set(sv.items(engine, OFFICE, TODAY)["item_id"]) == {edu, samr, county}
    assert set(sv.items(engine, ADMIN, TODAY)["item_id"]) == {edu, samr, county}
    assert set(sv.items(engine, EDU, TODAY, units=["SAMR", "411602"])["item_id"]) == set()
    assert sv.item(engine, EDU, samr, TODAY) is None and sv.item(engine, EDU, county, TODAY) is None
    assert sv.history(engine, EDU, samr).empty and sv.evidence(engine, EDU, samr).empty
    assert sv.evidence_file(engine, EDU, samr_file) is None
    assert set(sv.unit_summary(engine, EDU, TODAY)["unit_code"]) == {"EDU"}
    assert set(sv.open_refs(engine, EDU, "delivery").values()) == {edu}
    for other in (samr, county, 999_999):  # by another's number, or none at all
        with pytest.raises(SupervisionError) as refused:
            sv.answer_item(engine, EDU, "dept_edu", other, "我来答")
        assert refused.value.code == "not_found"
    assert sv.item(engine, ADMIN, samr, TODAY)["status"] == "answered"  # untouched
    # a department head neither opens nor closes; the office does not answer for a unit
    with pytest.raises(PermissionError):
        sv.open_item(engine, EDU, "dept_edu", unit_code="EDU", source="delivery", source_ref="x",
                     facts={}, seen_on=TODAY, deadline=TODAY + dt.timedelta(days=5),
                     action="自己督办自己", today=TODAY)  # fmt: skip
    for call in (
        lambda: sv.accept_item(engine, SAMR, "dept_samr", samr),
        lambda: sv.return_item(engine, SAMR, "dept_samr", samr, "不行"),
        lambda: sv.answer_item(engine, OFFICE, "leading_office", edu, "代答"),
    ):
        with pytest.raises(PermissionError):
            call()
    # the privacy officer reads nothing of it; a head without a department reads nothing
    for call in (
        lambda: sv.items(engine, PRIVACY, TODAY),
        lambda: sv.item(engine, PRIVACY, edu, TODAY),
        lambda: sv.unit_summary(engine, PRIVACY, TODAY),
        lambda: sv.answer_item(engine, PRIVACY, "privacy_officer", edu, "x"),
    ):
        with pytest.raises(PermissionError):
            call()
    assert sv.items(engine, Scope("department_head", None), TODAY).empty
    assert counts(engine) == (3, 4, 1)


def test_overdue_and_counts_per_unit(engine):
    late = open_one(engine, deadline=TODAY + dt.timedelta(days=2))
    answered = open_one(engine, ref="EDU|b", deadline=TODAY + dt.timedelta(days=5))
    closed = open_one(engine, ref="EDU|c", deadline=TODAY + dt.timedelta(days=1))
    samr = open_one(engine, unit="SAMR", ref="SAMR|a", deadline=TODAY + dt.timedelta(days=30))
    sv.answer_item(engine, EDU, "dept_edu", answered, "已办")
    sv.answer_item(engine, EDU, "dept_edu", closed, "已办")
    sv.accept_item(engine, OFFICE, "leading_office", closed)

    assert sv.items(engine, OFFICE, TODAY)["overdue"].sum() == 0
    later = TODAY + dt.timedelta(days=6)  # past three deadlines; one of those items is closed
    frame = sv.items(engine, OFFICE, later).set_index("item_id")
    assert frame["overdue"].to_dict() == {late: True, answered: True, closed: False, samr: False}
    assert frame.loc[late, "days_overdue"] == 4 and frame.loc[answered, "days_overdue"] == 1
    summary = sv.unit_summary(engine, OFFICE, later).set_index("unit_code")
    assert summary.loc["EDU"].to_dict() == {"open": 2, "answered": 1, "overdue": 2, "closed": 1,
                                            "total": 3}  # fmt: skip
    assert summary.loc["SAMR"].to_dict() == {"open": 1, "answered": 0, "overdue": 0, "closed": 0,
                                             "total": 1}  # fmt: skip
    assert set(sv.items(engine, OFFICE, later, statuses=["accepted"])["item_id"]) == {closed}
    assert set(sv.open_refs(engine, OFFICE, "delivery")) == {"EDU|STUDENT-LOAN|2026-05", "EDU|b",
                                                             "SAMR|a"}  # fmt: skip


# --------------------------------------------------------------------------- the pages (AppTest)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city_url(request, tmp_path_factory):
    """A tiny city of this module's own (the flow writes items)."""
    from tests.conftest import private_tiny_city

    yield from private_tiny_city(request.param, tmp_path_factory, "supervision")


EDU_HEAD = {"username": "dept_edu", "role": "department_head", "department_code": "EDU"}


def _zh(key: str, **values) -> str:
    from ui.i18n import t

    return t(key, "zh", **values)


def _click(app, label: str) -> None:
    [b for b in app.main.button if b.label == label][0].click()
    app.run()


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.main.metric}


def test_opened_answered_accepted_and_the_overview_follows(
    city_url, monkeypatch, server_navigation
):
    """The office opens an item from a missing or late EDU delivery on the reporting board, the
    EDU department head answers it on the supervision page, the office accepts it; the overview's
    figures follow each step."""
    from services import reporting
    from tests.apptest import USERS, open_page
    from tests.conftest import TINY_AS_OF
    from ui.session import today

    office = USERS["leading_office"]
    app = open_page(city_url, "pages/overview.py", office, monkeypatch)
    assert _metrics(app)[_zh("overview.sv_open")] == "0"

    status = reporting.status.__wrapped__(city_url, OFFICE, dt.date(TINY_AS_OF.year, 1, 1),
                                          dt.date(2026, 11, 30), TINY_AS_OF)  # fmt: skip
    laggards = status[(status["unit_code"] == "EDU") & (status["late"] | status["missing"])]
    assert not laggards.empty, "the tiny city should have a late or missing EDU delivery"
    app = open_page(city_url, "pages/reporting.py", office, monkeypatch, rep_drill_unit="EDU")
    assert not app.exception
    pick = app.selectbox(key="rep_sv_pick_EDU")
    assert pick.options  # the unit's late and missing deliveries, by name
    app.text_area(key="rep_sv_EDU_action").set_value("请补报并说明原因")
    _click(app, _zh("sv.open.submit"))
    assert not app.exception, [e.value for e in app.exception]
    done = [s.value for s in app.main.success]
    assert any(_zh("sv.open.done", item=1, unit="市教育局") == s for s in done), done
    found = sv.items(get_engine(city_url), OFFICE, today())
    assert len(found) == 1 and found["unit_code"].iloc[0] == "EDU"
    assert found["facts"].iloc[0]["item_code"] in set(laggards["item_code"])
    assert found["seen_on"].iloc[0] == TINY_AS_OF
    assert found["deadline"].iloc[0] == today() + dt.timedelta(days=15)
    # a second click on the same row opens nothing: the row names its item
    app = open_page(city_url, "pages/reporting.py", office, monkeypatch, rep_drill_unit="EDU")
    assert any(_zh("sv.open.exists", item=1) == i.value for i in app.main.info)

    app = open_page(city_url, "pages/overview.py", office, monkeypatch)
    assert _metrics(app)[_zh("overview.sv_open")] == "1"
    assert _metrics(app)[_zh("overview.sv_closed")] == "0"

    # the EDU department head answers; an empty answer is refused with a message first
    app = open_page(city_url, "pages/supervision.py", EDU_HEAD, monkeypatch)
    assert not app.exception and not app.error
    _click(app, _zh("sv.answer_submit"))
    assert [w.value for w in app.main.warning] == [_zh("sv.error.empty_reply")]
    app.text_area(key="sv_reply_1").set_value("已补报，并已说明逾期原因")
    _click(app, _zh("sv.answer_submit"))
    assert not app.exception
    assert [s.value for s in app.main.success] == [_zh("sv.answered_done", item=1)]
    app = open_page(city_url, "pages/overview.py", office, monkeypatch)
    assert _metrics(app)[_zh("overview.sv_answered")] == "1"

    # the office accepts it: closed, and the overview counts it closed
    app = open_page(city_url, "pages/supervision.py", office, monkeypatch)
    assert not app.exception and not app.error
    _click(app, _zh("sv.accept"))
    assert [s.value for s in app.main.success] == [_zh("sv.accepted_done", item=1)]
    app = open_page(city_url, "pages/overview.py", office, monkeypatch)
    metrics = _metrics(app)
    assert metrics[_zh("overview.sv_open")] == "0" and metrics[_zh("overview.sv_closed")] == "1"
    steps = sv.history(get_engine(city_url), OFFICE, 1)
    assert list(steps["action"]) == ["open", "answer", "accept"]
    assert list(steps["username"]) == ["leading_office", "dept_edu", "leading_office"]
    names = dict(zip(steps["username"], steps["display_name"], strict=True))
    assert names["dept_edu"] != "dept_edu"  # the demo account's display name, for the page


def test_a_department_head_forcing_another_item_sees_nothing_of_it(
    city_url, monkeypatch, server_navigation
):
    """A SAMR item exists; the EDU head forcing its number into the page's chooser gets only
    their own items, and the SAMR item's facts are nowhere on the page."""
    from tests.apptest import open_page
    from ui.session import today

    # an item of the EDU head's own, so that the chooser is there whatever ran before
    own = sv.open_item(get_engine(city_url), OFFICE, "leading_office", unit_code="EDU",
                       source="delivery", source_ref="EDU|own", facts={"item_code": "Y"},
                       seen_on=TODAY, deadline=today() + dt.timedelta(days=3),
                       action="教育局的整改要求", today=today())  # fmt: skip
    samr = sv.open_item(get_engine(city_url), OFFICE, "leading_office", unit_code="SAMR",
                        source="delivery", source_ref="SAMR|forced", facts={"item_code": "X"},
                        seen_on=TODAY, deadline=today() + dt.timedelta(days=3),
                        action="市场监管局的整改要求", today=today())  # fmt: skip
    app = open_page(city_url, "pages/supervision.py", EDU_HEAD, monkeypatch, sv_item=samr,
                    sv_states=["open", "answered", "returned", "accepted"])  # fmt: skip
    assert not app.exception
    chooser = app.selectbox(key="sv_item")
    offered = {int(label.split(" · ")[0]) for label in chooser.options}  # "number · unit ..."
    assert own in offered and samr not in offered and chooser.value != samr
    shown = " ".join(str(v) for f in app.main.dataframe for v in f.value.to_numpy().ravel())
    assert "市场监管局的整改要求" not in shown and "市市场监督管理局" not in shown


def test_opened_from_an_overdue_application_and_a_low_coverage_cell(
    city_url, monkeypatch, server_navigation
):
    """The two other figures an item is opened from: the repair page's overdue list (against the
    handling department) and the coverage page's worst cells (against the department answering
    for the profession); the facts copied name the application and the cell."""
    from tests.apptest import USERS, open_page
    from ui.session import today

    engine, office = get_engine(city_url), USERS["leading_office"]
    app = open_page(city_url, "pages/repair.py", office, monkeypatch)
    assert not app.exception
    pick = app.selectbox(key="rp_sv_pick")
    application = pick.options[0].split(" · ")[0]
    _click(app, _zh("sv.open.submit"))
    assert not app.exception and not app.main.warning, [w.value for w in app.main.warning]
    opened = sv.items(engine, OFFICE, today(), ()).query("source == 'repair'")
    assert len(opened) == 1 and opened["facts"].iloc[0]["application_id"] == application
    assert opened["facts"].iloc[0]["reasons"]  # why it is overdue, as codes the page words

    app = open_page(city_url, "pages/coverage.py", office, monkeypatch)
    assert not app.exception
    app.selectbox(key="cov_sv_pick")  # the worst cells of the county table
    app.date_input(key="cov_sv_deadline").set_value(today())  # a deadline that is no deadline
    _click(app, _zh("sv.open.submit"))
    assert [w.value for w in app.main.warning] == [_zh("sv.error.deadline_past", today=today())]
    app.date_input(key="cov_sv_deadline").set_value(today() + dt.timedelta(days=30))
    _click(app, _zh("sv.open.submit"))
    assert not app.exception and not app.main.warning
    cells = sv.items(engine, OFFICE, today(), ()).query("source == 'coverage'")
    assert len(cells) == 1
    facts = cells["facts"].iloc[0]
    assert {"profession_code", "county_code", "coverage", "gap", "target"} <= set(facts)
    from data_access.schema.reference import read_catalogue

    responsible = {r["code"]: r["responsible_dept"] for r in read_catalogue("professions")}
    assert cells["unit_code"].iloc[0] == responsible[facts["profession_code"]]


def test_an_older_database_gains_the_supervision_tables(sqlite_url):
    """A database made before supervision items existed is upgraded at start, not broken."""
    from sqlalchemy import text

    from data_access.schema.reference import init_schema, schema_is_current, upgrade_schema

    engine = get_engine(sqlite_url)
    init_schema(engine)
    with engine.begin() as conn:
        for table in ("supervision_evidence", "supervision_event", "supervision_item"):
            conn.execute(text(f"DROP TABLE {table}"))
    assert not schema_is_current(engine)
    upgrade_schema(engine)
    assert schema_is_current(engine)
    assert open_one(engine) == 1


def test_a_county_unit_is_supervised_for_its_overdue_annual_report(
    city_url, monkeypatch, server_navigation
):
    """The reporting board's annual reports: the office supervises a unit whose report of an
    earlier year was never filed; a county-level unit is chosen here."""
    from tests.apptest import USERS, open_page
    from ui.session import today

    app = open_page(city_url, "pages/reporting.py", USERS["leading_office"], monkeypatch)
    assert not app.exception
    pick = app.selectbox(key="rep_sv_pick_annual")
    from data_access.schema.reference import read_catalogue

    counties = {r["name_zh"] for r in read_catalogue("counties") if r["code"].isdigit()}
    county = next(i for i, label in enumerate(pick.options) if label.split(" · ")[0] in counties)
    pick.set_value(county).run()
    _click(app, _zh("sv.open.submit"))
    assert not app.exception and not app.main.warning, [w.value for w in app.main.warning]
    found = sv.items(get_engine(city_url), OFFICE, today(), ())
    opened = found[found["facts"].map(lambda f: f.get("report") == "annual")]
    assert len(opened) == 1
    unit = opened["unit_code"].iloc[0]
    assert unit.isdigit()  # a county-level unit (GB/T 2260 code)
    assert opened["facts"].iloc[0]["year"] < today().year
