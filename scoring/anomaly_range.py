"""Evidence accumulated per operator over the whole scored range (or the nightly 90 days).

Thin misuse spread over weeks never crosses a weekly threshold; counted over the range it does.
Every signal is a share of the operator's own lookups (or persons) judged against peers of the same
remit (anomaly_peers), so volume alone never raises an alert:

| signal | share |
|---|---|
| unauth | lookups without a purpose, or without the reference the purpose needs |
| kin, neighbours, colleagues, sensitive | persons of the operator's surname and village, of the village, of the department's operators, on the watch list (per person looked up; also those looked up without authorisation or under a reference borrowed from another person, against the operator's own share of such persons); kin and neighbours also by the days they were looked up on against the operator's other persons of their county, anomaly_revisits |
| out_county | lookups of other counties' residents (county operators only; peers of the same level) |
| unknown | lookups of ID numbers not in the registry |
| rapid | lookups without authorisation, four or more by the operator in one clock minute, for operators with ten such minutes or more (against the typical peer) |
| hours | lookups at hours the peer group hardly works |
| days | lookups on days most operators do not work (weekends, holidays, read from the log) |
| purpose | lookups under purposes the peer group (almost) never uses (a small department's few other operators are its group) |
| repeat | the person looked up on the most days (a batch run's days left out), against how often the peers' persons recur (and, where the department has too few of the role, the role's in every department: the weaker counts); or the person looked up on the most days under a reference the operator had used for someone else first, against the peers' (else everyone's) such persons, whichever is stronger |
| fixation | the person looked up most often without authorisation, against the peers' such persons |
| batch | the reference used for the most persons, against the peers' references |
| borrowed | persons looked up under a reference the operator used for someone else on an earlier day (the role's peers in any department before the department's) |
| dormant | lookups resuming after a long silence and unlike the earlier ones (anomaly_dormant) |
| trickle | a stretch of working days without one ordinary day of the operator's work, and lookups in it unauthorised beyond their own earlier share or the peers' (overall, or on their own light days where higher) (anomaly_dormant) |
| desk | a stretch of active days only on a terminal of no other day, the usual ones resting (anomaly_desk) |
| piggyback | batch lookups off the run's rhythm or its county / age band (anomaly_batch) |
| crowd | persons at the centre of a sudden case (a crowd of operators in one week, hardly anyone before or after) looked up without a reference from outside the case (anomaly_crowd) |
| streak | the longest unbroken run of the operator's working hours without any authorised lookup, against their own share of such hours and the peers' streaks (anomaly_streak) |
| family | the most persons of one residence and surname first looked up within four days, each at least once without authorisation, against the peers' families (anomaly_family) |
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from scoring.anomaly_batch import odd_batch_lookups, piggyback_evidence, run_days, run_hours
from scoring.anomaly_crowd import crowd_evidence, crowd_pairs
from scoring.anomaly_desk import desk_evidence
from scoring.anomaly_dormant import (
    dormant_evidence,
    light_day_lookups,
    ordinary_days,
    trickle_evidence,
)
from scoring.anomaly_enumeration import (
    enumeration_evidence,
    enumeration_groups,
    enumeration_prefix,
)
from scoring.anomaly_family import family_items
from scoring.anomaly_partner import partner_like, partner_share
from scoring.anomaly_peers import (
    COUNTY_LEVELS,
    DEPT_LEVELS,
    HABIT_LEVELS,
    LEVELS,
    MIN_LOOKUPS,
    Baseline,
    choose_groups,
    group_keys,
    group_members,
    membership,
    nb_evidence,
    peer_baseline,
    tail_evidence,
)
from scoring.anomaly_revisits import fisher, revisit_tails
from scoring.anomaly_source import RAPID_SCHEMA
from scoring.anomaly_streak import streak_evidence
from scoring.anomaly_village import village_exposure

RANGE_SIGNALS = ("unauth", "kin", "neighbours", "colleagues", "sensitive", "out_county", "out_focus",
                 "unknown", "rapid",
                 "hours", "days", "purpose", "repeat", "fixation", "batch", "reuse", "terminal",
                 "dormant", "trickle", "piggyback", "crowd", "enumeration", "borrowed",
                 "streak", "desk", "family")  # fmt: skip
# a colleague covering a hall for a week looks the same as a borrowed account (anomaly_desk)
DESK_CAP = 8.0
RAPID_MINUTES = 10  # minutes of rapid lookups without authorisation (anomaly_source) that count
PIGGYBACK_CAP = 6.5  # a broken batch rhythm has innocent causes too (anomaly-2.20: 4 before)
HABIT_SIGNALS = (
    "unauth",
    "out_county",
    "out_focus",
    "unknown",
    "hours",
    "days",
    "purpose",
    "batch",
    "terminal",
    "streak",
)
HABIT_CAP = 5.0
# habits that only support other evidence: a foreign terminal (anomaly-2.22); the share of
# lookups without authorisation and the one other county looked up most (anomaly-2.23). Across
# 21 development logs, of the operators whose best alert they led at a score under 8, none of
# 129 (unauth) and one of 158 (out_focus) was a misuser; the terminal's 79 of anomaly-2.22 none.
# Their unauthorised parts (a habit's lookups without authorisation) are judged in full
SUPPORTING_HABITS = ("terminal", "unauth", "out_focus")
SUPPORTING_CAP = 3.0
FAMILY_MIN = 3  # persons of one family in one visit that can be evidence (anomaly_family)
HABIT_RUNS = 2  # references with a batch run that make the operator's runs a habit
REMIT_CAP = 2.0  # such a relationship only supports other evidence
REMIT_SHARE = 0.1  # a relationship this common in the operator's own work is their remit
OWN_REMIT_SHARE = 0.5  # ... and this common, their remit whatever their role's others do
STANDING_SHARE = 0.5  # the peers' persons under references carried over: the remit's way
# range signals judged as a share: (count, basis) columns of RangeEvidence.frame
SHARE_COLUMNS = {
    "unauth": ("unauth", "n"),
    "kin": ("kin_s", "persons"),
    "neighbours": ("nb_s", "persons"),
    "colleagues": ("col_s", "persons"),
    "sensitive": ("sens_s", "persons"),
    "out_county": ("out_k", "out_basis"),  # a county the operator covers left out
    "unknown": ("unknown_n", "n"),
    "rapid": ("rapid_n", "n"),
    "hours": ("hours_k", "n"),
    "days": ("off_n", "n"),
    "purpose": ("purpose_k", "n"),
    "terminal": ("term_k", "n"),
    "borrowed": ("borrow_k", "persons"),
}
# references are carried over where the role's work does (HR's quarterly review under one reference,
# in whichever department HR sits; a labour inspector's case of several workers): the role's peers
# in other departments, then at the other level, before the department's other roles
ROLE_FIRST_LEVELS = (
    "dept_role_level",
    "role_level",
    "dept_role",
    "role",
    "dept_level",
    "dept",
    "level",
    "all",
)
RELATIONS = {"kin": "kin", "neighbours": "nb", "colleagues": "col", "sensitive": "sens"}
# kin and neighbours are judged against an exposure (expected persons), not a share of persons;
# the prior "as chance has it" (observed = exposed) weighs this many expected persons
EXPOSURE_PRIOR = 5.0
REVISIT_MIN = 1.0  # evidence the days add before a reason names them
RARE_HOUR_SHARE = 0.005  # an hour the peer group uses for < 0.5 % of its lookups
RARE_PURPOSE_SHARE = 0.005  # a purpose the peer group uses for < 0.5 % of its lookups
PURPOSE_FLOOR = 0.0005
FOCUS_KAPPA = 5.0  # operators of one county differ in where their out-of-county work leads
OWN_WORK_SHARE = 0.2  # a purpose making a fifth of the operator's own lookups is their remit
# ... when it is spread over a third of their working days or more: seven lookups on the last two
# of a part-timer's ten days are a fifth of their work, and no remit
OWN_WORK_DAYS = 1 / 3
# a purpose that most operators of the same role in other departments use (each for this share of
# their lookups or more) is the role's work wherever it sits (HR reviewing appointments)
ROLE_USE_SHARE = 0.02
ROLE_MIN, ROLE_MAJORITY = 2, 0.5  # "most of the role": at least two and at least half of it


@dataclass
class ForeignPurposes:
    """Per operator: lookups under purposes foreign to the peer group and no remit of the
    operator's own (k, unauth, the number expected mu, the most used top; rare: op, purpose), and
    under every foreign purpose, a fifth of the operator's own work or more included (k_all,
    u_all, top_all)."""

    k: np.ndarray
    unauth: np.ndarray
    k_all: np.ndarray
    u_all: np.ndarray
    mu: np.ndarray
    top: list
    top_all: list
    rare: pl.DataFrame


@dataclass
class UnauthorisedPart:
    """A habit's lookups (k), those of them without authorisation (unauth), the number expected
    from the operator's other lookups (expected, at their share `rest`), and whether this made
    the habit's evidence (led)."""

    k: np.ndarray
    unauth: np.ndarray
    expected: np.ndarray
    rest: np.ndarray
    led: np.ndarray
    evidence: np.ndarray  # -log10 p of the unauthorised count at the operator's own share


@dataclass
class RangeEvidence:
    frame: pl.DataFrame  # one row per operator: counts used by the signals and the reasons
    evidence: dict[str, np.ndarray]
    expected: dict[str, np.ndarray]  # expected count (same unit as the signal's count)
    baseline: dict[str, Baseline]
    flagged: dict[str, pl.DataFrame]  # per signal: op, first, last, n of the flagged lookups
    rare_purposes: pl.DataFrame  # op, purpose: purposes foreign to the operator's peer group
    # the peers' share of persons, for the weekly view's prior where the range judges an exposure
    shares: dict[str, Baseline] = field(default_factory=dict)
    # per habit signal: the part of its lookups without authorisation (UnauthorisedPart)
    unauthorised: dict[str, UnauthorisedPart] = field(default_factory=dict)


def _by_hour(f: pl.DataFrame, grid: pl.DataFrame, values: str) -> np.ndarray:
    """One row per operator of f, one column per hour of the day: grid's `values` (0 if none)."""
    wide = (
        f.select("op")
        .join(grid.pivot(on="hour", index="op", values=values), on="op", how="left")
        .fill_null(0)
    )
    return np.column_stack(
        [wide[str(h)].to_numpy() if str(h) in wide.columns else np.zeros(f.height)
         for h in range(24)]
    ).astype(float)  # fmt: skip


def _rare_mask(keys: dict, group: np.ndarray, counts: np.ndarray, share: float) -> np.ndarray:
    """Per row, which columns its peer group (without the row) uses for less than `share` of its
    total."""
    out = np.zeros(counts.shape, dtype=bool)
    for g, members in group_members(keys, group).items():
        tot = counts[members].sum(axis=0)
        rows = np.flatnonzero(group == g)
        others = tot[None, :] - counts[rows]  # leave the operator out: a misuser's own nights
        low = others / np.maximum(others.sum(axis=1, keepdims=True), 1.0) < share
        out[rows] = np.array([_longest_circular_run(x) for x in low]).reshape(low.shape)
    return out


def _longest_circular_run(low: np.ndarray) -> np.ndarray:
    """The longest circular run of True (the group's night), not a quiet lunch hour."""
    n = len(low)
    if low.all() or not low.any():
        return low.copy()
    start = int(np.flatnonzero(~low)[0])  # rotate so that the run cannot wrap
    rolled = np.roll(low, -start)
    best, best_at, run = 0, 0, 0
    for i, v in enumerate(rolled):
        run = run + 1 if v else 0
        if run > best:
            best, best_at = run, i - run + 1
    out = np.zeros(n, dtype=bool)
    out[best_at : best_at + best] = True
    return np.roll(out, start)


def range_evidence(
    ops: pl.DataFrame,
    pairs: pl.DataFrame,
    hourly: pl.DataFrame,
    purposes: pl.DataFrame,
    refs: pl.DataFrame,
    terminals: pl.DataFrame,
    closed_dates: set,
    batch: pl.DataFrame | None = None,
    borrowed: pl.DataFrame | None = None,
    register: tuple[int, int] | None = None,
    term_days: pl.DataFrame | None = None,
    rapid: pl.DataFrame | None = None,
) -> RangeEvidence:
    """Evidence of every range signal for every operator active in the range (batch: the
    lookups of batch runs, anomaly_source.batch_lookups; none, no piggyback signal; borrowed:
    anomaly_source.borrowed_persons over the range; none, nobody borrowed one; register:
    registered persons and of them on the watch list, anomaly_source.register_watch_list;
    term_days: lookups per operator, day and terminal, anomaly_source.terminal_days; none, no
    desk signal; rapid: lookups without authorisation in minutes of four or more of them,
    anomaly_source.rapid_unauthorised; none, nobody's)."""
    if batch is None:
        batch = pl.DataFrame(schema={"op": pl.String, "ref": pl.String, "at": pl.Datetime("us"),
                                     "s_county": pl.String, "s_birth": pl.String})  # fmt: skip
    per = pairs.group_by("op").agg(
        pl.col("n").sum(),
        pl.len().alias("persons"),
        pl.col("unauth").sum(),
        *[pl.col(c).sum().alias(f"{c}_s") for c in ("kin", "nb", "col", "sens")],
        pl.col("col_review").sum().alias("review_s"),
        *[
            (pl.col(c) & (pl.col("unauth") > 0)).sum().alias(f"{c}_su")
            for c in ("kin", "nb", "col", "sens")
        ],  # fmt: skip
        (pl.col("n") * pl.col("out")).sum().alias("out_n"),
        (pl.col("unauth") * pl.col("out")).sum().alias("out_u"),
        (pl.col("n") * pl.col("unknown")).sum().alias("unknown_n"),
    )
    f = per.join(ops.select("op", "dept", "role", "op_county"), on="op", how="left").sort("op")
    apart = _machines_apart(f, hourly)
    machine = (apart["role"] == MACHINES).to_numpy()
    keys = group_keys(apart)
    for key in ("level", "all"):  # not even the broadest group of people holds a gateway
        keys[key] = np.where(machine, MACHINES, keys[key])
    n = f["n"].to_numpy().astype(float)
    persons = f["persons"].to_numpy().astype(float)
    ev: dict[str, np.ndarray] = {}
    expected: dict[str, np.ndarray] = {}
    baselines: dict[str, Baseline] = {}
    flagged: dict[str, pl.DataFrame] = {}

    def share_signal(name, k, basis, mask=None, chain=LEVELS, **exposure_kw) -> Baseline:
        use = keys if mask is None else {lv: np.where(mask, key, "-") for lv, key in keys.items()}
        b = peer_baseline(use, k, basis, chain, **exposure_kw)
        expected[name] = b.mu * basis
        ev[name] = nb_evidence(k, expected[name], b.kappa)
        if mask is not None:
            ev[name] = np.where(mask, ev[name], 0.0)
        baselines[name] = b
        return b

    unauth = f["unauth"].to_numpy().astype(float)
    b_u = share_signal("unauth", unauth, n)
    # the operator's own unauthorised share, pulled towards the peers' with little history
    u_rate = _own_rate(unauth, n, b_u.mu)
    # kin and neighbours against what the operator's work exposes them to (anomaly_village)
    village = village_exposure(pairs, f, ops)
    f = f.with_columns(village_exp=village["village_exp"], kin_exp=village["kin_exp"])
    exposure = {
        "kin": village["kin_exp"].to_numpy(),
        "neighbours": village["village_exp"].to_numpy(),
    }
    # lookups in the operator's batch runs (anomaly_source.batch_lookups), one person each
    batch_n = (
        f.select("op").join(batch.group_by("op").len(), on="op", how="left")["len"]
        .fill_null(0).to_numpy().astype(float)
    )  # fmt: skip
    shares: dict[str, Baseline] = {}
    remits: dict[str, np.ndarray] = {}
    # a person looked up under someone else's authorisation (a reference borrowed from another
    # person) is looked up without one of their own: the relationships' unauthorised part
    # counts them, at the operator's own share of such persons
    borrowed_pairs = _borrowed_outside_reviews(borrowed, pairs, f)
    lent = borrowed_relations(pairs, borrowed_pairs, f)
    lent_rate = lent["persons"] / np.maximum(persons + OWN_RATE_PRIOR, 1.0)
    f = f.with_columns(**{f"{c}_sb": pl.Series(lent[c]) for c in RELATIONS.values()})
    for name, c in RELATIONS.items():
        k = f[f"{c}_s"].to_numpy().astype(float)
        if name in exposure:
            shares[name] = peer_baseline(keys, k, persons)
            k = k + (f["kin_s"].to_numpy() if name == "neighbours" else 0.0)
            share_signal(name, k, exposure[name], prior_weight=EXPOSURE_PRIOR, size=persons,
                         prior_share=1.0)  # fmt: skip
            # and how often they were looked up: on more days than the operator's other persons
            # (anomaly_revisits), a second finding about the same persons
            flag = pl.col("kin") if name == "kin" else pl.col("kin") | pl.col("nb")
            again = revisit_tails(pairs, f, flag)
            both = -np.log10(fisher(10.0 ** -ev[name], again["tail"].to_numpy()))
            f = f.with_columns(
                again["rel_days"].alias(f"{c}_rdays"),
                again["usual_days"].alias(f"{c}_rusual"),
                pl.Series(f"{c}_revisit", both > ev[name] + REVISIT_MIN),
            )
            ev[name] = np.maximum(ev[name], both)
        else:
            b = share_signal(name, k, persons)
        # the part looked up without authorisation is judged against the peers' own share
        peer_expected = expected[name]
        if name == "sensitive" and register is not None:
            expected[name], ev[name] = _register_floor(b, register, k, persons, batch_n)
        # a tenth of the operator's persons or more is their work (HR reviewing the staff, a
        # village's own service window), not curiosity: only the part looked up without
        # authorisation then counts in full
        remit = remits[name] = k > REMIT_SHARE * np.maximum(persons, 1.0)
        ev[name] = np.where(remit, np.minimum(ev[name], REMIT_CAP), ev[name])
        ku = f[f"{c}_su"].to_numpy().astype(float)
        # of these persons, those under a reference borrowed from another person count as looked
        # up without authorisation, at the operator's own share of borrowed persons; not where
        # the relationship is the operator's remit (a tenth of their persons or more): its
        # persons under a standing reference are the work (a grid officer's households under
        # the month's subsistence review)
        lent_c = np.where(remit, 0.0, lent[c])
        rate_b = np.where(remit, 0.0, lent_rate)
        # where the relationship is the remit of the role (most of the role's operators in any
        # department share it), or most of the operator's own persons (the staff reviews are all
        # a personnel clerk does), the operator's own such persons are the exposure
        review = f["review_s"].to_numpy().astype(float) if name == "colleagues" else 0.0
        own_remit = k + review >= OWN_REMIT_SHARE * np.maximum(persons, 1.0)
        role_remit = remit & (_role_shares(keys["role_level"], k, persons) | own_remit)
        exposed = np.where(role_remit, np.maximum(peer_expected, k), peer_expected)
        # of these persons, those looked up without authorisation: at the operator's own share
        e_u = np.maximum(nb_evidence(ku, exposed * u_rate, 1e4),
                         nb_evidence(ku + lent_c, exposed * (u_rate + rate_b), 1e4))  # fmt: skip
        ev[name] = np.maximum(ev[name], e_u - np.log10(2.0))
    county_op = f["op_county"].is_not_null().to_numpy()
    out_n = f["out_n"].to_numpy().astype(float)
    focus_k, focus_mu, focus_county, focus_u = _out_focus(pairs, f)
    # another county that is a fifth of the operator's work, week in week out, is their remit (a
    # neighbour county they cover, a secondment): its lookups are no out-of-county evidence, and
    # the county they lean to is looked for among the others
    covered = county_op & _covered_county(pairs, f, focus_county, focus_k, n)
    covered_k = np.where(covered, focus_k, 0.0)
    covered_county = [c if cov else None for c, cov in zip(focus_county, covered, strict=True)]
    if covered.any():
        cover = pl.DataFrame(
            {"op": f["op"], "s_county": pl.Series(covered_county, dtype=pl.String)}
        )
        uncovered = pairs.join(cover.drop_nulls(), on=["op", "s_county"], how="anti")
        focus_k, focus_mu, focus_county, focus_u = _out_focus(uncovered, f)
    f = f.with_columns(
        out_k=pl.Series(out_n - covered_k),
        out_basis=pl.Series(n - covered_k),
        covered_county=pl.Series(covered_county, dtype=pl.String),
    )
    share_signal("out_county", out_n - covered_k, n - covered_k, mask=county_op,
                 chain=COUNTY_LEVELS)  # fmt: skip
    expected["out_focus"] = focus_mu
    ev["out_focus"] = np.clip(nb_evidence(focus_k, focus_mu, FOCUS_KAPPA) - np.log10(9.0), 0, None)
    foreign = foreign_terminals(terminals.filter(pl.col("scored")), f.select("op", "dept"))
    term = f.select("op").join(
        foreign.group_by("op").agg(pl.col("n").sum().alias("term_k"),
                                   pl.col("unauth").sum().alias("term_u")),
        on="op", how="left",
    )  # fmt: skip
    share_signal("terminal", term["term_k"].fill_null(0).to_numpy().astype(float), n)
    share_signal("unknown", f["unknown_n"].to_numpy().astype(float), n)
    # lookups without authorisation four or more to a minute, faster than anyone reads a credit
    # report: a harvest dripped into the day's work (gen_b's window clerk: 680 persons at lunch
    # over four months, 16 % of their lookups, a few a day seconds apart); not for gateways
    if rapid is None:
        rapid = pl.DataFrame(schema=RAPID_SCHEMA)
    fast = f.select("op").join(rapid.select("op", "rapid_n", "rapid_minutes"), on="op",
                               how="left").fill_null(0)  # fmt: skip
    # a few such minutes are a family's papers looked up in a hurry (held_c's inspectors: up to
    # nine minutes in a quarter); a harvest is a habit of sittings (twenty minutes or more)
    sittings = fast["rapid_minutes"] >= RAPID_MINUTES
    f = f.with_columns(rapid_n=pl.when(sittings).then(fast["rapid_n"]).otherwise(0),
                       rapid_minutes=fast["rapid_minutes"])  # fmt: skip
    # against the typical peer (as borrowed): two harvesters of a group do not make it usual
    share_signal("rapid", f["rapid_n"].to_numpy().astype(float), n, typical=True)
    ev["rapid"] = np.where(machine, 0.0, ev["rapid"])
    # persons looked up under a reference the operator used for someone else on an earlier day
    borrowed = borrowed_per_operator(borrowed_pairs)
    borrow = f.select("op").join(borrowed.select("op", borrow_k="n"), on="op", how="left")
    borrow_k = borrow["borrow_k"].fill_null(0).to_numpy().astype(float)
    # against the typical peer (the others' median share), not the pooled one: another
    # person's authorisation is a misuser's tool, and two or three misusers in a group of a dozen
    # do not make it usual (gen_b's proxy clerks: three of seventeen borrow, the rest never)
    b_borrow = share_signal("borrowed", borrow_k, persons, chain=ROLE_FIRST_LEVELS, typical=True)
    # a standing reference carried over as the peers do, or as most of the operator's own work
    # (a duty officer's, a few of a role's), is a way of working: capped as a habit
    own_share = borrow_k / np.maximum(persons, 1.0)
    ev["borrowed"] = standing_reference_cap(ev["borrowed"], np.maximum(b_borrow.mu, own_share))

    # hours the operator's peer group hardly works. A batch run keeps its schedule's hours (an
    # evening run through the gateway), not the operator's: the hours and days count the
    # lookups made by hand; the run is the batch signals' (its size, its odd lookups)
    classified = odd_batch_lookups(batch)  # the runs' own lookups and those slipped in
    # rare hours from the role's peers; without enough of them (only for the weekly view, which
    # judges the operator against their own weeks) from the level's
    lv, group = choose_groups(keys, n, HABIT_LEVELS, min_peers=2)
    # only a habit keeps its schedule's hours: a run by an operator with no other run, in a
    # group where nobody else runs any, was made by hand (anomaly-2.22)
    habit = _batch_habit(f, classified, keys, group)
    by_hand = _by_hand(hourly, classified.filter(pl.col("op").is_in(habit)))
    grid = by_hand.group_by("op", "hour").agg(pl.col("n").sum(), pl.col("unauth").sum())
    hours = _by_hour(f, grid, "n")
    _, broad = choose_groups(keys, n, ("level", "all"))
    group = np.where(lv == "none", broad, group)
    rare = _rare_mask(keys, group, hours, RARE_HOUR_SHARE)
    share_signal("hours", (hours * rare).sum(axis=1), n, chain=HABIT_LEVELS)
    hours_u = _by_hour(f, grid, "unauth")
    # per habit: its lookups and those of them without authorisation
    conj: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "hours": ((hours * rare).sum(axis=1), (hours_u * rare).sum(axis=1)),
        "out_county": (out_n, f["out_u"].to_numpy().astype(float) * county_op),
        "out_focus": (focus_k, focus_u),
        "terminal": (
            term["term_k"].fill_null(0).to_numpy().astype(float),
            term["term_u"].fill_null(0).to_numpy().astype(float),
        ),
    }
    rare_hours = {op: [h for h in range(24) if rare[i, h]] for i, op in enumerate(f["op"])}

    # days most operators do not work
    daily = by_hand.group_by("op", "date").agg(pl.col("n").sum(), pl.col("unauth").sum())
    off = daily.filter(pl.col("date").is_in(list(closed_dates)))
    off_n = f.select("op").join(
        off.group_by("op").agg(pl.col("n").sum(), pl.col("unauth").sum()), on="op", how="left"
    )
    share_signal("days", off_n["n"].fill_null(0).to_numpy().astype(float), n, chain=HABIT_LEVELS)
    conj["days"] = (
        off_n["n"].fill_null(0).to_numpy().astype(float),
        off_n["unauth"].fill_null(0).to_numpy().astype(float),
    )

    # purposes the peer group (almost) never uses
    dept_level, dept_group = choose_groups(keys, n, DEPT_LEVELS)
    # a small department: its few other operators still say which purposes it never uses
    _, small_group = choose_groups(keys, n, ("dept",), min_peers=1)
    dept_group = np.where(dept_level == "none", small_group, dept_group)
    ops_list = f["op"].to_list()
    fp = _foreign_purposes(f, purposes, dept_group, membership(keys, dept_group, ops_list), keys)
    purpose_k, purpose_top, rare_purposes = fp.k, fp.top, fp.rare
    expected["purpose"] = fp.mu
    ev["purpose"] = nb_evidence(purpose_k, fp.mu, 1e4)
    # a foreign purpose that is a fifth of the operator's work is their remit, authorised like
    # the rest of it: its lookups without authorisation still count in the unauthorised part
    conj["purpose"] = (fp.k_all, fp.u_all)

    # the person looked up on the most days; the reference used most often
    item_level, item_group = choose_groups(keys, n, LEVELS)
    members = membership(keys, item_group, ops_list)
    # persons looked up again and again, other than follow-ups under one case reference and
    # the days a batch run looked them up (a list checked every ten nights is the list's)
    case = (pl.col("n_ref") == pl.col("n")) & (pl.col("ref_min") == pl.col("ref_max"))
    repeats = (
        pairs.filter(~case.fill_null(False))
        .join(run_days(classified), on=["op", "subject"], how="left")
        .select("op", pl.col("subject").alias("item"),
                (pl.col("days") - pl.col("run_days").fill_null(0)).alias("x"))
        .filter(pl.col("x") > 0)
    )  # fmt: skip
    rep_days, rep_subject, rep_chance, rep_tail = _largest_item(
        f, item_group, members, repeats, True
    )

    ev["repeat"] = np.where(rep_days >= 3, tail_evidence(rep_days, rep_chance, rep_tail), 0.0)
    role = role_groups(f, keys, n)  # repeat and reuse are also judged against the role
    ev["repeat"] = role_habit_weaker(ev["repeat"], f, role, repeats)
    # a person looked up on many days under a reference first used for someone else (a real
    # case's number reused to cover a personal interest: gen_d's stalkers), against the persons
    # the peers, or where none of theirs is, everyone looked up under another person's reference
    under = _borrowed_repeats(f, item_group, members, borrowed_pairs, pairs)
    ev_under = np.where(under.x >= 3, tail_evidence(under.x, under.chance, under.tail), 0.0)
    rep_borrowed = ev_under > ev["repeat"]
    rep_days = np.where(rep_borrowed, under.x, rep_days)
    rep_subject = [u if b else r for u, r, b in zip(under.item, rep_subject, rep_borrowed,
                                                    strict=True)]  # fmt: skip
    rep_chance = np.where(rep_borrowed, under.chance, rep_chance)
    rep_tail = np.where(rep_borrowed, under.tail, rep_tail)
    ev["repeat"] = np.maximum(ev["repeat"], ev_under)
    expected["repeat"] = rep_tail * rep_chance
    # one person looked up again and again without authorisation: a slip is once, not a habit
    fixed = pairs.filter(pl.col("unauth") > 0).select(
        "op", pl.col("subject").alias("item"), pl.col("unauth").alias("x")
    )
    fix_n, fix_subject, fix_chance, fix_tail = _largest_item(f, item_group, members, fixed, "bulk")
    ev["fixation"] = np.where(fix_n >= 3, tail_evidence(fix_n, fix_chance, fix_tail), 0.0)
    # a partner-like person (opposite sex, near in age) again and again: as rare as such persons
    # are among everyone's repeated persons (anomaly_partner, anomaly-2.20)
    if "op_id" not in ops.columns:  # a frame without the operators' ID numbers tells nothing
        ops = ops.with_columns(op_id=pl.lit(None, dtype=pl.String))
    op_ids = f.select("op").join(ops.select("op", "op_id"), on="op", how="left")["op_id"]
    like: dict[str, np.ndarray] = {}
    like_share: dict[str, float] = {}
    for name, subject, items in (
        ("repeat", rep_subject, repeats),
        ("fixation", fix_subject, fixed),
    ):
        like[name] = partner_like(op_ids, pl.Series(subject, dtype=pl.String))
        like_share[name] = partner_share(items.filter(pl.col("x") >= 3), ops)
        bonus = np.where(like[name] & (ev[name] > 0), -np.log10(like_share[name]), 0.0)
        ev[name] = ev[name] + bonus
    expected["fixation"] = fix_tail * fix_chance
    # the reasons name the peer group the persons were compared with
    size = members.group_by("grp").len()
    sizes = dict(zip(size["grp"].to_list(), size["len"].to_list(), strict=True))
    item_peers = np.array([max(sizes.get(g, 1) - 1, 0) for g in item_group], dtype=float)
    for name, tail in (("repeat", rep_tail), ("fixation", fix_tail)):
        baselines[name] = Baseline(tail, np.full(f.height, np.nan), item_level, item_peers)
    everyone = rep_borrowed & under.everyone
    baselines["repeat"] = Baseline(
        rep_tail, np.full(f.height, np.nan), np.where(everyone, "all", item_level),
        np.where(everyone, float(f.height - 1), item_peers),
    )  # fmt: skip
    # a family looked up: persons of one residence and surname within a few days, without
    # authorisation, against the peers' families (anomaly_family)
    # a village served (the neighbours' remit: kin and neighbours a tenth of the operator's
    # persons or more) is the operator's work
    serves = f.filter(pl.Series(remits["neighbours"]))["op"]
    families = family_items(pairs, serves.to_list())
    fam_x, fam_item, fam_chance, fam_tail = _largest_item(
        f, item_group, members, families.select("op", "item", "x"), "bulk"
    )
    ev["family"] = np.where(fam_x >= FAMILY_MIN, tail_evidence(fam_x, fam_chance, fam_tail), 0.0)
    expected["family"] = fam_tail * fam_chance
    baselines["family"] = Baseline(fam_tail, np.full(f.height, np.nan), item_level, item_peers)
    ref_n, ref_item, ref_chance, ref_tail = _largest_item(
        f, item_group, members, refs.group_by("op", "ref").agg(pl.col("n").sum())
        .select("op", pl.col("ref").alias("item"), pl.col("n").alias("x")),
    )  # fmt: skip
    ev["batch"] = np.where(ref_n >= 20, tail_evidence(ref_n, ref_chance, ref_tail), 0.0)
    expected["batch"] = ref_tail * ref_chance
    # one reference reused for many persons on many days (a broker's numbers): neither a batch
    # (one sitting) nor a case (one person)
    reuse = refs.group_by("op", "ref").agg(pl.col("persons").sum(), pl.col("days").sum())
    reuse = reuse.select("op", pl.col("ref").alias("item"),
                         pl.min_horizontal("persons", "days").alias("x"))  # fmt: skip
    # judged against the peers' references (the repeat signal's group): where a case's reference
    # covers one case, a reference carried over weeks and many persons stands out
    reuse_x, reuse_ref, reuse_chance, reuse_tail = _largest_item(
        f, item_group, members, reuse, True
    )
    ev["reuse"] = np.where(reuse_x >= 3, tail_evidence(reuse_x, reuse_chance, reuse_tail), 0.0)
    ev["reuse"] = role_habit_weaker(ev["reuse"], f, role, reuse)
    expected["reuse"] = reuse_tail * reuse_chance
    baselines["reuse"] = Baseline(reuse_tail, np.full(f.height, np.nan), item_level, item_peers)
    # unregistered ID numbers stepping through the sequence digits (anomaly_enumeration)
    enum = enumeration_evidence(f, enumeration_groups(pairs))
    ev["enumeration"] = enum["enum_ev"].to_numpy()
    expected["enumeration"] = enum["enum_exp"].to_numpy()

    # an account resuming after a long silence, unlike before; persons slipped into batch runs;
    # persons in the news
    ev["dormant"], dorm = dormant_evidence(
        f, keys, hourly, pairs, purposes, terminals, closed_dates
    )
    expected["dormant"] = dorm["aspect_exp"].to_numpy()
    # an account used now and then while its owner is away: no ordinary day, unauthorised lookups
    # judged against the peers' unauthorised share on their own light days where that is higher
    # than their share overall: a quiet spell of the remit may be worked without references
    working_days = ordinary_days(hourly, closed_dates)
    light = light_day_lookups(f, working_days)
    b_light = peer_baseline(keys, light["light_u"].to_numpy(), light["light_n"].to_numpy(), size=n)
    by_light = np.nan_to_num(b_light.mu, nan=-1.0) > np.nan_to_num(b_u.mu, nan=-1.0)
    peer_share = np.where(by_light, b_light.mu, b_u.mu)
    trick = trickle_evidence(f, working_days, peer_share)
    ev["trickle"] = np.where(machine, 0.0, trick["trickle_ev"].to_numpy())
    t_share = trick["t_share"].fill_null(np.nan).to_numpy()
    expected["trickle"] = np.nan_to_num(trick["t_n"].fill_null(0).to_numpy() * t_share)
    by_peers = trick["t_peers"].fill_null(False).to_numpy()
    t_level = np.where(by_light, b_light.level, b_u.level)
    t_peers = np.where(by_light, b_light.peers, b_u.peers)
    baselines["trickle"] = Baseline(t_share, np.full(f.height, np.nan),
                                    np.where(by_peers, t_level, "own"),
                                    np.where(by_peers, t_peers, 0))  # fmt: skip
    # someone else's desk for a stretch: a terminal of no other day, the usual ones resting
    desk_ev, desk = desk_evidence(f, term_days)
    ev["desk"] = np.where(machine, 0.0, np.minimum(desk_ev, DESK_CAP))
    d_other = desk["d_other"].fill_null(0.0).to_numpy()
    expected["desk"] = desk["d_days"].fill_null(0.0).to_numpy() / (d_other + 2.0)
    baselines["desk"] = Baseline(1.0 / (d_other + 2.0), np.full(f.height, np.nan),
                                 np.full(f.height, "own"), np.zeros(f.height))  # fmt: skip
    pig_ev, expected["piggyback"], pig = piggyback_evidence(f, keys, classified)
    ev["piggyback"] = np.minimum(pig_ev, PIGGYBACK_CAP)
    ev["crowd"], expected["crowd"], crowd = crowd_evidence(f, *crowd_pairs(pairs, f))
    # an unbroken run of hours without any authorised lookup (anomaly_streak)
    ev["streak"], streak = streak_evidence(f, by_hand)
    expected["streak"] = (
        streak["streak_hours"].fill_null(0) * streak["streak_p"] ** streak["streak"]
    ).to_numpy()
    f = f.with_columns(
        **{c: dorm[c] for c in ("gap", "pause", "resume", "pre_days", "pre_span", "post_days",
                                "post_span", "post_n", "aspect", "aspect_k")},
        **{c: pig[c] for c in ("pig_k", "pig_n", "pig_runs", "pig_ref", "pig_aspect")},
        **{c: crowd[c] for c in ("crowd_k", "crowd_u", "crowd_ops", "crowd_ref", "crowd_day")},
        **{c: streak[c] for c in ("streak", "streak_n", "streak_hours", "streak_p", "streak_peer")},
        **{c: trick[c] for c in ("usual", "ordinary", "t_start", "t_days", "t_active", "t_n",
                                 "t_u", "t_share", "t_peers")},
        t_light=pl.Series(by_peers & by_light),
        **{c: desk[c] for c in ("d_terminal", "d_first", "d_last", "d_days", "d_other", "d_n")},
    )  # fmt: skip
    f = f.with_columns(
        hours_k=pl.Series((hours * rare).sum(axis=1)),
        off_n=off_n["n"].fill_null(0),
        purpose_k=pl.Series(purpose_k),
        purpose_top=pl.Series(purpose_top, dtype=pl.String),
        rep_days=pl.Series(rep_days),
        rep_subject=pl.Series(rep_subject, dtype=pl.String),
        rep_tail=pl.Series(rep_tail),
        rep_borrowed=pl.Series(rep_borrowed),
        fix_n=pl.Series(fix_n),
        fix_subject=pl.Series(fix_subject, dtype=pl.String),
        fix_tail=pl.Series(fix_tail),
        rep_like=pl.Series(like["repeat"]),
        fix_like=pl.Series(like["fixation"]),
        rep_like_share=pl.lit(like_share["repeat"]),
        fix_like_share=pl.lit(like_share["fixation"]),
        ref_tail=pl.Series(ref_tail),
        ref_n=pl.Series(ref_n),
        term_k=term["term_k"].fill_null(0),
        borrow_k=pl.Series(borrow_k),
        reuse_x=pl.Series(reuse_x),
        reuse_ref=pl.Series(reuse_ref, dtype=pl.String),
        reuse_tail=pl.Series(reuse_tail),
        enum_x=enum["enum_x"],
        enum_prefix=enum["enum_prefix"],
        enum_tail=enum["enum_tail"],
        ref=pl.Series(ref_item, dtype=pl.String),
        peer_group=pl.Series(item_group.astype(str)),
        focus_k=pl.Series(focus_k),
        focus_county=pl.Series(focus_county, dtype=pl.String),
        fam_x=pl.Series(fam_x),
        fam_item=pl.Series(fam_item, dtype=pl.String),
        fam_tail=pl.Series(fam_tail),
        hours_rare=pl.Series([rare_hours[op] for op in f["op"]], dtype=pl.List(pl.Int64)),
    )
    # a share of *how* an operator works (hours, days, references, other counties, unknown IDs)
    # far from the peers' is as often a remit of their own as misuse; *whom* they look up
    # (kin, colleagues, the watch list, one person again and again) rarely has an innocent
    # explanation. Habit evidence is capped so that it never outranks the persons.
    for name in HABIT_SIGNALS:
        ev[name] = np.minimum(ev[name], HABIT_CAP)
    for name in SUPPORTING_HABITS:  # they support other evidence, never raise an alert alone
        ev[name] = np.minimum(ev[name], SUPPORTING_CAP)
    # a habit's lookups without authorisation, against the operator's own unauthorised share of
    # their other lookups: a remit's night, weekend or out-of-county work is authorised like the
    # rest of it; misuse is not. Two anomalies in the same lookups are no habit: not capped
    unauthorised: dict[str, UnauthorisedPart] = {}
    for name, (kx, ku) in conj.items():
        rest = _own_rate(unauth - ku, n - kx, b_u.mu)
        exp_u = kx * rest
        e_c = np.clip(nb_evidence(ku, exp_u, 1e4) - np.log10(2.0), 0.0, None)
        unauthorised[name] = UnauthorisedPart(kx, ku, exp_u, rest, e_c > ev[name], e_c)
        ev[name] = np.maximum(ev[name], e_c)
    # where the unauthorised part leads, the purpose named is the one its lookups are under
    led = pl.Series(unauthorised["purpose"].led)
    f = f.with_columns(purpose_top=pl.when(led).then(pl.Series(fp.top_all, dtype=pl.String))
                       .otherwise(pl.col("purpose_top")))  # fmt: skip
    flagged = _flagged_spans(pairs, hourly, purposes, refs, f, rare_hours, closed_dates, foreign,
                             by_hand)  # fmt: skip
    flagged["borrowed"] = borrowed.select("op", "first", "last", "n")
    flagged["piggyback"] = pig.filter(pl.col("n").is_not_null()).select("op", "first", "last", "n")
    flagged["crowd"] = crowd.filter(pl.col("n").is_not_null()).select("op", "first", "last", "n")
    flagged["streak"] = streak.filter(pl.col("streak") > 0).select("op", "first", "last", "n")
    flagged["family"] = families.join(f.select("op", item="fam_item"), on=["op", "item"]).select(
        "op", "first", "last", "n"
    )
    flagged["desk"] = desk.filter(pl.col("desk_ev") > 0).select(
        "op", pl.col("d_first").cast(pl.Datetime("us")).alias("first"),
        pl.col("d_last").cast(pl.Datetime("us")).alias("last"), pl.col("d_n").alias("n"),
    )  # fmt: skip
    flagged["rapid"] = rapid.select("op", "first", "last", pl.col("rapid_n").alias("n"))
    flagged["trickle"] = trick.filter(pl.col("trickle_ev") > 0).select(
        "op", pl.col("t_first").cast(pl.Datetime("us")).alias("first"),
        pl.col("t_last").cast(pl.Datetime("us")).alias("last"), pl.col("t_n").alias("n"),
    )  # fmt: skip
    resumed = f.filter(pl.col("resume").is_not_null()).select("op", "resume")
    flagged["dormant"] = (
        hourly.join(resumed, on="op").filter(pl.col("date") >= pl.col("resume"))
        .group_by("op").agg(pl.col("date").min().cast(pl.Datetime("us")).alias("first"),
                            pl.col("date").max().cast(pl.Datetime("us")).alias("last"),
                            pl.col("n").sum())
    )  # fmt: skip
    # whom a gateway looks up is chosen by the public it serves (their own records, a bank's
    # customers), not by the account's holder: no relationship of the person to the holder
    for name in MACHINES_CHOOSE_NOBODY:
        ev[name] = np.where(machine, 0.0, ev[name])
    for b in (*baselines.values(), *shares.values()):  # the reasons name the gateways' peers
        b.level = np.where(machine & (b.level != "none"), "machines", b.level)
    return RangeEvidence(f, ev, expected, baselines, flagged, rare_purposes, shares, unauthorised)


REGISTER_MIN = 1000  # registered persons it takes for the register's watch-list share to count


def _register_floor(
    b: Baseline,
    register: tuple[int, int],
    k: np.ndarray,
    persons: np.ndarray,
    batch_persons: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """(expected, evidence) of watch-list persons where the persons of the operator's batch runs
    are expected on the watch list at least at the register's share: a batch check of a whole
    roster draws persons as the register holds them, which the peers' few applicants each never
    show (the busiest clerk of a role is not raised for the size of their batches). Persons
    looked up by hand keep the peers' share (a thin snooper among them is still raised). The
    baseline says where the register's share raised the expectation (level "register", its
    persons as the peers, mu the resulting share)."""
    registered, listed = register
    if registered < REGISTER_MIN:
        return b.mu * persons, nb_evidence(k, b.mu * persons, b.kappa)
    share = listed / registered
    in_batches = np.minimum(batch_persons, persons)
    extra = np.maximum(share - b.mu, 0.0) * in_batches  # no peers (nan): still no evidence
    raised = extra > 0
    expected = b.mu * persons + np.where(raised, extra, 0.0)
    b.mu = np.where(raised, expected / np.maximum(persons, 1.0), b.mu)
    b.level = np.where(raised, "register", b.level)
    b.peers = np.where(raised, registered, b.peers)
    return expected, nb_evidence(k, expected, b.kappa)


FOREIGN_SHARE = 0.1


def foreign_terminals(terminals: pl.DataFrame, depts: pl.DataFrame | None = None) -> pl.DataFrame:
    """op, terminal, n, unauth, first, last for terminals foreign to the operator: used for under
    a tenth of the operator's lookups, and either the operator makes under a tenth of the
    terminal's (someone else's desk: borrowed or stolen credentials; a hall terminal shared by a
    team is none) or most of its other lookups are made by operators of other departments
    (depts: op, dept; another department's desk, however rarely it is used)."""
    t = (
        terminals.filter(pl.col("terminal") != "")
        .group_by("op", "terminal")
        .agg(
            pl.col("n").sum(), pl.col("unauth").sum(), pl.col("first").min(), pl.col("last").max()
        )  # fmt: skip
    )
    t = t.with_columns(
        own=pl.col("n") / pl.col("n").sum().over("op"),
        theirs=pl.col("n") / pl.col("n").sum().over("terminal"),
    )
    elsewhere = pl.col("theirs") < FOREIGN_SHARE
    if depts is not None:
        t = t.join(depts.select("op", "dept"), on="op", how="left")
        # lookups of the terminal by each department, and by the operator's own department
        per_dept = t.group_by("terminal", "dept").agg(pl.col("n").sum().alias("dept_n"))
        t = t.join(per_dept, on=["terminal", "dept"], how="left").with_columns(
            others=pl.col("n").sum().over("terminal") - pl.col("n"),
            own_dept_others=pl.col("dept_n") - pl.col("n"),
        )
        other_dept = (pl.col("others") > 0) & (pl.col("own_dept_others") < 0.5 * pl.col("others"))
        elsewhere = elsewhere | (other_dept & pl.col("dept").is_not_null())
    return t.filter((pl.col("own") < FOREIGN_SHARE) & elsewhere).select(
        "op", "terminal", "n", "unauth", "first", "last"
    )


def _out_focus(pairs: pl.DataFrame, f: pl.DataFrame):
    """The other county a county operator looks up most, against where the out-of-county
    lookups of the other operators of the same county go (a hometown, the in-laws)."""
    out = (
        pairs.filter(pl.col("out"))
        .group_by("op", "op_county", "s_county")
        .agg(pl.col("n").sum(), pl.col("unauth").sum())
    )
    county = out.group_by("op_county", "s_county").agg(pl.col("n").sum().alias("c_n"))
    county_tot = out.group_by("op_county").agg(pl.col("n").sum().alias("c_tot"))
    own_tot = out.group_by("op").agg(pl.col("n").sum().alias("o_tot"))
    x = (
        out.join(county, on=["op_county", "s_county"])
        .join(county_tot, on="op_county")
        .join(own_tot, on="op")
        .with_columns(
            p=(pl.col("c_n") - pl.col("n") + 1.0) / (pl.col("c_tot") - pl.col("o_tot") + 9.0)
        )
        .with_columns(mu=pl.col("p") * pl.col("o_tot"))
        .with_columns(z=(pl.col("n") - pl.col("mu")) / (pl.col("mu") + 1.0).sqrt())
        .sort(["op", "z", "s_county"], descending=[False, True, False])
        .group_by("op", maintain_order=True)
        .first()
    )
    j = f.select("op").join(x, on="op", how="left")
    return (j["n"].fill_null(0).to_numpy().astype(float), j["mu"].fill_null(0).to_numpy(),
            j["s_county"].to_list(), j["unauth"].fill_null(0).to_numpy().astype(float))  # fmt: skip


def _covered_county(pairs: pl.DataFrame, f: pl.DataFrame, focus_county: list, focus_k: np.ndarray,
                    n: np.ndarray) -> np.ndarray:  # fmt: skip
    """Per operator of f: whether the other county they look up most (focus_county, focus_k
    lookups) is part of their work: at least OWN_WORK_SHARE of their lookups, and persons of it
    first looked up in at least OWN_WORK_DAYS of the weeks the operator first looked anyone up.
    A hometown's dozen lookups over a fortnight is neither."""
    week = pl.col("first").dt.truncate("1w")
    weeks = pairs.group_by("op").agg(week.n_unique().alias("weeks"))
    focus = pl.DataFrame({"op": f["op"], "s_county": pl.Series(focus_county, dtype=pl.String)})
    in_focus = (
        pairs.join(focus, on=["op", "s_county"]).group_by("op").agg(week.n_unique().alias("fw"))
    )
    j = f.select("op").join(weeks, on="op", how="left").join(in_focus, on="op", how="left")
    all_weeks = j["weeks"].fill_null(0).to_numpy().astype(float)
    focus_weeks = j["fw"].fill_null(0).to_numpy().astype(float)
    return (focus_k >= OWN_WORK_SHARE * np.maximum(n, 1.0)) & (
        focus_weeks >= OWN_WORK_DAYS * np.maximum(all_weeks, 1.0)
    )


OWN_RATE_PRIOR = 50.0  # lookups of weight given to the peers' share in an operator's own rate


def _own_rate(k: np.ndarray, n: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """The operator's own share k / n, pulled towards the peers' share mu with little history."""
    return (k + OWN_RATE_PRIOR * mu) / np.maximum(n + OWN_RATE_PRIOR, 1.0)


def _most_of_the_role(yes, others):
    """At least two and at least half of the role's other operators (arrays or polars exprs)."""
    return (yes >= ROLE_MIN) & (yes >= ROLE_MAJORITY * others)


def _role_shares(role: np.ndarray, k: np.ndarray, basis: np.ndarray) -> np.ndarray:
    """Per operator: do at least two and at least half of the other operators of their role
    and level (in any department, MIN_LOOKUPS or more) have k above REMIT_SHARE of basis?"""
    big = basis >= MIN_LOOKUPS
    high = big & (k > REMIT_SHARE * basis)
    _, at = np.unique(role, return_inverse=True)
    others = np.bincount(at, weights=big)[at] - big
    highs = np.bincount(at, weights=high)[at] - high
    return _most_of_the_role(highs, others)


def _role_purposes(f: pl.DataFrame, per: pl.DataFrame, keys: dict) -> pl.DataFrame:
    """op, purpose: purposes that at least two and at least half of the operators of the op's
    role and level in other departments (of MIN_LOOKUPS or more) use for ROLE_USE_SHARE or more
    of their lookups (per: op, purpose, n): the role's work, wherever the role sits."""
    ops = pl.DataFrame({"op": f["op"], "role": keys["role_level"], "dept": keys["dept"],
                        "n": f["n"]}).filter(pl.col("n") >= MIN_LOOKUPS)  # fmt: skip
    uses = (
        per.join(ops, on="op")
        .filter(pl.col("n") >= ROLE_USE_SHARE * pl.col("n_right"))
        .group_by("role", "dept", "purpose")
        .agg(pl.len().alias("users"))
    )
    staff = ops.group_by("role", "dept").agg(pl.len().alias("staff"))
    role_users = uses.group_by("role", "purpose").agg(pl.col("users").sum().alias("r_users"))
    role_staff = staff.group_by("role").agg(pl.col("staff").sum().alias("r_staff"))
    target = pl.DataFrame({"op": f["op"], "role": keys["role_level"], "dept": keys["dept"]})
    return (
        target.join(role_users, on="role")
        .join(role_staff, on="role")
        .join(uses, on=["role", "dept", "purpose"], how="left")
        .join(staff, on=["role", "dept"], how="left")
        .with_columns(
            others=pl.col("r_users") - pl.col("users").fill_null(0),
            other_staff=pl.col("r_staff") - pl.col("staff").fill_null(0),
        )
        .filter(_most_of_the_role(pl.col("others"), pl.col("other_staff")))
        .select("op", "purpose")
    )


ROLE_PEERS_FOR_PURPOSE = 2  # other operators of the role in the department it takes to judge
ROLE_PURPOSE_USE = 2  # lookups under a purpose that make it one a role peer uses


def _purpose_pool(members: pl.DataFrame, per: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per group (members: grp, member) and purpose, its members' lookups under it (pool_n) and
    how many members looked anyone up under it ROLE_PURPOSE_USE times (users); per group, all
    its members' lookups (pool_total). per: op, purpose, n."""
    by_purpose = (
        members.join(per.rename({"op": "member"}), on="member")
        .group_by("grp", "purpose")
        .agg(pl.col("n").sum().alias("pool_n"),
             (pl.col("n") >= ROLE_PURPOSE_USE).sum().alias("users"))
    )  # fmt: skip
    return by_purpose, by_purpose.group_by("grp").agg(pl.col("pool_n").sum().alias("pool_total"))


def _role_share(
    f: pl.DataFrame, per: pl.DataFrame, own_total: pl.DataFrame, keys: dict
) -> pl.DataFrame:
    """op, purpose, role_share: where the operator's role in their department (either level)
    has ROLE_PEERS_FOR_PURPOSE other operators of MIN_LOOKUPS or more and none of them looked
    anyone up under the purpose ROLE_PURPOSE_USE times, the share of the purpose among their
    lookups (another role's remit, HR's reviews, does not make it the department's; a busy peer's
    few lookups under it, a small share of thousands, do make it the role's)."""
    _, group = choose_groups(keys, f["n"].to_numpy(), ("dept_role",),
                             min_peers=ROLE_PEERS_FOR_PURPOSE)  # fmt: skip
    eligible = f.filter(pl.col("n") >= MIN_LOOKUPS).select(member="op")
    members = membership(keys, group, f["op"].to_list()).join(eligible, on="member")
    pool_n, pool_total = _purpose_pool(members, per)
    target = pl.DataFrame({"op": f["op"], "grp": pl.Series(list(group), dtype=pl.String)})
    target = target.filter(pl.col("grp") != "")
    # the operator is in their role's pool only with MIN_LOOKUPS or more
    mine = pl.col("op").is_in(eligible["member"].implode()).cast(pl.Int64)
    return (
        per.join(target, on="op")
        .join(own_total, on="op")
        .join(pool_n, on=["grp", "purpose"], how="left")
        .join(pool_total, on="grp")
        .filter(
            pl.col("users").fill_null(0) - (pl.col("n") >= ROLE_PURPOSE_USE).cast(pl.Int64) * mine
            == 0
        )
        .select(
            "op", "purpose",
            role_share=(pl.col("pool_n").fill_null(0) - pl.col("n") * mine)
            / (pl.col("pool_total") - pl.col("o_total") * mine).clip(lower_bound=1),
        )
    )  # fmt: skip


def _foreign_purposes(f: pl.DataFrame, purposes: pl.DataFrame, group, members: pl.DataFrame,
                      keys: dict | None = None):  # fmt: skip
    """Lookups under purposes that the operator's peer group (without them) hardly uses and
    that are no real part of the operator's own work (under OWN_WORK_SHARE of it, or on under
    OWN_WORK_DAYS of their working days) nor (given the peer keys) of their role's in other
    departments (_role_purposes) where their role's peers in the department do not say
    otherwise (_role_share)."""
    per = purposes.group_by("op", "purpose").agg(
        pl.col("n").sum(), pl.col("unauth").sum(), pl.col("date").n_unique().alias("p_days")
    )
    own_total = (
        per.group_by("op")
        .agg(pl.col("n").sum().alias("o_total"))
        .join(purposes.group_by("op").agg(pl.col("date").n_unique().alias("o_days")), on="op")
    )
    pool_n, pool_total = _purpose_pool(members, per)
    target = pl.DataFrame({"op": f["op"], "grp": pl.Series(list(group), dtype=pl.String)})
    p = (
        per.join(target, on="op")
        .join(own_total, on="op")
        .join(pool_n.drop("users"), on=["grp", "purpose"], how="left")
        .join(pool_total, on="grp")
        .with_columns(
            share=(pl.col("pool_n").fill_null(0) - pl.col("n"))
            / (pl.col("pool_total") - pl.col("o_total")).clip(lower_bound=1)
        )
    )
    if keys is not None:  # the operator's own role may say more than the department
        p = p.join(_role_share(f, per, own_total, keys), on=["op", "purpose"], how="left")
        p = p.with_columns(share=pl.min_horizontal("share", pl.col("role_share").fill_null(1.0)))
    foreign = p.filter(pl.col("share") < RARE_PURPOSE_SHARE)
    if keys is not None:
        # the role's work elsewhere speaks only where the role's peers in the department cannot
        # (role_share: they are two or more and never use it): an officer of housing whose
        # fourteen fellow officers never use policy support is not excused by the officers of
        # the departments whose remit it is (anomaly-2.22)
        role_work = _role_purposes(f, per, keys).with_columns(role_work=pl.lit(True))
        foreign = (
            foreign.join(role_work, on=["op", "purpose"], how="left")
            .filter(pl.col("role_work").is_null() | pl.col("role_share").is_not_null())
            .drop("role_work")
        )
    rare = foreign.filter(
        (pl.col("n") < OWN_WORK_SHARE * pl.col("o_total"))
        | (pl.col("p_days") < OWN_WORK_DAYS * pl.col("o_days"))
    )

    def per_op(frame: pl.DataFrame) -> pl.DataFrame:
        hits = frame.group_by("op").agg(
            pl.col("n").sum().alias("k"),
            pl.col("unauth").sum().alias("k_u"),
            pl.col("share").sum().alias("mu_share"),
            pl.col("purpose").sort_by("n", descending=True).first().alias("top"),
        )
        return f.select("op", "n").join(hits, on="op", how="left")

    def count(frame: pl.DataFrame, c: str) -> np.ndarray:
        return frame[c].fill_null(0).to_numpy().astype(float)

    j, a = per_op(rare), per_op(foreign)
    mu = j["n"].to_numpy() * np.maximum(j["mu_share"].fill_null(0).to_numpy(), PURPOSE_FLOOR)
    return ForeignPurposes(
        count(j, "k"), count(j, "k_u"), count(a, "k"), count(a, "k_u"), mu, j["top"].to_list(),
        a["top"].to_list(), rare.select("op", "purpose"),
    )  # fmt: skip


ROUND_THE_CLOCK_HOURS = 20  # hours of the day an account is used at
ROUND_THE_CLOCK_DAYS = 0.9  # share of the range's days it is used on
ROUND_THE_CLOCK_MIN_DAYS = 7  # and on a week's days at least (a day's 24-hour shift is a person's)
MACHINES = "(round the clock)"
MACHINES_CHOOSE_NOBODY = ("kin", "neighbours", "colleagues", "repeat", "fixation", "crowd",
                          "family")  # fmt: skip


def _batch_habit(f: pl.DataFrame, classified: pl.DataFrame, keys: dict[str, np.ndarray],
                 group: np.ndarray) -> list[str]:  # fmt: skip
    """The operators (rows of f, whose habit group is `group`, choose_groups) whose batch runs
    (classified: anomaly_batch.odd_batch_lookups) are a habit: they ran under at least
    HABIT_RUNS references, or someone else in their group ran one. An evening run through a
    department's gateway is its schedule; one night's run of five hundred persons by an officer
    who, like their peers, never looks up more than five under one reference is not."""
    runs = classified.filter(pl.col("run")).group_by("op").agg(pl.col("ref").n_unique())
    j = f.select("op").join(runs, on="op", how="left")
    refs = j["ref"].fill_null(0).to_numpy()
    ops = j["op"].to_numpy()
    habit = refs >= HABIT_RUNS
    for rows in group_members(keys, group).values():
        runners = rows[refs[rows] > 0]
        # someone else in the group runs batches: every runner's runs are the group's habit
        if len(runners) >= 2:
            habit[runners] = True
    return [str(op) for op in ops[habit]]


def _by_hand(hourly: pl.DataFrame, classified: pl.DataFrame) -> pl.DataFrame:
    """hourly (op, date, hour, n, unauth) less the lookups of batch runs (anomaly_batch.run_hours
    of the batch lookups as anomaly_batch.odd_batch_lookups classifies them).
    A run's lookups carry its reference; the hour's unauthorised lookups are kept, up to the
    lookups left (the run's purposes are not read here)."""
    runs = run_hours(classified)
    if runs.is_empty():
        return hourly
    runs = runs.with_columns(pl.col("date").cast(hourly.schema["date"]))
    return (
        hourly.join(runs, on=["op", "date", "hour"], how="left")
        .with_columns(n=pl.col("n") - pl.col("run_n").fill_null(0))
        .with_columns(unauth=pl.min_horizontal("unauth", "n"))
        .filter(pl.col("n") > 0)
        .drop("run_n")
    )


def _machines_apart(f: pl.DataFrame, hourly: pl.DataFrame) -> pl.DataFrame:
    """f with the department and role of every account used at nearly every hour of nearly
    every day set to MACHINES: a bank's or an app's gateway, a system interface, whatever its
    role is called. Such accounts are one another's peers, never a department's staff's (people
    do not work so, and a gateway's volume would make the department's shares its own)."""
    days = max(hourly["date"].n_unique(), 1)
    use = hourly.group_by("op").agg(
        pl.col("hour").n_unique().alias("hours"), pl.col("date").n_unique().alias("days")
    )
    machine = (pl.col("hours") >= ROUND_THE_CLOCK_HOURS) & (
        pl.col("days") >= max(ROUND_THE_CLOCK_DAYS * days, ROUND_THE_CLOCK_MIN_DAYS)
    )
    j = f.select("op").join(use.select("op", machine=machine), on="op", how="left")
    is_machine = j["machine"].fill_null(False)
    return f.with_columns(
        dept=pl.when(is_machine).then(pl.lit(MACHINES)).otherwise("dept"),
        role=pl.when(is_machine).then(pl.lit(MACHINES)).otherwise("role"),
    )


def standing_reference_cap(evidence: np.ndarray, peer_share: np.ndarray) -> np.ndarray:
    """The borrowed evidence, capped as a habit's (HABIT_CAP) where the peers carry references
    from person to person for STANDING_SHARE of their persons or more: a standing inspection or
    duty reference is how that remit works, and carrying it further than they do is a habit of
    the operator's; elsewhere another person's authorisation is not capped."""
    return np.where(peer_share >= STANDING_SHARE, np.minimum(evidence, HABIT_CAP), evidence)


def _borrowed_outside_reviews(
    borrowed: pl.DataFrame | None, pairs: pl.DataFrame, f: pl.DataFrame
) -> pl.DataFrame:
    """op, subject, ref, at: the borrowed persons (anomaly_source.borrowed_persons), but for an
    operator whose work is their colleagues (a tenth of their persons or more: HR's staff review,
    whatever the role is called) the colleagues looked up under one reference over days are the
    review."""
    if borrowed is None or borrowed.is_empty():
        return pl.DataFrame(schema={"op": pl.String, "subject": pl.String, "ref": pl.String,
                                    "at": pl.Datetime("us")})  # fmt: skip
    reviewers = f.filter(
        pl.col("col_s") + pl.col("review_s") >= REMIT_SHARE * pl.col("persons")
    ).select("op")
    staff = pairs.filter(pl.col("col") | pl.col("col_review")).select("op", "subject").unique()
    staff = staff.join(reviewers, on="op")
    return borrowed.join(staff, on=["op", "subject"], how="anti")


def borrowed_relations(pairs: pl.DataFrame, borrowed: pl.DataFrame, f: pl.DataFrame) -> dict:
    """Per relationship column of pairs (kin, nb, col, sens): per row of f, the persons of that
    relationship looked up under a borrowed reference (borrowed: op, subject, ...) and never
    without authorisation (those count already); and "persons", the operator's borrowed
    persons. Someone else's authorisation is none of one's own."""
    columns = list(RELATIONS.values())
    lent = borrowed.select("op", "subject").unique()
    only = (
        pairs.filter(pl.col("unauth") == 0)
        .join(lent, on=["op", "subject"], how="semi")
        .group_by("op")
        .agg(*[pl.col(c).sum() for c in columns])
    )
    persons = lent.group_by("op").len()
    j = f.select("op").join(only, on="op", how="left").join(persons, on="op", how="left")
    out = {c: j[c].fill_null(0).to_numpy().astype(float) for c in columns}
    out["persons"] = j["len"].fill_null(0).to_numpy().astype(float)
    return out


def borrowed_per_operator(borrowed: pl.DataFrame) -> pl.DataFrame:
    """op, n, first, last: borrowed persons (op, subject, ref, at) counted per operator."""
    return borrowed.group_by("op").agg(
        pl.len().alias("n"), pl.col("at").min().alias("first"), pl.col("at").max().alias("last")
    )


def role_groups(f: pl.DataFrame, keys: dict, n: np.ndarray) -> tuple[np.ndarray, pl.DataFrame]:
    """(group per row, members) of the operator's role and level in every department, where
    their department has too few of the role to be a group and the role has enough ("" else)."""
    level, group = choose_groups(keys, n, ("dept_role_level", "role_level"))
    group = np.where(level == "role_level", group, "")
    return group, membership(keys, group, f["op"].to_list())


def role_habit_weaker(
    ev: np.ndarray, f: pl.DataFrame, role: tuple[np.ndarray, pl.DataFrame], items: pl.DataFrame
) -> np.ndarray:
    """The evidence of an operator's largest item (items: op, item, x) as the weaker of ev
    (against the department's peers) and the same judged against the operator's role in every
    department (role: role_groups), where it has one (personnel clerks of every department look
    the same colleagues up on many days of an appointment, under one reference: a habit of the
    role is no sign)."""
    group, members = role
    x, _, chance, tail = _largest_item(f, group, members, items, True)
    return np.where(group != "", np.minimum(ev, tail_evidence(x, chance, tail)), ev)


@dataclass
class BorrowedRepeats:
    """Per operator: the person looked up on the most days under one reference the operator had
    used for someone else first (x days, item), the chances (such persons) and the share of the
    peers' such persons looked up on as many days (tail; everyone's where the peer group has
    none: everyone)."""

    x: np.ndarray
    item: list
    chance: np.ndarray
    tail: np.ndarray
    everyone: np.ndarray


def _borrowed_repeats(f: pl.DataFrame, item_group: np.ndarray, members: pl.DataFrame,
                      borrowed: pl.DataFrame, pairs: pl.DataFrame) -> BorrowedRepeats:  # fmt: skip
    """Persons looked up under a reference borrowed from another person (anomaly_source.
    borrowed_persons, reviews left out) and under no other reference, with the days they were
    looked up on, judged as _largest_item judges the repeated persons: in most groups nobody
    looks a borrowed person up on a second day (a family member under the case's number is
    looked up once), so the whole log is the fallback."""
    one = (pl.col("ref_min") == pl.col("ref_max")) & (pl.col("ref_min") == pl.col("ref"))
    items = (
        borrowed.join(pairs.select("op", "subject", "days", "ref_min", "ref_max"),
                      on=["op", "subject"])
        .filter(one.fill_null(False))
        .select("op", item=pl.col("subject"), x=pl.col("days"))
    )  # fmt: skip
    x, item, chance, tail = _largest_item(f, item_group, members, items, True)
    fallback = tail >= 1.0
    return BorrowedRepeats(x, item, chance, np.where(fallback, everyone_tail(f, items), tail),
                           fallback)  # fmt: skip


def everyone_tail(f: pl.DataFrame, items: pl.DataFrame) -> np.ndarray:
    """_largest_item's tail (counted or geometric) of every operator of f against every other
    operator's items (op, item, x) at once: one group of everyone, leaving the operator's own
    items out by subtraction, not by joining each operator to every item (on the city the join
    of 2,700 operators to everyone's items held ten gigabytes)."""
    xs = np.sort(items["x"].to_numpy().astype(float))
    own = f.select("op").join(
        items.group_by("op").agg(
            pl.col("x").max().alias("top"),
            pl.len().alias("k"),
            (pl.col("x") == pl.col("x").max()).sum().alias("at_top"),
            (pl.col("x") >= 2).sum().alias("two"),
            pl.col("x").filter(pl.col("x") >= 2).sum().alias("sum2"),
        ),
        on="op",
        how="left",
    )
    top = own["top"].fill_null(0).to_numpy().astype(float)
    k = own["k"].fill_null(0).to_numpy().astype(float)
    peer_items = len(xs) - k
    at_top = own["at_top"].fill_null(0).to_numpy().astype(float)
    reach = (len(xs) - np.searchsorted(xs, top, side="left")) - at_top
    big = xs[xs >= 2]
    two = len(big) - own["two"].fill_null(0).to_numpy().astype(float)
    sum2 = float(big.sum()) - own["sum2"].fill_null(0).to_numpy().astype(float)
    mean2 = np.where(two > 0, sum2 / np.maximum(two, 1.0), 2.0)
    q = np.clip((mean2 - 2.0 + 0.5) / (mean2 - 1.0 + 0.5), 0.0, 0.999)
    geometric = (two + 0.5) / (peer_items + 1.0) * q ** np.maximum(top - 2.0, 0.0)
    tail = np.maximum(reach / np.maximum(peer_items, 1.0), geometric)
    return np.where((peer_items > 0) & (top > 0), tail, 1.0)


BULK_PRIOR = 2.0  # items of weight given to every operator's decay in the peers' bulk


def _largest_item(f: pl.DataFrame, group, members: pl.DataFrame, items: pl.DataFrame,
                  tail_kind: bool | str = False):  # fmt: skip
    """The operator's largest item (x) and the share of their peer group's items (without their
    own) that reach it: counted (False), counted or geometric beyond the peers' largest (True),
    or the geometric decay of the peers' bulk alone ("bulk")."""
    top = (
        items.sort(["op", "x", "item"], descending=[False, True, False])
        .group_by("op", maintain_order=True)
        .first()
    )
    count = items.group_by("op").agg(pl.len().alias("chances"))
    target = pl.DataFrame({"op": f["op"], "grp": pl.Series(list(group), dtype=pl.String)})
    j = target.join(top, on="op", how="left").join(count, on="op", how="left")
    x = j["x"].fill_null(0).to_numpy().astype(float)
    chances = j["chances"].fill_null(0).to_numpy().astype(float)
    # the peer group's items at or above each operator's largest, and all of them
    pool = members.join(items.select(pl.col("op").alias("member"), "x"), on="member")
    probe = j.select("op", "grp", pl.col("x").alias("top_x")).filter(pl.col("top_x") > 0)
    tally = (
        probe.join(pool, on="grp")
        .filter(pl.col("member") != pl.col("op"))
        .group_by("op")
        .agg(
            pl.len().alias("items"),
            (pl.col("x") >= pl.col("top_x")).sum().alias("reach"),
            (pl.col("x") >= 2).sum().alias("two"),
            (pl.col("x") >= 3).sum().alias("three"),
            pl.col("x").filter(pl.col("x") >= 2).mean().alias("mean2"),
            pl.col("top_x").first(),
        )
    )
    t = j.select("op").join(tally, on="op", how="left")
    peer_items = t["items"].fill_null(0).to_numpy().astype(float)
    reach = t["reach"].fill_null(0).to_numpy().astype(float)
    # beyond the peers' largest items, a geometric tail fitted to their items of 2 and more
    two = t["two"].fill_null(0).to_numpy().astype(float)
    mean2 = t["mean2"].fill_null(2.0).to_numpy().astype(float)
    q = np.clip((mean2 - 2.0 + 0.5) / (mean2 - 1.0 + 0.5), 0.0, 0.999)
    if tail_kind == "bulk":
        # the bulk's own decay, one step from 2 to 3: an extreme item of another peer (a second
        # misuser in the group) does not make the tail heavier
        three = t["three"].fill_null(0).to_numpy().astype(float)
        # pulled towards every operator's decay where the peers have few such items (a group
        # that never looks anyone up twice without authorisation says little about a third time)
        x_all = items["x"].to_numpy()
        everyone = float((x_all >= 3).sum()) / max(float((x_all >= 2).sum()), 1.0)
        q = np.clip((three + BULK_PRIOR * everyone) / (two + BULK_PRIOR), 0.0, 0.999)
    top_x = t["top_x"].fill_null(0).to_numpy().astype(float)
    geometric = (two + 0.5) / (peer_items + 1.0) * q ** np.maximum(top_x - 2.0, 0.0)
    if tail_kind == "bulk":
        tail = geometric
    elif tail_kind:
        tail = np.maximum(reach / np.maximum(peer_items, 1.0), geometric)
    else:
        tail = (reach + 0.5) / (peer_items + 1.0)
    tail = np.where(peer_items > 0, tail, 1.0)
    return x, j["item"].to_list(), chances, tail


def _flagged_spans(pairs, hourly, purposes, refs, f, rare_hours, closed_dates, foreign,
                   by_hand) -> dict:  # fmt: skip
    """Per signal: op, first, last, n of the lookups that make its evidence (the episode); the
    hours and days from by_hand (hourly less the batch runs' own lookups, _by_hand)."""
    pair_cols = {"kin": "kin", "neighbours": "nb", "colleagues": "col", "sensitive": "sens",
                 "unknown": "unknown"}  # fmt: skip
    out: dict[str, pl.DataFrame] = {}

    def span(frame: pl.DataFrame, first: str, last: str) -> pl.DataFrame:
        return frame.group_by("op").agg(
            pl.col(first).min().alias("first"), pl.col(last).max().alias("last"),
            pl.col("n").sum().alias("n"))  # fmt: skip

    for name, c in pair_cols.items():
        out[name] = span(pairs.filter(pl.col(c)), "first", "last")
    # the neighbours' evidence counts the kin among the village's persons
    out["neighbours"] = span(pairs.filter(pl.col("nb") | pl.col("kin")), "first", "last")

    def hours_of(frame: pl.DataFrame) -> pl.DataFrame:  # at: the hour's start
        return frame.with_columns(
            at=pl.col("date").cast(pl.Datetime("us")) + pl.duration(hours=pl.col("hour"))
        )

    day, hand = hours_of(hourly), hours_of(by_hand)
    out["unauth"] = span(day.filter(pl.col("unauth") > 0).with_columns(n=pl.col("unauth")),
                         "at", "at")  # fmt: skip
    rh = pl.DataFrame([(op, h) for op, hs in rare_hours.items() for h in hs],
                      schema={"op": pl.String, "hour": pl.Int32}, orient="row")  # fmt: skip
    out["hours"] = span(hand.join(rh, on=["op", "hour"]), "at", "at")
    out["days"] = span(hand.filter(pl.col("date").is_in(list(closed_dates))), "at", "at")
    top = f.filter(pl.col("purpose_top").is_not_null()).select("op", purpose="purpose_top")
    pur = purposes.join(top, on=["op", "purpose"]).with_columns(
        at=pl.col("date").cast(pl.Datetime("us"))  # per day: first and last lookup's day
    )
    out["purpose"] = span(pur, "at", "at")
    # the other counties' lookups without the county the operator covers (_covered_county)
    cover = f.filter(pl.col("covered_county").is_not_null()).select("op", s_county="covered_county")
    out["out_county"] = span(
        pairs.filter(pl.col("out")).join(cover, on=["op", "s_county"], how="anti"), "first", "last"
    )
    focus = f.filter(pl.col("focus_county").is_not_null()).select("op", s_county="focus_county")
    out["out_focus"] = span(pairs.filter(pl.col("out")).join(focus, on=["op", "s_county"]),
                            "first", "last")  # fmt: skip
    rep = f.filter(pl.col("rep_subject").is_not_null()).select("op", subject="rep_subject")
    out["repeat"] = span(pairs.join(rep, on=["op", "subject"]), "first", "last")
    fix = f.filter(pl.col("fix_subject").is_not_null()).select("op", subject="fix_subject")
    out["fixation"] = span(pairs.join(fix, on=["op", "subject"]), "first", "last")
    ref = f.filter(pl.col("ref").is_not_null()).select("op", "ref")
    out["batch"] = span(refs.join(ref, on=["op", "ref"]), "first", "last")
    reuse = f.filter(pl.col("reuse_ref").is_not_null()).select("op", ref="reuse_ref")
    out["reuse"] = span(refs.join(reuse, on=["op", "ref"]), "first", "last")
    out["terminal"] = span(foreign, "first", "last")
    enum = f.filter(pl.col("enum_prefix").is_not_null()).select("op", "enum_prefix")
    out["enumeration"] = span(
        pairs.filter(pl.col("unknown"))
        .with_columns(enum_prefix=enumeration_prefix())
        .join(enum, on=["op", "enum_prefix"]), "first", "last")  # fmt: skip
    return out


# range signal: (count, basis) in the range frame and in the look-back weeks' features
# the weekly features' (count, basis) of the range signals that the look-back can judge
HISTORY = {
    "unauth": ("unauth", "n"),
    "kin": ("kin_subj", "subjects"),
    "neighbours": ("nb_subj", "subjects"),
    "colleagues": ("col_subj", "subjects"),
    "sensitive": ("sens_subj", "subjects"),
    "out_county": ("out_n", "n"),
    "unknown": ("unknown_n", "n"),
    "days": ("off_n", "n"),
}
HISTORY_MIN = 200  # lookups (or persons) of history before the operator's own share counts


def with_history(rng: RangeEvidence, lookback: pl.DataFrame) -> RangeEvidence:
    """Where the log has weeks before the range, the operator's own share then is a second
    baseline: the evidence is the weaker of the two, so a remit of one's own (shown in the
    history) explains a share far from the peers', and misuse that starts in the range still
    stands out against both."""
    if lookback.is_empty():
        return rng
    cols = sorted({c for pair in HISTORY.values() for c in pair})
    hist = (
        rng.frame.select("op")
        .join(lookback.group_by("op").agg(pl.col(c).sum() for c in cols), on="op", how="left")
        .fill_null(0)
    )
    for name, (hk, hb) in HISTORY.items():
        k, b = SHARE_COLUMNS[name]
        base = rng.baseline.get(name)
        if base is None:
            continue
        kh, bh = (hist[c].to_numpy().astype(float) for c in (hk, hb))
        mu = np.where(np.isnan(base.mu), 0.0, base.mu)
        own = (kh + 50.0 * mu) / (bh + 50.0)
        basis = rng.frame[b].to_numpy().astype(float)
        e_own = nb_evidence(rng.frame[k].to_numpy().astype(float), own * basis,
                            np.maximum(base.kappa, 5.0))  # fmt: skip
        rng.evidence[name] = np.where(bh >= HISTORY_MIN,
                                      np.minimum(rng.evidence[name], e_own), rng.evidence[name])  # fmt: skip
    return rng
