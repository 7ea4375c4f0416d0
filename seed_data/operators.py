"""Operators of the credit platform: residents who work in departments' windows and offices.

About 3 per 10,000 residents, never fewer than 60; each department that has operators has at
least two. Each operator is a resident (a row of person) of working age, living in the county
where they work (city-level operators live in the urban district).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seed_data.common import allocate, day_number, stage_rng
from seed_data.persons import Population

PER_10000 = 3.0
MINIMUM = 60
# department -> (weight, {role: share}); roles: window, officer, inspector, duty, hr, api
DEPARTMENT_ROLES: dict[str, tuple[float, dict[str, float]]] = {
    "GOVSERVICE": (28, {"window": 0.9, "officer": 0.1}),
    "PSB": (12, {"officer": 0.5, "duty": 0.35, "inspector": 0.15}),
    "COURT": (6, {"officer": 0.6, "duty": 0.4}),
    "SAMR": (7, {"inspector": 0.75, "officer": 0.25}),
    "HRSS": (5, {"hr": 0.5, "officer": 0.5}),
    "DRC": (4, {"officer": 1.0}),
    "EMERGENCY": (3, {"inspector": 0.8, "officer": 0.2}),
    "ECOENV": (3, {"inspector": 0.8, "officer": 0.2}),
    "ORG": (3, {"hr": 1.0}),
    "EDU": (3, {"hr": 0.6, "officer": 0.4}),
    "HEALTH": (3, {"hr": 0.4, "officer": 0.6}),
    "TAX": (3, {"officer": 0.7, "inspector": 0.3}),
    "PBOC": (3, {"api": 0.5, "officer": 0.5}),
    "NFRA": (2, {"api": 0.5, "officer": 0.5}),
    "HOUSING": (2, {"officer": 0.6, "inspector": 0.4}),
    "TRANSPORT": (2, {"officer": 0.5, "inspector": 0.5}),
    "URBAN": (2, {"inspector": 0.7, "officer": 0.3}),
    "FINANCE": (1.5, {"officer": 1.0}),
    "CIVIL": (1, {"officer": 1.0}),
    "CIVILIZATION": (1, {"officer": 1.0}),
    "JUSTICE": (1, {"officer": 1.0}),
    "COMMERCE": (1, {"officer": 1.0}),
    "CULTURE": (1, {"officer": 1.0}),
    "AUDIT": (1, {"officer": 1.0}),
    "FIRE": (1, {"inspector": 1.0}),
    "PROPAGANDA": (0.8, {"officer": 1.0}),
    "POSTAL": (0.8, {"officer": 1.0}),
}
ROLE_NAMES = {"window": "window", "officer": "officer", "inspector": "inspector",
              "duty": "duty_officer", "hr": "hr", "api": "api_batch"}  # fmt: skip
CITY_LEVEL_SHARE = {"window": 0.12, "duty": 0.5}
DEFAULT_CITY_LEVEL_SHARE = 0.4


@dataclass
class Operators:
    operator_id: np.ndarray  # str
    person: np.ndarray  # person index
    dept: np.ndarray  # str department code
    role: np.ndarray  # str short role (window, officer, inspector, duty, hr, api)
    county: np.ndarray  # county index, -1 = city level
    terminal: np.ndarray  # str

    @property
    def n(self) -> int:
        return len(self.person)


def operator_count(persons: int) -> int:
    return max(MINIMUM, round(PER_10000 * persons / 10_000))


def _department_sizes(n: int) -> dict[str, int]:
    depts = sorted(DEPARTMENT_ROLES, key=lambda d: -DEPARTMENT_ROLES[d][0])
    chosen: list[str] = []
    for d in depts:
        if 2 * (len(chosen) + 1) <= 0.6 * n:
            chosen.append(d)
    weights = np.array([DEPARTMENT_ROLES[d][0] for d in chosen])
    extra = allocate(n - 2 * len(chosen), weights)
    return {d: 2 + int(e) for d, e in zip(chosen, extra, strict=True)}


def generate_operators(seed: int, pop: Population, as_of) -> Operators:
    rng = stage_rng(seed, "operators")
    as_of_day = day_number(as_of)
    age = pop.age_years(as_of_day)
    pop_weight = (pop.stop - pop.start).astype(float)
    taken: set[int] = set()
    rows: list[tuple[str, int, str, str, int, str]] = []
    for dept, size in _department_sizes(operator_count(pop.n)).items():
        mix = DEPARTMENT_ROLES[dept][1]
        counts = allocate(size, np.array(list(mix.values())))
        serial = 0
        for role, k in zip(mix, counts, strict=True):
            city_share = CITY_LEVEL_SHARE.get(role, DEFAULT_CITY_LEVEL_SHARE)
            for j in range(int(k)):
                if role == "window" and j < len(pop_weight) and k >= len(pop_weight):
                    county = j  # every county's service hall has at least one window
                elif rng.random() < city_share:
                    county = -1
                else:
                    county = int(rng.choice(len(pop_weight), p=pop_weight / pop_weight.sum()))
                home = county if county >= 0 else pop.county_codes.index("411602")
                for _ in range(200):
                    cand = int(rng.integers(pop.start[home], pop.stop[home]))
                    if 23 <= age[cand] <= 58 and cand not in taken:
                        break
                taken.add(cand)
                serial += 1
                where = pop.county_codes[county] if county >= 0 else "CITY"
                terminal = f"{dept}-{where}-{'W' if role == 'window' else 'T'}{serial:03d}"
                if role == "duty":
                    terminal = f"{dept}-{where}-DUTY"
                rows.append((f"{dept.lower()}{serial:04d}", cand, dept, role, county, terminal))
    cols = list(zip(*rows, strict=True))
    return Operators(
        operator_id=np.array(cols[0]),
        person=np.array(cols[1], dtype=np.int64),
        dept=np.array(cols[2]),
        role=np.array(cols[3]),
        county=np.array(cols[4], dtype=np.int64),
        terminal=np.array(cols[5]),
    )
