"""Notices that reach people: each dashboard user's digest subscription, their in-app inbox, and
the record of every attempt to send a digest by e-mail or to the DingTalk robot. Same
declarative Base as data_access.schema.models, so create_all and the schema upgrade create these
tables in an older database.

A digest is always written to the inbox first (its own transaction); the e-mail and DingTalk
sends come after it, and each attempt, good or failed, is a `notice_delivery` row, so a failed
send never loses the inbox copy.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from data_access.schema.models import Base

FREQUENCIES = ("daily", "weekly", "off")
NOTICE_LANGUAGES = ("zh", "en")
CHANNELS = ("email", "dingtalk")
DELIVERY_STATUSES = ("sent", "failed")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class NoticeSubscription(Base):
    """One user's digest settings: how often, in which language, to which e-mail address and
    whether to the DingTalk robot too (the inbox always); when the last digest was built."""

    __tablename__ = "notice_subscription"
    username: Mapped[str] = mapped_column(ForeignKey("dashboard_user.username"), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(8), default="daily")
    language: Mapped[str] = mapped_column(String(4), default="zh")
    email: Mapped[str | None] = mapped_column(String(254))
    dingtalk: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # the as-of date and the time of the last digest built (sent, or empty and not sent)
    last_digest_on: Mapped[dt.date | None] = mapped_column(Date)
    last_digest_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # the highest alert number when the last digest was built: later ones are new (alert numbers
    # only grow; their creation times are the detector host's clock, not the city's)
    alerts_seen_to: Mapped[int | None] = mapped_column(Integer)
    __table_args__ = (
        CheckConstraint(_in("frequency", FREQUENCIES), name="ck_notice_frequency"),
        CheckConstraint(_in("language", NOTICE_LANGUAGES), name="ck_notice_language"),
    )


class NoticeMessage(Base):
    """A message in a user's inbox (a digest): subject and Markdown body in the user's language,
    the date it covers, and when it was read (None: unread)."""

    __tablename__ = "notice_message"
    message_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(ForeignKey("dashboard_user.username"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(16), default="digest")
    as_of: Mapped[dt.date] = mapped_column(Date)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    __table_args__ = (Index("ix_notice_message_user", "username", "message_id"),)


class NoticeDelivery(Base):
    """One attempt to send a message over a channel: sent, or failed with the reason."""

    __tablename__ = "notice_delivery"
    delivery_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("notice_message.message_id"), index=True)
    channel: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(254), default="")
    status: Mapped[str] = mapped_column(String(8))
    detail: Mapped[str] = mapped_column(Text, default="")
    attempted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (
        CheckConstraint(_in("channel", CHANNELS), name="ck_notice_channel"),
        CheckConstraint(_in("status", DELIVERY_STATUSES), name="ck_notice_delivery_status"),
    )
