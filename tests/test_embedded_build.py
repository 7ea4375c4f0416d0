"""The embedded database is built aside and moved into place only when the build has finished."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from data_access.id_number import make_id_number
from data_access.schema import models as m
from data_access.schema.reference import init_schema
from data_access.status import build_embedded, database_state


def _city(engine) -> None:
    init_schema(engine)
    with engine.begin() as conn:
        conn.execute(insert(m.Person), [{"id_number": make_id_number("411603", dt.date(2020, 1, 2), 2),
                                         "name": "李娜", "county_code": "411603"}])  # fmt: skip


def test_a_build_cut_short_leaves_no_database_that_passes_for_ready(tmp_path):
    url = f"sqlite:///{tmp_path / 'credit.db'}"
    assert database_state(url).state == "empty"  # the check itself opens an empty file

    def cut_short(engine) -> None:
        _city(engine)  # persons are in: a half-built city would pass for ready
        raise KeyboardInterrupt("the first visitor closed the tab")

    with pytest.raises(KeyboardInterrupt):
        build_embedded(url, cut_short)
    assert database_state(url).state == "empty"
    # the next start builds again, from the beginning, and the result is in place
    assert build_embedded(url, _city) is True
    assert database_state(url).state == "ready"
    assert not (tmp_path / "credit.db.building").exists()
    # a second session arriving after the build does not build again
    assert build_embedded(url, lambda _engine: pytest.fail("built twice")) is False
