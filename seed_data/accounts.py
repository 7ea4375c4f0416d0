"""Two ordinary patterns of terminals and accounts, for the query points page (网点与账户).

- Window rota: in every service hall (a department's windows in one county, or at the city hall)
  with at least two window clerks, one pair swaps windows on one fixed weekday (a rota), each
  working at the other's terminal that day: two shared terminals and two operators on two
  terminals. One day in five (about 20 %) is far above the tenth under which the detector calls a
  terminal foreign, so the rota is no misuse signal.
- Long absences: in a log of at least 240 days, max(2, 0.5 % of operators) window clerks,
  officers, inspectors or HR clerks (never an operator of a misuse episode, of the rota, a duty
  officer or an API account) are away for 90-160 days (maternity leave, a secondment, a long
  illness) and then work as before: their lookups of those days are dropped. The first one comes
  back in the first half of the last complete month before the as-of date, so the demo's default
  month shows a dormant account working again.

Both are planned from their own random stream, so every other output of a seed is unchanged
except the terminal of the rota days' lookups and the absent operators' lookups (and so the
query ids, which keep their gaps).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from seed_data.common import US_PER_DAY, day_number, stage_rng
from seed_data.operators import Operators

ABSENT_SHARE = 0.005
ABSENT_MIN = 2
ABSENT_DAYS = (90, 160)
MIN_LOG_DAYS = 240
ELIGIBLE_ROLES = ("window", "officer", "inspector", "hr")


@dataclass
class AccountPlan:
    swaps: dict[int, tuple[int, int]] = field(default_factory=dict)  # op -> (partner, weekday)
    absences: list[tuple[int, int, int]] = field(default_factory=list)  # op, first day, return day

    def apply(self, ops: Operators, rows: dict) -> tuple[np.ndarray, np.ndarray]:
        """The terminal of every row and which rows are kept (not in an absence)."""
        op = rows["op"]
        day = rows["ts"] // US_PER_DAY
        terminal = ops.terminal[op].copy()
        weekday = (day + 3) % 7  # day 0, 1970-01-01, was a Thursday
        for a, (b, wd) in self.swaps.items():
            terminal[(op == a) & (weekday == wd)] = ops.terminal[b]
        keep = np.ones(len(op), dtype=bool)
        for o, first, back in self.absences:
            keep &= ~((op == o) & (day >= first) & (day < back))
        return terminal, keep


def _swaps(seed: int, ops: Operators, excluded: set[int]) -> dict[int, tuple[int, int]]:
    rng = stage_rng(seed, "window-rota")
    halls: dict[tuple[str, int], list[int]] = {}
    for i in range(ops.n):
        if ops.role[i] == "window" and i not in excluded:
            halls.setdefault((str(ops.dept[i]), int(ops.county[i])), []).append(i)
    swaps: dict[int, tuple[int, int]] = {}
    for key in sorted(halls):
        clerks = halls[key]
        if len(clerks) < 2:
            continue
        a, b = (clerks[int(k)] for k in rng.choice(len(clerks), size=2, replace=False))
        weekday = int(rng.integers(0, 5))
        swaps[a], swaps[b] = (b, weekday), (a, weekday)
    return swaps


def plan_accounts(seed: int, ops: Operators, days: np.ndarray, excluded: set[int]) -> AccountPlan:
    """The rota and the absences of a log over the day numbers `days` (consecutive);
    `excluded`: operators of misuse episodes."""
    plan = AccountPlan(swaps=_swaps(seed, ops, excluded))
    n_days = len(days)
    if n_days < MIN_LOG_DAYS:
        return plan
    rng = stage_rng(seed, "long-absences")
    taken = excluded | set(plan.swaps)
    pool = [i for i in range(ops.n) if ops.role[i] in ELIGIBLE_ROLES and i not in taken]
    count = min(len(pool), max(ABSENT_MIN, round(ABSENT_SHARE * ops.n)))
    chosen = [pool[int(k)] for k in rng.choice(len(pool), size=count, replace=False)]
    first_day, last_day = int(days[0]), int(days[-1])
    as_of = dt.date(1970, 1, 1) + dt.timedelta(days=last_day + 1)
    this_month = as_of.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    for k, op in enumerate(chosen):
        length = int(rng.integers(ABSENT_DAYS[0], ABSENT_DAYS[1] + 1))
        if k == 0:  # back in the first half of the last complete month
            back = day_number(last_month) + int(rng.integers(0, 15))
        else:
            back = int(rng.integers(first_day + length + 14, last_day - 6))
        start = back - length
        if start - first_day < 14:  # the log must show them at work before
            continue
        plan.absences.append((op, start, back))
    return plan
