"""The day burst: one day's lookups without authorisation far above the usual day (both engines).

In the hand-built log the window clerks make about 60 lookups a working day, a few of them
without a reference. Clerk govservice0003 adds 70 lookups without a reference on the afternoon of
Friday 2026-11-13 (a harvest between two ordinary weeks); on Wednesday 2026-11-04 every window
clerk adds 70 (the references were lost that day: the whole department's day) and HR's
authorised batch check of 300 candidates keeps its reference. Only the Friday is a burst.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from anomaly_world import FIRST_DAY, LAST_DAY, world_persons
from sqlalchemy import insert

from data_access.schema import models as m
from scoring.anomaly import detect
from scoring.anomaly_burst import BURST_RATIO, burst_days

HARVEST = dt.date(2026, 11, 13)
OUTAGE = dt.date(2026, 11, 4)
EXTRA = 70


@pytest.fixture
def alerts(engine):
    persons = world_persons(engine, 1200)
    rows = []

    def add(op: str, day: dt.date, j: int) -> None:
        at = dt.datetime.combine(day, dt.time(14)) + dt.timedelta(minutes=2 * j)
        rows.append({"query_id": f"B{len(rows):05d}", "operator_id": op, "queried_at": at,
                     "subject_id_number": persons[(len(rows) * 13) % len(persons)],
                     "purpose_code": "LICENSING", "authorization_ref": None, "channel": "WEB",
                     "terminal_id": None, "flags": ""})  # fmt: skip

    for j in range(EXTRA):
        add("govservice0003", HARVEST, j)
        for op in ("govservice0001", "govservice0002", "govservice0003"):
            add(op, OUTAGE, j)
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def _bursts(alerts) -> list[str]:
    return [r for a in alerts for r in a.reasons_zh if "一天内无查询事由或授权编号的查询" in r]


def test_a_days_harvest_without_references_is_a_burst(alerts):
    found = [a for a in alerts if a.operator_id == "govservice0003" and "burst" in a.signals]
    assert found, [(a.operator_id, a.signals) for a in alerts]
    assert found[0].score >= 4.0 and found[0].horizon == "week"
    assert found[0].window_start <= dt.datetime.combine(HARVEST, dt.time()) < found[0].window_end
    reason = next(r for r in found[0].reasons_en if r.startswith("On "))
    # the clerk's own few a day and the day's count, checkable against the log's rows
    assert reason.startswith(f"On {HARVEST:%Y-%m-%d}: "), reason
    count = int(reason.split(": ")[1].split()[0])
    assert EXTRA <= count <= EXTRA + 10, reason
    assert "the operator's usual day" in reason


def test_the_departments_day_and_an_authorised_batch_are_no_burst(alerts):
    bursts = _bursts(alerts)
    assert not [r for r in bursts if r.startswith(f"{OUTAGE:%Y-%m-%d}")], bursts
    assert not [a for a in alerts if a.operator_id == "hrss0001" and "burst" in a.signals]


def _daily(counts: dict[str, list[int]], win_of_last: int = 1) -> pl.DataFrame:
    rows = []
    for op, days in counts.items():
        for k, u in enumerate(days):
            win = win_of_last if k == len(days) - 1 else 0
            rows.append((op, dt.date(2026, 9, 1) + dt.timedelta(days=k), 40, u, win))
    return pl.DataFrame(rows, schema={"op": pl.String, "date": pl.Date, "n": pl.Int64,
                                      "unauth": pl.Int64, "win": pl.Int32}, orient="row")  # fmt: skip


def _ops(names) -> pl.DataFrame:
    return pl.DataFrame({"op": list(names), "dept": ["TAX"] * len(names),
                         "role": ["officer"] * len(names), "op_county": ["411602"] * len(names)})  # fmt: skip


def test_the_day_must_stand_out_by_ratio_and_by_count():
    usual = [1, 2, 0, 3, 2, 1, 2, 0, 1, 2, 2, 1]  # the 90th percentile: 2, the floor 3
    daily = _daily({"a": [*usual, 40], "b": [*usual, 25], "c": [*usual, 2]}
                   | {f"p{i}": [*usual, 1] for i in range(60)})  # fmt: skip
    out = burst_days(daily, _ops(daily["op"].unique().to_list()), [1]).sort("op")
    ev = dict(zip(out["op"], out["burst_ev"], strict=True))
    # 40 against 3 a day: 13 times; 25 is 8 times but only 22 more; 2 is the usual
    assert ev["a"] == pytest.approx(BURST_RATIO + 4 * np.log2(40 / 3 / BURST_RATIO), abs=1e-6)
    assert ev["b"] == 0.0 and ev["c"] == 0.0


def test_a_new_operator_is_judged_against_the_peers_usual_day():
    busy = [8, 10, 12, 9, 11, 10, 12, 9, 10, 11, 10, 12]  # the peers' 90th percentile: 12
    daily = _daily({"new": [1, 60]} | {f"p{i}": [*busy, 10] for i in range(5)})
    out = burst_days(daily, _ops(daily["op"].unique().to_list()), [1])
    row = out.filter(pl.col("op") == "new").row(0, named=True)
    assert row["burst_own"] is None and row["burst_peer"] == 12
    assert row["burst_exp"] == pytest.approx(12.0) and row["burst_ev"] > 0
