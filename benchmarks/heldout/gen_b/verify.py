#!/usr/bin/env python3
"""Sanity checks for a gen_b output directory: python verify.py DIR"""
import json
import sys

import polars as pl

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHK = "10X98765432"
HIST = {"411602": {"412701"}, "411603": {"412727", "411626"}, "411621": {"412721"}, "411622": {"412722"},
        "411623": {"412723"}, "411624": {"412728"}, "411625": {"412726"}, "411627": {"412724"},
        "411628": {"412725"}, "411681": {"412702"}}


def valid(x):
    if x is None or len(x) != 18 or not x[:17].isdigit():
        return False
    return CHK[sum(int(c) * w for c, w in zip(x[:17], W)) % 11] == x[17]


def main(d):
    ok = True

    def bad(msg):
        nonlocal ok
        ok = False
        print("PROBLEM:", msg)
    P = pl.read_csv(f"{d}/persons.csv", infer_schema_length=0)
    O = pl.read_csv(f"{d}/operators.csv", infer_schema_length=0)
    Q = pl.read_csv(f"{d}/query_log.csv", infer_schema_length=0)
    L = pl.read_csv(f"{d}/labels.csv", infer_schema_length=0)
    LQ = pl.read_csv(f"{d}/label_queries.csv", infer_schema_length=0)
    meta = json.load(open(f"{d}/meta.json"))
    print(f"persons {P.height}  operators {O.height}  lookups {Q.height}  episodes {L.height}  "
          f"misuse lookups {LQ.height}  meta {meta}")
    # persons
    ids = P["id_number"].to_list()
    if len(set(ids)) != len(ids):
        bad("duplicate person ids")
    nbad = sum(not valid(x) for x in ids)
    if nbad:
        bad(f"{nbad} person ids with bad check char")
    g_bad = sum(((int(x[16]) % 2 == 1) != (g == "M")) for x, g in zip(ids, P["gender"].to_list()))
    b_bad = sum(x[6:14] != b.replace("-", "") for x, b in zip(ids, P["birth_date"].to_list()))
    r_bad = sum(not r.startswith(c) or len(r) != 12 for r, c in zip(P["residence_code"].to_list(),
                                                                     P["county_code"].to_list()))
    if g_bad or b_bad or r_bad:
        bad(f"gender {g_bad} birth {b_bad} residence {r_bad} mismatches")
    # region-code era rule (for persons whose ID region is their county's)
    era_bad = 0
    for x, c in zip(ids, P["county_code"].to_list()):
        reg, y = x[:6], int(x[6:10])
        if reg in HIST[c] or reg == c:
            if y < 2000 and reg not in HIST[c]:
                era_bad += 1
            if y >= 2000 and reg in HIST[c] and reg != "411626":
                era_bad += 1
    if era_bad:
        bad(f"{era_bad} region/era mismatches")
    own_region = sum(x[:6] in HIST[c] or x[:6] == c for x, c in zip(ids, P["county_code"].to_list())) / len(ids)
    print(f"persons: sensitive {P['sensitive'].cast(int).sum()}, ID region = own county {own_region:.3f}, "
          f"compound surnames {sum(len(n) >= 3 and n[:2] in ('欧阳','司马','诸葛','上官','东方','皇甫','公孙','令狐','夏侯','尉迟') for n in P['name'].to_list())}")
    # operators
    if O["operator_id"].n_unique() != O.height:
        bad("duplicate operator ids")
    pset = set(ids)
    miss = [x for x in O["id_number"].to_list() if x not in pset]
    if miss:
        bad(f"{len(miss)} operator id_numbers not in persons")
    # query log
    if Q["query_id"].n_unique() != Q.height:
        bad("duplicate query ids")
    if not set(Q["operator_id"].unique().to_list()) <= set(O["operator_id"].to_list()):
        bad("unknown operator in log")
    ts = Q["queried_at"]
    if ts.str.len_chars().min() != 19 or ts.str.len_chars().max() != 19:
        bad("bad timestamps")
    Q = Q.with_columns(pl.col("queried_at").str.strptime(pl.Datetime, "%Y-%m-%dT%H:%M:%S").alias("t"))
    lab = set(LQ["query_id"].to_list())
    Q = Q.with_columns(pl.col("query_id").is_in(list(lab)).alias("mis"))
    if len(lab) != LQ.height or not lab <= set(Q["query_id"].to_list()):
        bad("label_queries not unique / not in log")
    # label consistency
    lq = LQ.join(Q.select("query_id", "t"), on="query_id")
    agg = lq.group_by("operator_id", "kind").agg(pl.len().alias("n"), pl.col("t").min().alias("a"),
                                                 pl.col("t").max().alias("b"))
    lsum = L.with_columns(pl.col("n_lookups").cast(int)).group_by("operator_id", "kind").agg(
        pl.col("n_lookups").sum())
    j = agg.join(lsum, on=["operator_id", "kind"], how="full")
    if j.filter(pl.col("n") != pl.col("n_lookups")).height:
        bad("labels n_lookups disagree with label_queries")
    frm, to = meta["from"], meta["to"]
    if (L["first_at"].min() < frm) or (L["last_at"].max()[:10] > to):
        bad("label outside range")
    print("\nlabels per kind (episodes, lookups):")
    print(L.with_columns(pl.col("n_lookups").cast(int)).group_by("kind").agg(
        pl.len().alias("episodes"), pl.col("n_lookups").sum().alias("lookups")).sort("kind"))
    # subjects
    Q = Q.with_columns(pl.col("subject_id_number").is_in(ids).alias("known"))
    legit = Q.filter(~pl.col("mis"))
    print(f"\nlegit: subject not in persons {1 - legit['known'].mean():.4f}; "
          f"invalid check {sum(not valid(x) for x in legit['subject_id_number'].to_list()) / legit.height:.5f}; "
          f"empty purpose {legit['purpose_code'].is_null().mean():.4f}; empty ref {legit['authorization_ref'].is_null().mean():.4f}")
    # volume skew
    vol = Q.group_by("operator_id").len().sort("len", descending=True)
    tot = Q.height
    print(f"top-7 operators share {vol['len'].head(7).sum() / tot:.3f}; operators with <20 lookups: "
          f"{(vol['len'] < 20).sum() + O.height - vol.height}; median {vol['len'].median()}")
    # cross-county shares per department (county-level operators, legit, known subjects)
    Pc = P.select(pl.col("id_number").alias("subject_id_number"), pl.col("county_code").alias("sc"))
    X = legit.filter("known").join(O.select("operator_id", "department_code", "county_code"), on="operator_id") \
        .join(Pc, on="subject_id_number")
    cc = X.filter(pl.col("county_code").is_not_null()).group_by("department_code").agg(
        (pl.col("sc") != pl.col("county_code")).mean().round(3).alias("cross_share"), pl.len().alias("n")).sort("cross_share")
    print("\nlegit cross-county share of county-level operators by department:")
    print(cc.to_pandas().to_string(index=False))
    # misuse share per misuser
    per = Q.filter(pl.col("operator_id").is_in(L["operator_id"].unique().to_list())).group_by("operator_id").agg(
        pl.col("mis").sum().alias("mis"), pl.len().alias("all")).with_columns(
        (pl.col("mis") / pl.col("all")).round(3).alias("share")).sort("share", descending=True)
    print("\nmisuse share per misuser (max, median):", per["share"].max(), per["share"].median())
    print(per.head(6))
    # time of day
    h = Q.with_columns(pl.col("t").dt.hour().alias("h"), pl.col("t").dt.weekday().alias("wd"))
    print("\nnight (22-06) share legit:", round(h.filter(~pl.col("mis")).select(((pl.col("h") >= 22) | (pl.col("h") < 6)).mean()).item(), 4),
          " weekend share legit:", round(h.filter(~pl.col("mis")).select((pl.col("wd") >= 6).mean()).item(), 4))
    refs = legit.filter(pl.col("authorization_ref").is_not_null()).group_by("authorization_ref", "operator_id").len()
    print("refs with >=20 lookups:", refs.filter(pl.col("len") >= 20).height, "; >=300:",
          refs.filter(pl.col("len") >= 300).height, "; refs reused 2-10x:",
          refs.filter((pl.col("len") >= 2) & (pl.col("len") <= 10)).height)
    print("\nOK" if ok else "\nPROBLEMS FOUND")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
