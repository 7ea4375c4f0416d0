"""Imports of big files, column-wise (importer chunks, parsing's vector companions): a careless
clerk's files across chunk boundaries on both engines, and the companions agreeing with the
parsers they stand in for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from data_access.id_number import is_valid_id_number, make_id_number
from data_access.imports import parsing
from data_access.imports.importer import import_file
from data_access.schema import models as m
from tests.test_imports import OPERATORS, P1, P2, PERSONS, QUERY_HEADER, STRANGER, write_csv

CHUNK = 1_000  # small chunks: a few thousand rows cross several boundaries
ROWS = 3_500


def _lookup(i: int, subject: str = P1) -> str:
    return f"Q{i:07d},2026-03-01T09:{i % 60:02d}:00,OP{1 + i % 3},{subject},EMPLOYMENT,A-{i},WEB,T1"


def _log(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([",".join(QUERY_HEADER), *lines]) + "\n", encoding="utf-8")
    return path


def _counts(engine) -> tuple[int, int]:
    with engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(m.QueryLog)),
            conn.scalar(select(func.count()).select_from(m.ImportRun)),
        )


@pytest.fixture
def people(engine, tmp_path):
    for kind, rows in (("persons", PERSONS), ("operators", OPERATORS)):
        assert import_file(engine, kind, write_csv(tmp_path / f"{kind}.csv", rows)).ok
    return engine


def test_a_big_log_is_written_whole_then_reimported_as_nothing(people, tmp_path):
    lines = [_lookup(i, STRANGER if i % 7 == 0 else P1) for i in range(ROWS)]
    path = _log(tmp_path / "q.csv", lines)
    result = import_file(people, "query-log", path, batch_rows=CHUNK)
    assert result.ok, result.errors[:3]
    assert (result.rows_read, result.rows_written, result.rows_flagged) == (ROWS, ROWS, 500)
    assert _counts(people) == (ROWS, 3)
    again = import_file(people, "query-log", path, batch_rows=CHUNK)
    assert again.ok and (again.rows_read, again.rows_written) == (ROWS, 0)
    assert _counts(people) == (ROWS, 4)
    with people.connect() as conn:
        flagged = conn.scalar(select(func.count()).where(m.QueryLog.flags == "unknown_subject"))
    assert flagged == 500


def test_a_bad_line_at_the_end_names_itself_and_writes_nothing(people, tmp_path):
    lines = [_lookup(i) for i in range(ROWS)]
    lines[-1] = lines[-1].replace("2026-03-01T09", "2026-02-30T09")  # the last chunk, last line
    result = import_file(people, "query-log", _log(tmp_path / "q.csv", lines), batch_rows=CHUNK)
    assert [(p.line, p.column) for p in result.errors] == [(ROWS + 1, "queried_at")]
    assert "'2026-02-30T09:19:00' is not an ISO 8601 date and time" in str(result.errors[0])
    assert result.rows_written == 0 and _counts(people) == (0, 2)


def test_a_partial_file_names_its_cut_line(people, tmp_path):
    lines = [_lookup(i) for i in range(ROWS)]
    lines[-1] = lines[-1][:25]  # the transfer stopped mid-line
    result = import_file(people, "query-log", _log(tmp_path / "q.csv", lines), batch_rows=CHUNK)
    assert [(p.line, p.reason) for p in result.errors] == [
        (ROWS + 1, "the row has 2 values but the header has 8 columns")
    ]
    assert _counts(people) == (0, 2)


def test_duplicate_ids_within_and_across_chunks_name_both_lines(people, tmp_path):
    lines = [_lookup(i) for i in range(ROWS)]
    lines[10] = _lookup(3)  # the same chunk: line 12 repeats line 5
    lines[2_500] = _lookup(1_200)  # another chunk: line 2502 repeats line 1202
    result = import_file(people, "query-log", _log(tmp_path / "q.csv", lines), batch_rows=CHUNK)
    assert [str(p).split(": ", 1)[1] for p in result.errors] == [
        "query_id: duplicate key 'Q0000003' (first on line 5)",
        "query_id: duplicate key 'Q0001200' (first on line 1202)",
    ]
    assert [p.line for p in result.errors] == [12, 2_502]
    assert _counts(people) == (0, 2)


def test_a_changed_stored_row_deep_in_a_reimport_is_refused(people, tmp_path):
    lines = [_lookup(i) for i in range(ROWS)]
    assert import_file(people, "query-log", _log(tmp_path / "q.csv", lines), batch_rows=CHUNK).ok
    lines[3_000] = lines[3_000].replace(P1, P2)
    lines.append(_lookup(ROWS))  # and one new row, which must not be written either
    result = import_file(people, "query-log", _log(tmp_path / "q2.csv", lines), batch_rows=CHUNK)
    assert [(p.line, p.column, p.reason) for p in result.errors] == [
        (
            3_002,
            "query_id",
            "query 'Q0003000' is already in the database with a different "
            "subject_id_number; an audit row is never altered",
        )  # fmt: skip
    ]
    assert _counts(people) == (ROWS, 3)


def test_every_bad_line_of_many_chunks_is_counted_and_the_first_kept(people, tmp_path):
    lines = [_lookup(i) for i in range(ROWS)]
    for i in range(0, ROWS, 2):
        lines[i] = lines[i].replace(",OP", ",XX", 1)  # unknown operators, every other line
    result = import_file(people, "query-log", _log(tmp_path / "q.csv", lines), batch_rows=CHUNK,
                         max_problems=30)  # fmt: skip
    assert result.problem_count == ROWS // 2
    assert [p.line for p in result.errors] == list(range(2, 62, 2))  # the first lines, in order
    assert _counts(people) == (0, 2)


def test_odd_cells_are_read_as_the_row_by_row_reader_read_them(people, tmp_path):
    unit_sep = "\x1f"  # Python strips it, polars' default whitespace does not
    lines = [
        f" Q1 ,2026-03-01T09:00:00{unit_sep},OP1,{P1.lower()} ,,,WEB,",
        ",,,,,,,",  # only separators: a blank line
        "Q2,2026-03-01 09:00:00,OP1,x,,,\u3000API\u3000,",
        "Q3,2026-03-01T09:00:00,OP1,x,,,WEB,T\x00",
    ]
    result = import_file(people, "query-log", _log(tmp_path / "q.csv", lines))
    assert [(p.line, p.reason) for p in result.errors] == [
        (5, "the row contains a NUL character (0x00): not text")
    ]
    lines.pop()
    result = import_file(people, "query-log", _log(tmp_path / "q.csv", lines))
    assert result.ok and result.rows_read == 2
    with people.connect() as conn:
        stored = conn.execute(
            select(m.QueryLog.query_id, m.QueryLog.subject_id_number, m.QueryLog.channel,
                   m.QueryLog.purpose_code, m.QueryLog.flags).order_by(m.QueryLog.query_id)
        ).all()  # fmt: skip
    assert [tuple(r) for r in stored] == [
        ("Q1", P1, "WEB", None, ""),
        ("Q2", "x", "API", None, "invalid_id"),
    ]


# --------------------------------------------------------------------------- the companions

ID_CHARS = st.sampled_from(list("0123456789Xx ") + ["٣", "²", "\u3000"])


def _ids() -> st.SearchStrategy[str]:
    valid = st.builds(
        make_id_number,
        st.sampled_from(["411602", "110105", "412701", "990000", "001234"]),
        st.dates(dt.date(1880, 1, 1), dt.date(2030, 12, 31)),
        st.integers(0, 999),
    )
    mangled = st.tuples(valid, st.integers(0, 17), ID_CHARS).map(
        lambda t: t[0][: t[1]] + t[2] + t[0][t[1] + 1 :]
    )
    return st.one_of(valid, mangled, st.text(ID_CHARS, min_size=16, max_size=20))


@settings(max_examples=60, deadline=None)
@given(st.lists(_ids(), min_size=1, max_size=40))
def test_id_numbers_valid_agrees_with_parse_id_number(values):
    verdict = parsing.id_numbers_valid(pl.Series(values, dtype=pl.String)).to_list()
    for value, valid in zip(values, verdict, strict=True):
        if valid is not None:  # None: left to parse_id_number itself
            assert valid == is_valid_id_number(value), value


def _python(parser, value):
    try:
        return parser(value)
    except ValueError:
        return None


TIME_CHARS = st.sampled_from(list("0123456789-:T .+Z"))
TIMES = st.one_of(
    st.datetimes(dt.datetime(1850, 1, 1), dt.datetime(2200, 1, 1)).map(
        lambda d: d.isoformat(sep=" " if d.second % 2 else "T")
    ),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2030, 1, 1)).map(
        lambda d: d.isoformat(timespec="milliseconds")
    ),
    st.text(TIME_CHARS, min_size=10, max_size=26),
    st.sampled_from(
        [
            "2026-02-29T10:00:00",
            "2024-02-29 23:59:59",
            "2026-03-01T24:00:00",
            "2026-03-01T09:20:60",
            "2026-03-01T09:20:00.1234567",
            "2026-03-01T09:20:00+08:00",
            "2026-03-01",
        ]
    ),  # fmt: skip
)


@pytest.mark.parametrize(
    "parser",
    [
        parsing.parse_datetime,
        parsing.not_in_future(parsing.parse_datetime),
        parsing.parse_date,
        parsing.not_in_future(parsing.parse_date),
        parsing.parse_id,
        parsing.text(12),
        parsing.one_of(["WEB", "API"], "channel"),
    ],
    ids=["datetime", "past datetime", "date", "past date", "id", "text", "one_of"],
)
@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.one_of(TIMES, _ids(), st.sampled_from(["WEB", "web", "API "])),
                       min_size=1, max_size=30))  # fmt: skip
def test_a_companion_gives_what_its_parser_gives_or_declines(parser, values):
    values = [v.strip() or "x" for v in values]  # what the importer hands them: stripped, given
    column = parsing.vector(parser)
    assert column is not None
    vectorised = column(pl.Series(values, dtype=pl.String)).to_list()
    for value, fast in zip(values, vectorised, strict=True):
        if fast is not None:
            assert fast == _python(parser, value), value
