"""Supervision items (督办事项): what the leading-group office asks a reporting unit to put right,
the append-only history of every transition, and the evidence files a unit attaches to its
answer. Same declarative Base as data_access.schema.models, so create_all and the schema
upgrade create these tables in an older database.

States: open -> answered -> accepted (closed) | returned -> answered ... An item is overdue when
its deadline has passed and it is not accepted (computed when read, never stored).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from data_access.schema.models import Base

SUPERVISION_STATUSES = ("open", "answered", "accepted", "returned")
SUPERVISION_SOURCES = ("delivery", "repair", "coverage")
SUPERVISION_ACTIONS = ("open", "answer", "accept", "return")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class SupervisionItem(Base):
    """One item: against which unit, from which figure (its facts as JSON, codes not names, and
    the date the figure was seen), the action required, the deadline and the state."""

    __tablename__ = "supervision_item"
    item_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("reporting_unit.code"))
    source: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str] = mapped_column(String(200))  # which row of the figure
    facts: Mapped[str] = mapped_column(Text)  # JSON object
    seen_on: Mapped[dt.date] = mapped_column(Date)
    action_required: Mapped[str] = mapped_column(Text)
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        Index("ix_supervision_item_unit_status", "unit_code", "status"),
        Index("ix_supervision_item_source_ref", "source", "source_ref"),
        CheckConstraint(_in("status", SUPERVISION_STATUSES), name="ck_supervision_status"),
        CheckConstraint(_in("source", SUPERVISION_SOURCES), name="ck_supervision_source"),
    )


class SupervisionEvent(Base):
    """Append-only history of an item: every transition with who, when and what they wrote."""

    __tablename__ = "supervision_event"
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supervision_item.item_id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(12))
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        CheckConstraint(_in("action", SUPERVISION_ACTIONS), name="ck_supervision_event_action"),
    )


class SupervisionEvidence(Base):
    """A file attached to an answer: its safe name, size, SHA-256 and the bytes themselves (kept
    in the database, so that an answer and its files are written in one transaction)."""

    __tablename__ = "supervision_evidence"
    evidence_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("supervision_item.item_id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("supervision_event.event_id"))
    file_name: Mapped[str] = mapped_column(String(120))
    file_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
