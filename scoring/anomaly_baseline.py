"""Leave-one-out medians: what is usual for an operator (own other windows) and for peers."""

from __future__ import annotations

import numpy as np


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
