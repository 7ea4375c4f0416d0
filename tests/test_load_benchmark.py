"""The load benchmark works: real websocket sessions signed in by cookie open every page of their
role and report no error (times are the benchmark's business, not a test's)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from data_access.accounts.user_admin import list_accounts
from data_access.engine import get_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import load


@pytest.fixture
def city_copy(tiny_city_url, tmp_path) -> str:
    if not tiny_city_url.startswith("sqlite"):
        pytest.skip("one engine is enough to show the benchmark runs")
    copy = tmp_path / "credit.db"
    shutil.copy(tiny_city_url.removeprefix("sqlite:///"), copy)
    return f"sqlite:///{copy}"


def test_four_sessions_open_every_page_of_their_roles(city_copy, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["load.py", "--db", city_copy, "--sessions", "4",
                                      "--rounds", "1", "--servers", "2"])  # fmt: skip
    assert load.main() == 0
    out = capsys.readouterr().out
    assert "4 sessions x 1 rounds on 2 dashboard process(es)" in out
    rows = [line for line in out.splitlines()[1:] if line.startswith("| ") and ")" in line[:40]]
    rows = [line for line in rows if not line.startswith("| page")]
    # one view of every page of the four roles' menus
    from ui.navigation import pages_for_role

    views = sum(len(pages_for_role(role)) for role, _dept in load.roles_in_turn(4))
    assert len(rows) == views, out
    assert all(line.rstrip(" |").endswith("| 0") for line in rows), out
    assert f"| **every page** | {views} |" in out
    accounts = list_accounts(get_engine(city_copy))
    load_accounts = accounts[accounts["username"].str.startswith("load_")]
    # disabled at the end, but for the tiny city's only administrator (a password nobody knows)
    assert len(load_accounts) == 4
    assert load_accounts.loc[load_accounts["active"], "role"].tolist() == ["admin"]
    assert "only administrator" in out


def test_roles_take_turns():
    roles = [role for role, _dept in load.roles_in_turn(6)]
    assert roles == ["leading_office", "department_head", "privacy_officer", "admin",
                     "leading_office", "department_head"]  # fmt: skip
