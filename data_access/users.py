"""Dashboard users: argon2 password hashes, sign-in with lockout, and the demo accounts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select, update

from data_access import models as m
from data_access.reference import read_catalogue
from data_access.upsert import upsert_rows

DEMO_PASSWORD = "Zhoukou-2026"
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def demo_accounts() -> list[dict]:
    """One account per role, and one department head per department (dept_<code>)."""
    accounts = [
        {
            "username": "leading_office",
            "display_name": "市信用办",
            "role": "leading_office",
            "department_code": "DRC",
        },
        {
            "username": "privacy_officer",
            "display_name": "隐私保护专员",
            "role": "privacy_officer",
            "department_code": "DRC",
        },
        {
            "username": "admin",
            "display_name": "系统管理员",
            "role": "admin",
            "department_code": None,
        },
    ]
    for dept in read_catalogue("departments"):
        accounts.append(
            {
                "username": f"dept_{dept['code'].lower()}",
                "display_name": f"{dept['name_zh']}负责人",
                "role": "department_head",
                "department_code": dept["code"],
            }
        )
    return accounts


def ensure_demo_users(engine: Engine, password: str = DEMO_PASSWORD) -> int:
    """Create the demo accounts that do not exist yet; existing accounts are left as they are."""
    with engine.connect() as conn:
        existing = set(conn.scalars(select(m.DashboardUser.username)))
    new = [a for a in demo_accounts() if a["username"] not in existing]
    if not new:
        return 0
    # One hash shared by all demo accounts keeps the build fast; argon2 salts it all the same.
    shared_hash = hash_password(password)
    rows = [{**a, "password_hash": shared_hash, "failed_attempts": 0, "active": True} for a in new]
    with engine.begin() as conn:
        upsert_rows(conn, m.DashboardUser.__table__, rows, key=["username"], update=False)
    return len(rows)


@dataclass(frozen=True)
class SignInResult:
    user: dict | None  # {"username", "role", "department_code"} when signed in
    reason: str | None  # message key when refused: bad_credentials | locked


def authenticate(
    engine: Engine, username: str, password: str, now: dt.datetime | None = None
) -> SignInResult:
    """Check a password; count failures and lock the account after MAX_FAILED_ATTEMPTS."""
    now = now or dt.datetime.now()
    table = m.DashboardUser.__table__
    with engine.begin() as conn:
        row = (
            conn.execute(select(m.DashboardUser).where(m.DashboardUser.username == username))
            .mappings()
            .first()
        )
        if row is None or not row["active"]:
            return SignInResult(None, "bad_credentials")
        if row["locked_until"] is not None and row["locked_until"] > now:
            return SignInResult(None, "locked")
        try:
            _hasher.verify(row["password_hash"], password)
        except (VerificationError, InvalidHashError):
            failures = row["failed_attempts"] + 1
            values: dict = {"failed_attempts": failures}
            if failures >= MAX_FAILED_ATTEMPTS:
                values = {"failed_attempts": 0, "locked_until": now + LOCKOUT}
            conn.execute(update(table).where(table.c.username == username).values(**values))
            return SignInResult(None, "locked" if "locked_until" in values else "bad_credentials")
        conn.execute(
            update(table)
            .where(table.c.username == username)
            .values(failed_attempts=0, locked_until=None)
        )
        return SignInResult(
            {
                "username": row["username"],
                "role": row["role"],
                "department_code": row["department_code"],
                "display_name": row["display_name"],
            },
            None,
        )
