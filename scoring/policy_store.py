"""Saved versions of the integrity points policy: only an administrator adds one, none is altered."""

from __future__ import annotations

import dataclasses

from sqlalchemy import Engine, insert, inspect, select

from data_access.clock import city_now
from data_access.schema.score_models import PolicyVersion
from data_access.scope import Scope
from data_access.text import clean_text
from scoring.points_policy import Policy, PolicyError, load_policy, parse_policy, policy_to_toml


def save_policy_version(
    engine: Engine, scope: Scope, username: str, policy: Policy, version: str, note: str = ""
) -> Policy:
    """Store `policy` under a new version name; PermissionError unless admin, PolicyError when the
    name is empty, already used, or the rules do not pass the policy checks."""
    scope.require("points_policy")
    version, note = clean_text(version), clean_text(note)
    if not version or len(version) > 32:
        raise PolicyError("policy: a version name of 1 to 32 characters is required")
    checked = parse_policy(policy_to_toml(dataclasses.replace(policy, version=version)))
    PolicyVersion.__table__.create(engine, checkfirst=True)
    with engine.begin() as conn:
        taken = conn.execute(
            select(PolicyVersion.version).where(PolicyVersion.version == version)
        ).first()
        if taken is not None or version == load_policy().version:
            raise PolicyError(f"policy: version {version} exists already; choose a new name")
        conn.execute(
            insert(PolicyVersion),
            {"version": version, "text": checked.text, "saved_by": username,
             "saved_at": city_now(), "note": note},
        )  # fmt: skip
    return checked


def current_policy(engine: Engine) -> Policy:
    """The newest saved version, else the shipped default scoring/policy.toml."""
    if inspect(engine).has_table(PolicyVersion.__tablename__):
        with engine.connect() as conn:
            text = conn.execute(
                select(PolicyVersion.text).order_by(PolicyVersion.saved_at.desc()).limit(1)
            ).scalar()
        if text is not None:
            return parse_policy(text)
    return load_policy()


def saved_versions(engine: Engine) -> list[dict]:
    if not inspect(engine).has_table(PolicyVersion.__tablename__):
        return []
    stmt = select(
        PolicyVersion.version, PolicyVersion.saved_by, PolicyVersion.saved_at, PolicyVersion.note
    ).order_by(PolicyVersion.saved_at.desc())
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]
