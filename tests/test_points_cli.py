"""`python -m scoring points` as a user runs it: exit codes 0 / 1 / 2, --out, never a traceback.

One real process per engine; the error cases call the same main() in the test process."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from points_support import insert_rows, person, rec

from data_access.engine import get_engine
from data_access.schema.reference import init_schema
from scoring.__main__ import main

PROJECT = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_points_run_writes_the_contract_csv_on_each_engine(db_url, tmp_path):
    a, b = person(birth=dt.date(1980, 1, 1)), person(birth=dt.date(1990, 1, 1))
    child = person(birth=dt.date(2015, 1, 1))
    insert_rows(
        get_engine(db_url),
        [a, b, child],
        [
            rec(a, "JUDGMENT_DEFAULT", dt.date(2026, 1, 1)),
            rec(b, "COMMENDATION", dt.date(2026, 1, 1), level="national"),
        ],
    )
    out = tmp_path / "points.csv"
    assert main(["--db", db_url, "points", "--as-of", "2026-11-27"]) == 0  # replaced next
    done = run("--db", db_url, "points", "--as-of", "2026-11-27", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "2 persons scored" in done.stdout and "black list (authorities') 1" in done.stdout
    assert "Traceback" not in done.stderr and "points: county 411602 done" in done.stderr
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["id_number", "points", "grade", "red_list", "green_channel",
                       "serious_record", "black_list"]  # fmt: skip
    assert sorted(rows[1:]) == sorted(
        [[a["id_number"], "900", "B", "0", "0", "1", "1"],
         [b["id_number"], "1050", "AAA", "1", "1", "0", "0"]]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["points"], "the following arguments are required: --as-of"),
        (["points", "--as-of", "2026-02-30"], "not a date YYYY-MM-DD: '2026-02-30'"),
        (["points", "--as-of", "27/11/2026"], "not a date YYYY-MM-DD"),
        (["points", "--as-of", "2026-11-27", "--out", "/no/such/dir/x.csv"], "no such directory"),
        (
            ["points", "--as-of", "2026-11-27", "--policy", "/no/such.toml"],
            "--policy: no such file",
        ),
        (["--db", "nosuchdialect://x", "points", "--as-of", "2026-11-27"], "--db:"),
    ],
)
def test_bad_usage_exits_2(args, message, capsys):
    with pytest.raises(SystemExit) as stop:
        main(args)
    assert stop.value.code == 2
    assert message in capsys.readouterr().err


def test_bad_data_exits_1_with_one_line(tmp_path, capsys):
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    assert main(["--db", empty, "points", "--as-of", "2026-11-27"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "has no persons table" in err

    ok = f"sqlite:///{tmp_path / 'ok.db'}"
    init_schema(get_engine(ok))
    policy = tmp_path / "policy.toml"
    policy.write_text('version = "x"\nstart = "a lot"\n', encoding="utf-8")
    assert main(["--db", ok, "points", "--as-of", "2026-11-27", "--policy", str(policy)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "start must be int, not 'a lot'" in err


def test_a_database_error_is_one_line(capsys):
    url = "postgresql+psycopg://postgres@127.0.0.1:1/none"  # nothing listens on port 1
    assert main(["--db", url, "points", "--as-of", "2026-11-27"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("database error (postgresql+psycopg://postgres@127.0.0.1:1/none)")
    assert err.count("\n") == 1
