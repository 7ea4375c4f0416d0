"""Helpers for the integrity points tests: build persons and records, score them with both the
engine and the ledger (asserting that they agree), insert hand-built rows into a database."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import polars as pl
from sqlalchemy import Engine, insert

from data_access.id_number import make_id_number
from data_access.queries.score_store import RECORD_SCHEMA
from data_access.schema import models as m
from data_access.schema import score_models as _score_models  # noqa: F401 (registers the tables)
from scoring.points_engine import score_frame
from scoring.points_ledger import explain_list, ledger, ledger_total
from scoring.points_policy import load_policy

POLICY = load_policy()
AS_OF = dt.date(2026, 11, 27)
POLARITY = {
    "COMMENDATION": "positive",
    "VOLUNTEER": "positive",
    "BLOOD_DONATION": "positive",
    "CHARITY": "positive",
    "COMMITMENT_KEPT": "positive",
    "JUDGMENT_DEFAULT": "negative",
    "ADMIN_PENALTY": "negative",
    "TAX_ARREARS": "negative",
    "FINANCIAL_DEFAULT": "negative",
    "QUALIFICATION": "neutral",
}
_ids = itertools.count(1)
_seq = itertools.count(11)


def person(
    birth: dt.date = dt.date(1980, 5, 17),
    county: str = "411602",
    store_birth: bool = True,
    **extra,
) -> dict:
    """A person with a valid ID number for the birth date (store_birth=False: the birth date is
    only in the ID number)."""
    id_number = make_id_number("411602", birth, next(_seq) % 999 or 1)
    row = {
        "id_number": id_number,
        "birth_date": birth if store_birth else None,
        "county_code": county,
        "gender": "M",
    }
    row.update(extra)
    return row


def rec(
    owner: dict,
    category: str,
    decided: dt.date,
    *,
    severity: str | None = None,
    level: str | None = None,
    quantity: float | None = None,
    display_until: dt.date | None = None,
    status: str = "active",
    polarity: str | None = None,
) -> dict:
    return {
        "record_id": f"T{next(_ids):08d}",
        "id_number": owner["id_number"],
        "category_code": category,
        "polarity": polarity or POLARITY[category],
        "severity": severity,
        "level": level,
        "quantity": quantity,
        "decision_date": decided,
        "display_until": display_until,
        "status": status,
    }


def records_frame(records: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=RECORD_SCHEMA)


def persons_frame(persons: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        [{k: p[k] for k in ("id_number", "birth_date", "county_code")} for p in persons],
        schema={"id_number": pl.String, "birth_date": pl.Date, "county_code": pl.String},
    )


def engine_rows(persons: list[dict], records: list[dict], as_of=AS_OF, policy=POLICY) -> dict:
    scores = score_frame(persons_frame(persons), records_frame(records), policy, as_of)
    return {row["id_number"]: row for row in scores.iter_rows(named=True)}


def score(owner: dict, records: list[dict], as_of=AS_OF, policy=POLICY) -> dict | None:
    """The engine's result for one person, checked against the ledger's total (None: unscored)."""
    row = engine_rows([owner], records, as_of, policy).get(owner["id_number"])
    book = ledger(owner, records_frame(records), policy, as_of)
    assert_agree(row, book)
    return row


def lists_in_words(owner: dict, records: list[dict], as_of=AS_OF, policy=POLICY) -> dict:
    """The ledger's list decisions in words, by list."""
    book = ledger(owner, records_frame(records), policy, as_of)
    return {
        row["rule"]: explain_list(row, policy)
        for row in book.filter(pl.col("line") == "list").iter_rows(named=True)
    }


def assert_agree(row: dict | None, book: pl.DataFrame) -> None:
    total = ledger_total(book)
    if row is None:
        assert total["points"] is None, total
        return
    lines = book.filter(pl.col("line").is_in(["start", "record"]))["points"].sum()
    assert lines == total["points"], book
    for key in (
        "points",
        "grade",
        "red_list",
        "green_channel",
        "serious_record",
        "black_list",
        "pending_objection",
        "positive_points",
        "negative_points",
    ):
        assert row[key] == total[key], (key, row, total)


def reasons(owner: dict, records: list[dict], as_of=AS_OF, policy=POLICY) -> list:
    """(points, reason) of the ledger's record lines in decision-date order."""
    book = ledger(owner, records_frame(records), policy, as_of)
    lines = book.filter(pl.col("line") == "record")
    return list(zip(lines["points"], lines["reason"], strict=True))


def insert_rows(engine: Engine, persons: list[dict], records: list[dict]) -> None:
    """Insert hand-built persons and records (with the columns the schema needs)."""
    with engine.begin() as conn:
        if persons:
            conn.execute(
                insert(m.Person),
                [
                    {
                        "id_number": p["id_number"],
                        "name": "测试",
                        "gender": p.get("gender"),
                        "birth_date": p["birth_date"],
                        "county_code": p["county_code"],
                    }
                    for p in persons
                ],
            )
        if records:
            conn.execute(
                insert(m.CreditRecord),
                [
                    {
                        **{k: v for k, v in r.items() if k != "polarity"},
                        "source_dept": "DRC",
                        "title": "test",
                    }
                    for r in records
                ],
            )


def expected_row(row: dict[str, Any]) -> tuple:
    return (row["points"], row["grade"], row["red_list"], row["black_list"])
