"""A family looked up (anomaly_family, anomaly-2.22): persons of one residence and surname first
looked up within four days, each at least once without authorisation."""

from __future__ import annotations

import datetime as dt

import polars as pl
from anomaly_world import COUNTY_A, FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import insert

from data_access.id_number import make_id_number
from data_access.schema import models as m
from scoring.anomaly import detect
from scoring.anomaly_family import family_items

AT = dt.datetime(2026, 11, 2, 10)
FAMILY = 12
COUNTY_ZH, COUNTY_EN = "川汇区", "Chuanhui District"  # 411602, COUNTY_A


def _pairs(rows):
    """(op, subject, unauth, first, s_res, s_name) rows, one lookup each."""
    return pl.DataFrame(
        [(op, s, 1, u, at, res, name) for op, s, u, at, res, name in rows],
        schema={"op": pl.String, "subject": pl.String, "n": pl.Int64, "unauth": pl.Int64,
                "first": pl.Datetime("us"), "s_res": pl.String, "s_name": pl.String},
        orient="row",
    )  # fmt: skip


def test_the_largest_visit_to_one_residence_and_surname_is_the_item():
    day = dt.timedelta(days=1)
    rows = [("a", f"P{j}", 1, AT + j * day / 2, "411602001077", "孙" + "一二三四五"[j])
            for j in range(5)]  # fmt: skip
    rows += [
        ("a", "Q0", 1, AT + 20 * day, "411602001077", "孙七"),  # the same family, weeks later
        ("a", "Q1", 0, AT, "411602001077", "孙八"),  # authorised only: not counted
        ("a", "Q2", 1, AT, "411602001077", "李九"),  # another surname
        ("a", "Q3", 1, AT, "411602001078", "孙十"),  # another residence
        ("a", "Q4", 1, AT, None, "孙十一"),  # not in the registry
        ("b", "Q5", 1, AT, "411602001077", "孙十二"),  # another operator
    ]
    got = family_items(_pairs(rows)).sort("op", "item")
    by = {(r["op"], r["item"]): (r["x"], r["first"], r["last"]) for r in got.to_dicts()}
    assert by[("a", "411602001077|孙")] == (5, AT, AT + 2 * day)
    assert by[("a", "411602001077|李")][0] == 1
    assert by[("a", "411602001078|孙")][0] == 1
    assert by[("b", "411602001077|孙")][0] == 1
    assert len(by) == 4
    assert family_items(_pairs([])).is_empty()


def test_the_own_village_of_an_operator_who_serves_it_is_no_family_of_theirs():
    rows = [(op, f"{op}{j}", 1, AT, "411602001077", "孙" + "一二三四"[j])
            for op in ("clerk", "snoop") for j in range(4)]  # fmt: skip
    pairs = _pairs(rows).with_columns(kin=pl.lit(False), nb=pl.lit(True))  # their own village
    got = family_items(pairs, village_remit=["clerk"])
    assert got["op"].to_list() == ["snoop"] and got["x"].to_list() == [4]
    assert family_items(pairs)["op"].sort().to_list() == ["clerk", "snoop"]


def test_a_familys_twelve_persons_in_two_days_raise_an_alert_that_says_so(engine):
    build_world(engine)
    village = "411602001077"  # a village of the county, not the clerk's
    persons = [{"id_number": make_id_number("412701", dt.date(1935, 1, 1) + dt.timedelta(days=j),
                                            j * 2 + 1),
                "name": "孙" + "甲乙丙丁戊己庚辛壬癸子丑"[j], "gender": None, "birth_date": None,
                "county_code": COUNTY_A, "residence_code": village, "sensitive": False}
               for j in range(FAMILY)]  # fmt: skip
    start = dt.datetime.combine(LAST_DAY - dt.timedelta(days=10), dt.time(10))
    rows = [{"query_id": f"F{j:06d}", "queried_at": start + dt.timedelta(hours=2 * j),
             "operator_id": "govservice0002", "subject_id_number": p["id_number"],
             "purpose_code": "LICENSING", "authorization_ref": None, "channel": "WEB",
             "terminal_id": None, "flags": ""} for j, p in enumerate(persons)]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.Person), persons)
        conn.execute(insert(m.QueryLog), rows)
    alerts = detect(engine, FIRST_DAY, LAST_DAY)
    found = [a for a in alerts if a.operator_id == "govservice0002" and "family" in a.signals]
    assert found and found[0].horizon == "range"
    en = next(r for r in found[0].reasons_en if "one surname" in r)
    zh = next(r for r in found[0].reasons_zh if "同姓" in r)
    assert en.startswith(
        f"{FAMILY} persons of one residence ({village}, {COUNTY_EN}) and one surname (孙) first"
    )
    assert f"同一住址（{COUNTY_ZH} {village}）同姓（孙）的 {FAMILY} 人" in zh
    if found[0].signals[0] == "family":  # the episode is the visit
        assert found[0].window_start.date() == start.date()
    # the other window clerks' families are no alert of this kind
    assert not [a for a in alerts if a.operator_id == "govservice0001" and "family" in a.signals]
