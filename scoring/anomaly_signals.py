"""Explainable signals per operator-window: evidence (-log10 p) against own and peer baselines.

Each signal gives an evidence value and whether it fires. Signals counting lookups are damped when
the triggering lookups carry a purpose and an authorisation reference (an authorised reason is
not proof of misuse, but it halves the weight).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from scoring.anomaly_baseline import (
    group_median,
    loo_median,
    poisson_evidence,
    shrunk_rate,
)
from scoring.anomaly_features import H_COLS, U_COLS

FIRE = 5.0  # evidence needed to fire: p < 1e-5
RARE_HOUR_SHARE = 0.004  # an hour the operator (or their peers) use for < 0.4 % of lookups
RARE_PURPOSE_SHARE = 0.005
VOLUME_RATIO = 3.0
VOLUME_EXCESS = 50
REPEAT_TRAIL_WEEKS = 6
SIGNALS = ("unauth", "volume", "hours", "days", "kin", "neighbours", "colleagues", "sensitive",
           "out_county", "repeat", "purpose")  # fmt: skip


@dataclass
class Signals:
    evidence: dict[str, np.ndarray]  # damped evidence per signal
    fires: dict[str, np.ndarray]
    numbers: dict[str, np.ndarray]  # expected values and details used by the reasons


def _damp(e: np.ndarray, unauth: np.ndarray, total: np.ndarray) -> np.ndarray:
    share = np.divide(unauth, total, out=np.ones_like(e), where=total > 0)
    return e * (0.5 + 0.5 * share)


def _two_sided(k, mu, k_unauth, k_total, unauth_rate) -> np.ndarray:
    """The stronger of: k against mu (damped when authorised), and the unauthorised part of k
    against mu times the operator's expected share of unauthorised lookups."""
    k = np.asarray(k, dtype=float)
    per = np.divide(k_total, k, out=np.ones_like(k), where=k > 0)
    e_all = _damp(poisson_evidence(k, mu), k_unauth, k_total)
    e_unauth = poisson_evidence(np.asarray(k_unauth, dtype=float), mu * per * unauth_rate)
    return np.maximum(e_all, e_unauth)


def _count_signal(f, k, basis, mu_name, numbers, evidence, fires, name, min_k, unauth=None):
    rate = shrunk_rate(f, k, basis)
    kk = f[k].to_numpy().astype(float)
    mu = rate * f[basis].to_numpy()
    if unauth is None:
        e = poisson_evidence(kk, mu)
    else:
        e = _two_sided(kk, mu, f[unauth[0]].to_numpy(), f[unauth[1]].to_numpy(),
                       numbers["unauth_rate"])  # fmt: skip
    numbers[mu_name] = mu
    evidence[name] = e
    fires[name] = (e >= FIRE) & (kk >= min_k)


def _profile(f: pl.DataFrame, cols: list[str], rare_share: float, circular: bool):
    """Each row's usual share of lookups per hour or weekday (own other windows, then peers,
    then all) and which of them are rare (neighbouring hours count too)."""
    h = f.select(cols).to_numpy().astype(float)
    width = len(cols)
    ops = f["op"].to_numpy()
    peers = (f["dept"] + "|" + f["role"]).to_numpy()
    _, op_i = np.unique(ops, return_inverse=True)
    _, peer_i = np.unique(peers, return_inverse=True)
    own = np.zeros((op_i.max() + 1, width))
    np.add.at(own, op_i, h)
    grp = np.zeros((peer_i.max() + 1, width))
    np.add.at(grp, peer_i, h)
    overall = h.sum(axis=0) / max(h.sum(), 1.0)
    prior = 300.0
    peer_h = grp[peer_i] - own[op_i]
    peer_p = (peer_h + prior * overall) / (peer_h.sum(axis=1, keepdims=True) + prior)
    loo = own[op_i] - h
    p = (loo + prior * peer_p) / (loo.sum(axis=1, keepdims=True) + prior)
    if circular:
        p_near = np.maximum(p, np.maximum(np.roll(p, 1, axis=1), np.roll(p, -1, axis=1)))
    else:
        p_near = p
    return p, p_near < rare_share


def _volume(f: pl.DataFrame, numbers, evidence, fires) -> None:
    n = f["n"].to_numpy().astype(float)
    u = n - f["batch_n"].to_numpy()
    days = f["days"].to_numpy().astype(float)
    weekly = u * 7.0 / days
    full = days >= 7
    own = loo_median(f["op"].to_numpy(), weekly, full)
    keys = (f["dept"] + "|" + f["role"] + "|" + f["win"].cast(pl.String)).to_numpy()
    peer = group_median(keys, weekly, f["op"].to_numpy())
    ref = np.fmax(own, peer)  # the larger of own habit and peers' week; nan only if both unknown
    expected = np.where(np.isnan(ref), np.nan, np.maximum(ref, 10.0) * days / 7.0)
    ratio = np.divide(u, expected, out=np.zeros_like(u), where=~np.isnan(expected))
    fire = (ratio >= VOLUME_RATIO) & (u - np.nan_to_num(expected) >= VOLUME_EXCESS)
    e = np.where(fire, FIRE + 6.0 * np.log2(np.maximum(ratio, 1e-9) / VOLUME_RATIO), 0.0)
    numbers.update(vol_u=u, vol_own=own * days / 7.0, vol_peer=peer * days / 7.0, vol_ratio=ratio)
    evidence["volume"] = np.clip(e, 0.0, 40.0)
    fires["volume"] = fire


def _repeat(f: pl.DataFrame, pools: np.ndarray, numbers, evidence, fires) -> None:
    k = f["rep_n"].to_numpy().astype(float)
    lam = f["trail_n"].to_numpy() / np.maximum(pools, 1.0)
    subjects = np.maximum(f["trail_subj"].to_numpy().astype(float), 1.0)
    e_one = _two_sided(k, lam, f["rep_unauth"].to_numpy(), k, numbers["unauth_rate"])
    e = np.clip(e_one - np.log10(subjects), 0.0, None)  # Bonferroni over the persons looked up
    numbers["rep_lambda"] = lam
    evidence["repeat"] = e
    fires["repeat"] = (e >= FIRE) & (k >= 5)


def _purposes(f: pl.DataFrame, purposes: pl.DataFrame, numbers, evidence, fires) -> None:
    """Purposes rarely used by the department's same-role operators and by the operator."""
    peers = f.select("op", "dept", "role").unique()
    p = purposes.join(peers, on="op")
    grp = p.group_by("dept", "role", "purpose").agg(pl.col("n").sum().alias("g"))
    grp = grp.with_columns(share=pl.col("g") / pl.col("g").sum().over("dept", "role"))
    p = p.join(grp, on=["dept", "role", "purpose"]).with_columns(
        own_other=pl.col("n").sum().over("op", "purpose") - pl.col("n"),
        own_total=pl.col("n").sum().over("op"),
    )
    p = p.with_columns(
        own_share=pl.col("own_other") / (pl.col("own_total") - pl.col("n").sum().over("op", "win"))
    )
    rare = p.filter(
        (pl.col("share") < RARE_PURPOSE_SHARE)
        & (pl.col("own_share").fill_nan(0) < RARE_PURPOSE_SHARE)
    )
    hits = rare.group_by("op", "win").agg(
        pl.col("n").sum().alias("rare_n"),
        pl.col("share").max().alias("rare_share_max"),
        pl.col("purpose").sort_by("n", descending=True).first().alias("rare_top"),
    )
    g = f.select("op", "win", "n").join(hits, on=["op", "win"], how="left")
    k = g["rare_n"].fill_null(0).to_numpy().astype(float)
    mu = g["n"].to_numpy() * np.maximum(g["rare_share_max"].fill_null(0).to_numpy(), 0.001)
    e = poisson_evidence(k, mu)
    numbers.update(rare_n=k, rare_mu=mu, rare_top=g["rare_top"].to_numpy())
    evidence["purpose"] = e
    fires["purpose"] = (e >= FIRE) & (k >= 5)


RELATIONS = (("kin", "kin", 2), ("neighbours", "nb", 3), ("colleagues", "col", 1),
             ("sensitive", "sens", 2))  # fmt: skip
TWO_WEEK_PENALTY = float(np.log10(2.0))  # two looks at the same signal


def _previous(f: pl.DataFrame, g: pl.DataFrame, values: np.ndarray) -> np.ndarray:
    """values of each row's previous window of the same operator (False when none)."""
    shifted = f.select("op", (pl.col("win") + 1).alias("win")).with_columns(v=pl.Series(values))
    j = g.select("row", "op", "win").join(shifted, on=["op", "win"], how="left").sort("row")
    return j["v"].fill_null(False).to_numpy()


def _relationships(f: pl.DataFrame, numbers, evidence, fires) -> None:
    """Kin, neighbours, colleagues, watch list: this window, or this and the previous window
    together (an episode rarely respects the Monday boundary), whichever is more surprising."""
    cols = ["subjects"] + [f"{c}_{x}" for _, c, _ in RELATIONS for x in ("subj", "n", "unauth")]
    prev = f.select(
        "op", (pl.col("win") + 1).alias("win"), *[pl.col(c).alias(f"{c}_p") for c in cols]
    )
    g = f.select("op", "win").with_row_index("row").join(prev, on=["op", "win"], how="left")
    g = g.sort("row").fill_null(0)
    rate_u = numbers["unauth_rate"]
    for name, c, min_k in RELATIONS:
        rate = shrunk_rate(f, f"{c}_subj", "subjects")
        k1, n1, u1 = (f[f"{c}_{x}"].to_numpy().astype(float) for x in ("subj", "n", "unauth"))
        kp, np_, up = (g[f"{c}_{x}_p"].to_numpy().astype(float) for x in ("subj", "n", "unauth"))
        b1 = f["subjects"].to_numpy().astype(float)
        b2 = b1 + g["subjects_p"].to_numpy()
        e1 = _two_sided(k1, rate * b1, u1, n1, rate_u)
        e2 = _two_sided(k1 + kp, rate * b2, u1 + up, n1 + np_, rate_u) - TWO_WEEK_PENALTY
        # the previous window's own alert already covers it when that window fired alone
        fired1 = (e1 >= FIRE) & (k1 >= min_k)
        prev_fired = _previous(f, g, fired1)
        two = (e2 > e1) & (k1 > 0) & (kp > 0) & ~prev_fired
        k = np.where(two, k1 + kp, k1)
        numbers.update({f"{c}_k": k, f"{c}_nn": np.where(two, n1 + np_, n1),
                        f"{c}_u": np.where(two, u1 + up, u1),
                        f"{c}_mu": rate * np.where(two, b2, b1), f"{c}_weeks": 1 + two})  # fmt: skip
        evidence[name] = np.clip(np.where(two, e2, e1), 0.0, None)
        fires[name] = (evidence[name] >= FIRE) & (k >= min_k)
    # policy floor: two or more colleagues looked up without authorisation is worth a look
    # whatever the base rate (colleague lookups are rare, but not impossible)
    policy = (numbers["col_k"] >= 2) & (numbers["col_u"] >= 2)
    evidence["colleagues"] = np.where(policy, np.maximum(evidence["colleagues"], FIRE),
                                      evidence["colleagues"])  # fmt: skip
    fires["colleagues"] |= policy


def compute_signals(
    f: pl.DataFrame, purposes: pl.DataFrame, county_sizes: dict[str, int]
) -> Signals:
    """Evidence of every signal for every operator-window row of f (all windows, look-back too)."""
    numbers: dict[str, np.ndarray] = {}
    evidence: dict[str, np.ndarray] = {}
    fires: dict[str, np.ndarray] = {}
    f = f.with_columns(
        plain=pl.col("n") - pl.col("batch_n"),  # lookups outside authorised batches
        # lookups expected on closed days if the operator worked every day alike
        off_basis=pl.col("n") * pl.col("off_days") / pl.col("days"),
        out_basis=pl.when(pl.col("op_county").is_not_null()).then(pl.col("n")).otherwise(0),
    )
    _count_signal(f, "unauth", "plain", "unauth_mu", numbers, evidence, fires, "unauth", 5)
    numbers["unauth_rate"] = numbers["unauth_mu"] / np.maximum(f["plain"].to_numpy(), 1.0)
    excess = f["unauth"].to_numpy() - numbers["unauth_mu"]
    fires["unauth"] &= excess >= 5
    _volume(f, numbers, evidence, fires)
    # hours of the day the operator rarely works
    p, rare = _profile(f, H_COLS, RARE_HOUR_SHARE, True)
    k = (f.select(H_COLS).to_numpy() * rare).sum(axis=1).astype(float)
    ku = (f.select(U_COLS).to_numpy() * rare).sum(axis=1).astype(float)
    mu = f["n"].to_numpy() * (p * rare).sum(axis=1)
    e = _two_sided(k, mu, ku, k, numbers["unauth_rate"])
    numbers.update(hours_k=k, hours_unauth=ku, hours_mu=mu, hours_rare=rare)
    evidence["hours"], fires["hours"] = e, (e >= FIRE) & (k >= 5)
    # days when the office is closed (weekends, holidays), against own and peers' habits
    _count_signal(f, "off_n", "off_basis", "off_mu", numbers, evidence, fires, "days", 5,
                  unauth=("off_unauth", "off_n"))  # fmt: skip
    _relationships(f, numbers, evidence, fires)
    _count_signal(f, "out_n", "out_basis", "out_mu", numbers, evidence, fires, "out_county", 10,
                  unauth=("out_unauth", "out_n"))  # fmt: skip
    fires["out_county"] &= (f["out_n"].to_numpy() - numbers["out_mu"]) >= 10
    total = float(sum(county_sizes.values()))
    pools = np.array(
        [county_sizes.get(c, total) if c else total for c in f["op_county"].to_list()], dtype=float
    )
    _repeat(f, pools, numbers, evidence, fires)
    _purposes(f, purposes, numbers, evidence, fires)
    return Signals(evidence, fires, numbers)
