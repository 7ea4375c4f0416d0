"""A habit and its unauthorised part are two findings in the same lookups (scoring.anomaly._parts).

A clerk's Sunday lookups are a habit of the clerk's against the peers (days most operators do
not work). How many of them lack the authorisation that the clerk's weekday work has is a second
finding about the same lookups, independent of the first given their number. Where the habit made
the signal's evidence, the unauthorised part adds to the score as a supporting signal; where the
part itself made it (it was the stronger), it is already the signal's evidence and adds nothing
again; a signal that counts nothing in the score (the weaker of two that count the same lookups,
or below SUPPORT) brings no part either.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from scoring.anomaly import RANGE_SIGNALS, SECONDARY_WEIGHT, SUPPORT, _parts, _score
from scoring.anomaly_range import UnauthorisedPart

DAYS = RANGE_SIGNALS.index("days")
HOURS = RANGE_SIGNALS.index("hours")


def _part(evidence: list[float], led: list[bool]) -> UnauthorisedPart:
    n = len(evidence)
    zeros = np.zeros(n)
    return UnauthorisedPart(zeros, zeros, zeros, zeros, np.array(led), np.array(evidence))


def test_the_part_supports_the_habit_it_did_not_lead():
    # operators: a clerk whose Sundays are a habit and partly unauthorised; one whose Sunday
    # lookups are all unauthorised (the part led); one whose habit is below SUPPORT
    scored = np.zeros((3, len(RANGE_SIGNALS)))
    scored[:, DAYS] = [5.0, 6.1, 1.5]
    scored[:, HOURS] = [0.0, 0.0, 4.0]
    rng = SimpleNamespace(unauthorised={
        "days": _part([2.6, 6.1, 3.0], [False, True, False]),
        "hours": _part([3.0, 0.0, 0.0], [False, False, False]),
    })  # fmt: skip
    parts = _parts(rng, scored)
    assert parts[:, DAYS].tolist() == [2.6, 0.0, 0.0]
    assert parts[:, HOURS].tolist() == [0.0, 0.0, 0.0]  # no hours evidence in the score
    first = _score([5.0, *parts[0][parts[0] >= SUPPORT]])
    assert first == 5.0 + SECONDARY_WEIGHT * 2.6


def test_a_part_below_support_adds_nothing():
    scored = np.zeros((1, len(RANGE_SIGNALS)))
    scored[0, DAYS] = 5.0
    rng = SimpleNamespace(unauthorised={"days": _part([SUPPORT - 0.1], [False])})
    parts = _parts(rng, scored)
    values = [5.0, *parts[0][parts[0] >= SUPPORT]]
    assert _score(values) == 5.0
