"""Security tests: hostile input, forged scopes and injection, on both engines.

- SQL injection: hostile strings in every text input of every page (AppTest) and in the data
  functions behind them, and in the text fields of every import kind: no exception, no extra
  rows, values stored verbatim, every table intact afterwards.
- Formula injection: every CSV and Excel export the pages offer neutralises cells starting with
  = + - @ tab or carriage return, and writes no formula and no hyperlink; every download button
  of pages/ builds its file through ui.exports.
- Masking: no valid ID number and no full name of a resident on any page, for any role (downloads
  included); only a personal file opened with a purpose shows its one subject.
- Uploads (data_access.imports.submission_upload): path traversal, NUL in the name, oversize, wrong type,
  a fake workbook.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import func, inspect, select, text, update

from data_access.accounts.user_admin import USERNAME
from data_access.engine import get_engine
from data_access.id_number import make_id_number, mask_id_number, mask_name
from data_access.imports.importer import import_file
from data_access.queries import oversight as ov
from data_access.schema import models as m
from data_access.schema.models import ALERT_STATUSES
from data_access.scope import Scope
from tests.conftest import TINY_AS_OF, create_pg_database, drop_pg_database
from tests.scope_world import (
    ENGINES,
    FORMULA_PREFIXES,
    HOSTILE_NOTE,
    HOSTILE_REF,
    USERS,
    Download,
    build_world,
    render_page,
    rendered,
    unmasked_ids,
    world_fixture,
)
from ui.exports import to_csv, to_excel
from ui.navigation import PAGES

ROOT = Path(__file__).resolve().parent.parent
ALL_STATUSES = list(ALERT_STATUSES)  # the oversight queue, triaged alerts included

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE person; --",
    "%",
    "_",
    "\\",
    "%_\\%'",
    "\u2019 OR \u20181\u2019=\u20191 --",  # typographic quotes
    "＇；DROP TABLE person；－－",  # full-width
    '" OR ""="',
    "1) UNION SELECT id_number, name FROM person --",
    "x" * 5000,
]


@pytest.fixture(scope="session", params=ENGINES)
def world(request, tmp_path_factory) -> str:
    """The shared read-only world (tests/scope_world.py)."""
    return world_fixture(request, tmp_path_factory)


@pytest.fixture(scope="module", params=ENGINES)
def scratch(request, tmp_path_factory):
    """A world of this module's own, for tests that write (triage notes, policy versions,
    lookups logged by opened files)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('security') / 'credit.db'}"
    else:
        url = create_pg_database("credit_security")
    yield build_world(url)
    if request.param == "postgresql":
        drop_pg_database(url)


def table_counts(url: str) -> dict[str, int]:
    engine = get_engine(url)
    names = set(inspect(engine).get_table_names())
    missing = set(m.Base.metadata.tables) - names
    assert not missing, f"tables lost: {missing}"
    with engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(table))
            for name, table in m.Base.metadata.tables.items()
        }


# --------------------------------------------------------------------------- pages' text inputs


def _has_text_input(path: str) -> bool:
    source = (ROOT / path).read_text(encoding="utf-8")
    return "text_input(" in source or "text_area(" in source


# The roles whose pages carry every text input (the leading office's are the administrator's).
INPUT_CASES = [
    (user_key, spec.path)
    for user_key in ("admin", "dept_URBAN", "privacy_officer")
    for spec in PAGES
    if USERS[user_key]["role"] in spec.roles and _has_text_input(spec.path)
]


def _inputs(app) -> list:
    return [*app.main.text_input, *app.main.text_area]


def _groups(app) -> list[tuple[str, list[str]]]:
    """(form id or "", widget ids): one group per form, one per free-standing input."""
    groups: dict[str, list[str]] = {}
    free = []
    for widget in _inputs(app):
        if widget.form_id:
            groups.setdefault(widget.form_id, []).append(widget.id)
        else:
            free.append(("", [widget.id]))
    return [*groups.items(), *free]


@pytest.mark.parametrize(("user_key", "page"), INPUT_CASES)
def test_injection_strings_in_every_text_input(scratch, monkeypatch, user_key, page):
    before = table_counts(scratch)
    r = render_page(scratch, user_key, page, monkeypatch=monkeypatch, ov_status=ALL_STATUSES)
    app = r.app
    assert not app.exception
    groups = _groups(app)
    if not groups:
        pytest.skip(f"{page} has no text input for {user_key}")
    tried = 0
    for form_id, ids in groups:
        for value in INJECTIONS:
            widgets = {w.id: w for w in _inputs(app)}
            if not all(i in widgets for i in ids):
                break  # the form is gone (e.g. a file was opened): nothing more to type into
            for i in ids:
                widgets[i].set_value(value)  # set_value: a client need not honour max_chars
            if form_id:
                submit = [b for b in app.main.button
                          if b.form_id == form_id and b.proto.is_form_submitter]  # fmt: skip
                submit[0].click()
            app.run()
            tried += 1
            assert not app.exception, (form_id, value[:40], [e.value for e in app.exception])
    assert tried
    after = table_counts(scratch)
    assert after["person"] == before["person"] and after["credit_record"] == before["credit_record"]
    grew = {k for k in after if after[k] != before[k]}
    # lookups logged, triage decisions, policy versions, (an administrator setting an odd but
    # rule-abiding password) account changes, and supervision items opened, answered or returned
    # with the typed text as their note, and privacy cases opened or moved on (the typed text as
    # their summary or note) are the only writes of these forms
    assert grew <= {"query_log", "operator", "alert_event", "alert", "policy_version",
                    "account_event", "supervision_item", "supervision_event", "privacy_case",
                    "case_alert", "case_event"}  # fmt: skip
    with get_engine(scratch).connect() as conn:  # no username made of an injection string
        assert all(USERNAME.fullmatch(u) for u in conn.scalars(select(m.DashboardUser.username)))


NUL_INPUTS = [
    ("admin", "pages/scores.py", "ledger.ref", "ledger"),
    ("admin", "pages/scores.py", "save.note", "save_policy"),
    ("privacy_officer", "pages/oversight.py", "ov_note", "ov_triage"),
    ("privacy_officer", "pages/oversight.py", "ov_reason", ""),
    ("dept_URBAN", "pages/person.py", "pf_search_text", "person_search"),
]


@pytest.mark.parametrize(("user_key", "page", "key", "form"), NUL_INPUTS)
def test_a_nul_character_from_a_hostile_client(scratch, monkeypatch, request, user_key, page,
                                               key, form):  # fmt: skip
    """A browser does not send NUL in a text box, a crafted client can. PostgreSQL refuses NUL
    in text, so a value that reaches the database unfiltered would end the page with a database
    error. Every data function that takes typed text drops control characters
    (data_access.text.clean_text)."""
    r = render_page(scratch, user_key, page, monkeypatch=monkeypatch, ov_status=ALL_STATUSES)
    app = r.app
    [w for w in _inputs(app) if w.key == key][0].set_value("a\x00b")
    if key == "save.note":
        app.text_input(key="save.version").set_value("nul-test")
    if form:
        [b for b in app.main.button if b.form_id == form and b.proto.is_form_submitter][0].click()
    app.run()
    assert not app.exception, [e.value[:200] for e in app.exception]


def test_hostile_values_typed_into_forms_are_stored_verbatim(scratch, monkeypatch):
    """The triage note of the oversight page and the reference of a ledger lookup."""
    r = render_page(
        scratch,
        "privacy_officer",
        "pages/oversight.py",
        monkeypatch=monkeypatch,
        ov_status=ALL_STATUSES,
    )
    app = r.app
    value = "'); DELETE FROM alert; --"
    app.text_area(key="ov_note").set_value(value)
    [b for b in app.main.button if b.proto.is_form_submitter][0].click()
    app.run()
    assert not app.exception
    engine = get_engine(scratch)
    with engine.connect() as conn:
        notes = set(conn.scalars(select(m.AlertEvent.note)))
        alerts = conn.scalar(select(func.count()).select_from(m.Alert))
    assert value in notes and alerts > 0

    r = render_page(scratch, "admin", "pages/scores.py", monkeypatch=monkeypatch)
    app = r.app
    with engine.connect() as conn:
        subject = conn.scalar(select(m.Person.id_number).order_by(m.Person.id_number).limit(1))
    app.text_input(key="ledger.id").set_value(subject)
    app.selectbox(key="ledger.purpose").set_value("OBJECTION")
    app.text_input(key="ledger.ref").set_value("'; DROP TABLE query_log; --")
    [b for b in app.main.button if b.form_id and "ledger" in b.form_id][0].click()
    app.run()
    assert not app.exception
    with engine.connect() as conn:
        refs = set(conn.scalars(select(m.QueryLog.authorization_ref)))
    assert "'; DROP TABLE query_log; --" in refs


def test_the_oversight_reason_filter_matches_text_literally(world):
    engine, scope = get_engine(world), Scope("privacy_officer")
    everything = ov.alert_queue(engine, scope, (), 0.0, None, None, None)
    for phrase in [*INJECTIONS, "次", "WITHOUT", "%%", "\x00"]:
        found = ov.alert_queue(engine, scope, (), 0.0, None, None, None, reason=phrase)
        needle = phrase.replace("\x00", "").strip()  # no text holds a NUL
        expected = {
            row.alert_id
            for row in everything.itertuples()
            if not needle or needle in row.reasons_zh or needle.lower() in row.reasons_en.lower()
        }
        assert set(found["alert_id"]) == expected, phrase[:40]


def test_the_person_search_matches_exactly(world):
    from data_access.queries import person_file as pf

    engine = get_engine(world)
    for user_key in ("admin", "dept_SAMR"):
        scope = Scope.from_user(USERS[user_key])
        for phrase in INJECTIONS:
            frame, more = pf.search_persons(engine, scope, phrase)
            assert frame.empty and not more, phrase[:40]


def test_injection_strings_as_page_filters_in_session_state(world):
    """Values no widget would offer, planted in the session: the page drops or ignores them."""
    for value in INJECTIONS[:4]:
        r = render_page(world, "dept_URBAN", "pages/reporting.py",
                        filter_counties=[value], rep_drill_unit=value)  # fmt: skip
        assert not r.app.exception
        assert r.app.session_state["filters"]["counties"] == ()
        assert r.main.selectbox[0].value == "URBAN"


# --------------------------------------------------------------------------- import fields

D = dt.date
P1 = make_id_number("411602", D(1990, 5, 17), 101)
P2 = make_id_number("412701", D(1985, 3, 12), 202)
SHORT = [s for s in INJECTIONS if len(s) <= 48]  # fits every text column


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def do_import(engine, kind: str, path: Path):
    result = import_file(engine, kind, path)
    assert result.ok, [str(p) for p in result.errors]
    return result


def test_injection_strings_in_every_import_field(db_url, engine, tmp_path):
    persons = [["id_number", "name", "county_code"], [P1, "张伟", "411602"], [P2, "李娜", "411602"]]
    persons += [
        [make_id_number("411603", D(1970, 1, 1), 2 * i + 1), value, "411603"]
        for i, value in enumerate(SHORT)
    ]
    do_import(engine, "persons", write_csv(tmp_path / "p.csv", persons))
    ops = [["operator_id", "name", "department_code", "role"], ["OP1", "窗口一", "DRC", "window"]]
    ops += [[f"OP{i + 2}", value[:32], "DRC", value[:32]] for i, value in enumerate(SHORT)]
    do_import(engine, "operators", write_csv(tmp_path / "o.csv", ops))
    people = len(persons) - 1

    header = ["query_id", "queried_at", "operator_id", "subject_id_number", "purpose_code",
              "authorization_ref", "channel", "terminal_id"]  # fmt: skip
    queries = [header] + [
        [f"Q{i}", "2026-03-01 09:00:00", "OP1", value, value, value, value, value]
        for i, value in enumerate(INJECTIONS)
    ]
    do_import(engine, "query-log", write_csv(tmp_path / "q.csv", queries))
    records = [["record_id", "id_number", "category_code", "level", "decision_date",
                "source_dept", "title"]]  # fmt: skip
    records += [[value, P1, "COMMENDATION", "city", "2025-05-01", "DRC", value] for value in SHORT]
    do_import(engine, "credit-records", write_csv(tmp_path / "r.csv", records))
    roster = [["id_number", "profession_code", "licence_no", "valid_from", "source_dept"]]
    roster += [[P2, "TEACHER", value, "2020-01-01", "EDU"] for value in SHORT[:1]]
    do_import(engine, "roster", write_csv(tmp_path / "ro.csv", roster))
    annual = [["unit_code", "year", "summary"]]
    annual += [["DRC", str(2018 + i), value] for i, value in enumerate(INJECTIONS)]
    do_import(engine, "annual-reports", write_csv(tmp_path / "a.csv", annual))
    submissions = [["submission_id", "item_code", "period", "due_date"]]
    submissions += [[value, "ROSTER-TEACHER", "2026-Q1", "2026-04-15"] for value in SHORT]
    do_import(engine, "submissions", write_csv(tmp_path / "s.csv", submissions))

    counts = table_counts(db_url)
    assert counts["person"] == people
    width = m.QUERY_TEXT_WIDTH
    with engine.connect() as conn:
        assert set(conn.scalars(select(m.Person.name))) >= set(SHORT)
        assert {tuple(r) for r in conn.execute(select(m.Operator.name, m.Operator.role))} >= {
            (v[:32].strip(), v[:32].strip())
            for v in SHORT  # cells are trimmed
        }
        stored = {r.query_id: r for r in conn.execute(select(m.QueryLog))}
        for i, value in enumerate(INJECTIONS):
            row = stored[f"Q{i}"]
            expected = value[:width]
            assert (row.subject_id_number, row.purpose_code, row.authorization_ref,
                    row.channel, row.terminal_id) == (expected,) * 5  # fmt: skip
            assert "invalid_id" in row.flags
        titles = dict(conn.execute(select(m.CreditRecord.record_id, m.CreditRecord.title)).all())
        assert titles == {v: v for v in SHORT}
        assert set(conn.scalars(select(m.RosterEntry.licence_no))) == set(SHORT[:1])
        assert set(conn.scalars(select(m.AnnualReport.summary))) == set(INJECTIONS)
        assert set(conn.scalars(select(m.Submission.submission_id))) == set(SHORT)


def test_overlong_and_nul_import_values_are_refused_not_crashed(db_url, engine, tmp_path):
    persons = [["id_number", "name", "county_code"], [P1, "x" * 5000, "411602"]]
    result = import_file(engine, "persons", write_csv(tmp_path / "p.csv", persons))
    assert not result.ok and "name" in str(result.errors[0])
    persons = [["id_number", "name", "county_code"], [P1, "张\x00伟", "411602"]]
    result = import_file(engine, "persons", write_csv(tmp_path / "n.csv", persons))
    assert not result.ok and "NUL" in str(result.errors[0])
    query = [["query_id", "queried_at", "operator_id", "subject_id_number", "channel",
              "terminal_id"], ["Q1", "2026-03-01 09:00:00", "OP1", P1, "WEB", "T\x001"]]  # fmt: skip
    result = import_file(engine, "query-log", write_csv(tmp_path / "q.csv", query))
    assert not result.ok and "NUL" in str(result.errors[0])
    assert sum(table_counts(db_url)[t] for t in ("person", "query_log")) == 0


# --------------------------------------------------------------------------- formula injection

HOSTILE_CELLS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")',
                 "{=1+1}", "http://evil.example/", "-", "安全"]  # fmt: skip


def assert_export_is_inert(download: Download) -> None:
    """No formula, no hyperlink, no text cell a spreadsheet would read as a formula."""
    if download.file_name.endswith(".xlsx"):
        with zipfile.ZipFile(io.BytesIO(download.data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    body = archive.read(name)
                    assert b"<f" not in body and b"<hyperlink" not in body, name
            assert not [n for n in archive.namelist() if "externalLink" in n]
    for cell in download.cells():
        if isinstance(cell, str):
            assert not cell.startswith(FORMULA_PREFIXES), (download.file_name, cell)


def test_to_csv_and_to_excel_neutralise_every_prefix():
    frame = pd.DataFrame({c: [v] for c, v in zip("abcdefghijk", HOSTILE_CELLS, strict=True)})
    frame.columns = HOSTILE_CELLS
    frame["category"] = pd.Categorical(["=2"])
    frame["string"] = pd.array(["@x"], dtype="string")
    for download in (
        Download("csv", "x.csv", "text/csv", to_csv(frame)),
        Download("xlsx", "x.xlsx", "", to_excel({"=s": frame}, "=title", "+subtitle")),
    ):
        assert_export_is_inert(download)
        # openpyxl leaves xlsxwriter's escape of a carriage return (_x000D_) as it is
        cells = [c.replace("_x000D_", "\r") for c in download.cells() if isinstance(c, str)]
        for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=2", "@x"):
            assert "'" + value in cells, (download.file_name, value)
        assert "{=1+1}" in cells and "安全" in cells  # text, unchanged


def test_the_reporting_circular_neutralises_hostile_cells():
    from ui.circular import circular_workbook, ranking_table

    hostile = HOSTILE_CELLS[:6]
    card = pd.DataFrame({
        "unit_code": hostile, "status": ["red"] * 6, "due": [1] * 6, "delivered": [1] * 6,
        "on_time": [1] * 6, "late": [0] * 6, "missing": [0] * 6, "avg_delay_days": [0.0] * 6,
        "on_time_rate": [1.0] * 6, "completeness": [1.0] * 6, "rejection_rate": [0.0] * 6,
        "rank": range(1, 7),
    })  # fmt: skip
    status = pd.DataFrame({
        "unit_code": hostile, "item_code": hostile, "period": hostile,
        "due_date": [dt.date(2026, 1, 15)] * 6, "late": [True] * 6, "missing": [False] * 6,
        "delay_days": [3.0] * 6,
    })  # fmt: skip
    annual = pd.DataFrame({
        "unit_code": hostile, "year": [2026] * 6, "due_date": [dt.date(2026, 12, 31)] * 6,
        "filed_at": [None] * 6, "state": ["overdue"] * 6, "days_late": [1] * 6,
    })  # fmt: skip
    heat = pd.DataFrame({"unit_code": hostile, "month": ["2026-01"] * 6, "on_time_rate": [0.5] * 6})
    start, end = dt.date(2026, 1, 1), dt.date(2026, 11, 30)
    book = circular_workbook(card, status, annual, heat, start, end, TINY_AS_OF, "zh", "=x")
    for download in (
        Download("xlsx", "c.xlsx", "", book),
        Download("csv", "r.csv", "text/csv", to_csv(ranking_table(card, "zh"))),
    ):
        assert_export_is_inert(download)
        assert "'=1+1" in download.cells()


def _hostile_catalogue(original):
    """read_catalogue with every name starting like a formula."""

    def read(name: str):
        rows = original(name)
        return tuple(
            {**row, "name_zh": FORMULA_PREFIXES[i % 4] + row["name_zh"]} if "name_zh" in row
            else row
            for i, row in enumerate(rows)
        )  # fmt: skip

    return read


@pytest.mark.parametrize(
    ("user_key", "page"),
    [("leading_office", "pages/reporting.py"), ("leading_office", "pages/coverage.py"),
     ("dept_SAMR", "pages/coverage.py"), ("privacy_officer", "pages/oversight.py")],
)  # fmt: skip
def test_every_export_of_a_page_is_inert_with_hostile_names(scratch, monkeypatch, user_key, page):
    """The real page paths: catalogue names (and the database's copies) that start like formulas
    reach the CSV and Excel files neutralised."""
    import data_access.schema.reference
    import ui.coverage_display
    import ui.tables
    from services import coverage as coverage_cache

    hostile = _hostile_catalogue(data_access.schema.reference.read_catalogue)
    for module in (data_access.schema.reference, ui.tables, ui.coverage_display):
        monkeypatch.setattr(module, "read_catalogue", hostile)
    engine = get_engine(scratch)
    with engine.begin() as conn:
        for model in (m.Profession, m.Domain, m.Department, m.CatalogueItem):
            if not conn.scalar(select(func.count()).select_from(model).where(
                    model.name_zh.like("=%"))):  # fmt: skip
                conn.execute(update(model).values(name_zh="=" + model.name_zh))
    for cached in (coverage_cache.professions_in_scope, coverage_cache.domains_in_scope):
        cached.clear()
    r = render_page(scratch, user_key, page, monkeypatch=monkeypatch, ov_status=ALL_STATUSES)
    assert not r.app.exception, [e.value for e in r.app.exception]
    assert r.downloads
    neutralised = 0
    for download in r.downloads:
        assert_export_is_inert(download)
        neutralised += sum(
            1 for c in download.cells() if isinstance(c, str) and c[:2] in ("'=", "'+", "'-", "'@")
        )
    assert neutralised  # the hostile names did reach the files


def test_the_oversight_case_file_neutralises_the_planted_values(world):
    r = rendered(world, "privacy_officer", "pages/oversight.py")
    (case_file,) = r.downloads
    cells = case_file.cells()
    assert "'" + HOSTILE_NOTE in cells and "'" + HOSTILE_REF in cells
    assert_export_is_inert(case_file)


# the ui.exports functions, and the workbooks built with ui.exports.to_excel
EXPORTERS = {"to_csv", "to_excel", "circular_workbook", "review_workbook", "case_workbook"}
# Downloads that are not spreadsheets of data, with the reason they need no neutralising.
NOT_SPREADSHEETS = {
    "policy.toml": "the what-if rules as TOML, the administrator's own numbers",
    "template_csv": "the header line of an import kind: column names only",
    "evidence_file": "a unit's evidence file handed back byte for byte as uploaded (its SHA-256 "
    "is shown beside it); not a table the dashboard built",
}


def _download_calls() -> list[tuple[str, ast.Call, dict[str, ast.AST]]]:
    calls = []
    for path in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned: dict[str, ast.AST] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        assigned[target.id] = node.value
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "download_button"):  # fmt: skip
                calls.append((path.name, node, assigned))
    return calls


def _names_in(node: ast.AST, assigned: dict[str, ast.AST], depth: int = 0) -> set[str]:
    found = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
            if sub.id in assigned and depth < 3:
                found |= _names_in(assigned[sub.id], assigned, depth + 1)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
        elif isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            found.add(sub.value)
    return found


def test_every_download_button_builds_its_file_through_ui_exports():
    calls = _download_calls()
    assert len(calls) >= 5
    for file, call, assigned in calls:
        data = (
            call.args[1]
            if len(call.args) > 1
            else next(k.value for k in call.keywords if k.arg == "data")
        )
        file_name = next((k.value for k in call.keywords if k.arg == "file_name"), None)
        used = _names_in(data, assigned) | (_names_in(file_name, assigned) if file_name else set())
        if used & EXPORTERS:
            continue
        exempt = [name for name in NOT_SPREADSHEETS if any(name in u for u in used)]
        assert exempt, f"{file}:{call.lineno}: a download not built by ui.exports"


def test_every_download_offered_by_every_page_is_inert(world):
    for user_key in USERS:
        for spec in PAGES:
            if USERS[user_key]["role"] in spec.roles:
                for download in rendered(world, user_key, spec.path).downloads:
                    assert_export_is_inert(download)


# --------------------------------------------------------------------------- masking


def _residents(url: str) -> tuple[set[str], set[str], set[str]]:
    with get_engine(url).connect() as conn:
        ids = set(conn.scalars(select(m.Person.id_number)))
        names = set(conn.scalars(select(m.Person.name)))
        staff = set(conn.scalars(select(m.Operator.name)))
    return ids, names, staff


_NAME_PATTERNS: dict[str, tuple] = {}


def _people(url: str):
    if url not in _NAME_PATTERNS:
        ids, names, staff = _residents(url)
        pattern = re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True)))
        _NAME_PATTERNS[url] = (ids, names, staff, pattern)
    return _NAME_PATTERNS[url]


# (page, role) -> why full ID numbers or names may show there. Only the personal file opened with
# a lawful purpose shows its subject (test_an_opened_personal_file_shows_only_its_subject).
UNMASKED_ALLOWED: dict[tuple[str, str], str] = {}
# Names of query operators (staff) are shown on the oversight page: the officer investigates
# them. They are not data subjects; a resident whose name equals a staff name is not flagged
# there.
STAFF_NAMES_SHOWN = {"oversight"}


@pytest.mark.parametrize(
    ("user_key", "page"),
    [(u, s.key) for u in USERS for s in PAGES if USERS[u]["role"] in s.roles],
)
def test_no_unmasked_id_number_or_name_on_any_page(world, user_key, page):
    if (page, USERS[user_key]["role"]) in UNMASKED_ALLOWED:
        pytest.skip(UNMASKED_ALLOWED[(page, USERS[user_key]["role"])])
    r = rendered(world, user_key, f"pages/{page}.py")
    texts = r.texts()
    assert texts
    assert not unmasked_ids(texts), f"unmasked ID numbers on {page}"
    ids, names, staff, pattern = _people(world)
    assert not [t for t in texts if t.upper() in ids]
    hits = {hit for text in texts for hit in pattern.findall(text)}
    if page in STAFF_NAMES_SHOWN:
        hits -= staff
    assert not hits, f"full names on {page}: {sorted(hits)[:5]}"


def test_the_scan_would_see_an_id_number_and_a_name(world):
    """The scan itself: a page that shows a resident unmasked is caught."""
    ids, names, staff, pattern = _people(world)
    some_id, some_name = sorted(ids)[0], sorted(n for n in names if len(n) == 3)[0]
    assert unmasked_ids([f"号码 {some_id}。"]) == {some_id}
    assert unmasked_ids([f"{mask_id_number(some_id)}", some_id + "1"]) == set()
    assert pattern.findall(f"当事人{some_name}。") == [some_name]
    assert not pattern.findall(mask_name(some_name))


def _remit_subject(url: str, dept: str) -> tuple[str, str]:
    with get_engine(url).connect() as conn:
        return conn.execute(
            select(m.Person.id_number, m.Person.name)
            .join(m.CreditRecord, m.CreditRecord.id_number == m.Person.id_number)
            .where(m.CreditRecord.source_dept == dept)
            .order_by(m.Person.id_number)
            .limit(1)
        ).one()


@pytest.mark.parametrize("user_key", ["dept_SAMR", "admin"])
def test_an_opened_personal_file_shows_only_its_subject(scratch, monkeypatch, user_key):
    """The one place an ID number and a name show in full: the file opened with a purpose.
    Search results before it are masked; the file and its export name only its subject."""
    subject, name = _remit_subject(scratch, "SAMR")
    r = render_page(scratch, user_key, "pages/person.py", monkeypatch=monkeypatch)
    app = r.app
    app.text_input(key="pf_search_text").set_value(subject)
    [b for b in app.main.button if b.proto.is_form_submitter][0].click()
    app.run()
    assert not app.exception
    assert not unmasked_ids(list(_app_texts(app)))  # the candidates are masked
    assert any(mask_id_number(subject) in o for o in app.main.selectbox[0].options)
    app.main.selectbox[1].set_value("OBJECTION")
    app.main.text_input[1].set_value("SEC-TEST-1")
    [b for b in app.main.button if b.proto.is_form_submitter][-1].click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert unmasked_ids(list(_app_texts(app))) == {subject}
    _, names, staff, pattern = _people(scratch)
    hits = {h for text in _app_texts(app) for h in pattern.findall(text)}
    assert hits <= {name}


def _app_texts(app):
    from tests.scope_world import _node_texts

    return _node_texts(app.main, frozenset({"text_input"}))


# --------------------------------------------------------------------------- uploads


def _upload_api():
    from data_access.imports import submission_upload  # an import error fails, never skips

    return submission_upload


def _xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["id_number", "profession_code"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


ROSTER_CSV = b"id_number,profession_code,licence_no,valid_from,valid_to,source_dept\n"
UPLOAD_CASES = {
    "path traversal": ("../../etc/passwd.csv", ROSTER_CSV),
    "windows traversal": ("..\\..\\windows\\win.ini.csv", ROSTER_CSV),
    "NUL in the name": ("roster.csv\x00.exe", ROSTER_CSV),
    "oversized": ("roster.csv", ROSTER_CSV + b"x" * (60 * 1024 * 1024)),
    "executable": ("roster.exe", b"MZ\x90\x00" + b"\x00" * 64),
    "fake workbook": ("roster.xlsx", ROSTER_CSV),
    "old workbook": ("roster.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64),
    "NUL in the content": ("roster.csv", ROSTER_CSV + b"\x00\x00"),
}


@pytest.mark.parametrize("case", list(UPLOAD_CASES))
def test_hostile_uploads_are_refused(db_url, engine, tmp_path, monkeypatch, case):
    upload = _upload_api()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # anything written relative to the working directory lands here
    name, content = UPLOAD_CASES[case]
    before = table_counts(db_url)
    report = upload.validate_delivery(
        engine, Scope("department_head", "EDU"), "ROSTER-TEACHER", "2026-Q3", name, content,
        today=TINY_AS_OF,
    )  # fmt: skip
    assert "/" not in report.file and "\\" not in report.file and "\x00" not in report.file
    assert ".." not in report.file.replace("...", "")
    if case in ("path traversal", "windows traversal"):
        assert report.file.endswith(".csv")  # the base name only, judged on its content
    else:
        assert not report.ok and report.problem_count >= 1
    assert not list(cwd.rglob("*"))
    assert table_counts(db_url) == before


def test_an_upload_for_another_departments_item_is_refused(engine):
    upload = _upload_api()
    with pytest.raises(PermissionError):
        upload.validate_delivery(
            engine, Scope("department_head", "URBAN"), "ROSTER-TEACHER", "2026-Q3", "r.csv",
            ROSTER_CSV, today=TINY_AS_OF,
        )  # fmt: skip
    with pytest.raises(PermissionError):
        upload.validate_delivery(
            engine, Scope("privacy_officer"), "ROSTER-TEACHER", "2026-Q3", "r.csv", ROSTER_CSV,
            today=TINY_AS_OF,
        )  # fmt: skip


def test_injection_strings_as_upload_item_and_period(engine):
    upload = _upload_api()
    for value in INJECTIONS:
        try:
            report = upload.validate_delivery(
                engine, Scope("admin"), "ROSTER-TEACHER", value, "r.csv", ROSTER_CSV,
                today=TINY_AS_OF,
            )  # fmt: skip
        except (LookupError, ValueError):
            pass
        else:
            assert not report.ok
        with pytest.raises((LookupError, PermissionError)):
            upload.validate_delivery(
                engine, Scope("department_head", "EDU"), value, "2026-Q3", "r.csv", ROSTER_CSV,
                today=TINY_AS_OF,
            )  # fmt: skip
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM person")).scalar() == 0


def test_the_shared_world_is_intact_after_every_test(world):
    counts = table_counts(world)
    assert counts["person"] == 2000 and counts["credit_record"] > 0 and counts["alert"] > 0
