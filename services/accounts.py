"""Dashboard accounts (the administrators' accounts page): the list, the change log, and the
changes, each recorded with its actor (data_access.accounts.user_admin). Never cached."""

from __future__ import annotations

import pandas as pd

from data_access.accounts import user_admin as ua
from data_access.accounts.user_admin import AccountError
from data_access.engine import get_engine
from data_access.schema.models import ROLES
from data_access.scope import Scope
from services.base import service

__all__ = ["ROLES", "AccountError"]


@service("accounts", cached=False)
def accounts(url: str, scope: Scope) -> pd.DataFrame:
    return ua.list_accounts(get_engine(url))


@service("accounts", cached=False)
def account_events(url: str, scope: Scope, limit: int = 200) -> pd.DataFrame:
    return ua.account_events(get_engine(url), limit)


@service("accounts", cached=False)
def add_user(
    url: str,
    scope: Scope,
    username: str,
    role: str,
    password: str,
    *,
    department_code: str | None,
    display_name: str | None,
    actor: str,
) -> None:
    ua.add_user(get_engine(url), username, role, password, department_code=department_code,
                display_name=display_name, actor=actor)  # fmt: skip


@service("accounts", cached=False)
def set_password(url: str, scope: Scope, username: str, *, password: str, actor: str) -> None:
    ua.set_password(get_engine(url), username, password, actor=actor)


@service("accounts", cached=False)
def set_active(url: str, scope: Scope, username: str, *, active: bool, actor: str) -> None:
    ua.set_active(get_engine(url), username, active, actor=actor)


@service("accounts", cached=False)
def unlock(url: str, scope: Scope, username: str, *, actor: str) -> None:
    ua.unlock(get_engine(url), username, actor=actor)
