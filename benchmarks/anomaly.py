"""Benchmark: the query-log anomaly detector, operator by operator, on labelled logs of the seed
city and five hold-out generators, next to an IsolationForest over per-operator totals.

    python benchmarks/anomaly.py [--logs seed:2018 held_a:101 ... held_e:501] [--dir DIR]
                                 [--history-days N] [--db URL]

A log is `GENERATOR:SEED`:
- `seed`: the synthetic city of `seed_data` (demo scale; labels in misuse_episode);
- `held_a` to `held_e`: the hold-out generators in benchmarks/heldout/, written by sessions that saw
  only ../shared/contracts.md and a plain list of misuse kinds, never `scoring/`. Their files go
  through the ordinary importer (contract format); labels come from their labels.csv.

Each log is scored over its labelled range with `detect`, as the command line does. Operators are
ranked by their highest alert score (an operator without an alert is not ranked: a privacy officer
never sees them). With N the number of misusing operators: precision@N (misusers among the first
N), recall@2N (misusers found among the first 2N) and average precision; per misuse kind, the
misusers of that kind among the first 2N. The baseline ranks every operator with an
IsolationForest over their totals in the range (lookups, persons, and the shares without purpose,
without reference, at night, on weekends, of other counties, unknown persons, the watch list).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sqlalchemy import case, func, select  # noqa: E402

from data_access.engine import get_engine  # noqa: E402
from data_access.imports.importer import import_file  # noqa: E402
from data_access.schema import models as m  # noqa: E402
from scoring.anomaly import detect  # noqa: E402

Q = m.QueryLog.__table__
P = m.Person.__table__
OP = m.Operator.__table__
GENERATORS = {"held_a": ROOT / "benchmarks/heldout/gen_a/generate.py",
              "held_b": ROOT / "benchmarks/heldout/gen_b/generate.py",
              "held_c": ROOT / "benchmarks/heldout/gen_c/generate.py",
              "held_d": ROOT / "benchmarks/heldout/gen_d/generate.py",
              "held_e": ROOT / "benchmarks/heldout/gen_e/generate.py"}  # fmt: skip
# gen_e reads the catalogues from a folder named by this variable (the project's own copy here)
GENERATOR_ENV = {"GEN_E_REF_DIR": str(ROOT / "reference_data")}


@dataclass
class Log:
    name: str
    url: str
    date_from: dt.date
    date_to: dt.date
    kinds: dict[str, set[str]] = field(default_factory=dict)  # misusing operator -> kinds


def _seed_log(directory: Path, seed: int, as_of: str) -> Log:
    path = directory / f"seed-{seed}.db"
    url = f"sqlite:///{path}"
    if not path.exists():
        cmd = [sys.executable, "-m", "seed_data", "--db", url, "--scale", "demo",
               "--seed", str(seed), "--as-of", as_of]  # fmt: skip
        subprocess.run(cmd, check=True, cwd=ROOT)
    engine = get_engine(url)
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(Q.c.queried_at), func.max(Q.c.queried_at))).one()
        rows = conn.execute(select(m.MisuseEpisode.operator_id, m.MisuseEpisode.kind)).all()
    kinds: dict[str, set[str]] = defaultdict(set)
    for op, kind in rows:
        kinds[op].add(kind)
    return Log(f"seed:{seed}", url, _dt(first).date(), _dt(last).date(), dict(kinds))


def _held_log(directory: Path, generator: str, seed: int, history_days: int) -> Log:
    out = directory / f"{generator}-{seed}-h{history_days}"
    db = out / "log.db"
    url = f"sqlite:///{db}"
    if not db.exists():
        cmd = [sys.executable, str(GENERATORS[generator]), "--out", str(out), "--seed", str(seed),
               "--history-days", str(history_days)]  # fmt: skip
        env = {**os.environ, **GENERATOR_ENV}
        subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=env)
        engine = get_engine(url)
        for kind, name in (("persons", "persons.csv"), ("operators", "operators.csv"),
                           ("query-log", "query_log.csv")):  # fmt: skip
            result = import_file(engine, kind, out / name)
            if not result.ok:
                raise SystemExit(f"{out / name}: {result.problems[:3]}")
    meta = json.loads((out / "meta.json").read_text(encoding="utf-8"))
    kinds: dict[str, set[str]] = defaultdict(set)
    with open(out / "labels.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kinds[row["operator_id"]].add(row["kind"])
    return Log(f"{generator}:{seed}" + (f" (+{history_days} d history)" if history_days else ""),
               url, dt.date.fromisoformat(meta["from"]), dt.date.fromisoformat(meta["to"]),
               dict(kinds))  # fmt: skip


def _dt(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def metrics(ranking: list[str], misusers: set[str]) -> dict[str, float]:
    """precision@N, recall@2N and average precision of a ranked list of operators."""
    n = len(misusers)
    hits = [op in misusers for op in ranking]
    p_at_n = sum(hits[:n]) / n if n else float("nan")
    r_at_2n = sum(hits[: 2 * n]) / n if n else float("nan")
    found, ap = 0, 0.0
    for i, h in enumerate(hits):
        if h:
            found += 1
            ap += found / (i + 1)
    return {"p@N": p_at_n, "r@2N": r_at_2n, "AP": ap / n if n else float("nan")}


def detector_ranking(alerts) -> list[str]:
    best: dict[str, float] = {}
    for a in alerts:
        best[a.operator_id] = max(best.get(a.operator_id, -1e9), a.score)
    return sorted(best, key=lambda op: (-best[op], op))


def operator_totals(engine, date_from: dt.date, date_to: dt.date) -> pl.DataFrame:
    """Per-operator totals over the range, the baseline's input (one GROUP BY)."""
    lo = dt.datetime.combine(date_from, dt.time())
    hi = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
    hour = func.extract("hour", Q.c.queried_at)
    dow = func.extract("dow", Q.c.queried_at) if engine.dialect.name != "sqlite" else \
        func.strftime("%w", Q.c.queried_at)  # fmt: skip
    weekend = dow.in_([0, 6]) if engine.dialect.name != "sqlite" else dow.in_(["0", "6"])
    one = lambda cond: func.sum(case((cond, 1), else_=0))  # noqa: E731
    stmt = (
        select(
            Q.c.operator_id,
            func.count(),
            func.count(func.distinct(Q.c.subject_id_number)),
            one(Q.c.purpose_code.is_(None)),
            one(Q.c.authorization_ref.is_(None)),
            one((hour < 7) | (hour >= 20)),
            one(weekend),
            one(OP.c.county_code.is_not(None) & (P.c.county_code != OP.c.county_code)),
            one(P.c.id_number.is_(None)),
            one(P.c.sensitive.is_(True)),
        )
        .select_from(
            Q.join(OP, OP.c.operator_id == Q.c.operator_id).outerjoin(
                P, P.c.id_number == Q.c.subject_id_number
            )
        )  # fmt: skip
        .where(Q.c.queried_at >= lo, Q.c.queried_at < hi)
        .group_by(Q.c.operator_id)
    )
    with engine.connect() as conn:
        rows = conn.execute(stmt).all()
    cols = ["op", "n", "persons", "no_purpose", "no_ref", "night", "weekend", "other_county",
            "unknown", "watch_list"]  # fmt: skip
    return pl.DataFrame(rows, schema=cols, orient="row")


def iforest_ranking(totals: pl.DataFrame) -> list[str]:
    n = totals["n"].cast(pl.Float64)
    x = np.column_stack(
        [np.log1p(n.to_numpy()), (totals["persons"] / n).to_numpy()]
        + [(totals[c] / n).to_numpy() for c in totals.columns[3:]]
    )
    forest = IsolationForest(n_estimators=200, random_state=0).fit(x)
    score = -forest.score_samples(x)
    order = np.lexsort((totals["op"].to_numpy(), -score))
    return [totals["op"][int(i)] for i in order]


def evaluate(log: Log) -> dict:
    engine = get_engine(log.url)
    t = time.perf_counter()
    alerts = detect(engine, log.date_from, log.date_to)
    seconds = time.perf_counter() - t
    with engine.connect() as conn:
        lo = dt.datetime.combine(log.date_from, dt.time())
        hi = dt.datetime.combine(log.date_to + dt.timedelta(days=1), dt.time())
        rows = conn.scalar(select(func.count()).select_from(Q).where(Q.c.queried_at >= lo,
                                                                     Q.c.queried_at < hi))  # fmt: skip
    misusers = set(log.kinds)
    det = detector_ranking(alerts)
    base = iforest_ranking(operator_totals(engine, log.date_from, log.date_to))
    n = len(misusers)
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # misusers, det, base
    for op, kinds in log.kinds.items():
        for kind in kinds:
            per_kind[kind][0] += 1
            per_kind[kind][1] += op in det[: 2 * n]
            per_kind[kind][2] += op in base[: 2 * n]
    missed = [f"{op} ({', '.join(sorted(log.kinds[op]))})" for op in sorted(misusers)
              if op not in det[: 2 * n]]  # fmt: skip
    false_top = [op for op in det[:n] if op not in misusers]
    return {"log": log.name, "rows": rows, "seconds": seconds, "alerts": len(alerts),
            "alerted_ops": len(det), "n": n, "det": metrics(det, misusers),
            "base": metrics(base, misusers), "kinds": dict(per_kind), "missed": missed,
            "false_top": false_top}  # fmt: skip


def report(results: list[dict]) -> None:
    print(
        "\n| log | lookups | misusers N | detector P@N | R@2N | AP | IsolationForest P@N | R@2N "
        "| AP | alerts (operators) | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        d, b = r["det"], r["base"]
        print(f"| {r['log']} | {r['rows']:,} | {r['n']} | {d['p@N']:.2f} | {d['r@2N']:.2f} | "
              f"{d['AP']:.2f} | {b['p@N']:.2f} | {b['r@2N']:.2f} | {b['AP']:.2f} | "
              f"{r['alerts']} ({r['alerted_ops']}) | {r['seconds']:.1f} |")  # fmt: skip
    kinds: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in results:
        for kind, (k, d, b) in r["kinds"].items():
            kinds[kind][0] += k
            kinds[kind][1] += d
            kinds[kind][2] += b
    print("\n| misuse kind | misusers | detector: in first 2N | IsolationForest: in first 2N |")
    print("|---|---|---|---|")
    for kind, (k, d, b) in sorted(kinds.items()):
        print(f"| {kind} | {k} | {d} | {b} |")
    for r in results:
        if r["missed"] or r["false_top"]:
            print(f"\n{r['log']}: missed {', '.join(r['missed']) or 'none'}; "
                  f"not misusers in the first N: {', '.join(r['false_top']) or 'none'}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logs", nargs="*", default=["seed:2018", "held_a:101", "held_b:201",
                                                      "held_c:301", "held_d:401", "held_e:501"])  # fmt: skip
    parser.add_argument("--dir", type=Path, default=Path("/tmp/anomaly-bench"))
    parser.add_argument("--history-days", type=int, default=0)
    parser.add_argument("--as-of", default="2026-11-27", help="as-of date of seed logs")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    results = []
    for spec in args.logs:
        generator, _, seed = spec.partition(":")
        if generator == "seed":
            log = _seed_log(args.dir, int(seed), args.as_of)
        elif generator in GENERATORS:
            log = _held_log(args.dir, generator, int(seed), args.history_days)
        else:
            parser.error(f"unknown generator {generator!r}: seed, {', '.join(GENERATORS)}")
        results.append(evaluate(log))
        print(f"{log.name}: {results[-1]['det']}", file=sys.stderr, flush=True)
    print(f"\n{dt.date.today()}, logs {' '.join(args.logs)}"
          + (f", {args.history_days} days of history" if args.history_days else ""))  # fmt: skip
    report(results)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
