"""`python -m scoring [--db URL] points --as-of YYYY-MM-DD [--out FILE.csv] [--policy FILE]`.

Scores every adult as of the date, stores the run and with --out writes the contract CSV
`id_number,points,grade,red_list,green_channel,serious_record,black_list` (the lists 1 or 0,
points-policy.md). Progress on
stderr, a one-line summary on stdout. Exit 0 done, 1 bad data (policy, database), 2 bad usage.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def iso_date(value: str) -> dt.date:
    """argparse type: a YYYY-MM-DD date."""
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from None


def add_points_arguments(points: argparse.ArgumentParser) -> None:
    points.add_argument("--as-of", required=True, type=iso_date, help="YYYY-MM-DD")
    points.add_argument("--out", type=Path, help="also write the scores to this CSV file")
    points.add_argument(
        "--policy",
        type=Path,
        help="policy file (default: the newest version saved by an administrator, else scoring/policy.toml)",
    )


def _progress(done: int, total: int, county: str, scored: int, seconds: float) -> None:
    print(
        f"points: county {county} done ({done}/{total}), {scored:,} persons scored, {seconds:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def _has_persons_table(engine) -> bool:
    from sqlalchemy import inspect

    return inspect(engine).has_table("person")


def run_points(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """The `points` command (args from add_points_arguments plus --db)."""
    if args.out is not None:
        if args.out.is_dir():
            parser.error(f"--out: {args.out} is a directory")
        if not args.out.parent.is_dir():
            parser.error(f"--out: no such directory: {args.out.parent}")
    if args.policy is not None and not args.policy.is_file():
        parser.error(f"--policy: no such file: {args.policy}")
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

    from data_access.engine import get_engine, resolve_url
    from scoring.points_policy import PolicyError, load_policy
    from scoring.points_run import score_database

    try:
        policy = load_policy(args.policy)
    except PolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        engine = get_engine(args.db)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        parser.error(f"--db: {exc}")
    shown = make_url(resolve_url(args.db)).render_as_string(hide_password=True)
    try:
        if not _has_persons_table(engine):
            print(
                f"error: {shown} has no persons table; create it with "
                "`python -m data_access init` and import persons first",
                file=sys.stderr,
            )
            return 1
        if args.policy is None:  # the newest version an administrator saved, else the file
            from scoring.policy_store import current_policy

            policy = current_policy(engine)
        result = score_database(engine, args.as_of, policy, out=args.out, progress=_progress)
    except PolicyError as exc:
        print(f"error: saved policy: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        print(
            f"database error ({shown}): {reason[0] if reason else type(exc).__name__}",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    grades = ", ".join(f"{g} {result.grades.get(g, 0):,}" for g in policy.grade_names)
    print(
        f"points as of {result.as_of} (policy {result.policy_version}, run {result.run_id}): "
        f"{result.persons_scored:,} persons scored in {result.seconds:.1f} s; {grades}; "
        f"red list {result.red_list:,}, green channel {result.green_channel:,}, "
        f"serious records {result.serious_record:,}, black list (authorities') "
        f"{result.black_list:,}, "
        f"pending objection {result.pending_objection:,}"
        + (f"; written to {args.out}" if args.out else "")
    )
    return 0
