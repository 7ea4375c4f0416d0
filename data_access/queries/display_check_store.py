"""Stored results of the standing display check, so that a page can show the latest check at
once instead of re-running it (the check runs every place's query over all records: about 30 s on
the city database).

The check is run and stored city-wide by `python -m data_access display-check` (a nightly job;
it exits 1 when any place shows or counts a record it may not), at the end of a seed build, and
from the repair page on request. A stored result says when it was checked; the page says so.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert, select

from data_access.clock import city_now
from data_access.queries.display_check import CHECK_COLUMNS, display_check
from data_access.schema.models import DisplayCheckRun

RECENT_DAYS = 7  # an earlier check is shown (with its date) for at most this many days


def run_and_store(
    engine: Engine, as_of: dt.date, now: dt.datetime | None = None
) -> tuple[dt.datetime, pd.DataFrame]:
    """Run the city-wide check for the date and store it; returns (checked_at, results)."""
    DisplayCheckRun.__table__.create(engine, checkfirst=True)
    frame = display_check(engine, as_of)
    checked_at = now or city_now()
    with engine.begin() as conn:
        conn.execute(
            insert(DisplayCheckRun),
            {"as_of": as_of, "checked_at": checked_at,
             "results": json.dumps(frame.to_dict(orient="records"), ensure_ascii=False)},
        )  # fmt: skip
    return checked_at, frame


def latest_stored(engine: Engine, as_of: dt.date) -> tuple[dt.datetime, pd.DataFrame] | None:
    """The newest stored city-wide check for the date, or None."""
    found = _newest(engine, DisplayCheckRun.as_of == as_of)
    return None if found is None else (found[0], found[2])


def latest_recent(
    engine: Engine, as_of: dt.date, days: int = RECENT_DAYS
) -> tuple[dt.datetime, dt.date, pd.DataFrame] | None:
    """The newest stored check of the date, else of the `days` days before it: (checked_at, the
    date it checked, results), or None. An earlier day's is what a page shows at once when the
    nightly job has not yet run for the date (saying which day it is), rather than running the
    whole check for every viewer."""
    return _newest(
        engine,
        DisplayCheckRun.as_of <= as_of,
        DisplayCheckRun.as_of >= as_of - dt.timedelta(days=days),
    )


def _newest(engine: Engine, *conditions: Any) -> tuple[dt.datetime, dt.date, pd.DataFrame] | None:
    stmt = (
        select(DisplayCheckRun.checked_at, DisplayCheckRun.as_of, DisplayCheckRun.results)
        .where(*conditions)
        .order_by(
            DisplayCheckRun.as_of.desc(),
            DisplayCheckRun.checked_at.desc(),
            DisplayCheckRun.run_id.desc(),
        )
        .limit(1)
    )
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, DisplayCheckRun.__tablename__):
            return None
        row = conn.execute(stmt).first()
    if row is None:
        return None
    frame = pd.DataFrame(json.loads(row.results), columns=CHECK_COLUMNS)
    return row.checked_at, row.as_of, frame


def failing(frame: pd.DataFrame) -> pd.DataFrame:
    """The places that show or count a record they may not (the figure that must be zero)."""
    return frame[(frame["kind"] == "shows") & (frame["records"] > 0)]
