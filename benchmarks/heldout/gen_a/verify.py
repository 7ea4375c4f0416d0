#!/usr/bin/env python3
"""Sanity checks and summary statistics for a gen_a output folder.  Usage: python verify.py DIR"""
import json
import sys
from datetime import date

import polars as pl

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
COUNTY = {"411602", "411603", "411621", "411622", "411623", "411624", "411625", "411627", "411628", "411681"}
PURP = {"EMPLOYMENT", "PRACTICE", "LABOUR", "EXECUTIVE", "CIVIL_SERVICE", "COMMENDATION", "APPOINTMENT",
        "HONESTY_AWARD", "LICENSING", "PUBLIC_FUNDS", "POLICY_SUPPORT", "ENFORCEMENT", "OBJECTION",
        "REPAIR", "SELF", "AUTHORIZED"}
DEPTS = {"DRC", "PSB", "ORG", "HRSS", "EDU", "HEALTH", "SAMR", "TAX", "JUSTICE", "COURT", "HOUSING", "TRANSPORT",
         "ECOENV", "EMERGENCY", "FIRE", "FINANCE", "AUDIT", "CULTURE", "PROPAGANDA", "POSTAL", "PBOC", "NFRA",
         "URBAN", "COMMERCE", "CIVILIZATION", "CIVIL", "GOVSERVICE"}
problems = []
HIST = {"412701": "411602", "412727": "411603", "411626": "411603", "412721": "411621", "412722": "411622",
        "412723": "411623", "412728": "411624", "412726": "411625", "412724": "411627", "412725": "411628",
        "412702": "411681"}


def check(cond, msg):
    if not cond:
        problems.append(msg)
        print("PROBLEM:", msg)


def id_ok(s):
    if s is None or len(s) != 18 or not s[:17].isdigit():
        return False
    return "10X98765432"[sum(int(c) * w for c, w in zip(s[:17], W)) % 11] == s[17]


def main(d):
    meta = json.load(open(f"{d}/meta.json"))
    P = pl.read_csv(f"{d}/persons.csv", infer_schema_length=0)
    O = pl.read_csv(f"{d}/operators.csv", infer_schema_length=0)
    Q = pl.read_csv(f"{d}/query_log.csv", infer_schema_length=0)
    L = pl.read_csv(f"{d}/labels.csv", infer_schema_length=0)
    LQ = pl.read_csv(f"{d}/label_queries.csv", infer_schema_length=0)
    print("meta:", meta)
    check(P.columns == ["id_number", "name", "gender", "birth_date", "county_code", "residence_code", "sensitive"], "persons columns")
    check(O.columns == ["operator_id", "name", "department_code", "role", "county_code", "id_number"], "operators columns")
    check(Q.columns == ["query_id", "queried_at", "operator_id", "subject_id_number", "purpose_code",
                        "authorization_ref", "channel", "terminal_id"], "query_log columns")
    # persons
    ids = P["id_number"].to_list()
    bad = [s for s in ids if not id_ok(s)]
    check(not bad, f"{len(bad)} person ids with bad checksum")
    check(P["id_number"].n_unique() == len(P), "duplicate person ids")
    P2 = P.with_columns(
        (pl.col("id_number").str.slice(6, 4) + "-" + pl.col("id_number").str.slice(10, 2) + "-" + pl.col("id_number").str.slice(12, 2)).alias("bd_id"),
        (pl.col("id_number").str.slice(16, 1).cast(pl.Int32) % 2).alias("par"),
        pl.col("id_number").str.slice(0, 6).alias("reg"),
        pl.col("id_number").str.slice(6, 4).cast(pl.Int32).alias("by"))
    check((P2["bd_id"] == P2["birth_date"]).all(), "birth_date disagrees with id")
    check(((P2["par"] == 1) == (P2["gender"] == "M")).all(), "gender parity")
    check(P["county_code"].is_in(list(COUNTY)).all(), "bad county_code")
    check((P["residence_code"].str.len_chars() == 12).all() and (P["residence_code"].str.slice(0, 6) == P["county_code"]).all(),
          "residence_code not 12 digits / prefix")
    for s in P["birth_date"].head(2000).to_list():
        date.fromisoformat(s)
    old = P2.filter(pl.col("by") < 2000)
    print(f"persons {len(P)}; sensitive {int((P['sensitive'] == '1').sum())} ({(P['sensitive'] == '1').mean() * 100:.3f}%); "
          f"born<2000 with 4127xx code {(old['reg'].str.starts_with('4127')).mean():.3f}; "
          f"id region (mapped to current county) != county_code {(P2['reg'].replace(HIST) != P2['county_code']).mean():.3f}")
    sur2 = P["name"].str.slice(0, 2).is_in(["欧阳", "司马", "诸葛", "上官", "司徒", "夏侯", "公孙", "皇甫", "东方"])
    print(f"compound surnames: {int(sur2.sum())}; top surnames:",
          P["name"].str.slice(0, 1).value_counts(sort=True).head(8).rows())
    # operators
    check(O["operator_id"].n_unique() == len(O), "dup operator ids")
    check(O["department_code"].is_in(list(DEPTS)).all(), "bad dept")
    check(O["id_number"].is_in(P["id_number"].to_list()).all(), "operator id_number not in persons")
    check(O["county_code"].drop_nulls().is_in(list(COUNTY)).all(), "bad operator county")
    # query log
    check(Q["query_id"].n_unique() == len(Q), "dup query ids")
    check(Q["operator_id"].is_in(O["operator_id"].to_list()).all(), "unknown operator in log")
    check(Q["channel"].is_in(["WINDOW", "WEB", "API", "DASHBOARD"]).all(), "bad channel")
    check(Q["purpose_code"].drop_nulls().is_in(list(PURP)).all(), "bad purpose")
    check(Q["queried_at"].str.contains(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$").all(), "bad timestamp format")
    Q = Q.with_columns(pl.col("queried_at").str.to_datetime("%Y-%m-%dT%H:%M:%S").alias("t"))
    Q = Q.with_columns(pl.col("t").dt.date().alias("d"), pl.col("t").dt.hour().alias("h"), pl.col("t").dt.weekday().alias("wd"))
    lo, hi = date.fromisoformat(meta["history_from"]), date.fromisoformat(meta["to"])
    check(Q["d"].min() >= lo and Q["d"].max() <= hi, f"dates out of range {Q['d'].min()} {Q['d'].max()}")
    sc = Q.filter(pl.col("d") >= date.fromisoformat(meta["from"]))
    check(len(sc) == meta["n_lookups"], "meta n_lookups mismatch")
    subj_ok = sc["subject_id_number"].map_elements(id_ok, return_dtype=pl.Boolean)
    unreg = ~sc["subject_id_number"].is_in(P["id_number"].to_list())
    print(f"log rows {len(Q)}, scored {len(sc)}; subject checksum ok {subj_ok.mean():.5f}; unregistered subjects {unreg.mean() * 100:.3f}%")
    # labels
    check(LQ["query_id"].is_in(Q["query_id"].to_list()).all(), "label query ids missing in log")
    check(LQ["query_id"].n_unique() == len(LQ), "dup label query ids")
    j = LQ.join(Q.select("query_id", "operator_id", "d", "subject_id_number", "purpose_code", "authorization_ref", "h", "wd", "channel"),
                on="query_id", suffix="_q")
    check((j["operator_id"] == j["operator_id_q"]).all(), "label op mismatch")
    check(j["d"].min() >= date.fromisoformat(meta["from"]), "misuse before scored range")
    nl = L.group_by("operator_id", "kind").agg(pl.col("n_lookups").cast(pl.Int64).sum())
    nq = LQ.group_by("operator_id", "kind").len()
    jj = nl.join(nq, on=["operator_id", "kind"], how="full")
    check((jj["n_lookups"] == jj["len"]).all(), "labels n_lookups != label_queries")
    check(L["operator_id"].n_unique() == meta["n_misusers"], "n_misusers mismatch")
    print("episodes per kind:", L.group_by("kind").agg(pl.len().alias("episodes"), pl.col("operator_id").n_unique().alias("ops"),
                                                       pl.col("n_lookups").cast(pl.Int64).sum().alias("lookups")).sort("kind").rows())
    try:
        LD = pl.read_csv(f"{d}/labels_detail.csv", infer_schema_length=0)
        print("tempo:", LD["tempo"].value_counts().rows())
    except FileNotFoundError:
        pass
    mis_ops = L["operator_id"].unique()
    share = Q.filter(pl.col("operator_id").is_in(mis_ops.to_list())).group_by("operator_id").len().join(
        LQ.group_by("operator_id").len().rename({"len": "m"}), on="operator_id")
    share = share.with_columns((pl.col("m") / pl.col("len")).alias("s"))
    print(f"misuse share of misusers' lookups: median {share['s'].median():.3f}, min {share['s'].min():.4f}, max {share['s'].max():.3f}")
    print(f"misuse rows: empty purpose {j['purpose_code'].is_null().mean():.2f}, empty ref {j['authorization_ref'].is_null().mean():.2f}")
    legit = sc.filter(~pl.col("query_id").is_in(LQ["query_id"].to_list()))
    print(f"legit rows: empty purpose {legit['purpose_code'].is_null().mean():.3f}, empty ref {legit['authorization_ref'].is_null().mean():.3f}")
    # out-of-county share for county officers (legit)
    pc = P.select(pl.col("id_number").alias("subject_id_number"), pl.col("county_code").alias("sc"))
    lc = legit.join(O.select("operator_id", "county_code", "department_code", "role"), on="operator_id").join(pc, on="subject_id_number")
    cl = lc.filter(pl.col("county_code").is_not_null())
    per = cl.group_by("operator_id").agg((pl.col("sc") != pl.col("county_code")).mean().alias("out"), pl.len())
    per = per.filter(pl.col("len") >= 30)
    print(f"county officers legit out-of-county share: overall {(cl['sc'] != cl['county_code']).mean():.3f}, "
          f"per-op p10 {per['out'].quantile(0.1):.3f} p50 {per['out'].median():.3f} p90 {per['out'].quantile(0.9):.3f}")
    # volumes per role
    wk = meta_weeks = (date.fromisoformat(meta["to"]) - date.fromisoformat(meta["from"])).days / 7 + 1 / 7
    vol = sc.group_by("operator_id").len().join(O, on="operator_id")
    print("weekly lookups by role (median/p90):")
    for r in vol.group_by("role").agg((pl.col("len").median() / wk).alias("med"), (pl.col("len").quantile(0.9) / wk).alias("p90"),
                                      pl.len().alias("n")).sort("med", descending=True).rows():
        print(f"   {r[0]:20s} n={r[3]:3d} median {r[1]:7.1f} p90 {r[2]:7.1f}")
    # night / weekend
    night = ((pl.col("h") >= 21) | (pl.col("h") < 6))
    nw = legit.join(O.select("operator_id", "role"), on="operator_id").group_by("role").agg(
        night.mean().alias("night"), (pl.col("wd") >= 6).mean().alias("weekend")).sort("night", descending=True)
    print("legit night / weekend share by role (top 6):", [(a, round(b, 3), round(c, 3)) for a, b, c in nw.head(6).rows()])
    daily = sc.group_by("d").len().sort("d")
    print("daily lookups: min", daily["len"].min(), "max", daily["len"].max())
    print("sample days:", [(str(a), b) for a, b in daily.filter(pl.col("d").is_in([date(2026, 9, 18), date(2026, 9, 19), date(2026, 9, 20), date(2026, 9, 24), date(2026, 9, 25), date(2026, 9, 26), date(2026, 9, 28)])).rows()])
    by_month_edu = sc.join(O.select("operator_id", "department_code"), on="operator_id").filter(pl.col("department_code") == "EDU").group_by(
        pl.col("d").dt.strftime("%Y-%m-%d").str.slice(0, 7)).len().sort("d")
    print("EDU lookups per month:", by_month_edu.rows())
    big = legit.filter(pl.col("authorization_ref").is_not_null()).group_by("operator_id", "authorization_ref", "d").len().filter(pl.col("len") >= 100)
    print(f"batch runs (>=100 lookups under one ref in a day): {len(big)}; largest {big['len'].max()}")
    rep = legit.group_by("operator_id", "subject_id_number").agg(pl.len(), pl.col("authorization_ref").n_unique().alias("refs"))
    print(f"legit repeats: pairs with >=10 lookups {int((rep['len'] >= 10).sum())}, max {rep['len'].max()}")
    print("channels:", sc["channel"].value_counts(sort=True).rows())
    print("PROBLEMS:", problems if problems else "none")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
