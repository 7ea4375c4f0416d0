"""Remit-aware peers and share evidence (scoring.anomaly_peers), with known answers."""

from __future__ import annotations

import numpy as np
import polars as pl
from scipy.stats import poisson

from scoring.anomaly_peers import choose_groups, group_keys, nb_evidence, peer_baseline


def _ops(rows: list[tuple[str, str, str | None]]) -> dict[str, np.ndarray]:
    frame = pl.DataFrame(rows, schema=["dept", "role", "op_county"], orient="row")
    return group_keys(frame)


def test_peers_share_department_role_and_level_and_fall_back_when_few():
    rows = [("PSB", "officer", "411602")] * 6 + [("PSB", "officer", None)] * 2
    keys = _ops(rows)
    level, _ = choose_groups(keys, np.full(8, 100.0))
    # six county officers: five others each, the finest group
    assert list(level[:6]) == ["dept_role_level"] * 6
    # two city officers: one other at their level, and county officers are not their peers
    # until the department as a whole is the baseline
    assert list(level[6:]) == ["dept"] * 2
    # operators with too few lookups are no peers: the four busy county officers have three
    # busy peers each (no baseline); the two quiet ones are judged against the four
    level, _ = choose_groups(keys, np.array([100.0] * 4 + [5.0] * 4), chain=("dept_role_level",))
    assert list(level) == ["none"] * 4 + ["dept_role_level"] * 2 + ["none"] * 2


def test_leave_one_out_share_and_spread():
    keys = _ops([("TAX", "officer", "411602")] * 5)
    k = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    n = np.full(5, 100.0)
    b = peer_baseline(keys, k, n, min_peers=4)
    # the first operator's peers looked 140 persons up in 400 lookups (plus the weak prior
    # towards the overall 150/500)
    expected = (140 + 200 * 0.3) / (400 + 200)
    assert abs(b.mu[0] - expected) < 1e-9
    assert b.mu[0] > b.mu[4]  # the operator's own share never counts in their baseline
    assert np.all(b.kappa < 1e4)  # shares spread from 10 % to 50 %: overdispersed


def test_volume_alone_never_raises_the_evidence():
    # a share slightly above the peers' (22 % against 20 %, with peers spread by kappa = 25)
    # stays unremarkable however many lookups the operator makes ...
    busy = [float(nb_evidence(np.array([0.22 * n]), np.array([0.2 * n]), 25.0)[0])
            for n in (100, 1_000, 100_000)]  # fmt: skip
    assert max(busy) < 1.0
    # ... while a share twice the peers' is evidence at any volume
    assert nb_evidence(np.array([400.0]), np.array([200.0]), 25.0)[0] > 3.0


def test_evidence_is_poisson_without_spread_and_zero_without_a_baseline():
    e = nb_evidence(np.array([6.0, 0.0, 6.0]), np.array([0.5, 0.5, np.nan]), 1e9)
    assert abs(e[0] - (-poisson.logsf(5, 0.5) / np.log(10))) < 1e-3
    assert e[1] == 0.0 and e[2] == 0.0


def test_the_typical_peer_is_not_moved_by_a_few_others_alike():
    """Seventeen proxy clerks (gen_b's 帮办代办, held_b:278): three carry authorisation numbers
    from person to person (31 of 694 persons, 48 of 1,290, 64 of 853), the other fourteen never.
    Against the pooled share and spread, the first two are usual among the others (evidence
    about 2; the third 5.7); against the typical peer (the others' median share, its spread the median
    deviation) each stands out, and a clerk who never does so has nothing to show."""
    keys = _ops([("GOVSERVICE", "proxy", "411602")] * 17)
    k = np.array([31.0, 48.0, 64.0] + [0.0] * 14)
    persons = np.array([694.0, 1290.0, 853.0] + [600.0] * 14)
    pooled = peer_baseline(keys, k, persons)
    typical = peer_baseline(keys, k, persons, typical=True)
    ev_pooled = nb_evidence(k, pooled.mu * persons, pooled.kappa)
    ev_typical = nb_evidence(k, typical.mu * persons, typical.kappa)
    assert (ev_pooled[:2] < 3.0).all()
    assert (ev_typical[:3] > 10.0).all()
    assert (ev_typical[3:] == 0.0).all()
    # the typical share is the prior's alone here (the others' median is nothing)
    assert typical.mu[0] < pooled.mu[0] / 10
    # a small group (five others or fewer) keeps the pooled share: a median of few says little
    small = _ops([("GOVSERVICE", "proxy", "411602")] * 5)
    a = peer_baseline(small, k[:5], persons[:5])
    b = peer_baseline(small, k[:5], persons[:5], typical=True)
    assert np.allclose(a.mu, b.mu) and np.allclose(a.kappa, b.kappa)
