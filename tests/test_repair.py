"""Objections and credit repair: the working-day calendar, handling times counted by hand on a
fixture spanning the 2026 National Day and Spring Festival holidays, the overdue list, display
periods ending soon, the standing display check, and the page (on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import Engine, func, insert, select, update
from streamlit.testing.v1 import AppTest

from data_access.id_number import make_id_number, mask_id_number
from data_access.queries import display_check as dc
from data_access.queries import repair as rp
from data_access.queries.workdays import (
    CalendarFileError,
    calendar_from_files,
    load_calendar,
    read_calendar_file,
    working_days_between,
)
from data_access.schema import models as m
from data_access.schema.calendar_models import WorkCalendarDay
from data_access.schema.reference import init_schema
from data_access.scope import Scope
from tests.apptest import USERS, open_page
from tests.conftest import TINY_AS_OF

D = dt.date
CAL = calendar_from_files()
ADMIN, OFFICE, URBAN = Scope("admin"), Scope("leading_office", "DRC"), Scope("department_head",
                                                                           "URBAN")  # fmt: skip
AS_OF = D(2026, 10, 16)  # a Friday, a week after the National Day holiday
START, END = D(2026, 1, 1), AS_OF
P1 = make_id_number("411602", D(1980, 5, 1), 11)  # 川汇区
P2 = make_id_number("411621", D(1985, 7, 9), 22)  # 扶沟县

# --------------------------------------------------------------------------- the calendar


def test_calendar_files_hold_the_state_council_notices():
    # 2026 notice: 元旦 1.1-1.3 (1.4 worked); 春节 2.15-2.23 (2.14, 2.28 worked); 清明 4.4-4.6;
    # 劳动节 5.1-5.5 (5.9 worked); 端午 6.19-6.21; 中秋 9.25-9.27; 国庆 10.1-10.7 (9.20, 10.10 worked)
    assert sorted(CAL.years) == [2024, 2025, 2026]
    assert len(CAL.holidays) == 28 + 28 + 33 and len(CAL.workdays) == 8 + 5 + 6
    assert {d for d in CAL.workdays if d.year == 2026} == {
        D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20),
        D(2026, 10, 10),
    }  # fmt: skip
    assert all(D(2026, 10, d) in CAL.holidays for d in range(1, 8))
    assert all(D(2026, 2, d) in CAL.holidays for d in range(15, 24))
    assert CAL.is_working_day(D(2026, 10, 10))  # Saturday, worked in exchange
    assert not CAL.is_working_day(D(2026, 10, 5))  # Monday, National Day
    assert not CAL.is_working_day(D(2026, 10, 11))  # an ordinary Sunday
    assert CAL.is_working_day(D(2026, 10, 12))


def test_working_days_between_counts_after_the_day_of_receipt():
    # Received Tue 29 Sep: 30 Sep = 1; 1-7 Oct holiday; Thu 8 Oct = 2; Fri 9 Oct = 3.
    assert working_days_between(D(2026, 9, 29), D(2026, 10, 9), CAL) == 3
    # Received Wed 30 Sep: 8 Oct = 1, 9 Oct = 2, Sat 10 Oct (worked) = 3, Mon 12 Oct = 4.
    assert CAL.working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert CAL.working_days_between(D(2026, 10, 12), D(2026, 9, 30)) == -4
    assert CAL.working_days_between(D(2026, 10, 9), D(2026, 10, 9)) == 0
    # Spring Festival: received Fri 13 Feb; Sat 14 Feb (worked) = 1; 15-23 Feb off; 24 = 2; 25 = 3.
    assert CAL.working_days_between(D(2026, 2, 13), D(2026, 2, 25)) == 3
    assert CAL.add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert CAL.add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert CAL.add_working_days(D(2026, 10, 9), 10) == D(2026, 10, 22)


def test_vectorised_count_matches_day_by_day():
    starts = [D(2023, 12, 1) + dt.timedelta(days=7 * i + i % 5) for i in range(170)]
    ends = [s + dt.timedelta(days=(i * 13) % 41 - 10) for i, s in enumerate(starts)]
    for start, end, n in zip(starts, ends, CAL.working_days_between_many(starts, ends),
                             strict=True):  # fmt: skip
        lo, hi = min(start, end), max(start, end)
        days = [lo + dt.timedelta(days=k) for k in range(1, (hi - lo).days + 1)]
        expected = sum(CAL.is_working_day(d) for d in days)
        assert n == (expected if end >= start else -expected), (start, end)


def test_a_year_without_a_calendar_is_weekends_only_and_says_so():
    assert CAL.missing_years(D(2026, 12, 30), D(2027, 1, 5)) == [2027]
    # 2027-01-01 is a Friday and would be a holiday; without the 2027 file it is a working day.
    assert CAL.working_days_between(D(2026, 12, 31), D(2027, 1, 4)) == 2
    assert CAL.missing_years(D(2024, 1, 1), D(2026, 12, 31)) == []


def test_calendar_file_problems_name_the_file_and_line(tmp_path: Path):
    path = tmp_path / "2027.csv"
    path.write_text("date,kind,name_zh,name_en\n2027-01-01,holiday,元旦,New Year\n"
                    "2027-01-04,workday,调休,Adjusted\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(CalendarFileError, match=r"2027.csv:3: kind: .* is a weekday"):
        read_calendar_file(path)
    path.write_text("date,kind,name_zh,name_en\n2026-10-01,holiday,国庆节,National Day\n")
    with pytest.raises(CalendarFileError, match=r"2027.csv:2: date: .* is not in 2027"):
        read_calendar_file(path)
    path.write_text("date,kind,name_zh,name_en\n2027-01-01,off,元旦,New Year\n")
    with pytest.raises(CalendarFileError, match="2027.csv:2: kind"):
        read_calendar_file(path)


def test_generator_calendar_reads_the_same_files():
    from seed_data import calendar_cn

    assert set(calendar_cn.holidays().astype(object)) == CAL.holidays
    assert set(calendar_cn.makeup_workdays().astype(object)) == CAL.workdays
    assert len(calendar_cn.spring_festival_days()) == 8 + 8 + 9
    days, kinds = calendar_cn.day_kinds(D(2026, 2, 13), D(2026, 3, 3))
    kind = dict(zip(days.astype(object), kinds, strict=True))
    assert (kind[D(2026, 2, 14)], kind[D(2026, 2, 15)], kind[D(2026, 2, 24)]) == (0, 3, 4)
    assert kind[D(2026, 3, 3)] == 0 and kind[D(2026, 3, 1)] == 1


def test_generator_working_day_arithmetic_is_the_pages():
    """The generator dates decisions and answers in the working days the page counts, adjusted
    weekend working days included (2026-02-14 and 2026-02-28 are worked Saturdays)."""
    from seed_data.calendar_cn import busday_offset

    starts = np.arange(np.datetime64("2024-01-01"), np.datetime64("2026-12-01"))
    for k in (0, 1, 3, 10):
        ends = busday_offset(starts, np.full(len(starts), k))
        assert all(CAL.is_working_day(day) for day in ends.astype(object))
        rolled = np.array([not CAL.is_working_day(day) for day in starts.astype(object)])
        counted = CAL.working_days_between_many(starts, ends)
        assert (counted == k + rolled).all()
    friday = np.array(["2026-02-13"], dtype="M8[D]")
    assert busday_offset(friday, np.array([1]))[0] == np.datetime64("2026-02-14")
    assert busday_offset(friday, np.array([3]))[0] == np.datetime64("2026-02-25")


def test_init_schema_loads_the_calendar_idempotently(engine: Engine):
    def rows() -> int:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(WorkCalendarDay))

    assert rows() == 108
    init_schema(engine)
    assert rows() == 108
    loaded = load_calendar(engine)
    assert loaded.source == "database"
    assert (loaded.holidays, loaded.workdays, loaded.years) == (
        CAL.holidays,
        CAL.workdays,
        CAL.years,
    )


# --------------------------------------------------------------------------- the hand count

# application: kind, handling dept, applicant, received, decided, answered, final outcome.
# Hand count (working days after receipt; calendar of the 2026 notice):
#  A1 repair    Tue 09-29 -> dec Fri 10-09: 9-30, 10-08, 10-09 = 3 (on time);
#                            ans Mon 10-12: + Sat 10-10 (worked), 10-12 = 5 (on time)
#  A2 objection Wed 09-30 -> dec Mon 10-12: 10-08, 10-09, Sat 10-10, 10-12 = 4 (LATE);
#                            ans Wed 10-14: + 10-13, 10-14 = 6
#  A3 repair    Thu 09-24 -> dec Mon 09-28 (9-25..27 Mid-Autumn) = 1; ans Tue 10-13:
#                            9-28, 9-29, 9-30, 10-08, 10-09, 10-10, 10-12, 10-13 = 8 (withdrawn)
#  A4 repair    Fri 10-09, pending: to the as-of Fri 10-16: 10-10, 12, 13, 14, 15, 16 = 6 > 3:
#                            PENDING PAST THE LIMIT (deadline Tue 10-13; answer deadline 10-22)
#  A5 objection Wed 10-14, pending: 10-15, 10-16 = 2 (within the limit)
#  A6 repair    filed 10-16, not yet received: pending, no clock
#  A7 repair    Tue 10-13, decided 10-20 = after the as-of date: pending on it, 3 days so far
#  A8 repair    Fri 02-13 -> dec Wed 02-25: Sat 02-14 (worked), 02-24, 02-25 = 3 (on time);
#                            ans Mon 03-02: + 02-26, 02-27, Sat 02-28 (worked), 03-02 = 7
#  A9 objection Thu 02-12 -> dec Thu 02-26: 02-13, 02-14, 02-24, 02-25, 02-26 = 5 (LATE);
#                            ans Tue 03-03: + 02-27, 02-28, 03-02, 03-03 = 9
#  A10 repair   Tue 09-01 -> dec Thu 09-03 = 2; ans Wed 09-16: 9-2..9-4, 9-7..9-11, 9-14..9-16
#                            = 11 (ANSWERED LATE; answer deadline Tue 09-15)
#  A11 objection 2023-09-28 -> dec 2023-10-09 = 7 counted weekends-only (no 2023 calendar)
APPLICATIONS = [
    ("A1", "repair", "URBAN", P1, D(2026, 9, 29), D(2026, 10, 9), D(2026, 10, 12), "upheld"),
    ("A2", "objection", "TAX", P1, D(2026, 9, 30), D(2026, 10, 12), D(2026, 10, 14), "rejected"),
    ("A3", "repair", "URBAN", P1, D(2026, 9, 24), D(2026, 9, 28), D(2026, 10, 13), "withdrawn"),
    ("A4", "repair", "TAX", P1, D(2026, 10, 9), None, None, "pending"),
    ("A5", "objection", "URBAN", P1, D(2026, 10, 14), None, None, "pending"),
    ("A6", "repair", "URBAN", P2, None, None, None, "pending"),
    ("A7", "repair", "TAX", P2, D(2026, 10, 13), D(2026, 10, 20), D(2026, 10, 21), "upheld"),
    ("A8", "repair", "URBAN", P2, D(2026, 2, 13), D(2026, 2, 25), D(2026, 3, 2), "upheld"),
    ("A9", "objection", "TAX", P2, D(2026, 2, 12), D(2026, 2, 26), D(2026, 3, 3), "upheld"),
    ("A10", "repair", "URBAN", P2, D(2026, 9, 1), D(2026, 9, 3), D(2026, 9, 16), "rejected"),
    ("A11", "objection", "COURT", P2, D(2023, 9, 28), D(2023, 10, 9), D(2023, 10, 10), "upheld"),
]
# record: category, severity, decided, display_until, status, source dept, holder
RECORDS = [
    ("R1", "ADMIN_PENALTY", "general", D(2026, 1, 10), D(2026, 11, 15), "active", "URBAN", P1),
    ("R2", "ADMIN_PENALTY", "general", D(2026, 1, 10), D(2026, 11, 16), "active", "URBAN", P1),
    ("R3", "UTILITY_ARREARS", "minor", D(2026, 7, 16), D(2026, 10, 16), "active", "URBAN", P2),
    ("R4", "TAX_ARREARS", "general", D(2026, 5, 1), D(2026, 10, 20), "repaired", "TAX", P2),
    ("R5", "TAX_ARREARS", "general", D(2025, 10, 17), D(2026, 10, 17), "objection", "TAX", P2),
    ("R6", "TAX_ARREARS", "general", D(2026, 3, 1), D(2026, 10, 30), "revoked", "TAX", P1),
    ("R7", "BLOOD_DONATION", None, D(2026, 4, 1), None, "active", "HEALTH", P1),
]


@pytest.fixture
def hand(engine: Engine) -> Engine:
    with engine.begin() as conn:
        conn.execute(insert(m.Person), [
            {"id_number": P1, "name": "张小明", "gender": "M", "birth_date": D(1980, 5, 1),
             "county_code": "411602"},
            {"id_number": P2, "name": "李红", "gender": "F", "birth_date": D(1985, 7, 9),
             "county_code": "411621"},
        ])  # fmt: skip
        conn.execute(insert(m.CreditRecord), [
            {"record_id": r, "id_number": who, "category_code": cat, "severity": sev,
             "decision_date": decided, "display_until": until, "status": status,
             "source_dept": dept, "domain_code": None}
            for r, cat, sev, decided, until, status, dept, who in RECORDS
        ])  # fmt: skip
        conn.execute(insert(m.Application), [
            {"application_id": a, "kind": kind, "record_id": "R1", "id_number": who,
             "handling_dept": dept, "filed_at": received or D(2026, 10, 16),
             "received_at": received, "decided_at": decided, "answered_at": answered,
             "outcome": outcome}
            for a, kind, dept, who, received, decided, answered, outcome in APPLICATIONS
        ])  # fmt: skip
    return engine


def handled(engine: Engine, scope: Scope = ADMIN, counties=()) -> pd.DataFrame:
    return rp.handling(rp.read_applications(engine, scope, AS_OF, counties), AS_OF, CAL)


def test_handling_times_match_the_hand_count(hand):
    h = handled(hand).set_index("application_id")
    decision = h["decision_days"].dropna().astype(int).to_dict()
    assert decision == {"A1": 3, "A2": 4, "A3": 1, "A8": 3, "A9": 5, "A10": 2, "A11": 7}
    answer = h["answer_days"].dropna().astype(int).to_dict()
    assert answer == {"A1": 5, "A2": 6, "A3": 8, "A8": 7, "A9": 9, "A10": 11, "A11": 8}
    assert h["elapsed_days"].dropna().astype(int).to_dict() == {"A4": 6, "A5": 2, "A7": 3}
    assert h.loc["A7", "state"] == "pending"  # decided after the as-of date
    assert list(h.index[h[rp.PENDING_PAST_LIMIT]]) == ["A4"]
    assert not h[rp.ANSWER_PAST_LIMIT].any()


def test_summary_matches_the_hand_count(hand):
    s = rp.summary(handled(hand), START, END).set_index("kind")
    # received in 2026: A1 A2 A3 A4 A5 A7 A8 A9 A10; decided: A1 A2 A3 A8 A9 A10 (A7 after as-of)
    # pending: A4 A5 A6 A7 (A6 not received); on time 4 of 6 (A2, A9 late); answered 6, A10 late
    assert s.loc["all", ["received", "decided", "pending", "not_received"]].tolist() == [9, 6, 4, 1]
    assert s.loc["all", ["decided_on_time", "decided_late", "answered_on_time", "answered_late",
                         "pending_past_limit", "answer_past_limit"]].tolist() == [4, 2, 5, 1, 1, 0]  # fmt: skip
    assert s.loc["all", "decision_on_time_rate"] == pytest.approx(4 / 6)
    assert s.loc["all", "answer_on_time_rate"] == pytest.approx(5 / 6)
    assert s.loc["all", "mean_decision_days"] == pytest.approx((3 + 4 + 1 + 3 + 5 + 2) / 6)
    assert s.loc["objection", ["received", "decided", "pending", "decided_on_time"]].tolist() == [
        3, 2, 1, 0,
    ]  # fmt: skip
    assert s.loc["repair", ["received", "decided", "pending", "decided_on_time"]].tolist() == [
        6, 4, 3, 4,
    ]  # fmt: skip


def test_the_service_names_only_the_listed_applicants(hand):
    """The figures read no names (a person probe per application is most of a city's read); the
    overdue list, as the page gets it, carries its own rows' masked names."""
    from services import repair as service

    url = hand.url.render_as_string(hide_password=False)
    service.handled.clear()
    figures = service.handled(url, ADMIN, AS_OF, (), START)
    assert figures["name"].isna().all() and len(figures) > 4
    listed = service.overdue_list(url, ADMIN, AS_OF, (), START, END).set_index("application_id")
    assert listed.loc["A2", "name"] == "张*明"  # P1, 张小明
    assert (listed["name"] != "").all() and listed["subject"].str.contains("*", regex=False).all()


def test_overdue_list_and_departments_match_the_hand_count(hand):
    h = handled(hand)
    listed = rp.overdue_list(h, START, END, CAL).set_index("application_id")
    assert listed["reasons"].to_dict() == {
        "A2": "decided_late", "A4": "pending_past_limit", "A9": "decided_late",
        "A10": "answered_late",
    }  # fmt: skip
    assert listed.loc["A2", "decision_deadline"] == D(2026, 10, 10)  # the worked Saturday
    assert listed.loc["A4", "decision_deadline"] == D(2026, 10, 13)
    assert listed.loc["A9", "decision_deadline"] == D(2026, 2, 24)
    assert listed.loc["A10", "answer_deadline"] == D(2026, 9, 15)
    assert listed.loc["A2", "subject"] == mask_id_number(P1) and "*" in listed.loc["A2", "name"]
    by_dept = rp.overdue_by_department(h, START, END)
    assert by_dept.to_dict("records") == [
        {"handling_dept": "TAX", "decided": 2, "decided_late": 2, "answered_late": 0,
         "pending_past_limit": 1, "answer_past_limit": 0, "overdue": 3},
        {"handling_dept": "URBAN", "decided": 4, "decided_late": 0, "answered_late": 1,
         "pending_past_limit": 0, "answer_past_limit": 0, "overdue": 1},
    ]  # fmt: skip
    # The 2023 objection was late too, but is outside the period; the 2023 count had no calendar.
    assert "A11" in set(rp.overdue_list(h, D(2023, 1, 1), END, CAL)["application_id"])
    assert rp.uncounted_years(h, AS_OF, CAL, START, END) == []
    assert rp.uncounted_years(h, AS_OF, CAL, D(2023, 1, 1), END) == [2023]


@pytest.mark.parametrize("day", [D(2026, 10, 9), D(2026, 10, 16), D(2026, 9, 14), D(2025, 10, 16)])
def test_unfinished_applications_are_every_one_past_a_limit(hand, day):
    """The overview reads only applications received and not both decided and answered by the
    date; the ones past a limit on the date are exactly the full count's."""

    def past(frame: pd.DataFrame) -> set[str]:
        late = frame[rp.PENDING_PAST_LIMIT] | frame[rp.ANSWER_PAST_LIMIT]
        return set(frame.loc[late, "application_id"])

    full = rp.handling(rp.read_applications(hand, ADMIN, day), day, CAL)
    some = rp.handling(rp.read_applications(hand, ADMIN, day, unfinished_only=True), day, CAL)
    assert past(some) == past(full)
    assert len(some) < len(full)
    if day == D(2026, 10, 16):
        assert past(some) == {"A4"}


@pytest.mark.parametrize("start", [START, D(2026, 10, 1), D(2023, 1, 1)])
def test_a_period_reads_only_the_applications_it_uses_with_the_same_figures(hand, start):
    """The repair page reads the applications a period uses (`since`): every figure of the
    period is the one counted over all applications."""
    full = handled(hand)
    some = rp.handling(rp.read_applications(hand, ADMIN, AS_OF, since=start), AS_OF, CAL)
    for figures in (rp.summary, rp.time_distribution, rp.overdue_by_department, rp.outcomes,
                    rp.monthly_trend):  # fmt: skip
        pd.testing.assert_frame_equal(figures(some, start, END), figures(full, start, END))
    pd.testing.assert_frame_equal(
        rp.overdue_list(some, start, END, CAL), rp.overdue_list(full, start, END, CAL)
    )
    assert rp.uncounted_years(some, AS_OF, CAL, start, END) == rp.uncounted_years(
        full, AS_OF, CAL, start, END
    )
    if start == D(2026, 10, 1):
        assert len(some) < len(full)
    assert rp.first_received(hand, ADMIN, AS_OF) == min(
        d for d in full.loc[full["received"], "received_at"]
    )


def _limits_file(monkeypatch, rows: list[tuple]) -> None:
    """Replace reference_data/legal_limits.csv by these rows (kind, effective_from,
    decision_days, answer_days, extension_days)."""
    from data_access.queries import legal_limits

    table = tuple(
        {"kind": k, "effective_from": f, "decision_days": str(d), "answer_days": str(a),
         "extension_days": str(e or ""), "source": "test", "assumption": "0"}
        for k, f, d, a, e in rows
    )  # fmt: skip
    real = legal_limits.read_catalogue
    monkeypatch.setattr(legal_limits, "read_catalogue",
                        lambda name: table if name == "legal_limits" else real(name))  # fmt: skip


def test_the_limits_in_force_on_the_receipt_date_apply(hand, monkeypatch):
    """Change the limits file and the overdue figures change: from 2026-04-01 a repair must be
    decided within 1 working day, before that 3 still applied."""
    before = rp.summary(handled(hand), START, END).set_index("kind")
    _limits_file(monkeypatch, [("repair", "2025-01-01", 3, 10, None),
                               ("repair", "2026-04-01", 1, 10, None),
                               ("objection", "2026-04-01", 3, 10, None)])  # fmt: skip
    h = handled(hand).set_index("application_id")
    assert h.loc["A10", "decision_limit"] == 1 and bool(h.loc["A10", rp.DECIDED_LATE])  # 2 days
    assert h.loc["A8", "decision_limit"] == 3 and not h.loc["A8", rp.DECIDED_LATE]  # February
    after = rp.summary(h.reset_index(), START, END).set_index("kind")
    assert after.loc["repair", "decided_late"] > before.loc["repair", "decided_late"]
    assert after.loc["objection", "decided_late"] == before.loc["objection", "decided_late"]


def test_an_extension_decision_replaces_the_decision_limit(hand):
    with hand.begin() as conn:
        conn.execute(
            update(m.Application)
            .where(m.Application.application_id == "A2")
            .values(extended_decision_days=5, extension_reason="需现场核查")
        )
    h = handled(hand).set_index("application_id")
    assert (h.loc["A2", "decision_days"], h.loc["A2", "decision_limit"]) == (4, 5)
    assert not h.loc["A2", rp.DECIDED_LATE]
    assert h.loc["A2", "answer_limit"] == 10  # never shorter than the decision limit
    listed = rp.overdue_list(h.reset_index(), START, END, CAL)
    assert "A2" not in set(listed["application_id"])


def test_the_shipped_limits_file_marks_the_objection_row_as_an_assumption():
    from data_access.queries.legal_limits import legal_limits, limit_in_force

    rows = {r.kind: r for r in legal_limits()}
    assert (rows["repair"].decision_days, rows["repair"].answer_days) == (3, 10)
    assert rows["repair"].effective_from == D(2026, 4, 1) and not rows["repair"].assumption
    assert rows["objection"].assumption
    assert limit_in_force("repair", D(2025, 1, 1)) == rows["repair"]  # before every row: earliest


def test_outcomes_and_trend_match_the_hand_count(hand):
    h = handled(hand)
    out = rp.outcomes(h, START, END).set_index(["kind", "outcome"])["applications"].to_dict()
    assert out == {
        ("objection", "upheld"): 1, ("objection", "rejected"): 1, ("objection", "withdrawn"): 0,
        ("repair", "upheld"): 2, ("repair", "rejected"): 1, ("repair", "withdrawn"): 1,
    }  # fmt: skip
    trend = rp.monthly_trend(h, START, END).set_index("month")
    assert len(trend) == 10
    assert trend.loc["2026-02", ["received", "decided", "answered"]].tolist() == [2, 2, 0]
    assert trend.loc["2026-02", "decision_on_time_rate"] == 0.5
    assert trend.loc["2026-03", ["answered", "answer_on_time_rate"]].tolist() == [2, 1.0]
    assert trend.loc["2026-09", ["received", "decided", "answered"]].tolist() == [4, 2, 1]
    assert trend.loc["2026-09", ["decision_on_time_rate", "answer_on_time_rate"]].tolist() == [
        1.0, 0.0,
    ]  # fmt: skip
    assert trend.loc["2026-10", ["received", "decided", "answered"]].tolist() == [3, 2, 3]
    assert pd.isna(trend.loc["2026-05", "decision_on_time_rate"])
    distribution = rp.time_distribution(h, START, END)
    decisions = distribution[distribution["measure"] == "decision"]
    assert decisions.groupby("days")["applications"].sum().to_dict() == {1: 1, 2: 1, 3: 2, 4: 1,
                                                                         5: 1}  # fmt: skip


def test_department_head_and_counties_see_only_their_applications(hand):
    h = handled(hand, URBAN)
    assert sorted(h["application_id"]) == ["A1", "A10", "A3", "A5", "A6", "A8"]
    s = rp.summary(h, START, END).set_index("kind")
    assert s.loc["all", ["received", "decided", "pending"]].tolist() == [5, 4, 2]
    assert list(rp.overdue_list(h, START, END, CAL)["application_id"]) == ["A10"]
    in_chuanhui = handled(hand, ADMIN, ("411602",))
    assert sorted(in_chuanhui["application_id"]) == ["A1", "A2", "A3", "A4", "A5"]
    with pytest.raises(PermissionError):
        rp.read_applications(hand, Scope("privacy_officer", "DRC"), AS_OF)


def test_expiring_records_in_the_next_30_days(hand):
    # R1 ends on as-of + 30 (in), R2 on + 31 (out), R3 ended on the as-of date, R4 repaired,
    # R6 revoked, R7 positive; R5 (under objection) ends tomorrow.
    total, frame = rp.expiring_records(hand, ADMIN, AS_OF)
    assert total == 2 and list(frame["record_id"]) == ["R5", "R1"]
    assert list(frame["days_left"]) == [1, 30]
    assert list(frame["subject"]) == [mask_id_number(P2), mask_id_number(P1)]
    assert list(rp.expiring_records(hand, URBAN, AS_OF)[1]["record_id"]) == ["R1"]
    assert rp.expiring_records(hand, ADMIN, AS_OF, ("411621",))[0] == 1


# --------------------------------------------------------------------------- the display check


def test_display_check_is_zero_for_every_place_on_the_fixture(hand):
    check = dc.display_check(hand, AS_OF).set_index("consumer")
    shows = check[check["kind"] == "shows"]
    assert len(shows) >= 10 and shows["records"].sum() == 0, shows[shows["records"] > 0]
    # No policy question is left: the lists are checked with the rest and use nothing past its
    # period, repaired or revoked (R3 expired and R4 repaired are not used by any list).
    assert (check["kind"] == "shows").all()
    assert check.loc["scoring.lists", "records"] == 0


def test_display_check_flags_a_consumer_that_forgets_the_display_period(hand):
    def forgetful(as_of: dt.date):
        return select(m.CreditRecord.record_id).where(m.CreditRecord.decision_date <= as_of)

    dc.register_consumer("test.forgetful", forgetful, "a query that forgot the period")
    try:
        check = dc.display_check(hand, AS_OF).set_index("consumer")
    finally:
        dc._REGISTRY.pop("test.forgetful")
    row = check.loc["test.forgetful"]
    assert (row["records"], row["expired"], row["repaired"], row["revoked"]) == (3, 1, 1, 1)
    assert row["sample_record_ids"] == "R3, R4, R6"
    assert row["where"] == "a query that forgot the period"
    # A department head sees only what their department reported.
    mine = dc.display_check(hand, AS_OF, URBAN, consumers=[dc.Consumer("f", "f", forgetful)])
    assert mine.loc[0, "sample_record_ids"] == "R3"


def test_display_check_is_zero_on_the_tiny_city(tiny_city_url):
    from data_access.engine import get_engine

    check = dc.display_check(get_engine(tiny_city_url), TINY_AS_OF)
    shows = check[check["kind"] == "shows"]
    assert set(shows["consumer"]) >= {
        "coverage.domain_records", "coverage.negative_rates", "person_file", "scoring.points",
        "scores.ledger", "repair.expiring",
    }  # fmt: skip
    assert shows["records"].sum() == 0, shows[shows["records"] > 0]


def test_points_consumer_is_the_engines_rule(tiny_city_url):
    """The SQL mirrors of what the points engine counts and of what the lists use give the same
    records as the ledger, for every scored person of the tiny city."""
    from data_access.engine import get_engine
    from data_access.queries import score_store
    from scoring import display_consumers, points_ledger
    from scoring.points_policy import load_policy

    engine, policy = get_engine(tiny_city_url), load_policy()
    with engine.connect() as conn:
        counted_sql = set(conn.scalars(display_consumers._points_counted(TINY_AS_OF)))
        listed_sql = set(conn.scalars(display_consumers._lists(TINY_AS_OF)))
        holders = conn.scalars(select(m.CreditRecord.id_number).distinct()).all()
        checked = 0
        for id_number in holders:
            person = score_store.read_person(conn, id_number)
            records = score_store.read_person_records(conn, id_number)
            lines = points_ledger.ledger(person, records, policy, TINY_AS_OF)
            if points_ledger.ledger_total(lines)["points"] is None:
                continue  # a minor: not scored
            counted = lines.filter(
                (lines["line"] == "record")
                & (lines["reason"].is_null() | (lines["reason"] == "over_cap"))
            )["record_id"].to_list()
            ids = set(records["record_id"].to_list())
            assert set(counted) == counted_sql & ids, id_number
            negative = set(records.filter(records["polarity"] == "negative")["record_id"])
            assert set(counted) & negative == listed_sql & ids, id_number
            checked += 1
    assert checked > 100


# --------------------------------------------------------------------------- the page

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
SCOPES = {"leading_office": OFFICE, "department_head": URBAN, "admin": ADMIN}


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.mark.parametrize("role", list(SCOPES))
def test_page_shows_the_data_layer_figures_on_the_tiny_city(
    tiny_city_url, monkeypatch, server_navigation, role
):
    from data_access.engine import get_engine

    app = open_page(
        tiny_city_url,
        "pages/repair.py",
        USERS[role],
        monkeypatch,
        as_of=TINY_AS_OF,
        timeout=90,
        fresh_cache=True,
    )
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    start, end = D(2025, 12, 1), TINY_AS_OF  # the default period: the last 12 months
    h = rp.handling(
        rp.read_applications(get_engine(tiny_city_url), SCOPES[role], TINY_AS_OF), TINY_AS_OF,
        load_calendar(get_engine(tiny_city_url)),
    )  # fmt: skip
    total = rp.summary(h, start, end).set_index("kind").loc["all"]
    shown = metrics(app)
    assert shown["受理"] == f"{int(total['received']):,}"
    assert shown["办结"] == f"{int(total['decided']):,}"
    assert shown["办理中"] == f"{int(total['pending']):,}"
    assert shown["超期件"] == f"{len(rp.overdue_list(h, start, end, CAL)):,}"
    passed = any("0 条超过展示期的记录" in s.value for s in app.success)
    # the standing check is the office's: a department head meets it only when it fails
    assert passed == (role != "department_head")


def test_page_shows_the_hand_count(hand, db_url, monkeypatch, server_navigation):
    app = open_page(
        db_url,
        "pages/repair.py",
        USERS["leading_office"],
        monkeypatch,
        as_of=AS_OF,
        lang="en",
        timeout=90,
        fresh_cache=True,
    )
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert {k: v for k, v in metrics(app).items()} == {
        "Received": "9", "Decided": "6", "Pending": "4", "Decided on time": "66.7%",
        "Answered on time": "83.3%", "Overdue": "4", "Display ends within 30 days": "2",
    }  # fmt: skip
    assert not any("calendar not loaded" in w.value for w in app.warning)
    app.select_slider(key="rp_period").set_value((D(2023, 9, 1), D(2026, 10, 1))).run()
    assert any("2023 calendar not loaded" in w.value for w in app.warning)
    assert metrics(app)["Overdue"] == "5"  # A11 (2023, decided late) joins the list


def test_overview_tile_counts_open_cases_past_their_limit(
    hand, db_url, monkeypatch, server_navigation
):
    # Open on Fri 2026-10-16 and past a limit: only A4 (received Fri 10-09; 10-10 (a worked
    # Saturday), 10-12 .. 10-16 = 6 working days > 3, not decided). A5 (2 days) and A7 (3 days,
    # decided after the as-of date) are still within the limit. A year earlier: nothing open.
    monkeypatch.setenv("CREDIT_DB_URL", db_url)
    st.cache_data.clear()
    app = AppTest.from_file(APP, default_timeout=90)
    app.session_state["user"] = USERS["leading_office"]
    app.session_state["filter_as_of"] = AS_OF
    app.run()
    app.switch_page("pages/overview.py").run()
    assert not app.exception, [e.value for e in app.exception]
    tile = next(m for m in app.metric if m.label == "超期未办结的异议与修复")
    assert tile.value == "1"
    assert tile.delta.startswith("+1")


def test_the_nightly_display_check_stores_its_result_and_fails_loudly(hand, db_url, capsys):
    from data_access.__main__ import main as data_access_cli
    from data_access.queries.display_check_store import latest_stored

    args = ["--db", db_url, "display-check", "--as-of", AS_OF.isoformat()]
    assert data_access_cli(args) == 0
    out = capsys.readouterr().out
    assert "OK: no place shows or counts a record past its display period" in out
    checked_at, stored = latest_stored(hand, AS_OF)
    assert stored.set_index("consumer").loc["scoring.lists", "records"] == 0
    assert latest_stored(hand, AS_OF - dt.timedelta(days=1)) is None

    def forgetful(as_of: dt.date):
        return select(m.CreditRecord.record_id).where(m.CreditRecord.decision_date <= as_of)

    dc.register_consumer("test.forgetful", forgetful, "a query that forgot the period")
    try:
        assert data_access_cli(args) == 1
    finally:
        dc._REGISTRY.pop("test.forgetful")
    assert "FAILED: 3 records shown or counted in 1 places" in capsys.readouterr().out
    newest = latest_stored(hand, AS_OF)[1].set_index("consumer")
    assert newest.loc["test.forgetful", "sample_record_ids"] == "R3, R4, R6"


def test_the_page_shows_the_stored_check_and_its_time(hand, db_url, monkeypatch, server_navigation):
    from data_access.queries.display_check_store import run_and_store

    run_and_store(hand, AS_OF, now=dt.datetime(2026, 10, 16, 2, 0))
    app = open_page(
        db_url,
        "pages/repair.py",
        USERS["leading_office"],
        monkeypatch,
        as_of=AS_OF,
        timeout=90,
        fresh_cache=True,
    )
    assert not app.exception, [e.value for e in app.exception]
    assert any("检查时间 2026-10-16 02:00" in c.value for c in app.caption)
    assert any("0 条超过展示期的记录" in s.value for s in app.success)
    # A county filter is not in the stored city-wide result: the check runs for it.
    app.session_state["filter_counties"] = ("411602",)
    app.run()
    assert any("实时运行" in c.value for c in app.caption)


def test_before_the_nightly_check_the_page_shows_the_last_one_and_its_day(
    hand, db_url, monkeypatch, server_navigation
):
    """The nightly job has not run for the date yet: the page shows the newest check of the week
    before, saying which day it checked, and runs no check of its own for each viewer."""
    from data_access.queries.display_check_store import run_and_store

    earlier = AS_OF - dt.timedelta(days=2)
    run_and_store(hand, earlier, now=dt.datetime(2026, 10, 14, 2, 0))

    def not_run(*args, **kwargs):
        raise AssertionError("the check ran for the viewer")

    monkeypatch.setattr(dc, "display_check", not_run)
    app = open_page(db_url, "pages/repair.py", USERS["leading_office"], monkeypatch,
                    as_of=AS_OF, timeout=90, fresh_cache=True)  # fmt: skip
    assert not app.exception, [e.value for e in app.exception]
    (warning,) = [w.value for w in app.warning if "尚未运行" in w.value]
    assert f"{earlier:%Y-%m-%d}" in warning or f"{earlier.year}年" in warning
    assert "2026-10-14 02:00" in warning
    assert any("0 条超过展示期的记录" in s.value for s in app.success)
    assert not any("实时运行" in c.value for c in app.caption)  # not run now, and not said so


def test_a_failing_check_reaches_a_department_head_too(
    hand, db_url, monkeypatch, server_navigation
):
    """The standing check is the office's panel; when it finds records shown or counted that may
    not be, a department head sees it as well (their records may be among them)."""

    def forgetful(as_of: dt.date):
        return select(m.CreditRecord.record_id).where(m.CreditRecord.decision_date <= as_of)

    dc.register_consumer("test.forgetful", forgetful, "a query that forgot the period")
    try:
        app = open_page(db_url, "pages/repair.py", USERS["department_head"], monkeypatch,
                        as_of=AS_OF, timeout=90, fresh_cache=True)  # fmt: skip
    finally:
        dc._REGISTRY.pop("test.forgetful")
    assert not app.exception, [e.value for e in app.exception]
    assert any("条不应展示的记录仍在" in e.value for e in app.error)
