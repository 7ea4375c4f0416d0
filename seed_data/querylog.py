"""The query log: every lookup by every operator, generated vectorised in operator chunks.

Volumes follow each role's daily rate, the working calendar (weekends, holidays, the Spring
Festival), leave (1-2 weeks, with catching up afterwards) and night shifts for duty officers.
HR and API operators run batch checks: hundreds of lookups under one authorisation reference.
Misuse rows (planned in seed_data.misuse) are mixed in before query ids are assigned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from seed_data import roles as R
from seed_data.calendar_cn import day_kinds
from seed_data.common import US_PER_DAY, day_number, stage_rng
from seed_data.operators import Operators
from seed_data.persons import Population, id_strings

ROWS_PER_CHUNK = 1_000_000
INVALID_ID_SHARE = 0.0002  # mistyped subject ID numbers (flagged invalid_id, never rejected)
UNKNOWN_SUBJECT_SHARE = 0.0002  # valid ID numbers of persons not in the database


@dataclass
class Calendar:
    days: np.ndarray  # day numbers
    kinds: np.ndarray  # 0 workday, 1 weekend, 2 holiday, 3 Spring Festival, 4 week after


@dataclass
class Schedule:
    calendar: Calendar
    lam: np.ndarray  # expected ordinary lookups, operators x days
    on_duty: np.ndarray  # bool, operators x days: at work (not on leave, a working day)


def make_calendar(as_of: dt.date, n_days: int) -> Calendar:
    last = as_of - dt.timedelta(days=1)
    days, kinds = day_kinds(as_of - dt.timedelta(days=n_days), last)
    return Calendar(days.astype("int64"), kinds)


def make_schedule(seed: int, ops: Operators, cal: Calendar) -> Schedule:
    rng = stage_rng(seed, "schedule")
    n_ops, n_days = ops.n, len(cal.days)
    lam = np.zeros((n_ops, n_days))
    on_duty = np.zeros((n_ops, n_days), dtype=bool)
    workday = np.isin(cal.kinds, (0, 4))
    work_idx = np.flatnonzero(workday)
    for i in range(n_ops):
        role = str(ops.role[i])
        rate = R.DAILY_RATE[role] * rng.lognormal(-(R.RATE_SPREAD**2) / 2, R.RATE_SPREAD)
        if role == "duty":
            shift = (np.arange(n_days) + int(rng.integers(0, 3))) % 3 == 0
            lam[i] = rate * shift * np.where(cal.kinds >= 2, 0.8, 1.0)
            on_duty[i] = shift
            continue
        weights = np.array(R.DAY_WEIGHT.get(role, R.DAY_WEIGHT["default"]))[cal.kinds]
        factor = np.ones(n_days)
        long_log = n_days >= 60
        if len(work_idx) > 10 and rng.random() < (0.85 if long_log else 0.15):
            length = int(rng.integers(5, 11)) if long_log else 5
            start = int(rng.integers(0, max(len(work_idx) - length, 1)))
            leave = work_idx[start : start + length]
            factor[leave[0] : leave[-1] + 1] = 0.0
            factor[work_idx[start + length : start + length + 5]] = 1.35
        lam[i] = rate * weights * factor
        on_duty[i] = workday & (factor > 0)
    return Schedule(cal, lam, on_duty)


def _subjects(rng, pop: Population, adults: list[np.ndarray], home: np.ndarray) -> np.ndarray:
    """Adult subjects: mostly from the operator's county (home -1 = city level: anywhere)."""
    n = len(home)
    w = np.array([len(a) for a in adults], dtype=float)
    anywhere = rng.choice(len(adults), size=n, p=w / w.sum())
    county = np.where((home >= 0) & (rng.random(n) < R.OWN_COUNTY_SHARE), home, anywhere)
    out = np.empty(n, dtype=np.int64)
    for c, pool in enumerate(adults):
        sel = county == c
        out[sel] = pool[np.floor(rng.random(int(sel.sum())) * len(pool)).astype(np.int64)]
    return out


def _ordinary(rng, pop, adults, ops: Operators, sched: Schedule, op_lo: int, op_hi: int) -> dict:
    counts = rng.poisson(sched.lam[op_lo:op_hi])
    op = np.repeat(np.arange(op_lo, op_hi), counts.sum(axis=1))
    day = np.repeat(np.tile(sched.calendar.days, op_hi - op_lo), counts.ravel())
    n = len(op)
    role = ops.role[op]
    sec = np.empty(n)
    purpose = np.empty(n, dtype=np.int16)
    channel = np.empty(n, dtype=np.int8)
    for r in R.ROLES:
        sel = np.flatnonzero(role == r)
        if not len(sel):
            continue
        shift = R.NIGHT_SHIFT if r == "duty" else R.DAY_SHIFT
        sec[sel] = R.seconds_of_day(rng, len(sel), shift)
        purpose[sel] = R.pick(rng, R.ROLE_PURPOSES[r], len(sel), R.PURPOSES)
        channel[sel] = R.pick(rng, R.ROLE_CHANNELS[r], len(sel), R.CHANNELS)
    ts = day * US_PER_DAY + (sec * 1e6).astype(np.int64)
    # night shifts of the last day end at midnight: the log stops before the as-of date
    keep = ts < (sched.calendar.days[-1] + 1) * US_PER_DAY - 1_000_000
    if not keep.all():
        op, day, ts, purpose, channel = op[keep], day[keep], ts[keep], purpose[keep], channel[keep]
        n = len(op)
    subject = _subjects(rng, pop, adults, ops.county[op])
    ref = _references(rng, ops, op, day, purpose)
    u = rng.random(n)
    purpose[u < R.NO_PURPOSE_SHARE] = -1
    ref[u < R.NO_PURPOSE_SHARE + R.NO_REF_SHARE] = None
    return {"op": op, "ts": ts, "subject": subject, "purpose": purpose, "ref": ref,
            "channel": channel, "episode": np.full(n, -1, dtype=np.int16)}  # fmt: skip


def _references(rng, ops: Operators, op, day, purpose) -> np.ndarray:
    """Authorisation references: a per-lookup number, or a case number for ENFORCEMENT."""
    n = len(op)
    date8 = np.strings.replace(np.datetime_as_string(day.astype("M8[D]"), unit="D"), "-", "")
    prefixes = np.array([R.REF_PREFIX[p] for p in R.PURPOSES])
    serial = np.strings.zfill(rng.integers(1, 10_000, size=n).astype("U"), 4)
    ref = np.strings.add(np.strings.add(prefixes[purpose], date8), serial).astype(object)
    enf = purpose == R.PURPOSES.index("ENFORCEMENT")
    if enf.any():
        year = np.strings.slice(date8[enf], 0, 4)
        case = (
            op[enf] * 7919 + (day[enf] // 5) * 31 + rng.integers(0, 3, size=int(enf.sum()))
        ) % 100_000
        head = np.strings.add(ops.dept[op[enf]], "-ZF-")
        ref[enf] = np.strings.add(
            np.strings.add(head, year), np.strings.add("-", np.strings.zfill(case.astype("U"), 5))
        ).tolist()
    return ref


def _batches(
    rng, pop, adults, ops: Operators, sched: Schedule, op_lo: int, op_hi: int
) -> dict | None:
    parts = []
    cal = sched.calendar
    for i in range(op_lo, op_hi):
        role = str(ops.role[i])
        if role not in R.BATCHES:
            continue
        per_day, lo, hi = R.BATCHES[role]
        avail = np.flatnonzero(sched.on_duty[i] & (cal.kinds == 0))
        k = rng.poisson(per_day * len(avail)) if len(avail) else 0
        for b, d in enumerate(
            np.sort(rng.choice(avail, size=min(k, len(avail)), replace=False)) if k else []
        ):
            size = int(rng.integers(lo, hi + 1))
            size = min(size, max(20, pop.n // 20))
            start = rng.choice([9.0, 10.0, 15.0]) + rng.random() * 0.8
            gaps = rng.uniform(2.0, 12.0, size=size)
            sec = start * 3600 + np.cumsum(gaps)
            day = int(cal.days[d])
            ts = day * US_PER_DAY + (sec * 1e6).astype(np.int64)
            home = np.full(size, ops.county[i])
            subject = _subjects(rng, pop, adults, home)
            purpose = np.full(
                size, R.pick(rng, R.BATCH_PURPOSES[role], 1, R.PURPOSES)[0], dtype=np.int16
            )
            channel = (
                R.CHANNELS.index("API")
                if role == "api" or rng.random() < 0.4
                else R.CHANNELS.index("WEB")
            )
            date8 = dt.date.fromordinal(dt.date(1970, 1, 1).toordinal() + day).strftime("%Y%m%d")
            ref = np.full(size, f"PC-{ops.dept[i]}-{date8}-{b + 1:02d}", dtype=object)
            parts.append({"op": np.full(size, i), "ts": ts, "subject": subject, "purpose": purpose,
                          "ref": ref, "channel": np.full(size, channel, dtype=np.int8),
                          "episode": np.full(size, -1, dtype=np.int16)})  # fmt: skip
    return _concat(parts)


def _concat(parts: Sequence[dict | None]) -> dict | None:
    kept = [p for p in parts if p is not None and len(p["op"])]
    if not kept:
        return None
    return {k: np.concatenate([p[k] for p in kept]) for k in kept[0]}


def operator_chunks(ops: Operators, sched: Schedule) -> Iterator[tuple[int, int]]:
    expected = (
        sched.lam.sum(axis=1)
        + 40 * np.isin(ops.role, list(R.BATCHES)) * sched.on_duty.sum(axis=1) * 0.12
    )
    lo, acc = 0, 0.0
    for i, e in enumerate(expected):
        acc += e
        if acc >= ROWS_PER_CHUNK:
            yield lo, i + 1
            lo, acc = i + 1, 0.0
    if lo < ops.n:
        yield lo, ops.n


def generate_query_log(
    seed: int,
    pop: Population,
    ops: Operators,
    sched: Schedule,
    misuse_rows: dict | None,
    emit: Callable[[dict[str, np.ndarray]], None],
) -> int:
    """Generate the log chunk by chunk; emit(columns) receives finished rows. Returns the count."""
    adult_idx = pop.adults(int(sched.calendar.days[-1]))
    by_county = [adult_idx[pop.county_idx[adult_idx] == c] for c in range(len(pop.county_codes))]
    next_id = 1
    for k, (lo, hi) in enumerate(operator_chunks(ops, sched)):
        rng = stage_rng(seed, "query-log", k)
        parts = [
            _ordinary(rng, pop, by_county, ops, sched, lo, hi),
            _batches(rng, pop, by_county, ops, sched, lo, hi),
        ]
        if misuse_rows is not None:
            sel = (misuse_rows["op"] >= lo) & (misuse_rows["op"] < hi)
            parts.append({key: v[sel] for key, v in misuse_rows.items()})
        rows = _concat(parts)
        if rows is None:
            continue
        order = np.lexsort((rows["op"], rows["ts"]))
        rows = {key: v[order] for key, v in rows.items()}
        n = len(order)
        rows["ts"] = rows["ts"] + rng.integers(0, 1_000_000, size=n)
        rows["query_id"] = np.strings.add(
            "Q", np.strings.zfill(np.arange(next_id, next_id + n).astype("U"), 10)
        )
        next_id += n
        _subject_strings(rng, pop, rows)
        emit(rows)
    return next_id - 1


def _subject_strings(rng, pop: Population, rows: dict) -> None:
    """Subject ID strings and import-style flags; a few mistyped or unknown ID numbers."""
    ids = pop.ids[rows["subject"]].astype("U18")
    n = len(ids)
    flags = np.full(n, "", dtype=object)
    u = rng.random(n)
    normal = rows["episode"] < 0
    bad = np.flatnonzero(normal & (u < INVALID_ID_SHARE))
    if len(bad):
        last = np.strings.slice(ids[bad], 17, 18)
        swapped = np.where(last == "0", "1", "0")
        ids[bad] = np.strings.add(np.strings.slice(ids[bad], 0, 17), swapped)
        flags[bad] = "invalid_id"
    unknown = np.flatnonzero(
        normal & (u >= INVALID_ID_SHARE) & (u < INVALID_ID_SHARE + UNKNOWN_SUBJECT_SHARE)
    )
    if len(unknown):
        birth = (
            19_700_101
            + rng.integers(0, 30, size=len(unknown)) * 10_000
            + rng.integers(0, 9, size=len(unknown)) * 100
            + rng.integers(0, 28, size=len(unknown))
        )
        # 410181 (Gongyi) is never a region code of the synthetic residents: unknown for sure.
        keys = (np.int64(410181) * 100_000_000 + birth) * 1000 + rng.integers(
            1, 999, size=len(unknown)
        )
        ids[unknown] = id_strings(keys)
        flags[unknown] = "unknown_subject"
    rows["subject_id"] = ids
    rows["flags"] = flags


__all__ = [
    "Calendar",
    "Schedule",
    "day_number",
    "generate_query_log",
    "make_calendar",
    "make_schedule",
]
