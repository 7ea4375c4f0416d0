"""Working days: the calendar of statutory holidays and adjusted working days, and day counting.

The dates live in data files, one per year: reference_data/calendar/<year>.csv with columns
date,kind,name_zh,name_en (kind `holiday`: a statutory day off, any day of a 放假调休 block, weekend
days included; `workday`: a weekend day that is worked, 调休上班), taken from the State Council
General Office's annual notice. `init_schema` copies them into the `work_calendar` table; the
dashboard reads the table (`load_calendar`), the generator reads the files (`calendar_from_files`).

A working day is a Monday to Friday that is not a holiday, or a weekend day listed as a workday.
A year with no calendar (no file, no rows) is counted as plain weeks, weekends only: callers ask
`missing_years` and say so ("2027 calendar not loaded") rather than pretend to know its holidays.

    working_days_between(start, end) = the number of working days d with start < d <= end.

The start day is never counted, the end day is: "decided within 3 working days of receipt" means
working_days_between(received, decided) <= 3, and a decision on the day of receipt takes 0 days.
For end < start the count is negative (minus the working days in end < d <= start).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, inspect, select

import reference_data
from data_access.schema.calendar_models import CALENDAR_KINDS, WorkCalendarDay

CALENDAR_DIR = reference_data.CALENDAR_DIR
COLUMNS = ("date", "kind", "name_zh", "name_en")


class CalendarFileError(ValueError):
    """A calendar file that cannot be used; the message is `file:line: reason`."""


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    kind: str  # holiday | workday
    name_zh: str
    name_en: str


def calendar_files(directory: Path = CALENDAR_DIR) -> dict[int, Path]:
    """year -> its file, for every <year>.csv in the directory."""
    return {
        int(p.stem): p
        for p in sorted(directory.glob("*.csv"))
        if p.stem.isdigit() and len(p.stem) == 4
    }


def read_calendar_file(path: Path) -> list[CalendarDay]:
    """The days of one year's file, checked: a date of that year, once; a known kind; a workday on
    a weekend. Raises CalendarFileError naming the file and line."""
    year = int(path.stem)
    days: list[CalendarDay] = []
    seen: set[dt.date] = set()
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise CalendarFileError(f"{path.name}:1: the columns must be {','.join(COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            where = f"{path.name}:{line}"
            try:
                day = dt.date.fromisoformat(row["date"])
            except (TypeError, ValueError):
                raise CalendarFileError(f"{where}: date: not a YYYY-MM-DD date") from None
            if day.year != year:
                raise CalendarFileError(f"{where}: date: {day} is not in {year}")
            if day in seen:
                raise CalendarFileError(f"{where}: date: {day} appears twice")
            if row["kind"] not in CALENDAR_KINDS:
                raise CalendarFileError(f"{where}: kind: must be holiday or workday")
            if row["kind"] == "workday" and day.weekday() < 5:
                raise CalendarFileError(f"{where}: kind: {day} is a weekday, already worked")
            seen.add(day)
            days.append(CalendarDay(day, row["kind"], row["name_zh"] or "", row["name_en"] or ""))
    if not days:
        raise CalendarFileError(f"{path.name}:1: no days: a year's file lists at least one")
    return sorted(days, key=lambda d: d.day)


def read_calendar_files(directory: Path = CALENDAR_DIR) -> list[CalendarDay]:
    """Every day of every year's file, in date order."""
    return [d for path in calendar_files(directory).values() for d in read_calendar_file(path)]


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays and worked weekend days of the loaded years. Hashable (a cache key)."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    years: frozenset[int]
    source: str = "database"  # database | files

    @classmethod
    def from_days(cls, days: Iterable[CalendarDay], source: str) -> WorkCalendar:
        days = list(days)
        return cls(
            holidays=frozenset(d.day for d in days if d.kind == "holiday"),
            workdays=frozenset(d.day for d in days if d.kind == "workday"),
            years=frozenset(d.day.year for d in days),
            source=source,
        )

    # ------------------------------------------------------------------ one date at a time

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days d with start < d <= end (see the module docstring)."""
        return int(self.working_days_between_many([start], [end])[0])

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after start (n >= 1): the last day within a limit of n working
        days counted from start. n = 0 gives start itself."""
        if n < 0:
            raise ValueError("n must be 0 or more")
        day = start
        while n:
            day += dt.timedelta(days=1)
            n -= self.is_working_day(day)
        return day

    def missing_years(self, first: dt.date, last: dt.date) -> list[int]:
        """Years from first to last (inclusive) with no calendar loaded: counted weekends-only."""
        return [y for y in range(first.year, last.year + 1) if y not in self.years]

    # ------------------------------------------------------------------ arrays

    def _numpy(self) -> tuple[np.ndarray, np.ndarray]:
        holidays = np.array(sorted(self.holidays), dtype="M8[D]")
        workdays = np.array(sorted(self.workdays - self.holidays), dtype="M8[D]")
        return holidays, workdays

    def working_days_between_many(self, starts, ends) -> np.ndarray:
        """working_days_between for arrays of dates (anything numpy reads as datetime64[D]; no
        missing values), vectorised: Monday-Friday days not holidays, plus worked weekend days."""
        start = np.asarray(starts, dtype="M8[D]")
        end = np.asarray(ends, dtype="M8[D]")
        lo, hi = np.minimum(start, end), np.maximum(start, end)
        holidays, workdays = self._numpy()
        weekdays = np.busday_count(lo + 1, hi + 1, holidays=holidays)
        worked = np.searchsorted(workdays, hi, side="right") - np.searchsorted(
            workdays, lo, side="right"
        )
        return (np.where(end < start, -1, 1) * (weekdays + worked)).astype("int64")


def calendar_from_files(directory: Path = CALENDAR_DIR) -> WorkCalendar:
    """The calendar of the data files (the generator's, and the fallback of load_calendar)."""
    return WorkCalendar.from_days(read_calendar_files(directory), source="files")


def load_calendar(engine: Engine) -> WorkCalendar:
    """The calendar in the database's work_calendar table. A database created before the table
    existed (not yet `python -m data_access init`) gets the data files, marked source="files"."""
    if not inspect(engine).has_table(WorkCalendarDay.__tablename__):
        return calendar_from_files()
    t = WorkCalendarDay
    with engine.connect() as conn:
        rows = conn.execute(select(t.day, t.kind, t.name_zh, t.name_en)).all()
    return WorkCalendar.from_days((CalendarDay(*row) for row in rows), source="database")


def calendar_rows(directory: Path = CALENDAR_DIR) -> tuple[list[int], list[dict]]:
    """The years that have a file and the work_calendar rows of those files (for init_schema)."""
    years = sorted(calendar_files(directory))
    rows = [
        {"day": d.day, "kind": d.kind, "name_zh": d.name_zh, "name_en": d.name_en}
        for d in read_calendar_files(directory)
    ]
    return years, rows


def is_working_day(day: dt.date, calendar: WorkCalendar) -> bool:
    """A Monday to Friday that is not a holiday, or a weekend day listed as a workday."""
    return calendar.is_working_day(day)


def working_days_between(start: dt.date, end: dt.date, calendar: WorkCalendar) -> int:
    """Working days d with start < d <= end: the start day (the day of receipt) is not counted."""
    return calendar.working_days_between(start, end)
