"""Kin and neighbours looked up again and again: on how many days the operator looked up the
persons of a relationship, against the days they give their other persons.

A handful of the operator's own village is thin evidence by itself (a village clerk's cases, a
county officer whose village is large), but it is not only who was looked up, it is how often:
a kin snooper comes back to the same two cousins on five days, under a fresh reference each time,
where the operator's other persons are each looked up on one day (gen_a's HR officer: 2 kin and a
neighbour on 8 days, where 310 other persons had 1.08 days each). Given how many such persons
there are (m), the days they were looked up on (their sum D) are judged against m draws from the
operator's own persons' days (their other persons of their own county, smoothed towards the
whole log's distribution so that a tail the operator never reached is unlikely, not impossible):
P(sum of m draws >= D), exactly by convolution.

The tail only adds to the relationship's own evidence (anomaly_range combines the two p-values
with Fisher's method): a followed-up case of the village alone stays below an alert.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

DAYS_CAP = 30  # days of one person counted at most (a person looked up on more is a case file)
SMOOTHING = 20.0  # persons of weight given to the whole log's distribution of days per person
MIN_OTHERS = 10  # other persons the operator needs before their distribution says anything
MAX_EXACT = 60  # persons summed exactly; beyond, a normal approximation


def revisit_tails(pairs: pl.DataFrame, f: pl.DataFrame, flag: pl.Expr) -> pl.DataFrame:
    """Per operator of f (same order): rel_m (persons where flag holds), rel_days (the days
    they were looked up on, each at most DAYS_CAP), usual_days (the mean days of the operator's
    other persons of their own county) and tail (P(the days of rel_m persons drawn from those
    >= rel_days); 1 where there are no such persons or too few others). Persons of other
    counties are left out on both sides: a county window's own residents come back, travellers
    do not (the seed city's window clerks: 4.1 days per resident, 1.04 per traveller).
    pairs: op, days, out (one row per operator and person) and the columns flag reads."""
    local = ~pl.col("out").fill_null(False) if "out" in pairs.columns else pl.lit(True)
    d = pairs.select(
        "op", pl.col("days").clip(1, DAYS_CAP).alias("d"), flag.alias("rel"), local.alias("local")
    ).filter(pl.col("local"))
    everyone = np.bincount(d["d"].to_numpy(), minlength=DAYS_CAP + 1).astype(float)
    everyone /= max(everyone.sum(), 1.0)
    rel = d.filter(pl.col("rel")).group_by("op").agg(rel_m=pl.len(), rel_days=pl.col("d").sum())
    others = d.filter(~pl.col("rel")).group_by("op", "d").len()
    out = (
        f.select("op")
        .join(rel, on="op", how="left")
        .with_columns(pl.col("rel_m", "rel_days").fill_null(0))
    )
    counts = {op: (ds, ns) for (op,), ds, ns in _grouped(others)}
    usual, tails = [], []
    for op, m, days in zip(out["op"], out["rel_m"], out["rel_days"], strict=True):
        ds, ns = counts.get(op, ([], []))
        total = float(sum(ns))
        usual.append(float(np.dot(ds, ns)) / total if total else float("nan"))
        if m == 0 or total < MIN_OTHERS:
            tails.append(1.0)
            continue
        own = np.zeros(DAYS_CAP + 1)
        own[np.asarray(ds, dtype=int)] = ns
        pmf = (own + SMOOTHING * everyone) / (total + SMOOTHING)
        tails.append(_sum_tail(pmf, int(m), int(days)))
    return out.with_columns(
        usual_days=pl.Series(usual, dtype=pl.Float64), tail=pl.Series(tails, dtype=pl.Float64)
    )


def _grouped(others: pl.DataFrame):
    g = others.group_by("op").agg(pl.col("d"), pl.col("len"))
    return zip(g.select("op").iter_rows(), g["d"].to_list(), g["len"].to_list(), strict=True)


def _sum_tail(pmf: np.ndarray, m: int, at_least: int) -> float:
    """P(sum of m independent draws from pmf (over 0..len-1) >= at_least)."""
    if m > MAX_EXACT:
        values = np.arange(len(pmf))
        mean = float(np.dot(values, pmf))
        var = float(np.dot((values - mean) ** 2, pmf))
        z = (at_least - 0.5 - m * mean) / math.sqrt(max(m * var, 1e-12))
        return 0.5 * math.erfc(z / math.sqrt(2.0))
    dist = np.array([1.0])
    for _ in range(m):
        dist = np.convolve(dist, pmf)
    return float(min(1.0, max(dist[at_least:].sum(), 1e-300)))


def fisher(p1: np.ndarray, p2: np.ndarray) -> np.ndarray:
    """Fisher's combination of two independent p-values (chi-squared with four degrees of
    freedom: P = x (1 - ln x) for x = p1 p2)."""
    x = np.clip(np.asarray(p1, dtype=float) * np.asarray(p2, dtype=float), 1e-300, 1.0)
    return np.minimum(1.0, x * (1.0 - np.log(x)))
