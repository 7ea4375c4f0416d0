"""A foreign terminal only supports other evidence (anomaly-2.22).

Across 18 development logs of five generators, 79 operators among the first 3N of their log had
the terminal signal as their strongest, and none of them was a misuser; as a supporting signal it
came with 17 misusers. Its habit evidence is capped at TERMINAL_CAP, below the alert threshold;
lookups at the terminal without authorisation are still judged in full (the unauthorised part).
"""

from __future__ import annotations

import numpy as np
from anomaly_world import FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import select, update

from data_access.schema import models as m
from scoring import anomaly_range
from scoring.anomaly import FIRE, _read
from scoring.anomaly_range import TERMINAL_CAP, range_evidence

CLERK = "govservice0003"


def _terminal_evidence(engine) -> float:
    log = _read(engine, FIRST_DAY, LAST_DAY, lambda _m: None)
    assert log is not None
    r = range_evidence(log.ops, log.pairs, log.hourly, log.purposes, log.refs, log.terminals,
                       log.closed, log.batch, log.borrowed, log.register)  # fmt: skip
    i = r.frame["op"].to_list().index(CLERK)
    return float(r.evidence["terminal"][i])


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
    assert _terminal_evidence(engine) == TERMINAL_CAP < FIRE
    # without the cap the same lookups would raise an alert by themselves
    monkeypatch.setattr(anomaly_range, "TERMINAL_CAP", np.inf)
    assert _terminal_evidence(engine) > FIRE


def test_the_foreign_terminals_unauthorised_lookups_are_judged_in_full(engine):
    _world(engine, authorised=False)
    assert _terminal_evidence(engine) > TERMINAL_CAP
