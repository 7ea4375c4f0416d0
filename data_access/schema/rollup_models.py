"""Stored city-wide coverage rollups: per as-of date, the roster coverage of every (profession,
county) and the general population of every county, with a marker saying when each was computed
and against which imports.

Written and read by data_access.queries.coverage_rollup; same declarative Base as data_access.schema.models,
which imports this module at its end.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Float, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from data_access.schema.models import Base


class RosterCoverageRollup(Base):
    """coverage.roster_counts for the whole city on one date: one row per (profession, county)
    that has current practitioners. Counts of distinct persons add up over counties."""

    __tablename__ = "roster_coverage_rollup"
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    profession_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    county_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    current: Mapped[int] = mapped_column(Integer)
    with_file: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    negative_records: Mapped[int] = mapped_column(Integer)
    negative_persons: Mapped[int] = mapped_column(Integer)
    positive_records: Mapped[int] = mapped_column(Integer)
    positive_persons: Mapped[int] = mapped_column(Integer)


class PopulationRollup(Base):
    """coverage.population_counts of one county on one date (adults and the records they hold),
    and the county's residents in the register (the overview's first tile)."""

    __tablename__ = "population_rollup"
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    residents: Mapped[int] = mapped_column(Integer)
    adults: Mapped[int] = mapped_column(Integer)
    negative_records: Mapped[int] = mapped_column(Integer)
    negative_persons: Mapped[int] = mapped_column(Integer)
    positive_records: Mapped[int] = mapped_column(Integer)
    positive_persons: Mapped[int] = mapped_column(Integer)


class RollupRun(Base):
    """A complete rollup (`part` roster or population) for a date. `import_generation` is the
    newest import_run of the kinds the rollup reads (persons, roster, credit-records) when the
    computation started: a later import makes the rollup stale."""

    __tablename__ = "rollup_run"
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    part: Mapped[str] = mapped_column(String(16), primary_key=True)
    import_generation: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    seconds: Mapped[float | None] = mapped_column(Float)


class QueryMonthLookups(Base):
    """One complete month of the query log: lookups of one operator at one terminal ('' for
    lookups without one) and how many of them were unauthorised (query_month_rollup._unauthorised)."""

    __tablename__ = "query_month_lookups"
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # first day of the month
    operator_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    terminal: Mapped[str] = mapped_column(String(255), primary_key=True)
    lookups: Mapped[int] = mapped_column(Integer)
    unauthorised: Mapped[int] = mapped_column(Integer)


class QueryMonthOperator(Base):
    """One complete month of one operator: lookups, distinct persons looked up, first and last
    lookup."""

    __tablename__ = "query_month_operator"
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    operator_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    lookups: Mapped[int] = mapped_column(Integer)
    persons: Mapped[int] = mapped_column(Integer)
    first_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_at: Mapped[dt.datetime] = mapped_column(DateTime)


class QueryMonthTotal(Base):
    """One complete month: distinct persons looked up by anyone (does not add up over operators)."""

    __tablename__ = "query_month_total"
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    persons: Mapped[int] = mapped_column(Integer)


class DomainRecordRollup(Base):
    """coverage.domain_records of the whole city for an as-of date and a window start, one row
    per breakdown, county of the person ('' not in the register), domain and the breakdown's
    keys (key_1..key_3 in the breakdown's column order; None where the record has none).
    Distinct persons add up over counties: a person lives in one."""

    __tablename__ = "domain_record_rollup"
    row_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[dt.date] = mapped_column(Date)
    window_start: Mapped[dt.date] = mapped_column(Date)
    breakdown: Mapped[str] = mapped_column(String(16))
    county_code: Mapped[str] = mapped_column(String(16))
    domain_code: Mapped[str] = mapped_column(String(32))
    key_1: Mapped[str | None] = mapped_column(String(64))
    key_2: Mapped[str | None] = mapped_column(String(64))
    key_3: Mapped[str | None] = mapped_column(String(64))
    records: Mapped[int] = mapped_column(Integer)
    persons: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_domain_record_rollup_key", "as_of", "window_start", "breakdown"),)


class DomainStatusRollup(Base):
    """coverage.domain_display_status of the whole city on one date, per county and domain."""

    __tablename__ = "domain_status_rollup"
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    domain_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    negative_total: Mapped[int] = mapped_column(Integer)
    negative_total_persons: Mapped[int] = mapped_column(Integer)
    displayed: Mapped[int] = mapped_column(Integer)
    displayed_persons: Mapped[int] = mapped_column(Integer)
    expired: Mapped[int] = mapped_column(Integer)
    expired_persons: Mapped[int] = mapped_column(Integer)
    expiring: Mapped[int] = mapped_column(Integer)
    expiring_persons: Mapped[int] = mapped_column(Integer)


class AnomalyWeek(Base):
    """One complete ISO week of the query log as the anomaly detector reads it for its look-back
    (scoring.anomaly): per part (features, daily, purposes, terminals) a polars frame in Arrow
    IPC form. `version` is the detector's; `import_generation` the newest import of persons or
    operators when it was computed (their attributes decide kin, colleagues, the watch list)."""

    __tablename__ = "anomaly_week"
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    part: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    import_generation: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)
