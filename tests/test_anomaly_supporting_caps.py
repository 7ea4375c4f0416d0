"""Habits that only support other evidence: a foreign terminal (anomaly-2.22), the share of
lookups without authorisation and the one other county looked up most (anomaly-2.23).

Across 18 development logs of five generators, 79 operators among the first 3N of their log had
the terminal signal as their strongest, and none of them was a misuser; as a supporting signal it
came with 17 misusers. Across 21, none of the 129 operators whose best alert the share without
authorisation led at a score under 8 was a misuser. Their habit evidence is capped at
SUPPORTING_CAP, below the alert threshold; lookups at the terminal without authorisation are
still judged in full (the unauthorised part).
"""

from __future__ import annotations

import numpy as np
from anomaly_world import build_world, world_range
from sqlalchemy import select, update

from data_access.schema import models as m
from scoring import anomaly_range
from scoring.anomaly import FIRE
from scoring.anomaly_range import SUPPORTING_CAP

CLERK = "govservice0003"
SHARE = 1  # one lookup in SHARE without authorisation


def _evidence(engine, signal: str, op: str = CLERK) -> float:
    r = world_range(engine)
    i = r.frame["op"].to_list().index(op)
    return float(r.evidence[signal][i])


def _terminal_evidence(engine) -> float:
    return _evidence(engine, "terminal")


def _world(engine, authorised: bool) -> None:
    build_world(engine)
    Q = m.QueryLog.__table__
    with engine.begin() as conn:
        conn.execute(update(Q).values(terminal_id="PC-" + Q.c.operator_id))
        ids = (
            conn.execute(
                select(Q.c.query_id).where(Q.c.operator_id == CLERK).order_by(Q.c.query_id)
            )
            .scalars()
            .all()
        )
        moved = ids[::12]  # one lookup in twelve from a PSB officer's desk
        values = {"terminal_id": "PC-psb0004"}
        if not authorised:
            values |= {"authorization_ref": None, "purpose_code": None}
        conn.execute(update(Q).where(Q.c.query_id.in_(moved)).values(**values))


def test_a_foreign_terminal_alone_stays_below_an_alert(engine, monkeypatch):
    _world(engine, authorised=True)
    assert _terminal_evidence(engine) == SUPPORTING_CAP < FIRE
    # without the cap the same lookups would raise an alert by themselves
    monkeypatch.setattr(anomaly_range, "SUPPORTING_CAP", np.inf)
    assert _terminal_evidence(engine) > FIRE


def test_the_foreign_terminals_unauthorised_lookups_are_judged_in_full(engine):
    _world(engine, authorised=False)
    assert _terminal_evidence(engine) > SUPPORTING_CAP


def test_a_share_without_authorisation_only_supports(engine, monkeypatch):
    """govservice0002 leaves the purpose and reference out of all its lookups over the four
    weeks (its fellow clerks: about one in twenty-five): as a share, a habit that supports other
    evidence (here the hours without any authorised lookup) and raises no alert by itself."""
    build_world(engine)
    Q = m.QueryLog.__table__
    with engine.begin() as conn:
        ids = conn.execute(
            select(Q.c.query_id).where(Q.c.operator_id == "govservice0002").order_by(Q.c.query_id)
        ).scalars().all()  # fmt: skip
        conn.execute(update(Q).where(Q.c.query_id.in_(ids[::SHARE]))
                     .values(authorization_ref=None, purpose_code=None))  # fmt: skip
    assert _evidence(engine, "unauth", "govservice0002") == SUPPORTING_CAP < FIRE
    monkeypatch.setattr(anomaly_range, "SUPPORTING_CAP", np.inf)
    assert _evidence(engine, "unauth", "govservice0002") > FIRE
