"""Data for the integrity points page: the stored run for an as-of date and its distribution
(grades, red and black lists by county, gender and age band), counted in SQL, cached by URL,
scope and filters. Fairness flags compare each group with the city.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl
import streamlit as st
from sqlalchemy import case, func, inspect, select

from data_access import score_models as sm
from data_access import score_store as store
from data_access.engine import get_engine
from data_access.scope import Scope
from data_access.text import clean_text
from scoring.points_engine import score_frame
from scoring.points_ledger import LISTS
from scoring.points_policy import parse_policy
from scoring.points_rules import adult_cutoff
from scoring.points_run import earliest_relevant

TTL_SECONDS = 600
AGE_BANDS = ((18, "18-29"), (30, "30-39"), (40, "40-49"), (50, "50-59"), (60, "60-69"), (70, "70+"))
LOW_GRADES = ("C", "D")
FLAG_RATIO = 1.5  # a group flagged when its rate is this many times the city's
FLAG_MIN_PERSONS = 20  # ... and it has at least this many persons
LIST_COUNTS = (*LISTS, "pending_objection")


def _require_city_scope(scope: Scope) -> None:
    if not scope.sees_all_departments:
        raise PermissionError(f"role {scope.role} may not read the integrity points")


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def latest_run(url: str, scope: Scope, as_of: dt.date) -> dict | None:
    """The most recent run computed for an as-of date on or before `as_of` (None: none yet), with
    `policy_text` (the TOML of the policy it was computed with)."""
    _require_city_scope(scope)
    engine = get_engine(url)
    if not inspect(engine).has_table(sm.ScoreRun.__tablename__):
        return None
    run = sm.ScoreRun
    stmt = (
        select(
            run.run_id,
            run.policy_version,
            run.as_of,
            run.computed_at,
            run.persons_scored,
            run.policy_text,
        )  # fmt: skip
        .where(run.as_of <= as_of)
        .order_by(run.as_of.desc(), run.computed_at.desc(), run.run_id.desc())
        .limit(1)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).first()
    return dict(row._mapping) if row else None


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def is_legacy_run(url: str, run_id: int) -> bool:
    """True for a run computed before the lawful lists (policy 2026.2 and the engine that goes
    with it): its red list looked back at records past their period and its "black list" was any
    serious record. Such a run stays readable, labelled with its version; its lists are not the
    law's and are never shown as such. Told by the run's rows: the engine of the lawful lists
    fills green_channel for every person, older runs have it empty (one row read, by the key)."""
    s = sm.PersonScore
    with get_engine(url).connect() as conn:
        first = conn.execute(select(s.green_channel).where(s.run_id == run_id).limit(1)).first()
    return first is not None and first[0] is None


def _age_band():
    age = sm.PersonScore.age
    whens = [(age >= lo, label) for lo, label in reversed(AGE_BANDS)]
    return case(*whens, else_="?")


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False)
def distribution(url: str, scope: Scope, run_id: int, counties: tuple[str, ...]) -> pd.DataFrame:
    """Persons of the run by county, gender, age band and grade, with the list counts and pending
    objections (columns county_code, gender, age_band, grade, persons, red_list, green_channel,
    serious_record, black_list, pending_objection; green_channel and serious_record are 0 in runs
    of policies before 2026.2, which did not compute them). counties: empty for the whole city."""
    _require_city_scope(scope)
    s = sm.PersonScore
    band = _age_band().label("age_band")
    # One expression object in SELECT and GROUP BY: PostgreSQL must see the same bound parameter.
    gender = func.coalesce(s.gender, "?")

    def count(flag):
        return func.sum(case((flag, 1), else_=0))

    stmt = (
        select(
            s.county_code,
            gender.label("gender"),
            band,
            s.grade,
            func.count().label("persons"),
            count(s.red_list).label("red_list"),
            count(s.green_channel).label("green_channel"),
            count(s.serious_record).label("serious_record"),
            count(s.black_list).label("black_list"),
            count(s.pending_objection).label("pending_objection"),
        )
        .where(s.run_id == run_id)
        .group_by(s.county_code, gender, band, s.grade)
    )
    if counties:
        stmt = stmt.where(s.county_code.in_(counties))
    with get_engine(url).connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=list(stmt.selected_columns.keys()))
    for column in ("persons", *LIST_COUNTS):
        frame[column] = frame[column].astype("int64")
    return frame


def by_group(frame: pd.DataFrame, group: str, grades: tuple[str, ...]) -> pd.DataFrame:
    """Persons per grade (columns in `grades` order) and list counts, one row per group value."""
    pivot = frame.pivot_table(
        index=group, columns="grade", values="persons", aggfunc="sum", fill_value=0
    ).reindex(columns=list(grades), fill_value=0)
    lists = frame.groupby(group)[["persons", *LIST_COUNTS]].sum()
    return pivot.join(lists).reset_index()


def fairness_flags(frame: pd.DataFrame) -> pd.DataFrame:
    """Per county, gender and age band: the share of low grades (C, D) and the black-list rate
    against the city's; `flag` when a rate is FLAG_RATIO times the city's in a group of at least
    FLAG_MIN_PERSONS. Columns: dimension, group, persons, low_share, black_rate, flag."""
    total = frame["persons"].sum()
    if total == 0:
        return pd.DataFrame(
            columns=["dimension", "group", "persons", "low_share", "black_rate", "flag"]
        )
    low = frame[frame["grade"].isin(LOW_GRADES)]
    city_low = low["persons"].sum() / total
    city_black = frame["black_list"].sum() / total
    rows = []
    for dimension in ("county_code", "gender", "age_band"):
        persons = frame.groupby(dimension)["persons"].sum()
        lows = low.groupby(dimension)["persons"].sum().reindex(persons.index, fill_value=0)
        blacks = frame.groupby(dimension)["black_list"].sum()
        for value, n in persons.items():
            low_share, black_rate = lows[value] / n, blacks[value] / n
            high = (city_low > 0 and low_share >= FLAG_RATIO * city_low) or (
                city_black > 0 and black_rate >= FLAG_RATIO * city_black
            )
            rows.append(
                {
                    "dimension": dimension,
                    "group": value,
                    "persons": int(n),
                    "low_share": low_share,
                    "black_rate": black_rate,
                    "flag": bool(high and n >= FLAG_MIN_PERSONS),
                }
            )
    return pd.DataFrame(rows)


def _age_band_expr() -> pl.Expr:
    expr = pl.lit("?")
    for lo, label in AGE_BANDS:
        expr = pl.when(pl.col("age") >= lo).then(pl.lit(label)).otherwise(expr)
    return expr


@st.cache_data(ttl=TTL_SECONDS, show_spinner=False, max_entries=8)
def what_if(
    url: str, scope: Scope, run_id: int, policy_text: str, as_of: dt.date, counties: tuple[str, ...]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score the persons again with another policy, without storing anything: the distribution
    (as `distribution`) and the movers (stored grade, new grade, persons; list entries and exits
    as red_in, red_out, black_in, black_out). County by county, like the engine's run; at the
    city scale this takes minutes."""
    _require_city_scope(scope)
    policy = parse_policy(policy_text)
    cutoff, earliest = adult_cutoff(as_of, policy.adult_age), earliest_relevant(policy, as_of)
    dist, moves = [], []
    with get_engine(url).connect() as conn:
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


def policy_in_force(url: str):
    """The policy the next run will use: the newest saved version, else scoring/policy.toml."""
    from data_access.policy_store import current_policy

    return current_policy(get_engine(url))


def save_policy(url: str, scope: Scope, username: str, policy, version: str, note: str):
    """Save edited rules as a new policy version (administrators only; see policy_store)."""
    from data_access.policy_store import save_policy_version

    return save_policy_version(get_engine(url), scope, username, policy, version, note)


def person_ledger_view(
    url: str,
    scope: Scope,
    user: dict,
    id_number: str,
    purpose_code: str,
    authorization_ref: str,
    as_of: dt.date,
) -> tuple[pl.DataFrame | None, str]:
    """One person's points ledger for an administrator, after the view is written to the query
    log (data_access.audit). Not cached: every view is a lookup. Returns (ledger, query_id);
    the ledger is None when the ID number is unknown (the lookup is still logged)."""
    from data_access.audit import record_view
    from data_access.person_file import shown_ledger

    if scope.role != "admin":
        raise PermissionError("only roles allowed to see a person's file may open a ledger")
    engine = get_engine(url)
    id_number = clean_text(id_number).upper()
    with engine.begin() as conn:
        query_id = record_view(conn, user, id_number, purpose_code, authorization_ref)
    policy = policy_in_force(url)
    return shown_ledger(engine, id_number, as_of, policy), query_id
