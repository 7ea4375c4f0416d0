"""Command line of the scoring engines (contracts.md): points and anomalies."""

from __future__ import annotations

import argparse
import sys

from scoring.points_cli import add_points_arguments, run_points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scoring")
    parser.add_argument("--db", help="SQLAlchemy database URL")
    sub = parser.add_subparsers(dest="command", required=True)
    points = sub.add_parser("points", help="integrity points as of a date")
    add_points_arguments(points)
    anomalies = sub.add_parser("anomalies", help="score the query log for abnormal lookups")
    anomalies.add_argument("--from", dest="date_from", required=True)
    anomalies.add_argument("--to", dest="date_to", required=True)
    anomalies.add_argument("--out")
    args = parser.parse_args(argv)
    if args.command == "points":
        return run_points(args, parser)
    if args.command == "anomalies":
        from scoring.anomaly_cli import run as run_anomalies

        return run_anomalies(args.db, args.date_from, args.date_to, args.out)
    print(f"python -m scoring {args.command}: not yet available in this version", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
