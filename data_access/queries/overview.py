"""The overview's own counts, in SQL (city scope only): residents and open privacy alerts. The
tiles that reuse other pages' figures are composed in services.overview."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from data_access.queries import coverage_rollup
from data_access.schema import models as m
from data_access.scope import Scope


def residents(engine: Engine, scope: Scope, counties: tuple[str, ...] = ()) -> int:
    """Persons in the database, in the chosen counties (all when empty): from a fresh population
    rollup (coverage_rollup.residents), else counted in SQL."""
    scope.require("city")
    stored = coverage_rollup.residents(engine, counties)
    if stored is not None:
        return stored
    stmt = select(func.count()).select_from(m.Person)
    if counties:
        stmt = stmt.where(m.Person.county_code.in_(counties))
    with engine.connect() as conn:
        return int(conn.execute(stmt).scalar_one())


def open_alerts(engine: Engine, scope: Scope) -> int | None:
    """Open privacy alerts; None while the detector has never stored an alert."""
    scope.require("city")
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(m.Alert)).scalar_one()
        if total == 0:
            return None
        stmt = select(func.count()).select_from(m.Alert).where(m.Alert.status == "open")
        return int(conn.execute(stmt).scalar_one())
