"""Scheduled jobs (jobs.nightly, `python -m data_access jobs run|status`) and the complete demo:
each run recorded in job_run, a failure recorded and reported without stopping the others, a job
overdue after 36 hours, and a seed build that leaves points, alerts and a good run of every
job."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.__main__ import main
from data_access.engine import get_engine
from data_access.queries.jobs import health, last_runs
from data_access.schema import models as m
from data_access.schema import score_models as sm
from data_access.schema.job_models import JOB_NAMES, JobRun
from jobs import nightly
from tests.conftest import TINY_AS_OF, private_tiny_city


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city(request, tmp_path_factory):
    yield from private_tiny_city(request.param, tmp_path_factory, "jobs")


def _runs(url: str) -> pd.DataFrame:
    with get_engine(url).connect() as conn:
        return pd.DataFrame(conn.execute(select(JobRun).order_by(JobRun.run_id)).mappings().all())


def test_the_seed_build_leaves_points_alerts_and_a_good_run_of_every_job(city):
    engine = get_engine(city)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(sm.ScoreRun)) == 1
        assert conn.scalar(select(sm.ScoreRun.as_of)) == TINY_AS_OF
        alerts = conn.scalar(select(func.count()).select_from(m.Alert))
        first_lookup = conn.scalar(select(func.min(m.QueryLog.queried_at)))
        run = conn.execute(select(m.AnomalyRun.date_from, m.AnomalyRun.date_to)).one()
    assert alerts > 0  # the tiny city plants misuse episodes: the queue is not empty
    assert (run.date_from, run.date_to) == (first_lookup.date(), TINY_AS_OF)  # the whole log
    runs = _runs(city)
    seeded = runs[runs["started_by"] == "seed_data"]
    # the digests of the day before run before the alerts exist (seed_data.build._compute_figures)
    assert list(seeded["job"]) == ["rollups", "points", "digest", "anomalies", "display_check"]
    assert set(seeded["status"]) == {"ok"} and seeded["finished_at"].notna().all()


def test_jobs_run_nightly_records_every_job(city, capsys):
    before = len(_runs(city))
    assert main(["--db", city, "jobs", "run", "nightly", "--as-of", str(TINY_AS_OF)]) == 0
    out = capsys.readouterr().out
    for job in JOB_NAMES:
        assert f"{job}: ok in" in out
    new = _runs(city).iloc[before:]
    assert list(new["job"]) == list(JOB_NAMES) and set(new["status"]) == {"ok"}
    assert (new["finished_at"] >= new["started_at"]).all()
    assert int(new.loc[new["job"] == "points", "rows"].iloc[0]) > 1000  # persons scored


def test_a_failed_job_is_recorded_and_the_others_still_run(city, monkeypatch, capsys):
    def broken(*_args, **_kwargs):
        raise RuntimeError("the policy table is locked\nsecond line")

    monkeypatch.setitem(nightly.JOBS, "points", broken)
    before = len(_runs(city))
    code = main(["--db", city, "jobs", "run", "points", "display-check",
                 "--as-of", str(TINY_AS_OF)])  # fmt: skip
    assert code == 1
    new = _runs(city).iloc[before:]
    assert list(new["job"]) == ["points", "display_check"]
    assert list(new["status"]) == ["failed", "ok"]
    assert new["message"].iloc[0] == "RuntimeError: the policy table is locked"
    assert "Traceback" not in capsys.readouterr().err
    assert main(["--db", city, "jobs", "status"]) == 1  # points' last run failed
    assert "points         failed" in capsys.readouterr().out


def test_unknown_job_names_are_a_usage_error(city, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--db", city, "jobs", "run", "backup"])
    assert exit_.value.code == 2
    assert "unknown job 'backup'" in capsys.readouterr().err


def test_expand_orders_and_deduplicates():
    assert nightly.expand([]) == list(JOB_NAMES)
    assert nightly.expand(["display-check", "nightly"]) == ["display_check", "rollups", "points",
                                                             "anomalies", "digest"]  # fmt: skip
    assert nightly.expand(["points", "points"]) == ["points"]


def test_health_says_failed_stale_running_never_and_ok():
    now = dt.datetime(2026, 12, 2, 8, 0)
    last = pd.DataFrame(
        [
            {
                "job": "rollups",
                "run_id": 1,
                "status": "ok",
                "last_ok_at": now - dt.timedelta(hours=20),
            },
            {
                "job": "points",
                "run_id": 2,
                "status": "ok",
                "last_ok_at": now - dt.timedelta(hours=37),
            },
            {"job": "anomalies", "run_id": 3, "status": "failed", "last_ok_at": now},
            {"job": "display_check", "run_id": None, "status": None, "last_ok_at": None},
        ]
    )
    assert list(health(last, now)) == ["ok", "stale", "failed", "never"]
    running = last.assign(status="running", run_id=9)
    assert set(health(running, now)) == {"running"}


def test_last_runs_lists_every_job_even_on_an_empty_record(sqlite_url):
    from data_access.schema.reference import init_schema

    engine = get_engine(sqlite_url)
    init_schema(engine)
    last = last_runs(engine)
    assert list(last["job"]) == list(JOB_NAMES) and last["run_id"].isna().all()


# --------------------------------------------------------------------------- the overview


def _job_tiles(app) -> list[str]:
    return [m.value for m in app.markdown if m.value.startswith(":")]


def test_the_overview_shows_each_jobs_last_run_and_a_failure_in_red(city, monkeypatch):
    from tests.apptest import open_page

    nightly.run_jobs(get_engine(city), ["nightly"], TINY_AS_OF)  # every job's last run good
    app = open_page(city, "pages/overview.py", "leading_office", monkeypatch)
    assert not app.exception, [e.value for e in app.exception]
    assert _job_tiles(app) == [":green[:material/check_circle: 正常]"] * len(JOB_NAMES)
    assert "jobs_start" not in [b.key for b in app.button]  # only administrators start jobs

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(nightly.JOBS, "anomalies", broken)
    nightly.run_job(get_engine(city), "anomalies", TINY_AS_OF)
    app = open_page(city, "pages/overview.py", "leading_office", monkeypatch)
    assert _job_tiles(app)[2] == ":red[:material/cancel: 失败]"
    assert "原因：RuntimeError: disk full" in [c.value for c in app.caption]


def test_an_administrator_starts_a_job_from_the_overview(city, monkeypatch):
    from tests.apptest import open_page

    before = len(_runs(city))
    app = open_page(city, "pages/overview.py", "admin", monkeypatch)
    app.selectbox(key="jobs_choose").set_value("display_check").run()
    app.button(key="jobs_start").click().run()
    assert not app.exception, [e.value for e in app.exception]
    new = _runs(city).iloc[before:]
    assert list(new["job"]) == ["display_check"] and list(new["status"]) == ["ok"]
    assert list(new["started_by"]) == ["admin"]
