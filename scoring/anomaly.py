"""The query-log anomaly detector: windows -> features -> signals + model -> scored alerts.

`detect` reads the log one ISO week at a time (aggregated in the database), computes per
operator-week features, compares them with the operator's own other weeks and with peers (same
department and role), fires explainable rules and combines them with an IsolationForest into one
score per alert. It never reads the misuse label tables.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl
from sqlalchemy import Engine

from scoring import anomaly_source as source
from scoring.anomaly_features import (
    H_COLS,
    colleague_pairs,
    daily_counts,
    off_day_counts,
    off_days,
    prepare_operators,
    window_features,
)
from scoring.anomaly_model import model_scores
from scoring.anomaly_reasons import model_reason, reason
from scoring.anomaly_signals import REPEAT_TRAIL_WEEKS, SIGNALS, compute_signals
from scoring.anomaly_windows import LOOKBACK_WEEKS, week_windows

DETECTOR_VERSION = "anomaly-1.0"
SECONDARY_WEIGHT = 0.25  # weight of every fired signal after the strongest
MODEL_BONUS = 5.0  # added for windows in the model's most unusual 5 %
MODEL_ONLY_PERCENTILE = 99.8  # a model-only alert needs this percentile ...
MODEL_ONLY_Z = 4.0  # ... and a feature this many robust standard deviations off
MODEL_ONLY_BASE = 3.0

Progress = Callable[[str], None]


@dataclass
class Alert:
    operator_id: str
    window_start: dt.datetime
    window_end: dt.datetime
    score: float
    reasons_zh: list[str]
    reasons_en: list[str]
    signals: list[str]


def _read(engine: Engine, date_from: dt.date, date_to: dt.date, progress: Progress):
    windows = week_windows(date_from, date_to, LOOKBACK_WEEKS)
    trail_cols = ["op", "subject", "n", "unauth", "first", "last"]
    frames, purpose_frames, daily_frames = [], [], []
    trail: deque[pl.DataFrame] = deque(maxlen=REPEAT_TRAIL_WEEKS)
    with engine.connect() as conn:
        ops = prepare_operators(source.operators(conn))
        mates = colleague_pairs(ops)
        sizes = source.county_sizes(conn)
        for i, w in enumerate(windows):
            hourly = source.hourly(conn, w.start, w.end)
            subj = source.subjects(conn, w.start, w.end)
            trail.append(subj.select(trail_cols))
            feats = window_features(
                i, w, hourly, subj, source.batches(conn, w.start, w.end),
                pl.concat(list(trail)), ops, mates,
            )  # fmt: skip
            if not feats.is_empty():
                daily_frames.append(daily_counts(hourly, w, i))
                days = (w.end - w.start).days
                frames.append(feats.with_columns(days=pl.lit(days, pl.Int32)))
                purpose_frames.append(
                    source.purposes(conn, w.start, w.end).with_columns(win=pl.lit(i, pl.Int32))
                )
            if w.scored or i == len(windows) - 1:
                progress(f"week {w.start:%Y-%m-%d}: {int(hourly['n'].sum()):,} lookups read")
    if frames:
        daily = pl.concat(daily_frames)
        closed = off_days(daily)
        counts = off_day_counts(daily, closed)
        dates = set(closed["date"].to_list())
        frames = [
            fr.join(counts, on=["op", "win"], how="left").with_columns(
                pl.col("off_n", "off_unauth").fill_null(0),
                pl.col("off_dates").fill_null(""),
                off_days=pl.lit(_days_in(windows[fr["win"][0]], dates), pl.Int32),
            )
            for fr in frames
        ]
    return ops, sizes, frames, purpose_frames


def _days_in(window, dates: set[dt.date]) -> int:
    n = (window.end - window.start).days
    return sum(window.start.date() + dt.timedelta(days=k) in dates for k in range(n))


def detect(
    engine: Engine,
    date_from: dt.date,
    date_to: dt.date,
    progress: Progress | None = None,
) -> list[Alert]:
    """Alerts for the operator-weeks between the dates (inclusive), most suspicious first."""
    say = progress or (lambda _msg: None)
    ops, sizes, frames, purpose_frames = _read(engine, date_from, date_to, say)
    if not frames:
        return []
    f = pl.concat(frames, how="diagonal_relaxed")
    f = f.join(ops.select("op", "dept", "role", "op_county"), on="op", how="left")
    # a fixed row order: the same input gives the same model on every engine and run
    f = f.with_columns(pl.col("dept", "role").fill_null("?")).sort("win", "op")
    say(f"scoring {f.height:,} operator-weeks")
    signals = compute_signals(f, pl.concat(purpose_frames), sizes)
    model = model_scores(f, signals)
    alerts = _assemble(f, signals, model)
    alerts.sort(key=lambda a: (-a.score, a.operator_id, a.window_start))
    return alerts


def _assemble(f: pl.DataFrame, signals, model) -> list[Alert]:
    scored = f["scored"].to_numpy()
    fired = np.column_stack([signals.fires[s] for s in SIGNALS])
    ev = np.column_stack([signals.evidence[s] for s in SIGNALS])
    bonus = MODEL_BONUS * np.clip((model.percentile - 95.0) / 5.0, 0.0, 1.0)
    model_only = (model.percentile >= MODEL_ONLY_PERCENTILE) & (model.top_value >= MODEL_ONLY_Z)
    candidates = np.flatnonzero(scored & (fired.any(axis=1) | model_only))
    hours = f.select(H_COLS).to_numpy()
    rows = f.to_dicts() if len(candidates) else []
    out: list[Alert] = []
    for i in candidates:
        row = rows[i]
        nums = {k: v[i] for k, v in signals.numbers.items() if not k.endswith("_rare")}
        nums["hours_list"] = [h for h in range(24) if signals.numbers["hours_rare"][i, h]
                              and hours[i, h] > 0]  # fmt: skip
        order = [j for j in np.argsort(-ev[i]) if fired[i, j]]
        zh, en, names = [], [], []
        for j in order:
            a, b = reason(SIGNALS[j], row, nums)
            zh.append(a)
            en.append(b)
            names.append(SIGNALS[j])
        if order:
            e = ev[i, order]
            score = float(e[0] + SECONDARY_WEIGHT * e[1:].sum() + bonus[i])
        else:
            score = float(MODEL_ONLY_BASE + bonus[i])
        if model_only[i] or not order:
            a, b = model_reason(str(model.top_feature[i]), float(model.top_value[i]),
                                float(model.percentile[i]))  # fmt: skip
            zh.append(a)
            en.append(b)
            names.append("model")
        out.append(Alert(row["op"], row["start"], row["end"], round(score, 2), zh, en, names))
    return out
