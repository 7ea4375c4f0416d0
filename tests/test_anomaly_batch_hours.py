"""A batch run keeps its schedule's hours, not the operator's (both engines).

In the hand-built log, with three more HR clerks of the same county, HR clerk hrss0002 looks up a few
persons a day in office hours; every Tuesday evening at 21:00 a scheduled run checks 120 candidates through the gateway under the
week's recruitment reference, four seconds apart. Nobody else in HR works in the evening, so by
the clock a quarter of the clerk's lookups fall in hours their peers never use. The runs are one
event a week under a reference (the batch signals judge them); the hours and days count the
lookups the clerk made by hand, of which none is in the evening. The night-time misuse of the
log (psb0003, 15 lookups at 22:00 with no reference) is still found by the hours.

Only a habit keeps its schedule's hours (anomaly-2.22): market officer samr0001, who like the two
other officers never looks up more than one person under a reference, looks up 300 persons under
one reference on one Saturday night from 01:00, twenty seconds apart. Nobody in the group runs
batches and samr0001 never ran another: the run was made by hand, and the hours and days find it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from anomaly_world import COUNTY_A, FIRST_DAY, LAST_DAY, world_persons
from sqlalchemy import insert

from data_access.schema import models as m
from scoring.anomaly import detect
from scoring.anomaly_batch import odd_batch_lookups
from scoring.anomaly_peers import group_keys
from scoring.anomaly_range import _batch_habit, _by_hand

RUN = 120
HARVEST = 300


@pytest.fixture
def alerts(engine):
    persons = world_persons(engine, 1200)
    rng = np.random.default_rng(13)
    rows = []
    days = [FIRST_DAY + dt.timedelta(days=d) for d in range((LAST_DAY - FIRST_DAY).days + 1)]
    clerks = [f"hrss00{k:02d}" for k in (3, 4, 5)]
    officers = [f"samr00{k:02d}" for k in (1, 2, 3)]
    for op in clerks + officers:
        for day in [d for d in days if d.weekday() < 5]:
            for _ in range(int(rng.poisson(6))):
                at = dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(
                    minutes=int(rng.integers(0, 540))
                )
                rows.append({"query_id": f"R{len(rows):05d}", "operator_id": op, "queried_at": at,
                             "subject_id_number": str(persons[int(rng.integers(len(persons)))]),
                             "purpose_code": "EMPLOYMENT", "authorization_ref": f"ZP{len(rows):06d}",
                             "channel": "WEB", "terminal_id": None, "flags": ""})  # fmt: skip
    for day in [d for d in days if d.weekday() == 1]:
        start = dt.datetime.combine(day, dt.time(21))
        for j, subject in enumerate(rng.choice(persons, size=RUN, replace=False)):
            rows.append({"query_id": f"R{len(rows):05d}", "operator_id": "hrss0002",
                         "queried_at": start + dt.timedelta(seconds=4 * j),
                         "subject_id_number": str(subject), "purpose_code": "EMPLOYMENT",
                         "authorization_ref": f"PC-HRSS-{day:%Y%m%d}-EV", "channel": "API",
                         "terminal_id": None, "flags": ""})  # fmt: skip
    # the one-off night run of an officer whose peers run none (a harvest)
    start = dt.datetime.combine(LAST_DAY - dt.timedelta(days=(LAST_DAY.weekday() - 5) % 7),
                                dt.time(1))  # fmt: skip
    for j, subject in enumerate(rng.choice(persons, size=HARVEST, replace=False)):
        rows.append({"query_id": f"R{len(rows):05d}", "operator_id": "samr0001",
                     "queried_at": start + dt.timedelta(seconds=20 * j),
                     "subject_id_number": str(subject), "purpose_code": "EMPLOYMENT",
                     "authorization_ref": "ZP-2026-0042", "channel": "WEB",
                     "terminal_id": None, "flags": ""})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.Operator), [
            {"operator_id": op, "name": "测试员", "department_code": "HRSS", "role": "hr",
             "county_code": COUNTY_A, "id_number": None} for op in clerks])  # fmt: skip
        conn.execute(insert(m.Operator), [
            {"operator_id": op, "name": "测试员", "department_code": "SAMR", "role": "officer",
             "county_code": COUNTY_A, "id_number": None} for op in officers])  # fmt: skip
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def test_a_scheduled_evening_run_is_no_after_hours_habit(alerts):
    habits = {"hours", "days"}
    assert not [
        a.signals for a in alerts if a.operator_id == "hrss0002" and habits & set(a.signals)
    ]


def test_night_lookups_by_hand_are_still_found(alerts):
    night = [a for a in alerts if a.operator_id == "psb0003" and "hours" in a.signals]
    assert night
    # the reason says what was counted, so that it can be checked against the log's rows
    reasons = [r for a in night if a.horizon == "range" for r in a.reasons_en if "hours" in r]
    assert reasons and all("batch runs left out" in r for r in reasons)


def test_by_hand_leaves_out_the_runs_own_lookups_only():
    day = dt.date(2026, 11, 17)
    hourly = pl.DataFrame(
        [("hr", day, 10, 5, 1), ("hr", day, 21, 32, 2)],
        schema={"op": pl.String, "date": pl.Date, "hour": pl.Int32, "n": pl.Int64,
                "unauth": pl.Int64}, orient="row",
    )  # fmt: skip
    start = dt.datetime(2026, 11, 17, 21)
    run = [("hr", "PC-1", start + dt.timedelta(seconds=4 * j), "411602", "1990-01-01")
           for j in range(30)]  # fmt: skip
    # typed in half a second after one of the run's lookups: slipped in; the rhythm cannot tell
    # which of the two was typed, so both stay the operator's (with the hour's other lookup: 3)
    run.append(("hr", "PC-1", start + dt.timedelta(seconds=40.5), "411602", "1990-01-01"))
    batch = pl.DataFrame(run, schema={"op": pl.String, "ref": pl.String, "at": pl.Datetime("us"),
                                      "s_county": pl.String, "s_birth": pl.String},
                         orient="row")  # fmt: skip
    out = _by_hand(hourly, odd_batch_lookups(batch)).sort("hour")
    assert out.select("hour", "n", "unauth").rows() == [(10, 5, 1), (21, 3, 2)]


def test_a_one_off_night_run_where_nobody_runs_batches_is_found_by_the_hours(alerts):
    found = [a for a in alerts if a.operator_id == "samr0001" and a.horizon == "range"]
    assert found and {"hours", "days"} & set(found[0].signals)


def _runs(rows: list[tuple[str, str]]) -> pl.DataFrame:
    """Batch lookups of runs of 30 lookups four seconds apart, one per (op, ref)."""
    at = dt.datetime(2026, 11, 17, 21)
    return pl.DataFrame(
        [(op, ref, at + dt.timedelta(hours=i, seconds=4 * j), "411602", "1990-01-01")
         for i, (op, ref) in enumerate(rows) for j in range(30)],
        schema={"op": pl.String, "ref": pl.String, "at": pl.Datetime("us"),
                "s_county": pl.String, "s_birth": pl.String}, orient="row",
    )  # fmt: skip


def test_runs_are_a_habit_of_an_operator_with_two_or_of_a_group_with_two_runners():
    f = pl.DataFrame({"op": ["a1", "a2", "a3", "b1", "b2", "c1", "c2"],
                      "dept": ["A", "A", "A", "B", "B", "C", "C"], "role": ["r"] * 7,
                      "op_county": [None] * 7})  # fmt: skip
    keys = group_keys(f)
    group = np.array([f"{k}@dept_role_level" for k in keys["dept_role_level"]], dtype=object)
    runs = _runs([("a1", "R1"), ("b1", "R2"), ("b1", "R3"), ("c1", "R4"), ("c2", "R5")])
    habit = _batch_habit(f, odd_batch_lookups(runs), keys, group)
    # a1's only run in a group where nobody else runs any is no habit; b1 ran two; c1 and c2
    # each ran one, and so did someone else of their group
    assert sorted(habit) == ["b1", "c1", "c2"]
