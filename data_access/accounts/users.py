"""Dashboard users: argon2 password hashes, sign-in with lockout, single-sign-on identities
mapped to users, and the demo accounts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, insert, or_, select, update

from data_access.clock import city_now
from data_access.imports.upsert import upsert_rows
from data_access.schema import models as m
from data_access.schema.account_models import AccountEvent
from data_access.schema.reference import read_catalogue

DEMO_PASSWORD = "Zhoukou-2026"
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def demo_accounts() -> list[dict]:
    """One account per role, and one department head per department (dept_<code>)."""
    accounts: list[dict[str, str | None]] = [
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
    reason: str | None  # message key when refused: bad_credentials (every password failure),
    # or must_change: the right password, but the demo one on a database where it only serves to
    # set a new password (`pending` is then the user who must do so)
    locked: bool = False  # the account is locked now (for the log and administrators only)
    pending: dict | None = None


# Verifying against this when the username is unknown or inactive makes an unknown name take as
# long as a wrong password: the answer's time does not tell which names exist.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def authenticate(
    engine: Engine,
    username: str,
    password: str,
    now: dt.datetime | None = None,
    *,
    demo_password_signs_in: bool = True,
) -> SignInResult:
    """Check a password; count failures and lock the account after MAX_FAILED_ATTEMPTS.

    Every refusal reads the same (unknown name, wrong password, locked account) and takes about
    as long (one argon2 verification), so that names cannot be enumerated. Failures are counted
    by one UPDATE ... RETURNING before the password is checked, so that parallel guesses cannot
    outrun the count; a lockout is recorded in the
    account audit and ends by itself after LOCKOUT. With `demo_password_signs_in` False (any
    database but the embedded demo) the demo password only lets its user set a new one."""
    now = now or city_now()
    table = m.DashboardUser.__table__
    with engine.connect() as conn:
        row = (
            conn.execute(select(m.DashboardUser).where(m.DashboardUser.username == username))
            .mappings()
            .first()
        )
    if row is None or not row["active"]:
        _verify(_DUMMY_HASH, password)
        return SignInResult(None, "bad_credentials")
    # Reserve the attempt before checking the password, in one atomic UPDATE ... RETURNING: of
    # any number of parallel guesses, at most MAX_FAILED_ATTEMPTS are ever checked.
    not_locked = or_(table.c.locked_until.is_(None), table.c.locked_until <= now)
    with engine.begin() as conn:
        attempt = conn.execute(
            update(table)
            .where(table.c.username == username, not_locked)
            .values(failed_attempts=table.c.failed_attempts + 1)
            .returning(table.c.failed_attempts)
        ).scalar()
    if attempt is None or attempt > MAX_FAILED_ATTEMPTS:
        _verify(_DUMMY_HASH, password)  # locked: the same time and words as any refusal
        return SignInResult(None, "bad_credentials", locked=True)
    if not _verify(row["password_hash"], password):
        if attempt < MAX_FAILED_ATTEMPTS:
            return SignInResult(None, "bad_credentials")
        with engine.begin() as conn:
            update_user(conn, username, failed_attempts=0, locked_until=now + LOCKOUT)
            record_event(conn, "system", username, "locked",
                         f"{attempt} failed attempts; until {now + LOCKOUT:%Y-%m-%d %H:%M}",
                         now=now.replace(microsecond=0))  # fmt: skip
        return SignInResult(None, "bad_credentials", locked=True)
    with engine.begin() as conn:
        update_user(conn, username, failed_attempts=0, locked_until=None)
    if password == DEMO_PASSWORD and not demo_password_signs_in:
        return SignInResult(None, "must_change", pending=_signed_in(row))
    return SignInResult(_signed_in(row), None)


def update_user(conn: Connection, username: str, **values) -> None:
    """Set columns of one dashboard_user row, in the caller's transaction."""
    table = m.DashboardUser.__table__
    conn.execute(update(table).where(table.c.username == username).values(**values))


def record_event(
    conn: Connection,
    actor: str,
    username: str,
    action: str,
    detail: str = "",
    now: dt.datetime | None = None,
) -> None:
    """One row of the account audit (account_event), in the caller's transaction."""
    conn.execute(
        insert(AccountEvent.__table__).values(
            at=now or city_now(), actor=actor[:80],
            username=username[:64], action=action, detail=detail,
        )
    )  # fmt: skip


def _verify(password_hash: str, password: str) -> bool:
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def _signed_in(row) -> dict:
    return {
        "username": row["username"],
        "role": row["role"],
        "department_code": row["department_code"],
        "display_name": row["display_name"],
    }


def identity_of(claims: Mapping[str, object]) -> str | None:
    """The identity an OIDC sign-in is known by: the e-mail in lower case when the provider gives
    one (and does not say it is unverified), else the subject. None when there is neither."""
    email = str(claims.get("email") or "").strip().lower()
    if email and claims.get("email_verified", True) is not False:
        return email
    subject = str(claims.get("sub") or "").strip()
    return subject or None


def link_identity(engine: Engine, identity: str, username: str) -> None:
    """Link a single-sign-on identity to an existing dashboard user (replacing an earlier link)."""
    identity = identity.strip().lower() if "@" in identity else identity.strip()
    if not identity:
        raise ValueError("the identity is empty")
    with engine.begin() as conn:
        exists = conn.execute(
            select(m.DashboardUser.username).where(m.DashboardUser.username == username)
        ).first()
        if exists is None:
            raise ValueError(f"no dashboard user {username!r}")
        upsert_rows(
            conn,
            m.DashboardUserIdentity.__table__,
            [{"identity": identity, "username": username}],
            key=["identity"],
        )


def user_for_identity(
    engine: Engine, identity: str | None, now: dt.datetime | None = None
) -> SignInResult:
    """Sign in by a single-sign-on identity: the linked user's role and department apply; an
    unlinked identity, an inactive or a locked user is refused like a wrong password."""
    if not identity:
        return SignInResult(None, "sso_unlinked")
    now = now or city_now()
    with engine.connect() as conn:
        row = (
            conn.execute(
                select(m.DashboardUser.__table__)
                .join(
                    m.DashboardUserIdentity,
                    m.DashboardUserIdentity.username == m.DashboardUser.username,
                )
                .where(m.DashboardUserIdentity.identity == identity)
            )
            .mappings()
            .first()
        )
    if row is None or not row["active"]:
        return SignInResult(None, "sso_unlinked")
    if row["locked_until"] is not None and row["locked_until"] > now:
        return SignInResult(None, "locked")
    return SignInResult(_signed_in(row), None)
