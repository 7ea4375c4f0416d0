"""Department deliveries of catalogue items (submission) and annual progress reports.

Every catalogue item has a row for every period from 2024-01 (2024-Q1) up to the period of the
as-of date; due the 15th of the month after the period ends. Department profiles give the
progress board a story: most departments punctual, three laggards, one improving markedly.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from data_access.schema.reference import read_catalogue
from seed_data.common import US_PER_DAY, day_number, stage_rng, ymd
from seed_data.persons import Population
from seed_data.records import CATEGORIES, DEPARTMENTS, DOMAINS, Records
from seed_data.rosters import Rosters, professions

FIRST_YEAR = 2024
# dept -> (on-time share, late share) at the start (2024-01) and at the end (as-of); rest missing
DEFAULT_PROFILE = ((0.88, 0.10), (0.90, 0.09))
PROFILES = {
    "URBAN": ((0.40, 0.38), (0.45, 0.35)),  # laggard
    "COMMERCE": ((0.45, 0.35), (0.40, 0.40)),  # laggard, not improving
    "CULTURE": ((0.50, 0.30), (0.50, 0.30)),  # laggard
    "HOUSING": ((0.25, 0.40), (0.93, 0.06)),  # clearly improving
    "PBOC": ((0.97, 0.03), (0.98, 0.02)),  # a model department
}
HIGH_REJECTION = {"URBAN": 0.08, "COMMERCE": 0.06, "HOUSING": 0.04}
NEVER_FILED = {"URBAN", "COMMERCE", "ZK-PORT"}


@dataclass
class Submissions:
    columns: dict[str, list]


def periods(frequency: str, as_of: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """(period, first day, due date) from 2024 to the period containing the as-of date."""
    out = []
    step = 1 if frequency == "monthly" else 3
    year, month = FIRST_YEAR, 1
    while dt.date(year, month, 1) <= as_of:
        end_month = month + step - 1
        ny, nm = (year + 1, 1) if end_month == 12 else (year, end_month + 1)
        label = f"{year}-{month:02d}" if step == 1 else f"{year}-Q{(month - 1) // 3 + 1}"
        out.append((label, dt.date(year, month, 1), dt.date(ny, nm, 15)))
        year, month = (year + 1, 1) if month + step > 12 else (year, month + step)
    return out


def _volumes(
    pop: Population, rosters: Rosters, rec: Records, item: dict, start: dt.date, due: dt.date
) -> int:
    first = day_number(start)
    last = day_number(due.replace(day=1)) - 1
    cat = item["category_code"]
    if item["kind"] == "roster":
        p = [x["code"] for x in professions()].index(item["subject"])
        sel = (rosters.profession == p) & (rosters.valid_from <= last)
        return int((sel & ((rosters.valid_to < 0) | (rosters.valid_to >= first))).sum())
    if item["kind"] == "basic":
        return int(pop.n * 0.004 * (last - first + 1) / 30)
    sel = (rec.category == CATEGORIES.index(cat)) & (
        rec.dept == DEPARTMENTS.index(item["dept_code"])
    )
    if cat == "ADMIN_PENALTY":
        sel &= rec.domain == DOMAINS.index(item["subject"])
    return int((sel & (rec.decision >= first) & (rec.decision <= last)).sum())


def generate_submissions(
    seed: int, pop: Population, rosters: Rosters, rec: Records, as_of: dt.date
) -> dict[str, list]:
    rng = stage_rng(seed, "submissions")
    as_of_day = day_number(as_of)
    span = as_of_day - day_number(dt.date(FIRST_YEAR, 1, 1))
    cols: dict[str, list] = {
        k: []
        for k in (
            "submission_id",
            "item_code",
            "period",
            "due_date",
            "submitted_at",
            "rows_submitted",
            "rows_accepted",
            "rows_rejected",
        )
    }
    for item in read_catalogue("catalog_items"):
        (s_on, s_late), (e_on, e_late) = PROFILES.get(item["dept_code"], DEFAULT_PROFILE)
        for label, start, due in periods(item["frequency"], as_of):
            due_day = day_number(due)
            t = min(max((day_number(start) - day_number(dt.date(FIRST_YEAR, 1, 1))) / span, 0), 1)
            on, late = s_on + (e_on - s_on) * t, s_late + (e_late - s_late) * t
            u = rng.random()
            period_end = day_number(due.replace(day=1))
            if u < on:
                day = due_day - int(rng.integers(0, 12))
            elif u < on + late:
                day = due_day + int(rng.integers(1, 12 if rng.random() < 0.7 else 75))
            else:
                day = None
            day = max(day, period_end) if day is not None else None
            if day is not None and day >= as_of_day:
                day = None
            moment = None
            if day is not None:
                sec = int(rng.integers(int(8.7 * 3600), int(17.8 * 3600)))
                moment = str(
                    np.datetime_as_string(
                        np.array(
                            day * US_PER_DAY + sec * 1_000_000 + int(rng.integers(0, 10**6)),
                            dtype="M8[us]",
                        ),
                        unit="us",
                    )
                ).replace("T", " ")
            rows = 0
            rejected = 0
            if moment is not None:
                rows = _volumes(pop, rosters, rec, item, start, due)
                rows = int(rows + rng.poisson(0.02 * rows + 0.3))
                rate = HIGH_REJECTION.get(item["dept_code"], 0.01) * rng.random() * 2
                if rng.random() < 0.03:
                    rate = rng.uniform(0.2, 0.6)
                rejected = int(rng.binomial(rows, min(rate, 1.0)))
            cols["submission_id"].append(f"{item['code']}:{label}")
            cols["item_code"].append(item["code"])
            cols["period"].append(label)
            cols["due_date"].append(due.isoformat())
            cols["submitted_at"].append(moment)
            cols["rows_submitted"].append(rows)
            cols["rows_accepted"].append(rows - rejected)
            cols["rows_rejected"].append(rejected)
    return cols


def generate_annual_reports(seed: int, as_of: dt.date) -> dict[str, list]:
    """Annual reports of every reporting unit for 2024 .. the as-of year, due 31 December."""
    rng = stage_rng(seed, "annual-reports")
    units = [r["code"] for r in read_catalogue("departments")] + [
        r["code"] for r in read_catalogue("counties")
    ]
    cols: dict[str, list] = {
        "unit_code": [],
        "year": [],
        "due_date": [],
        "filed_at": [],
        "summary": [],
    }
    for year in range(FIRST_YEAR, as_of.year + 1):
        for unit in units:
            u = rng.random()
            never = 0.5 if unit in NEVER_FILED else 0.03
            if u < never:
                day = None
            elif u < never + 0.15:
                day = dt.date(year + 1, 1, 1) + dt.timedelta(days=int(rng.integers(0, 25)))
            elif u < never + 0.30:
                day = dt.date(year, 11, 1) + dt.timedelta(days=int(rng.integers(0, 30)))
            else:
                day = dt.date(year, 12, 1) + dt.timedelta(days=int(rng.integers(0, 31)))
            filed = None
            if day is not None and day < as_of:
                sec = int(rng.integers(int(8.7 * 3600), int(17.8 * 3600)))
                filed = f"{day.isoformat()} {sec // 3600:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}.000000"
            cols["unit_code"].append(unit)
            cols["year"].append(year)
            cols["due_date"].append(f"{year}-12-31")
            cols["filed_at"].append(filed)
            cols["summary"].append(f"{year}年度社会信用体系建设工作报告" if filed else "")
    return cols


__all__ = ["generate_annual_reports", "generate_submissions", "periods", "ymd"]
