"""Saving the what-if rules as a new policy version: administrators only, never overwritten,
and the newest saved version is what the next points run uses."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import insert, select

from data_access.id_number import make_id_number
from data_access.schema import models as m
from data_access.schema import score_models as sm
from data_access.scope import Scope
from scoring.__main__ import main as scoring_main
from scoring.points_policy import PolicyError, load_policy
from scoring.policy_store import current_policy, save_policy_version, saved_versions

ADMIN = Scope("admin")


def harsher(policy):
    return dataclasses.replace(
        policy, negative_points=tuple((s, p * 2) for s, p in policy.negative_points)
    )


def test_admin_saves_a_new_version_that_becomes_the_policy_in_force(engine):
    shipped = load_policy()
    assert current_policy(engine).version == shipped.version
    saved = save_policy_version(engine, ADMIN, "admin", harsher(shipped), "2026.3", "doubled")
    assert saved.version == "2026.3"
    in_force = current_policy(engine)
    assert in_force.version == "2026.3"
    assert dict(in_force.negative_points)["serious"] == 2 * dict(shipped.negative_points)["serious"]
    assert [v["version"] for v in saved_versions(engine)] == ["2026.3"]


@pytest.mark.parametrize("role", ["leading_office", "department_head", "privacy_officer"])
def test_only_an_administrator_may_save(engine, role):
    with pytest.raises(PermissionError):
        save_policy_version(engine, Scope(role, "EDU"), "someone", load_policy(), "2026.9")


def test_a_version_name_is_never_reused(engine):
    save_policy_version(engine, ADMIN, "admin", load_policy(), "2026.3")
    with pytest.raises(PolicyError, match="exists already"):
        save_policy_version(engine, ADMIN, "admin", harsher(load_policy()), "2026.3")
    with pytest.raises(PolicyError, match="exists already"):
        save_policy_version(engine, ADMIN, "admin", load_policy(), load_policy().version)
    with pytest.raises(PolicyError, match="version name"):
        save_policy_version(engine, ADMIN, "admin", load_policy(), "  ")


def test_the_points_command_uses_the_saved_version(db_url, engine, capsys):
    born = dt.date(1980, 5, 17)
    with engine.begin() as conn:
        conn.execute(
            insert(m.Person),
            [{"id_number": make_id_number("412701", born, 123), "name": "王建明", "gender": "M",
              "birth_date": born, "county_code": "411602"}],
        )  # fmt: skip
    save_policy_version(engine, ADMIN, "admin", harsher(load_policy()), "2026.3")
    assert scoring_main(["--db", db_url, "points", "--as-of", "2026-11-27"]) == 0
    with engine.connect() as conn:
        versions = conn.scalars(select(sm.ScoreRun.policy_version)).all()
    assert versions == ["2026.3"]


def test_admin_saves_from_the_page_and_others_see_no_save_form(
    tmp_path, monkeypatch, server_navigation
):
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from data_access.engine import get_engine
    from scoring.points_run import score_database
    from seed_data.build import build_city
    from tests.conftest import TINY_AS_OF, TINY_SEED

    url = f"sqlite:///{tmp_path / 'credit.db'}"
    build_city(get_engine(url), "tiny", seed=TINY_SEED, as_of=TINY_AS_OF)
    score_database(get_engine(url), TINY_AS_OF, load_policy())
    monkeypatch.setenv("CREDIT_DB_URL", url)
    app_path = str(Path(__file__).resolve().parent.parent / "dashboard.py")

    def open_scores(user: dict) -> AppTest:
        app = AppTest.from_file(app_path, default_timeout=60)
        app.session_state["user"] = user
        app.session_state["filter_as_of"] = TINY_AS_OF
        app.run()
        return app.switch_page("pages/scores.py").run()

    office = open_scores({"username": "leading_office", "role": "leading_office",
                          "department_code": "DRC"})  # fmt: skip
    assert not [w for w in office.text_input if w.key == "save.version"]

    app = open_scores({"username": "admin", "role": "admin", "department_code": None})
    app.number_input(key="wi.neg.serious").set_value(-150)
    app.button(key="wi.preview").click().run()  # the admin previews, then saves what was previewed
    app.text_input(key="save.version").input("2026.3")
    app.text_input(key="save.note").input("heavier serious penalty")
    app.button(key="FormSubmitter:save_policy-保存为新版本").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [s.value for s in app.success] == ["已保存积分规则版本 2026.3。"]
    in_force = current_policy(get_engine(url))
    assert (in_force.version, dict(in_force.negative_points)["serious"]) == ("2026.3", -150)
