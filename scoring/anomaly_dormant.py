"""Dormant-then-active accounts: lookups that resume after a long silence and look different.

An account whose owner left, or that sat unused for weeks, and is then used again by someone
else shows two things together: a silence far longer than its own rhythm (the operator worked
on a share `a` of working days; a run of G silent working days somewhere in their W working days
has chance about W * (1 - a)^G), and resumed activity unlike the earlier one: persons of other
counties, terminals, purposes or hours the account did not use before, or work on far fewer
days. Each difference is judged as a share of the resumed lookups against the operator's own
share before the silence (other counties, working days) or against the peers' novelty after
their own longest silence (terminals, purposes, hours). The evidence is the weaker of the
silence and the strongest difference (both must hold): an innocent long leave ends in the same
work as before, a secondment without a silence is the weekly and range views' business.

An account used while its owner is away need not fall silent: someone else's occasional lookup,
a day here and there, breaks the silence without ending it (`trickle_evidence`). What shows is a
stretch of working days without one ordinary day of the owner's work (a day with more than a
quarter of their usual day's lookups; the usual day is the one their median lookup falls on),
against their own share of ordinary days, together with lookups in it that are unauthorised
beyond the operator's own earlier share or the peers' (overall, or on their own light days where
that is higher). An innocent leave has no lookups in it, and the few lookups of a quiet spell are
authorised like the rest of the work or like the peers' quiet spells: both parts must hold.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
from scipy.stats import binom

from scoring.anomaly_peers import EVIDENCE_CAP, LEVELS, nb_evidence, peer_baseline

MIN_GAP = 5  # working days of silence before an account counts as dormant
MIN_PRE_DAYS = 5  # active days before the silence that establish the operator's rhythm
MIN_PRE_SPAN = 15  # working days (three weeks) before the silence
MIN_POST = 10  # lookups after the silence
RARE_OWN_SHARE = 0.02  # a purpose or hour making under 2 % of the earlier lookups is new
OWN_KAPPA = 10.0  # spread of the operator's own share between periods
ASPECT_CAP = 4.0  # one difference alone only supports other evidence
ASPECTS = ("out", "terminal", "purpose", "hours", "days")


def _working_rank(dates: pl.Series, closed: set) -> dict[dt.date, int]:
    """Each date -> number of working days (not closed) before it within the range."""
    rank, out = 0, {}
    for d in sorted(set(dates.to_list())):
        out[d] = rank
        if d not in closed:
            rank += 1
    return out


def quiet_run_evidence(span: np.ndarray, days: np.ndarray, rate: np.ndarray) -> np.ndarray:
    """-log10 of the chance of `days` working days in a row without the operator's usual work
    somewhere in their `span` working days, at the share `rate` of days that have it:
    span * (1 - rate)^days (the dormant silence, the trickle's stretch, someone else's desk)."""
    with np.errstate(divide="ignore"):
        log_p = np.log10(np.maximum(span, 1.0)) + days * np.log10(1.0 - rate)
    return np.clip(-log_p, 0.0, EVIDENCE_CAP)


def silences(hourly: pl.DataFrame, closed: set) -> pl.DataFrame:
    """Per operator: the longest silence in working days (gap), the day activity resumed after
    it (resume), the last active day before it (pause), the active working days before it and
    the working days they span (pre_days, pre_span), active working days after it and the
    working days from the resumption to the end of the range (post_days, post_span), and the
    working days between the operator's first and last active days (span)."""
    daily = hourly.group_by("op", "date").agg(pl.col("n").sum())
    cols = {"op": pl.String, "gap": pl.Int64, "pause": pl.Date, "resume": pl.Date,
            "pre_days": pl.Int64, "pre_span": pl.Int64, "post_days": pl.Int64,
            "post_span": pl.Int64, "span": pl.Int64}  # fmt: skip
    if daily.is_empty():
        return pl.DataFrame(schema=cols)
    rank = _working_rank(daily["date"], closed)
    last_rank = max(rank.values()) + (0 if max(rank) in closed else 1)
    w = daily.filter(~pl.col("date").is_in(list(closed))).with_columns(
        r=pl.col("date").replace_strict(rank, return_dtype=pl.Int64)
    )
    w = w.sort("op", "r").with_columns(gap=(pl.col("r") - pl.col("r").shift(1) - 1).over("op"))
    # the longest silence per operator (the first such when tied)
    top = w.filter(pl.col("gap").is_not_null()).sort(
        ["op", "gap", "r"], descending=[False, True, False]
    )
    top = (
        top.group_by("op", maintain_order=True)
        .first()
        .select("op", "gap", pl.col("date").alias("resume"), pl.col("r").alias("r_resume"))
    )
    per = w.group_by("op").agg(pl.col("r").min().alias("r0"), pl.col("r").max().alias("r1"))
    x = w.join(top, on="op").with_columns(before=pl.col("r") < pl.col("r_resume"))
    agg = x.group_by("op").agg(
        pl.col("before").sum().alias("pre_days"),
        (~pl.col("before")).sum().alias("post_days"),
        pl.col("date").filter(pl.col("before")).max().alias("pause"),
        pl.col("r").filter(pl.col("before")).max().alias("r_pause"),
    )
    out = (
        top.join(agg, on="op")
        .join(per, on="op")
        .with_columns(
            pre_span=pl.col("r_pause") - pl.col("r0") + 1,
            post_span=pl.lit(last_rank) - pl.col("r_resume"),
            span=pl.col("r1") - pl.col("r0") + 1,
        )
    )
    return out.select(list(cols)).cast(cols)  # type: ignore[arg-type]


def dormant_evidence(
    f: pl.DataFrame,
    keys: dict[str, np.ndarray],
    hourly: pl.DataFrame,
    pairs: pl.DataFrame,
    purposes: pl.DataFrame,
    terminals: pl.DataFrame,
    closed: set,
) -> tuple[np.ndarray, pl.DataFrame]:
    """Evidence per row of f (one per operator, column op) and the numbers for the reasons:
    gap, pause, resume, pre_days, pre_span, post_days, post_span, post_n, gap_ev, aspect (the
    strongest difference), aspect_k (resumed lookups that show it) and aspect_exp (expected)."""
    s = f.select("op").join(silences(hourly, closed), on="op", how="left")
    resume = s.select("op", "resume")
    day = hourly.join(resume, on="op").with_columns(post=pl.col("date") >= pl.col("resume"))
    counts = f.select("op").join(
        day.group_by("op").agg(
            pl.col("n").filter(pl.col("post")).sum().alias("post_n"),
            pl.col("n").filter(~pl.col("post")).sum().alias("pre_n"),
        ),
        on="op",
        how="left",
    )
    post_n = counts["post_n"].fill_null(0).to_numpy().astype(float)
    rows = f.height
    k = {a: np.zeros(rows) for a in ASPECTS}
    exp = {a: np.zeros(rows) for a in ASPECTS}
    ev = {a: np.zeros(rows) for a in ASPECTS}

    # persons of other counties (county operators): against the operator's own earlier share
    p = pairs.join(resume, on="op").with_columns(
        post=pl.col("first").dt.date() >= pl.col("resume"),
        pre=pl.col("last").dt.date() < pl.col("resume"),
    )
    po = (
        f.select("op")
        .join(
            p.group_by("op").agg(
                (pl.col("n") * pl.col("out")).filter(pl.col("post")).sum().alias("k_post"),
                pl.col("n").filter(pl.col("post")).sum().alias("n_post"),
                (pl.col("n") * pl.col("out")).filter(pl.col("pre")).sum().alias("k_pre"),
                pl.col("n").filter(pl.col("pre")).sum().alias("n_pre"),
            ),
            on="op",
            how="left",
        )
        .fill_null(0)
    )
    kp, np_, kpre, npre = (
        po[c].to_numpy().astype(float) for c in ("k_post", "n_post", "k_pre", "n_pre")
    )
    everyone = kpre.sum() / max(npre.sum(), 1.0)
    own = (kpre + 10.0 * everyone) / (npre + 10.0)
    k["out"], exp["out"] = kp, own * np_
    ev["out"] = nb_evidence(kp, exp["out"], OWN_KAPPA)

    # terminals never used before the silence (look-back weeks included)
    t = terminals.filter(pl.col("terminal") != "").join(resume, on="op")
    seen = t.filter(pl.col("first").dt.date() < pl.col("resume")).select("op", "terminal").unique()
    new = t.filter(pl.col("first").dt.date() >= pl.col("resume")).join(
        seen, on=["op", "terminal"], how="anti"
    )
    tk = f.select("op").join(new.group_by("op").agg(pl.col("n").sum()), on="op", how="left")
    k["terminal"] = tk["n"].fill_null(0).to_numpy().astype(float)

    # purposes and hours the operator hardly used before the silence
    def rare_after(frame: pl.DataFrame, item: str) -> np.ndarray:
        x = frame.join(resume, on="op").with_columns(post=pl.col("date") >= pl.col("resume"))
        pre = x.filter(~pl.col("post")).group_by("op", item).agg(pl.col("n").sum())
        pre = pre.with_columns(share=pl.col("n") / pl.col("n").sum().over("op"))
        post = x.filter(pl.col("post")).group_by("op", item).agg(pl.col("n").sum())
        post = post.join(pre.select("op", item, "share"), on=["op", item], how="left")
        hit = post.filter(pl.col("share").fill_null(0.0) < RARE_OWN_SHARE)
        j = f.select("op").join(hit.group_by("op").agg(pl.col("n").sum()), on="op", how="left")
        return j["n"].fill_null(0).to_numpy().astype(float)

    k["purpose"] = rare_after(purposes, "purpose")
    k["hours"] = rare_after(hourly, "hour")
    valid = ~s["resume"].is_null().to_numpy()
    for a in ("terminal", "purpose", "hours"):
        # the peers' novelty after their own longest silence
        b = peer_baseline(keys, np.where(valid, k[a], 0.0), np.where(valid, post_n, 0.0), LEVELS)
        exp[a] = np.nan_to_num(b.mu) * post_n
        ev[a] = nb_evidence(k[a], exp[a], b.kappa)

    # working days: far fewer active days after the silence than the earlier rhythm gives
    num = {c: s[c].fill_null(0).to_numpy().astype(float) for c in
           ("gap", "pre_days", "pre_span", "post_days", "post_span", "span")}  # fmt: skip
    a_pre = (num["pre_days"] + 1.0) / (num["pre_span"] + 2.0)  # the earlier rhythm (Laplace)
    k["days"] = num["post_span"] - num["post_days"]  # silent working days after resuming
    exp["days"] = num["post_span"] * (1.0 - a_pre)
    ev["days"] = nb_evidence(k["days"], exp["days"], OWN_KAPPA)

    # the silence against the operator's own rhythm
    gap_ev = quiet_run_evidence(num["span"], num["gap"], a_pre)
    # each difference alone is a habit (a new assignment changes purposes, a new desk the
    # terminal): capped, and several of them together make the change
    m = np.minimum(np.column_stack([ev[a] for a in ASPECTS]), ASPECT_CAP)
    best = m.argmax(axis=1)
    rest = np.where(m >= 2.0, m, 0.0).sum(axis=1) - np.where(
        m.max(axis=1) >= 2.0, m.max(axis=1), 0.0
    )
    change = m.max(axis=1) + 0.5 * rest - np.log10(len(ASPECTS))
    ok = (valid & (num["gap"] >= MIN_GAP) & (num["pre_days"] >= MIN_PRE_DAYS)
          & (num["pre_span"] >= MIN_PRE_SPAN) & (post_n >= MIN_POST))  # fmt: skip
    evidence = np.where(ok, np.clip(np.minimum(gap_ev, change), 0.0, None), 0.0)
    idx = np.arange(rows)
    info = s.with_columns(
        post_n=pl.Series(post_n),
        gap_ev=pl.Series(gap_ev),
        aspect=pl.Series([ASPECTS[i] for i in best], dtype=pl.String),
        aspect_k=pl.Series(np.column_stack([k[a] for a in ASPECTS])[idx, best]),
        aspect_exp=pl.Series(np.column_stack([exp[a] for a in ASPECTS])[idx, best]),
        a_pre=pl.Series(a_pre),
        **{f"ev_{a}": pl.Series(ev[a]) for a in ASPECTS},
    )
    return evidence, info


TRICKLE_MIN_DAYS = 3  # active working days in the stretch
ORDINARY_SHARE = 0.25  # an ordinary day has more than this share of the usual day's lookups


def ordinary_days(hourly: pl.DataFrame, closed: set) -> pl.DataFrame:
    """One row per operator and working day with lookups: op, date, r (the day's rank among the
    range's working days with lookups), n, u (unauthorised), usual (the operator's usual day),
    ordinary_max (the most lookups of a day that is not ordinary), is_ord and r0 (the
    operator's first day's rank), sorted by operator and day."""
    daily = (
        hourly.filter(~pl.col("date").is_in(list(closed)))
        .group_by("op", "date")
        .agg(pl.col("n").sum(), pl.col("unauth").sum().alias("u"))
    )
    days = sorted(set(daily["date"].to_list()))
    rank = {d: i for i, d in enumerate(days)}
    d = daily.with_columns(r=pl.col("date").replace_strict(rank, return_dtype=pl.Int64))
    # the usual day as the lookups see it: the size of the day on which the operator's median
    # lookup falls (many small days between days of real work do not make a small day usual:
    # gen_b's inspectors look one or two persons up on half their days)
    usual = (
        d.sort("op", "n")
        .with_columns(c=pl.col("n").cum_sum().over("op"), t=pl.col("n").sum().over("op"))
        .filter(2 * pl.col("c") >= pl.col("t"))
        .group_by("op")
        .agg(usual=pl.col("n").first().cast(pl.Float64))
    )
    d = d.join(usual, on="op", how="left").sort("op", "r")
    d = d.with_columns(
        r0=pl.col("r").min().over("op"),
        ordinary_max=pl.max_horizontal(pl.lit(1), (ORDINARY_SHARE * pl.col("usual")).floor()),
    )
    return d.with_columns(is_ord=pl.col("n") > pl.col("ordinary_max"))


def light_day_lookups(f: pl.DataFrame, days: pl.DataFrame) -> pl.DataFrame:
    """Per row of f (column op): light_n and light_u, the lookups of the operator's days that are
    not ordinary (days: ordinary_days) and those of them without authorisation (the peers' share
    of them is what a quiet spell of the remit looks like: gen_e's grid officers look a resident
    up now and then without a reference after a campaign under one)."""
    d = days.filter(~pl.col("is_ord"))
    light = d.group_by("op").agg(light_n=pl.col("n").sum(), light_u=pl.col("u").sum())
    return f.select("op").join(light, on="op", how="left").fill_null(0)


def trickle_evidence(f: pl.DataFrame, days: pl.DataFrame, peer_share: np.ndarray) -> pl.DataFrame:
    """Per row of f (column op), from the operator's working days (days: ordinary_days): the
    evidence of the stretch without ordinary work that scores
    highest (trickle_ev, the weaker of the stretch against the operator's share of ordinary days,
    stretch_ev, and of its unauthorised lookups, unauth_ev, against the operator's earlier share
    or, where higher, the peers' share peer_share: earlier work under a campaign's references
    does not make a quiet spell's usual lookups without one suspect), with the numbers for the
    reasons: usual (the lookups of the day the operator's median lookup falls on), ordinary (the
    most lookups of a day that is not ordinary), t_start (the stretch's first working day),
    t_days (its working days), t_active (days with lookups in it), t_n and t_u (its lookups, and
    those without authorisation), t_share (the unauthorised share they were judged against),
    t_peers (whether that was the peers'), t_first and t_last (the days of its first and last
    lookup)."""
    cols = {"op": pl.String, "trickle_ev": pl.Float64, "stretch_ev": pl.Float64,
            "unauth_ev": pl.Float64, "usual": pl.Float64, "ordinary": pl.Int64,
            "t_start": pl.Date, "t_days": pl.Int64, "t_active": pl.Int64, "t_n": pl.Int64,
            "t_u": pl.Int64, "t_share": pl.Float64, "t_peers": pl.Boolean, "t_first": pl.Date,
            "t_last": pl.Date}  # fmt: skip
    empty = f.select("op").join(pl.DataFrame(schema=cols), on="op", how="left")
    d = days
    if d.is_empty():
        return empty.with_columns(trickle_ev=pl.lit(0.0))
    dates = sorted(set(d["date"].to_list()))
    total = len(dates)
    # each day belongs to the stretch after the ordinary days before it (j of them)
    d = d.with_columns(
        j=pl.col("is_ord").cast(pl.Int64).cum_sum().over("op"),
        n_before=(pl.col("n").cum_sum() - pl.col("n")).over("op"),
        u_before=(pl.col("u").cum_sum() - pl.col("u")).over("op"),
    )
    ords = d.filter(pl.col("is_ord")).select(  # lookups up to the stretch, its last day included
        "op", "j", pl.col("r").alias("r_ord"), (pl.col("n_before") + pl.col("n")).alias("pre_n"),
        (pl.col("u_before") + pl.col("u")).alias("pre_u"),
    )  # fmt: skip
    ords = ords.with_columns(r_next=pl.col("r_ord").shift(-1).over("op").fill_null(total))
    per_op = d.group_by("op").agg(
        pl.col("usual").first(), pl.col("ordinary_max").first(), pl.col("r0").first(),
        pl.col("is_ord").sum().alias("ord_days"),
    )  # fmt: skip
    low = (
        d.filter(~pl.col("is_ord") & (pl.col("j") > 0))
        .group_by("op", "j")
        .agg(
            pl.len().alias("t_active"),
            pl.col("n").sum().alias("t_n"),
            pl.col("u").sum().alias("t_u"),
            pl.col("date").min().alias("t_first"),
            pl.col("date").max().alias("t_last"),
        )  # fmt: skip
    )
    peers = f.select("op", peer=pl.Series(np.nan_to_num(np.asarray(peer_share, dtype=float))))
    s = low.join(ords, on=["op", "j"]).join(per_op, on="op").join(peers, on="op", how="left")
    # the stretch: working days after the j-th ordinary day up to the next (or the range's end)
    s = s.with_columns(
        t_days=pl.col("r_next") - pl.col("r_ord") - 1,
        span=pl.lit(total) - pl.col("r0"),
        pre_span=pl.col("r_ord") - pl.col("r0") + 1,
    ).filter(
        (pl.col("t_active") >= TRICKLE_MIN_DAYS)
        & (pl.col("j") >= MIN_PRE_DAYS)
        & (pl.col("pre_span") >= MIN_PRE_SPAN)
    )
    if s.is_empty():
        return empty.with_columns(trickle_ev=pl.lit(0.0))
    t_days = s["t_days"].to_numpy().astype(float)
    span = s["span"].to_numpy().astype(float)
    ordinary_rate = (s["ord_days"].to_numpy() + 1.0) / (span - t_days + 2.0)
    stretch_ev = quiet_run_evidence(span, t_days, ordinary_rate)
    own = (s["pre_u"].to_numpy() + 1.0) / (s["pre_n"].to_numpy() + 2.0)
    peer = s["peer"].fill_null(0.0).to_numpy()
    share = np.maximum(own, peer)
    k, ku = s["t_n"].to_numpy(), s["t_u"].to_numpy()
    unauth_ev = np.where(ku > 0, -binom.logsf(ku - 1, k, share) / np.log(10), 0.0)
    unauth_ev = np.clip(np.nan_to_num(unauth_ev, posinf=EVIDENCE_CAP), 0.0, EVIDENCE_CAP)
    s = s.with_columns(
        stretch_ev=pl.Series(stretch_ev), unauth_ev=pl.Series(unauth_ev),
        trickle_ev=pl.Series(np.minimum(stretch_ev, unauth_ev)), t_share=pl.Series(share),
        t_peers=pl.Series(peer > own),
        t_start=pl.col("r_ord") + 1,
    )  # fmt: skip
    s = s.with_columns(
        t_start=pl.col("t_start").replace_strict(
            dict(enumerate(dates)), default=None, return_dtype=pl.Date
        ),
        ordinary=pl.col("ordinary_max").cast(pl.Int64),
    )
    best = (
        s.sort(["op", "trickle_ev", "j"], descending=[False, True, False])
        .group_by("op", maintain_order=True)
        .first()
    )
    out = f.select("op").join(best.select(list(cols)), on="op", how="left")
    return out.with_columns(pl.col("trickle_ev").fill_null(0.0)).cast(cols)  # type: ignore[arg-type]
