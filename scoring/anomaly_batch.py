"""Batch piggyback: persons slipped into a real batch run under its reference.

A batch run (one sitting, without a pause of SITTING_BREAK, of at least RUN_MIN lookups under one
reference by one operator, at a pace of at most RUN_PACE) has a bulk: its rhythm and, often, a
county or an age band. A lookup of the run is odd when it breaks the run's rhythm (typed in
between: closer to a neighbour of another household than the run ever goes, half its brisk gaps
and at most a quarter of its median interval) or, in a run whose persons are nine in ten of one
county or born within 25 years of each other, when its person is of another county or outside
that band.

Only a run with a beat has a rhythm to break (anomaly-2.20): a sitting at BEAT_PACE or faster
whose brisk gaps are a good share of its median (a floor) and whose short gaps are a few, not
its own jitter. A machine stepping through a list at one to six whole seconds a lookup has a floor
(anomaly-2.25: a quarter of its median, a third before): it never looks two persons up in one
second, so a lookup in the same second as one of its own was typed in. A clerk's memoryless pace has short gaps of its own, a gateway's whole seconds
many gaps of nothing, and a co-debtor looked up right after the debtor is the run's own work.

The operator's odd lookups are judged as a share of their batch lookups against the peers' share
or, where higher, everyone else's (a department's clerks may run no batches like a gateway's),
with a spread of at least RHYTHM_KAPPA between peers (negative binomial, anomaly_peers): a run's
own noise is common to every operator who runs batches. A broken rhythm has innocent causes too
(a lookup typed for a caller at the counter), so the signal is capped
(anomaly_range.PIGGYBACK_CAP): alone it raises a middling alert, with other evidence a higher one.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_peers import LEVELS, nb_evidence, peer_baseline

RUN_MIN = 20  # lookups of one sitting under one reference that make a run
SITTING_BREAK = 1800.0  # seconds: a longer pause ends a sitting
RUN_PACE = 600.0  # seconds: a median interval above this is no run (a reference typed over days)
BREAK_SHARE = 0.25  # closer to its neighbours than this share of the run's median interval
BRISK_QUANTILE = 0.1  # the run's brisk gaps: this quantile of its intervals
BRISK_SHARE = 0.5  # and closer than this share of them
RHYTHM_KAPPA = 4.0  # clerks' habits differ: odd shares vary by half between peers at least
SHORT_FEW = 3  # a run with at most this many such gaps
SHORT_SHARE = 0.05  # or this share of its lookups has a floor; more are its own jitter
FLOOR_SHARE = 0.25  # a run has a floor when its brisk gaps are this share of its median or more
BEAT_PACE = 60.0  # seconds: a run slower than this has no beat to break (a clerk's day's list)
BULK_COUNTY = 0.9  # a run whose persons are this share of one county has a county
AGE_BAND = 25  # years: a run whose middle 90 % of persons were born within them has an age band


def odd_batch_lookups(batch: pl.DataFrame) -> pl.DataFrame:
    """The lookups of batch runs (op, ref, at, s_county, s_birth and, where known, s_res: the
    person's residence) with `odd` (breaks the run's rhythm, or differs from its county or age
    band) and `run` (the lookup is part of a run)."""
    if "s_res" not in batch.columns:
        batch = batch.with_columns(s_res=pl.lit(None, dtype=pl.String))
    b = batch.sort("op", "ref", "at").with_columns(
        year=pl.col("s_birth").str.slice(0, 4).cast(pl.Int32, strict=False)
    )
    pause = pl.col("at").diff().dt.total_seconds().over("op", "ref")
    b = b.with_columns(sitting=(pause.fill_null(0.0) > SITTING_BREAK).cum_sum().over("op", "ref"))
    key = ["op", "ref", "sitting"]
    step = pl.col("at").diff().dt.total_microseconds().over(key) / 1e6
    nxt = (pl.col("at").shift(-1) - pl.col("at")).dt.total_microseconds().over(key) / 1e6
    b = b.with_columns(prev=step, next=nxt)
    b = b.with_columns(
        pace=pl.col("prev").median().over(key),
        brisk=pl.col("prev").quantile(BRISK_QUANTILE).over(key),
        top=pl.col("s_county").drop_nulls().mode().first().over(key),
        y05=pl.col("year").quantile(0.05).over(key),
        y95=pl.col("year").quantile(0.95).over(key),
    )
    b = b.with_columns(top_share=(pl.col("s_county") == pl.col("top")).mean().over(key))
    run = (pl.len().over(key) >= RUN_MIN) & (pl.col("pace") <= RUN_PACE)
    # typed in between: a gap shorter than the run ever goes (half its brisk gaps, a quarter of
    # its median) to a neighbour of another household (a co-debtor looked up right after the
    # debtor is the run's own work)
    # a run without a floor (its brisk gaps near nothing: a clerk's own pace, memoryless) has
    # short gaps of its own
    floor = (pl.col("brisk") >= FLOOR_SHARE * pl.col("pace")) & (pl.col("pace") <= BEAT_PACE)
    tight = pl.min_horizontal(BRISK_SHARE * pl.col("brisk"), BREAK_SHARE * pl.col("pace"))
    apart_prev = (pl.col("s_res") != pl.col("s_res").shift(1).over(key)).fill_null(True)
    apart_next = (pl.col("s_res") != pl.col("s_res").shift(-1).over(key)).fill_null(True)
    short_prev = (pl.col("prev") < tight) & apart_prev
    # a few such gaps are slipped in; many are the run's own jitter (a gateway's whole seconds)
    few = short_prev.fill_null(False).sum().over(key) <= pl.max_horizontal(
        pl.lit(SHORT_FEW), SHORT_SHARE * pl.len().over(key)
    )
    rhythm = (floor & few) & (short_prev | ((pl.col("next") < tight) & apart_next))
    county = (pl.col("top_share") >= BULK_COUNTY) & (pl.col("s_county") != pl.col("top"))
    band = pl.col("y95") - pl.col("y05") <= AGE_BAND
    age = band & ((pl.col("year") < pl.col("y05") - 2) | (pl.col("year") > pl.col("y95") + 2))
    off_beat = (rhythm.fill_null(False) & run).fill_null(False)
    off_bulk = ((county.fill_null(False) | age.fill_null(False)) & run).fill_null(False)
    return b.with_columns(run=run.fill_null(False), off_beat=off_beat, off_bulk=off_bulk,
                          odd=off_beat | off_bulk)  # fmt: skip


def run_hours(odd: pl.DataFrame) -> pl.DataFrame:
    """op, date, hour, run_n: the lookups of batch runs (odd: odd_batch_lookups) that keep the
    run's beat and bulk (the run's own persons, not those slipped into it), per operator, day and
    hour."""
    b = odd.filter(pl.col("run") & ~pl.col("odd"))
    return b.group_by(
        "op", date=pl.col("at").dt.date(), hour=pl.col("at").dt.hour().cast(pl.Int32)
    ).agg(pl.len().alias("run_n"))


def run_days(odd: pl.DataFrame) -> pl.DataFrame:
    """op, subject, run_days: the days on which a batch run (odd: odd_batch_lookups) looked the
    person up among its own persons (not slipped into it). Empty without the subjects."""
    if "subject" not in odd.columns:
        return pl.DataFrame(schema={"op": pl.String, "subject": pl.String, "run_days": pl.UInt32})
    b = odd.filter(pl.col("run") & ~pl.col("odd") & pl.col("subject").is_not_null())
    return b.group_by("op", "subject").agg(run_days=pl.col("at").dt.date().n_unique())


def piggyback_evidence(
    f: pl.DataFrame, keys: dict[str, np.ndarray], odd: pl.DataFrame
) -> tuple[np.ndarray, np.ndarray, pl.DataFrame]:
    """(evidence, expected odd lookups) per row of f (column op), from the batch lookups as
    odd_batch_lookups classifies them, and a frame op, pig_k, pig_n, pig_runs, pig_ref (the run
    with most odd lookups), first, last, n (its odd lookups)."""
    odd = odd.filter(pl.col("run"))
    per = odd.group_by("op").agg(
        pl.col("off_beat").sum().alias("beat_k"),
        pl.col("off_bulk").sum().alias("bulk_k"),
        pl.len().alias("pig_n"),
    )
    j = f.select("op").join(per, on="op", how="left").fill_null(0)
    n = j["pig_n"].to_numpy().astype(float)
    # off the run's beat, and off its bulk, each against the peers' share; the stronger counts
    evs, exps = [], []
    for col in ("beat_k", "bulk_k"):
        k = j[col].to_numpy().astype(float)
        b = peer_baseline(keys, k, n, LEVELS)
        # never below everyone else's share: a gateway's runs are not a clerk's, and the
        # department's clerks may run none like them
        everyone = (k.sum() - k) / np.maximum(n.sum() - n, 1.0)
        exps.append(np.maximum(np.nan_to_num(b.mu), everyone) * n)
        kappa = np.minimum(b.kappa, RHYTHM_KAPPA)
        evs.append(np.where(k >= 3, nb_evidence(k, exps[-1], kappa), 0.0))
    which = np.where(evs[0] >= evs[1], 0, 1)
    ev = np.clip(np.maximum(evs[0], evs[1]) - np.log10(2.0), 0.0, None)
    expected = np.where(which == 0, exps[0], exps[1])
    j = j.with_columns(
        pig_aspect=pl.Series(np.where(which == 0, "beat", "bulk"), dtype=pl.String),
        pig_k=pl.Series(np.where(which == 0, j["beat_k"], j["bulk_k"]).astype(float)),
        pig_runs=pl.Series(np.zeros(j.height)),
    )
    odd = odd.join(j.select("op", "pig_aspect"), on="op").with_columns(
        odd=pl.when(pl.col("pig_aspect") == "beat").then("off_beat").otherwise("off_bulk")
    )
    runs = odd.filter(pl.col("odd")).group_by("op").agg(pl.col("ref").n_unique().alias("runs"))
    j = (
        j.join(runs, on="op", how="left")
        .with_columns(pig_runs=pl.col("runs").fill_null(0))
        .drop("runs")
    )
    top = (
        odd.filter(pl.col("odd"))
        .group_by("op", "ref")
        .agg(
            pl.len().alias("n"), pl.col("at").min().alias("first"), pl.col("at").max().alias("last")
        )
        .sort(["op", "n", "ref"], descending=[False, True, False])
        .group_by("op", maintain_order=True)
        .first()
        .rename({"ref": "pig_ref"})
    )
    spans = (
        odd.filter(pl.col("odd"))
        .group_by("op")
        .agg(
            pl.col("at").min().alias("first"), pl.col("at").max().alias("last"), pl.len().alias("n")
        )
    )
    info = j.join(top.select("op", "pig_ref"), on="op", how="left")
    return ev, expected, info.join(spans, on="op", how="left")
