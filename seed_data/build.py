"""Build the whole synthetic city into an empty database: the public entry point build_city()."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import Engine, func, select

from data_access.accounts.users import demo_accounts, ensure_demo_users
from data_access.clock import city_today
from data_access.queries.notices import subscribe_defaults
from data_access.schema import models as m
from data_access.schema.models import COMMENDATION_LEVELS, RECORD_STATUSES, SEVERITIES
from data_access.schema.partitions import ensure_months
from data_access.schema.reference import init_schema
from seed_data import roles as R
from seed_data.accounts import plan_accounts
from seed_data.applications import Applications, generate_applications
from seed_data.bulkload import BulkLoader
from seed_data.common import SCALES, date_strings, datetime_strings, day_number
from seed_data.demo_cases import add_demo_cases
from seed_data.misuse import plan_misuse
from seed_data.operators import ROLE_NAMES, Operators, generate_operators
from seed_data.persons import Population, generate_population
from seed_data.querylog import generate_query_log, make_calendar, make_schedule
from seed_data.records import (
    CATEGORIES,
    DEPARTMENTS,
    DOMAINS,
    Records,
    generate_records,
    record_ids,
)
from seed_data.rosters import Rosters, generate_rosters, professions
from seed_data.submissions import generate_annual_reports, generate_submissions
from seed_data.supervision import seed_supervision

DEFAULT_SEED = 2018
Progress = Callable[[float, str], None]
BIG_TABLES = (m.Person, m.RosterEntry, m.CreditRecord, m.QueryLog, m.Application)


class SeedError(Exception):
    """A user-facing problem (for example a database that is not empty)."""


@dataclass
class BuildResult:
    scale: str
    seed: int
    as_of: dt.date
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)


def _codes(idx: np.ndarray, codes: list[str]) -> np.ndarray:
    """Code strings for indices, None where the index is -1."""
    table = np.array([*codes, None], dtype=object)
    return table[np.where(idx < 0, len(codes), idx)]


def _dates(days: np.ndarray) -> np.ndarray:
    out = date_strings(np.maximum(days, 0)).astype(object)
    out[days < 0] = None
    return out


def _write_persons(db: BulkLoader, pop: Population, chunk: int = 500_000) -> int:
    """Persons in ID-number order (primary-key order keeps the B-tree appends cheap)."""
    gender = np.array(["F", "M"])
    codes = np.array(pop.county_codes)
    order = np.argsort(pop.keys, kind="stable")
    for start in range(0, pop.n, chunk):
        idx = order[start : start + chunk]
        db.insert(
            m.Person.__table__,
            ["id_number", "name", "gender", "birth_date", "county_code", "residence_code", "sensitive"],
            [pop.ids[idx].tolist(), pop.names(idx).tolist(), gender[pop.male[idx].astype(int)].tolist(),
             date_strings(pop.birth[idx]).tolist(), codes[pop.county_idx[idx]].tolist(),
             pop.residence[idx].astype("U12").tolist(), pop.sensitive[idx].astype(int).tolist()],
        )  # fmt: skip
    return pop.n


def _write_rosters(db: BulkLoader, pop: Population, ros: Rosters) -> int:
    profs = professions()
    codes = np.array([p["code"] for p in profs])
    depts = np.array([p["responsible_dept"] for p in profs])
    return db.insert(
        m.RosterEntry.__table__,
        ["id_number", "profession_code", "licence_no", "valid_from", "valid_to", "source_dept"],
        [pop.ids[ros.person].tolist(), codes[ros.profession].tolist(), ros.licence.tolist(),
         date_strings(ros.valid_from).tolist(), _dates(ros.valid_to).tolist(),
         depts[ros.profession].tolist()],
    )  # fmt: skip


def _write_records(db: BulkLoader, pop: Population, rec: Records, ids: np.ndarray) -> int:
    quantity = rec.quantity.astype(object)
    quantity[np.isnan(rec.quantity)] = None
    return db.insert(
        m.CreditRecord.__table__,
        ["record_id", "id_number", "category_code", "domain_code", "severity", "level", "quantity",
         "decision_date", "display_until", "source_dept", "status", "title"],
        [ids.tolist(), pop.ids[rec.person].tolist(), _codes(rec.category, CATEGORIES).tolist(),
         _codes(rec.domain, DOMAINS).tolist(), _codes(rec.severity, list(SEVERITIES)).tolist(),
         _codes(rec.level, list(COMMENDATION_LEVELS)).tolist(), quantity.tolist(),
         date_strings(rec.decision).tolist(), _dates(rec.display_until).tolist(),
         _codes(rec.dept, DEPARTMENTS).tolist(), _codes(rec.status, list(RECORD_STATUSES)).tolist(),
         rec.title.tolist()],
    )  # fmt: skip


def _write_applications(
    db: BulkLoader, pop: Population, rec: Records, ids, apps: Applications
) -> int:
    n = len(apps.record)
    app_ids = np.strings.add("A", np.strings.zfill(np.arange(1, n + 1).astype("U"), 8))
    return db.insert(
        m.Application.__table__,
        ["application_id", "kind", "record_id", "id_number", "handling_dept", "filed_at",
         "received_at", "decided_at", "answered_at", "outcome"],
        [app_ids.tolist(), apps.kind.tolist(), ids[apps.record].tolist(),
         pop.ids[rec.person[apps.record]].tolist(), _codes(rec.dept[apps.record], DEPARTMENTS).tolist(),
         _dates(apps.filed).tolist(), _dates(apps.received).tolist(), _dates(apps.decided).tolist(),
         _dates(apps.answered).tolist(), apps.outcome.tolist()],
    )  # fmt: skip


def _write_columns(db: BulkLoader, table, cols: dict[str, list]) -> int:
    return db.insert(table, list(cols), list(cols.values()))


def _write_operators(db: BulkLoader, pop: Population, ops: Operators) -> int:
    county = np.array([*pop.county_codes, None], dtype=object)
    return db.insert(
        m.Operator.__table__,
        ["operator_id", "name", "department_code", "role", "county_code", "id_number"],
        [ops.operator_id.tolist(), pop.names(ops.person).tolist(), ops.dept.tolist(),
         [ROLE_NAMES[r] for r in ops.role.tolist()], county[np.where(ops.county < 0, len(pop.county_codes), ops.county)].tolist(),
         pop.ids[ops.person].tolist()],
    )  # fmt: skip


def build_city(
    engine: Engine,
    scale: str = "demo",
    seed: int = DEFAULT_SEED,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
) -> BuildResult:
    """Build the synthetic city into an empty database; raises SeedError if persons exist."""
    if scale not in SCALES:
        raise SeedError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    # today in Zhoukou, as the dashboard and the nightly jobs count it (a build at 20:00 UTC
    # otherwise stored its rollups and display check for the day before the dashboard's)
    as_of = as_of or city_today()
    if as_of < dt.date(2024, 3, 1):
        raise SeedError(f"as-of date {as_of} is too early: the reporting data start in 2024")
    spec = SCALES[scale]
    report = progress or (lambda _f, _m: None)
    started = time.perf_counter()
    init_schema(engine)
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(m.Person)):
            raise SeedError(
                "the database already has persons; seed_data builds only into an empty database"
            )
    result = BuildResult(scale, seed, as_of)
    db = BulkLoader(engine)
    try:
        dropped = db.drop_indexes([t.__table__ for t in BIG_TABLES])
        report(0.01, f"居民：生成 {spec.persons:,} 人")
        pop = generate_population(seed, spec.persons, as_of)
        report(0.08, "居民：写入数据库")
        result.rows["person"] = _write_persons(db, pop)
        report(0.20, "重点职业人群名册")
        ros = generate_rosters(seed, pop, as_of)
        result.rows["roster"] = _write_rosters(db, pop, ros)
        report(0.25, "信用记录")
        rec = generate_records(seed, pop, ros, as_of)
        ids = record_ids(rec.n)
        result.rows["credit_record"] = _write_records(db, pop, rec, ids)
        report(0.33, "异议与信用修复申请")
        apps = generate_applications(seed, rec, as_of)
        result.rows["application"] = _write_applications(db, pop, rec, ids, apps)
        report(0.35, "部门报送与年度报告")
        result.rows["submission"] = _write_columns(
            db, m.Submission.__table__, generate_submissions(seed, pop, ros, rec, as_of)
        )
        result.rows["annual_report"] = _write_columns(
            db, m.AnnualReport.__table__, generate_annual_reports(seed, as_of)
        )
        del rec, ids, apps, ros
        report(0.38, "查询操作员")
        ops = generate_operators(seed, pop, as_of)
        result.rows["operator"] = _write_operators(db, pop, ops)
        result.rows.update(_write_query_log(db, seed, pop, ops, as_of, spec, report))
        report(0.80, "建立索引")
        db.create_indexes(dropped)
        db.analyze()
        db.commit()
    except BaseException:
        db.rollback()
        raise
    report(0.82, "演示账号")
    ensure_demo_users(engine)
    subscribe_defaults(engine, [a["username"] for a in demo_accounts()], "daily")
    if scale != "tiny":  # the tests' tiny city starts with an empty supervision record
        report(0.83, "督办事项")
        result.rows["supervision_item"] = seed_supervision(engine, as_of)
    _compute_figures(engine, as_of, report, whole_log=scale != "city")
    result.rows["privacy_case"] = add_demo_cases(engine, scale, as_of, seed)
    result.seconds = time.perf_counter() - started
    report(1.0, f"完成，用时 {result.seconds:.1f} 秒")
    return result


def _compute_figures(
    engine: Engine, as_of: dt.date, report: Progress, whole_log: bool = True
) -> None:
    """What the nightly jobs keep current, computed once so that every page has content on the
    first start: coverage rollups, integrity points as of the date, the previous night's digests
    (as of the day before, before the alerts exist: the inboxes have a message, and the digests
    of the as-of date are still due, the privacy officer's naming every alert), alerts over the
    whole query log (whole_log; at city scale, 20 million lookups, the nightly job's own range
    instead: a year at once would need several times this machine's memory), the display check.
    Each is recorded in job_run like a nightly run (started by seed_data); a failure stops the
    build with its message."""
    from data_access.queries import anomaly_week_store, coverage_rollup, query_month_rollup
    from jobs.nightly import run_job

    coverage_rollup.forget_all(engine)
    query_month_rollup.forget_all(engine)
    anomaly_week_store.forget_all(engine)
    with engine.connect() as conn:
        first = conn.scalar(select(func.min(m.QueryLog.queried_at)))
    steps = [
        (0.84, "覆盖率汇总", "rollups", {}),
        (0.86, "积分计算", "points", {}),
        (0.88, "消息摘要（前一日）", "digest", {"day": as_of - dt.timedelta(days=1)}),
        (0.90, "查询异常检测（全部查询日志）", "anomalies",
         {"date_from": first.date() if first else as_of, "date_to": as_of})
        if whole_log else (0.90, "查询异常检测（最近 90 天）", "anomalies", {}),
        (0.98, "展示期核查", "display_check", {}),
    ]  # fmt: skip
    for fraction, label, job, options in steps:
        report(fraction, label)

        def say(message: str, f: float = fraction, lab: str = label) -> None:
            report(f, f"{lab}：{message}")

        day = options.pop("day", as_of)
        outcome = run_job(engine, job, day, started_by="seed_data", progress=say, **options)
        if outcome.status != "ok":
            raise SeedError(f"{label}失败：{outcome.message}")


def _write_query_log(db: BulkLoader, seed, pop, ops, as_of, spec, report) -> dict[str, int]:
    cal = make_calendar(as_of, spec.query_days)
    if db.dialect == "postgresql":  # the monthly partitions of the days the log covers
        first = as_of - dt.timedelta(days=spec.query_days)
        days = (first + dt.timedelta(days=n) for n in range(spec.query_days + 1))
        ensure_months(db.raw.driver_connection, days, set())
    sched = make_schedule(seed, ops, cal)
    episodes, misuse_rows = plan_misuse(seed, pop, ops, sched, spec.name, spec.episodes)
    accounts = plan_accounts(seed, ops, cal.days, {e.op for e in episodes})
    links: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    purposes = np.array([*R.PURPOSES, None], dtype=object)
    channels = np.array(R.CHANNELS)
    expected = max(float(sched.lam.sum()), 1.0)
    written = [0]

    def emit(rows: dict) -> None:
        terminal, keep = accounts.apply(ops, rows)
        if not keep.all():  # lookups of the long absences (seed_data/accounts.py)
            rows = {key: v[keep] for key, v in rows.items()}
            terminal = terminal[keep]
        n = len(rows["op"])
        purpose = purposes[np.where(rows["purpose"] < 0, len(R.PURPOSES), rows["purpose"])]
        db.insert(
            m.QueryLog.__table__,
            ["query_id", "queried_at", "operator_id", "subject_id_number", "purpose_code",
             "authorization_ref", "channel", "terminal_id", "flags"],
            [rows["query_id"].tolist(), datetime_strings(rows["ts"]).tolist(),
             ops.operator_id[rows["op"]].tolist(), rows["subject_id"].tolist(), purpose.tolist(),
             rows["ref"].tolist(), channels[rows["channel"]].tolist(),
             terminal.tolist(), rows["flags"].tolist()],
        )  # fmt: skip
        mis = rows["episode"] >= 0
        links.append((rows["episode"][mis], rows["query_id"][mis], rows["ts"][mis]))
        written[0] += n
        report(0.40 + 0.38 * min(written[0] / expected, 1.0), f"查询日志：{written[0]:,} 次查询")

    generate_query_log(seed, pop, ops, sched, misuse_rows, emit)
    total = written[0]
    ep = np.concatenate([x[0] for x in links]) if links else np.array([], dtype=np.int16)
    qid = np.concatenate([x[1] for x in links]) if links else np.array([], dtype="U11")
    ts = np.concatenate([x[2] for x in links]) if links else np.array([], dtype=np.int64)
    rows: dict[str, list] = {
        "episode_id": [],
        "kind": [],
        "operator_id": [],
        "started_at": [],
        "ended_at": [],
        "description": [],
    }
    for k, e in enumerate(episodes):
        t = ts[ep == k]
        rows["episode_id"].append(e.episode_id)
        rows["kind"].append(e.kind)
        rows["operator_id"].append(str(ops.operator_id[e.op]))
        rows["started_at"].append(str(datetime_strings(t.min(keepdims=True))[0]))
        rows["ended_at"].append(str(datetime_strings(t.max(keepdims=True))[0]))
        rows["description"].append(e.description)
    n_ep = _write_columns(db, m.MisuseEpisode.__table__, rows)
    ep_ids = np.array([e.episode_id for e in episodes] or [""])
    n_link = db.insert(
        m.MisuseQuery.__table__, ["episode_id", "query_id"], [ep_ids[ep].tolist(), qid.tolist()]
    )
    return {"query_log": total, "misuse_episode": n_ep, "misuse_query": n_link}


__all__ = ["DEFAULT_SEED", "BuildResult", "SeedError", "build_city", "day_number"]
