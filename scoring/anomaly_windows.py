"""Time windows of the anomaly detector: ISO weeks, clipped to the scored date range.

A window is half-open, [start, end): Monday 00:00 to the next Monday 00:00 (naive local time),
cut to the first and last scored day. ISO weeks follow the working rhythm (five working days
and a weekend), are long enough to establish habits and short enough to point at an episode.
Weeks before the range (the look-back) feed the baselines and are never alerted on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

LOOKBACK_WEEKS = 8


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime  # exclusive
    scored: bool  # False for look-back weeks (baseline only)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_windows(
    date_from: dt.date, date_to: dt.date, lookback_weeks: int = LOOKBACK_WEEKS
) -> list[Window]:
    """Look-back weeks (whole) then the scored ISO weeks clipped to [date_from, date_to]."""
    if date_to < date_from:
        raise ValueError("the end date is before the start date")
    first = _monday(date_from)
    out: list[Window] = []
    for k in range(lookback_weeks, 0, -1):
        start = first - dt.timedelta(weeks=k)
        end = min(start + dt.timedelta(weeks=1), date_from)
        out.append(Window(_at(start), _at(end), False))
    if first < date_from:  # the part of the first week before the range is look-back too
        out.append(Window(_at(first), _at(date_from), False))
    monday = first
    stop = date_to + dt.timedelta(days=1)
    while monday < stop:
        start = max(monday, date_from)
        end = min(monday + dt.timedelta(weeks=1), stop)
        out.append(Window(_at(start), _at(end), True))
        monday += dt.timedelta(weeks=1)
    return out


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())
