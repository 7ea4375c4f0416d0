"""Import one file of one kind: read, validate and write it as a single transaction.

`import_file` streams the file batch by batch inside one open transaction: each batch is parsed,
checked against the file so far (duplicate keys, in a compact hash set) and against the database
(one SELECT ... IN per batch), then upserted by its natural key. Every problem is collected with
its file, line, column and reason. If there is any problem the transaction is rolled back: nothing
of the file is written (after the first problem the rest of the file is still validated, so that
every bad line is reported, but no longer written). `dry_run` validates everything and writes
nothing. A successful import is recorded in import_run.
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from data_access.engine import DatabaseBusy, is_busy
from data_access.imports.bulk_write import bulk_upsert
from data_access.imports.keyset import KeySet, hashes_of
from data_access.imports.parsing import SHANGHAI, too_long
from data_access.imports.readers import ReadError, Source, open_source
from data_access.imports.validators import FLAG_ORDER, Kind, Row, in_values, kind_spec
from data_access.schema import models as m
from data_access.schema.reference import init_schema, schema_is_current

BATCH_ROWS = 5_000
MAX_PROBLEMS = 1_000

Progress = Callable[[int, float], None]  # (rows read so far, seconds since the start)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return (
            f"{where}: {self.column}: {self.reason}" if self.column else f"{where}: {self.reason}"
        )


@dataclass
class ImportResult:
    file: str
    kind: str
    rows_read: int = 0
    rows_valid: int = 0  # rows that passed every check (what a dry run would write)
    rows_written: int = 0  # inserted or updated; identical query-log rows already stored excluded
    rows_flagged: int = 0  # query-log rows kept with flags
    problem_count: int = 0  # every problem found; `errors` keeps the first MAX_PROBLEMS
    errors: list[Problem] = field(default_factory=list)
    dry_run: bool = False
    seconds: float = 0.0
    encoding: str | None = None  # a CSV's: UTF-8 or GB18030 (readers.sniff_encoding)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


class _Problems:
    """Collects problems, keeping the first `limit` and counting the rest."""

    def __init__(self, result: ImportResult, limit: int) -> None:
        self.result = result
        self.limit = limit

    def add(self, line: int | None, column: str | None, reason: str) -> int | None:
        """Record a problem; its index in result.errors, or None when beyond the limit."""
        self.result.problem_count += 1
        if len(self.result.errors) >= self.limit:
            return None
        self.result.errors.append(Problem(self.result.file, line, column, reason))
        return len(self.result.errors) - 1

    def row(self, row: Row, column: str | None, reason: str) -> None:
        row.bad = True
        self.add(row.line, column, reason)


def ensure_schema(engine: Engine) -> None:
    """Create the schema and load the reference catalogues when any table or column is missing."""
    if not schema_is_current(engine):
        init_schema(engine)


def _now_local() -> dt.datetime:
    return dt.datetime.now(SHANGHAI).replace(tzinfo=None)


def _parse_row(kind: Kind, line: int, raw: dict[str, str], problems: _Problems) -> Row:
    values: dict = {}
    row = Row(line, values)
    for name, parse, max_len, must_have_value, default in kind.plan:
        text = raw.get(name)
        if not text:
            if must_have_value:
                values[name] = None
                row.failed = (row.failed or set()) | {name}
                problems.row(row, name, "a value is required")
            else:
                values[name] = default
        elif max_len is not None:  # plain text: the check inlined, the hot path of big files
            if len(text) > max_len:
                values[name] = None
                row.failed = (row.failed or set()) | {name}
                problems.row(row, name, too_long(text, max_len))
            else:
                values[name] = text
        else:
            try:
                values[name] = parse(text)
            except ValueError as exc:
                values[name] = None
                row.failed = (row.failed or set()) | {name}
                problems.row(row, name, str(exc))
    if kind.check_row is not None:
        kind.check_row(row, problems.row)
    return row


def _key_of(kind: Kind, row: Row):
    if len(kind.key) == 1:
        return row.values[kind.key[0]]
    return tuple(row.values[k] for k in kind.key)


def _key_text(key) -> str:
    if isinstance(key, tuple):
        return "(" + ", ".join(str(k) for k in key) + ")"
    return repr(key)


class _Duplicates:
    """Duplicate keys within one file: a per-batch dict names both lines; across batches the
    compact KeySet finds them, and their first lines are looked up afterwards (error path only)."""

    def __init__(self, kind: Kind, problems: _Problems) -> None:
        self.kind = kind
        self.problems = problems
        self.keys = KeySet()
        self.unresolved: list[tuple[int, object]] = []  # (index in errors, key)
        self.column = ", ".join(kind.key)

    def check(self, rows: list[Row]) -> None:
        keyed = [r for r in rows if r.ok(*self.kind.key)]
        if not keyed:
            return
        first_in_batch: dict[object, int] = {}
        keys = []
        for r in keyed:
            key = _key_of(self.kind, r)
            keys.append(key)
        hashes = hashes_of(keys)
        seen = self.keys.seen(hashes)
        fresh = np.ones(len(keyed), dtype=bool)
        for i, (r, key) in enumerate(zip(keyed, keys, strict=True)):
            if seen[i]:
                r.bad = True
                fresh[i] = False
                index = self.problems.add(
                    r.line, self.column, f"duplicate key {_key_text(key)} (repeats an earlier row)"
                )
                if index is not None:
                    self.unresolved.append((index, key))
            elif key in first_in_batch:
                r.bad = True
                fresh[i] = False
                self.problems.add(
                    r.line,
                    self.column,
                    f"duplicate key {_key_text(key)} (first on line {first_in_batch[key]})",
                )
            else:
                first_in_batch[key] = r.line
        self.keys.add(hashes[fresh])

    def resolve(self, path: Path, result: ImportResult) -> None:
        """Name the first line of each duplicate found across batches (rereads the file)."""
        if not self.unresolved:
            return
        wanted = {key for _, key in self.unresolved}
        first: dict[object, int] = {}
        with open_source(path) as source:
            for line, raw in source.rows():
                row = _parse_row(self.kind, line, raw, _Problems(ImportResult("", ""), 0))
                if not row.ok(*self.kind.key):
                    continue
                key = _key_of(self.kind, row)
                if key in wanted and key not in first:
                    first[key] = line
                    if len(first) == len(wanted):
                        break
        for index, key in self.unresolved:
            problem = result.errors[index]
            if key in first and first[key] != problem.line:
                reason = f"duplicate key {_key_text(key)} (first on line {first[key]})"
                result.errors[index] = replace(problem, reason=reason)


def _batches(source: Source, size: int) -> Iterator[list[tuple[int, dict[str, str]]]]:
    batch: list[tuple[int, dict[str, str]]] = []
    for item in source.rows():
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _header_problems(kind: Kind, source: Source, problems: _Problems) -> None:
    known = set(kind.column_names)
    unknown = [c for c in source.columns if c not in known]
    missing = [c for c in kind.required_columns if c not in source.columns]
    if unknown:
        problems.add(
            1,
            ", ".join(unknown),
            f"unknown column{'s' if len(unknown) > 1 else ''} (a {kind.name} file has "
            f"{', '.join(kind.column_names)})",
        )
    if missing:
        problems.add(
            1, ", ".join(missing), f"required column{'s' if len(missing) > 1 else ''} missing"
        )


def _write(conn: Connection, kind: Kind, rows: list[Row], keep: tuple[str, ...] = ()) -> int:
    kept = [r for r in rows if not r.bad and not r.skip]
    if not kept:
        return 0
    columns = list(kept[0].values)
    if "flags" in kind.table.c:
        records = [
            (*r.values.values(), ",".join(f for f in FLAG_ORDER if f in r.flags) if r.flags else "")
            for r in kept
        ]
        columns.append("flags")
    else:
        records = [tuple(r.values.values()) for r in kept]
    bulk_upsert(conn, kind.table, columns, records, key=kind.key, update=kind.update, keep=keep)
    return len(records)


OWNER_COLUMN = "source_dept"


def _check_owner(conn: Connection, kind: Kind, rows: list[Row], owner: str, report) -> None:
    """Rows whose key another department owns (one SELECT on the key's first column)."""
    if not rows:
        return
    first = kind.key[0]
    cols = [kind.table.c[k] for k in kind.key]
    values = list({r.values[first] for r in rows})
    stored = {
        tuple(found[:-1]): found[-1]
        for found in conn.execute(
            select(*cols, kind.table.c[OWNER_COLUMN]).where(
                in_values(conn, kind.table.c[first], values)
            )
        ).all()
    }
    for r in rows:
        key = tuple(r.values[k] for k in kind.key)
        holder = stored.get(key)
        if holder is not None and holder != owner:
            report(r, first,
                   f"{'/'.join(map(str, key))} belongs to {holder}: a delivery of {owner} may "
                   "not change it")  # fmt: skip


SQLITE_CACHE_KIB = 131_072


def _tune(conn: Connection) -> None:
    """A bigger page cache for the import's connection: index inserts of a long file otherwise
    thrash SQLite's default 2 MB cache and slow down as the table grows. Bounded (128 MB)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        conn.commit()


def import_file(
    engine: Engine,
    kind: str,
    path: str | Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    name: str | None = None,
    batch_rows: int = BATCH_ROWS,
    max_problems: int = MAX_PROBLEMS,
    owner: str | None = None,
    imported_by: str | None = None,
) -> ImportResult:
    """Validate and import one file of one kind as one transaction; see the module docstring.

    `name` is how messages name the file (default: the path as given). With `owner` (a
    department's delivery) a row whose key is stored with another department's source_dept is a
    line error naming that department: a delivery may add rows and change its own, never
    another department's. The command line (administrators) passes no owner. `imported_by` is
    recorded in import_run with the file (who changed which rows). Raises ValueError for an
    unknown kind; database connection errors propagate (sqlalchemy.exc.OperationalError), and
    DatabaseBusy when another writer holds the database (nothing of the file was written)."""
    try:
        return _import_file(engine, kind, path, dry_run=dry_run, progress=progress, name=name,
                            batch_rows=batch_rows, max_problems=max_problems, owner=owner,
                            imported_by=imported_by)  # fmt: skip
    except OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusy(str(exc.orig or exc)) from exc
        raise


def _import_file(
    engine: Engine,
    kind: str,
    path: str | Path,
    *,
    dry_run: bool,
    progress: Progress | None,
    name: str | None,
    batch_rows: int,
    max_problems: int,
    owner: str | None,
    imported_by: str | None,
) -> ImportResult:
    spec = kind_spec(kind)
    path = Path(path)
    result = ImportResult(file=name or str(path), kind=kind, dry_run=dry_run)
    problems = _Problems(result, max_problems)
    started_at = _now_local()
    t0 = time.perf_counter()
    ensure_schema(engine)
    try:
        source = open_source(path)
    except (ReadError, OSError) as exc:
        problems.add(getattr(exc, "line", None), None, getattr(exc, "reason", str(exc)))
        return result
    result.encoding = source.encoding
    duplicates = _Duplicates(spec, problems)
    with source, engine.connect() as conn:
        _header_problems(spec, source, problems)
        if not result.ok:
            return result
        # optional columns the file does not carry: new rows take the default, stored rows keep
        # what they have (a partial file changes only what it carries)
        absent = tuple(c for c in spec.column_names if c not in set(source.columns or ()))
        _tune(conn)
        trans = conn.begin()
        gc_was_enabled = gc.isenabled()
        gc.disable()  # rows hold no reference cycles; collections only slow big files down
        try:
            for batch in _batches(source, batch_rows):
                for line, reason in source.problems:
                    problems.add(line, None, reason)
                source.problems.clear()
                rows = [_parse_row(spec, line, raw, problems) for line, raw in batch]
                result.rows_read += len(rows)
                duplicates.check(rows)
                if spec.check_batch is not None:
                    spec.check_batch(conn, [r for r in rows if not r.bad], problems.row)
                if owner is not None and OWNER_COLUMN in spec.column_names:
                    _check_owner(conn, spec, [r for r in rows if not r.bad], owner, problems.row)
                good = [r for r in rows if not r.bad]
                result.rows_valid += len(good)
                result.rows_flagged += sum(1 for r in good if r.flags)
                if not dry_run and result.ok:
                    try:
                        result.rows_written += _write(conn, spec, good, absent)
                    except (IntegrityError, DBAPIError) as exc:
                        if is_busy(exc):
                            raise DatabaseBusy(str(exc.orig or exc)) from exc
                        first = str(exc.orig or exc).strip().splitlines()[0]
                        problems.add(
                            batch[0][0], None, f"the database refused the rows from here: {first}"
                        )
                        break
                if progress is not None:
                    progress(result.rows_read, time.perf_counter() - t0)
            for line, reason in source.problems:
                problems.add(line, None, reason)
        except ReadError as exc:
            problems.add(exc.line, None, exc.reason)
        except BaseException:
            trans.rollback()
            raise
        finally:
            if gc_was_enabled:
                gc.enable()
        if result.ok and not dry_run:
            conn.execute(
                insert(m.ImportRun.__table__).values(
                    kind=kind,
                    file_name=result.file[-400:],
                    started_at=started_at,
                    rows_read=result.rows_read,
                    rows_written=result.rows_written,
                    rows_flagged=result.rows_flagged,
                    imported_by=(imported_by or None) and imported_by[:80],
                )
            )
            trans.commit()
        else:
            trans.rollback()
            if dry_run is False:
                result.rows_written = 0
    if not result.ok:
        duplicates.resolve(path, result)
        result.errors.sort(key=lambda p: p.line or 0)
    result.seconds = time.perf_counter() - t0
    return result
