"""Property: on random record sets the vectorised engine and the record-by-record ledger agree
(points, grade, lists, pending objection), and the database pre-filter of old records
(scoring.points_run.earliest_relevant) never changes a result."""

from __future__ import annotations

import datetime as dt

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from points_support import POLICY, assert_agree, persons_frame, records_frame

from data_access.id_number import make_id_number
from data_access.queries.display_period import add_months
from scoring.points_engine import score_frame
from scoring.points_ledger import ledger
from scoring.points_run import earliest_relevant

AS_OF_DATES = [
    dt.date(2026, 11, 27),
    dt.date(2026, 2, 28),
    dt.date(2028, 2, 29),
    dt.date(2027, 3, 31),
]
CATEGORIES = {
    "COMMENDATION": "positive",
    "VOLUNTEER": "positive",
    "BLOOD_DONATION": "positive",
    "CHARITY": "positive",
    "COMMITMENT_KEPT": "positive",
    "NEW_AWARD": "positive",  # no rule in the policy
    "JUDGMENT_DEFAULT": "negative",
    "ADMIN_PENALTY": "negative",
    "TAX_ARREARS": "negative",
    "QUALIFICATION": "neutral",
}


def near(as_of: dt.date, months: list[int]) -> st.SearchStrategy[dt.date]:
    """A date within 3 days of the as-of date or of one of its window boundaries (months back)."""
    days = [dt.timedelta(days=d) for d in range(-3, 4)]
    return st.sampled_from([add_months(as_of, -m) + d for m in [0, *months] for d in days])


def days_before(as_of: dt.date, lo: int, hi: int) -> st.SearchStrategy[dt.date]:
    return st.integers(lo, hi).map(lambda d: as_of - dt.timedelta(days=d))


@st.composite
def case(draw):
    as_of = draw(st.sampled_from(AS_OF_DATES))
    n_persons = draw(st.integers(1, 3))
    persons = []
    for i in range(n_persons):
        birth = draw(
            st.one_of(
                near(as_of, [12 * 18]),  # around the 18th birthday
                days_before(as_of, 365 * 10, 365 * 85),
                st.just(dt.date(2008, 2, 29)),
            )
        )
        persons.append(
            {
                "id_number": make_id_number("411602", birth, 100 + i),
                "birth_date": draw(st.sampled_from([birth, birth, None])),
                "county_code": "411602",
            }
        )
    records = []
    for j in range(draw(st.integers(0, 14))):
        category = draw(st.sampled_from(sorted(CATEGORIES)))
        decided = draw(st.one_of(near(as_of, [3, 12, 36]), days_before(as_of, -5, 365 * 5)))
        records.append(
            {
                "record_id": f"R{j:04d}",
                "id_number": draw(st.sampled_from(persons))["id_number"],
                "category_code": category,
                "polarity": CATEGORIES[category],
                "severity": draw(st.sampled_from([None, "minor", "general", "serious"])),
                "level": draw(
                    st.sampled_from([None, "national", "provincial", "city", "county", "x"])
                ),
                "quantity": draw(
                    st.one_of(
                        st.sampled_from([None, 0.0, 9.99, 10.0, 19.5, 20.0, 150.0, 1000.0]),
                        st.integers(1, 800).map(lambda q: q / 2),
                    )
                ),
                "decision_date": decided,
                "display_until": draw(
                    st.one_of(
                        st.none(),
                        st.integers(1, 1200).map(lambda d, x=decided: x + dt.timedelta(days=d)),
                        near(as_of, [0]),
                    )
                ),
                "status": draw(
                    st.sampled_from(["active", "active", "objection", "repaired", "revoked"])
                ),
            }
        )
    return as_of, persons, records


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case())
def test_ledger_total_equals_engine_points(example):
    as_of, persons, records = example
    frame = records_frame(records)
    scores = score_frame(persons_frame(persons), frame, POLICY, as_of)
    rows = {r["id_number"]: r for r in scores.iter_rows(named=True)}
    for p in persons:
        mine = frame.filter(pl.col("id_number") == p["id_number"])
        assert_agree(rows.get(p["id_number"]), ledger(p, mine, POLICY, as_of))

    # The database reads only records decided on or after earliest_relevant or still displayed:
    # the results must be the same.
    earliest = earliest_relevant(POLICY, as_of)
    kept = frame.filter((pl.col("decision_date") >= earliest) | (pl.col("display_until") > as_of))
    again = score_frame(persons_frame(persons), kept, POLICY, as_of)
    assert again.equals(scores)
