"""Where the database is and how to connect: URL resolution and engine creation.

The URL comes from `--db`, else the environment variable CREDIT_DB_URL, else the embedded default
`sqlite:///var/credit.db` relative to the project root (contracts.md).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "credit.db"
ENV_VAR = "CREDIT_DB_URL"


def resolve_url(db: str | None = None) -> str:
    """The database URL to use: explicit argument, then CREDIT_DB_URL, then the embedded SQLite."""
    url = db or os.environ.get(ENV_VAR) or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if not path.is_absolute():
            path = PROJECT_ROOT / path
        path.parent.mkdir(parents=True, exist_ok=True)
        url = parsed.set(database=str(path)).render_as_string(hide_password=False)
    return url


# How long a SQLite writer waits for another (an import running elsewhere) before giving up.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# PostgreSQL: lock_not_available, deadlock_detected, serialization_failure
_PG_BUSY_CODES = {"55P03", "40P01", "40001"}


class DatabaseBusy(Exception):
    """Another writer holds the database (SQLite's lock, a PostgreSQL lock or deadlock): the work
    was rolled back and may simply be tried again. Never a problem in the user's data."""


def is_busy(exc: BaseException) -> bool:
    """True when a database error means "busy, try again" rather than "bad data"."""
    orig = getattr(exc, "orig", exc)
    if getattr(orig, "sqlstate", None) in _PG_BUSY_CODES:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database is busy" in text


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_MS)}")
    cursor.close()


_ENGINES: dict[str, Engine] = {}


def get_engine(db: str | None = None) -> Engine:
    """One engine per URL for the process (engines own connection pools)."""
    url = resolve_url(db)
    engine = _ENGINES.get(url)
    if engine is None:
        if url.startswith("postgresql") and "+" not in url.split(":", 1)[0]:
            url_for_engine = url.replace("postgresql", "postgresql+psycopg", 1)
        else:
            url_for_engine = url
        engine = create_engine(url_for_engine, pool_pre_ping=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        _ENGINES[url] = engine
    return engine


def dispose_engines() -> None:
    for engine in _ENGINES.values():
        engine.dispose()
    _ENGINES.clear()


def dispose_engine(db: str) -> None:
    """Close the pool of one URL's engine and forget it (its file is about to be replaced)."""
    engine = _ENGINES.pop(resolve_url(db), None)
    if engine is not None:
        engine.dispose()
