"""The record of scheduled jobs: one job_run row per run of one job (rollups, points, anomalies,
display check, digest), written when it starts and completed when it ends, so a job that died mid-way
stays visible as 'running' with no end. Same declarative Base as data_access.schema.models."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from data_access.schema.models import Base

JOB_NAMES = ("rollups", "points", "anomalies", "display_check", "digest")
JOB_STATUSES = ("running", "ok", "failed")


class JobRun(Base):
    __tablename__ = "job_run"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in JOB_STATUSES)})", name="ck_job_run_status"
        ),  # fmt: skip
    )
    run_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job: Mapped[str] = mapped_column(String(32), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int | None] = mapped_column(Integer, nullable=True)
    message: Mapped[str] = mapped_column(Text, default="")
    started_by: Mapped[str] = mapped_column(String(64), default="")
