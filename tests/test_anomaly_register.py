"""The watch list against the register, and the fixation tail of a group that never repeats.

A batch check of a whole roster reaches the watch list at the register's share: no operator's
batch runs are expected to find fewer watch-list persons than persons drawn at random from the
register would (the busiest operator of a role is not raised for the size of their batches);
persons looked up by hand keep the peers' share. A group whose
operators never look anyone up twice without authorisation says little about how rare a seventh
time is: its decay is pulled towards everyone's.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from anomaly_world import FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import func, insert, select

from data_access.id_number import make_id_number
from data_access.schema import models as m
from scoring import anomaly_source as source
from scoring.anomaly import detect
from scoring.anomaly_peers import Baseline, nb_evidence
from scoring.anomaly_range import BULK_PRIOR, REGISTER_MIN, _largest_item, _register_floor

REGISTER = (106_250, 323)  # 0.3 % of the register on the watch list


def _baseline(mu: list[float]) -> Baseline:
    rows = len(mu)
    return Baseline(np.array(mu), np.full(rows, 1e4), np.array(["dept_role_level"] * rows),
                    np.full(rows, 5))  # fmt: skip


def test_batch_runs_reach_the_watch_list_at_least_at_the_register_share():
    # the busiest finance clerk: 15 watch-list persons among 3,670, all in batch checks of whole
    # rosters, where the peers (a few hundred applicants each) found none; an officer with 4
    # among 668 looked up by hand (a thin snooper); a clerk with 6 among 300, half in batches; a
    # role whose peers find them more often than the register; a role without peers
    b = _baseline([1e-4, 1e-4, 1e-4, 1e-2, np.nan])
    k = np.array([15.0, 4.0, 6.0, 15.0, 3.0])
    persons = np.array([3670.0, 668.0, 300.0, 1000.0, 100.0])
    in_batches = np.array([3670.0, 0.0, 150.0, 1000.0, 100.0])
    before = nb_evidence(k, b.mu * persons, b.kappa)
    expected, ev = _register_floor(b, REGISTER, k, persons, in_batches)
    share = REGISTER[1] / REGISTER[0]
    assert np.isclose(expected[0], share * 3670)
    assert before[0] > 10 and ev[0] < 1.0  # 15 where about 11 are expected at random
    assert np.isclose(expected[1], 1e-4 * 668) and np.isclose(ev[1], before[1]) and ev[1] > 4
    assert np.isclose(expected[2], 1e-4 * 300 + (share - 1e-4) * 150) and ev[2] > 3.0
    assert np.isclose(expected[3], 10.0) and np.isclose(ev[3], before[3])  # the peers' share
    assert np.isnan(expected[4]) and ev[4] == 0.0  # no peers: no evidence, as before
    assert b.level.tolist() == ["register", "dept_role_level", "register", "dept_role_level",
                                "dept_role_level"]  # fmt: skip
    assert b.peers.tolist() == [REGISTER[0], 5, REGISTER[0], 5, 5]  # the reasons name them
    assert np.isclose(b.mu[2], expected[2] / 300)


def test_a_register_too_small_to_say_anything_leaves_the_peers_share():
    b = _baseline([1e-4])
    expected, ev = _register_floor(
        b, (REGISTER_MIN - 1, 50), np.array([15.0]), np.array([3670.0]), np.array([3670.0])
    )
    assert np.isclose(expected[0], 0.367) and ev[0] > 10 and b.level[0] == "dept_role_level"


def test_the_register_share_is_read_from_the_person_table(engine):
    build_world(engine)
    with engine.connect() as conn:
        registered, listed = source.register_watch_list(conn)
        total = conn.scalar(select(func.count()).select_from(m.Person))
        flagged = conn.scalar(select(func.count()).where(m.Person.sensitive.is_(True)))
    assert (registered, listed) == (total, flagged) and 0 < listed < registered


def test_a_group_that_never_repeats_says_a_seventh_time_is_rare():
    """Ten analysts look 30 persons each up once without authorisation; one of them looks one
    person up seven times. Elsewhere ten operators each look one person up twice, and some of
    them a third time. The group has no bulk of its own to decay from (its smoothed 1/2 a time
    made a seventh time look common): the tail decays as everyone's items do, lighter where
    few elsewhere go on to a third time, heavier where many do."""
    group_rows = [(f"a{i}", f"p{i}-{j}", 1) for i in range(10) for j in range(30)]
    group_rows[0] = ("a0", "target", 7)

    def tail(elsewhere_three: int) -> float:
        other = [(f"o{i}", f"q{i}", 2 + (i < elsewhere_three)) for i in range(10)]
        items = pl.DataFrame(group_rows + other, schema=["op", "item", "x"], orient="row")
        f = pl.DataFrame({"op": [f"a{i}" for i in range(10)] + [f"o{i}" for i in range(10)]})
        group = np.array(["analysts"] * 10 + ["others"] * 10)
        members = pl.DataFrame({"grp": group.tolist(), "member": f["op"].to_list()})
        x, item, _, t = _largest_item(f, group, members, items, "bulk")
        assert x[0] == 7 and item[0] == "target"
        return float(t[0])

    # everyone's items of 3 and more over those of 2 and more (the analyst's seven among them)
    everyone = lambda three: (three + 1) / 11  # noqa: E731
    peer_items = 9 * 30
    for three in (1, 5, 9):
        q = (0 + BULK_PRIOR * everyone(three)) / (0 + BULK_PRIOR)
        assert np.isclose(tail(three), 0.5 / (peer_items + 1) * q**5)
    assert tail(1) < tail(5) < tail(9)


def test_a_clerk_checking_whole_rosters_is_not_raised_a_snooper_by_hand_is(engine):
    """End to end on both engines: 2,000 more registered persons, 1 % of them on the watch list.
    fin0101 checks a roster of 200 of them every working day under the day's batch reference
    (the watch list comes up at the register's share); five peers look up ten applicants a day
    by hand, none on the watch list. A tax inspector does the same and, by hand, six watch-list
    persons on six days. Judged against the peers alone, the clerk's rosters would be raised."""
    build_world(engine)
    rng = np.random.default_rng(3)
    register = [make_id_number("412701", dt.date(1970, 1, 1) + dt.timedelta(days=i), 7)
                for i in range(2000)]  # fmt: skip
    listed = set(register[::100])
    plain = [p for p in register if p not in listed]
    rows: list[dict] = []

    def add(op: str, at: dt.datetime, subject: str, ref: str | None) -> None:
        rows.append({"query_id": f"R{len(rows):06d}", "operator_id": op, "queried_at": at,
                     "subject_id_number": subject, "purpose_code": "PRACTICE",
                     "authorization_ref": ref, "channel": "WEB", "terminal_id": None,
                     "flags": ""})  # fmt: skip

    clerks = [f"fin01{i:02d}" for i in range(1, 7)] + ["tax0101"]
    day, n = FIRST_DAY, 0
    while day <= LAST_DAY:
        if day.weekday() < 5:
            roster = rng.choice(register, 200, replace=False)
            for j, person in enumerate(roster):
                add("fin0101", dt.datetime.combine(day, dt.time(9)) + dt.timedelta(seconds=20 * j),
                    str(person), f"KJ-{day:%m%d}")  # fmt: skip
            for k, op in enumerate(clerks[1:]):
                for j in range(10):
                    at = dt.datetime.combine(day, dt.time(10 + j // 2, 25 * (j % 2) + k))
                    add(op, at, plain[int(rng.integers(len(plain)))], f"{op}-{day:%m%d}-{j}")
            if n in (2, 5, 8, 11, 14, 17):
                add("tax0101", dt.datetime.combine(day, dt.time(16)), sorted(listed)[n], None)
            n += 1
        day += dt.timedelta(days=1)
    with engine.begin() as conn:
        conn.execute(insert(m.Person), [
            {"id_number": p, "name": "居民", "gender": None, "birth_date": None,
             "county_code": "411602", "residence_code": None, "sensitive": p in listed}
            for p in register])  # fmt: skip
        conn.execute(insert(m.Operator), [
            {"operator_id": op, "name": "测试员", "department_code": "FINANCE" if op < "g" else "TAX",
             "role": "会计管理" if op < "g" else "稽查", "county_code": "411602",
             "id_number": None} for op in clerks])  # fmt: skip
        conn.execute(insert(m.QueryLog), rows)
    alerts = detect(engine, FIRST_DAY, LAST_DAY)
    raised = {a.operator_id for a in alerts if "sensitive" in a.signals}
    assert "tax0101" in raised and "fin0101" not in raised
    snooper = next(a for a in alerts if a.operator_id == "tax0101" and "sensitive" in a.signals)
    assert any("隐私保护名单" in r for r in snooper.reasons_zh)
