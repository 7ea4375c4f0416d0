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


def _officers(peers_in_department: int):
    """A housing officer looking up 8 persons under POLICY_SUPPORT, which the officers of three
    other departments use for a fifth of their work, next to `peers_in_department` fellow
    housing officers who never use it."""
    ops = ["h0"] + [f"h{i}" for i in range(1, peers_in_department + 1)]
    ops += ["drc1", "drc2", "hrss1", "hrss2", "fin1", "fin2"]
    depts = ["HOUSING"] * (peers_in_department + 1) + ["DRC", "DRC", "HRSS", "HRSS", "FIN", "FIN"]
    f = pl.DataFrame({"op": ops, "n": [200] * len(ops), "dept": depts,
                      "role": ["officer"] * len(ops), "op_county": ["411602"] * len(ops)})  # fmt: skip
    rows = [("h0", "LICENSING", 192, 1), ("h0", "POLICY_SUPPORT", 8, 5)]
    rows += [(op, "LICENSING", 200, 1) for op in ops[1 : peers_in_department + 1]]
    rows += [(op, p, k, 0) for op in ops[peers_in_department + 1 :]
             for p, k in (("POLICY_SUPPORT", 40), ("ENFORCEMENT", 160))]  # fmt: skip
    keys = group_keys(f)
    group = np.array([f"{d}@dept" for d in depts], dtype=object)
    members = pl.DataFrame({"grp": list(group), "member": ops})
    return _foreign_purposes(f, _purposes(rows), group, members, keys)


def test_the_roles_work_elsewhere_does_not_excuse_what_the_roles_department_peers_never_do():
    """anomaly-2.22: fourteen housing officers never use policy support; that the officers of the
    departments whose remit it is use it says nothing of a housing officer's eight lookups."""
    fp = _officers(peers_in_department=3)
    assert (fp.k[0], fp.unauth[0], fp.top[0]) == (8, 5, "POLICY_SUPPORT")


def test_the_roles_work_elsewhere_speaks_for_an_operator_without_role_peers():
    # the only officer of the department: the role's work in other departments decides
    assert _officers(peers_in_department=0).k[0] == 0
    # one fellow officer is too few to say what the role never does
    assert _officers(peers_in_department=1).k[0] == 0
