"""Supervision items (督办): the office opens an item from a figure (a late or missing delivery on
the reporting board, an overdue objection or repair, a low-coverage cell), the unit answers with
evidence, the office accepts or returns it; the counts per unit for the overview and the board.

Reads are not cached: the tables are small and every user must see a transition at once (an
answer shows on the office's page on its next run). The `*_draft` transforms turn a row of a
figure into the unit, the figure row's reference and the facts copied into the item (codes, not
names; counts of persons masked as on the coverage page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data_access.engine import get_engine
from data_access.queries import supervision as queries
from data_access.queries.small_cells import SUPPRESSED, is_small, rate_allowed
from data_access.queries.supervision import (
    EVIDENCE_TYPES,
    MAX_EVIDENCE_BYTES,
    MAX_EVIDENCE_FILES,
    MAX_TEXT,
    SupervisionError,
)
from data_access.schema.supervision_models import SUPERVISION_SOURCES, SUPERVISION_STATUSES
from data_access.scope import Scope
from services.base import service, transform

__all__ = [
    "EVIDENCE_TYPES", "MAX_EVIDENCE_BYTES", "MAX_EVIDENCE_FILES", "MAX_TEXT", "SUPERVISION_SOURCES",
    "SUPERVISION_STATUSES", "Draft", "SupervisionError",
]  # fmt: skip


@dataclass(frozen=True)
class Draft:
    """What a figure row says before the office adds a deadline and the action required."""

    unit_code: str
    source: str
    source_ref: str
    facts: Mapping[str, Any] = field(default_factory=dict)


def _day(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _int(value: object) -> int | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if number != number else int(number)


@transform
def delivery_draft(row: Mapping[str, Any]) -> Draft:
    """A late or missing delivery (a row of services.reporting.status)."""
    unit, item, period = str(row["unit_code"]), str(row["item_code"]), str(row["period"])
    return Draft(unit, "delivery", f"{unit}|{item}|{period}", {
        "item_code": item, "period": period, "due_date": _day(row.get("due_date")),
        "submitted_at": _day(row.get("submitted_at")),
        "state": "missing" if bool(row.get("missing")) else "late",
        "delay_days": _int(row.get("delay_days")),
    })  # fmt: skip


@transform
def annual_draft(row: Mapping[str, Any]) -> Draft:
    """An annual progress report past its due date and not filed (a row of
    services.reporting.annual): the way to supervise a county-level unit as well."""
    unit, year = str(row["unit_code"]), int(row["year"])
    return Draft(unit, "delivery", f"{unit}|annual|{year}", {
        "report": "annual", "year": year, "due_date": _day(row.get("due_date")),
        "state": "missing", "days_late": _int(row.get("days_late")),
    })  # fmt: skip


@transform
def repair_draft(row: Mapping[str, Any]) -> Draft:
    """An objection or repair application past its limit (a row of services.repair.overdue_list);
    the applicant is not copied, only the application's number."""
    unit, application = str(row["handling_dept"]), str(row["application_id"])
    return Draft(unit, "repair", f"{unit}|{application}", {
        "application_id": application, "kind": str(row["kind"]),
        "received_at": _day(row.get("received_at")),
        "decision_deadline": _day(row.get("decision_deadline")),
        "answer_deadline": _day(row.get("answer_deadline")),
        "elapsed_days": _int(row.get("elapsed_days")),
        "reasons": [r for r in str(row.get("reasons") or "").split(",") if r],
    })  # fmt: skip


@transform
def coverage_draft(row: Mapping[str, Any], responsible_dept: str, target: float) -> Draft:
    """A profession x county cell below the coverage target (a row of services.coverage's
    county table), against the department answering for the profession. As on the coverage
    page, the practitioners are counted as they are and the figures about a cell of 1 to 4 of
    them are kept as "<5" (data_access.queries.small_cells)."""
    profession, county = str(row["profession_code"]), str(row["county_code"])
    current, with_file = _int(row.get("current")) or 0, _int(row.get("with_file")) or 0
    small = is_small(current)
    shown = rate_allowed(current) and row.get("coverage") is not None
    return Draft(responsible_dept, "coverage", f"{responsible_dept}|{profession}|{county}", {
        "profession_code": profession, "county_code": county,
        "current": current, "with_file": SUPPRESSED if small else with_file,
        "coverage": round(float(row["coverage"]), 4) if shown else None,
        "gap": SUPPRESSED if small else _int(row.get("gap")), "target": round(float(target), 4),
    })  # fmt: skip


# --------------------------------------------------------------------------- writes


@service("supervision_office", cached=False)
def open_item(
    url: str,
    scope: Scope,
    username: str,
    draft: Draft,
    seen_on: dt.date,
    deadline: dt.date,
    action: str,
    today: dt.date,
) -> int:
    """Open an item from a figure row; returns its number (SupervisionError on bad input)."""
    return queries.open_item(
        get_engine(url), scope, username, unit_code=draft.unit_code, source=draft.source,
        source_ref=draft.source_ref, facts=draft.facts, seen_on=seen_on, deadline=deadline,
        action=action, today=today,
    )  # fmt: skip


@service("supervision_reply", cached=False)
def answer(
    url: str,
    scope: Scope,
    username: str,
    item_id: int,
    reply: str,
    files: Sequence[tuple[str, bytes]] = (),
) -> str:
    """The unit's answer with evidence files (name, bytes)."""
    return queries.answer_item(get_engine(url), scope, username, item_id, reply, files)


@service("supervision_office", cached=False)
def accept(url: str, scope: Scope, username: str, item_id: int, note: str = "") -> str:
    return queries.accept_item(get_engine(url), scope, username, item_id, note)


@service("supervision_office", cached=False)
def send_back(url: str, scope: Scope, username: str, item_id: int, reason: str) -> str:
    """Return an answered item to the unit with a reason."""
    return queries.return_item(get_engine(url), scope, username, item_id, reason)


# --------------------------------------------------------------------------- reads


@service("supervision", cached=False)
def items(
    url: str,
    scope: Scope,
    today: dt.date,
    statuses: tuple[str, ...] = (),
    units: tuple[str, ...] = (),
) -> pd.DataFrame:
    return queries.items(get_engine(url), scope, today, statuses, units)


@service("supervision", cached=False)
def item(url: str, scope: Scope, item_id: int, today: dt.date) -> dict[str, Any] | None:
    return queries.item(get_engine(url), scope, item_id, today)


@service("supervision", cached=False)
def history(url: str, scope: Scope, item_id: int) -> pd.DataFrame:
    return queries.history(get_engine(url), scope, item_id)


@service("supervision", cached=False)
def evidence(url: str, scope: Scope, item_id: int) -> pd.DataFrame:
    return queries.evidence(get_engine(url), scope, item_id)


@service("supervision", cached=False)
def evidence_file(url: str, scope: Scope, evidence_id: int) -> tuple[str, bytes] | None:
    return queries.evidence_file(get_engine(url), scope, evidence_id)


@service("supervision", cached=False)
def per_unit(url: str, scope: Scope, today: dt.date) -> pd.DataFrame:
    """Open (not yet accepted), answered, overdue and closed items per unit with an item."""
    return queries.unit_summary(get_engine(url), scope, today)


@service("supervision", cached=False)
def totals(url: str, scope: Scope, today: dt.date) -> dict[str, int]:
    """The per-unit counts summed over the scope (the overview's figures)."""
    frame = queries.unit_summary(get_engine(url), scope, today)
    return {c: int(frame[c].sum()) for c in ("open", "answered", "overdue", "closed", "total")}


@service("supervision", cached=False)
def open_refs(url: str, scope: Scope, source: str) -> dict[str, int]:
    """Figure rows of a source with an item not yet accepted: reference -> item number."""
    return queries.open_refs(get_engine(url), scope, source)
