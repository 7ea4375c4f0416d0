"""Benchmark: the query-log anomaly detector on the generator's labelled demo logs.

    python benchmarks/anomaly.py [--seeds 2018 7] [--dir DIR] [--db URL ...] [--as-of 2026-11-27]

For each seed builds the demo city into DIR/demo-<seed>.db (reused when it exists), or uses the
given --db URLs, runs the detector over the whole log (timed) and reports, from the labels (only
this benchmark reads misuse_episode; an alert matches an episode of the same operator whose time
span overlaps the alert's window):
- precision at the top k alerts, and recall per misuse kind (with the best rank);
- false alarms on legitimate patterns, per operator-week: authorised batch checks (one reference
  for >= 50 lookups), duty officers' night-shift weeks, the catch-up weeks after a leave (5+
  working days without a lookup, then the next five working days), and busy days (>= 1.5 times
  the operator's median working day);
- false alarms overall per 1,000 operator-weeks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np
import polars as pl
from sqlalchemy import func, select

from data_access import models as m
from data_access.engine import get_engine
from scoring.anomaly import detect

Q = m.QueryLog.__table__
TOP_K = (5, 10, 20, 50)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _build(directory: Path, seed: int, as_of: str) -> str:
    path = directory / f"demo-{seed}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        cmd = [sys.executable, "-m", "seed_data", "--db", url, "--scale", "demo",
               "--seed", str(seed), "--as-of", as_of]  # fmt: skip
        subprocess.run(cmd, check=True, cwd=Path(__file__).resolve().parent.parent)
    return url


def _episodes(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(m.MisuseEpisode.__table__)).mappings().all()
    return [dict(r) for r in rows]


def _op_days(engine) -> pl.DataFrame:
    day = func.date(Q.c.queried_at)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Q.c.operator_id, day, func.count()).group_by(Q.c.operator_id, day)
        ).all()
        roles = dict(conn.execute(select(m.Operator.operator_id, m.Operator.role)).all())
    f = pl.DataFrame(rows, schema=["op", "day", "n"], orient="row").with_columns(
        pl.col("day").cast(pl.String).str.to_date()
    )
    return f.with_columns(role=pl.col("op").replace_strict(roles, default="?"))


def _legit_weeks(engine, days: pl.DataFrame) -> dict[str, set[tuple[str, dt.date]]]:
    out: dict[str, set] = defaultdict(set)
    with engine.connect() as conn:
        batches = conn.execute(
            select(Q.c.operator_id, func.min(Q.c.queried_at))
            .where(Q.c.authorization_ref.is_not(None), Q.c.purpose_code.is_not(None))
            .group_by(Q.c.operator_id, Q.c.authorization_ref)
            .having(func.count() >= 50)
        ).all()
    for op, first in batches:
        first = first if isinstance(first, dt.datetime) else dt.datetime.fromisoformat(str(first))
        out["batch check"].add((op, _monday(first.date())))
    for op, day in days.filter(pl.col("role") == "duty_officer").select("op", "day").iter_rows():
        out["night shift"].add((op, _monday(day)))
    # working days: weekdays on which most day-shift operators worked
    day_shift = days.filter(pl.col("role") != "duty_officer")
    per_day = day_shift.group_by("day").agg(pl.len().alias("ops")).sort("day")
    busy_cut = per_day["ops"].median() * 0.5
    workdays = [d for d, k in per_day.iter_rows() if k >= busy_cut]
    for op in day_shift["op"].unique().to_list():
        mine = day_shift.filter(pl.col("op") == op)
        active = set(mine["day"].to_list())
        counts = dict(zip(mine["day"].to_list(), mine["n"].to_list(), strict=True))
        median = float(np.median([counts.get(d, 0) for d in workdays])) if workdays else 0.0
        run = 0
        for i, d in enumerate(workdays):
            if d in active:
                if run >= 5:
                    for later in workdays[i : i + 5]:
                        out["catch-up after leave"].add((op, _monday(later)))
                run = 0
                if median >= 5 and counts[d] >= 1.5 * median:
                    out["busy day"].add((op, _monday(d)))
            else:
                run += 1
    return out


def _overlaps(alert, episode) -> bool:
    return (
        alert.operator_id == episode["operator_id"]
        and _dt(episode["started_at"]) < alert.window_end
        and _dt(episode["ended_at"]) >= alert.window_start
    )


def _dt(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def evaluate(url: str) -> dict:
    engine = get_engine(url)
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(Q.c.queried_at), func.max(Q.c.queried_at))).one()
        n_rows = conn.scalar(select(func.count()).select_from(Q))
    start, end = _dt(first).date(), _dt(last).date()
    t = time.perf_counter()
    alerts = detect(engine, start, end)
    seconds = time.perf_counter() - t
    episodes = _episodes(engine)
    days = _op_days(engine)
    op_weeks = days.with_columns(w=pl.col("day").dt.truncate("1w")).select("op", "w").unique()
    hit = [any(_overlaps(a, e) for e in episodes) for a in alerts]
    result = {"url": url, "rows": n_rows, "seconds": seconds, "alerts": len(alerts),
              "op_weeks": op_weeks.height, "precision": {}, "kinds": {}, "legit": {}}  # fmt: skip
    for k in (*TOP_K, len(alerts)):
        top = hit[:k]
        result["precision"][k] = (sum(top) / len(top)) if top else float("nan")
    for e in episodes:
        ranks = [i + 1 for i, a in enumerate(alerts) if _overlaps(a, e)]
        result["kinds"].setdefault(e["kind"], []).append(ranks[0] if ranks else None)
    false = {
        (a.operator_id, a.window_start.date()) for a, h in zip(alerts, hit, strict=True) if not h
    }
    for pattern, weeks in _legit_weeks(engine, days).items():
        flagged = len(weeks & false)
        result["legit"][pattern] = (flagged, len(weeks))
    result["false_total"] = len(false)
    return result


def report(r: dict) -> None:
    print(f"\n## {r['url']}")
    print(f"{r['rows']:,} lookups, {r['op_weeks']:,} operator-weeks scored in {r['seconds']:.1f} s "
          f"({r['rows'] / r['seconds']:,.0f} rows/s); {r['alerts']} alerts")  # fmt: skip
    print("\n| top k | precision |\n|---|---|")
    for k, p in r["precision"].items():
        print(f"| {k} | {p:.2f} |")
    print("\n| misuse kind | episodes | detected | rank of first alert |\n|---|---|---|---|")
    for kind, ranks in sorted(r["kinds"].items()):
        found = [x for x in ranks if x is not None]
        shown = ", ".join("-" if x is None else str(x) for x in ranks)
        print(f"| {kind} | {len(ranks)} | {len(found)} | {shown} |")
    print(
        "\n| legitimate pattern | operator-weeks | with a false alarm | rate |\n|---|---|---|---|"
    )
    for pattern, (flagged, total) in sorted(r["legit"].items()):
        print(f"| {pattern} | {total} | {flagged} | {flagged / max(total, 1):.3f} |")
    per_k = 1000 * r["false_total"] / max(r["op_weeks"], 1)
    print(f"\nfalse alarms overall: {r['false_total']} ({per_k:.1f} per 1,000 operator-weeks)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="*", default=[2018, 7])
    parser.add_argument("--db", nargs="*", default=[], help="labelled databases to use instead")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/anomaly-bench"))
    parser.add_argument("--as-of", default="2026-11-27")
    args = parser.parse_args()
    urls = list(args.db)
    if not urls:
        args.dir.mkdir(parents=True, exist_ok=True)
        urls = [_build(args.dir, seed, args.as_of) for seed in args.seeds]
    totals: dict[str, list] = defaultdict(list)
    for url in urls:
        r = evaluate(url)
        report(r)
        for kind, ranks in r["kinds"].items():
            totals[kind] += ranks
    print("\n## all logs\n\n| misuse kind | episodes | detected |\n|---|---|---|")
    for kind, ranks in sorted(totals.items()):
        print(f"| {kind} | {len(ranks)} | {sum(x is not None for x in ranks)} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
