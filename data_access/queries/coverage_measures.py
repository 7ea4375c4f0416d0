"""Coverage measures computed from the aggregates of `coverage` (pure functions, no database).

Rates, the target gap, county matrices and domain summaries; definitions in
`coverage.DEFINITIONS`. Suppression of small cells is left to the display (`small_cells`): these
functions keep the true numbers, so that sorting and totals are right.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access.queries.display_period import add_months

PER = 1000


def gap_persons(current: object, with_file: object, target: float) -> pd.Series | np.ndarray | int:
    """Persons still to be given a file to reach the target: max(0, ceil(target x current) -
    with_file). Works on numbers and on arrays / Series; exact for targets such as 0.95 (the
    product is rounded to 9 decimals before the ceiling, so 0.95 x 100 is 95, not 96)."""
    need = np.ceil(np.round(np.asarray(current, dtype=float) * target, 9))
    gap = np.maximum(need - np.asarray(with_file, dtype=float), 0).astype("int64")
    if isinstance(current, pd.Series):
        return pd.Series(gap, index=current.index)
    return int(gap) if gap.ndim == 0 else gap


def _ratio(numerator: pd.Series, denominator: pd.Series, scale: float = 1.0) -> pd.Series:
    num = numerator.astype(float)
    den = denominator.astype(float)
    return (num * scale / den).where(den > 0)


def population_rates(population: pd.Series) -> dict[str, float | None]:
    """Records per 1,000 adults of the general population (None when there are no adults)."""
    adults = float(population["adults"])
    if adults <= 0:
        return {"negative_per_1000": None, "positive_per_1000": None}
    return {
        "negative_per_1000": population["negative_records"] * PER / adults,
        "positive_per_1000": population["positive_records"] * PER / adults,
    }


COUNT_COLUMNS = [
    "current", "with_file", "updated", "negative_records", "negative_persons",
    "positive_records", "positive_persons",
]  # fmt: skip


def profession_table(
    counts: pd.DataFrame,
    professions: pd.DataFrame,
    population: pd.Series,
    target: float,
) -> pd.DataFrame:
    """One row per profession in scope (also those without current practitioners): the counts
    summed over counties, coverage, updated share, records per 1,000 next to the general
    population's, the target and the gap; sorted by profession code."""
    summed = (
        counts.groupby("profession_code", as_index=False)[COUNT_COLUMNS].sum()
        if not counts.empty
        else pd.DataFrame(columns=["profession_code", *COUNT_COLUMNS])
    )
    table = professions.rename(columns={"code": "profession_code"}).merge(
        summed, on="profession_code", how="left"
    )
    for column in COUNT_COLUMNS:
        table[column] = pd.to_numeric(table[column]).fillna(0).astype("int64")
    rates = population_rates(population)
    table["coverage"] = _ratio(table["with_file"], table["current"])
    table["updated_share"] = _ratio(table["updated"], table["current"])
    table["negative_per_1000"] = _ratio(table["negative_records"], table["current"], PER)
    table["population_negative_per_1000"] = rates["negative_per_1000"]
    table["positive_per_1000"] = _ratio(table["positive_records"], table["current"], PER)
    table["population_positive_per_1000"] = rates["positive_per_1000"]
    table["target"] = target
    table["gap"] = gap_persons(table["current"], table["with_file"], target)
    return table.sort_values("profession_code").reset_index(drop=True)


def totals(table: pd.DataFrame) -> dict[str, float | int | None]:
    """The scope's totals: persons add up over professions only as roster places (a person on
    two rosters counts twice); the gap is the sum of the professions' gaps."""
    current = int(table["current"].sum())
    with_file = int(table["with_file"].sum())
    updated = int(table["updated"].sum())
    return {
        "current": current,
        "with_file": with_file,
        "coverage": with_file / current if current else None,
        "updated": updated,
        "updated_share": updated / current if current else None,
        "gap": int(table["gap"].sum()),
        "below_target": int((table["gap"] > 0).sum()),
    }


def county_table(
    counts: pd.DataFrame,
    professions: pd.DataFrame,
    county_codes: list[str],
    target: float,
) -> pd.DataFrame:
    """Profession x county (every pair of the scope and the county list): current, with_file,
    coverage and gap; pairs without practitioners have zeros and no coverage."""
    grid = pd.MultiIndex.from_product(
        [professions["code"].tolist(), list(county_codes)], names=["profession_code", "county_code"]
    ).to_frame(index=False)
    cells = counts[["profession_code", "county_code", "current", "with_file"]]
    frame = grid.merge(cells, on=["profession_code", "county_code"], how="left")
    for column in ("current", "with_file"):
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype("int64")
    frame["coverage"] = _ratio(frame["with_file"], frame["current"])
    frame["gap"] = gap_persons(frame["current"], frame["with_file"], target)
    return frame


def worst_gaps(cells: pd.DataFrame, limit: int = 20) -> pd.DataFrame:
    """The (profession, county) cells with the most persons missing (gap > 0), then the lowest
    coverage; at most `limit` rows."""
    gaps = cells[cells["gap"] > 0]
    return (
        gaps.sort_values(
            ["gap", "coverage", "profession_code", "county_code"],
            ascending=[False, True, True, True],
        )
        .head(limit)
        .reset_index(drop=True)
    )


def month_window_start(as_of: dt.date, months: int) -> dt.date:
    """The first day of the month `months - 1` months before the as-of month (so the window holds
    `months` calendar months, the current one included)."""
    return add_months(as_of.replace(day=1), -(months - 1))


def month_labels(as_of: dt.date, months: int) -> list[str]:
    """YYYY-MM of every month of the window, oldest first."""
    start = month_window_start(as_of, months)
    return [f"{d.year:04d}-{d.month:02d}" for d in (add_months(start, i) for i in range(months))]


def domain_summary(
    domains: pd.DataFrame, by_polarity: pd.DataFrame, display_status: pd.DataFrame
) -> pd.DataFrame:
    """One row per domain in scope: the visible records of the window by polarity (records and
    persons: positive, neutral, negative displayed) and, over all time, the negative records, the
    share past their display period and those expiring in the next 30 days."""
    frame = domains.rename(columns={"code": "domain_code"})[
        ["domain_code", "name_zh", "name_en", "lead_dept"]
    ]
    for polarity in ("positive", "neutral", "negative"):
        part = by_polarity[by_polarity["polarity"] == polarity][
            ["domain_code", "records", "persons"]
        ].rename(columns={"records": f"{polarity}_records", "persons": f"{polarity}_persons"})
        frame = frame.merge(part, on="domain_code", how="left")
    frame = frame.merge(display_status, on="domain_code", how="left")
    names = ("domain_code", "name_zh", "name_en", "lead_dept")
    for column in [c for c in frame.columns if c not in names]:
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype("int64")
    frame["expired_share"] = _ratio(frame["expired"], frame["negative_total"])
    return frame.sort_values("domain_code").reset_index(drop=True)
