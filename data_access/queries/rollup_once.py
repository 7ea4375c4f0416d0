"""A missing rollup is computed once, however many viewers meet it at the same moment.

When the nightly job has not run (or an import made the day's rollups stale), the first views of
the overview or the coverage page each find the city-wide rollup missing and would each compute
it: a minute of the database's time apiece at city scale, ten times over when ten officials open
the dashboard together. `compute_once` lets one of them compute while the others wait for it and
then read what it stored: the threads of one server process wait on a lock per rollup, the
server processes of one PostgreSQL database on an advisory lock of the rollup's name (SQLite is
the single-process embedded default: the thread lock suffices).
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, func, select

T = TypeVar("T")
LOCK_SPACE = 0x524F4C4C  # "ROLL": the first key of the advisory locks of rollups
_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_key(name: str) -> int:
    """The rollup's name as the second key of a two-key advisory lock (a signed 32-bit int)."""
    return zlib.crc32(name.encode("utf-8")) - (1 << 31)


@contextmanager
def computing(engine: Engine, name: str) -> Iterator[None]:
    """Hold the rollup's lock: this process's threads, then (PostgreSQL) the database's."""
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault((str(engine.url), name), threading.Lock())
    with lock:
        if engine.dialect.name != "postgresql":
            yield
            return
        with engine.connect() as conn:
            conn.execute(select(func.pg_advisory_lock(LOCK_SPACE, _lock_key(name))))
            conn.commit()
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(LOCK_SPACE, _lock_key(name))))
                conn.commit()


def compute_once(
    engine: Engine, name: str, stored: Callable[[], bool], compute: Callable[[], T]
) -> T | None:
    """compute() under the rollup's lock unless, once the lock is held, stored() says another
    viewer (or the nightly job) has stored it meanwhile: then None, and the caller reads it."""
    with computing(engine, name):
        if stored():
            return None
        return compute()
