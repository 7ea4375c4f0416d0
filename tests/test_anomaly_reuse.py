"""The reuse signal on the hand-built log (both engines): one authorisation reference carried over
weeks for many persons, in a remit whose references each cover one case, judged against the
peers' references, the reason naming them."""

from __future__ import annotations

import datetime as dt

import pytest
from anomaly_world import COUNTY_A, FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import insert, select

from data_access.schema import models as m
from scoring.anomaly import detect

CARRIED = "XK202610270001"  # a genuine case's reference, then used as a blanket authorisation


@pytest.fixture
def alerts(engine):
    build_world(engine)
    with engine.connect() as conn:
        persons = conn.scalars(select(m.Person.id_number).where(
            m.Person.county_code == COUNTY_A, m.Person.name.like("%小明"))).all()  # fmt: skip
    rows = [
        {"query_id": f"R{j:04d}", "operator_id": "govservice0003",
         "queried_at": dt.datetime.combine(dt.date(2026, 10, 27) + dt.timedelta(days=3 * j),
                                           dt.time(10, 15 + j)),
         "subject_id_number": persons[100 + j], "purpose_code": "LICENSING",
         "authorization_ref": CARRIED, "channel": "WEB", "terminal_id": None, "flags": ""}
        for j in range(9)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def test_one_reference_carried_over_weeks_for_many_persons(alerts):
    found = [a for a in alerts if a.operator_id == "govservice0003" and a.horizon == "range"]
    # the eight persons after the first are also borrowed references (anomaly-2.6): the reference
    # belonged to the first one; the reuse of one reference supports it
    assert found and found[0].signals[:2] == ["borrowed", "reuse"], [
        (a.signals, a.score) for a in found
    ]
    top = found[0]
    assert top.score >= 4.0
    # the episode: the eight lookups after the reference's first day
    assert top.window_start == dt.datetime(2026, 10, 30)
    assert top.window_end == dt.datetime(2026, 11, 21)
    assert top.lookups == 8
    assert top.reasons_zh[0].startswith("整个时段：以本人此前用于他村他人的授权编号查询的人员 8 位")
    # the reuse reason names the reference and the peer group it was compared with, with its size
    assert CARRIED in top.reasons_zh[1] and CARRIED in top.reasons_en[1]
    assert "(" in top.reasons_en[1] and "references of the" in top.reasons_en[1]
    assert top.baseline


def test_references_of_one_case_each_raise_nothing(alerts):
    """The other window clerks' references cover one lookup each: no reuse evidence."""
    for op in ("govservice0001", "govservice0002"):
        assert not [a for a in alerts if a.operator_id == op and "reuse" in a.signals]
