"""The query-oversight page and its data functions: queue, masked evidence, triage history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from anomaly_world import FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import insert, select
from streamlit.testing.v1 import AppTest

from data_access.engine import get_engine
from data_access.queries import oversight as ov
from data_access.schema import models as m
from data_access.scope import Scope
from scoring.anomaly import detect
from scoring.anomaly_store import store_alerts

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
OFFICER = Scope("privacy_officer", None)


def _seed_alerts(engine) -> None:
    build_world(engine)
    store_alerts(engine, detect(engine, FIRST_DAY, LAST_DAY), FIRST_DAY, LAST_DAY)
    with engine.begin() as conn:
        conn.execute(insert(m.DashboardUser), [{"username": "privacy_officer",
                     "display_name": "PO", "role": "privacy_officer", "password_hash": "x"}])  # fmt: skip


def test_queue_evidence_and_append_only_triage(engine):
    _seed_alerts(engine)
    queue = ov.alert_queue(engine, OFFICER, ("open",), 0.0, None, None, None)
    # the kin episode on top, then the harvest's afternoon (its rapid lookups), then its week
    assert list(queue["operator_id"])[:3] == ["psb0001", "psb0002", "psb0002"]
    assert queue["score"].is_monotonic_decreasing and len(queue) == 8
    assert queue["operator_id"].nunique() == 4  # a week alert and a range alert for each
    kin = int(queue.loc[queue["operator_id"] == "psb0001", "alert_id"].iloc[0])
    rows = ov.evidence(engine, OFFICER, kin)
    assert len(rows) > 8 and rows["unauthorised"].iloc[:8].all()
    assert rows["subject"].str.contains(r"^\d{4}\*{10}\w{4}$").all()
    assert not rows["name"].str.startswith("欧阳").any() or rows["name"].str.contains(r"\*").all()
    with pytest.raises(ValueError):
        ov.triage(engine, OFFICER, kin, "privacy_officer", "confirm", "   ")
    with pytest.raises(PermissionError):
        ov.alert_queue(engine, Scope("department_head", "PSB"), (), 0.0, None, None, None)
    assert ov.triage(engine, OFFICER, kin, "privacy_officer", "escalate", "kin, see file") == (
        "escalated"
    )
    assert ov.triage(engine, OFFICER, kin, "privacy_officer", "confirm", "confirmed by HR") == (
        "confirmed"
    )
    history = ov.events(engine, OFFICER, kin)
    assert list(history["action"]) == ["escalate", "confirm"]
    assert ov.alert_detail(engine, OFFICER, kin)["status"] == "confirmed"
    assert ov.alert_queue(engine, OFFICER, ("open",), 0.0, "PSB", None, None)["alert_id"].tolist()
    # every episode lies in the final week: none overlaps the first week of November (the
    # harvester's range alert names the afternoon of its rapid lookups, anomaly-2.24)
    early = ov.alert_queue(
        engine, OFFICER, (), 0.0, None, dt.date(2026, 11, 1), dt.date(2026, 11, 8)
    )
    assert early.empty
    harvest = ov.alert_queue(
        engine, OFFICER, (), 0.0, None, dt.date(2026, 11, 17), dt.date(2026, 11, 17)
    )
    harvest = harvest[harvest["operator_id"] == "psb0002"]
    # the share without authorisation only supports (anomaly-2.23): it is among the reasons
    assert "Over the range: 307 lookups without a purpose" in harvest["reasons_en"].iloc[0]
    assert "four or more in one minute (in 20 such minutes)" in harvest["reasons_en"].iloc[0]


def test_page_shows_queue_and_records_a_decision(sqlite_url, monkeypatch, server_navigation):
    engine = get_engine(sqlite_url)
    from data_access.schema.reference import init_schema

    init_schema(engine)
    _seed_alerts(engine)
    monkeypatch.setenv("CREDIT_DB_URL", sqlite_url)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["user"] = {"username": "privacy_officer", "role": "privacy_officer",
                                 "department_code": None}  # fmt: skip
    app.session_state["lang"] = "en"
    app.run()
    app = app.switch_page("pages/oversight.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.dataframe[0].value) == 8  # four operators, each with a week and a range alert
    assert any("The detector last ran at" in c.value and "2026-10-26 to 2026-11-22" in c.value
               for c in app.caption)  # fmt: skip
    assert any("surname and village" in md.value for md in app.markdown)  # the top alert: kin
    app.text_area(key="ov_note").set_value("")
    app.button[0].click().run()
    assert app.warning and "note" in app.warning[0].value
    app.text_area(key="ov_note").set_value("Kin lookups confirmed with the department")
    app.radio(key="ov_action").set_value("confirm")
    app.button[0].click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.success
    with engine.connect() as conn:
        notes = conn.execute(select(m.AlertEvent.note, m.AlertEvent.action)).all()
        status = conn.execute(  # the top alert, the one decided on the page
            select(m.Alert.status)
            .where(m.Alert.operator_id == "psb0001")
            .order_by(m.Alert.score.desc())
        ).scalar()
    assert notes == [("Kin lookups confirmed with the department", "confirm")]
    assert status == "confirmed"


def test_operator_profile_activity_against_peers_and_the_alert_trend(engine):
    """Counts in SQL against a hand count of the same rows."""
    _seed_alerts(engine)
    queue = ov.alert_queue(engine, OFFICER, ("open",), 0.0, None, None, None)
    operator = queue["operator_id"].iloc[0]
    with engine.connect() as conn:
        me = conn.execute(select(m.Operator).where(m.Operator.operator_id == operator)).one()
        peers = conn.scalars(
            select(m.Operator.operator_id).where(
                m.Operator.department_code == me.department_code, m.Operator.role == me.role,
                m.Operator.operator_id != operator,
            )
        ).all()  # fmt: skip
        logged = conn.execute(select(m.QueryLog.operator_id, m.QueryLog.queried_at)).all()
    activity = ov.operator_activity(engine, OFFICER, operator, FIRST_DAY, LAST_DAY)
    assert len(activity) == (LAST_DAY - FIRST_DAY).days + 1
    assert activity["operator"].sum() == sum(
        1 for op, at in logged if op == operator and FIRST_DAY <= at.date() <= LAST_DAY
    )
    if peers:
        peer_total = sum(
            1 for op, at in logged if op in peers and FIRST_DAY <= at.date() <= LAST_DAY
        )
        assert activity["peers"].sum() == pytest.approx(peer_total / len(peers))
    profile = ov.operator_profile(engine, OFFICER, operator, LAST_DAY)
    assert profile["operator"]["operator_id"] == operator
    assert profile["alerts"] == {"open": int((queue["operator_id"] == operator).sum())}
    trend = ov.alert_trend(engine, OFFICER)
    assert int(trend["alerts"].sum()) == len(queue)
    with pytest.raises(PermissionError):
        ov.alert_trend(engine, Scope("leading_office", "DRC"))


def test_queue_filters_by_operator_county_and_reason_phrase(engine):
    _seed_alerts(engine)
    everything = ov.alert_queue(engine, OFFICER, (), 0.0, None, None, None)
    with engine.connect() as conn:
        county_of = dict(conn.execute(select(m.Operator.operator_id, m.Operator.county_code)).all())
    county = county_of[everything["operator_id"].iloc[0]]
    in_county = ov.alert_queue(engine, OFFICER, (), 0.0, None, None, None, (county,))
    assert set(in_county["alert_id"]) == {
        a for a, op in zip(everything["alert_id"], everything["operator_id"], strict=True)
        if county_of[op] == county
    }  # fmt: skip
    phrase = everything["reasons_en"].iloc[0].split()[0]
    by_reason = ov.alert_queue(engine, OFFICER, (), 0.0, None, None, None, (), phrase.upper())
    assert set(by_reason["alert_id"]) == {
        a for a, text in zip(everything["alert_id"], everything["reasons_en"], strict=True)
        if phrase.lower() in text.lower()
    }  # fmt: skip
    assert ov.alert_queue(engine, OFFICER, (), 0.0, None, None, None, (), "100%_' OR 1=1").empty
