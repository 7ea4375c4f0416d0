"""Gateways are one another's peers, never a department's staff's (both engines).

The hand-built log's county service-hall clerks (GOVSERVICE, 411602) leave out a purpose or a
reference about once in twenty-five lookups. Two system interfaces of the same department and county
(the government app's and a bank's gateways, their roles named as the vendors pleased) serve the
public's own queries at every hour of every day, always with a purpose and a reference, each
with ten times a clerk's volume: pooled with the clerks, its lookups would make their usual missing references
look like misuse. Among the public it serves are the department's own staff, checking their own
records: a gateway chooses nobody, so that is no colleague snooping.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from anomaly_world import COUNTY_A, FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import insert, select

from data_access.schema import models as m
from scoring.anomaly import detect
from scoring.anomaly_range import MACHINES, _machines_apart

GATEWAYS = ("app-gateway-01", "bank-gateway-01")


@pytest.fixture
def alerts(engine):
    build_world(engine)
    rng = np.random.default_rng(5)
    with engine.connect() as conn:
        persons = conn.scalars(select(m.Person.id_number).limit(1500)).all()
        staff = conn.scalars(
            select(m.Operator.id_number).where(m.Operator.department_code == "GOVSERVICE")
        ).all()
    rows = []
    for gateway, day in [(g, FIRST_DAY + dt.timedelta(days=d)) for g in GATEWAYS
                         for d in range((LAST_DAY - FIRST_DAY).days + 1)]:  # fmt: skip
        for hour in range(24):
            for _ in range(int(rng.poisson(40 if 8 <= hour < 22 else 10))):
                at = dt.datetime.combine(day, dt.time(hour)) + dt.timedelta(
                    seconds=int(rng.integers(3600))
                )
                subject = persons[int(rng.integers(len(persons)))]
                if rng.random() < 0.01:  # a clerk checks their own record through the app
                    subject = staff[int(rng.integers(len(staff)))]
                rows.append({"query_id": f"G{len(rows):06d}", "operator_id": gateway,
                             "queried_at": at, "subject_id_number": subject,
                             "purpose_code": "SELF", "authorization_ref": f"APP{len(rows):08d}",
                             "channel": "API", "terminal_id": None, "flags": ""})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.Operator), [
            {"operator_id": g, "name": name, "department_code": "GOVSERVICE", "role": role,
             "county_code": COUNTY_A, "id_number": None}
            for g, name, role in zip(GATEWAYS, ("政务服务APP接口", "银行前置"),
                                     ("接口账号", "api-integration"), strict=True)])  # fmt: skip
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def test_the_clerks_usual_missing_references_are_judged_without_the_gateway(alerts):
    found = [(a.operator_id, a.signals) for a in alerts
             if a.operator_id.startswith("govservice") and "unauth" in a.signals]  # fmt: skip
    assert not found


def test_a_gateway_looks_up_nobody_by_choice(alerts):
    found = [a for a in alerts if a.operator_id in GATEWAYS]
    assert not [a.signals for a in found if {"colleagues", "repeat", "kin"} & set(a.signals)]


def test_round_the_clock_accounts_are_set_apart_and_shift_workers_are_not():
    days = [dt.date(2026, 11, 2) + dt.timedelta(days=d) for d in range(28)]
    hourly = pl.DataFrame(
        [("gateway", d, h, 5) for d in days for h in range(24)]
        # a duty officer on nights every third day, at every hour of the night and evening
        + [("duty", d, h, 2) for d in days[::3] for h in [*range(18, 24), *range(0, 8)]]
        # a desk clerk in office hours
        + [("clerk", d, h, 9) for d in days if d.weekday() < 5 for h in range(8, 18)],
        schema={"op": pl.String, "date": pl.Date, "hour": pl.Int32, "n": pl.Int64},
        orient="row",
    )
    f = pl.DataFrame({"op": ["clerk", "duty", "gateway"], "dept": ["GOVSERVICE", "PSB", "PBOC"],
                      "role": ["窗口", "值班", "api-integration"]})  # fmt: skip
    apart = _machines_apart(f, hourly)
    assert apart["role"].to_list() == ["窗口", "值班", MACHINES]
    assert apart["dept"].to_list() == ["GOVSERVICE", "PSB", MACHINES]
    # a daily run: one 24-hour shift is a person's, not a gateway's
    one_day = hourly.filter(pl.col("date") == days[0])
    assert MACHINES not in _machines_apart(f, one_day)["role"].to_list()
