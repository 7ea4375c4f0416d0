"""A person looked up on many days under a reference the operator had used for someone else
first (scoring.anomaly_range._borrowed_repeats): hand-built frames with known answers."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from scoring.anomaly_peers import membership
from scoring.anomaly_range import _borrowed_repeats, _largest_item, everyone_tail

AT = dt.datetime(2026, 3, 2, 10)


def _world(groups: dict[str, str], rows: list[tuple[str, str, str, int, str, str]]):
    """groups: op -> department; rows: (op, person, borrowed ref, days, ref_min, ref_max)."""
    ops = sorted(groups)
    f = pl.DataFrame({"op": ops})
    keys = {"dept": np.array([groups[o] for o in ops]), "all": np.array(["*"] * len(ops))}
    group = np.array([f"{groups[o]}@dept" for o in ops], dtype=object)
    members = membership(keys, group, ops)
    borrowed = pl.DataFrame(
        [(op, p, ref, AT) for op, p, ref, *_ in rows],
        schema={"op": pl.String, "subject": pl.String, "ref": pl.String, "at": pl.Datetime("us")},
        orient="row",
    )
    pairs = pl.DataFrame(
        [(op, p, d, lo, hi) for op, p, _, d, lo, hi in rows],
        schema={"op": pl.String, "subject": pl.String, "days": pl.Int64, "ref_min": pl.String,
                "ref_max": pl.String},
        orient="row",
    )  # fmt: skip
    return _borrowed_repeats(f, group, members, borrowed, pairs), ops


def test_a_person_on_eight_days_under_another_persons_reference():
    groups = {"stalker": "POSTAL", "p1": "POSTAL", "p2": "POSTAL", "p3": "POSTAL"}
    rows = [
        ("stalker", "target", "R-1", 8, "R-1", "R-1"),
        ("stalker", "other", "R-1", 1, "R-1", "R-1"),
    ]
    # the peers' borrowed persons (a family member under the case's number) are looked up once
    rows += [(p, f"{p}-{i}", f"R-{p}", 1, f"R-{p}", f"R-{p}") for p in ("p1", "p2", "p3")
             for i in range(4)]  # fmt: skip
    # a borrowed person also looked up under a reference of their own is not counted
    rows += [("p1", "mixed", "R-p1", 9, "R-own", "R-p1")]
    out, ops = _world(groups, rows)
    i = ops.index("stalker")
    assert out.x[i] == 8 and out.item[i] == "target" and out.chance[i] == 2
    # 12 peer items, none of two days or more: the geometric tail, mean of 2 -> q = 1/3
    assert math.isclose(out.tail[i], 0.5 / 13 * (1 / 3) ** 6)
    assert not out.everyone[i]
    assert out.x[ops.index("p1")] == 1  # "mixed" left out


def test_a_group_with_no_borrowed_persons_falls_back_to_everyone():
    groups = {"stalker": "ECOENV", "e1": "ECOENV", "c1": "COURT", "c2": "COURT"}
    rows = [("stalker", "target", "R-1", 8, "R-1", "R-1")]
    rows += [(c, f"{c}-{i}", f"R-{c}", 1 + (i == 0), f"R-{c}", f"R-{c}") for c in ("c1", "c2")
             for i in range(5)]  # fmt: skip
    out, ops = _world(groups, rows)
    i = ops.index("stalker")
    assert out.everyone[i]
    # everyone else's 10 items, two of them of 2 days: (2 + 0.5) / 11 * q^6, q = 0.5 / 1.5
    assert math.isclose(out.tail[i], 2.5 / 11 * (0.5 / 1.5) ** 6)
    assert out.tail[i] < 1e-3


def test_the_reason_says_whose_reference_and_which_baseline():
    from types import SimpleNamespace

    from scoring.anomaly_peers import Baseline
    from scoring.anomaly_reasons import range_reason

    rng = SimpleNamespace(
        baseline={
            "repeat": Baseline(
                np.array([1e-5]), np.array([np.nan]), np.array(["all"]), np.array([437])
            )
        },  # fmt: skip
        unauthorised={},
    )
    row = {"rep_subject": "412728199503270197", "rep_days": 10, "rep_tail": 1e-5,
           "rep_borrowed": True}  # fmt: skip
    zh, en = range_reason("repeat", row, rng, 0)
    assert en.startswith(
        "Looked up the same person (4127**********0197) on 10 different days under a reference "
        "the operator had used for someone else first: only <0.01% of the persons all operators "
        "(437) look up under another person's reference"
    )
    assert zh.startswith(
        "以此前用于他人的授权编号在 10 个不同日期反复查询同一人（4127**********0197）"
    )
    assert "全部查询人员（437 人）" in zh
    zh, en = range_reason("repeat", {**row, "rep_borrowed": False}, rng, 0)
    assert en.startswith(
        "Looked up the same person (4127**********0197) on 10 different days: only"
    )


def test_everyone_s_tail_by_subtraction_equals_the_joined_one():
    # the city's 2,700 operators joined to everyone's items held ten gigabytes: the tail against
    # everyone is computed by subtraction, and must equal _largest_item's over one group
    rng = np.random.default_rng(3)
    ops = [f"op{i}" for i in range(40)]
    rows = [(op, f"{op}-{j}", int(rng.geometric(0.5 if i % 7 else 0.2)))
            for i, op in enumerate(ops[:35]) for j in range(int(rng.integers(1, 6)))]  # fmt: skip
    items = pl.DataFrame(rows, schema={"op": pl.String, "item": pl.String, "x": pl.Int64},
                         orient="row")  # fmt: skip
    f = pl.DataFrame({"op": ops})
    keys = {"all": np.array(["*"] * len(ops))}
    group = np.array(["*@all"] * len(ops), dtype=object)
    _, _, _, joined = _largest_item(f, group, membership(keys, group, ops), items, True)
    fast = everyone_tail(f, items)
    assert np.allclose(fast, joined, rtol=1e-12, atol=0)
    assert (fast[35:] == 1.0).all() and (fast[:35] < 1.0).any()
