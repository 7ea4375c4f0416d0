"""The detector's stored look-back weeks (both engines): read back to the same alerts, forgotten
when lookups of their months or new persons are imported."""

from __future__ import annotations

import datetime as dt

from anomaly_world import FIRST_DAY, LAST_DAY, build_world
from sqlalchemy import func, select

from data_access.imports.importer import import_file
from data_access.queries import anomaly_week_store as store
from data_access.schema.rollup_models import AnomalyWeek
from scoring.anomaly import DETECTOR_VERSION, detect

DAY = dt.date(2026, 11, 17)  # the Tuesday of the final week (the harvest): a daily run


def _stored_weeks(engine) -> list[dt.date]:
    with engine.connect() as conn:
        rows = conn.execute(select(AnomalyWeek.week_start).distinct()).scalars().all()
    return sorted(r if isinstance(r, dt.date) else dt.date.fromisoformat(str(r)) for r in rows)


def _keys(alerts):
    return [(a.operator_id, a.window_start, a.window_end, a.score, a.reasons_en) for a in alerts]


def test_stored_weeks_give_the_same_alerts_and_are_forgotten_on_import(engine, tmp_path):
    build_world(engine)
    first = detect(engine, DAY, DAY)
    # the whole weeks before the day's week are stored (three of the eight hold lookups)
    assert _stored_weeks(engine) == [dt.date(2026, 10, 26), dt.date(2026, 11, 2),
                                     dt.date(2026, 11, 9)]  # fmt: skip
    with engine.connect() as conn:
        parts = conn.execute(select(AnomalyWeek.part, AnomalyWeek.version)).all()
    assert {p for p, _ in parts} == {"features", "daily", "purposes", "terminals"}
    assert {v for _, v in parts} == {DETECTOR_VERSION}
    again = detect(engine, DAY, DAY)  # read back from the store
    assert _keys(again) == _keys(first) and any(a.operator_id == "psb0002" for a in again)
    # a quarter-long run reads the same stored weeks and gives what it gave before them
    whole = detect(engine, FIRST_DAY, LAST_DAY)
    store.forget_all(engine)
    assert _stored_weeks(engine) == []
    assert _keys(detect(engine, FIRST_DAY, LAST_DAY)) == _keys(whole)

    # a lookup dated in November imported: the weeks overlapping November are forgotten (all
    # three: the week of 26 October ends on Sunday 1 November)
    detect(engine, DAY, DAY)
    log = tmp_path / "late.csv"
    log.write_text(
        "query_id,queried_at,operator_id,subject_id_number,purpose_code,authorization_ref,"
        "channel,terminal_id\n"
        "LATE-1,2026-11-03T10:00:00,psb0001,110101199003077571,PUBLIC_FUNDS,CZ1,WEB,T1\n",
        encoding="utf-8",
    )
    result = import_file(engine, "query-log", log)
    assert result.ok, result.problems
    assert _stored_weeks(engine) == []
    with engine.begin() as conn:  # an October lookup forgets October's weeks alone
        store.forget_months(conn, [dt.date(2026, 10, 1)])
    # an import of persons makes every stored week stale (villages, names, the watch list)
    detect(engine, DAY, DAY)
    with engine.connect() as conn:
        before = store.generation(conn)
    persons = tmp_path / "persons.csv"
    persons.write_text(
        "id_number,name,gender,birth_date,county_code,residence_code,sensitive\n"
        "110101199003077571,新来者,M,1990-03-07,411602,411602001001,0\n",
        encoding="utf-8",
    )
    assert import_file(engine, "persons", persons).ok
    with engine.connect() as conn:
        after = store.generation(conn)
        assert after > before
        assert store.load_week(conn, dt.date(2026, 11, 9), DETECTOR_VERSION, after) is None
        stale = conn.scalar(select(func.count()).select_from(AnomalyWeek))
    assert stale  # still there, never read: the next run replaces them
    detect(engine, DAY, DAY)
    with engine.connect() as conn:
        assert store.load_week(conn, dt.date(2026, 11, 9), DETECTOR_VERSION, after) is not None
