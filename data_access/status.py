"""Is the database there, and what does it hold? Used by the shell before anything else."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from data_access.engine import DEFAULT_SQLITE_PATH, get_engine, resolve_url
from data_access.schema import models as m


@dataclass(frozen=True)
class DatabaseState:
    state: str  # ready | empty | unreachable
    reason: str = ""


def is_embedded_default(url: str) -> bool:
    """True when the URL is the embedded SQLite file the product creates on first start."""
    return url == resolve_url(f"sqlite:///{DEFAULT_SQLITE_PATH}")


def database_state(url: str) -> DatabaseState:
    """ready when persons exist; empty when the schema or the persons are missing."""
    try:
        engine = get_engine(url)
        if not inspect(engine).has_table("person"):
            return DatabaseState("empty")
        with engine.connect() as conn:
            has_person = conn.execute(select(m.Person.id_number).limit(1)).first() is not None
        return DatabaseState("ready" if has_person else "empty")
    except SQLAlchemyError as exc:
        return DatabaseState("unreachable", str(exc.orig if hasattr(exc, "orig") else exc)[:200])


def table_counts(url: str) -> dict[str, int]:
    """Row counts of the main tables (counted in the database)."""
    engine = get_engine(url)
    tables = {
        "persons": m.Person,
        "records": m.CreditRecord,
        "queries": m.QueryLog,
        "operators": m.Operator,
    }
    with engine.connect() as conn:
        return {
            name: conn.execute(select(func.count()).select_from(model)).scalar_one()
            for name, model in tables.items()
        }
