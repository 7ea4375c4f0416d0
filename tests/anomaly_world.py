"""A small hand-built query log for the anomaly detector tests, with known answers.

Four weeks (Mon 2026-10-26 to Sun 2026-11-22) of ordinary work by window clerks, officers,
night-shift duty officers and HR clerks; in the last week (from 2026-11-16):
- misuse: officer psb0001 looks up 6 kin (compound surname 欧阳, same village) without a reference;
  officer psb0002 harvests 300 persons in one afternoon without a purpose; officer psb0003 looks
  people up on three nights between 22:00 and 00:30; officer psb0004 works on a Saturday;
- legitimate: hrss0001 runs an authorised batch check (300 lookups, one reference, 09:00-10:30);
  govservice0001 has a busy day (three times the usual, all with references); the duty officers
  work their regular night shifts.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import Engine, insert, select

from data_access.id_number import make_id_number
from data_access.schema import models as m

FIRST_DAY = dt.date(2026, 10, 26)
LAST_DAY = dt.date(2026, 11, 22)
FINAL_WEEK = dt.datetime(2026, 11, 16)
COUNTY_A, COUNTY_B = "411602", "411621"
VILLAGE = "411602001001"
SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
KIN_VILLAGE_SIZE = 8


class World:
    def __init__(self) -> None:
        self.rng = np.random.default_rng(7)
        self.persons: list[dict] = []
        self.queries: list[dict] = []
        self.operators: list[dict] = []
        self.serial = 0

    def person(self, name: str, county: str, residence: str, sensitive: bool = False) -> str:
        self.serial += 1
        region = "412701" if county == COUNTY_A else "412721"
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=int(self.serial * 7))
        idn = make_id_number(region, birth, self.serial % 999 + 1)
        self.persons.append({"id_number": idn, "name": name, "gender": None, "birth_date": None,
                             "county_code": county, "residence_code": residence,
                             "sensitive": sensitive})  # fmt: skip
        return idn

    def lookup(self, op: str, at: dt.datetime, subject: str, purpose: str | None, ref: str | None):
        self.queries.append({"query_id": f"Q{len(self.queries) + 1:08d}", "queried_at": at,
                             "operator_id": op, "subject_id_number": subject,
                             "purpose_code": purpose, "authorization_ref": ref,
                             "channel": "WEB", "terminal_id": None, "flags": ""})  # fmt: skip


def _day_time(rng, day: dt.date) -> dt.datetime:
    hour = rng.choice([rng.uniform(8.5, 12.0), rng.uniform(14.5, 17.5)])
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(hours=float(hour))


def build_world(engine: Engine) -> dict[str, list[str]]:
    """Insert persons, operators and the query log; returns the expected answers."""
    w = World()
    rng = w.rng
    pool_a = [w.person(str(rng.choice(SURNAMES)) + "小明", COUNTY_A,
                       f"4116020010{rng.integers(10, 40):02d}") for _ in range(1200)]  # fmt: skip
    pool_b = [w.person(str(rng.choice(SURNAMES)) + "建国", COUNTY_B, "411621001001")
              for _ in range(300)]  # fmt: skip
    pool_a_arr, pool_b_arr = np.array(pool_a), np.array(pool_b)

    def pick(pool: np.ndarray) -> str:
        return str(pool[rng.integers(len(pool))])

    kin = [w.person("欧阳" + g, COUNTY_A, VILLAGE) for g in "一二三四五六七八"]
    w.person("欧阳十", COUNTY_A, "411602001099")  # same surname, another village: not kin
    vip = [w.person("公众人物", COUNTY_A, "411602001050", sensitive=True) for _ in range(5)]
    del vip
    ops = [("govservice0001", "GOVSERVICE", "window"), ("govservice0002", "GOVSERVICE", "window"),
           ("govservice0003", "GOVSERVICE", "window"), ("psb0001", "PSB", "officer"),
           ("psb0002", "PSB", "officer"), ("psb0003", "PSB", "officer"),
           ("psb0004", "PSB", "officer"), ("psb0005", "PSB", "duty_officer"),
           ("psb0006", "PSB", "duty_officer"), ("hrss0001", "HRSS", "hr"),
           ("hrss0002", "HRSS", "hr")]  # fmt: skip
    for op, dept, role in ops:
        name = "欧阳明" if op == "psb0001" else "测试员"
        home = VILLAGE if op == "psb0001" else "411602001200"
        idn = w.person(name, COUNTY_A, home)
        w.operators.append({"operator_id": op, "name": name, "department_code": dept,
                            "role": role, "county_code": COUNTY_A, "id_number": idn})  # fmt: skip
    purposes = {"window": ("LICENSING", "XK"), "officer": ("PUBLIC_FUNDS", "CZ"),
                "duty_officer": ("ENFORCEMENT", "ZF"), "hr": ("EMPLOYMENT", "ZP")}  # fmt: skip
    rate = {"window": 60, "officer": 10, "duty_officer": 15, "hr": 4}
    days = [FIRST_DAY + dt.timedelta(days=k) for k in range((LAST_DAY - FIRST_DAY).days + 1)]
    for op, _dept, role in ops:
        purpose, prefix = purposes[role]
        for k, day in enumerate(days):
            if role == "duty_officer":
                if (k + (op == "psb0006")) % 3:
                    continue
                times = [dt.datetime.combine(day, dt.time(18)) + dt.timedelta(
                    hours=float(rng.uniform(0, 13.5))) for _ in range(rng.poisson(rate[role]))]  # fmt: skip
            elif day.weekday() >= 5:
                continue
            else:
                n = rng.poisson(rate[role] * (3 if op == "govservice0001" and day ==
                                              dt.date(2026, 11, 18) else 1))  # fmt: skip
                times = [_day_time(rng, day) for _ in range(n)]
            for t in times:
                subject = pick(pool_a_arr if rng.random() < 0.9 else pool_b_arr)
                u = rng.random()
                p = None if u < 0.02 else purpose
                ref = None if u < 0.04 else f"{prefix}{t:%Y%m%d}{rng.integers(1, 9999):04d}"
                w.lookup(op, t, subject, p, ref)
    # misuse in the final week
    for j, subject in enumerate(list(kin[:6]) + [kin[0], kin[1]]):
        at = FINAL_WEEK + dt.timedelta(days=j % 4, hours=10 + j % 5, minutes=7 * j)
        w.lookup("psb0001", at, subject, "PUBLIC_FUNDS" if j % 3 == 0 else None, None)
    harvest = rng.choice(np.concatenate([pool_a_arr, pool_b_arr]), size=300, replace=False)
    for j, subject in enumerate(harvest):
        at = FINAL_WEEK + dt.timedelta(days=1, hours=15, seconds=4 * j)
        w.lookup("psb0002", at, str(subject), None, None)
    for night in (0, 2, 3):
        for j in range(5):
            at = FINAL_WEEK + dt.timedelta(days=night, hours=22, minutes=25 * j + 3)
            w.lookup("psb0003", at, pick(pool_a_arr), "PUBLIC_FUNDS" if j % 2 else None, None)
    for j in range(8):  # weekend work by a day-shift officer, in office hours
        at = FINAL_WEEK + dt.timedelta(days=5, hours=10, minutes=11 * j)
        w.lookup("psb0004", at, pick(pool_a_arr), "PUBLIC_FUNDS", None)
    # legitimate: an authorised batch check
    batch = rng.choice(pool_a_arr, size=300, replace=False)
    for j, subject in enumerate(batch):
        at = FINAL_WEEK + dt.timedelta(days=2, hours=9, seconds=15 * j)
        w.lookup("hrss0001", at, str(subject), "EMPLOYMENT", "PC-HRSS-20261118-01")
    with engine.begin() as conn:
        conn.execute(insert(m.Person), w.persons)
        conn.execute(insert(m.Operator), w.operators)
        conn.execute(insert(m.QueryLog), w.queries)
    return {
        "flagged": ["psb0001", "psb0002", "psb0003", "psb0004"],
        "quiet": ["psb0005", "psb0006", "hrss0001", "govservice0001", "govservice0002"],
    }


def world_persons(engine: Engine, limit: int) -> list[str]:
    """Build the world and return the ID numbers of its first `limit` persons, the pool the
    tests that add their own operators to it draw their lookups from."""
    build_world(engine)
    with engine.connect() as conn:
        return list(conn.scalars(select(m.Person.id_number).limit(limit)).all())


def world_range(engine: Engine, batch=None):
    """The range evidence (scoring.anomaly_range.range_evidence) of the world's four weeks as
    the detector reads them; batch replaces the batch runs' lookups where given."""
    from scoring.anomaly import _read
    from scoring.anomaly_range import range_evidence

    log = _read(engine, FIRST_DAY, LAST_DAY, lambda _m: None)
    assert log is not None
    return range_evidence(log.ops, log.pairs, log.hourly, log.purposes, log.refs, log.terminals,
                          log.closed, log.batch if batch is None else batch, log.borrowed,
                          log.register, log.term_days, log.rapid)  # fmt: skip
