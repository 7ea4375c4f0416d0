"""A family looked up: persons of one residence and one surname whom the operator first looked
up within a few days of one another, each at least once without authorisation (anomaly-2.22).

A villager in the news and a dozen of their kin, an acquaintance's whole household, a clan in a
village the operator comes from by marriage: the kin signal counts the operator's own village and
surname, this one any village but the own village of an operator whose work it is. Across 17
labelled logs of five generators written without sight of the detector, 20 misusing operators
(kin and neighbour snooping, news curiosity, bulk harvests) had four or more such persons within
four days, and no other operator more than three.

Each operator's families (one residence, one surname) are their items; an item's size is the
most of its persons first looked up within FAMILY_DAYS days. The largest is judged against the
peers' items as the fixation signal judges persons (anomaly_range._largest_item, "bulk": the
peers' own decay from two to three, so that another misuser's large families in the group do
not make the tail heavier), with as many chances as the operator has families.
"""

from __future__ import annotations

import polars as pl

from scoring.anomaly_features import surname_expr

FAMILY_DAYS = 4  # persons first looked up within this many days make one visit to the family


def family_items(pairs: pl.DataFrame, village_remit: list[str] | None = None) -> pl.DataFrame:
    """op, item (residence and surname), x (the most persons of it first looked up within
    FAMILY_DAYS days), first, last, n (their lookups) from the operator-person pairs of the
    range (op, subject, n, unauth, first, s_res, s_name and, where flagged, kin and nb): persons
    looked up at least once without authorisation, with a known residence and name; for the
    operators in village_remit (whose own village is their work: a village clerk serves its
    families) not those of their own village, which the kin and neighbours signals judge
    against the operator's exposure to it."""
    schema: dict[str, pl.DataType] = {
        "op": pl.String(), "item": pl.String(), "x": pl.Int64(), "first": pl.Datetime("us"),
        "last": pl.Datetime("us"), "n": pl.Int64(),
    }  # fmt: skip
    keep = (pl.col("unauth") > 0) & pl.col("s_res").is_not_null() & pl.col("s_name").is_not_null()
    remit = pl.col("op").is_in(pl.Series(village_remit or [], dtype=pl.String).implode())
    for own in ("kin", "nb"):  # the own village of an operator who serves it
        if own in pairs.columns:
            keep = keep & ~(pl.col(own).fill_null(False) & remit)
    u = pairs.filter(keep).select(
        "op",
        item=pl.col("s_res") + "|" + surname_expr("s_name"),
        at=pl.col("first").cast(pl.Datetime("us")),
        n=pl.col("n").cast(pl.Int64),
    )
    if u.is_empty():
        return pl.DataFrame(schema=schema)
    u = u.sort("op", "item", "at")
    window = u.rolling(index_column="at", period=f"{FAMILY_DAYS}d", group_by=["op", "item"]).agg(
        pl.len().alias("x"),
        pl.col("at").min().alias("first"),
        pl.col("at").max().alias("last"),
        pl.col("n").sum().alias("n"),
    )
    best = (
        window.sort(["op", "item", "x", "last"], descending=[False, False, True, False])
        .group_by("op", "item", maintain_order=True)
        .first()
    )
    return best.select(
        "op", "item", pl.col("x").cast(pl.Int64), "first", "last", pl.col("n").cast(pl.Int64)
    )
