"""Shared helpers of the generator: scales, seeded random streams and vectorised date formatting."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

import numpy as np

CITY_POPULATION = 9_026_015  # 2020 census, the real size of Zhoukou
EPOCH = dt.date(1970, 1, 1)
US_PER_DAY = 86_400_000_000


@dataclass(frozen=True)
class Scale:
    name: str
    persons: int
    query_days: int  # length of the query log, ending the day before the as-of date
    episodes: int  # labelled misuse episodes


SCALES: dict[str, Scale] = {
    "tiny": Scale("tiny", 2_000, 21, 4),
    "demo": Scale("demo", 50_000, 365, 10),
    "city": Scale("city", CITY_POPULATION, 365, 21),
}


def stage_rng(seed: int, stage: str, *extra: int) -> np.random.Generator:
    """An independent, reproducible random stream for one stage (and optional sub-key)."""
    return np.random.default_rng([seed, zlib.crc32(stage.encode()), *extra])


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def date_strings(days: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DD' strings for day numbers."""
    return np.datetime_as_string(np.asarray(days, dtype="int64").astype("M8[D]"), unit="D")


def datetime_strings(us: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's SQLite format) for microseconds since epoch."""
    text = np.datetime_as_string(np.asarray(us, dtype="int64").astype("M8[us]"), unit="us")
    return np.strings.replace(text, "T", " ")


def nullable(values: np.ndarray, mask: np.ndarray) -> list:
    """values as a Python list with None where mask is True."""
    out = values.tolist()
    for i in np.flatnonzero(mask).tolist():
        out[i] = None
    return out


def add_months(days: np.ndarray, months: np.ndarray | int) -> np.ndarray:
    """Vectorised data_access.queries.display_period.add_months on day numbers."""
    d = np.asarray(days, dtype="int64").astype("M8[D]")
    month_start = d.astype("M8[M]")
    dom = (d - month_start.astype("M8[D]")).astype("int64")
    target = month_start + np.asarray(months, dtype="int64")
    last = ((target + 1).astype("M8[D]") - target.astype("M8[D]")).astype("int64") - 1
    return (target.astype("M8[D]") + np.minimum(dom, last)).astype("int64")


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month, day arrays of day numbers."""
    d = np.asarray(days, dtype="int64").astype("M8[D]")
    y = d.astype("M8[Y]").astype("int64") + 1970
    m = d.astype("M8[M]").astype("int64") % 12 + 1
    dd = (d - d.astype("M8[M]").astype("M8[D]")).astype("int64") + 1
    return y, m, dd


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Split an integer total in proportion to weights (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    exact = total * w / w.sum()
    out = np.floor(exact).astype(np.int64)
    rest = total - out.sum()
    if rest > 0:
        out[np.argsort(-(exact - out), kind="stable")[:rest]] += 1
    return out


def sample_linear_ramp(
    rng: np.random.Generator, n: int, lo: int, hi: int, ratio: float
) -> np.ndarray:
    """Day numbers in [lo, hi] with a density rising linearly by `ratio` from lo to hi."""
    u = rng.random(n)
    a, b = 1.0, ratio
    x = (np.sqrt(a * a + (b * b - a * a) * u) - a) / (b - a)
    return lo + np.floor(x * (hi - lo + 1)).astype(np.int64).clip(0, hi - lo)
