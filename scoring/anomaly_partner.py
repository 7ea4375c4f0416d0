"""A person looked up again and again who could be a partner: of the opposite sex to the operator
and within PARTNER_YEARS of their age, both read off the ID numbers (GB 11643: the birth date in
characters 7-14, the sex in the parity of the 17th).

Stalking (an ex-partner, a person one fancies) is the misuse whose target is most often such a
person; a clerk's repeated persons (a debtor followed up, an applicant who comes back) are
anyone. The chance that an operator's most repeated person is partner-like is read off every
operator's repeated persons in the range (Laplace), so the bonus is only what the log shows:
a fifth of them partner-like gives log10 5 = 0.7 more evidence.
"""

from __future__ import annotations

import numpy as np
import polars as pl

PARTNER_YEARS = 10  # years between the operator's and the person's birth


def _sex_year(col: str) -> tuple[pl.Expr, pl.Expr]:
    idn = pl.col(col)
    ok = idn.str.len_chars() == 18
    year = pl.when(ok).then(idn.str.slice(6, 4).cast(pl.Int32, strict=False))
    sex = pl.when(ok).then(idn.str.slice(16, 1).cast(pl.Int32, strict=False) % 2)
    return sex, year


def partner_like(op_ids: pl.Series, subjects: pl.Series) -> np.ndarray:
    """Per pair of an operator's ID number and a person's: the person is of the opposite sex and
    born within PARTNER_YEARS of the operator (False where either number cannot tell)."""
    frame = pl.DataFrame({"op_id": op_ids.cast(pl.String), "subject": subjects.cast(pl.String)})
    op_sex, op_year = _sex_year("op_id")
    s_sex, s_year = _sex_year("subject")
    like = (op_sex != s_sex) & ((op_year - s_year).abs() <= PARTNER_YEARS)
    return frame.select(like.fill_null(False).alias("like"))["like"].to_numpy()


def partner_share(items: pl.DataFrame, ops: pl.DataFrame) -> float:
    """The share of the repeated persons in items (op, item: a person's ID number) that are
    partner-like to their operator (ops: op, op_id), Laplace-smoothed."""
    j = items.join(ops.select("op", "op_id"), on="op", how="inner").filter(
        pl.col("op_id").is_not_null()
    )
    if j.is_empty():
        return 1.0
    like = partner_like(j["op_id"], j["item"])
    return float((like.sum() + 1.0) / (like.size + 2.0))
