"""Per operator-window features from the window's aggregates (polars, vectorised).

One row per operator active in the window: volume, days, unauthorised lookups, lookups per hour of
day, and the relationships between the operator and the persons looked up (kin, neighbours,
colleagues, the privacy watch list, other counties, the same person again and again).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import polars as pl

from scoring.anomaly_windows import Window

HOURS = 24
H_COLS = [f"h{h:02d}" for h in range(HOURS)]  # lookups per hour of day
U_COLS = [f"u{h:02d}" for h in range(HOURS)]  # unauthorised lookups per hour of day

# Two-character surnames (复姓); every other surname is the first character of the name.
COMPOUND_SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 西门 "
    "南宫 独孤 百里 呼延 申屠 太史 万俟 闻人 澹台 公冶 宗政 濮阳 淳于 单于 太叔 钟离 仲孙 "
    "东郭 第五 公羊 赫连 拓跋 左丘 梁丘 谷梁 段干 司空 司寇 巫马 亓官 乐正 壤驷 公良 漆雕"
).split()


def surname(name: str | None) -> str | None:
    """The family name: a known two-character compound surname, else the first character."""
    if not name:
        return None
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def surname_expr(column: str) -> pl.Expr:
    two = pl.col(column).str.slice(0, 2)
    return pl.when(two.is_in(COMPOUND_SURNAMES)).then(two).otherwise(pl.col(column).str.slice(0, 1))


def prepare_operators(ops: pl.DataFrame) -> pl.DataFrame:
    """Operators with their surname; colleagues are derived from the department."""
    return ops.with_columns(op_surname=surname_expr("op_name"))


def colleague_pairs(ops: pl.DataFrame) -> pl.DataFrame:
    """(op, subject) for every other operator of the same department whose ID is on file."""
    mates = ops.filter(pl.col("op_id").is_not_null()).select(
        pl.col("dept"), pl.col("op").alias("mate"), pl.col("op_id").alias("subject")
    )
    return (
        ops.select("op", "dept")
        .join(mates, on="dept")
        .filter(pl.col("op") != pl.col("mate"))
        .select("op", "subject", pl.lit(True).alias("colleague"))
        .unique(["op", "subject"])
    )


def daily_counts(hourly: pl.DataFrame, window: Window, index: int) -> pl.DataFrame:
    """op, win, date, n, unauth: lookups per operator and calendar date of the window."""
    days = (window.end - window.start).days
    dates = [window.start.date() + dt.timedelta(days=k) for k in range(days)]
    calendar = pl.DataFrame(
        {"day": [d.day for d in dates], "date": dates}, schema={"day": pl.Int32, "date": pl.Date}
    )
    return (
        hourly.join(calendar, on="day")
        .group_by("op", "date")
        .agg(pl.col("n").sum(), pl.col("unauth").sum())
        .with_columns(win=pl.lit(index, pl.Int32))
    )


def off_days(daily: pl.DataFrame, quiet_share: float = 0.5) -> pl.DataFrame:
    """The dates (column `date`) on which fewer operators than quiet_share of the median date's
    were active."""
    active = daily.group_by("date").agg(pl.col("op").n_unique().alias("ops"))
    # polars types Series.median() as any Python literal; of an integer column it is a float
    cut = quiet_share * float(cast(float | None, active["ops"].median()) or 0)
    return active.filter(pl.col("ops") < cut).select("date")


def off_day_counts(daily: pl.DataFrame, off: pl.DataFrame) -> pl.DataFrame:
    """op, win, off_n, off_unauth, off_dates: lookups on dates when most operators do not work.

    A date is off (a weekend, a holiday, the Spring Festival) when fewer operators than
    quiet_share of the median date's were active; the calendar is read from the log itself, so
    official make-up working days count as working days."""
    return (
        daily.join(off, on="date")
        .sort("date")
        .group_by("op", "win")
        .agg(
            pl.col("n").sum().alias("off_n"),
            pl.col("unauth").sum().alias("off_unauth"),
            pl.col("date").dt.strftime("%Y-%m-%d").str.join(", ").alias("off_dates"),
        )
    )


def _hour_part(hourly: pl.DataFrame) -> pl.DataFrame:
    per_op = hourly.group_by("op").agg(pl.col("n").sum(), pl.col("unauth").sum())
    by_hour = hourly.group_by("op", "hour").agg(pl.col("n").sum(), pl.col("unauth").sum())
    grid = pl.DataFrame({"hour": list(range(HOURS))}, schema={"hour": pl.Int32})
    full = per_op.select("op").join(grid, how="cross").join(by_hour, on=["op", "hour"], how="left")
    full = full.with_columns(pl.col("n", "unauth").fill_null(0)).sort("op", "hour")
    wide_n = full.pivot(on="hour", index="op", values="n", sort_columns=True)
    wide_u = full.pivot(on="hour", index="op", values="unauth", sort_columns=True)
    wide_n.columns = ["op", *H_COLS]
    wide_u.columns = ["op", *U_COLS]
    return per_op.join(wide_n, on="op").join(wide_u, on="op")


REVIEW_PERSONS = 3  # colleagues under one reference that make a staff review


def flag_pairs(pairs: pl.DataFrame, ops: pl.DataFrame, mates: pl.DataFrame) -> pl.DataFrame:
    """Per (op, subject): the relationship of the person to the operator."""
    s = pairs.join(ops, on="op", how="left").join(mates, on=["op", "subject"], how="left")
    known = pl.col("s_name").is_not_null()
    not_self = pl.col("op_id").is_null() | (pl.col("subject") != pl.col("op_id"))
    same_res = pl.col("op_res").is_not_null() & (pl.col("s_res") == pl.col("op_res"))
    kin = known & not_self & same_res & (surname_expr("s_name") == pl.col("op_surname"))
    colleague = pl.col("colleague").fill_null(False) & not_self.fill_null(True)
    # a staff review: colleagues looked up with a purpose, each under one reference that the
    # operator used for REVIEW_PERSONS colleagues or more (HR's quarterly review in one sitting)
    one_ref = (
        (pl.col("unauth") == 0) & (pl.col("n_ref") == pl.col("n"))
        & (pl.col("ref_min") == pl.col("ref_max"))
    ).fill_null(False)  # fmt: skip
    reviewed = (colleague & one_ref).cast(pl.Int32).sum().over("op", "ref_min") >= REVIEW_PERSONS
    return s.with_columns(
        kin=kin.fill_null(False),
        nb=(known & not_self & same_res & ~kin).fill_null(False),
        col=colleague & ~(one_ref & reviewed),
        col_review=colleague & one_ref & reviewed,
        sens=pl.col("s_sensitive").fill_null(False),
        out=(
            known & pl.col("op_county").is_not_null() & (pl.col("s_county") != pl.col("op_county"))
        ).fill_null(False),
        unknown=~known,
    )


def _subject_part(subj: pl.DataFrame, ops: pl.DataFrame, mates: pl.DataFrame) -> pl.DataFrame:
    s = flag_pairs(subj, ops, mates)
    aggs = [pl.len().alias("subjects")]
    for flag in ("kin", "nb", "col", "sens"):
        aggs += [
            pl.col(flag).sum().alias(f"{flag}_subj"),
            (pl.col("n") * pl.col(flag)).sum().alias(f"{flag}_n"),
            (pl.col("unauth") * pl.col(flag)).sum().alias(f"{flag}_unauth"),
        ]
    aggs += [
        (pl.col("n") * pl.col("out")).sum().alias("out_n"),
        (pl.col("unauth") * pl.col("out")).sum().alias("out_unauth"),
        (pl.col("n") * pl.col("unknown")).sum().alias("unknown_n"),
    ]
    per_op = s.group_by("op").agg(aggs)
    top = (
        s.filter(pl.col("out"))
        .group_by("op", "s_county")
        .agg(pl.col("n").sum().alias("out_top_n"))
        .sort(["op", "out_top_n", "s_county"], descending=[False, True, False])
        .group_by("op", maintain_order=True)
        .first()
        .rename({"s_county": "out_top_county"})
    )
    return per_op.join(top, on="op", how="left")


def window_features(
    index: int,
    window: Window,
    hourly: pl.DataFrame,
    subj: pl.DataFrame,
    batch: pl.DataFrame,
    ops: pl.DataFrame,
    mates: pl.DataFrame,
) -> pl.DataFrame:
    """One row per operator active in the window (empty frame when nobody looked anyone up)."""
    if hourly.is_empty():
        return pl.DataFrame()
    out = _hour_part(hourly)
    out = out.join(_subject_part(subj, ops, mates), on="op", how="left")
    b = batch.group_by("op").agg(pl.col("n").sum().alias("batch_n"))
    out = out.join(b, on="op", how="left")
    numeric = [c for c, t in out.schema.items() if t.is_numeric()]
    out = out.with_columns(pl.col(numeric).fill_null(0))
    return out.with_columns(
        win=pl.lit(index, pl.Int32),
        start=pl.lit(window.start),
        end=pl.lit(window.end),
        scored=pl.lit(window.scored),
    )
