"""Kin and neighbours looked up again and again (scoring.anomaly_revisits): the days of a
relationship's persons against the operator's other persons' days, on hand-built frames with
answers worked out by enumeration."""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl

from scoring.anomaly_revisits import DAYS_CAP, SMOOTHING, fisher, revisit_tails


def _pairs(rows: list[tuple[str, int, bool]]) -> pl.DataFrame:
    """(op, days, kin) -> one pair per person."""
    return pl.DataFrame(rows, schema={"op": pl.String, "days": pl.Int64, "kin": pl.Boolean},
                        orient="row")  # fmt: skip


def _by_enumeration(pmf: dict[int, float], m: int, at_least: int) -> float:
    return sum(
        math.prod(pmf[d] for d in draw)
        for draw in itertools.product(pmf, repeat=m)
        if sum(draw) >= at_least
    )


def test_cousins_looked_up_on_seven_days_where_everyone_else_gets_one():
    # snoop: 20 other persons on one day each, 2 kin on 4 and 3 days; clerk: 20 persons on one
    # day, 2 on two days (no kin); the whole log's persons: 38 on 1 day, 2 on 2, 1 on 3, 1 on 4
    rows = [("snoop", 1, False)] * 20 + [("snoop", 4, True), ("snoop", 3, True)]
    rows += [("clerk", 1, False)] * 18 + [("clerk", 2, False)] * 2
    f = pl.DataFrame({"op": ["snoop", "clerk"]})
    out = revisit_tails(_pairs(rows), f, pl.col("kin")).to_dicts()
    assert out[0]["rel_m"] == 2 and out[0]["rel_days"] == 7 and out[0]["usual_days"] == 1.0
    everyone = {1: 38 / 42, 2: 2 / 42, 3: 1 / 42, 4: 1 / 42}
    pmf = {d: (20 * (d == 1) + SMOOTHING * everyone.get(d, 0.0)) / (20 + SMOOTHING)
           for d in range(1, 5)}  # fmt: skip
    assert math.isclose(out[0]["tail"], _by_enumeration(pmf, 2, 7), rel_tol=1e-9)
    assert out[0]["tail"] < 1e-3
    # no kin: nothing to judge
    assert out[1]["rel_m"] == 0 and out[1]["tail"] == 1.0


def test_a_case_worker_who_follows_many_persons_up_is_not_surprising():
    # the same two kin on 4 and 3 days, but the operator's other persons are followed up too
    rows = [("case", d, False) for d in [1, 2, 3, 4, 5, 6] * 5] + [("case", 4, True),
                                                                  ("case", 3, True)]  # fmt: skip
    out = revisit_tails(_pairs(rows), pl.DataFrame({"op": ["case"]}), pl.col("kin")).row(
        0, named=True
    )
    assert out["tail"] > 0.3


def test_one_day_each_is_never_evidence_and_few_others_say_nothing():
    rows = [("once", 1, False)] * 30 + [("once", 1, True)] * 3
    rows += [("new", 1, False)] * 5 + [("new", 9, True)]  # five other persons: too few to judge
    out = revisit_tails(_pairs(rows), pl.DataFrame({"op": ["once", "new"]}), pl.col("kin"))
    assert out["tail"].to_list() == [1.0, 1.0]


def test_many_persons_use_the_normal_approximation_and_days_are_capped():
    rows = [("big", 1, False)] * 500 + [("big", 1, True)] * 70 + [("big", 90, True)]
    out = revisit_tails(_pairs(rows), pl.DataFrame({"op": ["big"]}), pl.col("kin")).row(
        0, named=True
    )
    assert out["rel_m"] == 71 and out["rel_days"] == 70 + DAYS_CAP
    assert 0.0 < out["tail"] < 1e-6


def test_fisher_combination():
    assert fisher(np.array([1.0]), np.array([1.0]))[0] == 1.0
    x = 0.01 * 0.5
    assert math.isclose(fisher(np.array([0.01]), np.array([0.5]))[0], x * (1 - math.log(x)))
    # two modest findings together are stronger than either
    assert fisher(np.array([0.05]), np.array([0.05]))[0] < 0.05


def test_the_reason_gives_the_days_when_they_add_a_finding():
    from types import SimpleNamespace

    from scoring.anomaly_peers import Baseline
    from scoring.anomaly_reasons import range_reason

    rng = SimpleNamespace(
        expected={"kin": np.array([0.93])},
        unauthorised={},
        baseline={
            "kin": Baseline(
                np.array([0.86]), np.array([5.0]), np.array(["dept_role_level"]), np.array([5])
            )
        },  # fmt: skip
    )
    row = {"kin_s": 2, "nb_s": 1, "kin_exp": 1.09, "persons": 310, "kin_revisit": True,
           "kin_rdays": 7, "kin_rusual": 1.08}  # fmt: skip
    zh, en = range_reason("kin", row, rng, 0)
    assert en.startswith("Over the range: 2 residents sharing the operator's surname and village")
    assert "looked up on 7 person-days in all where the operator's other persons average 1.1 " \
        "days each" in en  # fmt: skip
    assert "这些人共被查询 7 天次（本人查询的其他人平均每人 1.1 天）" in zh
    # without the finding the reason is as before
    zh, en = range_reason("kin", {**row, "kin_revisit": False}, rng, 0)
    assert "person-days" not in en and "天次" not in zh
