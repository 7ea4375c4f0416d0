"""The working-day calendar table: statutory holidays and adjusted working days, one row a day.

Loaded from reference_data/calendar/<year>.csv by data_access.schema.reference.init_schema (the
dates live in those files, never in code); read by data_access.queries.workdays. Same declarative Base as
data_access.schema.models, which imports this module at its end.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from data_access.schema.models import Base

CALENDAR_KINDS = ("holiday", "workday")


class WorkCalendarDay(Base):
    """A day that departs from the Monday-Friday week: a statutory day off (`holiday`, any day of
    a 放假调休 block, weekend days included) or a weekend day that is worked (`workday`, 调休上班).
    A year counts as loaded when it has at least one row."""

    __tablename__ = "work_calendar"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    name_zh: Mapped[str] = mapped_column(String(64), default="")
    name_en: Mapped[str] = mapped_column(String(128), default="")
    __table_args__ = (
        CheckConstraint("kind IN ('holiday', 'workday')", name="ck_work_calendar_kind"),
    )
