"""Coverage of key professions and domains: small cells, measures, a fixture with known answers
(both engines), scope in SQL for every role, and the page with AppTest on the tiny city."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert
from streamlit.testing.v1 import AppTest

from data_access.engine import get_engine
from data_access.id_number import make_id_number
from data_access.queries import coverage as cv
from data_access.queries.coverage_measures import (
    county_table,
    domain_summary,
    gap_persons,
    month_labels,
    month_window_start,
    profession_table,
    totals,
    worst_gaps,
)
from data_access.queries.small_cells import (
    SUPPRESSED,
    is_small,
    mask_frame,
    rate_allowed,
)
from data_access.schema import models as m
from data_access.schema.reference import read_catalogue
from data_access.scope import Scope
from tests.apptest import open_page
from tests.conftest import TINY_AS_OF
from ui import coverage_display as view
from ui.exports import to_csv, to_excel
from ui.i18n import message, t

D = dt.date
AS_OF = D(2026, 6, 30)
ADMIN = Scope("admin")
OFFICE = Scope("leading_office", "DRC")
PROFESSION_DEPT = {r["code"]: r["responsible_dept"] for r in read_catalogue("professions")}
DOMAIN_DEPT = {r["code"]: r["lead_dept"] for r in read_catalogue("domains")}
DEPARTMENTS = [r["code"] for r in read_catalogue("departments")]


# --------------------------------------------------------------------------- small cells


def test_a_group_of_one_to_four_persons_is_small():
    assert not is_small(0) and is_small(1) and is_small(4.0) and not is_small(5)
    assert not is_small(None) and not is_small(math.nan)


def test_rates_of_groups_of_fewer_than_five_persons_are_not_shown():
    assert rate_allowed(5) and rate_allowed(201)
    assert not rate_allowed(4)  # small group
    assert not rate_allowed(0)  # empty group: no rate
    assert not rate_allowed(None)


def test_mask_frame_hides_figures_about_small_groups_only():
    frame = pd.DataFrame(
        {
            "current": [100, 3, 0, 201],
            "with_file": [97, 3, 0, 2],
            "records": [12, 0, 0, 3],
            "coverage": [0.97, 1.0, math.nan, 2 / 201],
        }
    )
    out = mask_frame(frame, group="current", members=["with_file", "records"], rates=["coverage"])
    # the size of a group is a register's size, always shown
    assert out["current"].tolist() == [100, 3, 0, 201]
    # a group of 3: every figure about its members hidden, zeros included; a group of 0 shows its
    # zeros; 2 or 3 persons of a group of 201 single out nobody
    assert out["with_file"].tolist() == [97, SUPPRESSED, 0, 2]
    assert out["records"].tolist() == [12, SUPPRESSED, 0, 3]
    assert out["coverage"].tolist() == [0.97, None, None, pytest.approx(2 / 201)]
    assert frame["with_file"].tolist() == [97, 3, 0, 2]  # the input is untouched


@given(
    st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 10_000)).map(sorted),
        min_size=1,
        max_size=30,
    )
)
def test_nothing_is_told_about_the_members_of_a_group_of_one_to_four(pairs):
    frame = pd.DataFrame({"n": [k for k, _ in pairs], "group": [g for _, g in pairs]})
    frame["share"] = frame["n"] / frame["group"].where(frame["group"] > 0)
    out = mask_frame(frame, group="group", members=["n"], rates=["share"])
    for group, n, share in zip(frame["group"], out["n"], out["share"], strict=True):
        if 0 < group < 5:
            assert n == SUPPRESSED and share is None
        else:
            assert isinstance(n, int) and (share is None) == (group == 0)


# --------------------------------------------------------------------------- pure measures


def test_gap_is_ceiling_of_target_minus_files_never_negative():
    assert gap_persons(100, 90, 0.95) == 5
    assert gap_persons(100, 95, 0.95) == 0  # 0.95 x 100 is exactly 95, not 96
    assert gap_persons(9, 5, 0.95) == 4  # ceil(8.55) = 9
    assert gap_persons(10, 10, 0.95) == 0
    assert gap_persons(3, 3, 0.95) == 0
    assert gap_persons(0, 0, 0.95) == 0
    assert gap_persons(100, 7, 0.07) == 0  # 0.07 x 100 is 7.000000000000001 in floats
    series = gap_persons(pd.Series([20, 1]), pd.Series([10, 1]), 0.95)
    assert series.tolist() == [9, 0]


def test_month_window():
    assert month_window_start(D(2026, 6, 30), 12) == D(2025, 7, 1)
    assert month_labels(D(2026, 2, 5), 3) == ["2025-12", "2026-01", "2026-02"]


def test_worst_gaps_order_and_limit():
    cells = pd.DataFrame(
        {
            "profession_code": ["A", "A", "B", "B"],
            "county_code": ["1", "2", "1", "2"],
            "current": [100, 10, 40, 40],
            "with_file": [60, 10, 30, 20],
        }
    )
    cells["coverage"] = cells["with_file"] / cells["current"]
    cells["gap"] = gap_persons(cells["current"], cells["with_file"], 0.95)
    gaps = worst_gaps(cells, limit=2)
    assert list(zip(gaps.profession_code, gaps.county_code, gaps.gap, strict=True)) == [
        ("A", "1", 35),
        ("B", "2", 18),
    ]


def test_every_text_key_of_the_page_is_translated():
    root = Path(__file__).resolve().parent.parent
    used = set()
    for name in ("pages/coverage.py", "ui/coverage_display.py"):
        used |= set(re.findall(r"[\"'](cov\.[a-z_.0-9]+)[\"']", (root / name).read_text()))
    assert used, "the page uses translation keys"
    for key in sorted(used):  # a missing key raises KeyError (I18N_STRICT, tests/conftest.py)
        zh, en = message(key, "zh"), message(key, "en")
        assert zh and en and zh != en or key.startswith("cov.severity"), key


def test_every_definition_is_in_the_interface():
    for measure in cv.DEFINITIONS:
        assert message(view.DEFINITION_TEXT[measure]) and message(view.TERM_TEXT[measure])
    for key in view.HELP.values():
        assert key in cv.DEFINITIONS


# --------------------------------------------------------------------------- known answers


ADULT_BIRTH = D(1980, 1, 1)
LONG_AGO = D(2015, 1, 1)


def _person(key: int, county: str = "411602", born: dt.date | None = ADULT_BIRTH) -> dict:
    return {
        "id_number": make_id_number(county, born or ADULT_BIRTH, 100 + key),
        "name": f"测试{key}",
        "gender": "M",
        "birth_date": born,
        "county_code": county,
    }


def _roster(person, profession, valid_from=LONG_AGO, valid_to=None):
    return {
        "id_number": person["id_number"],
        "profession_code": profession,
        "licence_no": "",
        "valid_from": valid_from,
        "valid_to": valid_to,
        "source_dept": PROFESSION_DEPT[profession],
    }


_serial = iter(range(1, 10_000))


def _record(person, category, decided, dept, *, domain=None, severity=None, until=None,
            status="active"):  # fmt: skip
    return {
        "record_id": f"R{next(_serial):010d}",
        "id_number": person["id_number"],
        "category_code": category,
        "domain_code": domain,
        "severity": severity,
        "decision_date": decided,
        "display_until": until,
        "source_dept": dept,
        "status": status,
        "title": "",
    }


@pytest.fixture
def known(engine):
    """A small hand-made city; the comments give each person's role in the expected answers."""
    t = {i: _person(i) for i in range(1, 12)}
    t[8] = _person(8, "411627")
    p1, p2 = _person(21), _person(22)
    a1 = _person(31, "411627")  # adult, on no roster, one displayed negative
    minor = _person(32, born=D(2010, 3, 1))  # under 18: not in the general population
    unknown = _person(33, born=None)  # birth date unknown: not counted as an adult
    persons = [*t.values(), p1, p2, a1, minor, unknown]
    rosters = [
        _roster(t[1], "TEACHER"),
        _roster(t[1], "TEACHER", valid_from=D(2020, 9, 1)),  # renewal: still one person
        _roster(t[2], "TEACHER"),  # an old file
        _roster(t[3], "TEACHER"),  # no file at all
        _roster(t[4], "TEACHER", valid_to=D(2025, 12, 31)),  # licence ended: not counted
        _roster(t[5], "TEACHER"),  # file reported by the wrong department
        _roster(t[6], "TEACHER"),  # file revoked
        _roster(t[7], "TEACHER"),  # file decided after the as-of date
        _roster(t[8], "TEACHER"),  # Taikang, recent file
        _roster(t[9], "TEACHER", valid_to=AS_OF),  # last valid day = as-of: counted
        _roster(t[10], "TEACHER", valid_from=D(2026, 7, 1)),  # not yet valid
        _roster(t[11], "TEACHER"),  # two files, the latest recent
        _roster(p1, "PHARMACIST"),  # a profession of 2: every figure "<5"
        _roster(p2, "PHARMACIST"),
    ]
    q = "QUALIFICATION"
    records = [
        _record(t[1], q, D(2026, 3, 1), "EDU"),
        _record(t[2], q, D(2024, 1, 10), "EDU"),
        _record(t[4], q, D(2024, 5, 1), "EDU"),
        _record(t[5], q, D(2026, 1, 5), "SAMR"),
        _record(t[6], q, D(2026, 1, 5), "EDU", status="revoked"),
        _record(t[7], q, D(2026, 7, 15), "EDU"),
        _record(t[8], q, D(2025, 7, 1), "EDU"),
        _record(t[9], q, D(2025, 6, 30), "EDU"),  # exactly 12 months before: updated
        _record(t[11], q, D(2023, 5, 1), "EDU"),
        _record(t[11], q, D(2026, 1, 1), "EDU"),
        _record(p1, q, D(2026, 2, 1), "SAMR"),
        _record(p2, q, D(2022, 2, 1), "SAMR"),
        # negative records
        _record(t[1], "ADMIN_PENALTY", D(2026, 5, 1), "SAMR", domain="FOOD_DRUG",
                severity="general", until=D(2026, 11, 1)),  # displayed
        _record(t[2], "ADMIN_PENALTY", D(2026, 3, 30), "SAMR", domain="FOOD_DRUG",
                severity="minor", until=AS_OF),  # display ended on the as-of date: expired
        _record(t[3], "ADMIN_PENALTY", D(2026, 1, 10), "SAMR", domain="FOOD_DRUG",
                severity="general", until=D(2026, 12, 1), status="repaired"),  # hidden
        _record(t[5], "TAX_ARREARS", D(2026, 2, 1), "TAX", domain="TAX",
                severity="general", until=D(2027, 1, 1), status="objection"),  # displayed
        _record(t[6], "ADMIN_PENALTY", D(2026, 7, 2), "SAMR", domain="FOOD_DRUG",
                severity="minor", until=D(2026, 9, 1)),  # after the as-of date
        _record(t[9], "ADMIN_PENALTY", D(2026, 6, 10), "SAMR", domain="FOOD_DRUG",
                severity="minor", until=D(2026, 7, 15)),  # displayed, expiring in 30 days
        _record(t[11], "ADMIN_PENALTY", D(2025, 12, 1), "SAMR", domain="FOOD_DRUG",
                severity="general", until=D(2026, 12, 1), status="revoked"),  # never counted
        _record(a1, "FINANCIAL_DEFAULT", D(2026, 4, 1), "PBOC", domain="FINANCE",
                severity="general", until=D(2027, 4, 1)),
        _record(unknown, "FINANCIAL_DEFAULT", D(2026, 4, 1), "PBOC", domain="FINANCE",
                severity="general", until=D(2027, 4, 1)),
        # positive records
        _record(t[1], "VOLUNTEER", D(2025, 1, 1), "CIVILIZATION", domain="VOLUNTEER"),
        _record(t[1], "BLOOD_DONATION", D(2023, 6, 30), "HEALTH", domain="HEALTHCARE"),  # 3 y
        _record(t[2], "COMMENDATION", D(2023, 6, 29), "DRC"),  # more than 3 years ago
        _record(t[3], "CHARITY", D(2025, 3, 1), "CIVIL", status="revoked"),
        _record(minor, "VOLUNTEER", D(2026, 2, 1), "CIVILIZATION", domain="VOLUNTEER"),
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(m.Person), persons)
        conn.execute(insert(m.RosterEntry), rosters)
        conn.execute(insert(m.CreditRecord), records)
    return engine


def _by_profession(counts: pd.DataFrame) -> dict[str, dict]:
    summed = counts.groupby("profession_code")[cv.ROSTER_COLUMNS[2:]].sum()
    return {code: {k: int(v) for k, v in row.items()} for code, row in summed.iterrows()}


def test_roster_coverage_matches_the_hand_count(known):
    counts = cv.roster_counts(known, ADMIN, AS_OF)
    assert _by_profession(counts) == {
        "TEACHER": {
            "current": 9, "with_file": 5, "updated": 4, "negative_records": 3,
            "negative_persons": 3, "positive_records": 2, "positive_persons": 1,
        },
        "PHARMACIST": {
            "current": 2, "with_file": 2, "updated": 1, "negative_records": 0,
            "negative_persons": 0, "positive_records": 0, "positive_persons": 0,
        },
    }  # fmt: skip
    cells = {
        (r.profession_code, r.county_code): (r.current, r.with_file, r.updated)
        for r in counts.itertuples()
    }
    assert cells == {
        ("PHARMACIST", "411602"): (2, 2, 1),
        ("TEACHER", "411602"): (8, 4, 3),
        ("TEACHER", "411627"): (1, 1, 1),
    }


def test_population_matches_the_hand_count(known):
    population = cv.population_counts(known, AS_OF)
    # adults: the 11 teachers, 2 pharmacists and a1; negatives displayed: t1, t5, t9, a1
    assert population.to_dict() == {
        "adults": 14, "negative_records": 4, "negative_persons": 4,
        "positive_records": 2, "positive_persons": 1,
    }  # fmt: skip
    taikang = cv.population_counts(known, AS_OF, ("411627",))
    assert taikang.to_dict() == {
        "adults": 2, "negative_records": 1, "negative_persons": 1,
        "positive_records": 0, "positive_persons": 0,
    }  # fmt: skip


def test_profession_table_rates_gap_and_small_cells(known):
    professions = cv.scoped_professions(known, ADMIN, ["TEACHER", "PHARMACIST", "LAWYER"])
    counts = cv.roster_counts(known, ADMIN, AS_OF)
    population = cv.population_counts(known, AS_OF)
    table = profession_table(counts, professions, population, 0.95).set_index("profession_code")
    teacher = table.loc["TEACHER"]
    assert teacher["coverage"] == pytest.approx(5 / 9)
    assert teacher["updated_share"] == pytest.approx(4 / 9)
    assert teacher["negative_per_1000"] == pytest.approx(3000 / 9)
    assert teacher["positive_per_1000"] == pytest.approx(2000 / 9)
    assert teacher["population_negative_per_1000"] == pytest.approx(4000 / 14)
    assert teacher["gap"] == 4  # ceil(0.95 x 9) = 9, minus 5
    assert table.loc["LAWYER", "current"] == 0 and math.isnan(table.loc["LAWYER", "coverage"])
    assert totals(table.reset_index())["gap"] == 4 + 0
    shown = view.profession_frame(table.reset_index(), population, "en", formatted=False)
    shown = shown.set_index("Profession code")
    # 2 pharmacists: their number is shown, nothing about them
    assert shown.loc["PHARMACIST", "Current practitioners"] == 2
    assert shown.loc["PHARMACIST", "With a file"] == SUPPRESSED
    assert shown.loc["PHARMACIST", "Coverage"] == SUPPRESSED
    assert shown.loc["PHARMACIST", "Gap (persons)"] == SUPPRESSED
    assert shown.loc["TEACHER", "Current practitioners"] == 9
    assert shown.loc["TEACHER", "With a file"] == 5
    # 4 and 3 persons of a group of 9 do not say which: shown
    assert shown.loc["TEACHER", "Updated in 12 months"] == 4
    assert shown.loc["TEACHER", "Coverage"] == pytest.approx(5 / 9)
    assert shown.loc["TEACHER", "Negative per 1,000"] == pytest.approx(3000 / 9)
    assert shown.loc["LAWYER", "Current practitioners"] == 0
    assert shown.loc["LAWYER", "Coverage"] is None
    screen = view.profession_frame(table.reset_index(), population, "zh")
    assert screen.loc[screen["人群代码"] == "TEACHER", "建档率"].item() == "55.6%"
    # exports carry the same suppression
    csv = to_csv(shown.reset_index()).decode("utf-8-sig")
    assert "PHARMACIST,执业药师（从业药师）" not in csv  # English names in an English export
    pharmacist = next(line for line in csv.splitlines() if line.startswith("PHARMACIST"))
    assert pharmacist.count(SUPPRESSED) >= 4 and ",2,<5," in pharmacist
    workbook = to_excel({"x": shown.reset_index()}, "title", "subtitle", {"Coverage"})
    frame = pd.read_excel(io.BytesIO(workbook), header=2)
    assert SUPPRESSED in frame.astype(str).to_numpy()


def test_county_heat_map_and_gaps(known):
    professions = cv.scoped_professions(known, ADMIN, ["TEACHER", "PHARMACIST"])
    counts = cv.roster_counts(known, ADMIN, AS_OF)
    cells = county_table(counts, professions, ["411602", "411627", "411628"], 0.95)
    gaps = worst_gaps(cells)
    assert list(zip(gaps.profession_code, gaps.county_code, gaps.gap, strict=True)) == [
        ("TEACHER", "411602", 4)  # ceil(7.6) = 8 minus 4; Taikang's 1 of 1 has no gap
    ]
    figure = view.coverage_heatmap(cells, professions, 0.95, "zh")
    heat = figure.data[0]
    rows, columns = list(heat.y), list(heat.x)
    pharmacist = rows.index("执业药师（从业药师）")
    teacher = rows.index("教师")
    assert math.isnan(heat.z[pharmacist][columns.index("川汇区")])
    assert heat.text[pharmacist][columns.index("川汇区")] == SUPPRESSED
    assert heat.text[teacher][columns.index("鹿邑县")] == ""  # nobody there
    # 4 of 8 teachers have a file: a group of 8, so the rate is shown
    assert heat.text[teacher][columns.index("川汇区")] == "50.0%"
    assert heat.z[teacher][columns.index("川汇区")] == pytest.approx(0.5)
    assert heat.text[teacher][columns.index("太康县")] == SUPPRESSED  # 1 of 1
    assert "在册从业人员: 1<br>" in heat.customdata[teacher][columns.index("太康县")]


def test_domains_show_only_displayed_negatives_and_count_expired_ones(known):
    start = D(2025, 7, 1)
    by_polarity = cv.domain_records(known, ADMIN, AS_OF, start, "polarity")
    food = by_polarity[by_polarity["domain_code"] == "FOOD_DRUG"]
    # t1 and t9 are displayed; t2 expired, t3 repaired, t6 later, t11 revoked are hidden
    assert food[["polarity", "records", "persons"]].values.tolist() == [["negative", 2, 2]]
    months = cv.domain_records(known, ADMIN, AS_OF, start, "month")
    food_months = months[months["domain_code"] == "FOOD_DRUG"]
    assert food_months[["month", "records"]].values.tolist() == [["2026-05", 1], ["2026-06", 1]]
    depts = cv.domain_records(known, ADMIN, AS_OF, start, "department")
    assert depts[depts["domain_code"] == "FOOD_DRUG"]["source_dept"].tolist() == ["SAMR"]
    categories = cv.domain_records(known, ADMIN, AS_OF, start, "category")
    food_categories = categories[categories["domain_code"] == "FOOD_DRUG"]
    assert sorted(food_categories["severity"]) == ["general", "minor"]
    status = cv.domain_display_status(known, ADMIN, AS_OF).set_index("domain_code")
    assert status.loc["FOOD_DRUG"].to_dict() == {
        "negative_total": 4, "negative_total_persons": 4, "displayed": 2,
        "displayed_persons": 2, "expired": 1, "expired_persons": 1, "expiring": 1,
        "expiring_persons": 1,
    }  # fmt: skip
    domains = cv.scoped_domains(known, ADMIN)
    summary = domain_summary(domains, by_polarity, status.reset_index()).set_index("domain_code")
    assert summary.loc["FOOD_DRUG", "expired_share"] == pytest.approx(0.25)
    assert summary.loc["FINANCE", "negative_records"] == 2  # a1 and the person of unknown age
    assert summary.loc["VOLUNTEER", "positive_records"] == 1  # the minor's hours (2026-02)
    shown = view.domain_frame(summary.reset_index(), "en", formatted=False)
    food_row = shown[shown["Domain code"] == "FOOD_DRUG"].iloc[0]
    # records drawn from the whole city are shown; the share of the 4 persons behind the
    # domain's negative records is not
    assert food_row["Negative records displayed"] == 2
    assert food_row["Past display period"] == SUPPRESSED
    assert food_row["Expiring in 30 days"] == SUPPRESSED
    taikang = cv.domain_display_status(known, ADMIN, AS_OF, ("411627",))
    assert taikang["domain_code"].tolist() == ["FINANCE"]


# --------------------------------------------------------------------------- scope


def test_department_head_sees_only_their_own_and_cannot_widen_it(known):
    samr = Scope("department_head", "SAMR")
    assert cv.scoped_professions(known, samr)["code"].tolist() == [
        "CERTIFIER", "LEGAL_REP", "PHARMACIST", "QUALITY_INSPECTOR",
    ]  # fmt: skip
    assert cv.scoped_domains(known, samr)["code"].tolist() == ["FOOD_DRUG", "IP", "PRODUCT_QUALITY"]
    assert set(cv.roster_counts(known, samr, AS_OF)["profession_code"]) == {"PHARMACIST"}
    status = cv.domain_display_status(known, samr, AS_OF)
    assert status["domain_code"].tolist() == ["FOOD_DRUG"]
    edu = Scope("department_head", "EDU")
    assert set(cv.roster_counts(known, edu, AS_OF)["profession_code"]) == {"TEACHER"}
    assert cv.scoped_domains(known, edu).empty
    assert cv.domain_display_status(known, edu, AS_OF).empty
    # passing another department's codes cannot widen the scope
    start = D(2025, 1, 1)
    assert cv.scoped_professions(known, samr, ["TEACHER"]).empty
    assert cv.roster_counts(known, samr, AS_OF, professions=["TEACHER"]).empty
    both = cv.roster_counts(known, samr, AS_OF, professions=["TEACHER", "PHARMACIST"])
    assert set(both["profession_code"]) == {"PHARMACIST"}
    assert cv.scoped_domains(known, samr, ["TAX", "FINANCE"]).empty
    for by in cv.BREAKDOWNS:
        assert cv.domain_records(known, samr, AS_OF, start, by, domains=["TAX", "FINANCE"]).empty
    assert cv.domain_display_status(known, samr, AS_OF, domains=["TAX"]).empty


def test_other_roles_see_nothing_office_and_admin_everything(known):
    for scope in (Scope("privacy_officer", "DRC"), Scope("department_head", None)):
        assert cv.scoped_professions(known, scope).empty
        assert cv.scoped_domains(known, scope).empty
        assert cv.roster_counts(known, scope, AS_OF).empty
        assert cv.domain_display_status(known, scope, AS_OF).empty
        assert cv.domain_records(known, scope, AS_OF, D(2020, 1, 1), "polarity").empty
    with pytest.raises(PermissionError):  # a role the policy does not know is refused outright
        cv.scoped_professions(known, Scope("x"))
    # the leading-group office and the administrator see everything
    for scope in (ADMIN, OFFICE):
        assert len(cv.scoped_professions(known, scope)) == 26  # 25 professions, adult students
        assert len(cv.scoped_domains(known, scope)) == 14
        counts = cv.roster_counts(known, scope, AS_OF)
        assert set(counts["profession_code"]) == {"TEACHER", "PHARMACIST"}
        status = cv.domain_display_status(known, scope, AS_OF)
        assert set(status["domain_code"]) == {"FOOD_DRUG", "TAX", "FINANCE"}


def test_every_department_head_stays_in_scope_on_the_tiny_city(tiny_city_url):
    engine = get_engine(tiny_city_url)
    start = D(2024, 1, 1)
    per_department = []
    for dept in DEPARTMENTS:
        scope = Scope("department_head", dept)
        own_professions = {p for p, d in PROFESSION_DEPT.items() if d == dept}
        own_domains = {c for c, d in DOMAIN_DEPT.items() if d == dept}
        assert set(cv.scoped_professions(engine, scope)["code"]) == own_professions
        assert set(cv.scoped_domains(engine, scope)["code"]) == own_domains
        counts = cv.roster_counts(engine, scope, TINY_AS_OF)
        assert set(counts["profession_code"]) <= own_professions
        assert set(cv.domain_display_status(engine, scope, TINY_AS_OF)["domain_code"]) <= (
            own_domains
        )
        # the breakdowns share one WHERE clause (tested for all of them in the fixture)
        seen = cv.domain_records(engine, scope, TINY_AS_OF, start, "category")["domain_code"]
        assert set(seen) <= own_domains
        per_department.append(counts)
    # together the department heads see exactly what the leading-group office sees
    everything = cv.roster_counts(engine, OFFICE, TINY_AS_OF).set_index(
        ["profession_code", "county_code"]
    )
    joined = pd.concat(per_department).set_index(["profession_code", "county_code"])
    assert joined.sort_index().equals(everything.sort_index())


# --------------------------------------------------------------------------- the page

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGE = "pages/coverage.py"
HEADS = {
    "leading_office": {"username": "leading_office", "role": "leading_office", "department_code": "DRC"},
    "admin": {"username": "admin", "role": "admin", "department_code": None},
    "samr": {"username": "dept_samr", "role": "department_head", "department_code": "SAMR"},
    "hrss": {"username": "dept_hrss", "role": "department_head", "department_code": "HRSS"},
    "justice": {"username": "dept_justice", "role": "department_head", "department_code": "JUSTICE"},
    "psb": {"username": "dept_psb", "role": "department_head", "department_code": "PSB"},
}  # fmt: skip


def _open(url: str, user: dict, monkeypatch, lang: str = "zh") -> AppTest:
    app = open_page(url, PAGE, user, monkeypatch, lang=lang)
    assert not app.exception, [e.message for e in app.exception]
    return app


def _texts(app: AppTest) -> list[str]:
    """Every piece of text the page shows (to find untranslated keys)."""
    texts = [e.value for kind in ("caption", "markdown", "info", "subheader", "title")
             for e in getattr(app, kind)]  # fmt: skip
    texts += [t.label for t in app.tabs] + [e.label for e in app.expander]
    texts += [m.label for m in app.metric] + [str(m.value) for m in app.metric]
    texts += [str(c) for frame in app.dataframe for c in frame.value.columns]
    return texts


def _codes(app: AppTest, column: str) -> set[str]:
    """The codes of the professions or domains a page's tables name in the column (names on
    screen, codes only in the exports)."""
    by_name = {
        r[lang]: r["code"]
        for catalogue in ("professions", "domains")
        for r in read_catalogue(catalogue)
        for lang in ("name_zh", "name_en")
    }
    return {
        by_name[name]
        for frame in app.dataframe
        if column in frame.value.columns
        for name in frame.value[column]
    }


@pytest.mark.parametrize("who", ["leading_office", "admin", "samr"])
def test_page_renders_for_each_role(tiny_city_url, monkeypatch, server_navigation, who):
    app = _open(tiny_city_url, HEADS[who], monkeypatch)
    assert app.title[0].value == "重点人群与重点领域覆盖"
    assert "2026-11-27" in app.main.caption[0].value
    assert len(app.tabs) == 3
    professions = _codes(app, "职业人群")
    domains = _codes(app, "领域")
    if who == "samr":
        assert professions == {"CERTIFIER", "LEGAL_REP", "PHARMACIST", "QUALITY_INSPECTOR"}
        assert domains == {"FOOD_DRUG", "IP", "PRODUCT_QUALITY"}
        assert "市市场监督管理局" in app.main.caption[-1].value
    else:
        assert professions == set(PROFESSION_DEPT)
        assert domains == set(DOMAIN_DEPT)
    assert not [text for text in _texts(app) if "cov." in text]
    # the tiny city has professions of fewer than 5 practitioners
    values = pd.concat([f.value.astype(str) for f in app.dataframe], ignore_index=True)
    assert (values == SUPPRESSED).any().any()


def test_department_without_professions_or_domains(tiny_city_url, monkeypatch, server_navigation):
    app = _open(tiny_city_url, HEADS["psb"], monkeypatch)
    assert [i.value for i in app.info] == [t("cov.nothing", "zh")]
    assert not app.dataframe and not app.tabs


def test_department_with_domains_only_and_with_professions_only(
    tiny_city_url, monkeypatch, server_navigation
):
    app = _open(tiny_city_url, HEADS["hrss"], monkeypatch)
    assert len(app.tabs) == 1 and _codes(app, "领域") == {"LABOUR"}
    assert t("cov.no_professions", "zh") in [c.value for c in app.main.caption]
    app = _open(tiny_city_url, HEADS["justice"], monkeypatch, lang="en")
    assert app.title[0].value == "Key professions and domains"
    assert len(app.tabs) == 2 and _codes(app, "Profession") == {"LAWYER"}
    assert t("cov.no_domains", "en") in [c.value for c in app.main.caption]
    assert not [text for text in _texts(app) if "cov." in text]


def test_county_filter_applies_to_the_page(tiny_city_url, monkeypatch, server_navigation):
    monkeypatch.setenv("CREDIT_DB_URL", tiny_city_url)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["user"] = HEADS["leading_office"]
    app.session_state["filter_as_of"] = TINY_AS_OF
    app.session_state["filter_counties"] = ["411627", "ZK-PORT"]  # a county and a zone
    app.switch_page(PAGE).run()
    assert not app.exception, [e.message for e in app.exception]
    assert "太康县" in app.main.caption[0].value
    shown = {name for frame in app.dataframe if "县（市、区）" in frame.value.columns
             for name in frame.value["县（市、区）"]}  # fmt: skip
    assert shown and shown <= {"太康县", "港口物流产业集聚区"}


def _glossary_notes(app: AppTest) -> list[str]:
    glossary = next(e for e in app.expander if e.label == "指标口径")
    return [c.value for c in glossary.caption]


def test_the_definitions_say_whether_coverage_came_from_the_stored_rollup(
    tiny_city_url, monkeypatch, server_navigation
):
    """The seed build stored the rollup of its date: the page names it and when it was computed.
    A department head on a date without one is counted live, and the page says that instead."""
    app = _open(tiny_city_url, HEADS["leading_office"], monkeypatch)
    notes = _glossary_notes(app)
    assert any("全市汇总" in n and "截至 2026-11-27" in n for n in notes), notes
    monkeypatch.setenv("CREDIT_DB_URL", tiny_city_url)
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["user"] = HEADS["samr"]
    app.session_state["lang"] = "zh"
    app.session_state["filter_as_of"] = dt.date(2026, 5, 31)
    app.switch_page(PAGE).run()
    assert not app.exception
    notes = _glossary_notes(app)
    assert "重点人群覆盖直接按明细实时计算（截至 2026-05-31）。" in notes, notes


# --------------------------------------------------------------------------- adult students


def test_adult_students_are_a_key_group_of_the_education_bureau(tiny_city_url):
    """Opinion 二.五.5: the student roster and its exam-fraud and student-loan records, counted in
    SQL for the education bureau (and the city), nothing for another department."""
    from sqlalchemy import distinct, func, or_, select

    engine = get_engine(tiny_city_url)
    edu = Scope("department_head", "EDU")
    assert "ADULT_STUDENT" in set(cv.scoped_professions(engine, edu)["code"])
    assert "ADULT_STUDENT" not in set(cv.scoped_professions(engine, Scope("department_head",
                                                                            "SAMR"))["code"])  # fmt: skip
    r, c = m.RosterEntry, m.CreditRecord
    enrolled = select(r.id_number).where(
        r.profession_code == "ADULT_STUDENT", r.valid_from <= TINY_AS_OF,
        or_(r.valid_to.is_(None), r.valid_to >= TINY_AS_OF),
    )  # fmt: skip
    with engine.connect() as conn:
        students = conn.scalar(select(func.count(distinct(r.id_number))).where(
            r.id_number.in_(enrolled)))  # fmt: skip
        expected = dict(conn.execute(
            select(c.category_code, func.count())
            .where(c.category_code.in_(cv.STUDENT_CATEGORIES), c.id_number.in_(enrolled),
                   *cv.displayed_negative(TINY_AS_OF))
            .group_by(c.category_code)
        ).all())  # fmt: skip
    assert students >= 10  # about 100 per 10,000 residents
    counts = cv.roster_counts(engine, edu, TINY_AS_OF)
    assert counts[counts["profession_code"] == "ADULT_STUDENT"]["current"].sum() == students
    for scope in (edu, ADMIN, OFFICE):
        got = cv.student_records(engine, scope, TINY_AS_OF).set_index("category_code")["records"]
        assert {k: v for k, v in got.items() if v} == expected
    other = cv.student_records(engine, Scope("department_head", "SAMR"), TINY_AS_OF)
    assert other["records"].sum() == 0 and other["students"].sum() == 0


def test_the_students_section_shows_for_the_education_bureau_only(tiny_city_url, monkeypatch,
                                                                    server_navigation):  # fmt: skip
    edu = {"username": "dept_edu", "role": "department_head", "department_code": "EDU"}
    app = _open(tiny_city_url, edu, monkeypatch)
    assert "成年在校学生诚信档案" in [s.value for s in app.subheader]
    labels = {m.label for m in app.metric}
    assert {"在册成年在校学生", "已建诚信档案", "考试舞弊与学术造假", "助学贷款违约"} <= labels
    samr = _open(tiny_city_url, HEADS["samr"], monkeypatch)
    assert "成年在校学生诚信档案" not in [s.value for s in samr.subheader]
