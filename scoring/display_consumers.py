"""The display check's consumers that mirror the points engine (data_access.queries.display_check).

The points engine (scoring.points_engine) counts records under the policy in scoring/policy.toml;
these two statements say, in SQL, which records it counts on a date, so the standing display
check can prove that no record past its display period, repaired or revoked gives points or puts
anyone on a list. They live here, beside the engine, because data_access never imports scoring;
every process that runs the whole check (the repair page's service, the command line, the seed
build) imports this module, and the check refuses to run without them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, and_, case, or_, select

from data_access.queries.display_check import (
    first_decided_inside,
    negative_codes,
    register_consumer,
)
from data_access.schema import models as m
from scoring.points_policy import load_policy


def _points_counted(as_of: dt.date) -> Select:
    """Records that give points: mirrors scoring.points_engine._classified (`_counts`) with the
    shipped policy (scoring/policy.toml): a counting status; a positive record of a category with
    a rule inside its window; a negative record with a severity, before display_until (or, when
    it has none, before the default period of its severity)."""
    policy = load_policy()
    c, cat = m.CreditRecord, m.RecordCategory
    severity = case((c.category_code.in_(list(policy.always_serious)), "serious"), else_=c.severity)
    default_period = [
        and_(severity == sev, c.decision_date >= first_decided_inside(as_of, months))
        for sev, months in policy.display_months.items()
    ]
    positive = and_(
        cat.polarity == "positive",
        c.category_code.in_(list(policy.positive_rules)),
        c.decision_date >= first_decided_inside(as_of, policy.positive_window_months),
    )
    negative = and_(
        cat.polarity == "negative",
        severity.in_(list(policy.severity_points)),
        or_(c.display_until > as_of, and_(c.display_until.is_(None), or_(*default_period))),
    )
    return (
        select(c.record_id)
        .join(cat, cat.code == c.category_code)
        .where(
            c.decision_date <= as_of,
            c.status.in_(list(policy.counting_statuses)),
            or_(positive, negative),
        )
    )


def _lists(as_of: dt.date) -> Select:
    """Records the lists use (red list, green channel, serious-record figure, black list):
    mirrors scoring.points_engine (`_bad`): the negative records that count on the as-of date,
    and nothing else (points-policy.md, Lists: no lookback at any other record)."""
    return _points_counted(as_of).where(m.CreditRecord.category_code.in_(negative_codes()))


register_consumer("scoring.points", _points_counted,
                  "scoring: points counted (scores page, overview)", "shows")  # fmt: skip
register_consumer("scoring.lists", _lists,
                  "scoring: red list, green channel, serious records, black list", "shows")  # fmt: skip
