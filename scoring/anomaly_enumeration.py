"""Enumeration: ID numbers not in the registry that differ only in their sequence digits.

Someone probing the registry keeps a region and a birth date and steps through the sequence
digits; a clerk's typo makes one unregistered number (and the right one next to it). So the
statistic is, per operator, the largest group of distinct unregistered numbers sharing their
first 14 characters (region and birth date). Its chance is read from every other operator's
groups, as a geometric tail: each further number under one prefix is taken to be as unlikely as
the second one is among their groups (the share of their groups of two or more, at most one
half). Evidence is -log10 of the chance that any of the operator's groups is so large.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_peers import tail_evidence

PREFIX = 14  # region (6) and birth date (8): what stays when only the sequence is varied
MIN_GROUP = 3  # distinct unregistered numbers under one prefix; two is a typo and a retyping
MAX_RATIO = 0.5


def enumeration_prefix() -> pl.Expr:
    """The part of a looked-up ID number that stays when only its sequence is varied."""
    return pl.col("subject").str.slice(0, PREFIX)


def enumeration_groups(pairs: pl.DataFrame) -> pl.DataFrame:
    """op, item (the 14-character prefix), x (distinct unregistered numbers under it)."""
    return (
        pairs.filter(pl.col("unknown") & (pl.col("subject").str.len_chars() == 18))
        .group_by("op", item=enumeration_prefix())
        .agg(x=pl.col("subject").n_unique())
    )


def enumeration_evidence(f: pl.DataFrame, groups: pl.DataFrame) -> pl.DataFrame:
    """Per operator of f (same order): enum_x, enum_prefix, enum_tail (chance of one group so
    large), enum_exp (expected such groups) and enum_ev (evidence)."""
    top = (
        groups.sort(["op", "x", "item"], descending=[False, True, False])
        .group_by("op", maintain_order=True)
        .agg(
            pl.col("x").first(),
            pl.col("item").first(),
            chances=pl.len(),
            two=(pl.col("x") >= 2).sum(),
        )  # fmt: skip
    )
    j = (
        f.select("op")
        .join(top, on="op", how="left")
        .with_columns(pl.col("x", "chances", "two").fill_null(0))
    )
    items, two = groups.height, int(top["two"].sum())
    own_items = j["chances"].to_numpy().astype(float)
    others = np.maximum(items - own_items, 0.0)
    o_two = two - j["two"].to_numpy()
    ratio = np.minimum((o_two + 0.5) / (others + 1.0), MAX_RATIO)
    x = j["x"].to_numpy().astype(float)
    tail = ratio ** np.maximum(x - 1.0, 0.0)
    ev = np.where(x >= MIN_GROUP, tail_evidence(x, own_items, tail), 0.0)
    return pl.DataFrame({
        "enum_x": x, "enum_prefix": j["item"], "enum_tail": tail,
        "enum_exp": tail * np.maximum(own_items, 1.0), "enum_ev": ev,
    })  # fmt: skip
