"""Query oversight: the alert queue, an alert's evidence and its append-only triage history.

Plain functions take an engine and a Scope (privacy officers and administrators only); the
`cached_*` wrappers (ten minutes) are keyed by the database URL, the scope and the filters.
Evidence rows leave this module with the subject's ID number and name masked.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import pandas as pd
from sqlalchemy import (
    Engine,
    String,
    and_,
    case,
    func,
    insert,
    inspect,
    or_,
    select,
    type_coerce,
    update,
)

from data_access.clock import city_now
from data_access.id_number import mask_id_number, mask_name
from data_access.queries.authorisation import no_reference, outside_family, unauthorised
from data_access.schema import models as m
from data_access.scope import Scope
from data_access.text import clean_text

ACTIONS = {"confirm": "confirmed", "dismiss": "dismissed", "escalate": "escalated"}
EVIDENCE_LIMIT = 1000

A, E, OP, Q, P, PU = (t.__table__ for t in (m.Alert, m.AlertEvent, m.Operator, m.QueryLog,
                                          m.Person, m.Purpose))  # fmt: skip


def alert_queue(
    engine: Engine,
    scope: Scope,
    statuses: tuple[str, ...],
    min_score: float,
    department: str | None,
    start: dt.date | None,
    end: dt.date | None,
    counties: tuple[str, ...] = (),
    reason: str = "",
) -> pd.DataFrame:
    """Alerts ranked by score (highest first) with their operator, filtered; counties are the
    operators' counties (empty: all), reason a phrase the reasons contain (either language)."""
    scope.require("oversight")
    stmt = (
        select(
            A.c.alert_id,
            A.c.operator_id,
            OP.c.name.label("operator_name"),
            OP.c.department_code,
            OP.c.role,
            A.c.window_start,
            A.c.window_end,
            A.c.score,
            A.c.status,
            A.c.reasons_zh,
            A.c.reasons_en,
        )  # fmt: skip
        .select_from(A.join(OP, OP.c.operator_id == A.c.operator_id))
        .where(A.c.score >= min_score)
        .order_by(A.c.score.desc(), A.c.alert_id)
    )
    if statuses:
        stmt = stmt.where(A.c.status.in_(statuses))
    if department:
        stmt = stmt.where(OP.c.department_code == department)
    if counties:
        stmt = stmt.where(OP.c.county_code.in_(counties))
    phrase = clean_text(reason)
    if phrase:
        stmt = stmt.where(
            or_(
                A.c.reasons_zh.contains(phrase, autoescape=True),
                func.lower(A.c.reasons_en).contains(phrase.lower(), autoescape=True),
            )
        )
    if start:
        stmt = stmt.where(A.c.window_end > dt.datetime.combine(start, dt.time()))
    if end:
        stmt = stmt.where(A.c.window_start <= dt.datetime.combine(end, dt.time.max))
    with engine.connect() as conn:
        return pd.DataFrame(
            conn.execute(stmt).mappings().all(), columns=list(stmt.selected_columns.keys())
        )


def alert_detail(engine: Engine, scope: Scope, alert_id: int) -> dict | None:
    scope.require("oversight")
    stmt = (
        select(
            A, OP.c.name.label("operator_name"), OP.c.department_code, OP.c.role, OP.c.county_code
        )
        .select_from(A.join(OP, OP.c.operator_id == A.c.operator_id))
        .where(A.c.alert_id == alert_id)
    )
    with engine.connect() as conn:
        row = conn.execute(stmt).mappings().first()
    return dict(row) if row else None


def evidence(engine: Engine, scope: Scope, alert_id: int) -> pd.DataFrame:
    """The operator's lookups in the alert's window, subjects masked; unauthorised ones first,
    then those under a reference the operator had used for someone else on an earlier day
    (borrowed: every lookup of such a person under it, unless the person lives in the village of
    the reference's first persons, their family; the detector's signal counts the
    persons once each and leaves out a batch going on into its next day and a reference three
    operators or more share, a campaign's)."""
    scope.require("oversight")
    unauth = unauthorised(True, False)
    window = select(A.c.operator_id, A.c.window_start, A.c.window_end).where(
        A.c.alert_id == alert_id
    )
    with engine.connect() as conn:
        found = conn.execute(window).first()
        if found is None:
            return pd.DataFrame()
        op, start, end = found
        day = type_coerce(func.date(Q.c.queried_at), String)
        # over the operator's lookups up to the window's end (window functions, one pass): the
        # day each person was first looked up under the reference, and the reference's first day
        mine = (
            select(
                Q.c.queried_at,
                Q.c.subject_id_number,
                P.c.name,
                P.c.county_code,
                P.c.sensitive,
                Q.c.purpose_code,
                Q.c.authorization_ref,
                Q.c.channel,
                unauth.label("unauthorised"),
                func.min(day)
                .over(partition_by=[Q.c.authorization_ref, Q.c.subject_id_number])
                .label("person_first"),
                func.min(day).over(partition_by=Q.c.authorization_ref).label("ref_first"),
                # a person of the village of the reference's first persons is their family,
                # not borrowed (the detector's rule, anomaly_source.borrowed_persons)
                func.min(day)
                .over(partition_by=[Q.c.authorization_ref, P.c.residence_code])
                .label("home_first"),
                P.c.residence_code.label("home"),
            )
            .select_from(
                Q.outerjoin(P, P.c.id_number == Q.c.subject_id_number).outerjoin(
                    PU, PU.c.code == Q.c.purpose_code
                )
            )
            .where(Q.c.operator_id == op, Q.c.queried_at < end)
            .subquery()
        )
        borrowed = case(
            (and_(~no_reference(mine.c.authorization_ref), mine.c.person_first > mine.c.ref_first,
                  outside_family(mine.c.home, mine.c.home_first, mine.c.ref_first)),
             True),
            else_=False,
        )  # fmt: skip
        stmt = (
            select(
                mine.c.queried_at,
                mine.c.subject_id_number,
                mine.c.name,
                mine.c.county_code,
                mine.c.sensitive,
                mine.c.purpose_code,
                mine.c.authorization_ref,
                mine.c.channel,
                mine.c.unauthorised,
                borrowed.label("borrowed"),
            )
            .where(mine.c.queried_at >= start)
            .order_by(mine.c.unauthorised.desc(), borrowed.desc(), mine.c.queried_at)
            .limit(EVIDENCE_LIMIT)
        )
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=[
            "queried_at", "subject", "name", "county_code", "sensitive", "purpose_code",
            "authorization_ref", "channel", "unauthorised", "borrowed"])  # fmt: skip
    frame["subject"] = frame["subject"].map(mask_id_number)
    frame["name"] = frame["name"].map(mask_name)
    frame["sensitive"] = frame["sensitive"].fillna(False).astype(bool)
    frame["unauthorised"] = frame["unauthorised"].astype(bool)
    frame["borrowed"] = frame["borrowed"].astype(bool)
    return frame


def events(engine: Engine, scope: Scope, alert_id: int) -> pd.DataFrame:
    scope.require("oversight")
    stmt = (
        select(E.c.at, E.c.username, E.c.action, E.c.note)
        .where(E.c.alert_id == alert_id)
        .order_by(E.c.at, E.c.event_id)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(stmt).all(), columns=["at", "username", "action", "note"])


def triage(
    engine: Engine, scope: Scope, alert_id: int, username: str, action: str, note: str
) -> str:
    """Confirm, dismiss or escalate an alert with a mandatory note; returns the new status.

    The history is append-only: one alert_event row per decision, never changed or deleted."""
    scope.require("oversight")
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    note = clean_text(note)
    if not note:
        raise ValueError("a note is required")
    status = ACTIONS[action]
    with engine.begin() as conn:
        if conn.scalar(select(func.count()).select_from(A).where(A.c.alert_id == alert_id)) != 1:
            raise ValueError(f"no alert {alert_id}")
        conn.execute(update(A).where(A.c.alert_id == alert_id).values(status=status))
        conn.execute(insert(E).values(alert_id=alert_id, at=city_now(),
                                      username=username, action=action, note=note))  # fmt: skip
    return status


def last_run(engine: Engine, scope: Scope) -> dict | None:
    """The detector's latest run (when, over which dates, what it raised), or None."""
    scope.require("oversight")
    if not inspect(engine).has_table(m.AnomalyRun.__tablename__):
        return None
    run = m.AnomalyRun.__table__
    with engine.connect() as conn:
        row = conn.execute(select(run).order_by(run.c.ran_at.desc(), run.c.run_id.desc()).limit(1))
        found = row.mappings().first()
    return dict(found) if found else None


# --------------------------------------------------------------------------- profile and trends


def operator_activity(
    engine: Engine, scope: Scope, operator_id: str, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Lookups per day of the operator and the average per peer (same department and role),
    counted in SQL between start and end (inclusive). Columns: day, operator, peers."""
    scope.require("oversight")
    first = dt.datetime.combine(start, dt.time())
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    with engine.connect() as conn:
        me = conn.execute(
            select(OP.c.department_code, OP.c.role).where(OP.c.operator_id == operator_id)
        ).first()
        if me is None:
            return pd.DataFrame(columns=["day", "operator", "peers"])
        peers = select(OP.c.operator_id).where(
            OP.c.department_code == me.department_code,
            OP.c.role == me.role,
            OP.c.operator_id != operator_id,
        )
        n_peers = conn.execute(select(func.count()).select_from(peers.subquery())).scalar_one()
        day = func.date(Q.c.queried_at).label("day")
        in_window = and_(Q.c.queried_at >= first, Q.c.queried_at < last)
        mine = conn.execute(
            select(day, func.count().label("n"))
            .where(in_window, Q.c.operator_id == operator_id)
            .group_by(day)
        ).all()
        theirs = conn.execute(
            select(day, func.count().label("n"))
            .where(in_window, Q.c.operator_id.in_(peers))
            .group_by(day)
        ).all()
    days = pd.date_range(start, end, freq="D").date
    frame = pd.DataFrame({"day": days})
    mine_map = {str(d): n for d, n in mine}
    theirs_map = {str(d): n for d, n in theirs}
    frame["operator"] = [mine_map.get(str(d), 0) for d in days]
    frame["peers"] = [theirs_map.get(str(d), 0) / n_peers if n_peers else None for d in days]
    return frame


def operator_profile(engine: Engine, scope: Scope, operator_id: str, as_of: dt.date) -> dict:
    """The operator, their lookups in the 90 days to the as-of date (share without a purpose or
    an authorisation reference) and their alerts by status."""
    scope.require("oversight")
    first = dt.datetime.combine(as_of - dt.timedelta(days=90), dt.time())
    last = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    with engine.connect() as conn:
        operator = (
            conn.execute(select(OP).where(OP.c.operator_id == operator_id)).mappings().first()
        )
        totals = (
            conn.execute(
                select(
                    func.count().label("lookups"),
                    func.count(func.distinct(Q.c.subject_id_number)).label("persons"),
                    func.sum(case((no_reference(), 1), else_=0)).label("no_ref"),
                    func.sum(case((Q.c.purpose_code.is_(None), 1), else_=0)).label("no_purpose"),
                ).where(
                    Q.c.operator_id == operator_id, Q.c.queried_at >= first, Q.c.queried_at < last
                )
            )
            .mappings()
            .one()
        )
        alerts: dict[str, int] = dict(
            conn.execute(
                select(A.c.status, func.count()).where(A.c.operator_id == operator_id)
                .group_by(A.c.status)
            ).all()
        )  # fmt: skip
    return {"operator": dict(operator) if operator else {}, **dict(totals), "alerts": alerts}


def alert_trend(engine: Engine, scope: Scope) -> pd.DataFrame:
    """Alerts per week (of the window start) by status, counted in SQL."""
    scope.require("oversight")
    stmt = (
        select(A.c.window_start, A.c.status, func.count().label("alerts"))
        .group_by(A.c.window_start, A.c.status)
        .order_by(A.c.window_start)
    )
    with engine.connect() as conn:
        frame = pd.DataFrame(conn.execute(stmt).all(), columns=["week", "status", "alerts"])
    if not frame.empty:
        frame["week"] = pd.to_datetime(frame["week"]).dt.date
        # with as_index=False the sum is a frame (pandas-stubs says Series)
        frame = cast(
            pd.DataFrame, frame.groupby(["week", "status"], as_index=False)["alerts"].sum()
        )
    return frame
