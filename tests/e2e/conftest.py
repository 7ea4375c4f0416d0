"""Fixtures of the browser tests: a dashboard server on a tiny city (points and alerts computed
by the seed build) with one account of each role, on each engine; Chromium through Playwright.

Skipped when Playwright or a Chromium is missing (Debian: `apt install chromium fonts-noto-cjk`,
`pip install playwright`), except under CI=true, where that fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest

from data_access.accounts.user_admin import add_user
from data_access.engine import get_engine
from tests.conftest import TINY_AS_OF, create_pg_database, drop_pg_database
from tests.e2e.browser import ACCOUNTS, CHROMIUM, PASSWORD, PROJECT, UNDER_CI, playwright_api


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def server(request, tmp_path_factory) -> Iterator[str]:
    """A dashboard server on a tiny city with two accounts of known passwords, on each engine."""
    yield from serve(request.param, tmp_path_factory)


def serve(engine_name: str, tmp_path_factory) -> Iterator[str]:
    """Build the tiny city on the engine, start a dashboard server on it, yield its address; a
    module whose checks do not depend on the engine overrides `server` with SQLite alone."""
    from seed_data.build import build_city

    folder = tmp_path_factory.mktemp("e2e")
    if engine_name == "sqlite":
        url = f"sqlite:///{folder / 'credit.db'}"
    else:
        url = create_pg_database("credit_e2e")
    engine = get_engine(url)
    build_city(engine, "tiny", seed=2018, as_of=TINY_AS_OF)  # points and alerts included
    for username, (role, dept) in ACCOUNTS.items():
        add_user(engine, username, role, PASSWORD, department_code=dept, actor="test")
    port = _free_port()
    log = open(folder / "server.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=PROJECT, env={**os.environ, "CREDIT_DB_URL": url}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(
                "the dashboard server did not start: " + (folder / "server.log").read_text()
            )
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()
        if engine_name == "postgresql":
            drop_pg_database(url)
    assert "Traceback" not in (folder / "server.log").read_text()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        try:
            launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        except Exception as exc:  # no browser installed for Playwright
            reason = f"no Chromium to drive: {exc}".splitlines()[0]
            if UNDER_CI:
                pytest.fail(reason + " (CI=true: .ci/run installs chromium)")
            pytest.skip(reason)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    tab = context.new_page()
    yield tab
    context.close()
