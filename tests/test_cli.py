"""`python -m data_access` as a user runs it: exit codes 0 / 1 / 2, never a traceback."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from data_access.id_number import make_id_number

PROJECT = Path(__file__).resolve().parent.parent
P1 = make_id_number("411602", dt.date(1990, 5, 17), 101)
P2 = make_id_number("412723", dt.date(1968, 2, 29), 8)


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "data_access", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_init_then_good_import(db, tmp_path):
    assert run("--db", db, "init").returncode == 0
    assert run("--db", db, "init").returncode == 0  # idempotent
    persons = write_csv(
        tmp_path / "persons.csv",
        [["id_number", "name", "county_code"], [P1, "张伟", "411602"], [P2, "李娜", "411623"]],
    )
    done = run("--db", db, "import", "persons", str(persons))
    assert done.returncode == 0, done.stderr
    assert "2 rows read, 2 written, 0 flagged" in done.stdout
    assert done.stderr == ""


def test_import_creates_the_schema_and_refuses_bad_data(db, tmp_path):
    bad = write_csv(
        tmp_path / "persons.csv",
        [["id_number", "name", "county_code"], [P1, "张伟", "411602"], [P1[:17] + "Y", "x", "1"]],
    )
    done = run("--db", db, "import", "persons", str(bad))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert f"{bad}:3: id_number: ID number must be 17 digits and a digit or X" in done.stderr
    assert f"{bad}:3: county_code: unknown county code '1'" in done.stderr
    assert "refused, 2 problems in 2 rows read; nothing written" in done.stdout


def test_more_than_twenty_problems_are_counted(db, tmp_path):
    rows = [["id_number", "name", "county_code"]] + [[P1, "x", "999999"]] * 30
    done = run("--db", db, "import", "persons", str(write_csv(tmp_path / "p.csv", rows)))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 21
    assert lines[-1] == "... and 39 more problems"  # 30 unknown counties + 29 duplicates


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "people", "x.csv"], "invalid choice: 'people'"),
        (
            ["import", "persons", "/nonexistent/persons.csv"],
            "no such file: /nonexistent/persons.csv",
        ),
        (["import", "persons"], "the following arguments are required"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_usage_exits_2(db, args, message):
    done = run("--db", db, *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_unsupported_file_type_is_bad_usage(db, tmp_path):
    path = tmp_path / "persons.txt"
    path.write_text("id_number,name,county_code\n")
    done = run("--db", db, "import", "persons", str(path))
    assert done.returncode == 2
    assert "unsupported file type" in done.stderr


def test_unreachable_database_is_one_clear_line(tmp_path):
    persons = write_csv(tmp_path / "p.csv", [["id_number", "name", "county_code"]])
    done = run(
        "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none", "import", "persons", str(persons)
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("database error (postgresql+psycopg://nobody@127.0.0.1:1/none)")
    assert len(done.stderr.strip().splitlines()) == 1


def test_kind_names_match_the_validators():
    from data_access.__main__ import KIND_NAMES, SUPPORTED_SUFFIXES
    from data_access.imports.readers import SUPPORTED_SUFFIXES as READABLE
    from data_access.imports.validators import KINDS

    assert KIND_NAMES == tuple(KINDS)
    assert SUPPORTED_SUFFIXES == READABLE


def test_a_busy_database_is_not_bad_data(db, tmp_path, monkeypatch, capsys):
    """Another writer holds SQLite's lock: exit 3, "try again", nothing written, no line blamed."""
    import sqlite3

    from data_access import engine as engine_module
    from data_access.__main__ import EXIT_BUSY, main

    assert run("--db", db, "init").returncode == 0
    monkeypatch.setattr(engine_module, "SQLITE_BUSY_TIMEOUT_MS", 200)
    persons = write_csv(
        tmp_path / "persons.csv", [["id_number", "name", "county_code"], [P1, "张伟", "411602"]]
    )
    holder = sqlite3.connect(db.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another import's write transaction
    try:
        assert main(["--db", db, "import", "persons", str(persons)]) == EXIT_BUSY
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        engine_module.dispose_engines()
    err = capsys.readouterr().err
    assert "another import is running" in err and "persons.csv:" not in err
    assert "try again" in err
    done = run("--db", db, "import", "persons", str(persons))  # the lock gone, it goes through
    assert done.returncode == 0 and "1 rows read, 1 written" in done.stdout
