"""Crowd curiosity: an operator outside a sudden case who looks its person up without a
reference (a local person in the news).

A person is at the centre of a sudden case when at least CROWD_OPS operators first looked them
up within one week (CROWD_DAYS either side of a day), they are at least CROWD_SHARE of every
operator who looked the person up in the range (few before or after, then a crowd) and that
week's lookups under a reference come from at most CASE_DEPTS departments (the officers
assigned to an arrest: the police and the court, and the regulator of the person's firm; a busy
person whom many departments look up at once is no case). Such persons are rare (none to two in
a 400-operator quarter). An operator is curious about one when their lookups of the person in
that week are not all under a reference and nobody of their department looked the person up
under one then: they are outside the case.

A news day (news_days) is the same without a case: three or more operators of two or more
departments first look one person up within three days (one day before anomaly-2.20), none of
them under a reference (a local person in the news; the police's own lookups may come on other
days or not at all).

Under chance, an operator's unreferenced persons fall on such a person's week at the rate of
(case weeks' days) / (range days x persons looked up); an operator's curious persons are judged
against that rate times their own unreferenced persons (Poisson). One person in the news is
strong evidence for an operator who rarely looks anyone up without a reference, and weak for a
window clerk with thousands. A news day counts as a week here too (the chance overstated,
never understated).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from scoring.anomaly_peers import nb_evidence

CROWD_OPS = 6  # operators who first looked the person up within one week
CROWD_SHARE = 0.5  # of every operator who looked the person up in the range
CASE_DEPTS = 3  # departments of the week's lookups under a reference (police, court, a regulator)
CROWD_DAYS = 3  # days either side of the crowd's centre
DAY_OPS = 3  # operators first looking the person up within NEWS_SPAN days, none by reference
DAY_DEPTS = 2  # of at least this many departments
NEWS_SPAN = 3  # days: the news of one day is read that day and the next two
WEEK = 2 * CROWD_DAYS + 1


def case_crowds(p: pl.DataFrame) -> pl.DataFrame:
    """subject, centre (date), crowd_ops (operators in the week), all_ops (in the range), day
    (a news day, news_days: only that day's operators are its crowd): the persons at the centre
    of a sudden case, from the pairs (op, subject, date of the first
    lookup, referenced: all lookups under a reference, dept)."""
    total = p.group_by("subject").agg(pl.col("op").n_unique().alias("all_ops"))
    total = total.filter(pl.col("all_ops") >= CROWD_OPS)
    per_day = (
        p.join(total.select("subject"), on="subject")
        .group_by("subject", "date")
        .agg(pl.col("op").n_unique().alias("k"))
    )
    # operators whose first lookup falls in the week around each day, for every day
    week = pl.concat(
        [per_day.with_columns(centre=pl.col("date") + pl.duration(days=d)) for d in
         range(-CROWD_DAYS, CROWD_DAYS + 1)]
    ).group_by("subject", "centre").agg(pl.col("k").sum().alias("crowd_ops"))  # fmt: skip
    best = week.sort("crowd_ops", "centre", descending=[True, False]).group_by("subject").first()
    crowds = best.join(total, on="subject").filter(
        pl.col("crowd_ops") >= CROWD_OPS, pl.col("crowd_ops") >= CROWD_SHARE * pl.col("all_ops")
    )
    # one case: the lookups under a reference that week come from one or two departments
    # (a person many departments look up at once is a busy person, not a case)
    case_depts = (
        p.filter(pl.col("referenced"))
        .join(crowds.select("subject", "centre"), on="subject")
        .filter(_in_week)
        .group_by("subject")
        .agg(pl.col("dept").n_unique().alias("case_depts"))
    )
    cases = crowds.join(case_depts, on="subject").filter(pl.col("case_depts") <= CASE_DEPTS)
    cases = cases.select(CROWD_COLUMNS).with_columns(day=pl.lit(False))
    return pl.concat([cases, news_days(p)], how="vertical_relaxed").unique(
        "subject", keep="first", maintain_order=True
    )


CROWD_COLUMNS = ["subject", "centre", "crowd_ops", "all_ops"]


def news_days(p: pl.DataFrame) -> pl.DataFrame:
    """subject, centre, crowd_ops, all_ops, day (true): persons whom DAY_OPS or more operators
    of DAY_DEPTS or more departments first looked up within NEWS_SPAN days (from `centre`), every
    one of them without a reference, who are at least CROWD_SHARE of everyone who ever looked
    them up without one (a person in the local news: clerks of unrelated offices peek the same
    afternoon or the next days, and no case need be open). Across ten development logs of four
    generators no such day arose by chance; two operators on one day did, dozens of times.
    Since anomaly-2.20 the news lasts NEWS_SPAN days when it draws a crowd that week
    (CROWD_OPS operators, under a reference or not): gen_c's curious clerks of three departments
    peeked over two days, two on the first, while the police and the court worked the case;
    three window clerks over three days, with nobody else, are a resident visiting three
    offices."""
    unref = p.filter(~pl.col("referenced"))
    ever = unref.group_by("subject").agg(pl.col("op").n_unique().alias("all_ops"))
    ever = ever.filter(pl.col("all_ops") >= DAY_OPS)
    firsts = unref.join(ever.select("subject"), on="subject").select(
        "subject", "op", "dept", "date"
    )
    starts = firsts.select("subject", centre=pl.col("date")).unique()
    # everyone who first looked the person up in the week around, under a reference or not
    week = (
        starts.join(p.select("subject", "op", "date"), on="subject")
        .filter(_in_week)
        .group_by("subject", "centre")
        .agg(pl.col("op").n_unique().alias("week_ops"))
    )
    days = (
        starts.join(firsts, on="subject")
        .filter(pl.col("date") >= pl.col("centre"), _in_news)
        .group_by("subject", "centre")
        .agg(
            pl.col("op").n_unique().alias("crowd_ops"),
            pl.col("dept").n_unique().alias("depts"),
            (pl.col("date").max() > pl.col("centre").first()).alias("later"),
        )
        .filter(pl.col("crowd_ops") >= DAY_OPS, pl.col("depts") >= DAY_DEPTS)
        .join(week, on=["subject", "centre"], how="left")
        # news read over days is news when it draws a crowd that week (the police, the court,
        # more curious clerks): three clerks over three days are a resident visiting three offices
        .filter(~pl.col("later") | (pl.col("week_ops").fill_null(0) >= CROWD_OPS))
        .join(ever, on="subject")
        .filter(pl.col("crowd_ops") >= CROWD_SHARE * pl.col("all_ops"))
        .sort("crowd_ops", "centre", descending=[True, False])
        .group_by("subject", maintain_order=True)
        .first()
    )
    return days.select("subject", "centre", "crowd_ops", "all_ops", day=pl.lit(True))


_in_week = (pl.col("date") - pl.col("centre")).dt.total_days().abs() <= CROWD_DAYS
_in_news = (pl.col("date") - pl.col("centre")).dt.total_days() < NEWS_SPAN


def crowd_pairs(pairs: pl.DataFrame, ops: pl.DataFrame) -> tuple[pl.DataFrame, float]:
    """(op, subject, date, crowd (bool), crowd_ops, crowd_ref, day) for every (operator, person)
    pair of the range's pairs (op, subject, n, n_ref, first) with a lookup without a reference,
    and the chance that such a pair falls on a case's person in the case's week.

    A pair is curious when its person is at the centre of a sudden case and was looked up in
    the case's week while no other operator of the operator's department looked them up under
    a reference then (crowd_ops: the case's operators in its week; crowd_ref: those under a
    reference; day: the case is a news day, news_days)."""
    p = (
        pairs.select(
            "op",
            "subject",
            date=pl.col("first").dt.date(),
            referenced=pl.col("n_ref") >= pl.col("n"),
        )
        .join(ops.select("op", "dept"), on="op", how="left")
        .with_columns(pl.col("dept").fill_null("?"))
    )
    crowds = case_crowds(p)
    members = p.join(crowds, on="subject").filter(
        _in_week & (~pl.col("day") | ((pl.col("date") >= pl.col("centre")) & _in_news))
    )
    referenced = members.filter(pl.col("referenced"))
    ref_count = referenced.group_by("subject").agg(pl.col("op").n_unique().alias("crowd_ref"))
    curious = (
        members.filter(~pl.col("referenced"))
        .join(referenced.select("subject", "dept").unique(), on=["subject", "dept"], how="anti")
        .join(ref_count, on="subject", how="left")
        .select(
            "op",
            "subject",
            "crowd_ops",
            pl.col("crowd_ref").fill_null(0),
            "day",
            crowd=pl.lit(True),
        )
    )
    cp = (
        p.filter(~pl.col("referenced"))
        .select("op", "subject", "date")
        .join(curious, on=["op", "subject"], how="left")
        .with_columns(
            pl.col("crowd", "day").fill_null(False), pl.col("crowd_ops", "crowd_ref").fill_null(0)
        )
    )
    if pairs.is_empty():
        return cp, 0.0
    span = p["date"].max() - p["date"].min()  # type: ignore[operator]
    days = max(int(span.days) + 1, WEEK)  # type: ignore[union-attr]
    rate = crowds.height * WEEK / (days * max(pairs["subject"].n_unique(), 1))
    return cp, rate


def crowd_evidence(
    f: pl.DataFrame, cp: pl.DataFrame, rate: float
) -> tuple[np.ndarray, np.ndarray, pl.DataFrame]:
    """(evidence, expected curious persons) per row of f (column op) and a frame op, crowd_k
    (curious persons), crowd_u (unreferenced persons), crowd_ops and crowd_ref (the largest
    case: operators in its week, those under a reference), crowd_day (every case a news day),
    first, last, n."""
    per = cp.group_by("op").agg(
        pl.col("crowd").sum().alias("crowd_k"),
        pl.len().alias("crowd_u"),
        pl.col("crowd_ops").max().alias("crowd_ops"),
        pl.col("crowd_ref").max().alias("crowd_ref"),
        pl.col("day").filter(pl.col("crowd")).all().alias("crowd_day"),
    )
    j = f.select("op").join(per, on="op", how="left").fill_null(0)
    k = j["crowd_k"].to_numpy().astype(float)
    expected = j["crowd_u"].to_numpy().astype(float) * rate
    ev = nb_evidence(k, expected, 1e4)
    hit = cp.filter(pl.col("crowd")).with_columns(at=pl.col("date").cast(pl.Datetime("us")))
    spans = hit.group_by("op").agg(
        pl.col("at").min().alias("first"),
        pl.col("at").max().alias("last"),
        pl.len().alias("n"),
    )
    return ev, expected, j.join(spans, on="op", how="left")
