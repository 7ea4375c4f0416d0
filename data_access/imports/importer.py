"""Import one file of one kind: read, validate and write it as a single transaction.

`import_file` streams the file in chunks (BATCH_ROWS rows) inside one open transaction, the next
chunk read and parsed in a worker thread while the database checks and writes this one
(prefetch.read_ahead). Each chunk is validated column-wise: its cells become a polars frame
(stripped, blank rows dropped, NUL characters refused), every column is parsed by its parser's
vector companion with the parser itself naming each value the companion leaves (parsing.vector),
keys are checked against the file so far (duplicates: polars within the chunk, a compact hash set
across chunks), then the kind's checks run: column-wise for the query log (flags, operators,
subjects: one SELECT ... IN per chunk and column), row by row for the other kinds (their rules tie
columns together; their files are small). The chunk is then written in bulk by its natural key
(bulk_write: one executemany on SQLite, COPY on PostgreSQL). Every problem is collected with its
file, line, column and reason, a chunk's in line order. If there is any problem the transaction is
rolled back: nothing of the file is written (after the first problem the rest of the file is still
validated, so that every bad line is reported, but no longer written). `dry_run` validates
everything and writes nothing. A successful import is recorded in import_run.

Audit rows (the query log: update=False, `Kind.compared`) are never altered: a query_id already
stored must carry the same values and is then left alone. On SQLite the chunk is inserted with
ON CONFLICT DO NOTHING and only when fewer rows went in than were offered are the stored ones
compared; on PostgreSQL the stored ids are looked up first and the new rows COPied straight into
the monthly partitions (schema.partitions), query-log imports one at a time (an advisory lock).
"""

from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from sqlalchemy import Connection, Engine, func, insert, select, table
from sqlalchemy import column as sa_column
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from data_access.clock import city_now
from data_access.engine import DatabaseBusy, is_busy
from data_access.imports.bulk_write import bulk_upsert, bulk_upsert_frame, copy_frame
from data_access.imports.copy_pipeline import ChunkRefused, CopyPipeline
from data_access.imports.keyset import KeySet
from data_access.imports.parsing import PY_WHITESPACE, too_long, vector
from data_access.imports.prefetch import read_ahead
from data_access.imports.readers import NUL_REASON, Chunk, ReadError, Source, open_source
from data_access.imports.validators import (
    FLAG_ORDER,
    IN_CHUNK,
    Col,
    Frame,
    Kind,
    Row,
    in_values,
    kind_spec,
    value_rows,
)
from data_access.queries import anomaly_week_store, query_month_rollup
from data_access.schema import models as m
from data_access.schema.partitions import (
    IMPORT_LOCK,
    driver_of,
    ensure_months,
    is_partitioned,
    list_partitions,
)
from data_access.schema.reference import init_schema, schema_is_current

BATCH_ROWS = 50_000
MAX_PROBLEMS = 1_000
_NO_KEY = object()

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


class _Batch:
    """The problems of one chunk, handed on sorted by line (then by stage and column, as the
    row-by-row importer found them), so that the first MAX_PROBLEMS kept are the first lines."""

    PARSE, ROW, DUPLICATE, DATABASE = range(4)

    def __init__(self) -> None:
        self.items: list[tuple[int, int, int, str | None, str, object]] = []

    def add(self, line: int, stage: int, column: str | None, reason: str,
            key: object = _NO_KEY) -> None:  # fmt: skip
        self.items.append((line, stage, len(self.items), column, reason, key))

    def flush(self, problems: _Problems, duplicates: _Duplicates) -> None:
        self.items.sort(key=lambda item: item[:3])
        for line, _stage, _n, column, reason, key in self.items:
            index = problems.add(line, column, reason)
            if index is not None and key is not _NO_KEY:
                duplicates.unresolved.append((index, key))
        self.items.clear()


def _frame(chunk: Chunk, columns: list[str], batch: _Batch) -> tuple[pl.DataFrame, np.ndarray]:
    """A chunk's cells as a frame of stripped strings, without blank rows (only separators or
    whitespace) and without rows holding a NUL character (each a problem)."""
    lines = np.asarray(chunk.lines, dtype=np.int64)
    frame = pl.DataFrame(chunk.rows, schema={c: pl.String for c in columns}, orient="row")
    nul = frame.select(
        pl.any_horizontal(pl.all().str.contains("\x00", literal=True))
    ).to_series().to_numpy()  # fmt: skip
    frame = frame.with_columns(pl.all().str.strip_chars(PY_WHITESPACE))
    blank = frame.select(pl.all_horizontal(pl.all() == "")).to_series().to_numpy()
    for i in np.flatnonzero(nul & ~blank):
        batch.add(int(lines[i]), _Batch.PARSE, None, NUL_REASON)
    keep = ~(nul | blank)
    if not keep.all():
        frame = frame.filter(pl.Series(keep))
        lines = lines[keep]
    return frame, lines


def _parse_column(col: Col, raw: pl.Series | None, n: int, frame: Frame, batch: _Batch) -> None:
    """Parse one column of the chunk into frame.values[col.name] (see parsing.vector)."""
    if raw is None:  # an optional column the file does not carry
        raw = pl.Series(col.name, [""] * n, dtype=pl.String)
    empty = (raw == "").to_numpy()
    given = np.flatnonzero(~empty)
    companion = vector(col.parse) if col.parse is not None else None
    parsed: pl.Series | None = None
    declined = np.arange(len(given))
    if companion is not None:
        parsed = companion(raw.gather(given))
        declined = np.flatnonzero(parsed.is_null().to_numpy())
    fallback: dict[int, Any] = {}
    failed: list[int] = []
    lines = frame.lines
    texts = raw.gather(given[declined]).to_list() if len(declined) else []
    max_len = getattr(col.parse, "max_len", None)
    for i, text in zip(given[declined].tolist(), texts, strict=True):
        if max_len is not None and len(text) > max_len:
            failed.append(i)
            batch.add(int(lines[i]), _Batch.PARSE, col.name, too_long(text, max_len))
            continue
        try:
            fallback[i] = col.parse(text)
        except ValueError as exc:
            failed.append(i)
            batch.add(int(lines[i]), _Batch.PARSE, col.name, str(exc))
    empties = np.flatnonzero(empty)
    if col.must_have_value and len(empties):
        failed.extend(empties.tolist())
        for i in empties.tolist():
            batch.add(int(lines[i]), _Batch.PARSE, col.name, "a value is required")
    if parsed is not None and parsed.dtype != pl.Null:
        values = pl.Series(col.name, [None] * n, dtype=parsed.dtype).scatter(given, parsed)
        if fallback:
            values = values.scatter(list(fallback), pl.Series(list(fallback.values()),
                                                              dtype=parsed.dtype))  # fmt: skip
        if col.default is not None and len(empties) and not col.must_have_value:
            values = values.scatter(empties, col.default)
    else:
        cells: list[Any] = [None] * n
        for i, value in fallback.items():
            cells[i] = value
        if col.default is not None and not col.must_have_value:
            for i in empties.tolist():
                cells[i] = col.default
        values = pl.Series(col.name, cells, strict=False)
    frame.values[col.name] = values.alias(col.name)
    if failed:
        mask = np.zeros(n, dtype=bool)
        mask[failed] = True
        frame.failed[col.name] = mask
        frame.bad |= mask


def _parse(kind: Kind, raw: pl.DataFrame, lines: np.ndarray, batch: _Batch) -> Frame:
    n = raw.height
    frame = Frame(lines, {}, {}, np.zeros(n, dtype=bool))
    present = set(raw.columns)
    for col in kind.columns:
        _parse_column(col, raw.get_column(col.name) if col.name in present else None, n, frame,
                      batch)  # fmt: skip
    return frame


def _parsed_chunks(
    source: Source, kind: Kind, batch_rows: int
) -> Iterator[tuple[Chunk, Frame, list]]:
    """Each chunk of the file read and parsed column-wise, with the problems found so far (run
    ahead of the checks and writes in a worker thread: read_ahead)."""
    for chunk in source.chunks(batch_rows):
        found = _Batch()
        for line, reason in source.problems:
            found.add(line, _Batch.PARSE, None, reason)
        source.problems.clear()
        raw, lines = _frame(chunk, source.columns, found)
        yield chunk, _parse(kind, raw, lines, found), found.items


def _rows(frame: Frame, names: tuple[str, ...]) -> list[Row]:
    """The chunk as Row objects, for the kinds validated row by row after the column-wise parse."""
    columns = [frame.values[name].to_list() for name in names]
    rows = []
    for line, values in zip(frame.lines.tolist(), zip(*columns, strict=True), strict=True):
        rows.append(Row(line, dict(zip(names, values, strict=True))))
    for name, mask in frame.failed.items():
        for i in np.flatnonzero(mask).tolist():
            row = rows[i]
            row.failed = (row.failed or set()) | {name}
            row.bad = True
    return rows


def _key_text(key) -> str:
    if isinstance(key, tuple):
        return "(" + ", ".join(str(k) for k in key) + ")"
    return repr(key)


class _Duplicates:
    """Duplicate keys within one file: within a chunk polars names both lines; across chunks the
    compact KeySet finds them, and their first lines are looked up afterwards (error path only)."""

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        self.keys = KeySet()
        self.unresolved: list[tuple[int, object]] = []  # (index in errors, key)
        self.column = ", ".join(kind.key)

    def _keyed(self, frame: Frame) -> tuple[np.ndarray, pl.DataFrame]:
        ok = frame.ok(*self.kind.key)
        index = np.flatnonzero(ok)
        keys = pl.DataFrame([frame.values[k] for k in self.kind.key]).filter(pl.Series(ok))
        return index, keys

    def _python_key(self, keys: pl.DataFrame, i: int) -> object:
        row = keys.row(i)
        return row[0] if len(row) == 1 else tuple(row)

    def check(self, frame: Frame, batch: _Batch) -> None:
        index, keys = self._keyed(frame)
        if not len(index):
            return
        hashed = keys.select(pl.struct(pl.all()).hash(seed=0)).to_series()
        hashes = hashed.to_numpy().view(np.int64)
        seen = self.keys.seen(hashes)
        first = keys.select(pl.struct(pl.all()).is_first_distinct()).to_series().to_numpy()
        repeated = np.flatnonzero(seen | ~first)
        if len(repeated):
            lines = frame.lines[index]
            first_line: dict[object, int] = {}
            wanted = {self._python_key(keys, j) for j in repeated.tolist() if not seen[j]}
            if wanted:
                for j in np.flatnonzero(first).tolist():
                    key = self._python_key(keys, j)
                    if key in wanted:
                        first_line[key] = int(lines[j])
            for j in repeated.tolist():
                key = self._python_key(keys, j)
                frame.bad[index[j]] = True
                if seen[j]:
                    batch.add(int(lines[j]), _Batch.DUPLICATE, self.column,
                              f"duplicate key {_key_text(key)} (repeats an earlier row)", key)  # fmt: skip
                else:
                    batch.add(int(lines[j]), _Batch.DUPLICATE, self.column,
                              f"duplicate key {_key_text(key)} (first on line {first_line[key]})")  # fmt: skip
        self.keys.add(hashes[first & ~seen])

    def resolve(self, path: Path, result: ImportResult, batch_rows: int) -> None:
        """Name the first line of each duplicate found across chunks (rereads the file)."""
        if not self.unresolved:
            return
        wanted = {key for _, key in self.unresolved}
        first: dict[object, int] = {}
        key_columns = [c for c in self.kind.columns if c.name in self.kind.key]
        with open_source(path) as source:
            for chunk in source.chunks(batch_rows):
                raw, lines = _frame(chunk, source.columns, _Batch())
                frame = Frame(lines, {}, {}, np.zeros(raw.height, dtype=bool))
                for col in key_columns:
                    _parse_column(col, raw.get_column(col.name), raw.height, frame, _Batch())
                index, keys = self._keyed(frame)
                for j in range(len(index)):
                    key = self._python_key(keys, j)
                    if key in wanted and key not in first:
                        first[key] = int(lines[index[j]])
                if len(first) == len(wanted):
                    break
        for index_in_errors, key in self.unresolved:
            problem = result.errors[index_in_errors]
            if key in first and first[key] != problem.line:
                reason = f"duplicate key {_key_text(key)} (first on line {first[key]})"
                result.errors[index_in_errors] = replace(problem, reason=reason)


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


def _good_rows(kind: Kind, frame: Frame, months: set[dt.date]) -> pl.DataFrame | None:
    """The chunk's rows to write (None when none is), as the table's columns. For a partitioned
    kind the months of those rows are added to `months` (their partitions are needed, and the
    stored rollups of those months are forgotten before the import commits)."""
    keep = ~frame.bad
    if frame.skip is not None:
        keep &= ~frame.skip
    if not keep.any():
        return None
    if kind.partition_by is not None:
        touched = frame.values[kind.partition_by].filter(pl.Series(keep)).dt.truncate("1mo")
        months.update(d.date() for d in touched.unique().to_list() if d is not None)
    series = [frame.values[c.name] for c in kind.columns]
    if frame.flags is not None and "flags" in kind.table.c:
        series.append(frame.flags)
    rows = pl.DataFrame(series)
    return rows if keep.all() else rows.filter(pl.Series(keep))


def _write_frame(
    conn: Connection,
    kind: Kind,
    frame: Frame,
    copying: bool,
    months: set[dt.date],
    written_months: set[dt.date],
) -> int:
    """Write the chunk's good rows column-wise; the rows inserted or updated. `copying`: the
    keys are known to be new (checked against the database and the file), COPY them, into the
    monthly partitions they need (made here when missing; `months`: those already ensured).
    `written_months` collects the months of a partitioned kind's rows."""
    touched: set[dt.date] = set()
    rows = _good_rows(kind, frame, touched)
    if rows is None:
        return 0
    written_months |= touched
    if copying:
        ensure_months(driver_of(conn), touched, months)
        return copy_frame(conn, kind.table, rows)
    return bulk_upsert_frame(conn, kind.table, rows, key=kind.key, update=kind.update)


def _refused(exc: Exception, line: int, problems: _Problems) -> None:
    """The database refused a chunk's rows: a problem at its first line (DatabaseBusy when
    another writer held the database). A COPY's error comes from the driver itself."""
    cause = exc.error if isinstance(exc, ChunkRefused) else exc
    if not isinstance(cause, DBAPIError) and not _driver_error(cause):
        raise cause
    if is_busy(cause):
        raise DatabaseBusy(str(getattr(cause, "orig", None) or cause)) from exc
    first = str(getattr(cause, "orig", None) or cause).strip().splitlines()[0]
    problems.add(line, None, f"the database refused the rows from here: {first}")


def _driver_error(exc: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a requirement
        return False
    return isinstance(exc, psycopg.Error)


def _check_stored(conn: Connection, kind: Kind, frame: Frame, batch: _Batch) -> None:
    """update=False kinds (audit rows): a key already stored must carry the same values (then
    there is nothing to write, the row is `skip`), else the row is refused. After a write it
    compares rows just written too, which agree with themselves."""
    (key,) = kind.key
    live = np.flatnonzero(~frame.bad)
    if not len(live):
        return
    ids = frame.values[key].gather(live).to_list()
    position = dict(zip(ids, live.tolist(), strict=True))
    frame.skip = np.zeros(frame.height, dtype=bool)
    for source in _stored_in(conn, kind, ids):
        _compare_stored(conn, kind, source, ids, position, frame, batch)


def _stored_in(conn: Connection, kind: Kind, ids: list[str]) -> list[Any]:
    """Where rows with these keys may be stored: the table, or on PostgreSQL the partitions
    holding a key between the least and the greatest of them (in the database's own order: one
    index probe each). Without this every id would be probed in every month's partition."""
    if kind.partition_by is None or conn.dialect.name != "postgresql":
        return [kind.table]
    pg = driver_of(conn)
    if not is_partitioned(pg):
        return [kind.table]
    (key,) = kind.key
    column = kind.table.c[key]
    wanted = value_rows(conn, column, ids)
    low, high = conn.execute(select(func.min(wanted), func.max(wanted))).one()
    found = []
    for part in list_partitions(pg, counts=False):
        stored = table(part.name, *(sa_column(c.name, c.type) for c in kind.table.c))
        probe = select(stored.c[key]).where(stored.c[key].between(low, high)).limit(1)
        if conn.execute(probe).first() is not None:
            found.append(stored)
    return found


def _compare_stored(conn: Connection, kind: Kind, table: Any, ids: list[str],
                    position: dict[str, int], frame: Frame, batch: _Batch) -> None:  # fmt: skip
    (key,) = kind.key
    assert frame.skip is not None
    stored_cols = [table.c[c] for c in kind.compared]
    for i in range(0, len(ids), IN_CHUNK):
        stmt = select(table.c[key], *stored_cols).where(
            in_values(conn, table.c[key], ids[i : i + IN_CHUNK])
        )
        found = conn.execute(stmt).all()
        if not found:
            continue
        rows = np.fromiter((position[stored[0]] for stored in found), np.int64, len(found))
        stored = pl.DataFrame(
            [list(column) for column in zip(*found, strict=True)][1:],
            schema={c: frame.values[c].dtype for c in kind.compared},
            orient="col",
        )
        mine = pl.DataFrame([frame.values[c].gather(rows) for c in kind.compared])
        differs = stored.select(
            pl.col(c).ne_missing(mine.get_column(c)).alias(c) for c in kind.compared
        )
        changed = differs.select(pl.any_horizontal(pl.all())).to_series().to_numpy()
        frame.skip[rows[~changed]] = True
        for n in np.flatnonzero(changed).tolist():
            differing = [c for c, d in zip(kind.compared, differs.row(n), strict=True) if d]
            row = int(rows[n])
            frame.bad[row] = True
            batch.add(int(frame.lines[row]), _Batch.DATABASE, key,
                      f"query {found[n][0]!r} is already in the database with a different "
                      f"{', '.join(differing)}; an audit row is never altered")  # fmt: skip


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
    started_at = city_now()
    t0 = time.perf_counter()
    ensure_schema(engine)
    try:
        source = open_source(path)
    except (ReadError, OSError) as exc:
        problems.add(getattr(exc, "line", None), None, getattr(exc, "reason", str(exc)))
        return result
    result.encoding = source.encoding
    duplicates = _Duplicates(spec)
    batch = _Batch()
    names = spec.column_names
    with source, engine.connect() as conn:
        _header_problems(spec, source, problems)
        if not result.ok:
            return result
        # optional columns the file does not carry: new rows take the default, stored rows keep
        # what they have (a partial file changes only what it carries)
        absent = tuple(c for c in spec.column_names if c not in set(source.columns or ()))
        _tune(conn)
        # audit rows on PostgreSQL: stored keys looked up first, then COPY straight into the
        # table (elsewhere: INSERT ... ON CONFLICT DO NOTHING, stored keys compared afterwards)
        copying = bool(spec.compared) and conn.dialect.driver == "psycopg"
        months: set[dt.date] = set()  # partitions ensured (PostgreSQL's query_log)
        written_months: set[dt.date] = set()  # months of the query-log rows written
        trans = conn.begin()
        pipeline: CopyPipeline | None = None
        checks = conn  # where the chunks are checked
        if copying and not dry_run:
            # one query-log import at a time: the keys it finds new stay new until it commits
            # (a partitioned query_log has no unique key on query_id alone: schema.partitions)
            conn.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK)))
            # the next chunk checked on a second connection while this one is COPied
            pipeline = CopyPipeline(engine, conn, spec.table)
            checks = pipeline.checks
        committed = False
        gc_was_enabled = gc.isenabled()
        gc.disable()  # rows hold no reference cycles; collections only slow big files down

        def report_frame(frame: Frame, rows: np.ndarray, column: str, reasons: list[str]) -> None:
            for i, reason in zip(rows.tolist(), reasons, strict=True):
                frame.bad[i] = True
                batch.add(int(frame.lines[i]), _Batch.DATABASE, column, reason)

        def report_row(stage: int):
            def report(row: Row, column: str | None, reason: str) -> None:
                row.bad = True
                batch.add(row.line, stage, column, reason)

            return report

        parsed = read_ahead(_parsed_chunks(source, spec, batch_rows))
        try:
            for chunk, frame, found in parsed:
                batch.items.extend(found)
                result.rows_read += frame.height
                duplicates.check(frame, batch)
                writing = not dry_run and result.ok
                if spec.check_frame is not None:
                    spec.check_frame(checks, frame, report_frame)
                    if spec.compared and (not writing or copying):
                        _check_stored(checks, spec, frame, batch)
                    if pipeline is not None:
                        pipeline.end_checks()
                    good = ~frame.bad
                    result.rows_valid += int(good.sum())
                    if frame.flags is not None:
                        result.rows_flagged += int((frame.flags.to_numpy()[good] != "").sum())
                    rows: list[Row] = []
                else:
                    rows = _rows(frame, names)
                    if spec.check_row is not None:
                        report = report_row(_Batch.ROW)
                        for row in rows:
                            spec.check_row(row, report)
                    if spec.check_batch is not None:
                        spec.check_batch(conn, [r for r in rows if not r.bad],
                                         report_row(_Batch.DATABASE))  # fmt: skip
                    if owner is not None and OWNER_COLUMN in spec.column_names:
                        _check_owner(conn, spec, [r for r in rows if not r.bad], owner,
                                     report_row(_Batch.DATABASE))  # fmt: skip
                    good_rows = [r for r in rows if not r.bad]
                    result.rows_valid += len(good_rows)
                    result.rows_flagged += sum(1 for r in good_rows if r.flags)
                batch.flush(problems, duplicates)
                if writing and result.ok:
                    try:
                        if pipeline is not None:
                            rows_to_copy = _good_rows(spec, frame, written_months)
                            if rows_to_copy is not None:
                                pipeline.ensure_months(written_months)
                                result.rows_written += pipeline.submit(rows_to_copy, chunk.lines[0])
                        elif spec.check_frame is not None:
                            written = _write_frame(
                                conn, spec, frame, copying, months, written_months
                            )
                            valid = int((~frame.bad).sum())
                            if spec.compared and written < valid:
                                _check_stored(conn, spec, frame, batch)  # some were stored
                                batch.flush(problems, duplicates)
                                result.rows_valid -= valid - int((~frame.bad).sum())
                            result.rows_written += written
                        else:
                            result.rows_written += _write(conn, spec, good_rows, absent)
                    except ChunkRefused as exc:  # the chunk written while this was checked
                        _refused(exc, exc.line, problems)
                        break
                    except (IntegrityError, DBAPIError) as exc:
                        _refused(exc, chunk.lines[0], problems)
                        break
                if progress is not None:
                    progress(result.rows_read, time.perf_counter() - t0)
            if pipeline is not None:
                try:
                    result.rows_written += pipeline.wait()  # the last chunk
                except ChunkRefused as exc:
                    _refused(exc, exc.line, problems)
            for line, reason in source.problems:
                problems.add(line, None, reason)
        except ReadError as exc:
            batch.flush(problems, duplicates)
            problems.add(exc.line, None, exc.reason)
        except BaseException:
            if pipeline is not None:
                pipeline.stop()
            trans.rollback()
            if pipeline is not None:
                pipeline.close(committed=False)
            raise
        finally:
            parsed.close()  # the worker stopped before the file is closed, whatever happened
            if gc_was_enabled:
                gc.enable()
        if pipeline is not None:
            pipeline.stop()  # every COPY finished (a refused one, or one after a problem)
        try:
            if result.ok and not dry_run:
                # the stored monthly figures of the months these lookups fall in are now wrong
                query_month_rollup.forget_months(conn, written_months)
                anomaly_week_store.forget_months(conn, written_months)  # the detector's look-back
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
                committed = True
            else:
                trans.rollback()
                if dry_run is False:
                    result.rows_written = 0
        finally:  # the second connection closed even when the commit fails
            if pipeline is not None:
                if trans.is_active:  # its locks released before close drops partitions
                    trans.rollback()
                pipeline.close(committed)
    if not result.ok:
        duplicates.resolve(path, result, batch_rows)
        result.errors.sort(key=lambda p: p.line or 0)
    result.seconds = time.perf_counter() - t0
    return result
