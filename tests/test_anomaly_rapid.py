"""Lookups without authorisation, four or more to a minute (anomaly-2.24: the rapid signal).

A harvest dripped into the day's work shows in no week and no streak: a few minutes at lunch, a
handful of persons seconds apart, between hours of ordinary authorised work. Counted in the
database per operator and clock minute (anomaly_source.rapid_unauthorised), judged as a share of
the operator's lookups against the peers' once the operator has ten such minutes or more (a
family's papers looked up in a hurry make a few).

In the hand-built log (both engines): officer psb0002's harvest of 300 persons without a purpose,
four seconds apart from 15:00 on 2026-11-17, is twenty minutes of fifteen lookups; hrss0001's
batch of 300 under one reference is authorised and not counted. A window clerk's clumps of four
lookups without a reference count from the tenth minute on, with reasons in both languages.
"""

from __future__ import annotations

import datetime as dt

import pytest
from anomaly_world import FIRST_DAY, LAST_DAY, world_persons, world_range
from sqlalchemy import insert

from data_access.schema import models as m
from scoring import anomaly_source as source
from scoring.anomaly_reasons import range_reason

LO = dt.datetime.combine(FIRST_DAY, dt.time())
HI = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time())
CLERK = "govservice0002"


def test_the_harvest_minutes_are_counted_in_the_database(engine):
    world_persons(engine, 1)
    with engine.connect() as conn:
        rapid = {r["op"]: r for r in source.rapid_unauthorised(conn, LO, HI).to_dicts()}
    assert set(rapid) == {"psb0002"}, rapid  # the batch is authorised, the clerks are slow
    harvest = rapid["psb0002"]
    assert (harvest["rapid_n"], harvest["rapid_minutes"]) == (300, 20)
    assert harvest["first"] == dt.datetime(2026, 11, 17, 15, 0, 0)
    assert harvest["last"] == dt.datetime(2026, 11, 17, 15, 19, 56)


def _clumps(engine, minutes: int) -> None:
    """The window clerk looks four persons up without a reference within one minute, once a
    working day at 12:30 from the first day on."""
    persons = world_persons(engine, 4 * minutes)
    days = [d for d in (FIRST_DAY + dt.timedelta(days=k) for k in range(28)) if d.weekday() < 5]
    rows = []
    for k in range(minutes):
        at = dt.datetime.combine(days[k], dt.time(12, 30))
        for j in range(4):
            rows.append({"query_id": f"R{k:03d}{j}", "operator_id": CLERK,
                         "queried_at": at + dt.timedelta(seconds=9 * j),
                         "subject_id_number": persons[4 * k + j], "purpose_code": "LICENSING",
                         "authorization_ref": None, "channel": "WEB", "terminal_id": None,
                         "flags": ""})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)


@pytest.mark.parametrize("minutes", [9, 12])
def test_a_habit_of_rapid_minutes_is_evidence_a_few_are_not(engine, minutes):
    _clumps(engine, minutes)
    rng = world_range(engine)
    ops = rng.frame["op"].to_list()
    i, h = ops.index(CLERK), ops.index("psb0002")
    row = rng.frame.row(i, named=True)
    assert row["rapid_minutes"] == minutes
    if minutes < 10:
        assert row["rapid_n"] == 0 and rng.evidence["rapid"][i] == 0.0
    else:
        assert row["rapid_n"] == 48 and rng.evidence["rapid"][i] > 3.0
        zh, en = range_reason("rapid", row, rng, i)
        assert zh.startswith(
            "整个时段：一分钟内四次以上、无查询事由或授权编号的查询（集中在 12 个一分钟内） 48 次，占其全部查询"
        )
        assert en.startswith("Over the range: 48 lookups without a purpose or reference, four or "
                             "more in one minute (in 12 such minutes) of ")  # fmt: skip
    # the harvest is evidence either way, nobody else's lookups are
    assert rng.evidence["rapid"][h] > 10.0
    others = [op for k, op in enumerate(ops) if rng.evidence["rapid"][k] > 0]
    assert set(others) <= {CLERK, "psb0002"}
