"""A week's lookups on closed days (both engines): a Saturday on duty with the operator's usual
missing purposes is the week's work; the same Saturday with none authorised is not.

Two field officers (of two departments, so that neither's Saturday makes the other's look like
their department's campaign) habitually leave the purpose out of about one lookup
in five (a tablet in the street). In the final week of the hand-built log both work the Saturday,
when nobody else does: urban0001 as on any weekday, emergency0001 without purpose or reference at
all. Against their own other weeks (which have no Saturdays) both Saturdays are unusual; only
emergency0001's lacks authorisation more often than the officer's own work does.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from anomaly_world import FINAL_WEEK, FIRST_DAY, LAST_DAY, world_persons
from sqlalchemy import insert

from data_access.schema import models as m
from scoring.anomaly import detect

SATURDAY = (FINAL_WEEK + dt.timedelta(days=5)).date()
OFFICERS = {"urban0001": "URBAN", "emergency0001": "EMERGENCY"}


@pytest.fixture
def alerts(engine):
    persons = world_persons(engine, 1000)
    rng = np.random.default_rng(11)
    rows = []

    def lookup(op: str, at: dt.datetime, purposed: bool) -> None:
        rows.append({"query_id": f"C{len(rows):05d}", "operator_id": op, "queried_at": at,
                     "subject_id_number": persons[int(rng.integers(len(persons)))],
                     "purpose_code": "ENFORCEMENT" if purposed else None,
                     "authorization_ref": f"CG{at:%Y%m%d}{len(rows):04d}" if purposed else None,
                     "channel": "APP", "terminal_id": None, "flags": ""})  # fmt: skip

    day = FIRST_DAY
    while day <= LAST_DAY:
        for op in OFFICERS:
            if day.weekday() < 5:
                for _ in range(12):
                    at = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(
                        hours=float(rng.uniform(0, 8))
                    )
                    lookup(op, at, rng.random() >= 0.2)
        day += dt.timedelta(days=1)
    for j in range(120):  # the Saturday on duty (a market inspection)
        at = dt.datetime.combine(SATURDAY, dt.time(9)) + dt.timedelta(minutes=4 * j)
        lookup("urban0001", at, rng.random() >= 0.2)
        if j % 4 == 1:
            lookup("emergency0001", at + dt.timedelta(minutes=3), False)
    with engine.begin() as conn:
        conn.execute(insert(m.Operator), [
            {"operator_id": op, "name": "测试员", "department_code": dept, "role": "field",
             "county_code": "411602", "id_number": None} for op, dept in OFFICERS.items()])  # fmt: skip
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def test_a_saturday_on_duty_with_the_usual_missing_purposes_raises_no_closed_days_finding(alerts):
    found = [a for a in alerts if a.operator_id == "urban0001" and "days" in a.signals]
    assert not found, [(a.horizon, a.signals, a.reasons_en) for a in found]


def test_a_saturday_without_any_authorisation_is_flagged(alerts):
    found = [a for a in alerts if a.operator_id == "emergency0001" and a.horizon == "week"
             and a.signals[0] == "days"]  # fmt: skip
    assert found, [(a.operator_id, a.signals) for a in alerts]
    assert found[0].window_start.date() == FINAL_WEEK.date()
    assert "30 unauthorised lookups on days most operators do not work" in found[0].reasons_en[0]
    assert SATURDAY.isoformat() in found[0].reasons_en[0]
