"""Someone else's authorisation is none of one's own (anomaly-2.23): persons of a relationship
(kin, neighbours, colleagues, the watch list) looked up under a reference the operator had used
for another person count in the relationship's unauthorised part; and the days a batch run looked
a person up are the list's, not a repeat of the operator's."""

from __future__ import annotations

import datetime as dt

import polars as pl
from anomaly_world import FIRST_DAY, LAST_DAY, build_world, world_range
from sqlalchemy import insert, select

from data_access.schema import models as m
from scoring.anomaly import _read, detect
from scoring.anomaly_batch import odd_batch_lookups, run_days
from scoring.anomaly_range import borrowed_relations

WATCHED = 4
DAYS_BY_HAND = 16


def test_borrowed_relations_counts_the_persons_under_a_borrowed_reference_only():
    pairs = pl.DataFrame(
        {
            "op": ["a", "a", "a", "a", "b"],
            "subject": ["s1", "s2", "s3", "s4", "s1"],
            "unauth": [0, 1, 0, 0, 0],
            "kin": [False, False, False, False, False],
            "nb": [False, False, True, False, False],
            "col": [False] * 5,
            "sens": [True, True, False, False, True],
        }
    )
    borrowed = pl.DataFrame(
        {
            "op": ["a", "a", "a", "a"],
            "subject": ["s1", "s2", "s3", "s4"],
            "ref": ["R1", "R1", "R2", "R3"],
        }  # fmt: skip
    )
    f = pl.DataFrame({"op": ["a", "b", "c"]})
    got = borrowed_relations(pairs, borrowed, f)
    # s2 was looked up without authorisation too: it counts there already, not twice
    assert got["sens"].tolist() == [1.0, 0.0, 0.0]
    assert got["nb"].tolist() == [1.0, 0.0, 0.0]
    assert got["kin"].tolist() == [0.0, 0.0, 0.0]
    assert got["persons"].tolist() == [4.0, 0.0, 0.0]


def _watched_lookups(engine, borrowed: bool) -> None:
    """The three window clerks look up the world's watch-list persons, one a week, each with a
    purpose and a reference of their own: the clerks' usual work. govservice0003's references
    are, where `borrowed`, ones it had used for another person on the range's first day."""
    with engine.connect() as conn:
        watched = conn.scalars(
            select(m.Person.id_number).where(m.Person.sensitive.is_(True)).order_by(
                m.Person.id_number)
        ).all()[:WATCHED]  # fmt: skip
        earlier = conn.scalars(
            select(m.QueryLog.authorization_ref)
            .where(m.QueryLog.operator_id == "govservice0003",
                   m.QueryLog.authorization_ref.is_not(None),
                   m.QueryLog.queried_at < dt.datetime.combine(FIRST_DAY, dt.time(23)))
            .order_by(m.QueryLog.queried_at)
            .limit(WATCHED)
        ).all()  # fmt: skip
    rows = []
    for c, clerk in enumerate(("govservice0001", "govservice0002", "govservice0003")):
        for j, person in enumerate(watched):
            at = dt.datetime.combine(FIRST_DAY, dt.time(10 + c)) + dt.timedelta(days=7 * j + 1)
            ref = f"XK{at:%Y%m%d}9{c}{j:02d}"
            if borrowed and clerk == "govservice0003":
                ref = earlier[j]
            rows.append({"query_id": f"W{c}{j:05d}", "queried_at": at, "operator_id": clerk,
                         "subject_id_number": person, "purpose_code": "LICENSING",
                         "authorization_ref": ref, "channel": "WEB", "terminal_id": None,
                         "flags": ""})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)


def _clerk_alerts(engine):
    return [a for a in detect(engine, FIRST_DAY, LAST_DAY) if a.operator_id == "govservice0003"]


def test_watch_list_persons_under_borrowed_references_raise_the_watch_list(engine):
    build_world(engine)
    _watched_lookups(engine, borrowed=True)
    alerts = [a for a in _clerk_alerts(engine) if a.horizon == "range"]
    assert alerts and "sensitive" in alerts[0].signals
    reason = next(r for r in alerts[0].reasons_en if "watch list" in r)
    assert f"{WATCHED} under a reference used for someone else before" in reason
    zh = next(r for r in alerts[0].reasons_zh if "隐私保护名单" in r)
    assert f"{WATCHED} 人以此前用于他人的授权编号查询" in zh


def test_the_same_persons_under_references_of_their_own_are_no_watch_list_alert(engine):
    build_world(engine)
    _watched_lookups(engine, borrowed=False)
    assert not any("sensitive" in a.signals for a in _clerk_alerts(engine))


def test_run_days_are_the_days_a_run_looked_the_person_up_among_its_own():
    at = dt.datetime(2026, 3, 2, 1)
    rows = []
    for night in range(3):  # a nightly list of 30 persons, one a minute, on three nights
        for j in range(30):
            rows.append(("batch", "LIST-1", at + dt.timedelta(days=10 * night, minutes=j),
                         "411602", "1980-01-01", "411602001001", f"P{j}"))  # fmt: skip
    schema = {"op": pl.String, "ref": pl.String, "at": pl.Datetime("us"), "s_county": pl.String,
              "s_birth": pl.String, "s_res": pl.String, "subject": pl.String}  # fmt: skip
    got = run_days(odd_batch_lookups(pl.DataFrame(rows, schema=schema, orient="row")))
    assert got.height == 30
    assert set(got["run_days"].to_list()) == {3}
    # without the subjects (an older frame) there is nothing to take off
    assert run_days(odd_batch_lookups(pl.DataFrame(rows, schema=schema, orient="row").drop(
        "subject"))).is_empty()  # fmt: skip


def test_a_list_checked_every_few_days_does_not_make_a_repeat_usual(engine):
    """hrss0002 checks the same 120 persons under a new reference on six mornings: each person
    is looked up on six days, by the list, not by choice. hrss0001 looks one person up by hand on
    sixteen days, each time under a new reference. The list is no repeat of the runner's, and its
    persons do not make the peers' sixteen days usual (before anomaly-2.23 they made its evidence
    weaker by a third)."""
    build_world(engine)
    with engine.connect() as conn:
        persons = conn.scalars(select(m.Person.id_number).limit(121)).all()
    rows = []
    for k in range(6):
        day = dt.datetime(2026, 10, 27, 9) + dt.timedelta(days=4 * k)
        for j, person in enumerate(persons[:120]):
            rows.append({"query_id": f"L{k}{j:05d}", "queried_at": day + dt.timedelta(seconds=20 * j),
                         "operator_id": "hrss0002", "subject_id_number": person,
                         "purpose_code": "EMPLOYMENT", "authorization_ref": f"PC-LIST-{k}",
                         "channel": "WEB", "terminal_id": None, "flags": ""})  # fmt: skip
    weekdays = [d for d in (FIRST_DAY + dt.timedelta(days=k) for k in range(28)) if d.weekday() < 5]
    for k, day in enumerate(weekdays[:DAYS_BY_HAND]):
        at = dt.datetime.combine(day, dt.time(15))
        rows.append({"query_id": f"R{k:05d}", "queried_at": at, "operator_id": "hrss0001",
                     "subject_id_number": persons[120], "purpose_code": "EMPLOYMENT",
                     "authorization_ref": f"ZP{at:%Y%m%d}8{k:03d}", "channel": "WEB",
                     "terminal_id": None, "flags": ""})  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    log = _read(engine, FIRST_DAY, LAST_DAY, lambda _m: None)
    assert log is not None

    def repeat(batch: pl.DataFrame) -> dict[str, tuple[float, float]]:
        r = world_range(engine, batch)
        ops = r.frame["op"].to_list()
        return {op: (float(r.frame["rep_days"][ops.index(op)]),
                     float(r.evidence["repeat"][ops.index(op)])) for op in ("hrss0001", "hrss0002")}  # fmt: skip

    now = repeat(log.batch)
    before = repeat(log.batch.drop("subject"))  # the runs' persons unknown: as before
    assert before["hrss0002"][0] >= 6 and now["hrss0002"][0] < 6  # the list's days taken off
    assert now["hrss0001"][0] == before["hrss0001"][0] == DAYS_BY_HAND
    assert now["hrss0001"][1] > before["hrss0001"][1] + 1.0
