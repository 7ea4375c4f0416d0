"""The watch list against the register, and the fixation tail of a group that never repeats.

A batch check of a whole roster reaches the watch list at the register's share: no operator is
expected to find fewer watch-list persons than persons drawn at random from the register would
give (the busiest operator of a role is not raised for the volume of their batches). A group whose
operators never look anyone up twice without authorisation says little about how rare a seventh
time is: its decay is pulled towards everyone's.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from anomaly_world import build_world
from sqlalchemy import func, select

from data_access.schema import models as m
from scoring import anomaly_source as source
from scoring.anomaly_peers import Baseline, nb_evidence
from scoring.anomaly_range import BULK_PRIOR, REGISTER_MIN, _largest_item, _register_floor

REGISTER = (106_250, 323)  # 0.3 % of the register on the watch list


def _baseline(mu: list[float]) -> Baseline:
    rows = len(mu)
    return Baseline(np.array(mu), np.full(rows, 1e4), np.array(["dept_role_level"] * rows),
                    np.full(rows, 5))  # fmt: skip


def test_no_operator_is_expected_to_find_fewer_watch_list_persons_than_the_register_holds():
    # the busiest finance clerk: 15 watch-list persons among 3,670 of batch checks, where the
    # peers (a few hundred applicants each) found none; a clerk with 6 among 300; a role whose
    # peers find them more often than the register; a role without peers
    b = _baseline([1e-4, 1e-4, 1e-2, np.nan])
    k = np.array([15.0, 6.0, 15.0, 3.0])
    persons = np.array([3670.0, 300.0, 1000.0, 100.0])
    before = nb_evidence(k, b.mu * persons, b.kappa)
    expected, ev = _register_floor(b, REGISTER, k, persons)
    share = REGISTER[1] / REGISTER[0]
    assert np.isclose(expected[0], share * 3670) and np.isclose(expected[1], share * 300)
    assert before[0] > 10 and ev[0] < 1.0  # 15 where about 11 are expected at random
    assert ev[1] > 3.0  # 6 where about 0.9 are: still raised
    assert np.isclose(expected[2], 10.0) and np.isclose(ev[2], before[2])  # the peers' share
    assert np.isnan(expected[3]) and ev[3] == 0.0  # no peers: no evidence, as before
    assert b.level.tolist() == ["register", "register", "dept_role_level", "dept_role_level"]
    assert b.peers.tolist() == [REGISTER[0], REGISTER[0], 5, 5]  # the reasons name the register


def test_a_register_too_small_to_say_anything_leaves_the_peers_share():
    b = _baseline([1e-4])
    expected, ev = _register_floor(b, (REGISTER_MIN - 1, 50), np.array([15.0]), np.array([3670.0]))
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
