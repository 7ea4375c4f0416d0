"""The weekly volume signal: lookups outside authorised batch checks against the operator's own
usual week and the remit peers' week (same department, role and level).

A week fires at three times the larger of the two and at least VOLUME_EXCESS more lookups, so a
busy day, a catch-up after leave or a seasonal peak that peers share stays quiet.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_baseline import group_median, loo_median

AT_RATIO = 4.0  # evidence of a week at exactly VOLUME_RATIO times the usual (anomaly.FIRE)
VOLUME_RATIO = 3.0
VOLUME_EXCESS = 50


def volume_signal(f: pl.DataFrame) -> dict[str, np.ndarray]:
    """evidence, vol_u, vol_own, vol_peer, vol_ratio per operator-week row of f."""
    n = f["n"].to_numpy().astype(float)
    u = n - f["batch_n"].to_numpy()
    days = f["days"].to_numpy().astype(float)
    weekly = u * 7.0 / days
    full = days >= 7
    own = loo_median(f["op"].to_numpy(), weekly, full)
    level = pl.when(pl.col("op_county").is_null()).then(pl.lit("city")).otherwise(pl.lit("county"))
    keys = (
        f.select(
            pl.concat_str(
                [pl.col("dept"), pl.col("role"), level, pl.col("win").cast(pl.String)],
                separator="|",
            )  # fmt: skip
        )
        .to_series()
        .to_numpy()
    )
    peer = group_median(keys, weekly, f["op"].to_numpy())
    ref = np.fmax(own, peer)  # the larger of own habit and peers' week; nan only if both unknown
    expected = np.where(np.isnan(ref), np.nan, np.maximum(ref, 10.0) * days / 7.0)
    ratio = np.divide(u, expected, out=np.zeros_like(u), where=~np.isnan(expected))
    fire = (ratio >= VOLUME_RATIO) & (u - np.nan_to_num(expected) >= VOLUME_EXCESS)
    e = np.where(fire, AT_RATIO + 4.0 * np.log2(np.maximum(ratio, 1e-9) / VOLUME_RATIO), 0.0)
    return {
        "evidence": np.where(f["scored"].to_numpy(), np.clip(e, 0.0, 40.0), 0.0),
        "vol_u": u,
        "vol_own": own * days / 7.0,
        "vol_peer": peer * days / 7.0,
        "vol_ratio": ratio,
    }
