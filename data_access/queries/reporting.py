"""Department reporting progress: what each unit owed the platform, what it delivered, and when.

Definitions (shown in the interface beside each figure, see `DEFINITIONS`):
- a catalogue item is *due* for a period once the period has ended and its due date (the 15th of
  the month after the period ends, or the due date recorded on the delivery) is on or before the
  as-of date; periods not yet due are not counted anywhere;
- *delivered*: a delivery was recorded on or before the as-of date; *on time*: on or before the due
  date; *late*: after it (delay = days after the due date); *missing*: due and not delivered;
- *on-time rate* = on time / due; *completeness* = delivered / due;
  *rejection rate* = rows rejected / rows submitted.

Submissions are aggregated in the database (one row per item and period); the calendar of due
periods is built here from the catalogue (items x periods, a few thousand rows at most).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.schema import models as m
from data_access.scope import Scope

DUE_DAY_OF_MONTH = 15
PERIOD_MONTHS = {"monthly": 1, "quarterly": 3}


@dataclass(frozen=True)
class Thresholds:
    """Red/amber/green cut-offs for a unit's on-time rate and completeness."""

    green_on_time: float = 0.90
    green_completeness: float = 0.98
    amber_on_time: float = 0.75
    amber_completeness: float = 0.90


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    return dt.date(day.year + index // 12, index % 12 + 1, 1)


def period_label(frequency: str, first_day: dt.date) -> str:
    if frequency == "monthly":
        return f"{first_day.year}-{first_day.month:02d}"
    return f"{first_day.year}-Q{(first_day.month - 1) // 3 + 1}"


def periods_between(
    frequency: str, start: dt.date, end: dt.date
) -> list[tuple[str, dt.date, dt.date, dt.date]]:
    """(label, first day, last day, default due date) of every period starting in [start, end]."""
    step = PERIOD_MONTHS[frequency]
    first = _month_start(start)
    if step == 3:
        first = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)
        if first < _month_start(start):
            first = _add_months(first, 3)
    out = []
    while first <= end:
        following = _add_months(first, step)
        last = following - dt.timedelta(days=1)
        due = following.replace(day=DUE_DAY_OF_MONTH)
        out.append((period_label(frequency, first), first, last, due))
        first = following
    return out


def expected_deliveries(
    items: pd.DataFrame, start: dt.date, end: dt.date, as_of: dt.date
) -> pd.DataFrame:
    """Every (item, period) starting in [start, end] whose period has ended by the as-of date.

    items: columns code, dept_code, frequency. The default due date may be replaced by the due date
    recorded on a delivery (see `delivery_status`).
    """
    rows = []
    for item in items.itertuples(index=False):
        for label, first, last, due in periods_between(str(item.frequency), start, end):
            if last < as_of:
                rows.append((item.code, item.dept_code, label, first, last, due))
    return pd.DataFrame(
        rows,
        columns=["item_code", "unit_code", "period", "period_start", "period_end", "due_date"],
    )


def delivery_status(
    expected: pd.DataFrame, delivered: pd.DataFrame, as_of: dt.date
) -> pd.DataFrame:
    """One row per due (item, period): delivered, on_time, late, delay_days, missing, row counts.

    delivered: columns item_code, period, due_date, submitted_at, rows_submitted, rows_rejected
    (one row per item and period: the first delivery, summed rows).
    """
    frame = expected.merge(
        delivered, on=["item_code", "period"], how="left", suffixes=("", "_recorded")
    )
    frame["due_date"] = [
        pd.Timestamp(recorded).date() if pd.notna(recorded) else default
        for recorded, default in zip(frame["due_date_recorded"], frame["due_date"], strict=True)
    ]
    frame = frame[[due <= as_of for due in frame["due_date"]]].copy()
    submitted = [
        pd.Timestamp(at).to_pydatetime() if pd.notna(at) else None for at in frame["submitted_at"]
    ]
    submitted = [at if at is not None and at.date() <= as_of else None for at in submitted]
    frame["submitted_at"] = pd.to_datetime(pd.Series(submitted, index=frame.index, dtype=object))
    frame["delivered"] = [at is not None for at in submitted]
    frame["delay_days"] = pd.to_numeric(
        pd.Series(
            [
                (at.date() - due).days if at is not None else None
                for at, due in zip(submitted, frame["due_date"], strict=True)
            ],
            index=frame.index,
            dtype="float64",
        )
    )
    frame["on_time"] = frame["delivered"] & (frame["delay_days"] <= 0)
    frame["late"] = frame["delivered"] & (frame["delay_days"] > 0)
    frame["missing"] = ~frame["delivered"]
    for column in ("rows_submitted", "rows_rejected"):
        frame[column] = frame[column].where(frame["delivered"], 0).fillna(0).astype(int)
    return frame.drop(columns=["due_date_recorded"]).reset_index(drop=True)


def rag_status(on_time_rate: float, completeness: float, thresholds: Thresholds) -> str:
    if on_time_rate >= thresholds.green_on_time and completeness >= thresholds.green_completeness:
        return "green"
    if on_time_rate >= thresholds.amber_on_time and completeness >= thresholds.amber_completeness:
        return "amber"
    return "red"


def unit_scorecard(status: pd.DataFrame, thresholds: Thresholds | None = None) -> pd.DataFrame:
    """Per reporting unit: due, delivered, on time, late (average delay), missing, rejected rows,
    the three rates, a red/amber/green status and the rank (best on-time rate first)."""
    thresholds = thresholds or Thresholds()
    if status.empty:
        return pd.DataFrame(
            columns=[
                "unit_code", "due", "delivered", "on_time", "late", "missing",
                "avg_delay_days", "rows_submitted", "rows_rejected", "on_time_rate",
                "completeness", "rejection_rate", "status", "rank",
            ]
        )  # fmt: skip
    late_delay = status["delay_days"].where(status["late"])
    grouped = (
        status.assign(late_delay=late_delay)
        .groupby("unit_code")
        .agg(
            due=("item_code", "size"),
            delivered=("delivered", "sum"),
            on_time=("on_time", "sum"),
            late=("late", "sum"),
            missing=("missing", "sum"),
            avg_delay_days=("late_delay", "mean"),
            rows_submitted=("rows_submitted", "sum"),
            rows_rejected=("rows_rejected", "sum"),
        )
        .reset_index()
    )
    grouped["on_time_rate"] = grouped["on_time"] / grouped["due"]
    grouped["completeness"] = grouped["delivered"] / grouped["due"]
    grouped["rejection_rate"] = (grouped["rows_rejected"] / grouped["rows_submitted"]).where(
        grouped["rows_submitted"] > 0, 0.0
    )
    grouped["status"] = [
        rag_status(o, c, thresholds)
        for o, c in zip(grouped["on_time_rate"], grouped["completeness"], strict=True)
    ]
    grouped = grouped.sort_values(
        ["on_time_rate", "completeness", "rejection_rate", "unit_code"],
        ascending=[False, False, True, True],
    ).reset_index(drop=True)
    grouped["rank"] = (
        grouped[["on_time_rate", "completeness"]]
        .apply(tuple, axis=1)
        .rank(method="min", ascending=False)
        .astype(int)
    )
    return grouped


# --------------------------------------------------------------------------- database queries


def catalogue_items(engine: Engine, scope: Scope) -> pd.DataFrame:
    """The catalogue items in the scope (code, dept_code, frequency, names)."""
    scope.department("reporting")  # a department head without a department is refused
    stmt = select(
        m.CatalogueItem.code,
        m.CatalogueItem.dept_code,
        m.CatalogueItem.frequency,
        m.CatalogueItem.name_zh,
        m.CatalogueItem.name_en,
    ).where(scope.department_condition("reporting", m.CatalogueItem.dept_code))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt.order_by(m.CatalogueItem.code)).mappings().all())


def delivered_per_period(engine: Engine, item_codes: list[str], periods: list[str]) -> pd.DataFrame:
    """Deliveries aggregated in the database: one row per (item, period), first submission time."""
    stmt = (
        select(
            m.Submission.item_code,
            m.Submission.period,
            func.min(m.Submission.due_date).label("due_date"),
            func.min(m.Submission.submitted_at).label("submitted_at"),
            func.sum(m.Submission.rows_submitted).label("rows_submitted"),
            func.sum(m.Submission.rows_rejected).label("rows_rejected"),
        )
        .where(m.Submission.item_code.in_(item_codes), m.Submission.period.in_(periods))
        .group_by(m.Submission.item_code, m.Submission.period)
    )
    columns = ["item_code", "period", "due_date", "submitted_at", "rows_submitted", "rows_rejected"]
    if not item_codes or not periods:
        return pd.DataFrame(columns=columns)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=columns)


def reporting_status(
    engine: Engine, scope: Scope, start: dt.date, end: dt.date, as_of: dt.date
) -> pd.DataFrame:
    """delivery_status for every due (item, period) of the catalogue items in the scope."""
    items = catalogue_items(engine, scope)
    expected = expected_deliveries(items, start, end, as_of)
    delivered = delivered_per_period(
        engine, sorted(expected["item_code"].unique()), sorted(expected["period"].unique())
    )
    return delivery_status(expected, delivered, as_of)


def monthly_on_time(status: pd.DataFrame) -> pd.DataFrame:
    """On-time rate per unit and month of the due date (the heat map), long form."""
    if status.empty:
        return pd.DataFrame(columns=["unit_code", "month", "due", "on_time", "on_time_rate"])
    frame = status.assign(month=[f"{d.year}-{d.month:02d}" for d in status["due_date"]])
    grouped = (
        frame.groupby(["unit_code", "month"])
        .agg(due=("item_code", "size"), on_time=("on_time", "sum"))
        .reset_index()
    )
    grouped["on_time_rate"] = grouped["on_time"] / grouped["due"]
    return grouped


def city_trend(status: pd.DataFrame) -> pd.DataFrame:
    """The city's on-time rate and completeness per month of the due date."""
    if status.empty:
        return pd.DataFrame(columns=["month", "due", "on_time", "delivered", "on_time_rate"])
    frame = status.assign(month=[f"{d.year}-{d.month:02d}" for d in status["due_date"]])
    grouped = (
        frame.groupby("month")
        .agg(due=("item_code", "size"), on_time=("on_time", "sum"), delivered=("delivered", "sum"))
        .reset_index()
    )
    grouped["on_time_rate"] = grouped["on_time"] / grouped["due"]
    grouped["completeness"] = grouped["delivered"] / grouped["due"]
    return grouped


def annual_report_state(due_date: dt.date, filed_at: dt.datetime | None, as_of: dt.date) -> str:
    """filed_on_time | filed_late | overdue | open (not yet due, not yet filed)."""
    if filed_at is not None and filed_at.date() <= as_of:
        return "filed_on_time" if filed_at.date() <= due_date else "filed_late"
    return "overdue" if as_of > due_date else "open"


def annual_reports(
    engine: Engine, scope: Scope, as_of: dt.date, unit_codes: list[str] | None = None
) -> pd.DataFrame:
    """Every reporting unit in the scope (a department head: their own department) and year from
    the first report year to the as-of year: the report filed (if any), its state and the days
    late. A unit with no report row at all is overdue. unit_codes narrows further."""
    scope.department("reporting")  # a department head without a department is refused
    units_stmt = select(
        m.ReportingUnit.code, m.ReportingUnit.kind, m.ReportingUnit.name_zh, m.ReportingUnit.name_en
    ).where(scope.department_condition("reporting", m.ReportingUnit.code))
    reports_stmt = select(
        m.AnnualReport.unit_code, m.AnnualReport.year, m.AnnualReport.filed_at
    ).where(
        m.AnnualReport.year <= as_of.year,
        scope.department_condition("reporting", m.AnnualReport.unit_code),
    )
    if unit_codes is not None:
        units_stmt = units_stmt.where(m.ReportingUnit.code.in_(unit_codes))
        reports_stmt = reports_stmt.where(m.AnnualReport.unit_code.in_(unit_codes))
    with engine.connect() as conn:
        units = conn.execute(units_stmt).all()
        reports = {(r.unit_code, r.year): r.filed_at for r in conn.execute(reports_stmt)}
    first_year = min((year for _, year in reports), default=as_of.year)
    rows = []
    for unit in units:
        for year in range(first_year, as_of.year + 1):
            due = dt.date(year, 12, 31)
            filed = reports.get((unit.code, year))
            state = annual_report_state(due, filed, as_of)
            if filed is not None and filed.date() > as_of:
                filed = None
            end = filed.date() if filed is not None else as_of
            rows.append(
                (unit.code, unit.kind, unit.name_zh, unit.name_en, year, due, filed, state,
                 max((end - due).days, 0))
            )  # fmt: skip
    return pd.DataFrame(
        rows,
        columns=[
            "unit_code", "unit_kind", "name_zh", "name_en", "year", "due_date", "filed_at",
            "state", "days_late",
        ],
    )  # fmt: skip
