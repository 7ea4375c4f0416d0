"""The vectorised points engine: every person of a frame scored at once with polars expressions.

score_frame(persons, records, policy, as_of) is a pure function; the database side (reading a
county, storing the results) is scoring.points_run. The ledger (scoring.points_ledger) is the
record-by-record explanation and must give the same totals (tests/test_points_property.py).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import polars as pl

from scoring import points_rules as r
from scoring.points_policy import Policy

if TYPE_CHECKING:
    from polars.expr.whenthen import ChainedThen, Then

RESULT_COLUMNS = (
    "id_number",
    "points",
    "grade",
    "red_list",
    "green_channel",
    "serious_record",
    "black_list",
    "pending_objection",
    "positive_points",
    "negative_points",
    "age",
)


def _months_after(date: pl.Expr, months: int) -> pl.Expr:
    return date.dt.offset_by(f"{months}mo")


def adults(persons: pl.LazyFrame, policy: Policy, as_of: dt.date) -> pl.LazyFrame:
    """The persons who are scored (adult on the as-of date), with their age in years."""
    from_id = pl.col("id_number").str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    birth = pl.coalesce(pl.col("birth_date").cast(pl.Date), from_id)
    cutoff = r.adult_cutoff(as_of, policy.adult_age)
    before_birthday = (birth.dt.month().cast(pl.Int32) * 100 + birth.dt.day()) > (
        as_of.month * 100 + as_of.day
    )
    return (
        persons.with_columns(_birth=birth)
        .filter(pl.col("_birth") <= cutoff)
        .with_columns(
            age=(as_of.year - pl.col("_birth").dt.year().cast(pl.Int32))
            - before_birthday.cast(pl.Int32)
        )
        .drop("_birth")
    )


def _classified(records: pl.LazyFrame, policy: Policy, as_of: dt.date) -> pl.LazyFrame:
    """Records decided by the as-of date, with effective severity, raw points and flags."""
    rules = policy.positive_rules
    decided = pl.col("decision_date")
    is_pos = pl.col("polarity") == "positive"
    is_neg = pl.col("polarity") == "negative"
    category = pl.col("category_code")

    raw_positive = pl.lit(0, dtype=pl.Int64)
    for code, rule in reversed(list(rules.items())):
        if rule.kind == "by_level":
            value = pl.col("level").replace_strict(
                dict(rule.levels), default=0, return_dtype=pl.Int64
            )
        elif rule.kind == "per_quantity":
            q = pl.col("quantity")
            value = (
                pl.when(q > 0)
                .then((q / rule.per).floor().cast(pl.Int64) * rule.points)
                .otherwise(0)
            )
        else:
            value = pl.lit(rule.points, dtype=pl.Int64)
        raw_positive = pl.when(category == code).then(value).otherwise(raw_positive)

    severity = (
        pl.when(category.is_in(list(policy.always_serious)))
        .then(pl.lit("serious"))
        .when(pl.col("severity").is_in(list(policy.severity_points)))
        .then(pl.col("severity"))
        .otherwise(None)
    )
    default_end = pl.lit(None, dtype=pl.Date)
    for sev, months in policy.display_months.items():
        default_end = (
            pl.when(pl.col("_severity") == sev)
            .then(_months_after(decided, months))
            .otherwise(default_end)
        )
    raw_negative = pl.col("_severity").replace_strict(
        policy.severity_points, default=0, return_dtype=pl.Int64
    )
    counting_status = pl.col("status").is_in(list(policy.counting_statuses))
    positive_counts = (
        is_pos
        & category.is_in(list(rules))
        & (pl.lit(as_of) < _months_after(decided, policy.positive_window_months))
    )
    negative_counts = (
        is_neg
        & pl.col("_severity").is_not_null()
        & (pl.lit(as_of) < pl.coalesce(pl.col("display_until"), default_end))
    )
    # the lists use only what counts: no window, no status but the counting ones
    return (
        records.filter((decided <= as_of) & (is_pos | is_neg))
        .with_columns(_severity=pl.when(is_neg).then(severity))
        .with_columns(
            _counts=counting_status & (positive_counts | negative_counts),
            _raw=pl.when(is_pos).then(raw_positive).otherwise(raw_negative),
        )
        .with_columns(
            _pending=pl.col("_counts") & (pl.col("status") == policy.pending_status),
            _bad=pl.col("_counts") & is_neg,
        )
        .with_columns(
            _serious=pl.col("_bad") & (pl.col("_severity") == policy.serious_severity),
            _black=pl.col("_bad") & category.is_in(list(policy.black_categories)),
        )
    )


def _person_totals(rec: pl.LazyFrame, policy: Policy) -> pl.LazyFrame:
    """Per id_number: positive points (capped per category and year), negative points, flags."""
    caps = {c: rule.cap_per_year for c, rule in policy.positive if rule.cap_per_year is not None}
    counting = rec.filter(pl.col("_counts"))
    positive = (
        counting.filter(pl.col("polarity") == "positive")
        .group_by("id_number", "category_code", pl.col("decision_date").dt.year().alias("_year"))
        .agg(pl.col("_raw").sum())
        .with_columns(
            _cap=pl.col("category_code").replace_strict(caps, default=None, return_dtype=pl.Int64)
        )
        .with_columns(_raw=pl.min_horizontal("_raw", pl.coalesce("_cap", "_raw")))
        .group_by("id_number")
        .agg(positive_points=pl.col("_raw").sum())
    )
    negative = (
        counting.filter(pl.col("polarity") == "negative")
        .group_by("id_number")
        .agg(negative_points=pl.col("_raw").sum())
    )
    flags = rec.group_by("id_number").agg(
        pending_objection=pl.col("_pending").any(),
        serious_record=pl.col("_serious").any(),
        black_list=pl.col("_black").any(),
        _bad=pl.col("_bad").any(),
    )
    return flags.join(positive, on="id_number", how="full", coalesce=True).join(
        negative, on="id_number", how="full", coalesce=True
    )


def _grade(points: pl.Expr, policy: Policy) -> pl.Expr:
    expr: Then | ChainedThen | None = None
    for name, minimum in policy.grades:
        if minimum is None:
            return pl.lit(name) if expr is None else expr.otherwise(pl.lit(name))
        expr = (pl.when if expr is None else expr.when)(points >= minimum).then(pl.lit(name))
    raise AssertionError("the last grade has no minimum")


def score_frame(
    persons: pl.DataFrame, records: pl.DataFrame, policy: Policy, as_of: dt.date
) -> pl.DataFrame:
    """Score every adult of `persons` from `records` (any persons' records; others are ignored).

    persons: id_number, birth_date (null: taken from the ID number), any other columns (kept).
    records: RECORD_SCHEMA columns. Returns one row per adult, in the order of `persons`: the
    persons' columns, then points, grade, red_list, green_channel, serious_record, black_list,
    pending_objection, positive_points, negative_points, age."""
    scored = adults(persons.lazy(), policy, as_of)
    rec = records.lazy().join(scored.select("id_number"), on="id_number", how="semi")
    totals = _person_totals(_classified(rec, policy, as_of), policy)
    out = (
        scored.join(totals, on="id_number", how="left", maintain_order="left")
        .with_columns(
            pl.col("positive_points", "negative_points").fill_null(0).cast(pl.Int64),
            pl.col("pending_objection", "serious_record", "black_list", "_bad").fill_null(False),
        )
        .with_columns(points=policy.start + pl.col("positive_points") + pl.col("negative_points"))
        .with_columns(grade=_grade(pl.col("points"), policy), green_channel=~pl.col("_bad"))
        .with_columns(red_list=pl.col("grade").is_in(list(policy.red_grades)) & ~pl.col("_bad"))
    )
    keep = [c for c in persons.columns if c != "birth_date"]
    rest = [c for c in RESULT_COLUMNS if c not in keep]
    return out.select(*keep, *rest).collect()
