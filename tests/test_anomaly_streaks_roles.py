"""anomaly-2.13 on hand-built frames and the small world (known answers):

- a streak of working hours without any authorised lookup, judged against the operator's own
  share of such hours and the peers' streaks (anomaly_streak);
- a habit of the role in every department (personnel clerks' repeats and reused references)
  judged against the role as well as the department (role_habit_weaker);
- colleagues who are most of a personnel clerk's persons are their remit; a snooper's are not;
- the range's references counted over the range: a reference typed once a week is reused;
- a sudden case may have three departments on it.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from anomaly_world import FIRST_DAY, LAST_DAY, world_persons
from sqlalchemy import insert

from data_access.schema import models as m
from scoring.anomaly import _read, detect
from scoring.anomaly_crowd import crowd_pairs
from scoring.anomaly_peers import group_keys
from scoring.anomaly_range import role_groups, role_habit_weaker
from scoring.anomaly_streak import longest_streaks, streak_evidence

DAY = dt.date(2026, 6, 1)


def _hourly(rows):
    return pl.DataFrame(rows, schema={"op": pl.String, "date": pl.Date, "hour": pl.Int32,
                                      "n": pl.Int64, "unauth": pl.Int64}, orient="row")  # fmt: skip


def _worker(op: str, hours: int, bad_at: set[int], streak_from: int | None, streak: int):
    """An operator's hours (two lookups each, one hour a day at 10:00) with the hours in bad_at
    and a streak of `streak` hours from `streak_from` wholly unauthorised."""
    rows = []
    for i in range(hours):
        bad = i in bad_at or (streak_from is not None and streak_from <= i < streak_from + streak)
        rows.append((op, DAY + dt.timedelta(days=i), 10, 2, 2 if bad else 0))
    return rows


def test_the_longest_streak_and_its_hours():
    rows = _worker("a", 46, {3, 20}, 40, 6)
    rows[10] = ("a", DAY + dt.timedelta(days=10), 10, 2, 1)  # half unauthorised: not a bad hour
    s = longest_streaks(_hourly(rows)).row(0, named=True)
    assert (s["streak_hours"], s["streak_bad"], s["streak"], s["streak_n"]) == (46, 8, 6, 12)
    assert s["first"] == dt.datetime(2026, 7, 11, 10) and s["last"] == dt.datetime(2026, 7, 16, 10)
    # a mixed hour breaks a streak
    broken = _worker("b", 20, set(), 5, 6)
    broken[7] = ("b", DAY + dt.timedelta(days=7), 10, 2, 1)
    assert longest_streaks(_hourly(broken)).row(0, named=True)["streak"] == 3  # 8, 9, 10


def _f(ops, role="clerk"):
    return pl.DataFrame({"op": ops, "dept": ["D"] * len(ops), "role": [role] * len(ops),
                         "op_county": [None] * len(ops)})  # fmt: skip


def test_a_streak_is_judged_against_the_operators_own_hours_and_the_peers_streaks():
    rows = _worker("lone", 46, {3, 20}, 40, 6)
    for p in ("p1", "p2", "p3"):
        rows += _worker(p, 46, {5, 25}, None, 0)
    rows += _worker("short", 46, {1}, 30, 2)
    ev, out = streak_evidence(_f(["lone", "p1", "p2", "p3", "short"]), _hourly(rows))
    # B = 46 hours, R = 6, p = (8 - 6 + 1) / (46 - 6 + 2): -log10(46 p^6)
    want = -6 * np.log10(3 / 42) - np.log10(46)
    assert np.isclose(ev[0], want) and 5.0 < ev[0] < 5.5
    assert (ev[1:] == 0.0).all()  # no streak, or one of two hours
    lone = out.filter(pl.col("op") == "lone").row(0, named=True)
    assert lone["streak"] == 6 and lone["n"] == 12 and lone["streak_peer"] == 0.0


def test_a_streak_every_peer_has_is_the_roles_habit():
    rows = []
    for i, p in enumerate(("a1", "a2", "a3", "a4")):  # auditors: each a sample run of 6 hours
        rows += _worker(p, 46, {3 + i, 20}, 40 - i, 6)
    ev, out = streak_evidence(_f(["a1", "a2", "a3", "a4"], "auditor"), _hourly(rows))
    assert (ev < 0.5).all(), ev
    assert (out["streak_peer"] > 4.0).all()


def _items(rows):
    return pl.DataFrame(rows, schema={"op": pl.String, "item": pl.String, "x": pl.Int64},
                        orient="row")  # fmt: skip


def test_a_habit_of_the_role_in_every_department_is_no_sign():
    # personnel clerks alone in five departments, each reusing one reference for 10 persons;
    # four market clerks in one department whose references cover one person each, and one
    # of them reusing one for 10
    hr = [f"hr{i}" for i in range(5)]
    clerks = [f"c{i}" for i in range(5)]
    f = pl.DataFrame({"op": hr + clerks,
                      "dept": ["TAX", "EDU", "PSB", "HEALTH", "HRSS"] + ["SAMR"] * 5,
                      "role": ["hr"] * 5 + ["clerk"] * 5, "op_county": [None] * 10})  # fmt: skip
    n = np.full(10, 100.0)
    rows = [(op, f"{op}-REF", 10) for op in hr] + [("c0", "c0-REF", 10)]
    rows += [(op, f"{op}-{j}", 1) for op in hr + clerks for j in range(20)]
    items = _items(rows)
    high = np.full(10, 6.0)
    out = role_habit_weaker(high, f, role_groups(f, group_keys(f), n), items)
    # every personnel clerk's largest reference is as large as the other clerks' of the role
    assert (out[:5] < 1.0).all(), out
    # the market clerks have a group of their own role in their department: unchanged
    assert (out[5:] == 6.0).all()


def _operators(rows):
    return [{"operator_id": op, "name": "测试员", "department_code": dept, "role": role,
             "county_code": "411602", "id_number": idn} for op, dept, role, idn in rows]  # fmt: skip


def _lookup(rows, op, at, subject, ref):
    rows.append(
        {
            "query_id": f"H{len(rows):05d}",
            "operator_id": op,
            "queried_at": at,
            "subject_id_number": subject,
            "purpose_code": "EMPLOYMENT",
            "authorization_ref": ref,
            "channel": "WEB",
            "terminal_id": None,
            "flags": "",
        }
    )


def test_colleagues_most_of_a_personnel_clerks_persons_are_their_remit(engine):
    persons = world_persons(engine, 1400)
    staff = persons[1300:1320]  # twenty colleagues of the department's staff
    ops = [(f"hrss{200 + i}", "HRSS", "staff", staff[i]) for i in range(20)]
    ops += [("hrss0300", "HRSS", "hr", None), ("hrss0301", "HRSS", "officer", None)]
    rows: list[dict] = []
    days = [FIRST_DAY + dt.timedelta(days=k) for k in range(28) if k % 7 < 5]
    # the personnel clerk: every colleague twice over the month (an appointment), six of the 40
    # without a reference, and ten other persons
    for j in range(40):
        at = dt.datetime.combine(days[j % len(days)], dt.time(9 + j % 7, j))
        _lookup(rows, "hrss0300", at, staff[j % 20], None if j % 7 == 3 else f"RS-{j:03d}")
    for j in range(10):
        _lookup(rows, "hrss0300", dt.datetime.combine(days[j], dt.time(16)), persons[j], f"Z-{j}")
    # the snooper: 60 persons of their work, then eight colleagues without a reference
    for j in range(60):
        at = dt.datetime.combine(days[j % len(days)], dt.time(10, j % 60))
        _lookup(rows, "hrss0301", at, persons[100 + j], f"ZF-{j:03d}")
    for j in range(8):
        _lookup(rows, "hrss0301", dt.datetime.combine(days[-1 - j], dt.time(15)), staff[j], None)
    with engine.begin() as conn:
        conn.execute(insert(m.Operator), _operators(ops))
        conn.execute(insert(m.QueryLog), rows)
    alerts = detect(engine, FIRST_DAY, LAST_DAY)
    by = lambda op: [a for a in alerts if a.operator_id == op and a.horizon == "range"]  # noqa: E731
    assert not [a for a in by("hrss0300") if a.signals[0] == "colleagues"], [
        (a.signals, a.score) for a in by("hrss0300")
    ]
    snoop = [a for a in by("hrss0301") if "colleagues" in a.signals]
    assert snoop and snoop[0].signals[0] == "colleagues" and snoop[0].score >= 4.0


def test_a_reference_typed_once_a_week_is_counted_over_the_range(engine):
    persons = world_persons(engine, 1400)
    rows: list[dict] = []
    for j in range(4):  # one lookup a week: never twice in one week
        at = dt.datetime.combine(FIRST_DAY + dt.timedelta(days=7 * j + 1), dt.time(11))
        _lookup(rows, "govservice0003", at, persons[900 + j], "XK-CARRIED")
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    log = _read(engine, FIRST_DAY, LAST_DAY, lambda _msg: None)
    assert log is not None
    carried = log.refs.filter(pl.col("ref") == "XK-CARRIED").to_dicts()
    assert [(r["op"], r["n"], r["persons"], r["days"]) for r in carried] == [
        ("govservice0003", 4, 4, 4)
    ]


def test_three_departments_on_a_case_are_still_a_case():
    day = dt.datetime(2026, 6, 3, 10)
    at = lambda d: day + dt.timedelta(days=d)  # noqa: E731
    depts = ["PSB", "PSB", "COURT", "COURT", "SAMR", "SAMR", "TAX"]
    case = [f"case{i}" for i in range(7)]
    ops = pl.DataFrame({"op": ["curious", *case], "dept": ["EDU", *depts]})
    # the entrepreneur in the news: police, court and the market regulator under references
    rows = [(op, "news", 1, 1, at(i % 3)) for i, op in enumerate(case[:6])]
    rows += [("curious", "news", 1, 0, at(1))]
    # four departments under a reference at once: a busy person, no case
    rows += [(op, "busy", 1, 1, at(20)) for op in case] + [("curious", "busy", 1, 0, at(20))]
    rows += [("curious", f"p{i}", 1, 0, at(i)) for i in range(30)]
    pairs = pl.DataFrame(rows, schema={"op": pl.String, "subject": pl.String, "n": pl.Int64,
                                       "n_ref": pl.Int64, "first": pl.Datetime("us")},
                         orient="row")  # fmt: skip
    cp, _ = crowd_pairs(pairs, ops)
    assert cp.filter(pl.col("crowd")).select("op", "subject").rows() == [("curious", "news")]


def test_an_account_used_for_weeks_without_a_reference_is_raised_with_its_streak(engine):
    persons = world_persons(engine, 1400)
    rows: list[dict] = []
    days = [FIRST_DAY + dt.timedelta(days=k) for k in range(28) if k % 7 < 5]
    for k, day in enumerate(days):
        if k < 10:  # the holder's work: five lookups a day under references
            for j in range(5):
                at = dt.datetime.combine(day, dt.time(9 + j, 10))
                _lookup(rows, "psb0100", at, persons[200 + 5 * k + j], f"ZF-{k}-{j}")
        else:  # someone else at the account: one lookup a day, never a reference
            _lookup(rows, "psb0100", dt.datetime.combine(day, dt.time(16, 40)), persons[400 + k],
                    None)  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.Operator), _operators([("psb0100", "PSB", "officer", None)]))
        conn.execute(insert(m.QueryLog), rows)
    alerts = [a for a in detect(engine, FIRST_DAY, LAST_DAY)
              if a.operator_id == "psb0100" and a.horizon == "range"]  # fmt: skip
    found = [a for a in alerts if "streak" in a.signals]
    assert found and found[0].score >= 4.0, [(a.signals, a.score) for a in alerts]
    i = found[0].signals.index("streak")
    zh, en = found[0].reasons_zh[i], found[0].reasons_en[i]
    assert zh.startswith("连续 10 个有查询的工作时段（共 10 次查询）"), zh
    assert en.startswith("10 working hours in a row (10 lookups) with no authorised lookup"), en
    # the streak leads, and the episode is the streak's
    assert found[0].signals[0] == "streak"
    assert found[0].window_start == dt.datetime.combine(days[10], dt.time())
    assert found[0].lookups == 10
