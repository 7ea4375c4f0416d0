"""Notices: a user's digest subscription and inbox (read, mark read), the subscribers whose
digest is due, the new alerts since a privacy officer's last digest, and the writes of a digest
run (the inbox copy with the subscription's last digest, then each send's record).

Scope: `notices` (every role) and always the signed-in user's own name: no function here reads
or changes another user's messages or settings. What a digest says is read elsewhere with the
recipient's own Scope (jobs.digest); `new_alerts` here checks `oversight` like the alert queue.

A digest is due for a subscriber on an as-of date when none was built for them yet (daily: on an
earlier date; weekly: 7 or more days before); `off` is never due; disabled accounts never.
Invalid settings raise `NoticeError` with a code the page words; nothing is written then.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import Engine, and_, func, insert, or_, select, update

from data_access.clock import city_now
from data_access.schema import models as m
from data_access.schema.notice_models import (
    FREQUENCIES,
    NOTICE_LANGUAGES,
    NoticeDelivery,
    NoticeMessage,
    NoticeSubscription,
)
from data_access.scope import Scope
from data_access.text import clean_text

SUB, MSG, DLV = NoticeSubscription.__table__, NoticeMessage.__table__, NoticeDelivery.__table__
USER, A, OP = m.DashboardUser.__table__, m.Alert.__table__, m.Operator.__table__
WEEK = 7
EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
DEFAULTS: dict[str, Any] = {"frequency": "off", "language": "zh", "email": None,
                            "dingtalk": False, "last_digest_on": None, "last_digest_at": None,
                            "alerts_seen_to": None}  # fmt: skip
MESSAGE_COLUMNS = ["message_id", "created_at", "as_of", "subject", "body", "read_at"]


class NoticeError(ValueError):
    """A setting refused: `code` names the reason."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# --------------------------------------------------------------------------- the user's own


def subscription(engine: Engine, scope: Scope, username: str) -> dict[str, Any]:
    """The user's settings (DEFAULTS when they never saved any: no digest)."""
    scope.require("notices")
    with engine.connect() as conn:
        row = conn.execute(select(SUB).where(SUB.c.username == username)).mappings().first()
    return {**DEFAULTS, **({k: row[k] for k in DEFAULTS} if row else {})}


def save_subscription(
    engine: Engine,
    scope: Scope,
    username: str,
    *,
    frequency: str,
    language: str,
    email: str | None,
    dingtalk: bool,
    now: dt.datetime | None = None,
) -> None:
    """Save the user's settings: NoticeError for an unknown frequency or language or an e-mail
    address that is not one (empty: no e-mail)."""
    scope.require("notices")
    if frequency not in FREQUENCIES:
        raise NoticeError("frequency")
    if language not in NOTICE_LANGUAGES:
        raise NoticeError("language")
    address = clean_text(email or "") or None
    if address is not None and (len(address) > 254 or not EMAIL.match(address)):
        raise NoticeError("email")
    values = {"frequency": frequency, "language": language, "email": address,
              "dingtalk": bool(dingtalk), "updated_at": now or city_now()}  # fmt: skip
    with engine.begin() as conn:
        if conn.scalar(select(USER.c.username).where(USER.c.username == username)) is None:
            raise NoticeError("unknown_user")
        changed = conn.execute(update(SUB).where(SUB.c.username == username).values(**values))
        if changed.rowcount == 0:
            conn.execute(insert(SUB).values(username=username, **values))


def messages(engine: Engine, scope: Scope, username: str, limit: int = 200) -> pd.DataFrame:
    """The user's messages, newest first (MESSAGE_COLUMNS)."""
    scope.require("notices")
    stmt = (
        select(*(MSG.c[c] for c in MESSAGE_COLUMNS))
        .where(MSG.c.username == username)
        .order_by(MSG.c.message_id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=MESSAGE_COLUMNS)


def unread_count(engine: Engine, scope: Scope, username: str) -> int:
    scope.require("notices")
    stmt = select(func.count()).where(MSG.c.username == username, MSG.c.read_at.is_(None))
    with engine.connect() as conn:
        return int(conn.scalar(stmt) or 0)


def mark_read(
    engine: Engine,
    scope: Scope,
    username: str,
    message_ids: Sequence[int] | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Mark the user's unread messages read (the given ones, or all); returns how many. Another
    user's message numbers change nothing."""
    scope.require("notices")
    stmt = update(MSG).where(MSG.c.username == username, MSG.c.read_at.is_(None))
    if message_ids is not None:
        stmt = stmt.where(MSG.c.message_id.in_([int(i) for i in message_ids]))
    with engine.begin() as conn:
        return int(conn.execute(stmt.values(read_at=now or city_now())).rowcount or 0)


# --------------------------------------------------------------------------- the digest run

SUBSCRIBER_COLUMNS = ["username", "display_name", "role", "department_code", "frequency",
                      "language", "email", "dingtalk", "last_digest_on", "last_digest_at",
                      "alerts_seen_to"]  # fmt: skip


def due_subscribers(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Active users whose digest is due on the as-of date (SUBSCRIBER_COLUMNS), by username."""
    due = or_(
        SUB.c.last_digest_on.is_(None),
        and_(SUB.c.frequency == "daily", SUB.c.last_digest_on < as_of),
        and_(SUB.c.frequency == "weekly", SUB.c.last_digest_on <= as_of - dt.timedelta(days=WEEK)),
    )
    stmt = (
        select(SUB.c.username, USER.c.display_name, USER.c.role, USER.c.department_code,
               *(SUB.c[c] for c in SUBSCRIBER_COLUMNS[4:]))
        .select_from(SUB.join(USER, USER.c.username == SUB.c.username))
        .where(USER.c.active.is_(True), SUB.c.frequency != "off", due)
        .order_by(SUB.c.username)
    )  # fmt: skip
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=SUBSCRIBER_COLUMNS)


ALERT_COLUMNS = ["alert_id", "score", "operator_name", "department_code", "reasons_zh",
                 "reasons_en", "window_start", "window_end", "created_at"]  # fmt: skip


def new_alerts(engine: Engine, scope: Scope, after_id: int | None) -> tuple[pd.DataFrame, int]:
    """Alerts the detector raised after alert number `after_id` (None: every alert still open),
    highest score first (ALERT_COLUMNS), and the highest alert number now (the next digest's
    `after_id`)."""
    scope.require("oversight")
    stmt = (
        select(A.c.alert_id, A.c.score, OP.c.name.label("operator_name"), OP.c.department_code,
               A.c.reasons_zh, A.c.reasons_en, A.c.window_start, A.c.window_end, A.c.created_at)
        .select_from(A.join(OP, OP.c.operator_id == A.c.operator_id))
        .order_by(A.c.score.desc(), A.c.alert_id)
    )  # fmt: skip
    with engine.connect() as conn:
        top = int(conn.scalar(select(func.coalesce(func.max(A.c.alert_id), 0))) or 0)
        stmt = stmt.where(A.c.alert_id <= top)  # the same set whatever the detector adds now
        stmt = (stmt.where(A.c.status == "open") if after_id is None
                else stmt.where(A.c.alert_id > after_id))  # fmt: skip
        frame = pd.DataFrame(conn.execute(stmt).mappings().all(), columns=ALERT_COLUMNS)
    return frame, top


def names(engine: Engine, language: str) -> dict[str, dict[str, str]]:
    """Display names of the codes a digest names: department, unit (reporting units) and item
    (catalogue items), in the language."""
    column = "name_en" if language == "en" else "name_zh"
    found: dict[str, dict[str, str]] = {}
    with engine.connect() as conn:
        for key, table in (("department", m.Department), ("unit", m.ReportingUnit),
                           ("item", m.CatalogueItem)):  # fmt: skip
            t = table.__table__
            found[key] = {str(c): str(n) for c, n in conn.execute(select(t.c.code, t.c[column]))}
    return found


def record_digest(
    engine: Engine,
    username: str,
    as_of: dt.date,
    now: dt.datetime,
    message: tuple[str, str] | None,
    alerts_seen_to: int | None = None,
) -> int | None:
    """One transaction: the inbox copy of a digest (subject, body; None when it said nothing and
    is not sent) and the subscription's last digest (with the highest alert number it covered,
    for a privacy officer). Returns the message number (or None)."""
    with engine.begin() as conn:
        message_id = None
        if message is not None:
            message_id = int(
                conn.execute(
                    insert(MSG).values(username=username, created_at=now, kind="digest",
                                       as_of=as_of, subject=message[0][:200], body=message[1],
                                       read_at=None).returning(MSG.c.message_id)
                ).scalar_one()
            )  # fmt: skip
        seen = {} if alerts_seen_to is None else {"alerts_seen_to": alerts_seen_to}
        conn.execute(update(SUB).where(SUB.c.username == username)
                     .values(last_digest_on=as_of, last_digest_at=now, **seen))  # fmt: skip
    return message_id


def record_delivery(
    engine: Engine,
    message_id: int,
    channel: str,
    address: str,
    ok: bool,
    detail: str,
    now: dt.datetime,
) -> None:
    """The outcome of one send of a message (its own transaction, after the inbox copy)."""
    with engine.begin() as conn:
        conn.execute(insert(DLV).values(message_id=message_id, channel=channel,
                                        address=address[:254], status="sent" if ok else "failed",
                                        detail=detail[:2000], attempted_at=now))  # fmt: skip


def deliveries(engine: Engine, scope: Scope, username: str) -> pd.DataFrame:
    """Every send of the user's messages: message, channel, status, detail, when."""
    scope.require("notices")
    stmt = (
        select(DLV.c.message_id, DLV.c.channel, DLV.c.status, DLV.c.detail, DLV.c.attempted_at)
        .select_from(DLV.join(MSG, MSG.c.message_id == DLV.c.message_id))
        .where(MSG.c.username == username)
        .order_by(DLV.c.delivery_id)
    )
    columns = ["message_id", "channel", "status", "detail", "attempted_at"]
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).mappings().all(), columns=columns)


def subscribe_defaults(
    engine: Engine,
    usernames: Iterable[str],
    frequency: str = "daily",
    now: dt.datetime | None = None,
) -> int:
    """Give the named users who have no settings yet a subscription (the inbox only); existing
    settings are left as they are. Returns how many were added."""
    wanted = list(dict.fromkeys(usernames))
    with engine.begin() as conn:
        have = set(conn.scalars(select(SUB.c.username).where(SUB.c.username.in_(wanted))))
        rows = [{"username": u, "frequency": frequency, "language": "zh", "email": None,
                 "dingtalk": False, "updated_at": now or city_now()}
                for u in wanted if u not in have]  # fmt: skip
        if rows:
            conn.execute(insert(SUB), rows)
    return len(rows)
