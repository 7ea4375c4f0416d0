"""Two range signals on the hand-built log (both engines): one person looked up again and again
without authorisation (fixation), and a purpose a small department never uses."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from anomaly_world import COUNTY_A, FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import insert, select

from data_access.id_number import make_id_number
from data_access.schema import models as m
from scoring.anomaly import detect
from scoring.anomaly_peers import group_keys, membership
from scoring.anomaly_range import _largest_item

FIXATED = dt.date(2026, 10, 27)  # the first of the seven days govservice0002 looks her up


@pytest.fixture
def alerts(engine):
    build_world(engine)
    rng = np.random.default_rng(11)
    with engine.connect() as conn:
        persons = conn.scalars(select(m.Person.id_number).where(
            m.Person.county_code == COUNTY_A, m.Person.name.like("%小明"))).all()  # fmt: skip
        seen = set(conn.scalars(select(m.QueryLog.subject_id_number).where(
            m.QueryLog.operator_id == "govservice0002")))  # fmt: skip
    rows, serial = [], 0

    def lookup(op, at, subject, purpose, ref):
        nonlocal serial
        serial += 1
        rows.append({"query_id": f"X{serial:08d}", "queried_at": at, "operator_id": op,
                     "subject_id_number": subject, "purpose_code": purpose,
                     "authorization_ref": ref, "channel": "WEB", "terminal_id": None,
                     "flags": ""})  # fmt: skip

    # a window clerk looks one person up on seven days weeks apart, never with a reference
    target = next(p for p in persons if p not in seen)
    for j in range(7):
        at = dt.datetime.combine(FIXATED + dt.timedelta(days=4 * j), dt.time(14, 5 + j))
        lookup("govservice0002", at, target, "LICENSING", None)
    # a department of two auditors (no peer group of four): audit0001 uses a purpose that
    # neither of them otherwise uses, six times
    days = [FIRST_DAY + dt.timedelta(days=k) for k in range((LAST_DAY - FIRST_DAY).days + 1)]
    workdays = [d for d in days if d.weekday() < 5]
    for op in ("audit0001", "audit0002"):
        for k, day in enumerate(workdays):
            for h in range(3):
                at = dt.datetime.combine(day, dt.time(9 + 2 * h, int(rng.integers(0, 59))))
                subject = persons[int(rng.integers(len(persons)))]
                lookup(op, at, subject, "PUBLIC_FUNDS", f"SJ{day:%Y%m%d}{k}{h}")
    for j in range(6):
        at = dt.datetime.combine(workdays[3 + 3 * j], dt.time(16, 30))
        lookup("audit0001", at, persons[40 + j], "EMPLOYMENT", f"SJ-X{j}")
    operators = [{"operator_id": op, "name": "审计员", "department_code": "AUDIT",
                  "role": "officer", "county_code": COUNTY_A,
                  "id_number": make_id_number("412701", dt.date(1980, 1, 1 + i), 700 + i)}
                 for i, op in enumerate(("audit0001", "audit0002"))]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.Operator), operators)
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def _range(alerts, op):
    return [a for a in alerts if a.operator_id == op and a.horizon == "range"]


def test_one_person_again_and_again_without_authorisation_is_a_fixation(alerts):
    found = _range(alerts, "govservice0002")
    assert found and found[0].signals[0] == "fixation"
    top = found[0]
    # the episode: the first and the last of the seven lookups
    assert top.window_start == dt.datetime.combine(FIXATED, dt.time())
    assert top.window_end == dt.datetime.combine(FIXATED + dt.timedelta(days=25), dt.time())
    assert top.lookups == 7
    assert "Looked up the same person (" in top.reasons_en[0]
    assert ") 7 times without a purpose or reference: only " in top.reasons_en[0]
    # three window clerks are too few to compare with: every county-level operator is (12)
    reason = top.reasons_en[0]
    assert "of the persons the city- or county-level peers alike (12) look up" in reason
    assert top.baseline == "level"
    assert "无查询事由或授权编号反复查询同一人" in top.reasons_zh[0]
    assert "*" in top.reasons_en[0]  # the ID number is masked
    # the other window clerks' slips (one person at most twice) raise nothing
    for op in ("govservice0001", "govservice0003"):
        assert not any("fixation" in a.signals for a in alerts if a.operator_id == op)


def test_a_small_department_still_knows_its_purposes(alerts):
    found = _range(alerts, "audit0001")
    assert found and "purpose" in found[0].signals
    reason = found[0].reasons_en[0]
    assert reason.startswith(
        "Over the range: 6 lookups under purposes the peer group hardly uses (mostly 'Staff "
        "recruitment') of 66 lookups"
    )
    assert not [a for a in alerts if a.operator_id == "audit0002"]


def test_a_second_extreme_peer_does_not_hide_a_fixation():
    """The bulk tail: nine peers whose persons are looked up once or twice without
    authorisation, one peer (another misuser) with one person 14 times. The operator's 14
    is as unlikely as the bulk's decay says, not one in the peers' items."""
    ops = [f"p{i}" for i in range(10)] + ["me"]
    f = pl.DataFrame({"op": ops, "dept": ["D"] * 11, "role": ["r"] * 11,
                      "op_county": ["411621"] * 11, "n": [200] * 11})  # fmt: skip
    items = [(op, f"{op}-{j}", 2 if j % 10 == 0 else 1) for op in ops[:10] for j in range(20)]
    items += [("p0", "p0-x", 14), ("me", "me-x", 14), ("me", "me-1", 1)]
    frame = pl.DataFrame(items, schema={"op": pl.String, "item": pl.String, "x": pl.Int64},
                         orient="row")  # fmt: skip
    keys = group_keys(f)
    group = np.array(["D@dept"] * 11, dtype=object)
    members = membership(keys, group, ops)
    x, item, _chances, bulk = _largest_item(f, group, members, frame, "bulk")
    _, _, _, heavy = _largest_item(f, group, members, frame, True)
    me = ops.index("me")
    assert x[me] == 14 and item[me] == "me-x"
    assert heavy[me] == pytest.approx(1 / 201)  # one of the 201 other items reaches 14
    assert bulk[me] < 1e-6  # 21 items of two or more, one of them of three or more
