"""Storing alerts idempotently per operator and window.

Re-running replaces the score and reasons of open alerts; alerts a privacy officer has triaged
(confirmed, dismissed, escalated) and their alert_event history are never touched. Open alerts of
the scored range that the detector no longer raises, and that have no history, are removed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, and_, bindparam, delete, insert, select, update

from data_access.clock import city_now
from data_access.schema import models as m
from scoring.anomaly import DETECTOR_VERSION, Alert

A = m.Alert.__table__
E = m.AlertEvent.__table__
R = m.AnomalyRun.__table__
REASON_SEPARATOR_ZH = "；"
REASON_SEPARATOR_EN = "; "


def joined_reasons(reasons: list[str], separator: str) -> str:
    """The reasons as stored: joined by the separator the page splits them on, a separator inside
    one reason made a comma (a reason is never shown in two pieces)."""
    inner = "，" if separator == REASON_SEPARATOR_ZH else ", "
    return separator.join(r.replace(separator, inner) for r in reasons)


@dataclass
class StoreResult:
    inserted: int = 0
    updated: int = 0
    kept_triaged: int = 0
    removed: int = 0


def store_alerts(
    engine: Engine,
    alerts: list[Alert],
    date_from: dt.date,
    date_to: dt.date,
    lookups: int = 0,
    seconds: float = 0.0,
) -> StoreResult:
    """Write the alerts of one run over [date_from, date_to] and the run itself (anomaly_run) in
    one transaction."""
    m.Base.metadata.create_all(engine, tables=[R])  # databases made before runs were recorded
    lo = dt.datetime.combine(date_from, dt.time())
    hi = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
    now = city_now()
    result = StoreResult()
    with engine.begin() as conn:
        existing = {
            (op, ws, we): (alert_id, status)
            for alert_id, op, ws, we, status in conn.execute(
                select(
                    A.c.alert_id, A.c.operator_id, A.c.window_start, A.c.window_end, A.c.status
                ).where(A.c.window_start >= lo, A.c.window_end <= hi)
            ).all()
        }
        new_rows, changed = [], []
        for a in alerts:
            values = {
                "score": a.score,
                "reasons_zh": joined_reasons(a.reasons_zh, REASON_SEPARATOR_ZH),
                "reasons_en": joined_reasons(a.reasons_en, REASON_SEPARATOR_EN),
                "detector_version": DETECTOR_VERSION,
            }
            key = (a.operator_id, a.window_start, a.window_end)
            if key not in existing:
                new_rows.append({"operator_id": a.operator_id, "window_start": a.window_start,
                                 "window_end": a.window_end, "status": "open",
                                 "created_at": now, **values})  # fmt: skip
            elif existing[key][1] == "open":
                changed.append({"id_": existing[key][0], **values})
            else:
                result.kept_triaged += 1
        if new_rows:
            conn.execute(insert(A), new_rows)
        if changed:
            conn.execute(
                update(A)
                .where(A.c.alert_id == bindparam("id_"))
                .values({k: bindparam(k) for k in changed[0] if k != "id_"}),
                changed,
            )
        raised = {(a.operator_id, a.window_start, a.window_end) for a in alerts}
        stale = [aid for key, (aid, st) in existing.items() if st == "open" and key not in raised]
        if stale:
            with_history = set(
                conn.execute(select(E.c.alert_id).where(E.c.alert_id.in_(stale))).scalars()
            )
            gone = [aid for aid in stale if aid not in with_history]
            if gone:
                conn.execute(delete(A).where(and_(A.c.alert_id.in_(gone), A.c.status == "open")))
            result.removed = len(gone)
        result.inserted, result.updated = len(new_rows), len(changed)
        conn.execute(insert(R), [{
            "ran_at": now, "date_from": date_from, "date_to": date_to, "lookups": lookups,
            "alerts": len(alerts), "operators_alerted": len({a.operator_id for a in alerts}),
            "seconds": round(seconds, 1), "detector_version": DETECTOR_VERSION,
        }])  # fmt: skip
    return result
