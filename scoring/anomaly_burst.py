"""The day burst: one day's lookups without authorisation far above the operator's usual day.

A harvest of a few hundred persons in a day or two, under a purpose but without the reference it
needs, hides in the week's shares when the week is busy or the harvest straddles two weeks; on
its day it stands out plainly. Each of the operator's days in the scored range is judged against
the larger of their own usual day (the 90th percentile of their days with lookups, look-back weeks
included, once there are ten) and the usual day of the peers of the same department, role and
level (the median of their 90th percentiles, each of five days or more); with neither (a log
that starts days before), everyone's usual day. A day on which the other operators of the
department and level lack authorisation more often than usual (a campaign, a system outage that
lost the references) raises the expectation by as much. The day fires at BURST_RATIO times the
expectation and at least BURST_EXCESS lookups more, and grows as the weekly volume does.
"""

from __future__ import annotations

from typing import cast

import numpy as np
import polars as pl

from scoring.anomaly_baseline import department_rise

BURST_RATIO = 4.0  # the day's unauthorised lookups against the usual day's (anomaly.FIRE here)
BURST_EXCESS = 30  # and at least this many more
USUAL_FLOOR = 3.0  # an operator who nearly always has references still forgets a few a day
OWN_DAYS = 10  # days with lookups before the operator's own 90th percentile is their usual day
PEER_DAYS = 5  # and before a peer's counts towards the peers' usual day
USUAL_QUANTILE = 0.9


def burst_days(daily: pl.DataFrame, ops: pl.DataFrame, scored_wins: list[int]) -> pl.DataFrame:
    """op, win, burst_date, burst_u, burst_exp, burst_ev and what the expectation is made of
    (burst_own, burst_peer: the usual days; burst_factor: the department's day): the day of each
    scored operator-week whose lookups without authorisation stand out most (daily: op, win, date, n, unauth over
    every window read; ops: op, dept, role, op_county)."""
    days = daily.group_by("op", "date").agg(
        pl.col("n").sum(), pl.col("unauth").sum(), pl.col("win").max()
    )
    level = pl.when(pl.col("op_county").is_null()).then(pl.lit("city")).otherwise(pl.lit("county"))
    who = ops.select(
        "op",
        peer=pl.concat_str([pl.col("dept"), pl.col("role"), level], separator="|"),
        dept_level=pl.concat_str([pl.col("dept"), level], separator="|"),
    )
    days = days.join(who, on="op", how="left").with_columns(
        pl.col("peer", "dept_level").fill_null("?")
    )
    own = days.group_by("op").agg(
        pl.col("unauth").quantile(USUAL_QUANTILE, "nearest").alias("own_usual"),
        pl.len().alias("own_days"),
        pl.col("peer").first(),
    )
    # the peers' usual day: the median of the others' (each with enough days), per operator
    peers = own.filter(pl.col("own_days") >= PEER_DAYS)
    pairs = own.select("op", "peer").join(
        peers.select(pl.col("op").alias("other"), "peer", "own_usual"), on="peer"
    )
    peer_usual = (
        pairs.filter(pl.col("op") != pl.col("other"))
        .group_by("op")
        .agg(pl.col("own_usual").median().alias("peer_usual"))
    )
    own = own.join(peer_usual, on="op", how="left").with_columns(
        own_usual=pl.when(pl.col("own_days") >= OWN_DAYS).then(pl.col("own_usual").cast(float))
    )
    # the department's day: its other operators' unauthorised share against its usual one
    days = days.with_columns(
        burst_factor=pl.Series(department_rise(
            days["dept_level"].to_numpy(), days["date"], days["unauth"].to_numpy().astype(float),
            days["n"].to_numpy().astype(float),
        ))
    )  # fmt: skip
    scored = days.filter(pl.col("win").is_in(scored_wins))
    j = scored.join(own.select("op", "own_usual", "peer_usual"), on="op", how="left")
    factor = j["burst_factor"].to_numpy()
    usual = np.fmax(
        j["own_usual"].fill_null(np.nan).to_numpy().astype(float),
        j["peer_usual"].fill_null(np.nan).to_numpy().astype(float),
    )
    # without days of one's own or the peers' (a log that starts days ago): everyone's usual day
    everyone = float(cast(float, peers["own_usual"].median())) if peers.height else np.nan
    missing = np.isnan(usual)
    usual = np.where(missing, everyone, usual)
    j = j.with_columns(burst_all=pl.Series(np.where(missing, everyone, np.nan)))
    expected = np.maximum(usual, USUAL_FLOOR) * factor
    u = j["unauth"].to_numpy().astype(float)
    ratio = np.divide(u, expected, out=np.zeros_like(u), where=~np.isnan(expected))
    fire = (ratio >= BURST_RATIO) & (u - np.nan_to_num(expected) >= BURST_EXCESS)
    e = np.where(fire, BURST_RATIO + 4.0 * np.log2(np.maximum(ratio, 1e-9) / BURST_RATIO), 0.0)
    j = j.with_columns(burst_exp=pl.Series(expected), burst_ev=pl.Series(np.clip(e, 0.0, 40.0)))
    return (
        j.sort("burst_ev", "unauth", descending=True)
        .group_by("op", "win", maintain_order=True)
        .first()
        .select(
            "op",
            "win",
            "burst_exp",
            "burst_factor",
            "burst_ev",
            burst_date="date",
            burst_u="unauth",
            burst_own="own_usual",
            burst_peer="peer_usual",
            burst_all="burst_all",
        )  # fmt: skip
    )
