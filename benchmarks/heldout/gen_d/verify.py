#!/usr/bin/env python3
"""Check a directory written by generate.py (gen_d).

    python verify.py DIR

Checks the contract import formats (columns, ID check characters GB 11643, gender and birth
date against the ID, codes, unique keys, every query's operator known), the labels
(every labelled query exists and belongs to its operator, episode rows agree with the
labelled queries, all inside [from, to], no misuse in the history) and meta.json.
Prints counts by kind.  Exit 0 when everything holds, 1 otherwise.
"""
from __future__ import annotations

import json
import os
import sys

import numpy as np
import pandas as pd

COUNTY_CODES = {"411602", "411603", "411621", "411622", "411623", "411624", "411625", "411627",
                "411628", "411681"}
DEPTS = {"DRC", "PSB", "ORG", "HRSS", "EDU", "HEALTH", "SAMR", "TAX", "JUSTICE", "COURT", "HOUSING",
         "TRANSPORT", "ECOENV", "EMERGENCY", "FIRE", "FINANCE", "AUDIT", "CULTURE", "PROPAGANDA",
         "POSTAL", "PBOC", "NFRA", "URBAN", "COMMERCE", "CIVILIZATION", "CIVIL", "GOVSERVICE"}
PURPOSES = {"EMPLOYMENT", "PRACTICE", "LABOUR", "EXECUTIVE", "CIVIL_SERVICE", "COMMENDATION",
            "APPOINTMENT", "HONESTY_AWARD", "LICENSING", "PUBLIC_FUNDS", "POLICY_SUPPORT",
            "ENFORCEMENT", "OBJECTION", "REPAIR", "SELF", "AUTHORIZED"}
CHANNELS = {"WINDOW", "WEB", "API", "DASHBOARD"}
COLS = {
    "persons.csv": ["id_number", "name", "gender", "birth_date", "county_code", "residence_code", "sensitive"],
    "operators.csv": ["operator_id", "name", "department_code", "role", "county_code", "id_number"],
    "query_log.csv": ["query_id", "queried_at", "operator_id", "subject_id_number", "purpose_code",
                      "authorization_ref", "channel", "terminal_id"],
    "labels.csv": ["operator_id", "kind", "first_at", "last_at", "n_lookups"],
    "label_queries.csv": ["query_id", "operator_id", "kind"],
}
W17 = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
CHECK = np.array(list("10X98765432"))

errors: list[str] = []


def fail(msg):
    errors.append(msg)
    print("FAIL", msg)


def ok(msg):
    print("ok  ", msg)


def id_valid(ids: pd.Series) -> np.ndarray:
    """Vectorised GB 11643 validity: 17 digits + correct check character."""
    s = ids.astype(str)
    shape = s.str.fullmatch(r"\d{17}[\dX]").to_numpy()
    out = np.zeros(len(s), bool)
    if shape.any():
        good = s[shape]
        arr = np.frombuffer("".join(good.str[:17].tolist()).encode("ascii"), dtype=np.uint8)
        arr = arr.reshape(-1, 17).astype(int) - 48
        chk = CHECK[(arr * W17).sum(1) % 11]
        out[np.flatnonzero(shape)] = chk == good.str[17].to_numpy()
    return out


def main(d):
    for f, cols in COLS.items():
        p = os.path.join(d, f)
        if not os.path.exists(p):
            fail(f"{f} missing")
            return 1
    read = lambda f: pd.read_csv(os.path.join(d, f), dtype=str, keep_default_na=False, encoding="utf-8")
    per, ops, ql, lab, lq = (read(f) for f in COLS)
    for f, df in zip(COLS, (per, ops, ql, lab, lq)):
        if list(df.columns) != COLS[f]:
            fail(f"{f}: columns {list(df.columns)} != {COLS[f]}")
    meta = json.load(open(os.path.join(d, "meta.json"), encoding="utf-8"))
    for k in ("from", "to", "history_from", "n_lookups", "seed"):
        if k not in meta:
            fail(f"meta.json lacks {k}")

    # ---------------- persons ----------------
    v = id_valid(per.id_number)
    (ok if v.all() else fail)(f"persons: {len(per)} rows, {int((~v).sum())} invalid ID numbers")
    (ok if per.id_number.is_unique else fail)(f"persons: id_number unique ({per.id_number.duplicated().sum()} dup)")
    seq_odd = per.id_number.str[16].astype(int) % 2 == 1
    g_ok = ((per.gender == "M") & seq_odd) | ((per.gender == "F") & ~seq_odd)
    (ok if g_ok.all() else fail)(f"persons: gender agrees with sequence parity ({int((~g_ok).sum())} bad)")
    b_ok = per.birth_date.str.replace("-", "") == per.id_number.str[6:14]
    (ok if b_ok.all() else fail)(f"persons: birth_date agrees with ID ({int((~b_ok).sum())} bad)")
    c_ok = per.county_code.isin(COUNTY_CODES)
    (ok if c_ok.all() else fail)(f"persons: county codes valid ({int((~c_ok).sum())} bad)")
    r_ok = per.residence_code.str.fullmatch(r"\d{12}") & (per.residence_code.str[:6] == per.county_code)
    (ok if r_ok.all() else fail)(f"persons: residence codes 12 digits in the county ({int((~r_ok).sum())} bad)")
    s_ok = per.sensitive.isin(["0", "1"])
    (ok if s_ok.all() else fail)(f"persons: sensitive 0/1; watch list {int((per.sensitive == '1').sum())}")
    (ok if (per.name != "").all() else fail)("persons: names present")

    # ---------------- operators ----------------
    (ok if ops.operator_id.is_unique and (ops.operator_id != "").all() else fail)(
        f"operators: {len(ops)} unique operator_id")
    (ok if ops.department_code.isin(DEPTS).all() else fail)("operators: department codes in catalogue")
    (ok if (ops.role != "").all() and (ops.name != "").all() else fail)("operators: role and name present")
    oc = (ops.county_code == "") | ops.county_code.isin(COUNTY_CODES)
    (ok if oc.all() else fail)(f"operators: county empty (city level: {int((ops.county_code == '').sum())}) or valid")
    has_id = ops.id_number != ""
    ov = id_valid(ops.id_number[has_id])
    pid = per.set_index("id_number").name
    known = ops.id_number[has_id].isin(pid.index)
    (ok if ov.all() and known.all() else fail)(
        f"operators: {int(has_id.sum())} resident IDs valid and in persons ({int((~known).sum())} missing)")
    same_name = (pid.reindex(ops.id_number[has_id]).to_numpy() == ops.name[has_id].to_numpy())
    (ok if same_name.all() else fail)("operators: name equals the person's name")
    (ok if ops.id_number[has_id].is_unique else fail)("operators: one operator per resident")

    # ---------------- query log ----------------
    (ok if ql.query_id.is_unique and (ql.query_id != "").all() else fail)(f"query_log: {len(ql)} unique query_id")
    at = pd.to_datetime(ql.queried_at, format="%Y-%m-%dT%H:%M:%S", errors="coerce")
    (ok if at.notna().all() else fail)(f"query_log: queried_at ISO 8601 ({int(at.isna().sum())} bad)")
    op_ok = ql.operator_id.isin(set(ops.operator_id))
    (ok if op_ok.all() else fail)(f"query_log: every operator known ({int((~op_ok).sum())} unknown)")
    (ok if (ql.subject_id_number != "").all() else fail)("query_log: subject present")
    p_ok = (ql.purpose_code == "") | ql.purpose_code.isin(PURPOSES)
    (ok if p_ok.all() else fail)(f"query_log: purposes in catalogue or empty ({int((ql.purpose_code == '').sum())} empty)")
    ch_ok = ql.channel.isin(CHANNELS)
    (ok if ch_ok.all() else fail)("query_log: channels valid")
    day = ql.queried_at.str[:10]
    in_all = (day >= meta["history_from"]) & (day <= meta["to"])
    (ok if in_all.all() else fail)(f"query_log: all between {meta['history_from']} and {meta['to']}")
    in_rng = (day >= meta["from"]) & (day <= meta["to"])
    (ok if int(in_rng.sum()) == int(meta["n_lookups"]) else fail)(
        f"meta: n_lookups {meta['n_lookups']} == {int(in_rng.sum())} lookups in [from, to]")
    known_subj = ql.subject_id_number.isin(pid.index)
    valid_subj = id_valid(ql.subject_id_number)
    print(f"     subjects not in registry: {int((~known_subj).sum())} "
          f"(of which invalid check character: {int((~valid_subj).sum())})")

    # ---------------- labels ----------------
    qi = ql.set_index("query_id")
    lq_ok = lq.query_id.isin(qi.index)
    (ok if lq_ok.all() else fail)(f"label_queries: {len(lq)} rows, all in query_log")
    (ok if lq.query_id.is_unique else fail)("label_queries: query_id unique")
    m = lq[lq_ok]
    same_op = qi.loc[m.query_id, "operator_id"].to_numpy() == m.operator_id.to_numpy()
    (ok if same_op.all() else fail)("label_queries: operator matches the query's operator")
    (ok if not lab.duplicated(["operator_id", "kind"]).any() else fail)("labels: one row per (operator, kind)")
    m = m.assign(qat=qi.loc[m.query_id, "queried_at"].to_numpy())
    agg = m.groupby(["operator_id", "kind"]).agg(first_at=("qat", "min"), last_at=("qat", "max"),
                                                 n_lookups=("qat", "size")).reset_index()
    j = lab.merge(agg, on=["operator_id", "kind"], how="outer", suffixes=("", "_q"), indicator=True)
    cons = (j._merge == "both") & (j.first_at == j.first_at_q) & (j.last_at == j.last_at_q) & \
        (j.n_lookups.astype(float) == j.n_lookups_q.astype(float))
    (ok if cons.all() else fail)(f"labels: {len(lab)} episodes agree with label_queries ({int((~cons).sum())} bad)")
    inside = (lab.first_at.str[:10] >= meta["from"]) & (lab.last_at.str[:10] <= meta["to"])
    (ok if inside.all() else fail)("labels: every episode inside [from, to]")
    hist_lab = int((m.qat.str[:10] < meta["from"]).sum())
    (ok if hist_lab == 0 else fail)(f"labels: history is misuse-free ({hist_lab} labelled lookups before from)")
    (ok if lab.operator_id.isin(set(ops.operator_id)).all() else fail)("labels: operators known")
    nmis = lab.operator_id.nunique()
    print(f"     misusing operators: {nmis}; episodes: {len(lab)}; misuse lookups: {len(lq)} "
          f"({100.0 * len(lq) / max(1, int(in_rng.sum())):.2f}% of the range)")
    print("\ncounts by kind:")
    byk = lab.groupby("kind").agg(operators=("operator_id", "nunique"),
                                  lookups=("n_lookups", lambda s: int(s.astype(int).sum())),
                                  min_ep=("n_lookups", lambda s: int(s.astype(int).min())),
                                  max_ep=("n_lookups", lambda s: int(s.astype(int).max())))
    print(byk.to_string())
    print(f"\nrange {meta['from']}..{meta['to']} (history from {meta['history_from']}), seed {meta['seed']}; "
          f"persons {len(per)}, operators {len(ops)}, lookups {len(ql)}")
    if errors:
        print(f"\n{len(errors)} check(s) FAILED")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python verify.py DIR", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
