"""The unsupervised part: an IsolationForest over per operator-window deviation features.

Every feature is already a deviation from the operator's own baseline or from peers (log ratios
and Poisson z-scores), so the forest looks for windows unusual in combination, including kinds
of misuse that no rule names. Deterministic (fixed random_state).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl
from sklearn.ensemble import IsolationForest

from scoring.anomaly_baseline import loo_median
from scoring.anomaly_signals import Signals

TREES = 200
# signals whose evidence (-log10 p, already relative to own and peer baselines) is a feature
EVIDENCE_FEATURES = ("unauth", "hours", "days", "kin", "neighbours", "colleagues", "sensitive",
                     "out_county", "repeat", "purpose")  # fmt: skip
RATIO_FEATURES = ("vol_own", "vol_peer", "max_day", "distinct")  # scaled by their spread


@dataclass
class ModelScores:
    percentile: np.ndarray  # 0-100, higher = more unusual among all operator-windows
    top_feature: np.ndarray  # name of the most deviating feature
    top_value: np.ndarray  # its robust z-score


def _z(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    return (k - mu) / np.sqrt(mu + 1.0)


def deviation_features(f: pl.DataFrame, s: Signals) -> dict[str, np.ndarray]:
    """Deviation features (higher = more unusual) per operator-window."""
    nb = s.numbers
    ops = f["op"].to_numpy()
    n = f["n"].to_numpy().astype(float)
    # the busiest day without the largest authorised batch (a batch usually fills one day)
    busiest = np.maximum(
        f["max_day"].to_numpy() - f["batch_max"].to_numpy(),
        n / np.maximum(f["active_days"].to_numpy(), 1),
    )
    log_max = np.log1p(busiest.astype(float))
    distinct = f["subjects"].to_numpy() / np.maximum(n, 1.0)
    ok = np.ones(len(n), dtype=bool)
    unknown_rate = f["unknown_n"].sum() / max(n.sum(), 1.0)
    return {
        "vol_own": np.nan_to_num(np.log1p(nb["vol_u"]) - np.log1p(nb["vol_own"])),
        "vol_peer": np.nan_to_num(np.log1p(nb["vol_u"]) - np.log1p(nb["vol_peer"])),
        "max_day": np.nan_to_num(log_max - loo_median(ops, log_max, ok)),
        **{k: s.evidence[k] for k in EVIDENCE_FEATURES},
        "distinct": np.nan_to_num(distinct - loo_median(ops, distinct, n >= 20)) * 10.0,
        "unknown": _z(f["unknown_n"].to_numpy(), unknown_rate * n),
    }


def model_scores(f: pl.DataFrame, s: Signals) -> ModelScores:
    feats = deviation_features(f, s)
    names = list(feats)
    x = np.column_stack([feats[k] for k in names])
    # ratios are put on a common scale by their spread; evidence and z-scores already are
    ratio = np.array([k in RATIO_FEATURES for k in names])
    med = np.where(ratio, np.median(x, axis=0), 0.0)
    mad = np.median(np.abs(x - med), axis=0) * 1.4826
    scale = np.where(ratio, np.maximum(mad, 0.1), 1.0)
    z = (x - med) / scale
    if len(x) < 20:
        raw = np.abs(z).max(axis=1)
    else:
        forest = IsolationForest(n_estimators=TREES, random_state=0, n_jobs=1)
        forest.fit(np.clip(z, -20, 20))
        raw = -forest.score_samples(np.clip(z, -20, 20))
    order = raw.argsort(kind="stable")
    pct = np.empty(len(raw))
    pct[order] = 100.0 * (np.arange(len(raw)) + 0.5) / max(len(raw), 1)
    top = z.argmax(axis=1)
    return ModelScores(pct, np.array(names)[top], z[np.arange(len(z)), top])
