"""The jobs and their runner (see the package docstring)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine

from data_access.clock import city_now, city_today
from data_access.queries import jobs as record
from data_access.schema.job_models import JOB_NAMES

Progress = Callable[[str], None]
ANOMALY_DAYS = 90  # the nightly detector scores the rolling 90 days to yesterday (ANOMALY.md)


@dataclass(frozen=True)
class JobOutcome:
    job: str
    run_id: int
    status: str  # ok | failed
    rows: int | None
    message: str
    seconds: float


def today_in_city() -> dt.date:
    return city_today()


def _rollups(engine: Engine, day: dt.date, say: Progress, **_: object) -> tuple[str, int, str]:
    from data_access.queries.rollups import refresh_nightly

    done = refresh_nightly(engine, day)
    text = "; ".join(f"{d} {s:.1f} s" for d, s in done.coverage_seconds.items())
    text += f"; domains {done.domain_seconds:.1f} s"
    stored = ", ".join(f"{d:%Y-%m}" for d in done.months) or "none missing"
    return (
        "ok",
        len(done.coverage_seconds),
        f"coverage rollups stored: {text}; query-log months: {stored}",
    )


def _points(engine: Engine, day: dt.date, say: Progress, **_: object) -> tuple[str, int, str]:
    from scoring.points_run import score_database
    from scoring.policy_store import current_policy

    def progress(done: int, total: int, county: str, scored: int, seconds: float) -> None:
        say(f"points: county {done}/{total} ({county}), {scored:,} persons")

    result = score_database(engine, day, current_policy(engine), progress=progress)
    return (
        "ok",
        result.persons_scored,
        (
            f"points as of {day} (policy {result.policy_version}, run {result.run_id}): "
            f"{result.persons_scored:,} persons, red list {result.red_list:,}, "
            f"green channel {result.green_channel:,}"
        ),
    )


def _anomalies(
    engine: Engine,
    day: dt.date,
    say: Progress,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    **_: object,
) -> tuple[str, int, str]:
    from scoring.anomaly import detect
    from scoring.anomaly_cli import lookups_between
    from scoring.anomaly_store import store_alerts

    end = date_to or day - dt.timedelta(days=1)  # up to yesterday: today's log is still open
    start = date_from or end - dt.timedelta(days=ANOMALY_DAYS - 1)
    started = time.perf_counter()
    alerts = detect(engine, start, end, progress=say)
    stored = store_alerts(engine, alerts, start, end, lookups=lookups_between(engine, start, end),
                          seconds=time.perf_counter() - started)  # fmt: skip
    return (
        "ok",
        len(alerts),
        (
            f"{len(alerts)} alerts for {start} to {end} ({stored.inserted} new, {stored.updated} "
            f"updated, {stored.kept_triaged} already triaged and kept)"
        ),
    )


def _display_check(
    engine: Engine, day: dt.date, say: Progress, **_: object
) -> tuple[str, int, str]:
    import scoring.display_consumers  # noqa: F401  the points consumers
    from data_access.queries.display_check_store import failing, run_and_store

    _checked_at, frame = run_and_store(engine, day)
    bad = failing(frame)
    if bad.empty:
        return "ok", 0, f"display check as of {day}: no place shows or counts a record it may not"
    records = int(bad["records"].sum())
    places = ", ".join(bad["consumer"])
    return (
        "failed",
        records,
        (
            f"display check as of {day}: {records:,} records shown or counted in {len(bad)} "
            f"places ({places})"
        ),
    )


def _digest(engine: Engine, day: dt.date, say: Progress, **_: object) -> tuple[str, int, str]:
    """The digests due today (jobs.digest); a failed e-mail or DingTalk send makes the run
    failed, with every failure in the message (the inbox copies are kept)."""
    from jobs.digest import run_digests

    run = run_digests(engine, day, say=say)
    return ("failed" if run.failures else "ok"), run.sent["inbox"], run.summary()


JOBS: dict[str, Callable[..., tuple[str, int, str]]] = {
    "rollups": _rollups,
    "points": _points,
    "anomalies": _anomalies,
    "display_check": _display_check,
    "digest": _digest,
}
assert tuple(JOBS) == JOB_NAMES
NIGHTLY = JOB_NAMES


def expand(names: Sequence[str]) -> list[str]:
    """Job names from the command line: 'nightly' (or nothing) is every job in order; an unknown
    name is a ValueError naming the known ones."""
    wanted: list[str] = []
    for name in names or ["nightly"]:
        name = name.replace("-", "_")
        if name == "nightly":
            wanted += [j for j in NIGHTLY if j not in wanted]
        elif name in JOBS:
            wanted += [] if name in wanted else [name]
        else:
            raise ValueError(f"unknown job {name!r}: nightly, {', '.join(JOBS)}")
    return wanted


def run_job(
    engine: Engine,
    job: str,
    day: dt.date | None = None,
    *,
    started_by: str = "",
    progress: Progress | None = None,
    **options: object,
) -> JobOutcome:
    """Run one job for the day (today in the city when None), recorded in job_run. Never raises
    for the job's own failure: the outcome says failed, with the error's first line."""
    say = progress or (lambda _m: None)
    day = day or today_in_city()
    run_id = record.start_run(engine, job, started_by, city_now())
    started = time.perf_counter()
    try:
        status, rows, message = JOBS[job](engine, day, say, **options)
    except Exception as exc:  # a job's failure is recorded and reported, not raised
        first = (str(exc).strip().splitlines() or [""])[0]
        status, rows, message = "failed", None, f"{type(exc).__name__}: {first}"
    record.finish_run(engine, run_id, status, rows, message, city_now())
    return JobOutcome(job, run_id, status, rows, message, time.perf_counter() - started)


def run_jobs(
    engine: Engine,
    names: Sequence[str],
    day: dt.date | None = None,
    *,
    started_by: str = "",
    progress: Progress | None = None,
) -> list[JobOutcome]:
    """Run the named jobs in order (see `expand`); each recorded; a failure does not stop the rest."""
    return [run_job(engine, job, day, started_by=started_by, progress=progress)
            for job in expand(names)]  # fmt: skip
