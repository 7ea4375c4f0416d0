"""Counties, townships and villages: 12-digit residence codes and village sizes.

A residence code is the county code (6 digits) + township (3) + village (3), following the
statistical division codes: townships 001-0xx are urban street offices (街道), 1xx towns (镇),
2xx rural townships (乡); inside a township 001-0xx are residents' communities (社区) and 2xx
village committees (村委会).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from data_access.schema.reference import read_catalogue
from seed_data.common import allocate, stage_rng


@dataclass(frozen=True)
class County:
    index: int
    code: str
    name_zh: str
    population_2018: int
    historical: tuple[str, ...]


def counties() -> list[County]:
    """The ten county-level units with residents (zones have none), in catalogue order."""
    out: list[County] = []
    for row in read_catalogue("counties"):
        if row["kind"] == "zone":
            continue
        hist = tuple(filter(None, row["historical_id_codes"].split(";")))
        out.append(County(len(out), row["code"], row["name_zh"], int(row["population_2018"]), hist))
    return out


def persons_per_county(total: int) -> np.ndarray:
    return allocate(total, np.array([c.population_2018 for c in counties()]))


def villages(seed: int, county: County, n_residents: int) -> tuple[np.ndarray, np.ndarray]:
    """Populated residence codes of a county (int64) and their relative sizes.

    Each county has 15-25 townships of 15-30 villages; at small scales only a sample of villages is
    populated (about 60 residents per village or more) so that kin and neighbours still exist.
    """
    rng = stage_rng(seed, "villages", county.index)
    urban = county.code == "411602"
    n_town = int(rng.integers(15, 26))
    n_street = int(rng.integers(7, 11)) if urban else int(rng.integers(1, 4))
    codes: list[int] = []
    size: list[float] = []
    base = int(county.code) * 1_000_000
    for t in range(n_town):
        if t < n_street:
            tcode = t + 1
        elif t < n_street + (n_town - n_street) * 3 // 5:
            tcode = 100 + (t - n_street) + 1
        else:
            tcode = 200 + (t - n_street - (n_town - n_street) * 3 // 5) + 1
        n_vil = int(rng.integers(15, 31))
        street = tcode < 100
        n_comm = n_vil if street else int(rng.integers(1, 4))
        for v in range(n_vil):
            vcode = v + 1 if v < n_comm else 200 + (v - n_comm) + 1
            codes.append(base + tcode * 1000 + vcode)
            size.append(rng.lognormal(0.4 if street else 0.0, 0.45))
    codes_a = np.array(codes, dtype=np.int64)
    size_a = np.array(size)
    keep = max(3, n_residents // 60)
    if keep < len(codes_a):
        pick = np.sort(rng.choice(len(codes_a), size=keep, replace=False))
        codes_a, size_a = codes_a[pick], size_a[pick]
    return codes_a, size_a / size_a.sum()
