"""Reporting progress with a hand-built fixture of known answers (pure functions and the DB)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import insert

from data_access.queries.reporting import (
    Thresholds,
    annual_report_state,
    annual_reports,
    city_trend,
    delivery_status,
    expected_deliveries,
    monthly_on_time,
    periods_between,
    rag_status,
    reporting_status,
    unit_scorecard,
)
from data_access.schema import models as m
from data_access.scope import Scope

D = dt.date
AS_OF = D(2026, 5, 20)
START, END = D(2026, 1, 1), D(2026, 6, 30)
ITEMS = pd.DataFrame(
    [("A", "X", "monthly"), ("B", "Y", "quarterly")], columns=["code", "dept_code", "frequency"]
)
DELIVERED = pd.DataFrame(
    [
        # item, period, due, submitted_at, rows submitted, rows rejected
        ("A", "2026-01", D(2026, 2, 15), "2026-02-10 09:00:00", 100, 2),  # on time
        ("A", "2026-02", D(2026, 3, 15), "2026-03-20 10:00:00", 120, 30),  # 5 days late
        # 2026-03: no row at all -> missing
        ("A", "2026-04", D(2026, 5, 15), "2026-05-25 10:00:00", 90, 0),  # after as-of -> missing
        ("B", "2026-Q1", D(2026, 4, 15), "2026-04-15 23:00:00", 40, 0),  # due day itself: on time
        ("B", "2026-Q2", D(2026, 7, 15), None, 0, 0),  # quarter not ended: not due
    ],
    columns=["item_code", "period", "due_date", "submitted_at", "rows_submitted", "rows_rejected"],
)


def test_periods_and_default_due_dates():
    assert periods_between("quarterly", D(2026, 2, 1), D(2026, 12, 31))[0][:2] == (
        "2026-Q2",
        D(2026, 4, 1),
    )
    label, first, last, due = periods_between("monthly", D(2026, 2, 1), D(2026, 2, 28))[0]
    assert (label, first, last, due) == ("2026-02", D(2026, 2, 1), D(2026, 2, 28), D(2026, 3, 15))
    assert periods_between("quarterly", D(2026, 1, 1), D(2026, 3, 31))[0][3] == D(2026, 4, 15)


def test_only_ended_periods_are_expected():
    expected = expected_deliveries(ITEMS, START, END, AS_OF)
    assert list(zip(expected.item_code, expected.period, strict=True)) == [
        ("A", "2026-01"), ("A", "2026-02"), ("A", "2026-03"), ("A", "2026-04"), ("B", "2026-Q1"),
    ]  # fmt: skip


def test_delivery_status_counts_late_missing_and_quarterly():
    status = delivery_status(expected_deliveries(ITEMS, START, END, AS_OF), DELIVERED, AS_OF)
    by = status.set_index("period")
    assert list(by.on_time) == [True, False, False, False, True]
    assert list(by.late) == [False, True, False, False, False]
    assert list(by.missing) == [False, False, True, True, False]
    assert by.loc["2026-02", "delay_days"] == 5
    assert by.loc["2026-04", "rows_submitted"] == 0  # delivered after the as-of date: not yet seen


def test_unit_scorecard_known_answers():
    status = delivery_status(expected_deliveries(ITEMS, START, END, AS_OF), DELIVERED, AS_OF)
    card = unit_scorecard(status).set_index("unit_code")
    x = card.loc["X"]
    assert (x.due, x.delivered, x.on_time, x.late, x.missing) == (4, 2, 1, 1, 2)
    assert x.avg_delay_days == 5
    assert x.on_time_rate == 0.25 and x.completeness == 0.5
    assert x.rejection_rate == pytest.approx(32 / 220)
    assert x.status == "red" and x["rank"] == 2
    y = card.loc["Y"]
    assert (y.due, y.on_time, y.on_time_rate, y.status, y["rank"]) == (1, 1, 1.0, "green", 1)


def test_rag_thresholds():
    t = Thresholds()
    assert rag_status(0.95, 0.99, t) == "green"
    assert rag_status(0.95, 0.95, t) == "amber"
    assert rag_status(0.80, 1.00, t) == "amber"
    assert rag_status(0.70, 1.00, t) == "red"


def test_reporting_status_from_the_database(engine):
    """The same answers when the deliveries come from the submission table (both engines)."""
    rows = []
    for i, (item, period, due, at, submitted, rejected) in enumerate(
        DELIVERED.itertuples(index=False)
    ):
        code = {"A": "PENALTY-TAX", "B": "ROSTER-TAX_AGENT"}[item]
        rows.append(
            {
                "submission_id": f"S{i}",
                "item_code": code,
                "period": period,
                "due_date": due,
                "submitted_at": dt.datetime.fromisoformat(at) if isinstance(at, str) else None,
                "rows_submitted": submitted,
                "rows_accepted": submitted - rejected,
                "rows_rejected": rejected,
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(m.Submission), rows)
    status = reporting_status(engine, Scope("department_head", "TAX"), START, END, AS_OF)
    card = unit_scorecard(status).set_index("unit_code")
    assert card.loc["TAX", "due"] == 2 * 4 + 1  # two monthly TAX items, one quarterly
    mine = status[status.item_code.isin(["PENALTY-TAX", "ROSTER-TAX_AGENT"])]
    assert int(mine.on_time.sum()) == 2 and int(mine.late.sum()) == 1
    assert int(mine.missing.sum()) == 2
    assert set(status.unit_code) == {"TAX"}


def test_monthly_matrix_and_trend():
    status = delivery_status(expected_deliveries(ITEMS, START, END, AS_OF), DELIVERED, AS_OF)
    matrix = monthly_on_time(status).set_index(["unit_code", "month"])
    assert matrix.loc[("X", "2026-02"), "on_time_rate"] == 1.0
    assert matrix.loc[("X", "2026-03"), "on_time_rate"] == 0.0
    trend = city_trend(status).set_index("month")
    # April: A-03 due 04-15 missing, B-Q1 due 04-15 on time
    assert (trend.loc["2026-04", "due"], trend.loc["2026-04", "on_time_rate"]) == (2, 0.5)


def test_annual_report_states():
    due = D(2025, 12, 31)
    assert annual_report_state(due, dt.datetime(2025, 12, 20, 9), D(2026, 5, 1)) == "filed_on_time"
    assert annual_report_state(due, dt.datetime(2026, 1, 5, 9), D(2026, 5, 1)) == "filed_late"
    assert annual_report_state(due, None, D(2026, 5, 1)) == "overdue"
    assert annual_report_state(D(2026, 12, 31), None, D(2026, 11, 27)) == "open"
    # filed after the as-of date: not yet seen on that date
    assert annual_report_state(due, dt.datetime(2026, 6, 1, 9), D(2026, 5, 1)) == "overdue"


def test_annual_reports_from_the_database(engine):
    with engine.begin() as conn:
        conn.execute(
            insert(m.AnnualReport),
            [
                {"unit_code": "EDU", "year": 2025, "due_date": D(2025, 12, 31),
                 "filed_at": dt.datetime(2026, 1, 10, 10)},
                {"unit_code": "EDU", "year": 2026, "due_date": D(2026, 12, 31),
                 "filed_at": dt.datetime(2026, 11, 2, 10)},
                {"unit_code": "411627", "year": 2025, "due_date": D(2025, 12, 31),
                 "filed_at": dt.datetime(2025, 12, 29, 10)},
            ],
        )  # fmt: skip
    table = annual_reports(engine, Scope("admin"), D(2026, 11, 27), ["EDU", "411627", "URBAN"])
    states = {(r.unit_code, r.year): (r.state, r.days_late) for r in table.itertuples()}
    assert states == {
        ("EDU", 2025): ("filed_late", 10),
        ("EDU", 2026): ("filed_on_time", 0),
        ("411627", 2025): ("filed_on_time", 0),
        ("411627", 2026): ("open", 0),
        ("URBAN", 2025): ("overdue", 331),
        ("URBAN", 2026): ("open", 0),
    }


def test_nothing_delivered_at_all_counts_every_due_period_missing():
    empty = DELIVERED.iloc[0:0]
    status = delivery_status(expected_deliveries(ITEMS, START, END, AS_OF), empty, AS_OF)
    assert (len(status), int(status["missing"].sum())) == (5, 5)
