"""References carried over to another person (both engines).

A window clerk's authorisation references each cover one applicant on one day in the hand-built
log. Twenty residents of another county looked up under references the clerk had used for
someone else days before (a purpose and a reference on every lookup, so nothing else about
them is unusual) make a range alert that names the references borrowed and the peers' share;
the same twenty under fresh references raise nothing. A batch check's one reference for many
persons on one day, or going on into the next day, is no borrowing; the same reference taken up
again days later is, but not a reference three operators share for twenty persons or more (a campaign's list). The
database counts it over the whole range. Persons of the village of a reference's first persons
are their family (a debtor's, as a court clerk works a case), not borrowed. Where the peers carry
references over for most of their persons, carrying them is a habit of the remit, capped.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from anomaly_world import COUNTY_B, FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import insert, select

from data_access.queries import oversight as ov
from data_access.schema import models as m
from data_access.scope import Scope
from scoring.anomaly import detect
from scoring.anomaly_range import (
    HABIT_CAP,
    _borrowed_outside_reviews,
    borrowed_per_operator,
    standing_reference_cap,
)
from scoring.anomaly_source import borrowed_references
from scoring.anomaly_store import store_alerts

CLERK, HONEST = "govservice0002", "govservice0003"
CAMPAIGN = ("psb0002", "psb0003", "psb0004")
COPIED = (
    ("psb0005", 10, 0, 1),
    ("psb0006", 10, 0, 1),
    ("govservice0001", 10, 0, 1),
    ("govservice0001", 12, 1, 2),
)  # operator, day, first person, persons


def _lookup(i: int, op: str, at: dt.datetime, subject: str, ref: str | None) -> dict:
    return {"query_id": f"B{i:05d}", "operator_id": op, "queried_at": at,
            "subject_id_number": subject, "purpose_code": "LICENSING",
            "authorization_ref": ref, "channel": "WEB", "terminal_id": None,
            "flags": ""}  # fmt: skip


def _strangers(everyone: list, count: int) -> list[str]:
    """count persons of as many villages (or fewer, cycling): nobody later under a reference
    lives where its first persons do, which would make them family."""
    by_home: dict[str, list[str]] = {}
    for person, home in everyone:
        by_home.setdefault(home, []).append(person)
    villages = sorted(by_home.values(), key=len, reverse=True)
    return [villages[i % len(villages)][i // len(villages)] for i in range(count)]


@pytest.fixture
def world(engine):
    build_world(engine)
    with engine.connect() as conn:
        outsiders = conn.scalars(
            select(m.Person.id_number).where(m.Person.county_code == COUNTY_B).limit(20)
        ).all()
        # the clerk's own references of the first week, one applicant each, of the applicants
        # who do not live in the outsiders' village (a neighbour of the applicant is family)
        own = conn.execute(
            select(m.QueryLog.authorization_ref, m.QueryLog.queried_at)
            .join(m.Person, m.Person.id_number == m.QueryLog.subject_id_number)
            .where(m.QueryLog.operator_id == CLERK, m.QueryLog.authorization_ref.is_not(None),
                   m.Person.county_code != COUNTY_B,
                   m.QueryLog.queried_at < dt.datetime.combine(FIRST_DAY, dt.time())
                   + dt.timedelta(days=5))
            .order_by(m.QueryLog.queried_at).limit(20)
        ).all()  # fmt: skip
    rows = []
    for j, subject in enumerate(outsiders):
        at = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=8 + j), dt.time(15, 10))
        rows.append(_lookup(2 * j, CLERK, at, subject, own[j][0]))
        rows.append(_lookup(2 * j + 1, HONEST, at, subject, f"XK{at:%Y%m%d}9{j:03d}"))
    # hrss0002's batch of 25 persons one afternoon and 10 more the next morning, under one
    # reference, then three more persons under it a week later
    batch = [(0, dt.time(16, 0), 25), (8, dt.time(10, 0), 3), (1, dt.time(9, 0), 10)]
    with engine.connect() as conn:
        everyone = conn.execute(
            select(m.Person.id_number, m.Person.residence_code)
            .where(m.Person.county_code != COUNTY_B)
            .order_by(m.Person.id_number)
        ).all()
    persons = _strangers(everyone, 60)
    k = 0
    for offset, time, count in batch:
        start = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=9 + offset), time)
        for j in range(count):
            at = start + dt.timedelta(seconds=20 * j)
            rows.append(_lookup(100 + k, "hrss0002", at, persons[k], "PC-HRSS-20261104-02"))
            k += 1
    # a joint campaign's list reference, shared by three officers over three days, four persons
    # each a day: the campaign's, no borrowing
    for day in range(3):
        for i, op in enumerate(CAMPAIGN):
            for j in range(4):
                at = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=15 + day), dt.time(10, j))
                rows.append(_lookup(200 + k, op, at, persons[(12 * day + 4 * i + j) % 60],
                                    "LHCJ2026-PC001"))  # fmt: skip
                k += 1
    # a case's reference copied by two others (three operators, five persons): still borrowing
    for i, (op, day, first, count) in enumerate(COPIED):
        for j in range(first, first + count):
            at = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time(11, j))
            rows.append(_lookup(300 + 10 * i + j, op, at, persons[40 + j], "ZF-CASE-0001"))
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    return engine


def test_references_carried_over_to_other_persons_raise_a_range_alert(world):
    alerts = detect(world, FIRST_DAY, LAST_DAY)
    found = [a for a in alerts if a.operator_id == CLERK and "borrowed" in a.signals]
    assert found, [(a.operator_id, a.signals) for a in alerts if a.operator_id == CLERK]
    alert = found[0]
    assert alert.horizon == "range" and alert.signals[0] == "borrowed" and alert.score >= 4.0
    assert alert.lookups == 20
    # the episode: the first to the last of the twenty
    assert alert.window_start.date() == FIRST_DAY + dt.timedelta(days=8)
    assert alert.window_end.date() >= FIRST_DAY + dt.timedelta(days=27)
    zh, en = alert.reasons_zh[0], alert.reasons_en[0]
    assert zh.startswith("整个时段：以本人此前用于他村他人的授权编号查询的人员 20 位"), zh
    assert en.startswith("Over the range: 20 persons looked up under a reference the operator "
                         "had used for someone of another village on an earlier day"), en  # fmt: skip
    assert not [a for a in alerts if a.operator_id == HONEST and "borrowed" in a.signals]


def test_the_database_counts_borrowed_references_over_the_range(world):
    lo = dt.datetime.combine(FIRST_DAY, dt.time())
    hi = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time())
    with world.connect() as conn:
        counted = borrowed_references(conn, lo, hi)
    by_op = dict(zip(counted["op"].to_list(), counted["n"].to_list(), strict=True))
    assert by_op.get(CLERK) == 20
    assert HONEST not in by_op
    # hrss0001's batch check: one reference for 300 persons, all on one day
    assert "hrss0001" not in by_op
    # hrss0002's batch going on the next morning is no borrowing; taken up a week later it is
    assert by_op.get("hrss0002") == 3
    # a reference three operators share for many persons is a campaign's (joint punishment
    # lists), no borrowing; one three share for a few persons is a case's number copied
    assert not set(CAMPAIGN) & set(by_op)
    assert by_op.get("govservice0001") == 2
    # a range that ends before the twenty were looked up holds none of them
    with world.connect() as conn:
        early = borrowed_references(conn, lo, lo + dt.timedelta(days=8))
    assert CLERK not in early["op"].to_list()


def test_the_evidence_marks_the_borrowed_lookups(world):
    """The privacy officer sees the twenty among the clerk's lookups of the episode: right after
    the unauthorised ones, marked; the lookups whose references they were are not."""
    store_alerts(world, detect(world, FIRST_DAY, LAST_DAY), FIRST_DAY, LAST_DAY)
    officer = Scope("privacy_officer", None)
    queue = ov.alert_queue(world, officer, ("open",), 0.0, None, None, None)
    mine = queue[
        (queue["operator_id"] == CLERK) & queue["reasons_en"].str.contains("another village")
    ]
    assert len(mine) == 1, queue[["operator_id", "reasons_en"]]
    rows = ov.evidence(world, officer, int(mine["alert_id"].iloc[0]))
    assert int(rows["borrowed"].sum()) == 20
    first = int(rows["unauthorised"].sum())
    assert rows["borrowed"].iloc[first : first + 20].all()
    assert not rows.loc[rows["borrowed"], "unauthorised"].any()


def test_a_staff_review_under_one_reference_is_the_reviewers_work():
    """An operator whose persons are mostly colleagues (HR, whatever the role is called) carries
    one review reference over days: the colleagues under it are the review, the one outsider
    under it is borrowing; another operator's borrowed colleagues still count."""
    at = dt.datetime(2026, 11, 10, 10)
    borrowed = pl.DataFrame(
        {
            "op": ["hr", "hr", "hr", "clerk"],
            "subject": ["c1", "c2", "x", "c9"],
            "ref": ["KH-Q1", "KH-Q1", "KH-Q1", "XK-1"],
            "at": [at] * 4,
        }  # fmt: skip
    )
    pairs = pl.DataFrame(
        {
            "op": ["hr"] * 5 + ["clerk"] * 20,
            "subject": ["c1", "c2", "c3", "x", "y"] + ["c9"] + [f"p{i}" for i in range(19)],
            "col": [True, True, True, False, False, True] + [False] * 19,
            "col_review": [False] * 25,
        }  # fmt: skip
    )
    f = pl.DataFrame({"op": ["clerk", "hr"], "col_s": [1, 3], "review_s": [0, 0],
                      "persons": [20, 5]})  # fmt: skip
    out = borrowed_per_operator(_borrowed_outside_reviews(borrowed, pairs, f)).sort("op")
    assert out["op"].to_list() == ["clerk", "hr"]
    assert out["n"].to_list() == [1, 1]
    # the same when the colleagues were looked up as a staff review (col_review, not col)
    reviewed = pairs.with_columns(col_review=pl.col("col") & (pl.col("op") == "hr"))
    reviewed = reviewed.with_columns(col=pl.col("col") & ~pl.col("col_review"))
    f = f.with_columns(col_s=pl.Series([1, 0]), review_s=pl.Series([0, 3]))
    out = borrowed_per_operator(_borrowed_outside_reviews(borrowed, reviewed, f)).sort("op")
    assert out["n"].to_list() == [1, 1]


def test_the_family_of_a_references_first_persons_is_not_borrowed(world):
    """A case opened for a debtor, taken up days later for two persons of the debtor's village
    (the family, as a court clerk works a case) borrows nothing; a person of another village
    under it three weeks on does."""
    with world.connect() as conn:
        homes = conn.execute(
            select(m.Person.id_number, m.Person.residence_code)
            .where(m.Person.residence_code.in_(["411602001011", "411602001012"]))
            .order_by(m.Person.id_number)
        ).all()
    village = [p for p, home in homes if home == "411602001011"]
    stranger = next(p for p, home in homes if home == "411602001012")
    case = [(3, village[0]), (6, village[1]), (9, village[2]), (24, stranger)]
    rows = [_lookup(900 + i, "psb0004", dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day),
                                                            dt.time(14, i)), subject,
                    "（2026）豫1602执88号") for i, (day, subject) in enumerate(case)]  # fmt: skip
    with world.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    lo = dt.datetime.combine(FIRST_DAY, dt.time())
    hi = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time())
    with world.connect() as conn:
        counted = borrowed_references(conn, lo, hi)
    by_op = dict(zip(counted["op"].to_list(), counted["n"].to_list(), strict=True))
    assert by_op.get("psb0004") == 1


def test_a_standing_reference_of_the_remit_is_capped_as_a_habit():
    """Where the peers carry references from person to person for most of their persons (the
    seed city's market inspectors under a year's inspection reference: 78 %), an operator at 88 %
    has a habit, capped at 5, not the 9 the count alone gave; another's authorisation carried
    over where the peers do it for 0.2 % of their persons is not capped."""
    evidence = np.array([9.0, 9.0, 3.0, 12.0])
    peer_share = np.array([0.78, 0.5, 0.78, 0.002])
    capped = standing_reference_cap(evidence, peer_share)
    assert capped.tolist() == [HABIT_CAP, HABIT_CAP, 3.0, 12.0]


def test_most_of_the_operators_own_persons_under_references_carried_over_is_a_habit(engine):
    """anomaly-2.23: the borrowed signal is judged against the typical peer, so a remit that a
    few of a role hold (two court duty officers of 39 duty officers, each carrying the duty
    reference over to 70 % of their persons) stands out; carried over for most of the
    operator's own persons it is their way of working, capped as a habit (the range evidence
    caps at the larger of the peers' share and the operator's own)."""
    from anomaly_world import build_world, world_range
    from sqlalchemy import update

    build_world(engine)
    Q = m.QueryLog.__table__
    with engine.begin() as conn:  # psb0005's night duty: one standing reference for everyone
        conn.execute(update(Q).where(Q.c.operator_id == "psb0005")
                     .values(authorization_ref="ZF-DUTY-STANDING"))  # fmt: skip
    r = world_range(engine)
    i = r.frame["op"].to_list().index("psb0005")
    assert r.frame["borrow_k"][i] > 0.5 * r.frame["persons"][i]
    assert r.evidence["borrowed"][i] == HABIT_CAP
