"""Stored look-back weeks of the anomaly detector (table anomaly_week).

Every run of `python -m scoring anomalies` judges its range against the eight ISO weeks before
it. On the city those weeks are about three million lookups: reading them again for every daily
run took two minutes. A week that has ended changes only when lookups dated in it are imported,
or when persons or operators are (their village, surname, department and watch-list flag decide
what a lookup means), so the detector stores what it read of each complete week and reads it
back next time.

Who keeps them right: the importer forgets the weeks of the months its lookups fall in, in the
transaction that writes them (`forget_months`); a stored week computed before the newest import
of persons or operators, or by another detector version, is not used; the seed build forgets
them all.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterable

import polars as pl
from sqlalchemy import Connection, Engine, delete, func, insert, select
from sqlalchemy.exc import DBAPIError

from data_access.clock import city_now
from data_access.schema import models as m
from data_access.schema.rollup_models import AnomalyWeek

SOURCE_KINDS = ("persons", "operators")
T = AnomalyWeek.__table__
_LOG = logging.getLogger(__name__)


def ensure_table(engine: Engine) -> None:
    """Create the table on a database built before it existed."""
    T.create(engine, checkfirst=True)


def generation(conn: Connection) -> int:
    """The newest import of the kinds a stored week depends on (0: none)."""
    stmt = select(func.coalesce(func.max(m.ImportRun.run_id), 0)).where(
        m.ImportRun.kind.in_(SOURCE_KINDS)
    )
    return int(conn.execute(stmt).scalar_one())


def load_week(
    conn: Connection, week_start: dt.date, version: str, import_generation: int
) -> dict[str, pl.DataFrame] | None:
    """The stored parts of the week, or None when it is not stored or stale."""
    if not conn.dialect.has_table(conn, T.name):
        return None
    rows = conn.execute(
        select(T.c.part, T.c.payload).where(
            T.c.week_start == week_start,
            T.c.version == version,
            T.c.import_generation == import_generation,
        )
    ).all()
    if not rows:
        return None
    return {part: pl.read_ipc(io.BytesIO(payload)) for part, payload in rows}


def store_weeks(
    engine: Engine,
    weeks: dict[dt.date, dict[str, pl.DataFrame]],
    version: str,
    import_generation: int,
) -> bool:
    """Store complete weeks (replacing what was stored for them), in one transaction. A run
    beside it that stores the same weeks first wins; this one's are then dropped (False): the
    store only saves work, it never fails a run."""
    if not weeks:
        return True
    ensure_table(engine)
    now = city_now()
    rows = []
    for week_start, parts in weeks.items():
        for part, frame in parts.items():
            buf = io.BytesIO()
            frame.write_ipc(buf)
            rows.append({"week_start": week_start, "part": part, "version": version,
                         "import_generation": import_generation, "payload": buf.getvalue(),
                         "computed_at": now})  # fmt: skip
    try:
        with engine.begin() as conn:
            conn.execute(delete(T).where(T.c.week_start.in_(list(weeks))))
            conn.execute(insert(T), rows)
    except DBAPIError as exc:  # a concurrent run stored them (unique key), or a locked file
        _LOG.warning("look-back weeks not stored: %s", str(exc).splitlines()[0])
        return False
    return True


def forget_months(conn: Connection, months: Iterable[dt.date]) -> None:
    """Forget the stored weeks that overlap these months (in the caller's transaction):
    lookups dated in them were just written."""
    months = sorted({d.replace(day=1) for d in months})
    if not months or not conn.dialect.has_table(conn, T.name):
        return
    for month in months:
        following = (month + dt.timedelta(days=32)).replace(day=1)
        conn.execute(delete(T).where(T.c.week_start > month - dt.timedelta(days=7),
                                     T.c.week_start < following))  # fmt: skip


def forget_all(engine: Engine) -> None:
    """Forget every stored week: for writers that bypass the importer (the seed build)."""
    ensure_table(engine)
    with engine.begin() as conn:
        conn.execute(delete(T))
