"""A habit's lookups without authorisation, against the operator's own other lookups (both
engines), and purposes that a role uses in every department (a pure function).

Out-of-county lookups are part of a county window clerk's work (about one in eight of theirs in
the hand-built log, authorised like the rest); thirty more spread over four weeks hardly change
that share, and no peer comparison notices them. Made without a purpose or reference where the
rest of the clerk's work has them, they are no habit: the alert says so and names the operator's
own other lookups as its baseline. The same thirty made with purposes and references raise
nothing.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import polars as pl
import pytest
from anomaly_world import COUNTY_B, FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import insert, select

from data_access.schema import models as m
from scoring.anomaly import detect
from scoring.anomaly_peers import group_keys
from scoring.anomaly_range import _role_purposes, foreign_terminals
from ui.alert_reasons import headline

COUNTY_NAME = "川汇区"  # the clerks' own county, 411602 (anomaly_world.COUNTY_A)


@pytest.fixture
def alerts(engine):
    build_world(engine)
    with engine.connect() as conn:
        outsiders = conn.scalars(
            select(m.Person.id_number).where(m.Person.county_code == COUNTY_B).limit(60)
        ).all()
    rows = []
    for j in range(30):
        day = FIRST_DAY + dt.timedelta(days=j * 27 // 29)
        for op, k, purpose, ref in (("govservice0002", j, None, None),
                                    ("govservice0003", 30 + j, "LICENSING", f"XK2026{j:06d}")):  # fmt: skip
            rows.append({"query_id": f"U{len(rows):04d}", "operator_id": op,
                         "queried_at": dt.datetime.combine(day, dt.time(15, 5)),
                         "subject_id_number": outsiders[k], "purpose_code": purpose,
                         "authorization_ref": ref, "channel": "WEB", "terminal_id": None,
                         "flags": ""})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def test_unauthorised_out_of_county_lookups_are_judged_against_the_own_work(alerts):
    found = [a for a in alerts if a.operator_id == "govservice0002" and a.horizon == "range"]
    assert found, [(a.operator_id, a.signals) for a in alerts]
    top = found[0]
    assert top.signals[0] == "out_county" and top.baseline == "own"
    assert top.score >= 4.0
    found = re.match(r"Over the range: (\d+) of the operator's (\d+) lookups of residents of other "
                     r"counties .*had no purpose or reference", top.reasons_en[0])  # fmt: skip
    assert found, top.reasons_en[0]
    unauthorised, out_of_county = int(found[1]), int(found[2])
    # the thirty and the clerk's few earlier ones, among the clerk's mostly authorised such work
    assert 30 <= unauthorised < 0.3 * out_of_county
    assert top.reasons_zh[0].startswith("整个时段：无查询事由或授权编号的本县以外居民的查询")
    assert f" {unauthorised} 次（共 {out_of_county} 次）" in top.reasons_zh[0]
    # the queue's headline is the finding: the unauthorised ones, not all of them
    assert headline("；".join(top.reasons_zh), "zh") == (
        f"无查询事由或授权编号的本县以外居民的查询（本县：{COUNTY_NAME}） {unauthorised} 次"
    )


def test_the_same_lookups_with_references_raise_nothing(alerts):
    assert not [
        a for a in alerts if a.operator_id == "govservice0003" and "out_county" in a.signals
    ]


def _frames(rows: list[tuple[str, str, str, str, int]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """ops (op, dept, role, op_county, n) and purposes (op, purpose, n) from (op, dept, role,
    purpose, n of it) rows; every operator has 100 lookups, the rest under LICENSING."""
    ops = pl.DataFrame(
        {"op": [r[0] for r in rows], "dept": [r[1] for r in rows], "role": [r[2] for r in rows],
         "op_county": [None] * len(rows), "n": [100] * len(rows)},
        schema={"op": pl.String, "dept": pl.String, "role": pl.String, "op_county": pl.String,
                "n": pl.Int64},
    )  # fmt: skip
    purposes = pl.DataFrame(
        [(r[0], r[3], r[4]) for r in rows if r[4]]
        + [(r[0], "LICENSING", 100 - r[4]) for r in rows],
        schema={"op": pl.String, "purpose": pl.String, "n": pl.Int64},
        orient="row",
    )
    return ops, purposes


def test_a_purpose_most_of_the_role_uses_in_other_departments_is_the_roles_work():
    ops, purposes = _frames([
        ("tax-hr", "TAX", "HR", "APPOINTMENT", 10), ("samr-hr", "SAMR", "hr ", "APPOINTMENT", 8),
        ("psb-hr", "PSB", "hr", "APPOINTMENT", 5), ("edu-hr", "EDU", "hr", "", 0),
        ("tax-officer", "TAX", "officer", "APPOINTMENT", 6),
        ("samr-officer", "SAMR", "officer", "", 0), ("psb-officer", "PSB", "officer", "", 0),
        ("edu-officer", "EDU", "officer", "APPOINTMENT", 3),
    ])  # fmt: skip
    work = _role_purposes(ops, purposes, group_keys(ops))
    pairs = set(zip(work["op"].to_list(), work["purpose"].to_list(), strict=True))
    # three of the four HR clerks use it: for each, at least two of the other three do
    assert {("tax-hr", "APPOINTMENT"), ("samr-hr", "APPOINTMENT"), ("psb-hr", "APPOINTMENT"),
            ("edu-hr", "APPOINTMENT")} <= pairs  # fmt: skip
    # two of four officers use it: for each of them, only one of the other three does
    assert not {("tax-officer", "APPOINTMENT"), ("edu-officer", "APPOINTMENT")} & pairs
    # LICENSING is everyone's
    assert ("edu-officer", "LICENSING") in pairs
    assert np.all(work["op"].is_in(ops["op"].implode()).to_numpy())


def test_another_departments_desk_is_foreign_however_rarely_it_is_used():
    """Credentials used at another department's desk while the owner is away: the desk's owner
    makes few lookups, so the borrower makes more than a tenth of the desk's; it is still
    foreign. A hall terminal of the operator's own department is not."""
    at = dt.datetime(2026, 11, 2, 10)
    rows = [("drc1", "DRC-PC1", 900), ("drc1", "FIN-PC7", 60), ("fin1", "FIN-PC7", 50),
            ("drc1", "HALL-1", 40), ("drc2", "HALL-1", 45), ("drc3", "HALL-1", 30),
            ("drc2", "DRC-PC2", 700), ("drc3", "DRC-PC3", 500)]  # fmt: skip
    terminals = pl.DataFrame(
        [(op, t, n, 0, at, at) for op, t, n in rows],
        schema={"op": pl.String, "terminal": pl.String, "n": pl.Int64, "unauth": pl.Int64,
                "first": pl.Datetime("us"), "last": pl.Datetime("us")},
        orient="row",
    )  # fmt: skip
    depts = pl.DataFrame({"op": ["drc1", "drc2", "drc3", "fin1"],
                          "dept": ["DRC", "DRC", "DRC", "FINANCE"]})  # fmt: skip
    foreign = foreign_terminals(terminals, depts)
    assert set(zip(foreign["op"], foreign["terminal"], strict=True)) == {("drc1", "FIN-PC7")}
    # without the departments only the old rule holds: drc1 makes over half of FIN-PC7's lookups
    assert foreign_terminals(terminals).is_empty()
