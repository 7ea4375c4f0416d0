"""The unauthorised part of the one other county an operator looks up most (both engines).

The window clerks of the hand-built log look up residents of another county for about one
lookup in ten, authorised like the rest of their work. Fourteen residents of a third county (a
hometown, the in-laws), looked up over four weeks without a purpose or reference, hardly move the
clerk's share of other counties; that nearly all the lookups of that county lack the
authorisation the clerk's other lookups have is the finding, and the alert names the county and
the clerk's own other lookups as the baseline. The same fourteen with purposes and references
raise no such finding.
"""

from __future__ import annotations

import datetime as dt

import pytest
from anomaly_world import FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import insert

from data_access.id_number import make_id_number
from data_access.schema import models as m
from scoring.anomaly import detect

HOMETOWN = "411628"  # 鹿邑县
HOMETOWN_NAME = "鹿邑县"
CLERK, HONEST = "govservice0002", "govservice0003"


@pytest.fixture
def alerts(engine):
    build_world(engine)
    persons = [
        {"id_number": make_id_number("412728", dt.date(1980, 1, 1) + dt.timedelta(days=97 * j),
                                     j + 1),
         "name": f"乡亲{j}", "gender": None, "birth_date": None, "county_code": HOMETOWN,
         "residence_code": f"411628{101 + j % 3:03d}001", "sensitive": False}
        for j in range(28)
    ]  # fmt: skip
    rows = []
    for j in range(14):
        day = FIRST_DAY + dt.timedelta(days=j * 2)
        day -= dt.timedelta(days=max(day.weekday() - 4, 0))  # a weekend's to the Friday
        at = dt.datetime.combine(day, dt.time(16, 20))
        rows.append({"query_id": f"F{j:04d}", "operator_id": CLERK, "queried_at": at,
                     "subject_id_number": persons[j]["id_number"], "purpose_code": None,
                     "authorization_ref": None, "channel": "WEB", "terminal_id": None,
                     "flags": ""})  # fmt: skip
        rows.append({"query_id": f"G{j:04d}", "operator_id": HONEST, "queried_at": at,
                     "subject_id_number": persons[14 + j]["id_number"],
                     "purpose_code": "LICENSING", "authorization_ref": f"XK{at:%Y%m%d}7{j:03d}",
                     "channel": "WEB", "terminal_id": None, "flags": ""})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.Person), persons)
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def _focus_findings(alerts, op: str) -> list[str]:
    return [
        r
        for a in alerts
        if a.operator_id == op and a.horizon == "range"
        for r in a.reasons_zh
        if "某一外县居民的查询" in r
    ]


def test_unauthorised_lookups_of_one_other_county_are_judged_against_the_own_work(alerts):
    found = [a for a in alerts if a.operator_id == CLERK and a.horizon == "range"]
    assert found, [(a.operator_id, a.signals) for a in alerts if a.operator_id == CLERK]
    assert "out_focus" in found[0].signals and found[0].score >= 4.0
    reason = _focus_findings(alerts, CLERK)
    assert reason, found[0].reasons_zh
    assert reason[0].startswith(
        f"整个时段：无查询事由或授权编号的某一外县居民的查询（{HOMETOWN_NAME}） 14 次（共 14 次）"
    ), reason[0]
    assert found[0].signals[0] == "out_focus" and found[0].baseline == "own", found[0].signals


def test_the_same_lookups_with_references_raise_no_such_finding(alerts):
    assert not [r for r in _focus_findings(alerts, HONEST) if "无查询事由" in r]
