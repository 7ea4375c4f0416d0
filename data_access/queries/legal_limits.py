"""Legal time limits of objections and repair applications, as data with effective dates.

`reference_data/legal_limits.csv` holds one row per application kind and date a limit took
effect: the working days allowed from receipt to the decision and to the answer to the applicant,
an optional extension the handling department may grant (working days added to the decision
limit; empty: none allowed), the source, and whether the row is the city's assumption rather than
a published rule. An application is judged against the row in force on the day it was received
(the latest `effective_from` on or before it); one received before every row takes the earliest
row (and `before_first_rule` says so). An extension decision on the application (its new decision
limit) replaces the decision limit, and the answer limit is never shorter than it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from data_access.schema.reference import read_catalogue

LIMITS_FILE = "legal_limits"


@dataclass(frozen=True)
class LegalLimit:
    kind: str
    effective_from: dt.date
    decision_days: int
    answer_days: int
    extension_days: int | None
    source: str
    assumption: bool


def legal_limits(name: str = LIMITS_FILE) -> tuple[LegalLimit, ...]:
    """Every row of the limits file, by kind and effective date."""
    rows = []
    for row in read_catalogue(name):
        extension = row.get("extension_days", "").strip()
        rows.append(
            LegalLimit(
                kind=row["kind"],
                effective_from=dt.date.fromisoformat(row["effective_from"]),
                decision_days=int(row["decision_days"]),
                answer_days=int(row["answer_days"]),
                extension_days=int(extension) if extension else None,
                source=row["source"],
                assumption=row.get("assumption", "0").strip() == "1",
            )
        )
    return tuple(sorted(rows, key=lambda r: (r.kind, r.effective_from)))


def limit_in_force(
    kind: str, received: dt.date | None, rows: tuple[LegalLimit, ...] | None = None
) -> LegalLimit:
    """The row in force for an application of `kind` received on `received` (the earliest row
    for one received before every row, or with no receipt date yet). KeyError: unknown kind."""
    rows = legal_limits() if rows is None else rows
    mine = [r for r in rows if r.kind == kind]
    if not mine:
        raise KeyError(f"no legal limit for applications of kind {kind!r}")
    in_force = [r for r in mine if received is not None and r.effective_from <= received]
    return in_force[-1] if in_force else mine[0]
