"""Command line of the data layer (contracts.md):

    python -m data_access [--db URL] init
    python -m data_access [--db URL] import KIND FILE [FILE ...]
    python -m data_access [--db URL] link-identity IDENTITY USERNAME
    python -m data_access [--db URL] users add USERNAME --role ROLE [--department CODE]
                                     [--display-name NAME] [--password-file FILE]
    python -m data_access [--db URL] users passwd USERNAME [--password-file FILE]
    python -m data_access [--db URL] users disable|enable|unlock USERNAME
    python -m data_access [--db URL] users list
    python -m data_access [--db URL] display-check [--as-of YYYY-MM-DD]
    python -m data_access [--db URL] rollups [--as-of YYYY-MM-DD]
    python -m data_access [--db URL] jobs run [nightly|rollups|points|anomalies|display-check|digest ...]
                                    [--as-of YYYY-MM-DD]
    python -m data_access [--db URL] jobs status
    python -m data_access [--db URL] digest [--as-of YYYY-MM-DD] [--dry-run]
    python -m data_access [--db URL] querylog partitions
    python -m data_access [--db URL] querylog archive --before YYYY-MM --to DIR
    python -m data_access [--db URL] review --month YYYY-MM --out FILE.xlsx [--lang zh|en]

Exit codes: 0 done, 1 bad data or an unusable database (one line per problem, never a
traceback), 2 bad usage, 3 the database is busy (another import is writing: nothing of the file
was written, run the command again). Each file is imported on its own, whole or not at all.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from data_access.clock import city_today

if TYPE_CHECKING:
    from data_access.imports.importer import ImportResult

# The import kinds (data_access.imports.validators.KINDS; a test keeps the two equal). Listed here so that
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
    _users_parser(sub)
    check = sub.add_parser(
        "display-check",
        help="check that no place shows or counts a record past its display period; store the "
        "result for the dashboard; exit 1 if any does",
    )
    check.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today, Asia/Shanghai)")
    rollups = sub.add_parser(
        "rollups",
        help="compute and store the city-wide coverage rollups for the date and a year earlier, "
        "the domain rollups for the date, and the query log's complete months up to the last "
        "(what the overview, coverage and query-points pages read; a nightly job)",
    )
    rollups.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today, Asia/Shanghai)")
    jobs = sub.add_parser("jobs", help="the scheduled jobs: run them, or see their last runs")
    verbs = jobs.add_subparsers(dest="verb", required=True, metavar="run|status")
    run = verbs.add_parser(
        "run",
        help="run jobs in order, each recorded in job_run: nightly (all) or some of rollups, "
        "points, anomalies (yesterday's lookups), display-check, digest (the digests due)",
    )
    run.add_argument("jobs", nargs="*", metavar="JOB", default=["nightly"])
    run.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today, Asia/Shanghai)")
    verbs.add_parser("status", help="the last run of every job: when, how it ended, its message")
    digest = sub.add_parser(
        "digest",
        help="build and send every digest due (inbox, e-mail, DingTalk), recorded in job_run "
        "like the nightly job of that name",
    )
    digest.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today, Asia/Shanghai)")
    digest.add_argument(
        "--dry-run", action="store_true",
        help="print each due digest (recipient, channels, subject, body); write and send nothing",
    )  # fmt: skip
    _querylog_parser(sub)
    review = sub.add_parser(
        "review",
        help="the monthly user-risk review (月度用户风险评估) of query points, terminals and "
        "accounts, as an Excel workbook",
    )
    review.add_argument("--month", type=_month, required=True, metavar="YYYY-MM")
    review.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx")
    review.add_argument("--lang", choices=("zh", "en"), default="zh", help="default zh")
    return parser


def _month(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month YYYY-MM") from None


def _querylog_parser(sub) -> None:
    qlog = sub.add_parser(
        "querylog", help="PostgreSQL: the query log's monthly partitions, and archiving old ones"
    )
    verbs = qlog.add_subparsers(dest="verb", required=True, metavar="partitions|archive")
    verbs.add_parser("partitions", help="every monthly partition: its month, rows and size")
    archive = verbs.add_parser(
        "archive",
        help="write each month before YYYY-MM to DIR/query_log_YYYY-MM.csv.gz (the query-log "
        "import format), then detach and drop its partition; only months past the retention "
        "period",
    )
    archive.add_argument("--before", type=_month, required=True, metavar="YYYY-MM")
    archive.add_argument("--to", type=Path, required=True, metavar="DIR")


ROLE_NAMES = ("leading_office", "department_head", "privacy_officer", "admin")


def _users_parser(sub) -> None:
    users = sub.add_parser("users", help="dashboard accounts: add, passwd, disable, enable, "
                           "unlock, list (every change is audited)")  # fmt: skip
    verbs = users.add_subparsers(dest="verb", required=True, metavar="VERB")
    add = verbs.add_parser("add", help="create an account (the password is asked for twice)")
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", required=True, choices=ROLE_NAMES)
    add.add_argument("--department", metavar="CODE", help="required for a department head")
    add.add_argument("--display-name", metavar="NAME")
    add.add_argument("--password-file", type=Path, metavar="FILE",
                     help="read the password from the file's first line (- for standard "
                     "input) instead of a prompt")  # fmt: skip
    passwd = verbs.add_parser("passwd", help="set a new password (unlocks, ends sessions)")
    passwd.add_argument("username", metavar="USERNAME")
    passwd.add_argument("--password-file", type=Path, metavar="FILE")
    for verb, text in (("disable", "disable an account (its sessions end at once)"),
                       ("enable", "enable a disabled account"),
                       ("unlock", "lift a lockout before it expires")):  # fmt: skip
        verbs.add_parser(verb, help=text).add_argument("username", metavar="USERNAME")
    verbs.add_parser("list", help="every account: role, department, state, last sign-in")


def _read_password(args: argparse.Namespace) -> str:
    """From --password-file (its first line; `-` is standard input), else asked twice on the
    terminal."""
    if args.password_file is not None:
        try:
            if str(args.password_file) == "-":
                lines = sys.stdin.read().splitlines()
            else:
                lines = args.password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"--password-file: {exc}") from None
        if not lines or not lines[0]:
            raise ValueError(f"--password-file: {args.password_file} has no password on line 1")
        return lines[0]
    import getpass

    try:
        first = getpass.getpass("new password: ")
        if getpass.getpass("the same again: ") != first:
            raise ValueError("the two passwords differ")
    except EOFError:
        raise ValueError("no password given (use --password-file FILE, or - for stdin)") from None
    return first


def _users(engine, args: argparse.Namespace) -> int:
    from data_access.accounts import user_admin as ua
    from data_access.schema.reference import init_schema

    init_schema(engine)
    actor = _cli_actor()
    try:
        if args.verb == "list":
            frame = ua.list_accounts(engine)
            print(f"{'username':<24} {'role':<16} {'dept':<10} {'state':<22} last sign-in")
            r: Any  # an itertuples row: its fields are the frame's columns
            for r in frame.itertuples(index=False):
                state = "disabled" if not r.active else "active"
                if r.locked:
                    state += f", locked to {r.locked_until:%H:%M}"
                last = "never" if r.last_sign_in is None or r.last_sign_in != r.last_sign_in \
                    else f"{r.last_sign_in:%Y-%m-%d %H:%M}"  # fmt: skip
                dept = r.department_code if isinstance(r.department_code, str) else "-"
                print(f"{r.username:<24} {r.role:<16} {dept:<10} "
                      f"{state:<22} {last}")  # fmt: skip
            return 0
        if args.verb == "add":
            ua.add_user(engine, args.username, args.role, _read_password(args),
                        department_code=args.department, display_name=args.display_name,
                        actor=actor)  # fmt: skip
            print(f"user {args.username} ({args.role}) created")
        elif args.verb == "passwd":
            ua.set_password(engine, args.username, _read_password(args), actor=actor)
            print(f"password of {args.username} set; its sessions ended")
        elif args.verb in ("disable", "enable"):
            ua.set_active(engine, args.username, args.verb == "enable", actor=actor)
            print(f"user {args.username} {args.verb}d")
        else:
            ua.unlock(engine, args.username, actor=actor)
            print(f"user {args.username} unlocked")
    except ValueError as exc:  # AccountError, or the password could not be read
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


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
    from data_access.imports.importer import import_file
    from data_access.schema.reference import init_schema

    try:
        engine = get_engine(args.db)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        parser.error(f"--db: {exc}")
    if args.command == "init":
        init_schema(engine)
        print(f"schema and reference catalogues ready in {engine.url.render_as_string()}")
        return 0
    if args.command == "link-identity":
        from data_access.accounts.users import link_identity

        init_schema(engine)
        try:
            link_identity(engine, args.identity, args.username)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"{args.identity} signs in as {args.username}")
        return 0
    if args.command == "users":
        return _users(engine, args)
    if args.command == "display-check":
        return _display_check(engine, args.as_of)
    if args.command == "rollups":
        return _rollups(engine, args.as_of)
    if args.command == "jobs":
        return _jobs(engine, args, parser)
    if args.command == "querylog":
        return _querylog(engine, args, parser)
    if args.command == "review":
        return _review(engine, args, parser)
    if args.command == "digest":
        return _digest(engine, args)
    status = 0
    for path in args.files:
        started = time.perf_counter()
        result = import_file(
            engine,
            args.kind,
            path,
            dry_run=args.dry_run,
            progress=_ProgressLine(str(path)),
            imported_by=_cli_actor(),
        )
        result.seconds = time.perf_counter() - started
        _report(result)
        if not result.ok:
            status = 1
    return status


def _querylog(engine, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from data_access.schema import partitions as qp
    from data_access.schema.reference import init_schema

    if engine.dialect.name != "postgresql":
        parser.error("the query log is partitioned on PostgreSQL only (SQLite keeps one table)")
    init_schema(engine)
    with engine.begin() as conn:
        pg = qp.driver_of(conn)
        if not qp.is_partitioned(pg):
            print("error: query_log is not partitioned (made by an earlier version)",
                  file=sys.stderr)  # fmt: skip
            return 1
        if args.verb == "partitions":
            for part in qp.list_partitions(pg):
                month = f"{part.month:%Y-%m}" if part.month else "default"
                print(f"{month:8} {part.name:24} {part.rows or 0:>12,} rows "
                      f"{(part.bytes or 0) / 2**20:>10,.1f} MB")  # fmt: skip
            return 0
        today = city_today()
        cutoff = qp.retention_cutoff(today)
        if args.before > cutoff:
            print(f"error: months from {cutoff:%Y-%m} are within the retention period "
                  f"({qp.RETENTION_MONTHS} months before the current one): not archived",
                  file=sys.stderr)  # fmt: skip
            return 1
        done = qp.archive_before(pg, args.before, args.to)
    for item in done:
        print(f"{item.month:%Y-%m}: {item.rows:,} rows to {item.file}; {item.name} detached "
              "and dropped")  # fmt: skip
    if not done:
        print(f"no partition before {args.before:%Y-%m}")
    return 0


def _cli_actor() -> str:
    """Who runs the command line, as recorded in the audits: cli:<system user>."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no name for the uid (a bare container)
        import os

        return f"cli:uid{os.getuid()}"


def _display_check(engine, as_of) -> int:
    import scoring.display_consumers  # noqa: F401  the points consumers (a CLI composes both)
    from data_access.queries.display_check_store import failing, run_and_store

    as_of = as_of or city_today()
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
    from data_access.queries.rollups import refresh_nightly

    as_of = as_of or city_today()
    done = refresh_nightly(engine, as_of)
    for day, seconds in done.coverage_seconds.items():
        print(f"coverage rollups as of {day} stored ({seconds:.1f} s)")
    print(f"domain rollups as of {as_of} stored ({done.domain_seconds:.1f} s)")
    print(
        "query-log months stored: "
        + (", ".join(f"{d:%Y-%m}" for d in done.months) or "none missing")
    )
    return 0


def _jobs(engine, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """`jobs run` (exit 1 when a job failed) and `jobs status` (exit 1 when a job is failed or
    overdue, so a monitoring check can call it)."""

    import pandas as pd

    from data_access.clock import city_now
    from data_access.queries.jobs import STALE_HOURS, health, last_runs
    from data_access.schema.reference import upgrade_schema
    from jobs.nightly import expand, run_job

    upgrade_schema(engine)
    if args.verb == "run":
        try:
            names = expand(args.jobs)
        except ValueError as exc:
            parser.error(str(exc))
        failed = 0
        for job in names:
            print(f"{job}: started", flush=True)
            outcome = run_job(engine, job, args.as_of, started_by=_cli_actor(),
                              progress=lambda message: print(f"  {message}", flush=True))  # fmt: skip
            print(f"{job}: {outcome.status} in {outcome.seconds:.1f} s: {outcome.message}",
                  flush=True)  # fmt: skip
            failed += outcome.status != "ok"
        return 1 if failed else 0
    last = last_runs(engine)
    states = health(last, city_now())
    for row, state in zip(last.to_dict("records"), states, strict=True):
        started = row["started_at"]
        when = "never" if pd.isna(started) else f"{pd.Timestamp(started):%Y-%m-%d %H:%M}"
        message = "" if pd.isna(row["message"]) else str(row["message"])
        print(f"{row['job']:<14} {state:<8} last run {when}  {message}")
    print(f"(a job is overdue when its last good run is more than {STALE_HOURS} hours old)")
    return 0 if all(s == "ok" for s in states) else 1


def _review(engine, args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """The month's user-risk review workbook, written whole (a temporary file renamed)."""
    import os

    from data_access.queries.query_points import month_review
    from data_access.schema.reference import upgrade_schema
    from data_access.scope import Scope
    from ui.review_report import review_workbook  # the workbook's words (a CLI composes both)

    if args.out.suffix.lower() != ".xlsx":
        parser.error(f"--out: {args.out} must be an .xlsx file")
    if not args.out.parent.is_dir():
        parser.error(f"--out: no such directory: {args.out.parent}")
    upgrade_schema(engine)
    review = month_review(engine, Scope("admin"), args.month)
    totals = review.totals
    if not totals["lookups"]:
        print(f"error: no lookups in {args.month:%Y-%m}: nothing written", file=sys.stderr)
        return 1
    partial = args.out.with_name(args.out.name + ".part")
    partial.write_bytes(review_workbook(review, args.lang))
    os.replace(partial, args.out)
    dormant = totals["dormant_operators"] if review.dormant_judged else "not judged"
    print(f"user-risk review {args.month:%Y-%m}: {totals['lookups']:,} lookups, "
          f"{totals['points']} service points ({totals['high_points']} high risk), "
          f"{totals['terminals']} terminals ({totals['shared_terminals']} shared), "
          f"{totals['multi_terminal_operators']} operators on several terminals, "
          f"dormant accounts active again: {dormant}, "
          f"{totals['open_alert_operators']} operators with alerts not closed -> {args.out}")  # fmt: skip
    return 0


def _digest(engine, args: argparse.Namespace) -> int:
    """`digest --dry-run` prints every due digest and writes nothing (not even the schema: a
    database without the notice tables has no subscriptions); `digest` runs the job (exit 1 when
    a send failed; the inbox copies are kept)."""
    from sqlalchemy import inspect

    from jobs.nightly import run_job, today_in_city

    as_of = args.as_of or today_in_city()
    if args.dry_run:
        from jobs.digest import dry_run_text, run_digests

        if not inspect(engine).has_table("notice_subscription"):
            print(f"dry run as of {as_of}: the database has no subscriptions yet (no notice "
                  "tables: run init); nothing written or sent")  # fmt: skip
            return 0
        print(dry_run_text(run_digests(engine, as_of, dry_run=True)))
        return 0
    from data_access.schema.reference import upgrade_schema

    upgrade_schema(engine)
    outcome = run_job(engine, "digest", as_of, started_by=_cli_actor(),
                      progress=lambda message: print(f"  {message}", flush=True))  # fmt: skip
    print(f"digest: {outcome.status} in {outcome.seconds:.1f} s: {outcome.message}")
    return 0 if outcome.status == "ok" else 1


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
