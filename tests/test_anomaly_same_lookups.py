"""Signals that count the same lookups add to an alert's score once.

Other counties' residents (out_county) and those of the one county an operator's out-of-county
lookups lean to (out_focus) are the same lookups seen twice: a county officer whose work reaches
into a neighbouring county shows both. Both stay reasons; only the stronger adds to the score, so
the two together do not outrank one person-signal of the same strength with an independent second.
"""

from __future__ import annotations

import numpy as np

from scoring.anomaly import RANGE_SIGNALS, _once, _score


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
