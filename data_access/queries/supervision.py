"""Supervision items (督办): opening an item from a figure, the unit's answer with evidence, the
office's acceptance or return, and the reads (items, one item, its history and evidence, the
counts per unit) — every read and write restricted by the Scope in SQL.

Who does what (data_access.scope.POLICY):
- supervision: read items; the city roles every unit's, a department head their department's;
- supervision_office: open, accept, return (the leading-group office and administrators);
- supervision_reply: answer (a department head their own department's items; administrators).
An item outside the user's scope reads as missing (`not_found`), whether it exists or not.

Every action is one transaction: the item's new state, its history row and (for an answer) the
evidence files are written together or not at all. The history is append-only.
A refusal of the input raises `SupervisionError` with a code (and values) the page words.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, case, func, insert, select, update

from data_access.clock import city_now
from data_access.schema import models as m
from data_access.schema.supervision_models import (
    SUPERVISION_SOURCES,
    SupervisionEvent,
    SupervisionEvidence,
    SupervisionItem,
)
from data_access.scope import Scope
from data_access.text import clean_text

IT, E, V = SupervisionItem.__table__, SupervisionEvent.__table__, SupervisionEvidence.__table__
UNIT, USER = m.ReportingUnit.__table__, m.DashboardUser.__table__

MAX_TEXT = 2000  # characters of a required action, an answer or a reason
MAX_DEADLINE_DAYS = 366  # a deadline at most a year ahead
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024  # per file
MAX_EVIDENCE_FILES = 5  # per answer
# extension -> the bytes such a file starts with (docx, xlsx and OFD are zip packages)
EVIDENCE_TYPES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "ofd": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
OPEN_STATES = ("open", "returned")  # waiting for the unit's answer
CLOSED = "accepted"
ITEM_COLUMNS = [
    "item_id", "unit_code", "source", "source_ref", "facts", "seen_on", "action_required",
    "deadline", "status", "opened_by", "opened_at", "updated_at", "closed_at", "overdue",
    "days_overdue",
]  # fmt: skip
SUMMARY_COLUMNS = ["unit_code", "open", "answered", "overdue", "closed", "total"]


class SupervisionError(ValueError):
    """An input the action refuses: `code` names the reason, `values` fill its message."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(f"{code}: {values}" if values else code)
        self.code = code
        self.values = values


def _text(value: str | None, empty: str, too_long: str) -> str:
    text = clean_text(value)
    if not text:
        raise SupervisionError(empty)
    if len(text) > MAX_TEXT:
        raise SupervisionError(too_long, limit=MAX_TEXT)
    return text


# --------------------------------------------------------------------------- evidence files


def safe_file_name(name: str) -> str:
    """The uploaded name made harmless: no folders, no control or shell characters, a short stem
    and a lower-case extension ('evidence' when nothing is left of the stem)."""
    base = re.split(r"[\\/]", clean_text(name))[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    stem = re.sub(r"[^\w\u4e00-\u9fff\-（）()]+", "_", stem).strip("._") or "evidence"
    extension = re.sub(r"[^a-z0-9]", "", extension.lower())[:8]
    return f"{stem[:80]}.{extension}" if extension else stem[:80]


def check_evidence(files: Sequence[tuple[str, bytes]]) -> list[dict[str, Any]]:
    """The files as rows to store (safe name, size, SHA-256, bytes); SupervisionError for too
    many files, an empty or oversized one, or one whose type is not allowed or whose content is
    not what its extension says."""
    if len(files) > MAX_EVIDENCE_FILES:
        raise SupervisionError("too_many_files", limit=MAX_EVIDENCE_FILES)
    rows = []
    for name, content in files:
        safe = safe_file_name(name)
        extension = safe.rpartition(".")[2] if "." in safe else ""
        if extension not in EVIDENCE_TYPES:
            raise SupervisionError("file_type", name=safe)
        if not content:
            raise SupervisionError("file_empty", name=safe)
        if len(content) > MAX_EVIDENCE_BYTES:
            raise SupervisionError(
                "file_too_large", name=safe, limit_mb=MAX_EVIDENCE_BYTES // (1024 * 1024)
            )
        if not content.startswith(EVIDENCE_TYPES[extension]):
            raise SupervisionError("file_content", name=safe)
        rows.append({"file_name": safe, "file_bytes": len(content),
                     "sha256": hashlib.sha256(content).hexdigest(), "content": content})  # fmt: skip
    return rows


# --------------------------------------------------------------------------- writes


def open_item(
    engine: Engine,
    scope: Scope,
    username: str,
    *,
    unit_code: str,
    source: str,
    source_ref: str,
    facts: Mapping[str, object],
    seen_on: dt.date,
    deadline: dt.date,
    action: str,
    today: dt.date,
    now: dt.datetime | None = None,
) -> int:
    """Open an item against a unit from a figure (the office); returns its number.

    Refused: an unknown unit or source, an empty action, a deadline not after today or more than
    a year ahead, and a figure row that already has an item not yet accepted (`duplicate`)."""
    scope.department("supervision_office")  # the city roles only
    if source not in SUPERVISION_SOURCES:
        raise SupervisionError("unknown_source")
    text = _text(action, "empty_action", "action_too_long")
    if deadline <= today:
        raise SupervisionError("deadline_past", today=today)
    if deadline > today + dt.timedelta(days=MAX_DEADLINE_DAYS):
        raise SupervisionError("deadline_too_far", days=MAX_DEADLINE_DAYS)
    ref = clean_text(source_ref)[:200]
    at = now or city_now()
    with engine.begin() as conn:
        if conn.scalar(select(UNIT.c.code).where(UNIT.c.code == unit_code)) is None:
            raise SupervisionError("unknown_unit")
        existing = conn.scalar(
            select(IT.c.item_id).where(
                IT.c.source == source, IT.c.source_ref == ref, IT.c.unit_code == unit_code,
                IT.c.status != CLOSED,
            )
        )  # fmt: skip
        if existing is not None:
            raise SupervisionError("duplicate", item_id=existing)
        item_id = conn.execute(
            insert(IT).values(
                unit_code=unit_code, source=source, source_ref=ref,
                facts=json.dumps(dict(facts), ensure_ascii=False, sort_keys=True, default=str),
                seen_on=seen_on, action_required=text, deadline=deadline, status="open",
                opened_by=username, opened_at=at, updated_at=at, closed_at=None,
            ).returning(IT.c.item_id)
        ).scalar_one()  # fmt: skip
        conn.execute(insert(E).values(item_id=item_id, at=at, username=username, action="open",
                                      from_status=None, to_status="open", note=text))  # fmt: skip
    return int(item_id)


def _transition(
    conn,
    scope: Scope,
    subject: str,
    item_id: int,
    allowed_from: tuple[str, ...],
    to_status: str,
    action: str,
    username: str,
    note: str,
    at: dt.datetime,
) -> int:
    """Move a visible item from one of `allowed_from` to `to_status` and record it; returns the
    history row's id. `not_found` outside the scope, `wrong_state` from any other state."""
    status = conn.scalar(
        select(IT.c.status).where(IT.c.item_id == item_id, scope.supervision_condition(subject))
    )
    if status is None:
        raise SupervisionError("not_found", item_id=item_id)
    if status not in allowed_from:
        raise SupervisionError("wrong_state", status=status)
    changed = conn.execute(
        update(IT)
        .where(IT.c.item_id == item_id, IT.c.status == status)  # no one moved it meanwhile
        .values(status=to_status, updated_at=at, closed_at=at if to_status == CLOSED else None)
    ).rowcount
    if changed != 1:
        raise SupervisionError("wrong_state", status=status)
    return int(
        conn.execute(
            insert(E).values(item_id=item_id, at=at, username=username, action=action,
                             from_status=status, to_status=to_status, note=note)
            .returning(E.c.event_id)
        ).scalar_one()
    )  # fmt: skip


def answer_item(
    engine: Engine,
    scope: Scope,
    username: str,
    item_id: int,
    reply: str,
    files: Sequence[tuple[str, bytes]] = (),
    now: dt.datetime | None = None,
) -> str:
    """The unit's answer: what was done, with evidence files; the item becomes answered."""
    scope.access("supervision_reply")
    text = _text(reply, "empty_reply", "reply_too_long")
    evidence = check_evidence(files)  # every file checked before anything is written
    at = now or city_now()
    with engine.begin() as conn:
        event_id = _transition(conn, scope, "supervision_reply", item_id, OPEN_STATES,
                               "answered", "answer", username, text, at)  # fmt: skip
        for row in evidence:
            conn.execute(insert(V).values(item_id=item_id, event_id=event_id, **row))
    return "answered"


def accept_item(
    engine: Engine,
    scope: Scope,
    username: str,
    item_id: int,
    note: str = "",
    now: dt.datetime | None = None,
) -> str:
    """The office accepts an answered item: it is closed."""
    scope.department("supervision_office")
    text = clean_text(note)[:MAX_TEXT]
    with engine.begin() as conn:
        _transition(conn, scope, "supervision_office", item_id, ("answered",), CLOSED, "accept",
                    username, text, now or city_now())  # fmt: skip
    return CLOSED


def return_item(
    engine: Engine,
    scope: Scope,
    username: str,
    item_id: int,
    reason: str,
    now: dt.datetime | None = None,
) -> str:
    """The office returns an answered item to the unit with a reason; it waits for a new answer."""
    scope.department("supervision_office")
    text = _text(reason, "empty_reason", "reason_too_long")
    with engine.begin() as conn:
        _transition(conn, scope, "supervision_office", item_id, ("answered",), "returned",
                    "return", username, text, now or city_now())  # fmt: skip
    return "returned"


# --------------------------------------------------------------------------- reads


def _overdue(today: dt.date):
    return and_(IT.c.deadline < today, IT.c.status != CLOSED)


def items(
    engine: Engine,
    scope: Scope,
    today: dt.date,
    statuses: Sequence[str] = (),
    units: Sequence[str] = (),
    source: str | None = None,
) -> pd.DataFrame:
    """The items in the scope (newest first), filtered by state, unit and source; `overdue` is
    past the deadline and not accepted on `today`, `days_overdue` by how many days; `facts` is
    the figure's facts as a dict."""
    stmt = (
        select(*(IT.c[c] for c in ITEM_COLUMNS[:-2]),
               case((_overdue(today), 1), else_=0).label("overdue"))
        .where(scope.supervision_condition())
        .order_by(IT.c.item_id.desc())
    )  # fmt: skip
    if statuses:
        stmt = stmt.where(IT.c.status.in_(list(statuses)))
    if units:
        stmt = stmt.where(IT.c.unit_code.in_(list(units)))
    if source:
        stmt = stmt.where(IT.c.source == source)
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(), columns=ITEM_COLUMNS[:-1])
    frame["overdue"] = frame["overdue"].astype(bool)
    frame["facts"] = frame["facts"].map(json.loads)
    for column in ("seen_on", "deadline"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["days_overdue"] = [
        (today - d).days if late else 0
        for d, late in zip(frame["deadline"], frame["overdue"], strict=True)
    ]
    return frame[ITEM_COLUMNS]


def item(engine: Engine, scope: Scope, item_id: int, today: dt.date) -> dict[str, Any] | None:
    """One item in the scope, or None (not there, or not the user's to see)."""
    stmt = select(IT, case((_overdue(today), 1), else_=0).label("overdue")).where(
        IT.c.item_id == item_id, scope.supervision_condition()
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    found = dict(row)
    found["facts"] = json.loads(found["facts"])
    found["overdue"] = bool(found["overdue"])
    found["days_overdue"] = (today - found["deadline"]).days if found["overdue"] else 0
    return found


def history(engine: Engine, scope: Scope, item_id: int) -> pd.DataFrame:
    """Every transition of an item in the scope, oldest first (empty for another's item), with
    the account's display name (its username when the account is gone)."""
    stmt = (
        select(E.c.event_id, E.c.at, E.c.username,
               func.coalesce(USER.c.display_name, E.c.username).label("display_name"),
               E.c.action, E.c.from_status, E.c.to_status, E.c.note)
        .select_from(E.join(IT, IT.c.item_id == E.c.item_id)
                     .outerjoin(USER, USER.c.username == E.c.username))
        .where(E.c.item_id == item_id, scope.supervision_condition())
        .order_by(E.c.event_id)  # the order they were written
    )  # fmt: skip
    columns = ["event_id", "at", "username", "display_name", "action", "from_status",
               "to_status", "note"]  # fmt: skip
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=columns)


def evidence(engine: Engine, scope: Scope, item_id: int) -> pd.DataFrame:
    """The evidence files of an item in the scope (name, size, SHA-256, the answer they came
    with), without their bytes."""
    stmt = (
        select(V.c.evidence_id, V.c.event_id, V.c.file_name, V.c.file_bytes, V.c.sha256)
        .select_from(V.join(IT, IT.c.item_id == V.c.item_id))
        .where(V.c.item_id == item_id, scope.supervision_condition())
        .order_by(V.c.evidence_id)
    )
    columns = ["evidence_id", "event_id", "file_name", "file_bytes", "sha256"]
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=columns)


def evidence_file(engine: Engine, scope: Scope, evidence_id: int) -> tuple[str, bytes] | None:
    """One evidence file's safe name and bytes, if its item is in the scope."""
    stmt = (
        select(V.c.file_name, V.c.content)
        .select_from(V.join(IT, IT.c.item_id == V.c.item_id))
        .where(V.c.evidence_id == evidence_id, scope.supervision_condition())
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    return None if row is None else (str(row[0]), bytes(row[1]))


def unit_summary(engine: Engine, scope: Scope, today: dt.date) -> pd.DataFrame:
    """Per unit in the scope with at least one item: open (not yet accepted; answered ones
    included), answered (waiting for the office), overdue (open past the deadline), closed."""

    def count(condition) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    stmt = (
        select(IT.c.unit_code, count(IT.c.status != CLOSED).label("open"),
               count(IT.c.status == "answered").label("answered"),
               count(_overdue(today)).label("overdue"), count(IT.c.status == CLOSED).label("closed"),
               func.count().label("total"))
        .where(scope.supervision_condition())
        .group_by(IT.c.unit_code)
        .order_by(IT.c.unit_code)
    )  # fmt: skip
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(), columns=SUMMARY_COLUMNS)
    for column in SUMMARY_COLUMNS[1:]:
        frame[column] = frame[column].astype(int)
    return frame


def open_refs(engine: Engine, scope: Scope, source: str) -> dict[str, int]:
    """Figure rows of a source that already have an item not yet accepted: source_ref -> item
    number (so a page offers no second item for the same row)."""
    stmt = select(IT.c.source_ref, IT.c.item_id).where(
        IT.c.source == source, IT.c.status != CLOSED, scope.supervision_condition()
    )
    with engine.connect() as conn:
        return {str(ref): int(item_id) for ref, item_id in conn.execute(stmt)}
