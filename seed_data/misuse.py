"""Labelled misuse episodes: lookups without a lawful reason, mixed into the ordinary log.

Kinds: kin/neighbour snooping, celebrity (sensitive person) snooping, colleague snooping,
ex-partner stalking, bulk harvesting, after-hours lookups by a day-shift operator, out-of-county
lookups. Only misuse_episode and misuse_query carry the labels; the rows themselves look like any
other query_log row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seed_data import roles as R
from seed_data.common import US_PER_DAY, stage_rng
from seed_data.operators import Operators
from seed_data.persons import Population
from seed_data.querylog import Schedule

KINDS = ("kin_snooping", "celebrity_snooping", "bulk_harvesting", "after_hours",
         "colleague_snooping", "ex_partner_stalking", "out_of_county")  # fmt: skip
BULK_SIZE = {"tiny": 120, "demo": 400, "city": 800}


@dataclass
class Episode:
    episode_id: str
    kind: str
    op: int
    description: str


class _Planner:
    def __init__(self, seed: int, pop: Population, ops: Operators, sched: Schedule, scale: str):
        self.rng = stage_rng(seed, "misuse")
        self.pop, self.ops, self.sched, self.scale = pop, ops, sched, scale
        self.used: set[int] = set()
        self.rows: list[dict] = []
        self.episodes: list[Episode] = []
        self.age = pop.age_years(int(sched.calendar.days[-1]))

    # ----------------------------------------------------------------- helpers
    def _operator(self, ok) -> int | None:
        for i in self.rng.permutation(self.ops.n).tolist():
            if i not in self.used and self.ops.role[i] != "duty" and ok(i):
                self.used.add(i)
                return i
        return None

    def _workdays(self, op: int, span: int) -> np.ndarray:
        """Working days of the operator within a random stretch of `span` calendar days."""
        days = self.sched.calendar.days
        work = np.flatnonzero(self.sched.on_duty[op] & (self.sched.calendar.kinds == 0))
        work = work[work < len(days) - 1]  # after-hours nights must end before the as-of date
        if not len(work):
            work = np.arange(len(days) - 1)
        first = int(self.rng.choice(work[: max(1, len(work) - 3)]))
        sel = work[(work >= first) & (work < first + span)]
        return days[sel]

    def _add(self, kind: str, op: int, ts, subject, purpose, description: str) -> None:
        n = len(subject)
        ep = len(self.episodes)
        channel = R.pick(self.rng, R.ROLE_CHANNELS[str(self.ops.role[op])], n, R.CHANNELS)
        self.rows.append({"op": np.full(n, op), "ts": np.asarray(ts, dtype=np.int64),
                          "subject": np.asarray(subject, dtype=np.int64),
                          "purpose": np.asarray(purpose, dtype=np.int16),
                          "ref": np.full(n, None, dtype=object), "channel": channel.astype(np.int8),
                          "episode": np.full(n, ep, dtype=np.int16)})  # fmt: skip
        self.episodes.append(Episode(f"EP{ep + 1:03d}", kind, op, description))

    def _office_times(self, days: np.ndarray, n: int) -> np.ndarray:
        d = self.rng.choice(days, size=n)
        sec = R.seconds_of_day(self.rng, n, R.DAY_SHIFT[:2])
        return np.sort(d * US_PER_DAY + (sec * 1e6).astype(np.int64))

    def _purposes(self, op: int, n: int, none_share: float) -> np.ndarray:
        p = R.pick(self.rng, R.ROLE_PURPOSES[str(self.ops.role[op])], n, R.PURPOSES).astype(
            np.int16
        )
        p[self.rng.random(n) < none_share] = -1
        return p

    def _name(self, op: int) -> str:
        return str(self.pop.names(np.array([self.ops.person[op]]))[0])

    # ----------------------------------------------------------------- kinds
    def kin_snooping(self) -> None:
        pop = self.pop

        def kin_of(i: int) -> np.ndarray:
            me = self.ops.person[i]
            same = np.flatnonzero(
                (pop.residence == pop.residence[me]) & (pop.surname == pop.surname[me])
            )
            return same[same != me]

        op = self._operator(lambda i: len(kin_of(i)) >= 2)
        if op is None:
            return
        kin = kin_of(op)
        subjects = self.rng.choice(
            kin, size=min(len(kin), int(self.rng.integers(4, 11))), replace=False
        )
        subjects = np.concatenate([subjects, self.rng.choice(subjects, size=len(subjects) // 3)])
        ts = self._office_times(self._workdays(op, 7), len(subjects))
        me = self.ops.person[op]
        self._add("kin_snooping", op, ts, self.rng.permutation(subjects), self._purposes(op, len(subjects), 0.6),
                  f"{self.ops.operator_id[op]} ({self._name(op)}) looked up {len(np.unique(subjects))} persons sharing "
                  f"their surname and village {pop.residence[me]} without authorisation")  # fmt: skip

    def celebrity_snooping(self) -> None:
        op = self._operator(lambda i: True)
        if op is None:
            return
        vip = np.flatnonzero(self.pop.sensitive)
        subjects = self.rng.choice(
            vip, size=min(len(vip), int(self.rng.integers(3, 7))), replace=False
        )
        subjects = np.repeat(subjects, self.rng.integers(1, 3, size=len(subjects)))
        ts = self._office_times(self._workdays(op, 5), len(subjects))
        self._add("celebrity_snooping", op, ts, subjects, self._purposes(op, len(subjects), 0.7),
                  f"{self.ops.operator_id[op]} looked up {len(np.unique(subjects))} persons on the privacy "
                  "watch list (public figures, protected persons) without a case or authorisation")  # fmt: skip

    def colleague_snooping(self) -> None:
        ops = self.ops

        def peers(i: int) -> np.ndarray:
            same = np.flatnonzero(ops.dept == ops.dept[i])
            return same[same != i]

        op = self._operator(lambda i: len(peers(i)) >= 2)
        if op is None:
            return
        mates = self.rng.choice(
            peers(op), size=min(len(peers(op)), int(self.rng.integers(3, 9))), replace=False
        )
        subjects = ops.person[mates]
        ts = self._office_times(self._workdays(op, 5), len(subjects))
        self._add(
            "colleague_snooping",
            op,
            ts,
            subjects,
            self._purposes(op, len(subjects), 0.6),
            f"{ops.operator_id[op]} looked up {len(subjects)} colleagues of department {ops.dept[op]}",
        )

    def ex_partner_stalking(self) -> None:
        pop = self.pop
        op = self._operator(lambda i: True)
        if op is None:
            return
        me = self.ops.person[op]
        span = np.arange(pop.start[pop.county_idx[me]], pop.stop[pop.county_idx[me]])
        match = span[
            (pop.male[span] != pop.male[me]) & (np.abs(self.age[span] - self.age[me]) <= 6)
        ]
        target = int(self.rng.choice(match if len(match) else span))
        n = int(self.rng.integers(8, 21))
        days = self._workdays(op, 42)
        ts = self._office_times(days, n)
        evening = self.rng.random(n) < 0.25
        ts[evening] = (
            ts[evening] // US_PER_DAY * US_PER_DAY
            + int(19.5 * 3600e6)
            + self.rng.integers(0, int(3 * 3600e6), size=int(evening.sum()))
        )
        self._add("ex_partner_stalking", op, np.sort(ts), np.full(n, target), self._purposes(op, n, 0.5),
                  f"{self.ops.operator_id[op]} looked up the same person {n} times over "
                  f"{(ts.max() - ts.min()) // US_PER_DAY + 1} days")  # fmt: skip

    def bulk_harvesting(self) -> None:
        op = self._operator(lambda i: self.ops.role[i] in ("officer", "inspector", "window"))
        if op is None:
            return
        n = int(BULK_SIZE.get(self.scale, 400) * self.rng.uniform(0.7, 1.3))
        n = min(n, self.pop.n // 4)
        adults = self.pop.adults(int(self.sched.calendar.days[-1]))
        subjects = self.rng.choice(adults, size=n, replace=False)
        days = self._workdays(op, 3)[:2]
        per_day = np.array_split(np.arange(n), len(days))
        ts = np.empty(n, dtype=np.int64)
        for d, idx in zip(days, per_day, strict=True):
            start = (15.0 + self.rng.random()) * 3600
            ts[idx] = d * US_PER_DAY + (
                (start + np.cumsum(self.rng.uniform(2, 6, size=len(idx)))) * 1e6
            ).astype(np.int64)
        self._add("bulk_harvesting", op, ts, subjects, np.full(n, -1),
                  f"{self.ops.operator_id[op]} looked up {n} unrelated persons in {len(days)} day(s) "
                  "without purpose or authorisation")  # fmt: skip

    def after_hours(self) -> None:
        op = self._operator(lambda i: self.ops.role[i] in ("officer", "window", "hr", "inspector"))
        if op is None:
            return
        nights = self._workdays(op, 21)
        nights = self.rng.choice(
            nights, size=min(len(nights), int(self.rng.integers(3, 7))), replace=False
        )
        per = self.rng.integers(3, 9, size=len(nights))
        d = np.repeat(nights, per)
        sec = (21.0 + self.rng.random(len(d)) * 4.5) * 3600
        ts = np.sort(d * US_PER_DAY + (sec * 1e6).astype(np.int64))
        home = self.ops.county[op]
        pool = self.pop.adults(int(self.sched.calendar.days[-1]))
        if home >= 0:
            pool = pool[self.pop.county_idx[pool] == home]
        subjects = self.rng.choice(pool, size=len(ts))
        self._add("after_hours", op, ts, subjects, self._purposes(op, len(ts), 0.5),
                  f"{self.ops.operator_id[op]} (day shift) made {len(ts)} lookups between 21:00 and 01:30 "
                  f"on {len(nights)} nights")  # fmt: skip

    def out_of_county(self) -> None:
        op = self._operator(lambda i: self.ops.county[i] >= 0)
        if op is None:
            return
        home = self.ops.county[op]
        other = int(self.rng.choice([c for c in range(len(self.pop.county_codes)) if c != home]))
        pool = self.pop.adults(int(self.sched.calendar.days[-1]))
        pool = pool[self.pop.county_idx[pool] == other]
        n = int(self.rng.integers(20, 51))
        subjects = self.rng.choice(pool, size=n)
        ts = self._office_times(self._workdays(op, 5), n)
        self._add("out_of_county", op, ts, subjects, self._purposes(op, n, 0.3),
                  f"{self.ops.operator_id[op]} of county {self.pop.county_codes[home]} looked up {n} residents "
                  f"of {self.pop.county_codes[other]} without a case or authorisation")  # fmt: skip


def plan_misuse(
    seed: int, pop: Population, ops: Operators, sched: Schedule, scale: str, count: int
) -> tuple[list[Episode], dict | None]:
    """The episodes and their rows (same columns as querylog rows, with episode >= 0)."""
    planner = _Planner(seed, pop, ops, sched, scale)
    for k in range(count):
        getattr(planner, KINDS[k % len(KINDS)])()
    if not planner.rows:
        return [], None
    rows = {k: np.concatenate([r[k] for r in planner.rows]) for k in planner.rows[0]}
    return planner.episodes, rows
