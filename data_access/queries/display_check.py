"""The standing display check: no record past its display period is shown or counted anywhere.

A *consumer* is a place that shows, counts or uses credit records, described by a function
`as_of -> Select` returning the record_id of every record it would show or count on that date
(whole city, no filters). The registry names every consumer known (the list at the end of this
module); a module that adds a new place calls `register_consumer(name, statement_builder, where)`
at import, or adds a line to that list (which imports it lazily, as for person_file).

`display_check(engine, as_of)` runs each consumer's statement and keeps the records that may not
be shown or counted on the as-of date (`not_displayable`): revoked records, and negative records
that are repaired, past their display period (display_until <= as-of), without a display period,
or in any status other than active / under objection. This is the complement of
data_access.queries.display_period.displayed_record_conditions for records decided by the as-of date. The
figure must be zero; when it is not, the result says which records and where.

Two kinds of consumer: `shows` (the record is shown, or counted in a figure: the standing check,
must be zero) and `uses` (a rule decides something about a person from the record without showing
or counting it), checked the same way and shown apart. Since policy 2026.2 no rule of the product
is of the second kind: the lists (red list, green channel, serious-record figure, black list) use
only records that count, and are checked with the rest in the must-be-zero figure.

Not registered, on purpose: counts *of* expired records as such (the coverage page's expired
share, this check itself) — they report on the rule, they do not show or use the records.

A consumer that mirrors a computation done outside SQL (the points engine, in polars) rebuilds
its rule from the shipped policy (scoring/policy.toml); its docstring says which code it mirrors,
and tests/test_repair.py checks it against the ledger. It ignores adulthood (a superset: minors'
records are not scored, and a superset can only find more).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Select, and_, case, func, or_, select

from data_access.queries.display_period import DISPLAYED_STATUSES, add_months
from data_access.queries.repair import CITY_SCOPE, expiring_statement
from data_access.schema import models as m
from data_access.scope import Scope

StatementBuilder = Callable[[dt.date], Select]
SAMPLE = 20
REASONS = ("expired", "repaired", "revoked", "no_display_period", "other_status")
CHECK_COLUMNS = ["consumer", "kind", "where", "records", *REASONS, "sample_record_ids"]
CONSUMER_KINDS = ("shows", "uses")


@dataclass(frozen=True)
class Consumer:
    name: str  # stable key; the repair page labels it (repair.consumer.<name>)
    where: str  # the page or module, in plain words (shown when no label exists)
    statement: StatementBuilder
    kind: str = "shows"  # shows (shown or counted) | uses (a rule about a person uses it)


_REGISTRY: dict[str, Consumer] = {}
# registered by scoring.display_consumers (the engine's rules live in scoring, which this package
# never imports); every process that runs the whole check imports that module first
REQUIRED_CONSUMERS = ("scoring.points", "scoring.lists")


def register_consumer(
    name: str, statement_builder: StatementBuilder, where: str = "", kind: str = "shows"
) -> None:
    """Add (or replace, by name) a place that shows or counts records (kind "shows") or uses them
    in a rule about a person (kind "uses"). statement_builder(as_of) returns a Select whose first
    column is credit_record.record_id of every record the place would show, count or use on that
    date."""
    if kind not in CONSUMER_KINDS:
        raise ValueError(f"kind must be one of {CONSUMER_KINDS}")
    _REGISTRY[name] = Consumer(name, where or name, statement_builder, kind)


def registered_consumers() -> list[Consumer]:
    return list(_REGISTRY.values())


# --------------------------------------------------------------------------- the rule


def negative_codes():
    return select(m.RecordCategory.code).where(m.RecordCategory.polarity == "negative")


def not_displayable(as_of: dt.date) -> ColumnElement[bool]:
    """A record that may not be shown or counted on the as-of date (see the module docstring)."""
    c = m.CreditRecord
    return or_(
        c.status == "revoked",
        and_(
            c.category_code.in_(negative_codes()),
            or_(
                c.display_until.is_(None),
                c.display_until <= as_of,
                c.status.not_in(DISPLAYED_STATUSES),
            ),
        ),
    )


def _reason(as_of: dt.date):
    c = m.CreditRecord
    return case(
        (c.status == "revoked", "revoked"),
        (c.status == "repaired", "repaired"),
        (c.display_until.is_(None), "no_display_period"),
        (c.display_until <= as_of, "expired"),
        else_="other_status",
    )


def display_check(
    engine: Engine,
    as_of: dt.date,
    scope: Scope = CITY_SCOPE,
    counties: Sequence[str] = (),
    consumers: Sequence[Consumer] | None = None,
    sample: int = SAMPLE,
) -> pd.DataFrame:
    """Per consumer (CHECK_COLUMNS): the records it would show or count on the as-of date that
    may not be (records), split by reason, and up to `sample` of their record_ids. A department
    head sees only records their department reported; counties narrow to persons living there."""
    if consumers is None and not set(REQUIRED_CONSUMERS) <= set(_REGISTRY):
        raise RuntimeError(
            "the points consumers are not registered: import scoring.display_consumers first"
        )
    c = m.CreditRecord
    dept = scope.department("repair")
    extra = []
    if dept is not None:
        extra.append(c.source_dept == dept)
    if counties:
        extra.append(
            c.id_number.in_(
                select(m.Person.id_number).where(m.Person.county_code.in_(list(counties)))
            )
        )
    rows = []
    with engine.connect() as conn:
        for consumer in registered_consumers() if consumers is None else consumers:
            shown = consumer.statement(as_of).subquery()
            conditions = [
                c.record_id.in_(select(list(shown.c)[0])),
                c.decision_date <= as_of,
                not_displayable(as_of),
                *extra,
            ]
            reason = _reason(as_of).label("reason")
            counts: dict[str, int] = dict(
                conn.execute(select(reason, func.count()).where(*conditions).group_by(reason)).all()
            )
            ids = conn.scalars(
                select(c.record_id).where(*conditions).order_by(c.record_id).limit(sample)
            ).all()
            rows.append({
                "consumer": consumer.name,
                "kind": consumer.kind,
                "where": consumer.where,
                "records": int(sum(counts.values())),
                **{r: int(counts.get(r, 0)) for r in REASONS},
                "sample_record_ids": ", ".join(ids),
            })  # fmt: skip
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


# --------------------------------------------------------------------------- the known places


def first_decided_inside(as_of: dt.date, months: int) -> dt.date:
    """The earliest decision date d with as_of < add_months(d, months): the window rule of the
    points engine (scoring.points_rules.window_end), as a lower bound on decision_date."""
    day = add_months(as_of, -months)
    while add_months(day, months) <= as_of:
        day += dt.timedelta(days=1)
    return day


def _coverage_domain_records(as_of: dt.date) -> Select:
    """data_access.queries.coverage.domain_records and its breakdowns (the same conditions, any start)."""
    from data_access.queries import coverage as cv

    conditions = cv._visible_domain_records(CITY_SCOPE, as_of, dt.date(1, 1, 1), (), None)
    return (
        select(m.CreditRecord.record_id)
        .join(m.RecordCategory, m.RecordCategory.code == m.CreditRecord.category_code)
        .where(*conditions)
    )


def _coverage_negative(as_of: dt.date) -> Select:
    """Negative records per 1,000 (professions, population): coverage.displayed_negative."""
    from data_access.queries import coverage as cv

    return select(m.CreditRecord.record_id).where(*cv.displayed_negative(as_of))


def _coverage_positive(as_of: dt.date) -> Select:
    """Positive records per 1,000: coverage.recent_positive."""
    from data_access.queries import coverage as cv

    return select(m.CreditRecord.record_id).where(*cv.recent_positive(as_of))


def _coverage_displayed_and_expiring(as_of: dt.date) -> Select:
    """Displayed / expiring counts per domain: mirrors coverage.domain_display_status."""
    from data_access.queries import coverage as cv

    c = m.CreditRecord
    return select(c.record_id).where(
        c.category_code.in_(negative_codes()),
        c.decision_date <= as_of,
        c.status != "revoked",
        c.display_until > as_of,
        c.status.in_(cv.DISPLAYED_STATUSES),
    )


def _coverage_with_file(as_of: dt.date) -> Select:
    """Credit files of practitioners: mirrors the qualification subquery of
    coverage.roster_counts (QUALIFICATION records decided by the as-of date, not revoked)."""
    from data_access.queries import coverage as cv

    c = m.CreditRecord
    return select(c.record_id).where(
        c.category_code == cv.QUALIFICATION, c.decision_date <= as_of, c.status != "revoked"
    )


def _person_file(as_of: dt.date) -> Select:
    """The personal credit file's records (and the applications and ledger lines on them)."""
    from data_access.queries import person_file

    return person_file.displayed_records_statement(as_of)


def _scores_ledger(as_of: dt.date) -> Select:
    """The points ledger on the scores page (data_access.queries.scores.person_ledger_view): a line per
    positive or negative record, kept only when the personal file may show the record
    (person_file.shown_ledger)."""
    from data_access.queries import person_file

    c, cat = m.CreditRecord, m.RecordCategory
    return (
        select(c.record_id)
        .join(cat, cat.code == c.category_code)
        .where(
            cat.polarity.in_(("positive", "negative")),
            *person_file.shown_record_conditions(as_of),
        )
    )


for _name, _builder, _where, _kind in (
    ("coverage.domain_records", _coverage_domain_records,
     "pages/coverage.py: domain records and breakdowns", "shows"),
    ("coverage.negative_rates", _coverage_negative,
     "pages/coverage.py: negative records per 1,000", "shows"),
    ("coverage.positive_rates", _coverage_positive,
     "pages/coverage.py: positive records per 1,000", "shows"),
    ("coverage.display_status", _coverage_displayed_and_expiring,
     "pages/coverage.py: displayed and expiring per domain", "shows"),
    ("coverage.with_file", _coverage_with_file, "pages/coverage.py: practitioners with a file",
     "shows"),
    ("repair.expiring", expiring_statement, "pages/repair.py: display ends in 30 days", "shows"),
    ("person_file", _person_file, "pages/person.py: the personal credit file", "shows"),
    ("scores.ledger", _scores_ledger, "pages/scores.py: a person's points ledger", "shows"),
):  # fmt: skip
    register_consumer(_name, _builder, _where, _kind)
