"""Query-log imports on PostgreSQL: the checks of the next chunk beside the COPY of this one.

The import's transaction (its connection, the advisory lock, every COPY) stays one; a worker
thread runs each chunk's COPY on it while the importer checks the next chunk on a second
connection (operators, subjects and stored ids are read from committed data: the rows this
import has written are the file's own, whose ids the file's duplicate check already keeps
apart). The database works on both at once: the COPY's index upkeep on one core, the checks on
the other (measured: 407,000 rows 5.7 s one after the other, see README "Import speed").

The monthly partitions a chunk needs are made on the second connection, committed, before the
chunk is handed to the COPY: attaching a partition takes only a SHARE UPDATE EXCLUSIVE lock on
query_log, which the open COPY transaction does not block, while a partition made inside that
transaction would lock the default partition against the checks' reads until it commits. An
import that fails drops the partitions it made that are still empty: nothing of a refused file
is left, not even an empty month.

The query log has no operator foreign key on PostgreSQL (schema.partitions.operator_key): the
checks refuse unknown operators, and the worker locks each chunk's operators in the import's
transaction before its COPY, so that none is deleted or renamed before the import ends.

At most one chunk is being written while the next is checked (and a third read ahead): memory
stays bounded. A COPY's error is raised where the importer waits for it, naming the chunk's
first line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor

import polars as pl
from sqlalchemy import Connection, Engine, Table, select

from data_access.imports.bulk_write import copy_frame
from data_access.imports.validators import in_values
from data_access.schema import models as m
from data_access.schema.partitions import driver_of, drop_if_empty, ensure_months


class ChunkRefused(Exception):
    """A COPY the database refused: `line` is the first line of its chunk, `error` the cause."""

    def __init__(self, line: int, error: BaseException) -> None:
        super().__init__(str(error))
        self.line = line
        self.error = error


class CopyPipeline:
    """The second connection (checks, partitions) and the COPY worker of one import."""

    def __init__(self, engine: Engine, conn: Connection, table: Table) -> None:
        self.conn = conn  # the import's transaction: written to by the worker only
        self.table = table
        self.checks = engine.connect()
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-copy")
        self._pending: tuple[Future[int], int] | None = None
        self._months: set[dt.date] = set()
        self._made: list[str] = []
        self._locked: set[str] = set()  # operators locked by the import's transaction

    def ensure_months(self, months: Iterable[dt.date]) -> None:
        """Make (and commit) the partitions of these months that do not exist yet."""
        self.end_checks()
        with self.checks.begin():  # the driver's statements inside SQLAlchemy's transaction
            self._made += ensure_months(driver_of(self.checks), months, self._months)

    def end_checks(self) -> None:
        """End the checks' read transaction (its snapshot and locks) after a chunk's checks."""
        if self.checks.in_transaction():
            self.checks.rollback()

    def submit(self, rows: pl.DataFrame, first_line: int) -> int:
        """Wait for the chunk being written (its rows written), then start writing this one."""
        written = self.wait()
        operators = set(rows.get_column("operator_id").unique().to_list()) - self._locked
        self._locked |= operators
        self._pending = (self._worker.submit(self._write, rows, sorted(operators)), first_line)
        return written

    def _write(self, rows: pl.DataFrame, operators: list[str]) -> int:
        """In the worker: lock the chunk's operators not locked yet, as a foreign key would (FOR
        KEY SHARE: none of them can be deleted or renamed until the import ends; then the
        operator's trigger sees these rows), and COPY the rows."""
        if operators:
            op = m.Operator.__table__
            self.conn.execute(
                select(op.c.operator_id)
                .where(in_values(self.conn, op.c.operator_id, operators))
                .with_for_update(key_share=True)
            ).all()
        return copy_frame(self.conn, self.table, rows)

    def wait(self) -> int:
        """The rows written by the chunk being written, once written (0 when none is); a
        refused COPY raises ChunkRefused."""
        if self._pending is None:
            return 0
        future, line = self._pending
        self._pending = None
        try:
            return future.result()
        except Exception as exc:
            raise ChunkRefused(line, exc) from exc

    def stop(self) -> None:
        """Wait for the worker; its error, if any, was raised by `wait` or is no longer wanted
        (the import is being rolled back). Before the import's transaction ends."""
        if self._pending is not None:
            self._pending[0].exception()
            self._pending = None
        self._worker.shutdown(wait=True)

    def close(self, committed: bool) -> None:
        """After the import's transaction ended: unless it committed, drop the partitions this
        import made that are still empty; then close the second connection."""
        self.stop()
        try:
            if not committed and self._made:
                self.end_checks()
                with self.checks.begin():
                    drop_if_empty(driver_of(self.checks), self._made)
        finally:
            self.checks.close()
