"""Residents: age pyramid, gender, clan-structured surnames, given names and valid ID numbers.

Everything is held column-wise in numpy arrays (the Population), ordered by county, so that later
stages can pick subjects, practitioners and operators without Python objects per person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from seed_data import names
from seed_data.common import day_number, stage_rng, ymd
from seed_data.geography import counties, persons_per_county, villages

# Share (per cent) of residents by 5-year age band 0-4 .. 95-99: a Zhoukou-like pyramid after the
# 2020 census (0-14 about 27 %, 15-59 about 52.6 %, 60+ about 20.4 %), with a dip at 20-44 where
# many adults work away from home.
AGE_BAND_SHARES = np.array(
    [6.5, 9.8, 10.7, 6.8, 4.2, 4.5, 6.3, 5.4, 4.6, 6.8, 8.1, 5.9,
     5.2, 5.6, 4.3, 2.6, 1.6, 0.8, 0.25, 0.05]
)  # fmt: skip
# Probability of being male by age: high sex ratio of the 2000s-2010s cohorts, more women at 80+.
MALE_P_BY_AGE = ((20, 0.535), (60, 0.506), (80, 0.49), (200, 0.42))
OUTSIDE_BIRTH_SHARE = 0.02
OUTSIDE_CODES = np.array(
    [410102, 410105, 410302, 410402, 410502, 410702, 411102, 411302, 411402, 411502, 411702,
     341202, 341602, 340102, 320102, 330106, 440304, 370102]
)  # fmt: skip
SENSITIVE_SHARE = 0.0005
MIN_SENSITIVE = 5
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


@dataclass
class Population:
    """The residents, column-wise; index i is the same person in every array."""

    county_codes: list[str]
    county_idx: np.ndarray  # int8
    birth: np.ndarray  # int64 day numbers
    male: np.ndarray  # bool
    surname: np.ndarray  # int16 into names.SURNAMES
    given: np.ndarray  # int32 into names.GIVEN_NAMES
    residence: np.ndarray  # int64 12-digit code
    sensitive: np.ndarray  # bool
    ids: np.ndarray  # U18
    keys: np.ndarray  # int64: the first 17 digits of the ID number (sorts like ids)
    start: np.ndarray  # first index of each county
    stop: np.ndarray

    @property
    def n(self) -> int:
        return len(self.ids)

    def names(self, idx: np.ndarray) -> np.ndarray:
        return names.full_names(self.surname[idx], self.given[idx])

    def age_years(self, on_day: int) -> np.ndarray:
        return (on_day - self.birth) // 365.25

    def adults(self, on_day: int, lo: int = 18, hi: int = 200) -> np.ndarray:
        """Indices of persons aged lo..hi on the day."""
        age = self.age_years(on_day)
        return np.flatnonzero((age >= lo) & (age <= hi))


def _region_codes(rng: np.random.Generator, county, birth_year: np.ndarray) -> np.ndarray:
    current = int(county.code)
    old = int(county.historical[0]) if county.historical else current
    code = np.where(birth_year < 2000, old, current)
    if county.code == "411603":  # Huaiyang County 411626 until it became a district in 2019
        code = np.where((birth_year >= 2000) & (birth_year <= 2018), 411626, code)
    outside = rng.random(len(code)) < OUTSIDE_BIRTH_SHARE
    code[outside] = rng.choice(OUTSIDE_CODES, size=int(outside.sum()))
    return code


def _surnames(rng: np.random.Generator, village_of: np.ndarray, n_villages: int) -> np.ndarray:
    """1-3 dominant clans per village hold 40-70 % of its residents; others follow Henan shares."""
    k = rng.choice([1, 2, 3], p=[0.35, 0.45, 0.2], size=n_villages)
    clans = np.stack(
        [
            rng.choice(len(names.SURNAMES), size=3, replace=False, p=names.SURNAME_P)
            for _ in range(n_villages)
        ]
    )
    weights = rng.dirichlet([3.0, 2.0, 1.5], size=n_villages)
    weights[k < 3, 2] = 0
    weights[k < 2, 1] = 0
    weights /= weights.sum(axis=1, keepdims=True)
    share = rng.uniform(0.4, 0.7, size=n_villages)
    n = len(village_of)
    general = rng.choice(len(names.SURNAMES), size=n, p=names.SURNAME_P)
    cum = np.cumsum(weights, axis=1)[village_of]
    slot = (rng.random(n)[:, None] > cum).sum(axis=1).clip(0, 2)
    clan = clans[village_of, slot]
    return np.where(rng.random(n) < share[village_of], clan, general).astype(np.int16)


def _county_block(seed: int, county, n: int, as_of: int) -> dict[str, np.ndarray]:
    rng = stage_rng(seed, "persons", county.index)
    band = rng.choice(len(AGE_BAND_SHARES), size=n, p=AGE_BAND_SHARES / AGE_BAND_SHARES.sum())
    age_days = np.floor((band * 5 + rng.random(n) * 5) * 365.25).astype(np.int64)
    birth = as_of - age_days
    year = ymd(birth)[0]
    age = age_days // 365.25
    male_p = np.select([age < lim for lim, _ in MALE_P_BY_AGE], [p for _, p in MALE_P_BY_AGE])
    male = rng.random(n) < male_p
    codes, sizes = villages(seed, county, n)
    village_of = rng.choice(len(codes), size=n, p=sizes)
    return {
        "county_idx": np.full(n, county.index, dtype=np.int8),
        "birth": birth,
        "male": male,
        "region": _region_codes(rng, county, year),
        "surname": _surnames(rng, village_of, len(codes)),
        "given": names.draw_given(rng, year, male).astype(np.int32),
        "residence": codes[village_of],
    }


def _sequences(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """Three-digit sequence numbers: odd for men, even (002..998) for women."""
    half = rng.integers(1, 500, size=len(male))
    return np.where(male, 2 * half + 1, 2 * half)


def _unique_keys(rng: np.random.Generator, region, birth, male) -> np.ndarray:
    """17-digit keys region+birth date+sequence, re-drawing sequences until all are unique."""
    y, m, d = ymd(birth)
    stem = (region.astype(np.int64) * 100_000_000 + y * 10_000 + m * 100 + d) * 1000
    key = stem + _sequences(rng, male)
    while True:
        order = np.argsort(key, kind="stable")
        dup = np.zeros(len(key), dtype=bool)
        dup[order[1:]] = key[order[1:]] == key[order[:-1]]
        if not dup.any():
            return key
        key[dup] = stem[dup] + _sequences(rng, male[dup])


def id_strings(keys: np.ndarray) -> np.ndarray:
    """18-character ID numbers (GB 11643 check character) for 17-digit integer keys."""
    digits = (keys[:, None] // (10 ** np.arange(16, -1, -1, dtype=np.int64))) % 10
    check = _CHECK[(digits @ _WEIGHTS) % 11]
    raw = np.empty((len(keys), 18), dtype=np.uint8)
    raw[:, :17] = digits + 48
    raw[:, 17] = check
    return raw.view("S18").ravel().astype("U18")


def generate_population(seed: int, total: int, as_of: dt.date) -> Population:
    """All residents of the synthetic city, county by county."""
    as_of_day = day_number(as_of)
    cs = counties()
    sizes = persons_per_county(total)
    blocks = [_county_block(seed, c, int(n), as_of_day) for c, n in zip(cs, sizes, strict=True)]
    cols = {k: np.concatenate([b[k] for b in blocks]) for k in blocks[0]}
    rng = stage_rng(seed, "id-numbers")
    keys = _unique_keys(rng, cols["region"], cols["birth"], cols["male"])
    n = len(keys)
    sensitive = np.zeros(n, dtype=bool)
    age = (as_of_day - cols["birth"]) // 365.25
    n_sensitive = max(MIN_SENSITIVE, round(SENSITIVE_SHARE * n))
    sensitive[rng.choice(np.flatnonzero(age >= 30), size=n_sensitive, replace=False)] = True
    stop = np.cumsum(sizes)
    return Population(
        county_codes=[c.code for c in cs],
        county_idx=cols["county_idx"],
        birth=cols["birth"],
        male=cols["male"],
        surname=cols["surname"],
        given=cols["given"],
        residence=cols["residence"],
        sensitive=sensitive,
        ids=id_strings(keys),
        keys=keys,
        start=stop - sizes,
        stop=stop,
    )
