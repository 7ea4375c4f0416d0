"""The schema of the personal public credit database (个人公共信用基础数据库).

SQLAlchemy 2.0 typed declarative models. One code base for SQLite (the embedded default) and
PostgreSQL (production). Codes are kept as codes (strings from ../reference_data/*.csv);
times are stored as naive local time, Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SEVERITIES = ("minor", "general", "serious")
COMMENDATION_LEVELS = ("national", "provincial", "city", "county")
RECORD_STATUSES = ("active", "objection", "repaired", "revoked")
CHANNELS = ("WINDOW", "WEB", "API", "DASHBOARD")
APPLICATION_KINDS = ("objection", "repair")
ROLES = ("leading_office", "department_head", "privacy_officer", "admin")
ALERT_STATUSES = ("open", "confirmed", "dismissed", "escalated")
# Width of the query log's free columns; a longer value is kept, cut to fit and flagged.
QUERY_TEXT_WIDTH = 255


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    if TYPE_CHECKING:
        # Every model here maps one plain Table (no joins, no subqueries), so the typing can say
        # so: DeclarativeBase types __table__ as the wider FromClause, which Core's insert(),
        # update(), Table.create() and our own helpers taking a Table do not accept. This is the
        # SQLAlchemy maintainers' recommended declaration (sqlalchemy#9130); typing only.
        __table__: ClassVar[Table]


# --------------------------------------------------------------------------- reference catalogues


class County(Base):
    """A county-level unit (GB/T 2260 code) or a zone (ZK-*) of Zhoukou."""

    __tablename__ = "county"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    population_2018: Mapped[int | None] = mapped_column(Integer)
    historical_id_codes: Mapped[str] = mapped_column(String(64), default="")


class Department(Base):
    __tablename__ = "department"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))
    role_in_policy: Mapped[str] = mapped_column(Text, default="")


class ReportingUnit(Base):
    """A unit that reports progress to the leading-group office: a department, a county or a zone."""

    __tablename__ = "reporting_unit"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # department | county | zone
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(128))
    __table_args__ = (CheckConstraint(_in("kind", ("department", "county", "zone"))),)


class Profession(Base):
    __tablename__ = "profession"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    responsible_dept: Mapped[str] = mapped_column(ForeignKey("department.code"))


class Domain(Base):
    __tablename__ = "domain"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    lead_dept: Mapped[str] = mapped_column(ForeignKey("department.code"))


class RecordCategory(Base):
    __tablename__ = "record_category"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    polarity: Mapped[str] = mapped_column(String(16))  # positive | negative | neutral
    note: Mapped[str] = mapped_column(Text, default="")


class CatalogueItem(Base):
    """An item of the information catalogue that a department must deliver, and how often."""

    __tablename__ = "catalogue_item"
    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    dept_code: Mapped[str] = mapped_column(ForeignKey("department.code"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # roster | negative | positive | basic
    subject: Mapped[str] = mapped_column(String(32), default="")
    category_code: Mapped[str] = mapped_column(ForeignKey("record_category.code"))
    frequency: Mapped[str] = mapped_column(String(16))  # monthly | quarterly
    name_zh: Mapped[str] = mapped_column(String(128))
    name_en: Mapped[str] = mapped_column(String(160))


class Purpose(Base):
    """A lawful purpose for querying a person's credit information."""

    __tablename__ = "purpose"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    needs_authorization: Mapped[bool] = mapped_column(Boolean)


# --------------------------------------------------------------------------- persons and records


class Person(Base):
    """A resident. id_number is the GB 11643 resident ID number and never changes."""

    __tablename__ = "person"
    id_number: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    county_code: Mapped[str] = mapped_column(ForeignKey("county.code"))
    residence_code: Mapped[str | None] = mapped_column(String(12))
    sensitive: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (
        Index("ix_person_county_birth", "county_code", "birth_date"),
        Index("ix_person_residence", "residence_code"),
        Index("ix_person_name", "name"),
        CheckConstraint("gender IS NULL OR gender IN ('M', 'F')", name="ck_person_gender"),
    )


class RosterEntry(Base):
    """Membership of a person in a key professional group (the roster a department keeps)."""

    __tablename__ = "roster"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id_number: Mapped[str] = mapped_column(ForeignKey("person.id_number"))
    profession_code: Mapped[str] = mapped_column(ForeignKey("profession.code"))
    licence_no: Mapped[str] = mapped_column(String(64), default="")
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    source_dept: Mapped[str] = mapped_column(ForeignKey("department.code"))
    __table_args__ = (
        UniqueConstraint("id_number", "profession_code", "valid_from", name="uq_roster_membership"),
        Index("ix_roster_profession", "profession_code", "valid_to"),
    )


class CreditRecord(Base):
    """One piece of personal public credit information reported by a department."""

    __tablename__ = "credit_record"
    record_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    id_number: Mapped[str] = mapped_column(ForeignKey("person.id_number"))
    category_code: Mapped[str] = mapped_column(ForeignKey("record_category.code"))
    domain_code: Mapped[str | None] = mapped_column(ForeignKey("domain.code"))
    severity: Mapped[str | None] = mapped_column(String(8))
    level: Mapped[str | None] = mapped_column(String(16))
    quantity: Mapped[float | None] = mapped_column(Float)
    decision_date: Mapped[dt.date] = mapped_column(Date)
    # Negative records only: the first day on which the record is no longer displayed.
    display_until: Mapped[dt.date | None] = mapped_column(Date)
    source_dept: Mapped[str] = mapped_column(ForeignKey("department.code"))
    status: Mapped[str] = mapped_column(String(12), default="active")
    title: Mapped[str] = mapped_column(String(200), default="")
    __table_args__ = (
        Index("ix_record_person", "id_number"),
        Index("ix_record_domain_date", "domain_code", "decision_date"),
        Index("ix_record_category_date", "category_code", "decision_date"),
        Index("ix_record_dept_date", "source_dept", "decision_date"),
        Index("ix_record_display_until", "display_until"),
        CheckConstraint(
            "severity IS NULL OR " + _in("severity", SEVERITIES), name="ck_record_severity"
        ),
        CheckConstraint("level IS NULL OR " + _in("level", COMMENDATION_LEVELS), name="ck_level"),
        CheckConstraint(_in("status", RECORD_STATUSES), name="ck_record_status"),
    )


# --------------------------------------------------------------------------- reporting


class Submission(Base):
    """A department's delivery of a catalogue item for one period (YYYY-MM or YYYY-Qn)."""

    __tablename__ = "submission"
    submission_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("catalogue_item.code"))
    period: Mapped[str] = mapped_column(String(7))
    due_date: Mapped[dt.date] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    rows_submitted: Mapped[int] = mapped_column(Integer, default=0)
    rows_accepted: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        Index("ix_submission_item_period", "item_code", "period"),
        Index("ix_submission_due", "due_date"),
    )


class SubmissionUpload(Base):
    """Who delivered a submission through the dashboard, and which file (its name as uploaded,
    size and SHA-256), so that every accepted delivery can be traced to a person and a file."""

    __tablename__ = "submission_upload"
    submission_id: Mapped[str] = mapped_column(
        ForeignKey("submission.submission_id"), primary_key=True
    )
    username: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    file_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))


class AnnualReport(Base):
    """A reporting unit's annual progress report to the leading-group office, due 31 December."""

    __tablename__ = "annual_report"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("reporting_unit.code"))
    year: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[dt.date] = mapped_column(Date)
    filed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    summary: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("unit_code", "year", name="uq_annual_report_unit_year"),)


class Application(Base):
    """An objection (异议) to a record or an application for credit repair (信用修复)."""

    __tablename__ = "application"
    application_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    record_id: Mapped[str] = mapped_column(ForeignKey("credit_record.record_id"))
    id_number: Mapped[str] = mapped_column(ForeignKey("person.id_number"))
    handling_dept: Mapped[str] = mapped_column(ForeignKey("department.code"))
    filed_at: Mapped[dt.date] = mapped_column(Date)
    received_at: Mapped[dt.date | None] = mapped_column(Date)  # received by the regulator
    decided_at: Mapped[dt.date | None] = mapped_column(Date)
    answered_at: Mapped[dt.date | None] = mapped_column(Date)  # applicant answered
    # pending | upheld | rejected | withdrawn  (objection upheld = record corrected;
    # repair upheld = record repaired)
    outcome: Mapped[str] = mapped_column(String(12), default="pending")
    # An extension decision (延期): the new decision limit in working days from receipt, and why.
    # Empty: none; the legal limit in force on the receipt date applies (data_access.queries.legal_limits).
    extended_decision_days: Mapped[int | None] = mapped_column(Integer)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (
        Index("ix_application_dept_filed", "handling_dept", "filed_at"),
        Index("ix_application_record", "record_id"),
        CheckConstraint(_in("kind", APPLICATION_KINDS), name="ck_application_kind"),
        CheckConstraint(
            _in("outcome", ("pending", "upheld", "rejected", "withdrawn")),
            name="ck_application_outcome",
        ),
    )


# --------------------------------------------------------------------------- query log and oversight


class Operator(Base):
    """A person who may query the credit platform (a window clerk, an officer, an HR clerk ...)."""

    __tablename__ = "operator"
    operator_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    department_code: Mapped[str] = mapped_column(ForeignKey("department.code"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    county_code: Mapped[str | None] = mapped_column(ForeignKey("county.code"))
    id_number: Mapped[str | None] = mapped_column(String(18))
    # access to the credit platform: NULL or "active", or "suspended" by a privacy case confirmed
    # with the outcome access_suspended (data_access.queries.cases); since when, by which case.
    # Never written by the operator import, so a re-import never reactivates anyone.
    access_status: Mapped[str | None] = mapped_column(String(12))
    access_since: Mapped[dt.datetime | None] = mapped_column(DateTime)
    access_case_id: Mapped[int | None] = mapped_column(Integer)


FLAGS_WIDTH = 96  # every combination of the flags fits (was 64: widened by the schema upgrade)


class QueryLog(Base):
    """Every lookup of a person's credit information. Never loses a row: problems are flagged.

    flags: comma-separated, empty when clean: invalid_id, unknown_subject, unknown_purpose,
    unknown_channel, truncated (a value longer than QUERY_TEXT_WIDTH was cut to fit), suspended
    (made by an operator whose access was suspended before the lookup).
    """

    __tablename__ = "query_log"
    query_id: Mapped[str] = mapped_column(String(48), primary_key=True)
    queried_at: Mapped[dt.datetime] = mapped_column(DateTime)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operator.operator_id"))
    subject_id_number: Mapped[str] = mapped_column(String(QUERY_TEXT_WIDTH))
    purpose_code: Mapped[str | None] = mapped_column(String(QUERY_TEXT_WIDTH))
    authorization_ref: Mapped[str | None] = mapped_column(String(QUERY_TEXT_WIDTH))
    channel: Mapped[str] = mapped_column(String(QUERY_TEXT_WIDTH))
    terminal_id: Mapped[str | None] = mapped_column(String(QUERY_TEXT_WIDTH))
    flags: Mapped[str] = mapped_column(String(FLAGS_WIDTH), default="")
    __table_args__ = (
        Index("ix_query_operator_time", "operator_id", "queried_at"),
        Index("ix_query_time", "queried_at"),
        Index("ix_query_subject", "subject_id_number"),
    )


class MisuseEpisode(Base):
    """A labelled misuse episode of the synthetic city, for demos and the detector's benchmark.

    Never read by the detector: labels live only here and in misuse_query.
    """

    __tablename__ = "misuse_episode"
    episode_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    operator_id: Mapped[str] = mapped_column(ForeignKey("operator.operator_id"))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime] = mapped_column(DateTime)
    description: Mapped[str] = mapped_column(Text, default="")


class MisuseQuery(Base):
    __tablename__ = "misuse_query"
    episode_id: Mapped[str] = mapped_column(
        ForeignKey("misuse_episode.episode_id"), primary_key=True
    )
    # a query_log.query_id, without a foreign key: on PostgreSQL query_log is partitioned and
    # keyed by (query_id, queried_at), which a key of query_id alone cannot reference
    query_id: Mapped[str] = mapped_column(String(48), primary_key=True)


class Alert(Base):
    """A detector finding: one operator, one time window, a score and reasons in plain words."""

    __tablename__ = "alert"
    alert_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    operator_id: Mapped[str] = mapped_column(ForeignKey("operator.operator_id"))
    window_start: Mapped[dt.datetime] = mapped_column(DateTime)
    window_end: Mapped[dt.datetime] = mapped_column(DateTime)
    score: Mapped[float] = mapped_column(Float)
    reasons_zh: Mapped[str] = mapped_column(Text)
    reasons_en: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")
    detector_version: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (
        UniqueConstraint("operator_id", "window_start", "window_end", name="uq_alert_window"),
        Index("ix_alert_status_score", "status", "score"),
        CheckConstraint(_in("status", ALERT_STATUSES), name="ck_alert_status"),
    )


class AlertEvent(Base):
    """Append-only triage history of an alert: who did what, when, and why."""

    __tablename__ = "alert_event"
    event_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alert.alert_id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(ForeignKey("dashboard_user.username"))
    action: Mapped[str] = mapped_column(String(12))  # confirm | dismiss | escalate | reopen | note
    note: Mapped[str] = mapped_column(Text)


class AnomalyRun(Base):
    """One run of the query-log detector: when, over which dates, with which version and what
    it raised. The oversight page tells its users from this how fresh the queue is."""

    __tablename__ = "anomaly_run"
    run_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ran_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_to: Mapped[dt.date] = mapped_column(Date)
    lookups: Mapped[int] = mapped_column(Integer, default=0)
    alerts: Mapped[int] = mapped_column(Integer, default=0)
    operators_alerted: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    detector_version: Mapped[str] = mapped_column(String(32), default="")


# --------------------------------------------------------------------------- dashboard users


class DashboardUser(Base):
    """A person who signs in to the dashboard. Passwords are argon2 hashes, never plain text."""

    __tablename__ = "dashboard_user"
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    department_code: Mapped[str | None] = mapped_column(ForeignKey("department.code"))
    password_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="ck_user_role"),)


class DashboardUserIdentity(Base):
    """A single-sign-on identity (the OIDC e-mail or subject) linked to a dashboard user, whose
    role and department then apply. An identity with no link cannot sign in."""

    __tablename__ = "dashboard_user_identity"
    identity: Mapped[str] = mapped_column(String(200), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("dashboard_user.username"), index=True)


class DisplayCheckRun(Base):
    """One city-wide run of the display check for an as-of date: one row per place, as JSON."""

    __tablename__ = "display_check_run"
    run_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    as_of: Mapped[dt.date] = mapped_column(Date, index=True)
    checked_at: Mapped[dt.datetime] = mapped_column(DateTime)
    results: Mapped[str] = mapped_column(Text)


class ImportRun(Base):
    """One import of one file: what came in, when, and how it ended (an audit of the imports)."""

    __tablename__ = "import_run"
    run_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24))
    file_name: Mapped[str] = mapped_column(String(400))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    rows_flagged: Mapped[int] = mapped_column(Integer, default=0)
    # who ran it: a dashboard username (uploads) or cli:<system user> (the command line)
    imported_by: Mapped[str | None] = mapped_column(String(80))


# Score tables live in their own module; importing it registers them on Base.metadata.
# The working-day calendar (statutory holidays, adjusted working days) likewise, and the stored
# coverage rollups.
from data_access.schema import account_models as _account_models  # noqa: E402, F401
from data_access.schema import calendar_models as _calendar_models  # noqa: E402, F401
from data_access.schema import case_models as _case_models  # noqa: E402, F401
from data_access.schema import job_models as _job_models  # noqa: E402, F401
from data_access.schema import notice_models as _notice_models  # noqa: E402, F401
from data_access.schema import rollup_models as _rollup_models  # noqa: E402, F401
from data_access.schema import score_models as _score_models  # noqa: E402, F401
from data_access.schema import supervision_models as _supervision_models  # noqa: E402, F401
