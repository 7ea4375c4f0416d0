"""Crowd curiosity end to end (both engines): an auditor looks up, without a reference, the
persons at the centre of two sudden cases (six police and court officers each within a few
days, under case references, nobody before), while a police officer who looks one of them up
without a reference belongs to the department on the case.

The range alert names the cases and the chance, and the other operators have no crowd signal.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from anomaly_world import FIRST_DAY, LAST_DAY, world_persons
from sqlalchemy import insert

from data_access.schema import models as m
from scoring.anomaly import detect

CASE_DAYS = (dt.date(2026, 11, 3), dt.date(2026, 11, 17))
CASE_OFFICERS = [("psb0101", "PSB"), ("psb0102", "PSB"), ("psb0103", "PSB"),
                 ("court0101", "COURT"), ("court0102", "COURT"), ("court0103", "COURT")]  # fmt: skip


@pytest.fixture
def alerts(engine):
    persons = world_persons(engine, 1400)
    cases = persons[-2:]  # looked up by nobody in the world's ordinary work before
    ops = [*CASE_OFFICERS, ("audit0101", "AUDIT")]
    rows = []

    def add(op: str, at: dt.datetime, subject: str, ref: str | None) -> None:
        rows.append({"query_id": f"C{len(rows):05d}", "operator_id": op, "queried_at": at,
                     "subject_id_number": subject, "purpose_code": "ENFORCEMENT",
                     "authorization_ref": ref, "channel": "WEB", "terminal_id": None,
                     "flags": ""})  # fmt: skip

    # every operator's ordinary work under references: a working day's few lookups
    day = FIRST_DAY
    while day <= LAST_DAY:
        if day.weekday() < 5:
            for k, (op, _dept) in enumerate(ops):
                for j in range(3):
                    at = dt.datetime.combine(day, dt.time(9 + j, 5 * k))
                    add(op, at, persons[(len(rows) * 7) % 1000], f"{op}-{day:%m%d}-{j}")
        day += dt.timedelta(days=1)
    for c, (case_day, person) in enumerate(zip(CASE_DAYS, cases, strict=True)):
        for k, (op, _dept) in enumerate(CASE_OFFICERS):
            at = dt.datetime.combine(case_day + dt.timedelta(days=k % 3), dt.time(15, k))
            add(op, at, person, f"AJ-{c}-{op}")
        add("audit0101", dt.datetime.combine(case_day + dt.timedelta(days=1), dt.time(16)),
            person, None)  # fmt: skip
    add("psb0004", dt.datetime.combine(CASE_DAYS[0], dt.time(17)), cases[0], None)
    with engine.begin() as conn:
        conn.execute(insert(m.Operator), [
            {"operator_id": op, "name": "测试员", "department_code": dept, "role": "officer",
             "county_code": "411602", "id_number": None} for op, dept in ops])  # fmt: skip
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def test_an_auditor_curious_about_two_cases_is_raised_with_the_cases_in_the_reason(alerts):
    found = [a for a in alerts if a.operator_id == "audit0101" and "crowd" in a.signals]
    assert found, [(a.operator_id, a.signals) for a in alerts]
    alert = found[0]
    assert alert.horizon == "range" and alert.score >= 4.0 and alert.signals[0] == "crowd"
    # the episode: the two curious lookups' days, not the whole range
    assert alert.window_start == dt.datetime.combine(CASE_DAYS[0] + dt.timedelta(days=1), dt.time())
    assert alert.window_end == dt.datetime.combine(CASE_DAYS[1] + dt.timedelta(days=2), dt.time())
    assert alert.lookups == 2
    zh = next(r for r in alert.reasons_zh if "突发的集中查询" in r)
    en = next(r for r in alert.reasons_en if "sudden case" in r)
    # eight operators in the week of the first case (six officers, the auditor and the police
    # officer who looked the person up without a reference), six under a reference
    assert (
        zh.startswith("2 位被无授权编号查询的人")
        and "一周内 8 名人员" in zh
        and "其中 6 名有授权编号" in zh
    )
    assert en.startswith("2 persons looked up without a reference") and "8 operators" in en
    assert "6 of them under a reference" in en and "of the operator's 2 persons" in en
    # the chance is tiny and shown as such, never as a bare 0.00
    assert re.search(r"by chance about 0\.0+[1-9] expected", en), en


def test_the_case_departments_own_officer_is_not_curious(alerts):
    assert not [a for a in alerts if "crowd" in a.signals and a.operator_id != "audit0101"]
