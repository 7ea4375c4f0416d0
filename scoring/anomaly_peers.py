"""Remit-aware peer baselines and overdispersed evidence, shared by every horizon.

Peers share department, role and level (city-level operators have no county, county operators
have one). A peer group smaller than MIN_PEERS falls back to a broader one: department and level,
then department, then level, then everyone; the baseline that was used is named in the reasons.

A signal that counts lookups is judged as a share: k of the operator's n lookups against the
peers' share mu, with the spread of that share between peers (kappa, the shape of a gamma
distribution of rates) estimated robustly from the peers themselves. Evidence is the surprise
-log10 P(K >= k) under the negative binomial that this gives. As n grows the evidence converges to
how extreme the operator's share is among peers, so volume alone never raises it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from scipy.stats import nbinom

from scoring.anomaly_baseline import median_without_each

MIN_PEERS = 4  # other operators with enough lookups to form a baseline
MIN_LOOKUPS = 30  # lookups (or persons) an operator needs to count as a peer
PRIOR_WEIGHT = 200.0  # lookups of weight given to the broader group's share
KAPPA_MIN, KAPPA_MAX = 1.5, 1e4
TYPICAL_MIN = 5  # peers (besides the operator) for a typical peer's share instead of the pooled one
EVIDENCE_CAP = 40.0

LEVELS = ("dept_role_level", "dept_level", "dept", "level", "all")
HABIT_LEVELS = ("dept_role_level", "role_level", "dept_role")  # hours and days: the role decides
DEPT_LEVELS = ("dept_role_level", "dept_level", "dept")  # purposes: the department decides
COUNTY_LEVELS = ("dept_role_level", "dept_level", "role_level", "level")
LEVEL_WORDS = {
    "dept_role_level": ("同部门同岗位同层级人员", "peers of the same department, role and level"),
    "role_level": ("各部门同岗位同层级人员", "peers of the same role and level in any department"),
    "dept_role": ("同部门同岗位人员", "peers of the same department and role"),
    "role": (
        "各部门、各层级同岗位人员",
        "peers of the same role in any department, at either level",
    ),
    "dept_level": ("同部门同层级人员", "peers of the same department and level"),
    "dept": ("同部门人员", "peers of the same department"),
    "level": ("同层级（市级或县级）人员", "city- or county-level peers alike"),
    "all": ("全部查询人员", "all operators"),
    "machines": (
        "其他全天候使用的账号（接口、网关）",
        "other accounts used round the clock (gateways)",
    ),
    "none": ("（无可比人员）", "(no comparable peers)"),
    "own": ("本人其他查询", "the operator's own other lookups"),
    "register": (
        "批量核查按全库登记人员、其余按同组人员",
        "the register for the batch runs' persons and the peers for the rest, registered persons",
    ),
}


def group_keys(ops: pl.DataFrame) -> dict[str, np.ndarray]:
    """Peer-group key of every operator row at every level (columns dept, role, op_county)."""
    dept = ops["dept"].fill_null("?").to_numpy().astype(str)
    role = ops["role"].fill_null("?").str.to_lowercase().str.strip_chars().to_numpy().astype(str)
    level = np.where(ops["op_county"].is_null().to_numpy(), "city", "county")
    return {
        "dept_role_level": np.char.add(np.char.add(dept, "|" + role), "|" + level),
        "role_level": np.char.add(role, "|" + level),
        "dept_role": np.char.add(dept, "|" + role),
        "role": role,
        "dept_level": np.char.add(dept, "|" + level),
        "dept": dept,
        "level": level,
        "all": np.full(len(dept), "all"),
    }


@dataclass
class Baseline:
    mu: np.ndarray  # expected share per operator
    kappa: np.ndarray  # gamma shape of the spread of shares between peers
    level: np.ndarray  # which peer group was used (a key of LEVEL_WORDS)
    peers: np.ndarray  # how many peers it had


def _mad(rates: np.ndarray) -> float:
    """The median absolute deviation of the rates, scaled to a normal's spread."""
    return 1.4826 * float(np.median(np.abs(rates - np.median(rates))))


def _robust_sd(rates: np.ndarray) -> float:
    if len(rates) < 3:
        return float(np.std(rates))
    return max(_mad(rates), 0.5 * float(np.std(rates)))


def _robust_sd_leave_one_out(rates: np.ndarray, mad_only: bool = False) -> np.ndarray:
    """_robust_sd of the rates without each one of them in turn, for every one (exact); with
    mad_only, the median absolute deviation alone (a few extreme others do not widen it)."""
    m = len(rates)
    if m - 1 < 3:
        return np.array([_robust_sd(np.delete(rates, i)) for i in range(m)])
    med = median_without_each(rates)
    mad = np.empty(m)
    for value in np.unique(med):  # the others' median takes two or three values
        rows = np.flatnonzero(med == value)
        dev = np.abs(rates - value)
        mad[rows] = median_without_each(dev)[rows]
    if mad_only:
        return 1.4826 * mad
    rest = m - 1
    mean = (rates.sum() - rates) / rest
    var = np.maximum((np.square(rates).sum() - np.square(rates)) / rest - mean**2, 0.0)
    return np.maximum(1.4826 * mad, 0.5 * np.sqrt(var))


def choose_groups(
    keys: dict[str, np.ndarray],
    n: np.ndarray,
    chain: tuple[str, ...] = LEVELS,
    min_peers: int = MIN_PEERS,
    min_n: float = MIN_LOOKUPS,
) -> tuple[np.ndarray, np.ndarray]:
    """(level, group key) per row: the first level of the chain whose group has at least
    min_peers other operators of at least min_n lookups; level "none" when no level has."""
    eligible = np.asarray(n, dtype=float) >= min_n
    level = np.full(len(eligible), "none", dtype=object)
    group = np.full(len(eligible), "", dtype=object)
    for name in chain:
        key = keys[name]
        uniq, inv = np.unique(key, return_inverse=True)
        counts = np.bincount(inv, weights=eligible.astype(float), minlength=len(uniq))
        others = counts[inv] - eligible
        take = (level == "none") & (others >= min_peers)
        level[take] = name
        group[take] = np.char.add(key[take].astype(str), "@" + name)
    return level, group


def group_members(keys: dict[str, np.ndarray], group: np.ndarray) -> dict[str, np.ndarray]:
    """Every chosen group (key@level) with all the rows that belong to it at that level, also
    those that chose a finer group of their own."""
    out = {}
    for g in np.unique(group[group != ""]):
        key, _, name = str(g).rpartition("@")
        out[g] = np.flatnonzero(keys[name] == key)
    return out


def membership(keys: dict[str, np.ndarray], group: np.ndarray, ops: list[str]):
    """(grp, member) pairs of group_members as a polars frame of operator ids."""
    import polars as pl

    rows = [(g, ops[i]) for g, idx in group_members(keys, group).items() for i in idx]
    return pl.DataFrame(rows, schema={"grp": pl.String, "member": pl.String}, orient="row")


def peer_baseline(
    keys: dict[str, np.ndarray],
    k: np.ndarray,
    n: np.ndarray,
    chain: tuple[str, ...] = LEVELS,
    min_peers: int = MIN_PEERS,
    min_n: float = MIN_LOOKUPS,
    prior_weight: float = PRIOR_WEIGHT,
    size: np.ndarray | None = None,
    prior_share: float | None = None,
    typical: bool = False,
) -> Baseline:
    """Leave-one-out peer share and spread for every operator row, from the finest peer group
    of the chain with at least min_peers other operators of at least min_n lookups (mu is nan,
    and so no evidence, where none has). n may be an exposure (an expected count) instead of
    lookups; prior_weight is then in its unit, size (lookups or persons) decides who counts as a
    peer, and prior_share (1: as chance has it) replaces everyone's share as the prior."""
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    rows = len(k)
    mu = np.full(rows, np.nan)
    kappa = np.full(rows, KAPPA_MAX)
    peers = np.zeros(rows, dtype=int)
    size = n if size is None else np.asarray(size, dtype=float)
    eligible = size >= min_n
    total_n = n[eligible].sum()
    overall = k[eligible].sum() / total_n if total_n else (k.sum() / max(n.sum(), 1e-9))
    if prior_share is not None:
        overall = prior_share
    level, group = choose_groups(keys, size, chain, min_peers, min_n)
    for g, members in group_members(keys, group).items():
        good = members[eligible[members]]
        rows_g = np.flatnonzero(group == g)
        kk, nn = k[good], n[good]
        rates = kk / np.maximum(nn, 1.0)
        inv = 1.0 / np.maximum(nn, 1.0)
        # every row's peers are the group's eligible operators without the row itself: sums
        # less its own part, the spread of the others' rates (leave one out, exactly)
        own = np.minimum(np.searchsorted(good, rows_g), len(good) - 1)  # a group has peers
        inside = good[own] == rows_g
        typical_here = typical and len(good) > TYPICAL_MIN
        sd_loo = _robust_sd_leave_one_out(rates, mad_only=typical_here)
        sd_all = _mad(rates) if typical_here else _robust_sd(rates)
        sum_k = kk.sum() - np.where(inside, kk[own], 0.0)
        sum_n = nn.sum() - np.where(inside, nn[own], 0.0)
        count = len(good) - inside.astype(int)
        if typical_here:
            # the typical peer's share (the others' median), not the pooled one: two or three
            # misusers of one kind in a group of a dozen do not make it usual
            med = np.where(inside, median_without_each(rates)[own], float(np.median(rates)))
            sum_k = med * sum_n
        pooled = (sum_k + prior_weight * overall) / (sum_n + prior_weight)
        sd = np.where(inside, sd_loo[own], sd_all)
        mean_inv = (inv.sum() - np.where(inside, inv[own], 0.0)) / np.maximum(count, 1)
        tau2 = np.maximum(sd**2 - pooled * mean_inv, 0.0)
        mu[rows_g] = np.maximum(pooled, 1e-6)
        with np.errstate(divide="ignore", invalid="ignore"):
            spread = np.clip(mu[rows_g] ** 2 / tau2, KAPPA_MIN, KAPPA_MAX)
        kappa[rows_g] = np.where(tau2 > 0, spread, KAPPA_MAX)
        peers[rows_g] = count
    return Baseline(mu, kappa, level, peers)


def nb_evidence(k: np.ndarray, expected: np.ndarray, kappa: np.ndarray | float) -> np.ndarray:
    """-log10 P(K >= k) for K negative binomial with the given mean and gamma shape kappa
    (kappa -> infinity is Poisson); 0 when k = 0."""
    k = np.asarray(k, dtype=float)
    mean = np.asarray(expected, dtype=float)
    known = ~np.isnan(mean)
    mean = np.maximum(np.nan_to_num(mean), 1e-9)
    kappa = np.broadcast_to(np.asarray(kappa, dtype=float), k.shape)
    p = kappa / (kappa + mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = -nbinom.logsf(k - 1, kappa, p) / np.log(10)
    e = np.nan_to_num(e, nan=0.0, posinf=EVIDENCE_CAP)
    return np.clip(np.where((k > 0) & known, e, 0.0), 0.0, EVIDENCE_CAP)


def tail_evidence(statistic: np.ndarray, chances: np.ndarray, tail_share: np.ndarray) -> np.ndarray:
    """Evidence that an operator's largest item (a person looked up on many days, a reference
    used for many persons) is unusual: -log10 of the chance that at least one of their
    `chances` items reaches it, when a share `tail_share` of their peers' items do."""
    p = 1.0 - np.power(1.0 - np.clip(tail_share, 0.0, 1.0), np.maximum(chances, 1.0))
    with np.errstate(divide="ignore"):
        e = -np.log10(np.maximum(p, 10**-EVIDENCE_CAP))
    return np.where(np.asarray(statistic) > 0, np.clip(e, 0.0, EVIDENCE_CAP), 0.0)
