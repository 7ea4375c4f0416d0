"""Privacy cases (隐私案件): the investigation of one operator's abnormal lookups. Alerts about
the operator are grouped into a case with an assignee and a deadline; every step is an
append-only history row; evidence files are kept with the case in the database. Same declarative
Base as data_access.schema.models, so create_all and the schema upgrade create these tables in an
older database.

States: open -> investigating -> confirmed | dismissed | referred (open -> dismissed for a plain
false alarm). Confirmed and referred cases carry an outcome. An alert belongs to at most one case
(case_alert's key is the alert). A case is overdue when its deadline has passed and it is not
closed (computed when read, never stored).
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

CASE_STATES = ("open", "investigating", "confirmed", "dismissed", "referred")
CLOSED_STATES = ("confirmed", "dismissed", "referred")
CASE_OUTCOMES = (
    "warning",
    "training",
    "access_suspended",
    "disciplinary_referral",
    "police_referral",
)
REFERRAL_OUTCOMES = ("disciplinary_referral", "police_referral")
# the allowed transitions; anything else is refused (data_access.queries.cases)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("investigating", "dismissed"),
    "investigating": ("confirmed", "dismissed", "referred"),
    "confirmed": (),
    "dismissed": (),
    "referred": (),
}
# history actions: the transitions by their target, and the steps that keep the state
CASE_ACTIONS = ("open", "investigating", "confirmed", "dismissed", "referred", "add_alerts",
                "evidence", "lift_suspension")  # fmt: skip


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PrivacyCase(Base):
    """One case about one operator: who works it, by when, its state, outcome and summary."""

    __tablename__ = "privacy_case"
    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operator.operator_id"))
    assignee: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str | None] = mapped_column(String(24))
    summary: Mapped[str] = mapped_column(Text, default="")
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    __table_args__ = (
        Index("ix_privacy_case_operator", "operator_id", "status"),
        CheckConstraint(_in("status", CASE_STATES), name="ck_privacy_case_status"),
        CheckConstraint(
            f"outcome IS NULL OR {_in('outcome', CASE_OUTCOMES)}", name="ck_privacy_case_outcome"
        ),
    )


class CaseAlert(Base):
    """An alert grouped into a case: the alert is the key, so it is in at most one case."""

    __tablename__ = "case_alert"
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.alert_id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("privacy_case.case_id"), index=True)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CaseEvent(Base):
    """Append-only history of a case: who, when, from and to which state, and the note."""

    __tablename__ = "case_event"
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("privacy_case.case_id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (CheckConstraint(_in("action", CASE_ACTIONS), name="ck_case_event_action"),)


class CaseEvidence(Base):
    """A file kept with a case (same rules as supervision evidence): safe name, size, SHA-256 and
    the bytes, written in one transaction with the history row that brought it."""

    __tablename__ = "case_evidence"
    evidence_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("privacy_case.case_id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("case_event.event_id"))
    file_name: Mapped[str] = mapped_column(String(120))
    file_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
