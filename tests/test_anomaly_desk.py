"""Someone else's desk for a stretch (anomaly_desk): a run of active days only on a terminal of
no other day, the usual ones resting; the per-day terminal query on both engines."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

from scoring.anomaly_desk import desk_evidence, desk_stretches
from scoring.anomaly_reasons import _desk_reason

D0 = dt.date(2026, 4, 1)


def _days(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"op": pl.String, "date": pl.Date, "terminal": pl.String,
                                      "n": pl.Int64}, orient="row")  # fmt: skip


def _world() -> pl.DataFrame:
    rows = []
    for i in range(30):
        d = D0 + dt.timedelta(days=i)
        # borrowed: five days in the middle only from a colleague's PC
        rows.append(("borrowed", d, "PC-colleague" if 10 <= i < 15 else "PC-own", 3))
        # a window clerk who sits at another window now and then, between their own days
        rows.append(("rotating", d, "WIN-2" if i % 6 == 3 else "WIN-1", 4))
        # two days at a neighbour's desk
        rows.append(("visit", d, "PC-next" if i in (8, 9) else "PC-mine", 2))
        # moved to a new desk for good: no day of their own after it
        rows.append(("moved", d, "PC-new" if i >= 20 else "PC-old", 5))
    rows.append(("rotating", D0 + dt.timedelta(days=3), "WIN-1", 1))  # and their own that day
    return _days(rows)


def test_a_stretch_on_a_terminal_of_no_other_day_is_someone_elses_desk():
    s = {r["op"]: r for r in desk_stretches(_world()).to_dicts()}
    b = s["borrowed"]
    assert b["terminal"] == "PC-colleague" and b["d_days"] == 5 and b["d_other"] == 25
    assert b["d_first"] == D0 + dt.timedelta(days=10) and b["d_n"] == 15
    assert math.isclose(b["desk_ev"], 5 * math.log10(27) - math.log10(30))
    assert s["visit"]["desk_ev"] < 2.0  # two days at a neighbour's desk: common
    assert "moved" not in s  # no day of their own after it: a new desk, not a borrowed one
    # a second window used on single days between their own: each a stretch of one day at most
    assert s.get("rotating", {"desk_ev": 0.0})["desk_ev"] < 0.5


def test_the_reason_leads_with_the_stretch_in_both_languages():
    f = pl.DataFrame({"op": ["borrowed", "nobody"]})
    ev, info = desk_evidence(f, _world())
    assert ev[0] > 4.0 and ev[1] == 0.0
    zh, en = _desk_reason(info.row(0, named=True))
    assert en.startswith("5 active days from 2026-04-11 to 2026-04-15 only from terminal")
    assert "'PC-colleague' (15 lookups)" in en and "other 25 active days" in en
    assert zh.startswith("2026-04-11 至 2026-04-15 的 5 个查询日只在终端“PC-colleague”上查询")
    assert "；" not in zh and "; " not in en
    assert desk_evidence(f, None)[0].tolist() == [0.0, 0.0]


def test_terminal_days_are_counted_in_the_database(engine):
    from anomaly_world import FIRST_DAY, LAST_DAY, build_world
    from sqlalchemy import insert, select

    from data_access.schema import models as m
    from scoring.anomaly_source import terminal_days

    build_world(engine)
    with engine.connect() as conn:
        subject = conn.scalar(select(m.Person.id_number).limit(1))
    at = [dt.datetime.combine(FIRST_DAY, dt.time(9, k)) for k in range(3)]
    at.append(dt.datetime.combine(FIRST_DAY + dt.timedelta(days=1), dt.time(23, 59)))
    terms = ["T-1", "T-1", "T-2", "T-1"]
    rows = [{"query_id": f"D{k:06d}", "queried_at": t, "operator_id": "govservice0001",
             "subject_id_number": subject, "purpose_code": "LICENSING",
             "authorization_ref": None, "channel": "WEB", "terminal_id": term, "flags": ""}
            for k, (t, term) in enumerate(zip(at, terms, strict=True))]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.QueryLog), rows)
    lo = dt.datetime.combine(FIRST_DAY, dt.time())
    hi = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time())
    with engine.connect() as conn:
        frame = terminal_days(conn, lo, hi).sort("date", "terminal")
    assert frame.schema["date"] == pl.Date
    assert frame.rows() == [
        ("govservice0001", FIRST_DAY, "T-1", 2),
        ("govservice0001", FIRST_DAY, "T-2", 1),
        ("govservice0001", FIRST_DAY + dt.timedelta(days=1), "T-1", 1),
    ]
