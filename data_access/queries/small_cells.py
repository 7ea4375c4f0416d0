"""Small-cell suppression: no aggregate may single out an individual.

Rule (applied to tables, charts and exports alike):
- a count that describes 1 to 4 persons is shown as "<5" (`SUPPRESSED`); zero is shown as 0, since
  it describes nobody — unless the group it is drawn from is itself small (see below);
- a rate (a share or a rate per 1,000) is suppressed when any of the person counts it is computed
  from describes 1 to 4 persons, or when its group (the denominator population) has fewer than 5
  persons; a rate of a group of 0 persons is undefined and shown empty;
- every figure of a row whose group has 1 to 4 persons is suppressed (`mask_frame`'s `group`),
  zeros included: "0 of 3 practitioners" would tell something about each of the three. A group of
  0 persons shows its zeros (there is nobody to protect) and no rates.

Suppression is decided on the true numbers; only the displayed value changes, so sorting and the
colour of a chart are decided before masking by the caller where needed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

THRESHOLD = 5
SUPPRESSED = "<5"


def is_small(persons: float | None, threshold: int = THRESHOLD) -> bool:
    """True when a person count is 1 .. threshold-1 (zero and missing are not small)."""
    if persons is None or _missing(persons):
        return False
    return 0 < persons < threshold


def mask_count(persons: float | None, threshold: int = THRESHOLD) -> object:
    """The count itself (an int), or "<5" when it describes 1 to 4 persons; None stays None."""
    if persons is None or _missing(persons):
        return None
    if is_small(persons, threshold):
        return SUPPRESSED
    return int(persons)


def rate_allowed(
    group: float | None, parts: Iterable[float | None] = (), threshold: int = THRESHOLD
) -> bool:
    """May a rate computed on a group of `group` persons from the person counts `parts` be shown?

    No when the group has fewer than `threshold` persons (or none), or when any part is small.
    """
    if group is None or _missing(group) or group < threshold:
        return False
    return not any(is_small(p, threshold) for p in parts)


def mask_frame(
    frame: pd.DataFrame,
    counts: Mapping[str, str] | None = None,
    rates: Mapping[str, Sequence[str]] | None = None,
    group: str | None = None,
    threshold: int = THRESHOLD,
) -> pd.DataFrame:
    """A copy of frame ready to display: suppressed cells become "<5" (counts) or None (rates).

    counts: display column -> the column holding the number of persons that figure describes
    (often the column itself; for a number of records, the number of distinct persons behind it).
    rates: rate column -> the person-count columns it is computed from (numerators).
    group: the column holding the size of the row's group (the denominator population); when it is
    below the threshold every count and rate of the row is suppressed, zeros included.
    Masked columns become object columns (ints and "<5"); the other columns are unchanged.
    """
    counts = dict(counts or {})
    rates = dict(rates or {})
    out = frame.copy()
    group_small = (
        frame[group].map(lambda g: is_small(g, threshold))
        if group is not None
        else pd.Series(False, index=frame.index)
    )
    group_sizes = frame[group] if group is not None else pd.Series(math.inf, index=frame.index)
    for column, persons_column in counts.items():
        values = [
            SUPPRESSED if small_group else _count_cell(value, persons, threshold)
            for value, persons, small_group in zip(
                frame[column], frame[persons_column], group_small, strict=True
            )
        ]
        out[column] = pd.Series(values, index=frame.index, dtype=object)
    for column, parts in rates.items():
        part_values = [frame[p] for p in parts]
        values = []
        for i, value in enumerate(frame[column]):
            allowed = rate_allowed(group_sizes.iloc[i], [p.iloc[i] for p in part_values], threshold)
            values.append(_float(value) if allowed else None)
        out[column] = pd.Series(values, index=frame.index, dtype=object)
    return out


def rate_placeholder(group: float | None) -> str:
    """What to show instead of a rate that may not be shown: "" for an empty group (the rate is
    undefined), else "<5"."""
    if group is None or _missing(group) or group == 0:
        return ""
    return SUPPRESSED


def _count_cell(value: float | None, persons: float | None, threshold: int) -> object:
    if value is None or _missing(value):
        return None
    if is_small(persons, threshold):
        return SUPPRESSED
    return int(value)


def _float(value: float | None) -> float | None:
    if value is None or _missing(value):
        return None
    return float(value)


def _missing(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False
