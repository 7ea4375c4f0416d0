"""The integrity points page on a scored tiny city (its own SQLite copy: the page reads a stored
run), for the roles that may open it."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access.engine import get_engine
from data_access.scope import Scope
from scoring.points_policy import load_policy
from scoring.points_run import score_database
from tests.apptest import USERS, open_page
from tests.conftest import TINY_AS_OF, TINY_SEED


@pytest.fixture(scope="module")
def scored_city(tmp_path_factory) -> str:
    from seed_data.build import build_city

    url = f"sqlite:///{tmp_path_factory.mktemp('scored') / 'credit.db'}"
    build_city(get_engine(url), "tiny", seed=TINY_SEED, as_of=TINY_AS_OF)
    score_database(get_engine(url), TINY_AS_OF, load_policy())
    return url


@pytest.mark.parametrize("role", ["leading_office", "admin"])
def test_scores_page_shows_the_stored_run(scored_city, monkeypatch, server_navigation, role):
    from services import scores

    app = open_page(scored_city, "pages/scores.py", USERS[role], monkeypatch)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    assert "积分低不会使任何人进入名单" in app.info[0].value  # the permanent banner
    assert "积分规则版本 2026.2" in app.caption[0].value
    run = scores.latest_run.__wrapped__(scored_city, Scope(role, "DRC"), TINY_AS_OF)
    frame = scores.distribution.__wrapped__(scored_city, Scope(role, "DRC"), run["run_id"], ())
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["参评人数（18 周岁以上）"] == f"{int(frame['persons'].sum()):,}"
    assert int(frame["persons"].sum()) == run["persons_scored"]
    assert len(app.dataframe) >= 2
    assert {"红名单（守信激励）", "绿色通道", "有严重失信记录", "失信被执行人（法院公布）"} <= set(
        metrics
    )
    assert metrics["失信被执行人（法院公布）"] != metrics["有严重失信记录"] or int(
        frame["serious_record"].sum()
    ) == int(frame["black_list"].sum())
    # no list is called a black list but the authorities' (the banner says the platform makes none)
    shown = [m.label for m in app.metric] + [c for d in app.dataframe for c in d.value.columns]
    assert not [text for text in shown if "黑名单" in str(text)]


def test_a_run_of_an_old_policy_is_labelled_not_passed_off_as_the_law(
    tmp_path, monkeypatch, server_navigation
):
    """A run stored before the lawful lists (green_channel empty, as the upgrade leaves it) is
    labelled on the scores page with the old meaning of its lists."""
    from sqlalchemy import update

    from data_access.schema import score_models as sm
    from seed_data.build import build_city
    from services import scores

    url = f"sqlite:///{tmp_path / 'credit.db'}"
    build_city(get_engine(url), "tiny", seed=TINY_SEED, as_of=TINY_AS_OF)
    run = score_database(get_engine(url), TINY_AS_OF, load_policy())
    assert not scores.is_legacy_run.__wrapped__(url, Scope("admin"), run.run_id)
    with get_engine(url).begin() as conn:
        conn.execute(update(sm.PersonScore).values(green_channel=None, serious_record=None))
    assert scores.is_legacy_run.__wrapped__(url, Scope("admin"), run.run_id)
    app = open_page(url, "pages/scores.py", USERS["leading_office"], monkeypatch)
    assert not app.exception
    assert "旧版积分规则" in app.warning[0].value
    labels = {m.label for m in app.metric}
    assert "旧版“黑名单”（任一严重失信记录）" in labels and "绿色通道" not in labels


def test_fairness_flags_compare_groups_with_the_city():
    import pandas as pd

    from services.scores import fairness_flags

    frame = pd.DataFrame(
        [
            ("411602", "M", "18-29", "A", 100, 0, 1, 0),
            ("411602", "F", "18-29", "A", 100, 0, 1, 0),
            ("411621", "M", "30-39", "C", 40, 0, 8, 0),
            ("411621", "M", "30-39", "A", 60, 0, 0, 0),
        ],
        columns=["county_code", "gender", "age_band", "grade", "persons", "red_list",
                 "black_list", "pending_objection"],
    )  # fmt: skip
    flags = fairness_flags(frame).set_index(["dimension", "group"])
    assert flags.loc[("county_code", "411621"), "flag"]
    assert not flags.loc[("county_code", "411602"), "flag"]
    assert flags.loc[("county_code", "411621"), "low_share"] == pytest.approx(0.4)


def test_what_if_preview_shows_the_movers(scored_city, monkeypatch, server_navigation):
    app = open_page(scored_city, "pages/scores.py", USERS["admin"], monkeypatch)
    app.number_input(key="wi.grade.A").set_value(1001)  # everyone at 1000 falls to B
    app.button(key="wi.preview").click().run()
    assert not app.exception, [e.value for e in app.exception]
    metrics = {m.label: m.value for m in app.metric}
    moved = metrics["等级变动人数"]
    assert moved != "0"
    assert app.get("download_button")  # the admin may export the new rules


def test_what_if_rejects_inconsistent_thresholds(scored_city, monkeypatch, server_navigation):
    app = open_page(scored_city, "pages/scores.py", USERS["leading_office"], monkeypatch)
    app.number_input(key="wi.grade.AA").set_value(1100)  # above AAA's minimum
    app.button(key="wi.preview").click().run()
    assert not app.exception
    assert "grade AA min must be below" in app.warning[0].value
    assert not app.get("download_button")


def test_what_if_with_the_same_rules_moves_nobody(scored_city):
    from services import scores

    scope = Scope("admin")
    run = scores.latest_run.__wrapped__(scored_city, scope, TINY_AS_OF)
    policy = load_policy()
    new, movers = scores.what_if.__wrapped__(
        scored_city, scope, run["run_id"], policy.text, TINY_AS_OF, ()
    )
    assert (movers["grade"] == movers["grade_new"]).all()
    assert movers[["red_in", "red_out", "black_in", "black_out"]].to_numpy().sum() == 0
    stored = scores.distribution.__wrapped__(scored_city, scope, run["run_id"], ())
    key = ["county_code", "gender", "age_band", "grade"]
    left = stored.sort_values(key).reset_index(drop=True)
    right = new[stored.columns].astype(stored.dtypes.to_dict()).sort_values(key)
    pd.testing.assert_frame_equal(left, right.reset_index(drop=True))


def test_the_run_stores_its_distribution_and_an_older_run_gets_one_on_first_view(scored_city):
    """The points run writes score_distribution before it commits; it equals the count over
    person_score. A run stored without one (an earlier version) is counted once and stored;
    county filters read the stored rows."""
    from sqlalchemy import delete, func, select

    from data_access.queries import scores as q
    from data_access.schema import score_models as sm

    engine = get_engine(scored_city)
    scope = Scope("admin")
    run_id = q.latest_run(engine, scope, TINY_AS_OF)["run_id"]
    d = sm.ScoreDistribution
    with engine.connect() as conn:
        rows = conn.scalar(select(func.count()).select_from(d).where(d.run_id == run_id))
        live = pd.DataFrame(
            conn.execute(q._count_run(run_id)).all(), columns=["run_id", *q.DISTRIBUTION_COLUMNS]
        ).drop(columns="run_id")
    assert rows and rows == len(live)
    key = ["county_code", "gender", "age_band", "grade"]
    stored = q.distribution(engine, scope, run_id, ())
    pd.testing.assert_frame_equal(
        stored.sort_values(key).reset_index(drop=True),
        q._typed(live).sort_values(key).reset_index(drop=True),
    )
    assert int(stored["persons"].sum()) == q.latest_run(engine, scope, TINY_AS_OF)["persons_scored"]
    with engine.begin() as conn:
        conn.execute(delete(d).where(d.run_id == run_id))
    again = q.distribution(engine, scope, run_id, ())
    pd.testing.assert_frame_equal(again, stored)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(d).where(d.run_id == run_id)) == rows
    county = stored["county_code"].iloc[0]
    one = q.distribution(engine, scope, run_id, (county,))
    assert set(one["county_code"]) == {county}
    assert int(one["persons"].sum()) == int(
        stored.loc[stored["county_code"] == county, "persons"].sum()
    )


def test_admin_opens_a_ledger_and_the_view_is_logged(scored_city, monkeypatch, server_navigation):
    from sqlalchemy import select

    from data_access.schema import models as m

    with get_engine(scored_city).connect() as conn:  # a judgment defaulter: on the courts' list
        subject, decided = conn.execute(
            select(m.CreditRecord.id_number, m.CreditRecord.decision_date)
            .where(m.CreditRecord.category_code == "JUDGMENT_DEFAULT",
                   m.CreditRecord.status == "active")
            .order_by(m.CreditRecord.decision_date.desc()).limit(1)
        ).one()  # fmt: skip
    app = open_page(scored_city, "pages/scores.py", USERS["admin"], monkeypatch)
    app.text_input(key="ledger.id").input(subject)
    app.selectbox(key="ledger.purpose").set_value("OBJECTION")
    app.text_input(key="ledger.ref").input("YY-2026-001")
    app.button(key="FormSubmitter:ledger-查看明细").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert subject not in " ".join(md.value for md in app.markdown)  # shown masked only
    assert app.dataframe[-1].value["line"].iloc[-1] == "total"
    decisions = [md.value for md in app.markdown if md.value.startswith(("✔", "✘"))]
    assert len(decisions) == 4  # red list, green channel, serious records, the courts' list
    assert decisions[3].startswith("✔ 在失信被执行人名单：法院公布：")
    assert f"{decided} 的 失信被执行人" in decisions[3]
    with get_engine(scored_city).connect() as conn:
        logged = conn.execute(
            select(m.QueryLog.operator_id, m.QueryLog.channel).where(
                m.QueryLog.subject_id_number == subject, m.QueryLog.operator_id == "DASH-admin"
            )
        ).all()
    assert logged == [("DASH-admin", "DASHBOARD")]
