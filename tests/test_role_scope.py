"""Roles see exactly their scope, on both engines.

1. The page walk: for every role (department heads of URBAN, EDU and SAMR) and every page of
   ui.navigation.PAGES, the page is rendered once with AppTest. A page the role may not open is
   not in the menu and its address only leads home (its file is never registered), and opened
   directly (a fresh server's pages/ mode) shows only "access denied".
   A page it may open shows exactly its scope, compared with the reference catalogues
   (reference_data: professions.responsible_dept, domains.lead_dept,
   catalog_items.dept_code): `EXPECTATIONS` holds one checker per page.
2. Filters: a department head forcing other departments' codes into a page's widgets, and every
   scoped data_access function called with other departments' codes (and codes that are no codes
   at all) as filters, gets nothing outside the scope; the privacy officer gets nothing of the
   departmental data; cached wrappers answer each scope from its own cache entry.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.engine import get_engine
from data_access.queries import cases as case_queries
from data_access.queries import coverage as cv
from data_access.queries import oversight as ov
from data_access.queries.reporting import Thresholds
from data_access.schema import models as m
from data_access.schema.reference import read_catalogue
from data_access.schema.supervision_models import SupervisionEvidence, SupervisionItem
from data_access.scope import Scope
from services import coverage as cached
from services import oversight as ov_service
from services import overview, scores
from services import reporting as board
from tests.conftest import TINY_AS_OF
from tests.scope_world import (
    DEPARTMENTS,
    ENGINES,
    USERS,
    Rendered,
    open_app,
    render_page,
    rendered,
    scope_of,
    world_fixture,
)
from ui.i18n import t
from ui.navigation import PAGE_TITLES, PAGES, page_spec, pages_for_role


@pytest.fixture(scope="session", params=ENGINES)
def world(request, tmp_path_factory) -> str:
    return world_fixture(request, tmp_path_factory)


def zh(key: str, **values) -> str:
    return t(key, "zh", **values)


# --------------------------------------------------------------------------- reference scope


def _rows(name: str) -> tuple[dict[str, str], ...]:
    return read_catalogue(name)


DEPT_NAMES = {r["code"]: r["name_zh"] for r in _rows("departments")}
COUNTY_NAMES = {r["code"]: r["name_zh"] for r in _rows("counties")}
UNIT_NAMES = DEPT_NAMES | COUNTY_NAMES
PROFESSION_NAMES = {r["code"]: r["name_zh"] for r in _rows("professions")}
DOMAIN_NAMES = {r["code"]: r["name_zh"] for r in _rows("domains")}
ITEM_NAMES = {r["code"]: r["name_zh"] for r in _rows("catalog_items")}


def professions_of(dept: str | None) -> set[str]:
    """The key professions a department answers for (None: the whole city)."""
    return {
        r["code"] for r in _rows("professions") if dept is None or r["responsible_dept"] == dept
    }


def domains_of(dept: str | None) -> set[str]:
    return {r["code"] for r in _rows("domains") if dept is None or r["lead_dept"] == dept}


def items_of(dept: str | None) -> set[str]:
    return {r["code"] for r in _rows("catalog_items") if dept is None or r["dept_code"] == dept}


def units_of(dept: str | None) -> set[str]:
    """Units with catalogue items (the reporting scorecard's units)."""
    return {
        r["dept_code"] for r in _rows("catalog_items") if dept is None or r["dept_code"] == dept
    }


def annual_units_of(dept: str | None) -> set[str]:
    """Units that file annual reports: every department, county and zone for the city."""
    return set(UNIT_NAMES) if dept is None else {dept}


def dept_of(user_key: str) -> str | None:
    """The department a user is held to; None for the roles that see every department."""
    scope = scope_of(user_key)
    return None if scope.sees_all_departments else scope.department_code


def names(mapping: dict[str, str], codes: set[str]) -> set[str]:
    return {mapping[c] for c in codes}


def frames_with(r: Rendered, header: str, downloads: bool = True) -> list[pd.DataFrame]:
    """On-screen tables (and the tables of the page's CSV and Excel downloads) with the column."""
    frames = r.frames() + ([f for d in r.downloads for f in d.frames()] if downloads else [])
    return [f for f in frames if header in f.columns]


def values_in(r: Rendered, header: str, downloads: bool = True) -> set[str]:
    return {
        str(v)
        for f in frames_with(r, header, downloads)
        for v in f[header].dropna()
        if str(v) != ""
    }


def selectbox(r: Rendered, label: str):
    found = [s for s in r.main.selectbox if s.label == label]
    return found[0] if found else None


# --------------------------------------------------------------------------- per-page checks


def check_overview(r: Rendered, user_key: str, url: str) -> None:
    with get_engine(url).connect() as conn:
        persons = conn.scalar(select(func.count()).select_from(m.Person))
        open_alerts = conn.scalar(
            select(func.count()).select_from(m.Alert).where(m.Alert.status == "open")
        )
    metrics = {x.label: x.value for x in r.main.metric}
    assert metrics[zh("overview.residents")] == f"{persons:,}"  # the whole city
    assert metrics[zh("overview.alerts")] == str(open_alerts)


def check_reporting(r: Rendered, user_key: str, url: str) -> None:
    dept = dept_of(user_key)
    units, items = units_of(dept), items_of(dept)
    metrics = {x.label: x.value for x in r.main.metric}
    assert metrics[zh("reporting.units")] == str(len(units))
    ranking = r.frames()[0]
    assert set(ranking[zh("col.unit")]) == names(UNIT_NAMES, units)
    drill = selectbox(r, zh("reporting.drill_unit"))
    assert set(drill.options) == names(UNIT_NAMES, units)
    # every table on screen and in the circular and ranking downloads
    assert values_in(r, zh("col.unit")) <= names(UNIT_NAMES, annual_units_of(dept))
    assert values_in(r, zh("col.unit_code")) <= annual_units_of(dept)
    assert values_in(r, zh("col.item")) <= names(ITEM_NAMES, items)
    assert values_in(r, zh("col.item_code")) <= items
    # the annual reports of the units in scope (the table with the filing date)
    annual = [f for f in r.frames() if zh("col.filed_at") in f.columns][-1]
    assert set(annual[zh("col.unit")]) == names(UNIT_NAMES, annual_units_of(dept))
    if dept is not None:  # no other unit is named anywhere on the page or in its files
        others = set(UNIT_NAMES.values()) - {UNIT_NAMES[dept]}
        texts = set(r.texts())
        assert not texts & others
        assert not any(o in text for text in r.texts() for o in others if len(o) > 3)
    assert {d.file_name.rsplit(".", 1)[1] for d in r.downloads} == {"xlsx", "csv"}
    # the circular lists the supervision items of the scope, every state, and only those
    circular = [d for d in r.downloads if d.file_name.endswith(".xlsx")][0]
    book = openpyxl.load_workbook(io.BytesIO(circular.data))
    sheet = book[zh("reporting.sheet.supervision")]
    listed = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert [c.value for c in sheet[3]][:3] == [zh("sv.col.item_id"), zh("col.unit"),
                                               zh("sv.col.source")]  # fmt: skip
    assert sorted(int(v) for v in listed) == sorted(supervised_units(url, dept))


def check_coverage(r: Rendered, user_key: str, url: str) -> None:
    dept = dept_of(user_key)
    professions, domains = professions_of(dept), domains_of(dept)
    profession, domain = zh("cov.col.profession"), zh("cov.col.domain")
    table = [f for f in r.frames()
             if profession in f.columns and zh("cov.col.county") not in f.columns]  # fmt: skip
    if professions:  # the profession table lists every one, by name (codes only in exports)
        assert set(table[0][profession]) == names(PROFESSION_NAMES, professions)
        assert zh("cov.no_professions") not in [c.value for c in r.main.caption]
    else:
        assert not table and zh("cov.no_professions") in [c.value for c in r.main.caption]
    # codes only in the exports: never a column on screen, and the exports' codes in scope
    assert values_in(r, zh("cov.col.profession_code"), downloads=False) == set()
    assert values_in(r, zh("cov.col.profession_code")) <= professions
    assert values_in(r, profession) <= names(PROFESSION_NAMES, professions)
    chooser = selectbox(r, zh("cov.domain_select"))
    if domains:
        assert set(chooser.options) == names(DOMAIN_NAMES, domains)
        summary = [f for f in r.frames() if zh("cov.col.positive_records") in f.columns][0]
        assert set(summary[domain]) == names(DOMAIN_NAMES, domains)
    else:
        assert chooser is None and zh("cov.no_domains") in [c.value for c in r.main.caption]
    assert values_in(r, zh("cov.col.domain_code"), downloads=False) == set()
    assert values_in(r, zh("cov.col.domain_code")) <= domains
    assert values_in(r, domain) <= names(DOMAIN_NAMES, domains)
    if dept is not None:
        for header in (zh("cov.col.responsible_dept"), zh("cov.col.lead_dept")):
            assert values_in(r, header) <= {DEPT_NAMES[dept]}
        assert all(f"_{dept}_" in d.file_name for d in r.downloads)
        assert zh("scope.department", dept=DEPT_NAMES[dept]) in r.main.caption[0].value


def check_scores(r: Rendered, user_key: str, url: str) -> None:
    run = scores.latest_run.__wrapped__(url, Scope("admin"), TINY_AS_OF)
    metrics = {x.label: x.value for x in r.main.metric}
    assert metrics[zh("sc.scored")] == f"{run['persons_scored']:,}"  # the whole city
    counties = set(r.frames()[0][zh("sc.col.county_code")])
    residents = {
        COUNTY_NAMES[c]
        for c in scores.distribution.__wrapped__(url, Scope("admin"), run["run_id"], ())[
            "county_code"
        ]
    }
    assert counties == residents and len(counties) == 10


def check_oversight(r: Rendered, user_key: str, url: str) -> None:
    with get_engine(url).connect() as conn:
        expected = set(
            conn.scalars(select(m.Alert.alert_id).where(m.Alert.status.in_(["open", "escalated"])))
        )
    queue = r.frames()[0]
    assert set(queue[zh("oversight.col.alert_id")]) == expected  # every alert: the city's query log
    evidence = frames_with(r, zh("oversight.col.subject"), downloads=False)[0]
    assert evidence[zh("oversight.col.subject")].str.fullmatch(r"\d{4}\*{10}[\dX]{4}").all()


def check_query_points(r: Rendered, user_key: str, url: str) -> None:
    """Every department's lookups of the default month (the tiny log's November)."""
    with get_engine(url).connect() as conn:
        lookups = conn.scalar(select(func.count()).where(
            m.QueryLog.queried_at >= dt.datetime(2026, 11, 1),
            m.QueryLog.queried_at < dt.datetime(2026, 12, 1)))  # fmt: skip
        departments = set(conn.scalars(select(m.Operator.department_code).distinct()))
    points = frames_with(r, zh("qp.col.no_terminal"), downloads=False)[0]
    assert points[zh("qp.col.lookups")].sum() == lookups
    shown = set(points[zh("qp.col.point")].str.split(" · ").str[0])
    assert shown == names(DEPT_NAMES, departments)


def check_person(r: Rendered, user_key: str, url: str) -> None:
    dept = dept_of(user_key)
    captions = [c.value for c in r.main.caption]
    if dept is None:
        assert zh("pf.remit.admin") in captions
    else:
        assert zh("pf.remit.department", dept=DEPT_NAMES[dept]) in captions
    assert not r.frames()  # nothing of anybody before a search


def check_subject(r: Rendered, user_key: str, url: str) -> None:
    assert [i.value for i in r.app.info] == [zh("subject.notice")]
    assert not r.frames()  # nothing of anybody before a request is made


def check_repair(r: Rendered, user_key: str, url: str) -> None:
    dept = dept_of(user_key)
    start = dt.date(2025, 12, 1)  # the default period: the 12 months up to the as-of date
    received = (
        select(func.count())
        .select_from(m.Application)
        .where(m.Application.received_at.between(start, TINY_AS_OF))
    )
    if dept is not None:
        received = received.where(m.Application.handling_dept == dept)
    with get_engine(url).connect() as conn:
        expected = conn.scalar(received)
    metrics = {x.label: x.value for x in r.main.metric}
    assert metrics[zh("repair.m.received")] == f"{expected:,}"
    texts = " ".join(c.value for c in r.main.caption)
    if dept is None:
        assert zh("scope.all") in texts
    else:
        assert zh("scope.department", dept=DEPT_NAMES[dept]) in texts
        for header in (zh("repair.col.handling_dept"), zh("repair.col.source_dept")):
            assert values_in(r, header) <= {dept, DEPT_NAMES[dept]}, header
    applicants = values_in(r, zh("repair.col.subject"))
    assert all(re.fullmatch(r"\d{4}\*{10}[\dX]{4}", a) for a in applicants), applicants


def check_submissions(r: Rendered, user_key: str, url: str) -> None:
    dept = dept_of(user_key)
    chooser = selectbox(r, zh("im.item"))
    by_name = {name: code for code, name in ITEM_NAMES.items()}
    offered = {by_name[o] for o in chooser.options}  # names on screen, one item each
    if dept is None:  # the administrator chooses the department first
        departments = selectbox(r, zh("im.department"))
        assert set(departments.options) == names(DEPT_NAMES, units_of(None))
        assert offered == items_of(departments.value)
    else:
        assert selectbox(r, zh("im.department")) is None
        assert offered == items_of(dept)
    assert all(d.file_name.split("_template")[0] in offered for d in r.downloads)


def check_accounts(r: Rendered, user_key: str, url: str) -> None:
    """An administrator sees every account, and no password hash anywhere."""
    with get_engine(url).connect() as conn:
        everyone = set(conn.scalars(select(m.DashboardUser.username)))
    assert values_in(r, zh("acc.col.username"), downloads=False) >= everyone
    shown = " ".join(str(v) for f in r.frames() for v in f.to_numpy().ravel())
    assert "$argon2" not in shown


def supervised_units(url: str, dept: str | None) -> dict[int, str]:
    """Item number -> unit of the supervision items a user holds to `dept` may read, counted
    directly (None: every item)."""
    item = SupervisionItem.__table__
    stmt = select(item.c.item_id, item.c.unit_code)
    if dept is not None:
        stmt = stmt.where(item.c.unit_code == dept)
    with get_engine(url).connect() as conn:
        return {int(i): str(u) for i, u in conn.execute(stmt)}


def check_supervision(r: Rendered, user_key: str, url: str) -> None:
    """The items of the scope and only those: in the table, the chooser and the counts; a
    department head reads no other unit's name anywhere on the page or in its downloads."""
    dept = dept_of(user_key)
    expected = supervised_units(url, dept)
    with get_engine(url).connect() as conn:
        item = SupervisionItem.__table__
        states = dict(conn.execute(select(item.c.item_id, item.c.status)).all())
    shown = {int(v) for v in values_in(r, zh("sv.col.item_id"), downloads=False)}
    assert shown == {i for i in expected if states[i] != "accepted"}  # the default filter
    assert values_in(r, zh("col.unit"), downloads=False) <= names(
        UNIT_NAMES, set(expected.values())
    )
    chooser = selectbox(r, zh("sv.choose"))
    if shown:
        assert {int(o.split(" · ")[0]) for o in chooser.options} == shown  # "number · unit ..."
    else:  # only closed items: none in the default filter, and the page says so
        assert chooser is None and zh("sv.none_in_filter") in [i.value for i in r.main.info]
    metrics = {x.label: x.value for x in r.main.metric}
    assert metrics[zh("sv.m.closed")] == str(sum(states[i] == "accepted" for i in expected))
    assert metrics[zh("sv.m.open")] == str(sum(states[i] != "accepted" for i in expected))
    if dept is not None:
        others = set(UNIT_NAMES.values()) - {UNIT_NAMES[dept]}
        assert not any(o in text for text in r.texts() for o in others if len(o) > 3)
        assert not set(r.texts()) & others


def check_inbox(r: Rendered, user_key: str, url: str) -> None:
    """The user's own messages and only theirs: the unread count, one expander per message with
    its body; no other user's message body anywhere on the page."""
    from data_access.schema.notice_models import NoticeMessage

    username = USERS[user_key]["username"]
    table = NoticeMessage.__table__
    with get_engine(url).connect() as conn:
        rows = conn.execute(select(table.c.username, table.c.body, table.c.read_at)).all()
    own = [row for row in rows if row.username == username]
    metrics = {x.label: x.value for x in r.main.metric}
    assert metrics[zh("inbox.unread")] == str(sum(row.read_at is None for row in own))
    assert len(r.main.expander) == min(len(own), 50)
    shown = {x.value for x in r.main.markdown}
    assert {row.body for row in own} <= shown
    assert not {row.body for row in rows if row.username != username} & shown


def check_cases(r: Rendered, user_key: str, url: str) -> None:
    """Every case of the city (the privacy officers' and administrators' subject) in the list's
    default states; none in the world: the page says so."""
    from data_access.schema.case_models import PrivacyCase

    with get_engine(url).connect() as conn:
        active = set(conn.scalars(select(PrivacyCase.case_id).where(
            PrivacyCase.status.in_(["open", "investigating"]))))  # fmt: skip
    shown = {int(v) for v in values_in(r, zh("cs.col.case_id"), downloads=False)}
    assert shown == active
    if not active:
        assert zh("cs.none") in [i.value for i in r.main.info]


# page key -> (checker, marks). A page being rewritten can be marked
# pytest.mark.xfail(strict=False, reason=...) here until its checker is complete.
EXPECTATIONS: dict[str, tuple[Callable[[Rendered, str, str], None], tuple]] = {
    "overview": (check_overview, ()),
    "reporting": (check_reporting, ()),
    "coverage": (check_coverage, ()),
    "scores": (check_scores, ()),
    "oversight": (check_oversight, ()),
    "query_points": (check_query_points, ()),
    "cases": (check_cases, ()),
    "person": (check_person, ()),
    "subject": (check_subject, ()),
    "repair": (check_repair, ()),
    "submissions": (check_submissions, ()),
    "supervision": (check_supervision, ()),
    "inbox": (check_inbox, ()),
    "accounts": (check_accounts, ()),
}


def test_every_page_has_an_expectation():
    assert set(EXPECTATIONS) == {p.key for p in PAGES}


ALLOWED = [
    pytest.param(user_key, spec.key, marks=EXPECTATIONS[spec.key][1], id=f"{user_key}-{spec.key}")
    for user_key in USERS
    for spec in PAGES
    if USERS[user_key]["role"] in spec.roles
]
FORBIDDEN = [
    (user_key, spec.key)
    for user_key in USERS
    for spec in PAGES
    if USERS[user_key]["role"] not in spec.roles
]


@pytest.mark.parametrize(("user_key", "page"), ALLOWED)
def test_a_page_shows_exactly_the_roles_scope(world, user_key, page):
    r = rendered(world, user_key, page_spec(page).path)
    assert not r.app.exception, [e.value for e in r.app.exception]
    assert not r.app.error, [e.value for e in r.app.error]
    assert r.app.title[0].value == zh(PAGE_TITLES[page])
    EXPECTATIONS[page][0](r, user_key, world)


@pytest.mark.parametrize("user_key", list(USERS))
def test_pages_outside_the_role_are_only_a_way_home(world, monkeypatch, user_key):
    from tests.scope_world import _server_navigation

    monkeypatch.setenv("CREDIT_DB_URL", world)
    _server_navigation(monkeypatch)
    app = open_app(world, user_key).run()
    allowed = pages_for_role(USERS[user_key]["role"])
    assert [link.label for link in app.sidebar.get("page_link")] == [
        zh(PAGE_TITLES[p.key]) for p in allowed
    ]
    for spec in PAGES:
        if spec not in allowed:
            with pytest.raises(ValueError):
                app.switch_page(spec.path)


@pytest.mark.parametrize(("user_key", "page"), FORBIDDEN)
def test_a_page_opened_directly_refuses_a_role_it_is_not_for(world, user_key, page):
    """A fresh server serves pages/<page>.py before dashboard.py has run: the page's own check
    refuses the role and shows nothing of its data."""
    r = render_page(world, user_key, page_spec(page).path, legacy=True)
    assert not r.app.exception
    assert r.denied()
    assert not r.app.title and not r.app.dataframe and not r.app.metric and not r.downloads
    assert not r.app.get("plotly_chart") and not r.app.selectbox


# --------------------------------------------------------------------------- forcing widgets


@pytest.mark.parametrize(
    ("page", "state", "label", "own"),
    [
        ("reporting", {"rep_drill_unit": "EDU"}, "reporting.drill_unit", "URBAN"),
        ("coverage", {"coverage_domain": "FOOD_DRUG"}, "cov.domain_select", "URBAN"),
        ("submissions", {"im_item_URBAN": "PENALTY-FOOD_DRUG", "im_dept": "SAMR"}, "im.item",
         "PENALTY-URBAN"),
    ],
)  # fmt: skip
def test_a_department_head_cannot_force_another_departments_code(world, page, state, label, own):
    r = render_page(world, "dept_URBAN", page_spec(page).path, **state)
    assert not r.app.exception
    chooser = selectbox(r, zh(label))
    assert chooser.value == own
    foreign = (set(DEPT_NAMES.values()) - {DEPT_NAMES["URBAN"]}) | set(ITEM_NAMES.values())
    foreign |= set(DOMAIN_NAMES.values())
    allowed = {ITEM_NAMES[i] for i in items_of("URBAN")} | {DOMAIN_NAMES["URBAN"]}
    shown = {str(v) for f in r.frames() for c in f.columns for v in f[c]} | set(chooser.options)
    if page != "coverage":  # the coverage page names the departments reporting in its domain
        assert not shown & (foreign - allowed)


def test_counties_that_are_no_counties_are_dropped_from_the_filter(world):
    r = render_page(world, "dept_URBAN", "pages/reporting.py", filter_counties=["EDU", "%", "'"])
    assert not r.app.exception
    assert r.app.session_state["filters"]["counties"] == ()


# --------------------------------------------------------------------------- data layer

HOSTILE_CODES = ["%", "", "_", "*", "' OR '1'='1", "'; DROP TABLE person; --", "\\", "NULL"]


def foreign(dept: str) -> dict[str, list[str]]:
    """Other departments' codes of every kind, and codes that are no codes at all."""
    return {
        "professions": sorted(professions_of(None) - professions_of(dept)) + HOSTILE_CODES,
        "domains": sorted(domains_of(None) - domains_of(dept)) + HOSTILE_CODES,
        "items": sorted(items_of(None) - items_of(dept)),
        "departments": sorted(set(DEPT_NAMES) - {dept}),
    }


START = dt.date(2026, 1, 1)
END = dt.date(2026, 11, 30)
NOT_COUNTIES = ("%", "", "' OR '1'='1", "URBAN", "EDU", "DRC")


def _shown_domain_records(engine, domains: set[str], start: dt.date) -> int:
    """Records of the domains decided in [start, as-of] that may be shown, counted directly:
    positive and neutral unless revoked, negative while displayed (active or under objection)."""
    from sqlalchemy import and_, or_

    c, cat = m.CreditRecord, m.RecordCategory
    stmt = (
        select(func.count())
        .select_from(c)
        .join(cat, cat.code == c.category_code)
        .where(
            c.domain_code.in_(sorted(domains)), c.decision_date >= start,
            c.decision_date <= TINY_AS_OF,
            or_(and_(cat.polarity != "negative", c.status != "revoked"),
                and_(cat.polarity == "negative", c.display_until > TINY_AS_OF,
                     c.status.in_(("active", "objection")))),
        )
    )  # fmt: skip
    with engine.connect() as conn:
        return int(conn.scalar(stmt))


@pytest.mark.parametrize("dept", DEPARTMENTS)
def test_coverage_functions_never_widen_a_department_heads_scope(world, dept):
    engine, scope = get_engine(world), Scope("department_head", dept)
    codes = foreign(dept)
    own_professions, own_domains = professions_of(dept), domains_of(dept)
    assert set(cv.scoped_professions(engine, scope)["code"]) == own_professions
    assert set(cv.scoped_domains(engine, scope)["code"]) == own_domains
    assert cv.scoped_professions(engine, scope, codes["professions"]).empty
    assert cv.scoped_domains(engine, scope, codes["domains"]).empty
    mixed = cv.scoped_professions(engine, scope, [*codes["professions"], *own_professions])
    assert set(mixed["code"]) == own_professions  # a filter only narrows
    assert cv.roster_counts(engine, scope, TINY_AS_OF, professions=codes["professions"]).empty
    counts = cv.roster_counts(engine, scope, TINY_AS_OF)
    assert set(counts["profession_code"]) <= own_professions
    assert cv.roster_counts(engine, scope, TINY_AS_OF, NOT_COUNTIES).empty
    for by in cv.BREAKDOWNS:
        start = dt.date(2024, 1, 1)
        assert cv.domain_records(engine, scope, TINY_AS_OF, start, by, (), codes["domains"]).empty
        assert cv.domain_records(engine, scope, TINY_AS_OF, start, by, NOT_COUNTIES).empty
        frame = cv.domain_records(engine, scope, TINY_AS_OF, start, by)
        assert set(frame["domain_code"]) <= own_domains
        assert frame["records"].sum() == _shown_domain_records(engine, own_domains, start)
    assert cv.domain_display_status(engine, scope, TINY_AS_OF, (), codes["domains"]).empty
    assert set(cv.domain_display_status(engine, scope, TINY_AS_OF)["domain_code"]) <= own_domains


@pytest.mark.parametrize("dept", DEPARTMENTS)
def test_reporting_functions_never_widen_a_department_heads_scope(world, dept):
    scope = Scope("department_head", dept)
    status = board.status(world, scope, START, END, TINY_AS_OF)
    assert set(status["unit_code"]) == {dept}
    assert set(status["item_code"]) == items_of(dept)
    assert set(
        board.scorecard(world, scope, START, END, TINY_AS_OF, Thresholds())["unit_code"]
    ) == {dept}
    assert set(board.heat_map(world, scope, START, END, TINY_AS_OF)["unit_code"]) == {dept}
    assert set(board.items(world, scope)["code"]) == items_of(dept)
    assert (board.trend(world, scope, START, END, TINY_AS_OF)["due"].sum()) == len(status)
    # county filters naming other departments, counties or nothing keep to the department
    for counties in ((), tuple(foreign(dept)["departments"]), NOT_COUNTIES, ("411602",)):
        assert set(board.annual(world, scope, TINY_AS_OF, counties)["unit_code"]) == {dept}


@pytest.mark.parametrize("dept", DEPARTMENTS)
def test_supervision_functions_never_widen_a_department_heads_scope(world, dept):
    """Every supervision read keeps to the department; another unit's item, asked for by its
    number (or a number that is no item), reads as nothing and cannot be answered."""
    from data_access.queries import supervision as sv

    engine, scope = get_engine(world), Scope("department_head", dept)
    own, every = supervised_units(world, dept), supervised_units(world, None)
    assert set(sv.items(engine, scope, TINY_AS_OF)["item_id"]) == set(own)
    others = [u for u in (*foreign(dept)["departments"], *NOT_COUNTIES, "411602") if u != dept]
    assert sv.items(engine, scope, TINY_AS_OF, units=others).empty  # a filter only narrows
    assert set(sv.unit_summary(engine, scope, TINY_AS_OF)["unit_code"]) <= {dept}
    assert set(sv.open_refs(engine, scope, "delivery").values()) <= set(own)
    for number in (*(set(every) - set(own)), 999_999, -1):
        assert sv.item(engine, scope, number, TINY_AS_OF) is None
        assert sv.history(engine, scope, number).empty
        assert sv.evidence(engine, scope, number).empty
        with pytest.raises(sv.SupervisionError) as refused:
            sv.answer_item(engine, scope, f"dept_{dept.lower()}", number, "越权答复")
        assert refused.value.code == "not_found"
    with get_engine(world).connect() as conn:
        files = SupervisionEvidence.__table__
        foreign_files = list(conn.scalars(
            select(files.c.evidence_id).where(files.c.item_id.notin_(list(own) or [-1]))))  # fmt: skip
    assert foreign_files or dept == "SAMR"
    assert all(sv.evidence_file(engine, scope, f) is None for f in foreign_files)
    for call in (lambda: sv.accept_item(engine, scope, "x", next(iter(every))),
                 lambda: sv.return_item(engine, scope, "x", next(iter(every)), "x")):  # fmt: skip
        with pytest.raises(PermissionError):
            call()


@pytest.mark.parametrize("dept", DEPARTMENTS)
def test_city_and_oversight_functions_refuse_a_department_head(world, dept):
    scope = Scope("department_head", dept)
    refused_for_city_scope(world, scope)
    refused_for_oversight(world, scope)


def refused_for_city_scope(url: str, scope: Scope) -> None:
    calls = [
        lambda: overview.residents(url, scope),
        lambda: overview.deliveries_year_to_date(url, scope, TINY_AS_OF),
        lambda: overview.annual_reports_this_year(url, scope, TINY_AS_OF),
        lambda: overview.open_alerts(url, scope),
        lambda: overview.roster_coverage(url, scope, TINY_AS_OF),
        lambda: scores.latest_run(url, scope, TINY_AS_OF),
        lambda: scores.distribution(url, scope, 1, ()),
        lambda: scores.what_if(url, scope, 1, "", TINY_AS_OF, ()),
        lambda: scores.person_ledger_view(
            url, scope, {"username": "x", "role": scope.role}, "X", "OBJECTION", "R", TINY_AS_OF
        ),
    ]
    for call in calls:
        with pytest.raises(PermissionError):
            call()


def refused_for_oversight(url: str, scope: Scope) -> None:
    engine = get_engine(url)
    calls = [
        lambda: ov.alert_queue(engine, scope, (), 0.0, None, None, None),
        lambda: ov.alert_detail(engine, scope, 1),
        lambda: ov.evidence(engine, scope, 1),
        lambda: ov.events(engine, scope, 1),
        lambda: ov.triage(engine, scope, 1, "x", "confirm", "note"),
        lambda: ov.operator_profile(engine, scope, "x", TINY_AS_OF),
        lambda: ov.operator_activity(engine, scope, "x", START, END),
        lambda: ov.alert_trend(engine, scope),
        lambda: ov_service.queue(url, scope, (), 0.0, None, None, None),
        lambda: ov_service.evidence(url, scope, 1),
        lambda: case_queries.cases(engine, scope, TINY_AS_OF),
        lambda: case_queries.history(engine, scope, 1),
        lambda: case_queries.open_case(engine, scope, "x", [1], "x", END, "", TINY_AS_OF),
        lambda: ov_service.activity(url, scope, "x", START, END),
    ]
    for call in calls:
        with pytest.raises(PermissionError):
            call()


def test_the_leading_office_reads_aggregates_but_not_the_query_log(world):
    scope = scope_of("leading_office")
    refused_for_oversight(world, scope)
    assert set(board.items(world, scope)["code"]) == items_of(None)
    assert set(cv.scoped_professions(get_engine(world), scope)["code"]) == professions_of(None)


def test_the_privacy_officer_sees_nothing_of_departments_data(world):
    scope, engine = scope_of("privacy_officer"), get_engine(world)
    assert cv.scoped_professions(engine, scope).empty and cv.scoped_domains(engine, scope).empty
    assert cv.roster_counts(engine, scope, TINY_AS_OF).empty
    for by in cv.BREAKDOWNS:
        assert cv.domain_records(engine, scope, TINY_AS_OF, dt.date(2018, 1, 1), by).empty
    assert cv.domain_display_status(engine, scope, TINY_AS_OF).empty
    assert cached.professions_in_scope(world, scope).empty
    assert cached.roster_counts(world, scope, TINY_AS_OF, ()).empty
    records = cached.domain_records(world, scope, TINY_AS_OF, START, ())
    assert all(frame.empty for frame in records.values())
    for call in (
        lambda: board.status(world, scope, START, END, TINY_AS_OF),
        lambda: board.items(world, scope),
        lambda: board.annual(world, scope, TINY_AS_OF),
    ):
        with pytest.raises(PermissionError):
            call()
    refused_for_city_scope(world, scope)
    from services import supervision as supervised

    for call in (
        lambda: supervised.items(world, scope, TINY_AS_OF),
        lambda: supervised.item(world, scope, 1, TINY_AS_OF),
        lambda: supervised.history(world, scope, 1),
        lambda: supervised.evidence_file(world, scope, 1),
        lambda: supervised.per_unit(world, scope, TINY_AS_OF),
        lambda: supervised.answer(world, scope, "privacy_officer", 1, "x"),
    ):
        with pytest.raises(PermissionError):
            call()
    # ... and does see the query log
    assert not ov.alert_queue(engine, scope, (), 0.0, None, None, None).empty


def test_a_department_head_without_a_department_sees_nothing(world):
    """A Scope is normally built by Scope.from_user, which refuses this; the data layer must not
    read a missing department as 'every department' either."""
    with pytest.raises(PermissionError):
        Scope.from_user({"role": "department_head", "department_code": ""})
    with pytest.raises(PermissionError):
        Scope.from_user({"role": "superuser"})
    scope = Scope("department_head", None)
    assert cv.scoped_professions(get_engine(world), scope).empty
    assert cached.domains_in_scope(world, Scope("department_head", None)).empty
    with pytest.raises(PermissionError):
        board.status(world, scope, START, END, TINY_AS_OF)
    with pytest.raises(PermissionError):
        board.annual(world, scope, TINY_AS_OF)


def test_cached_results_are_keyed_by_scope(world, monkeypatch):
    """The same filters asked by two scopes: two cache entries, two different answers, and a
    repeat of the first is served from its own entry."""
    calls: list[str] = []
    original = cv.scoped_domains

    def counting(engine, scope, *args, **kwargs):
        calls.append(scope.department_code or "")
        return original(engine, scope, *args, **kwargs)

    monkeypatch.setattr(cv, "scoped_domains", counting)
    cached.domains_in_scope.clear()
    first = cached.domains_in_scope(world, Scope("department_head", "URBAN"))
    other = cached.domains_in_scope(world, Scope("department_head", "SAMR"))
    again = cached.domains_in_scope(world, Scope("department_head", "URBAN"))
    every = cached.domains_in_scope(world, Scope("leading_office", "DRC"))
    assert calls == ["URBAN", "SAMR", "DRC"]
    assert set(first["code"]) == set(again["code"]) == domains_of("URBAN")
    assert set(other["code"]) == domains_of("SAMR") and set(every["code"]) == domains_of(None)

    counts = {
        d: cached.roster_counts(world, Scope("department_head", d), TINY_AS_OF, ())
        for d in DEPARTMENTS
    }
    assert {d: set(c["profession_code"]) <= professions_of(d) for d, c in counts.items()} == {
        d: True for d in DEPARTMENTS
    }
    board.status.clear()
    seen = {
        d: set(
            board.status(world, Scope("department_head", d), START, END, TINY_AS_OF)["unit_code"]
        )
        for d in DEPARTMENTS
    }
    assert seen == {d: {d} for d in DEPARTMENTS}
    city = board.status(world, Scope("admin"), START, END, TINY_AS_OF)
    assert set(city["unit_code"]) == units_of(None)

    ov_service.queue.clear()
    assert not ov_service.queue(world, Scope("privacy_officer"), (), 0.0, None, None, None).empty
    with pytest.raises(PermissionError):  # the officer's cached queue is not the head's
        ov_service.queue(world, Scope("department_head", "URBAN"), (), 0.0, None, None, None)


@pytest.mark.parametrize("dept", ["URBAN", "SAMR"])
def test_the_person_search_keeps_to_the_departments_remit(world, monkeypatch, dept):
    """A complete, valid ID number of a resident outside the department's remit finds nobody;
    one inside finds that resident, masked."""
    from data_access.queries.person_file import remit_condition

    scope = Scope("department_head", dept)
    with get_engine(world).connect() as conn:
        inside = conn.scalar(
            select(m.Person.id_number).where(remit_condition(scope)).order_by(m.Person.id_number)
        )
        outside = conn.scalar(
            select(m.Person.id_number).where(~remit_condition(scope)).order_by(m.Person.id_number)
        )
    r = render_page(world, f"dept_{dept}", "pages/person.py", monkeypatch=monkeypatch)
    app = r.app
    for subject, found in ((outside, False), (inside, True)):
        app.text_input(key="pf_search_text").set_value(subject)
        [b for b in app.main.button if b.proto.is_form_submitter][0].click()
        app.run()
        assert not app.exception
        warnings = [w.value for w in app.main.warning]
        if found:
            assert not warnings and len(app.main.selectbox[0].options) == 1
            assert app.main.selectbox[0].options[0].split("\u3000")[1] == (
                subject[:4] + "*" * 10 + subject[-4:]
            )
        else:
            assert warnings == [zh("pf.search.none")] and not app.main.selectbox
