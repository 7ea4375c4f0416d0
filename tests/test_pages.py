"""Every page, for every role that may open it, on the tiny city, on both engines, in both
languages: it renders without an exception (a parametrised AppTest over all pages)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from data_access.queries.reporting import Thresholds
from data_access.scope import Scope
from services.reporting import annual, heat_map, scorecard, status
from tests.apptest import USERS, open_page
from tests.conftest import TINY_AS_OF
from ui.circular import circular_workbook
from ui.navigation import PAGES

CASES = [(role, spec.path) for spec in PAGES for role in USERS if role in spec.roles]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("role", "page"), CASES)
def test_page_renders(tiny_city_url, monkeypatch, server_navigation, role, page, lang):
    app = open_page(tiny_city_url, page, USERS[role], monkeypatch, lang=lang)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def test_reporting_page_shows_the_scorecard_figures(tiny_city_url, monkeypatch, server_navigation):
    app = open_page(tiny_city_url, "pages/reporting.py", USERS["leading_office"], monkeypatch)
    scope = Scope("leading_office", "DRC")
    start = dt.date(TINY_AS_OF.year, 1, 1)
    frame = status(tiny_city_url, scope, start, dt.date(2026, 11, 30), TINY_AS_OF)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["应报"] == f"{len(frame):,}"
    assert metrics["缺报"] == str(int(frame["missing"].sum()))


def test_department_head_sees_only_their_unit(tiny_city_url, monkeypatch, server_navigation):
    app = open_page(tiny_city_url, "pages/reporting.py", USERS["department_head"], monkeypatch)
    assert {m.label: m.value for m in app.metric}["报送单位"] == "1"
    ranking = app.dataframe[0].value
    assert list(ranking["报送单位"]) == ["市城市管理局"]
    assert "排名" not in ranking.columns  # one unit has no rank
    labels = [tab.label for tab in app.tabs]
    assert "本部门趋势" in labels and not any("全市" in label for label in labels)


def test_circular_workbook_matches_the_scorecard(tiny_city_url):
    scope = Scope("admin")
    start, end = dt.date(2026, 1, 1), dt.date(2026, 11, 30)
    card = scorecard(tiny_city_url, scope, start, end, TINY_AS_OF, Thresholds())
    book = openpyxl.load_workbook(
        io.BytesIO(
            circular_workbook(
                card,
                status(tiny_city_url, scope, start, end, TINY_AS_OF),
                annual(tiny_city_url, scope, TINY_AS_OF),
                heat_map(tiny_city_url, scope, start, end, TINY_AS_OF),
                start, end, TINY_AS_OF, "zh",
            )
        )
    )  # fmt: skip
    assert book.sheetnames == ["排名", "逾期与缺报", "年度报告未报", "月度按时率"]
    sheet = book["排名"]
    assert "2026-11-27" in sheet["A1"].value and "2026-01-01" in sheet["A1"].value
    header = [c.value for c in sheet[3]]
    assert header[:4] == ["排名", "报送单位", "状态", "应报"]
    first = [c.value for c in sheet[4]]
    assert first[3] == int(card.iloc[0]["due"])
    assert first[header.index("按时率")] == pytest.approx(card.iloc[0]["on_time_rate"])
    laggards = book["逾期与缺报"]
    assert laggards.max_row - 3 == int((card["late"] + card["missing"]).sum())
