"""The query log's monthly partitions on PostgreSQL (data_access.schema.partitions): made by
imports for the months they touch, rows of a month without its partition kept in the default one
and moved when it comes, idempotent re-imports without a unique key on query_id alone, the
retention rule's archive-and-detach from the command line; SQLite keeps one table."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from data_access.__main__ import main
from data_access.engine import get_engine
from data_access.imports.importer import import_file
from data_access.schema import models as m
from data_access.schema import partitions as qp
from tests.test_imports import OPERATORS, P1, P2, PERSONS, QUERY_HEADER, write_csv


@pytest.fixture
def pg(pg_database_url, tmp_path):
    """An empty schema on PostgreSQL with persons and operators."""
    from tests.conftest import _fresh

    engine = _fresh(get_engine(pg_database_url))
    for kind, rows in (("persons", PERSONS), ("operators", OPERATORS)):
        assert import_file(engine, kind, write_csv(tmp_path / f"{kind}.csv", rows)).ok
    return engine


def _months(engine) -> list[str]:
    with engine.connect() as conn:
        return [
            f"{p.month:%Y-%m}" if p.month else "default"
            for p in qp.list_partitions(qp.driver_of(conn))
        ]


def _rows_per_partition(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {p.name: p.rows or 0 for p in qp.list_partitions(qp.driver_of(conn))}


def _log(path: Path, times: list[str], prefix: str = "Q") -> Path:
    rows = [QUERY_HEADER] + [
        [f"{prefix}{i}", at, "OP1", P1, "EMPLOYMENT", f"A-{i}", "WEB", ""]
        for i, at in enumerate(times)
    ]
    return write_csv(path, rows)


@pytest.mark.postgres
def test_a_fresh_postgresql_query_log_is_partitioned_with_a_default(pg):
    with pg.connect() as conn:
        assert qp.is_partitioned(qp.driver_of(conn))
    assert _months(pg) == ["default"]


@pytest.mark.postgres
def test_an_import_makes_the_partitions_of_its_months_and_reads_across_them(pg, tmp_path):
    times = ["2025-12-31T23:59:59.999999", "2026-01-01T00:00:00", "2026-03-15 12:00:00"]
    result = import_file(pg, "query-log", _log(tmp_path / "q.csv", times))
    assert result.ok and result.rows_written == 3, result.errors
    assert _months(pg) == ["2025-12", "2026-01", "2026-03", "default"]
    counts = _rows_per_partition(pg)
    assert counts["query_log_y2025m12"] == counts["query_log_y2026m01"] == 1
    assert counts["query_log_default"] == 0
    with pg.connect() as conn:  # the parent reads every partition, as the pages and detector do
        got = conn.execute(select(m.QueryLog.query_id).order_by(m.QueryLog.queried_at)).scalars()
        assert list(got) == ["Q0", "Q1", "Q2"]


@pytest.mark.postgres
def test_a_reimport_never_duplicates_a_lookup_across_partitions(pg, tmp_path):
    path = _log(tmp_path / "q.csv", ["2026-01-10T09:00:00", "2026-02-10T09:00:00"])
    assert import_file(pg, "query-log", path).ok
    again = import_file(pg, "query-log", path)
    assert again.ok and again.rows_written == 0
    # the same query_id at another time would land in another partition: refused, not stored
    moved = _log(tmp_path / "moved.csv", ["2026-03-10T09:00:00"])
    result = import_file(pg, "query-log", moved)
    assert [(p.line, p.column) for p in result.errors] == [(2, "query_id")]
    assert "different queried_at" in result.errors[0].reason
    with pg.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.QueryLog)) == 2
    assert "2026-03" not in _months(pg)  # nothing of the refused file, not even its partition


@pytest.mark.postgres
def test_rows_of_a_month_without_partition_wait_in_the_default_and_move(pg, tmp_path):
    when = dt.datetime(2026, 4, 2, 8, 30)
    with pg.begin() as conn:  # a writer that does not make partitions (a dashboard lookup)
        conn.execute(insert(m.QueryLog), [{
            "query_id": "DASH-1", "queried_at": when, "operator_id": "OP1",
            "subject_id_number": P2, "channel": "DASHBOARD", "flags": "",
        }])  # fmt: skip
    assert _rows_per_partition(pg)["query_log_default"] == 1
    assert import_file(pg, "query-log", _log(tmp_path / "q.csv", ["2026-04-03T10:00:00"])).ok
    counts = _rows_per_partition(pg)
    assert (counts["query_log_default"], counts["query_log_y2026m04"]) == (0, 2)


@pytest.mark.postgres
def test_archive_writes_the_import_format_then_detaches(pg, pg_database_url, tmp_path, capsys):
    old = ["2020-01-05T09:00:00", "2020-01-06T10:00:00.5", "2020-02-01T00:00:00"]
    recent = [f"{dt.date.today():%Y-%m}-01T08:00:00"]
    assert import_file(pg, "query-log", _log(tmp_path / "q.csv", old + recent)).ok
    out = tmp_path / "archive"
    # a month within the retention period is never archived
    assert main(["--db", pg_database_url, "querylog", "archive", "--before",
                 f"{dt.date.today():%Y-%m}", "--to", str(out)]) == 1  # fmt: skip
    assert "within the retention period" in capsys.readouterr().err
    assert main(["--db", pg_database_url, "querylog", "archive", "--before", "2020-02",
                 "--to", str(out)]) == 0  # fmt: skip
    assert "2020-01: 2 rows" in capsys.readouterr().out
    assert "2020-01" not in _months(pg) and "2020-02" in _months(pg)
    with gzip.open(out / "query_log_2020-01.csv.gz", "rt", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [
        QUERY_HEADER,
        ["Q0", "2020-01-05 09:00:00", "OP1", P1, "EMPLOYMENT", "A-0", "WEB", ""],
        ["Q1", "2020-01-06 10:00:00.500000", "OP1", P1, "EMPLOYMENT", "A-1", "WEB", ""],
    ]
    with pg.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.QueryLog)) == 2
    # the archive is an import file: unpacked and imported, the month comes back as it was
    restored = tmp_path / "restored.csv"
    restored.write_bytes(gzip.decompress((out / "query_log_2020-01.csv.gz").read_bytes()))
    result = import_file(pg, "query-log", restored)
    assert result.ok and result.rows_written == 2
    assert "2020-01" in _months(pg)
    assert main(["--db", pg_database_url, "querylog", "partitions"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split()[:3] == ["2020-01", "query_log_y2020m01", "2"]
    assert listing[-1].split()[:2] == ["default", "query_log_default"]


def test_retention_cutoff():
    assert qp.retention_cutoff(dt.date(2026, 12, 2)) == dt.date(2023, 12, 1)
    assert qp.retention_cutoff(dt.date(2026, 1, 31)) == dt.date(2023, 1, 1)


@pytest.mark.parametrize("verb", [["partitions"], ["archive", "--before", "2020-01", "--to", "x"]])
def test_sqlite_has_no_partitions(tmp_path, verb, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--db", f"sqlite:///{tmp_path / 'c.db'}", "querylog", *verb])
    assert stop.value.code == 2
    assert "PostgreSQL only" in capsys.readouterr().err


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def both(request, tmp_path):
    """An empty schema with persons and operators, on each engine."""
    from tests.conftest import _fresh

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'key.db'}"
    else:
        url = request.getfixturevalue("pg_database_url")
    engine = _fresh(get_engine(url))
    for kind, rows in (("persons", PERSONS), ("operators", OPERATORS)):
        assert import_file(engine, kind, write_csv(tmp_path / f"{kind}.csv", rows)).ok
    return engine


def _lookup(query_id: str, operator: str) -> dict:
    return {"query_id": query_id, "queried_at": dt.datetime(2026, 4, 2, 8, 30),
            "operator_id": operator, "subject_id_number": P2, "channel": "DASHBOARD",
            "flags": ""}  # fmt: skip


def test_an_operator_with_lookups_stays(both):
    """A foreign key on SQLite, triggers on operator on PostgreSQL (schema.partitions): an
    operator who has lookups can be neither deleted nor renamed; SQLite also refuses a lookup of
    an unknown operator written by hand (on PostgreSQL the importer refuses it: no per-row key)."""
    from sqlalchemy import delete, update
    from sqlalchemy.exc import IntegrityError

    with both.begin() as conn:
        conn.execute(insert(m.QueryLog), [_lookup("Q1", "OP1")])
    if both.dialect.name == "sqlite":
        with pytest.raises(IntegrityError), both.begin() as conn:
            conn.execute(insert(m.QueryLog), [_lookup("Q2", "OP2"), _lookup("Q3", "NOBODY")])
    operator = m.Operator.__table__
    with pytest.raises(IntegrityError), both.begin() as conn:  # OP1 has a lookup
        conn.execute(delete(operator).where(operator.c.operator_id == "OP1"))
    with pytest.raises(IntegrityError), both.begin() as conn:
        conn.execute(
            update(operator).where(operator.c.operator_id == "OP1").values(operator_id="OP9")
        )
    if both.dialect.name == "postgresql":
        with pytest.raises(IntegrityError), both.begin() as conn:
            conn.exec_driver_sql("TRUNCATE operator CASCADE")
    with both.begin() as conn:  # an operator without lookups may go, one with them may change
        conn.execute(delete(operator).where(operator.c.operator_id == "OP3"))
        conn.execute(update(operator).where(operator.c.operator_id == "OP1").values(name="改名"))
    with both.connect() as conn:
        assert conn.execute(select(m.QueryLog.query_id, m.QueryLog.operator_id)).all() == [
            ("Q1", "OP1")
        ]
        assert set(conn.scalars(select(operator.c.operator_id))) == {"OP1", "OP2"}


@pytest.mark.postgres
def test_an_import_holds_its_operators_until_it_ends(pg, tmp_path, monkeypatch):
    """While an import writes, its operators are locked as a foreign key would lock them: a
    deletion waits (here: gives up after 0.2 s), and after the import it is refused."""
    from sqlalchemy import delete, text
    from sqlalchemy.exc import IntegrityError, OperationalError

    from data_access.imports import copy_pipeline

    operator = m.Operator.__table__
    outcomes = []
    real = copy_pipeline.copy_frame

    def copy_while_deleting(conn, table, rows):
        with pg.connect() as other:
            other.execute(text("SET lock_timeout = '200ms'"))
            try:
                other.execute(delete(operator).where(operator.c.operator_id == "OP1"))
                outcomes.append("deleted")
            except OperationalError as exc:
                outcomes.append(getattr(exc.orig, "sqlstate", None))
            other.rollback()
        return real(conn, table, rows)

    monkeypatch.setattr(copy_pipeline, "copy_frame", copy_while_deleting)
    result = import_file(pg, "query-log", _log(tmp_path / "q.csv", SPREAD), batch_rows=3)
    assert result.ok and result.rows_written == 8, result.errors
    assert outcomes == ["55P03", "55P03", "55P03"]  # lock_not_available, for every chunk
    with pytest.raises(IntegrityError), pg.begin() as conn:
        conn.execute(delete(operator).where(operator.c.operator_id == "OP1"))


@pytest.mark.postgres
def test_an_earlier_foreign_key_is_replaced_by_the_triggers(pg):
    """A database made with the foreign key: the key goes, the operator's triggers come."""
    from sqlalchemy.exc import IntegrityError

    from data_access.schema.reference import schema_is_current, upgrade_schema

    with pg.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER operator_keeps_lookups ON operator")
        conn.exec_driver_sql("ALTER TABLE query_log ADD FOREIGN KEY (operator_id) "
                             "REFERENCES operator (operator_id)")  # fmt: skip
        conn.execute(insert(m.QueryLog), [_lookup("Q1", "OP1")])
    foreign_keys = ("SELECT count(*) FROM pg_constraint WHERE contype = 'f' "
                    "AND conrelid = 'query_log'::regclass")  # fmt: skip
    assert not schema_is_current(pg)  # so that the next import or start upgrades it
    upgrade_schema(pg)
    assert schema_is_current(pg)
    with pg.connect() as conn:
        assert conn.exec_driver_sql(foreign_keys).scalar() == 0
        assert qp.operator_key(qp.driver_of(conn)) is False  # nothing left to replace
    with pytest.raises(IntegrityError), pg.begin() as conn:  # the trigger is back
        conn.exec_driver_sql("DELETE FROM operator WHERE operator_id = 'OP1'")


def test_known_values_whatever_the_values_hold(both):
    """The importer's `column IN (values)`: on PostgreSQL text goes as one string split by the
    server, unless a value is empty or holds the separator (then as an array): same answers."""
    from data_access.imports.validators import known_values

    column = m.Operator.__table__.c.operator_id
    with both.connect() as conn:
        assert known_values(conn, column, ["OP1", "OP3", "NOBODY"]) == {"OP1", "OP3"}
        assert known_values(conn, column, ["OP1", "OP1\x1fOP2", "", "OP3"]) == {"OP1", "OP3"}
        assert known_values(conn, column, []) == set()


SPREAD = [f"2026-{month:02d}-{day:02d}T09:00:00" for month in (1, 2, 3, 4) for day in (3, 20)]


@pytest.mark.postgres
def test_chunks_checked_beside_the_copy_land_in_their_months(pg, tmp_path):
    """Small chunks: each chunk's checks run on the second connection while the previous chunk
    is COPied, its months' partitions made (and committed) there first (copy_pipeline)."""
    result = import_file(pg, "query-log", _log(tmp_path / "q.csv", SPREAD), batch_rows=3)
    assert result.ok and result.rows_written == 8, result.errors
    counts = _rows_per_partition(pg)
    assert counts["query_log_default"] == 0
    assert [counts[f"query_log_y2026m{m:02d}"] for m in (1, 2, 3, 4)] == [2, 2, 2, 2]
    again = import_file(pg, "query-log", _log(tmp_path / "q.csv", SPREAD), batch_rows=3)
    assert again.ok and again.rows_written == 0  # ids stored in committed partitions found


@pytest.mark.postgres
def test_a_file_refused_late_leaves_no_month_behind(pg, tmp_path):
    assert import_file(pg, "query-log", _log(tmp_path / "jan.csv", SPREAD[:1], "J")).ok
    rows = [QUERY_HEADER] + [
        [f"Q{i}", at, "OP1", P1, "EMPLOYMENT", f"A-{i}", "WEB", ""] for i, at in enumerate(SPREAD)
    ]
    rows[-1][2] = "NOBODY"  # line 9, in the third chunk: the first two are being written
    result = import_file(pg, "query-log", write_csv(tmp_path / "q.csv", rows), batch_rows=3)
    assert [(p.line, p.column) for p in result.errors] == [(9, "operator_id")]
    assert result.rows_written == 0
    assert _months(pg) == ["2026-01", "default"]  # the months it made are gone, January stays
    with pg.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.QueryLog)) == 1


@pytest.mark.postgres
def test_a_copy_the_database_refuses_is_named_by_its_chunk(pg, tmp_path, monkeypatch):
    """A COPY refused while the next chunk is checked (a key stored meanwhile by a writer that
    took no lock): a problem at that chunk's first line, nothing of the file written."""
    import psycopg

    from data_access.imports import copy_pipeline

    calls = []
    real = copy_pipeline.copy_frame

    def second_refused(conn, table, rows):
        calls.append(rows.height)
        if len(calls) == 2:
            raise psycopg.errors.UniqueViolation('duplicate key value violates "query_log_pkey"')
        return real(conn, table, rows)

    monkeypatch.setattr(copy_pipeline, "copy_frame", second_refused)
    result = import_file(pg, "query-log", _log(tmp_path / "q.csv", SPREAD), batch_rows=3)
    assert [(p.line, p.column) for p in result.errors] == [(5, None)]
    assert result.errors[0].reason.startswith("the database refused the rows from here: dup")
    assert result.rows_written == 0 and calls == [3, 3]  # nothing written after the refusal
    assert _months(pg) == ["default"]
    with pg.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.QueryLog)) == 0


@pytest.mark.postgres
def test_a_failure_after_the_last_copy_rolls_back_without_hanging(pg, tmp_path, monkeypatch):
    """The import fails after its rows are written (here: forgetting the months' rollups): its
    transaction ends before the months it made are dropped (they wait for its locks), no hang."""
    import threading

    from data_access.imports import importer

    def broken(conn, months):
        raise RuntimeError("rollup store unavailable")

    monkeypatch.setattr(importer.query_month_rollup, "forget_months", broken)
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            import_file(pg, "query-log", _log(tmp_path / "q.csv", SPREAD), batch_rows=3)
        except BaseException as exc:  # the outcome is what is asserted
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "the import hung"
    assert [str(e) for e in outcome] == ["rollup store unavailable"]
    assert _months(pg) == ["default"]
    with pg.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.QueryLog)) == 0
