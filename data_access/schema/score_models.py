"""Stored integrity points results: one score_run per (policy version, as-of date), one
person_score row per scored person of the run.

Same declarative Base as data_access.schema.models, so Base.metadata.create_all creates these tables
once this module is imported (data_access.schema.models imports it at its end).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data_access.schema.models import Base

# The lists a run stores per person (one boolean column each on person_score)
LISTS = ("red_list", "green_channel", "serious_record", "black_list")


class ScoreRun(Base):
    """One computation of every adult's points: the policy version and as-of date it used.

    Re-running the same (policy_version, as_of) replaces the run and its scores."""

    __tablename__ = "score_run"
    run_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    policy_version: Mapped[str] = mapped_column(String(32))
    as_of: Mapped[dt.date] = mapped_column(Date)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    persons_scored: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    policy_text: Mapped[str] = mapped_column(Text, default="")  # the TOML of the policy used
    __table_args__ = (
        UniqueConstraint("policy_version", "as_of", name="uq_score_run_version_as_of"),
        # run ids are never reused (a replaced run gets a new id; caches may key on it)
        {"sqlite_autoincrement": True},
    )


class PersonScore(Base):
    """One adult's result in one run. county_code, gender and age (on the as-of date) are kept
    with the score so that distributions need no join with person. A person's scores across
    runs: look up (run_id, id_number), the primary key."""

    __tablename__ = "person_score"
    # No FOREIGN KEY to score_run on purpose: PostgreSQL checks one with a trigger per row, which
    # doubled the time of writing a run; rows are written and deleted only with their run
    # (data_access.queries.score_store, one transaction).
    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(8))
    red_list: Mapped[bool] = mapped_column(Boolean)
    # green_channel and serious_record: computed from policy 2026.2 on; NULL in runs of earlier
    # versions (whose black_list meant any serious record, a list the law does not allow)
    green_channel: Mapped[bool | None] = mapped_column(Boolean)
    serious_record: Mapped[bool | None] = mapped_column(Boolean)
    black_list: Mapped[bool] = mapped_column(Boolean)
    pending_objection: Mapped[bool] = mapped_column(Boolean)
    positive_points: Mapped[int] = mapped_column(Integer)
    negative_points: Mapped[int] = mapped_column(Integer)
    county_code: Mapped[str] = mapped_column(String(16))
    gender: Mapped[str | None] = mapped_column(String(1))
    age: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        # Grade and list counts by county (and for the city: the same index, scanned whole).
        Index("ix_person_score_run_county_grade", "run_id", "county_code", "grade"),
        # SQLite: the rows live in the primary-key tree (one tree less to write per row).
        {"sqlite_with_rowid": False},
    )


class ScoreDistribution(Base):
    """A finished run counted by county, gender ('?' unknown), age band and grade, with its list
    counts: what the points page and the overview's list tile read, instead of counting six
    million person_score rows on every first view. Written with the run (and for an older run at
    its first view); deleted with it. data_access.queries.scores owns it."""

    __tablename__ = "score_distribution"
    run_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    gender: Mapped[str] = mapped_column(String(1), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True)
    grade: Mapped[str] = mapped_column(String(8), primary_key=True)
    persons: Mapped[int] = mapped_column(Integer)
    red_list: Mapped[int] = mapped_column(Integer)
    green_channel: Mapped[int] = mapped_column(Integer)
    serious_record: Mapped[int] = mapped_column(Integer)
    black_list: Mapped[int] = mapped_column(Integer)
    pending_objection: Mapped[int] = mapped_column(Integer)


class PolicyVersion(Base):
    """A points policy saved by an administrator from the what-if editor (TOML text, checked).

    The newest saved version is the default policy of `python -m scoring points`; without any,
    scoring/policy.toml is used. Versions are never edited or deleted, only added.
    """

    __tablename__ = "policy_version"
    version: Mapped[str] = mapped_column(String(32), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
