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

import pandas as pd
import polars as pl
from sqlalchemy import Engine, select

from data_access.clock import city_now
from data_access.queries import score_store as store
from data_access.queries.display_period import add_months
from data_access.queries.person_file import shown_record_conditions
from data_access.queries.scores import AGE_BANDS, summarise_run
from data_access.schema.models import CreditRecord
from data_access.schema.score_models import LISTS
from data_access.scope import Scope
from scoring import points_rules as r
from scoring.points_engine import score_frame
from scoring.points_ledger import ledger
from scoring.points_policy import Policy, parse_policy, policy_to_toml

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
            now = city_now()
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
            with clock("summarise"):
                summarise_run(conn, run_id)
        clock.add("commit", time.perf_counter() - started - result.seconds)
        result.seconds = time.perf_counter() - started
        if sink:
            sink.close()
            assert part is not None and out  # a sink is opened for an `out` path only
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


def shown_ledger(
    engine: Engine, id_number: str, as_of: dt.date, policy, scope: Scope | None = None
) -> pl.DataFrame | None:
    """The points ledger as of the date, without lines for records that may not be shown (past
    their display period, repaired or revoked: they give no points either). None when the ID
    number is unknown."""
    frame = person_ledger(engine, id_number, as_of, policy)
    if frame is None:
        return None
    stmt = select(CreditRecord.record_id).where(*shown_record_conditions(as_of, scope, id_number))
    with engine.connect() as conn:
        shown = sorted(conn.scalars(stmt))
    keep = pl.col("record_id").is_null() | pl.col("record_id").is_in(shown)
    return frame.filter(keep)


def _age_band_expr() -> pl.Expr:
    expr = pl.lit("?")
    for lo, label in AGE_BANDS:
        expr = pl.when(pl.col("age") >= lo).then(pl.lit(label)).otherwise(expr)
    return expr


def what_if(
    engine: Engine,
    run_id: int,
    policy_text: str,
    as_of: dt.date,
    counties: tuple[str, ...],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score the persons again with another policy, without storing anything: the distribution
    (as `distribution`) and the movers (stored grade, new grade, persons; list entries and exits
    as red_in, red_out, black_in, black_out). County by county, like the engine's run; at the
    city scale this takes minutes."""
    policy = parse_policy(policy_text)
    cutoff, earliest = r.adult_cutoff(as_of, policy.adult_age), earliest_relevant(policy, as_of)
    dist, moves = [], []
    with engine.connect() as conn:
        for county in counties or store.county_codes(conn):
            persons = store.read_county_persons(conn, county, cutoff)
            records = store.read_county_records(conn, county, cutoff, as_of, earliest)
            new = score_frame(persons, records, policy, as_of).with_columns(
                age_band=_age_band_expr(), gender=pl.col("gender").fill_null("?")
            )
            dist.append(
                new.group_by("county_code", "gender", "age_band", "grade").agg(
                    persons=pl.len(),
                    red_list=pl.col("red_list").sum(),
                    green_channel=pl.col("green_channel").sum(),
                    serious_record=pl.col("serious_record").sum(),
                    black_list=pl.col("black_list").sum(),
                    pending_objection=pl.col("pending_objection").sum(),
                )
            )
            old = store.read_run_grades(conn, run_id, county)
            both = old.join(new, on="id_number", how="full", suffix="_new", coalesce=True)
            moves.append(
                both.group_by(
                    pl.col("grade").fill_null("-"), pl.col("grade_new").fill_null("-")
                ).agg(
                    persons=pl.len(),
                    red_in=(pl.col("red_list_new") & ~pl.col("red_list").fill_null(False)).sum(),
                    red_out=(pl.col("red_list") & ~pl.col("red_list_new").fill_null(False)).sum(),
                    black_in=(
                        pl.col("black_list_new") & ~pl.col("black_list").fill_null(False)
                    ).sum(),
                    black_out=(
                        pl.col("black_list") & ~pl.col("black_list_new").fill_null(False)
                    ).sum(),
                )
            )
    distribution_frame = pl.concat(dist).to_pandas() if dist else pd.DataFrame()
    movers = (
        pl.concat(moves).group_by("grade", "grade_new").sum().sort("grade", "grade_new").to_pandas()
        if moves
        else pd.DataFrame()
    )
    return distribution_frame, movers
