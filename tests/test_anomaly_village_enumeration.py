"""Kin and neighbours against the operator's exposure, and enumeration of unregistered ID
numbers: small hand-built frames with known answers (pure functions)."""

from __future__ import annotations

import math

import polars as pl

from scoring.anomaly_enumeration import enumeration_evidence, enumeration_groups
from scoring.anomaly_village import village_exposure

V1, V2, OTHER = "411602001001", "411602001002", "411621001001"


def _pairs(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    """(op, village, name) -> one pair per person; counties from the village code."""
    return pl.DataFrame(
        {
            "op": [r[0] for r in rows],
            "subject": [f"p{i}" for i in range(len(rows))],
            "s_county": [r[1][:6] for r in rows],
            "s_res": [r[1] for r in rows],
            "s_name": [r[2] for r in rows],
        }
    )


def test_exposure_from_everyone_elses_lookups_of_the_village_and_the_surname():
    # b looks up 8 residents of V1 (2 of them 王) and 32 of V2 (all 张); a (王, living in V1)
    # looks up 5 residents of V1 (3 王) and 5 of V2, and one person of another county
    rows = [("b", V1, "王二")] * 2 + [("b", V1, "李四")] * 6 + [("b", V2, "张三")] * 32
    rows += [("a", V1, "王五")] * 3 + [("a", V1, "李六")] * 2 + [("a", V2, "张七")] * 5
    rows += [("a", OTHER, "王八")]
    ops = pl.DataFrame({"op": ["a", "b"], "op_res": [V1, "411602001009"],
                        "op_surname": ["王", "赵"]})  # fmt: skip
    out = village_exposure(_pairs(rows), ops.select("op"), ops).row(0, named=True)
    assert out["op"] == "a" and out["village_k"] == 5
    # county 411602 without a: 40 persons, 8 of them in V1, two villages (prior: half of one)
    assert math.isclose(out["village_exp"], 10 * (8 + 0.5) / (40 + 1))
    # 王 among V1's other persons: 2 of 8, pulled towards the others' 王 in the whole log (2 of 51)
    prior = 2 / 51
    assert math.isclose(out["kin_exp"], 5 * (2 + 20 * prior) / (8 + 20))
    # b's home village is nobody's: no exposure, no evidence to be had
    b = village_exposure(_pairs(rows), ops.select("op"), ops).row(1, named=True)
    assert b["village_exp"] == 0.0 and b["kin_exp"] == 0.0


def test_a_clan_village_expects_kin_a_mixed_one_does_not():
    clan = [("b", V1, "王" + str(i)) for i in range(30)] + [("b", V1, "李0")] * 10
    mixed = [("b", V1, s + "0") for s in "李张刘陈杨赵黄周" for _ in range(5)]
    mine = [("a", V1, "王甲")] * 4
    ops = pl.DataFrame({"op": ["a"], "op_res": [V1], "op_surname": ["王"]})
    in_clan = village_exposure(_pairs(clan + mine), ops, ops)["kin_exp"][0]
    in_mixed = village_exposure(_pairs(mixed + mine), ops, ops)["kin_exp"][0]
    assert in_clan > 2.0 > 0.1 > in_mixed  # four 王 of four: expected there, striking here


def _unknown(op: str, numbers: list[str]) -> list[tuple[str, str, bool]]:
    return [(op, n, True) for n in numbers]


def test_stepping_through_sequence_numbers_is_enumeration_a_typo_is_not():
    prefix = "41272619501116"
    rows = _unknown("prober", [f"{prefix}{s:03d}X" for s in (391, 393, 395, 397, 399)])
    rows += _unknown("typo_twice", ["41270119800101123X", "41270119800101124X"])
    rows += [(f"clerk{i}", f"4127011990{i:04d}0017", True) for i in range(20)]
    rows += [("prober", "412701199001010011", False)]  # registered persons do not count
    pairs = pl.DataFrame(rows, schema={"op": pl.String, "subject": pl.String,
                                       "unknown": pl.Boolean}, orient="row")  # fmt: skip
    groups = enumeration_groups(pairs)
    f = pl.DataFrame({"op": ["prober", "typo_twice", "clerk0"]})
    ev = enumeration_evidence(f, groups)
    assert ev["enum_x"].to_list() == [5, 2, 1] and ev["enum_prefix"][0] == prefix
    # the others' groups: 21, one of them of two -> each further number 1.5 / 22 as likely
    ratio = 1.5 / 22
    assert math.isclose(ev["enum_tail"][0], ratio**4)
    assert math.isclose(ev["enum_ev"][0], -math.log10(ratio**4), rel_tol=1e-6)
    assert ev["enum_ev"][1] == 0.0 and ev["enum_ev"][2] == 0.0  # a typo and its retyping
