"""An account used now and then while its owner is away (anomaly_dormant.trickle_evidence).

By hand: an operator of 20 ordinary days (ten lookups each, one without authorisation), then ten
working days with one lookup each, all without authorisation. The stretch of ten days without an
ordinary day against the operator's 20 ordinary days of 30 (Laplace: 21 / 22), and the ten
unauthorised lookups against their earlier share (21 / 202), give the known evidence; the same
stretch's lookups under a reference, a leave without lookups, a new hire's first quiet days and
a quiet spell where the peers' share of lookups without authorisation is high give none or
little. In the hand-built log (both engines), a window clerk's account used once a day in the
final week without a reference while its owner is away raises a range alert with the reason's
numbers, judged against the peers' share where it is above the clerk's own; the same week's
lookups under a reference by another clerk raise nothing.

anomaly-2.24: the usual day is the one the operator's median lookup falls on (days of 30 between
days of two make 30 usual, so days of three are no ordinary work); the lookups of light days
are counted per operator; where four other window clerks spend the final week as the away clerk
does, their share on their light days is the expectation, and the reason says so.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
from anomaly_world import FINAL_WEEK, FIRST_DAY, LAST_DAY, world_persons, world_range
from sqlalchemy import delete, insert, select

from data_access.schema import models as m
from scoring.anomaly import detect
from scoring.anomaly_dormant import light_day_lookups, ordinary_days, trickle_evidence
from scoring.anomaly_reasons import range_reason
from ui.alert_reasons import headline

START = dt.date(2026, 3, 2)  # a Monday


def _working_days(count: int) -> list[dt.date]:
    days, day = [], START
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _hourly(plan: dict[str, list[tuple[int, int]]]) -> pl.DataFrame:
    """op -> per working day (lookups, unauthorised), at 10:00; a reference operator works
    every one of the 30 working days so that each is in the log."""
    days = _working_days(30)
    rows = [("ref", d, 10, 5, 0) for d in days]
    for op, per_day in plan.items():
        rows += [(op, days[i], 10, n, u) for i, (n, u) in enumerate(per_day) if n]
    return pl.DataFrame(rows, schema={"op": pl.String, "date": pl.Date, "hour": pl.Int64,
                                      "n": pl.Int64, "unauth": pl.Int64}, orient="row")  # fmt: skip


def _evidence(plan: dict, peer_share: float = 0.0) -> dict[str, dict]:
    f = pl.DataFrame({"op": sorted(plan)})
    out = trickle_evidence(f, ordinary_days(_hourly(plan), set()), np.full(f.height, peer_share))
    return {row["op"]: row for row in out.to_dicts()}


ORDINARY = [(10, 1)] * 20


def test_a_stretch_of_single_unauthorised_lookups_has_the_known_evidence():
    row = _evidence({"away": ORDINARY + [(1, 1)] * 10})["away"]
    stretch = -(math.log10(30) + 10 * math.log10(1 - 21 / 22))
    unauth = -10 * math.log10(21 / 202)
    assert row["stretch_ev"] == pytest.approx(stretch)
    assert row["unauth_ev"] == pytest.approx(unauth)
    assert row["trickle_ev"] == pytest.approx(min(stretch, unauth))
    assert row["usual"] == 10 and row["ordinary"] == 2  # a quarter of the usual day
    assert (row["t_start"], row["t_days"], row["t_active"]) == (_working_days(21)[-1], 10, 10)
    assert (row["t_n"], row["t_u"]) == (10, 10)
    assert row["t_share"] == pytest.approx(21 / 202) and row["t_peers"] is False


@pytest.mark.parametrize(
    "plan",
    [
        ORDINARY + [(1, 0)] * 10,  # the quiet spell's lookups are authorised
        ORDINARY + [(0, 0)] * 10,  # a leave: no lookups at all
        [(1, 1)] * 10 + ORDINARY,  # a new hire's first days
        ORDINARY[:18] + [(1, 1)] * 2 + ORDINARY[:2] + [(0, 0)] * 8,  # two quiet days only
    ],
    ids=["authorised", "leave", "new-hire", "two-days"],
)
def test_no_trickle_without_unauthorised_lookups_in_a_long_enough_stretch(plan):
    assert _evidence({"op": plan})["op"]["trickle_ev"] == 0.0


def test_the_peers_share_where_higher_is_the_expectation():
    """Earlier work under a campaign's references (every lookup authorised) does not make a quiet
    spell's lookups without one suspect where the peers' lookups often have none."""
    campaign = [(10, 0)] * 20 + [(1, 1), (1, 0)] * 5
    own = _evidence({"op": campaign})["op"]
    with_peers = _evidence({"op": campaign}, peer_share=0.4)["op"]
    assert own["trickle_ev"] > 4.0
    assert with_peers["t_peers"] is True and with_peers["t_share"] == pytest.approx(0.4)
    expected = -math.log10(sum(math.comb(10, k) * 0.4**k * 0.6 ** (10 - k) for k in range(5, 11)))
    assert with_peers["trickle_ev"] == pytest.approx(expected) and expected < 1.0


def test_the_usual_day_is_the_day_of_the_median_lookup():
    """An inspector who looks one or two persons up on most days between days of real work (30
    lookups): the usual day is the one their median lookup falls on (30), not the median day
    (2), so a stretch of days with three lookups, two of them without authorisation, is no
    ordinary work (the median day made every day of more than one lookup ordinary)."""
    work = [(30, 0), (2, 0), (2, 0)] * 6 + [(30, 0)]  # 19 days: 210 lookups on 7, 24 on 12
    row = _evidence({"ghost": work + [(3, 2)] * 11})["ghost"]
    assert row["usual"] == 30 and row["ordinary"] == 7
    assert (row["t_days"], row["t_active"], row["t_n"], row["t_u"]) == (11, 11, 33, 22)
    # 7 ordinary days of the 19 before the stretch (Laplace: 8 / 21); the unauthorised part
    # (22 of 33 against 1 / 236) is far stronger
    stretch = -(math.log10(30) + 11 * math.log10(1 - 8 / 21))
    assert row["stretch_ev"] == pytest.approx(stretch)
    assert row["trickle_ev"] == pytest.approx(stretch) and row["unauth_ev"] > 20.0


def test_light_day_lookups_count_the_days_that_are_not_ordinary():
    # the usual day is 10 lookups, so a day of 2 or fewer is light, one of 3 is ordinary
    plan = {"op": ORDINARY[:10] + [(2, 1), (1, 1), (0, 0), (3, 0)] + ORDINARY[:5]}
    f = pl.DataFrame({"op": ["op", "ref", "absent"]})
    light = {
        r["op"]: r for r in light_day_lookups(f, ordinary_days(_hourly(plan), set())).to_dicts()
    }
    assert (light["op"]["light_n"], light["op"]["light_u"]) == (3, 2)
    assert (light["ref"]["light_n"], light["absent"]["light_n"]) == (0, 0)  # 5 a day: its usual


AWAY, PRESENT = "govservice0003", "govservice0002"


@pytest.fixture
def world(engine):
    persons = world_persons(engine, 10)  # builds the world
    final = [FINAL_WEEK.date() + dt.timedelta(days=k) for k in range(5)]
    with engine.begin() as conn:
        conn.execute(delete(m.QueryLog).where(m.QueryLog.operator_id.in_([AWAY, PRESENT]),
                                              m.QueryLog.queried_at >= FINAL_WEEK))  # fmt: skip
        rows = []
        for k, day in enumerate(final):
            at = dt.datetime.combine(day, dt.time(15, 20))
            rows.append({"query_id": f"T{k:05d}", "operator_id": AWAY, "queried_at": at,
                         "subject_id_number": persons[k], "purpose_code": "LICENSING",
                         "authorization_ref": None, "channel": "WEB", "terminal_id": None,
                         "flags": ""})  # fmt: skip
            rows.append({"query_id": f"T{k + 5:05d}", "operator_id": PRESENT, "queried_at": at,
                         "subject_id_number": persons[k + 5], "purpose_code": "LICENSING",
                         "authorization_ref": f"XK{day:%Y%m%d}{k:04d}", "channel": "WEB",
                         "terminal_id": None, "flags": ""})  # fmt: skip
        conn.execute(insert(m.QueryLog), rows)
    return engine


def test_an_account_used_once_a_day_while_its_owner_is_away_raises_a_range_alert(world):
    alerts = detect(world, FIRST_DAY, LAST_DAY)
    found = [a for a in alerts if a.operator_id == AWAY and "trickle" in a.signals]
    assert found, [(a.operator_id, a.signals) for a in alerts if a.operator_id == AWAY]
    alert = found[0]
    # the same five lookups are an unbroken run of hours without authorisation: the stronger of
    # the two leads, the other is a reason that adds nothing to the score (anomaly.SAME_LOOKUPS)
    assert alert.horizon == "range" and set(alert.signals) == {"streak", "trickle"}
    assert alert.score >= 4.0 and alert.lookups == 5
    assert alert.window_start.date() == FINAL_WEEK.date()
    assert alert.window_end.date() == FINAL_WEEK.date() + dt.timedelta(days=5)
    start = FINAL_WEEK.date().isoformat()
    zh = next(
        r for r in alert.reasons_zh if r.startswith(f"自 {start} 起 5 个工作日无一天正常工作量，")
    )
    en = next(r for r in alert.reasons_en if r.startswith(f"5 working days from {start} without"))
    assert "其间只在 5 天零星查询共 5 次，其中 5 次无授权，按同组人员" in zh, zh
    # the queue's headline is the first clause: the finding, not its context
    assert headline(zh, "zh") == f"自 {start} 起 5 个工作日无一天正常工作量", headline(zh, "zh")
    assert headline(en, "en") == (
        f"5 working days from {start} without one ordinary day: only 5 lookups on 5 days"
    ), headline(en, "en")
    assert "only 5 lookups on 5 days, 5 of them without authorisation" in en, en
    assert "at the peers' share" in en, en  # the window clerks' share is above the clerk's own
    # one reason each: the alert's reasons are joined by "；" / "; "
    assert "；" not in zh and "; " not in en, (zh, en)
    assert not [a for a in alerts if a.operator_id == PRESENT and "trickle" in a.signals]


QUIET_CLERKS = [f"govservice00{k}" for k in range(10, 14)]


def _add_quiet_clerks(engine) -> None:
    """Four more window clerks of the county: three weeks of twenty lookups a day under
    references, then a final week of one lookup a day without one (their remit's quiet spell)."""
    with engine.connect() as conn:
        persons = list(conn.scalars(select(m.Person.id_number).limit(40)).all())[20:]
    days = [FIRST_DAY + dt.timedelta(days=k) for k in range((LAST_DAY - FIRST_DAY).days + 1)]
    rows = []
    with engine.begin() as conn:
        conn.execute(insert(m.Operator), [
            {"operator_id": op, "name": "测试员", "department_code": "GOVSERVICE",
             "role": "window", "county_code": "411602", "id_number": persons[k]}
            for k, op in enumerate(QUIET_CLERKS)])  # fmt: skip
        for k, op in enumerate(QUIET_CLERKS):
            for day in (d for d in days if d.weekday() < 5):
                quiet = day >= FINAL_WEEK.date()
                for j in range(1 if quiet else 20):
                    at = dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=13 * j + k)
                    rows.append({"query_id": f"C{len(rows):06d}", "operator_id": op,
                                 "queried_at": at, "subject_id_number": persons[(j + k) % 20],
                                 "purpose_code": "LICENSING", "channel": "WEB",
                                 "authorization_ref": None if quiet else f"XK{at:%Y%m%d%H%M}{k}",
                                 "terminal_id": None, "flags": ""})  # fmt: skip
        conn.execute(insert(m.QueryLog), rows)


def test_a_quiet_spell_is_the_remits_where_the_peers_light_days_lack_references(world):
    """Four other window clerks of the county spend the final week as the away clerk does, one
    lookup a day without a reference: the peers' share of unauthorised lookups on their light days
    (not their share overall, under 5 %) is what a quiet spell is judged against (without it the
    stretch's evidence, 4.9, would decide)."""
    alone = world_range(world)
    i = alone.frame["op"].to_list().index(AWAY)
    assert alone.evidence["trickle"][i] > 4.0
    _add_quiet_clerks(world)
    both = world_range(world)
    j = both.frame["op"].to_list().index(AWAY)
    assert both.baseline["unauth"].mu[j] < 0.05
    # the peers' 25 light lookups, 20 without a reference, pulled towards the broader groups'
    # share (peer_baseline's prior of 200 lookups): the away clerk's five of five at that share
    light = both.baseline["trickle"]
    assert light.level[j] == "dept_role_level" and light.mu[j] > 0.15
    assert both.evidence["trickle"][j] == pytest.approx(-5 * math.log10(light.mu[j]))
    assert both.evidence["trickle"][j] < alone.evidence["trickle"][i] - 1.0
    zh, en = range_reason("trickle", both.frame.row(j, named=True), both, j)
    assert f"按同组人员零星查询日 {light.mu[j]:.0%} 的无授权比例" in zh, zh
    assert f"at the peers' share on their own light days ({light.mu[j]:.0%})" in en, en
