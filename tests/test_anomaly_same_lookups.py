"""Signals that count the same lookups add to an alert's score once; a relationship weighs more.

Other counties' residents (out_county) and those of the one county an operator's out-of-county
lookups lean to (out_focus) are the same lookups seen twice: a county officer whose work reaches
into a neighbouring county shows both. Both stay reasons; only the stronger adds to the score, so
the two together do not outrank one person-signal of the same strength with an independent second.
Whom an operator looks up (kin, neighbours, colleagues, the watch list) counts 1.5 times its
evidence in the range score (anomaly-2.12).
"""

from __future__ import annotations

import numpy as np

from scoring.anomaly import RANGE_SIGNALS, _once, _score, _weighted


def _row(**evidence: float) -> np.ndarray:
    return np.array([evidence.get(s, 0.0) for s in RANGE_SIGNALS])


def test_the_weaker_of_two_views_of_the_same_lookups_adds_nothing():
    ev = np.vstack([_row(out_county=6.0, out_focus=5.0, kin=3.0),
                    _row(out_county=2.5, out_focus=7.0)])  # fmt: skip
    once = _once(ev)
    assert once[0].tolist() == _row(out_county=6.0, kin=3.0).tolist()
    assert once[1].tolist() == _row(out_focus=7.0).tolist()
    assert _score(list(once[0][once[0] > 0])) == 6.0 + 0.5 * 3.0


def test_other_counties_twice_do_not_outrank_two_independent_signals():
    ev = np.vstack([_row(out_county=5.0, out_focus=5.0), _row(kin=5.0, out_county=3.0)])
    once = _once(ev)
    scores = [_score(list(r[r > 0])) for r in once]
    assert scores == [5.0, 6.5]


def test_a_relationship_weighs_one_and_a_half_times_in_the_range_score():
    """Kin at 3.2 and neighbours at 2.0 (a clerk's four relatives among forty persons) raise an
    alert (3.2 x 1.5 + 0.5 x 2.0 x 1.5 = 6.3); night hours at the habit cap of 5 with another
    habit at 2 score 6.0; a relationship at 2.4 alone stays below the alert (3.6 < 4)."""
    names = list(RANGE_SIGNALS)
    ev = np.vstack([_row(kin=3.2, neighbours=2.0), _row(hours=5.0, days=2.0), _row(kin=2.4)])
    weighted = _once(_weighted(names, list(ev.T)))
    scores = [round(_score(list(r[r > 0])), 2) for r in weighted]
    assert scores == [6.3, 6.0, 3.6]
