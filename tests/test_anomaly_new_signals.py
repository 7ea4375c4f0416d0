"""The dormant, piggyback and crowd signals on small hand-built frames (pure functions)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from scoring.anomaly_batch import odd_batch_lookups, piggyback_evidence
from scoring.anomaly_crowd import crowd_evidence, crowd_pairs
from scoring.anomaly_dormant import dormant_evidence, silences
from scoring.anomaly_peers import group_keys

START = dt.date(2026, 6, 1)  # a Monday
DAYS = [START + dt.timedelta(days=i) for i in range(84)]
CLOSED = {d for d in DAYS if d.weekday() >= 5}
WORKING = [d for d in DAYS if d not in CLOSED]  # 60 working days


def _ops(names: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"op": names, "dept": ["D"] * len(names), "role": ["r"] * len(names),
                         "op_county": ["411621"] * len(names)})  # fmt: skip


def _dormant_world():
    """Six operators working every working day at 10:00 from their own terminal, persons of their
    own county. `ghost` stops after 25 working days, is silent for 20 and then is used on 3 days
    from a new terminal for persons of another county; `leave` takes the same 20 days off and
    comes back to the same work."""
    hourly, pairs, terms, purposes = [], [], [], []
    names = ["ghost", "leave", "p1", "p2", "p3", "p4"]
    for op in names:
        days = WORKING
        if op in ("ghost", "leave"):
            days = WORKING[:25] + (WORKING[45:] if op == "leave" else WORKING[45:48])
        for i, d in enumerate(days):
            new = op == "ghost" and d >= WORKING[45]
            hourly.append((op, d, 10, 5, 0))
            purposes.append((op, d, "LICENSING", 5))
            at = dt.datetime.combine(d, dt.time(10))
            terms.append((op, "T-new" if new else f"T-{op}", 5, 0, at, at, 0))
            for j in range(5):
                pairs.append((op, f"{op}-{i}-{j}", 1, at, at, new))
    hourly_f = pl.DataFrame(hourly, schema={"op": pl.String, "date": pl.Date, "hour": pl.Int32,
                                            "n": pl.Int64, "unauth": pl.Int64}, orient="row")  # fmt: skip
    pairs_f = pl.DataFrame(pairs, schema={"op": pl.String, "subject": pl.String, "n": pl.Int64,
                                          "first": pl.Datetime("us"), "last": pl.Datetime("us"),
                                          "out": pl.Boolean}, orient="row")  # fmt: skip
    terms_f = pl.DataFrame(terms, schema={"op": pl.String, "terminal": pl.String, "n": pl.Int64,
                                          "unauth": pl.Int64, "first": pl.Datetime("us"),
                                          "last": pl.Datetime("us"), "win": pl.Int32}, orient="row")  # fmt: skip
    purposes_f = pl.DataFrame(purposes, schema={"op": pl.String, "date": pl.Date,
                                                "purpose": pl.String, "n": pl.Int64}, orient="row")  # fmt: skip
    return _ops(names), hourly_f, pairs_f, purposes_f, terms_f


def test_the_longest_silence_is_counted_in_working_days():
    _, hourly, *_ = _dormant_world()
    s = {r["op"]: r for r in silences(hourly, CLOSED).to_dicts()}
    assert s["ghost"]["gap"] == 20 and s["ghost"]["resume"] == WORKING[45]
    assert s["ghost"]["pre_days"] == 25 and s["ghost"]["pre_span"] == 25
    assert s["ghost"]["post_days"] == 3 and s["ghost"]["post_span"] == 15
    assert s["p1"]["gap"] == 0  # weekends are no silence


def test_an_account_used_after_a_silence_unlike_before_is_dormant_a_leave_is_not():
    f, hourly, pairs, purposes, terms = _dormant_world()
    ev, info = dormant_evidence(f, group_keys(f), hourly, pairs, purposes, terms, CLOSED)
    by = dict(zip(f["op"], ev, strict=True))
    assert by["ghost"] >= 4.0
    assert by["leave"] < 2.0  # the same silence, then the same work
    assert by["p1"] == 0.0
    row = info.filter(pl.col("op") == "ghost").row(0, named=True)
    assert row["aspect"] in ("out", "terminal", "days") and row["post_n"] == 15


def _run(op: str, ref: str, start: dt.datetime, n: int, step: int, county: str = "411621"):
    return [(op, ref, start + dt.timedelta(seconds=step * i), county, "1980-01-01")
            for i in range(n)]  # fmt: skip


def _batch(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"op": pl.String, "ref": pl.String, "at": pl.Datetime("us"),
                                      "s_county": pl.String, "s_birth": pl.String}, orient="row")  # fmt: skip


def test_lookups_off_a_runs_rhythm_or_its_county_are_odd():
    t0 = dt.datetime(2026, 6, 1, 10)
    rows = _run("a", "R1", t0, 30, 20)
    rows += [("a", "R1", t0 + dt.timedelta(seconds=202), "411622", "1990-05-05")]  # typed in
    rows += _run("a", "R2", t0 + dt.timedelta(hours=2), 30, 20)
    rows += [("a", "R2", t0 + dt.timedelta(hours=2, seconds=610), "411699", "1980-01-01")]
    odd = odd_batch_lookups(_batch(rows))
    beat = odd.filter(pl.col("off_beat"))
    # the typed-in lookup and the run's lookup it sits next to
    assert beat.height == 2 and set(beat["ref"]) == {"R1"}
    bulk = odd.filter(pl.col("off_bulk"))
    assert bulk["s_county"].to_list() == ["411622", "411699"]
    assert odd["run"].all()


def _beat(rows) -> pl.DataFrame:
    return odd_batch_lookups(_batch(rows)).filter(pl.col("off_beat"))


def test_a_runs_own_short_gaps_are_no_beat_broken():
    t0 = dt.datetime(2026, 6, 1, 10)
    rng = np.random.default_rng(7)
    # a clerk's own pace, memoryless: short gaps of its own, no floor to fall below
    at = [t0 + dt.timedelta(seconds=float(x)) for x in np.cumsum(rng.exponential(20.0, 40))]
    assert _beat([("a", "R1", t, "411621", "1980-01-01") for t in at]).is_empty()
    # a gateway's whole seconds: gaps of 0-3 s, many of them 0
    gaps = [0, 1, 2, 3, 1, 2, 0, 2, 1, 3] * 5
    at = [t0 + dt.timedelta(seconds=int(x)) for x in np.cumsum(gaps)]
    assert _beat([("g", "R1", t, "411621", "1980-01-01") for t in at]).is_empty()
    # a day's list worked at several minutes a person has no beat to break
    rows = _run("s", "R1", t0, 30, 300) + [("s", "R1", t0 + dt.timedelta(seconds=302), "411622",
                                              "1990-05-05")]  # fmt: skip
    assert _beat(rows).is_empty()


def test_a_lookup_in_the_same_second_as_a_machines_own_was_typed_in():
    t0 = dt.datetime(2026, 6, 1, 20)
    # a scheduled run stepping through its list at one to six whole seconds a lookup (median 3.5,
    # its brisk gaps 1 s: a floor at a quarter of the median, not at a third)
    gaps = [1, 1, 2, 3, 4, 5, 6, 4, 3, 5] * 6
    at = [t0 + dt.timedelta(seconds=int(x)) for x in np.cumsum(gaps)]
    rows = [("m", "R1", t, "411621", "1980-01-01") for t in at]
    assert _beat(rows).is_empty()
    # a person looked up in the same second as the run's 31st, and one 2 s after its 44th (gaps
    # the run itself makes)
    typed = ("m", "R1", at[30], "411625", "1975-03-03")
    beat = _beat(rows + [typed, ("m", "R1", at[43] + dt.timedelta(seconds=2), "411621", "1981")])
    assert beat.height == 2 and typed[2] in beat["at"].to_list()
    assert set(beat["at"].to_list()) == {at[30]}


def test_a_household_member_right_after_the_person_is_the_runs_own_work():
    t0 = dt.datetime(2026, 6, 1, 10)
    rows = [(*r, f"4116210010{i:02d}") for i, r in enumerate(_run("a", "R1", t0, 30, 20))]
    debtor = rows[10]
    # the co-debtor of the same household, two seconds on
    rows.append(("a", "R1", debtor[2] + dt.timedelta(seconds=2), "411621", "1982", debtor[5]))
    stranger = rows[20]
    # a stranger typed in between
    rows.append(("a", "R1", stranger[2] + dt.timedelta(seconds=2), "411625", "1975", "411625100"))
    b = pl.DataFrame(rows, schema={"op": pl.String, "ref": pl.String, "at": pl.Datetime("us"),
                                   "s_county": pl.String, "s_birth": pl.String,
                                   "s_res": pl.String}, orient="row")  # fmt: skip
    beat = odd_batch_lookups(b).filter(pl.col("off_beat"))
    assert sorted(beat["s_res"].to_list()) == sorted([stranger[5], "411625100"])


def test_piggyback_is_never_judged_below_everyone_elses_share():
    t0 = dt.datetime(2026, 6, 1, 10)
    rows = []
    names = ["pig", "q1", "q2", "q3"]
    for k, op in enumerate(names):
        for r in range(4):
            start = t0 + dt.timedelta(days=r, minutes=k * 30)
            rows += _run(op, f"{op}-R{r}", start, 30, 20)
            rows += [(op, f"{op}-R{r}", start + dt.timedelta(seconds=20 * j + 3), "411621",
                      "1980-01-01") for j in (5, 15)]  # fmt: skip
    ops = _ops(names).with_columns(dept=pl.Series(["D", "E", "E", "E"]))
    ev, expected, _ = piggyback_evidence(ops, group_keys(ops), odd_batch_lookups(_batch(rows)))
    # the department has nobody else; everyone else breaks their runs as often: no evidence
    assert expected[0] > 10 and ev[0] < 1.0


def test_piggyback_evidence_against_peers_who_run_clean_batches():
    t0 = dt.datetime(2026, 6, 1, 10)
    rows = []
    names = ["pig", "q1", "q2", "q3", "q4", "q5"]
    for k, op in enumerate(names):
        for r in range(4):
            start = t0 + dt.timedelta(days=r, minutes=k * 30)
            rows += _run(op, f"{op}-R{r}", start, 30, 20)
            if op == "pig":  # two persons slipped into every run
                rows += [(op, f"{op}-R{r}", start + dt.timedelta(seconds=20 * j + 3), "411621",
                          "1980-01-01") for j in (5, 15)]  # fmt: skip
    ev, expected, info = piggyback_evidence(
        _ops(names), group_keys(_ops(names)), odd_batch_lookups(_batch(rows))
    )
    by = dict(zip(names, ev, strict=True))
    assert by["pig"] >= 4.0 and all(by[q] == 0.0 for q in names[1:])
    row = info.filter(pl.col("op") == "pig").row(0, named=True)
    assert row["pig_aspect"] == "beat" and row["pig_k"] == 16 and row["pig_runs"] == 4


def test_an_unreferenced_lookup_from_outside_a_sudden_case_is_curiosity():
    day = dt.datetime(2026, 6, 3, 10)
    at = lambda d: day + dt.timedelta(days=d)  # noqa: E731
    others = [f"o{i}" for i in range(8)]
    ops = pl.DataFrame({"op": ["audit", "psb9", "y", *[f"case{i}" for i in range(10)], *others],
                        "dept": ["AUDIT", "PSB", "EDU", *["PSB"] * 5, *["COURT"] * 5,
                                 "SAMR", "TAX", "HRSS", "DRC", "SAMR", "TAX", "HRSS", "DRC"]})  # fmt: skip
    rows = [(f"case{i}", "news", 1, 1, at(i % 3)) for i in range(6)]  # the case: six officers
    rows += [
        ("audit", "news", 2, 0, at(1)),  # curious: AUDIT has nobody on the case
        ("psb9", "news", 1, 0, at(2)),  # PSB is on the case: their own colleague's work
        ("audit", "late", 1, 0, at(40)),
    ]
    # a person many operators look up all quarter: a crowd in one week, but no sudden case
    rows += [(f"case{i}", "steady", 1, 1, at(i % 2)) for i in range(6)]
    rows += [(o, "steady", 1, 1, at(30 + 5 * i)) for i, o in enumerate(others)]
    rows += [("y", "steady", 1, 0, at(1))]
    # a busy person whom many departments look up at once: no case either
    rows += [(o, "busy", 1, 1, at(50)) for o in others[:6]] + [("y", "busy", 1, 0, at(50))]
    # five operators are too few to be a case
    rows += [(f"case{i}", "small", 1, 1, at(0)) for i in range(4)] + [("y", "small", 1, 0, at(0))]
    rows += [("y", f"p{i}", 1, 0, at(i)) for i in range(40)]
    pairs = pl.DataFrame(rows, schema={"op": pl.String, "subject": pl.String, "n": pl.Int64,
                                       "n_ref": pl.Int64, "first": pl.Datetime("us")},
                         orient="row")  # fmt: skip
    cp, rate = crowd_pairs(pairs, ops)
    crowd = cp.filter(pl.col("crowd"))
    assert crowd.select("op", "subject", "crowd_ops", "crowd_ref").rows() == [
        ("audit", "news", 8, 6)
    ]
    persons = pairs["subject"].n_unique()
    assert np.isclose(rate, 1 * 7 / (66 * persons))  # one case week in 66 days of lookups
    ev, expected, info = crowd_evidence(ops.select("op"), cp, rate)
    assert np.isclose(expected[0], 2 * rate)  # audit: two persons looked up without a reference
    # Poisson: -log10 P(K >= 1); rare in a city of persons, weaker in this small world
    assert np.isclose(ev[0], -np.log10(-np.expm1(-expected[0])), rtol=1e-3)
    assert (ev[1:] == 0.0).all()
    row = info.filter(pl.col("op") == "audit").row(0, named=True)
    assert row["crowd_k"] == 1 and row["n"] == 1 and row["first"] == dt.datetime(2026, 6, 4)


def test_a_news_day_makes_its_unreferenced_operators_curious_without_a_case():
    """Three operators of three departments look a local person up on one afternoon, none under
    a reference and no case open: each is curious. Two such operators on a day, one department's
    three, or a person looked up without a reference all quarter long are no news day."""
    day = dt.datetime(2026, 6, 10, 15)
    at = lambda d: day + dt.timedelta(days=d)  # noqa: E731
    ops = pl.DataFrame({"op": ["justice", "housing", "court", "w1", "w2", "w3", "a", "b", "c"],
                        "dept": ["JUSTICE", "HOUSING", "COURT", "TAX", "TAX", "TAX", "SAMR",
                                 "EDU", "DRC"]})  # fmt: skip
    rows = [(op, "news", 1, 0, at(0)) for op in ("justice", "housing", "court")]
    rows += [("court", "news_wife", 1, 0, at(0)), ("housing", "news_wife", 1, 0, at(0))]
    rows += [(op, "tax_case", 1, 0, at(5)) for op in ("w1", "w2", "w3")]  # one department
    rows += [(op, "busy", 1, 0, at(20)) for op in ("a", "b", "c")]  # a news day ...
    rows += [(op, "busy", 1, 0, at(30 + i)) for i, op in enumerate(("w1", "w2", "w3", "justice"))]
    rows += [(o, f"p{o}{i}", 1, 0, at(i)) for o in "abc" for i in range(30)]
    pairs = pl.DataFrame(rows, schema={"op": pl.String, "subject": pl.String, "n": pl.Int64,
                                       "n_ref": pl.Int64, "first": pl.Datetime("us")},
                         orient="row")  # fmt: skip
    cp, rate = crowd_pairs(pairs, ops)
    crowd = cp.filter(pl.col("crowd")).sort("op")
    # ... but "busy" has seven operators without a reference in the range: three are not half
    assert crowd.select("op", "subject", "crowd_ops", "crowd_ref", "day").rows() == [
        ("court", "news", 3, 0, True),
        ("housing", "news", 3, 0, True),
        ("justice", "news", 3, 0, True),
    ]
    persons = pairs["subject"].n_unique()
    assert np.isclose(rate, 1 * 7 / (34 * persons))  # one news day in 34 days of lookups
    ev, _, info = crowd_evidence(ops.select("op"), cp, rate)
    assert (ev[:3] > 0).all() and (ev[3:] == 0).all()
    row = info.filter(pl.col("op") == "justice").row(0, named=True)
    assert row["crowd_day"] and row["crowd_k"] == 1 and row["first"] == dt.datetime(2026, 6, 10)


def test_news_read_over_days_is_news_when_it_draws_a_crowd():
    """Three clerks of three departments peek at a person over two days while four departments
    work the person under references (too many for one case): curious. Three clerks over three days with nobody
    else looking is a resident visiting three offices: nothing."""
    day = dt.datetime(2026, 6, 10, 15)
    at = lambda d: day + dt.timedelta(days=d)  # noqa: E731
    clerks = ["fire", "finance", "drc", "w1", "w2", "w3"]
    police = ["psb", "court", "samr", "hrss"]
    ops = pl.DataFrame({"op": clerks + police,
                        "dept": ["FIRE", "FINANCE", "DRC", "TAX", "EDU", "SAMR", "PSB", "COURT", "SAMR", "HRSS"]})  # fmt: skip
    rows = [("fire", "news", 1, 0, at(0)), ("finance", "news", 1, 0, at(0)),
            ("drc", "news", 1, 0, at(1))]  # fmt: skip
    rows += [(op, "news", 1, 1, at(i % 2)) for i, op in enumerate(police)]
    rows += [(op, "visitor", 1, 0, at(20 + i)) for i, op in enumerate(("w1", "w2", "w3"))]
    rows += [(o, f"p{o}{i}", 1, 0, at(i)) for o in clerks for i in range(30)]
    pairs = pl.DataFrame(rows, schema={"op": pl.String, "subject": pl.String, "n": pl.Int64,
                                       "n_ref": pl.Int64, "first": pl.Datetime("us")},
                         orient="row")  # fmt: skip
    cp, _ = crowd_pairs(pairs, ops)
    crowd = cp.filter(pl.col("crowd")).sort("op")
    assert crowd.select("op", "subject", "day").rows() == [
        ("drc", "news", True),
        ("finance", "news", True),
        ("fire", "news", True),
    ]
