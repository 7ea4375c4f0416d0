"""Score a whole database as of a date, county by county, and store the run; one person's ledger.

Memory stays bounded by the largest county: each county's possible adults and their relevant
records are read into polars, scored by scoring.points_engine.score_frame and written in bulk.
The whole run is one transaction: a failure leaves the previous run of the same policy version
and as-of date in place; success replaces it.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from sqlalchemy import Engine

from data_access import score_store as store
from data_access.display_period import add_months
from scoring import points_rules as r
from scoring.points_engine import score_frame
from scoring.points_ledger import LISTS, ledger
from scoring.points_policy import Policy, policy_to_toml

OUT_COLUMNS = ("id_number", "points", "grade", "red_list", "green_channel", "serious_record",
               "black_list")  # fmt: skip  # contracts.md
LIST_FLAGS = LISTS

# progress(counties done, counties in all, county code, persons scored so far, seconds elapsed)
Progress = Callable[[int, int, str, int, float], None]


@dataclass
class RunResult:
    run_id: int
    policy_version: str
    as_of: dt.date
    persons_scored: int = 0
    seconds: float = 0.0
    grades: dict[str, int] = field(default_factory=dict)
    red_list: int = 0
    green_channel: int = 0
    serious_record: int = 0
    black_list: int = 0
    pending_objection: int = 0


def earliest_relevant(policy: Policy, as_of: dt.date) -> dt.date:
    """Records decided before this date (and not displayed past the as-of date) give 0 points and
    take no part in any list: add_months is non-decreasing, so a record decided before
    as_of - N months leaves every N-month window on or before the as-of date."""
    longest = max(policy.positive_window_months, *policy.display_months.values())
    return add_months(as_of, -longest)


def _out_frame(scores: pl.DataFrame) -> pl.DataFrame:
    return scores.select(OUT_COLUMNS).with_columns(pl.col(*LIST_FLAGS).cast(pl.Int8))


def score_database(
    engine: Engine,
    as_of: dt.date,
    policy: Policy,
    out: str | Path | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> RunResult:
    """Score every adult as of the date, store the run (replacing the same version and date) and,
    with `out`, write the contract CSV (written to a temporary name, renamed when complete).
    `timings`, when given, receives the seconds spent per stage (read, score, write)."""
    clock = _Stopwatch(timings)
    started = time.perf_counter()
    store.ensure_score_tables(engine)
    cutoff = r.adult_cutoff(as_of, policy.adult_age)
    earliest = earliest_relevant(policy, as_of)
    text = policy.text or policy_to_toml(policy)
    part = Path(f"{out}.part") if out else None
    sink = open(part, "wb") if part else None
    try:
        if sink:
            sink.write((",".join(OUT_COLUMNS) + "\n").encode())
        with engine.begin() as conn:
            now = dt.datetime.now().replace(microsecond=0)
            with clock("replace"):
                run_id = store.begin_run(conn, policy.version, as_of, text, now)
            result = RunResult(run_id, policy.version, as_of)
            counties = store.county_codes(conn)
            for i, county in enumerate(counties, start=1):
                with clock("read_persons"):
                    persons = store.read_county_persons(conn, county, cutoff)
                with clock("read_records"):
                    records = store.read_county_records(conn, county, cutoff, as_of, earliest)
                with clock("score"):
                    scores = score_frame(persons, records, policy, as_of)
                    _tally(result, scores)
                with clock("write"):
                    result.persons_scored += store.write_scores(conn, run_id, scores)
                    if sink:
                        _out_frame(scores).write_csv(sink, include_header=False)
                if progress:
                    progress(
                        i,
                        len(counties),
                        county,
                        result.persons_scored,
                        time.perf_counter() - started,
                    )
            result.seconds = time.perf_counter() - started
            store.finish_run(conn, run_id, result.persons_scored, result.seconds)
        clock.add("commit", time.perf_counter() - started - result.seconds)
        result.seconds = time.perf_counter() - started
        if sink:
            sink.close()
            os.replace(part, out)
    finally:
        if sink and not sink.closed:
            sink.close()
        if part and part.exists():
            part.unlink()
    return result


class _Stopwatch:
    """Adds the seconds spent in `with clock(stage):` blocks to a dictionary (when one is given)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.stage = ""
        self.started = 0.0

    def __call__(self, stage: str) -> _Stopwatch:
        self.stage = stage
        return self

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc) -> None:
        self.add(self.stage, time.perf_counter() - self.started)

    def add(self, stage: str, seconds: float) -> None:
        if self.timings is not None:
            self.timings[stage] = self.timings.get(stage, 0.0) + seconds


def _tally(result: RunResult, scores: pl.DataFrame) -> None:
    for grade, n in scores.group_by("grade").len().iter_rows():
        result.grades[grade] = result.grades.get(grade, 0) + n
    for flag in LIST_FLAGS:
        setattr(result, flag, getattr(result, flag) + int(scores[flag].sum()))
    result.pending_objection += int(scores["pending_objection"].sum())


def person_ledger(
    engine: Engine, id_number: str, as_of: dt.date, policy: Policy
) -> pl.DataFrame | None:
    """The ledger of one person from the database (None when the ID number is unknown)."""
    with engine.connect() as conn:
        person = store.read_person(conn, id_number)
        if person is None:
            return None
        records = store.read_person_records(conn, id_number)
    return ledger(person, records, policy, as_of)
