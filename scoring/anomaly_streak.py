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

MIN_HOURS = 3  # a streak of fewer hours is no streak
MIN_PEERS = 2  # other operators of the group before its median says what is usual


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
    # the peers' median: a role whose work comes in long unreferenced sittings (auditors'
    # samples) has such streaks everywhere
    s = s.with_columns(raw=pl.Series(raw), level=pl.col("op_county").is_null())
    grp = ["dept", "role", "level"]
    stats = s.group_by(grp).agg(pl.len().alias("g_n"), pl.col("raw").sort().alias("g_raw"))
    s = s.join(stats, on=grp, how="left")
    peer = np.zeros(s.height)
    for i, (own, g_n, g_raw) in enumerate(zip(raw, s["g_n"], s["g_raw"], strict=True)):
        if g_n - 1 >= MIN_PEERS:
            others = list(g_raw)
            others.remove(own)
            peer[i] = float(np.median(others))
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
