"""A foreign purpose that is a fifth of the operator's work keeps its unauthorised part (both
engines).

In the hand-built log, officer psb0004 adds 60 lookups under Labour hiring (劳动用工), a purpose no
one else in the public security bureau uses, on the working days of the four weeks, with the
purpose given but never the reference it needs; the officer's own other work nearly always has
one. So large a share of the officer's work is no curiosity about a purpose (it would be a remit
of the officer's own), but that it all lacks the authorisation the rest of the officer's work has
is the finding, and the alert names the purpose and the officer's own other lookups as the
baseline. Duty officer psb0006 makes the same 60 lookups with references: no purpose finding.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from anomaly_world import FIRST_DAY, LAST_DAY, world_persons
from sqlalchemy import insert

from data_access.schema import models as m
from scoring.anomaly import detect
from scoring.anomaly_range import _foreign_purposes

MISUSER, HONEST = "psb0004", "psb0006"
FOREIGN = 60


@pytest.fixture
def alerts(engine):
    persons = world_persons(engine, 400)
    days = [FIRST_DAY + dt.timedelta(days=d) for d in range((LAST_DAY - FIRST_DAY).days + 1)]
    workdays = [d for d in days if d.weekday() < 5]
    rows = []
    for j in range(FOREIGN):
        at = dt.datetime.combine(workdays[j % len(workdays)], dt.time(10 + j % 6, 7 + j % 40))
        for op, ref in ((MISUSER, None), (HONEST, f"LD{at:%Y%m%d}{j:04d}")):
            rows.append({"query_id": f"L{op}{j:04d}", "operator_id": op, "queried_at": at,
                         "subject_id_number": persons[(j * 7 + (op == HONEST)) % len(persons)],
                         "purpose_code": "LABOUR", "authorization_ref": ref, "channel": "WEB",
                         "terminal_id": None, "flags": ""})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def test_an_unauthorised_foreign_purpose_of_a_fifth_of_the_work_is_found(alerts):
    found = [a for a in alerts if a.operator_id == MISUSER and "purpose" in a.signals]
    assert found, [(a.operator_id, a.signals) for a in alerts if a.operator_id == MISUSER]
    top = found[0]
    assert top.horizon == "range" and top.score >= 4.0
    reason = next(r for r in top.reasons_zh if "查询事由下的查询" in r)
    assert reason.startswith(
        f"整个时段：无查询事由或授权编号的同组人员几乎不用的查询事由下的查询（主要为“劳动用工”） "
        f"{FOREIGN} 次（共 {FOREIGN} 次）"
    ), reason
    if top.signals[0] == "purpose":
        assert top.baseline == "own"


def test_the_same_purpose_with_references_raises_no_purpose_finding(alerts):
    assert not [a for a in alerts if a.operator_id == HONEST and "purpose" in a.signals]


def test_a_fifth_of_the_own_work_is_left_out_of_the_habit_only():
    ops = pl.DataFrame({"op": ["a", "b", "c", "d", "e"], "n": [100] * 5})
    rows = [(op, "LICENSING", 100, 2) for op in "bcde"] + [("a", "LICENSING", 70, 1),
                                                          ("a", "LABOUR", 25, 25),
                                                          ("a", "REPAIR", 5, 0)]  # fmt: skip
    purposes = pl.DataFrame(rows, schema={"op": pl.String, "purpose": pl.String,
                                          "n": pl.Int64, "unauth": pl.Int64}, orient="row")  # fmt: skip
    purposes = purposes.with_columns(date=pl.lit(dt.date(2026, 6, 1)))  # all on one day
    members = pl.DataFrame({"grp": ["g"] * 5, "member": list("abcde")})
    fp = _foreign_purposes(ops, purposes, ["g"] * 5, members)
    # the habit: REPAIR only (LABOUR is a quarter of a's own work); the unauthorised part: both
    assert (fp.k[0], fp.unauth[0], fp.top[0]) == (5, 0, "REPAIR")
    assert (fp.k_all[0], fp.u_all[0], fp.top_all[0]) == (30, 25, "LABOUR")
    assert fp.k[1:].sum() == fp.k_all[1:].sum() == 0


def test_a_fifth_of_the_work_on_a_few_of_the_days_is_no_remit():
    """A part-timer's seven lookups under a purpose the department never uses, on the last two
    of their ten working days, are two fifths of their work but no remit (anomaly-2.14); the
    same share spread over their days is."""
    ops = pl.DataFrame({"op": ["late", "spread", "c", "d", "e"], "n": [17, 17, 100, 100, 100]})
    day = lambda k: dt.date(2026, 6, 1) + dt.timedelta(days=k)  # noqa: E731
    rows = [(op, day(k), "LICENSING", 10, 0) for op in "cde" for k in range(10)]
    rows += [("late", day(k), "LICENSING", 1, 0) for k in range(8)]
    rows += [("late", day(8), "LICENSING", 1, 0), ("late", day(8), "EXECUTIVE", 3, 3),
             ("late", day(9), "EXECUTIVE", 4, 4)]  # fmt: skip
    rows += [("spread", day(k), "LICENSING", 1, 0) for k in range(10)]
    rows += [("spread", day(k), "EXECUTIVE", 1, 1) for k in range(7)]
    purposes = pl.DataFrame(rows, schema={"op": pl.String, "date": pl.Date, "purpose": pl.String,
                                          "n": pl.Int64, "unauth": pl.Int64}, orient="row")  # fmt: skip
    # each of the two judged against the three peers (not against each other)
    members = pl.DataFrame({"grp": ["g1"] * 4 + ["g2"] * 4,
                            "member": ["late", "c", "d", "e", "spread", "c", "d", "e"]})  # fmt: skip
    fp = _foreign_purposes(ops, purposes, ["g1", "g2", "g1", "g1", "g1"], members)
    assert (fp.k[0], fp.unauth[0], fp.top[0]) == (7, 7, "EXECUTIVE")
    assert fp.k[1] == 0 and fp.k_all[1] == 7  # on seven of ten days: their remit, in the habit
