"""Someone else's desk for a stretch: an account used only from one terminal on a run of the
operator's active days, a terminal they never used before or after, while their usual terminals
rest (anomaly-2.20).

An account borrowed while its holder is on leave (gen_c: from a colleague's PC at lunch or in
the evening) or credentials shared with someone at another desk (gen_b) leave this trace: the
holder's own days on their own terminals, then D days on a terminal nobody saw them use, then
their own terminals again. Under the operator's own habits (every other active day of theirs
used a terminal they use outside the stretch), the chance that D days in a row fall on a
terminal of no other day is at most (1 / (other days + 2))^D (Laplace) somewhere in their n
active days: the evidence is -log10(n * p^D). A day or two at a colleague's window is common
(under 2); a week is not. A colleague covering a hall for a week does the same, so the signal
is capped (anomaly_range.DESK_CAP).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_dormant import quiet_run_evidence


def desk_stretches(term_days: pl.DataFrame) -> pl.DataFrame:
    """op, terminal, d_first, d_last (dates), d_days (D), d_other (the operator's other active
    days), d_n (lookups), desk_ev: per operator the strongest stretch of active days on which
    only one terminal was used, a terminal of no other day, with active days before and after
    it; from term_days (op, date, terminal, n: lookups per operator, day and terminal)."""
    t = term_days.filter(pl.col("terminal").is_not_null() & (pl.col("terminal") != ""))
    days = (
        t.select("op", "date")
        .unique()
        .sort("op", "date")
        .with_columns(idx=pl.int_range(pl.len()).over("op"), active=pl.len().over("op"))
    )
    t = t.join(days, on=["op", "date"])
    per_day = t.group_by("op", "date").agg(pl.col("terminal").n_unique().alias("k"))
    span = t.group_by("op", "terminal").agg(
        pl.col("idx").min().alias("lo"),
        pl.col("idx").max().alias("hi"),
        pl.col("date").min().alias("d_first"),
        pl.col("date").max().alias("d_last"),
        pl.col("n").sum().alias("d_n"),
        pl.col("active").first(),
    )
    # with days of the operator's own before and after
    span = span.filter((pl.col("lo") > 0) & (pl.col("hi") < pl.col("active") - 1))
    inside = (
        span.join(days.select("op", "date", "idx"), on="op")
        .filter((pl.col("idx") >= pl.col("lo")) & (pl.col("idx") <= pl.col("hi")))
        .join(per_day, on=["op", "date"])
        .join(
            t.select("op", "date", "terminal", hit=pl.lit(True)),
            on=["op", "date", "terminal"],
            how="left",
        )  # fmt: skip
        .group_by("op", "terminal")
        .agg(((pl.col("k") == 1) & pl.col("hit").fill_null(False)).all().alias("alone"))
    )
    s = span.join(inside.filter("alone"), on=["op", "terminal"]).with_columns(
        d_days=(pl.col("hi") - pl.col("lo") + 1).cast(pl.Float64),
    )
    s = s.with_columns(d_other=pl.col("active").cast(pl.Float64) - pl.col("d_days"))
    # D days in a row somewhere in n, each at 1 / (other days + 2): the dormant silence's form
    other = s["d_other"].to_numpy()
    evidence = quiet_run_evidence(
        s["active"].to_numpy().astype(float), s["d_days"].to_numpy(), 1.0 - 1.0 / (other + 2.0)
    )
    s = s.with_columns(desk_ev=pl.Series(evidence, dtype=pl.Float64))
    best = (
        s.sort(["op", "desk_ev", "terminal"], descending=[False, True, False])
        .group_by("op", maintain_order=True)
        .first()
    )
    return best.select("op", "terminal", "d_first", "d_last", "d_days", "d_other", "d_n", "desk_ev")


def desk_evidence(
    f: pl.DataFrame, term_days: pl.DataFrame | None
) -> tuple[np.ndarray, pl.DataFrame]:
    """(evidence per row of f (column op), the stretches joined to f's operators)."""
    if term_days is None or term_days.is_empty():
        empty = f.select("op").with_columns(
            d_terminal=pl.lit(None, pl.String), d_first=pl.lit(None, pl.Date),
            d_last=pl.lit(None, pl.Date), d_days=pl.lit(0.0), d_other=pl.lit(0.0),
            d_n=pl.lit(0, pl.Int64), desk_ev=pl.lit(0.0),
        )  # fmt: skip
        return np.zeros(f.height), empty
    j = f.select("op").join(
        desk_stretches(term_days).rename({"terminal": "d_terminal"}), on="op", how="left"
    )
    ev = np.clip(j["desk_ev"].fill_null(0.0).to_numpy(), 0.0, None)
    return ev, j
