"""What one role of a department does is not every role's remit (anomaly-2.11).

- A staff review: HR looks up several colleagues, each with a purpose under one reference of
  the review; those colleagues are the review (col_review), not colleagues looked up (col). Two
  colleagues under one reference, or a colleague looked up without the reference, stay col.
- A purpose that one role of the department uses (HR's CIVIL_SERVICE) is still foreign to
  another role whose other operators never use it (a market clerk looking up civil servants);
  where one of the clerk's role peers uses it, or the role has too few operators, it is not.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from scoring.anomaly_features import flag_pairs
from scoring.anomaly_peers import group_keys
from scoring.anomaly_range import _foreign_purposes


def _pairs(rows):
    return pl.DataFrame(
        rows,
        schema={"op": pl.String, "subject": pl.String, "n": pl.Int64, "unauth": pl.Int64,
                "n_ref": pl.Int64, "ref_min": pl.String, "ref_max": pl.String,
                "s_county": pl.String, "s_res": pl.String, "s_name": pl.String,
                "s_sensitive": pl.Boolean},
        orient="row",
    )  # fmt: skip


OPS = pl.DataFrame(
    {
        "op": ["hr", "clerk"],
        "op_id": ["ID-HR", "ID-CL"],
        "op_res": ["R1", "R2"],
        "op_surname": ["张", "李"],
        "op_county": [None, None],
    }  # fmt: skip
)


def _mates(op, ids):
    return pl.DataFrame({"op": [op] * len(ids), "subject": ids, "colleague": [True] * len(ids)})


def test_colleagues_under_one_review_reference_are_a_review():
    rows = [("hr", f"C{i}", 1, 0, 1, "KH-Q1", "KH-Q1", "411602", "R9", "王五", False)
            for i in range(3)]  # fmt: skip
    rows += [("hr", "C3", 2, 1, 1, "KH-Q1", "KH-Q1", "411602", "R9", "王六", False),  # one unauthorised
             ("hr", "X", 1, 0, 1, "KH-Q1", "KH-Q1", "411602", "R9", "赵七", False),  # no colleague
             ("clerk", "C0", 1, 0, 1, "XK-7", "XK-7", "411602", "R9", "王五", False),
             ("clerk", "C1", 1, 0, 1, "XK-7", "XK-7", "411602", "R9", "王五", False)]  # fmt: skip
    mates = pl.concat([_mates("hr", ["C0", "C1", "C2", "C3"]), _mates("clerk", ["C0", "C1"])])
    out = flag_pairs(_pairs(rows), OPS, mates).sort("op", "subject")
    got = {(r["op"], r["subject"]): (r["col"], r["col_review"]) for r in out.to_dicts()}
    assert got[("hr", "C0")] == got[("hr", "C1")] == got[("hr", "C2")] == (False, True)
    assert got[("hr", "C3")] == (True, False)  # looked up once without authorisation
    assert got[("hr", "X")] == (False, False)
    # two colleagues under one reference are no review
    assert got[("clerk", "C0")] == got[("clerk", "C1")] == (True, False)


def _purposes(rows):
    return pl.DataFrame(rows, schema={"op": pl.String, "purpose": pl.String, "n": pl.Int64,
                                      "unauth": pl.Int64}, orient="row").with_columns(
        date=pl.lit(dt.date(2026, 6, 1)))  # fmt: skip


def _department(clerk_peer_uses: int, roles=("hr", "clerk", "clerk", "clerk", "clerk")):
    ops = [f"o{i}" for i in range(len(roles))]
    f = pl.DataFrame({"op": ops, "n": [200] * len(ops), "dept": ["CULTURE"] * len(ops),
                      "role": list(roles), "op_county": [None] * len(ops)})  # fmt: skip
    rows = [("o0", "CIVIL_SERVICE", 150, 0), ("o0", "EMPLOYMENT", 50, 0)]  # HR
    rows += [("o1", "PRACTICE", 170, 2), ("o1", "CIVIL_SERVICE", 30, 12)]  # the curious clerk
    for i, op in enumerate(ops[2:]):
        uses = clerk_peer_uses if i == 0 else 0
        rows += [(op, "PRACTICE", 200 - uses, 2)] + (
            [(op, "CIVIL_SERVICE", uses, 0)] if uses else []
        )
    keys = group_keys(f)
    group = np.array(["CULTURE@dept"] * len(ops), dtype=object)
    members = pl.DataFrame({"grp": ["CULTURE@dept"] * len(ops), "member": ops})
    return _foreign_purposes(f, _purposes(rows), group, members, keys)


def test_another_roles_purpose_is_foreign_to_a_role_that_never_uses_it():
    fp = _department(clerk_peer_uses=0)
    # pooled over the department HR's reviews make CIVIL_SERVICE common (150 of 800 lookups);
    # the clerk's three role peers never use it
    assert (fp.k[1], fp.unauth[1], fp.top[1]) == (30, 12, "CIVIL_SERVICE")
    assert fp.k[0] == 0  # HR's own work
    assert fp.k[2:].sum() == 0


def test_a_purpose_one_role_peer_uses_is_not_foreign():
    fp = _department(clerk_peer_uses=2)  # twice, 1 % of one peer's lookups
    assert fp.k[1] == 0


def test_a_role_of_two_says_nothing_of_its_own():
    fp = _department(clerk_peer_uses=0, roles=("hr", "clerk", "clerk", "inspector", "inspector"))
    assert fp.k[1] == 0  # one other clerk: the department's pooled share decides
