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
