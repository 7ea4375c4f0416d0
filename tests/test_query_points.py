"""Query points and accounts (the monthly user-risk review): known answers on a handful of rows.

Four operators, October 2026: two window clerks of one county hall share terminal T-A (one also
uses T-B, with 5 unauthorised lookups there, and has an open alert); two city-level PSB officers,
one dormant since June who looks up 25 persons in October, one who also worked in September.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, insert, select

from data_access.__main__ import main as cli
from data_access.engine import get_engine
from data_access.queries import query_points as qp
from data_access.schema import models as m
from data_access.scope import Scope
from ui.i18n import t
from ui.review_report import review_workbook

OFFICER = Scope("privacy_officer")
OCT = dt.date(2026, 10, 1)


def _lookup(n: int, op: str, at: dt.datetime, terminal: str | None, *, subject: str = "",
            purpose: str | None = "LICENSING", ref: str | None = "REF-1") -> dict:  # fmt: skip
    return {"query_id": f"{op}-{n}-{at:%m%d}", "queried_at": at, "operator_id": op,
            "subject_id_number": subject or f"S{n:05d}", "purpose_code": purpose,
            "authorization_ref": ref, "channel": "WEB", "terminal_id": terminal, "flags": ""}  # fmt: skip


def _world(url: str) -> None:
    ops = [
        ("w1", "甲乙丙", "GOVSERVICE", "window", "411602"),
        ("w2", "丁戊己", "GOVSERVICE", "window", "411602"),
        ("p1", "庚辛壬", "PSB", "officer", None),
        ("p2", "癸子丑", "PSB", "officer", None),
    ]
    day = dt.datetime(2026, 10, 12, 9)
    rows = [_lookup(i, "w1", day, "T-A") for i in range(10)]
    rows += [_lookup(100 + i, "w2", day, "T-A") for i in range(4)]
    rows += [_lookup(110 + i, "w2", day, "T-B", ref=None) for i in range(4)]  # needs a reference
    rows += [_lookup(120, "w2", day, "T-B", purpose=None), _lookup(121, "w2", day, "T-B")]
    rows += [_lookup(200 + i, "p1", day, "T-C") for i in range(25)]
    rows += [_lookup(300 + i, "p2", day, "T-D") for i in range(25)]
    rows += [_lookup(1, "p1", dt.datetime(2026, 6, 1, 10), "T-C"),  # dormant since June
             _lookup(2, "p2", dt.datetime(2026, 9, 15, 10), "T-D")]  # fmt: skip
    now = dt.datetime(2026, 11, 1)
    alerts = [
        {"operator_id": "w2", "window_start": dt.datetime(2026, 10, 5),
         "window_end": dt.datetime(2026, 10, 19), "score": 6.5, "reasons_zh": "x",
         "reasons_en": "x", "status": "open", "created_at": now},
        {"operator_id": "w1", "window_start": dt.datetime(2026, 10, 5),
         "window_end": dt.datetime(2026, 10, 19), "score": 4.5, "reasons_zh": "x",
         "reasons_en": "x", "status": "dismissed", "created_at": now},
    ]  # fmt: skip
    with get_engine(url).begin() as conn:
        conn.execute(insert(m.Operator), [
            {"operator_id": o, "name": n, "department_code": d, "role": r, "county_code": c}
            for o, n, d, r, c in ops])  # fmt: skip
        conn.execute(insert(m.QueryLog), rows)
        conn.execute(insert(m.Alert), alerts)


@pytest.fixture
def world(db_url) -> str:
    _world(db_url)
    return db_url


def test_the_months_figures(world):
    engine = get_engine(world)
    assert qp.default_month(engine, OFFICER, dt.date(2026, 11, 27)) == OCT
    review = qp.month_review(engine, OFFICER, dt.date(2026, 10, 17))
    assert review.totals["lookups"] == 70 and review.totals["unauthorised"] == 5
    points = review.points.set_index("point")
    hall = points.loc["GOVSERVICE|411602"]
    assert (hall["lookups"], hall["operators"], hall["terminals"]) == (20, 2, 2)
    assert hall["unauthorised_share"] == pytest.approx(5 / 20)
    assert (hall["shared_terminals"], hall["multi_terminal_operators"], hall["alerts"]) == (1, 1, 1)
    # alerts 3 + unauthorised 2 (25 % >= 2 x the city's 7.1 %) + shared 1 + multi-terminal 1
    assert (hall["risk_points"], hall["level"]) == (7, "high")
    psb = points.loc["PSB|"]
    assert (psb["lookups"], psb["dormant_operators"], psb["risk_points"]) == (50, 1, 2)
    assert list(review.points["point"]) == ["GOVSERVICE|411602", "PSB|"]  # ranked
    terminals = review.terminals.set_index("terminal")
    assert terminals.loc["T-A", "operators"] == 2 and terminals.loc["T-A", "r_shared"]
    assert terminals.loc["T-B", "unauthorised_share"] == pytest.approx(5 / 6)
    assert set(review.shared["op"]) == {"w1", "w2"} and set(review.shared["terminal"]) == {"T-A"}
    (multi,) = review.multi_terminal.to_dict("records")
    assert (multi["op"], multi["terminals"], multi["terminal_lookups"]) == (
        "w2", 2, [("T-B", 6), ("T-A", 4)])  # fmt: skip
    assert multi["name"] == "丁*己"  # masked
    (dormant,) = review.dormant.to_dict("records")
    assert (dormant["op"], dormant["persons"], dormant["idle_days"]) == ("p1", 25, 121)
    assert list(review.open_alerts["op"]) == ["w2"]
    # July: the log starts in June, less than 60 days before: dormancy is not judged
    assert not qp.month_review(engine, OFFICER, dt.date(2026, 7, 1)).dormant_judged


def test_a_review_narrowed_to_a_county_keeps_its_operators_and_the_scopes_rules(world):
    engine = get_engine(world)
    review = qp.month_review(engine, OFFICER, OCT, ("411602",))
    assert review.counties == ("411602",)
    assert list(review.points["point"]) == ["GOVSERVICE|411602"]
    # judged as in the whole review: 25 % unauthorised against the scope's 7.1 %, not its own
    assert review.points.loc[0, "risk_points"] == 7
    with engine.connect() as conn:
        persons = conn.scalar(
            select(func.count(func.distinct(m.QueryLog.subject_id_number))).where(
                m.QueryLog.operator_id.in_(["w1", "w2"]),
                m.QueryLog.queried_at >= dt.datetime(2026, 10, 1),
                m.QueryLog.queried_at < dt.datetime(2026, 11, 1),
            )
        )
    totals = review.totals
    assert (totals["lookups"], totals["unauthorised"], totals["operators"]) == (20, 5, 2)
    assert totals["persons"] == persons and 0 < persons < 70
    assert totals["unauthorised_share"] == pytest.approx(5 / 20)
    assert (totals["points"], totals["high_points"], totals["dormant_operators"]) == (1, 1, 0)
    assert review.dormant.empty  # p1 is a city-level officer
    assert list(review.open_alerts["op"]) == ["w2"] and list(review.multi_terminal["op"]) == ["w2"]
    assert set(review.shared["op"]) == {"w1", "w2"}
    assert set(review.terminals["county_code"]) == {"411602"}
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(review, "zh")))
    heading = " ".join(str(c.value) for c in book.worksheets[0][2] if c.value)
    assert "川汇区" in heading  # the workbook says which county it covers
    nobody = qp.month_review(engine, OFFICER, OCT, ("411628",))
    assert nobody.points.empty and nobody.totals["lookups"] == 0 and nobody.totals["persons"] == 0


def test_a_department_head_is_refused(world):
    from services import query_points as service

    head = Scope("department_head", "PSB")
    with pytest.raises(PermissionError):
        qp.month_review(get_engine(world), head, OCT)
    with pytest.raises(PermissionError):
        service.review(world, head, OCT)


def test_the_workbook_and_the_command_line(world, tmp_path):
    review = qp.month_review(get_engine(world), OFFICER, OCT)
    book = openpyxl.load_workbook(io.BytesIO(review_workbook(review, "zh")))
    sheets = [t(k, "zh") for k in ("qp.sheet.summary", "qp.sheet.points", "qp.sheet.terminals",
                                    "qp.sheet.multi", "qp.sheet.dormant", "qp.sheet.alerts")]  # fmt: skip
    assert book.sheetnames[:6] == sheets
    points = book[sheets[1]]
    header = [c.value for c in points[3]]
    first = dict(zip(header, [c.value for c in points[4]], strict=True))
    assert first[t("qp.col.lookups", "zh")] == 20 and first[t("qp.col.risk_points", "zh")] == 7
    assert "市政务服务和大数据管理局" in first[t("qp.col.point", "zh")]
    out = tmp_path / "review.xlsx"
    assert cli(["--db", world, "review", "--month", "2026-10", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames[:6] == sheets
    with pytest.raises(SystemExit) as bad:
        cli(["--db", world, "review", "--month", "2026-13", "--out", str(out)])
    assert bad.value.code == 2


def test_the_page_as_a_privacy_officer(tiny_city_url, monkeypatch):
    from tests.apptest import open_page

    app = open_page(tiny_city_url, "pages/query_points.py", "privacy_officer", monkeypatch)
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value == t("page.query_points", "zh")
    review = qp.month_review(get_engine(tiny_city_url), OFFICER, dt.date(2026, 11, 1))
    assert app.selectbox(key="qp_month").value == dt.date(2026, 11, 1)  # the log's only month
    tiles = {x.label: x.value for x in app.metric}
    assert tiles[t("qp.tile.lookups", "zh")] == f"{review.totals['lookups']:,}"
    assert tiles[t("qp.tile.points", "zh")] == str(len(review.points))
    points = app.dataframe[0].value
    assert list(points[t("qp.col.rank", "zh")]) == list(range(1, len(review.points) + 1))
    assert points[t("qp.col.reasons", "zh")].str.len().gt(0).all()
    # the tiny log covers 21 days: dormant accounts are not judged, and the page says so
    assert t("qp.dormant_not_judged", "zh", days=qp.DORMANT_DAYS) in [i.value for i in app.info]


def test_the_global_county_filter_narrows_the_page(tiny_city_url, monkeypatch):
    from tests.apptest import open_page

    app = open_page(tiny_city_url, "pages/query_points.py", "privacy_officer", monkeypatch,
                    filter_counties=["411602"])  # fmt: skip
    assert not app.exception, [e.value for e in app.exception]
    review = qp.month_review(get_engine(tiny_city_url), OFFICER, dt.date(2026, 11, 1), ("411602",))
    whole = qp.month_review(get_engine(tiny_city_url), OFFICER, dt.date(2026, 11, 1))
    assert 0 < review.totals["lookups"] < whole.totals["lookups"]
    tiles = {x.label: x.value for x in app.metric}
    assert tiles[t("qp.tile.lookups", "zh")] == f"{review.totals['lookups']:,}"
    assert any("川汇区" in c.value and "市级操作员不在其中" in c.value for c in app.caption)
    shown = app.dataframe[0].value[t("qp.col.point", "zh")]
    assert len(shown) == len(review.points) and shown.str.contains("川汇区").all()


def test_a_complete_month_is_stored_and_an_import_into_it_forgets_it(world, tmp_path):
    """October is complete: the first review stores its figures, the second reads them back
    with the same answers; importing lookups dated in October forgets them and the review counts
    the new rows; the month in progress is never stored."""
    import csv

    from data_access.imports.importer import import_file
    from data_access.queries import query_month_rollup as qm
    from data_access.schema.rollup_models import QueryMonthLookups, RollupRun

    engine = get_engine(world)
    counted = qp.month_review(engine, OFFICER, OCT)
    with engine.connect() as conn:
        months = set(
            conn.execute(select(RollupRun.as_of).where(RollupRun.part == qm.PART)).scalars()
        )
        stored = conn.execute(select(func.sum(QueryMonthLookups.lookups)).where(
            QueryMonthLookups.month == OCT)).scalar_one()  # fmt: skip
    assert OCT in months and dt.date(2026, 9, 1) in months and stored == 70
    again = qp.month_review(engine, OFFICER, OCT)
    for name in ("points", "terminals", "shared", "dormant"):
        pd.testing.assert_frame_equal(getattr(counted, name), getattr(again, name))
    assert again.totals == counted.totals

    path = tmp_path / "october.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["query_id", "queried_at", "operator_id", "subject_id_number",
                         "purpose_code", "authorization_ref", "channel", "terminal_id"])  # fmt: skip
        for i in range(6):
            writer.writerow([f"late-{i}", "2026-10-30T10:00:00", "w1", f"S9{i:04d}",
                             "LICENSING", "REF-9", "WEB", "T-A"])  # fmt: skip
    result = import_file(engine, "query-log", path)
    assert result.ok and result.rows_written == 6
    with engine.connect() as conn:
        assert OCT not in set(conn.execute(select(RollupRun.as_of).where(RollupRun.part == qm.PART)).scalars())  # fmt: skip
    after = qp.month_review(engine, OFFICER, OCT)
    assert after.totals["lookups"] == 76
    assert after.points.set_index("point").loc["GOVSERVICE|411602", "lookups"] == 26

    this_month = qm.month_start(qm.today())
    qm.month_figures(engine, OFFICER, this_month)
    with engine.connect() as conn:
        assert this_month not in set(conn.execute(select(RollupRun.as_of)).scalars())
