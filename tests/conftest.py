"""Shared fixtures: a fresh database on each engine (SQLite file and the local PostgreSQL).

PostgreSQL tests use a private database created for the test session. When the server cannot be
reached they skip locally, but under CI=true they fail: CI must prove both engines.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from data_access.engine import dispose_engines, get_engine
from data_access.schema import models as m
from data_access.schema.reference import init_schema
from scoring import display_consumers  # noqa: F401  the whole display check in every test

# A translation key missing from a catalogue raises KeyError instead of showing the key (ui/i18n.py):
# every page the tests render proves that none of its text is missing.
os.environ["I18N_STRICT"] = "1"

PG_ADMIN_URL = os.environ.get(
    "CREDIT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's own hook reads the marks
def pytest_collection_modifyitems(config, items) -> None:
    """Keep each test file on one pytest-xdist worker (its module fixtures are built once) and all
    the browser tests and the load benchmark on one worker together: each starts a dashboard
    server and a browser or ten sessions, and two at once on this two-core machine would time out.
    Used by `--dist loadgroup` (pyproject.toml); without xdist the marks do nothing."""
    for item in items:
        heavy = "e2e" in item.path.parts or item.path.name == "test_load_benchmark.py"
        item.add_marker(pytest.mark.xdist_group("servers" if heavy else item.path.stem))


def _pg_unreachable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"PostgreSQL is required under CI=true but unreachable: {reason}")
    pytest.skip(f"PostgreSQL unreachable: {reason}")


def create_pg_database(prefix: str) -> str:
    """Create a private PostgreSQL database and return its URL (skip or fail when unreachable)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        _pg_unreachable(str(exc).splitlines()[0])
    finally:
        admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_pg_database(url: str) -> None:
    dispose_engines()
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A private PostgreSQL database for this test session, dropped at the end."""
    url = create_pg_database("credit_test")
    yield url
    drop_pg_database(url)


TINY_AS_OF = dt.date(2026, 11, 27)
TINY_SEED = 2018


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def tiny_city_url(request, tmp_path_factory) -> Iterator[str]:
    """The tiny synthetic city (seed 2018, as of 2026-11-27), built once per engine per session.

    Read-only for tests: a test that writes must build its own (`private_tiny_city`)."""
    yield from private_tiny_city(request.param, tmp_path_factory, "tiny")


def private_tiny_city(engine_name: str, tmp_path_factory, prefix: str) -> Iterator[str]:
    """Build a tiny city of its own on "sqlite" or "postgresql", yield its URL, then drop it.
    For a fixture: `yield from private_tiny_city(request.param, tmp_path_factory, "mine")`."""
    from seed_data.build import build_city

    if engine_name == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(prefix) / 'credit.db'}"
    else:
        url = create_pg_database(f"credit_{prefix}")
    build_city(get_engine(url), "tiny", seed=TINY_SEED, as_of=TINY_AS_OF)
    yield url
    if engine_name == "postgresql":
        drop_pg_database(url)


def _fresh(engine: Engine) -> Engine:
    m.Base.metadata.drop_all(engine)
    init_schema(engine)
    return engine


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'credit.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """The URL of an empty database with schema and reference catalogues, on each engine."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'credit.db'}"
    else:
        url = request.getfixturevalue("pg_database_url")
    _fresh(get_engine(url))
    return url


@pytest.fixture
def engine(db_url) -> Engine:
    return get_engine(db_url)


@pytest.fixture
def server_navigation(monkeypatch) -> None:
    """Make AppTest runs behave like a running server after its first run.

    A Streamlit server turns off the legacy `pages/` folder mode for the whole process the first
    time dashboard.py calls st.navigation. AppTest resets that flag before every run, so each run
    would start in the legacy mode and execute the requested page file without dashboard.py. This
    fixture restores the server's steady state; the legacy first run is tested on its own.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original_init = PagesManager.__init__

    def init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)
