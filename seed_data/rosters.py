"""Rosters of the 25 key professions, of adult students (opinion 二.五.5: 成年在校学生诚信档案), and
the QUALIFICATION records (for students: the integrity file) their departments report.

Sizes are per 10,000 residents (see README), varied by county (the urban district Chuanhui has
more professionals, every county gets its own random factor). About 8 % of licences have ended.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from data_access.schema.reference import read_catalogue
from seed_data.common import day_number, stage_rng
from seed_data.persons import Population

# code -> (members per 10,000 residents, youngest, oldest, licence-number prefix, urban factor)
PROFESSION_RATES: dict[str, tuple[float, int, int, str, float]] = {
    "CIVIL_SERVANT": (42, 22, 59, "GWY", 1.6),
    "LEGAL_REP": (160, 22, 65, "FR", 1.5),
    "LAWYER": (2.3, 24, 65, "1411", 2.5),
    "TEACHER": (120, 21, 59, "JSZG", 1.1),
    "PHYSICIAN": (26, 24, 65, "YS", 1.8),
    "PHARMACIST": (3.0, 22, 65, "ZYYS", 1.6),
    "APPRAISER": (0.3, 25, 65, "ZCPG", 3.0),
    "TAX_AGENT": (0.4, 25, 65, "SWS", 3.0),
    "SAFETY_ENGINEER": (1.5, 25, 60, "ZCAQ", 1.8),
    "FIRE_ENGINEER": (0.4, 25, 60, "XFGC", 2.5),
    "ACCOUNTANT": (20, 22, 60, "KJ", 1.5),
    "AUDITOR": (0.5, 25, 60, "SJS", 3.0),
    "REAL_ESTATE_AGENT": (6.0, 20, 55, "FDC", 2.5),
    "CERTIFIER": (0.6, 25, 60, "RZ", 2.0),
    "FINANCE_STAFF": (25, 22, 60, "JR", 1.8),
    "INSURANCE_STAFF": (30, 20, 60, "BX", 1.4),
    "MEDIA_STAFF": (2.0, 22, 60, "XW", 2.5),
    "TOUR_GUIDE": (0.4, 20, 55, "DY", 2.5),
    "SAFETY_ASSESSOR": (0.3, 25, 60, "AQPJ", 2.5),
    "HEALTH_ASSESSOR": (0.3, 25, 60, "WSPJ", 2.5),
    "ROAD_TRANSPORT": (45, 21, 60, "CY", 1.0),
    "QUALITY_INSPECTOR": (2.0, 22, 60, "ZJ", 1.8),
    "PROJECT_LEAD": (5.0, 25, 62, "JL", 1.5),
    "VOLUNTEER": (800, 18, 70, "ZYZ", 1.2),
    "COURIER": (15, 18, 55, "KD", 1.6),
    # Students aged 18 and over in Zhoukou's higher and vocational education: 周口师范学院 and five
    # vocational colleges (about 75,000 full-time students) and the adult students of secondary
    # vocational schools (about 15,000): some 90,000, 100 per 10,000 residents, most of them on
    # the campuses of the central district. The "licence" is the student number (学籍号).
    "ADULT_STUDENT": (100, 18, 24, "XJ", 3.0),
}
ENDED_SHARE = 0.08
QUALIFICATION_COVERAGE = 0.94
# Coverage gaps: counties and professions whose departments report fewer qualification records.
WEAK_COUNTIES = {"411627": 0.72, "411625": 0.78}
WEAK_PROFESSIONS = {"ROAD_TRANSPORT": 0.62, "REAL_ESTATE_AGENT": 0.66, "COURIER": 0.74}


@dataclass
class Rosters:
    person: np.ndarray  # int64 person index
    profession: np.ndarray  # int index into professions()
    licence: np.ndarray  # str
    valid_from: np.ndarray  # day numbers
    valid_to: np.ndarray  # day numbers, -1 when current
    qualified: np.ndarray  # bool: a QUALIFICATION record was reported
    qualification_day: np.ndarray  # decision date of that record

    @property
    def current(self) -> np.ndarray:
        return self.valid_to < 0


def professions() -> list[dict[str, str]]:
    return list(read_catalogue("professions"))


def generate_rosters(seed: int, pop: Population, as_of: dt.date) -> Rosters:
    as_of_day = day_number(as_of)
    parts: list[dict[str, np.ndarray]] = []
    age = pop.age_years(as_of_day)
    for p_idx, prof in enumerate(professions()):
        rate, lo, hi, prefix, urban = PROFESSION_RATES[prof["code"]]
        rng = stage_rng(seed, "roster", p_idx)
        factor = rng.lognormal(0.0, 0.2, size=len(pop.county_codes))
        factor[pop.county_codes.index("411602")] *= urban
        sizes = pop.stop - pop.start
        expected = rate * sizes / 10_000 * factor
        counts = np.floor(expected + rng.random(len(expected))).astype(np.int64)
        if counts.sum() == 0:
            counts[rng.choice(len(counts), p=expected / expected.sum())] = 1
        for c, k in enumerate(counts):
            if k == 0:
                continue
            span = np.arange(pop.start[c], pop.stop[c])
            pool = span[(age[span] >= lo) & (age[span] <= hi)]
            members = rng.choice(pool, size=min(int(k), len(pool)), replace=False)
            parts.append(_entries(rng, pop, members, p_idx, prof["code"], prefix, c, as_of_day, lo))
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    return Rosters(**cols)


def _entries(rng, pop, members, p_idx, code, prefix, county, as_of_day, youngest) -> dict:
    n = len(members)
    earliest = np.maximum(
        pop.birth[members] + int(youngest * 365.25), day_number(dt.date(2003, 1, 1))
    )
    latest = as_of_day - 30
    earliest = np.minimum(earliest, latest - 1)
    valid_from = earliest + np.floor(rng.random(n) * (latest - earliest)).astype(np.int64)
    ended = rng.random(n) < ENDED_SHARE
    end = valid_from + 365 + np.floor(rng.random(n) * np.maximum(as_of_day - valid_from - 365, 1))
    valid_to = np.where(ended & (end < as_of_day), end, -1).astype(np.int64)
    year = (valid_from / 365.25 + 1970).astype(np.int64)
    county_code = pop.county_codes[county]
    serial = rng.permutation(np.arange(1, n + 1)) + int(rng.integers(100, 900)) * 100
    licence = np.strings.add(
        np.strings.add(f"{prefix}", year.astype("U4")),
        np.strings.add(county_code, np.strings.zfill(serial.astype("U"), 6)),
    )
    coverage = min(
        QUALIFICATION_COVERAGE,
        WEAK_COUNTIES.get(county_code, 1.0),
        WEAK_PROFESSIONS.get(code, 1.0),
    )
    qualified = (valid_to < 0) & (rng.random(n) < coverage)
    first = np.maximum(valid_from, as_of_day - 4 * 365)
    q_day = first + np.floor(rng.random(n) * (as_of_day - first)).astype(np.int64)
    return {
        "person": members.astype(np.int64),
        "profession": np.full(n, p_idx, dtype=np.int16),
        "licence": licence,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "qualified": qualified,
        "qualification_day": q_day,
    }
