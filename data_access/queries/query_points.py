"""Query points (网点) and accounts: the monthly user-risk review of the opinion (二.二.2).

The credit office audits every place lookups are made from, the staff there and their accounts.
This module owns the month's figures, per terminal and per service point, the accounts to look at
(shared terminals, operators on several terminals, dormant accounts that suddenly work, open
alerts) and a transparent risk rank. Every figure is counted in SQL over one month's range of
`queried_at` (the `ix_query_time` index; on PostgreSQL the month's partition), or read from the
month's stored rollup once it has ended (data_access.queries.query_month_rollup): the database
returns one row per operator, terminal and month, never a lookup (the city logs about 1.7 million
lookups a month); the small aggregate is rolled up to terminals and points here.

Definitions (README, "Query points and accounts"; the page repeats them):
- service point (网点): not in the contract; derived as the operator's department and county
  (`operator.department_code` + `operator.county_code`, no county = the department's city-level
  office), i.e. the office where the operator works and their terminal stands. A lookup counts at
  its operator's point.
- terminal: `query_log.terminal_id`; a lookup without one counts at its point as "no terminal".
  A terminal's point is the point of the operators who made most of its lookups.
- unauthorised lookup: the detector's rule (scoring/anomaly_source.py): no known purpose, or a
  purpose that needs an authorisation (`purpose.needs_authorization`) without a reference
  (empty or blank).
- alerts: the detector's alerts of the point's (terminal's) operators whose window overlaps the
  month, dismissed ones left out.
- shared terminal: used by at least 2 operators in the month; multi-terminal operator: used at
  least MULTI_TERMINAL_MIN terminals in the month.
- dormant then active: an operator with no lookup in the DORMANT_DAYS days before the month who
  looks up at least DORMANT_MIN_PERSONS distinct persons in it. 20 is below any role's ordinary
  month (the quietest, an API account, makes about 60 lookups), so every real return to work is
  listed for the office to match against leave and staff records, while one or two lookups (an
  account checked after a password reset) are not. Judged only when the log reaches back
  DORMANT_DAYS days before the month.
- risk points: the sum of the rules in RULES that hold (each with its reason); HIGH_POINTS and
  more is high, MEDIUM_POINTS and more medium, else low. No weights learnt, nothing hidden.

Reads need the `oversight` subject (privacy officers and administrators).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Connection, Engine, case, func, select

from data_access.id_number import mask_name
from data_access.queries import query_month_rollup as qm
from data_access.queries.query_month_rollup import (
    MonthFigures,
    add_months,
    at_midnight,
    month_start,
)
from data_access.schema import models as m
from data_access.scope import Scope

Q, OP, PU, A = (t.__table__ for t in (m.QueryLog, m.Operator, m.Purpose, m.Alert))

COMPARISON_MONTHS = 3
DORMANT_DAYS = 60
DORMANT_MIN_PERSONS = 20
MULTI_TERMINAL_MIN = 2
UNAUTH_FACTOR, UNAUTH_FLOOR, UNAUTH_MIN = 2.0, 0.01, 5
SURGE_FACTOR, SURGE_MIN = 2.0, 100
NOT_CLOSED = ("open", "escalated")
# (rule, points): the risk rank of a point or a terminal is the sum of the points of the rules
# that hold for it; each rule that holds is a reason shown beside it.
#   alerts         the detector raised an alert (not dismissed) for one of its operators
#   unauthorised   unauthorised share >= 2 x the city's (and >= 1 %), at least 5 such lookups
#   dormant        one of its operators is a dormant account that started working in the month
#   cross_office   a terminal used by operators of more than one service point
#   shared         a terminal used by several operators
#   multi_terminal one of its operators used several terminals
#   surge          lookups >= 2 x the average of the 3 months before, and 100 more
RULES: tuple[tuple[str, int], ...] = (
    ("alerts", 3),
    ("unauthorised", 2),
    ("dormant", 2),
    ("cross_office", 2),
    ("shared", 1),
    ("multi_terminal", 1),
    ("surge", 1),
)
HIGH_POINTS, MEDIUM_POINTS = 4, 2
POINT_COLUMNS = ["point", "lookups", "unauthorised", "operators", "terminals", "no_terminal",
                 "shared_terminals", "cross_office_terminals", "alerts", "alerted_operators",
                 "multi_terminal_operators", "dormant_operators", "previous_average"]  # fmt: skip
TERMINAL_COLUMNS = ["terminal", "lookups", "unauthorised", "operators", "points", "point",
                    "alerts", "dormant_operators", "multi_terminal_operators",
                    "previous_average"]  # fmt: skip


@dataclass
class MonthReview:
    """The month's review: frames of codes and numbers (names of operators masked)."""

    month: dt.date  # first day of the month
    start: dt.datetime
    end: dt.datetime  # exclusive
    log_first: dt.datetime | None  # the earliest lookup of the log
    dormant_judged: bool  # the log reaches DORMANT_DAYS before the month
    totals: dict[str, float | int | None] = field(default_factory=dict)
    points: pd.DataFrame = field(default_factory=pd.DataFrame)
    terminals: pd.DataFrame = field(default_factory=pd.DataFrame)
    shared: pd.DataFrame = field(default_factory=pd.DataFrame)
    multi_terminal: pd.DataFrame = field(default_factory=pd.DataFrame)
    dormant: pd.DataFrame = field(default_factory=pd.DataFrame)
    open_alerts: pd.DataFrame = field(default_factory=pd.DataFrame)
    counties: tuple[str, ...] = ()  # the counties it is narrowed to (none: the whole scope)


def _scoped(scope: Scope):
    return scope.department_condition("oversight", OP.c.department_code)


def log_months(engine: Engine, scope: Scope) -> tuple[dt.date, dt.date] | None:
    """The first and the last month with lookups (both via the time index), or None."""
    scope.require("oversight")
    with engine.connect() as conn:
        # two statements: SQLite answers a lone MIN or MAX from the index's end, but scans the
        # whole index (20 million lookups on the city: 2.5 s) for both in one SELECT
        first = conn.scalar(select(func.min(Q.c.queried_at)))
        last = conn.scalar(select(func.max(Q.c.queried_at)))
    if first is None:
        return None
    return month_start(pd.Timestamp(first).date()), month_start(pd.Timestamp(last).date())


def default_month(engine: Engine, scope: Scope, today: dt.date) -> dt.date | None:
    """The last month that ended before today and has lookups, else the latest with lookups."""
    span = log_months(engine, scope)
    if span is None:
        return None
    first, last = span
    complete = add_months(month_start(today), -1)
    if complete < first:
        return last
    return min(last, complete)


# --------------------------------------------------------------------------- SQL aggregates


def _pairs(engine: Engine, scope: Scope, month: dt.date) -> tuple[pd.DataFrame, list[MonthFigures]]:
    """op, terminal ('' for none), bucket (0..2 the months before, 3 the month), n, unauth; and
    the figures of the four months, the month last. Each month from its stored rollup when
    there is one (data_access.queries.query_month_rollup), else one GROUP BY over its range."""
    frames, figures = [], []
    for k in range(COMPARISON_MONTHS + 1):
        figures.append(qm.month_figures(engine, scope, add_months(month, k - COMPARISON_MONTHS)))
        frames.append(figures[-1].pairs.assign(bucket=k))
    frame = pd.concat(frames, ignore_index=True)
    return frame.astype({"bucket": "int64", "n": "int64", "unauth": "int64"}), figures


def _operators(conn: Connection, scope: Scope) -> pd.DataFrame:
    stmt = select(OP.c.operator_id, OP.c.name, OP.c.department_code, OP.c.role,
                  OP.c.county_code).where(_scoped(scope))  # fmt: skip
    frame = pd.DataFrame(conn.execute(stmt).all(),
                         columns=["op", "name", "department_code", "role", "county_code"])  # fmt: skip
    frame["name"] = frame["name"].map(mask_name)
    frame["county_code"] = frame["county_code"].fillna("")
    return frame


def _alerts(conn: Connection, scope: Scope, start: dt.datetime, end: dt.datetime) -> pd.DataFrame:
    """op, alerts, not_closed: alerts (not dismissed) whose window overlaps the month."""
    stmt = (
        select(
            A.c.operator_id,
            func.count(),
            func.sum(case((A.c.status.in_(NOT_CLOSED), 1), else_=0)),
        )  # fmt: skip
        .select_from(A.join(OP, OP.c.operator_id == A.c.operator_id))
        .where(
            A.c.window_start < end,
            A.c.window_end > start,
            A.c.status != "dismissed",
            _scoped(scope),
        )  # fmt: skip
        .group_by(A.c.operator_id)
    )
    return pd.DataFrame(conn.execute(stmt).all(), columns=["op", "alerts", "not_closed"])


def _open_alerts(conn: Connection, scope: Scope, end: dt.datetime) -> pd.DataFrame:
    """Alerts not closed (open or escalated) with a window starting before the month's end."""
    stmt = (
        select(
            A.c.operator_id,
            func.sum(case((A.c.status == "open", 1), else_=0)),
            func.sum(case((A.c.status == "escalated", 1), else_=0)),
            func.max(A.c.score),
            func.min(A.c.window_start),
            func.max(A.c.window_end),
        )  # fmt: skip
        .select_from(A.join(OP, OP.c.operator_id == A.c.operator_id))
        .where(A.c.status.in_(NOT_CLOSED), A.c.window_start < end, _scoped(scope))
        .group_by(A.c.operator_id)
    )
    return pd.DataFrame(conn.execute(stmt).all(), columns=[
        "op", "open", "escalated", "top_score", "first_window", "last_window"])  # fmt: skip


def _dormant(
    conn: Connection, scope: Scope, figures: list[MonthFigures], start: dt.datetime
) -> pd.DataFrame:
    """Operators with >= DORMANT_MIN_PERSONS persons in the month (the last of `figures`) and
    no lookup in the DORMANT_DAYS before it: op, lookups, persons, first_in_month, last_before
    (None: none). The months before (the rest of `figures`, which cover more than DORMANT_DAYS)
    tell who worked recently from their last lookups; the last lookup before the month of
    each remaining candidate is one probe of `ix_query_operator_time`."""
    idle_since = pd.Timestamp(start - dt.timedelta(days=DORMANT_DAYS))
    month_ops = figures[-1].operators
    recent: set[str] = set()
    for before in figures[:-1]:
        ops = before.operators
        recent.update(ops.loc[ops["last_in_month"] >= idle_since, "op"])
    busy = month_ops[
        (month_ops["persons"] >= DORMANT_MIN_PERSONS) & ~month_ops["op"].isin(list(recent))
    ]
    columns = ["op", "lookups", "persons", "first_in_month", "last_before"]
    if busy.empty:
        return pd.DataFrame(columns=columns)
    earlier = Q.alias("earlier")
    last_before = (
        select(func.max(earlier.c.queried_at))
        .where(earlier.c.operator_id == OP.c.operator_id, earlier.c.queried_at < start)
        .scalar_subquery()
    )
    last: dict[str, object] = {}
    ids = busy["op"].tolist()
    for i in range(0, len(ids), 500):
        stmt = select(OP.c.operator_id, last_before).where(
            OP.c.operator_id.in_(ids[i : i + 500]), _scoped(scope)
        )
        last.update(dict(conn.execute(stmt).all()))
    frame = busy[busy["op"].isin(list(last))].copy()
    frame["last_before"] = pd.to_datetime(frame["op"].map(last))
    frame = frame[frame["last_before"].isna() | (frame["last_before"] < idle_since)]
    frame["first_in_month"] = pd.to_datetime(frame["first_in_month"])
    return frame[columns].reset_index(drop=True)


# --------------------------------------------------------------------------- the review


def _point_key(ops: pd.DataFrame) -> pd.Series:
    return ops["department_code"] + "|" + ops["county_code"]


def _risk(frame: pd.DataFrame) -> pd.DataFrame:
    """risk_points (sum of the RULES that hold, each an r_<rule> column) and level."""
    points = sum(frame[f"r_{rule}"].astype(int) * p for rule, p in RULES)
    frame["risk_points"] = points if len(frame) else pd.Series(dtype="int64")
    frame["level"] = [
        "high" if p >= HIGH_POINTS else "medium" if p >= MEDIUM_POINTS else "low"
        for p in frame["risk_points"]
    ]
    return frame


def month_review(
    engine: Engine, scope: Scope, month: dt.date, counties: Sequence[str] = ()
) -> MonthReview:
    """The month's review (month: any day of it). With `counties`, narrowed to the operators of
    those counties (city-level operators have none): their points, terminals (by the point most
    of a terminal's lookups come from), accounts and alerts, and totals over them alone; the
    rules are judged as for the whole scope (the unauthorised share against the scope's, a
    terminal shared across offices whatever the county), so a rank means the same either way."""
    scope.require("oversight")
    month = month_start(month)
    start, end = at_midnight(month), at_midnight(add_months(month, 1))
    pairs, figures = _pairs(engine, scope, month)
    persons = figures[-1].persons
    with engine.connect() as conn:
        log_first = conn.scalar(select(func.min(Q.c.queried_at)))
        ops = _operators(conn, scope)
        alerts = _alerts(conn, scope, start, end)
        open_alerts = _open_alerts(conn, scope, end)
        dormant = _dormant(conn, scope, figures, start)
    log_first = pd.Timestamp(log_first).to_pydatetime() if log_first is not None else None
    judged = log_first is not None and log_first <= start - dt.timedelta(days=DORMANT_DAYS)
    if not judged:
        dormant = dormant.iloc[0:0]
    # months before the month that the log covers (their average is over these only)
    covered = [
        k for k in range(COMPARISON_MONTHS)
        if log_first is not None and log_first < at_midnight(add_months(month, k - COMPARISON_MONTHS + 1))
    ]  # fmt: skip
    n_prev = len(covered)
    review = MonthReview(month, start, end, log_first, judged)

    ops["point"] = _point_key(ops)
    info = ops.set_index("op")
    cur = pairs[pairs["bucket"] == COMPARISON_MONTHS].drop(columns="bucket")
    prev = pairs[pairs["bucket"] < COMPARISON_MONTHS]
    cur = cur.assign(point=cur["op"].map(info["point"]))
    prev = prev.assign(point=prev["op"].map(info["point"]))
    alert_n = alerts.set_index("op")["alerts"] if len(alerts) else pd.Series(dtype="int64")
    dormant_ops = set(dormant["op"])

    # operators: terminals used in the month
    with_terminal = cur[cur["terminal"] != ""]
    term_count = with_terminal.groupby("op")["terminal"].nunique()
    multi_ops = set(term_count[term_count >= MULTI_TERMINAL_MIN].index)

    # ---- terminals
    by_term = with_terminal.groupby("terminal")
    terminals = pd.DataFrame({
        "lookups": by_term["n"].sum(),
        "unauthorised": by_term["unauth"].sum(),
        "operators": by_term["op"].nunique(),
        "points": by_term["point"].nunique(),
    })  # fmt: skip
    if len(terminals):
        main_point = (with_terminal.groupby(["terminal", "point"])["n"].sum().reset_index()
                      .sort_values(["terminal", "n", "point"], ascending=[True, False, True])
                      .drop_duplicates("terminal").set_index("terminal")["point"])  # fmt: skip
        terminals["point"] = main_point
        users = with_terminal.groupby("terminal")["op"].agg(lambda s: sorted(set(s)))
        terminals["alerts"] = users.map(lambda o: int(sum(alert_n.get(x, 0) for x in o)))
        terminals["dormant_operators"] = users.map(lambda o: len(dormant_ops.intersection(o)))
        terminals["multi_terminal_operators"] = users.map(lambda o: len(multi_ops.intersection(o)))
        prev_t = prev[prev["terminal"] != ""].groupby("terminal")["n"].sum()
        terminals["previous_average"] = (
            prev_t.reindex(terminals.index).fillna(0) / n_prev if n_prev else float("nan")
        )
    terminals = terminals.rename_axis("terminal").reset_index()
    if terminals.empty:
        terminals = pd.DataFrame(columns=TERMINAL_COLUMNS)

    # ---- points
    by_point = cur.groupby("point")
    points = pd.DataFrame({
        "lookups": by_point["n"].sum(),
        "unauthorised": by_point["unauth"].sum(),
        "operators": by_point["op"].nunique(),
    })  # fmt: skip
    if len(points):
        points["terminals"] = with_terminal.groupby("point")["terminal"].nunique()
        points["no_terminal"] = cur[cur["terminal"] == ""].groupby("point")["n"].sum()
        shared_terms = set(terminals.loc[terminals["operators"] >= 2, "terminal"])
        cross_terms = set(terminals.loc[terminals["points"] >= 2, "terminal"])
        point_terms = with_terminal.groupby("point")["terminal"].unique()
        points["shared_terminals"] = point_terms.map(lambda a: len(shared_terms.intersection(a)))
        points["cross_office_terminals"] = point_terms.map(
            lambda a: len(cross_terms.intersection(a))
        )
        point_ops = cur.groupby("point")["op"].unique()
        points["alerts"] = point_ops.map(lambda o: int(sum(alert_n.get(x, 0) for x in o)))
        points["alerted_operators"] = point_ops.map(lambda o: sum(x in alert_n.index for x in o))
        points["multi_terminal_operators"] = point_ops.map(lambda o: len(multi_ops.intersection(o)))
        points["dormant_operators"] = point_ops.map(lambda o: len(dormant_ops.intersection(o)))
        prev_p = prev.groupby("point")["n"].sum()
        points["previous_average"] = (
            prev_p.reindex(points.index).fillna(0) / n_prev if n_prev else float("nan")
        )
        points = points.fillna({c: 0 for c in ("terminals", "no_terminal", "shared_terminals",
                                               "cross_office_terminals")})  # fmt: skip
    points = points.rename_axis("point").reset_index()
    if points.empty:
        points = pd.DataFrame(columns=POINT_COLUMNS)

    total = int(cur["n"].sum())
    unauth_total = int(cur["unauth"].sum())
    city_share = unauth_total / total if total else None
    threshold = max(UNAUTH_FACTOR * (city_share or 0.0), UNAUTH_FLOOR)

    def rules(frame: pd.DataFrame, *, terminal: bool) -> pd.DataFrame:
        if frame.empty:
            for rule, _ in RULES:
                frame[f"r_{rule}"] = pd.Series(dtype=bool)
            frame["unauthorised_share"] = pd.Series(dtype=float)
            return _risk(frame)
        frame["unauthorised_share"] = frame["unauthorised"] / frame["lookups"]
        frame["r_alerts"] = frame["alerts"] > 0
        frame["r_unauthorised"] = (frame["unauthorised_share"] >= threshold) & (
            frame["unauthorised"] >= UNAUTH_MIN
        )
        frame["r_dormant"] = frame["dormant_operators"] > 0
        if terminal:
            frame["r_cross_office"] = frame["points"] >= 2
            frame["r_shared"] = frame["operators"] >= 2
        else:
            frame["r_cross_office"] = frame["cross_office_terminals"] > 0
            frame["r_shared"] = frame["shared_terminals"] > 0
        frame["r_multi_terminal"] = frame["multi_terminal_operators"] > 0
        avg = frame["previous_average"]
        frame["r_surge"] = (
            avg.notna() & (avg > 0)
            & (frame["lookups"] >= SURGE_FACTOR * avg) & (frame["lookups"] - avg >= SURGE_MIN)
        )  # fmt: skip
        frame = _risk(frame)
        return frame.sort_values(["risk_points", "unauthorised_share", "lookups"],
                                 ascending=False, kind="stable").reset_index(drop=True)  # fmt: skip

    points = rules(points, terminal=False)
    terminals = rules(terminals, terminal=True)
    for frame in (points, terminals):
        split = frame["point"].fillna("|").str.split("|", n=1, expand=True)
        frame["department_code"] = split[0] if len(frame) else pd.Series(dtype=object)
        frame["county_code"] = split[1] if len(frame) else pd.Series(dtype=object)
    review.points, review.terminals = points, terminals

    # ---- shared terminals: one row per terminal and operator
    shared_terms = set(terminals.loc[terminals["operators"] >= 2, "terminal"]) if len(terminals) \
        else set()  # fmt: skip
    shared = (with_terminal[with_terminal["terminal"].isin(shared_terms)]
              .groupby(["terminal", "op"], as_index=False)["n"].sum())  # fmt: skip
    shared = shared.merge(ops, on="op", how="left").rename(columns={"n": "lookups"})
    review.shared = shared.sort_values(["terminal", "lookups"], ascending=[True, False],
                                       kind="stable").reset_index(drop=True)  # fmt: skip

    # ---- operators on several terminals
    multi = with_terminal[with_terminal["op"].isin(multi_ops)].sort_values(
        ["op", "n", "terminal"], ascending=[True, False, True]
    )
    listed: dict[str, list[tuple[str, int]]] = {}
    for op, terminal, n in zip(multi["op"], multi["terminal"], multi["n"], strict=True):
        listed.setdefault(op, []).append((terminal, int(n)))
    multi_frame = pd.DataFrame({
        "op": list(listed),
        "terminals": [len(v) for v in listed.values()],
        "lookups": [sum(n for _, n in v) for v in listed.values()],
        "terminal_lookups": list(listed.values()),
    })  # fmt: skip
    review.multi_terminal = (
        multi_frame.merge(ops, on="op", how="left")
        .sort_values(["terminals", "lookups"], ascending=False, kind="stable")
        .reset_index(drop=True)
    )

    # ---- dormant accounts, open alerts
    dormant = dormant.merge(ops, on="op", how="left")
    dormant["idle_days"] = [
        (start - lb).days if pd.notna(lb) else None for lb in dormant["last_before"]
    ]
    review.dormant = dormant.sort_values(["persons", "op"], ascending=[False, True],
                                         kind="stable").reset_index(drop=True)  # fmt: skip
    review.open_alerts = (
        open_alerts.merge(ops, on="op", how="left")
        .sort_values(["top_score", "op"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )

    review.totals = {
        "lookups": total,
        "persons": persons,
        "unauthorised": unauth_total,
        "unauthorised_share": city_share,
        "operators": int(cur["op"].nunique()),
        "points": len(points),
        "terminals": len(terminals),
        "no_terminal": int(cur.loc[cur["terminal"] == "", "n"].sum()),
        "shared_terminals": len(shared_terms),
        "multi_terminal_operators": len(multi_ops),
        "dormant_operators": len(review.dormant),
        "alerted_operators": len(alerts),
        "open_alert_operators": len(review.open_alerts),
        "high_points": int((points["level"] == "high").sum()),
        "previous_lookups": int(prev["n"].sum()) / n_prev if n_prev else None,
        "comparison_months": n_prev,
    }
    if counties:
        review.counties = tuple(counties)
        _narrow(engine, scope, review, ops, cur, prev, alerts, list(counties))
    return review


def _narrow(engine: Engine, scope: Scope, review: MonthReview, ops: pd.DataFrame,
            cur: pd.DataFrame, prev: pd.DataFrame, alerts: pd.DataFrame,
            counties: list[str]) -> None:  # fmt: skip
    """The review of the operators of `counties` only (see month_review)."""
    mine = set(ops.loc[ops["county_code"].isin(counties), "op"])
    cur, prev = cur[cur["op"].isin(mine)], prev[prev["op"].isin(mine)]
    review.points = review.points[review.points["county_code"].isin(counties)].reset_index(
        drop=True
    )
    review.terminals = review.terminals[review.terminals["county_code"].isin(counties)].reset_index(
        drop=True
    )
    for name in ("shared", "multi_terminal", "dormant", "open_alerts"):
        frame = getattr(review, name)
        setattr(review, name, frame[frame["op"].isin(mine)].reset_index(drop=True))
    with engine.connect() as conn:
        persons = conn.scalar(
            select(func.count(func.distinct(Q.c.subject_id_number)))
            .select_from(Q.join(OP, OP.c.operator_id == Q.c.operator_id))
            .where(
                Q.c.queried_at >= review.start,
                Q.c.queried_at < review.end,
                OP.c.county_code.in_(counties),
                _scoped(scope),
            )  # fmt: skip
        )
    total, unauth = int(cur["n"].sum()), int(cur["unauth"].sum())
    n_prev = review.totals["comparison_months"]
    review.totals.update({
        "lookups": total,
        "persons": int(persons or 0),
        "unauthorised": unauth,
        "unauthorised_share": unauth / total if total else None,
        "operators": int(cur["op"].nunique()),
        "points": len(review.points),
        "terminals": len(review.terminals),
        "no_terminal": int(cur.loc[cur["terminal"] == "", "n"].sum()),
        "shared_terminals": int(review.shared["terminal"].nunique()) if len(review.shared) else 0,
        "multi_terminal_operators": len(review.multi_terminal),
        "dormant_operators": len(review.dormant),
        "alerted_operators": int(alerts["op"].isin(mine).sum()) if len(alerts) else 0,
        "open_alert_operators": len(review.open_alerts),
        "high_points": int((review.points["level"] == "high").sum()),
        "previous_lookups": int(prev["n"].sum()) / n_prev if n_prev else None,
    })  # fmt: skip
