"""Suspended operators in the detector's alerts (pure functions over small frames).

An operator whose access was suspended by a confirmed privacy case (operator.access_status)
should make no lookup at all: a lookup at or after the suspension is strong evidence by itself
(SUSPENDED_EVIDENCE, above the detector's FIRE threshold), so every week window holding one
raises an alert even when no statistical signal fires, with that reason first. Every other alert
of a suspended operator whose window ends after the suspension notes it in its reasons (zh and
en), so the privacy officer reads it with the case number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import polars as pl

from scoring.anomaly import Alert

SUSPENDED_EVIDENCE = 12.0  # the score a lookup after a suspension gives by itself
SIGNAL = "suspended"


def suspension_note(since: dt.datetime, case_id: int | None) -> tuple[str, str]:
    """(zh, en): the operator's access is suspended since `since` by case `case_id`."""
    ref_zh = f"（隐私案件 #{case_id}）" if case_id is not None else ""
    ref_en = f" (privacy case #{case_id})" if case_id is not None else ""
    return (
        f"该人员的查询权限已于 {since:%Y-%m-%d %H:%M} 暂停{ref_zh}",
        f"The operator's access has been suspended since {since:%Y-%m-%d %H:%M}{ref_en}",
    )


def after_reason(n: int, since: dt.datetime, case_id: int | None) -> tuple[str, str]:
    """(zh, en): n lookups made after the suspension."""
    ref_zh = f"（隐私案件 #{case_id}）" if case_id is not None else ""
    ref_en = f" (privacy case #{case_id})" if case_id is not None else ""
    return (
        f"查询权限于 {since:%Y-%m-%d %H:%M} 暂停{ref_zh}后仍查询 {n} 次：暂停期间不应有任何查询",
        f"{n} lookups after the operator's access was suspended on {since:%Y-%m-%d %H:%M}"
        f"{ref_en}: a suspended operator should make none",
    )


def note_suspensions(
    alerts: list[Alert],
    suspended: pl.DataFrame,
    after: Iterable[tuple[dt.datetime, dt.datetime, pl.DataFrame]],
) -> list[Alert]:
    """The alerts with the suspensions applied. `suspended`: op, since, case_id (operators
    suspended now); `after`: per scored week window (start, end, frame of op, n: lookups at or
    after the suspension). Returns the alerts (new ones added) most suspicious first."""
    if suspended.is_empty():
        return alerts
    facts = {r["op"]: (r["since"], r["case_id"]) for r in suspended.to_dicts()}
    by_key = {(a.operator_id, a.window_start, a.window_end): a for a in alerts}
    for start, end, frame in after:
        for row in frame.to_dicts():
            op, n = row["op"], int(row["n"])
            if op not in facts or n <= 0:
                continue
            since, case_id = facts[op]
            zh, en = after_reason(n, since, case_id)
            key = (op, start, end)
            found = by_key.get(key)
            if found is None:
                found = Alert(op, start, end, SUSPENDED_EVIDENCE, [], [], [], horizon="week",
                              lookups=n)  # fmt: skip
                by_key[key] = found
            found.reasons_zh.insert(0, zh)
            found.reasons_en.insert(0, en)
            found.signals.insert(0, SIGNAL)
            found.score = round(max(found.score, SUSPENDED_EVIDENCE), 2)
    for alert in by_key.values():
        if alert.operator_id not in facts or SIGNAL in alert.signals:
            continue
        since, case_id = facts[alert.operator_id]
        if alert.window_end > since:
            zh, en = suspension_note(since, case_id)
            alert.reasons_zh.append(zh)
            alert.reasons_en.append(en)
    return sorted(by_key.values(), key=lambda a: (-a.score, a.operator_id, a.window_start))
