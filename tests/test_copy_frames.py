"""The detector's reads through COPY (data_access.copy_frames) give the frames the rows gave.

On PostgreSQL the detector's source queries come back through COPY ... TO STDOUT as CSV parsed by
polars; elsewhere (and before) row by row through the driver. In the hand-built world (both
engines), with a person whose name holds a comma, quotes and a line break and who has no
residence code, a watch-list person, a subject not in the registry and lookups at whole and
fractional seconds: the persons' attributes, once per span (persons_looked_up), joined to the
operator-and-person rows give the known values, and on PostgreSQL every source frame read
through COPY equals the one read row by row.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from anomaly_world import FIRST_DAY, LAST_DAY, world_persons
from polars.testing import assert_frame_equal
from sqlalchemy import func, insert, select, update

from data_access.schema import models as m
from scoring import anomaly_source as source

LO = dt.datetime.combine(FIRST_DAY, dt.time())
HI = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time())
ODD_NAME = 'Li, "Wei"\nJr'
STRANGER = "110101199001011237"  # a valid ID number of nobody in the registry
DAY = dt.datetime(2026, 11, 18, 9, 30)
CLERK = "copy0001"


def _world(engine) -> tuple[str, str]:
    odd, watched, other = world_persons(engine, 3)
    rows = [
        (odd, DAY, "LICENSING", "REF-1"),
        (odd, DAY + dt.timedelta(seconds=1, microseconds=250000), "LICENSING", "REF-1"),
        (odd, DAY + dt.timedelta(days=1), None, None),
        (watched, DAY + dt.timedelta(minutes=5), "LICENSING", ""),
        (STRANGER, DAY + dt.timedelta(minutes=6, microseconds=7), None, None),
        (other, DAY + dt.timedelta(days=2), "LICENSING", "REF-1"),  # the reference carried over
    ]
    with engine.begin() as conn:
        conn.execute(insert(m.Operator).values(
            operator_id=CLERK, name="Copy Clerk", department_code="GOVSERVICE", role="window",
            county_code="411602"))  # fmt: skip
        conn.execute(update(m.Person).where(m.Person.id_number == odd)
                     .values(name=ODD_NAME, residence_code=None))  # fmt: skip
        conn.execute(update(m.Person).where(m.Person.id_number == watched).values(sensitive=True))
        conn.execute(insert(m.QueryLog), [
            {"query_id": f"CF{i}", "operator_id": CLERK, "queried_at": at,
             "subject_id_number": subject, "purpose_code": purpose, "authorization_ref": ref,
             "channel": "WEB", "terminal_id": "T-1", "flags": ""}
            for i, (subject, at, purpose, ref) in enumerate(rows)
        ])  # fmt: skip
    return odd, watched


def test_the_persons_are_read_once_and_joined_to_their_lookups(engine):
    odd, watched = _world(engine)
    with engine.connect() as conn:
        persons = source.persons_looked_up(conn, LO, HI)
        subj = source.with_persons(source.subjects(conn, LO, HI), persons)
    assert persons["subject"].is_unique().all() and STRANGER not in persons["subject"].to_list()
    mine = {r["subject"]: r for r in subj.filter(pl.col("op") == CLERK).to_dicts()}
    o = mine[odd]
    assert (o["s_name"], o["s_res"], o["s_sensitive"]) == (ODD_NAME, None, False)
    assert (o["n"], o["unauth"], o["days"], o["n_ref"]) == (3, 1, 2, 2)
    assert o["first"] == DAY and o["last"] == DAY + dt.timedelta(days=1)
    assert mine[watched]["s_sensitive"] is True
    s = mine[STRANGER]
    assert s["s_county"] is None and s["s_name"] is None and s["unauth"] == 1
    assert s["first"] == DAY + dt.timedelta(minutes=6, microseconds=7)


READS = ["subjects", "hourly", "references", "purposes", "terminals", "batch_lookups",
         "borrowed_persons", "terminal_days", "rapid_unauthorised", "persons_looked_up",
         "after_suspension", "operators"]  # fmt: skip


def _read(conn, read: str) -> pl.DataFrame:
    if read == "operators":  # in the order the detector numbers them
        return source.operators(conn)
    return getattr(source, read)(conn, LO, HI)


@pytest.mark.parametrize("read", READS)
def test_copy_gives_the_frame_the_rows_give(engine, read, monkeypatch):
    _world(engine)
    with engine.connect() as conn:
        copied = source.copy_rows(conn, select(m.QueryLog.query_id), ["query_id"])
        if engine.dialect.name != "postgresql":
            assert copied is None  # no COPY: the rows are read as before
            return
        assert copied is not None and copied.height == conn.scalar(
            select(func.count()).select_from(m.QueryLog)
        )
        through_copy = _read(conn, read)
        monkeypatch.setattr(source, "copy_rows", lambda *_a: None)
        by_rows = _read(conn, read)
    if read == "after_suspension":  # nobody is suspended in the world
        assert through_copy.is_empty() and by_rows.is_empty()
        assert through_copy.schema == by_rows.schema
        return
    assert through_copy.height > 0
    if read == "operators":
        assert_frame_equal(through_copy, by_rows)
        return
    keys = through_copy.columns
    assert_frame_equal(through_copy.sort(keys), by_rows.sort(keys))
