"""Imports (contracts.md): every kind on both engines, bad rows refused whole, the query log kept
and flagged, idempotent re-imports, and .xlsx / .parquet files equal to their CSV."""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data_access.id_number import make_id_number
from data_access.imports.importer import import_file
from data_access.imports.readers import CsvSource, cell_text
from data_access.schema import models as m

D = dt.date
P1 = make_id_number("411602", D(1990, 5, 17), 101)  # M
P2 = make_id_number("412701", D(1985, 3, 12), 202)  # F, former prefecture code (born before 2000)
P3 = make_id_number("411626", D(2010, 7, 1), 303)  # M, Huaiyang's code until 2019
P4 = "11010519491231002X"  # F, born in Beijing, lives in Zhoukou
STRANGER = make_id_number("411621", D(1970, 1, 1), 11)  # valid, not in the database
BAD_CHECK = P1[:17] + ("0" if P1[17] != "0" else "1")

PERSONS = [
    ["id_number", "name", "gender", "birth_date", "county_code", "residence_code", "sensitive"],
    [P1, "张伟", "M", "1990-05-17", "411602", "411602001001", "0"],
    [P2, "李娜", "F", "", "411602", "", "1"],
    [P3, "王强", "", "", "411603", "", ""],
    [P4, "刘芳", "F", "1949-12-31", "411681", "", "0"],
]
OPERATORS = [
    ["operator_id", "name", "department_code", "role", "county_code", "id_number"],
    ["OP1", "窗口一", "GOVSERVICE", "window", "411602", P1],
    ["OP2", "人事", "HRSS", "hr", "", ""],
    ["OP3", "开发区", "DRC", "officer", "ZK-ETDZ", ""],
]
QUERY_HEADER = [
    "query_id",
    "queried_at",
    "operator_id",
    "subject_id_number",
    "purpose_code",
    "authorization_ref",
    "channel",
    "terminal_id",
]
QUERIES = [
    QUERY_HEADER,
    ["Q1", "2026-03-01T09:00:00", "OP1", P1, "EMPLOYMENT", "AUTH-1", "WINDOW", "T1"],
    ["Q2", "2026-03-01 09:05:00", "OP1", STRANGER, "LICENSING", "AUTH-2", "WEB", ""],
    ["Q3", "2026-03-01T09:10:00", "OP2", BAD_CHECK, "LABOUR", "", "API", "T2"],
    ["Q4", "2026-03-01T01:15:00+00:00", "OP2", P2.lower(), "FISHING", "", "PHONE", ""],
    ["Q5", "2026-03-01T09:20:00.250000", "OP3", P4, "", "", "DASHBOARD", ""],
]
# fmt: off
RECORDS = [
    [
        "record_id",
        "id_number",
        "category_code",
        "domain_code",
        "severity",
        "level",
        "quantity",
        "decision_date",
        "display_until",
        "source_dept",
        "status",
        "title",
    ],
    ["R1", P1, "ADMIN_PENALTY", "FOOD_DRUG", "general", "", "", "2026-01-15", "", "SAMR", "", "罚款"],
    ["R2", P2, "JUDGMENT_DEFAULT", "JUDICIAL", "", "", "", "2025-06-30", "", "COURT", "", ""],
    ["R3", P3, "COMMENDATION", "", "", "city", "", "2025-05-01", "", "DRC", "", "表彰"],
    ["R4", P4, "VOLUNTEER", "VOLUNTEER", "", "", "12.5", "2025-08-01", "", "CIVILIZATION", "", ""],
    ["R5", P1, "ADMIN_PENALTY", "TAX", "minor", "", "", "2026-01-15", "2026-03-01", "TAX", "objection", ""],
]
# fmt: on
ROSTER = [
    ["id_number", "profession_code", "licence_no", "valid_from", "valid_to", "source_dept"],
    [P1, "LAWYER", "L-001", "2020-01-01", "", "JUSTICE"],
    [P2, "TEACHER", "", "2015-09-01", "2020-08-31", "EDU"],
    [P2, "TEACHER", "", "2021-09-01", "", "EDU"],
]
SUBMISSIONS = [
    [
        "submission_id",
        "item_code",
        "period",
        "due_date",
        "submitted_at",
        "rows_submitted",
        "rows_accepted",
        "rows_rejected",
    ],
    ["S1", "PENALTY-FOOD_DRUG", "2026-01", "2026-02-10", "2026-02-08T10:00:00", "100", "98", "2"],
    ["S2", "ROSTER-LAWYER", "2026-Q1", "2026-04-15", "", "", "", ""],
]
ANNUAL = [
    ["unit_code", "year", "filed_at", "summary"],
    ["DRC", "2025", "2025-12-20T10:00:00", "全年工作总结"],
    ["ZK-EAST", "2025", "", ""],
]
# fmt: off
APPLICATIONS = [
    [
        "application_id",
        "kind",
        "record_id",
        "id_number",
        "handling_dept",
        "filed_at",
        "received_at",
        "decided_at",
        "answered_at",
        "outcome",
    ],
    ["A1", "objection", "R1", P1, "SAMR", "2026-02-01", "2026-02-02", "2026-02-05", "2026-02-10", "upheld"],
    ["A2", "repair", "R2", P2, "COURT", "2026-03-01", "", "", "", ""],
]
# fmt: on


def write_csv(path: Path, rows: list[list[str]], bom: bool = False) -> Path:
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def count(engine: Engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model.__table__))


def dump(engine: Engine, model) -> list[tuple]:
    table = model.__table__
    order = [c for c in table.c if c.name not in ("id", "run_id")]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(*order).order_by(*order))]


def do_import(engine: Engine, kind: str, path: Path, **kw):
    result = import_file(engine, kind, path, **kw)
    assert result.ok, [str(p) for p in result.errors]
    return result


@pytest.fixture
def people(engine, tmp_path) -> Engine:
    do_import(engine, "persons", write_csv(tmp_path / "persons.csv", PERSONS))
    do_import(engine, "operators", write_csv(tmp_path / "operators.csv", OPERATORS))
    return engine


# --------------------------------------------------------------------------- good files


def test_persons_import_row_for_row(engine, tmp_path):
    result = do_import(engine, "persons", write_csv(tmp_path / "persons.csv", PERSONS, bom=True))
    assert (result.rows_read, result.rows_written, result.rows_flagged) == (4, 4, 0)
    assert dump(engine, m.Person) == sorted(
        [
            (P1, "张伟", "M", D(1990, 5, 17), "411602", "411602001001", False),
            (P2, "李娜", "F", D(1985, 3, 12), "411602", None, True),
            (P3, "王强", "M", D(2010, 7, 1), "411603", None, False),
            (P4, "刘芳", "F", D(1949, 12, 31), "411681", None, False),
        ]
    )
    with engine.connect() as conn:
        run = conn.execute(select(m.ImportRun.__table__)).one()
    assert (run.kind, run.rows_read, run.rows_written) == ("persons", 4, 4)


def test_operators_import(people):
    assert dump(people, m.Operator) == [
        ("OP1", "窗口一", "GOVSERVICE", "window", "411602", P1, None, None, None),
        ("OP2", "人事", "HRSS", "hr", None, None, None, None, None),
        ("OP3", "开发区", "DRC", "officer", "ZK-ETDZ", None, None, None, None),
    ]  # the access status (last three) is never the import's: data_access.queries.cases


def test_query_log_keeps_and_flags(people, tmp_path):
    result = do_import(people, "query-log", write_csv(tmp_path / "q.csv", QUERIES))
    assert (result.rows_read, result.rows_written, result.rows_flagged) == (5, 5, 3)
    # fmt: off
    at = dt.datetime
    assert dump(people, m.QueryLog) == [
        ("Q1", at(2026, 3, 1, 9, 0), "OP1", P1, "EMPLOYMENT", "AUTH-1", "WINDOW", "T1", ""),
        ("Q2", at(2026, 3, 1, 9, 5), "OP1", STRANGER, "LICENSING", "AUTH-2", "WEB", None, "unknown_subject"),
        ("Q3", at(2026, 3, 1, 9, 10), "OP2", BAD_CHECK, "LABOUR", None, "API", "T2", "invalid_id"),
        # +00:00 converted to Asia/Shanghai; a lower-case x normalised; unknown codes kept
        ("Q4", at(2026, 3, 1, 9, 15), "OP2", P2, "FISHING", None, "PHONE", None, "unknown_purpose,unknown_channel"),
        ("Q5", at(2026, 3, 1, 9, 20, 0, 250000), "OP3", P4, None, None, "DASHBOARD", None, ""),
    ]
    # fmt: on


def test_query_log_keeps_an_overlong_value_cut_and_flagged(people, tmp_path):
    long_ref = "BATCH-" + "9" * 400
    rows = [
        QUERY_HEADER,
        ["Q9", "2026-03-02 10:00:00", "OP1", P1, "EMPLOYMENT", long_ref, "WINDOW", ""],
    ]
    result = do_import(people, "query-log", write_csv(tmp_path / "q.csv", rows))
    assert (result.rows_written, result.rows_flagged) == (1, 1)
    with people.connect() as conn:
        ref, flags = conn.execute(select(m.QueryLog.authorization_ref, m.QueryLog.flags)).one()
    assert (ref, flags) == (long_ref[: m.QUERY_TEXT_WIDTH], "truncated")


def test_credit_records_import(people, tmp_path):
    do_import(people, "credit-records", write_csv(tmp_path / "r.csv", RECORDS))
    # fmt: off
    assert dump(people, m.CreditRecord) == [
        ("R1", P1, "ADMIN_PENALTY", "FOOD_DRUG", "general", None, None, D(2026, 1, 15), D(2027, 1, 15), "SAMR", "active", "罚款"),
        ("R2", P2, "JUDGMENT_DEFAULT", "JUDICIAL", "serious", None, None, D(2025, 6, 30), D(2028, 6, 30), "COURT", "active", ""),
        ("R3", P3, "COMMENDATION", None, None, "city", None, D(2025, 5, 1), None, "DRC", "active", "表彰"),
        ("R4", P4, "VOLUNTEER", "VOLUNTEER", None, None, 12.5, D(2025, 8, 1), None, "CIVILIZATION", "active", ""),
        ("R5", P1, "ADMIN_PENALTY", "TAX", "minor", None, None, D(2026, 1, 15), D(2026, 3, 1), "TAX", "objection", ""),
    ]
    # fmt: on


def test_roster_submissions_annual_reports_applications(people, tmp_path):
    do_import(people, "credit-records", write_csv(tmp_path / "r.csv", RECORDS))
    do_import(people, "roster", write_csv(tmp_path / "roster.csv", ROSTER))
    do_import(people, "submissions", write_csv(tmp_path / "s.csv", SUBMISSIONS))
    do_import(people, "annual-reports", write_csv(tmp_path / "a.csv", ANNUAL))
    do_import(people, "applications", write_csv(tmp_path / "app.csv", APPLICATIONS))
    assert dump(people, m.RosterEntry) == [
        (P1, "LAWYER", "L-001", D(2020, 1, 1), None, "JUSTICE"),
        (P2, "TEACHER", "", D(2015, 9, 1), D(2020, 8, 31), "EDU"),
        (P2, "TEACHER", "", D(2021, 9, 1), None, "EDU"),
    ]
    # fmt: off
    assert dump(people, m.Submission) == [
        ("S1", "PENALTY-FOOD_DRUG", "2026-01", D(2026, 2, 10), dt.datetime(2026, 2, 8, 10), 100, 98, 2),
        ("S2", "ROSTER-LAWYER", "2026-Q1", D(2026, 4, 15), None, 0, 0, 0),
    ]
    # fmt: on
    assert dump(people, m.AnnualReport) == [
        ("DRC", 2025, D(2025, 12, 31), dt.datetime(2025, 12, 20, 10), "全年工作总结"),
        ("ZK-EAST", 2025, D(2025, 12, 31), None, ""),
    ]
    # fmt: off
    assert dump(people, m.Application) == [
        ("A1", "objection", "R1", P1, "SAMR", D(2026, 2, 1), D(2026, 2, 2), D(2026, 2, 5), D(2026, 2, 10), "upheld", None, None),
        ("A2", "repair", "R2", P2, "COURT", D(2026, 3, 1), None, None, None, "pending", None, None),
    ]
    # fmt: on


def test_an_extension_decision_is_imported_with_its_reason(people, tmp_path):
    do_import(people, "credit-records", write_csv(tmp_path / "r.csv", RECORDS))
    header = [*APPLICATIONS[0], "extended_decision_days", "extension_reason"]
    good = [header, [*APPLICATIONS[1], "8", "需调取法院卷宗"]]
    do_import(people, "applications", write_csv(tmp_path / "good.csv", good))
    with people.connect() as conn:
        row = conn.execute(select(m.Application.extended_decision_days,
                                  m.Application.extension_reason)).one()  # fmt: skip
    assert tuple(row) == (8, "需调取法院卷宗")
    bad = [header, [*APPLICATIONS[1], "8", ""], [*APPLICATIONS[2], "0", "x"]]
    result = import_file(people, "applications", write_csv(tmp_path / "bad.csv", bad))
    assert [(p.line, p.column, p.reason) for p in result.errors] == [
        (2, "extension_reason", "an extension needs its reason"),
        (3, "extended_decision_days", "0 working days: an extended limit is 1 to 60"),
    ]


# --------------------------------------------------------------------------- idempotence


@pytest.mark.parametrize(
    ("kind", "rows", "model"),
    [
        ("persons", PERSONS, m.Person),
        ("query-log", QUERIES, m.QueryLog),
        ("credit-records", RECORDS, m.CreditRecord),
        ("roster", ROSTER, m.RosterEntry),
        ("annual-reports", ANNUAL, m.AnnualReport),
    ],
)
def test_reimport_changes_nothing(people, tmp_path, kind, rows, model):
    path = write_csv(tmp_path / f"{kind}.csv", rows)
    do_import(people, kind, path)
    before = (count(people, model), dump(people, model))
    again = do_import(people, kind, path)
    assert (count(people, model), dump(people, model)) == before
    assert again.rows_read == len(rows) - 1
    if kind == "query-log":
        assert again.rows_written == 0  # identical audit rows are left alone


def test_a_file_without_an_optional_column_leaves_stored_values_alone(people, tmp_path):
    # P2 is on the watch list; a clerk re-sends the persons with only the required columns
    partial = [
        ["id_number", "name", "county_code"],
        [P2, "李娜", "411603"],
        [STRANGER, "新人", "411621"],
    ]
    result = do_import(people, "persons", write_csv(tmp_path / "partial.csv", partial))
    assert result.rows_written == 2
    with people.connect() as conn:
        rows = {r.id_number: r for r in conn.execute(select(m.Person.__table__)).all()}
    assert rows[P2].sensitive is True and rows[P2].county_code == "411603"  # kept; changed
    assert rows[STRANGER].sensitive is False  # a new row takes the default
    # a repaired record re-sent without its status stays repaired
    do_import(people, "credit-records", write_csv(tmp_path / "r.csv", RECORDS))
    with people.begin() as conn:
        conn.execute(m.CreditRecord.__table__.update().values(status="repaired"))
    status_at = RECORDS[0].index("status")
    no_status = [row[:status_at] + row[status_at + 1 :] for row in RECORDS]
    do_import(people, "credit-records", write_csv(tmp_path / "r2.csv", no_status))
    with people.connect() as conn:
        statuses = set(conn.scalars(select(m.CreditRecord.status)).all())
    assert statuses == {"repaired"}


def test_a_delivery_never_changes_another_departments_rows(people, tmp_path):
    do_import(people, "credit-records", write_csv(tmp_path / "r.csv", RECORDS))  # the command line
    before = dump(people, m.CreditRecord)
    owner_at = RECORDS[0].index("source_dept")
    court = next(row for row in RECORDS[1:] if row[owner_at] == "COURT")
    samr = next(row for row in RECORDS[1:] if row[owner_at] == "SAMR")
    # SAMR re-uses the court's record id for a minor penalty of its own
    forged = [*court[:owner_at], "SAMR", *court[owner_at + 1 :]]
    path = write_csv(tmp_path / "forged.csv", [RECORDS[0], samr, forged])
    result = import_file(people, "credit-records", path, owner="SAMR")
    assert not result.ok and result.rows_written == 0
    assert [(p.line, p.column, p.reason) for p in result.errors] == [
        (3, "record_id", f"{court[0]} belongs to COURT: a delivery of SAMR may not change it")
    ]
    assert dump(people, m.CreditRecord) == before
    # its own record it may change, and new ones it may add
    own = [RECORDS[0], [*samr[:-1], "更正"], ["R-NEW", *samr[1:]]]
    result = import_file(
        people, "credit-records", write_csv(tmp_path / "own.csv", own), owner="SAMR"
    )
    assert result.ok and result.rows_written == 2


def test_query_log_refuses_to_alter_a_stored_row(people, tmp_path):
    do_import(people, "query-log", write_csv(tmp_path / "q.csv", QUERIES))
    before = dump(people, m.QueryLog)
    altered = [QUERY_HEADER, QUERIES[1][:3] + [P2] + QUERIES[1][4:], ["Q9", *QUERIES[2][1:]]]
    result = import_file(people, "query-log", write_csv(tmp_path / "q2.csv", altered))
    assert not result.ok
    assert [str(p) for p in result.errors] == [
        f"{tmp_path / 'q2.csv'}:2: query_id: query 'Q1' is already in the database with a "
        "different subject_id_number; an audit row is never altered"
    ]
    assert dump(people, m.QueryLog) == before  # Q9 not written either


# --------------------------------------------------------------------------- bad files

# fmt: off
FUTURE_ID = make_id_number("411602", dt.date.today() + dt.timedelta(days=400), 101)
BAD_CASES = {
    "a lookup time past the last representable moment": (
        "query-log",
        [QUERY_HEADER, ["Q9", "9999-12-31T23:00:00-10:00", "OP1", P1, "", "", "WEB", ""]],
        2,
        "queried_at",
        "outside the plausible range",
    ),
    "a lookup in year 1": (
        "query-log",
        [QUERY_HEADER, ["Q9", "0001-01-01T00:00:00", "OP1", P1, "", "", "WEB", ""]],
        2,
        "queried_at",
        "outside the plausible range 1900-01-01 to 2100-12-31",
    ),
    "a lookup next year": (
        "query-log",
        [QUERY_HEADER, ["Q9", f"{dt.date.today().year + 1}-06-01T09:00:00", "OP1", P1, "", "", "WEB", ""]],
        2,
        "queried_at",
        "is in the future (after the import day",
    ),
    "a decision in 9999": (
        "credit-records",
        [RECORDS[0], ["R9", *RECORDS[1][1:7], "9999-12-31", *RECORDS[1][8:]]],
        2,
        "decision_date",
        "outside the plausible range",
    ),
    "a person born next year by their ID": (
        "persons",
        [PERSONS[0], [FUTURE_ID, "张未来", "", "", "411602", "", ""]],
        2,
        "id_number",
        "in the ID number is in the future",
    ),
    "bad check character": (
        "persons",
        [PERSONS[0], PERSONS[1], [BAD_CHECK, "x", "", "", "411602", "", ""]],
        3,
        "id_number",
        f"check character is {BAD_CHECK[17]}, expected {P1[17]}",
    ),
    "gender disagrees": (
        "persons",
        [PERSONS[0], [P1, "张伟", "F", "", "411602", "", ""]],
        2,
        "gender",
        "sequence 101 is odd (M)",
    ),
    "unknown county": (
        "persons",
        [PERSONS[0], [P1, "张伟", "", "", "412701", "", ""]],
        2,
        "county_code",
        "unknown county code '412701'",
    ),
    "birth date disagrees": (
        "persons",
        [PERSONS[0], [P1, "张伟", "", "1990-05-18", "411602", "", ""]],
        2,
        "birth_date",
        "disagrees with the ID number",
    ),
    "bad date": (
        "roster",
        [ROSTER[0], [P1, "LAWYER", "", "2020-13-01", "", "JUSTICE"]],
        2,
        "valid_from",
        "is not a date YYYY-MM-DD",
    ),
    "display_until beyond the maximum": (
        "credit-records",
        [RECORDS[0], ["R9", P1, "ADMIN_PENALTY", "", "general", "", "", "2026-01-15", "2027-01-16", "SAMR", "", ""]],
        2,
        "display_until",
        "after the general maximum 2027-01-15",
    ),
    "negative record without severity": (
        "credit-records",
        [RECORDS[0], RECORDS[1], ["R9", P1, "TAX_ARREARS", "TAX", "", "", "", "2026-01-15", "", "TAX", "", ""]],
        3,
        "severity",
        "required for the negative category TAX_ARREARS",
    ),
    "record of an unknown person": (
        "credit-records",
        [RECORDS[0], ["R9", STRANGER, "CHARITY", "", "", "", "100", "2026-01-15", "", "CIVIL", "", ""]],
        2,
        "id_number",
        "no person with ID number",
    ),
    "unknown column": (
        "persons",
        [PERSONS[0] + ["nickname"], PERSONS[1] + ["Wei"]],
        1,
        "nickname",
        "unknown column",
    ),
    "missing required column": (
        "operators",
        [[c for c in OPERATORS[0] if c != "role"], ["OP9", "x", "DRC", "", ""]],
        1,
        "role",
        "required column missing",
    ),
    "duplicate key": (
        "persons",
        [PERSONS[0], PERSONS[1], PERSONS[2], PERSONS[1]],
        4,
        "id_number",
        f"duplicate key '{P1}' (first on line 2)",
    ),
    "unknown operator in the query log": (
        "query-log",
        [QUERY_HEADER, QUERIES[1], ["Q9", "2026-03-01T10:00:00", "OP404", P1, "", "", "WEB", ""]],
        3,
        "operator_id",
        "unknown operator 'OP404'",
    ),
    "malformed time in the query log": (
        "query-log",
        [QUERY_HEADER, ["Q9", "yesterday", "OP1", P1, "", "", "WEB", ""]],
        2,
        "queried_at",
        "not an ISO 8601 date and time",
    ),
    "wrong period for a quarterly item": (
        "submissions",
        [SUBMISSIONS[0], ["S9", "ROSTER-LAWYER", "2026-03", "2026-04-15", "", "", "", ""]],
        2,
        "period",
        "not a quarterly period",
    ),
}
# fmt: on
TABLE_OF = {
    "persons": m.Person,
    "operators": m.Operator,
    "query-log": m.QueryLog,
    "credit-records": m.CreditRecord,
    "roster": m.RosterEntry,
    "submissions": m.Submission,
}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_file_is_refused_whole(people, tmp_path, case):
    kind, rows, line, column, reason = BAD_CASES[case]
    path = write_csv(tmp_path / "bad.csv", rows)
    model = TABLE_OF[kind]
    before = (count(people, model), count(people, m.ImportRun))
    result = import_file(people, kind, path)
    assert not result.ok
    assert (count(people, model), count(people, m.ImportRun)) == before
    assert result.rows_written == 0
    messages = [str(p) for p in result.errors]
    assert any(
        msg.startswith(f"{path}:{line}: {column}: ") and reason in msg for msg in messages
    ), messages


def test_every_problem_is_reported_with_a_count(engine, tmp_path):
    rows = [PERSONS[0]] + [[P1[:17] + "Y", "x", "", "", "411602", "", ""] for _ in range(25)]
    result = import_file(engine, "persons", write_csv(tmp_path / "p.csv", rows))
    assert result.problem_count == 25 + 24  # bad ID on each line; duplicate key from line 3
    assert result.errors[0].line == 2


def test_dry_run_writes_nothing(engine, tmp_path):
    result = import_file(engine, "persons", write_csv(tmp_path / "p.csv", PERSONS), dry_run=True)
    assert result.ok and result.rows_valid == 4 and result.rows_written == 0
    assert count(engine, m.Person) == 0 and count(engine, m.ImportRun) == 0


def test_duplicates_across_batches_name_the_first_line(engine, tmp_path):
    rows = [PERSONS[0], *PERSONS[1:], PERSONS[3]]
    result = import_file(engine, "persons", write_csv(tmp_path / "p.csv", rows), batch_rows=2)
    assert [str(p) for p in result.errors] == [
        f"{tmp_path / 'p.csv'}:6: id_number: duplicate key '{P3}' (first on line 4)"
    ]


# --------------------------------------------------------------------------- formats


def test_xlsx_and_parquet_import_like_csv(engine, tmp_path):
    import openpyxl
    import pyarrow as pa
    import pyarrow.parquet as pq

    do_import(engine, "persons", write_csv(tmp_path / "p.csv", PERSONS))
    expected = dump(engine, m.Person)

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(reversed(PERSONS[0])))  # column order is free
    for row in PERSONS[1:]:
        cells: list = list(row)
        cells[3] = dt.datetime.fromisoformat(row[3]) if row[3] else None  # a date cell
        cells[6] = int(row[6]) if row[6] else None  # a number cell
        ws.append(list(reversed(cells)))
    ws.append([None] * 7)  # empty trailing rows are ignored
    ws.append([])
    wb.save(tmp_path / "p.xlsx")

    table = pa.table(
        {
            "id_number": [r[0] for r in PERSONS[1:]],
            "name": [r[1] for r in PERSONS[1:]],
            "gender": [r[2] or None for r in PERSONS[1:]],
            "birth_date": [D.fromisoformat(r[3]) if r[3] else None for r in PERSONS[1:]],
            "county_code": [int(r[4]) for r in PERSONS[1:]],
            "residence_code": [int(r[5]) if r[5] else None for r in PERSONS[1:]],
            "sensitive": [float(r[6]) if r[6] else None for r in PERSONS[1:]],
        }
    )
    pq.write_table(table, tmp_path / "p.parquet")

    for name in ("p.xlsx", "p.parquet"):
        with engine.begin() as conn:
            conn.execute(m.Person.__table__.delete())
        result = do_import(engine, "persons", tmp_path / name)
        assert result.rows_read == 4
        assert dump(engine, m.Person) == expected, name


def test_xlsx_problem_names_the_sheet_row(engine, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(PERSONS[0])
    ws.append(PERSONS[1])
    ws.append([])
    ws.append([BAD_CHECK, "x", None, None, 411602, None, 0])
    wb.save(tmp_path / "p.xlsx")
    result = import_file(engine, "persons", tmp_path / "p.xlsx")
    assert [(p.line, p.column) for p in result.errors] == [(4, "id_number")]


def _with_dimension(path: Path, ref: str) -> Path:
    """The workbook as another program might write it: the <dimension> tag says `ref`."""
    import re
    import zipfile

    out = path.with_name(path.stem + "-lying.xlsx")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), data
                )
            zout.writestr(item, data)
    return out


def test_xlsx_reads_every_row_whatever_its_dimension_tag_says(people, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(QUERY_HEADER)
    for i in range(1000):
        ws.append(
            [f"X{i:04d}", "2026-03-02T10:00:00", "OP1", P1, "EMPLOYMENT", f"A-{i}", "WEB", ""]
        )
    wb.save(tmp_path / "q.xlsx")
    lying = _with_dimension(tmp_path / "q.xlsx", "A1:H2")  # claims one data row
    result = import_file(people, "query-log", lying)
    assert result.ok and (result.rows_read, result.rows_written) == (1000, 1000)
    with people.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.QueryLog)) == 1000


def test_xlsx_claiming_the_whole_grid_is_read_as_it_is(people, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(QUERY_HEADER)
    ws.append(["X1", "2026-03-02T10:00:00", "OP1", P1, "EMPLOYMENT", "A-1", "WEB", ""])
    ws["XFD1048576"] = "x"  # one cell in the last cell of the grid: a row of 16,384 cells
    wb.save(tmp_path / "q.xlsx")
    started = time.perf_counter()
    result = import_file(people, "query-log", _with_dimension(tmp_path / "q.xlsx", "A1:XFD1048576"))
    assert time.perf_counter() - started < 30  # refused at once (it once ran for tens of minutes)
    assert not result.ok and result.rows_written == 0
    assert [(p.line, p.reason) for p in result.errors] == [
        (
            1048576,
            "the row has 16,384 cells; at most 256 columns are read: delete the columns "
            "after the data and save again",
        )
    ]


def _query_workbook(path: Path, rows: int) -> Path:
    """Written by XlsxWriter: text in a shared-strings part, as Excel writes it."""
    import xlsxwriter

    with xlsxwriter.Workbook(path) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, QUERY_HEADER)
        for i in range(rows):
            sheet.write_row(i + 1, 0, [f"X{i:04d}", "2026-03-02T10:00:00", "OP1", P1,
                                       "EMPLOYMENT", f"A-{i}", "WEB", ""])  # fmt: skip
    return path


@pytest.mark.parametrize(
    ("limit", "value", "reason"),
    [
        ("rows", 50, "the sheet goes beyond 50 rows or 60,000,000 cells"),
        ("cells", 400, "the sheet goes beyond 1,048,576 rows or 400 cells"),
        ("unpacked_bytes", 20_000, "the workbook unpacks to 0 MB; at most 0 MB is read"),
        ("shared_strings_bytes", 1_000, "the workbook's shared strings unpack to"),
    ],
)
def test_a_workbook_beyond_a_limit_is_refused_whole(people, tmp_path, monkeypatch, limit, value,
                                                     reason):  # fmt: skip
    import dataclasses

    from data_access.imports import readers

    monkeypatch.setattr(readers, "XLSX_LIMITS",
                        dataclasses.replace(readers.XLSX_LIMITS, **{limit: value}))  # fmt: skip
    path = _query_workbook(tmp_path / "q.xlsx", 100)
    result = import_file(people, "query-log", path)
    assert not result.ok and result.rows_written == 0
    assert reason in result.errors[0].reason, result.errors
    with people.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.QueryLog)) == 0


# --------------------------------------------------------------------------- encodings

PERSON_LINES = [",".join(row) for row in PERSONS]


def _persons_bytes(encoding: str, *, lines: list[str] = PERSON_LINES) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_chinese_excel_csv_is_read_as_gb18030(engine, tmp_path, encoding):
    lines = [*PERSON_LINES[:-1], PERSON_LINES[-1].replace("刘芳", "刘䶮")]  # 䶮: GB18030, not GBK
    if encoding == "gbk":
        lines = PERSON_LINES
    path = tmp_path / "persons.csv"
    path.write_bytes(_persons_bytes(encoding, lines=lines))
    result = import_file(engine, "persons", path)
    assert result.ok, result.errors
    assert (result.rows_written, result.encoding) == (4, "GB18030")
    with engine.connect() as conn:
        names = set(conn.scalars(select(m.Person.name)))
    assert names == {"张伟", "李娜", "王强", "刘芳" if encoding == "gbk" else "刘䶮"}


def test_the_command_line_says_read_as_gb18030(engine, db_url, tmp_path, capsys):
    from data_access.__main__ import main

    path = tmp_path / "persons.csv"
    path.write_bytes(_persons_bytes("gbk"))
    assert main(["--db", db_url, "import", "persons", str(path)]) == 0
    out = capsys.readouterr().out
    assert "4 rows read, 4 written, 0 flagged" in out and "read as GB18030)" in out


def test_a_file_mixing_utf8_and_gbk_names_the_first_line_of_the_other_kind(engine, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_bytes(
        _persons_bytes("utf-8", lines=PERSON_LINES[:3])
        + _persons_bytes("gbk", lines=PERSON_LINES[3:])
    )
    result = import_file(engine, "persons", path)
    assert not result.ok
    assert (result.errors[0].line, result.errors[0].reason) == (
        4,
        "this line is GB18030 text but the lines before it are UTF-8: the file mixes two "
        "encodings (save it once more as 'CSV UTF-8')",
    )


def test_a_corrupt_byte_in_a_utf8_file_names_its_line(engine, tmp_path):
    data = bytearray(_persons_bytes("utf-8"))
    data[data.index("刘".encode()) + 1] = 0x20  # a broken multibyte sequence on line 5
    path = tmp_path / "persons.csv"
    path.write_bytes(bytes(data))
    result = import_file(engine, "persons", path)
    assert not result.ok and result.errors[0].line == 5
    assert "neither UTF-8 nor GB18030" in result.errors[0].reason


def test_utf16_is_refused_with_a_hint(engine, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_bytes(_persons_bytes("utf-16"))
    result = import_file(engine, "persons", path)
    assert [(p.line, p.reason) for p in result.errors] == [
        (1, "UTF-16 text (Excel's 'Unicode text'): save the file as 'CSV UTF-8' instead")
    ]


def test_rows_of_only_separators_are_blank_lines(engine, tmp_path):
    width = len(PERSONS[0])
    lines = [*PERSON_LINES[:3], "," * (width - 1), "", *PERSON_LINES[3:], *["," * (width - 1)] * 5]
    path = tmp_path / "persons.csv"
    path.write_bytes(_persons_bytes("utf-8", lines=lines))
    result = import_file(engine, "persons", path)
    assert result.ok, result.errors
    assert (result.rows_read, result.rows_written) == (4, 4)


def test_csv_line_numbers_with_quoted_newlines(tmp_path):
    path = tmp_path / "q.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,x\n4\n', encoding="utf-8")
    with CsvSource(path) as source:
        rows = list(source.rows())
        assert rows == [(2, {"a": "1", "b": "two\nlines"}), (5, {"a": "3", "b": "x"})]
        assert source.problems == [(6, "the row has 1 values but the header has 2 columns")]


def test_cell_text():
    assert cell_text(12.0) == "12"
    assert cell_text(12.5) == "12.5"
    assert cell_text(dt.datetime(2026, 1, 2)) == "2026-01-02"
    assert cell_text(dt.datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05"
    assert cell_text(True) == "1"
    assert cell_text(None) == ""


def test_keyset_finds_repeats_across_levels():
    import numpy as np

    from data_access.imports.keyset import KeySet, hashes_of

    keys = KeySet()
    for start in range(0, 10_000, 700):  # uneven batches: several merges
        batch = hashes_of([f"Q{i}" for i in range(start, min(start + 700, 10_000))])
        assert not keys.seen(batch).any()
        keys.add(batch)
    assert len(keys) == 10_000 and keys.nbytes == 80_000
    probe = hashes_of(["Q0", "Q9999", "Q10000", "Q5000", "nope"])
    assert keys.seen(probe).tolist() == [True, True, False, True, False]
    assert keys.seen(np.array([], dtype=np.int64)).tolist() == []
