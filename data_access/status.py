"""Is the database there, and what does it hold? Used by the shell before anything else."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from data_access.engine import DEFAULT_SQLITE_PATH, dispose_engine, get_engine, resolve_url
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


_BUILD_LOCK = threading.Lock()


def build_embedded(url: str, build: Callable[[Engine], None]) -> bool:
    """Build the embedded SQLite database into a side file and move it into place only once the
    build has finished: a build cut short (the first visitor closed the tab mid-way, the server
    stopped) leaves no half-built database that would pass for ready, and the next start builds
    again. One build at a time in the process; False when another session's build made the
    database ready meanwhile."""
    with _BUILD_LOCK:
        if database_state(url).state == "ready":
            return False
        target = Path(str(make_url(resolve_url(url)).database))
        side = target.with_name(target.name + ".building")
        for stale in (side, *_journals(side)):
            stale.unlink(missing_ok=True)
        side_url = f"sqlite:///{side}"
        try:
            build(get_engine(side_url))
        finally:
            dispose_engine(side_url)  # closes the file and folds its write-ahead log in
        dispose_engine(url)  # the empty file the readiness check opened
        for journal in _journals(target):
            journal.unlink(missing_ok=True)
        os.replace(side, target)
        return True


def _journals(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


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
