"""The points policy on cases written by someone who never saw the engine: a helper session that
read only ../shared/points-policy.md, the contract and the catalogues wrote 49 persons and 145
records (grade boundaries, caps, windows, display periods and their month ends, every status,
the four lists) with the results worked out by hand (tests/data/points_heldout, NOTES.md lists
the ambiguities it resolved). Imported through the importer and scored by the run that writes
`points --out`, on both engines."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from data_access.imports.importer import import_file
from scoring.points_policy import load_policy
from scoring.points_run import score_database

CASES = Path(__file__).resolve().parent / "data" / "points_heldout"
COLUMNS = ["points", "grade", "red_list", "green_channel", "serious_record", "black_list"]


def _rows(path: Path) -> dict[str, dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {r["id_number"]: {c: r[c] for c in COLUMNS} for r in csv.DictReader(fh)}


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [(dt.date(2026, 11, 27), "expected.csv"), (dt.date(2026, 11, 30), "expected_2026-11-30.csv")],
)
def test_hand_worked_cases_through_import_and_points_out(engine, tmp_path, as_of, expected):
    for kind, name in (("persons", "persons.csv"), ("credit-records", "credit-records.csv")):
        result = import_file(engine, kind, CASES / name)
        assert result.ok, [str(p) for p in result.errors[:5]]
    out = tmp_path / "points.csv"
    score_database(engine, as_of, load_policy(), out=out)
    want, got = _rows(CASES / expected), _rows(out)
    assert set(got) == set(want)  # minors are not scored
    wrong = {k: (got[k], want[k]) for k in want if got[k] != want[k]}
    assert not wrong, wrong
