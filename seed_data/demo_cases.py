"""The demo's privacy cases: three cases written through the cases data layer at the end of a
seed build (after the detector's alerts), so that the privacy cases page, the suspension and the
oversight queue's case links have content on the first start.

From the highest-scored alerts, one operator each (their alerts that ended before the case was
opened go into the case), all assigned to and worked by the demo privacy officer:
  1. confirmed with the outcome access_suspended, on the as-of day after the operator's last
     lookup (so no lookup of the build follows the suspension), with an evidence file (a small
     PDF) and the operator's later alerts added first;
  2. investigating, opened 40 days before the as-of date with a 30-day deadline: 10 days overdue;
  3. dismissed after investigation (the lookups were a documented batch check).
Times are office hours with seeded minutes: the same seed and date give the same cases. The tiny
city (the tests' fixture, whose alerts the tests triage themselves) gets none.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.queries import cases as cq
from data_access.queries.oversight import alert_queue
from data_access.schema import models as m
from data_access.scope import Scope

OFFICER = "privacy_officer"  # the demo account (data_access.accounts.users.demo_accounts)
SCOPE = Scope("privacy_officer", "DRC")
SKIPPED_SCALES = ("tiny",)


@dataclass(frozen=True)
class Plan:
    """One demo case: days before the as-of date it was opened, its deadline in days after that,
    and its steps (days after opening, state, note, outcome)."""

    opened_days_ago: int
    deadline_days: int
    summary: str
    steps: tuple[tuple[int, str, str, str | None], ...]


PLANS = (
    Plan(24, 30, "夜间集中查询本村居民信用信息，多数查询无授权文书编号，需核实查询依据。",
         ((2, "investigating", "已调取窗口终端登录记录和查询日志，约谈当事人。", None),
          (-1, "confirmed", "当事人承认为亲友查询，无业务依据；暂停其查询权限，移交所在单位处理。",
           "access_suspended"))),
    Plan(40, 30, "短时间内大量查询同一县区居民，查询目的与岗位职责不符，需所在单位说明情况。",
         ((3, "investigating", "已发函请所在单位说明查询背景，等待书面答复。", None),)),
    Plan(20, 30, "单日查询量远超同岗位平均水平。",
         ((2, "investigating", "所在单位提供了批量核查的工作安排和审批单。", None),
          (8, "dismissed", "查询为经批准的年度资格批量核查，依据充分，不构成违规。", None))),
)  # fmt: skip


def _pdf(title: str) -> bytes:
    """A one-page PDF with one line of ASCII text (evidence that passes the type check)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _last_lookup(engine: Engine, operator_id: str) -> dt.datetime | None:
    with engine.connect() as conn:
        return conn.scalar(
            select(func.max(m.QueryLog.queried_at)).where(m.QueryLog.operator_id == operator_id)
        )


def add_demo_cases(engine: Engine, scale: str, as_of: dt.date, seed: int) -> int:
    """Write the demo cases (PLANS) from the stored alerts; returns how many were opened (fewer
    when too few operators have alerts early enough, none for SKIPPED_SCALES)."""
    if scale in SKIPPED_SCALES:
        return 0
    queue = alert_queue(engine, SCOPE, (), 0.0, None, None, None)
    if queue.empty:
        return 0
    rng = np.random.default_rng([seed, 7919])
    queue["window_end"] = pd.to_datetime(queue["window_end"])
    used: set[str] = set()
    opened = 0

    def at(day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, int(rng.integers(0, 60))))

    for plan in PLANS:
        opened_on = as_of - dt.timedelta(days=plan.opened_days_ago)
        opening = at(opened_on, 9)
        fits = queue[(queue["window_end"] <= opening) & ~queue["operator_id"].isin(used)]
        if fits.empty:
            continue
        operator = str(fits.iloc[0]["operator_id"])  # the queue is ranked by score
        used.add(operator)
        ids = [int(a) for a in fits.loc[fits["operator_id"] == operator, "alert_id"]]
        deadline = opened_on + dt.timedelta(days=plan.deadline_days)
        case_id = cq.open_case(engine, SCOPE, OFFICER, ids[: cq.MAX_ALERTS], OFFICER, deadline,
                               plan.summary, opened_on, now=opening)  # fmt: skip
        opened += 1
        for days, status, note, outcome in plan.steps:
            if days >= 0:
                when = at(opened_on + dt.timedelta(days=days), 10 + int(rng.integers(0, 6)))
            else:  # on the as-of day, after the operator's last lookup of the build
                last = _last_lookup(engine, operator) or opening
                when = max(at(as_of, 17), last.replace(microsecond=0) + dt.timedelta(minutes=5))
            if status in cq.CLOSED_STATES:  # the operator's later alerts join before it closes
                later = queue[(queue["operator_id"] == operator) & (queue["window_end"] <= when)
                              & ~queue["alert_id"].isin(ids)]  # fmt: skip
                if not later.empty:
                    cq.add_alerts(engine, SCOPE, OFFICER, case_id, [int(a) for a in later["alert_id"]],
                                  now=when - dt.timedelta(hours=2))  # fmt: skip
            if status == "confirmed":
                cq.add_evidence(engine, SCOPE, OFFICER, case_id,
                                [("谈话笔录.pdf", _pdf(f"Interview record, privacy case {case_id}"))],
                                "约谈当事人的谈话笔录（已签字）", now=when - dt.timedelta(hours=1))  # fmt: skip
            cq.move_case(engine, SCOPE, OFFICER, case_id, status, note, outcome, now=when)
    return opened
