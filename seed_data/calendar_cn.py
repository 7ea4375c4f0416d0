"""Chinese public holidays and adjusted working days (State Council notices), 2024-2026.

Hard-coded from the annual State Council General Office notices on public-holiday arrangements.
Dates outside these years are treated as ordinary weeks (Monday-Friday working days).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

# (first day, last day) of each statutory holiday block; the Spring Festival flagged separately.
HOLIDAY_BLOCKS: tuple[tuple[str, str, str], ...] = (
    ("2024-01-01", "2024-01-01", "New Year"),
    ("2024-02-10", "2024-02-17", "Spring Festival"),
    ("2024-04-04", "2024-04-06", "Qingming"),
    ("2024-05-01", "2024-05-05", "Labour Day"),
    ("2024-06-10", "2024-06-10", "Dragon Boat"),
    ("2024-09-15", "2024-09-17", "Mid-Autumn"),
    ("2024-10-01", "2024-10-07", "National Day"),
    ("2025-01-01", "2025-01-01", "New Year"),
    ("2025-01-28", "2025-02-04", "Spring Festival"),
    ("2025-04-04", "2025-04-06", "Qingming"),
    ("2025-05-01", "2025-05-05", "Labour Day"),
    ("2025-05-31", "2025-06-02", "Dragon Boat"),
    ("2025-10-01", "2025-10-08", "National Day and Mid-Autumn"),
    ("2026-01-01", "2026-01-03", "New Year"),
    ("2026-02-15", "2026-02-23", "Spring Festival"),
    ("2026-04-04", "2026-04-06", "Qingming"),
    ("2026-05-01", "2026-05-05", "Labour Day"),
    ("2026-06-19", "2026-06-21", "Dragon Boat"),
    ("2026-09-25", "2026-09-27", "Mid-Autumn"),
    ("2026-10-01", "2026-10-07", "National Day"),
)

# Weekend days that are working days (调休上班).
MAKEUP_WORKDAYS: tuple[str, ...] = (
    "2024-02-04", "2024-02-18", "2024-04-07", "2024-04-28", "2024-05-11", "2024-09-14",
    "2024-09-29", "2024-10-12",
    "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11",
    "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10",
)  # fmt: skip


def _expand(first: str, last: str) -> np.ndarray:
    return np.arange(np.datetime64(first), np.datetime64(last) + 1)


def holidays() -> np.ndarray:
    """Every statutory holiday date as datetime64[D]."""
    return np.concatenate([_expand(a, b) for a, b, _ in HOLIDAY_BLOCKS])


def spring_festival_days() -> np.ndarray:
    return np.concatenate([_expand(a, b) for a, b, n in HOLIDAY_BLOCKS if n == "Spring Festival"])


def day_kinds(first: dt.date, last: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Days first..last (datetime64[D]) and their kind: 0 workday, 1 weekend, 2 holiday, 3 Spring
    Festival, 4 first week back after the Spring Festival (a slow restart)."""
    days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
    weekday = (days.astype("int64") + 3) % 7  # 0 = Monday
    kind = np.where(weekday >= 5, 1, 0)
    kind[np.isin(days, np.array(MAKEUP_WORKDAYS, dtype="M8[D]"))] = 0
    kind[np.isin(days, holidays())] = 2
    sf = spring_festival_days()
    kind[np.isin(days, sf)] = 3
    after = np.concatenate([np.arange(d + 1, d + 8) for d in sf[np.isin(sf + 1, sf, invert=True)]])
    kind[np.isin(days, after) & (kind == 0)] = 4
    return days, kind


def busday_offset(days: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Working-day arithmetic (weekends and statutory holidays are off) on datetime64[D] arrays."""
    return np.busday_offset(days, offsets, roll="forward", holidays=holidays())
