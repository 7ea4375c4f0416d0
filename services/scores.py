"""Integrity points (the scores page and the overview's lists tile): the latest stored run, its
distribution, what another policy would change, saving a policy, one person's ledger."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl

from data_access.engine import get_engine
from data_access.id_number import mask_id_number
from data_access.queries import scores as queries
from data_access.queries.audit import AuditRefused, record_view
from data_access.queries.scores import FLAG_MIN_PERSONS, FLAG_RATIO
from data_access.schema.score_models import LISTS
from data_access.scope import Scope
from data_access.text import clean_text
from scoring import points_run
from scoring.points_policy import Policy, PolicyError, load_policy, parse_policy, policy_to_toml
from scoring.policy_store import current_policy, save_policy_version
from services.base import reference, service, transform

__all__ = [
    "FLAG_MIN_PERSONS", "FLAG_RATIO", "LISTS", "AuditRefused", "PolicyError", "load_policy",
    "parse_policy", "policy_to_toml",
]  # fmt: skip

by_group = transform(queries.by_group)
fairness_flags = transform(queries.fairness_flags)
mask_id_number = transform(mask_id_number)


@service("city")
def latest_run(url: str, scope: Scope, as_of: dt.date) -> dict | None:
    """The most recent run computed for an as-of date on or before `as_of` (None: none yet)."""
    return queries.latest_run(get_engine(url), scope, as_of)


@service("city")
def is_legacy_run(url: str, scope: Scope, run_id: int) -> bool:
    """A run computed before the lawful lists (data_access.queries.scores.is_legacy_run)."""
    return queries.is_legacy_run(get_engine(url), scope, run_id)


@service("city")
def distribution(url: str, scope: Scope, run_id: int, counties: tuple[str, ...]) -> pd.DataFrame:
    return queries.distribution(get_engine(url), scope, run_id, counties)


@service("city", max_entries=8)
def what_if(
    url: str, scope: Scope, run_id: int, policy_text: str, as_of: dt.date, counties: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score again with another policy without storing anything (minutes at city scale)."""
    return points_run.what_if(get_engine(url), run_id, policy_text, as_of, counties)


@reference("the points policy in force is published, no one's data", cached=False)
def policy_in_force(url: str) -> Policy:
    """The policy the next run will use: the newest saved version, else scoring/policy.toml."""
    return current_policy(get_engine(url))


@service("points_policy", cached=False)
def save_policy(
    url: str, scope: Scope, username: str, policy: Policy, version: str, note: str
) -> Policy:
    """Save edited rules as a new policy version (administrators only)."""
    return save_policy_version(get_engine(url), scope, username, policy, version, note)


@service("points_ledgers", cached=False)
def person_ledger_view(
    url: str,
    scope: Scope,
    user: dict,
    id_number: str,
    purpose_code: str,
    authorization_ref: str,
    as_of: dt.date,
) -> tuple[pl.DataFrame | None, str]:
    """One person's points ledger for an administrator, after the view is written to the query
    log (data_access.queries.audit). Returns (ledger, query_id); the ledger is None when the ID number is
    unknown (the lookup is still logged)."""
    engine = get_engine(url)
    id_number = clean_text(id_number).upper()
    with engine.begin() as conn:
        query_id = record_view(conn, user, id_number, purpose_code, authorization_ref)
    return points_run.shown_ledger(engine, id_number, as_of, current_policy(engine)), query_id
