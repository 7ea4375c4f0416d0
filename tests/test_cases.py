"""Privacy cases, on both engines: allowed and refused transitions, confirmed with
access_suspended suspends the operator, an operator re-import keeps the suspension, the query-log
import keeps every row and flags lookups after the suspension, the detector's reasons say so, the
case file export holds every step and alert; one AppTest of the page as a privacy officer."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import polars as pl
import pytest
from sqlalchemy import insert, select

from data_access.id_number import make_id_number
from data_access.imports.importer import import_file
from data_access.queries import cases as cq
from data_access.queries.cases import CaseError
from data_access.schema import models as m
from data_access.scope import Scope
from scoring import anomaly_source as source
from scoring.anomaly import Alert
from scoring.anomaly_suspension import note_suspensions

TODAY = dt.date(2026, 11, 27)
AT = dt.datetime(2026, 11, 27, 10, 0)
PRIVACY = Scope("privacy_officer", "DRC")
ADMIN = Scope("admin")
WINDOW = dt.datetime(2026, 11, 16)
OPERATORS = [["operator_id", "name", "department_code", "role", "county_code", "id_number"],
             ["OP1", "窗口一", "GOVSERVICE", "window", "411602", ""],
             ["OP2", "人事", "HRSS", "hr", "", ""]]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def world(engine, tmp_path):
    """Two operators, a person, the privacy officer and the administrator, three alerts of OP1
    and one of OP2."""
    assert import_file(engine, "operators", write_csv(tmp_path / "ops.csv", OPERATORS)).ok
    with engine.begin() as conn:
        conn.execute(insert(m.Person.__table__).values(
            id_number=make_id_number("411602", dt.date(1990, 5, 17), 101), name="张伟",
            gender="M", birth_date=dt.date(1990, 5, 17), county_code="411602"))  # fmt: skip
        conn.execute(insert(m.DashboardUser.__table__), [
            {"username": u, "display_name": n, "role": r, "department_code": "DRC",
             "password_hash": "x", "failed_attempts": 0, "active": True}
            for u, n, r in (("privacy_officer", "隐私专员", "privacy_officer"),
                            ("admin", "管理员", "admin"))])  # fmt: skip
        for i, op in enumerate(["OP1", "OP1", "OP1", "OP2"], start=1):
            start = WINDOW + dt.timedelta(weeks=i)
            conn.execute(insert(m.Alert.__table__).values(
                alert_id=i, operator_id=op, window_start=start,
                window_end=start + dt.timedelta(weeks=1), score=5.0 + i,
                reasons_zh=f"理由{i}", reasons_en=f"reason {i}", status="open", created_at=AT))  # fmt: skip
    return engine


def open_one(engine, ids=(1, 2)) -> int:
    return cq.open_case(engine, PRIVACY, "privacy_officer", list(ids), "privacy_officer",
                        TODAY + dt.timedelta(days=30), "夜间查询同村居民", TODAY, now=AT)  # fmt: skip


def refused(code: str, call) -> CaseError:
    with pytest.raises(CaseError) as caught:
        call()
    assert caught.value.code == code
    return caught.value


def test_transitions_allowed_and_refused_and_the_suspension(world):
    engine = world
    case_id = open_one(engine)
    refused("alert_in_case", lambda: open_one(engine, (2, 3)))
    refused("one_operator", lambda: cq.add_alerts(engine, PRIVACY, "privacy_officer", case_id, [4]))
    refused("operator_has_case", lambda: open_one(engine, (3,)))
    refused("bad_assignee", lambda: cq.open_case(engine, PRIVACY, "p", [4], "nobody",
                                                 TODAY + dt.timedelta(days=3), "", TODAY))  # fmt: skip
    assert cq.add_alerts(engine, PRIVACY, "privacy_officer", case_id, [3], now=AT) == 1
    move = lambda to, outcome=None, note="说明": cq.move_case(  # noqa: E731
        engine, PRIVACY, "privacy_officer", case_id, to, note, outcome, now=AT
    )
    error = refused("wrong_transition", lambda: move("confirmed", "warning"))  # open -> confirmed
    assert error.values == {"status": "open", "to": "confirmed"}
    refused("empty_note", lambda: move("investigating", note="  "))
    assert move("investigating") == "investigating"
    refused("outcome_required", lambda: move("confirmed"))
    refused("referral_outcome_required", lambda: move("referred", "warning"))
    refused("outcome_not_allowed", lambda: move("dismissed", "warning"))
    with pytest.raises(PermissionError):
        cq.move_case(engine, Scope("department_head", "GOVSERVICE"), "x", case_id, "dismissed", "x")
    assert move("confirmed", "access_suspended") == "confirmed"
    refused("wrong_transition", lambda: move("investigating"))  # final
    refused("case_closed", lambda: cq.add_alerts(engine, PRIVACY, "p", case_id, [4]))

    with engine.connect() as conn:
        op = conn.execute(select(m.Operator.__table__).where(m.Operator.operator_id == "OP1")).one()
        statuses = set(conn.scalars(select(m.Alert.status).where(m.Alert.alert_id.in_([1, 2, 3]))))
    assert (op.access_status, op.access_since, op.access_case_id) == ("suspended", AT, case_id)
    assert statuses == {"confirmed"}
    steps = cq.history(engine, PRIVACY, case_id)
    assert list(steps["action"]) == ["open", "add_alerts", "investigating", "confirmed"]
    assert list(steps["from_status"].fillna("")) == ["", "open", "open", "investigating"]
    found = cq.case_detail(engine, PRIVACY, case_id, TODAY)
    assert found["alerts"] == 3 and found["outcome"] == "access_suspended" and not found["repeat"]

    # a second case of the same operator: both flagged as repeat
    with engine.begin() as conn:
        conn.execute(insert(m.Alert.__table__).values(
            alert_id=9, operator_id="OP1", window_start=WINDOW, window_end=WINDOW +
            dt.timedelta(weeks=1), score=9.0, reasons_zh="理由", reasons_en="r", status="open",
            created_at=AT))  # fmt: skip
    second = open_one(engine, (9,))
    listed = cq.cases(engine, PRIVACY, TODAY).set_index("case_id")
    assert bool(listed.loc[second, "repeat"]) and int(listed.loc[second, "confirmed_before"]) == 1

    # lifting: administrators only, recorded in the suspending case's history
    with pytest.raises(PermissionError):
        cq.lift_suspension(engine, PRIVACY, "privacy_officer", "OP1", "复岗")
    assert cq.lift_suspension(engine, ADMIN, "admin", "OP1", "培训合格，恢复") == case_id
    assert cq.history(engine, PRIVACY, case_id)["action"].iloc[-1] == "lift_suspension"
    refused("not_suspended", lambda: cq.lift_suspension(engine, ADMIN, "admin", "OP1", "再次"))


def suspend_op1(engine) -> int:
    case_id = open_one(engine)
    cq.move_case(engine, PRIVACY, "privacy_officer", case_id, "investigating", "查", now=AT)
    cq.move_case(engine, PRIVACY, "privacy_officer", case_id, "confirmed", "实", "access_suspended",
                 now=AT)  # fmt: skip
    return case_id


def test_imports_keep_the_suspension_and_flag_later_lookups(world, tmp_path):
    engine = world
    case_id = suspend_op1(engine)
    renamed = [OPERATORS[0], ["OP1", "窗口一（改名）", "GOVSERVICE", "window", "411602", ""]]
    assert import_file(engine, "operators", write_csv(tmp_path / "again.csv", renamed)).ok
    with engine.connect() as conn:
        op = conn.execute(select(m.Operator.__table__).where(m.Operator.operator_id == "OP1")).one()
    assert (op.name, op.access_status, op.access_case_id) == (
        "窗口一（改名）",
        "suspended",
        case_id,
    )

    subject = make_id_number("411602", dt.date(1990, 5, 17), 101)
    rows = [["query_id", "queried_at", "operator_id", "subject_id_number", "purpose_code",
             "authorization_ref", "channel", "terminal_id"],
            ["Q1", "2026-11-27T09:59:00", "OP1", subject, "EMPLOYMENT", "A1", "WINDOW", "T1"],
            ["Q2", "2026-11-27T10:00:00", "OP1", subject, "EMPLOYMENT", "A2", "WINDOW", "T1"],
            ["Q3", "2026-11-27T11:00:00", "OP1", "411602199001011234", "", "", "WEB", ""],
            ["Q4", "2026-11-27T11:00:00", "OP2", subject, "EMPLOYMENT", "A3", "WINDOW", "T2"]]  # fmt: skip
    result = import_file(engine, "query-log", write_csv(tmp_path / "q.csv", rows))
    assert result.ok and (result.rows_read, result.rows_written) == (4, 4)
    with engine.connect() as conn:
        flags = dict(conn.execute(select(m.QueryLog.query_id, m.QueryLog.flags)).all())
    assert flags["Q1"] == "" and flags["Q2"] == "suspended" and flags["Q4"] == ""
    assert flags["Q3"].endswith("suspended") and flags["Q3"] != "suspended"  # with another flag

    # the detector reads the suspension and the lookups after it, in SQL
    with engine.connect() as conn:
        suspended = source.suspended(conn)
        after = source.after_suspension(conn, dt.datetime(2026, 11, 23), dt.datetime(2026, 11, 28))
    assert suspended.to_dicts() == [{"op": "OP1", "since": AT, "case_id": case_id}]
    assert after.to_dicts() == [{"op": "OP1", "n": 2}]


def test_later_alerts_mention_the_suspension_in_both_languages():
    since = dt.datetime(2026, 11, 20, 10, 0)
    suspended = pl.DataFrame({"op": ["OP1"], "since": [since], "case_id": [7]})
    w1, w2 = dt.datetime(2026, 11, 16), dt.datetime(2026, 11, 23)
    earlier = Alert("OP1", dt.datetime(2026, 11, 9), w1, 6.0, ["旧"], ["old"], ["unauth"])
    later = Alert("OP1", w1, w2, 5.0, ["夜间"], ["night"], ["hours"])
    other = Alert("OP2", w1, w2, 8.0, ["甲"], ["a"], ["kin"])
    after = [(w2, w2 + dt.timedelta(weeks=1), pl.DataFrame({"op": ["OP1"], "n": [3]}))]
    out = note_suspensions([earlier, later, other], suspended, after)
    by = {(a.operator_id, a.window_start): a for a in out}
    assert by[("OP1", w1)].reasons_zh[-1].startswith("该人员的查询权限已于 2026-11-20 10:00 暂停")
    assert "隐私案件 #7" in by[("OP1", w1)].reasons_zh[-1]
    assert "suspended since 2026-11-20 10:00 (privacy case #7)" in by[("OP1", w1)].reasons_en[-1]
    assert by[("OP1", dt.datetime(2026, 11, 9))].reasons_zh == ["旧"]  # ended before it
    assert by[("OP2", w1)].reasons_en == ["a"]
    new = by[("OP1", w2)]  # a lookup after the suspension raises an alert by itself
    assert new.score >= 12.0 and out[0] is new and new.signals == ["suspended"]
    assert "仍查询 3 次" in new.reasons_zh[0] and "3 lookups after" in new.reasons_en[0]


def test_the_case_file_holds_every_step_and_alert(world):
    from ui.cases import case_workbook

    engine = world
    case_id = suspend_op1(engine)
    cq.add_evidence(engine, PRIVACY, "privacy_officer", case_id, [("笔录.pdf", b"%PDF-1.4 x")],
                    now=AT)  # fmt: skip
    refused("file_content", lambda: cq.add_evidence(engine, PRIVACY, "p", case_id,
                                                    [("a.pdf", b"not a pdf")]))  # fmt: skip
    book = openpyxl.load_workbook(io.BytesIO(case_workbook(
        cq.case_detail(engine, PRIVACY, case_id, TODAY), cq.case_alerts(engine, PRIVACY, case_id),
        cq.history(engine, PRIVACY, case_id), cq.evidence(engine, PRIVACY, case_id),
        {"GOVSERVICE": "市政务服务中心"}, "zh")))  # fmt: skip
    assert book.sheetnames == ["案件概况", "预警及理由", "案件历史", "证据清单", "查询权限"]
    cells = {s: [[c.value for c in row] for row in book[s].iter_rows(min_row=4)]
             for s in book.sheetnames}  # fmt: skip
    assert [r[0] for r in cells["预警及理由"]] == [1, 2]
    assert {r[-2] for r in cells["预警及理由"]} == {"理由1", "理由2"}
    assert [r[2] for r in cells["案件历史"]] == ["立案", "开始调查", "认定", "上传证据"]
    assert cells["证据清单"][0][:2] == ["笔录.pdf", 10]
    facts = dict((r[0], r[1]) for r in cells["案件概况"])
    assert facts["处理结果"] == "暂停查询权限" and facts["预警数"] == "2"
    assert cells["查询权限"][0][1].startswith("已暂停")


def test_the_page_as_a_privacy_officer(world, db_url, monkeypatch, server_navigation):
    from tests.apptest import open_page

    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the page's today
    case_id = cq.open_case(world, PRIVACY, "privacy_officer", [1, 2], "privacy_officer",
                           today + dt.timedelta(days=30), "", today)  # fmt: skip
    cq.move_case(world, PRIVACY, "privacy_officer", case_id, "investigating", "查")
    app = open_page(db_url, "pages/cases.py", "privacy_officer", monkeypatch, fresh_cache=True)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == "隐私案件"
    table = app.dataframe[0].value
    assert list(table["案件编号"]) == [case_id] and list(table["状态"]) == ["调查中"]
    assert list(table["查询人员"]) == ["窗口一（OP1）"] and list(table["预警数"]) == [2]
    assert list(table["期限状态"]) == ["未到期"]
    assert [s.value for s in app.selectbox if s.label == "转为"] == ["confirmed"]
    assert any(d.proto.label == "下载案卷（Excel）" for d in app.get("download_button"))


def test_an_older_database_gets_the_access_status_and_the_wider_flags(engine):
    """A database made before cases: the operator's access columns are added, query_log.flags
    is widened on PostgreSQL (its partitions follow), and the case tables are created."""
    from sqlalchemy import inspect, text

    from data_access.schema.reference import schema_is_current, upgrade_schema

    with engine.begin() as conn:
        for table in ("case_evidence", "case_event", "case_alert", "privacy_case"):
            conn.execute(text(f"DROP TABLE {table}"))
        for column in ("access_status", "access_since", "access_case_id"):
            conn.execute(text(f"ALTER TABLE operator DROP COLUMN {column}"))
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE query_log ALTER COLUMN flags TYPE VARCHAR(64)"))
    assert not schema_is_current(engine)
    added = upgrade_schema(engine)
    assert {"operator.access_status", "operator.access_since", "operator.access_case_id"} <= set(
        added
    )
    assert schema_is_current(engine)
    if engine.dialect.name == "postgresql":
        assert "query_log.flags" in added
        flags = [c for c in inspect(engine).get_columns("query_log") if c["name"] == "flags"]
        assert flags[0]["type"].length == m.FLAGS_WIDTH
