"""Command line: python -m seed_data [--db URL] [--scale tiny|demo|city] [--seed N] [--as-of DATE]."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time

from seed_data.build import DEFAULT_SEED, SeedError, build_city
from seed_data.common import SCALES


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m seed_data", description="Build the synthetic city into an empty database."
    )
    p.add_argument(
        "--db", help="SQLAlchemy URL (default: $CREDIT_DB_URL or sqlite:///var/credit.db)"
    )
    p.add_argument("--scale", choices=list(SCALES), default="demo")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument(
        "--as-of", type=_date, default=None, help="YYYY-MM-DD (default: today, Asia/Shanghai)"
    )
    return p


_STARTED = time.perf_counter()


def _progress(fraction: float, message: str) -> None:
    elapsed = time.perf_counter() - _STARTED
    print(
        f"seed_data [{fraction * 100:5.1f}%] {elapsed:7.1f}s {message}", file=sys.stderr, flush=True
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from data_access.engine import get_engine

    try:
        engine = get_engine(args.db)
        result = build_city(engine, args.scale, args.seed, args.as_of, _progress)
    except SeedError as exc:
        print(f"seed_data: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("seed_data: interrupted; nothing was written", file=sys.stderr)
        return 1
    except Exception as exc:  # database unreachable, bad URL ...: one line, no traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"seed_data: {type(exc).__name__}: {first}", file=sys.stderr)
        return 1
    counts = ", ".join(f"{k} {v:,}" for k, v in result.rows.items())
    print(
        f"seed_data: built {result.scale} city (seed {result.seed}, as of {result.as_of}) in {result.seconds:.1f} s: {counts}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
