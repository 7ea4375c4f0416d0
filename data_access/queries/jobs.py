"""The job record (job_run): starting and finishing a run, and the last run of every job."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, insert, select, update

from data_access.schema.job_models import JOB_NAMES, JobRun

STALE_HOURS = 36  # a nightly job whose last good run is older than this is overdue


def start_run(engine: Engine, job: str, started_by: str, now: dt.datetime) -> int:
    """A 'running' row, committed at once so that a run that dies stays visible."""
    JobRun.__table__.create(engine, checkfirst=True)
    stmt = (
        insert(JobRun)
        .values(job=job, started_at=now, status="running", message="", started_by=started_by)
        .returning(JobRun.run_id)
    )
    with engine.begin() as conn:
        return int(conn.execute(stmt).scalar_one())


def finish_run(
    engine: Engine, run_id: int, status: str, rows: int | None, message: str, now: dt.datetime
) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(JobRun)
            .where(JobRun.run_id == run_id)
            .values(finished_at=now, status=status, rows=rows, message=message[:2000])
        )


LAST_COLUMNS = ["job", "run_id", "started_at", "finished_at", "status", "rows", "message",
                "started_by", "last_ok_at"]  # fmt: skip


def last_runs(engine: Engine) -> pd.DataFrame:
    """One row per job (JOB_NAMES order, also for jobs that never ran): its latest run and when
    it last ended well (last_ok_at)."""
    JobRun.__table__.create(engine, checkfirst=True)
    latest = (
        select(JobRun.job, func.max(JobRun.run_id).label("run_id")).group_by(JobRun.job).subquery()
    )
    last_ok = (
        select(JobRun.job, func.max(JobRun.finished_at).label("last_ok_at"))
        .where(JobRun.status == "ok")
        .group_by(JobRun.job)
        .subquery()
    )
    stmt = (
        select(
            JobRun.job,
            JobRun.run_id,
            JobRun.started_at,
            JobRun.finished_at,
            JobRun.status,
            JobRun.rows,
            JobRun.message,
            JobRun.started_by,
            last_ok.c.last_ok_at,
        )  # fmt: skip
        .join(latest, latest.c.run_id == JobRun.run_id)
        .join(last_ok, last_ok.c.job == JobRun.job, isouter=True)
    )
    with engine.connect() as conn:
        found = {row.job: dict(row._mapping) for row in conn.execute(stmt)}
    rows = [found.get(job, {"job": job}) for job in JOB_NAMES]
    return pd.DataFrame(rows, columns=LAST_COLUMNS)


def health(last: pd.DataFrame, now: dt.datetime) -> pd.Series:
    """Per job: 'ok', 'failed' (the last run failed), 'stale' (no good run in STALE_HOURS),
    'running', or 'never'."""

    def one(row) -> str:
        if pd.isna(row["run_id"]):
            return "never"
        if row["status"] == "failed":
            return "failed"
        if row["status"] == "running":
            return "running"
        ok_at = row["last_ok_at"]
        if pd.isna(ok_at) or now - pd.Timestamp(ok_at).to_pydatetime() > dt.timedelta(
            hours=STALE_HOURS
        ):
            return "stale"
        return "ok"

    return last.apply(one, axis=1) if len(last) else pd.Series(dtype=str)
