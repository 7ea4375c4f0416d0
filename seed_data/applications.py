"""Objections and credit-repair applications on negative records, with their handling times.

Received 0-2 working days after filing; decided within 3 working days of receipt in about 88 % of
cases (the rest late); the applicant answered within 10 working days of receipt mostly.
Every repaired record has an upheld repair application, every record under objection a pending
objection, every revoked record an upheld objection; further rejected, withdrawn and pending
applications concern records that stay active.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from data_access.queries.display_period import LEGAL_DISPLAY_MONTHS
from data_access.schema.models import RECORD_STATUSES, SEVERITIES
from seed_data.calendar_cn import busday_offset
from seed_data.common import add_months, day_number, stage_rng
from seed_data.records import Records

ON_TIME_DECISION = 0.88
REJECTED_REPAIR_SHARE = 0.03  # of active repairable records
WITHDRAWN_SHARE = 0.005
PENDING_REPAIR_SHARE = 0.004
REJECTED_OBJECTION_SHARE = 0.01


@dataclass
class Applications:
    record: np.ndarray  # record index
    kind: np.ndarray  # str: objection | repair
    filed: np.ndarray  # day numbers
    received: np.ndarray  # -1 = NULL
    decided: np.ndarray
    answered: np.ndarray
    outcome: np.ndarray  # str


def _bd(days: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    return busday_offset(days.astype("M8[D]"), offsets).astype("int64")


def _handled(rng, record, kind, filed, outcome, as_of_day) -> dict:
    """Receipt, decision and answer dates for decided applications; filed is moved earlier when
    the handling would end after the as-of date."""
    n = len(record)
    recv_lag = rng.choice([0, 1, 2], size=n, p=[0.55, 0.35, 0.10])
    on_time = rng.random(n) < ON_TIME_DECISION
    dec_lag = np.where(on_time, rng.integers(1, 4, size=n), rng.integers(4, 10, size=n))
    ans_lag = dec_lag + np.where(
        rng.random(n) < 0.92, rng.integers(1, 6, size=n), rng.integers(6, 12, size=n)
    )
    ans_lag = np.where(ans_lag > 10, np.where(rng.random(n) < 0.5, 10, ans_lag), ans_lag)
    filed = filed.copy()
    for _ in range(3):
        received = _bd(filed, recv_lag)
        decided = _bd(received, dec_lag)
        answered = _bd(received, ans_lag)
        late = answered >= as_of_day
        if not late.any():
            break
        filed[late] -= 25
    return {
        "record": record,
        "kind": np.full(n, kind),
        "filed": filed,
        "received": received,
        "decided": decided,
        "answered": answered,
        "outcome": np.full(n, outcome) if isinstance(outcome, str) else outcome,
    }


def _pending(rng, record, kind, filed, as_of_day) -> dict:
    n = len(record)
    received = _bd(filed, rng.choice([0, 1, 2], size=n, p=[0.55, 0.35, 0.10]))
    received = np.where(received >= as_of_day, -1, received)
    minus = np.full(n, -1, dtype=np.int64)
    return {
        "record": record,
        "kind": np.full(n, kind),
        "filed": filed,
        "received": received,
        "decided": minus,
        "answered": minus.copy(),
        "outcome": np.full(n, "pending"),
    }


def generate_applications(seed: int, rec: Records, as_of: dt.date) -> Applications:
    rng = stage_rng(seed, "applications")
    as_of_day = day_number(as_of)
    status = rec.status
    sev = rec.severity.clip(0)
    lo_m = np.array([LEGAL_DISPLAY_MONTHS[s][0] for s in SEVERITIES])[sev]
    minimum = np.maximum(add_months(rec.decision, lo_m), rec.decision + 1)
    neg = rec.negative()

    def between(idx, lo, hi):
        hi = np.maximum(hi, lo + 1)
        return lo + np.floor(rng.random(len(idx)) * (hi - lo)).astype(np.int64)

    parts = []
    rep = np.flatnonzero(status == RECORD_STATUSES.index("repaired"))
    end = np.minimum(rec.display_until[rep], as_of_day) - 14
    parts.append(_handled(rng, rep, "repair", between(rep, minimum[rep], end), "upheld", as_of_day))
    rev = np.flatnonzero(status == RECORD_STATUSES.index("revoked"))
    rev = rev[neg[rev]]
    f = between(rev, rec.decision[rev] + 3, np.minimum(rec.decision[rev] + 60, as_of_day - 20))
    parts.append(_handled(rng, rev, "objection", f, "upheld", as_of_day))
    obj = np.flatnonzero(status == RECORD_STATUSES.index("objection"))
    f = np.maximum(as_of_day - rng.integers(1, 15, size=len(obj)), rec.decision[obj] + 1)
    parts.append(_pending(rng, obj, "objection", np.minimum(f, as_of_day - 1), as_of_day))

    active = np.flatnonzero(neg & (status == 0))
    eligible = active[minimum[active] + 20 < np.minimum(rec.display_until[active], as_of_day)]
    pick = rng.permutation(eligible)
    k1 = round(REJECTED_REPAIR_SHARE * len(eligible))
    k2 = k1 + max(1, round(WITHDRAWN_SHARE * len(eligible)))
    k3 = k2 + max(1, round(PENDING_REPAIR_SHARE * len(eligible)))
    rej, wd = pick[:k1], pick[k1:k2]
    end = np.minimum(rec.display_until[rej], as_of_day) - 14
    parts.append(
        _handled(rng, rej, "repair", between(rej, minimum[rej], end), "rejected", as_of_day)
    )
    end = np.minimum(rec.display_until[wd], as_of_day) - 14
    parts.append(_handled(rng, wd, "repair", between(wd, minimum[wd], end), "withdrawn", as_of_day))
    pend = pick[k2:k3]
    pend = pend[rec.display_until[pend] > as_of_day]
    parts.append(
        _pending(rng, pend, "repair", as_of_day - rng.integers(1, 8, size=len(pend)), as_of_day)
    )
    rest = rng.permutation(np.setdiff1d(active, pick[:k3]))
    rej_obj = rest[: round(REJECTED_OBJECTION_SHARE * len(active))]
    rej_obj = rej_obj[rec.decision[rej_obj] < as_of_day - 40]
    f = between(rej_obj, rec.decision[rej_obj] + 3, rec.decision[rej_obj] + 40)
    parts.append(_handled(rng, rej_obj, "objection", f, "rejected", as_of_day))

    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    order = np.lexsort((cols["record"], cols["filed"]))
    return Applications(**{k: v[order] for k, v in cols.items()})
