"""A few supervision items (督办) in the demo, opened by the leading-group office against units
with deliveries never made, through the supervision data layer (so the facts, states and
history are what the pages would have written): two for EDU (one open, one past its deadline),
one answered with an evidence file (URBAN), one accepted (COMMERCE), one past its deadline
(CULTURE). Each is dated back from the as-of date, as if the office had opened it then; a unit
without a missing delivery in the generated data gets none. The tiny city (the tests') has none,
so that the tests start from an empty supervision record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from data_access.queries import supervision as sv
from data_access.queries.reporting import catalogue_items, reporting_status
from data_access.scope import Scope

OFFICE = Scope("leading_office")
OFFICE_USER = "leading_office"
FIRST_PERIOD = dt.date(2024, 1, 1)
# (unit, what happens to the item, days before the as-of date it was opened, deadline after that)
PLAN = (
    ("EDU", "open", 6, 30),
    ("EDU", "overdue", 45, 30),
    ("URBAN", "answered", 20, 30),
    ("COMMERCE", "accepted", 60, 20),
    ("CULTURE", "overdue", 50, 21),
)
ACTION = "请于期限内补报 {item}（{period}）的数据，并书面说明逾期原因及整改措施。"
ANSWER = "已于本周补报该期数据，逾期原因为系统对接调整，已明确专人按月报送。"
EVIDENCE = (
    "补报情况说明.pdf",
    b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 30))


def _facts(row: Any) -> dict[str, Any]:
    """The facts the reporting board copies into an item (services.supervision.delivery_draft)."""
    return {"item_code": row.item_code, "period": row.period, "due_date": row.due_date.isoformat(),
            "submitted_at": None, "state": "missing", "delay_days": None}  # fmt: skip


def seed_supervision(engine: Engine, as_of: dt.date) -> int:
    """Open (and move on) the items of PLAN; returns how many were opened."""
    status = reporting_status(engine, OFFICE, FIRST_PERIOD, as_of, as_of)
    missing = status[status["missing"]].sort_values(["unit_code", "due_date", "item_code"])
    catalogue = catalogue_items(engine, OFFICE)
    names = dict(zip(catalogue["code"], catalogue["name_zh"], strict=True))  # for the action
    used: set[tuple[str, str]] = set()
    opened = 0
    for unit, fate, days_ago, deadline_days in PLAN:
        rows = [r for r in missing[missing["unit_code"] == unit].itertuples(index=False)
                if (r.item_code, r.period) not in used]  # fmt: skip
        if not rows:
            continue
        row: Any = rows[0]  # a named tuple of the frame's columns
        used.add((row.item_code, row.period))
        seen = as_of - dt.timedelta(days=days_ago)
        item_id = sv.open_item(
            engine, OFFICE, OFFICE_USER, unit_code=unit, source="delivery",
            source_ref=f"{unit}|{row.item_code}|{row.period}", facts=_facts(row), seen_on=seen,
            deadline=seen + dt.timedelta(days=deadline_days),
            action=ACTION.format(item=names.get(row.item_code, row.item_code), period=row.period),
            today=seen, now=_at(seen, 9),
        )  # fmt: skip
        opened += 1
        if fate in ("answered", "accepted"):
            head = Scope("department_head", unit)
            answered_on = seen + dt.timedelta(days=min(deadline_days - 5, days_ago - 2))
            sv.answer_item(engine, head, f"dept_{unit.lower()}", item_id, ANSWER, [EVIDENCE],
                           now=_at(answered_on, 15))  # fmt: skip
            if fate == "accepted":
                sv.accept_item(engine, OFFICE, OFFICE_USER, item_id, "补报数据已核对，予以办结。",
                               now=_at(answered_on + dt.timedelta(days=3), 10))  # fmt: skip
    return opened
