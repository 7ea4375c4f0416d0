"""Administration of dashboard accounts: the password rule, creating users, setting passwords,
disabling, enabling and unlocking, the account list an administrator sees, and the audit of
every change (account_event). Used by `python -m data_access users` and the accounts page.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select, update

from data_access.accounts.users import DEMO_PASSWORD, hash_password, record_event, update_user
from data_access.clock import city_now
from data_access.schema import models as m
from data_access.schema.account_models import AccountEvent, UserSession

MIN_PASSWORD_LENGTH = 12
MIN_CHARACTER_CLASSES = 3  # of: lower case, upper case, digits, other (punctuation, Chinese ...)
USERNAME = re.compile(r"[a-z0-9][a-z0-9_.-]{2,63}")
PASSWORD_RULE = (
    f"at least {MIN_PASSWORD_LENGTH} characters, of at least {MIN_CHARACTER_CLASSES} kinds "
    "(lower case, upper case, digits, other signs), not containing the username, not the demo "
    "password"
)


class AccountError(ValueError):
    """An account change that may not be made; the message says why, in plain words, and `code`
    names the reason for translated messages on the page."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with a new password (empty when it may be used): the documented rule."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"shorter than {MIN_PASSWORD_LENGTH} characters")
    classes = {
        "lower": any(c.islower() for c in password),
        "upper": any(c.isupper() for c in password),
        "digit": any(c.isdigit() for c in password),
        "other": any(not c.isalnum() or unicodedata.category(c) == "Lo" for c in password),
    }
    if sum(classes.values()) < MIN_CHARACTER_CLASSES:
        problems.append(
            f"uses fewer than {MIN_CHARACTER_CLASSES} kinds of characters (lower case, upper "
            "case, digits, other signs)"
        )
    if username and username.lower() in password.lower():
        problems.append("contains the username")
    if password == DEMO_PASSWORD:
        problems.append("is the demo password")
    if len(set(password)) < 5:
        problems.append("repeats too few different characters")
    return problems


def _now() -> dt.datetime:
    return city_now()


def _checked_password(password: str, username: str) -> str:
    problems = password_problems(password, username)
    if problems:
        raise AccountError(
            "password_rule", f"the password {'; '.join(problems)} (rule: {PASSWORD_RULE})"
        )
    return hash_password(password)


def _existing(conn: Connection, username: str) -> dict:
    row = (
        conn.execute(select(m.DashboardUser.__table__).where(m.DashboardUser.username == username))
        .mappings()
        .first()
    )
    if row is None:
        raise AccountError("no_user", f"there is no user {username!r}")
    return dict(row)


def add_user(
    engine: Engine,
    username: str,
    role: str,
    password: str,
    *,
    department_code: str | None = None,
    display_name: str | None = None,
    actor: str,
) -> None:
    """Create an account. A department head needs a department; the other roles may name one
    (the city credit office, DRC, when none is given for the leading office and privacy officers)."""
    username = username.strip()
    if not USERNAME.fullmatch(username):
        raise AccountError(
            "username_format",
            f"username {username!r}: 3 to 64 characters, lower-case letters, digits and . _ -, "
            "starting with a letter or digit",
        )
    if role not in m.ROLES:
        raise AccountError("role", f"role {role!r}: one of {', '.join(m.ROLES)}")
    department_code = (department_code or "").strip().upper() or None
    if role == "department_head" and department_code is None:
        raise AccountError("department_needed", "a department head needs --department CODE")
    if role in ("leading_office", "privacy_officer") and department_code is None:
        department_code = "DRC"
    password_hash = _checked_password(password, username)
    with engine.begin() as conn:
        if department_code is not None:
            known = conn.execute(
                select(m.Department.code).where(m.Department.code == department_code)
            ).first()
            if known is None:
                raise AccountError(
                    "department_unknown", f"department {department_code!r} is not in the catalogue"
                )
        taken = conn.execute(
            select(m.DashboardUser.username).where(
                func.lower(m.DashboardUser.username) == username.lower()
            )
        ).first()
        if taken is not None:
            raise AccountError("taken", f"the username {username!r} is taken")
        conn.execute(
            insert(m.DashboardUser.__table__).values(
                username=username, display_name=(display_name or username).strip()[:64],
                role=role, department_code=department_code, password_hash=password_hash,
                failed_attempts=0, active=True,
            )
        )  # fmt: skip
        detail = f"role {role}" + (f", department {department_code}" if department_code else "")
        record_event(conn, actor, username, "created", detail)


def set_password(engine: Engine, username: str, password: str, *, actor: str) -> None:
    """A new password (checked against the rule); unlocks the account and ends its sessions."""
    password_hash = _checked_password(password, username)
    with engine.begin() as conn:
        _existing(conn, username)
        update_user(
            conn, username, password_hash=password_hash, failed_attempts=0, locked_until=None
        )
        _end_sessions(conn, username, "new password")
        record_event(conn, actor, username, "password", "set by the user himself or herself"
                     if actor == username else "set by an administrator")  # fmt: skip


def set_active(engine: Engine, username: str, active: bool, *, actor: str) -> None:
    """Disable (its sessions end at once) or enable an account. No one disables themselves."""
    if not active and actor == username:
        raise AccountError("self_disable", "you cannot disable your own account")
    table = m.DashboardUser.__table__
    with engine.begin() as conn:
        row = _existing(conn, username)
        if not active and row["role"] == "admin" and row["active"]:
            admins = conn.execute(
                select(func.count())
                .select_from(table)
                .where(table.c.role == "admin", table.c.active.is_(True))
            ).scalar_one()
            if admins <= 1:
                raise AccountError("last_admin", "the last active administrator cannot be disabled")
        update_user(conn, username, active=active)
        if not active:
            _end_sessions(conn, username, "disabled")
        record_event(conn, actor, username, "enabled" if active else "disabled")


def unlock(engine: Engine, username: str, *, actor: str) -> None:
    """Lift a lockout before it expires by itself."""
    with engine.begin() as conn:
        _existing(conn, username)
        update_user(conn, username, failed_attempts=0, locked_until=None)
        record_event(conn, actor, username, "unlocked")


def _end_sessions(conn: Connection, username: str, because: str) -> None:
    s = UserSession.__table__
    conn.execute(
        update(s)
        .where(s.c.username == username, s.c.revoked_at.is_(None))
        .values(revoked_at=_now(), ended_because=because)
    )


@dataclass(frozen=True)
class AccountRow:
    username: str
    display_name: str
    role: str
    department_code: str | None
    active: bool
    locked_until: dt.datetime | None
    failed_attempts: int
    last_sign_in: dt.datetime | None


def list_accounts(engine: Engine, now: dt.datetime | None = None) -> pd.DataFrame:
    """Every account with its state: active, locked (until when; a lock past its time is shown
    as not locked), failed attempts since the last success, and the last sign-in."""
    now = now or city_now()
    u, s = m.DashboardUser, UserSession
    last = (
        select(s.username, func.max(s.created_at).label("last_sign_in"))
        .group_by(s.username)
        .subquery()
    )
    stmt = (
        select(
            u.username,
            u.display_name,
            u.role,
            u.department_code,
            u.active,
            u.locked_until,
            u.failed_attempts,
            last.c.last_sign_in,
        )  # fmt: skip
        .outerjoin(last, last.c.username == u.username)
        .order_by(u.role, u.username)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=list(AccountRow.__annotations__))
    locked = frame["locked_until"].map(lambda t: t is not None and t > now)
    frame["locked"] = locked.astype(bool)
    frame.loc[~frame["locked"], "locked_until"] = None
    return frame


def has_active_accounts(engine: Engine) -> bool:
    """False on a database with no usable account yet (made by `init` and imports alone)."""
    with engine.connect() as conn:
        found = conn.execute(
            select(m.DashboardUser.username).where(m.DashboardUser.active.is_(True)).limit(1)
        ).first()
    return found is not None


def account_events(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """The newest changes to accounts, newest first."""
    e = AccountEvent
    stmt = (
        select(e.at, e.actor, e.username, e.action, e.detail)
        .order_by(e.at.desc(), e.event_id.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return pd.DataFrame(
            conn.execute(stmt).all(), columns=["at", "actor", "username", "action", "detail"]
        )
