"""Streaks: an unbroken run of the operator's working hours in which every lookup was without
authorisation (someone else at the account, a harvest between the day's work).

An operator's hours of work (hourly buckets with a lookup, batch runs left out) are taken in time
order. Hours in which every lookup lacks the purpose or the reference it needs are common for some
remits and rare for others; what misuse adds is a *streak* of them: the account of a colleague who
left, used for weeks without a single reference, or an evening's harvest. The longest streak of R
such hours is judged against the operator's own share p of such hours outside it (shrunk:
(a + 1) / (b + 2)): by chance, a streak that long starts at one of the operator's B hours with
probability about B x p^R. A streak as long as the peers' (department, role and level; their
median) is the role's habit, not the operator's, and counts only above theirs.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_baseline import loo_median

MIN_HOURS = 3  # a streak of fewer hours is no streak


def longest_streaks(hourly: pl.DataFrame) -> pl.DataFrame:
    """op, streak_hours (B), streak_bad (hours without any authorised lookup), streak (R hours), streak_n
    (lookups in it), first, last (datetimes of its first and last hour) from hourly (op, date,
    hour, n, unauth)."""
    h = (
        hourly.filter(pl.col("n") > 0)
        .sort("op", "date", "hour")
        .with_columns(bad=pl.col("unauth") >= pl.col("n"))
        # a new streak id each time the run of bad hours breaks
        .with_columns(run=(~pl.col("bad")).cum_sum().over("op"))
    )
    per = h.group_by("op").agg(
        pl.len().alias("streak_hours"), pl.col("bad").sum().alias("streak_bad")
    )
    runs = (
        h.filter(pl.col("bad"))
        .group_by("op", "run")
        .agg(
            pl.len().alias("streak"),
            pl.col("n").sum().alias("streak_n"),
            pl.col("date").first().alias("d0"),
            pl.col("hour").first().alias("h0"),
            pl.col("date").last().alias("d1"),
            pl.col("hour").last().alias("h1"),
        )
        .sort("op", "streak", "streak_n", "run", descending=[False, True, True, False])
        .group_by("op", maintain_order=True)
        .first()
    )
    at = lambda d, hr: pl.col(d).cast(pl.Datetime("us")) + pl.duration(hours=pl.col(hr))  # noqa: E731
    return per.join(runs, on="op", how="left").select(
        "op",
        "streak_hours",
        "streak_bad",
        pl.col("streak").fill_null(0),
        pl.col("streak_n").fill_null(0),
        first=at("d0", "h0"),
        last=at("d1", "h1"),
    )


def streak_evidence(f: pl.DataFrame, hourly: pl.DataFrame) -> tuple[np.ndarray, pl.DataFrame]:
    """(evidence per row of f (columns op, dept, role, op_county), the streaks joined to f: op,
    streak, streak_n, streak_hours, streak_bad, streak_p (the share outside), streak_peer (the
    peers' median evidence), first, last, n)."""
    s = f.select("op", "dept", "role", "op_county").join(
        longest_streaks(hourly), on="op", how="left"
    )
    r = s["streak"].fill_null(0).to_numpy().astype(float)
    b = s["streak_hours"].fill_null(0).to_numpy().astype(float)
    a = s["streak_bad"].fill_null(0).to_numpy().astype(float)
    p = (a - r + 1.0) / (b - r + 2.0)
    with np.errstate(divide="ignore"):
        raw = -r * np.log10(p) - np.log10(np.maximum(b, 1.0))
    raw = np.where(r >= MIN_HOURS, np.clip(raw, 0.0, None), 0.0)
    # the peers' median (two others at least): a role whose work comes in long unreferenced
    # sittings (auditors' samples) has such streaks everywhere
    group = s.select(
        pl.concat_str(
            pl.col("dept", "role").fill_null("?"),
            pl.col("op_county").is_null().cast(pl.String),
            separator="|",
        )
    ).to_series()
    peer = np.nan_to_num(loo_median(group.to_numpy(), raw, np.ones(len(raw), dtype=bool)), nan=0.0)
    ev = np.clip(raw - peer, 0.0, None)
    out = s.select(
        "op",
        "streak",
        "streak_n",
        "streak_hours",
        "streak_bad",
        "first",
        "last",
        streak_p=pl.Series(p),
        streak_peer=pl.Series(peer),
    ).with_columns(n=pl.col("streak_n"))
    return ev, out
