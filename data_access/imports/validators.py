"""What each import kind must contain (contracts.md), one small validator per kind.

A kind is declared by its columns (name, parser, required or not, default), a row check for rules
that tie columns together (gender against the ID number, severity against the category ...) and a
batch check for rules that need the database (a known person, a known operator ...), done with one
`SELECT ... IN (...)` per batch. Validators never write; they mark rows bad through `report`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import (
    ARRAY,
    Column,
    ColumnElement,
    Connection,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal,
    select,
)

from data_access.id_number import parse_id_number
from data_access.imports.parsing import (
    Parser,
    id_numbers_valid,
    not_in_future,
    one_of,
    parse_count,
    parse_date,
    parse_datetime,
    parse_flag01,
    parse_id,
    parse_positive_number,
    parse_residence_code,
    parse_year,
    period_problem,
    text,
    with_vector,
)
from data_access.queries.display_period import default_display_until, display_until_problem
from data_access.schema import models as m
from data_access.schema.reference import codes, county_codes, read_catalogue

# Values per lookup query (each lookup binds them as one JSON array or array parameter).
IN_CHUNK = 10_000


class Row:
    """One data row under validation: its line, the parsed values, and what went wrong."""

    __slots__ = ("bad", "failed", "flags", "line", "skip", "values")

    def __init__(self, line: int, values: dict[str, Any]) -> None:
        self.line = line
        self.values = values
        self.bad = False  # any problem: the row (and so the file) is refused
        self.failed: set[str] | None = None  # columns whose value could not be parsed
        self.flags: list[str] | None = None  # query-log only: kept but flagged
        self.skip = False  # already in the database, identical: nothing to write

    def ok(self, *columns: str) -> bool:
        """True when none of these columns failed to parse."""
        return not self.failed or not any(c in self.failed for c in columns)

    def flag(self, name: str) -> None:
        if self.flags is None:
            self.flags = [name]
        elif name not in self.flags:
            self.flags.append(name)


Report = Callable[[Row, "str | None", str], None]


@dataclass
class Frame:
    """One chunk under column-wise validation: each row's line, the parsed values (one Series per
    column of the kind), which columns failed to parse where, and which rows are refused."""

    lines: np.ndarray  # int64, one per row
    values: dict[str, pl.Series]
    failed: dict[str, np.ndarray]  # column -> bool mask, only columns where something failed
    bad: np.ndarray  # bool: any problem, the row (and so the file) is refused
    flags: pl.Series | None = None  # query-log only: the flags text per row
    skip: np.ndarray | None = None  # bool: stored already, identical (nothing to write)

    @property
    def height(self) -> int:
        return len(self.lines)

    def ok(self, *columns: str) -> np.ndarray:
        """Rows where none of these columns failed to parse."""
        mask = np.ones(self.height, dtype=bool)
        for column in columns:
            failed = self.failed.get(column)
            if failed is not None:
                mask &= ~failed
        return mask


# (frame, row indexes, column, reason per row)
FrameReport = Callable[[Frame, np.ndarray, str, "list[str]"], None]


@dataclass(frozen=True)
class Col:
    name: str
    parse: Parser
    required: bool = False  # the column must be in the header
    nonempty: bool | None = None  # the value must be given (default: same as required)
    default: Any = None  # stored when the value is empty

    @property
    def must_have_value(self) -> bool:
        return self.required if self.nonempty is None else self.nonempty


@dataclass(frozen=True)
class Kind:
    name: str
    table: Table
    key: tuple[str, ...]
    columns: tuple[Col, ...]
    check_row: Callable[[Row, Report], None] | None = None
    check_batch: Callable[[Connection, list[Row], Report], None] | None = None
    update: bool = True  # on a key conflict: update the row (upsert) or leave it (audit logs)
    # column-wise instead of check_row and check_batch (the big files: the query log)
    check_frame: Callable[[Connection, Frame, FrameReport], None] | None = None
    # update=False kinds: a stored row with the same key must have these same values
    compared: tuple[str, ...] = ()
    # the column a PostgreSQL table is partitioned by month on (schema.partitions)
    partition_by: str | None = None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @cached_property
    def plan(self) -> tuple[tuple[str, Parser, int | None, bool, Any], ...]:
        """Per column: name, parser, max_len of plain text, value required, default."""
        return tuple(
            (c.name, c.parse, getattr(c.parse, "max_len", None), c.must_have_value, c.default)
            for c in self.columns
        )


def in_values(conn: Connection, column: Column, values: list[Any]) -> ColumnElement[bool]:
    """`column IN (values)` with a single bound parameter: a JSON array unpacked by json_each
    on SQLite, an array with `= ANY` on PostgreSQL (cheaper than thousands of bound parameters)."""
    if conn.dialect.name == "sqlite":
        return column.in_(select(value_rows(conn, column, values)))
    if conn.dialect.name == "postgresql":
        return column == any_(pg_array(column, values))
    return column.in_(values)


def value_rows(conn: Connection, column: Column, values: list[Any]) -> ColumnElement[Any]:
    """The values as the rows of one column, in one bound parameter (to select from): a JSON
    array unpacked by json_each on SQLite, an array unnested on PostgreSQL."""
    if conn.dialect.name == "postgresql":
        return func.unnest(pg_array(column, values)).column_valued("value")
    items = func.json_each(bindparam("in_values", json.dumps(values), type_=String))
    return items.table_valued("value").c.value


_SEPARATOR = "\x1f"  # ASCII unit separator (a value holding it, or empty, goes as an array)


def pg_array(column: Column, values: list[Any]) -> ColumnElement[Any]:
    """PostgreSQL: the values as an array for `column`, in one bound parameter. Text goes as one
    string split by the server (psycopg's array dumper costs more than the query it feeds:
    0.05 s against 0.013 s for 45,000 ID numbers), anything else as an array."""
    try:
        text = _SEPARATOR.join(values)
    except TypeError:  # not all text
        text = None
    if text is not None and text.count(_SEPARATOR) == len(values) - 1 and "" not in values:
        joined = bindparam("in_values", text, type_=String)
        return func.string_to_array(joined, bindparam("in_separator", _SEPARATOR, type_=String))
    return bindparam("in_values", values, type_=ARRAY(column.type))


def known_values(conn: Connection, column: Column, values: Iterable[Any]) -> set[Any]:
    """Which of these values exist in the column: one bounded SELECT per chunk. For a text
    column the compiled statement runs on the driver (its bound parameter as compiled): the
    rows are plain strings, and SQLAlchemy's result machinery would cost more than the query."""
    wanted = list(set(values))
    found: set[Any] = set()
    for i in range(0, len(wanted), IN_CHUNK):
        stmt = select(column).where(in_values(conn, column, wanted[i : i + IN_CHUNK]))
        if not isinstance(column.type, String):
            found.update(conn.scalars(stmt))
            continue
        compiled = stmt.compile(dialect=conn.dialect)
        params: Any = compiled.params
        if compiled.positiontup is not None:
            params = tuple(compiled.params[name] for name in compiled.positiontup)
        found.update(row[0] for row in conn.exec_driver_sql(compiled.string, params))
    return found


def unknown_values(conn: Connection, column: Column, values: Iterable[str]) -> set[str]:
    """Which of these text values are not in the column: one bounded SELECT per chunk, the
    database returning only the unknown ones (a few in a hundred for a query log's subjects)."""
    wanted = list(set(values))
    unknown: set[str] = set()
    for i in range(0, len(wanted), IN_CHUNK):
        value = value_rows(conn, column, wanted[i : i + IN_CHUNK])
        stored = select(literal(1)).where(column == value).exists()
        unknown.update(conn.scalars(select(value).where(~stored)))
    return unknown


def _check_known_persons(conn: Connection, rows: list[Row], report: Report) -> None:
    person = m.Person.__table__
    ids = [r.values["id_number"] for r in rows if r.ok("id_number")]
    known = known_values(conn, person.c.id_number, ids)
    for r in rows:
        if r.ok("id_number") and r.values["id_number"] not in known:
            report(
                r, "id_number", f"no person with ID number {r.values['id_number']} in the database"
            )


# --------------------------------------------------------------------------- persons


def _upper(value: str) -> str:
    return value.upper()


def _upper_column(values: pl.Series) -> pl.Series:
    ascii_only = values.str.contains(r"^[\x00-\x7f]*$")
    return pl.select(pl.when(ascii_only).then(values.str.to_uppercase())).to_series()


with_vector(_upper, _upper_column)


def _check_person(row: Row, report: Report) -> None:
    v = row.values
    if not row.ok("id_number") or v["id_number"] is None:
        return
    try:
        parsed = parse_id_number(v["id_number"])
    except ValueError as exc:
        report(row, "id_number", str(exc))
        return
    gender = v["gender"]
    if gender is None:
        v["gender"] = parsed.gender
    elif row.ok("gender") and gender != parsed.gender:
        parity = "odd" if parsed.sequence % 2 else "even"
        report(
            row,
            "gender",
            f"gender is {gender} but the ID number's sequence {parsed.sequence:03d} is {parity} "
            f"({parsed.gender})",
        )
    birth = v["birth_date"]
    if birth is None:
        v["birth_date"] = parsed.birth_date
    elif row.ok("birth_date") and birth != parsed.birth_date:
        report(
            row,
            "birth_date",
            f"birth_date {birth} disagrees with the ID number ({parsed.birth_date})",
        )


def persons() -> Kind:
    return Kind(
        name="persons",
        table=m.Person.__table__,
        key=("id_number",),
        columns=(
            Col("id_number", _upper, required=True),
            Col("name", text(64), required=True),
            Col("gender", one_of(("M", "F"), "gender")),
            Col("birth_date", not_in_future(parse_date)),
            Col("county_code", one_of(county_codes(), "county code"), required=True),
            Col("residence_code", parse_residence_code),
            Col("sensitive", parse_flag01, default=False),
        ),
        check_row=_check_person,
    )


# --------------------------------------------------------------------------- operators


def operators() -> Kind:
    return Kind(
        name="operators",
        table=m.Operator.__table__,
        key=("operator_id",),
        columns=(
            Col("operator_id", text(32), required=True),
            Col("name", text(64), required=True),
            Col("department_code", one_of(codes("departments"), "department code"), required=True),
            Col("role", text(32), required=True),
            Col("county_code", one_of(codes("counties"), "county or zone code")),
            Col("id_number", parse_id),
        ),
    )


# --------------------------------------------------------------------------- query log

# query_log.flags, in this order, comma-separated (models.QueryLog). `suspended`: the operator's
# access was suspended (a confirmed privacy case, data_access.queries.cases) before the lookup;
# the row is kept like every other. Every combination fits the column (invalid_id and
# unknown_subject never go together).
FLAG_ORDER = ("invalid_id", "unknown_subject", "unknown_purpose", "unknown_channel", "truncated",
              "suspended")  # fmt: skip
_QUERY_FREE_COLUMNS = (
    "subject_id_number", "purpose_code", "authorization_ref", "channel", "terminal_id"
)  # fmt: skip

QUERY_LOG_COMPARED = (
    "queried_at",
    "operator_id",
    "subject_id_number",
    "purpose_code",
    "authorization_ref",
    "channel",
    "terminal_id",
)


_PURPOSES = codes("purposes")
_FLAG_BIT = {name: 1 << i for i, name in enumerate(FLAG_ORDER)}
# every combination of flags as stored: FLAG_ORDER's names, comma-separated, in that order
_FLAG_TEXT = [
    ",".join(name for name in FLAG_ORDER if bits & _FLAG_BIT[name])
    for bits in range(1 << len(FLAG_ORDER))
]


def _valid_ids(subjects: pl.Series) -> tuple[np.ndarray, pl.Series]:
    """parse_id_number's verdict per value, and the values with the valid ones upper-cased:
    column-wise, the rare values the companion leaves undecided (non-ASCII) in Python."""
    valid = id_numbers_valid(subjects)
    decided = valid.fill_null(False)
    verdict = decided.to_numpy().copy()
    upper = pl.select(
        pl.when(decided).then(subjects.str.to_uppercase()).otherwise(subjects)
    ).to_series()  # fmt: skip
    for i in np.flatnonzero(valid.is_null().to_numpy()).tolist():
        try:
            parse_id_number(subjects[i])
        except ValueError:
            continue
        verdict[i] = True
        upper = upper.scatter(i, subjects[i].upper())
    return verdict, upper.alias(subjects.name)


def _suspended_since(conn: Connection, operators: Iterable[str]) -> dict[str, dt.datetime]:
    """operator -> when their access was suspended, for those of them suspended now."""
    op = m.Operator.__table__
    wanted = list(operators)
    found: dict[str, dt.datetime] = {}
    for i in range(0, len(wanted), IN_CHUNK):
        stmt = select(op.c.operator_id, op.c.access_since).where(
            in_values(conn, op.c.operator_id, wanted[i : i + IN_CHUNK]),
            op.c.access_status == "suspended",
            op.c.access_since.is_not(None),
        )
        found.update((str(o), since) for o, since in conn.execute(stmt))
    return found


def _check_query_frame(conn: Connection, frame: Frame, report: FrameReport,
                       cache: set[str], suspended: dict[str, dt.datetime]) -> None:  # fmt: skip
    """Flags (kept, never refused), a known operator (else refused), a known subject (else
    flagged), a lookup after the operator's suspension (flagged). `cache` holds the operators
    already found during this import, `suspended` those of them suspended (and since when)."""
    v = frame.values
    bits = np.zeros(frame.height, dtype=np.int64)
    width = m.QUERY_TEXT_WIDTH
    for column in _QUERY_FREE_COLUMNS:  # an audit row is kept whole: overlong values are cut
        values = v[column]
        long = (values.str.len_chars() > width).fill_null(False)
        if long.any():
            v[column] = pl.select(
                pl.when(long).then(values.str.slice(0, width)).otherwise(values)
            ).to_series().alias(column)  # fmt: skip
            bits |= long.to_numpy() * _FLAG_BIT["truncated"]
    valid, v["subject_id_number"] = _valid_ids(v["subject_id_number"])
    bits |= ~valid * _FLAG_BIT["invalid_id"]
    purpose = v["purpose_code"]
    unknown = (purpose.is_not_null() & ~purpose.is_in(sorted(_PURPOSES))).to_numpy()
    bits |= unknown * _FLAG_BIT["unknown_purpose"]
    bits |= ~v["channel"].is_in(list(m.CHANNELS)).to_numpy() * _FLAG_BIT["unknown_channel"]

    live = ~frame.bad
    operators = v["operator_id"]
    wanted = set(operators.filter(pl.Series(live)).unique().to_list()) - cache
    if wanted:
        cache.update(known_values(conn, m.Operator.__table__.c.operator_id, wanted))
        suspended.update(_suspended_since(conn, wanted))
    if suspended:
        since = operators.replace_strict(suspended, default=None, return_dtype=pl.Datetime("us"))
        after = (v["queried_at"].cast(pl.Datetime("us")) >= since).fill_null(False).to_numpy()
        bits |= (live & after) * _FLAG_BIT["suspended"]
    unknown_op = live & ~operators.is_in(sorted(cache)).to_numpy()
    if unknown_op.any():
        rows = np.flatnonzero(unknown_op)
        names = operators.gather(rows).to_list()
        report(frame, rows, "operator_id", [f"unknown operator {name!r}" for name in names])
    asked = ~frame.bad & valid
    subjects = v["subject_id_number"]
    unregistered = unknown_values(
        conn, m.Person.__table__.c.id_number, subjects.filter(pl.Series(asked)).unique().to_list()
    )
    unknown_subject = asked & subjects.is_in(sorted(unregistered)).to_numpy()
    bits |= unknown_subject * _FLAG_BIT["unknown_subject"]
    frame.flags = pl.Series("flags", _FLAG_TEXT, dtype=pl.String).gather(bits)


def unbounded(value: str) -> str:
    """Any text: the query log keeps what it is given (see _check_query_frame for overlong
    values)."""
    return value


with_vector(unbounded, lambda values: values)


def query_log() -> Kind:
    operators_seen: set[str] = set()
    suspended: dict[str, dt.datetime] = {}

    def check_frame(conn: Connection, frame: Frame, report: FrameReport) -> None:
        _check_query_frame(conn, frame, report, operators_seen, suspended)

    return Kind(
        name="query-log",
        table=m.QueryLog.__table__,
        key=("query_id",),
        columns=(
            Col("query_id", text(48), required=True),
            Col("queried_at", not_in_future(parse_datetime), required=True),
            Col("operator_id", text(32), required=True),
            Col("subject_id_number", unbounded, required=True, nonempty=False, default=""),
            Col("purpose_code", unbounded),
            Col("authorization_ref", unbounded),
            Col("channel", unbounded, required=True, nonempty=False, default=""),
            Col("terminal_id", unbounded),
        ),
        check_frame=check_frame,
        compared=QUERY_LOG_COMPARED,
        partition_by="queried_at",
        update=False,
    )


# --------------------------------------------------------------------------- credit records

VALUE_REQUIRED = {"VOLUNTEER": "hours", "CHARITY": "yuan"}


def _polarity() -> dict[str, str]:
    return {r["code"]: r["polarity"] for r in read_catalogue("record_categories")}


def _check_record(row: Row, report: Report) -> None:
    v = row.values
    category = v["category_code"]
    if not row.ok("category_code") or category is None:
        return
    negative = _POLARITY.get(category) == "negative"
    severity = v["severity"]
    if negative and row.ok("severity"):
        if category == "JUDGMENT_DEFAULT":
            if severity is None:
                severity = v["severity"] = "serious"
            elif severity != "serious":
                report(
                    row, "severity", f"JUDGMENT_DEFAULT is serious by definition, not {severity}"
                )
        elif severity is None:
            report(row, "severity", f"required for the negative category {category}")
    elif not negative and severity is not None:
        report(row, "severity", f"only negative records have a severity ({category} is not one)")

    display_until = v["display_until"]
    if negative:
        if severity in m.SEVERITIES and row.ok("severity", "decision_date", "display_until"):
            decided = v["decision_date"]
            if display_until is None:
                v["display_until"] = default_display_until(severity, decided)
            else:
                problem = display_until_problem(severity, decided, display_until)
                if problem:
                    report(row, "display_until", problem)
    elif display_until is not None:
        report(row, "display_until", f"only negative records have a display period ({category})")

    if category == "COMMENDATION":
        if v["level"] is None:
            report(row, "level", "required for COMMENDATION (national, provincial, city or county)")
    elif v["level"] is not None:
        report(row, "level", f"only COMMENDATION records have a level, not {category}")

    if category in VALUE_REQUIRED and v["quantity"] is None and row.ok("quantity"):
        report(row, "quantity", f"required for {category}: {VALUE_REQUIRED[category]}, more than 0")


_POLARITY = _polarity()


def credit_records() -> Kind:
    return Kind(
        name="credit-records",
        table=m.CreditRecord.__table__,
        key=("record_id",),
        columns=(
            Col("record_id", text(48), required=True),
            Col("id_number", parse_id, required=True),
            Col("category_code", one_of(codes("record_categories"), "category"), required=True),
            Col("domain_code", one_of(codes("domains"), "domain code")),
            Col("severity", one_of(m.SEVERITIES, "severity")),
            Col("level", one_of(m.COMMENDATION_LEVELS, "level")),
            Col("quantity", parse_positive_number),
            Col("decision_date", not_in_future(parse_date), required=True),
            Col("display_until", parse_date),
            Col("source_dept", one_of(codes("departments"), "department code"), required=True),
            Col("status", one_of(m.RECORD_STATUSES, "status"), default="active"),
            Col("title", text(200), default=""),
        ),
        check_row=_check_record,
        check_batch=_check_known_persons,
    )


# --------------------------------------------------------------------------- roster


def _check_roster(row: Row, report: Report) -> None:
    v = row.values
    if v["valid_to"] is not None and row.ok("valid_from", "valid_to") and v["valid_from"]:
        if v["valid_to"] < v["valid_from"]:
            report(
                row, "valid_to", f"valid_to {v['valid_to']} is before valid_from {v['valid_from']}"
            )


def roster() -> Kind:
    return Kind(
        name="roster",
        table=m.RosterEntry.__table__,
        key=("id_number", "profession_code", "valid_from"),
        columns=(
            Col("id_number", parse_id, required=True),
            Col("profession_code", one_of(codes("professions"), "profession code"), required=True),
            Col("licence_no", text(64), default=""),
            Col("valid_from", parse_date, required=True),
            Col("valid_to", parse_date),
            Col("source_dept", one_of(codes("departments"), "department code"), required=True),
        ),
        check_row=_check_roster,
        check_batch=_check_known_persons,
    )


# --------------------------------------------------------------------------- submissions


def _check_submission(row: Row, report: Report) -> None:
    v = row.values
    if row.ok("item_code", "period") and v["item_code"] and v["period"]:
        problem = period_problem(v["period"], _FREQUENCY[v["item_code"]])
        if problem:
            report(row, "period", f"{problem} ({v['item_code']} is {_FREQUENCY[v['item_code']]})")
    if row.ok("rows_submitted", "rows_accepted", "rows_rejected"):
        if v["rows_accepted"] + v["rows_rejected"] != v["rows_submitted"]:
            report(
                row,
                "rows_submitted",
                f"rows_accepted {v['rows_accepted']} + rows_rejected {v['rows_rejected']} "
                f"!= rows_submitted {v['rows_submitted']}",
            )


_FREQUENCY = {r["code"]: r["frequency"] for r in read_catalogue("catalog_items")}


def submissions() -> Kind:
    return Kind(
        name="submissions",
        table=m.Submission.__table__,
        key=("submission_id",),
        columns=(
            Col("submission_id", text(64), required=True),
            Col("item_code", one_of(codes("catalog_items"), "catalogue item"), required=True),
            Col("period", text(16), required=True),
            Col("due_date", parse_date, required=True),
            Col("submitted_at", not_in_future(parse_datetime)),
            Col("rows_submitted", parse_count, default=0),
            Col("rows_accepted", parse_count, default=0),
            Col("rows_rejected", parse_count, default=0),
        ),
        check_row=_check_submission,
    )


# --------------------------------------------------------------------------- annual reports


def _reporting_units() -> frozenset[str]:
    return codes("departments") | codes("counties")


def _check_annual(row: Row, report: Report) -> None:
    v = row.values
    v["due_date"] = dt.date(v["year"], 12, 31) if row.ok("year") and v["year"] else None


def annual_reports() -> Kind:
    return Kind(
        name="annual-reports",
        table=m.AnnualReport.__table__,
        key=("unit_code", "year"),
        columns=(
            Col("unit_code", one_of(_reporting_units(), "reporting unit"), required=True),
            Col("year", parse_year, required=True),
            Col("filed_at", not_in_future(parse_datetime)),
            Col("summary", text(100_000), default=""),
        ),
        check_row=_check_annual,
    )


# --------------------------------------------------------------------------- applications

APPLICATION_OUTCOMES = ("pending", "upheld", "rejected", "withdrawn")
_APPLICATION_DATES = ("filed_at", "received_at", "decided_at", "answered_at")


def parse_extension_days(text_value: str) -> int:
    """An extension decision's new decision limit: a whole number of working days, 1 to 60."""
    try:
        days = int(text_value)
    except ValueError:
        raise ValueError(f"not a whole number of working days: {text_value!r}") from None
    if not 1 <= days <= 60:
        raise ValueError(f"{days} working days: an extended limit is 1 to 60")
    return days


def _check_application(row: Row, report: Report) -> None:
    v = row.values
    if row.ok("extended_decision_days", "extension_reason") and (
        v.get("extended_decision_days") is not None and not v.get("extension_reason")
    ):
        report(row, "extension_reason", "an extension needs its reason")
    previous = None
    for name in _APPLICATION_DATES:
        if not row.ok(name):
            return
        if v[name] is None:
            continue
        if previous is not None and v[name] < v[previous]:
            report(row, name, f"{name} {v[name]} is before {previous} {v[previous]}")
        previous = name


def _check_application_batch(conn: Connection, rows: list[Row], report: Report) -> None:
    record = m.CreditRecord.__table__
    wanted = list({r.values["record_id"] for r in rows if r.ok("record_id")})
    owner: dict[str, str] = {}
    for i in range(0, len(wanted), IN_CHUNK):
        stmt = select(record.c.record_id, record.c.id_number).where(
            in_values(conn, record.c.record_id, wanted[i : i + IN_CHUNK])
        )
        owner.update((rid, idn) for rid, idn in conn.execute(stmt))
    for r in rows:
        if not r.ok("record_id", "id_number"):
            continue
        record_id = r.values["record_id"]
        if record_id not in owner:
            report(r, "record_id", f"no credit record {record_id!r} in the database")
        elif owner[record_id] != r.values["id_number"]:
            report(r, "id_number", f"record {record_id!r} belongs to another person")


def applications() -> Kind:
    return Kind(
        name="applications",
        table=m.Application.__table__,
        key=("application_id",),
        columns=(
            Col("application_id", text(48), required=True),
            Col("kind", one_of(m.APPLICATION_KINDS, "kind"), required=True),
            Col("record_id", text(48), required=True),
            Col("id_number", parse_id, required=True),
            Col("handling_dept", one_of(codes("departments"), "department code"), required=True),
            Col("filed_at", not_in_future(parse_date), required=True),
            Col("received_at", not_in_future(parse_date)),
            Col("decided_at", not_in_future(parse_date)),
            Col("answered_at", not_in_future(parse_date)),
            Col("outcome", one_of(APPLICATION_OUTCOMES, "outcome"), default="pending"),
            Col("extended_decision_days", parse_extension_days),
            Col("extension_reason", text(500)),
        ),
        check_row=_check_application,
        check_batch=_check_application_batch,
    )


# --------------------------------------------------------------------------- registry

KINDS: dict[str, Callable[[], Kind]] = {
    "persons": persons,
    "operators": operators,
    "query-log": query_log,
    "credit-records": credit_records,
    "roster": roster,
    "submissions": submissions,
    "annual-reports": annual_reports,
    "applications": applications,
}


def kind_spec(name: str) -> Kind:
    """A fresh specification of the kind (fresh per import: some carry per-import caches)."""
    try:
        return KINDS[name]()
    except KeyError:
        raise ValueError(f"unknown import kind {name!r} (one of {', '.join(KINDS)})") from None
