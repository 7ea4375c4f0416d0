"""The synthetic city generator (seed_data): known answers on a tiny city, on SQLite and PostgreSQL.

The tiny city is built once per engine (module-scoped fixture) and inspected through SQLAlchemy,
which also proves that the bulk loader writes values SQLAlchemy reads back with the right types.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.orm import Session

from data_access.engine import PROJECT_ROOT, get_engine
from data_access.id_number import make_id_number, parse_id_number
from data_access.queries.display_period import display_until_problem
from data_access.queries.workdays import calendar_from_files
from data_access.schema import models as m
from data_access.schema.reference import read_catalogue
from seed_data.build import build_city
from seed_data.persons import generate_population, id_strings
from seed_data.submissions import periods

AS_OF = dt.date(2026, 11, 27)
SEED = 7


def _build(url: str, seed: int = SEED) -> tuple[Engine, object]:
    engine = get_engine(url)
    m.Base.metadata.drop_all(engine)
    calls: list[float] = []
    result = build_city(
        engine, "tiny", seed=seed, as_of=AS_OF, progress=lambda f, _m: calls.append(f)
    )
    result.progress_calls = calls
    return engine, result


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def city(request, tmp_path_factory):
    """(engine, build result, url) of a tiny city built on each engine."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('city') / 'tiny.db'}"
    else:
        url = request.getfixturevalue("pg_database_url")
    engine, result = _build(url)
    return engine, result, url


def _rows(engine: Engine, sql: str) -> list:
    with engine.connect() as conn:
        return conn.execute(text(sql)).all()


def _content_hash(engine: Engine) -> str:
    """A hash of persons, records and the query log, independent of the database engine."""
    digest = hashlib.sha256()
    for table, key in (
        (m.Person, "id_number"),
        (m.CreditRecord, "record_id"),
        (m.QueryLog, "query_id"),
    ):
        t = table.__table__
        with engine.connect() as conn:
            for row in conn.execute(select(t).order_by(t.c[key])):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


# --------------------------------------------------------------------------- determinism


def test_same_seed_same_city_and_different_seed_differs(city, tmp_path):
    engine, _, _ = city
    again, _ = _build(f"sqlite:///{tmp_path / 'again.db'}")
    other, _ = _build(f"sqlite:///{tmp_path / 'other.db'}", seed=SEED + 1)
    reference = _content_hash(engine)
    assert _content_hash(again) == reference  # also across engines when city is PostgreSQL
    assert _content_hash(other) != reference


def test_build_reports_progress_and_counts(city):
    engine, result, _ = city
    assert result.progress_calls[-1] == 1.0
    assert result.progress_calls == sorted(result.progress_calls)
    with engine.connect() as conn:
        for table, count in result.rows.items():
            assert conn.scalar(text(f"SELECT COUNT(*) FROM {table}")) == count  # noqa: S608
    assert 1900 <= result.rows["person"] <= 2100


# --------------------------------------------------------------------------- persons


def test_id_numbers_valid_and_region_follows_birth_year(city):
    engine, _, _ = city
    counties = {r["code"]: r for r in read_catalogue("counties") if r["kind"] != "zone"}
    zhoukou = set(counties) | {
        c for r in counties.values() for c in r["historical_id_codes"].split(";") if c
    }
    outside = 0
    with Session(engine) as s:
        persons = s.scalars(select(m.Person)).all()
    for p in persons:
        parsed = parse_id_number(p.id_number)
        assert parsed.gender == p.gender
        assert parsed.birth_date == p.birth_date <= AS_OF
        if parsed.region_code not in zhoukou:
            outside += 1
            continue
        year = p.birth_date.year
        hist = counties[p.county_code]["historical_id_codes"].split(";")[0] or p.county_code
        if year < 2000:
            expected = hist
        elif p.county_code == "411603" and year <= 2018:
            expected = "411626"
        else:
            expected = p.county_code
        assert parsed.region_code == expected, (p.id_number, p.county_code)
    assert 0.005 <= outside / len(persons) <= 0.05


def test_vectorised_id_numbers_equal_make_id_number():
    keys = np.array([41270119481124225, 41162620050229001, 41160320190101998, 34120219991231011])
    keys[1] = 41162620040229001  # a leap day
    expected = [
        make_id_number(
            str(k)[:6],
            dt.date(int(str(k)[6:10]), int(str(k)[10:12]), int(str(k)[12:14])),
            int(str(k)[14:]),
        )
        for k in keys
    ]
    assert id_strings(keys).tolist() == expected


def test_county_shares_follow_population(city):
    engine, _, _ = city
    pop = {
        r["code"]: int(r["population_2018"])
        for r in read_catalogue("counties")
        if r["kind"] != "zone"
    }
    counts = dict(_rows(engine, "SELECT county_code, COUNT(*) FROM person GROUP BY county_code"))
    total, pop_total = sum(counts.values()), sum(pop.values())
    assert set(counts) == set(pop)
    for code, n in pop.items():
        assert abs(counts[code] / total - n / pop_total) <= 0.03


def test_gender_ratio_and_age_pyramid():
    pop = generate_population(3, 200_000, AS_OF)
    ratio = pop.male.mean() / (1 - pop.male.mean())
    assert 1.03 <= ratio <= 1.055
    age = pop.age_years(int((AS_OF - dt.date(1970, 1, 1)).days))
    assert 0.24 <= (age < 15).mean() <= 0.30
    assert 0.18 <= (age >= 60).mean() <= 0.23


def test_tiny_gender_ratio_and_sensitive(city):
    engine, _, _ = city
    g = dict(_rows(engine, "SELECT gender, COUNT(*) FROM person GROUP BY gender"))
    assert 0.9 <= g["M"] / g["F"] <= 1.2
    assert (
        _rows(
            engine,
            "SELECT COUNT(*) FROM person WHERE sensitive = :t".replace(
                ":t", "TRUE" if engine.dialect.name == "postgresql" else "1"
            ),
        )[0][0]
        >= 5
    )


def test_villages_have_clans(city):
    engine, _, _ = city
    rows = _rows(engine, "SELECT residence_code, name FROM person")
    assert all(
        len(code) == 12 and code[:6] in {r["code"] for r in read_catalogue("counties")}
        for code, _ in rows
    )
    by_village: dict[str, Counter] = {}
    for code, name in rows:
        by_village.setdefault(code, Counter())[name[0]] += 1
    big = [c for c in by_village.values() if sum(c.values()) >= 30]
    top3 = [sum(n for _, n in c.most_common(3)) / sum(c.values()) for c in big]
    assert big and np.median(top3) >= 0.4


# --------------------------------------------------------------------------- rosters and records


def test_every_profession_has_a_roster_and_most_are_qualified(city):
    engine, _, _ = city
    profs = {r["code"]: r["responsible_dept"] for r in read_catalogue("professions")}
    counts = dict(
        _rows(engine, "SELECT profession_code, COUNT(*) FROM roster GROUP BY profession_code")
    )
    assert set(counts) == set(profs)
    assert counts["VOLUNTEER"] > counts["TEACHER"] > counts["LAWYER"]
    assert _rows(engine, "SELECT COUNT(*) FROM roster WHERE valid_to IS NOT NULL")[0][0] > 0
    assert not _rows(
        engine,
        "SELECT id FROM roster r WHERE source_dept <> (SELECT responsible_dept FROM profession p WHERE p.code = r.profession_code)",
    )
    current = _rows(engine, "SELECT COUNT(*) FROM roster WHERE valid_to IS NULL")[0][0]
    qualified = _rows(
        engine, "SELECT COUNT(*) FROM credit_record WHERE category_code = 'QUALIFICATION'"
    )[0][0]
    assert 0.75 <= qualified / current <= 0.97


def test_negative_records_lawful_display_and_adults_only(city):
    engine, _, _ = city
    with Session(engine) as s:
        rows = s.execute(
            select(m.CreditRecord, m.Person.birth_date)
            .join(m.Person, m.Person.id_number == m.CreditRecord.id_number)
            .join(m.RecordCategory, m.RecordCategory.code == m.CreditRecord.category_code)
            .where(m.RecordCategory.polarity == "negative")
        ).all()
    assert rows
    for rec, birth in rows:
        assert rec.severity in ("minor", "general", "serious")
        assert display_until_problem(rec.severity, rec.decision_date, rec.display_until) is None
        assert rec.decision_date.year >= 2019 and rec.decision_date < AS_OF
        assert (rec.decision_date - birth).days >= 18 * 365
        if rec.category_code == "JUDGMENT_DEFAULT":
            assert rec.severity == "serious"
    statuses = Counter(rec.status for rec, _ in rows)
    assert (
        statuses["active"] > statuses["repaired"] > 0
        and statuses["objection"] >= 1
        and statuses["revoked"] >= 1
    )
    assert any(rec.display_until < AS_OF for rec, _ in rows)  # some expired


def test_all_categories_domains_and_consistent_sources(city):
    engine, _, _ = city
    cats = {r[0] for r in _rows(engine, "SELECT DISTINCT category_code FROM credit_record")}
    assert cats == {r["code"] for r in read_catalogue("record_categories")} - {"BASIC"}
    doms = {
        r[0]
        for r in _rows(
            engine, "SELECT DISTINCT domain_code FROM credit_record WHERE domain_code IS NOT NULL"
        )
    }
    assert doms == {r["code"] for r in read_catalogue("domains")}
    penalty_sources = {
        (r["dept_code"], r["subject"])
        for r in read_catalogue("catalog_items")
        if r["category_code"] == "ADMIN_PENALTY"
    }
    other_sources = {
        r["category_code"]: r["dept_code"]
        for r in read_catalogue("catalog_items")
        if r["kind"] in ("negative", "positive")
    }
    other_sources["COMMITMENT_BROKEN"] = "DRC"
    for cat, dept, dom in _rows(
        engine, "SELECT DISTINCT category_code, source_dept, domain_code FROM credit_record"
    ):
        if cat == "ADMIN_PENALTY":
            assert (dept, dom) in penalty_sources
        elif cat != "QUALIFICATION":
            assert other_sources[cat] == dept
    levels = {
        r[0]
        for r in _rows(
            engine, "SELECT DISTINCT level FROM credit_record WHERE category_code = 'COMMENDATION'"
        )
    }
    assert levels <= {"national", "provincial", "city", "county"} and "county" in levels
    assert not _rows(
        engine,
        "SELECT record_id FROM credit_record WHERE category_code IN ('VOLUNTEER', 'CHARITY') AND NOT quantity > 0",
    )


def test_applications_match_statuses_and_deadlines(city):
    engine, _, _ = city
    with Session(engine) as s:
        apps = s.scalars(select(m.Application)).all()
        status = dict(s.execute(select(m.CreditRecord.record_id, m.CreditRecord.status)).all())
    by_record: dict[str, list] = {}
    calendar = calendar_from_files()  # working days: the statutory holidays are not counted
    for a in apps:
        by_record.setdefault(a.record_id, []).append(a)
        assert a.filed_at < AS_OF
        if a.received_at:
            assert 0 <= calendar.working_days_between(a.filed_at, a.received_at) <= 2
        if a.outcome == "pending":
            assert a.decided_at is None
        else:
            assert a.received_at <= a.decided_at <= a.answered_at < AS_OF
    for rid, st in status.items():
        kinds = {(a.kind, a.outcome) for a in by_record.get(rid, [])}
        if st == "repaired":
            assert ("repair", "upheld") in kinds
        if st == "objection":
            assert ("objection", "pending") in kinds


# --------------------------------------------------------------------------- reporting


def test_submissions_cover_every_item_and_period(city):
    engine, _, _ = city
    with Session(engine) as s:
        subs = s.scalars(select(m.Submission)).all()
    have = {(x.item_code, x.period) for x in subs}
    for item in read_catalogue("catalog_items"):
        for label, _, _due in periods(item["frequency"], AS_OF):
            assert (item["code"], label) in have
    assert len(have) == len(subs)
    assert any(p.startswith("2024-") for _, p in have) and ("IDENTITY", "2026-11") in have
    for x in subs:
        assert x.rows_accepted + x.rows_rejected == x.rows_submitted
        assert x.submitted_at is None or x.submitted_at.date() < AS_OF
        assert x.due_date.day == 15
    late = [x for x in subs if x.submitted_at and x.submitted_at.date() > x.due_date]
    missing = [x for x in subs if x.submitted_at is None and x.due_date < AS_OF]
    assert late and missing and any(x.rows_rejected for x in subs)


def test_annual_reports_for_every_unit(city):
    engine, _, _ = city
    with Session(engine) as s:
        reports = s.scalars(select(m.AnnualReport)).all()
    units = len(read_catalogue("departments")) + len(read_catalogue("counties"))
    assert len(reports) == units * 3
    assert all(r.due_date == dt.date(r.year, 12, 31) for r in reports)
    past = [r for r in reports if r.year == 2024]
    assert sum(r.filed_at is not None for r in past) / len(past) >= 0.8
    assert any(r.filed_at and r.filed_at.date() > r.due_date for r in past)
    now = [r for r in reports if r.year == 2026]
    assert 0 < sum(r.filed_at is not None for r in now) < len(now)


# --------------------------------------------------------------------------- operators and query log


def test_operators_are_residents_with_peers(city):
    engine, _, _ = city
    rows = _rows(
        engine,
        "SELECT o.operator_id, o.department_code, o.name, p.name FROM operator o LEFT JOIN person p ON p.id_number = o.id_number",
    )
    assert len(rows) >= 60
    assert all(r[2] == r[3] for r in rows)
    per_dept = Counter(r[1] for r in rows)
    assert min(per_dept.values()) >= 2
    assert per_dept["GOVSERVICE"] == max(per_dept.values())


def test_query_log_follows_working_hours(city):
    engine, _, _ = city
    with Session(engine) as s:
        rows = s.execute(
            select(
                m.QueryLog.queried_at,
                m.Operator.role,
                m.QueryLog.purpose_code,
                m.QueryLog.authorization_ref,
                m.QueryLog.channel,
            ).join(m.Operator)
        ).all()
    assert rows and isinstance(rows[0][0], dt.datetime)
    assert all(AS_OF - dt.timedelta(days=22) <= r[0].date() < AS_OF for r in rows)
    day_shift = [r[0] for r in rows if r[1] != "duty_officer"]
    in_hours = sum(dt.time(8, 0) <= t.time() < dt.time(18, 30) for t in day_shift)
    assert in_hours / len(day_shift) >= 0.85
    lunch = sum(dt.time(12, 30) <= t.time() < dt.time(14, 0) for t in day_shift) / 1.5
    morning = sum(dt.time(9, 0) <= t.time() < dt.time(11, 0) for t in day_shift) / 2
    assert lunch < 0.2 * morning
    weekend = sum(t.weekday() >= 5 for t in day_shift)
    assert weekend / len(day_shift) < 0.05
    night = [r[0] for r in rows if r[1] == "duty_officer"]
    assert night and sum(t.hour >= 18 or t.hour < 8 for t in night) / len(night) > 0.9
    with_purpose = [r for r in rows if r[2] is not None]
    assert sum(r[3] is not None for r in with_purpose) / len(with_purpose) > 0.9
    assert {r[4] for r in rows} >= {"WINDOW", "WEB", "API"}
    batch = _rows(
        engine,
        "SELECT authorization_ref, COUNT(*) FROM query_log WHERE authorization_ref LIKE 'PC-%' GROUP BY authorization_ref",
    )
    assert batch and max(n for _, n in batch) >= 50


def test_misuse_episodes_link_ordinary_queries(city):
    engine, _, _ = city
    with Session(engine) as s:
        episodes = s.scalars(select(m.MisuseEpisode)).all()
        assert len(episodes) >= 3
        for ep in episodes:
            q = s.scalars(
                select(m.QueryLog)
                .join(m.MisuseQuery, m.MisuseQuery.query_id == m.QueryLog.query_id)
                .where(m.MisuseQuery.episode_id == ep.episode_id)
            ).all()
            assert q, ep.episode_id
            assert all(
                x.operator_id == ep.operator_id and ep.started_at <= x.queried_at <= ep.ended_at
                for x in q
            )
            assert all(x.authorization_ref is None for x in q)
    kinds = {e.kind for e in episodes}
    assert "kin_snooping" in kinds
    kin = _rows(
        engine,
        """
        SELECT o.operator_id, me.name, me.residence_code, p.name, p.residence_code
        FROM misuse_episode e JOIN misuse_query mq ON mq.episode_id = e.episode_id
        JOIN query_log q ON q.query_id = mq.query_id JOIN operator o ON o.operator_id = e.operator_id
        JOIN person me ON me.id_number = o.id_number JOIN person p ON p.id_number = q.subject_id_number
        WHERE e.kind = 'kin_snooping'""",
    )
    assert kin and all(r[1][0] == r[3][0] and r[2] == r[4] for r in kin)


# --------------------------------------------------------------------------- command line


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "seed_data", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_refuses_a_database_with_persons(city):
    _, _, url = city
    done = _cli("--db", url, "--scale", "tiny", "--as-of", "2026-11-27")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "already has persons" in done.stderr and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args", [["--scale", "huge"], ["--as-of", "2026-02-30"], ["--seed", "x"]])
def test_cli_bad_usage_exits_2(tmp_path, args):
    done = _cli("--db", f"sqlite:///{tmp_path / 'x.db'}", *args)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_cli_builds_tiny(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    done = _cli("--db", url, "--scale", "tiny", "--seed", "3", "--as-of", "2026-06-30")
    assert done.returncode == 0, done.stderr
    assert "seed_data [" in done.stderr
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(m.Person)) > 1900
        assert conn.scalar(select(func.max(m.QueryLog.queried_at))).date() < dt.date(2026, 6, 30)
        assert conn.scalar(select(func.count()).select_from(m.DashboardUser)) > 0
    engine.dispose()
