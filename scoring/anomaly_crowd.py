"""Crowd curiosity: a person looked up within a few days by operators of several departments,
none of them under a case reference (a local person in the news).

A (operator, person) pair without any reference is in a crowd when operators of at least
CROWD_DEPTS departments looked the same person up without a reference within CROWD_DAYS days
of each other. Such pairs are rare (a few per ten thousand unreferenced pairs); an operator's
crowd pairs are judged against that share of their own unreferenced persons (Poisson): one
person in the news is weak evidence, several are strong.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_peers import nb_evidence

CROWD_DAYS = 2  # days either side
CROWD_DEPTS = 2  # distinct departments (the operator's own included)


def crowd_pairs(pairs: pl.DataFrame, ops: pl.DataFrame) -> pl.DataFrame:
    """op, subject, date, crowd (bool), depts: every unreferenced (operator, person, first day)
    pair of the weekly pairs (op, subject, n_ref, first), with the number of departments that
    looked the person up without a reference within CROWD_DAYS days of it."""
    u = (
        pairs.filter(pl.col("n_ref") == 0)
        .select("op", "subject", date=pl.col("first").dt.date())
        .group_by("op", "subject")
        .agg(pl.col("date").min())
        .join(ops.select("op", "dept"), on="op", how="left")
        .with_columns(pl.col("dept").fill_null("?"))
    )
    multi = (
        u.group_by("subject")
        .agg(pl.col("dept").n_unique().alias("d"))
        .filter(pl.col("d") >= CROWD_DEPTS)
    )
    m = u.join(multi.select("subject"), on="subject")
    near = (
        m.join(
            m.select("subject", pl.col("dept").alias("dept2"), pl.col("date").alias("d2")),
            on="subject",
        )
        .filter((pl.col("d2") - pl.col("date")).dt.total_days().abs() <= CROWD_DAYS)
        .group_by("op", "subject")
        .agg(pl.col("dept2").n_unique().alias("depts"))
    )
    return u.join(near, on=["op", "subject"], how="left").with_columns(
        depts=pl.col("depts").fill_null(1), crowd=pl.col("depts").fill_null(1) >= CROWD_DEPTS
    )


def crowd_evidence(
    f: pl.DataFrame, cp: pl.DataFrame
) -> tuple[np.ndarray, np.ndarray, pl.DataFrame]:
    """(evidence, expected crowd persons) per row of f (column op) and a frame op, crowd_k,
    crowd_u (unreferenced persons), crowd_depts (the largest crowd), first, last, n."""
    rate = cp["crowd"].sum() / cp.height if cp.height else 0.0
    per = cp.group_by("op").agg(
        pl.col("crowd").sum().alias("crowd_k"),
        pl.len().alias("crowd_u"),
        pl.col("depts").max().alias("crowd_depts"),
    )
    j = f.select("op").join(per, on="op", how="left").fill_null(0)
    k = j["crowd_k"].to_numpy().astype(float)
    expected = j["crowd_u"].to_numpy().astype(float) * rate
    ev = nb_evidence(k, expected, 1e4)
    hit = cp.filter(pl.col("crowd")).with_columns(at=pl.col("date").cast(pl.Datetime("us")))
    spans = hit.group_by("op").agg(
        pl.col("at").min().alias("first"),
        (pl.col("at").max() + pl.duration(days=1)).alias("last"),
        pl.len().alias("n"),
    )
    return ev, expected, j.join(spans, on="op", how="left")
