"""A county another county's residents make part of the work of, week in week out (both engines).

Zhoukou's county offices cover for each other: a window clerk seconded to help a neighbouring
county, or covering its residents at a shared service hall, looks them up every working week, a
large share of their work, authorised like the rest. That county is the clerk's remit
(anomaly_range._covered_county): its lookups are no out-of-county evidence, and the reasons say
that it was left out. The same number of that county's residents looked up in one week of the
four is no remit: it still raises the other-county evidence.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from anomaly_world import FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import insert

from data_access.id_number import make_id_number
from data_access.schema import models as m
from scoring.anomaly import detect
from scoring.anomaly_range import _covered_county

NEIGHBOUR = "411628"  # 鹿邑县
COVERING, BURST = "govservice0002", "govservice0003"
OTHER_COUNTY = {"out_county", "out_focus"}


def _persons(count: int, offset: int) -> list[dict]:
    return [
        {"id_number": make_id_number("412728", dt.date(1970, 1, 1) + dt.timedelta(days=13 * j),
                                     offset + j + 1),
         "name": f"邻县居民{offset + j}", "gender": None, "birth_date": None,
         "county_code": NEIGHBOUR, "residence_code": f"411628{101 + j % 5:03d}001",
         "sensitive": False}
        for j in range(count)
    ]  # fmt: skip


def _lookup(qid: str, op: str, at: dt.datetime, subject: str) -> dict:
    return {"query_id": qid, "operator_id": op, "queried_at": at, "subject_id_number": subject,
            "purpose_code": "LICENSING", "authorization_ref": f"XK{at:%Y%m%d}{qid[-4:]}",
            "channel": "WEB", "terminal_id": None, "flags": ""}  # fmt: skip


@pytest.fixture
def alerts(engine):
    build_world(engine)
    covered = _persons(400, 0)
    burst = _persons(400, 400)
    working = [d for d in (FIRST_DAY + dt.timedelta(days=k)
                           for k in range((LAST_DAY - FIRST_DAY).days + 1)) if d.weekday() < 5]  # fmt: skip
    rows = []
    # the covering clerk: 20 of the neighbour county's residents on every working day (a quarter
    # of their work), authorised like the rest
    for j in range(400):
        day = working[j % len(working)]
        at = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=20 * (j // len(working)))
        rows.append(_lookup(f"C{j:05d}", COVERING, at, covered[j]["id_number"]))
    # the other clerk: as many of them, all in the last week, authorised too
    last_week = [d for d in working if d >= LAST_DAY - dt.timedelta(days=6)]
    for j in range(400):
        day = last_week[j % len(last_week)]
        at = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=j // len(last_week))
        rows.append(_lookup(f"B{j:05d}", BURST, at, burst[j]["id_number"]))
    with engine.begin() as conn:
        conn.execute(insert(m.Person), covered + burst)
        conn.execute(insert(m.QueryLog), rows)
    return detect(engine, FIRST_DAY, LAST_DAY)


def _range(alerts, op: str):
    return [a for a in alerts if a.operator_id == op and a.horizon == "range"]


def test_a_county_covered_every_week_is_no_out_of_county_evidence(alerts):
    found = _range(alerts, COVERING)
    assert not any(OTHER_COUNTY & set(a.signals) for a in found), [a.signals for a in found]


def test_the_same_lookups_in_one_week_still_raise_the_other_county(alerts):
    found = _range(alerts, BURST)
    assert found and OTHER_COUNTY & set(found[0].signals), [a.signals for a in found]
    text = " ".join(r for a in found for r in a.reasons_zh)
    assert "鹿邑县" in text and "不计在内" not in text, text


def _pairs(rows: list[tuple[str, str, str, int]]) -> pl.DataFrame:
    """op, s_county, first (a date), n: one person each."""
    return pl.DataFrame(
        {"op": [r[0] for r in rows], "s_county": [r[1] for r in rows],
         "first": [dt.datetime.fromisoformat(r[2]) for r in rows], "n": [r[3] for r in rows]}
    )  # fmt: skip


def test_covered_needs_a_fifth_of_the_work_and_a_third_of_the_weeks():
    weeks = ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    rows = []
    for op in ("spread", "burst", "small"):
        rows += [(op, "411602", f"{w}T09:00", 7) for w in weeks]  # own county, every week
    rows += [("spread", "411628", f"{w}T10:00", 3) for w in weeks]  # 12 of 40, four weeks
    rows += [("burst", "411628", "2026-11-23T10:00", 12)]  # 12 of 40, one week
    rows += [("small", "411628", f"{w}T10:00", 1) for w in weeks]  # 4 of 32, four weeks
    pairs = _pairs(rows)
    f = pl.DataFrame({"op": ["spread", "burst", "small"]})
    n = np.array([40.0, 40.0, 32.0])
    focus_k = np.array([12.0, 12.0, 4.0])
    covered = _covered_county(pairs, f, ["411628"] * 3, focus_k, n)
    assert covered.tolist() == [True, False, False]


def test_the_reason_names_the_covered_county_it_left_out():
    from scoring.anomaly_reasons import _detail

    zh, en = _detail("out_county", {"op_county": "411602", "covered_county": NEIGHBOUR})
    # no reason separator inside a reason: the page would show it in two pieces
    assert zh == "（本县：川汇区，其日常兼管的鹿邑县不计在内）", zh
    assert "Luyi" in en and "left out" in en and "; " not in en, en
    assert _detail("out_county", {"op_county": "411602", "covered_county": None}) == (
        "（本县：川汇区）",
        " (own county: Chuanhui District)",
    )
