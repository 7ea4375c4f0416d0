"""The ledger: one person's integrity points explained record by record.

A plain, readable implementation of the policy (one loop over one person's records), written
independently of the vectorised engine (scoring.points_engine) so that each checks the other.

The ledger frame has a `start` line, one `record` line per positive or negative record considered
(neutral records such as QUALIFICATION are not scored and not listed), a `total` line, and one
`list` line per list (red list, green channel, serious-record figure, black list) saying whether
the person is on it and why: `rule` names the list, `listed` the decision, `reason` the ground
(LIST_REASONS) and, where one record decides it, that record with the day it stops counting
(`counts_until`). The points of the start and record lines add up to the total; a record that
gives 0 says why in `reason` (scoring.points_rules). The total line carries the grade and the
list flags. `explain_list` puts a list line in words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import polars as pl

from scoring import points_rules as r
from scoring.points_policy import Policy

LEDGER_SCHEMA: dict[str, Any] = {
    "line": pl.String,  # start | record | total
    "record_id": pl.String,
    "category_code": pl.String,
    "decision_date": pl.Date,
    "status": pl.String,
    "rule": pl.String,
    "points": pl.Int64,
    "reason": pl.String,
    "grade": pl.String,
    "red_list": pl.Boolean,
    "green_channel": pl.Boolean,
    "serious_record": pl.Boolean,
    "black_list": pl.Boolean,
    "pending_objection": pl.Boolean,
    "positive_points": pl.Int64,
    "negative_points": pl.Int64,
    "listed": pl.Boolean,  # list lines: on the list or not
    "severity": pl.String,  # list lines: the deciding record's effective severity
    "counts_until": pl.Date,  # list lines: the day the deciding record stops counting
}
# list line reasons: on the list because / not on it because
LIST_REASONS = {
    "grade_and_clean": "grade {grade} is {min_grade} or above and no negative record counts",
    "grade_below": "grade {grade} is below {min_grade}",
    "negative_counts": "a {severity} {category} of {decided} counts until {until}",
    "no_negative": "no negative record counts",
    "serious_counts": "a serious {category} of {decided} counts until {until}",
    "no_serious": "no serious negative record counts",
    "authority_list": "the authority's list: {category} of {decided} counts until {until}",
    "no_authority_list": "on no list an authority publishes under law",
}


def person_birth(person: Mapping[str, Any]) -> dt.date | None:
    """The person's birth date, else the one in the ID number."""
    return person.get("birth_date") or r.birth_from_id_number(person.get("id_number"))


def _positive_points(rule, rec: Mapping[str, Any]) -> int:
    if rule.kind == "by_level":
        return dict(rule.levels).get(rec.get("level"), 0)
    if rule.kind == "per_quantity":
        quantity = rec.get("quantity")
        if quantity is None or not quantity > 0:
            return 0
        return rule.points * math.floor(quantity / rule.per)
    return rule.points


def _effective_severity(rec: Mapping[str, Any], policy: Policy) -> str | None:
    if rec["category_code"] in policy.always_serious:
        return "serious"
    severity = rec.get("severity")
    return severity if severity in policy.severity_points else None


def _evaluate(rec: Mapping[str, Any], policy: Policy, as_of: dt.date, not_scored: str | None):
    """(rule text, points before caps, reason or None, cap key or None) for one record."""
    decided: dt.date = rec["decision_date"]
    category = rec["category_code"]
    if rec["polarity"] == "positive":
        rule = policy.positive_rules.get(category)
        rule_text = rule.describe(category) if rule else f"{category}: no rule"
        points = _positive_points(rule, rec) if rule else 0
        end = r.window_end(decided, policy.positive_window_months)
        out_reason = r.TOO_OLD
        missing = None if rule else r.NO_RULE
        cap_key = (category, decided.year) if rule and rule.cap_per_year is not None else None
    else:
        severity = _effective_severity(rec, policy)
        if severity is None:
            rule_text, points, missing = f"{category}: negative, no severity", 0, r.NO_SEVERITY
            end = decided
        else:
            points = policy.severity_points[severity]
            rule_text = f"{category} {severity} {points:+d}"
            end = rec.get("display_until") or r.window_end(decided, policy.display_months[severity])
            missing = None
        out_reason = r.EXPIRED
        cap_key = None
    if decided > as_of:
        reason = r.NOT_YET_DECIDED
    elif not_scored:
        reason = not_scored
    elif rec["status"] not in policy.counting_statuses:
        reason = rec["status"]
    elif missing:
        reason = missing
    elif as_of >= end:
        reason = out_reason
    else:
        reason = None
    return rule_text, points, reason, cap_key


def _counts_until(rec: Mapping[str, Any], policy: Policy) -> dt.date:
    """The first day a counting negative record no longer counts (its display period's end)."""
    severity = _effective_severity(rec, policy)
    assert severity is not None  # a record without one never counts (_evaluate: NO_SEVERITY)
    return rec.get("display_until") or r.window_end(
        rec["decision_date"], policy.display_months[severity]
    )


def _list_lines(
    counting_negative: list[Mapping[str, Any]], grade: str, policy: Policy
) -> list[dict[str, Any]]:
    """The four list decisions; a deciding record is the one that counts longest."""

    def line(name: str, listed: bool, reason: str, rec=None) -> dict[str, Any]:
        out: dict[str, Any] = {"line": "list", "rule": name, "listed": listed, "reason": reason,
                               "grade": grade}  # fmt: skip
        if rec is not None:
            out.update(record_id=rec["record_id"], category_code=rec["category_code"],
                       decision_date=rec["decision_date"], status=rec["status"],
                       severity=_effective_severity(rec, policy),
                       counts_until=_counts_until(rec, policy))  # fmt: skip
        return out

    def longest(records):
        return max(records, key=lambda x: (_counts_until(x, policy), x["record_id"]), default=None)

    bad = longest(counting_negative)
    serious = longest([x for x in counting_negative
                       if _effective_severity(x, policy) == policy.serious_severity])  # fmt: skip
    black = longest([x for x in counting_negative
                     if x["category_code"] in policy.black_categories])  # fmt: skip
    if grade not in policy.red_grades:
        red = line("red_list", False, "grade_below")
    elif bad is not None:
        red = line("red_list", False, "negative_counts", bad)
    else:
        red = line("red_list", True, "grade_and_clean")
    return [
        red,
        line(
            "green_channel", bad is None, "no_negative" if bad is None else "negative_counts", bad
        ),  # fmt: skip
        line(
            "serious_record",
            serious is not None,
            "serious_counts" if serious is not None else "no_serious",
            serious,
        ),  # fmt: skip
        line(
            "black_list",
            black is not None,
            "authority_list" if black is not None else "no_authority_list",
            black,
        ),  # fmt: skip
    ]


def _text(value: Any) -> str:
    """A cell as text: empty for None and NaN/NaT; a day as YYYY-MM-DD (also from a pandas
    Timestamp or a datetime, as a frame converted to pandas holds them)."""
    if value is None or value != value:
        return ""
    if isinstance(value, dt.datetime) or hasattr(value, "to_pydatetime"):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def list_values(row: Mapping[str, Any], policy: Policy) -> dict[str, str]:
    """The values a list line's reason text names (for LIST_REASONS and translated templates)."""
    return {
        "grade": _text(row.get("grade")),
        "min_grade": policy.red_min_grade,
        "category": _text(row.get("category_code")),
        "severity": _text(row.get("severity")),
        "decided": _text(row.get("decision_date")),
        "until": _text(row.get("counts_until")),
    }


def explain_list(row: Mapping[str, Any], policy: Policy) -> str:
    """A list line in words: "not on the red list: a general ADMIN_PENALTY of 2026-06-01 counts
    until 2027-06-01"."""
    name = str(row["rule"]).replace("_", " ")
    where = f"on the {name}" if row["listed"] else f"not on the {name}"
    return f"{where}: " + LIST_REASONS[row["reason"]].format(**list_values(row, policy))


def ledger(
    person_row: Mapping[str, Any], records_frame: pl.DataFrame, policy: Policy, as_of: dt.date
) -> pl.DataFrame:
    """The person's ledger as of the date (see the module docstring for the lines).

    person_row: id_number and birth_date (None: taken from the ID number). records_frame: the
    person's records with record_id, category_code, polarity, severity, level, quantity,
    decision_date, display_until, status (other columns are ignored)."""
    birth = person_birth(person_row)
    if birth is None:
        not_scored = r.UNKNOWN_BIRTH
    elif birth > r.adult_cutoff(as_of, policy.adult_age):
        not_scored = r.MINOR
    else:
        not_scored = None
    records = [
        rec
        for rec in records_frame.sort(["decision_date", "record_id"]).iter_rows(named=True)
        if rec["polarity"] in ("positive", "negative")
    ]
    lines: list[dict[str, Any]] = [
        {
            "line": "start",
            "rule": f"start (policy {policy.version}, as of {as_of.isoformat()})",
            "points": 0 if not_scored else policy.start,
            "reason": not_scored,
        }
    ]
    used: dict[tuple[str, int], int] = {}  # points already given per (category, year)
    positive = negative = 0
    pending = False
    counting_negative: list[Mapping[str, Any]] = []
    for rec in records:
        rule_text, points, reason, cap_key = _evaluate(rec, policy, as_of, not_scored)
        if reason is None and cap_key is not None:
            cap = policy.positive_rules[cap_key[0]].cap_per_year or 0
            allowed = max(0, cap - used.get(cap_key, 0))
            if points > allowed:
                points, reason = allowed, r.OVER_CAP
            used[cap_key] = used.get(cap_key, 0) + points
        counts = reason is None or reason == r.OVER_CAP
        if counts:
            pending |= rec["status"] == policy.pending_status
            if rec["polarity"] == "negative":
                negative += points
                counting_negative.append(rec)
            else:
                positive += points
        lines.append(
            {
                "line": "record",
                "record_id": rec["record_id"],
                "category_code": rec["category_code"],
                "decision_date": rec["decision_date"],
                "status": rec["status"],
                "rule": rule_text,
                "points": points if counts else 0,
                "reason": reason,
            }
        )
    if not_scored:
        total: dict[str, Any] = {"line": "total", "rule": "not scored", "reason": not_scored}
    else:
        points = policy.start + positive + negative
        grade = policy.grade_of(points)
        decisions = _list_lines(counting_negative, grade, policy)
        total = {
            "line": "total",
            "rule": "total",
            "points": points,
            "grade": grade,
            **{d["rule"]: d["listed"] for d in decisions},
            "pending_objection": pending,
            "positive_points": positive,
            "negative_points": negative,
        }
    lines.append(total)
    if not not_scored:
        lines.extend(decisions)
    return pl.DataFrame(lines, schema=LEDGER_SCHEMA)


def ledger_total(frame: pl.DataFrame) -> dict[str, Any]:
    """The total line of a ledger as a dictionary (points None when the person is not scored)."""
    return frame.filter(pl.col("line") == "total").row(0, named=True)
