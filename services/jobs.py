"""The scheduled jobs on the dashboard: the last run of each (the overview, city scope) and
starting one (administrators), with progress. Never cached: the record changes under the page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from data_access.clock import city_now
from data_access.engine import get_engine
from data_access.queries.jobs import STALE_HOURS, health, last_runs
from data_access.schema.job_models import JOB_NAMES
from data_access.scope import Scope
from jobs.nightly import JobOutcome
from jobs.nightly import run_job as run_one_job
from services.base import service

__all__ = ["JOB_NAMES", "STALE_HOURS", "JobOutcome"]


@service("city", cached=False)
def job_health(url: str, scope: Scope, now: dt.datetime | None = None) -> pd.DataFrame:
    """The last run of every job with its health (ok, failed, stale, running, never)."""
    last = last_runs(get_engine(url))
    return last.assign(health=list(health(last, now or city_now())))


@service("operations", cached=False)
def run_job(
    url: str, scope: Scope, job: str, username: str, progress: Callable[[str], None]
) -> JobOutcome:
    """Run one job now for today, recorded as started by the administrator; every cached figure
    is forgotten afterwards (points, alerts, rollups and the check all feed pages)."""
    outcome = run_one_job(get_engine(url), job, started_by=username, progress=progress)
    st.cache_data.clear()
    return outcome
