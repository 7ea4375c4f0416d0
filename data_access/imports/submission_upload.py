"""Departments' data submission (数据报送): validate an uploaded catalogue-item file, then accept it
as a delivery that the reporting-progress board counts.

Who may submit what (checked here, not only in the page's select boxes): a department head only
their own department's catalogue items, an administrator any item; anyone else nothing. A refused
scope raises PermissionError.

What a delivery must be:
- the item's file in its import kind: roster items -> `roster`, negative and positive items ->
  `credit-records`, the basic item -> `persons` (contracts.md), CSV (UTF-8) or .xlsx only, at most
  `MAX_UPLOAD_BYTES` (see `submission_files` for the checks on the bytes);
- rows that belong to the item: its profession (roster) or category and domain (records), the
  delivering department as `source_dept`;
- rows dated (decision_date, valid_from) on or before the period's end and not after today. Rows
  *before* the period are accepted: decisions found late, corrections, and a roster listing its
  members since whenever they qualified all belong in the period's delivery;
- a period written as the item's frequency requires (`YYYY-MM` or `YYYY-Qn`), from
  `EARLIEST_PERIOD_YEAR`, already started; its due date is the reporting rule's (the 15th of the
  month after the period ends);
- at least one data row, unless the department declares a nil return (零报送: nothing to report
  in the period), which records a delivery of 0 rows.

A file is accepted whole or not at all: one bad row refuses the file, so a recorded submission
always has rows_rejected = 0 and rows_accepted = rows_submitted = the rows read.

Ordering of the writes (`accept_delivery`): `import_file` owns its connection and commits the rows
(and its import_run) as one transaction; it cannot share that transaction, so the submission row is
written right after, in a second one. Rows first, because the opposite order could count a
delivery whose rows never arrive. If the second write fails, the result says so (`error`, and no
`submission`): the rows are in the database but the delivery is not counted, and accepting the
same file again is safe (rows are upserted onto themselves by their keys) and records it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
import uuid
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import SQLAlchemyError

from data_access.clock import city_now
from data_access.engine import DatabaseBusy
from data_access.imports.importer import MAX_PROBLEMS, ImportResult, Problem, import_file
from data_access.imports.parsing import period_problem
from data_access.imports.submission_files import (
    ItemRules,
    display_name,
    file_problems,
    item_problems,
    staged,
    suffix_of,
)
from data_access.imports.validators import kind_spec
from data_access.queries.reporting import periods_between
from data_access.schema import models as m
from data_access.scope import Scope

IMPORT_KIND = {
    "roster": "roster",
    "negative": "credit-records",
    "positive": "credit-records",
    "basic": "persons",
}
_log = logging.getLogger(__name__)
EARLIEST_PERIOD_YEAR = 2018  # the city's implementation opinion on personal integrity
PERIOD_CHOICE_YEARS = 3


@dataclass(frozen=True)
class Item:
    code: str
    dept_code: str
    kind: str
    subject: str
    category_code: str
    frequency: str
    name_zh: str
    name_en: str

    @property
    def import_kind(self) -> str:
        return IMPORT_KIND[self.kind]

    def fixed_values(self) -> dict[str, str]:
        """Columns whose value every row of this item's file must carry."""
        if self.import_kind == "roster":
            return {"profession_code": self.subject, "source_dept": self.dept_code}
        if self.import_kind == "credit-records":
            fixed = {"category_code": self.category_code, "source_dept": self.dept_code}
            if self.subject:
                fixed["domain_code"] = self.subject
            return fixed
        return {}


@dataclass
class DeliveryReport:
    """What a check of one uploaded file found; `ok` when it may be accepted."""

    file: str  # the uploaded name's base name, made safe to show; never a path
    item_code: str
    period: str
    import_kind: str | None
    size_bytes: int
    rows_read: int = 0
    rows_valid: int = 0
    problem_count: int = 0
    problems: list[Problem] = field(default_factory=list)  # the first MAX_PROBLEMS, by line
    nil_return: bool = False
    seconds: float = 0.0
    encoding: str | None = None  # a CSV's: UTF-8 or GB18030

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, line: int | None, column: str | None, reason: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(self.file, line, column, reason))


@dataclass
class Delivery:
    """The outcome of accepting a file: the report, and the submission recorded (if any)."""

    report: DeliveryReport
    submission: dict | None = None
    rows_written: int = 0
    error: str | None = None  # rows written but the submission could not be recorded

    @property
    def accepted(self) -> bool:
        return self.submission is not None


# --------------------------------------------------------------------------- items and periods


def _item_columns():
    c = m.CatalogueItem
    return (c.code, c.dept_code, c.kind, c.subject, c.category_code, c.frequency, c.name_zh,
            c.name_en)  # fmt: skip


def items_in_scope(engine: Engine, scope: Scope, dept_code: str | None = None) -> list[Item]:
    """The catalogue items the user may deliver (one department's, or all for an admin)."""
    dept = scope.acting_department("submissions", dept_code)
    stmt = select(*_item_columns()).order_by(m.CatalogueItem.code)
    if dept is not None:
        stmt = stmt.where(m.CatalogueItem.dept_code == dept)
    with engine.connect() as conn:
        return [Item(*row) for row in conn.execute(stmt)]


def item_for(engine: Engine, scope: Scope, item_code: str) -> Item:
    """The catalogue item, if the user may deliver it: LookupError if unknown, PermissionError
    if it belongs to another department."""
    scope.require("submissions")
    stmt = select(*_item_columns()).where(m.CatalogueItem.code == item_code)
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    if row is None:
        raise LookupError(f"no catalogue item {item_code!r}")
    item = Item(*row)
    if not scope.covers("submissions", item.dept_code):
        raise PermissionError(
            f"catalogue item {item.code} belongs to department {item.dept_code}: "
            f"{scope.department_code} may not submit it"
        )
    return item


def period_bounds(frequency: str, label: str) -> tuple[dt.date, dt.date, dt.date]:
    """(first day, last day, due date) of a period label; ValueError with the reason if bad."""
    problem = period_problem(label, frequency)
    if problem:
        raise ValueError(problem)
    year = int(label[:4])
    if year < EARLIEST_PERIOD_YEAR:
        raise ValueError(f"{label!r} is before {EARLIEST_PERIOD_YEAR}")
    month = int(label[5:7]) if frequency == "monthly" else (int(label[6]) - 1) * 3 + 1
    first = dt.date(year, month, 1)
    ((_, first, last, due),) = periods_between(frequency, first, first)
    return first, last, due


def period_choices(frequency: str, today: dt.date) -> list[str]:
    """Periods that have started, newest first, back to the start of PERIOD_CHOICE_YEARS ago."""
    start = dt.date(today.year - PERIOD_CHOICE_YEARS, 1, 1)
    return [label for label, *_ in reversed(periods_between(frequency, start, today))]


def delivered_periods(engine: Engine, scope: Scope, item: Item) -> dict[str, dt.datetime]:
    """Period -> first delivery time of the item (periods never delivered are absent)."""
    if not scope.covers("submissions", item.dept_code):
        raise PermissionError(f"catalogue item {item.code} belongs to another department")
    s = m.Submission
    stmt = (
        select(s.period, func.min(s.submitted_at))
        .where(s.item_code == item.code, s.submitted_at.is_not(None))
        .group_by(s.period)
    )
    with engine.connect() as conn:
        return {period: at for period, at in conn.execute(stmt) if at is not None}


def default_period(engine: Engine, scope: Scope, item: Item, today: dt.date) -> str:
    """The latest ended period if it is still undelivered (it is due now), else the open one."""
    choices = period_choices(item.frequency, today)
    if len(choices) > 1 and choices[1] not in delivered_periods(engine, scope, item):
        return choices[1]
    return choices[0]


def template_csv(item: Item) -> bytes:
    """The header row of the item's import kind (UTF-8 with BOM, so that Excel keeps UTF-8)."""
    return ("\ufeff" + ",".join(kind_spec(item.import_kind).column_names) + "\r\n").encode()


# --------------------------------------------------------------------------- validate and accept


def _period_rules(
    report: DeliveryReport, item: Item, period: str, today: dt.date
) -> tuple[ItemRules, dt.date] | None:
    try:
        first, last, due = period_bounds(item.frequency, period)
    except ValueError as exc:
        report.add(None, "period", f"{exc} ({item.code} is {item.frequency})")
        return None
    if first > today:
        report.add(None, "period", f"period {period} has not started yet (it starts {first})")
        return None
    latest, reason = (last, f"the end of period {period} ({last})")
    if today < last:
        latest, reason = today, f"today ({today})"
    rules = ItemRules(item.import_kind, item.dept_code, item.subject, item.category_code,
                      item.code, latest, reason)  # fmt: skip
    return rules, due


def _merge(
    report: DeliveryReport, result: ImportResult, own: list[Problem], own_count: int
) -> None:
    """Add the contract checks' problems and ours; where both name the same line and column, the
    contract's reason is kept."""
    report.rows_read, report.rows_valid = result.rows_read, result.rows_valid
    taken = {(p.line, p.column) for p in result.errors}
    dropped = sum(1 for p in own if (p.line, p.column) in taken)
    problems = sorted(
        [*result.errors, *(p for p in own if (p.line, p.column) not in taken)],
        key=lambda p: (p.line or 0, p.column or ""),
    )
    report.problems.extend(problems[: MAX_PROBLEMS - len(report.problems)])
    report.problem_count += result.problem_count + own_count - dropped


def _check(
    engine: Engine,
    scope: Scope,
    item_code: str,
    period: str,
    file_name: str,
    content: bytes,
    today: dt.date,
    nil_return: bool,
    write: bool,
    username: str = "",
) -> tuple[DeliveryReport, Item, dt.date | None, ImportResult | None]:
    t0 = time.perf_counter()
    item = item_for(engine, scope, item_code)
    name = display_name(file_name)
    report = DeliveryReport(name, item.code, period, item.import_kind, len(content),
                            nil_return=nil_return)  # fmt: skip
    period_rules = _period_rules(report, item, period, today)
    for problem in file_problems(name, content):
        report.add(problem.line, problem.column, problem.reason)
    result, due = None, None
    if report.ok and period_rules is not None:
        rules, due = period_rules
        try:
            with staged(content, suffix_of(name)) as path:
                own = item_problems(path, name, rules, MAX_PROBLEMS)
                if own.data_rows == 0 and not nil_return:
                    report.add(
                        2, None, "the file has a header but no data rows (declare a nil return "
                        "if the department has nothing to report for the period)"
                    )  # fmt: skip
                clean = report.ok and own.count == 0
                result = import_file(
                    engine, item.import_kind, path, dry_run=not (write and clean), name=name,
                    owner=item.dept_code,  # a delivery never changes another department's rows
                    imported_by=username or None,
                )  # fmt: skip
        except (SQLAlchemyError, DatabaseBusy):
            raise
        except Exception as exc:  # a reader library choking on a malformed file: a user's mistake
            _log.warning("upload %s could not be read", name, exc_info=True)
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            report.add(None, None, f"the file cannot be read as {suffix_of(name)} ({reason})")
            result = None
        else:
            _merge(report, result, own.problems, own.count)
            report.encoding = result.encoding
    report.seconds = time.perf_counter() - t0
    return report, item, due, result


def validate_delivery(
    engine: Engine,
    scope: Scope,
    item_code: str,
    period: str,
    file_name: str,
    content: bytes,
    *,
    today: dt.date | None = None,
    nil_return: bool = False,
) -> DeliveryReport:
    """Check an uploaded file for the item and period, row by row, writing nothing.

    Raises PermissionError (another department's item) and LookupError (unknown item); every
    other refusal is a problem in the report, with line and column where there is one."""
    today = today or city_now().date()
    report, *_ = _check(engine, scope, item_code, period, file_name, content, today, nil_return,
                        write=False)  # fmt: skip
    return report


def accept_delivery(
    engine: Engine,
    scope: Scope,
    item_code: str,
    period: str,
    file_name: str,
    content: bytes,
    *,
    now: dt.datetime | None = None,
    nil_return: bool = False,
    username: str = "",
) -> Delivery:
    """Check the file again and, if it is clean, write its rows and record the submission, with
    who uploaded it and the file's name, size and SHA-256 (submission_upload).

    The rows are validated and written by `import_file` in one transaction (a refused file writes
    nothing); the submission follows in a second transaction (see the module docstring)."""
    now = now or city_now()
    report, item, due, result = _check(engine, scope, item_code, period, file_name, content,
                                       now.date(), nil_return, write=True,
                                       username=username)  # fmt: skip
    if not report.ok or result is None or due is None or result.dry_run:
        return Delivery(report)
    submission = {
        "submission_id": f"UP-{item.code[:40]}-{period}-{uuid.uuid4().hex[:8]}",
        "item_code": item.code,
        "period": period,
        "due_date": due,
        "submitted_at": now,
        "rows_submitted": report.rows_read,
        "rows_accepted": report.rows_valid,
        "rows_rejected": 0,
    }
    try:
        with engine.begin() as conn:
            conn.execute(insert(m.Submission.__table__).values(**submission))
            conn.execute(
                insert(m.SubmissionUpload.__table__).values(
                    submission_id=submission["submission_id"],
                    username=(username or "unknown")[:64],
                    file_name=display_name(file_name)[:255],
                    file_bytes=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                )
            )
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        return Delivery(
            report,
            rows_written=result.rows_written,
            error=f"the rows were written but the submission could not be recorded ({first}); "
            "accepting the same file again is safe and records it",
        )
    return Delivery(report, submission, result.rows_written)


# --------------------------------------------------------------------------- history


def recent_submissions(
    engine: Engine, scope: Scope, dept_code: str | None = None, limit: int = 50
) -> pd.DataFrame:
    """The department's latest deliveries (all departments' for an admin who names none), newest
    first, restricted in SQL; `on_time` compares the delivery's day with its due date."""
    dept = scope.acting_department("submissions", dept_code)
    s, c = m.Submission, m.CatalogueItem
    stmt = (
        select(
            s.submission_id,
            s.item_code,
            c.dept_code,
            s.period,
            s.due_date,
            s.submitted_at,
            s.rows_submitted,
            s.rows_accepted,
            s.rows_rejected,
            m.SubmissionUpload.username,
        )  # fmt: skip
        .join(c, c.code == s.item_code)
        .outerjoin(m.SubmissionUpload, m.SubmissionUpload.submission_id == s.submission_id)
        .where(s.submitted_at.is_not(None))
        .order_by(s.submitted_at.desc(), s.submission_id)
        .limit(limit)
    )
    if dept is not None:
        stmt = stmt.where(c.dept_code == dept)
    columns = ["submission_id", "item_code", "dept_code", "period", "due_date", "submitted_at",
               "rows_submitted", "rows_accepted", "rows_rejected", "uploaded_by"]  # fmt: skip
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=columns)
    frame["on_time"] = [
        pd.Timestamp(at).date() <= due
        for at, due in zip(frame["submitted_at"], frame["due_date"], strict=True)
    ]
    return frame
