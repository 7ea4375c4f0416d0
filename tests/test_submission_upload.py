"""Departments' data submission (data_access.imports.submission_upload, pages/imports.py) on both engines.

A fresh tiny city per engine for this module (the shared tiny city is read-only): each test uses
its own (item, period) and record ids, so the tests do not depend on one another's writes.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from data_access.engine import get_engine
from data_access.imports import submission_upload as su
from data_access.imports.submission_files import MAX_UPLOAD_BYTES, display_name
from data_access.imports.submission_upload import (
    accept_delivery,
    default_period,
    item_for,
    period_bounds,
    period_choices,
    recent_submissions,
    template_csv,
    validate_delivery,
)
from data_access.queries.reporting import reporting_status
from data_access.schema import models as m
from data_access.scope import Scope
from services import coverage as coverage_cache
from services.refresh import forget_after_delivery
from tests.apptest import open_page
from tests.conftest import TINY_AS_OF, private_tiny_city

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
URBAN = Scope("department_head", "URBAN")
SAMR = Scope("department_head", "SAMR")
ADMIN = Scope("admin")
NOW = dt.datetime(2026, 11, 20, 10, 0)  # 5 days after the 15 November due date of 2026-10
RECORD_HEADER = [
    "record_id", "id_number", "category_code", "domain_code", "severity", "decision_date",
    "source_dept", "title",
]  # fmt: skip
COUNTED = (m.CreditRecord, m.Submission, m.ImportRun, m.RosterEntry, m.Person)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city_url(request, tmp_path_factory) -> str:
    """A tiny city of this module's own, written to by its tests."""
    yield from private_tiny_city(request.param, tmp_path_factory, "upload")


@pytest.fixture
def city(city_url) -> Engine:
    return get_engine(city_url)


def people(engine: Engine, n: int) -> list[str]:
    with engine.connect() as conn:
        stmt = select(m.Person.id_number).order_by(m.Person.id_number).limit(n)
        return list(conn.scalars(stmt))


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            model.__tablename__: conn.scalar(select(func.count()).select_from(model))
            for model in COUNTED
        }


def csv_bytes(rows: list[list[str]]) -> bytes:
    return ("\n".join(",".join(r) for r in rows) + "\n").encode()


def penalty_rows(engine: Engine, n: int, period_day: str = "2026-10-0", dept: str = "URBAN",
                 domain: str = "URBAN") -> list[list[str]]:  # fmt: skip
    tag = uuid.uuid4().hex[:6]
    return [RECORD_HEADER] + [
        [
            f"UP{tag}-{k}",
            idn,
            "ADMIN_PENALTY",
            domain,
            "general",
            f"{period_day}{k % 9 + 1}",
            dept,
            "占道经营",
        ]  # fmt: skip
        for k, idn in enumerate(people(engine, n))
    ]


def state(engine: Engine, item: str, period: str, dept: str) -> pd.Series:
    first, last, _ = period_bounds(item_for(engine, ADMIN, item).frequency, period)
    frame = reporting_status(engine, Scope("department_head", dept), first, last, TINY_AS_OF)
    return frame[(frame["item_code"] == item) & (frame["period"] == period)].iloc[0]


# --------------------------------------------------------------------------- refused whole


def test_one_bad_row_refuses_the_whole_file(city):
    rows = penalty_rows(city, 6, period_day="2026-08-0")
    rows[3][2] = "NO_SUCH_CATEGORY"  # line 4 of the file (header = line 1)
    content = csv_bytes(rows)
    before = counts(city)
    report = validate_delivery(city, URBAN, "PENALTY-URBAN", "2026-08", "pen.csv", content,
                               today=NOW.date())  # fmt: skip
    assert not report.ok
    assert report.rows_read == 6
    assert {(p.line, p.column) for p in report.problems} == {(4, "category_code")}
    assert all(p.file == "pen.csv" for p in report.problems)
    delivery = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-08", "pen.csv", content, now=NOW)
    assert not delivery.accepted and delivery.error is None
    assert [(p.line, p.column) for p in delivery.report.problems] == [(4, "category_code")]
    assert counts(city) == before


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("source_dept", "SAMR", "not the delivering department URBAN"),
        ("domain_code", "TAX", "does not belong to PENALTY-URBAN"),
        ("domain_code", "", "required for PENALTY-URBAN"),
        ("decision_date", "2026-11-02", "after the end of period 2026-08 (2026-08-31)"),
        ("id_number", "11010519491231002X", "no person"),
    ],
)
def test_a_row_that_does_not_match_its_item_is_named(city, column, value, reason):
    rows = penalty_rows(city, 4, period_day="2026-08-0")
    rows[2][RECORD_HEADER.index(column)] = value  # line 3
    before = counts(city)
    delivery = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-08", "a.csv", csv_bytes(rows),
                               now=NOW)  # fmt: skip
    assert not delivery.accepted
    problems = [(p.line, p.column) for p in delivery.report.problems]
    assert problems == [(3, column)], delivery.report.problems
    assert reason in delivery.report.problems[0].reason
    assert counts(city) == before


def test_roster_rows_must_be_the_items_profession_and_department(city):
    ids = people(city, 3)
    rows = [
        ["id_number", "profession_code", "licence_no", "valid_from", "valid_to", "source_dept"],
        [ids[0], "LEGAL_REP", "L1", "2020-01-01", "", "SAMR"],
        [ids[1], "PHARMACIST", "L2", "2020-01-01", "", "SAMR"],  # another SAMR item's roster
        [ids[2], "LEGAL_REP", "L3", "2026-10-01", "", "EDU"],  # after 2026-Q3, not SAMR
    ]
    before = counts(city)
    report = validate_delivery(city, SAMR, "ROSTER-LEGAL_REP", "2026-Q3", "r.csv",
                               csv_bytes(rows), today=NOW.date())  # fmt: skip
    assert [(p.line, p.column) for p in report.problems] == [
        (3, "profession_code"), (4, "source_dept"), (4, "valid_from"),
    ]  # fmt: skip
    rows[2][1], rows[3][3], rows[3][5] = "LEGAL_REP", "2026-09-30", "SAMR"
    delivery = accept_delivery(city, SAMR, "ROSTER-LEGAL_REP", "2026-Q3", "r.csv",
                               csv_bytes(rows), now=NOW)  # fmt: skip
    assert delivery.accepted, delivery.report.problems
    after = counts(city)
    assert after["roster"] == before["roster"] + 3
    assert after["submission"] == before["submission"] + 1


def test_penalty_items_need_their_domain_column(city):
    drop = RECORD_HEADER.index("domain_code")
    rows = [r[:drop] + r[drop + 1 :] for r in penalty_rows(city, 2, dept="SAMR", domain="")]
    report = validate_delivery(city, SAMR, "PENALTY-FOOD_DRUG", "2026-10", "f.csv",
                               csv_bytes(rows), today=NOW.date())  # fmt: skip
    assert [(p.line, p.column) for p in report.problems] == [(1, "domain_code")]


# --------------------------------------------------------------------------- accepted


def test_a_good_file_appears_in_the_reporting_progress_at_once(city):
    assert bool(state(city, "PENALTY-URBAN", "2026-09", "URBAN")["missing"])
    rows = penalty_rows(city, 8, period_day="2026-09-0")
    before = counts(city)
    delivery = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-09", "ok.csv", csv_bytes(rows),
                               now=dt.datetime(2026, 10, 20, 9, 30))  # fmt: skip
    assert delivery.accepted, delivery.report.problems
    row = delivery.submission
    assert row["submission_id"].startswith("UP-PENALTY-URBAN-2026-09-")
    assert (row["due_date"], row["rows_submitted"], row["rows_accepted"], row["rows_rejected"]) == (
        dt.date(2026, 10, 15), 8, 8, 0,
    )  # fmt: skip
    after = counts(city)
    assert after["credit_record"] == before["credit_record"] + 8
    assert after["submission"] == before["submission"] + 1
    assert after["import_run"] == before["import_run"] + 1
    now = state(city, "PENALTY-URBAN", "2026-09", "URBAN")
    assert (bool(now["delivered"]), bool(now["late"]), now["delay_days"]) == (True, True, 5)
    assert now["rows_submitted"] == 8


def test_accepting_a_roster_refreshes_the_cached_coverage(city, city_url):
    """The coverage page's cached roster counts count an accepted roster delivery as soon as the
    page forgets what the delivery changes (services.refresh), not after the TTL."""
    as_of = NOW.date()
    with city.connect() as conn:
        on_roster = select(m.RosterEntry.id_number).where(
            m.RosterEntry.profession_code == "CERTIFIER"
        )
        stmt = (select(m.Person.id_number).where(m.Person.id_number.not_in(on_roster))
                .order_by(m.Person.id_number.desc()).limit(4))  # fmt: skip
        ids = list(conn.scalars(stmt))

    def certifiers() -> int:
        counts = coverage_cache.roster_counts(city_url, Scope("department_head", "SAMR"), as_of, ())
        return int(counts.loc[counts["profession_code"] == "CERTIFIER", "current"].sum())

    before = certifiers()
    rows = [["id_number", "profession_code", "licence_no", "valid_from", "valid_to", "source_dept"]]
    rows += [[idn, "CERTIFIER", f"C{k}", "2026-08-01", "", "SAMR"] for k, idn in enumerate(ids)]
    delivery = accept_delivery(city, SAMR, "ROSTER-CERTIFIER", "2026-Q3", "c.csv",
                               csv_bytes(rows), now=NOW)  # fmt: skip
    assert delivery.accepted, delivery.report.problems
    assert certifiers() == before  # still the cached figure
    assert forget_after_delivery("roster") == 7
    assert certifiers() == before + 4
    assert forget_after_delivery(None) == 5  # a nil return changes the delivery figures only


def test_an_accepted_delivery_records_who_uploaded_which_file(city):
    import hashlib

    rows = penalty_rows(city, 3, period_day="2026-09-1")
    content = csv_bytes(rows)
    delivery = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-09", "../x/城管9月.csv",
                               content, now=NOW, username="dept_urban")  # fmt: skip
    assert delivery.accepted, delivery.report.problems
    with city.connect() as conn:
        upload = conn.execute(
            select(m.SubmissionUpload.__table__).where(
                m.SubmissionUpload.submission_id == delivery.submission["submission_id"]
            )
        ).one()
    assert upload.username == "dept_urban"
    assert upload.file_name == "城管9月.csv"
    assert (upload.file_bytes, upload.sha256) == (len(content), hashlib.sha256(content).hexdigest())
    history = recent_submissions(city, URBAN)
    mine = history[history["submission_id"] == delivery.submission["submission_id"]]
    assert mine["uploaded_by"].tolist() == ["dept_urban"]


def test_an_on_time_quarterly_delivery(city):
    assert bool(state(city, "UTILITY-ARREARS", "2026-Q3", "URBAN")["missing"])
    rows = [RECORD_HEADER] + [
        [
            f"UA{uuid.uuid4().hex[:8]}",
            idn,
            "UTILITY_ARREARS",
            "URBAN",
            "minor",
            "2026-08-01",
            "URBAN",
            "欠缴水费",
        ]  # fmt: skip
        for idn in people(city, 3)
    ]
    delivery = accept_delivery(city, URBAN, "UTILITY-ARREARS", "2026-Q3", "q.csv",
                               csv_bytes(rows), now=dt.datetime(2026, 10, 15, 23, 0))  # fmt: skip
    assert delivery.accepted, delivery.report.problems
    now = state(city, "UTILITY-ARREARS", "2026-Q3", "URBAN")
    assert (bool(now["on_time"]), now["delay_days"]) == (True, 0)


def test_an_xlsx_delivery_is_accepted_like_csv(city):
    rows = penalty_rows(city, 3, period_day="2026-07-0", dept="SAMR", domain="IP")
    book = openpyxl.Workbook()
    for r in rows:
        book.active.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    delivery = accept_delivery(city, SAMR, "PENALTY-IP", "2026-07", "ip.xlsx", buffer.getvalue(),
                               now=NOW)  # fmt: skip
    assert delivery.accepted, delivery.report.problems
    assert delivery.submission["rows_accepted"] == 3


def test_sql_looking_values_are_stored_verbatim_and_harmless(city):
    rows = penalty_rows(city, 2, period_day="2026-06-0")
    evil = ["'; DROP TABLE person; --", 'Robert"); DELETE FROM submission WHERE (1=1']
    rows[1][-1], rows[2][-1] = evil[0], f'"{evil[1].replace(chr(34), chr(34) * 2)}"'
    before = counts(city)
    delivery = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-06", "x.csv", csv_bytes(rows),
                               now=NOW)  # fmt: skip
    assert delivery.accepted, delivery.report.problems
    with city.connect() as conn:
        stored = conn.execute(
            select(m.CreditRecord.title).where(
                m.CreditRecord.record_id.in_([rows[1][0], rows[2][0]])
            ).order_by(m.CreditRecord.record_id)
        ).scalars().all()  # fmt: skip
    assert stored == evil
    after = counts(city)
    assert after["person"] == before["person"]
    assert after["submission"] == before["submission"] + 1


def test_a_nil_return_is_a_header_only_file_declared_as_such(city):
    header = csv_bytes([RECORD_HEADER])
    before = counts(city)
    refused = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-05", "nil.csv", header, now=NOW)
    assert not refused.accepted
    assert "no data rows" in refused.report.problems[0].reason
    assert counts(city) == before
    nil = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-05", "nil.csv", header, now=NOW,
                          nil_return=True)  # fmt: skip
    assert nil.accepted
    assert (nil.submission["rows_submitted"], nil.submission["rows_accepted"]) == (0, 0)


def test_a_failed_submission_write_is_reported_and_a_retry_records_it(city, monkeypatch):
    rows = penalty_rows(city, 2, period_day="2026-04-0")
    content = csv_bytes(rows)

    def broken(*_args, **_kwargs):
        raise OperationalError("INSERT INTO submission", {}, Exception("the server went away"))

    monkeypatch.setattr(su, "insert", broken)
    before = counts(city)
    first = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-04", "r.csv", content, now=NOW)
    assert not first.accepted
    assert "could not be recorded" in first.error and "server went away" in first.error
    assert counts(city)["credit_record"] == before["credit_record"] + 2
    assert counts(city)["submission"] == before["submission"]
    monkeypatch.undo()
    again = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-04", "r.csv", content, now=NOW)
    assert again.accepted
    assert counts(city)["credit_record"] == before["credit_record"] + 2  # keyed: no duplicates
    assert counts(city)["submission"] == before["submission"] + 1


# --------------------------------------------------------------------------- scope


def test_a_department_head_may_not_submit_another_departments_item(city):
    content = csv_bytes(penalty_rows(city, 2, dept="SAMR", domain="IP"))
    before = counts(city)
    with pytest.raises(PermissionError):
        validate_delivery(city, URBAN, "PENALTY-IP", "2026-10", "ip.csv", content)
    with pytest.raises(PermissionError):
        accept_delivery(city, URBAN, "PENALTY-IP", "2026-10", "ip.csv", content, now=NOW)
    for role in ("leading_office", "privacy_officer"):
        with pytest.raises(PermissionError):
            accept_delivery(city, Scope(role, "DRC"), "PENALTY-IP", "2026-10", "ip.csv", content)
    with pytest.raises(LookupError):
        validate_delivery(city, ADMIN, "NO-SUCH-ITEM", "2026-10", "ip.csv", content)
    assert counts(city) == before
    assert validate_delivery(city, ADMIN, "PENALTY-IP", "2026-10", "ip.csv", content,
                             today=NOW.date()).ok  # fmt: skip


def test_the_history_is_scoped_in_sql(city):
    mine = recent_submissions(city, URBAN, limit=500)
    assert len(mine) and set(mine["dept_code"]) == {"URBAN"}
    assert mine["submitted_at"].is_monotonic_decreasing
    with pytest.raises(PermissionError):
        recent_submissions(city, URBAN, "SAMR")
    assert set(recent_submissions(city, ADMIN, "SAMR")["dept_code"]) == {"SAMR"}
    assert len(set(recent_submissions(city, ADMIN, limit=1000)["dept_code"])) > 2


# --------------------------------------------------------------------------- file checks


def _xlsx_bytes(rows: list[list[str]]) -> bytes:
    book = openpyxl.Workbook()
    for r in rows:
        book.active.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _broken_xlsx() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_xlsx_bytes([RECORD_HEADER])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut mid-element
            target.writestr(info, data)
    return out.getvalue()


def _plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


GBK_CSV = ",".join(RECORD_HEADER) + "\nR1,x,ADMIN_PENALTY,URBAN,general,2026-03-01,URBAN,占道经营\n"
FILE_CASES = {
    "wrong extension": ("records.txt", b"a,b\n1,2\n", None, "file type .txt is not accepted"),
    "parquet refused": ("records.parquet", b"PAR1", None, "file type .parquet is not accepted"),
    "no extension": ("records", b"a\n", None, "file type (none) is not accepted"),
    "executable": ("setup.exe", b"MZ\x90\x00", None, "file type .exe is not accepted"),
    "empty": ("empty.csv", b"", None, "the file is empty (0 bytes)"),
    "oversized": ("big.csv", b"x" * (MAX_UPLOAD_BYTES + 1), None, "the limit is 20 MB"),
    "neither utf-8 nor gb18030": (
        "bad.csv",
        GBK_CSV.encode() + b"R2,\x80\xff\n",
        3,
        "neither UTF-8 nor GB18030",
    ),
    "utf-16": ("u16.csv", GBK_CSV.encode("utf-16"), 1, "UTF-16"),
    "nul bytes": ("nul.csv", b"record_id\nR1\x00\n", 2, "NUL bytes"),
    "fake xlsx": ("fake.xlsx", GBK_CSV.encode(), None, "not a real .xlsx workbook"),
    "old xls": ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, None, ".xls"),
    "zip, not a workbook": ("z.xlsx", _plain_zip(), None, "not an Excel workbook"),
    "broken sheet": ("broken.xlsx", _broken_xlsx(), None, "cannot be read"),
    "workbook as csv": ("book.csv", _xlsx_bytes([RECORD_HEADER]), None, "upload it as .xlsx"),
}


@pytest.mark.parametrize("case", list(FILE_CASES))
def test_bad_files_are_refused_cleanly(city, case):
    name, content, line, reason = FILE_CASES[case]
    before = counts(city)
    report = validate_delivery(city, URBAN, "PENALTY-URBAN", "2026-03", name, content,
                               today=NOW.date())  # fmt: skip
    assert not report.ok
    assert any(reason in p.reason for p in report.problems), report.problems
    assert report.problems[0].line == line
    delivery = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-03", name, content, now=NOW)
    assert not delivery.accepted
    assert counts(city) == before


def test_the_size_is_reported():
    problems = su.file_problems("big.csv", b"x" * (MAX_UPLOAD_BYTES + 1))
    assert f"{MAX_UPLOAD_BYTES + 1:,} bytes" in problems[0].reason


def test_a_gbk_file_is_read_as_gb18030_and_says_so(city):
    assert su.file_problems("gbk.csv", GBK_CSV.encode("gbk")) == []
    report = validate_delivery(city, URBAN, "PENALTY-URBAN", "2026-03", "gbk.csv",
                               GBK_CSV.encode("gbk"), today=NOW.date())  # fmt: skip
    assert report.encoding == "GB18030"
    assert report.rows_read == 1


@pytest.mark.parametrize(
    ("uploaded", "shown"),
    [
        ("../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\Windows\\system.ini.csv", "system.ini.csv"),
        ("/etc/cron.d/evil.csv", "evil.csv"),
        ("evil\x00.csv", "evil_.csv"),
        ("[click](javascript:alert(1))<b>*.csv", "_click_(javascript_alert(1))_b__.csv"),
        ("x.example/a)<b>.csv", "a)_b_.csv"),
        pytest.param("a" * 300 + ".csv", "a" * 116 + ".csv", id="long name"),
        ("周口市城管局 2026年10月.csv", "周口市城管局 2026年10月.csv"),
        ("..", "upload"),
    ],
)
def test_uploaded_names_are_shown_by_their_base_name_only(uploaded, shown):
    assert display_name(uploaded) == shown


def test_a_path_traversal_name_writes_nowhere_but_the_database(city, tmp_path):
    target = tmp_path / "pwned.csv"
    rows = penalty_rows(city, 2, period_day="2026-02-0")
    for name in (str(target), f"../../../../..{target}", f"..\\..\\{target.name}"):
        report = validate_delivery(city, URBAN, "PENALTY-URBAN", "2026-02", name,
                                   csv_bytes(rows), today=NOW.date())  # fmt: skip
        assert report.ok and report.file == "pwned.csv"
    delivery = accept_delivery(city, URBAN, "PENALTY-URBAN", "2026-02", str(target),
                               csv_bytes(rows), now=NOW)  # fmt: skip
    assert delivery.accepted
    assert not target.exists()
    rows[1][2] = "BAD"
    refused = validate_delivery(city, URBAN, "PENALTY-URBAN", "2026-02", f"../../{target}",
                                csv_bytes(rows), today=NOW.date())  # fmt: skip
    assert str(refused.problems[0]).startswith("pwned.csv:2: category_code:")


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("item", "period", "reason"),
    [
        ("PENALTY-URBAN", "2026-13", "not a monthly period"),
        ("PENALTY-URBAN", "2026-Q1", "not a monthly period"),
        ("UTILITY-ARREARS", "2026-10", "not a quarterly period"),
        ("PENALTY-URBAN", "2026-12", "has not started yet"),
        ("PENALTY-URBAN", "2017-12", "before 2018"),
        ("PENALTY-URBAN", "'; DROP TABLE submission; --", "not a monthly period"),
    ],
)
def test_the_period_must_suit_the_item_and_have_started(city, item, period, reason):
    content = csv_bytes(penalty_rows(city, 1, period_day="2026-01-0"))
    before = counts(city)
    delivery = accept_delivery(city, URBAN, item, period, "p.csv", content, now=NOW)
    assert not delivery.accepted
    assert delivery.report.problems[0].column == "period"
    assert reason in delivery.report.problems[0].reason
    assert counts(city) == before


def test_rows_of_the_open_period_may_not_be_dated_after_today(city):
    rows = penalty_rows(city, 1, period_day="2026-11-2")  # 2026-11-21, the day after NOW
    report = validate_delivery(city, URBAN, "PENALTY-URBAN", "2026-11", "t.csv", csv_bytes(rows),
                               today=NOW.date())  # fmt: skip
    assert [(p.line, p.column) for p in report.problems] == [(2, "decision_date")]
    assert "after today (2026-11-20)" in report.problems[0].reason


def test_period_helpers_and_template(city):
    assert period_bounds("quarterly", "2026-Q3") == (
        dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 10, 15)
    )  # fmt: skip
    assert period_choices("monthly", dt.date(2026, 11, 27))[:3] == ["2026-11", "2026-10", "2026-09"]
    assert period_choices("quarterly", dt.date(2026, 11, 27))[:2] == ["2026-Q4", "2026-Q3"]
    item = item_for(city, URBAN, "UTILITY-ARREARS")
    assert default_period(city, URBAN, item, dt.date(2026, 12, 1)) in ("2026-Q3", "2026-Q4")
    header = template_csv(item_for(city, ADMIN, "ROSTER-LAWYER")).decode("utf-8-sig")
    assert header.strip() == "id_number,profession_code,licence_no,valid_from,valid_to,source_dept"


# --------------------------------------------------------------------------- the page


def _texts(app: AppTest) -> str:
    parts = [e.value for e in (*app.success, *app.error, *app.info, *app.markdown)]
    return "\n".join(str(p) for p in parts)


def test_the_page_refuses_a_bad_row_then_accepts_and_the_reporting_page_counts_it(
    city_url, monkeypatch, server_navigation
):
    """Upload on the page as URBAN's head on 2026-11-26: a bad file shows its line and cannot be
    accepted; a good one is accepted, shown in the history, and the reporting page (cached before
    the upload) counts it at once."""
    import ui.session

    monkeypatch.setattr(ui.session, "today", lambda: TINY_AS_OF)
    monkeypatch.setattr(su, "city_now", lambda: dt.datetime(2026, 11, 26, 9, 0))
    user = {"username": "dept_urban", "role": "department_head", "department_code": "URBAN"}
    engine = get_engine(city_url)
    assert bool(state(engine, "PENALTY-URBAN", "2026-10", "URBAN")["missing"])

    app = open_page(city_url, "pages/reporting.py", user, monkeypatch)
    missing_before = int({x.label: x.value for x in app.metric}["缺报"])

    app = app.switch_page("pages/submissions.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key="im_item_URBAN").value == "PENALTY-URBAN"
    assert app.selectbox(key="im_period_PENALTY-URBAN").value == "2026-10"  # due, undelivered
    assert "im_accept" not in [b.key for b in app.button]  # nothing to accept before an upload

    rows = penalty_rows(engine, 5)
    rows[4][RECORD_HEADER.index("domain_code")] = "TAX"  # line 5
    app.file_uploader[0].set_value(("../../城管10月.csv", csv_bytes(rows), "text/csv")).run()
    app.button(key="im_validate").click().run()
    assert not app.exception, [e.value for e in app.exception]
    problems = app.dataframe[0].value
    assert list(problems["行号"]) == [5] and list(problems["列"]) == ["domain_code"]
    assert "城管10月.csv" in _texts(app) and "../" not in _texts(app)
    assert app.button(key="im_accept").disabled

    rows[4][RECORD_HEADER.index("domain_code")] = "URBAN"
    app.file_uploader[0].set_value(("城管10月.csv", csv_bytes(rows), "text/csv")).run()
    app.button(key="im_validate").click().run()
    assert not app.button(key="im_accept").disabled
    app.button(key="im_accept").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    message = " ".join(s.value for s in app.success)
    assert "UP-PENALTY-URBAN-2026-10-" in message and "逾期" in message
    history = app.dataframe[0].value
    assert history.iloc[0]["报送编号"].startswith("UP-PENALTY-URBAN-2026-10-")
    assert history.iloc[0]["报送行数"] == 5
    assert app.file_uploader[0].value is None  # a fresh uploader: no double acceptance

    app = app.switch_page("pages/reporting.py").run()
    assert int({x.label: x.value for x in app.metric}["缺报"]) == missing_before - 1


def test_the_page_for_an_admin_lists_every_department(city_url, monkeypatch, server_navigation):
    user = {"username": "admin", "role": "admin", "department_code": None}
    app = open_page(city_url, "pages/submissions.py", user, monkeypatch)
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.selectbox(key="im_dept").options) > 20
    app.selectbox(key="im_dept").set_value("SAMR").run()
    options = app.selectbox(key="im_item_SAMR").options
    assert "知识产权领域个人行政处罚信息" in options  # names, not codes
    assert not any("PENALTY-" in o for o in options)
    assert not app.exception and not app.error
