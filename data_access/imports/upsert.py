"""Idempotent bulk writes: INSERT ... ON CONFLICT for SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def _insert_for(conn: Connection, table: Table):
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"unsupported database dialect {conn.dialect.name}")


def upsert_rows(
    conn: Connection,
    table: Table,
    rows: Sequence[dict],
    key: Sequence[str],
    update: bool = True,
) -> None:
    """Insert rows; rows whose key exists are updated (update=True) or left alone (update=False)."""
    if not rows:
        return
    stmt = _insert_for(conn, table)
    if update:
        columns = [c for c in rows[0] if c not in key]
        if columns:
            stmt = stmt.on_conflict_do_update(
                index_elements=list(key), set_={c: stmt.excluded[c] for c in columns}
            )
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(key))
    conn.execute(stmt, list(rows))
