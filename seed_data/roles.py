"""How each operator role uses the platform: volumes, purposes, channels and working rhythm."""

from __future__ import annotations

import numpy as np

from data_access.schema.reference import read_catalogue

PURPOSES = [r["code"] for r in read_catalogue("purposes")]
CHANNELS = ["WINDOW", "WEB", "API", "DASHBOARD"]
ROLES = ["window", "officer", "inspector", "duty", "hr", "api"]

# Mean lookups per working day (duty: per night shift); individual rates vary lognormally.
DAILY_RATE = {
    "window": 78.0,
    "officer": 11.0,
    "inspector": 14.0,
    "duty": 18.0,
    "hr": 5.0,
    "api": 3.0,
}
RATE_SPREAD = 0.22
# Batch checks (hundreds of lookups under one authorisation ref): per working day, size range.
BATCHES = {"hr": (0.10, 100, 500), "api": (0.15, 50, 300)}
# Relative volume by day kind: workday, weekend, holiday, Spring Festival, week after it.
DAY_WEIGHT = {
    "window": (1.0, 0.08, 0.02, 0.0, 0.8),
    "default": (1.0, 0.05, 0.03, 0.01, 0.75),
}
ROLE_PURPOSES: dict[str, dict[str, float]] = {
    "window": {"LICENSING": 0.30, "SELF": 0.28, "AUTHORIZED": 0.27, "POLICY_SUPPORT": 0.06,
               "PUBLIC_FUNDS": 0.04, "HONESTY_AWARD": 0.02, "REPAIR": 0.02, "OBJECTION": 0.01},
    "officer": {"LICENSING": 0.25, "PRACTICE": 0.15, "PUBLIC_FUNDS": 0.12, "POLICY_SUPPORT": 0.12,
                "COMMENDATION": 0.08, "OBJECTION": 0.08, "REPAIR": 0.08, "APPOINTMENT": 0.04,
                "HONESTY_AWARD": 0.04, "EXECUTIVE": 0.04},
    "inspector": {"ENFORCEMENT": 0.88, "LICENSING": 0.07, "PRACTICE": 0.05},
    "duty": {"ENFORCEMENT": 1.0},
    "hr": {"EMPLOYMENT": 0.45, "CIVIL_SERVICE": 0.25, "LABOUR": 0.1, "APPOINTMENT": 0.1,
           "COMMENDATION": 0.1},
    "api": {"PRACTICE": 0.5, "EXECUTIVE": 0.3, "LABOUR": 0.2},
}  # fmt: skip
BATCH_PURPOSES = {
    "hr": {"EMPLOYMENT": 0.6, "CIVIL_SERVICE": 0.4},
    "api": {"PRACTICE": 0.6, "EXECUTIVE": 0.4},
}
ROLE_CHANNELS: dict[str, dict[str, float]] = {
    "window": {"WINDOW": 1.0},
    "officer": {"WEB": 0.7, "DASHBOARD": 0.3},
    "inspector": {"WEB": 0.8, "DASHBOARD": 0.2},
    "duty": {"WEB": 1.0},
    "hr": {"WEB": 1.0},
    "api": {"API": 1.0},
}
# Authorisation-reference prefix by purpose (ENFORCEMENT uses case numbers instead).
REF_PREFIX = {
    "LICENSING": "XK", "SELF": "BR", "AUTHORIZED": "SQ", "POLICY_SUPPORT": "FC",
    "PUBLIC_FUNDS": "CZ", "HONESTY_AWARD": "PX", "REPAIR": "XF", "OBJECTION": "YY",
    "PRACTICE": "ZY", "COMMENDATION": "PY", "APPOINTMENT": "RM", "EXECUTIVE": "GG",
    "EMPLOYMENT": "ZP", "CIVIL_SERVICE": "GW", "LABOUR": "YG", "ENFORCEMENT": "ZF",
}  # fmt: skip
NO_PURPOSE_SHARE = 0.02  # ordinary lookups without a purpose (and so without a reference)
NO_REF_SHARE = 0.03  # with a purpose but no reference
OWN_COUNTY_SHARE = 0.85

# Time-of-day mixtures (hours): day shift with a lunch dip; night shift 18:00-08:00.
DAY_SHIFT = (
    (0.47, 8.5, 12.0),
    (0.45, 14.5, 18.0),
    (0.04, 12.0, 14.5),
    (0.02, 7.75, 8.5),
    (0.02, 18.0, 19.5),
)
NIGHT_SHIFT = ((0.5, 18.0, 24.0), (0.2, 24.0, 26.0), (0.1, 26.0, 30.0), (0.2, 30.0, 32.0))


def pick(rng: np.random.Generator, table: dict[str, float], n: int, codes: list[str]) -> np.ndarray:
    """Draw n codes from a {code: share} table; returns indices into codes."""
    keys = list(table)
    p = np.array([table[k] for k in keys])
    idx = np.array([codes.index(k) for k in keys])
    return idx[rng.choice(len(keys), size=n, p=p / p.sum())]


def seconds_of_day(rng: np.random.Generator, n: int, mixture) -> np.ndarray:
    """Seconds after midnight of the shift day (may exceed 86,400 for night shifts)."""
    p = np.array([c[0] for c in mixture])
    comp = rng.choice(len(mixture), size=n, p=p / p.sum())
    lo = np.array([c[1] for c in mixture])[comp]
    hi = np.array([c[2] for c in mixture])[comp]
    return (lo + rng.random(n) * (hi - lo)) * 3600.0
