#!/usr/bin/env python3
"""Check a gen_e output folder: python3 verify.py DIR  (exit 1 on any failure)."""
import json
import os
import sys
from datetime import date

import pandas as pd

REF_DIR = os.environ.get("GEN_E_REF_DIR", "/work/shared/reference")
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHK = "10X98765432"


def id_ok(s):
    if not isinstance(s, str) or len(s) != 18 or not s[:17].isdigit():
        return False
    return CHK[sum(int(c) * w for c, w in zip(s[:17], W)) % 11] == s[17]


def main():
    if len(sys.argv) != 2:
        print("usage: verify.py DIR", file=sys.stderr)
        sys.exit(2)
    d = sys.argv[1]
    fails = []

    def check(cond, msg):
        if not cond:
            fails.append(msg)
        return cond

    rd = lambda f: pd.read_csv(os.path.join(d, f), dtype=str, keep_default_na=False)
    try:
        P, O, Q, L, LQ = (rd(f) for f in ["persons.csv", "operators.csv", "query_log.csv", "labels.csv",
                                          "label_queries.csv"])
        meta = json.load(open(os.path.join(d, "meta.json")))
    except Exception as e:  # noqa: BLE001
        print(f"FAIL: cannot read files: {e}")
        sys.exit(1)
    counties = set(pd.read_csv(os.path.join(REF_DIR, "counties.csv"), dtype=str)["code"])
    counties = {c for c in counties if not c.startswith("ZK")}
    depts = set(pd.read_csv(os.path.join(REF_DIR, "departments.csv"), dtype=str)["code"])
    purposes = set(pd.read_csv(os.path.join(REF_DIR, "purposes.csv"), dtype=str)["code"])

    # columns exactly as the contract
    check(list(P.columns) == ["id_number", "name", "gender", "birth_date", "county_code", "residence_code",
                              "sensitive"], f"persons columns {list(P.columns)}")
    check(list(O.columns) == ["operator_id", "name", "department_code", "role", "county_code", "id_number"],
          f"operators columns {list(O.columns)}")
    check(list(Q.columns) == ["query_id", "queried_at", "operator_id", "subject_id_number", "purpose_code",
                              "authorization_ref", "channel", "terminal_id"], f"query_log columns {list(Q.columns)}")
    check(list(L.columns) == ["operator_id", "kind", "first_at", "last_at", "n_lookups"], "labels columns")
    check(list(LQ.columns) == ["query_id", "operator_id", "kind"], "label_queries columns")
    for k in ["from", "to", "history_from", "n_lookups", "seed", "kinds"]:
        check(k in meta, f"meta.json lacks {k}")

    # persons
    bad = P[~P.id_number.map(id_ok)]
    check(bad.empty, f"persons: {len(bad)} invalid ID numbers, e.g. {bad.id_number.head(3).tolist()}")
    check(P.id_number.is_unique, "persons: duplicate id_number")
    par = P.id_number.str[16].astype(int) % 2
    check(((par == 1) == (P.gender == "M")).all() and P.gender.isin(["M", "F"]).all(), "persons: gender/parity")
    bd = P.id_number.str[6:10] + "-" + P.id_number.str[10:12] + "-" + P.id_number.str[12:14]
    check((bd == P.birth_date).all(), "persons: birth_date disagrees with ID")
    check(P.county_code.isin(counties).all(), "persons: unknown county_code")
    check((P.residence_code.str.len() == 12).all() and P.residence_code.str.isdigit().all(),
          "persons: residence_code not 12 digits")
    check((P.residence_code.str[:6] == P.county_code).all(), "persons: residence outside registered county")
    check(P.sensitive.isin(["0", "1"]).all(), "persons: sensitive not 0/1")
    check(P.name.str.len().gt(0).all(), "persons: empty name")

    # operators
    check(O.operator_id.is_unique, "operators: duplicate operator_id")
    check(O.department_code.isin(depts).all(), "operators: unknown department_code")
    check(O.county_code.isin(counties | {""}).all(), "operators: bad county_code")
    pid = set(P.id_number)
    hum = O[O.id_number != ""]
    check(hum.id_number.isin(pid).all(), "operators: id_number not a person")
    check(hum.id_number.is_unique, "operators: two operators share one resident")
    names = dict(zip(P.id_number, P.name))
    check((hum.name == hum.id_number.map(names)).all(), "operators: name differs from person row")
    check((O.role != "").all(), "operators: empty role")

    # query log
    check(Q.query_id.is_unique, "query_log: duplicate query_id")
    check(Q.operator_id.isin(set(O.operator_id)).all(), "query_log: unknown operator")
    ts = pd.to_datetime(Q.queried_at, format="%Y-%m-%dT%H:%M:%S", errors="coerce")
    check(ts.notna().all(), "query_log: bad queried_at (expect local YYYY-MM-DDTHH:MM:SS)")
    check(Q.channel.isin(["WINDOW", "WEB", "API", "DASHBOARD"]).all(), "query_log: bad channel")
    check(Q.purpose_code.isin(purposes | {""}).all(), "query_log: unknown purpose_code")
    check((Q.subject_id_number != "").all(), "query_log: empty subject")

    d_from = pd.Timestamp(meta["from"])
    d_end = pd.Timestamp(meta["to"]) + pd.Timedelta(days=1)
    h_from = pd.Timestamp(meta["history_from"])
    in_rng = (ts >= d_from) & (ts < d_end)
    check(((ts >= h_from) & (ts < d_end)).all(), "query_log: rows outside [history_from, to]")
    check(int(in_rng.sum()) == int(meta["n_lookups"]), f"meta n_lookups {meta['n_lookups']} != {int(in_rng.sum())}")

    # labels
    check(LQ.query_id.is_unique, "label_queries: duplicate query_id")
    check(L.kind.isin(meta["kinds"]).all() and LQ.kind.isin(meta["kinds"]).all(), "labels: unknown kind")
    qi = Q.set_index("query_id")
    m = LQ.query_id.isin(qi.index)
    check(m.all(), f"label_queries: {int((~m).sum())} query_ids not in query_log")
    if m.all():
        lq = LQ.merge(qi[["operator_id", "queried_at"]].rename(columns={"operator_id": "operator_id_q"}),
                      left_on="query_id", right_index=True, how="left")
        check((lq.operator_id == lq.operator_id_q).all(), "label_queries: operator differs from query_log")
        lt = pd.to_datetime(lq.queried_at)
        check(((lt >= d_from) & (lt < d_end)).all(), "label_queries: labelled lookup outside [from, to]")
        L2 = L.copy()
        L2["n"] = L2.n_lookups.astype(int)
        g = L2.groupby(["operator_id", "kind"]).agg(n=("n", "sum"), f=("first_at", "min"), l=("last_at", "max"))
        h = lq.groupby(["operator_id", "kind"]).agg(n=("query_id", "size"), f=("queried_at", "min"),
                                                   l=("queried_at", "max"))
        check(set(g.index) == set(h.index), "labels and label_queries name different (operator, kind) pairs")
        j = g.merge(h, left_index=True, right_index=True, suffixes=("", "_q"))
        check((j.n == j.n_q).all(), "labels n_lookups disagree with label_queries")
        check((j.f == j.f_q).all() and (j.l == j.l_q).all(), "labels first_at/last_at disagree with label_queries")
        check((L.first_at <= L.last_at).all(), "labels: first_at after last_at")
        # every labelled query within one of its (operator, kind) episodes
        ok = 0
        eps = L.groupby(["operator_id", "kind"])
        for (o, k), sub in lq.groupby(["operator_id", "kind"]):
            e = eps.get_group((o, k))
            inside = pd.Series(False, index=sub.index)
            for f, l in zip(e.first_at, e.last_at):
                inside |= (sub.queried_at >= f) & (sub.queried_at <= l)
            ok += int(inside.all())
        check(ok == len(h), "label_queries: lookup outside its episode's [first_at, last_at]")
    lt_all = pd.to_datetime(L.first_at)
    check(((lt_all >= d_from) & (pd.to_datetime(L.last_at) < d_end)).all(), "labels: episode outside range")
    hist_ids = set(Q.query_id[~in_rng])
    check(not (set(LQ.query_id) & hist_ids), "history contains labelled (misuse) lookups")
    for k in meta["kinds"]:
        check((L.kind == k).sum() >= 1, f"kind {k} has no episode")

    # report
    rq = Q[in_rng]
    print(f"persons {len(P):,}  operators {len(O):,}  lookups in range {len(rq):,}  history {int((~in_rng).sum()):,}")
    print(f"range {meta['from']} .. {meta['to']}  history_from {meta['history_from']}")
    subj_in = rq.subject_id_number.isin(pid)
    vc = rq.subject_id_number.value_counts()
    print(f"lookups whose subject is looked up only once in range: {int((vc == 1).sum()) / len(rq):.1%}")
    print(f"subjects: {rq.subject_id_number.nunique():,} distinct; not in registry {int((~subj_in).sum()):,}; "
          f"invalid check char {int((~rq.subject_id_number.map(id_ok)).sum()):,}")
    print(f"misuse: {len(LQ):,} lookups, {LQ.operator_id.nunique()} operators, {len(L)} episodes")
    vol = rq.groupby("operator_id").size()
    tab = []
    for k in meta["kinds"]:
        e = L[L.kind == k]
        tab.append((k, len(e), e.operator_id.nunique(), int(e.n_lookups.astype(int).sum())))
    print(f"{'kind':20s} {'episodes':>8s} {'operators':>9s} {'lookups':>8s}")
    for r in tab:
        print(f"{r[0]:20s} {r[1]:8d} {r[2]:9d} {r[3]:8d}")
    per = LQ.groupby("operator_id").size()
    share = (per / vol.reindex(per.index)).sort_values()
    print(f"misusers with < 20 misuse lookups: {int((per < 20).sum())} of {len(per)}; "
          f"misuse share of own lookups: min {share.min():.2%} median {share.median():.2%} max {share.max():.2%}")
    if fails:
        for f in fails:
            print("FAIL:", f)
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
