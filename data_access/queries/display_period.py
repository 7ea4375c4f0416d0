"""Lawful display periods of negative credit information (national rules in force 2026).

minor: at most 3 months; general: 3 months to 1 year; serious: 1 to 3 years, counted from the
decision date. display_until is the first day on which a record is no longer displayed.
"""

from __future__ import annotations

import calendar
import datetime as dt

# severity -> (minimum months, maximum months)
LEGAL_DISPLAY_MONTHS: dict[str, tuple[int, int]] = {
    "minor": (0, 3),
    "general": (3, 12),
    "serious": (12, 36),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of month `months` later; the last day of a shorter month when that day is missing."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def one_year_earlier(day: dt.date) -> dt.date:
    """The same date a year earlier (28 February for 29 February): the overview's comparison."""
    return add_months(day, -12)


def legal_display_range(severity: str, decision_date: dt.date) -> tuple[dt.date, dt.date]:
    """Earliest and latest lawful display_until for a record of this severity."""
    lo, hi = LEGAL_DISPLAY_MONTHS[severity]
    return add_months(decision_date, lo), add_months(decision_date, hi)


def default_display_until(severity: str, decision_date: dt.date) -> dt.date:
    """The legal maximum, used when a department gives no display_until."""
    return legal_display_range(severity, decision_date)[1]


def display_until_problem(
    severity: str, decision_date: dt.date, display_until: dt.date
) -> str | None:
    """None when display_until is lawful for the severity, else the reason in plain words."""
    lo, hi = legal_display_range(severity, decision_date)
    if display_until <= decision_date:
        return f"display_until {display_until} must be after the decision date {decision_date}"
    if display_until < lo:
        return f"display_until {display_until} is before the {severity} minimum {lo}"
    if display_until > hi:
        return f"display_until {display_until} is after the {severity} maximum {hi}"
    return None


# --------------------------------------------------------------------------- what may be shown

# Statuses of a negative record that is still shown: a repaired record is no longer shown or used,
# a revoked one (objection upheld) never was lawful; a record under objection stays shown, marked.
DISPLAYED_STATUSES = ("active", "objection")


def displayed_record_conditions(as_of: dt.date) -> list:
    """SQL conditions on credit_record that keep only what may be shown or counted on the as-of
    date: decided by then, not revoked, and a negative record only inside its display period
    (as-of < display_until) and not repaired. Every query that shows or counts records uses it."""
    from sqlalchemy import or_, select

    from data_access.schema import models as m

    negative = select(m.RecordCategory.code).where(m.RecordCategory.polarity == "negative")
    record = m.CreditRecord
    return [
        record.decision_date <= as_of,
        record.status != "revoked",
        or_(
            record.category_code.not_in(negative),
            (record.display_until > as_of) & record.status.in_(DISPLAYED_STATUSES),
        ),
    ]
