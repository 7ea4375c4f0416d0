"""Display periods, URL resolution, scopes and masking: small rules with known answers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from data_access.engine import DEFAULT_SQLITE_PATH, resolve_url
from data_access.id_number import mask_id_number, mask_name
from data_access.queries.display_period import (
    add_months,
    default_display_until,
    display_until_problem,
    legal_display_range,
)
from data_access.scope import Scope


def test_add_months_keeps_the_day_or_takes_the_last_day_of_a_shorter_month():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2023, 11, 27), 36) == dt.date(2026, 11, 27)


def test_legal_maximum_per_severity():
    decided = dt.date(2026, 3, 31)
    assert default_display_until("minor", decided) == dt.date(2026, 6, 30)
    assert default_display_until("general", decided) == dt.date(2027, 3, 31)
    assert default_display_until("serious", decided) == dt.date(2029, 3, 31)
    assert legal_display_range("serious", decided)[0] == dt.date(2027, 3, 31)


def test_display_until_outside_the_legal_range_is_named():
    decided = dt.date(2026, 1, 10)
    assert display_until_problem("general", decided, dt.date(2026, 9, 1)) is None
    assert "maximum" in display_until_problem("general", decided, dt.date(2027, 1, 11))
    assert "minimum" in display_until_problem("serious", decided, dt.date(2026, 6, 1))
    assert "after the decision date" in display_until_problem("minor", decided, decided)


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2040, 12, 31)),
    st.sampled_from(["minor", "general", "serious"]),
)
def test_the_default_is_always_lawful(decided, severity):
    assert (
        display_until_problem(severity, decided, default_display_until(severity, decided)) is None
    )


def test_url_resolution_order(monkeypatch):
    monkeypatch.delenv("CREDIT_DB_URL", raising=False)
    assert resolve_url() == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    monkeypatch.setenv("CREDIT_DB_URL", "postgresql+psycopg://u@h:5432/d")
    assert resolve_url() == "postgresql+psycopg://u@h:5432/d"
    assert resolve_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_relative_sqlite_paths_are_relative_to_the_project_root(monkeypatch):
    monkeypatch.delenv("CREDIT_DB_URL", raising=False)
    assert resolve_url("sqlite:///var/credit.db") == f"sqlite:///{DEFAULT_SQLITE_PATH}"


def test_scope_from_user():
    assert Scope.from_user({"role": "department_head", "department_code": "EDU"}).cache_key() == (
        "department_head",
        "EDU",
    )
    assert Scope.from_user({"role": "admin"}).sees_all_departments
    with pytest.raises(PermissionError):
        Scope.from_user({"role": "department_head", "department_code": None})
    with pytest.raises(PermissionError):
        Scope.from_user({"role": "superuser"})


def test_masking():
    assert mask_id_number("41270119800517123X") == "4127**********123X"
    assert mask_name("王建明") == "王*明"
    assert mask_name("李娜") == "李*"
    assert mask_name("欧阳小明") == "欧**明"
    # a lookup of an unknown subject: no name, NaN in a pandas string column
    names = pd.Series(["王建明", None], dtype="str").map(mask_name)
    assert names.tolist() == ["王*明", ""] and mask_id_number(float("nan")) == ""  # type: ignore[arg-type]
