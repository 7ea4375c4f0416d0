"""The personal credit file (the person page): search within the remit, open one file (each
opening written to the query log first), the user's own count of views. Never cached: every
search and every opening is a lookup of a person."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping

import pandas as pd

from data_access.engine import get_engine
from data_access.queries import person_file as pf
from data_access.queries.audit import AuditRefused
from data_access.queries.person_file import SEARCH_LIMIT, OutsideRemit, PersonFile
from data_access.scope import Scope
from scoring.points_run import shown_ledger
from scoring.policy_store import current_policy
from services.base import service

__all__ = ["SEARCH_LIMIT", "AuditRefused", "OutsideRemit", "PersonFile"]


@service("person_files", cached=False)
def search(
    url: str, scope: Scope, text: str, counties: tuple[str, ...] = ()
) -> tuple[pd.DataFrame, bool]:
    """Masked candidates for a complete ID number or a full name, within the remit."""
    return pf.search_persons(get_engine(url), scope, text, counties)


@service("person_files", cached=False)
def open_file(
    url: str,
    scope: Scope,
    user: Mapping[str, object],
    id_number: str,
    purpose_code: str,
    authorization_ref: str,
    as_of: dt.date,
) -> PersonFile:
    """Open one person's file (with the points ledger where the role may read ledgers)."""
    engine = get_engine(url)
    opened = pf.open_person_file(engine, scope, user, id_number, purpose_code, authorization_ref,
                                 as_of)  # fmt: skip
    if not scope.may_read("points_ledgers"):
        return opened
    ledger = shown_ledger(engine, opened.id_number, as_of, current_policy(engine))
    return dataclasses.replace(opened, ledger=None if ledger is None else ledger.to_pandas())


@service("person_files", cached=False)
def my_views(url: str, scope: Scope, username: str, since: dt.date | None = None) -> int:
    """How many personal-data views the signed-in user has in the query log since the date."""
    return pf.dashboard_views(get_engine(url), username, since)
