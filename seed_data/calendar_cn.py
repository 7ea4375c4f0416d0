"""Chinese public holidays and adjusted working days for the generator, read from the data files.

The dates live in reference_data/calendar/<year>.csv (the State Council General Office's
annual notices; data_access.queries.workdays reads and checks them). Dates in a year without a file are
treated as ordinary weeks (Monday-Friday working days).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np

from data_access.queries.workdays import CalendarDay, read_calendar_files

SPRING_FESTIVAL = "Spring Festival"  # name_en of the Spring Festival's holiday rows


@cache
def _days() -> tuple[CalendarDay, ...]:
    return tuple(read_calendar_files())


def _dates(kind: str, name_en: str | None = None) -> np.ndarray:
    days = [d.day for d in _days() if d.kind == kind and (name_en is None or d.name_en == name_en)]
    return np.array(days, dtype="M8[D]")


def holidays() -> np.ndarray:
    """Every statutory holiday date as datetime64[D]."""
    return _dates("holiday")


def makeup_workdays() -> np.ndarray:
    """Weekend days that are working days (调休上班), as datetime64[D]."""
    return _dates("workday")


def spring_festival_days() -> np.ndarray:
    return _dates("holiday", SPRING_FESTIVAL)


def day_kinds(first: dt.date, last: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Days first..last (datetime64[D]) and their kind: 0 workday, 1 weekend, 2 holiday, 3 Spring
    Festival, 4 first week back after the Spring Festival (a slow restart)."""
    days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
    weekday = (days.astype("int64") + 3) % 7  # 0 = Monday
    kind = np.where(weekday >= 5, 1, 0)
    kind[np.isin(days, makeup_workdays())] = 0
    kind[np.isin(days, holidays())] = 2
    sf = spring_festival_days()
    kind[np.isin(days, sf)] = 3
    after = np.concatenate([np.arange(d + 1, d + 8) for d in sf[np.isin(sf + 1, sf, invert=True)]])
    kind[np.isin(days, after) & (kind == 0)] = 4
    return days, kind


def busday_offset(days: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Working-day arithmetic on datetime64[D] arrays, as the repair page counts: weekends and
    statutory holidays are off, adjusted weekend working days (调休上班) are on. A day that is not
    a working day first rolls forward to the next one (numpy's busday_offset, roll="forward");
    offsets are zero or positive."""
    days = np.asarray(days, dtype="M8[D]")
    offsets = np.asarray(offsets, dtype="int64")
    if days.size == 0:
        return days.copy()
    first = days.min().astype(object)
    last = (days.max() + int(offsets.max()) * 3 + 45).astype(object)  # wide enough for any holiday
    calendar_days, kind = day_kinds(first, last)
    working = calendar_days[(kind == 0) | (kind == 4)]
    return working[np.searchsorted(working, days, side="left") + offsets]
