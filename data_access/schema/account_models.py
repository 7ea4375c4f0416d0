"""Tables of the dashboard's accounts beyond the user row: signed-in sessions (what lets a reload
or a bookmark keep the user signed in) and the audit of every change made to an account."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.schema.models import Base


class UserSession(Base):
    """One signed-in browser. Only the SHA-256 of the token is stored: the token itself lives in
    the browser's cookie. Sign-out, the idle timeout, a disabled account and a new password end
    it (revoked_at)."""

    __tablename__ = "user_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("dashboard_user.username"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_because: Mapped[str | None] = mapped_column(String(20))  # sign-out, idle, ...


class AccountEvent(Base):
    """One change to an account, by whom: created, password set, disabled, enabled, unlocked,
    or a lockout after failed attempts (actor `system`)."""

    __tablename__ = "account_event"
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80))  # a username, or cli:<system user>, or system
    username: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
