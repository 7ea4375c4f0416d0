"""A role's work at the other level: references carried over days by inspectors.

The only city-level inspector of a department (城管 has one inspector and one officer) carries
each week's sweep reference over its days, as the county inspectors of five other departments
do with theirs. Before the department's other roles and before everyone of the city level (office
clerks who never carry a reference), the inspectors at either level are the peers the borrowed
references are judged against (anomaly_range.ROLE_FIRST_LEVELS).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_peers import group_keys, nb_evidence, peer_baseline
from scoring.anomaly_range import ROLE_FIRST_LEVELS


def _operators() -> pl.DataFrame:
    rows = [
        ("urban-city", "URBAN", "Inspector", None),
        ("urban-county", "URBAN", "officer", "411621"),
    ]
    rows += [(f"{d.lower()}-1", d, "inspector", "411602")
             for d in ("SAMR", "PSB", "EMERGENCY", "ECOENV", "HOUSING")]  # fmt: skip
    rows += [(f"clerk-{i}", "GOVSERVICE", "window", None) for i in range(10)]
    return pl.DataFrame(rows, schema=["op", "dept", "role", "op_county"], orient="row")


def test_the_only_city_inspector_is_judged_against_the_county_inspectors():
    ops = _operators()
    persons = np.full(ops.height, 1000.0)
    borrowed = np.array([600.0, 20.0, 550.0, 640.0, 580.0, 610.0, 620.0] + [15.0] * 10)
    b = peer_baseline(group_keys(ops), borrowed, persons, ROLE_FIRST_LEVELS)
    assert b.level[0] == "role"
    assert 0.55 < b.mu[0] < 0.65
    assert nb_evidence(borrowed[:1], b.mu[:1] * persons[:1], b.kappa[:1])[0] < 1.0


def test_the_role_is_read_without_case_or_spaces():
    keys = group_keys(_operators())
    assert keys["role"][0] == keys["role"][2] == "inspector"
