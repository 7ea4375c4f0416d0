"""The points policy (../shared/points-policy.md) case by case, with known answers.

Every case is scored by the vectorised engine and by the ledger; `score` asserts that the two
agree on the points, the grade and every flag.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from points_support import (
    AS_OF,
    POLICY,
    engine_rows,
    lists_in_words,
    person,
    reasons,
    rec,
    score,
)

from scoring.points_policy import PolicyError, parse_policy, policy_to_toml

D = dt.date


def test_no_records_start_at_1000():
    row = score(person(), [])
    assert (row["points"], row["grade"], row["red_list"], row["black_list"]) == (
        1000,
        "A",
        False,
        False,
    )
    assert row["pending_objection"] is False


# --------------------------------------------------------------------------- positive records


def test_volunteer_one_point_per_full_ten_hours_capped_at_20_per_year():
    p = person()
    records = [
        rec(p, "VOLUNTEER", D(2025, 3, 1), quantity=150.0),  # +15
        rec(p, "VOLUNTEER", D(2025, 6, 1), quantity=100.0),  # +10, only 5 left in 2025
        rec(p, "VOLUNTEER", D(2025, 9, 1), quantity=30.0),  # nothing left
        rec(p, "VOLUNTEER", D(2024, 12, 31), quantity=19.5),  # +1 (one full 10 hours), 2024
        rec(p, "VOLUNTEER", D(2026, 1, 1), quantity=9.99),  # 0: not a full 10 hours
    ]
    assert score(p, records)["positive_points"] == 20 + 1
    assert reasons(p, records) == [
        (1, None),
        (15, None),
        (5, "over_cap"),
        (0, "over_cap"),
        (0, None),
    ]


@pytest.mark.parametrize("category", ["BLOOD_DONATION", "CHARITY", "COMMITMENT_KEPT"])
def test_five_each_capped_at_10_per_calendar_year(category):
    p = person()
    records = [rec(p, category, D(2025, m, 1), quantity=100.0) for m in (1, 2, 3)]
    records.append(rec(p, category, D(2026, 1, 2), quantity=100.0))  # a new calendar year
    assert score(p, records)["positive_points"] == 10 + 5
    assert [r for _, r in reasons(p, records)] == [None, None, "over_cap", None]


def test_commendation_by_level_without_cap():
    p = person()
    levels = ["national", "provincial", "city", "county", "national"]
    records = [rec(p, "COMMENDATION", D(2025, 1, i + 1), level=lv) for i, lv in enumerate(levels)]
    row = score(p, records)
    assert row["positive_points"] == 50 + 30 + 20 + 10 + 50
    assert (row["points"], row["grade"]) == (1160, "AAA")


def test_caps_count_only_records_that_count():
    """A revoked or too old record does not use up the year's cap."""
    p = person()
    records = [
        rec(p, "BLOOD_DONATION", D(2024, 1, 5), status="revoked"),
        rec(p, "BLOOD_DONATION", D(2024, 2, 5), status="revoked"),
        rec(p, "BLOOD_DONATION", D(2024, 3, 5)),
        rec(p, "BLOOD_DONATION", D(2023, 11, 26)),  # too old on 2026-11-27
        rec(p, "BLOOD_DONATION", D(2023, 12, 1)),
        rec(p, "BLOOD_DONATION", D(2023, 12, 2)),
    ]
    assert score(p, records)["positive_points"] == 5 + 10


@pytest.mark.parametrize(
    ("as_of", "counts"),
    [(D(2026, 11, 26), True), (D(2026, 11, 27), False), (D(2026, 11, 28), False)],
)
def test_positive_counts_for_three_years_exact_boundary(as_of, counts):
    p = person()
    records = [rec(p, "COMMENDATION", D(2023, 11, 27), level="national")]
    assert score(p, records, as_of=as_of)["points"] == (1050 if counts else 1000)
    assert reasons(p, records, as_of=as_of) == [(50, None) if counts else (0, "too_old")]


def test_positive_window_of_29_february_ends_on_28_february():
    p = person()
    records = [rec(p, "COMMENDATION", D(2024, 2, 29), level="county")]
    assert score(p, records, as_of=D(2027, 2, 27))["points"] == 1010
    assert score(p, records, as_of=D(2027, 2, 28))["points"] == 1000


def test_records_decided_after_the_as_of_date_are_ignored():
    p = person()
    records = [
        rec(p, "COMMENDATION", AS_OF, level="city"),  # decided on the as-of date: counts
        rec(p, "COMMENDATION", AS_OF + dt.timedelta(days=1), level="national"),
        rec(p, "JUDGMENT_DEFAULT", AS_OF + dt.timedelta(days=1), severity="serious"),
    ]
    row = score(p, records)
    assert (row["points"], row["black_list"]) == (1020, False)
    assert [r for _, r in reasons(p, records)] == [None, "not_yet_decided", "not_yet_decided"]


def test_positive_category_without_a_rule_gives_nothing():
    p = person()
    records = [rec(p, "NEW_AWARD", D(2026, 1, 1), polarity="positive")]
    assert score(p, records)["points"] == 1000
    assert reasons(p, records) == [(0, "no_rule")]


# --------------------------------------------------------------------------- negative records


@pytest.mark.parametrize(
    ("severity", "points"), [("minor", -5), ("general", -30), ("serious", -100)]
)
def test_negative_points_by_severity(severity, points):
    p = person()
    row = score(p, [rec(p, "ADMIN_PENALTY", D(2026, 10, 1), severity=severity)])
    assert row["negative_points"] == points
    assert row["serious_record"] is (severity == "serious")
    assert (row["black_list"], row["green_channel"]) == (False, False)  # no authority's list


@pytest.mark.parametrize(("as_of", "counts"), [(D(2026, 11, 26), True), (D(2026, 11, 27), False)])
def test_negative_counts_up_to_not_including_display_until(as_of, counts):
    p = person()
    records = [
        rec(p, "ADMIN_PENALTY", D(2026, 5, 1), severity="general", display_until=D(2026, 11, 27))
    ]
    assert score(p, records, as_of=as_of)["points"] == (970 if counts else 1000)
    assert reasons(p, records, as_of=as_of) == [(-30, None) if counts else (0, "expired")]


@pytest.mark.parametrize(
    ("severity", "decided", "last_day"),
    [
        ("minor", D(2026, 8, 27), D(2026, 11, 26)),  # 3 months
        ("minor", D(2025, 11, 30), D(2026, 2, 27)),  # until 28 February (no 30 February)
        ("general", D(2025, 11, 27), D(2026, 11, 26)),  # 1 year
        ("serious", D(2023, 11, 27), D(2026, 11, 26)),  # 3 years
    ],
)
def test_default_display_until_is_the_legal_maximum(severity, decided, last_day):
    p = person()
    records = [rec(p, "ADMIN_PENALTY", decided, severity=severity)]
    assert score(p, records, as_of=last_day)["negative_points"] < 0
    assert score(p, records, as_of=last_day + dt.timedelta(days=1))["negative_points"] == 0


@pytest.mark.parametrize("status", ["repaired", "revoked"])
def test_repaired_and_revoked_never_count(status):
    p = person()
    records = [
        rec(p, "JUDGMENT_DEFAULT", D(2026, 1, 1), severity="serious", status=status),
        rec(p, "COMMENDATION", D(2026, 1, 1), level="national", status=status),
    ]
    row = score(p, records)
    assert (row["points"], row["black_list"]) == (1000, False)
    assert reasons(p, records) == [(0, status), (0, status)]


def test_objection_counts_and_marks_the_result_pending():
    p = person()
    records = [rec(p, "ADMIN_PENALTY", D(2026, 10, 1), severity="general", status="objection")]
    row = score(p, records)
    assert (row["points"], row["pending_objection"]) == (970, True)


def test_an_expired_record_under_objection_marks_nothing():
    p = person()
    records = [rec(p, "ADMIN_PENALTY", D(2025, 1, 1), severity="minor", status="objection")]
    row = score(p, records)
    assert (row["points"], row["pending_objection"]) == (1000, False)


@pytest.mark.parametrize("stored", [None, "serious", "general", "minor"])
def test_judgment_default_is_always_serious(stored):
    p = person()
    records = [rec(p, "JUDGMENT_DEFAULT", D(2024, 1, 10), severity=stored)]  # default 3 years
    row = score(p, records)
    assert (row["points"], row["grade"], row["black_list"]) == (900, "B", True)
    assert score(p, records, as_of=D(2027, 1, 10))["black_list"] is False  # display ended


def test_negative_without_severity_gives_nothing_and_says_so():
    p = person()
    records = [rec(p, "TAX_ARREARS", D(2026, 1, 1))]
    assert score(p, records)["points"] == 1000
    assert reasons(p, records) == [(0, "no_severity")]


# --------------------------------------------------------------------------- who is scored


def test_minors_are_not_scored():
    child = person(birth=D(2010, 6, 1))
    records = [rec(child, "VOLUNTEER", D(2026, 1, 1), quantity=100.0)]
    assert score(child, records) is None
    assert reasons(child, records) == [(0, "minor")]


@pytest.mark.parametrize(("as_of", "scored"), [(D(2026, 11, 26), False), (D(2026, 11, 27), True)])
def test_scored_from_the_18th_birthday(as_of, scored):
    p = person(birth=D(2008, 11, 27))
    row = score(p, [], as_of=as_of)
    assert (row is not None) is scored
    if scored:
        assert row["age"] == 18


@pytest.mark.parametrize(("as_of", "scored"), [(D(2026, 2, 28), False), (D(2026, 3, 1), True)])
def test_born_on_29_february_is_18_on_1_march_of_a_common_year(as_of, scored):
    assert (score(person(birth=D(2008, 2, 29)), [], as_of=as_of) is not None) is scored


def test_birth_date_missing_is_read_from_the_id_number():
    adult = person(birth=D(1990, 1, 1), store_birth=False)
    child = person(birth=D(2012, 1, 1), store_birth=False)
    rows = engine_rows([adult, child], [])
    assert list(rows) == [adult["id_number"]]
    assert rows[adult["id_number"]]["age"] == 36
    assert score(child, []) is None


# --------------------------------------------------------------------------- lists


def _aa(p: dict) -> list[dict]:
    """Records that give 1030 points (grade AA)."""
    return [rec(p, "COMMENDATION", D(2026, 1, 5), level="provincial")]


def test_red_list_grade_aa_and_no_counting_negative():
    p = person()
    row = score(p, _aa(p))
    assert (row["points"], row["grade"], row["red_list"], row["green_channel"]) == (
        1030, "AA", True, True,
    )  # fmt: skip
    assert lists_in_words(p, _aa(p))["red_list"] == (
        "on the red list: grade AA is AA or above and no negative record counts"
    )
    below = [rec(p, "COMMENDATION", D(2026, 1, 5), level="city")]  # 1020, grade A
    row = score(p, below)
    assert (row["red_list"], row["green_channel"]) == (False, True)  # green: no bad record
    assert lists_in_words(p, below)["red_list"] == "not on the red list: grade A is below AA"


@pytest.mark.parametrize("status", ["repaired", "revoked"])
def test_repaired_and_revoked_records_are_never_used_by_any_list(status):
    p = person()
    records = [*_aa(p), rec(p, "JUDGMENT_DEFAULT", D(2025, 6, 1), status=status)]
    row = score(p, records)
    assert (row["points"], row["grade"]) == (1030, "AA")
    assert (row["red_list"], row["green_channel"], row["serious_record"], row["black_list"]) == (
        True, True, False, False,
    )  # fmt: skip


def test_a_record_past_its_display_period_is_not_used_by_any_list():
    p = person()
    records = [*_aa(p), rec(p, "ADMIN_PENALTY", D(2026, 1, 1), severity="minor")]  # ended 2026-04
    row = score(p, records)
    assert (row["points"], row["red_list"], row["green_channel"]) == (1030, True, True)


def test_a_counting_negative_keeps_off_the_red_list_and_the_green_channel_and_says_until_when():
    p = person()
    records = [*_aa(p), *_aa(p), rec(p, "ADMIN_PENALTY", D(2026, 6, 1), severity="general")]
    row = score(p, records)  # 1000 + 30 + 30 (commendations have no cap) - 30 = 1030
    assert (row["points"], row["grade"], row["red_list"], row["green_channel"]) == (
        1030, "AA", False, False,
    )  # fmt: skip
    words = lists_in_words(p, records)
    assert words["red_list"] == (
        "not on the red list: a general ADMIN_PENALTY of 2026-06-01 counts until 2027-06-01"
    )
    assert words["green_channel"].startswith("not on the green channel: a general ADMIN_PENALTY")
    assert words["black_list"] == (
        "not on the black list: on no list an authority publishes under law"
    )


def test_an_objected_record_still_counts_for_the_lists():
    p = person()
    records = [*_aa(p), rec(p, "ADMIN_PENALTY", D(2026, 10, 1), severity="minor",
                            status="objection")]  # fmt: skip
    row = score(p, records)
    assert (row["green_channel"], row["pending_objection"]) == (False, True)


def test_a_serious_record_is_a_figure_not_the_black_list():
    p = person()
    records = [rec(p, "COMMENDATION", D(2026, 1, i), level="national") for i in (1, 2, 3)]
    records.append(rec(p, "ADMIN_PENALTY", D(2026, 3, 1), severity="serious"))
    row = score(p, records)
    assert (row["points"], row["grade"]) == (1050, "AAA")
    assert (row["red_list"], row["green_channel"], row["serious_record"], row["black_list"]) == (
        False, False, True, False,
    )  # fmt: skip


def test_the_black_list_is_the_courts_judgment_defaulters_while_the_record_counts():
    p = person()
    records = [rec(p, "JUDGMENT_DEFAULT", D(2025, 3, 1), display_until=D(2027, 3, 1))]
    row = score(p, records)
    assert (row["serious_record"], row["black_list"]) == (True, True)
    assert lists_in_words(p, records)["black_list"] == (
        "on the black list: the authority's list: JUDGMENT_DEFAULT of 2025-03-01 counts until "
        "2027-03-01"
    )
    later = score(p, records, as_of=D(2027, 3, 1))
    assert (later["black_list"], later["serious_record"], later["green_channel"]) == (
        False, False, True,
    )  # fmt: skip


def test_low_points_alone_never_put_anyone_on_a_list():
    p = person()
    records = [rec(p, "ADMIN_PENALTY", D(2026, 1, i), severity="general") for i in range(1, 16)]
    row = score(p, records)
    assert (row["points"], row["grade"], row["black_list"], row["serious_record"]) == (
        550, "D", False, False,
    )  # fmt: skip


# --------------------------------------------------------------------------- grades


@pytest.mark.parametrize(
    ("points", "grade"),
    [
        (1050, "AAA"),
        (1049, "AA"),
        (1030, "AA"),
        (1029, "A"),
        (960, "A"),
        (959, "B"),
        (850, "B"),
        (849, "C"),
        (600, "C"),
        (599, "D"),
    ],
)
def test_grade_boundaries(points, grade):
    assert POLICY.grade_of(points) == grade
    shifted = dataclasses.replace(POLICY, start=points)  # the engine's grade expression as well
    assert score(person(), [], policy=shifted)["grade"] == grade


# --------------------------------------------------------------------------- the policy file


def test_policy_file_carries_a_version_and_round_trips():
    assert POLICY.version
    again = parse_policy(policy_to_toml(POLICY))
    assert again == POLICY
    assert POLICY.red_grades == ("AAA", "AA")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace('version = "2026.2"', ""), "version is missing"),
        (lambda t: t.replace("min = 1030", "min = 1060"), "grade AA min must be below"),
        (lambda t: t.replace('min_grade = "AA"', 'min_grade = "Z"'), "is not a grade"),
        (lambda t: t.replace("minor = -5", "minor = 5"), "must be zero or negative"),
        (lambda t: t.replace('kind = "each"', 'kind = "some"', 1), "kind must be one of"),
        (lambda t: t + "\n[[[", "not valid TOML"),
    ],
)
def test_policy_errors_name_the_key(edit, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy(edit(POLICY.text))
