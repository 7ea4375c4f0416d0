"""How many kin and neighbours an operator's work would reach by chance (the range's exposure).

A share of persons from the operator's own village, or of their own surname there, says little
by itself: a clerk of a large urban community meets its residents every day, and in a clan
village half the residents share the clerk's surname. So both relationships are judged against
what the operator's own work exposes them to, read from the log itself (everyone else's lookups,
leaving the operator out):

- **village** (neighbours): the persons of the operator's county they looked up, times the share
  of the county's looked-up persons who live in the operator's village;
- **kin**: the persons of the operator's village they looked up, times the share of the village's
  looked-up persons who carry the operator's surname (towards the surname's share in the whole log
  where the village is little seen).

The peers' ratio of observed to exposed (anomaly_peers, with these exposures as the basis) then
says how much more than chance their remit brings; the evidence is the operator's excess over it.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_features import surname_expr

VILLAGE_PRIOR = 1.0  # looked-up persons of weight given to "one village among the county's"
SURNAME_PRIOR = 20.0  # looked-up persons of weight given to the surname's share in the whole log


def village_exposure(pairs: pl.DataFrame, f: pl.DataFrame, ops: pl.DataFrame) -> pl.DataFrame:
    """Per operator of f (same order): village_k (persons of their own village they looked up,
    kin included), village_exp (expected by chance) and kin_exp (expected kin among village_k).
    pairs: op, subject, s_county, s_res, s_name (one row per operator and person)."""
    known = pairs.filter(pl.col("s_res").is_not_null() & pl.col("s_county").is_not_null())
    known = known.select("op", "s_county", "s_res", surname_expr("s_name").alias("s_surname"))
    home = ops.select("op", "op_res", "op_surname")
    # the county a village belongs to: where its residents are registered
    village_county = (
        known.group_by("s_res", "s_county")
        .len()
        .sort(["s_res", "len", "s_county"], descending=[False, True, False])
        .group_by("s_res", maintain_order=True)
        .first()
        .select("s_res", v_county="s_county")
    )
    per_village = known.group_by("s_res").len("t_v")
    per_county = known.group_by("s_county").len("t_c")
    villages_in_county = village_county.group_by("v_county").len("villages")
    per_surname_village = known.group_by("s_res", "s_surname").len("t_vs")
    per_surname = known.group_by("s_surname").len("t_s")
    total = max(known.height, 1)
    own = (
        known.join(home, on="op", how="inner")
        .join(village_county, left_on="op_res", right_on="s_res", how="left")
        .group_by("op")
        .agg(
            own_c=(pl.col("s_county") == pl.col("v_county")).sum(),
            own_v=(pl.col("s_res") == pl.col("op_res")).sum(),
            own_vs=(
                (pl.col("s_res") == pl.col("op_res"))
                & (pl.col("s_surname") == pl.col("op_surname"))
            ).sum(),
            own_s=(pl.col("s_surname") == pl.col("op_surname")).sum(),
        )  # fmt: skip
    )
    out = (
        f.select("op")
        .join(home, on="op", how="left")
        .join(village_county, left_on="op_res", right_on="s_res", how="left")
        .join(own, on="op", how="left")
        .join(per_village, left_on="op_res", right_on="s_res", how="left")
        .join(per_county, left_on="v_county", right_on="s_county", how="left")
        .join(villages_in_county, on="v_county", how="left")
        .join(
            per_surname_village,
            left_on=["op_res", "op_surname"],
            right_on=["s_res", "s_surname"],
            how="left",
        )  # fmt: skip
        .join(per_surname, left_on="op_surname", right_on="s_surname", how="left")
        .with_columns(
            pl.col("own_c", "own_v", "own_vs", "own_s", "t_v", "t_c", "t_vs", "t_s", "villages")
            .fill_null(0)
            .cast(pl.Float64)
        )  # fmt: skip
    )
    # everyone else's lookups: the share of the county's persons living in the village, and of
    # the village's persons carrying the surname (leave the operator out: their own curiosity
    # must not explain itself)
    v_share = (out["t_v"] - out["own_v"] + VILLAGE_PRIOR / np.maximum(out["villages"], 1.0)) / (
        out["t_c"] - out["own_c"] + VILLAGE_PRIOR
    )
    s_prior = ((out["t_s"] - out["own_s"]) / total).clip(1e-4, 1.0)
    s_share = (out["t_vs"] - out["own_vs"] + SURNAME_PRIOR * s_prior) / (
        out["t_v"] - out["own_v"] + SURNAME_PRIOR
    )
    has_home = out["v_county"].is_not_null()
    village_k = out["own_v"]
    return pl.DataFrame(
        {
            "op": out["op"],
            "village_k": village_k,
            "village_exp": pl.Series(np.where(has_home, out["own_c"] * v_share, 0.0)),
            "kin_exp": pl.Series(np.where(has_home, village_k * s_share, 0.0)),
        }
    )
