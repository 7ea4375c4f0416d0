"""Signed-in sessions that survive a reload: a random token in the browser's cookie, its SHA-256
in user_session. A token resumes its user while the session is not revoked (sign-out, a new
password, a disabled account), has been used within IDLE_TIMEOUT, is younger than MAX_AGE, and
the account is active and not locked. Resuming refreshes last_seen_at (at most once a minute).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Engine, insert, select, update

from data_access.clock import city_now
from data_access.schema import models as m
from data_access.schema.account_models import UserSession

IDLE_TIMEOUT = dt.timedelta(minutes=30)
MAX_AGE = dt.timedelta(hours=12)  # a working day: sign in again the next morning
_TOUCH_EVERY = dt.timedelta(minutes=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _now() -> dt.datetime:
    return city_now()


def open_session(engine: Engine, username: str, now: dt.datetime | None = None) -> str:
    """A new session for a user who has just signed in; returns the token for the cookie."""
    now = now or _now()
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        conn.execute(
            insert(UserSession.__table__).values(
                token_hash=_digest(token), username=username, created_at=now, last_seen_at=now
            )
        )
    return token


def resume(engine: Engine, token: str | None, now: dt.datetime | None = None) -> dict | None:
    """The user a token belongs to, or None (unknown, revoked, idle, too old, account disabled
    or locked). An idle or too old session is revoked on the way."""
    if not token or len(token) > 200:
        return None
    now = now or _now()
    s, u = UserSession.__table__, m.DashboardUser.__table__
    digest = _digest(token)
    with engine.begin() as conn:
        row = (
            conn.execute(
                select(
                    s.c.created_at,
                    s.c.last_seen_at,
                    s.c.revoked_at,
                    u.c.username,
                    u.c.role,
                    u.c.department_code,
                    u.c.display_name,
                    u.c.active,
                    u.c.locked_until,
                )  # fmt: skip
                .join(u, u.c.username == s.c.username)
                .where(s.c.token_hash == digest)
            )
            .mappings()
            .first()
        )
        if row is None or row["revoked_at"] is not None:
            return None
        expired = now - row["last_seen_at"] > IDLE_TIMEOUT or now - row["created_at"] > MAX_AGE
        locked = row["locked_until"] is not None and row["locked_until"] > now
        if expired or not row["active"] or locked:
            because = "idle" if expired else "account"
            conn.execute(
                update(s)
                .where(s.c.token_hash == digest)
                .values(revoked_at=now, ended_because=because)
            )
            return None
        if now - row["last_seen_at"] >= _TOUCH_EVERY:
            conn.execute(update(s).where(s.c.token_hash == digest).values(last_seen_at=now))
    return {
        "username": row["username"],
        "role": row["role"],
        "department_code": row["department_code"],
        "display_name": row["display_name"],
    }


def revoke(
    engine: Engine, token: str | None, because: str = "sign-out", now: dt.datetime | None = None
) -> None:
    """End a session (sign-out, idle timeout seen by the page)."""
    if not token:
        return
    s = UserSession.__table__
    with engine.begin() as conn:
        conn.execute(
            update(s)
            .where(s.c.token_hash == _digest(token), s.c.revoked_at.is_(None))
            .values(revoked_at=now or _now(), ended_because=because)
        )
