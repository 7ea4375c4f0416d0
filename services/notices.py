"""Notices on the dashboard: the signed-in user's inbox (messages, unread count, mark read) and
digest subscription. Never cached: a message marked read or a setting saved shows at once.
Every call names the user whose messages it reads; the page passes the signed-in user's name
(the queries never read another user's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from data_access.engine import get_engine
from data_access.queries import notices as queries
from data_access.queries.notices import NoticeError
from data_access.schema.notice_models import FREQUENCIES, NOTICE_LANGUAGES
from data_access.scope import Scope
from services.base import service

__all__ = ["FREQUENCIES", "NOTICE_LANGUAGES", "NoticeError"]


@service("notices", cached=False)
def messages(url: str, scope: Scope, username: str) -> pd.DataFrame:
    """The user's messages, newest first."""
    return queries.messages(get_engine(url), scope, username)


@service("notices", cached=False)
def unread(url: str, scope: Scope, username: str) -> int:
    return queries.unread_count(get_engine(url), scope, username)


@service("notices", cached=False)
def mark_read(
    url: str, scope: Scope, username: str, message_ids: Sequence[int] | None = None
) -> int:
    """Mark the user's messages read (the given ones, or every unread one)."""
    return queries.mark_read(get_engine(url), scope, username, message_ids)


@service("notices", cached=False)
def subscription(url: str, scope: Scope, username: str) -> dict[str, Any]:
    return queries.subscription(get_engine(url), scope, username)


@service("notices", cached=False)
def save_subscription(
    url: str,
    scope: Scope,
    username: str,
    frequency: str,
    language: str,
    email: str | None,
    dingtalk: bool,
) -> None:
    """Save the user's settings (NoticeError with a code for a refused value)."""
    queries.save_subscription(get_engine(url), scope, username, frequency=frequency,
                              language=language, email=email, dingtalk=dingtalk)  # fmt: skip


@service("notices", cached=False)
def deliveries(url: str, scope: Scope, username: str) -> pd.DataFrame:
    """Every e-mail and DingTalk send of the user's messages, with its outcome."""
    return queries.deliveries(get_engine(url), scope, username)
