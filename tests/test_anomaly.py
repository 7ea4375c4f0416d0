"""The anomaly detector on a hand-built log (both engines): misuse flagged, legitimate work quiet."""

from __future__ import annotations

import datetime as dt

import pytest
from anomaly_world import FINAL_WEEK, FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import event, text

from scoring.anomaly import detect
from scoring.anomaly_features import surname
from scoring.anomaly_reasons import hour_ranges
from scoring.anomaly_windows import week_windows


@pytest.fixture
def world(engine):
    return build_world(engine)


def _by_operator(alerts):
    out = {}
    for a in alerts:
        out.setdefault(a.operator_id, []).append(a)
    return out


def test_misuse_flagged_with_the_right_reasons_and_legitimate_work_quiet(engine, world):
    statements: list[str] = []

    def spy(_conn, _cursor, statement, *_args):
        statements.append(statement.lower())

    event.listen(engine, "before_cursor_execute", spy)
    try:
        alerts = detect(engine, FIRST_DAY, LAST_DAY)
    finally:
        event.remove(engine, "before_cursor_execute", spy)
    by_op = _by_operator(alerts)
    expected = {"psb0001": ("kin", "surname and village", "同姓同村"),
                "psb0002": ("rapid", "four or more in one minute", "一分钟内四次以上"),
                "psb0003": ("hours", "hours the peer group hardly works", "极少工作时段"),
                "psb0004": ("days", "(2026-11-21)", "（2026-11-21）")}  # fmt: skip
    for op, (signal, en, zh) in expected.items():
        assert op in by_op, f"{op} not flagged"
        top = by_op[op][0]
        assert FINAL_WEEK <= top.window_start < FINAL_WEEK + dt.timedelta(days=7)
        # a week alert names the week; a range alert its episode, which lies in that week
        if top.horizon == "week":
            assert top.window_end == FINAL_WEEK + dt.timedelta(days=7)
        else:
            assert FINAL_WEEK < top.window_end <= FINAL_WEEK + dt.timedelta(days=7)
        assert signal in top.signals
        assert any(en in r for r in top.reasons_en)
        assert any(zh in r for r in top.reasons_zh)
    # the harvest's afternoon: its rapid lookups without a purpose name the episode (anomaly-2.24);
    # the share without authorisation supports it
    harvest = by_op["psb0002"][0]
    assert harvest.horizon == "range" and harvest.lookups == 300
    assert (harvest.window_start, harvest.window_end) == (
        dt.datetime(2026, 11, 17),
        dt.datetime(2026, 11, 18),
    )
    assert harvest.signals[0] == "rapid" and "unauth" in harvest.signals
    assert harvest.reasons_en[0].startswith(
        "Over the range: 300 lookups without a purpose or reference, four or more in one minute "
        "(in 20 such minutes) of 505 lookups (59%)"
    )
    week = next(a for a in by_op["psb0001"] if a.horizon == "week")
    kin = next(r for r in week.reasons_en if "surname" in r)
    assert kin.startswith("In the window: 6 residents sharing the operator's surname and village")
    # the same six persons counted over the whole range: an alert that names its episode
    episode = next(a for a in by_op["psb0001"] if a.horizon == "range")
    assert episode.window_start == FINAL_WEEK
    assert episode.window_end == dt.datetime(2026, 11, 20)  # the last kin lookup: Thursday
    assert episode.lookups == 8 and episode.baseline == "dept_level"
    # judged against chance: nobody else looks up anyone of that village or that surname
    assert episode.reasons_en[0].startswith(
        "Over the range: 6 residents sharing the operator's surname and village (of 6 residents "
        "of the village looked up), by chance about 0.00"
    )
    assert "peers of the same department and level (5)" in episode.reasons_en[0]
    assert "同部门同层级人员（5 人）" in episode.reasons_zh[0]
    # after hours without purposes, where the rest of the operator's work has them: judged
    # against the operator's own other lookups (their week against their other weeks too)
    night = next(a for a in by_op["psb0003"] if a.horizon == "range")
    assert night.baseline == "own" and night.reasons_en[0].startswith(
        "Over the range: 15 of the operator's 15 lookups at hours the peer group hardly works"
    )
    assert "15 unauthorised lookups at hours" in next(
        r for a in by_op["psb0003"] if a.horizon == "week" for r in a.reasons_en if "hours" in r
    )
    for op in world["quiet"]:
        assert op not in by_op, f"{op} flagged: {by_op.get(op)[0].reasons_en}"
    for a in alerts:
        # the store joins reasons with these separators and the page splits on them
        assert not any("；" in r for r in a.reasons_zh), a.reasons_zh
        assert not any("; " in r for r in a.reasons_en), a.reasons_en
        assert a.reasons_zh and all(r.strip() for r in a.reasons_zh)
        assert a.reasons_en and all(r.strip() for r in a.reasons_en)
        assert a.score > 0
    assert [a.score for a in alerts] == sorted((a.score for a in alerts), reverse=True)
    assert statements and not any("misuse" in s for s in statements)


def test_detector_runs_without_the_label_tables(engine, world):
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE misuse_query"))
        conn.execute(text("DROP TABLE misuse_episode"))
    alerts = detect(engine, FIRST_DAY, LAST_DAY)
    assert {"psb0001", "psb0002", "psb0003", "psb0004"} <= {a.operator_id for a in alerts}


def test_a_single_day_is_judged_week_by_week_only(engine, world):
    # the daily run: the harvest's Tuesday against the operator's history, no range alerts
    alerts = detect(engine, dt.date(2026, 11, 17), dt.date(2026, 11, 17))
    assert alerts and {a.horizon for a in alerts} == {"week"}
    harvest = next(a for a in alerts if a.operator_id == "psb0002")
    assert (harvest.window_start, harvest.window_end) == (
        dt.datetime(2026, 11, 17),
        dt.datetime(2026, 11, 18),
    )
    assert "unauth" in harvest.signals


def test_weeks_before_the_range_are_history_not_alerts(engine, world):
    # two weeks scored, two weeks of history before them: the same four operators, nothing
    # alerted before the range, and the kin episode still stands against the officer's own
    # clean history
    alerts = detect(engine, dt.date(2026, 11, 9), LAST_DAY)
    assert {a.operator_id for a in alerts} == set(world["flagged"])
    assert all(a.window_start >= dt.datetime(2026, 11, 9) for a in alerts)
    kin = next(a for a in alerts if a.operator_id == "psb0001" and a.horizon == "range")
    assert "kin" in kin.signals and kin.score >= 8


def test_empty_range_gives_no_alerts(engine):
    assert detect(engine, dt.date(2020, 1, 1), dt.date(2020, 1, 31)) == []


def test_windows_are_iso_weeks_clipped_to_the_range():
    ws = [w for w in week_windows(dt.date(2026, 11, 4), dt.date(2026, 11, 17), 2) if w.scored]
    assert [(w.start.date(), w.end.date()) for w in ws] == [
        (dt.date(2026, 11, 4), dt.date(2026, 11, 9)),
        (dt.date(2026, 11, 9), dt.date(2026, 11, 16)),
        (dt.date(2026, 11, 16), dt.date(2026, 11, 18)),
    ]
    with pytest.raises(ValueError):
        week_windows(dt.date(2026, 11, 5), dt.date(2026, 11, 4))


def test_surnames_and_hour_ranges():
    assert surname("欧阳明") == "欧阳"
    assert surname("王小明") == "王"
    assert surname(None) is None
    assert hour_ranges([21, 22, 23, 0, 1]) == "21:00-02:00"
    assert hour_ranges([3, 7]) == "03:00-04:00, 07:00-08:00"
