"""Fast bulk loading for SQLite (executemany in one transaction) and PostgreSQL (COPY).

Column values are passed as sequences of Python objects: str, int, float or None. Dates and
datetimes are strings in SQLAlchemy's SQLite storage format ('YYYY-MM-DD',
'YYYY-MM-DD HH:MM:SS.ffffff'), which PostgreSQL's COPY reads as well; booleans are 0/1.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, Index, Table
from sqlalchemy.schema import CreateIndex

CHUNK_ROWS = 200_000


class BulkLoader:
    """One raw DB-API connection and one transaction for the whole build."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self.raw = engine.raw_connection()
        self.cur = self.raw.cursor()
        if self.dialect == "sqlite":
            dbapi = self.raw.driver_connection
            assert dbapi is not None  # None only once the connection is invalidated
            if dbapi.in_transaction:
                dbapi.commit()
            self.cur.execute("PRAGMA foreign_keys=OFF")
            # A rollback journal instead of WAL for the build: pages appended to a fresh file
            # are not journaled, so each page is written once, and the single transaction still
            # rolls back cleanly. WAL is switched back on at the end.
            self.cur.execute("PRAGMA journal_mode=DELETE")
            self.cur.execute("PRAGMA synchronous=OFF")
            self.cur.execute("PRAGMA cache_size=-1048576")
            self.cur.execute("PRAGMA temp_store=MEMORY")
            self.cur.execute("BEGIN")

    def insert(self, table: Table, columns: Sequence[str], data: Sequence[Sequence]) -> int:
        """Insert rows given column-wise; returns the number of rows."""
        n = len(data[0]) if data else 0
        for start in range(0, n, CHUNK_ROWS):
            part = [col[start : start + CHUNK_ROWS] for col in data]
            if self.dialect == "sqlite":
                marks = ", ".join("?" * len(columns))
                sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
                self.cur.executemany(sql, list(zip(*part, strict=True)))
            else:
                self._copy(table, columns, part)
        return n

    def _copy(self, table: Table, columns: Sequence[str], part: Sequence[Sequence]) -> None:
        text_cols = [["\\N" if v is None else str(v) for v in col] for col in part]
        payload = "\n".join("\t".join(row) for row in zip(*text_cols, strict=True)) + "\n"
        sql = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
        with self.cur.copy(sql) as copy:
            copy.write(payload.encode("utf-8"))

    def drop_indexes(self, tables: Sequence[Table]) -> list[Index]:
        """Drop the named secondary indexes of these tables (recreate them after loading)."""
        dropped = [ix for t in tables for ix in sorted(t.indexes, key=lambda i: str(i.name))]
        for ix in dropped:
            self.cur.execute(f"DROP INDEX IF EXISTS {ix.name}")
        return dropped

    def create_indexes(self, indexes: Sequence[Index]) -> None:
        for ix in indexes:
            self.cur.execute(str(CreateIndex(ix).compile(dialect=self.engine.dialect)))

    def execute(self, sql: str) -> None:
        self.cur.execute(sql)

    def analyze(self) -> None:
        """Planner statistics (sampled on SQLite so that it stays quick on big tables)."""
        if self.dialect == "sqlite":
            self.cur.execute("PRAGMA analysis_limit=2000")
        self.cur.execute("ANALYZE")

    def commit(self) -> None:
        self.raw.commit()
        self._restore()

    def rollback(self) -> None:
        self.raw.rollback()
        self._restore()

    def _restore(self) -> None:
        if self.dialect == "sqlite":
            self.cur.execute("PRAGMA journal_mode=WAL")
            self.cur.execute("PRAGMA synchronous=NORMAL")
            self.cur.execute("PRAGMA cache_size=-2000")
            self.cur.execute("PRAGMA temp_store=DEFAULT")
            self.cur.execute("PRAGMA foreign_keys=ON")
        self.cur.close()
        self.raw.close()
