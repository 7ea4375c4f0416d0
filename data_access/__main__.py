"""Command line of the data layer (contracts.md):

    python -m data_access [--db URL] init
    python -m data_access [--db URL] import KIND FILE [FILE ...]
    python -m data_access [--db URL] link-identity IDENTITY USERNAME
    python -m data_access [--db URL] display-check [--as-of YYYY-MM-DD]
    python -m data_access [--db URL] rollups [--as-of YYYY-MM-DD]

Exit codes: 0 done, 1 bad data or an unusable database (one line per problem, never a
traceback), 2 bad usage, 3 the database is busy (another import is writing: nothing of the file
was written, run the command again). Each file is imported on its own, whole or not at all.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data_access.importer import ImportResult

# The import kinds (data_access.validators.KINDS; a test keeps the two equal). Listed here so that
# usage errors are reported before the database libraries are loaded.
KIND_NAMES = (
    "persons",
    "operators",
    "query-log",
    "credit-records",
    "roster",
    "submissions",
    "annual-reports",
    "applications",
)
SUPPORTED_SUFFIXES = (".csv", ".xlsx", ".parquet")

SHOWN_PROBLEMS = 20
PROGRESS_EVERY = 100_000  # rows; files shorter than this import silently


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m data_access", description="Create the database and import files."
    )
    parser.add_argument(
        "--db", help="SQLAlchemy database URL (default: $CREDIT_DB_URL or var/credit.db)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("init", help="create the schema and load the reference catalogues")
    imp = sub.add_parser("import", help="import files of one kind, each whole or not at all")
    imp.add_argument("kind", metavar="KIND", choices=KIND_NAMES, help=", ".join(KIND_NAMES))
    imp.add_argument("files", metavar="FILE", nargs="+", type=Path, help=".csv, .xlsx or .parquet")
    imp.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
    link = sub.add_parser(
        "link-identity",
        help="link a single-sign-on identity (OIDC e-mail or subject) to a dashboard user",
    )
    link.add_argument("identity", metavar="IDENTITY")
    link.add_argument("username", metavar="USERNAME")
    check = sub.add_parser(
        "display-check",
        help="check that no place shows or counts a record past its display period; store the "
        "result for the dashboard; exit 1 if any does",
    )
    check.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today, Asia/Shanghai)")
    rollups = sub.add_parser(
        "rollups",
        help="compute and store the city-wide coverage rollups for the date and a year earlier "
        "(what the overview and coverage pages read; a nightly job)",
    )
    rollups.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today, Asia/Shanghai)")
    return parser


def _date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


class _ProgressLine:
    """Progress on stderr for long files: one line every PROGRESS_EVERY rows."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.next_at = PROGRESS_EVERY

    def __call__(self, rows: int, seconds: float) -> None:
        if rows >= self.next_at:
            rate = rows / seconds if seconds > 0 else 0.0
            print(
                f"{self.label}: {rows:,} rows read ({rate:,.0f} rows/s)",
                file=sys.stderr,
                flush=True,
            )
            self.next_at = (rows // PROGRESS_EVERY + 1) * PROGRESS_EVERY


def _report(result: ImportResult) -> None:
    if result.ok:
        verb = "would write" if result.dry_run else "written"
        count = result.rows_valid if result.dry_run else result.rows_written
        read_as = f", read as {result.encoding}" if result.encoding not in (None, "UTF-8") else ""
        print(
            f"{result.file}: {result.rows_read:,} rows read, {count:,} {verb}, "
            f"{result.rows_flagged:,} flagged ({result.seconds:.1f} s{read_as})"
        )
        return
    for problem in result.errors[:SHOWN_PROBLEMS]:
        print(problem, file=sys.stderr)
    if result.problem_count > SHOWN_PROBLEMS:
        print(f"... and {result.problem_count - SHOWN_PROBLEMS:,} more problems", file=sys.stderr)
    print(
        f"{result.file}: refused, {result.problem_count:,} problem"
        f"{'s' if result.problem_count != 1 else ''} in {result.rows_read:,} rows read; "
        "nothing written"
    )


def _run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.command == "import":
        for path in args.files:
            if not path.is_file():
                parser.error(f"no such file: {path}")
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                parser.error(f"{path}: unsupported file type (use .csv, .xlsx or .parquet)")
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from data_access.engine import get_engine
    from data_access.importer import import_file
    from data_access.reference import init_schema

    try:
        engine = get_engine(args.db)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        parser.error(f"--db: {exc}")
    if args.command == "init":
        init_schema(engine)
        print(f"schema and reference catalogues ready in {engine.url.render_as_string()}")
        return 0
    if args.command == "link-identity":
        from data_access.users import link_identity

        init_schema(engine)
        try:
            link_identity(engine, args.identity, args.username)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"{args.identity} signs in as {args.username}")
        return 0
    if args.command == "display-check":
        return _display_check(engine, args.as_of)
    if args.command == "rollups":
        return _rollups(engine, args.as_of)
    status = 0
    for path in args.files:
        started = time.perf_counter()
        result = import_file(
            engine, args.kind, path, dry_run=args.dry_run, progress=_ProgressLine(str(path))
        )
        result.seconds = time.perf_counter() - started
        _report(result)
        if not result.ok:
            status = 1
    return status


def _display_check(engine, as_of) -> int:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from data_access.display_check_store import failing, run_and_store

    as_of = as_of or dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    started = time.perf_counter()
    checked_at, frame = run_and_store(engine, as_of)
    for row in frame.itertuples(index=False):
        note = "" if row.kind == "shows" else "  (uses: a policy question, not counted)"
        print(f"{row.consumer:<26} {row.records:>10,}{note}")
    bad = failing(frame)
    verdict = (
        "OK: no place shows or counts a record past its display period"
        if bad.empty
        else f"FAILED: {int(bad['records'].sum()):,} records shown or counted in {len(bad)} places"
    )
    print(f"display check as of {as_of}, stored at {checked_at:%Y-%m-%d %H:%M} "
          f"({time.perf_counter() - started:.1f} s): {verdict}")  # fmt: skip
    return 0 if bad.empty else 1


def _rollups(engine, as_of) -> int:
    import datetime as dt
    from zoneinfo import ZoneInfo

    from data_access.coverage_rollup import refresh_with_last_year

    as_of = as_of or dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    for day, seconds in refresh_with_last_year(engine, as_of).items():
        print(f"coverage rollups as of {day} stored ({seconds:.1f} s)")
    return 0


EXIT_BUSY = 3


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return _run(args, parser)
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        from data_access.engine import DatabaseBusy, is_busy

        if isinstance(exc, DatabaseBusy) or (isinstance(exc, SQLAlchemyError) and is_busy(exc)):
            print(
                "the database is busy: another import is running. Nothing of the file being "
                "imported was written; try again when it has finished",
                file=sys.stderr,
            )
            return EXIT_BUSY

        if isinstance(exc, OSError):  # an unreadable file or database directory
            print(f"error: {exc}", file=sys.stderr)
            return 1
        if not isinstance(exc, SQLAlchemyError):
            raise
        from sqlalchemy.engine import make_url

        from data_access.engine import resolve_url

        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        shown = make_url(resolve_url(args.db)).render_as_string(hide_password=True)
        first = reason[0] if reason else type(exc).__name__
        print(f"database error ({shown}): {first}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the file being imported was rolled back", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
