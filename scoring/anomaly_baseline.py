"""Baselines: what is usual for an operator (own other windows) and for their peers.

Peers are the other operators of the same department and role. Rates are shrunk: the operator's
own rate over their other windows (leave-one-window-out), pulled towards the peers' rate when the
own history is short, which is itself pulled towards the all-operator rate when peers are few.
Evidence is the Poisson surprise -log10 P(X >= k), made conservative for overdispersion.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.stats import poisson

PRIOR_LOOKUPS = 300.0  # weight of the peer rate, in lookups of own history
OVERDISPERSION = 1.3
MU_FLOOR = 0.05
EVIDENCE_CAP = 40.0


def peer_key(frame: pl.DataFrame) -> pl.Expr:
    return pl.concat_str([pl.col("dept"), pl.col("role")], separator="|")


def shrunk_rate(frame: pl.DataFrame, k: str, n: str, prior: float = PRIOR_LOOKUPS) -> np.ndarray:
    """Expected k per unit of n for each row: own other windows, then peers, then everyone."""
    f = frame.select(
        pl.col(k).cast(pl.Float64).alias("k"),
        pl.col(n).cast(pl.Float64).alias("n"),
        pl.col("op"),
        peer_key(frame).alias("peer"),
    )
    f = f.with_columns(
        own_k=pl.col("k").sum().over("op"),
        own_n=pl.col("n").sum().over("op"),
        grp_k=pl.col("k").sum().over("peer"),
        grp_n=pl.col("n").sum().over("peer"),
    )
    total_k, total_n = float(f["k"].sum()), float(f["n"].sum())
    overall = total_k / total_n if total_n else 0.0
    peer_k = (f["grp_k"] - f["own_k"]).to_numpy()
    peer_n = (f["grp_n"] - f["own_n"]).to_numpy()
    peer_rate = (peer_k + prior * overall) / (peer_n + prior)
    loo_k = (f["own_k"] - f["k"]).to_numpy()
    loo_n = (f["own_n"] - f["n"]).to_numpy()
    return (loo_k + prior * peer_rate) / (loo_n + prior)


def poisson_evidence(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """-log10 P(X >= k) for X ~ Poisson(mu), with mu inflated for overdispersion; 0 when k = 0."""
    k = np.asarray(k, dtype=float)
    mu = OVERDISPERSION * np.asarray(mu, dtype=float) + MU_FLOOR
    e = -poisson.logsf(k - 1, mu) / np.log(10)
    return np.clip(np.where(k > 0, e, 0.0), 0.0, EVIDENCE_CAP)


def loo_median(groups: np.ndarray, values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Median of the group's other valid values for every row (nan when there are fewer than 3)."""
    out = np.full(len(values), np.nan)
    groups = np.unique(groups, return_inverse=True)[1]
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.diff(groups[order])) + 1
    for idx in np.split(order, bounds):
        ok = idx[valid[idx]]
        if len(ok) < 3:
            continue
        all_median = float(np.median(values[ok]))
        for i in idx:
            others = ok[ok != i]
            out[i] = np.median(values[others]) if len(others) < len(ok) else all_median
    return out


def group_median(keys: np.ndarray, values: np.ndarray, exclude: np.ndarray) -> np.ndarray:
    """Per row: median of the values of rows with the same key, other than rows of `exclude`."""
    out = np.full(len(values), np.nan)
    keys = np.unique(keys, return_inverse=True)[1]
    order = np.argsort(keys, kind="stable")
    bounds = np.flatnonzero(np.diff(keys[order])) + 1
    for idx in np.split(order, bounds):
        for i in idx:
            others = idx[exclude[idx] != exclude[i]]
            if len(others):
                out[i] = np.median(values[others])
    return out
