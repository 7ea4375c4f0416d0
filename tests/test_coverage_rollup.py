"""Stored coverage rollups (data_access.queries.coverage_rollup) on both engines: the same figures as the
live queries for every scope and county filter, who computes them, and staleness after imports."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, func, insert, select

from data_access.engine import get_engine
from data_access.imports.importer import import_file
from data_access.queries import coverage as cv
from data_access.queries import coverage_rollup as rollup
from data_access.queries.display_period import one_year_earlier
from data_access.schema import models as m
from data_access.schema.rollup_models import PopulationRollup, RollupRun, RosterCoverageRollup
from data_access.scope import Scope
from tests.conftest import TINY_AS_OF, private_tiny_city

OFFICE = Scope("leading_office", "DRC")
SAMR = Scope("department_head", "SAMR")
OTHER_DAY = dt.date(2026, 6, 30)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city_url(request, tmp_path_factory) -> str:
    yield from private_tiny_city(request.param, tmp_path_factory, "rollup")


@pytest.fixture
def city(city_url) -> Engine:
    return get_engine(city_url)


def stored_dates(engine: Engine, part: str) -> set[dt.date]:
    with engine.connect() as conn:
        return set(conn.scalars(select(RollupRun.as_of).where(RollupRun.part == part)))


def test_the_seed_build_stores_both_rollups_for_the_date_and_a_year_earlier(city):
    for part in (rollup.ROSTER, rollup.POPULATION):
        assert stored_dates(city, part) == {TINY_AS_OF, one_year_earlier(TINY_AS_OF)}
        assert rollup.is_fresh(city, TINY_AS_OF, part)
    with city.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(RosterCoverageRollup))
        counties = conn.scalar(
            select(func.count()).select_from(PopulationRollup)
            .where(PopulationRollup.as_of == TINY_AS_OF)
        )  # fmt: skip
    assert rows > 20 and counties == 10


@pytest.mark.parametrize("scope", [OFFICE, SAMR, Scope("admin", None)], ids=lambda s: s.role)
@pytest.mark.parametrize("counties", [(), ("411627",), ("411602", "411628")])
def test_roster_rollup_gives_the_live_figures_for_every_scope_and_county_filter(
    city, scope, counties
):
    live = cv.roster_counts(city, scope, TINY_AS_OF, counties)
    stored = rollup.roster_counts(city, scope, TINY_AS_OF, counties)
    assert len(live) > 0
    pd.testing.assert_frame_equal(stored, live)


def test_roster_rollup_keeps_a_department_head_to_their_professions(city):
    stored = rollup.roster_counts(city, SAMR, TINY_AS_OF)
    with city.connect() as conn:
        samr = set(
            conn.scalars(select(m.Profession.code).where(m.Profession.responsible_dept == "SAMR"))
        )
    assert set(stored["profession_code"]) <= samr
    assert rollup.roster_counts(city, Scope("privacy_officer", "DRC"), TINY_AS_OF).empty
    narrowed = rollup.roster_counts(city, SAMR, TINY_AS_OF, professions=["TEACHER"])
    assert narrowed.empty  # a teacher is the education bureau's, whatever the filter asks


@pytest.mark.parametrize("counties", [(), ("411627",), ("411602", "411628")])
def test_population_rollup_gives_the_live_figures(city, counties):
    live = cv.population_counts(city, TINY_AS_OF, counties)
    pd.testing.assert_series_equal(rollup.population_counts(city, TINY_AS_OF, counties), live)
    assert live["adults"] > 0


def test_population_by_county_adds_up_to_the_city(city):
    by_county = cv.population_by_county(city, TINY_AS_OF)
    city_wide = cv.population_counts(city, TINY_AS_OF)
    assert by_county[cv.POPULATION_COLUMNS].sum().tolist() == city_wide.tolist()


def test_a_department_head_never_computes_the_city_rollup_the_office_does(city):
    assert OTHER_DAY not in stored_dates(city, rollup.ROSTER)
    live = cv.roster_counts(city, SAMR, OTHER_DAY)
    pd.testing.assert_frame_equal(rollup.roster_counts(city, SAMR, OTHER_DAY), live)
    assert OTHER_DAY not in stored_dates(city, rollup.ROSTER)
    office = rollup.roster_counts(city, OFFICE, OTHER_DAY)
    assert OTHER_DAY in stored_dates(city, rollup.ROSTER)
    pd.testing.assert_frame_equal(office, cv.roster_counts(city, OFFICE, OTHER_DAY))
    # now stored, the department head reads it too, still only their own rows
    pd.testing.assert_frame_equal(rollup.roster_counts(city, SAMR, OTHER_DAY), live)


def test_an_import_makes_the_rollups_stale_and_the_next_read_counts_it(city, tmp_path):
    before = rollup.roster_counts(city, OFFICE, TINY_AS_OF)
    with city.connect() as conn:
        on_roster = select(m.RosterEntry.id_number).where(
            m.RosterEntry.profession_code == "CERTIFIER"
        )
        ids = list(conn.scalars(
            select(m.Person.id_number).where(m.Person.id_number.not_in(on_roster))
            .order_by(m.Person.id_number).limit(3)
        ))  # fmt: skip
    path = tmp_path / "roster.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["id_number", "profession_code", "licence_no", "valid_from", "valid_to",
                      "source_dept"])  # fmt: skip
        out.writerows(
            [idn, "CERTIFIER", f"R{k}", "2026-01-05", "", "SAMR"] for k, idn in enumerate(ids)
        )
    result = import_file(city, "roster", path)
    assert result.ok, result.errors
    for part in (rollup.ROSTER, rollup.POPULATION):
        assert not rollup.is_fresh(city, TINY_AS_OF, part)
    after = rollup.roster_counts(city, OFFICE, TINY_AS_OF)
    assert rollup.is_fresh(city, TINY_AS_OF, rollup.ROSTER)
    assert after["current"].sum() == before["current"].sum() + 3
    pd.testing.assert_frame_equal(after, cv.roster_counts(city, OFFICE, TINY_AS_OF))


def test_a_failed_import_leaves_the_rollups_fresh(city, tmp_path):
    rollup.refresh(city, TINY_AS_OF)
    path = tmp_path / "bad.csv"
    path.write_text(
        "id_number,profession_code,licence_no,valid_from,valid_to,source_dept\n"
        "not-an-id,CERTIFIER,X,2026-01-05,,SAMR\n",
        encoding="utf-8",
    )
    assert not import_file(city, "roster", path).ok
    assert rollup.is_fresh(city, TINY_AS_OF, rollup.ROSTER)


def test_a_database_without_rollup_tables_is_answered_and_gets_them(tmp_path):
    from data_access.schema.reference import init_schema

    engine = get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    init_schema(engine)
    for model in rollup.ROLLUP_TABLES:
        model.__table__.drop(engine)
    assert not rollup.is_fresh(engine, TINY_AS_OF, rollup.ROSTER)
    assert rollup.roster_counts(engine, SAMR, TINY_AS_OF).empty
    assert rollup.roster_counts(engine, OFFICE, TINY_AS_OF).empty
    assert rollup.population_counts(engine, TINY_AS_OF)["adults"] == 0
    assert rollup.is_fresh(engine, TINY_AS_OF, rollup.ROSTER)


def test_the_nightly_command_stores_the_date_and_a_year_earlier(city, city_url, capsys):
    from data_access.__main__ import main as data_access_cli

    day = dt.date(2026, 3, 31)
    assert data_access_cli(["--db", city_url, "rollups", "--as-of", day.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "coverage rollups as of 2026-03-31 stored" in out
    assert "coverage rollups as of 2025-03-31 stored" in out
    for part in (rollup.ROSTER, rollup.POPULATION):
        assert {day, dt.date(2025, 3, 31)} <= stored_dates(city, part)
        assert rollup.is_fresh(city, day, part)
    pd.testing.assert_frame_equal(
        rollup.roster_counts(city, SAMR, day), cv.roster_counts(city, SAMR, day)
    )


def test_a_database_that_refuses_the_write_still_gets_the_right_figures(tmp_path, caplog):
    """A read-only connection (a reporting replica, say): the office's figures are the live ones,
    computed once, and nothing is stored."""
    import shutil
    import sqlite3

    from sqlalchemy import create_engine

    from seed_data.build import build_city
    from tests.conftest import TINY_SEED

    path = tmp_path / "ro.db"
    build_city(get_engine(f"sqlite:///{path}"), "tiny", seed=TINY_SEED, as_of=TINY_AS_OF)
    shutil.copy(path, tmp_path / "rw.db")
    read_only = create_engine(
        "sqlite://", creator=lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    )
    writable = get_engine(f"sqlite:///{tmp_path / 'rw.db'}")
    for counties in ((), ("411627",)):
        pd.testing.assert_frame_equal(
            rollup.roster_counts(read_only, OFFICE, OTHER_DAY, counties),
            cv.roster_counts(writable, OFFICE, OTHER_DAY, counties),
        )
        pd.testing.assert_series_equal(
            rollup.population_counts(read_only, OTHER_DAY, counties),
            cv.population_counts(writable, OTHER_DAY, counties),
        )
    assert "not stored" in caplog.text
    assert OTHER_DAY not in stored_dates(read_only, rollup.ROSTER)


# --------------------------------------------------------------------------- domain rollups

WINDOW = dt.date(2025, 12, 1)


@pytest.mark.parametrize("scope", [OFFICE, SAMR, Scope("department_head", "TAX")],
                         ids=lambda s: f"{s.role}-{s.department_code}")  # fmt: skip
@pytest.mark.parametrize("counties", [(), ("411627",), ("411602", "411628")])
def test_domain_rollups_give_the_live_figures_for_every_scope_and_county_filter(
    city, scope, counties
):
    from data_access.queries import domain_rollup

    domain_rollup.store_records(city, TINY_AS_OF, WINDOW)
    domain_rollup.store_status(city, TINY_AS_OF)
    for by in cv.BREAKDOWNS:
        live = cv.domain_records(city, scope, TINY_AS_OF, WINDOW, by, counties)
        stored = domain_rollup.domain_records(city, scope, TINY_AS_OF, WINDOW, by, counties)
        assert len(live) > 0 or scope is not OFFICE, by  # the tiny city: some scopes have none
        pd.testing.assert_frame_equal(stored, live, check_dtype=False, obj=by)
    live = cv.domain_display_status(city, scope, TINY_AS_OF, counties)
    stored = domain_rollup.domain_display_status(city, scope, TINY_AS_OF, counties)
    assert live["negative_total"].sum() > 0 or scope is not OFFICE
    pd.testing.assert_frame_equal(stored, live, check_dtype=False)


def test_a_department_head_meets_a_missing_domain_rollup_with_the_live_count(city):
    from data_access.queries import domain_rollup

    window = dt.date(2024, 12, 1)
    part = domain_rollup._records_part(window)
    live = cv.domain_records(city, SAMR, TINY_AS_OF, window, "category")
    assert len(live) > 0
    pd.testing.assert_frame_equal(
        domain_rollup.domain_records(city, SAMR, TINY_AS_OF, window, "category"), live
    )
    assert TINY_AS_OF not in stored_dates(city, part)
    domain_rollup.domain_records(city, OFFICE, TINY_AS_OF, window, "category")
    assert TINY_AS_OF in stored_dates(city, part)
    with city.connect() as conn:  # an import of credit records makes it stale
        conn.execute(m.ImportRun.__table__.insert().values(
            kind="credit-records", file_name="x.csv", started_at=dt.datetime(2026, 11, 1)))  # fmt: skip
        conn.commit()
    assert not rollup.is_fresh(city, TINY_AS_OF, part)


@pytest.mark.parametrize("counties", [(), ("411627",), ("411602", "411628")])
def test_the_residents_tile_reads_the_population_rollup(city, counties):
    from data_access.queries import overview

    with city.connect() as conn:
        stmt = select(func.count()).select_from(m.Person)
        if counties:
            stmt = stmt.where(m.Person.county_code.in_(counties))
        live = conn.scalar(stmt)
    assert live > 0
    rollup.refresh(city, TINY_AS_OF)  # fresh again after the tests above imported
    assert rollup.residents(city, counties) == live
    assert overview.residents(city, OFFICE, counties) == live


def test_a_population_rollup_stored_without_residents_is_dropped_and_counted_again(tmp_path):
    from sqlalchemy import text

    from data_access.schema.reference import init_schema

    engine = get_engine(f"sqlite:///{tmp_path / 'old.db'}")
    init_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE population_rollup"))
        conn.execute(text("CREATE TABLE population_rollup (as_of DATE, county_code VARCHAR(16), "
                          "adults INTEGER, PRIMARY KEY (as_of, county_code))"))  # fmt: skip
        conn.execute(text("INSERT INTO population_rollup VALUES ('2026-11-01', '411602', 5)"))
    with engine.begin() as conn:
        conn.execute(insert(RollupRun).values(as_of=dt.date(2026, 11, 1), part=rollup.POPULATION,
                                              import_generation=0, computed_at=dt.datetime.now()))  # fmt: skip
    assert rollup.residents(engine) is None  # the old table is dropped, its marker with it
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(RollupRun)) == 0
        assert conn.scalar(select(func.count()).select_from(PopulationRollup)) == 0
    assert rollup.population_counts(engine, TINY_AS_OF)["adults"] == 0
    assert rollup.residents(engine) == 0


def _counting_roster_counts(monkeypatch, pause: float = 0.3) -> list[Scope]:
    """cv.roster_counts, recording who runs it and lasting a little longer (so that viewers meet)."""
    import time

    live = cv.roster_counts
    calls: list[Scope] = []

    def counted(engine, scope, as_of, *args, **kwargs):
        calls.append(scope)
        time.sleep(pause)
        return live(engine, scope, as_of, *args, **kwargs)

    monkeypatch.setattr(cv, "roster_counts", counted)
    return calls


def test_viewers_meeting_a_missing_rollup_together_compute_it_once(city, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    day = dt.date(2026, 5, 31)
    assert day not in stored_dates(city, rollup.ROSTER)
    expected = cv.roster_counts(city, OFFICE, day)
    calls = _counting_roster_counts(monkeypatch)
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: rollup.roster_counts(city, OFFICE, day), range(6)))
    assert calls == [rollup.CITY]  # one city-wide computation, five viewers waited for it
    for answer in answers:
        pd.testing.assert_frame_equal(answer, expected)
    assert day in stored_dates(city, rollup.ROSTER)


@pytest.mark.postgres
def test_another_server_process_computing_it_is_waited_for_not_repeated(city, monkeypatch):
    """Another process holds the rollup's advisory lock (it is computing): this viewer waits,
    then reads what that process stored, without computing it again."""
    import threading

    from data_access.queries import rollup_once

    if city.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    day = dt.date(2026, 4, 30)
    name = f"{rollup.ROSTER}@{day}"
    calls = _counting_roster_counts(monkeypatch, pause=0.0)
    holder = city.connect()  # another session of the database, as another process would have
    holder.execute(select(func.pg_advisory_lock(rollup_once.LOCK_SPACE,
                                                rollup_once._lock_key(name))))  # fmt: skip
    answer: list[pd.DataFrame] = []
    viewer = threading.Thread(target=lambda: answer.append(rollup.roster_counts(city, OFFICE, day)))
    viewer.start()
    viewer.join(timeout=1.0)
    assert viewer.is_alive()  # waiting for the lock
    rollup._store(city, day, rollup.ROSTER)  # what the other process does while it holds it
    calls.clear()
    holder.execute(select(func.pg_advisory_unlock(rollup_once.LOCK_SPACE,
                                                  rollup_once._lock_key(name))))  # fmt: skip
    holder.close()
    viewer.join(timeout=30)
    assert not viewer.is_alive() and calls == []
    pd.testing.assert_frame_equal(answer[0], cv.roster_counts(city, OFFICE, day))
