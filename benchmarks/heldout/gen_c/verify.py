#!/usr/bin/env python3
"""Sanity checks for a generator-C output directory:  python verify.py DIR"""
import json
import os
import sys

import numpy as np
import pandas as pd

REF = "/work/shared/reference"
W = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])


def valid_ids(s: pd.Series) -> np.ndarray:
    s = s.astype(str)
    ok = (s.str.len() == 18) & s.str[:17].str.isdigit()
    out = np.zeros(len(s), bool)
    idx = np.where(ok)[0]
    if len(idx):
        body = np.array(s.iloc[idx].str[:17].tolist(), dtype="S17")
        d = np.frombuffer(body.tobytes(), dtype=np.uint8).reshape(-1, 17) - 48
        chk = np.array(list("10X98765432"))[(d.astype(int) * W).sum(1) % 11]
        out[idx] = chk == s.iloc[idx].str[17].to_numpy()
    return out


def main(d):
    errs = []

    def check(cond, msg):
        if not cond:
            errs.append(msg)
            print("FAIL:", msg)

    counties = pd.read_csv(f"{REF}/counties.csv", dtype=str)
    ten = counties[~counties.code.str.startswith("ZK")]
    hist = {r.code: r.historical_id_codes.split(";") for r in ten.itertuples()}
    depts = set(pd.read_csv(f"{REF}/departments.csv").code)
    purposes = set(pd.read_csv(f"{REF}/purposes.csv").code)
    P = pd.read_csv(f"{d}/persons.csv", dtype=str, keep_default_na=False)
    O = pd.read_csv(f"{d}/operators.csv", dtype=str, keep_default_na=False)
    Q = pd.read_csv(f"{d}/query_log.csv", dtype=str, keep_default_na=False)
    L = pd.read_csv(f"{d}/labels.csv", dtype=str, keep_default_na=False)
    LQ = pd.read_csv(f"{d}/label_queries.csv", dtype=str, keep_default_na=False)
    meta = json.load(open(f"{d}/meta.json"))
    check(list(P.columns) == ["id_number", "name", "gender", "birth_date", "county_code", "residence_code", "sensitive"], "persons columns")
    check(list(O.columns) == ["operator_id", "name", "department_code", "role", "county_code", "id_number"], "operators columns")
    check(list(Q.columns) == ["query_id", "queried_at", "operator_id", "subject_id_number", "purpose_code",
                              "authorization_ref", "channel", "terminal_id"], "query_log columns")
    # persons
    check(valid_ids(P.id_number).all(), "person ID check characters")
    check(P.id_number.is_unique, "person IDs unique")
    par = P.id_number.str[16].astype(int) % 2
    check(((par == 1) == (P.gender == "M")).all(), "gender parity")
    check((P.id_number.str[6:14] == P.birth_date.str.replace("-", "")).all(), "birth date matches ID")
    check(P.county_code.isin(ten.code).all(), "person county codes")
    check((P.residence_code.str.len() == 12).all() and (P.residence_code.str[:6] == P.county_code).all(), "residence codes")
    by = P.birth_date.str[:4].astype(int)
    zk_codes = {c for v in hist.values() for c in v} | set(ten.code)
    reg = P.id_number.str[:6]
    pre = by < 2000
    check(~(pre & reg.isin(ten.code)).any(), "pre-2000 births never carry a current 4116xx code")
    check(~((~pre) & reg.str.startswith("4127")).any(), "post-2000 births never carry 4127xx")
    to_cur = {c: k for k, v in hist.items() for c in v} | {k: k for k in hist}
    cur = reg.map(to_cur)
    print(f"persons: {len(P)}  sensitive={int((P.sensitive == '1').sum())}  "
          f"region outside Zhoukou={(~reg.isin(zk_codes)).mean():.3f}  ID county (mapped) != registration="
          f"{(cur.notna() & (cur != P.county_code)).mean():.3f}")
    sur = P.name.str[0]
    print("  top surnames:", " ".join(f"{k}{v / len(P):.3f}" for k, v in sur.value_counts().head(8).items()),
          " compound:", int(P.name.str[:2].isin(["欧阳", "司马", "上官", "诸葛", "皇甫", "端木", "东方", "公孙", "令狐"]).sum()))
    # operators
    check(O.operator_id.is_unique, "operator ids unique")
    check(O.department_code.isin(depts).all(), "operator departments")
    check(O.county_code.isin(set(ten.code) | {""}).all(), "operator counties")
    check(O.id_number.isin(P.id_number).all(), "operators are residents")
    check(O.id_number.is_unique, "operator persons unique")
    print(f"operators: {len(O)}  city-level={int((O.county_code == '').sum())}  depts={O.department_code.nunique()}  "
          f"roles={O.role.nunique()}")
    # query log
    check(Q.query_id.is_unique, "query ids unique")
    check(Q.operator_id.isin(O.operator_id).all(), "query operators known")
    check(Q.channel.isin(["WINDOW", "WEB", "API", "DASHBOARD"]).all(), "channels")
    check(Q.purpose_code.isin(purposes | {""}).all(), "purposes")
    ts = pd.to_datetime(Q.queried_at, format="%Y-%m-%dT%H:%M:%S")
    check(ts.min() >= pd.Timestamp(meta["history_from"]) and ts.max() < pd.Timestamp(meta["to"]) + pd.Timedelta(days=1), "timestamps in range")
    check(len(Q) == meta["n_lookups"], "meta n_lookups")
    check(len(O) == meta["n_operators"], "meta n_operators")
    inreg = Q.subject_id_number.isin(P.id_number)
    vq = valid_ids(Q.subject_id_number)
    print(f"query_log: {len(Q)}  distinct subjects={Q.subject_id_number.nunique()}  absent={(~inreg).mean():.4f}  "
          f"invalid-check={(~vq).mean():.4f}  no-purpose={(Q.purpose_code == '').mean():.4f}  "
          f"no-ref={(Q.authorization_ref == '').mean():.4f}  no-terminal={(Q.terminal_id == '').mean():.4f}")
    print("  channels:", Q.channel.value_counts().to_dict())
    # labels
    check(LQ.query_id.is_unique and LQ.query_id.isin(Q.query_id).all(), "label queries exist and unique")
    L["n_lookups"] = L.n_lookups.astype(int)
    check(L.n_lookups.sum() == len(LQ), "labels n_lookups sum == label_queries rows")
    check((L.first_at >= meta["from"]).all() and (L.last_at.str[:10] <= meta["to"]).all()
          if len(L) else True, "labels within range")
    check(L.operator_id.nunique() == meta["n_misusers"], "meta n_misusers")
    m = Q.merge(LQ, on="query_id", how="inner")
    check((m.operator_id_x == m.operator_id_y).all(), "label_queries operator matches log")
    tot = Q.groupby("operator_id").size()
    per = L.groupby("operator_id").n_lookups.sum()
    sub = (per < 30).sum()
    print(f"labels: {len(L)} episodes, {L.operator_id.nunique()} misusers ({sub} subtle, <30 misuse lookups)")
    k = L.groupby("kind").agg(episodes=("operator_id", "size"), operators=("operator_id", "nunique"),
                              lookups=("n_lookups", "sum"))
    print(k.to_string())
    share = (per / tot[per.index]).describe()
    print(f"  misuse share of misusers' lookups: median {share['50%']:.3f}, max {share['max']:.3f}")
    print("RESULT:", "OK" if not errs else f"{len(errs)} failures")
    return 0 if not errs else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
