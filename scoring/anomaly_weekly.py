"""The weekly view: one operator-week against the operator's own other weeks.

Each share of the week (lookups without authorisation, kin, colleagues, the watch list, other
counties, unknown persons, rare hours, closed days, foreign purposes) is compared with the same
operator's share in their other weeks, pulled towards the remit peers' share when the operator has
little history (leave-one-window-out: a log without history before the range works the same).
Evidence is -log10 p less log10 of the number of weeks looked at, so that a week's score is
comparable with the score of the whole range. The volume signal (the week's lookups outside batch
checks against own and peers' usual weeks) comes from anomaly_signals.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_baseline import department_rise
from scoring.anomaly_features import U_COLS
from scoring.anomaly_peers import nb_evidence
from scoring.anomaly_range import HISTORY, RangeEvidence, foreign_terminals

OWN_PRIOR = 200.0  # lookups (or persons) of weight given to the peers' share
WEEK_KAPPA_MIN = 5.0  # weeks of one operator vary less than operators do, but they vary
# habits, as at the range horizon: a week at a colleague's desk, a week of field work in another
# county, a campaign's lists looked up without a purpose are tasks as often as misuse; evidence
# of them stays modest (the unauthorised part of hours and days, purposes and volume do not)
WEEK_CAPPED = ("terminal", "out_county", "unauth")
WEEK_CAP = 5.0
# a week's closed days lack authorisation more than this many times the operator's own share
CLOSED_DAYS_SLACK = 2.0
WEEK_REMIT_SHARE = 0.5
MIN_COUNT = {"kin": 2, "neighbours": 3, "colleagues": 1, "sensitive": 2}  # others: 5
WEEKLY = {  # signal: (count column, basis column); the range's look-back reads the same columns
    **{signal: columns for signal, columns in HISTORY.items() if signal != "days"},
    "hours": ("hours_k", "unauth"),
    "days": ("off_unauth", "unauth"),
    "purpose": ("purpose_k", "n"),
    "terminal": ("terminal_k", "n"),
}


def weekly_evidence(
    f: pl.DataFrame,
    rng: RangeEvidence,
    rare_purposes: pl.DataFrame,
    purpose_weeks: pl.DataFrame,
    terminal_weeks: pl.DataFrame,
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], pl.DataFrame]:
    """(evidence, expected count) per signal for every operator-week row of f, and f with the
    columns the reasons need."""
    r = rng.frame.select("op").with_row_index("ri")
    f = f.join(r, on="op", how="left")
    ri = f["ri"].to_numpy()
    known = ~f["ri"].is_null().to_numpy()
    ri = np.where(known, np.nan_to_num(ri.astype(float)), 0).astype(int)
    # lookups at the hours the peer group hardly works, per week
    rare = np.zeros((f.height, 24), dtype=bool)
    groups = rng.frame["hours_rare"].to_list()
    for i in np.flatnonzero(known):
        rare[i, groups[ri[i]]] = True
    # a week's habits (hours, closed days) are judged on the lookups without authorisation only:
    # a shift swap, honest overtime or a Saturday on duty comes with purposes and references
    f = f.with_columns(hours_k=pl.Series((f.select(U_COLS).to_numpy() * rare).sum(axis=1)))
    pk = (
        purpose_weeks.join(rare_purposes, on=["op", "purpose"])
        .group_by("op", "win")
        .agg(pl.col("n").sum().alias("purpose_k"))
    )
    f = f.join(pk, on=["op", "win"], how="left").with_columns(pl.col("purpose_k").fill_null(0))
    # lookups from terminals foreign to the operator (over the whole log, look-back included)
    foreign = foreign_terminals(terminal_weeks, f.select("op", "dept").unique()).select(
        "op", "terminal"
    )
    tk = (
        terminal_weeks.join(foreign, on=["op", "terminal"])
        .group_by("op", "win")
        .agg(pl.col("n").sum().alias("terminal_k"))
    )
    f = f.join(tk, on=["op", "win"], how="left").with_columns(pl.col("terminal_k").fill_null(0))
    scored = f["scored"].to_numpy()
    weeks = f.group_by("op").agg(pl.col("scored").sum().alias("w"))
    n_weeks = f.select("op").join(weeks, on="op", how="left")["w"].to_numpy().astype(float)
    penalty = np.log10(np.maximum(n_weeks, 1.0))
    evidence: dict[str, np.ndarray] = {}
    expected: dict[str, np.ndarray] = {}
    for name, (kcol, bcol) in WEEKLY.items():
        k = f[kcol].to_numpy().astype(float)
        b = f[bcol].to_numpy().astype(float)
        own_k = f.select(pl.col(kcol).sum().over("op"))[kcol].to_numpy().astype(float)
        own_b = f.select(pl.col(bcol).sum().over("op"))[bcol].to_numpy().astype(float)
        if name == "purpose":
            range_b = rng.frame["n"].to_numpy().astype(float)
            peer = rng.expected["purpose"] / np.maximum(range_b, 1.0)
            kappa = np.full(len(peer), 1e4)
        elif bcol == "unauth":  # shares of the unauthorised lookups: all operators' share
            peer = np.full(rng.frame.height, np.nan)
            kappa = np.full(rng.frame.height, WEEK_KAPPA_MIN)
        else:
            base = rng.shares.get(name, rng.baseline[name])
            peer, kappa = base.mu, base.kappa
        # without remit peers, the share of all operators is the prior
        overall = float(np.nansum(k)) / max(float(np.nansum(b)), 1.0)
        mu_peer = np.where(known, peer[ri], overall)
        mu_peer = np.where(np.isnan(mu_peer), overall, mu_peer)
        kap = np.where(known, np.maximum(kappa[ri], WEEK_KAPPA_MIN), 1e4)
        rate = (own_k - k + OWN_PRIOR * mu_peer) / (own_b - b + OWN_PRIOR)
        # a campaign or a season moves the whole department: the week's share of the other
        # operators of the department and level, against their usual share, scales the
        # expectation (never below the operator's own habit)
        rate = rate * _peer_week_factor(f, k, b)
        expected[name] = rate * b
        # how much operators' weeks vary around their own share, read from this log
        kap = np.minimum(kap, _week_kappa(k, b, own_k / np.maximum(own_b, 1.0), scored))
        e = nb_evidence(k, expected[name], kap) - penalty
        if name == "days":  # b is the week's unauthorised lookups, own_b the operator's
            e = np.minimum(e, _closed_days_part(f, k, own_b - b) - penalty)
        enough = k >= MIN_COUNT.get(name, 5)
        evidence[name] = np.where(known & scored & enough, np.clip(e, 0.0, None), 0.0)
        if name in WEEK_CAPPED:
            evidence[name] = np.minimum(evidence[name], WEEK_CAP)
        if name in MIN_COUNT:  # relationships: most of the week's persons is a task (a review)
            remit = k > WEEK_REMIT_SHARE * np.maximum(b, 1.0)
            evidence[name] = np.where(remit, np.minimum(evidence[name], 2.0), evidence[name])
    if "op_county" in f.columns:
        evidence["out_county"] = np.where(f["op_county"].is_not_null().to_numpy(),
                                          evidence["out_county"], 0.0)  # fmt: skip
    return evidence, expected, f


def _closed_days_part(f: pl.DataFrame, k: np.ndarray, other_unauth: np.ndarray) -> np.ndarray:
    """Evidence that a week's lookups on closed days lack authorisation more often than the
    operator's own other lookups do (twice their unauthorised share of their other weeks, whose
    unauthorised lookups are other_unauth): a holiday on duty with the operator's usual missing
    purposes is the week's work, not a habit (both this and the week against the operator's
    other weeks must hold)."""
    n = f["n"].to_numpy().astype(float)
    other_n = f.select(pl.col("n").sum().over("op"))["n"].to_numpy() - n
    rate = np.minimum(1.0, CLOSED_DAYS_SLACK * other_unauth / np.maximum(other_n, 1.0))
    return nb_evidence(k, f["off_n"].to_numpy().astype(float) * rate, 1e4)


def _peer_week_factor(f: pl.DataFrame, k: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per operator-week: how much the share rose that week among the other operators of the
    same department and level (leave-one-out), at least 1."""
    level = np.where(f["op_county"].is_null().to_numpy(), "city", "county")
    key = np.char.add(f["dept"].fill_null("?").to_numpy().astype(str), "|" + level)
    return department_rise(key, f["win"], k, b)


def _week_kappa(k: np.ndarray, b: np.ndarray, own: np.ndarray, scored: np.ndarray) -> float:
    """The gamma shape of week-to-week variation of a share around each operator's own share,
    by the method of moments over every operator-week with 20 or more lookups (the top 5 % of
    the contributions trimmed: a misuse week is no measure of ordinary variation)."""
    ok = scored & (b >= 20) & (own > 0)
    if ok.sum() < 20:
        return 1e4
    mean = b[ok] * own[ok]
    excess = ((k[ok] - mean) ** 2 - mean) / mean**2  # estimates 1 / kappa for every week
    cut = np.quantile(excess, 0.95)
    inv = float(np.mean(excess[excess <= cut]))
    return float(np.clip(1.0 / inv, WEEK_KAPPA_MIN, 1e4)) if inv > 0 else 1e4
