"""Small-cell suppression: no figure may single out an individual.

A figure singles out persons when it tells something about the members of a group so small that
the reader can tell who they are. The rule (tables, charts and exports alike):
- the size of a group (the practitioners on a roster, the adults of a county) describes a register,
  not anybody's credit: it is always shown;
- every figure about the members of a group of 1 to 4 persons (how many have a file, were updated,
  hold records, and every rate of them) shows as "<5" (`SUPPRESSED`), zeros included: "0 of 3
  practitioners" tells something about each of the three. A group of 0 persons shows its zeros
  (there is nobody to protect) and no rates (they are undefined);
- a figure about a group of 5 or more persons is shown whatever its size: "3 of 201 civil
  servants hold a negative record" does not say which three. Counts drawn from a whole county or
  the city (records of a domain, persons of a grade) are such figures;
- a figure worked out from figures shown beside it (a gap to the target from the practitioners
  and those with a file) is hidden exactly when one of them is, never on its own.

Suppression is decided on the true numbers; only the displayed value changes, so sorting and the
colour of a chart are decided before masking by the caller where needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

THRESHOLD = 5
SUPPRESSED = "<5"


def is_small(persons: float | None, threshold: int = THRESHOLD) -> bool:
    """True when a group has 1 .. threshold-1 persons (zero and missing are not small)."""
    if persons is None or _missing(persons):
        return False
    return 0 < persons < threshold


def rate_allowed(group: float | None, threshold: int = THRESHOLD) -> bool:
    """May a rate of the members of a group of `group` persons be shown? Only when the group has
    at least `threshold` persons (an empty group has no rate)."""
    if group is None or _missing(group):
        return False
    return group >= threshold


def mask_frame(
    frame: pd.DataFrame,
    group: str,
    members: Sequence[str] = (),
    rates: Sequence[str] = (),
    threshold: int = THRESHOLD,
) -> pd.DataFrame:
    """A copy of frame ready to display: in a row whose group (the column `group`, the number of
    persons the row is about) has 1 to 4 persons, the member counts become "<5" and the rates None;
    rates of an empty group are None. Masked columns become object columns (ints and "<5"); the
    group column and the other columns are unchanged."""
    out = frame.copy()
    small = frame[group].map(lambda g: is_small(g, threshold))
    for column in members:
        values = [
            SUPPRESSED if hidden else _int(value)
            for value, hidden in zip(frame[column], small, strict=True)
        ]
        out[column] = pd.Series(values, index=frame.index, dtype=object)
    for column in rates:
        shares: list[float | None] = [
            _float(value) if rate_allowed(size, threshold) else None
            for value, size in zip(frame[column], frame[group], strict=True)
        ]
        out[column] = pd.Series(shares, index=frame.index, dtype=object)
    return out


def rate_placeholder(group: float | None) -> str:
    """What to show instead of a rate that may not be shown: "" for an empty group (the rate is
    undefined), else "<5"."""
    if group is None or _missing(group) or group == 0:
        return ""
    return SUPPRESSED


def _int(value: float | None) -> int | None:
    if value is None or _missing(value):
        return None
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
