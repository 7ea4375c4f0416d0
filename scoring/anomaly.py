"""The query-log anomaly detector: aggregates -> evidence at two horizons -> scored alerts.

`detect` reads the log one ISO week at a time (aggregated in the database) and judges every
operator twice:
- over the whole scored range (anomaly_range): thin misuse spread over weeks adds up there;
- week by week against the operator's own other weeks (anomaly_weekly, plus the volume signal).
Every signal is a share judged against peers of the same remit (department, role, level), and
its evidence is -log10 p corrected for the number of windows looked at, so one score ranks alerts
of either horizon across operators. A range alert names its episode: the first and last of the
lookups that make its strongest signal. It never reads the misuse label tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl
from sqlalchemy import Engine

from data_access.clock import city_today
from data_access.queries import anomaly_week_store as week_store
from scoring import anomaly_source as source
from scoring.anomaly_burst import burst_days
from scoring.anomaly_features import (
    colleague_pairs,
    daily_counts,
    flag_pairs,
    off_day_counts,
    off_days,
    prepare_operators,
    window_features,
)
from scoring.anomaly_range import RANGE_SIGNALS, range_evidence, with_history
from scoring.anomaly_reasons import (
    burst_reason,
    range_reason,
    unauthorised_reason,
    volume_reason,
    week_reason,
)
from scoring.anomaly_signals import volume_signal
from scoring.anomaly_weekly import WEEKLY, weekly_evidence
from scoring.anomaly_windows import LOOKBACK_WEEKS, week_windows

DETECTOR_VERSION = "anomaly-2.27"
FIRE = 4.0  # evidence (-log10 p, after the correction for windows) that raises an alert
SUPPORT = 2.0  # evidence of a further signal that adds to the score and is given as a reason
SECONDARY_WEIGHT = 0.5  # weight of every supporting signal after the strongest
SUPPORT_CAP = 12.0
# whom an operator looks up (kin, neighbours, colleagues, the watch list, a sudden case's person
# from outside it) counts this many times its -log10 p in the score: across 13 development logs
# an operator whose strongest relationship evidence is 3-5 is a misuser a third of the time (25 of
# 71), one whose strongest habit is at its cap of 5 only 15 % (70 of 467)
RELATION_WEIGHT = 1.5
RELATIONS = ("kin", "neighbours", "colleagues", "sensitive", "crowd", "family")
RANGE_MIN_DAYS = 14  # shorter ranges get week alerts only
# signals that count the same lookups: other counties' residents, and those of the one county the
# operator's out-of-county lookups lean to; an account's lookups after its silence, and those while
# its ordinary work stopped. Both are reasons; only the stronger adds to the score
SAME_LOOKUPS = (("out_county", "out_focus"), ("dormant", "trickle"), ("streak", "trickle"),
                ("terminal", "desk"), ("dormant", "desk"), ("kin", "family"),
                ("unauth", "rapid"), ("streak", "rapid"))  # fmt: skip

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
    horizon: str = "week"  # week | range
    lookups: int = 0  # lookups that make the strongest signal
    baseline: str = ""  # the peer group the evidence was judged against


@dataclass
class _Log:
    ops: pl.DataFrame
    weeks: pl.DataFrame  # per operator-window features (look-back weeks too)
    pairs: pl.DataFrame  # per operator and person over the scored range
    hourly: pl.DataFrame  # op, date, hour, n, unauth over the scored range
    purposes: pl.DataFrame  # op, date, purpose, n, win (look-back weeks too)
    refs: pl.DataFrame  # op, ref, n, persons, days, first, last over the scored range
    terminals: pl.DataFrame  # op, terminal, n, unauth, first, last, win (look-back weeks too)
    closed: set
    batch: pl.DataFrame  # op, ref, at, s_county, s_birth: lookups of batch runs in the range
    borrowed: pl.DataFrame | None = None  # op, subject, ref, at: anomaly_source.borrowed_persons
    daily: pl.DataFrame | None = None  # op, win, date, n, unauth (look-back weeks too)
    register: tuple[int, int] | None = None  # registered persons, of them on the watch list
    term_days: pl.DataFrame | None = None  # op, date, terminal, n over the scored range
    rapid: pl.DataFrame | None = None  # anomaly_source.rapid_unauthorised over the scored range


PAIR_KEYS = ["op", "subject"]
PERSON_COLS = ["s_county", "s_res", "s_name", "s_sensitive"]


def _whole_week(w) -> bool:
    """A look-back week of seven days that has ended (only such weeks are stored: lookups the
    dashboard logs itself, not through the importer, fall in the current week)."""
    ended = w.end.date() <= city_today()
    return not w.scored and (w.end - w.start).days == 7 and ended


def _read(engine: Engine, date_from: dt.date, date_to: dt.date, say: Progress) -> _Log | None:
    windows = week_windows(date_from, date_to, LOOKBACK_WEEKS)
    if (date_to - date_from).days + 1 < RANGE_MIN_DAYS:
        # a daily run: the stored whole weeks are the history; the days of the range's own week
        # before it are not read (on the city they would cost as much as the stored weeks save)
        windows = [w for w in windows if w.scored or _whole_week(w)]
    weeks, daily, pairs, hourly, purposes, refs, terms, runs = [], [], [], [], [], [], [], []
    to_store: dict[dt.date, dict[str, pl.DataFrame]] = {}
    with engine.connect() as conn:
        ops = prepare_operators(source.operators(conn))
        register = source.register_watch_list(conn)
        mates = colleague_pairs(ops)
        generation = week_store.generation(conn)
        stored_weeks = {
            i: week_store.load_week(conn, w.start.date(), DETECTOR_VERSION, generation)
            for i, w in enumerate(windows)
            if _whole_week(w)
        }
        unread = [w for i, w in enumerate(windows) if stored_weeks.get(i) is None]
        persons = (
            source.persons_looked_up(conn, unread[0].start, unread[-1].end)
            if unread
            else pl.DataFrame(schema=source.PERSONS_SCHEMA)
        )
        for i, w in enumerate(windows):
            stored = stored_weeks.get(i)
            if stored is not None:  # a look-back week read before: the same frames, renumbered
                win = pl.lit(i, pl.Int32).alias("win")
                weeks.append(stored["features"].with_columns(win))
                daily.append(stored["daily"].with_columns(win))
                purposes.append(stored["purposes"].with_columns(win))
                terms.append(stored["terminals"].with_columns(win))
                continue
            hour = source.hourly(conn, w.start, w.end)
            if hour.is_empty():
                continue
            subj = source.with_persons(source.subjects(conn, w.start, w.end), persons)
            refs_w = source.references(conn, w.start, w.end)
            feats = window_features(i, w, hour, subj, source.batches(refs_w), ops, mates)
            weeks.append(feats.with_columns(days=pl.lit((w.end - w.start).days, pl.Int32)))
            days = daily_counts(hour, w, i)
            daily.append(days)
            purposes.append(source.purposes(conn, w.start, w.end).with_columns(
                win=pl.lit(i, pl.Int32)))  # fmt: skip
            terms.append(source.terminals(conn, w.start, w.end).with_columns(
                win=pl.lit(i, pl.Int32), scored=pl.lit(w.scored)))  # fmt: skip
            if _whole_week(w):
                to_store[w.start.date()] = {"features": weeks[-1], "daily": days,
                                            "purposes": purposes[-1], "terminals": terms[-1]}  # fmt: skip
            if w.scored:
                pairs.append(subj)
                calendar = days.select("date").unique().with_columns(
                    day=pl.col("date").dt.day().cast(pl.Int32))  # fmt: skip
                hourly.append(hour.join(calendar, on="day").drop("day"))
                refs.append(refs_w)
                runs.append(source.batch_lookups(conn, w.start, w.end))
                say(f"week {w.start:%Y-%m-%d}: {int(hour['n'].sum()):,} lookups read")
        borrowed = None  # references carried over from person to person: a range signal
        term_days = None  # terminals per day: someone else's desk for a stretch
        rapid = None  # lookups without authorisation, several to a minute
        if pairs and (date_to - date_from).days + 1 >= RANGE_MIN_DAYS:
            lo = dt.datetime.combine(date_from, dt.time())
            hi = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
            borrowed = source.borrowed_persons(conn, lo, hi)
            term_days = source.terminal_days(conn, lo, hi)
            rapid = source.rapid_unauthorised(conn, lo, hi)
            # a reference typed once a week for weeks is used twice in no week: the range's
            # references are counted over the range, not summed over its weeks
            refs = [source.references(conn, lo, hi)]
    week_store.store_weeks(engine, to_store, DETECTOR_VERSION, generation)
    if not pairs:
        return None
    daily_all = pl.concat(daily)
    closed = off_days(daily_all)
    counts = off_day_counts(daily_all, closed)
    weeks_f = (
        pl.concat(weeks, how="diagonal_relaxed")
        .join(counts, on=["op", "win"], how="left")
        .with_columns(pl.col("off_n", "off_unauth").fill_null(0), pl.col("off_dates").fill_null(""))
    )
    all_pairs = pl.concat(pairs)
    merged = all_pairs.group_by(PAIR_KEYS).agg(
        pl.col("n").sum(), pl.col("unauth").sum(), pl.col("days").sum(), pl.col("n_ref").sum(),
        pl.col("ref_min").min(), pl.col("ref_max").max(),
        pl.col("first").min(), pl.col("last").max(), *[pl.col(c).first() for c in PERSON_COLS],
    )  # fmt: skip
    return _Log(
        ops, weeks_f, flag_pairs(merged, ops, mates), pl.concat(hourly), pl.concat(purposes),
        pl.concat(refs), pl.concat(terms), set(closed["date"].to_list()), pl.concat(runs),
        borrowed, daily_all, register, term_days, rapid,
    )  # fmt: skip


def detect(
    engine: Engine,
    date_from: dt.date,
    date_to: dt.date,
    progress: Progress | None = None,
) -> list[Alert]:
    """Alerts for the range between the dates (inclusive), most suspicious first."""
    say = progress or (lambda _msg: None)
    log = _read(engine, date_from, date_to, say)
    if log is None:
        return _with_suspensions(engine, [], date_from, date_to)
    scored_purposes = log.purposes.filter(pl.col("date") >= date_from, pl.col("date") <= date_to)
    say(f"scoring {log.pairs['op'].n_unique():,} operators over the range")
    rng = range_evidence(log.ops, log.pairs, log.hourly, scored_purposes, log.refs,
                         log.terminals, log.closed, log.batch, log.borrowed,
                         log.register, log.term_days, log.rapid)  # fmt: skip
    rng = with_history(rng, log.weeks.filter(~pl.col("scored")))
    lo = dt.datetime.combine(date_from, dt.time())
    hi = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
    # a range of a few days is the weekly view's job (the daily run); the range horizon adds
    # what accumulates over weeks
    alerts = _range_alerts(rng, lo, hi) if (date_to - date_from).days + 1 >= RANGE_MIN_DAYS else []
    f = log.weeks.join(log.ops.select("op", "dept", "role", "op_county"), on="op", how="left")
    f = f.with_columns(pl.col("dept", "role").fill_null("?")).sort("win", "op")
    say(f"scoring {f.filter(pl.col('scored')).height:,} operator-weeks")
    ev, expected, f = weekly_evidence(f, rng, rng.rare_purposes, log.purposes, log.terminals)
    vol = volume_signal(f)
    ev["volume"] = vol.pop("evidence")
    if log.daily is not None:
        scored_wins = f.filter(pl.col("scored"))["win"].unique().to_list()
        f = f.join(burst_days(log.daily, log.ops, scored_wins), on=["op", "win"], how="left")
        ev["burst"] = f["burst_ev"].fill_null(0.0).to_numpy()
    alerts += _week_alerts(f, ev, expected, vol, rng)
    best: dict[tuple, Alert] = {}
    for a in alerts:  # one alert per operator and window
        key = (a.operator_id, a.window_start, a.window_end)
        if key not in best or a.score > best[key].score:
            best[key] = a
    out = sorted(best.values(), key=lambda a: (-a.score, a.operator_id, a.window_start))
    return _with_suspensions(engine, out, date_from, date_to)


def _with_suspensions(
    engine: Engine, alerts: list[Alert], date_from: dt.date, date_to: dt.date
) -> list[Alert]:
    """Suspended operators (scoring.anomaly_suspension): a lookup after the suspension raises
    an alert by itself, and every later alert of the operator says they are suspended."""
    from scoring.anomaly_suspension import note_suspensions

    with engine.connect() as conn:
        suspended = source.suspended(conn)
        if suspended.is_empty():
            return alerts
        after = [
            (w.start, w.end, source.after_suspension(conn, w.start, w.end))
            for w in week_windows(date_from, date_to, 0)
            if w.scored
        ]
    return note_suspensions(alerts, suspended, after)


def _score(values: list[float]) -> float:
    top, *rest = sorted(values, reverse=True)
    return float(top + SECONDARY_WEIGHT * sum(min(v, SUPPORT_CAP) for v in rest if v >= SUPPORT))


def _range_alerts(rng, lo: dt.datetime, hi: dt.datetime) -> list[Alert]:
    f = rng.frame
    ev = _weighted(RANGE_SIGNALS, [rng.evidence[s] for s in RANGE_SIGNALS])
    scored = _once(ev)
    out: list[Alert] = []
    spans = {s: {r["op"]: r for r in rng.flagged[s].to_dicts()} for s in RANGE_SIGNALS}
    rows = f.to_dicts()
    # several independent signals of moderate evidence add up (thin misuse that shows in two
    # ways), so the combined score, not only the strongest signal, raises a range alert
    parts = _parts(rng, scored)
    combined = np.array([_score(list(r[r >= SUPPORT]) + list(q[q >= SUPPORT]))
                         if (r >= SUPPORT).any() else 0.0
                         for r, q in zip(scored, parts, strict=True)])  # fmt: skip
    for i in np.flatnonzero(combined >= FIRE):
        row = rows[i]
        order = [j for j in np.argsort(-ev[i], kind="stable") if ev[i, j] >= SUPPORT]
        names = [RANGE_SIGNALS[j] for j in order]
        zh, en = [], []
        for j, name in zip(order, names, strict=True):
            a, b = range_reason(name, row, rng, i)
            zh.append(a)
            en.append(b)
            if parts[i, j] >= SUPPORT:  # the same lookups, mostly without authorisation
                a, b = unauthorised_reason(name, row, rng.unauthorised[name], i)
                zh.append(a)
                en.append(b)
        span = spans[names[0]].get(row["op"])
        first = span["first"] if span else lo
        last = span["last"] if span else hi
        start = max(lo, _floor_day(first))
        end = min(hi, _floor_day(last) + dt.timedelta(days=1))
        base = rng.baseline.get(names[0])
        part = rng.unauthorised.get(names[0])
        baseline = str(base.level[i]) if base is not None else ""
        if part is not None and part.led[i]:  # judged against the operator's own other lookups
            baseline = "own"
        out.append(Alert(
            row["op"], start, end, round(float(combined[i]), 2), zh, en, names,
            horizon="range", lookups=int(span["n"]) if span else 0, baseline=baseline,
        ))  # fmt: skip
    return out


def _parts(rng, scored: np.ndarray) -> np.ndarray:
    """Per operator and range signal (scored: the evidence as it adds to the score, _once): the
    evidence of a habit's unauthorised part where the habit against the peers made the signal's
    evidence, else 0. Given how many lookups the habit counts (Sunday work, nights, another
    county), how many of them lack an authorisation the operator's other lookups have is a
    second finding: Sunday lookups that are all without a reference, by an operator whose
    weekday work nearly always has one, add to the Sundays instead of being the weaker of the
    two."""
    out = np.zeros_like(scored)
    for j, name in enumerate(RANGE_SIGNALS):
        part = rng.unauthorised.get(name)
        if part is not None:
            out[:, j] = np.where(~part.led & (scored[:, j] >= SUPPORT), part.evidence, 0.0)
    return out


def _weighted(names: Sequence[str], columns: list[np.ndarray]) -> np.ndarray:
    """The evidence matrix (operators x names) as it counts in the score: a relationship's
    (RELATIONS) RELATION_WEIGHT times its -log10 p."""
    return np.column_stack(
        [
            c * (RELATION_WEIGHT if name in RELATIONS else 1.0)
            for name, c in zip(names, columns, strict=True)
        ]
    )


def _once(ev: np.ndarray) -> np.ndarray:
    """The evidence matrix (operators x RANGE_SIGNALS) as it adds to the score: of signals that
    count the same lookups (SAME_LOOKUPS), the weaker adds nothing."""
    out = ev.copy()
    for a, b in SAME_LOOKUPS:
        i, j = RANGE_SIGNALS.index(a), RANGE_SIGNALS.index(b)
        weaker = np.where(ev[:, i] >= ev[:, j], j, i)
        out[np.arange(len(ev)), weaker] = 0.0
    return out


def _floor_day(t) -> dt.datetime:
    t = t if isinstance(t, dt.datetime) else dt.datetime.fromisoformat(str(t))
    return dt.datetime.combine(t.date(), dt.time())


def _week_alerts(f: pl.DataFrame, ev: dict, expected: dict, vol: dict, rng) -> list[Alert]:
    names = [name for name in (*WEEKLY, "volume", "burst") if name in ev]
    m = np.column_stack([ev[s] for s in names])
    out: list[Alert] = []
    candidates = np.flatnonzero(f["scored"].to_numpy() & (m.max(axis=1) >= FIRE))
    if not len(candidates):
        return out
    rows = f.to_dicts()
    for i in candidates:
        row = rows[i]
        order = [j for j in np.argsort(-m[i], kind="stable") if m[i, j] >= SUPPORT]
        zh, en, fired = [], [], []
        for j in order:
            name = names[j]
            if name == "volume":
                a, b = volume_reason({k: v[i] for k, v in vol.items()})
            elif name == "burst":
                a, b = burst_reason(row)
            else:
                a, b = week_reason(name, row, float(expected[name][i]))
            zh.append(a)
            en.append(b)
            fired.append(name)
        out.append(Alert(row["op"], row["start"], row["end"], round(_score(list(m[i, order])), 2),
                         zh, en, fired, horizon="week"))  # fmt: skip
    return out
