"""`python -m scoring anomalies --from DATE --to DATE [--out FILE.csv]`: detect, store, export.

Exit codes (contracts.md): 0 done, 1 bad data or an unusable database, 2 bad usage; one line on
stderr for every error, never a traceback; progress on stderr.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
import time
from pathlib import Path

from data_access.text import neutralise
from scoring.anomaly_store import REASON_SEPARATOR_EN, REASON_SEPARATOR_ZH, joined_reasons

PROG = "python -m scoring anomalies"
CSV_COLUMNS = ("operator_id", "window_start", "window_end", "score", "reasons", "reasons_zh",
               "horizon", "lookups")  # fmt: skip


def _say(message: str) -> None:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)


def _date(text: str, flag: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"{flag} must be a date YYYY-MM-DD, got {text!r}") from None


def write_csv(path: Path, alerts) -> None:
    """One row per alert; reasons in English (reasons_zh: the same in Chinese); horizon: week (one
    operator-week against the operator's other weeks) or range (evidence accumulated over the
    scored range; the window is then the episode: the days of its first and last lookup);
    lookups: how many lookups make the strongest signal of a range alert."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(CSV_COLUMNS)
        for a in alerts:  # operator ids come from imported files: never let one run a formula
            row = [a.operator_id, a.window_start.isoformat(), a.window_end.isoformat(),
                   f"{a.score:.2f}", joined_reasons(a.reasons_en, REASON_SEPARATOR_EN),
                   joined_reasons(a.reasons_zh, REASON_SEPARATOR_ZH),
                   a.horizon, a.lookups or ""]  # fmt: skip
            out.writerow([neutralise(v) for v in row])


def lookups_between(engine, start: dt.date, end: dt.date) -> int:
    """Lookups in the query log between the dates (inclusive), counted in SQL."""
    from sqlalchemy import func, select

    from data_access.schema.models import QueryLog

    lo = dt.datetime.combine(start, dt.time())
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    with engine.connect() as conn:
        stmt = select(func.count()).where(QueryLog.queried_at >= lo, QueryLog.queried_at < hi)
        return int(conn.scalar(stmt) or 0)


def run(db: str | None, date_from: str, date_to: str, out: str | None) -> int:
    try:
        start, end = _date(date_from, "--from"), _date(date_to, "--to")
    except ValueError as exc:
        _say(f"error: {exc}")
        return 2
    if end < start:
        _say(f"error: --to {end} is before --from {start}")
        return 2
    out_path = Path(out) if out else None
    if out_path is not None and not out_path.parent.exists():
        _say(f"error: the folder of --out does not exist: {out_path.parent}")
        return 2
    from sqlalchemy import inspect

    from data_access.engine import get_engine
    from scoring.anomaly import detect
    from scoring.anomaly_store import store_alerts

    started = time.perf_counter()
    try:
        engine = get_engine(db)
        missing = {"operator", "query_log", "person", "purpose", "alert"} - set(
            inspect(engine).get_table_names()
        )
        if missing:
            _say(f"error: the database has no {', '.join(sorted(missing))} table: run "
                 "`python -m data_access init` and import the query log first")  # fmt: skip
            return 1
        alerts = detect(engine, start, end, progress=_say)
        stored = store_alerts(engine, alerts, start, end, lookups=lookups_between(engine, start, end),
                              seconds=time.perf_counter() - started)  # fmt: skip
        if out_path is not None:
            write_csv(out_path, alerts)
    except KeyboardInterrupt:
        _say("interrupted; alerts of this run were not stored")
        return 1
    except OSError as exc:
        _say(f"error: cannot write {out_path}: {exc.strerror or exc}")
        return 1
    except Exception as exc:  # unreachable database, broken data ...: one line, no traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        _say(f"error: {type(exc).__name__}: {first}")
        return 1
    _say(
        f"{len(alerts)} alerts for {start} to {end} in {time.perf_counter() - started:.1f} s "
        f"({stored.inserted} new, {stored.updated} updated, {stored.kept_triaged} already "
        f"triaged and kept, {stored.removed} no longer raised and removed)"
    )
    return 0
