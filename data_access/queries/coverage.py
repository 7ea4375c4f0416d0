"""Coverage of the key professions and the key domains: database queries, scoped in SQL.

Every function takes the reader's Scope and restricts professions (profession.responsible_dept)
and domains (domain.lead_dept) in the WHERE clause: a department head gets only what their
department answers for, the leading-group office and the administrator get everything, any other
role gets nothing. Codes passed by the caller (`professions=`, `domains=`) can only narrow that
scope, never widen it. The county filter (empty = the whole city) restricts persons by
person.county_code.

Everything is aggregated in the database (GROUP BY, COUNT DISTINCT): no query returns a row per
person or per record. Measures are defined in `DEFINITIONS`; the arithmetic on the aggregates
(rates, gaps, small cells) lives in `coverage_measures`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Engine,
    and_,
    case,
    distinct,
    extract,
    func,
    literal,
    or_,
    select,
)

from data_access.queries.display_period import add_months
from data_access.schema import models as m
from data_access.scope import Scope

QUALIFICATION = "QUALIFICATION"
DISPLAYED_STATUSES = ("active", "objection")
UPDATE_MONTHS = 12
POSITIVE_MONTHS = 36
ADULT_YEARS = 18
EXPIRING_DAYS = 30
DEFAULT_TARGET = 0.95

# measure -> its definition. The interface shows the same definitions from its catalogues
# (ui.coverage_display.DEFINITION_TEXT, "cov.def.<measure>"); tests check both exist for each.
DEFINITIONS: dict[str, str] = {
    "current": "Current practitioners: distinct persons on the profession's roster with "
    "valid_from <= as-of and (valid_to empty or valid_to >= as-of).",
    "with_file": "With a credit file: current practitioners for whom the profession's responsible "
    "department has reported a QUALIFICATION record (source_dept = responsible_dept) decided on "
    "or before the as-of date and not revoked.",
    "coverage": "Coverage = with a credit file / current practitioners.",
    "updated": "Updated in the last 12 months: current practitioners whose latest such "
    "QUALIFICATION record was decided in the 12 months up to the as-of date (on or after the "
    "same day 12 months earlier); the share is of current practitioners.",
    "negative_per_1000": "Negative records per 1,000: negative records displayed on the as-of "
    "date (decision_date <= as-of < display_until, status active or under objection) held by "
    "the group, per 1,000 persons of the group.",
    "positive_per_1000": "Positive records per 1,000: positive records decided in the 3 years up "
    "to the as-of date (not revoked) held by the group, per 1,000 persons of the group.",
    "population": "General population: residents aged 18 or over on the as-of date (birth date "
    "known) in the selected counties; the reference for the rates per 1,000.",
    "target": "Target: the coverage every profession should reach (95 % unless changed on the "
    "page).",
    "gap": "Gap: persons still to be given a file to reach the target, "
    "max(0, ceil(target x current) - with a file); totals add the gaps of each profession "
    "(or county), a surplus in one does not offset a shortfall in another.",
    "domain_records": "Domain records: credit records of the domain decided in the chosen months "
    "up to the as-of date; positive and neutral records unless revoked, negative records only "
    "while displayed on the as-of date. Records past their display period, repaired or revoked "
    "are never shown; they are only counted in the expired share.",
    "expired_share": "Expired share: negative records of the domain (decided on or before the "
    "as-of date, not revoked) whose display period has ended (display_until <= as-of), as a "
    "share of all of them.",
    "expiring": "Expiring in 30 days: negative records displayed on the as-of date whose display "
    "period ends in the next 30 days (as-of < display_until <= as-of + 30 days).",
    "small_cells": "Small cells: figures about the members of a group of 1 to 4 persons show as "
    "<5 and their rates are not shown, so no individual can be singled out; the size of the "
    "group, and figures about groups of 5 or more, are shown.",
}

PROFESSION_COLUMNS = ["code", "name_zh", "name_en", "responsible_dept"]
DOMAIN_COLUMNS = ["code", "name_zh", "name_en", "lead_dept"]
ROSTER_COLUMNS = [
    "profession_code",
    "county_code",
    "current",
    "with_file",
    "updated",
    "negative_records",
    "negative_persons",
    "positive_records",
    "positive_persons",
]
POPULATION_COLUMNS = [
    "adults",
    "negative_records",
    "negative_persons",
    "positive_records",
    "positive_persons",
]


# --------------------------------------------------------------------------- scope in SQL


def profession_conditions(
    scope: Scope, professions: Sequence[str] | None = None
) -> list[ColumnElement[bool]]:
    """Conditions on the profession table: the scope, narrowed to the requested codes if any."""
    conditions = [scope.profession_condition()]
    if professions is not None:
        conditions.append(m.Profession.code.in_(list(professions)))
    return conditions


def domain_conditions(
    scope: Scope, domains: Sequence[str] | None = None
) -> list[ColumnElement[bool]]:
    """Conditions on the domain table: the scope, narrowed to the requested codes if any."""
    conditions = [scope.domain_condition()]
    if domains is not None:
        conditions.append(m.Domain.code.in_(list(domains)))
    return conditions


def _county_conditions(counties: Sequence[str]) -> list[ColumnElement[bool]]:
    return [m.Person.county_code.in_(list(counties))] if counties else []


def scoped_professions(
    engine: Engine, scope: Scope, professions: Sequence[str] | None = None
) -> pd.DataFrame:
    """The professions in scope: code, name_zh, name_en, responsible_dept (ordered by code)."""
    stmt = (
        select(*(getattr(m.Profession, c) for c in PROFESSION_COLUMNS))
        .where(*profession_conditions(scope, professions))
        .order_by(m.Profession.code)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=PROFESSION_COLUMNS)


def scoped_domains(
    engine: Engine, scope: Scope, domains: Sequence[str] | None = None
) -> pd.DataFrame:
    """The domains in scope: code, name_zh, name_en, lead_dept (ordered by code)."""
    stmt = (
        select(*(getattr(m.Domain, c) for c in DOMAIN_COLUMNS))
        .where(*domain_conditions(scope, domains))
        .order_by(m.Domain.code)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=DOMAIN_COLUMNS)


# --------------------------------------------------------------------------- record conditions


def _codes_of_polarity(polarity: str):
    return select(m.RecordCategory.code).where(m.RecordCategory.polarity == polarity)


def displayed_negative(as_of: dt.date) -> list[ColumnElement[bool]]:
    """A negative record displayed on the as-of date."""
    return [
        m.CreditRecord.category_code.in_(_codes_of_polarity("negative")),
        m.CreditRecord.decision_date <= as_of,
        m.CreditRecord.display_until > as_of,
        m.CreditRecord.status.in_(DISPLAYED_STATUSES),
    ]


def recent_positive(as_of: dt.date) -> list[ColumnElement[bool]]:
    """A positive record decided in the POSITIVE_MONTHS up to the as-of date, not revoked."""
    return [
        m.CreditRecord.category_code.in_(_codes_of_polarity("positive")),
        m.CreditRecord.decision_date >= add_months(as_of, -POSITIVE_MONTHS),
        m.CreditRecord.decision_date <= as_of,
        m.CreditRecord.status != "revoked",
    ]


def adult_condition(as_of: dt.date) -> ColumnElement[bool]:
    """Aged ADULT_YEARS or more on the as-of date (an unknown birth date is not counted)."""
    return m.Person.birth_date <= add_months(as_of, -12 * ADULT_YEARS)


# --------------------------------------------------------------------------- professions


def current_on_roster(as_of: dt.date) -> list[ColumnElement[bool]]:
    """Roster entries in force on the as-of date (valid_to, when given, is the last day)."""
    r = m.RosterEntry
    return [r.valid_from <= as_of, or_(r.valid_to.is_(None), r.valid_to >= as_of)]


def roster_counts(
    engine: Engine,
    scope: Scope,
    as_of: dt.date,
    counties: Sequence[str] = (),
    professions: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Per profession and county (of residence): current practitioners, those with a file, those
    updated in the last 12 months, and the positive / negative records they hold (records and
    distinct persons). One aggregated row per (profession, county) that has practitioners.

    Counts are of distinct persons, so they add up over counties (a person lives in one county).
    """
    r, p, c = m.RosterEntry, m.Profession, m.CreditRecord
    current = (
        select(r.profession_code, r.id_number, p.responsible_dept, m.Person.county_code)
        .join(p, p.code == r.profession_code)
        .join(m.Person, m.Person.id_number == r.id_number)
        .where(
            *current_on_roster(as_of),
            *profession_conditions(scope, professions),
            *_county_conditions(counties),
        )
        .distinct()
        .cte("current_practitioner")
    )
    members = select(current.c.id_number)
    qualification = (
        select(c.id_number, c.source_dept, func.max(c.decision_date).label("latest"))
        .where(
            c.category_code == QUALIFICATION,
            c.decision_date <= as_of,
            c.status != "revoked",
            c.source_dept.in_(select(current.c.responsible_dept)),
            c.id_number.in_(members),
        )
        .group_by(c.id_number, c.source_dept)
        .subquery("qualification")
    )
    negative = _records_per_person(displayed_negative(as_of), members, "negative")
    positive = _records_per_person(recent_positive(as_of), members, "positive")
    update_cutoff = add_months(as_of, -UPDATE_MONTHS)
    stmt = (
        select(
            current.c.profession_code,
            current.c.county_code,
            func.count().label("current"),
            func.count(qualification.c.latest).label("with_file"),
            func.sum(case((qualification.c.latest >= update_cutoff, 1), else_=0)).label("updated"),
            func.coalesce(func.sum(negative.c.n), 0).label("negative_records"),
            func.count(negative.c.n).label("negative_persons"),
            func.coalesce(func.sum(positive.c.n), 0).label("positive_records"),
            func.count(positive.c.n).label("positive_persons"),
        )
        .select_from(current)
        .outerjoin(
            qualification,
            and_(
                qualification.c.id_number == current.c.id_number,
                qualification.c.source_dept == current.c.responsible_dept,
            ),
        )
        .outerjoin(negative, negative.c.id_number == current.c.id_number)
        .outerjoin(positive, positive.c.id_number == current.c.id_number)
        .group_by(current.c.profession_code, current.c.county_code)
        .order_by(current.c.profession_code, current.c.county_code)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=ROSTER_COLUMNS)
    return as_int(frame, ROSTER_COLUMNS[2:])


ADULT_STUDENT = "ADULT_STUDENT"
STUDENT_CATEGORIES = ("ACADEMIC_MISCONDUCT", "STUDENT_LOAN_DEFAULT")


def student_records(
    engine: Engine, scope: Scope, as_of: dt.date, counties: Sequence[str] = ()
) -> pd.DataFrame:
    """The records of the opinion's student integrity files (二.五.5) held by current adult
    students: per category of STUDENT_CATEGORIES, the displayed records and the students holding
    them. A scope that does not answer for adult students (only the education bureau, the leading
    office and administrators do) counts none."""
    r, c = m.RosterEntry, m.CreditRecord
    # the holder a current adult student, asked per record (EXISTS): SQLite otherwise walked
    # every adult student of the city into the records' person index (0.5 s), where the two
    # categories hold a few thousand records
    a_student = (
        select(literal(1))
        .select_from(r)
        .join(m.Profession, m.Profession.code == r.profession_code)
        .join(m.Person, m.Person.id_number == r.id_number)
        .where(
            r.id_number == c.id_number,
            *current_on_roster(as_of),
            *profession_conditions(scope, [ADULT_STUDENT]),
            *_county_conditions(counties),
        )
        .exists()
    )
    stmt = (
        select(
            c.category_code,
            func.count().label("records"),
            func.count(c.id_number.distinct()).label("students"),
        )  # fmt: skip
        .where(
            c.category_code.in_(STUDENT_CATEGORIES),
            a_student,
            *displayed_negative(as_of),
        )
        .group_by(c.category_code)
    )
    with engine.connect() as conn:
        found = {row[0]: row[1:] for row in conn.execute(stmt).all()}
    frame = pd.DataFrame(
        [(code, *found.get(code, (0, 0))) for code in STUDENT_CATEGORIES],
        columns=["category_code", "records", "students"],
    )
    return as_int(frame, ["records", "students"])


def _records_per_person(conditions, members, name: str):
    c = m.CreditRecord
    return (
        select(c.id_number, func.count().label("n"))
        .where(*conditions, c.id_number.in_(members))
        .group_by(c.id_number)
        .subquery(name)
    )


def population_counts(engine: Engine, as_of: dt.date, counties: Sequence[str] = ()) -> pd.Series:
    """The general population (adults in the selected counties) and the records they hold:
    adults, negative_records / negative_persons (displayed on the as-of date), positive_records /
    positive_persons (last 3 years). Not scoped: a city-wide reference, no department's data."""
    by_county = population_by_county(engine, as_of, counties)
    return pd.Series(
        [int(by_county[name].sum()) for name in POPULATION_COLUMNS], index=POPULATION_COLUMNS
    )


def population_by_county(
    engine: Engine, as_of: dt.date, counties: Sequence[str] = ()
) -> pd.DataFrame:
    """`population_counts` per county (all, or the selected ones), and `residents` (every person
    of the county in the register, of any age): one row per county with residents. Distinct
    persons add up over counties: a person lives in one."""
    adult = [adult_condition(as_of), *_county_conditions(counties)]
    c, p = m.CreditRecord, m.Person

    def held(conditions, label: str):
        return (
            select(
                p.county_code,
                func.count().label(f"{label}_records"),
                func.count(distinct(c.id_number)).label(f"{label}_persons"),
            )
            .join(p, p.id_number == c.id_number)
            .where(*conditions, *adult)
            .group_by(p.county_code)
        )

    adults = (
        select(p.county_code, func.count().label("adults")).where(*adult).group_by(p.county_code)
    )
    residents = (
        select(p.county_code, func.count().label("residents"))
        .where(*_county_conditions(counties))
        .group_by(p.county_code)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(adults).all(), columns=["county_code", "adults"])
        everyone = pd.DataFrame(conn.execute(residents).all(), columns=["county_code", "residents"])
        frame = everyone.merge(frame, on="county_code", how="left")
        for label, conditions in (
            ("negative", displayed_negative(as_of)),
            ("positive", recent_positive(as_of)),
        ):
            part = pd.DataFrame(
                conn.execute(held(conditions, label)).all(),
                columns=["county_code", f"{label}_records", f"{label}_persons"],
            )
            frame = frame.merge(part, on="county_code", how="left")
    frame = frame.sort_values("county_code", ignore_index=True)
    return as_int(frame, ["residents", *POPULATION_COLUMNS])


# --------------------------------------------------------------------------- domains


def _visible_domain_records(
    scope: Scope,
    as_of: dt.date,
    start: dt.date,
    counties: Sequence[str],
    domains: Sequence[str] | None,
) -> list[ColumnElement[bool]]:
    """Records of the scoped domains decided in [start, as-of] that may be shown: positive and
    neutral unless revoked, negative only while displayed on the as-of date."""
    c, cat = m.CreditRecord, m.RecordCategory
    conditions = [
        c.domain_code.in_(select(m.Domain.code).where(*domain_conditions(scope, domains))),
        c.decision_date >= start,
        c.decision_date <= as_of,
        or_(
            and_(cat.polarity != "negative", c.status != "revoked"),
            and_(
                cat.polarity == "negative",
                c.display_until > as_of,
                c.status.in_(DISPLAYED_STATUSES),
            ),
        ),
    ]
    if counties:
        conditions.append(
            c.id_number.in_(select(m.Person.id_number).where(*_county_conditions(counties)))
        )
    return conditions


def _county_key():
    """The county of a record's person ('' for a person not in the register): a grouping key
    that keeps counts of distinct persons additive over counties (a person lives in one)."""
    return func.coalesce(m.Person.county_code, "")


def _grouped_domain_records(
    engine: Engine, keys: list, names: list[str], conditions, by_county: bool = False
) -> pd.DataFrame:
    c, cat = m.CreditRecord, m.RecordCategory
    if by_county:
        keys, names = [_county_key(), *keys], ["county_code", *names]
    source = c.__table__.join(cat, cat.code == c.category_code)
    if by_county:
        source = source.outerjoin(m.Person, m.Person.id_number == c.id_number)
    stmt = (
        select(
            *keys,
            func.count().label("records"),
            func.count(distinct(c.id_number)).label("persons"),
        )
        .select_from(source)
        .where(*conditions)
        .group_by(*keys)
        .order_by(*keys)
    )
    columns = [*names, "records", "persons"]
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=columns)
    return as_int(frame, ["records", "persons"])


def _breakdown_keys(by: str) -> tuple[list, list[str]]:
    """The GROUP BY expressions of a breakdown and the names of its columns."""
    c, cat = m.CreditRecord, m.RecordCategory
    if by == "polarity":
        return [c.domain_code, cat.polarity], ["domain_code", "polarity"]
    if by == "category":
        return (
            [c.domain_code, c.category_code, cat.polarity, c.severity],
            ["domain_code", "category_code", "polarity", "severity"],
        )
    if by == "department":
        return [c.domain_code, c.source_dept, cat.polarity], [
            "domain_code",
            "source_dept",
            "polarity",
        ]
    if by == "month":
        return (
            [c.domain_code, extract("year", c.decision_date), extract("month", c.decision_date),
             cat.polarity],
            ["domain_code", "year", "month_number", "polarity"],
        )  # fmt: skip
    raise ValueError(f"unknown breakdown {by!r}")


BREAKDOWNS = ("polarity", "category", "department", "month")


def domain_records(
    engine: Engine,
    scope: Scope,
    as_of: dt.date,
    start: dt.date,
    by: str,
    counties: Sequence[str] = (),
    domains: Sequence[str] | None = None,
    by_county: bool = False,
) -> pd.DataFrame:
    """Visible records of the scoped domains decided in [start, as-of], counted per domain and
    `by` (one of BREAKDOWNS): polarity; category, polarity and severity; reporting department
    and polarity; month of decision (YYYY-MM) and polarity. Columns: the keys, records, persons
    (distinct persons behind the records, for small-cell suppression). by_county: also per
    county of the person (a first column county_code; the stored rollup's grain)."""
    keys, names = _breakdown_keys(by)
    conditions = _visible_domain_records(scope, as_of, start, counties, domains)
    frame = _grouped_domain_records(engine, keys, names, conditions, by_county)
    if by == "month":
        frame.insert(
            2 if by_county else 1,
            "month",
            [
                f"{int(y):04d}-{int(n):02d}"
                for y, n in zip(frame["year"], frame["month_number"], strict=True)
            ],
        )
        frame = frame.drop(columns=["year", "month_number"])
    return frame


def domain_display_status(
    engine: Engine,
    scope: Scope,
    as_of: dt.date,
    counties: Sequence[str] = (),
    domains: Sequence[str] | None = None,
    by_county: bool = False,
) -> pd.DataFrame:
    """Per domain, the negative records decided on or before the as-of date and not revoked:
    all of them, those displayed, those past their display period and those whose display ends
    in the next 30 days (records and distinct persons each). by_county: also per county of the
    person (a first column county_code)."""
    c = m.CreditRecord
    expired = c.display_until <= as_of
    displayed = and_(c.display_until > as_of, c.status.in_(DISPLAYED_STATUSES))
    expiring = and_(displayed, c.display_until <= as_of + dt.timedelta(days=EXPIRING_DAYS))
    conditions = [
        c.domain_code.in_(select(m.Domain.code).where(*domain_conditions(scope, domains))),
        c.category_code.in_(_codes_of_polarity("negative")),
        c.decision_date <= as_of,
        c.status != "revoked",
    ]
    if counties:
        conditions.append(
            c.id_number.in_(select(m.Person.id_number).where(*_county_conditions(counties)))
        )
    measures = []
    for name, condition in (("displayed", displayed), ("expired", expired), ("expiring", expiring)):
        measures += [
            func.sum(case((condition, 1), else_=0)).label(name),
            func.count(distinct(case((condition, c.id_number)))).label(f"{name}_persons"),
        ]
    keys = [_county_key(), c.domain_code] if by_county else [c.domain_code]
    stmt = (
        select(
            *keys,
            func.count().label("negative_total"),
            func.count(distinct(c.id_number)).label("negative_total_persons"),
            *measures,
        )
        .where(*conditions)
        .group_by(*keys)
        .order_by(*keys)
    )
    if by_county:
        stmt = stmt.select_from(c.__table__.outerjoin(m.Person, m.Person.id_number == c.id_number))
    columns = [*(["county_code"] if by_county else []), *DISPLAY_STATUS_COLUMNS]
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=columns)
    return as_int(frame, DISPLAY_STATUS_COLUMNS[1:])


DISPLAY_STATUS_COLUMNS = [
    "domain_code", "negative_total", "negative_total_persons", "displayed", "displayed_persons",
    "expired", "expired_persons", "expiring", "expiring_persons",
]  # fmt: skip


def as_int(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for column in columns:
        frame[column] = pd.to_numeric(frame[column]).fillna(0).astype("int64")
    return frame
