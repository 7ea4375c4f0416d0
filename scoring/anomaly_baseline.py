"""What is usual, leaving out what is judged: leave-one-out medians (an operator's own other
windows, their peers') and how much a department's share rose in a period."""

from __future__ import annotations

import numpy as np
import polars as pl


def median_without_each(values: np.ndarray) -> np.ndarray:
    """The median of the values without each one of them in turn (at least two values), for
    every one: sorted once, the others' middle is one of two neighbours."""
    m = len(values)
    order = np.argsort(values, kind="stable")
    s = values[order]
    pos = np.empty(m, dtype=int)
    pos[order] = np.arange(m)
    rest = m - 1

    def kept(j: int) -> np.ndarray:  # the j-th smallest of the others
        return s[j + (j >= pos)]

    if rest % 2:
        return kept(rest // 2)
    return (kept(rest // 2 - 1) + kept(rest // 2)) / 2.0


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
        out[idx] = float(np.median(values[ok]))
        out[ok] = median_without_each(values[ok])
    return out


def group_median(keys: np.ndarray, values: np.ndarray, exclude: np.ndarray) -> np.ndarray:
    """Per row: median of the values of rows with the same key, other than rows of `exclude`."""
    out = np.full(len(values), np.nan)
    keys = np.unique(keys, return_inverse=True)[1]
    order = np.argsort(keys, kind="stable")
    bounds = np.flatnonzero(np.diff(keys[order])) + 1
    for idx in np.split(order, bounds):
        if len(np.unique(exclude[idx])) == len(idx):  # one row each: leave that row out
            if len(idx) >= 2:
                out[idx] = median_without_each(values[idx])
            continue
        for i in idx:
            others = idx[exclude[idx] != exclude[i]]
            if len(others):
                out[i] = np.median(values[others])
    return out


RISE_PRIOR = 50.0  # lookups (or persons) of weight of the department's usual share
RISE_MAX = 20.0


def department_rise(key: np.ndarray, period, k: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per row (an operator's period: a week, a day): how much the share k / b rose in that
    period among the other rows of the same key (department and level) against the key's usual
    share without the row (leave-one-out), at least 1: a campaign or lost references move the
    whole department."""
    g = pl.DataFrame({"key": key, "period": period, "k": k, "b": b})
    g = g.with_columns(
        kp=pl.col("k").sum().over("key", "period") - pl.col("k"),
        bp=pl.col("b").sum().over("key", "period") - pl.col("b"),
        ka=pl.col("k").sum().over("key"),
        ba=pl.col("b").sum().over("key"),
    )
    usual = ((g["ka"] - g["k"]) / (g["ba"] - g["b"]).clip(lower_bound=1.0)).to_numpy()
    now = ((g["kp"] + RISE_PRIOR * usual) / (g["bp"] + RISE_PRIOR)).to_numpy()
    factor = np.divide(now, usual, out=np.ones_like(now), where=usual > 0)
    return np.clip(factor, 1.0, RISE_MAX)
