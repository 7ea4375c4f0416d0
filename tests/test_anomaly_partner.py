"""A partner-like person (opposite sex, near in age) looked up again and again (anomaly_partner):
read off the ID numbers, judged against everyone's repeated persons."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from data_access.id_number import make_id_number
from scoring.anomaly_partner import partner_like, partner_share


def _idn(year: int, male: bool, seq: int = 10) -> str:
    # the sequence's parity is the sex: odd for men
    return make_id_number("411621", dt.date(year, 5, 1), seq * 2 + (1 if male else 0))


def test_opposite_sex_within_ten_years_is_partner_like():
    operator = _idn(1985, male=True)
    persons = [_idn(1988, male=False), _idn(1994, male=False), _idn(1988, male=True),
               _idn(1975, male=False), _idn(1996, male=False)]  # fmt: skip
    like = partner_like(pl.Series([operator] * 5), pl.Series(persons))
    assert like.tolist() == [True, True, False, True, False]
    # an ID number that cannot tell (a foreign or short number, no operator ID) is never one
    assert partner_like(pl.Series([operator, None]), pl.Series(["X123", persons[0]])).tolist() == [
        False,
        False,
    ]


def test_the_share_is_read_off_everyones_repeated_persons():
    ops = pl.DataFrame({"op": ["a", "b", "c"],
                        "op_id": [_idn(1985, True), _idn(1990, False), None]})  # fmt: skip
    items = pl.DataFrame({
        "op": ["a", "a", "a", "b", "c"],
        "item": [_idn(1986, False), _idn(1950, False), _idn(1986, True), _idn(1991, True),
                 _idn(1986, False)],
    })  # fmt: skip
    # a: one of three is partner-like, b: one of one, c has no ID number on file: 2 of 4
    assert np.isclose(partner_share(items, ops), (2 + 1) / (4 + 2))
    assert partner_share(items.head(0), ops) == 1.0  # nothing to read: no bonus


def test_a_partner_like_fixation_scores_higher_and_says_why(engine):
    from anomaly_world import FIRST_DAY, LAST_DAY, build_world
    from sqlalchemy import insert, select

    from data_access.schema import models as m
    from scoring.anomaly import _read
    from scoring.anomaly_range import range_evidence
    from scoring.anomaly_reasons import range_reason

    build_world(engine)
    clerk = "govservice0002"
    with engine.connect() as conn:
        op_id = conn.scalar(select(m.Operator.id_number).where(m.Operator.operator_id == clerk))
        persons = conn.execute(select(m.Person.id_number)).scalars().all()
    like = partner_like(pl.Series([op_id] * len(persons)), pl.Series(persons))
    target = next(p for p, x in zip(persons, like, strict=True) if x)
    days = [FIRST_DAY + dt.timedelta(days=d) for d in (1, 3, 8, 15, 22)]  # weekdays, weeks apart
    rows = [{"query_id": f"P{j:06d}", "queried_at": dt.datetime.combine(day, dt.time(14)),
             "operator_id": clerk, "subject_id_number": target, "purpose_code": "LICENSING",
             "authorization_ref": None, "channel": "WEB", "terminal_id": None, "flags": ""}
            for j, day in enumerate(days)]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    log = _read(engine, FIRST_DAY, LAST_DAY, lambda _m: None)
    assert log is not None

    def fixation(ops):
        r = range_evidence(ops, log.pairs, log.hourly, log.purposes, log.refs, log.terminals,
                           log.closed, log.batch, log.borrowed, log.register)  # fmt: skip
        i = r.frame["op"].to_list().index(clerk)
        return r, i, float(r.evidence["fixation"][i])

    r, i, known = fixation(log.ops)
    _, _, unknown = fixation(log.ops.with_columns(op_id=pl.lit(None, dtype=pl.String)))
    share = float(r.frame["fix_like_share"][i])
    assert 0 < share < 1 and 0 < unknown < 5.0
    assert np.isclose(known, min(unknown - np.log10(share), 5.0))  # the habit cap
    zh, en = range_reason("fixation", r.frame.row(i, named=True), r, i)
    assert "a person of the opposite sex within 10 years of the operator's age" in en
    assert "异性" in zh and "；" not in zh and "; " not in en
